"""The forward pass's working memory when only BERT-base's classifier is fine-tuned (CSC413 3(d)).

The bills of :mod:`solutions.answers.finetune_cost` count what a step *holds*: weights,
gradients, Adam's state and the activations saved for backward. Running the frozen body also
needs memory while it runs: each encoder layer's intermediate tensors (the attention scores, the
feed-forward layer's 4H-wide activations, dropout's outputs), freed before the next layer runs
when the body is under ``torch.no_grad()``. :func:`forward_working_bytes` measures the peak of
those allocations with ``torch.profiler`` (:func:`~solutions.answers.training_memory.peak_bytes`)
on the classifier of ``finetune_cost`` in its ``last_no_grad`` mode, dropout on as in
fine-tuning:

* on two encoder layers: from the second layer on, every layer frees what the one before it
  allocated, so the peak does not grow with the depth (the tests measure three layers too);
* for one and two sequences: every allocated tensor is per sequence, so the peak for ``batch``
  sequences is the line through those two (the tests measure four directly).

A 1,000-token vocabulary stands in for 30,522 (an embedding's lookup allocates one vector per
token whatever the vocabulary; the table itself is a weight, allocated before the pass).

The measurements of BERT-base (:func:`working_record`, seconds) run once into the results store
(``solutions run c3de-working-memory``, keyed on this module's code); the book reads them
(:func:`working_from_record`) and measures nothing.

>>> forward_working_bytes(4, (100, 150))   # 100 for one sequence, 50 more for each other one
250
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import torch

from solutions.answers.finetune_cost import BERT_BASE, BertShape, _BertClassifier
from solutions.answers.threads import one_thread
from solutions.answers.training_memory import peak_bytes
from solutions.answers.validation import instance, mapping, positive_int, sequence

LAYERS_MEASURED = 2
DEEPER = 3  # the depth of the check that the peak does not grow with the layers


def measured_forward_peak(batch: int, layers: int = LAYERS_MEASURED, shape: BertShape = BERT_BASE) -> int:
    """Peak bytes allocated during one forward pass of the classifier with its body frozen and run
    under ``torch.no_grad()`` (the weights and the input, allocated before, not included)."""
    shape = instance("shape", shape, BertShape)
    batch, layers = positive_int("batch", batch), positive_int("layers", layers)
    shape = dataclasses.replace(shape, vocab=min(shape.vocab, 1000))
    torch.manual_seed(0)
    model = _BertClassifier(shape, layers, no_grad_body=True)
    model.train()  # dropout on, as in fine-tuning
    for part in (model.embeddings, model.encoder, model.pooler):
        part.requires_grad_(False)
    tokens = torch.randint(shape.vocab, (batch, shape.seq), generator=torch.Generator().manual_seed(0))
    with one_thread():
        return peak_bytes(lambda: model(tokens))


def line(shape: BertShape = BERT_BASE, layers: int = LAYERS_MEASURED) -> tuple[int, int]:
    """The measured peaks for one and for two sequences (the line :func:`forward_working_bytes`
    draws through them)."""
    return _line(instance("shape", shape, BertShape), positive_int("layers", layers))


@cache
def _line(shape: BertShape, layers: int) -> tuple[int, int]:
    return measured_forward_peak(1, layers, shape), measured_forward_peak(2, layers, shape)


def forward_working_bytes(batch: int, peaks: Sequence[int]) -> int:
    """The forward pass's peak working memory for ``batch`` sequences, on the line through
    ``peaks`` = (the peak for one sequence, for two) (:func:`line`, or the stored record's).

    >>> forward_working_bytes(0, (100, 150))
    Traceback (most recent call last):
    ValueError: batch must be a positive integer, got 0
    """
    batch = positive_int("batch", batch)
    one_two = sequence("peaks", peaks, positive_int, min_length=2)
    if len(one_two) != 2 or one_two[1] < one_two[0]:
        raise ValueError(
            f"peaks must be the peaks for one and for two sequences, the second not below the first, got {one_two!r}"
        )
    one, two = one_two
    return one + (batch - 1) * (two - one)


@dataclass(frozen=True)
class WorkingConfig:
    """What :func:`working_record` measures (the store's config of ``c3de-working-memory``):
    BERT-base's classifier with ``layers`` encoder layers for one and two sequences, and with
    ``deeper`` layers for one."""

    layers: int = LAYERS_MEASURED
    deeper: int = DEEPER

    def __post_init__(self) -> None:
        positive_int("layers", self.layers)
        if positive_int("deeper", self.deeper) <= self.layers:
            raise ValueError(f"deeper must be more layers than layers ({self.layers}), got {self.deeper!r}")


@dataclass(frozen=True)
class Working:
    """The stored measurements (:func:`working_from_record`)."""

    layers: int
    line: tuple[int, int]  # peak bytes for one and for two sequences, ``layers`` layers
    deeper: int
    deeper_one: int  # peak bytes for one sequence, ``deeper`` layers

    def at(self, batch: int) -> int:
        """:func:`forward_working_bytes` for ``batch`` sequences."""
        return forward_working_bytes(batch, self.line)

    @property
    def depth_free(self) -> bool:
        """Whether the deeper classifier peaks where the shallower one does."""
        return self.deeper_one == self.line[0]


def working_record(config: WorkingConfig) -> dict[str, int]:
    """The measurements of ``config`` on BERT-base: a JSON-ready record for the store."""
    config = instance("config", config, WorkingConfig)
    one, two = line(BERT_BASE, config.layers)
    return {
        "layers": config.layers,
        "one": one,
        "two": two,
        "deeper": config.deeper,
        "deeper_one": measured_forward_peak(1, config.deeper),
    }


def working_from_record(record: Mapping[str, Any]) -> Working:
    """The stored record of :func:`working_record` read back.

    >>> working_from_record({"layers": 2, "one": 10, "two": 18, "deeper": 3, "deeper_one": 10}).at(3)
    26
    """
    record = mapping("record", record)
    try:
        values = {k: positive_int(f"record's {k}", record[k]) for k in ("layers", "one", "two", "deeper", "deeper_one")}
    except KeyError as err:
        raise ValueError(f"record is not a c3de-working-memory record: {err!r} missing") from None
    return Working(values["layers"], (values["one"], values["two"]), values["deeper"], values["deeper_one"])
