"""Page values for CS5242 HW5 Q4; computed in solutions.answers.bias_variance."""

from __future__ import annotations

from functools import lru_cache

from solutions.answers import bias_variance as bv
from solutions.book import figures
from solutions.book.render import markdown_table
from solutions.experiments import registry

# The question's four changes, in its order: (number, the change, the sweep that measures it).
CHANGES = (("(1)", "weight decay λ ↑", "weight_decay"), ("(2)", "hidden units per layer ↑", "width"),
           ("(3)", "dropout rate in training ↑", "dropout"),
           ("(4)", "training points n ↑ (same distribution)", "n_train"))
SHORT = {"weight_decay": "wd", "width": "width", "dropout": "dropout", "n_train": "n"}


@lru_cache(maxsize=None)
def sweeps() -> dict[str, bv.Sweep]:
    """Every sweep, analysed from the stored predictions (the ensembles are trained by
    ``solutions run q4-<sweep>``; the page never trains)."""
    out = {}
    for name in bv.SWEEPS:
        config, predictions = registry.q4_predictions(name)
        exp = config.experiment
        out[name] = bv.summarise(name, config.values, list(predictions),
                                 bv.target(bv.grid_points(exp)), exp.resamples, exp.seed)
    return out


def _pm(e: bv.Estimate) -> str:
    return f"{e.value:.4f} ± {e.std:.4f}"


def _setting(name: str, value: float) -> str:
    return f"{value:g}" if name in ("weight_decay", "dropout") else f"{int(value)}"


def measured_table(style: str = "latex") -> str:
    body = []
    for number, change, name in CHANGES:
        for p in sweeps()[name].points:
            body.append([f"{number} {bv.LABELS[name]}", _setting(name, p.value), _pm(p.bias2),
                         _pm(p.variance)])
    return markdown_table(["sweep", "setting", "bias² ± sd", "variance ± sd"], body, style)


def _trend_text(name: str, t: bv.Trend) -> str:
    """e.g. '↓ then ↑ (turns at 16)'; the arrow alone when monotone within the noise."""
    if t.turn is None:
        return t.arrows
    return f"{t.arrows} (turns at {_setting(name, sweeps()[name].points[t.turn].value)})"


def _verdict(textbook: str, trend: bv.Trend) -> str:
    if trend.turn is not None:
        return "departs: not monotone"
    return "agrees" if trend.arrows == textbook else "departs"


def answer_table(style: str = "latex") -> str:
    body = []
    for number, change, name in CHANGES:
        sw, (tb_bias, tb_var) = sweeps()[name], bv.TEXTBOOK[name]
        first, last = sw.points[0], sw.points[-1]
        span = f"{_setting(name, first.value)} → {_setting(name, last.value)}"
        body.append([f"{number} {change}", span,
                     f"{tb_bias} / {tb_var}",
                     f"{_trend_text(name, sw.bias2)} ({first.bias2.value:.4f} → {last.bias2.value:.4f})",
                     f"{_trend_text(name, sw.variance)} "
                     f"({first.variance.value:.4f} → {last.variance.value:.4f})",
                     f"bias² {_verdict(tb_bias, sw.bias2)}; variance {_verdict(tb_var, sw.variance)}"])
    return markdown_table(["change", "swept", "textbook bias / variance", "measured bias²",
                           "measured variance", "measurement vs textbook"], body, style)


def _sweep_values(name: str) -> dict[str, object]:
    sw, s = sweeps()[name], SHORT[name]
    first, last = sw.points[0], sw.points[-1]
    out: dict[str, object] = {
        f"q4_{s}_first": _setting(name, first.value), f"q4_{s}_last": _setting(name, last.value),
        f"q4_{s}_bias_first": first.bias2.value, f"q4_{s}_bias_last": last.bias2.value,
        f"q4_{s}_var_first": first.variance.value, f"q4_{s}_var_last": last.variance.value,
        f"q4_{s}_bias_arrow": _trend_text(name, sw.bias2),
        f"q4_{s}_var_arrow": _trend_text(name, sw.variance),
        f"q4_{s}_bias_change_low": sw.bias2.overall.low, f"q4_{s}_bias_change_high": sw.bias2.overall.high,
        f"q4_{s}_var_change_low": sw.variance.overall.low,
        f"q4_{s}_var_change_high": sw.variance.overall.high,
    }
    for key, trend in (("var", sw.variance), ("bias", sw.bias2)):
        if trend.turn is not None:
            turn = sw.points[trend.turn]
            out[f"q4_{s}_{key}_turn_at"] = _setting(name, turn.value)
            out[f"q4_{s}_{key}_turn_value"] = (turn.variance if key == "var" else turn.bias2).value
    return out


def _width_story() -> str:
    """What the width sweep's variance does, in words generated from the measurement."""
    sw = sweeps()["width"]
    t = sw.variance
    if t.turn is None:
        return (f"The variance goes {t.arrows} from {_setting('width', sw.points[0].value)} to "
                f"{_setting('width', sw.points[-1].value)} hidden units, without a turn outside the noise.")
    turn = sw.points[t.turn]
    return (f"The variance is not monotone in the width: it goes {t.before.arrow} from "
            f"{sw.points[0].variance.value:.4f} ({_setting('width', sw.points[0].value)} unit) to "
            f"{turn.variance.value:.4f} ({_setting('width', turn.value)} units), then {t.after.arrow} to "
            f"{sw.points[-1].variance.value:.4f} ({_setting('width', sw.points[-1].value)} units); "
            f"both changes are outside the 90% bootstrap interval.")


def _more_data_verdict() -> str:
    """Whether (4)'s "bias unchanged" holds within the noise of this measurement."""
    t = sweeps()["n_train"].bias2
    if t.arrows == "≈":
        return "within the noise the bias² is unchanged, as the textbook answer says"
    return (f"the bias² changes outside the noise ({t.arrows}): the textbook's \"unchanged\" "
            "is about the model class, not about the trained networks")


def values() -> dict[str, object]:
    exp, base = bv.Experiment(), bv.Setting()
    sw = sweeps()
    width = sw["width"]
    trough = width.variance.turn if width.variance.turn is not None else len(width.points) // 2
    out: dict[str, object] = {
        "q4_noise_sd": exp.noise_sd, "q4_noise_var": exp.noise_sd ** 2,
        "q4_members": exp.members, "q4_steps": exp.steps, "q4_lr": exp.lr, "q4_grid": exp.grid,
        "q4_resamples": exp.resamples, "q4_interval": bv.INTERVAL,
        "q4_base_n": base.n_train, "q4_base_width": base.width,
        "q4_settings": sum(len(s.points) for s in sw.values()),
        "q4_networks": sum(len(s.points) for s in sw.values()) * exp.members,
        "q4_measured_table": measured_table(),
        "q4_answer_table": answer_table(),
        "q4_width_story": _width_story(),
        "q4_more_data_verdict": _more_data_verdict(),
        "q4_sweeps_fig": figures.sweeps_figure(sw),
        "q4_fits_fig": figures.fits_figure(width, (0, trough, len(width.points) - 1), exp),
    }
    for name in bv.SWEEPS:
        out.update(_sweep_values(name))
    return out


def show(style: str = "text") -> str:
    return answer_table(style) + "\n\n" + measured_table(style)
