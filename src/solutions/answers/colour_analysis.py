"""Analysis of the stored colourization runs (CSC413 PA2 1(b), 2(c), 2(d)).

Pure functions of result dicts and arrays as the results store keeps them
(:func:`solutions.experiments.training.summarise`); no training, no files, no text.
"""

from __future__ import annotations

import numpy as np


def colour_evidence(result: dict, palette: np.ndarray) -> dict[str, float | int]:
    """Numbers that say what is wrong with the colours: muted colours over-predicted, vivid ones lost.

    Saturation of a palette colour = max(RGB) − min(RGB). The "vivid" colours
    are the more saturated half of the palette. Mean saturations weight each
    colour by its share of the predicted (or true) pixels.
    """
    share = result["per_colour"]
    target = np.array(share["target_share"])
    predicted = np.array(share["predicted_share"])
    saturation = palette.max(axis=1) - palette.min(axis=1)
    vivid = saturation > np.median(saturation)
    excess = predicted - target
    over, under = int(excess.argmax()), int(excess.argmin())
    return {
        "over_colour": over,
        "over_predicted_share": float(predicted[over]),
        "over_target_share": float(target[over]),
        "under_colour": under,
        "under_predicted_share": float(predicted[under]),
        "under_target_share": float(target[under]),
        "vivid_colours": int(vivid.sum()),
        "vivid_target_share": float(target[vivid].sum()),
        "vivid_predicted_share": float(predicted[vivid].sum()),
        "top3_predicted_share": float(np.sort(predicted)[-3:].sum()),
        "top3_target_share": float(np.sort(target)[-3:].sum()),
        "saturation_predicted": float((predicted * saturation).sum() / predicted.sum()),
        "saturation_target": float((target * saturation).sum() / target.sum()),
    }


def input_skip_weight_share(arrays: dict[str, np.ndarray]) -> tuple[float, float]:
    """(RMS weight on the raw greyscale input channel, mean RMS weight per other input channel)
    of the UNet's finalconv, whose input is concat(upconv2 output, greyscale input)."""
    w = arrays["weight:finalconv.weight"]           # (NC, NC + 1, k, k)
    rms = np.sqrt((w ** 2).mean(axis=(0, 2, 3)))    # per input channel
    return float(rms[-1]), float(rms[:-1].mean())


def _ranks(x: np.ndarray) -> np.ndarray:
    return np.argsort(np.argsort(x)).astype(float)


def spearman(x, y) -> float:
    """Spearman's rank correlation (no ties expected).

    >>> spearman([1, 2, 3], [10, 20, 15])
    0.5
    """
    rx, ry = _ranks(np.asarray(x)), _ranks(np.asarray(y))
    return float(np.corrcoef(rx, ry)[0, 1])
