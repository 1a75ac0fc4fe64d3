"""The data shipped with the book (``data/cifar10_horses.npz``) is the file its README describes.

numpy only: this checks the file, not the loader.
"""

import hashlib
import re
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1] / "data"
NPZ = DATA / "cifar10_horses.npz"
README = DATA / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def test_file_sha256_is_the_one_in_the_readme():
    stated = re.search(r"\*\*File SHA-256\*\*.*?`([0-9a-f]{64})`", readme(), re.S)
    assert stated, "data/README.md states no file SHA-256"
    digest = hashlib.sha256(NPZ.read_bytes()).hexdigest()
    assert digest == stated.group(1), f"{NPZ.name}: SHA-256 {digest}, README: {stated.group(1)}"


def test_file_holds_the_horses_as_the_readme_says():
    with np.load(NPZ, allow_pickle=False) as npz:
        assert sorted(npz.files) == ["x_test", "x_train"]
        x_train, x_test = npz["x_train"], npz["x_test"]
    assert x_train.shape == (5000, 32, 32, 3) and x_train.dtype == np.uint8
    assert x_test.shape == (1000, 32, 32, 3) and x_test.dtype == np.uint8
    for x in (x_train, x_test):  # real images: every channel spans most of the range
        assert x.min() < 20 and x.max() > 235
    assert "(5000, 32, 32, 3)" in readme() and "(1000, 32, 32, 3)" in readme()


def test_readme_gives_provenance_citation_and_licence():
    text = readme()
    for heading in ("**Provenance.**", "**Citation.**", "**Licence.**"):
        assert heading in text, heading
