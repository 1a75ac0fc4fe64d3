"""Every answer by id: where it is computed, where it is rendered, what it shows.

Each page's glue values and terminal tables live in ``solutions.pages.<page>``
(``values()`` and ``show(style)``); this registry only lists them, for
``python -m solutions``.

>>> sorted(ANSWERS)
['cs5242-q2', 'cs5242-q3', 'csc413-1c', 'csc413-1d', 'csc413-3de']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from solutions.pages import cs5242_q2, cs5242_q3, csc413_1c, csc413_1d, csc413_3de


@dataclass(frozen=True)
class Answer:
    id: str
    title: str
    module: str                                  # where it is computed
    page: str                                    # where it is rendered
    show: Callable[[str], str]                   # style → text for the terminal
    values: Callable[[], dict[str, object]]      # the page's glue keys


ANSWERS = {a.id: a for a in [
    Answer("csc413-1c", "CSC413 PA2 1(c): weights, outputs and connections of the CNN",
           "solutions.counting", "book/csc413/part1c-counting.md", csc413_1c.show, csc413_1c.values),
    Answer("cs5242-q2", "CS5242 HW5 Q2: convolution output sizes",
           "solutions.conv_table", "book/cs5242/q2-conv-sizes.md", cs5242_q2.show, cs5242_q2.values),
    Answer("cs5242-q3", "CS5242 HW5 Q3: two 1×1 convolutions in AlexNet",
           "solutions.alexnet_1x1", "book/cs5242/q3-alexnet-1x1.md", cs5242_q3.show, cs5242_q3.values),
    Answer("csc413-3de", "CSC413 PA2 3(d), 3(e): fine-tuning cost vs depth and resolution",
           "solutions.finetune_cost", "book/csc413/part3de-finetuning.md",
           csc413_3de.show, csc413_3de.values),
    Answer("csc413-1d", "CSC413 PA2 1(d): what y = a·x + b on the input does to the outputs",
           "solutions.input_transform", "book/csc413/part1d-preprocessing.md",
           csc413_1d.show, csc413_1d.values),
]}
