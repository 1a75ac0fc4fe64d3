"""The data of the colourization experiments: CIFAR-10 horses, greyscale inputs, colour targets.

CSC413 PA2 trains on the horses (label 7) of CIFAR-10: 5000 training and 1000
test images, 32×32 RGB. Following the assignment's starter code:

* RGB values are divided by 256 (float32);
* the input is greyscale = the mean of R, G and B, shape (N, 1, 32, 32);
* the target of a pixel is the index of the nearest of 24 palette colours
  (Euclidean distance in RGB/256 space), shape (N, 32, 32), int64;
* the palette is ``scipy.cluster.vq.kmeans`` of the training pixels (see
  :func:`compute_palette` for the seeded subsample we use, and why);
* the training set is shuffled once, with numpy seed 0, before training.

Where the images come from is a setting (argument ``source`` or the environment
variable ``SOLUTIONS_CIFAR_SOURCE``): the official ``cifar-10-python.tar.gz``
(downloaded into a cache, MD5 checked) or the offline JPEG copy
``shared/data/cifar10_horses_jpeg.npz`` (lossy: pixels differ slightly from the
official ones, and every report must say so; :attr:`HorseData.description` does).

>>> x = np.zeros((2, 32, 32, 3), np.uint8)
>>> x[0, :, :, 0] = 255                       # image 0 is pure red
>>> greyscale(x).shape, greyscale(x).dtype
((2, 1, 32, 32), dtype('float32'))
>>> float(greyscale(x)[0, 0, 0, 0]) == 255 / 256 / 3
True
>>> palette = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
>>> nearest_colour(x, palette)[:, 0, 0]
array([1, 0])
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

CIFAR_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR_MD5 = "c58f30108f718f92721af3b95e74349a"
ARCHIVE_NAME = "cifar-10-python.tar.gz"
HORSE = 7                      # CIFAR-10 label of "horse"
NUM_COLOURS = 24               # the assignment's palette size
MAX_PIXEL = 256.0              # the starter code divides by 256, not 255
ENV_SOURCE = "SOLUTIONS_CIFAR_SOURCE"
REPO_ROOT = Path(__file__).resolve().parents[2]        # src/solutions/ → repository
SHARED_NPZ = REPO_ROOT.parent / "shared" / "data" / "cifar10_horses_jpeg.npz"
# SHA-256 of that file (shared/data/README.md): recognises the JPEG copy wherever it lies.
SHARED_NPZ_SHA256 = "6ff9766351549e0f95c986f8b6c2371db2a9331e1071d4e5c3e581add69c1fdc"
DEFAULT_CACHE = REPO_ROOT / ".cache" / "cifar10"       # git-ignored download cache


class ChecksumError(RuntimeError):
    """A file's MD5 is not the expected one (a bad or partial download, or another file)."""


@dataclass(frozen=True, eq=False)  # eq=False: arrays do not compare to a single bool
class HorseData:
    """The horse images as uint8 RGB, (N, 32, 32, 3), and where they came from.

    ``source`` is the path or URL read; ``sha256`` is a hash of the arrays'
    content (shape, dtype, bytes), so a result can be keyed on the data itself;
    ``description`` is the sentence a report prints about the source.
    """

    x_train: np.ndarray   # (5000, 32, 32, 3) uint8 for the full data
    x_test: np.ndarray    # (1000, 32, 32, 3) uint8
    source: str
    sha256: str
    description: str


def arrays_sha256(**arrays: np.ndarray) -> str:
    """SHA-256 (hex) of named arrays: names, dtypes, shapes and bytes, in name order.

    >>> a = np.zeros((2, 2), np.uint8)
    >>> arrays_sha256(x=a) == arrays_sha256(x=a.copy())
    True
    >>> arrays_sha256(x=a) == arrays_sha256(x=a.reshape(4))   # same bytes, other shape
    False
    """
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{a.dtype.str}:{a.shape}\n".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _make_data(x_train: np.ndarray, x_test: np.ndarray, source: str, description: str) -> HorseData:
    for name, x in (("x_train", x_train), ("x_test", x_test)):
        if x.dtype != np.uint8 or x.ndim != 4 or x.shape[1:] != (32, 32, 3):
            raise ValueError(f"{name} must be uint8 of shape (N, 32, 32, 3), "
                             f"got {x.dtype} {x.shape} from {source}")
        x.setflags(write=False)   # the hash must keep describing the content
    return HorseData(x_train, x_test, source, arrays_sha256(x_train=x_train, x_test=x_test),
                     description)


# ---------------------------------------------------------------------------------------------
# The official archive: MD5 check, download, reading the pickled batches.

