"""Every page of the book, declared once.

One :class:`Page` per page file: its answer id (for ``solutions show``), a short
title for the terminal, the module that gives its glue values
(``solutions.book.pages.<module>``), where its answer is computed and tested,
and the stored results it reads (names and groups of
:mod:`solutions.experiments.names`, each in :data:`solutions.experiments.registry.RESULTS`).
``_toc.yml`` is checked against this list, and the command line, the build-status
page and the tests derive their lists from it. Adding an answer page takes more than its entry
here: the README's "Add or change an answer" lists every step.

>>> [p.answer_id for p in PAGES if p.answer_id][:3]
['answers', 'csc413-1b', 'csc413-1c']
>>> page("csc413-1c").file
'book/csc413/part1c-counting.md'
"""

from __future__ import annotations

import importlib
from dataclasses import KW_ONLY, dataclass
from types import ModuleType

from solutions.experiments import names


@dataclass(frozen=True)
class Page:
    """One page of the book."""

    file: str  # the page's source, relative to the repository root
    module: str | None  # solutions.book.pages.<module>: values(), show()
    _: KW_ONLY
    answer_id: str | None = None  # for `solutions show`; None for pages that answer nothing
    title: str = ""  # one line for `solutions list`
    computed_in: tuple[str, ...] = ()  # modules of solutions.answers (or experiments)
    tests: tuple[str, ...] = ()  # test files that pin its values
    results: tuple[str, ...] = ()  # stored results it reads

    @property
    def docname(self) -> str:
        """The Sphinx document name (the file without its suffix)."""
        return self.file.removesuffix(".md")

    def load(self) -> ModuleType:
        """The page's module (imported on demand: pages import torch, matplotlib, …)."""
        if self.module is None:
            raise ValueError(f"page {self.file} has no values module")
        return importlib.import_module(f"solutions.book.pages.{self.module}")


