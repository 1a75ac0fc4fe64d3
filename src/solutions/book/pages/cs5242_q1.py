"""Page values for CS5242 HW5 Q1.

Computed in solutions.answers.label_changing_augmentation (Q1.1) and solutions.answers.view_invariance (Q1.2).
The digit classifiers' readings are the stored results ``q1-digit-readings`` and, for the halves
of the test 8s, ``q1-half-crops`` (computed by ``solutions run NAME``, never here).
"""

from __future__ import annotations

from functools import cache

from solutions.answers import label_changing_augmentation as lca
from solutions.book.claims import Claim
from solutions.book.render import markdown_table
import itertools

CROP_SIZES = lca.CROP_SIZES  # crop windows (of 8×8) for the crop table; 4 is the aggressive one
HORSES_SHOWN = (0, 3, 7, 20)  # which training horses the Q1.2 figure shows
NAMES = {
    "shift": f"shift by ≤ {lca.SHIFT_PIXELS} pixel",
    "rotation": f"rotation ≤ {lca.MAX_ROTATION:g}°",
    "elastic": "mild elastic",
    "rot180": "rotation 180°",
    "flip_h": "flip left–right",
    "flip_v": "flip top–bottom",
    "none": "none",
}


def pct(x: float) -> float:
    """A share as a percentage (Python float, for ``{glue:text}`key:.1f```)."""
    return float(100 * x)


@cache
def readings() -> lca.Readings:
    """The stored readings of the digit classifiers (never computed here)."""
    from solutions.experiments import names, registry

    return lca.Readings.from_arrays(registry.load(names.Q1_READINGS).arrays)


def _interval(s: lca.Share) -> str:
    return f"{pct(s.value):.1f}% [{pct(s.low):.1f}, {pct(s.high):.1f}]"


def _change(c: lca.Change) -> str:
    return f"{pct(c.delta):+.1f} [{pct(c.low):+.1f}, {pct(c.high):+.1f}] {c.arrow}"


def judged_table(style: str = "latex") -> str:
    body = []
    for t in lca.SAFE + lca.HARMFUL:
        j = lca.judged(readings(), t)
        seen = ", ".join(NAMES[s] for s in lca.SAFE if s != t)
        a, b, share = j.largest_swap
        body.append(
            [
                NAMES[t],
                seen,
                f"{pct(j.untouched.value):.1f}%",
                _interval(j.accuracy),
                ", ".join(map(str, j.kept_classes)) or "none",
                f"{a}→{b} ({pct(share):.0f}% of the {a}s)",
                ", ".join(f"{x}→{y} ({n})" for x, y, n in j.top_confusions[:3]),
            ]
        )
    return markdown_table(
        [
            "transformation of every test digit",
            "its judge was trained with",
            "judge on untouched digits",
            f"judge on transformed digits [{lca.INTERVAL}%]",
            f"classes still read right (≥ {pct(lca.KEPT):.0f}%)",
            "largest swap",
            "most common confusions (true→read, count)",
        ],
        body,
        style,
    )


def crop_table(style: str = "latex") -> str:
    body = []
    for size in CROP_SIZES:
        c = lca.crop_effect(readings(), 8, size)
        others = [k for k in c.ranked if k != 8][:3]
        body.append(
            [
                f"{size}×{size} ({pct(size * size / 64):.0f}% of the area)",
                f"{c.digits} × {c.positions} = {c.crops}",
                _interval(c.readings[8]),
                f"{pct(c.kept_worst):.0f}% – {pct(c.kept_best):.0f}%",
                ", ".join(f"{k}: {_interval(c.readings[k])}" for k in others),
                f"{_interval(c.readings[3])}; {_interval(c.readings[0])}",
            ]
        )
    return markdown_table(
        [
            "window of an 8, resized to 8×8",
            "crops (digits × positions)",
            f"still read as 8 [{lca.INTERVAL}%]",
            "still 8: worst – best position",
            "most common other readings",
            "read as 3; as 0",
        ],
        body,
        style,
    )