def file_digest(path: str | os.PathLike, algorithm: str = "md5") -> str:
    """Hex digest of a file (``"md5"`` or ``"sha256"``), read in 1 MiB chunks."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_md5(path: str | os.PathLike, expected: str = CIFAR_MD5, *, delete: bool = False) -> None:
    """Raise :class:`ChecksumError` unless ``path`` has MD5 ``expected``.

    With ``delete=True`` (files we downloaded) a mismatching file is removed, so
    a bad download is never reused; a file the user named is left alone.
    """
    path = Path(path)
    actual = file_digest(path, "md5")
    if actual != expected:
        if delete:
            path.unlink(missing_ok=True)
        raise ChecksumError(f"{path}: MD5 {actual}, expected {expected}"
                            + (" (file deleted; download it again)" if delete else ""))


def _report_progress(done: int, total: int | None) -> None:
    size = f"{done / 2**20:.0f} MiB" + (f" of {total / 2**20:.0f} MiB" if total else "")
    print(f"\rdownloading {ARCHIVE_NAME}: {size}", end="", file=sys.stderr, flush=True)


def download_archive(cache_dir: str | os.PathLike = DEFAULT_CACHE, url: str = CIFAR_URL,
                     md5: str = CIFAR_MD5,
                     progress: Callable[[int, int | None], None] | None = _report_progress) -> Path:
    """The official archive in ``cache_dir``, downloaded first unless a good copy is there.

    The download goes to a temporary file in ``cache_dir`` and is renamed only
    after its MD5 is checked, so an interrupted or corrupt download never
    takes the archive's name.
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    final = cache_dir / ARCHIVE_NAME
    if final.exists():
        try:
            verify_md5(final, md5, delete=True)
            return final
        except ChecksumError as err:   # a damaged cached copy: fetch a fresh one
            print(f"{err}; downloading again", file=sys.stderr)
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=".download-", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            done, step = 0, 0
            for chunk in iter(lambda: response.read(1 << 20), b""):
                out.write(chunk)
                done += len(chunk)
                if progress and done >= step:   # report about every 8 MiB
                    progress(done, total)
                    step = done + (8 << 20)
        if progress:
            progress(done, total)
            print(file=sys.stderr)
        verify_md5(tmp, md5, delete=True)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def _read_batch(tar: tarfile.TarFile, name: str) -> tuple[np.ndarray, np.ndarray]:
    member = tar.getmember(f"cifar-10-batches-py/{name}")
    # The official format is a Python pickle; we only unpickle a file the caller chose
    # (and, for the download, whose MD5 is the official one).
    batch = pickle.load(tar.extractfile(member), encoding="bytes")
    data = np.asarray(batch[b"data"], dtype=np.uint8)          # (N, 3072): R plane, G, B
    labels = np.asarray(batch[b"labels"])
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), labels   # (N, 32, 32, 3)


