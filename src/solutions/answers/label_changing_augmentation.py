"""Augmentations that change the label of a character, measured (CS5242 Q1.1).

A transformation is a safe augmentation only if the transformed image still
belongs to the original class. We check that with two pieces of evidence:

* **digits**: an RBF support-vector classifier, the *judge*, reads scikit-learn's
  8×8 test digits after each transformation. The judge of a transformation
  has never seen it: it is trained on the training digits plus one copy per
  candidate label-keeping augmentation (±1-pixel shift, small rotation, mild
  elastic distortion) *other than* the one judged, so the candidates are not
  judged by a classifier taught to accept them; flips, the 180° rotation and
  crops are judged by the classifier trained with all three. A rotated 6 read
  as 9 means that "rotate, keep the label" would teach "this 9-like image is a 6".
  Crops are read at every window position, not one random one. Every share
  comes with a bootstrap interval over the test digits; we also train with each
  augmentation, label kept, and compare on untouched digits (paired bootstrap);
* **letters**: glyphs rendered from matplotlib's bundled DejaVu Sans, compared
  by pixel IoU after a flip or rotation with the other letters (flip_h(b) vs d).

The classifiers and their readings are computed once and stored
(:mod:`solutions.answers.digit_readings`, ``solutions run q1-digit-readings``):
:func:`judged`, :func:`swap`, :func:`crop_effect` and :func:`train_with` analyse
a :class:`~solutions.answers.digit_readings.Readings` and train nothing. The
image operations and the digits are those of ``digit_readings``, named here too.

>>> x = np.arange(6).reshape(2, 3)
>>> bool(np.array_equal(rot180(x), flip_h(flip_v(x))))
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from solutions.answers import bootstrap
from solutions.answers.bootstrap import Change
from solutions.answers.common import choice, finite_number, positive_int
from solutions.answers.half_crops import HALVES
from solutions.answers.validation import array, instance, mapping, number, same_shape, sequence
from solutions.answers.digit_readings import (  # also named here (__all__) for the page and figures
    ALL,
    CLASSES,
    CROP_SIZES,
    DIGIT_MAX,
    DIGIT_SIDE,
    ELASTIC_ALPHA,
    ELASTIC_SIGMA,
    HARMFUL,
    MAX_ROTATION,
    NONE,
    SAFE,
    SEED,
    SHIFT_PIXELS,
    TRANSFORMS,
    Digits,
    Readings,
    ReadingsConfig,
    _digit,
    _images,
    _integer,
    _labels,
    classifier,
    crop_resize,
    digits,
    elastic,
    fit_classifier,
    flip_h,
    flip_v,
    judge,
    judge_of,
    predict,
    rot180,
    rotate,
    safe_transforms,
    shift,
    transformed,
    with_copies,
)

__all__ = [  # the digits' operations named from digit_readings, then the analysis
    "ALL",
    "CLASSES",
    "CROP_SIZES",
    "DIGIT_MAX",
    "DIGIT_SIDE",
    "ELASTIC_ALPHA",
    "ELASTIC_SIGMA",
    "HARMFUL",
    "MAX_ROTATION",
    "NONE",
    "SAFE",
    "SEED",
    "SHIFT_PIXELS",
    "TRANSFORMS",
    "Digits",
    "Readings",
    "ReadingsConfig",
    "classifier",
    "crop_resize",
    "digits",
    "elastic",
    "fit_classifier",
    "flip_h",
    "flip_v",
    "judge",
    "judge_of",
    "predict",
    "rot180",
    "rotate",
    "safe_transforms",
    "shift",
    "transformed",
    "with_copies",
    "iou",
    "touching_edge",
    "bootstrap_interval",
    "Share",
    "share_of",
    "Change",
    "paired_change",
    "kept_per_class",
    "kept_classes",
    "confusions",
    "largest_swap",
    "Judged",
    "judged",
    "Swap",
    "swap",
    "CropEffect",
    "crop_effect",
    "read_more_often",
    "TrainedWith",
    "train_with",
    "glyph",
    "GlyphMatch",
    "glyph_match",
    "glyph_matches",
    "KEPT",
    "INTERVAL",
    "RESAMPLES",
    "LETTERS",
    "UNRELATED",
    "GLYPH_SIZE",
    "FONT_SIZE",
    "GLYPH_PAIRS",
    "HALVES",
    "HalfReading",
    "half_readings",
]

KEPT = 0.8  # a class keeps its reading when at least 80% of its transformed test digits do
INTERVAL = 90  # percent: every bootstrap interval reported
RESAMPLES = 1000  # bootstrap resamples of the test digits


# ---------------------------------------------------------------------------------------------
# Measures of images.


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two binary masks (1.0 for two empty masks).

    >>> a = np.array([[1, 1, 0, 0]], bool)
    >>> iou(a, a), iou(a, flip_h(a)), iou(a, np.array([[0, 1, 1, 0]], bool))
    (1.0, 0.0, 0.3333333333333333)
    """
    a, b = _mask("a", a), _mask("b", b)
    same_shape(("a", "b"), (a, b))
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else float(np.logical_and(a, b).sum() / union)


