"""Page values for CS5242 HW5 Q4; computed in solutions.answers.bias_variance."""

from __future__ import annotations

from functools import lru_cache

from solutions.answers import bias_variance as bv
from solutions.book.claims import Claim
from solutions.book.render import markdown_table
from solutions.experiments import registry

# The question's four changes, in its order: (number, the change, the sweep that measures it).
CHANGES = (
    ("(1)", "weight decay λ ↑", "weight_decay"),
    ("(2)", "hidden units per layer ↑", "width"),
    ("(3)", "dropout rate in training ↑", "dropout"),
    ("(4)", "training points n ↑ (same distribution)", "n_train"),
)


@lru_cache(maxsize=None)
def sweeps() -> dict[str, bv.Sweep]:
    """Every sweep, analysed from the stored predictions (the ensembles are trained by
    ``solutions run q4-<sweep>``; the page never trains)."""
    out = {}
    for name in bv.SWEEPS:
        config, predictions = registry.q4_predictions(name)
        exp = config.experiment
        out[name] = bv.summarise(
            name, config.values, list(predictions), bv.target(bv.grid_points(exp)), exp.resamples, exp.seed
        )
    return out


@lru_cache(maxsize=None)
def readings() -> dict[str, bv.Reading]:
    return {name: bv.read(sw) for name, sw in sweeps().items()}


def shown(x: float, places: int) -> float:
    """``x`` rounded as the page prints it, never a negative zero (``-0.0002`` at 3 places is 0.0).

    >>> shown(-0.00019, 3), shown(-0.00019, 4), shown(0.01234, 2)
    (0.0, -0.0002, 0.01)
    """
    return round(float(x), places) + 0.0  # -0.0 + 0.0 is 0.0


# How the measured directions read in words (the bottom line), from the glued arrows.
_WORDS = {"↑": "rises", "↓": "falls", "≈": "does not change measurably"}


def in_words(arrows: str) -> str:
    """A trend's arrows (``↑``, ``↓``, ``≈``, ``↓ then ↑``) in plain words.

    >>> in_words("↓ then ↑"), in_words("≈")
    ('first falls, then rises', 'does not change measurably')
    """
    parts = arrows.split(" then ")
    if len(parts) == 1:
        return _WORDS[arrows]
    return f"first {_WORDS[parts[0]]}, then {_WORDS[parts[1]]}"


def _pm(e: bv.Estimate) -> str:
    return f"{shown(e.value, 4):.4f} ± {e.std:.4f}"