def augmentation_table(style: str = "latex") -> str:
    body = []
    for a in ("none",) + lca.SAFE + lca.HARMFUL:
        tw = lca.train_with(readings(), a)
        body.append(
            [NAMES[a], _interval(tw.accuracy), _change(tw.change), _change(tw.change_on[6]), _change(tw.change_on[9])]
        )
    return markdown_table(
        [
            "trained with (label kept)",
            f"accuracy on untouched test digits [{lca.INTERVAL}%]",
            "change from none (points)",
            "… on 6s",
            "… on 9s",
        ],
        body,
        style,
    )


def glyph_table(style: str = "latex") -> str:
    body = [
        [
            f"{m.transform}({m.source})",
            m.target,
            f"{m.iou:.2f}",
            f"{m.iou_untransformed:.2f}",
            f"{m.baseline_mean:.2f}",
            f"{m.baseline_max:.2f}",
        ]
        for m in lca.glyph_matches()
    ]
    return markdown_table(
        [
            "transformed glyph",
            "compared with",
            "IoU",
            "IoU before the transform",
            "IoU with other letters: mean",
            "… max",
        ],
        body,
        style,
    )


def answer_values() -> dict[str, object]:
    """The answer box's keys only: the judged transforms, the 6→9 swap, the crops, the b/d glyphs.

    (No figures, no horses and no augmented training: the keys :func:`values` shares with this.)
    """
    r = readings()
    judged = {t: lca.judged(r, t) for t in lca.SAFE + lca.HARMFUL}
    crop = lca.crop_effect(r, 8, CROP_SIZES[0])
    beats = lca.read_more_often(crop)  # readings above both 3 and 0, most common first
    harmful = [judged[t].accuracy.value for t in lca.HARMFUL]  # point estimates, not bounds
    return {
        "q1_max_rotation": int(lca.MAX_ROTATION),
        "q1_six_to_nine": pct(lca.swap(r, 6, 9).share_after),
        "q1_iou_bd": lca.glyph_match("flip_h", "b", "d").iou,
        "q1_crop_size": crop.size,
        "q1_crop_positions": crop.positions,
        "q1_crop_first": beats[0] if beats else "none",
        "q1_crop_as_8": pct(crop.readings[8].value),
        "q1_rotation_accuracy": pct(judged["rotation"].accuracy.value),
        "q1_elastic_accuracy": pct(judged["elastic"].accuracy.value),
        "q1_harmful_low": pct(min(harmful)),
        "q1_harmful_high": pct(max(harmful)),
    }


def half_values() -> dict[str, object]:
    """The halves of the test 8s, read by the crops' judge (stored: ``q1-half-crops``)."""
    from solutions.experiments import names, registry

    halves = lca.half_readings(registry.load(names.Q1_HALVES).arrays, registry.RESULTS[names.Q1_HALVES].config.digit)
    right = halves["right"].most_common_other
    return {
        "q1_half_top_0": pct(halves["top"].share(0)),
        "q1_half_bottom_0": pct(halves["bottom"].share(0)),
        "q1_half_left_3": pct(halves["left"].share(3)),
        "q1_half_right_first": right,
        "q1_half_right_first_share": pct(halves["right"].share(right)),
    }


def claim_values() -> dict[str, object]:
    """What the typed sentences rest on, beyond the glued values (cheap: stored readings)."""
    r = readings()
    every = tuple(range(lca.CLASSES))
    crops = [lca.crop_effect(r, 8, size).readings[8].value for size in CROP_SIZES]
    matches = lca.glyph_matches()
    return {
        "q1_safe_keep_every_class": all(lca.judged(r, t).kept_classes == every for t in ("rotation", "elastic")),
        "q1_crop_beats": bool(lca.read_more_often(lca.crop_effect(r, 8, CROP_SIZES[0]))),
        "q1_crops_keep_more": all(a < b for a, b in itertools.pairwise(crops)),
        "q1_iou_margin": min(m.iou - m.baseline_max for m in matches),
        "q1_trained_shift_arrow": lca.train_with(r, "shift").change.arrow,
        "q1_mw_far_above": all(
            m.iou > 2 * m.baseline_max for m in matches if (m.transform, m.source, m.target) == ("flip_v", "M", "W")
        ),
    }


