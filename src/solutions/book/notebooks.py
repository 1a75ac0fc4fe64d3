"""A notebook per answer page, to download and run: a Sphinx extension and its generator.

Each answer page gets a small Jupyter notebook made from its :data:`RECIPES` entry: a title, a
parameters cell at the top (e.g. ``NF, NC, KERNEL = 32, 24, 3``), then cells that call the
package's public functions and print the answer, one ``name: value`` line each. Pages that read
stored results read them through :mod:`solutions.experiments.registry`, so the notebook runs in a
clone of the repository with the package installed (``pip install -e .``); their parameters pick
the stored run to show.

As a Sphinx extension (``_config.yml``), it writes ``_notebooks/<answer id>.ipynb`` into the HTML
output and puts a "Download notebook" link under each answer page's title.

>>> sorted(RECIPES)[:2]
['cs5242-q1', 'cs5242-q2']
>>> notebook("csc413-1c").cells[1].source
'NF, NC, KERNEL = 32, 24, 3'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from solutions.book.declarations import ANSWERS

FOLDER = "_notebooks"  # under the HTML output


@dataclass(frozen=True)
class Recipe:
    """A notebook: its parameters (name → default, in order) and the code cells after them."""

    parameters: dict[str, object]
    cells: tuple[str, ...]


_STORED_RUN = """from solutions.experiments import names, registry

# the stored run with these settings (`solutions list` names them all; none is trained here)
name = names.colour_run(MODEL, BATCH_SIZE, SEED)
final = registry.load(name).result["final"]
print("run:", name)
print("validation loss:", round(final["val_loss"], 4))
print("validation accuracy:", round(final["val_accuracy"], 2))
print("training loss:", round(final["train_loss"], 4))"""

RECIPES: dict[str, Recipe] = {
    "csc413-1b": Recipe({"MODEL": "cnn", "BATCH_SIZE": 100, "SEED": 0}, (_STORED_RUN,)),
    "csc413-1c": Recipe(
        {"NF": 32, "NC": 24, "KERNEL": 3},
        (
            """from solutions.answers import counting

rows = counting.colour_cnn_rows(num_filters=NF, num_colours=NC, kernel=KERNEL)
for row in rows:
    print(row.name, row.output_shape, "weights", row.weights, "outputs", row.outputs,
          "connections", row.connections)""",
            """totals = counting.count_totals(rows)
print("weights:", totals["weights"])
print("learnable parameters:", totals["learnable"])
print("outputs:", totals["outputs_all_layers"])
print("connections:", totals["connections"])""",
            """doubled = counting.count_totals(counting.colour_cnn_rows(
    num_filters=NF, num_colours=NC, kernel=KERNEL, height=64, width=64))
print("weights, 64×64 input:", doubled["weights"])
print("outputs, 64×64 input:", doubled["outputs_all_layers"])
print("connections, 64×64 input:", doubled["connections"])""",
        ),
    ),
    "csc413-1d": Recipe(
        {"A": 2.0, "B": 0.0, "MODEL": "cnn", "BN_MODE": "eval", "IMAGES": 200},
        (
            """from solutions.answers import input_transform
from solutions.experiments import registry

_, tensors = registry.data()
effect = input_transform.measure(registry.trained_model(MODEL), tensors.x_test_grey[:IMAGES],
                                 A, B, BN_MODE)
print("predicted colours changed, interior (%):", round(effect.interior_changed, 3))
print("predicted colours changed, border (%):", round(effect.border_changed, 3))""",
        ),
    ),
    "csc413-2c": Recipe({"MODEL": "unet", "BATCH_SIZE": 100, "SEED": 0}, (_STORED_RUN,)),
    "csc413-2d": Recipe({"MODEL": "unet", "BATCH_SIZE": 5, "SEED": 0}, (_STORED_RUN,)),
    "csc413-3de": Recipe(
        {"ARCH": "mlp", "DEPTH": 8, "RESOLUTION": 32},
        (
            """from solutions.answers import finetune_cost

for mode in ("full", "last_no_grad"):
    cost = finetune_cost.measure(ARCH, mode, DEPTH, resolution=RESOLUTION)
    print(f"{mode} weights (bytes):", cost.parameters)
    print(f"{mode} gradients (bytes):", cost.gradients)
    print(f"{mode} Adam state (bytes):", cost.adam_state)
    print(f"{mode} saved activations (bytes):", cost.saved_activations)""",
        ),
    ),
    "cs5242-q1": Recipe(
        {"SOURCE": 6, "TARGET": 9, "TRANSFORM": "rot180"},
        (
            """from solutions.answers import label_changing_augmentation as lca