PAGES: tuple[Page, ...] = (
    Page("book/intro.md", None),
    Page(
        "book/all-answers.md",
        "all_answers",
        answer_id="answers",
        title="All answers: each answer page's bottom line, linked to its evidence",
        computed_in=("solutions.book.pages",),
        tests=("tests/test_all_answers.py",),
    ),
    Page(
        "book/conventions.md",
        "conventions",
        title="What is counted, and how",
        computed_in=("solutions.answers.counting", "solutions.answers.torch_counts"),
        tests=("tests/test_counting.py", "tests/test_torch_counts.py"),
        results=(names.PALETTE,),
    ),
    Page(
        "book/csc413/colour-data.md",
        "csc413_data",
        title="The colourization data",
        computed_in=("solutions.experiments.data", "solutions.experiments.preprocess"),
        tests=("tests/test_cifar_horses.py",),
        results=(names.PALETTE,),
    ),
    Page(
        "book/csc413/part1b-cnn.md",
        "csc413_1b",
        answer_id="csc413-1b",
        title="CSC413 PA2 1(b): the CNN trained, and what is wrong with its colours",
        computed_in=("solutions.experiments.training", "solutions.answers.colour_analysis"),
        tests=("tests/test_colour_analysis.py", "tests/test_colour_training.py"),
        results=(names.PALETTE, *names.CNN_SEEDS),
    ),
    Page(
        "book/csc413/part1c-counting.md",
        "csc413_1c",
        answer_id="csc413-1c",
        title="CSC413 PA2 1(c): weights, outputs and connections of the CNN",
        computed_in=("solutions.answers.counting",),
        tests=("tests/test_counting.py",),
    ),
    Page(
        "book/csc413/part1d-preprocessing.md",
        "csc413_1d",
        answer_id="csc413-1d",
        title="CSC413 PA2 1(d): what y = a·x + b on the input does to the outputs",
        computed_in=("solutions.answers.input_transform", "solutions.answers.colour_analysis"),
        tests=("tests/test_input_transform.py", "tests/test_colour_analysis.py"),
        results=(names.PALETTE, names.C1D_PROBE, *names.GROUPS["c1d-runs"]),
    ),
    Page(
        "book/csc413/part2c-unet-vs-cnn.md",
        "csc413_2c",
        answer_id="csc413-2c",
        title="CSC413 PA2 2(c): UNet vs CNN",
        computed_in=("solutions.experiments.training", "solutions.answers.colour_analysis"),
        tests=("tests/test_colour_analysis.py", "tests/test_colour_training.py"),
        # the 2(d) sweep too: the page compares the UNet at other batch sizes with the default one
        results=(
            names.PALETTE,
            *names.CNN_SEEDS,
            *names.GROUPS["sweep"],
            *names.GROUPS["lr-scaled"],
            names.C2_EDGES,
            *names.GROUPS["c2-ablations"],
        ),
    ),
    Page(
        "book/csc413/part2d-batch-size.md",
        "csc413_2d",
        answer_id="csc413-2d",
        title="CSC413 PA2 2(d): the mini-batch size",
        computed_in=("solutions.experiments.training", "solutions.answers.colour_analysis"),
        tests=("tests/test_colour_analysis.py", "tests/test_colour_training.py"),
        results=(names.PALETTE, *names.GROUPS["sweep"], *names.GROUPS["lr-scaled"]),
    ),
    Page(
        "book/csc413/bf16-check.md",
        "csc413_bf16",
        title="Does bf16 change the answers? The sweep and the CNN trained in bf16 against fp32",
        computed_in=("solutions.answers.precision_effect", "solutions.experiments.precision"),
        tests=("tests/test_precision_effect.py", "tests/test_precision_page.py"),
        results=(
            names.PALETTE,
            *names.GROUPS["sweep"],
            *names.GROUPS["lr-scaled"],
            *names.CNN_SEEDS,
            *names.GROUPS["bf16"],
        ),
    ),
    Page(
        "book/csc413/part3de-finetuning.md",
        "csc413_3de",
        answer_id="csc413-3de",
        title="CSC413 PA2 3(d), 3(e): fine-tuning cost vs depth and resolution",
        computed_in=(
            "solutions.answers.finetune_cost",
            "solutions.answers.training_memory",
            "solutions.answers.working_memory",
        ),
        tests=("tests/test_finetune_cost.py", "tests/test_working_memory.py"),
        results=(names.C3DE_SWEEPS, names.C3DE_WORKING),
    ),
    Page(
        "book/cs5242/q1-augmentation.md",
        "cs5242_q1",
        answer_id="cs5242-q1",
        title="CS5242 HW5 Q1: augmentations that change the label; invariances out of reach",
        computed_in=(
            "solutions.answers.label_changing_augmentation",
            "solutions.answers.digit_readings",
            "solutions.answers.half_crops",
            "solutions.answers.view_invariance",
        ),
        tests=("tests/test_label_changing_augmentation.py", "tests/test_half_crops.py"),
        results=(names.Q1_READINGS, names.Q1_HALVES),
    ),
    Page(
        "book/cs5242/q2-conv-sizes.md",
        "cs5242_q2",
        answer_id="cs5242-q2",
        title="CS5242 HW5 Q2: convolution output sizes",
        computed_in=("solutions.answers.conv_shapes", "solutions.answers.conv_table"),
        tests=("tests/test_conv_shapes.py", "tests/test_conv_table.py"),
    ),
    Page(
        "book/cs5242/q3-alexnet-1x1.md",
        "cs5242_q3",
        answer_id="cs5242-q3",
        title="CS5242 HW5 Q3: two 1×1 convolutions in AlexNet",
        computed_in=("solutions.answers.alexnet_1x1", "solutions.answers.training_memory"),
        tests=("tests/test_alexnet_1x1.py", "tests/test_training_memory.py"),
        results=(names.Q3_PEAK,),
    ),
    Page(
        "book/cs5242/q4-bias-variance.md",
        "cs5242_q4",
        answer_id="cs5242-q4",
        title="CS5242 HW5 Q4: bias and variance measured",
        computed_in=("solutions.answers.bias_variance", "solutions.experiments.ensembles"),
        tests=("tests/test_bias_variance.py",),
        results=names.GROUPS["q4"],
    ),
    Page("book/references.md", None),
    Page(
        "book/build-status.md",
        "build_status",
        title="How this build was made",
        computed_in=("solutions.book.build_status",),
        tests=("tests/test_build_status.py",),
    ),
)

ANSWERS: dict[str, Page] = {p.answer_id: p for p in PAGES if p.answer_id}
BY_MODULE: dict[str, Page] = {p.module: p for p in PAGES if p.module}
ROOT_PAGE = PAGES[0]  # the book's first page (_toc.yml's root)
STATUS_PAGE = BY_MODULE["build_status"].file


def page(answer_id: str) -> Page:
    """The page of ``answer_id``; ``ValueError`` listing the ids if there is none."""
    if answer_id not in ANSWERS:
        raise ValueError(f"answer id must be one of {', '.join(ANSWERS)}; got {answer_id!r}")
    return ANSWERS[answer_id]