def _setting(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if name in ("weight_decay", "dropout") else f"{int(value)}"


def _arrows(name: str, arrows: str, turn_at: float | None) -> str:
    return arrows if turn_at is None else f"{arrows} (turns at {_setting(name, turn_at)})"


def measured_table(style: str = "latex") -> str:
    body = []
    for number, change, name in CHANGES:
        for p in sweeps()[name].points:
            body.append([f"{number} {bv.LABELS[name]}", _setting(name, p.value), _pm(p.bias2), _pm(p.variance)])
    return markdown_table(["sweep", "setting", "bias² ± sd", "variance ± sd"], body, style)


def answer_table(style: str = "latex") -> str:
    body = []
    for number, change, name in CHANGES:
        r = readings()[name]
        body.append(
            [
                f"{number} {change}",
                f"{_setting(name, r.first)} → {_setting(name, r.last)}",
                f"{r.textbook_bias} / {r.textbook_var}",
                f"{_arrows(name, r.bias_arrows, r.bias_turn_at)} ({shown(r.bias_first, 4):.4f} → "
                f"{shown(r.bias_last, 4):.4f})",
                f"{_arrows(name, r.var_arrows, r.var_turn_at)} ({r.var_first:.4f} → {r.var_last:.4f})",
                f"bias² {r.bias_verdict}; variance {r.var_verdict}",
            ]
        )
    return markdown_table(
        [
            "change",
            "swept",
            "textbook bias / variance",
            "measured bias²",
            "measured variance",
            "measurement vs textbook",
        ],
        body,
        style,
    )


def answer_values() -> dict[str, object]:
    """The answer box's keys (the stored ensembles' estimates; no figures, no tables)."""
    exp, n_base = bv.Experiment(), bv.BASES["n_train"]
    wd, wi, dr, n = (readings()[k] for k in ("weight_decay", "width", "dropout", "n_train"))
    return {
        "q4_members": exp.members,
        "q4_n_base_width": n_base.width,
        "q4_wd_bias_words": in_words(wd.bias_arrows),
        "q4_wd_var_words": in_words(wd.var_arrows),
        "q4_width_bias_words": in_words(wi.bias_arrows),
        "q4_width_var_words": in_words(wi.var_arrows),
        "q4_dropout_bias_words": in_words(dr.bias_arrows),
        "q4_dropout_var_words": in_words(dr.var_arrows),
        "q4_n_bias_words": in_words(n.bias_arrows),
        "q4_n_var_words": in_words(n.var_arrows),
        # bias² as the box prints it (3 places): never a negative zero
        "q4_box_wd_bias_first": shown(wd.bias_first, 3),
        "q4_box_wd_bias_last": shown(wd.bias_last, 3),
        "q4_box_width_bias_first": shown(wi.bias_first, 3),
        "q4_box_width_bias_last": shown(wi.bias_last, 3),
        "q4_box_dropout_bias_first": shown(dr.bias_first, 3),
        "q4_box_dropout_bias_last": shown(dr.bias_last, 3),
        "q4_box_n_bias_first": shown(n.bias_first, 3),
        "q4_box_n_bias_last": shown(n.bias_last, 3),
        "q4_n_bias_first": shown(n.bias_first, 4),
        "q4_wd_var_first": wd.var_first,
        "q4_wd_var_last": wd.var_last,
        "q4_width_first": _setting("width", wi.first),
        "q4_width_last": _setting("width", wi.last),
        "q4_width_var_first": wi.var_first,
        "q4_width_var_last": wi.var_last,
        "q4_width_least_at": _setting("width", wi.var_least_at),
        "q4_width_least": wi.var_least,
        "q4_dropout_var_first": dr.var_first,
        "q4_dropout_var_last": dr.var_last,
        "q4_n_var_first": n.var_first,
        "q4_n_var_last": n.var_last,
    }


def claim_values() -> dict[str, object]:
    """The measured directions the page's typed sentences rest on (cheap: no figures, no tables)."""
    base = bv.BASES["width"]
    wd, wi, dr, n = (readings()[k] for k in ("weight_decay", "width", "dropout", "n_train"))
    base_point = next(p for p in sweeps()["width"].points if p.value == base.width)
    return {
        "q4_base_bias": base_point.bias2.value,
        "q4_base_bias_sd": base_point.bias2.std,
        "q4_wd_bias_arrow": wd.bias_arrows,
        "q4_wd_var_arrow": wd.var_arrows,
        "q4_dropout_bias_arrow": dr.bias_arrows,
        "q4_dropout_var_arrow": dr.var_arrows,
        "q4_n_var_arrow": n.var_arrows,
        "q4_width_bias_first": shown(wi.bias_first, 4),
        "q4_width_to_least_arrow": wi.var_to_least.arrow,
        "q4_width_from_least_arrow": wi.var_from_least.arrow,
        # the textbook directions the measurement departs from, e.g. "width variance"
        "q4_departs": ", ".join(
            f"{name} {what}"
            for _, _, name in CHANGES
            for what, v in (("bias", readings()[name].bias_verdict), ("variance", readings()[name].var_verdict))
            if v != "agrees"
        ),
    }


def values() -> dict[str, object]:
    from solutions.book import figures  # matplotlib only where the figures are drawn

    exp, base = bv.Experiment(), bv.BASES["width"]
    sw = sweeps()
    wd, wi, dr, n = (readings()[k] for k in ("weight_decay", "width", "dropout", "n_train"))
    width = sw["width"]
    verdicts = [v for _, _, name in CHANGES for v in (readings()[name].bias_verdict, readings()[name].var_verdict)]
    return {
        **answer_values(),
        **claim_values(),
        "q4_noise_sd": exp.noise_sd,
        "q4_noise_var": exp.noise_sd**2,
        "q4_steps": exp.steps,
        "q4_lr": exp.lr,
        "q4_grid": exp.grid,
        "q4_resamples": exp.resamples,
        "q4_interval": bv.INTERVAL,
        "q4_base_n": base.n_train,
        "q4_base_width": base.width,
        "q4_settings": sum(len(s.points) for s in sw.values()),
        "q4_networks": sum(len(s.points) for s in sw.values()) * exp.members,
        "q4_measured_table": measured_table(),
        "q4_answer_table": answer_table(),
        "q4_agree": verdicts.count("agrees"),
        "q4_directions": len(verdicts),
        # (1) weight decay
        "q4_wd_first": _setting("weight_decay", wd.first),
        "q4_wd_last": _setting("weight_decay", wd.last),
        "q4_wd_bias_first": shown(wd.bias_first, 4),
        "q4_wd_bias_last": shown(wd.bias_last, 4),
        # (2) width
        "q4_width_bias_arrow": wi.bias_arrows,
        "q4_width_var_arrow": wi.var_arrows,
        "q4_width_bias_last": shown(wi.bias_last, 4),
        "q4_width_to_least": wi.var_to_least.delta,
        "q4_width_to_least_low": wi.var_to_least.low,
        "q4_width_to_least_high": wi.var_to_least.high,
        "q4_width_from_least": wi.var_from_least.delta,
        "q4_width_from_least_low": wi.var_from_least.low,
        "q4_width_from_least_high": wi.var_from_least.high,
        # (3) dropout
        "q4_dropout_last": _setting("dropout", dr.last),
        "q4_dropout_bias_first": shown(dr.bias_first, 4),
        "q4_dropout_bias_last": shown(dr.bias_last, 4),
        # (4) more data
        "q4_n_first": _setting("n_train", n.first),
        "q4_n_last": _setting("n_train", n.last),
        "q4_n_bias_last": shown(n.bias_last, 4),
        "q4_n_bias_arrow": n.bias_arrows,
        "q4_n_bias_verdict": n.bias_verdict,
        "q4_n_bias_change_low": n.bias_change.low,
        "q4_n_bias_change_high": n.bias_change.high,
        "q4_sweeps_fig": figures.sweeps_figure(sw),
        "q4_fits_fig": figures.fits_figure(width, (0, width.least, len(width.points) - 1), exp),
    }


# Typed sentences whose direction words define what a glued number is, or state a method.
DEFINITIONS = (
    "(2) More hidden units: bias",
    "(4) More training data: variance",
    "**More hidden units** make the model class richer",
    "to its least,",
    "so its best possible fit",
    "(the last column of the table above)",
)

# The typed sentences of the page about the stored ensembles, each with what makes it true.
CLAIMS = (
    Claim("whose bias is not already zero", lambda q4_n_bias_first: q4_n_bias_first > 0.05),
    Claim(
        "the bias² is already about zero at",
        lambda q4_base_bias, q4_base_bias_sd: abs(q4_base_bias) < 2 * q4_base_bias_sd,
    ),
    Claim(
        "so the fit is smoother and less able to follow",
        lambda q4_wd_bias_arrow, q4_wd_var_arrow: (q4_wd_bias_arrow, q4_wd_var_arrow) == ("↑", "↓"),
    ),
    Claim(
        "a regulariser like weight decay",
        lambda q4_dropout_bias_arrow, q4_dropout_var_arrow, q4_wd_bias_arrow, q4_wd_var_arrow: (
            (q4_dropout_bias_arrow, q4_dropout_var_arrow) == (q4_wd_bias_arrow, q4_wd_var_arrow)
        ),
    ),
    Claim("averages out the noise of each training set", lambda q4_n_var_arrow: q4_n_var_arrow == "↓"),
    Claim("units on is the classical picture", lambda q4_width_from_least_arrow: q4_width_from_least_arrow == "↑"),
    Claim("Below that the variance falls instead", lambda q4_width_to_least_arrow: q4_width_to_least_arrow == "↓"),
    Claim("while the bias² is still large", lambda q4_width_bias_first: q4_width_bias_first > 0.1),
    Claim("that fall does not appear here", lambda q4_width_from_least_arrow: q4_width_from_least_arrow == "↑"),
    Claim('The one that departs is (2)\'s "variance ↑"', lambda q4_departs: q4_departs == "width variance"),
    Claim(
        "units up, while from",
        lambda q4_width_from_least_arrow, q4_width_to_least_arrow: (
            (q4_width_to_least_arrow, q4_width_from_least_arrow) == ("↓", "↑")
        ),
    ),
    Claim("is tested where the bias is not already zero", lambda q4_n_bias_first: q4_n_bias_first > 0.05),
)


def show(style: str = "text") -> str:
    return answer_table(style) + "\n\n" + measured_table(style)