def _mask(name: str, value: object) -> np.ndarray:
    """A binary mask: booleans, or numbers that are all 0 or 1."""
    m = array(name, value, kinds="biuf")
    if m.dtype != bool and not np.isin(m, (0, 1)).all():
        raise ValueError(f"{name} must be a binary mask (booleans, or 0 and 1), got values {np.unique(m)[:5]}")
    return m.astype(bool)


def _labels_of(name: str, value: object) -> np.ndarray:
    """Classes 0..9 as a 1-D integer array (checked as an array first: ragged lists, strings)."""
    return _labels(name, array(name, value, ndim=1, kinds="iu", empty=True))


def _paired_labels(y_true: object, y_pred: object) -> tuple[np.ndarray, np.ndarray]:
    t, p = _labels_of("y_true", y_true), _labels_of("y_pred", y_pred)
    same_shape(("y_true", "y_pred"), (t, p))
    if not t.size:
        raise ValueError("y_true and y_pred must not be empty")
    return t, p


def touching_edge(x: np.ndarray) -> float:
    """Share of the images (N, rows, columns) with ink in their top or bottom row.

    Such an image loses a stroke under any vertical shift.

    >>> a = np.zeros((2, 3, 3)); a[0, 0, 1] = 5; a[1, 1, 1] = 5
    >>> touching_edge(a)
    0.5
    """
    x = _images("x", array("x", x, ndim=3), ndim=3)
    return float(np.mean((x[..., 0, :] > 0).any(axis=-1) | (x[..., -1, :] > 0).any(axis=-1)))


# ---------------------------------------------------------------------------------------------
# Shares with bootstrap intervals, and the bookkeeping of a classifier's readings.


def bootstrap_interval(
    values: np.ndarray, resamples: int = RESAMPLES, seed: int = SEED, level: float = INTERVAL
) -> tuple[float, float]:
    """The ``level``% percentile interval of the mean of ``values`` (one entry per independent
    unit: a test digit) over ``resamples`` resamples with replacement.

    >>> bootstrap_interval(np.ones(5))           # every resample's mean is 1
    (1.0, 1.0)
    >>> bootstrap_interval(np.array([0.0, 1.0]))  # means 0, ½, 1 with chances ¼, ½, ¼
    (0.0, 1.0)
    """
    v = array("values", values, ndim=1, dtype=float)
    means = v[bootstrap.indices(v.size, resamples, seed, name="values")].mean(axis=1)
    return bootstrap.interval(means, level)


@dataclass(frozen=True)
class Share:
    """``hits`` of ``total`` (e.g. test digits read right), with a bootstrap interval of the share."""

    hits: int
    total: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0