def read_archive(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """The horses of a ``cifar-10-python.tar.gz``-format archive: (x_train, x_test), uint8 HWC."""
    with tarfile.open(path, "r:gz") as tar:
        train = [_read_batch(tar, f"data_batch_{i}") for i in range(1, 6)]
        x_test, y_test = _read_batch(tar, "test_batch")
    x_train = np.concatenate([x[y == HORSE] for x, y in train])
    return np.ascontiguousarray(x_train), np.ascontiguousarray(x_test[y_test == HORSE])


def read_npz(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """(x_train, x_test) of an .npz holding those two arrays (uint8, (N, 32, 32, 3))."""
    with np.load(path, allow_pickle=False) as f:
        missing = {"x_train", "x_test"} - set(f.files)
        if missing:
            raise ValueError(f"{path} lacks the arrays {sorted(missing)}")
        return f["x_train"], f["x_test"]


# ---------------------------------------------------------------------------------------------
# Choosing the source.

def resolve_source(source: str | os.PathLike | None = None) -> str:
    """The source to read: ``source``, else $SOLUTIONS_CIFAR_SOURCE, else the default.

    The default is the shared offline copy when it exists, else ``"download"``.
    The result is ``"download"`` or the path of an existing .npz / .tar.gz.

    >>> resolve_source("download")
    'download'
    >>> resolve_source("horses.csv")
    Traceback (most recent call last):
    ValueError: source must be 'download' or a path to an .npz or .tar.gz, got 'horses.csv'
    """
    name = "source"
    if source is None or str(source) == "":
        source, name = os.environ.get(ENV_SOURCE, ""), ENV_SOURCE
        if source == "":
            return str(SHARED_NPZ) if SHARED_NPZ.exists() else "download"
    source = str(source)
    if source == "download":
        return source
    if not source.endswith((".npz", ".tar.gz", ".tgz")):
        raise ValueError(f"{name} must be 'download' or a path to an .npz or .tar.gz, got {source!r}")
    if not Path(source).is_file():
        raise FileNotFoundError(f"{name}: no such file {source}")
    return source


def load_horses(source: str | os.PathLike | None = None, *,
                cache_dir: str | os.PathLike = DEFAULT_CACHE,
                archive_md5: str | None = CIFAR_MD5) -> HorseData:
    """The CIFAR-10 horses from ``source`` (see :func:`resolve_source`).

    An archive named by path must have the official MD5 unless ``archive_md5``
    is None (a test's tiny archive); the description then says it is unchecked.
    """
    resolved = resolve_source(source)
    if resolved.endswith(".npz"):
        x_train, x_test = read_npz(resolved)
        if file_digest(resolved, "sha256") == SHARED_NPZ_SHA256:
            description = (f"CIFAR-10 horses (label 7) from the offline JPEG copy {resolved}: "
                           "decoded JPEGs, which are lossy, so pixels differ slightly from the "
                           f"official {ARCHIVE_NAME} (MD5 {CIFAR_MD5}).")
        else:   # not the known file: do not claim lossless pixels either
            description = (f"CIFAR-10 horses (label 7) from {resolved}, an .npz of unknown "
                           "provenance (not the shared JPEG copy, not the official archive).")
        return _make_data(x_train, x_test, resolved, description)
    if resolved == "download":
        path, where = download_archive(cache_dir), f"{CIFAR_URL} (cached at {cache_dir})"
    else:
        path, where = Path(resolved), resolved
        if archive_md5 is not None:
            verify_md5(path, archive_md5)
    checked = (f"the official {ARCHIVE_NAME}, MD5 {CIFAR_MD5} verified"
               if resolved == "download" or archive_md5 == CIFAR_MD5
               else "an archive in the cifar-10-python format, MD5 not the official one's or unchecked")
    x_train, x_test = read_archive(path)
    description = f"CIFAR-10 horses (label 7) from {where}: {checked}; lossless pixels."
    return _make_data(x_train, x_test, str(where), description)


# ---------------------------------------------------------------------------------------------
# Preprocessing, as in the assignment's starter code.

def to_unit(x: np.ndarray) -> np.ndarray:
    """uint8 RGB → float32 RGB/256, same shape."""
    return x.astype(np.float32) / np.float32(MAX_PIXEL)


def greyscale(x: np.ndarray) -> np.ndarray:
    """uint8 (N, 32, 32, 3) → the network's input: mean of R, G, B over 256, (N, 1, 32, 32) float32."""
    return to_unit(x).mean(axis=3)[:, None]          # (N, 1, H, W)


def nearest_colour(x: np.ndarray, palette: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """Index of the nearest palette colour per pixel: uint8 (N, H, W, 3) → int64 (N, H, W).

    Distances are Euclidean in RGB/256 space, in float64. Only the distinct
    colours are compared (about 8× fewer than the pixels of the 5000 horses), in
    chunks of ``chunk`` colours, so memory stays at ``chunk × K × 3`` floats.
    Ties go to the lower index (``argmin``), as in the starter code.
    """
    palette = np.asarray(palette, dtype=np.float64)
    if palette.ndim != 2 or palette.shape[1] != 3:
        raise ValueError(f"palette must have shape (K, 3), got {palette.shape}")
    if x.dtype != np.uint8 or x.ndim != 4 or x.shape[3] != 3:
        raise ValueError(f"x must be uint8 of shape (N, H, W, 3), got {x.dtype} {x.shape}")
    rgb = x.reshape(-1, 3).astype(np.int32)
    codes = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]            # one int per colour
    distinct, inverse = np.unique(codes, return_inverse=True)
    colours = np.stack([distinct >> 16, (distinct >> 8) & 255, distinct & 255], axis=1)
    nearest = np.empty(len(colours), dtype=np.int64)
    for start in range(0, len(colours), chunk):
        c = colours[start:start + chunk] / MAX_PIXEL                       # (C, 3) float64
        d2 = ((c[:, None, :] - palette[None, :, :]) ** 2).sum(axis=2)     # (C, K)
        nearest[start:start + chunk] = d2.argmin(axis=1)
    return nearest[inverse].reshape(x.shape[:3])


def compute_palette(x_train: np.ndarray, k: int = NUM_COLOURS, seed: int = 0,
                    sample: int | None = 200_000) -> np.ndarray:
    """``k`` colours by ``scipy.cluster.vq.kmeans`` of training pixels/256, (k, 3) float64.

    The course ran kmeans (20 restarts, its default) on all training pixels
    (5000 × 1024 = 5.1M); that takes about 160 s here, so by default we run it
    on a seeded random subsample of ``sample`` pixels (about 9 s); ``sample=None``
    uses every pixel. kmeans is seeded (``rng=seed``) and the centroids are
    sorted by luminance (then R, G, B), so the same data always gives the same palette.
    """
    from scipy.cluster.vq import kmeans   # scipy is only needed here

    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    pixels = x_train.reshape(-1, 3)
    if sample is not None and sample < len(pixels):
        if sample < k:
            raise ValueError(f"sample must be at least k={k}, got {sample}")
        pixels = pixels[np.random.default_rng(seed).choice(len(pixels), sample, replace=False)]
    centroids, _ = kmeans(pixels.astype(np.float64) / MAX_PIXEL, k, rng=seed)
    if len(centroids) != k:   # kmeans drops clusters that end empty
        raise ValueError(f"kmeans found only {len(centroids)} distinct colours, k={k}")
    luminance = centroids @ np.array([0.299, 0.587, 0.114])
    order = np.lexsort((centroids[:, 2], centroids[:, 1], centroids[:, 0], luminance))
    return centroids[order]


@dataclass(frozen=True)
class PaletteConfig:
    """How the palette is made (the results-store key of a cached palette)."""

    k: int = NUM_COLOURS          # the assignment's 24 colours
    seed: int = 0                 # kmeans initialisation and the pixel subsample
    sample: int | None = 200_000  # pixels given to kmeans; None = all 5.1M (about 160 s)

    def describe(self) -> str:
        """The sentence a report prints about the palette (the course's own file is not available).

        >>> PaletteConfig().describe()
        'The 24 colours are scipy kmeans centroids of a random 200,000 of the training pixels
        (/256), seed 0, sorted by luminance.'
        """
        pixels = "all the training pixels" if self.sample is None else \
            f"a random {self.sample:,} of the training pixels"
        return (f"The {self.k} colours are scipy kmeans centroids of {pixels} (/256), "
                f"seed {self.seed}, sorted by luminance.")


def cached_palette(data: HorseData, config: PaletteConfig = PaletteConfig(),
                   root: str | os.PathLike | None = None) -> np.ndarray:
    """:func:`compute_palette` through the results store: computed once per data, config and code."""
    from solutions.results_store import get_or_compute

    entry = get_or_compute(
        "cifar-palette", config, ["solutions.cifar_horses"], data.sha256,
        lambda: {"palette": compute_palette(data.x_train, config.k, config.seed,
                                            config.sample).tolist()},
        root=root)
    return np.array(entry.result["palette"], dtype=np.float64)


def shuffle_order(n: int, seed: int = 0) -> np.ndarray:
    """The one shuffle before training: ``RandomState(seed).permutation(n)``.

    The same order as ``np.random.seed(seed); np.random.shuffle(x)`` on an array
    of ``n`` rows.

    >>> shuffle_order(5)
    array([2, 0, 1, 3, 4])
    """
    return np.random.RandomState(seed).permutation(n)


@dataclass(frozen=True, eq=False)
class HorseTensors:
    """Network-ready tensors, converted once (never per batch)."""

    x_train_grey: torch.Tensor   # (5000, 1, 32, 32) float32, shuffled once
    y_train: torch.Tensor        # (5000, 32, 32) int64 palette indices, same order
    x_test_grey: torch.Tensor    # (1000, 1, 32, 32) float32, file order
    y_test: torch.Tensor         # (1000, 32, 32) int64
    palette: torch.Tensor        # (24, 3) float32, RGB/256


def to_tensors(data: HorseData, palette: np.ndarray, shuffle_seed: int = 0) -> HorseTensors:
    """Shuffle the training set once, make greyscale inputs and colour targets, as torch tensors."""
    import torch   # imported late: loading the data should not need torch

    x_train = data.x_train[shuffle_order(len(data.x_train), shuffle_seed)]
    return HorseTensors(
        x_train_grey=torch.from_numpy(greyscale(x_train)),
        y_train=torch.from_numpy(nearest_colour(x_train, palette)),
        x_test_grey=torch.from_numpy(greyscale(data.x_test)),
        y_test=torch.from_numpy(nearest_colour(data.x_test, palette)),
        palette=torch.from_numpy(np.asarray(palette, dtype=np.float32)),
    )
