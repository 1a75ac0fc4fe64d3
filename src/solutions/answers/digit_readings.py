"""The CS5242 Q1.1 digit readings: classifiers fitted, test digits transformed and read (stored).

Pure computation, no files: :func:`compute_readings` fits the eleven RBF
support-vector classifiers of Q1.1 on scikit-learn's 8×8 digits and records what
they read in the test digits. The results store keeps the readings
(``solutions run q1-digit-readings``, keyed on this module's code), so the book
analyses stored readings (:mod:`solutions.answers.label_changing_augmentation`)
and trains nothing:

* four **judges**, each trained on the training digits plus one copy per
  candidate label-keeping augmentation (±1-pixel shift, small rotation, mild
  elastic distortion) except the one it judges (``judge("shift")`` …), and the
  judge of flips, the 180° rotation and crops, trained with all three
  (``judge()``); each reads the untouched and the transformed test digits, and
  ``judge()`` reads every size×size window of every test digit, resized to 8×8;
* seven classifiers **trained with** one augmentation each (label kept), and
  without; each reads the untouched test digits.

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

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import numpy as np
from scipy import ndimage

from solutions.answers.common import choice, finite_number, non_negative_int, positive_number
from solutions.answers.validation import array, sequence

SEED = 0
DIGIT_MAX = 16.0  # the 8×8 digits are counts 0..16 of an original 32×32 bitmap
DIGIT_SIDE = 8
CLASSES = 10
# The candidate label-keeping augmentations: what handwriting itself varies, kept small at 8×8
# (a pixel is 1/8 of the image).
SHIFT_PIXELS = 1
MAX_ROTATION = 10.0  # degrees
ELASTIC_ALPHA = 0.7  # largest displacement, pixels
ELASTIC_SIGMA = 1.5  # smoothness of the displacement field, pixels
SAFE = ("shift", "rotation", "elastic")  # candidates, judged each by a judge that never saw it
HARMFUL = ("rot180", "flip_h", "flip_v")
CROP_SIZES = (4, 5, 6)  # crop windows (of 8×8) read at every position
ALL = "all"  # the judge trained with all of SAFE (of flips, the 180° rotation and crops)
NONE = "none"  # the classifier trained without augmentation


# ---------------------------------------------------------------------------------------------
# Argument checks for arrays (the scalar checks are solutions.answers.common's).


def _images(name: str, x: object, ndim: int = 2) -> np.ndarray:
    """``x`` as an array of finite numbers with at least ``ndim`` axes, the last two non-empty
    (rows, columns)."""
    a = array(name, x, kinds="biuf")
    if a.ndim < ndim or a.ndim < 2 or 0 in a.shape[-2:]:
        raise ValueError(f"{name} must be an image array with ≥ {ndim} axes (…, rows, columns), got shape {a.shape}")
    return a


class Classifier(Protocol):
    """A fitted classifier of 64-pixel rows (:func:`fit_classifier`'s scikit-learn SVC)."""

    def predict(self, x: np.ndarray) -> np.ndarray: ...


Transform = Callable[[np.ndarray], np.ndarray]  # a function of one image


def _transform(name: str, t: object) -> Callable[[np.ndarray], object]:
    if not callable(t):
        raise ValueError(f"{name} must be a function of one image, got {t!r}")
    return t


def _integer(name: str, value: object) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    return int(value)


def _labels(name: str, y: object) -> np.ndarray:
    a = np.asarray(y)
    if a.ndim != 1 or not np.issubdtype(a.dtype, np.integer) or (a.size and (a.min() < 0 or a.max() >= CLASSES)):
        raise ValueError(f"{name} must be a 1-D integer array of classes 0..{CLASSES - 1}, got {a!r}")
    return a


def _digit(name: str, value: object) -> int:
    digit = _integer(name, value)
    if digit not in range(CLASSES):
        raise ValueError(f"{name} must be a digit 0..{CLASSES - 1}, got {value!r}")
    return digit


# ---------------------------------------------------------------------------------------------
# Image operations (numpy / scipy.ndimage).


def flip_h(x: np.ndarray) -> np.ndarray:
    """Mirror left–right."""
    return _images("x", x)[..., :, ::-1]


def flip_v(x: np.ndarray) -> np.ndarray:
    """Mirror top–bottom."""
    return _images("x", x)[..., ::-1, :]


def rot180(x: np.ndarray) -> np.ndarray:
    """Rotate by 180° (= both flips)."""
    return _images("x", x)[..., ::-1, ::-1]


def shift(x: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Translate by whole pixels (down dy, right dx); pixels shifted in are 0."""
    x = _images("x", x)
    dy, dx = _integer("dy", dy), _integer("dx", dx)
    out = np.zeros_like(x)
    h, w = x.shape[-2:]
    src = x[..., max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)]
    out[..., max(0, dy) : max(0, dy) + src.shape[-2], max(0, dx) : max(0, dx) + src.shape[-1]] = src
    return out


def rotate(x: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate about the centre (bilinear, same size, zeros outside); images on the last two axes."""
    rotated: np.ndarray = ndimage.rotate(
        _images("x", x), finite_number("degrees", degrees), axes=(-1, -2), reshape=False, order=1, mode="constant"
    )
    return rotated


def crop_resize(x: np.ndarray, top: int, left: int, size: int) -> np.ndarray:
    """Cut a size×size window of one square image and scale it back to the full size.

    >>> crop_resize(np.ones((8, 8)), 2, 2, 4).shape
    (8, 8)
    """
    x = _images("x", x)
    n = x.shape[-1]
    if x.ndim != 2 or x.shape[0] != n:
        raise ValueError(f"x must be one square image, got shape {x.shape}")
    top, left, size = _integer("top", top), _integer("left", left), _integer("size", size)
    if not 1 <= size <= n or not (0 <= top <= n - size and 0 <= left <= n - size):
        raise ValueError(f"size must fit the image with top, left: got size={size}, top={top}, left={left} for {n}×{n}")
    window = x[top : top + size, left : left + size]
    zoomed: np.ndarray = ndimage.zoom(window, n / size, order=1, mode="nearest", grid_mode=True)
    return zoomed


def elastic(x: np.ndarray, rng: np.random.Generator, alpha: float = 1.0, sigma: float = 1.5) -> np.ndarray:
    """Mild elastic distortion (Simard et al. 2003): a smooth random displacement field.

    ``alpha`` is the displacement's size in pixels after smoothing by ``sigma``.
    """
    x = _images("x", x)
    if x.ndim != 2:
        raise ValueError(f"x must be one image (rows, columns), got shape {x.shape}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy Generator, got {rng!r}")
    if finite_number("alpha", alpha) < 0:
        raise ValueError(f"alpha must be non-negative, got {alpha!r}")
    sigma = positive_number("sigma", sigma)
    h, w = x.shape
    field = [ndimage.gaussian_filter(rng.uniform(-1, 1, (h, w)), sigma, mode="constant") for _ in range(2)]
    # Normalise so that the largest displacement is alpha pixels, whatever sigma does to the scale.
    field = [alpha * f / (np.abs(f).max() + 1e-12) for f in field]
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    moved: np.ndarray = ndimage.map_coordinates(x, [rows + field[0], cols + field[1]], order=1, mode="constant")
    return moved


# ---------------------------------------------------------------------------------------------
# Digits: data, classifiers, and the transformed digits they read.


@dataclass(frozen=True, eq=False)
class Digits:
    x_train: np.ndarray  # (N, 8, 8) float in [0, 16]
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def digits(test_size: float = 0.3, seed: int = SEED) -> Digits:
    """scikit-learn's 1,797 8×8 digits (bundled, no download), split stratified and seeded."""
    if not 0 < finite_number("test_size", test_size) < 1:
        raise ValueError(f"test_size must be a fraction strictly between 0 and 1, got {test_size!r}")
    return _digits(float(test_size), non_negative_int("seed", seed))


@cache
def _digits(test_size: float, seed: int) -> Digits:
    # `import a.b`, not `from a.b import f`: the store's code hash resolves `from` imports by
    # importing them, which would load scikit-learn whenever a page checks the readings' key.
    import sklearn.datasets
    import sklearn.model_selection

    if not 0 < finite_number("test_size", test_size) < 1:
        raise ValueError(f"test_size must be a fraction strictly between 0 and 1, got {test_size!r}")
    d = sklearn.datasets.load_digits()
    xtr, xte, ytr, yte = sklearn.model_selection.train_test_split(
        d.images, d.target, test_size=test_size, random_state=non_negative_int("seed", seed), stratify=d.target
    )
    return Digits(xtr, ytr, xte, yte)


def fit_classifier(x: np.ndarray, y: np.ndarray) -> Classifier:
    """An RBF support-vector classifier on the 64 pixels scaled to [0, 1] (deterministic)."""
    import sklearn.svm

    x, y = _images("x", x, ndim=3), _labels("y", array("y", y, ndim=1, kinds="iu"))
    if len(x) != len(y):
        raise ValueError(f"x and y must have one label per image, got {len(x)} images and {len(y)} labels")
    fitted: Classifier = sklearn.svm.SVC(kernel="rbf", gamma="scale", C=1.0).fit(x.reshape(len(x), -1) / DIGIT_MAX, y)
    return fitted


def predict(model: Classifier, x: np.ndarray) -> np.ndarray:
    """The classes a fitted classifier reads in images (N, 8, 8)."""
    if not callable(getattr(model, "predict", None)):
        raise ValueError(f"model must be a fitted classifier (fit_classifier), got {model!r}"[:300])
    x = _images("x", x, ndim=3)
    return model.predict(np.asarray(x, dtype=float).reshape(len(x), -1) / DIGIT_MAX)


def with_copies(
    x: np.ndarray, y: np.ndarray, transforms: Sequence[Callable[[np.ndarray], object]]
) -> tuple[np.ndarray, np.ndarray]:
    """The images plus one transformed copy per transform, each copy keeping its label."""
    x, y = _images("x", x, ndim=3), _labels("y", array("y", y, ndim=1, kinds="iu"))
    if len(x) != len(y):
        raise ValueError(f"x and y must have one label per image, got {len(x)} images and {len(y)} labels")
    transforms = sequence("transforms", transforms, _transform, min_length=0)
    xs = [x] + [np.array([t(img) for img in x]) for t in transforms]
    return np.concatenate(xs), np.tile(y, len(xs))


def safe_transforms(rng: np.random.Generator) -> dict[str, Transform]:
    """The candidate label-keeping augmentations: name (of ``SAFE``) → function of one 8×8 image."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy Generator, got {rng!r}")

    def small_shift(img: np.ndarray) -> np.ndarray:
        dy, dx = rng.integers(-SHIFT_PIXELS, SHIFT_PIXELS + 1, size=2)
        return shift(img, int(dy), int(dx))

    return {
        "shift": small_shift,
        "rotation": lambda img: rotate(img, rng.uniform(-MAX_ROTATION, MAX_ROTATION)),
        "elastic": lambda img: elastic(img, rng, alpha=ELASTIC_ALPHA, sigma=ELASTIC_SIGMA),
    }


TRANSFORMS = {"rot180": rot180, "flip_h": flip_h, "flip_v": flip_v}


@cache
def _copy(name: str, split: str, seed: int) -> np.ndarray:
    """One copy of the training or test digits made with candidate ``name``, drawn once from its
    own seeded generator and shared by every judge and training that uses it (the elastic
    distortion of 1,797 digits is the slowest step of the page)."""
    d = digits(seed=seed)
    x = d.x_train if split == "train" else d.x_test
    rng = np.random.default_rng([seed, SAFE.index(name), split == "train"])
    t = safe_transforms(rng)[name]
    return np.array([t(img) for img in x])


def judge(unseen: str | None = None, seed: int = SEED) -> Classifier:
    """The classifier that reads transformed digits: trained on the training digits plus one copy
    per candidate augmentation of ``SAFE`` except ``unseen`` (None: all three).

    ``judge("shift")`` never saw a shifted digit, so it can judge shifts without having been
    taught to accept them; ``judge()`` never saw a flip, a 180° rotation or a crop.
    """
    if unseen is not None:
        choice("unseen", unseen, SAFE)
    return _judge(unseen, non_negative_int("seed", seed))


@cache
def _judge(unseen: str | None, seed: int) -> Classifier:
    d = digits(seed=non_negative_int("seed", seed))
    copies = [_copy(name, "train", seed) for name in SAFE if name != unseen]
    return fit_classifier(np.concatenate([d.x_train, *copies]), np.tile(d.y_train, 1 + len(copies)))


def classifier(seed: int = SEED) -> Classifier:
    """The judge of the flips, the 180° rotation and the crops (trained with all of ``SAFE``)."""
    return judge(None, non_negative_int("seed", seed))


def transformed(transform: str, x: np.ndarray, seed: int = SEED) -> np.ndarray:
    """Images (N, 8, 8) after ``transform`` (one of ``SAFE`` or ``HARMFUL``; the random ones
    drawn from a generator seeded by ``seed``, so every call gives the same images)."""
    choice("transform", transform, SAFE + HARMFUL)
    x = _images("x", x, ndim=3)
    seed = non_negative_int("seed", seed)
    if transform in TRANSFORMS:
        return TRANSFORMS[transform](x)
    t = safe_transforms(np.random.default_rng(non_negative_int("seed", seed)))[transform]
    return np.array([t(img) for img in x])


# ---------------------------------------------------------------------------------------------
# The readings: what every classifier of Q1.1 reads, as arrays of predicted classes.


@dataclass(frozen=True)
class ReadingsConfig:
    """What :func:`compute_readings` computes (the store's config of ``q1-digit-readings``)."""

    seed: int = SEED
    transforms: tuple[str, ...] = SAFE + HARMFUL
    crop_sizes: tuple[int, ...] = CROP_SIZES
    trained_with: tuple[str, ...] = (NONE,) + SAFE + HARMFUL

    def __post_init__(self) -> None:
        non_negative_int("seed", self.seed)
        for t in self.transforms:
            choice("transforms", t, SAFE + HARMFUL)
        for s in self.crop_sizes:
            if _integer("crop_sizes", s) not in range(1, DIGIT_SIDE + 1):
                raise ValueError(f"crop_sizes must be sizes 1..{DIGIT_SIDE}, got {s!r}")
        for a in self.trained_with:
            choice("trained_with", a, (NONE,) + SAFE + HARMFUL)


def judge_of(transform: str) -> str:
    """The name of the judge of ``transform``: the candidate itself (its judge never saw it), or
    ``ALL`` for the flips and the 180° rotation.

    >>> judge_of("shift"), judge_of("rot180")
    ('shift', 'all')
    """
    choice("transform", transform, SAFE + HARMFUL)
    return transform if transform in SAFE else ALL


@dataclass(frozen=True, eq=False)
class Readings:
    """The classes read by the classifiers of Q1.1 in the test digits (int64 arrays).

    ``untouched[j]``: judge ``j`` (of ``SAFE`` or ``ALL``) on the untouched test digits;
    ``judged[t]``: the judge of ``t`` (:func:`judge_of`) on the test digits after ``t``;
    ``crops[s]``: (digits, top, left), ``judge()`` on every s×s window of every test digit;
    ``trained[a]``: the classifier trained with augmentation ``a`` (or none) on the untouched digits.
    """

    config: ReadingsConfig
    y_test: np.ndarray
    untouched: dict[str, np.ndarray]
    judged: dict[str, np.ndarray]
    crops: dict[int, np.ndarray]
    trained: dict[str, np.ndarray]

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The readings as named int8 arrays, for the store (classes 0..9 fit in int8)."""
        named = {
            "y_test": self.y_test,
            **{f"untouched:{k}": v for k, v in self.untouched.items()},
            **{f"judged:{k}": v for k, v in self.judged.items()},
            **{f"crops:{k}": v for k, v in self.crops.items()},
            **{f"trained:{k}": v for k, v in self.trained.items()},
        }
        return {k: np.asarray(v).astype(np.int8) for k, v in named.items()}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], config: ReadingsConfig = ReadingsConfig()) -> Readings:
        """The readings of ``config`` from :meth:`to_arrays`'s arrays (as the store returns them)."""
        if not isinstance(config, ReadingsConfig):
            raise ValueError(f"config must be a ReadingsConfig, got {config!r}")
        judges = tuple(dict.fromkeys(judge_of(t) for t in config.transforms))
        names = (
            ["y_test"]
            + [f"untouched:{j}" for j in judges]
            + [f"judged:{t}" for t in config.transforms]
            + [f"crops:{s}" for s in config.crop_sizes]
            + [f"trained:{a}" for a in config.trained_with]
        )
        if not isinstance(arrays, dict) or sorted(arrays) != sorted(names):
            raise ValueError(
                f"arrays must hold exactly {names}, got {sorted(arrays) if isinstance(arrays, dict) else arrays!r}"
            )
        a = {k: np.asarray(v).astype(np.int64) for k, v in arrays.items()}
        n = a["y_test"].shape
        bad = [
            k
            for k, v in a.items()
            if v.size == 0
            or v.min() < 0
            or v.max() >= CLASSES
            or v.shape[:1] != n
            or (v.ndim != 1 and not k.startswith("crops:"))
        ]
        bad += [f"crops:{s}" for s in config.crop_sizes if a[f"crops:{s}"].shape[1:] != (DIGIT_SIDE - s + 1,) * 2]
        if len(n) != 1 or bad:
            raise ValueError(
                f"arrays must hold classes 0..{CLASSES - 1}, one reading per test digit "
                f"(crops: per window position); wrong: {bad or ['y_test']}"
            )
        return cls(
            config,
            a["y_test"],
            {j: a[f"untouched:{j}"] for j in judges},
            {t: a[f"judged:{t}"] for t in config.transforms},
            {s: a[f"crops:{s}"] for s in config.crop_sizes},
            {x: a[f"trained:{x}"] for x in config.trained_with},
        )


def crops_of(x: np.ndarray, size: int) -> np.ndarray:
    """Every size×size window of every square image of ``x`` (N, n, n), resized to n×n:
    (N · positions, n, n), by image, then top, then left."""
    x = _images("x", x, ndim=3)
    n = x.shape[-1]
    if x.ndim != 3 or x.shape[1] != n:
        raise ValueError(f"x must be square images (N, n, n), got shape {x.shape}")
    if _integer("size", size) not in range(1, n + 1):
        raise ValueError(f"size must be 1..{n}, got {size!r}")
    p = n - size + 1
    return np.array([crop_resize(img, top, left, size) for img in x for top in range(p) for left in range(p)])


def _trained_predictions(augmentation: str, seed: int) -> np.ndarray:
    d = digits(seed=seed)
    if augmentation == NONE:
        x, y = d.x_train, d.y_train
    elif augmentation in TRANSFORMS:
        x, y = with_copies(d.x_train, d.y_train, [TRANSFORMS[augmentation]])
    else:  # the same copy the judges were trained with
        x, y = np.concatenate([d.x_train, _copy(augmentation, "train", seed)]), np.tile(d.y_train, 2)
    return predict(fit_classifier(x, y), d.x_test)


def compute_readings(config: ReadingsConfig = ReadingsConfig()) -> Readings:
    """Fit the classifiers of ``config`` and read the test digits with them (tens of CPU seconds)."""
    if not isinstance(config, ReadingsConfig):
        raise ValueError(f"config must be a ReadingsConfig, got {config!r}")
    seed = config.seed
    d = digits(seed=seed)
    judges = tuple(dict.fromkeys(judge_of(t) for t in config.transforms))
    model = {j: judge(None if j == ALL else j, seed) for j in judges + (ALL,)}
    untouched = {j: predict(model[j], d.x_test) for j in judges}
    judged = {
        t: predict(model[judge_of(t)], _copy(t, "test", seed) if t in SAFE else transformed(t, d.x_test, seed))
        for t in config.transforms
    }
    p = {s: DIGIT_SIDE - s + 1 for s in config.crop_sizes}
    crops = {
        s: predict(model[ALL], crops_of(d.x_test, s)).reshape(len(d.x_test), p[s], p[s]) for s in config.crop_sizes
    }
    trained = {a: _trained_predictions(a, seed) for a in config.trained_with}
    return Readings(config, np.asarray(d.y_test), untouched, judged, crops, trained)
