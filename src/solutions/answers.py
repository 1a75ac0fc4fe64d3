"""Every answer by id: where it is computed, where it is rendered, what it shows.

Each page's glue values and terminal tables live in ``solutions.pages.<page>``
(``values()`` and ``show(style)``); this registry only lists them, for
``python -m solutions``.

>>> sorted(ANSWERS)
['cs5242-q1', 'cs5242-q2', 'cs5242-q3', 'cs5242-q4', 'csc413-1c']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from solutions.pages import cs5242_q2, cs5242_q3, csc413_1c
from solutions.pages import cs5242_q1, cs5242_q4


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
    Answer("cs5242-q1", "CS5242 HW5 Q1: augmentations that change the label; invariances out of reach",
           "solutions.label_changing_augmentation", "book/cs5242/q1-augmentation.md",
           cs5242_q1.show, cs5242_q1.values),
    Answer("cs5242-q4", "CS5242 HW5 Q4: bias and variance measured",
           "solutions.bias_variance", "book/cs5242/q4-bias-variance.md", cs5242_q4.show, cs5242_q4.values),
]}
