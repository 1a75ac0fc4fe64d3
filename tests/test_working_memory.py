"""The forward pass's working memory with a frozen BERT body (solutions.answers.working_memory).

Worked by hand: with the body under ``no_grad``, the peak of a forward pass is reached inside an
encoder layer's feed-forward block, with three ffn-wide tensors per token alive (the first linear
layer's output, the GELU's, the dropout's) and three hidden-wide ones (the layer's input and the
attention block's outputs), float32: 4·L·(3·ffn + 3·H) bytes per sequence of L tokens; plus the
position indices, L int64 values, allocated once for the whole batch.
"""

import pytest

from conftest import FULL
from solutions.answers import working_memory as wm
from solutions.answers.finetune_cost import BERT_BASE, BertShape

TINY = BertShape(layers=2, hidden=8, heads=2, ffn=32, vocab=10, positions=16, types=2, classes=2, seq=4)


def test_the_peak_is_three_feed_forward_and_three_hidden_tensors_per_sequence():
    # per sequence 4 · 4 · (3·32 + 3·8) = 16 · 120 = 1,920 bytes; positions 4 · 8 = 32 bytes
    assert wm.measured_forward_peak(1, shape=TINY) == 32 + 1_920
    assert wm.measured_forward_peak(2, shape=TINY) == 32 + 2 * 1_920


def test_the_line_through_one_and_two_sequences_is_the_measurement_at_four():
    # 32 + 4 · 1,920 = 7,712
    assert wm.line(TINY) == (32 + 1_920, 32 + 2 * 1_920)
    assert wm.forward_working_bytes(4, wm.line(TINY)) == wm.measured_forward_peak(4, shape=TINY) == 7_712


def test_the_peak_does_not_grow_with_the_layers():
    assert wm.measured_forward_peak(1, layers=3, shape=TINY) == wm.measured_forward_peak(1, layers=2, shape=TINY)


def test_inputs_are_validated():
    with pytest.raises(ValueError, match="batch"):
        wm.forward_working_bytes(0, (10, 20))
    with pytest.raises(ValueError, match="peaks"):
        wm.forward_working_bytes(2, (20, 10))  # a second sequence cannot lower the peak
    with pytest.raises(ValueError, match="deeper"):
        wm.WorkingConfig(layers=2, deeper=2)
    with pytest.raises(ValueError, match="record"):
        wm.working_from_record({"layers": 2, "one": 10})
    with pytest.raises(ValueError, match="layers"):
        wm.measured_forward_peak(1, layers=0, shape=TINY)
    with pytest.raises(ValueError, match="shape"):
        wm.measured_forward_peak(1, shape="bert")


# BERT-base: per sequence 4 · 128 · (3·3072 + 3·768) = 512 · 11,520 = 5,898,240 bytes; positions
# 128 · 8 = 1,024; batch 32: 1,024 + 32 · 5,898,240 = 188,744,704
BERT_LINE = (1_024 + 5_898_240, 1_024 + 2 * 5_898_240)


def test_the_stored_bert_base_measurements():
    from solutions.experiments import names, registry

    r = registry.RESULTS[names.C3DE_WORKING]
    assert (r.code, r.uses_data, r.config) == (
        ("solutions.answers.working_memory",),
        False,
        wm.WorkingConfig(layers=2, deeper=3),
    )
    stored = wm.working_from_record(registry.load(names.C3DE_WORKING).result)
    assert stored.line == BERT_LINE and stored.depth_free and stored.deeper_one == BERT_LINE[0]
    assert stored.at(32) == 188_744_704


@pytest.mark.skipif(not FULL, reason="builds BERT-base encoder layers (seconds; the full tier)")
def test_bert_base_at_batch_32():
    assert wm.line(BERT_BASE) == BERT_LINE
    assert wm.forward_working_bytes(32, wm.line()) == 188_744_704
    assert wm.working_record(wm.WorkingConfig()) == {
        "layers": 2,
        "one": BERT_LINE[0],
        "two": BERT_LINE[1],
        "deeper": 3,
        "deeper_one": BERT_LINE[0],
    }