def values() -> dict[str, object]:
    # Imported here: the figures (and the torch behind the horses) are not needed by show().
    from solutions.book import figures
    from solutions.experiments import registry

    d = lca.digits()
    r = readings()
    six, nine = lca.swap(r, 6, 9), lca.swap(r, 9, 6)
    judged = {t: lca.judged(r, t) for t in lca.SAFE + lca.HARMFUL}
    shift_from, shift_to, shift_share = judged["shift"].largest_swap
    crop = lca.crop_effect(r, 8, CROP_SIZES[0])
    beats = lca.read_more_often(crop)  # readings above both 3 and 0, most common first
    matches = {(m.transform, m.source, m.target): m for m in lca.glyph_matches()}
    trained = {a: lca.train_with(r, a) for a in ("none", "rot180", "flip_v")}
    horses = registry.horses()
    return {
        **answer_values(),
        **half_values(),
        **claim_values(),
        "q1_side": lca.DIGIT_SIDE,
        "q1_shift_px": lca.SHIFT_PIXELS,
        "q1_elastic_px": lca.ELASTIC_ALPHA,
        "q1_interval": lca.INTERVAL,
        "q1_resamples": lca.RESAMPLES,
        "q1_kept": pct(lca.KEPT),
        "q1_train_digits": len(d.y_train),
        "q1_test_digits": len(d.y_test),
        "q1_untouched_min": pct(min(j.untouched.value for j in judged.values())),
        "q1_untouched_max": pct(max(j.untouched.value for j in judged.values())),
        "q1_shift_accuracy": pct(judged["shift"].accuracy.value),
        "q1_shift_low": pct(judged["shift"].accuracy.low),
        "q1_shift_high": pct(judged["shift"].accuracy.high),
        "q1_shift_from": shift_from,
        "q1_shift_to": shift_to,
        "q1_shift_swap": pct(shift_share),
        "q1_edge_share": pct(lca.touching_edge(d.x_train)),
        "q1_rotation_low": pct(judged["rotation"].accuracy.low),
        "q1_elastic_low": pct(judged["elastic"].accuracy.low),
        "q1_rot_accuracy": pct(judged["rot180"].accuracy.value),
        "q1_flip_h_accuracy": pct(judged["flip_h"].accuracy.value),
        "q1_flip_v_accuracy": pct(judged["flip_v"].accuracy.value),
        "q1_n_six": six.count,
        "q1_n_nine": nine.count,
        "q1_six_to_nine_low": pct(six.after.low),
        "q1_six_to_nine_before": pct(six.share_before),
        "q1_nine_to_six": pct(nine.share_after),
        "q1_nine_to_six_low": pct(nine.after.low),
        "q1_nine_to_six_before": pct(nine.share_before),
        "q1_judged_table": judged_table(),
        "q1_n_eight": crop.digits,
        "q1_crops": crop.crops,
        "q1_crop_as_8_low": pct(crop.readings[8].low),
        "q1_crop_as_8_high": pct(crop.readings[8].high),
        "q1_crop_worst": pct(crop.kept_worst),
        "q1_crop_best": pct(crop.kept_best),
        "q1_crop_first_share": pct(crop.readings[beats[0]].value) if beats else 0.0,
        "q1_crop_as_3": pct(crop.readings[3].value),
        "q1_crop_as_0": pct(crop.readings[0].value),
        "q1_crop_table": crop_table(),
        "q1_trained_none": pct(trained["none"].accuracy.value),
        "q1_trained_rot": pct(trained["rot180"].accuracy.value),
        "q1_trained_rot_change_low": pct(trained["rot180"].change.low),
        "q1_trained_rot_change_high": pct(trained["rot180"].change.high),
        "q1_trained_rot_six_low": pct(trained["rot180"].change_on[6].low),
        "q1_trained_rot_six_high": pct(trained["rot180"].change_on[6].high),
        "q1_trained_flip_v": pct(trained["flip_v"].accuracy.value),
        "q1_trained_flip_v_change_low": pct(trained["flip_v"].change.low),
        "q1_trained_flip_v_change_high": pct(trained["flip_v"].change.high),
        "q1_augmentation_table": augmentation_table(),
        "q1_glyph_table": glyph_table(),
        "q1_glyph_size": lca.GLYPH_SIZE,
        "q1_iou_self": lca.iou(lca.glyph("b"), lca.glyph("b")),
        "q1_iou_bd_before": matches["flip_h", "b", "d"].iou_untransformed,
        "q1_iou_bp": matches["flip_v", "b", "p"].iou,
        "q1_iou_bq": matches["rot180", "b", "q"].iou,
        "q1_iou_nu": matches["rot180", "n", "u"].iou,
        "q1_iou_mw": matches["flip_v", "M", "W"].iou,
        "q1_iou_baseline_mean": matches["flip_h", "b", "d"].baseline_mean,
        "q1_judged_fig": figures.judged_figure([judged[t] for t in lca.SAFE + lca.HARMFUL], crop),
        "q1_digits_fig": figures.digits_figure(r),
        "q1_glyphs_fig": figures.glyphs_figure(),
        "q1_horses_fig": figures.views_figure(horses.x_train[list(HORSES_SHOWN)]),
        "q1_horse_note": horses.description,
    }


