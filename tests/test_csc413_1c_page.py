"""The 1(c) page's answer: one block per quantity, each formula on its own display line."""

import re

import pytest

from solutions.book.pages import csc413_1c


def test_answer_blocks_put_each_formula_on_its_own_display_line_with_its_values():
    text = csc413_1c.answer_blocks("latex")
    displays = re.findall(r"^\$\$\n(.+)\n\$\$$", text, re.M)
    # weights and parameters once (the 64×64 input changes neither), outputs and connections twice
    assert len(displays) == 6
    # worked by hand: 9·NC² + 9·NC·NF + 72·NF² + 9·NF at NF = 32, NC = 24:
    # 5,184 + 6,912 + 73,728 + 288 = 86,112; outputs 4352·24 + 3904·32 = 104,448 + 124,928 = 229,376
    assert displays[0] == r"9 \cdot NC^{2} + 9 \cdot NC \cdot NF + 72 \cdot NF^{2} + 9 \cdot NF"
    assert "**86,112** at $NF = 32$, $NC = 24$. The same for a 64×64 input." in text
    assert displays[2] == r"4352 \cdot NC + 3904 \cdot NF"
    assert "**229,376** at $NF = 32$, $NC = 24$. With a 64×64 input:" in text
    # the 64×64 outputs: every layer's output has 4 times the pixels, 229,376 · 4 = 917,504
    assert displays[3] == r"17408 \cdot NC + 15616 \cdot NF"
    assert "**917,504**, 4 times as many." in text
    assert text.count("The same for a 64×64 input.") == 2 and text.count("4 times as many.") == 2
    assert [line.split("**")[1] for line in text.split("\n\n") if line.startswith("**") and "(" in line] == [
        "Weights",
        "Learnable parameters",
        "Outputs",
        "Connections",
    ]


def test_the_terminal_form_has_no_markup():
    text = csc413_1c.answer_blocks("text")
    assert "$" not in text and "**86,112**" not in text and "**Weights**" not in text
    assert "9*NC**2 + 9*NC*NF + 72*NF**2 + 9*NF" in text and "86,112 at NF = 32, NC = 24." in text


def test_the_box_says_same_only_where_the_64x64_formula_is_the_32x32_one():
    # a kernel does not depend on the image: weights and parameters stay; outputs do not
    assert csc413_1c.doubled_same("weights") == r"The same for a $64\times 64$ input."
    assert csc413_1c.doubled_same("parameters") == r"The same for a $64\times 64$ input."
    with pytest.raises(ValueError, match="changes with a 64×64 input"):
        csc413_1c.doubled_same("outputs")
    with pytest.raises(ValueError, match="key must be one of"):
        csc413_1c.doubled_same("biases")


def test_doubling_in_words():
    # weights do not depend on the image size; outputs and connections scale with the pixels (×4)
    assert csc413_1c.doubled_clause() == (
        "the weights and parameters stay the same, and the outputs and connections grow 4 times"
    )
