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
"""

from __future__ import annotations

import dataclasses
from functools import cache

import torch

from solutions.answers.common import positive_int
from solutions.answers.finetune_cost import BERT_BASE, BertShape, _BertClassifier
from solutions.answers.threads import one_thread
from solutions.answers.training_memory import peak_bytes

LAYERS_MEASURED = 2


def measured_forward_peak(batch: int, layers: int = LAYERS_MEASURED, shape: BertShape = BERT_BASE) -> int:
    """Peak bytes allocated during one forward pass of the classifier with its body frozen and run
    under ``torch.no_grad()`` (the weights and the input, allocated before, not included)."""
    if not isinstance(shape, BertShape):
        raise ValueError(f"shape must be a BertShape, got {shape!r}")
    batch, layers = positive_int("batch", batch), positive_int("layers", layers)
    shape = dataclasses.replace(shape, vocab=min(shape.vocab, 1000))
    torch.manual_seed(0)
    model = _BertClassifier(shape, layers, no_grad_body=True)
    model.train()   # dropout on, as in fine-tuning
    for part in (model.embeddings, model.encoder, model.pooler):
        part.requires_grad_(False)
    tokens = torch.randint(shape.vocab, (batch, shape.seq), generator=torch.Generator().manual_seed(0))
    with one_thread():
        return peak_bytes(lambda: model(tokens))


@cache
def line(shape: BertShape = BERT_BASE) -> tuple[int, int]:
    """The measured peaks for one and for two sequences (the line :func:`forward_working_bytes`
    draws through them)."""
    return measured_forward_peak(1, shape=shape), measured_forward_peak(2, shape=shape)


def forward_working_bytes(batch: int, shape: BertShape = BERT_BASE) -> int:
    """The forward pass's peak working memory for ``batch`` sequences, from the two measurements.

    >>> forward_working_bytes(0)
    Traceback (most recent call last):
    ValueError: batch must be a positive integer, got 0
    """
    batch = positive_int("batch", batch)
    one, two = line(shape)
    return one + (batch - 1) * (two - one)
