"""Page values for the all-answers page: the answer boxes' own numbers, one row per question part.

Every key here is a key of an answer page's box, taken from that page's module (its
``answer_values()`` where it has one: only the answer box's keys, from stored results and cheap
measurements; else its ``values()``), so the overview and the answer pages glue the same records.
The rows themselves (question in a few words, answer, link) are written in the page; ``show``
prints them as text, with the same values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from solutions.book.declarations import ANSWERS, BY_MODULE

# answer id → the keys of its answer box that the overview's rows glue
KEYS: dict[str, tuple[str, ...]] = {
    "csc413-1b": ("b1_epochs", "b1_val_acc", "b1_val_loss", "b1_vivid_colours",
                  "b1_vivid_target_share", "b1_vivid_predicted_share"),
    "csc413-1c": ("c1c_weights", "c1c_weights_value", "c1c_parameters", "c1c_parameters_value",
                  "c1c_outputs", "c1c_outputs_value", "c1c_connections", "c1c_connections_value",
                  "c1c_outputs_doubled", "c1c_outputs_doubled_value", "c1c_connections_doubled",
                  "c1c_connections_doubled_value", "c1c_connections_ratio"),
    "csc413-1d": ("c1d_trained_seeds", "c1d_beyond_count", "c1d_compared", "c1d_tests", "c1d_chance",
                  "c1d_up_a",
                  "c1d_cnn_eval_up_interior_changed"),
    "csc413-2c": ("c2_unet_val_loss", "c2_cnn_val_loss", "c2_unet_val_acc", "c2_cnn_val_acc",
                  "c2_seeds", "c2_unet_vivid", "c2_cnn_vivid", "c2_vivid_target", "c2_edge_gain",
                  "c2_flat_gain", "c2_no_encoder_loss", "c2_no_input_loss",
                  "c2_grad_ratio_no_encoder_low", "c2_grad_ratio_no_encoder_high"),
    "csc413-2d": ("d2_epochs", "d2_steps_small", "d2_small", "d2_steps_large", "d2_large",
                  "d2_small_loss", "d2_large_loss", "d2_val_extremes_verdict", "d2_val_beyond",
                  "d2_pairs", "d2_scaled_small", "d2_scaled_large", "d2_scaled_gap",
                  "d2_scaled_verdict", "d2_least_vivid", "d2_least_vivid_batch", "d2_most_vivid",
                  "d2_most_vivid_batch", "d2_vivid_truth"),
    "csc413-3de": ("c3de_fit_from", "c3de_depth_max", "c3de_mlp_full_gradients",
                   "c3de_mlp_last_no_grad_gradients", "c3de_mlp_full_parameters",
                   "c3de_mlp_last_no_grad_parameters", "c3de_pixel_factor",
                   "c3de_x2_conv_full_saved_activations", "c3de_x2_conv_flatten_full_head_parameters"),
    "cs5242-q1": ("q1_six_to_nine", "q1_iou_bd", "q1_crop_size", "q1_crop_as_8",
                  "q1_max_rotation", "q1_rotation_accuracy", "q1_elastic_accuracy",
                  "q1_harmful_high"),
    "cs5242-q2": ("q2_a", "q2_b", "q2_c", "q2_d"),
    "cs5242-q3": ("q3_params", "q3_params_no_bias", "q3_saved_bytes", "q3_fixed_adam", "q3_peak",
                  "q3_peak_batch"),
    "cs5242-q4": ("q4_wd_bias_arrow", "q4_wd_bias_first", "q4_wd_bias_last", "q4_wd_var_arrow",
                  "q4_wd_var_first", "q4_wd_var_last",
                  "q4_width_bias_arrow", "q4_width_bias_first", "q4_width_bias_last",
                  "q4_width_var_arrow", "q4_width_var_first", "q4_width_least", "q4_width_least_at",
                  "q4_width_var_last",
                  "q4_dropout_bias_arrow", "q4_dropout_bias_first", "q4_dropout_bias_last",
                  "q4_dropout_var_arrow", "q4_dropout_var_first", "q4_dropout_var_last",
                  "q4_n_bias_arrow", "q4_n_bias_first", "q4_n_bias_last",
                  "q4_n_var_arrow", "q4_n_var_first", "q4_n_var_last", "q4_interval"),
}
_ROLE = re.compile(r"\{glue(?::(\w+))?\}`([\w.-]+)(?::([^`]*))?`")
_DOC = re.compile(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`")


def answer_values(answer_id: str) -> dict[str, object]:
    """The answer box's values of ``answer_id``'s page (``answer_values()`` if it has one)."""
    if answer_id not in KEYS:
        raise ValueError(f"answer_id must be one of {', '.join(KEYS)}; got {answer_id!r}")
    module = ANSWERS[answer_id].load()
    return getattr(module, "answer_values", module.values)()


def values() -> dict[str, object]:
    out: dict[str, object] = {"all_answer_pages": len(KEYS)}
    for answer_id, keys in KEYS.items():
        found = answer_values(answer_id)
        out.update({k: found[k] for k in keys})
    return out


def _render(text: str, found: Mapping[str, object], here: Path) -> str:
    """Markdown with glue roles filled in (as myst-nb formats them) and {doc} links as page files."""
    def glue(m: re.Match) -> str:
        value = found[m.group(2)]
        spec = m.group(3) or ""
        if m.group(1) == "md" or not spec:
            return str(value)
        return format(value, spec)

    def doc(m: re.Match) -> str:
        return (here / m.group(1)).as_posix() + ".md"

    return _DOC.sub(doc, _ROLE.sub(glue, text))


def tables(found: Mapping[str, object] | None = None) -> list[tuple[str, list[str], list[list[str]]]]:
    """The page's tables as (section heading, header, rows), cells with their values filled in."""
    page = BY_MODULE["all_answers"]
    root = Path(__file__).resolve().parents[4]          # src/solutions/book/pages/ → repository
    lines = (root / page.file).read_text(encoding="utf-8").splitlines()
    found = values() if found is None else found
    here = Path(page.file).parent

    def cells(line: str) -> list[str]:
        raw = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        return [_render(c, found, here).replace("\\|", "|") for c in raw]

    def rule(line: str) -> bool:
        return line.startswith("|") and "-" in line and set(line) <= set("|-: ")

    out: list[tuple[str, list[str], list[list[str]]]] = []
    heading = ""
    for i, line in enumerate(lines):
        if line.startswith("## "):
            heading = line[3:].strip()
        elif line.startswith("|") and i + 1 < len(lines) and rule(lines[i + 1]):
            out.append((heading, cells(line), []))           # a header: the next line is its rule
        elif line.startswith("|") and not rule(line):
            out[-1][2].append(cells(line))
    return out


def rows(found: Mapping[str, object] | None = None) -> list[list[str]]:
    """Every row of the page's tables (without headers), values filled in."""
    return [r for _, _, body in tables(found) for r in body]


def show(style: str = "text") -> str:
    from solutions.book.render import markdown_table

    blocks = []
    for heading, header, body in tables():
        if style != "text":
            blocks.append(f"{heading}\n\n" + markdown_table(header, body, style))
            continue
        blocks.append(f"== {heading} ==")
        blocks += ["\n".join(f"{h}: {c}" for h, c in zip(header, row) if c) for row in body]
    return "\n\n".join(blocks)
