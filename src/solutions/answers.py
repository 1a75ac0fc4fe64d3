"""Every answer by id: where it is computed, where it is rendered, what it shows.

Each page's glue values and terminal tables live in ``solutions.pages.<page>``
(``values()`` and ``show(style)``); this registry only lists them, for
``python -m solutions``.

>>> sorted(ANSWERS)  # doctest: +NORMALIZE_WHITESPACE
['cs5242-q1', 'cs5242-q2', 'cs5242-q3', 'cs5242-q4', 'csc413-1b', 'csc413-1c', 'csc413-1d',
 'csc413-2c', 'csc413-2d', 'csc413-3de']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from solutions.pages import (cs5242_q1, cs5242_q2, cs5242_q3, cs5242_q4, csc413_1b, csc413_1c,
                             csc413_1d, csc413_2c, csc413_2d, csc413_3de)


@dataclass(frozen=True)
class Answer:
    id: str
    title: str
    module: str                                  # where it is computed
    page: str                                    # where it is rendered
    show: Callable[[str], str]                   # style → text for the terminal
    values: Callable[[], dict[str, object]]      # the page's glue keys


ANSWERS = {a.id: a for a in [
    Answer("csc413-1b", "CSC413 PA2 1(b): the CNN trained, and what is wrong with its colours",
           "solutions.colour_training", "book/csc413/part1b-cnn.md", csc413_1b.show, csc413_1b.values),
    Answer("csc413-1c", "CSC413 PA2 1(c): weights, outputs and connections of the CNN",
           "solutions.counting", "book/csc413/part1c-counting.md", csc413_1c.show, csc413_1c.values),
    Answer("csc413-1d", "CSC413 PA2 1(d): what y = a·x + b on the input does to the outputs",
           "solutions.input_transform", "book/csc413/part1d-preprocessing.md",
           csc413_1d.show, csc413_1d.values),
    Answer("csc413-2c", "CSC413 PA2 2(c): UNet vs CNN",
           "solutions.colour_training", "book/csc413/part2c-unet-vs-cnn.md", csc413_2c.show,
           csc413_2c.values),
    Answer("csc413-2d", "CSC413 PA2 2(d): the mini-batch size",
           "solutions.colour_training", "book/csc413/part2d-batch-size.md", csc413_2d.show,
           csc413_2d.values),
    Answer("csc413-3de", "CSC413 PA2 3(d), 3(e): fine-tuning cost vs depth and resolution",
           "solutions.finetune_cost", "book/csc413/part3de-finetuning.md",
           csc413_3de.show, csc413_3de.values),
    Answer("cs5242-q1", "CS5242 HW5 Q1: augmentations that change the label; invariances out of reach",
           "solutions.label_changing_augmentation", "book/cs5242/q1-augmentation.md",
           cs5242_q1.show, cs5242_q1.values),
    Answer("cs5242-q2", "CS5242 HW5 Q2: convolution output sizes",
           "solutions.conv_table", "book/cs5242/q2-conv-sizes.md", cs5242_q2.show, cs5242_q2.values),
    Answer("cs5242-q3", "CS5242 HW5 Q3: two 1×1 convolutions in AlexNet",
           "solutions.alexnet_1x1", "book/cs5242/q3-alexnet-1x1.md", cs5242_q3.show, cs5242_q3.values),
    Answer("cs5242-q4", "CS5242 HW5 Q4: bias and variance measured",
           "solutions.bias_variance", "book/cs5242/q4-bias-variance.md", cs5242_q4.show, cs5242_q4.values),
]}
