"""Augmentations that change the label of a character, measured (CS5242 Q1.1).

A transformation is a safe augmentation only if the transformed image still
belongs to the original class. We check that with two pieces of evidence:

* **digits**: an RBF support-vector classifier trained on scikit-learn's 8×8
  digits, with the augmentations we do want (±1-pixel shifts, small rotations,
  mild elastic noise), is the judge of what a digit looks like; we apply each
  transformation to the test digits and see what it calls them (a rotated 6
  read as 9 means that the augmentation would teach "this 9-like image is a 6");
  and we train with each augmentation, label kept, to see what it costs on
  untouched digits;
* **letters**: glyphs rendered from matplotlib's bundled DejaVu Sans, compared
  by pixel IoU after a flip or rotation with the other letters (flip_h(b) vs d).

Image operations act on the last two axes (rows, columns) of numpy arrays.

>>> x = np.arange(6).reshape(2, 3)
>>> flip_h(x)
array([[2, 1, 0],
       [5, 4, 3]])
>>> flip_v(x)
array([[3, 4, 5],
       [0, 1, 2]])
>>> bool(np.array_equal(rot180(x), flip_h(flip_v(x))))
True
>>> shift(np.eye(3), 0, 1)            # one column right, zeros come in
array([[0., 1., 0.],
       [0., 0., 1.],
       [0., 0., 0.]])
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import ndimage

SEED = 0
DIGIT_MAX = 16.0   # the 8×8 digits are counts 0..16 of an original 32×32 bitmap
DIGIT_SIDE = 8
# The safe augmentations: what handwriting itself varies, kept small at 8×8 (a pixel is 1/8 of it).
SHIFT_PIXELS = 1
MAX_ROTATION = 10.0      # degrees
ELASTIC_ALPHA = 0.7      # largest displacement, pixels
ELASTIC_SIGMA = 1.5      # smoothness of the displacement field, pixels


# ---------------------------------------------------------------------------------------------
# Image operations (numpy / scipy.ndimage).

def flip_h(x: np.ndarray) -> np.ndarray:
    """Mirror left–right."""
    return x[..., :, ::-1]


def flip_v(x: np.ndarray) -> np.ndarray:
    """Mirror top–bottom."""
    return x[..., ::-1, :]


def rot180(x: np.ndarray) -> np.ndarray:
    """Rotate by 180° (= both flips)."""
    return x[..., ::-1, ::-1]


def shift(x: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Translate by whole pixels (down dy, right dx); pixels shifted in are 0."""
    out = np.zeros_like(x)
    h, w = x.shape[-2:]
    src = x[..., max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
    out[..., max(0, dy):max(0, dy) + src.shape[-2], max(0, dx):max(0, dx) + src.shape[-1]] = src
    return out


def rotate(x: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate one image about its centre (bilinear, same size, zeros outside)."""
    return ndimage.rotate(x, degrees, axes=(-1, -2), reshape=False, order=1, mode="constant")


def crop_resize(x: np.ndarray, top: int, left: int, size: int) -> np.ndarray:
    """Cut a size×size window of one square image and scale it back to the full size.

    >>> crop_resize(np.ones((8, 8)), 2, 2, 4).shape
    (8, 8)
    """
    n = x.shape[-1]
    if not 1 <= size <= n or not (0 <= top <= n - size and 0 <= left <= n - size):
        raise ValueError(f"size must fit the image with top, left: got size={size}, "
                         f"top={top}, left={left} for {n}×{n}")
    window = x[top:top + size, left:left + size]
    return ndimage.zoom(window, n / size, order=1, mode="nearest", grid_mode=True)


def elastic(x: np.ndarray, rng: np.random.Generator, alpha: float = 1.0,
            sigma: float = 1.5) -> np.ndarray:
    """Mild elastic distortion (Simard et al. 2003): a smooth random displacement field.

    ``alpha`` is the displacement's size in pixels after smoothing by ``sigma``.
    """
    h, w = x.shape
    field = [ndimage.gaussian_filter(rng.uniform(-1, 1, (h, w)), sigma, mode="constant")
             for _ in range(2)]
    # Normalise so that the largest displacement is alpha pixels, whatever sigma does to the scale.
    field = [alpha * f / (np.abs(f).max() + 1e-12) for f in field]
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    return ndimage.map_coordinates(x, [rows + field[0], cols + field[1]], order=1, mode="constant")


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two binary masks (1.0 for two empty masks).

    >>> a = np.array([[1, 1, 0, 0]], bool)
    >>> iou(a, a), iou(a, flip_h(a)), iou(a, np.array([[0, 1, 1, 0]], bool))
    (1.0, 0.0, 0.3333333333333333)
    """
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else float(np.logical_and(a, b).sum() / union)


# ---------------------------------------------------------------------------------------------
# Digits: data, classifier, and what each transformation does to its decisions.

@dataclass(frozen=True, eq=False)
class Digits:
    x_train: np.ndarray   # (N, 8, 8) float in [0, 16]
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@lru_cache(maxsize=None)
def digits(test_size: float = 0.3, seed: int = SEED) -> Digits:
    """scikit-learn's 1,797 8×8 digits (bundled, no download), split stratified and seeded."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    xtr, xte, ytr, yte = train_test_split(d.images, d.target, test_size=test_size,
                                          random_state=seed, stratify=d.target)
    return Digits(xtr, ytr, xte, yte)


def fit_classifier(x: np.ndarray, y: np.ndarray):
    """An RBF support-vector classifier on the 64 pixels scaled to [0, 1] (deterministic)."""
    from sklearn.svm import SVC

    return SVC(kernel="rbf", gamma="scale", C=1.0).fit(x.reshape(len(x), -1) / DIGIT_MAX, y)


def with_copies(x: np.ndarray, y: np.ndarray, transforms) -> tuple[np.ndarray, np.ndarray]:
    """The images plus one transformed copy per transform, each copy keeping its label."""
    xs = [x] + [np.array([t(img) for img in x]) for t in transforms]
    return np.concatenate(xs), np.tile(y, len(xs))


@lru_cache(maxsize=None)
def classifier(seed: int = SEED):
    """The judge: trained on the training digits plus one copy per safe augmentation.

    Trained so, it has learnt the invariances we do want (a digit shifted by a
    pixel is the same digit) without losing accuracy on untouched digits; what
    it reads in a transformed digit is then a fair account of what the digit
    has become.
    """
    d = digits(seed=seed)
    return fit_classifier(*with_copies(d.x_train, d.y_train,
                                       safe_transforms(np.random.default_rng(seed + 1)).values()))


def predict(model, x: np.ndarray) -> np.ndarray:
    return model.predict(np.asarray(x, dtype=float).reshape(len(x), -1) / DIGIT_MAX)


def share(pred: np.ndarray, label: int) -> float:
    """Fraction of predictions equal to ``label`` (0.0 for no predictions)."""
    return float(np.mean(pred == label)) if len(pred) else 0.0


@dataclass(frozen=True)
class Swap:
    """Test digits of class ``source`` after ``transform``: how many the judge reads as ``target``."""

    source: int
    target: int
    transform: str
    count: int
    share_before: float   # untouched digits of ``source`` read as ``target``
    share_after: float


def swap(source: int, target: int, transform: str = "rot180", seed: int = SEED) -> Swap:
    """e.g. ``swap(6, 9)``: the share of rotated test 6s that the judge calls 9."""
    d, model = digits(seed=seed), classifier(seed)
    x = d.x_test[d.y_test == source]
    return Swap(source, target, transform, len(x), share(predict(model, x), target),
                share(predict(model, TRANSFORMS[transform](x)), target))


TRANSFORMS = {"rot180": rot180, "flip_h": flip_h, "flip_v": flip_v}


@dataclass(frozen=True)
class FlipEffect:
    transform: str
    accuracy: float                               # against the original labels
    top_confusions: tuple[tuple[int, int, int], ...]  # (true, predicted, count), most common first
    kept_per_class: tuple[float, ...]             # per class: share still read as that class


def flip_effect(transform: str, top: int = 5, seed: int = SEED) -> FlipEffect:
    """Accuracy of the judge on transformed test digits, and the most common confusions."""
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {sorted(TRANSFORMS)}, got {transform!r}")
    d, model = digits(seed=seed), classifier(seed)
    pred = predict(model, TRANSFORMS[transform](d.x_test))
    wrong = Counter((int(t), int(p)) for t, p in zip(d.y_test, pred) if t != p)
    return FlipEffect(transform, float(np.mean(pred == d.y_test)),
                      tuple((t, p, c) for (t, p), c in wrong.most_common(top)),
                      tuple(share(pred[d.y_test == k], k) for k in range(10)))


def accuracy(seed: int = SEED) -> float:
    """The judge's accuracy on the untouched test digits."""
    d = digits(seed=seed)
    return float(np.mean(predict(classifier(seed), d.x_test) == d.y_test))


@dataclass(frozen=True)
class CropEffect:
    digit: int
    size: int                  # side of the square window, of 8
    crops: int
    predicted: tuple[float, ...]   # share of crops read as 0..9


def random_crops(x: np.ndarray, size: int, per_image: int, rng: np.random.Generator) -> np.ndarray:
    """``per_image`` random size×size crops of each 8×8 image, each scaled back to 8×8."""
    n = x.shape[-1]
    out = []
    for img in x:
        for top, left in rng.integers(0, n - size + 1, size=(per_image, 2)):
            out.append(crop_resize(img, int(top), int(left), size))
    return np.array(out)


def crop_effect(digit: int = 8, size: int = 4, per_image: int = 10, seed: int = SEED) -> CropEffect:
    """What the judge calls aggressive random crops (crop, then resize to 8×8) of one digit."""
    d, model = digits(seed=seed), classifier(seed)
    crops = random_crops(d.x_test[d.y_test == digit], size, per_image, np.random.default_rng(seed))
    pred = predict(model, crops)
    return CropEffect(digit, size, len(crops), tuple(share(pred, k) for k in range(10)))


def safe_transforms(rng: np.random.Generator) -> dict[str, object]:
    """Augmentations that keep a digit's class: name → function of one 8×8 image."""
    def small_shift(img: np.ndarray) -> np.ndarray:
        dy, dx = rng.integers(-SHIFT_PIXELS, SHIFT_PIXELS + 1, size=2)
        return shift(img, int(dy), int(dx))

    return {f"shift ±{SHIFT_PIXELS} pixel": small_shift,
            f"rotation ≤ {MAX_ROTATION:g}°": lambda img: rotate(img, rng.uniform(-MAX_ROTATION,
                                                                                 MAX_ROTATION)),
            "mild elastic": lambda img: elastic(img, rng, alpha=ELASTIC_ALPHA, sigma=ELASTIC_SIGMA)}


def safe_accuracies(seed: int = SEED) -> dict[str, float]:
    """The judge's test accuracy on untouched digits and after each safe augmentation."""
    d, model = digits(seed=seed), classifier(seed)
    out = {"none": accuracy(seed)}
    for name, t in safe_transforms(np.random.default_rng(seed)).items():
        out[name] = float(np.mean(predict(model, np.array([t(img) for img in d.x_test])) == d.y_test))
    return out


@dataclass(frozen=True)
class TrainedWith:
    """Training on originals plus transformed copies, labels kept."""

    augmentation: str
    accuracy: float
    per_class: tuple[float, ...]


def train_with(augmentation: str, seed: int = SEED) -> TrainedWith:
    """Accuracy on the untouched test digits of a classifier trained with one augmentation.

    The training set is the originals plus one transformed copy of each, the
    label kept: what an augmentation pipeline would do.
    """
    d = digits(seed=seed)
    if augmentation == "none":
        x, y = d.x_train, d.y_train
    elif augmentation in TRANSFORMS:
        x, y = with_copies(d.x_train, d.y_train, [TRANSFORMS[augmentation]])
    else:
        safe = safe_transforms(np.random.default_rng(seed + 2))
        if augmentation not in safe:
            raise ValueError(f"augmentation must be 'none' or one of "
                             f"{sorted(TRANSFORMS) + sorted(safe)}, got {augmentation!r}")
        x, y = with_copies(d.x_train, d.y_train, [safe[augmentation]])
    pred = predict(fit_classifier(x, y), d.x_test)
    return TrainedWith(augmentation, float(np.mean(pred == d.y_test)),
                       tuple(share(pred[d.y_test == k], k) for k in range(10)))


# ---------------------------------------------------------------------------------------------
# Letters: glyph bitmaps from DejaVu Sans and their IoU after flips and rotations.

LETTERS = "bdpqnuMW"
UNRELATED = "aehkosx"          # extra letters for the baseline
GLYPH_SIZE = 64                # bitmap side in pixels
FONT_SIZE = 48                 # glyph height scale in the same pixels


@lru_cache(maxsize=None)
def glyph(char: str, size: int = GLYPH_SIZE, font_size: float = FONT_SIZE) -> np.ndarray:
    """Binary bitmap (size, size) of one character of DejaVu Sans, centred by its bounding box.

    The outline's polygons are filled by the even–odd rule (holes such as the
    bowl of b come out empty), sampled at pixel centres; row 0 is the top.

    >>> g = glyph("b")
    >>> g.shape, g.dtype, bool(g.any())
    ((64, 64), dtype('bool'), True)
    """
    from pathlib import Path

    import matplotlib
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path as MplPath
    from matplotlib.textpath import TextPath

    if len(char) != 1:
        raise ValueError(f"char must be one character, got {char!r}")
    font = FontProperties(fname=Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    path = TextPath((0, 0), char, size=font_size, prop=font)
    polygons = path.to_polygons()
    (x0, y0), (x1, y1) = path.get_extents().get_points()
    if x1 - x0 > size or y1 - y0 > size:
        raise ValueError(f"size {size} is too small for {char!r} at font_size {font_size}")
    # Pixel centres in glyph units, the glyph's bounding-box centre at the bitmap's centre.
    c = np.arange(size) + 0.5 - size / 2
    xs = (x0 + x1) / 2 + c
    ys = (y0 + y1) / 2 - c                       # row 0 at the top: y decreases down the rows
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
    iou: float              # IoU(transform(source), target)
    iou_untransformed: float  # IoU(source, target): what the transform adds
    baseline_mean: float    # IoU(transform(source), other letters): mean and max
    baseline_max: float


GLYPH_PAIRS = (("flip_h", "b", "d"), ("flip_v", "b", "p"), ("rot180", "b", "q"),
               ("flip_h", "p", "q"), ("rot180", "d", "p"), ("rot180", "n", "u"),
               ("flip_v", "n", "u"), ("flip_v", "M", "W"))


def glyph_match(transform: str, source: str, target: str) -> GlyphMatch:
    """How well ``transform(source)`` matches ``target``, against unrelated letters."""
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {sorted(TRANSFORMS)}, got {transform!r}")
    moved = TRANSFORMS[transform](glyph(source))
    others = [c for c in LETTERS + UNRELATED if c not in (source, target)]
    base = [iou(moved, glyph(c)) for c in others]
    return GlyphMatch(transform, source, target, iou(moved, glyph(target)),
                      iou(glyph(source), glyph(target)), float(np.mean(base)), float(np.max(base)))


def glyph_matches() -> tuple[GlyphMatch, ...]:
    return tuple(glyph_match(*p) for p in GLYPH_PAIRS)