from solutions.answers.digit_readings import Readings
from solutions.experiments import names, registry

readings = Readings.from_arrays(registry.load(names.Q1_READINGS).arrays)   # stored, not refitted
swap = lca.swap(readings, SOURCE, TARGET, TRANSFORM)
print("read as the target after the transform (%):", round(100 * swap.share_after, 1))
print("read as the target before (%):", round(100 * swap.share_before, 1))""",
        ),
    ),
    "cs5242-q2": Recipe(
        {"H": 7, "W": 10, "C1": 4, "C2": 5},
        (
            """from solutions.answers import conv_table

for part, (formula, measured) in conv_table.torch_check(h=H, w=W, c1=C1, c2=C2).items():
    print(f"({part}):", "×".join(map(str, formula)), "torch:", "×".join(map(str, measured)))""",
        ),
    ),
    "cs5242-q3": Recipe(
        {"BATCH": 128, "OPTIMIZER": "adam"},
        (
            """from solutions.answers import alexnet_1x1

print("added parameters:", alexnet_1x1.added_parameters())
bill = alexnet_1x1.closed_form_bill(OPTIMIZER, BATCH)
for item, value in bill.as_dict().items():
    print(f"{item} (bytes):", value)""",
        ),
    ),
    "cs5242-q4": Recipe(
        {"SWEEP": "weight_decay"},
        (
            """from solutions.answers import bias_variance as bv
from solutions.experiments import registry

config, predictions = registry.q4_predictions(SWEEP)
exp = config.experiment
reading = bv.read(bv.summarise(SWEEP, config.values, list(predictions),
                               bv.target(bv.grid_points(exp)), exp.resamples, exp.seed))
print("settings:", config.values)
print("bias²:", round(reading.bias_first, 4), "→", round(reading.bias_last, 4), reading.bias_arrows)
print("variance:", round(reading.var_first, 4), "→", round(reading.var_last, 4), reading.var_arrows)""",
        ),
    ),
}


def _literal(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"parameter values must be numbers or strings, got {value!r}")
    return repr(value)


def notebook(answer_id: str, **parameters: object) -> nbformat.NotebookNode:
    """The notebook of ``answer_id``; ``parameters`` replace defaults of its parameters cell."""
    if answer_id not in RECIPES:
        raise ValueError(f"answer_id must be one of {', '.join(RECIPES)}; got {answer_id!r}")
    recipe = RECIPES[answer_id]
    unknown = sorted(set(parameters) - set(recipe.parameters))
    if unknown:
        raise ValueError(f"parameters must be among {', '.join(recipe.parameters)}; got {unknown}")
    values = {**recipe.parameters, **parameters}
    page = ANSWERS[answer_id]
    names, literals = ", ".join(values), ", ".join(_literal(v) for v in values.values())
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            f"# {page.title}\n\nComputed by the `solutions` package ({', '.join(page.computed_in)}). "
            "Run it in a clone of the repository with the package installed (`pip install -e .`); "
            "change the parameters below and run all cells."
        ),
        nbformat.v4.new_code_cell(f"{names} = {literals}", metadata={"tags": ["parameters"]}),
        *(nbformat.v4.new_code_cell(code) for code in recipe.cells),
    ]
    return nb


def write_all(folder: Path) -> list[Path]:
    """Write every answer page's notebook into ``folder`` as ``<answer id>.ipynb``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for answer_id in RECIPES:
        path = folder / f"{answer_id}.ipynb"
        nbformat.write(notebook(answer_id), path)
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------------
# The Sphinx extension.

_BY_DOCNAME = {ANSWERS[a].docname: a for a in RECIPES}


def _link(app, pagename, templatename, context, doctree) -> None:
    """A "Download notebook" link under the title of each answer page."""
    answer_id = _BY_DOCNAME.get(pagename)
    if answer_id is None or "body" not in context:
        return
    href = context["pathto"](f"{FOLDER}/{answer_id}.ipynb", 1)
    link = (
        f'<p class="download-notebook"><a href="{href}" download>Download notebook</a> '
        "(.ipynb: the parameters at the top, the package computes the answer)</p>"
    )
    body = context["body"]
    end = body.find("</h1>")
    context["body"] = body[: end + 5] + link + body[end + 5 :] if end >= 0 else link + body


def _write(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        write_all(Path(app.outdir) / FOLDER)


def setup(app):
    app.connect("html-page-context", _link)
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
