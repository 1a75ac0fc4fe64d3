"""Page values for CS5242 HW5 Q1.

Computed in solutions.answers.label_changing_augmentation (Q1.1) and solutions.answers.view_invariance (Q1.2).
"""

from __future__ import annotations

from solutions.answers import label_changing_augmentation as lca
from solutions.book import figures
from solutions.experiments import registry
from solutions.book.render import markdown_table

CROP_SIZES = (4, 5, 6)         # crop windows (of 8×8) for the crop table; 4 is the aggressive one
HORSES_SHOWN = (0, 3, 7, 20)   # which training horses the Q1.2 figure shows
HARMFUL = ("rot180", "flip_h", "flip_v")
NAMES = {"rot180": "rotation 180°", "flip_h": "flip left–right", "flip_v": "flip top–bottom"}


def pct(x: float) -> float:
    """A share as a percentage (Python float, for ``{glue:text}`key:.1f```)."""
    return float(100 * x)


def _readings(shares: tuple[float, ...], top: int = 3) -> str:
    order = sorted(range(len(shares)), key=lambda k: -shares[k])[:top]
    return ", ".join(f"{k} ({pct(shares[k]):.1f}%)" for k in order)


def flip_table(style: str = "latex") -> str:
    body = []
    for t in HARMFUL:
        e = lca.flip_effect(t)
        body.append([NAMES[t], f"{pct(e.accuracy):.1f}%",
                     ", ".join(f"{a}→{b} ({n})" for a, b, n in e.top_confusions),
                     ", ".join(str(k) for k, s in enumerate(e.kept_per_class) if s >= 0.8)])
    return markdown_table(["transform of every test digit", "judge's accuracy",
                           "most common confusions (true→read, count)",
                           "classes still read right (≥ 80%)"], body, style)


def crop_table(style: str = "latex") -> str:
    body = []
    for size in CROP_SIZES:
        c = lca.crop_effect(8, size)
        body.append([f"{size}×{size} ({pct(size * size / 64):.0f}% of the area)", c.crops,
                     f"{pct(c.predicted[8]):.1f}%", _readings(c.predicted)])
    return markdown_table(["crop of an 8, resized to 8×8", "crops", "still read as 8",
                           "most common readings"], body, style)


def augmentation_table(style: str = "latex") -> str:
    safe = lca.safe_accuracies()
    rows = [("none", "none", safe["none"])]
    rows += [(name, name, safe[name]) for name in safe if name != "none"]
    rows += [(NAMES[t], t, None) for t in HARMFUL]
    body = []
    for label, key, judged in rows:
        tw = lca.train_with(key)
        judged_text = "—" if judged is None else f"{pct(judged):.1f}%"
        if key in HARMFUL:
            judged_text = f"{pct(lca.flip_effect(key).accuracy):.1f}%"
        body.append([label, judged_text, f"{pct(tw.accuracy):.1f}%", f"{pct(tw.per_class[6]):.1f}%",
                     f"{pct(tw.per_class[9]):.1f}%"])
    return markdown_table(["augmentation", "judge's accuracy on augmented test digits",
                           "trained with it (label kept): accuracy on untouched test digits",
                           "… on 6s", "… on 9s"], body, style)


def glyph_table(style: str = "latex") -> str:
    body = [[f"{m.transform}({m.source})", m.target, f"{m.iou:.2f}", f"{m.iou_untransformed:.2f}",
             f"{m.baseline_mean:.2f}", f"{m.baseline_max:.2f}"] for m in lca.glyph_matches()]
    return markdown_table(["transformed glyph", "compared with", "IoU",
                           "IoU before the transform", "IoU with other letters: mean",
                           "… max"], body, style)


def values() -> dict[str, object]:
    d = lca.digits()
    six, nine = lca.swap(6, 9), lca.swap(9, 6)
    crop = lca.crop_effect(8, CROP_SIZES[0])
    matches = {(m.transform, m.source, m.target): m for m in lca.glyph_matches()}
    safe = lca.safe_accuracies()
    horses = registry.horses()
    none, rot = lca.train_with("none"), lca.train_with("rot180")
    return {
        "q1_side": lca.DIGIT_SIDE, "q1_shift_px": lca.SHIFT_PIXELS,
        "q1_max_rotation": int(lca.MAX_ROTATION), "q1_elastic_px": lca.ELASTIC_ALPHA,
        "q1_trained_none": pct(none.accuracy), "q1_trained_rot": pct(rot.accuracy),
        "q1_trained_none_six": pct(none.per_class[6]), "q1_trained_rot_six": pct(rot.per_class[6]),
        "q1_train_digits": len(d.y_train), "q1_test_digits": len(d.y_test),
        "q1_judge_accuracy": pct(lca.accuracy()),
        "q1_safe_min_accuracy": pct(min(v for k, v in safe.items() if k != "none")),
        "q1_n_six": six.count, "q1_n_nine": nine.count,
        "q1_six_to_nine": pct(six.share_after), "q1_six_to_nine_before": pct(six.share_before),
        "q1_nine_to_six": pct(nine.share_after), "q1_nine_to_six_before": pct(nine.share_before),
        "q1_rot_accuracy": pct(lca.flip_effect("rot180").accuracy),
        "q1_flip_h_accuracy": pct(lca.flip_effect("flip_h").accuracy),
        "q1_flip_v_accuracy": pct(lca.flip_effect("flip_v").accuracy),
        "q1_flip_table": flip_table(),
        "q1_crop_size": CROP_SIZES[0], "q1_crops": crop.crops,
        "q1_crop_as_8": pct(crop.predicted[8]), "q1_crop_as_3": pct(crop.predicted[3]),
        "q1_crop_as_0": pct(crop.predicted[0]), "q1_crop_readings": _readings(crop.predicted),
        "q1_crop_table": crop_table(),
        "q1_augmentation_table": augmentation_table(),
        "q1_glyph_table": glyph_table(),
        "q1_glyph_size": lca.GLYPH_SIZE,
        "q1_iou_self": lca.iou(lca.glyph("b"), lca.glyph("b")),
        "q1_iou_bd": matches["flip_h", "b", "d"].iou,
        "q1_iou_bd_before": matches["flip_h", "b", "d"].iou_untransformed,
        "q1_iou_bp": matches["flip_v", "b", "p"].iou, "q1_iou_bq": matches["rot180", "b", "q"].iou,
        "q1_iou_nu": matches["rot180", "n", "u"].iou, "q1_iou_mw": matches["flip_v", "M", "W"].iou,
        "q1_iou_baseline_mean": matches["flip_h", "b", "d"].baseline_mean,
        "q1_iou_baseline_max": max(m.baseline_max for m in matches.values()),
        "q1_digits_fig": figures.digits_figure(),
        "q1_glyphs_fig": figures.glyphs_figure(),
        "q1_horses_fig": figures.views_figure(horses.x_train[list(HORSES_SHOWN)]),
        "q1_horse_note": horses.description,
    }


def show(style: str = "text") -> str:
    return "\n\n".join([flip_table(style), crop_table(style), augmentation_table(style),
                        glyph_table(style)])