def share_of(hits: np.ndarray, per_unit: int = 1) -> Share:
    """The share of hits among units of ``per_unit`` trials each (a test digit: 1; a digit's
    crops at every position: the positions), resampling whole units.

    >>> s = share_of(np.array([1, 1, 0, 1]))
    >>> s.hits, s.total, s.value
    (3, 4, 0.75)
    """
    h = array("hits", hits, ndim=1, kinds="biu")
    per_unit = positive_int("per_unit", per_unit)
    if h.ndim != 1 or h.size == 0 or h.min() < 0 or h.max() > per_unit:
        raise ValueError(f"hits must be a non-empty 1-D array of counts 0..per_unit, got {h!r}")
    return Share(int(h.sum()), h.size * per_unit, *bootstrap_interval(h / per_unit))


def paired_change(before: np.ndarray, after: np.ndarray) -> Change:
    """Change of the mean from ``before`` to ``after`` (hits per test digit, same digits).

    >>> c = paired_change(np.array([1, 1, 1, 1]), np.array([0, 0, 0, 0]))
    >>> c.delta, c.low, c.high, c.arrow
    (-1.0, -1.0, -1.0, '↓')
    """
    a = array("before", before, ndim=1, dtype=float, empty=True)
    b = array("after", after, ndim=1, dtype=float, empty=True)
    if a.size == 0 or a.shape != b.shape:
        raise ValueError(f"before and after must be non-empty and of one shape, got {a.shape} and {b.shape}")
    d = b - a
    return Change(float(d.mean()), *bootstrap_interval(d))


def kept_per_class(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, ...]:
    """Per class 0..9: the share of its digits read as that class (0.0 for an absent class).

    >>> kept_per_class(np.array([0, 0, 1, 1, 1]), np.array([0, 1, 1, 1, 0]))[:3]
    (0.5, 0.6666666666666666, 0.0)
    """
    t, p = _paired_labels(y_true, y_pred)
    return tuple(float(np.mean(p[t == k] == k)) if np.any(t == k) else 0.0 for k in range(CLASSES))


def kept_classes(kept: tuple[float, ...], threshold: float = KEPT) -> tuple[int, ...]:
    """The classes whose share kept is at least ``threshold``.

    >>> kept_classes((0.9, 0.5, 0.8, 0.79))
    (0, 2)
    """
    if not 0 < finite_number("threshold", threshold) <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    kept = sequence("kept", kept, lambda n, v: number(n, v, minimum=0, maximum=1))
    return tuple(k for k, s in enumerate(kept) if s >= threshold)


def confusions(y_true: np.ndarray, y_pred: np.ndarray, top: int = 5) -> tuple[tuple[int, int, int], ...]:
    """The ``top`` most common errors as (true, read, count), most common first (ties: first seen).

    >>> confusions(np.array([6, 6, 6, 9]), np.array([9, 9, 6, 6]))
    ((6, 9, 2), (9, 6, 1))
    """
    t, p = _paired_labels(y_true, y_pred)
    top = positive_int("top", top)
    wrong = Counter((int(a), int(b)) for a, b in zip(t, p) if a != b)
    return tuple((a, b, c) for (a, b), c in wrong.most_common(top))