# Typed sentences whose direction words define what a glued number is, or state a method.
DEFINITIONS = (
    "elastic distortion moving no pixel by more than",
    "Every share below has a",
    "of the 8s at the worst position",
    "The most common reading that beats both 3 and 0",
)

# The typed sentences of the page about the stored readings, each with what makes it true.
CLAIMS = (
    Claim(
        "digits keep their label only",
        lambda q1_harmful_high, q1_rotation_accuracy, q1_elastic_accuracy: (
            q1_harmful_high < 50 < min(q1_rotation_accuracy, q1_elastic_accuracy)
        ),
    ),
    Claim(
        "mild elastic distortion ({glue:text}`q1_elastic_accuracy:.1f` %) mostly keep it",
        lambda q1_safe_keep_every_class: q1_safe_keep_every_class,
    ),
    Claim("still read as 8 only", lambda q1_crop_as_8: q1_crop_as_8 < 50),
    Claim("more often as {glue:text}`q1_crop_first` than as 3 or 0", lambda q1_crop_beats: q1_crop_beats),
    Claim("matches a d pixel for pixel", lambda q1_iou_bd: q1_iou_bd == 1.0),
    Claim(
        "from at least {glue:text}`q1_untouched_min:.1f`% on untouched digits",
        lambda q1_flip_h_accuracy, q1_flip_v_accuracy, q1_rot_accuracy, q1_untouched_min: (
            max(q1_flip_h_accuracy, q1_flip_v_accuracy, q1_rot_accuracy) < q1_untouched_min
        ),
    ),
    Claim("keep every class above", lambda q1_safe_keep_every_class: q1_safe_keep_every_class),
    Claim(
        "A judge that never saw a shift reads only",
        lambda q1_shift_accuracy, q1_untouched_min: q1_shift_accuracy < q1_untouched_min,
    ),
    Claim("training with them costs nothing here", lambda q1_trained_shift_arrow: q1_trained_shift_arrow != "↓"),
    Claim("Larger windows keep more", lambda q1_crops_keep_more: q1_crops_keep_more),
    Claim(
        "on untouched digits is small",
        lambda q1_trained_rot_change_low, q1_trained_flip_v_change_low: (
            min(q1_trained_rot_change_low, q1_trained_flip_v_change_low) > -3
        ),
    ),
    Claim("d to the pixel", lambda q1_iou_bd: q1_iou_bd == 1.0),
    Claim("still far above its overlap with other", lambda q1_mw_far_above: q1_mw_far_above),
    Claim("more than any unrelated letter", lambda q1_iou_margin: q1_iou_margin > 0),
    Claim(
        "All three are borne out",
        lambda q1_six_to_nine, q1_iou_bd, q1_crop_as_8, q1_half_top_0, q1_half_left_3: (
            q1_six_to_nine > 50 and q1_iou_bd == 1.0 and q1_crop_as_8 < 50 and min(q1_half_top_0, q1_half_left_3) >= 20
        ),
    ),
    Claim("give a 3 or a 0 less often than", lambda q1_crop_beats: q1_crop_beats),
    Claim("mostly stops being an 8", lambda q1_crop_as_8: q1_crop_as_8 < 50),
    Claim("their right half mostly as", lambda q1_half_right_first_share: q1_half_right_first_share > 50),
)


def show(style: str = "text") -> str:
    return "\n\n".join([judged_table(style), crop_table(style), augmentation_table(style), glyph_table(style)])