def largest_swap(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[int, int, float]:
    """(class, other class, share): the largest share of one class read as one *other* class.

    The signature of a label change: a 180° rotation sends nearly all 6s to 9, whereas a judge
    that merely fails on an image scatters its errors.

    >>> largest_swap(np.array([6, 6, 6, 9]), np.array([9, 9, 6, 9]))
    (6, 9, 0.6666666666666666)
    """
    t, p = _paired_labels(y_true, y_pred)
    best = (0, 0, 0.0)
    for a in np.unique(t):
        counts = np.bincount(p[t == a], minlength=CLASSES).astype(float)
        counts[a] = 0
        if counts.max() / np.sum(t == a) > best[2]:
            best = (int(a), int(counts.argmax()), float(counts.max() / np.sum(t == a)))
    return best


# ---------------------------------------------------------------------------------------------
# Digits: data, judges, and what each transformation does to their readings.


def _readings(readings: object) -> Readings:
    if not isinstance(readings, Readings):
        raise ValueError(f"readings must be the stored Readings (digit_readings), got {readings!r}")
    return readings


@dataclass(frozen=True)
class Judged:
    """The test digits after one transformation, read by a judge that never saw it."""

    transform: str
    untouched: Share  # the same judge on the untouched test digits
    accuracy: Share  # against the original labels
    kept_per_class: tuple[float, ...]  # per class: share still read as that class
    kept_classes: tuple[int, ...]  # classes with kept share ≥ KEPT
    top_confusions: tuple[tuple[int, int, int], ...]  # (true, read, count), most common first
    largest_swap: tuple[int, int, float]  # (class, read as, share of the class)


def judged(readings: Readings, transform: str) -> Judged:
    """How the judge that never saw ``transform`` reads the transformed test digits."""
    r = _readings(readings)
    choice("transform", transform, tuple(r.judged))
    return _judged(r, transform)


@cache
def _judged(r: Readings, transform: str) -> Judged:
    y, plain, pred = r.y_test, r.untouched[judge_of(transform)], r.judged[transform]
    kept = kept_per_class(y, pred)
    return Judged(
        transform=transform,
        untouched=share_of(plain == y),
        accuracy=share_of(pred == y),
        kept_per_class=kept,
        kept_classes=kept_classes(kept),
        top_confusions=confusions(y, pred),
        largest_swap=largest_swap(y, pred),
    )


@dataclass(frozen=True)
class Swap:
    """Test digits of class ``source`` after ``transform``: how many the judge reads as ``target``."""

    source: int
    target: int
    transform: str
    count: int
    before: Share  # untouched digits of ``source`` read as ``target``
    after: Share

    @property
    def share_before(self) -> float:
        return self.before.value

    @property
    def share_after(self) -> float:
        return self.after.value


def swap(readings: Readings, source: int, target: int, transform: str = "rot180") -> Swap:
    """e.g. ``swap(r, 6, 9)``: the share of rotated test 6s that the judge calls 9."""
    r = _readings(readings)
    source, target = _digit("source", source), _digit("target", target)
    choice("transform", transform, tuple(t for t in HARMFUL if t in r.judged))
    mine = r.y_test == source
    return Swap(
        source=source,
        target=target,
        transform=transform,
        count=int(mine.sum()),
        before=share_of(r.untouched[ALL][mine] == target),
        after=share_of(r.judged[transform][mine] == target),
    )


@dataclass(frozen=True)
class CropEffect:
    """Every size×size window of every test digit of one class, resized to 8×8, read by the judge."""

    digit: int
    size: int  # side of the square window, of 8
    digits: int  # test digits of the class
    positions: int  # window positions per digit: (8 − size + 1)²
    readings: tuple[Share, ...]  # per class 0..9: share of all crops read as it
    kept_by_position: tuple[tuple[float, ...], ...]  # [top][left]: share of the digits still read right

    @property
    def crops(self) -> int:
        return self.digits * self.positions

    @property
    def ranked(self) -> tuple[int, ...]:
        """Classes by share of the crops read as them, most common first (ties: lower class)."""
        return tuple(sorted(range(CLASSES), key=lambda k: (-self.readings[k].hits, k)))

    @property
    def kept_worst(self) -> float:
        return min(min(row) for row in self.kept_by_position)

    @property
    def kept_best(self) -> float:
        return max(max(row) for row in self.kept_by_position)


def crop_effect(readings: Readings, digit: int = 8, size: int = 4) -> CropEffect:
    """What the judge (which never saw a crop) calls every crop of every test ``digit``."""
    r = _readings(readings)
    digit = _digit("digit", digit)
    if _integer("size", size) not in r.crops:
        raise ValueError(f"size must be one of the stored crop sizes {tuple(r.crops)}, got {size!r}")
    return _crop_effect(r, digit, int(size))


@cache
def _crop_effect(r: Readings, digit: int, size: int) -> CropEffect:
    pred = r.crops[size][r.y_test == digit]  # (digits, top, left)
    p = pred.shape[1]
    readings_ = tuple(share_of((pred == k).sum(axis=(1, 2)), p * p) for k in range(CLASSES))
    kept = (pred == digit).mean(axis=0)
    return CropEffect(
        digit=digit,
        size=size,
        digits=len(pred),
        positions=p * p,
        readings=readings_,
        kept_by_position=tuple(tuple(float(v) for v in row) for row in kept),
    )


def read_more_often(effect: CropEffect, than: tuple[int, ...] = (3, 0)) -> tuple[int, ...]:
    """Classes (other than the digit) whose share of the crops lies wholly above every class of
    ``than``: their interval's low end above each of those classes' interval's high end.

    The typical answer said crops turn 8 into "3 or 0"; this says which readings beat both.
    """
    instance("effect", effect, CropEffect)
    than = sequence("than", than, _digit)
    top = max(effect.readings[k].high for k in than)
    return tuple(k for k in effect.ranked if k != effect.digit and k not in than and effect.readings[k].low > top)


@dataclass(frozen=True)
class HalfReading:
    """What the judge reads in one half of every test digit of one class
    (:func:`~solutions.answers.half_crops.read_halves`, stored as ``q1-half-crops``)."""

    digit: int
    half: str
    readings: tuple[Share, ...]  # per class 0..9: share of the digits whose half reads as it

    @property
    def digits(self) -> int:
        return self.readings[0].total

    @property
    def kept(self) -> float:
        """The share still read as the digit itself."""
        return self.readings[self.digit].value

    def share(self, k: int) -> float:
        return self.readings[_digit("k", k)].value

    @property
    def most_common_other(self) -> int:
        """The most common reading other than the digit (ties: the lower class)."""
        return min((k for k in range(CLASSES) if k != self.digit), key=lambda k: (-self.readings[k].hits, k))


def half_readings(reads: Mapping[str, np.ndarray], digit: int = 8) -> dict[str, HalfReading]:
    """half → how the judge reads that half of every test ``digit``, from the classes it read
    (``reads``: half → one class per digit, as :func:`~solutions.answers.half_crops.read_halves`
    returns them and the store keeps them).

    >>> r = half_readings({h: np.array([0, 8, 8, 3]) for h in HALVES})
    >>> r["top"].digits, r["top"].kept, r["top"].share(0), r["top"].most_common_other
    (4, 0.5, 0.25, 0)
    """
    digit = _digit("digit", digit)
    reads = mapping("reads", reads)
    if set(reads) != set(HALVES):
        raise ValueError(f"reads must hold the halves {', '.join(HALVES)}, got {sorted(map(str, reads))}")
    out = {}
    for half in HALVES:
        read = _labels_of(f"reads[{half!r}]", reads[half])
        if read.size == 0:
            raise ValueError(f"reads[{half!r}] must hold one class per digit, got none")
        out[half] = HalfReading(digit, half, tuple(share_of(read == k) for k in range(CLASSES)))
    return out


@dataclass(frozen=True)
class TrainedWith:
    """Training on originals plus one transformed copy of each, labels kept; read on untouched digits."""

    augmentation: str
    accuracy: Share
    per_class: tuple[float, ...]
    change: Change  # accuracy minus that of training without augmentation (paired)
    change_on: tuple[Change, ...]  # the same, per class


def train_with(readings: Readings, augmentation: str) -> TrainedWith:
    """Accuracy on the untouched test digits of a classifier trained with one augmentation.

    The training set is the originals plus one transformed copy of each, the
    label kept: what an augmentation pipeline would do.
    """
    r = _readings(readings)
    choice("augmentation", augmentation, tuple(r.trained))
    y, pred, base = r.y_test, r.trained[augmentation], r.trained[NONE]
    hits, base_hits = pred == y, base == y
    return TrainedWith(
        augmentation,
        share_of(hits),
        kept_per_class(y, pred),
        paired_change(base_hits, hits),
        tuple(paired_change(base_hits[y == k], hits[y == k]) for k in range(CLASSES)),
    )


# ---------------------------------------------------------------------------------------------
# Letters: glyph bitmaps from DejaVu Sans and their IoU after flips and rotations.

LETTERS = "bdpqnuMW"
UNRELATED = "aehkosx"  # extra letters for the baseline
GLYPH_SIZE = 64  # bitmap side in pixels
FONT_SIZE = 48  # glyph height scale in the same pixels


def glyph(char: str, size: int = GLYPH_SIZE, font_size: float = FONT_SIZE) -> np.ndarray:
    """Binary bitmap (size, size) of one character of DejaVu Sans, centred by its bounding box.

    The outline's polygons are filled by the even–odd rule (holes such as the
    bowl of b come out empty), sampled at pixel centres; row 0 is the top.

    >>> g = glyph("b")
    >>> g.shape, g.dtype, bool(g.any())
    ((64, 64), dtype('bool'), True)
    """
    if not isinstance(char, str) or len(char) != 1:
        raise ValueError(f"char must be one character, got {char!r}")
    return _glyph(char, positive_int("size", size), number("font_size", font_size, minimum=0, strict=True))


@cache
def _glyph(char: str, size: int, font_size: float) -> np.ndarray:
    from pathlib import Path

    import matplotlib
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path as MplPath
    from matplotlib.textpath import TextPath

    font = FontProperties(fname=Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    path = TextPath((0, 0), char, size=font_size, prop=font)
    polygons = path.to_polygons()
    (x0, y0), (x1, y1) = path.get_extents().get_points()
    if x1 - x0 > size or y1 - y0 > size:
        raise ValueError(f"size {size} is too small for {char!r} at font_size {font_size}")
    # Pixel centres in glyph units, the glyph's bounding-box centre at the bitmap's centre.
    c = np.arange(size) + 0.5 - size / 2
    xs = (x0 + x1) / 2 + c
    ys = (y0 + y1) / 2 - c  # row 0 at the top: y decreases down the rows
    points = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    inside = np.zeros(len(points), bool)
    for poly in polygons:
        inside ^= MplPath(poly).contains_points(points)
    return inside.reshape(size, size)


@dataclass(frozen=True)
class GlyphMatch:
    transform: str
    source: str
    target: str
    iou: float  # IoU(transform(source), target)
    iou_untransformed: float  # IoU(source, target): what the transform adds
    baseline_mean: float  # IoU(transform(source), other letters): mean and max
    baseline_max: float


GLYPH_PAIRS = (
    ("flip_h", "b", "d"),
    ("flip_v", "b", "p"),
    ("rot180", "b", "q"),
    ("flip_h", "p", "q"),
    ("rot180", "d", "p"),
    ("rot180", "n", "u"),
    ("flip_v", "n", "u"),
    ("flip_v", "M", "W"),
)


def glyph_match(transform: str, source: str, target: str) -> GlyphMatch:
    """How well ``transform(source)`` matches ``target``, against unrelated letters."""
    choice("transform", transform, sorted(TRANSFORMS))
    for name, char in (("source", source), ("target", target)):
        if not isinstance(char, str) or len(char) != 1:
            raise ValueError(f"{name} must be one character, got {char!r}")
    moved = TRANSFORMS[transform](glyph(source))
    others = [c for c in LETTERS + UNRELATED if c not in (source, target)]
    base = [iou(moved, glyph(c)) for c in others]
    return GlyphMatch(
        transform=transform,
        source=source,
        target=target,
        iou=iou(moved, glyph(target)),
        iou_untransformed=iou(glyph(source), glyph(target)),
        baseline_mean=float(np.mean(base)),
        baseline_max=float(np.max(base)),
    )


def glyph_matches() -> tuple[GlyphMatch, ...]:
    return tuple(glyph_match(*p) for p in GLYPH_PAIRS)
