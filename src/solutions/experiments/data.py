"""The images of the colourization experiments: the CIFAR-10 horses, and where they come from.

CSC413 PA2 trains on the horses (label 7) of CIFAR-10: 5000 training and 1000
test images, 32×32 RGB. The default source is the copy shipped in the
repository, ``data/cifar10_horses.npz`` (decoded JPEG copies: lossy, so pixels
differ slightly from the official ones; :attr:`HorseData.description` says so).
The official ``cifar-10-python.tar.gz`` (downloaded into a cache, MD5 checked)
stays an option: argument ``source``, or the environment variable
``SOLUTIONS_CIFAR_SOURCE`` (``download``, or a path to an .npz or .tar.gz).
Results are keyed on the loaded pixels' hash, so each source has keys of its own.

Preprocessing (greyscale, palette, targets) is :mod:`solutions.experiments.preprocess`.

>>> resolve_source() == str(SHIPPED_NPZ)
True
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CIFAR_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR_MD5 = "c58f30108f718f92721af3b95e74349a"
ARCHIVE_NAME = "cifar-10-python.tar.gz"
HORSE = 7  # CIFAR-10 label of "horse"
ENV_SOURCE = "SOLUTIONS_CIFAR_SOURCE"
REPO_ROOT = Path(__file__).resolve().parents[3]  # src/solutions/experiments/ → repository
SHIPPED_NPZ = REPO_ROOT / "data" / "cifar10_horses.npz"  # the default source (data/README.md)
# SHA-256 of that file (data/README.md): recognises the JPEG copy wherever it lies.
SHIPPED_NPZ_SHA256 = "6ff9766351549e0f95c986f8b6c2371db2a9331e1071d4e5c3e581add69c1fdc"
DEFAULT_CACHE = REPO_ROOT / ".cache" / "cifar10"  # git-ignored download cache


class ChecksumError(RuntimeError):
    """A file's MD5 is not the expected one (a bad or partial download, or another file)."""


class DataError(ValueError):
    """A data file that cannot serve: unreadable, of the wrong format, or with too few images.
    The message is one line naming the file and, for an array, the array."""


class MissingDataFile(FileNotFoundError):
    """The data file named (by argument, by $SOLUTIONS_CIFAR_SOURCE, or the shipped one) is not there."""


MIN_IMAGES = 1  # each split needs at least one image (the palette, training and validation read them)


@dataclass(frozen=True, eq=False)  # eq=False: arrays do not compare to a single bool
class HorseData:
    """The horse images as uint8 RGB, (N, 32, 32, 3), and where they came from.

    ``source`` is the path or URL read; ``sha256`` is a hash of the arrays'
    content (shape, dtype, bytes), so a result can be keyed on the data itself;
    ``description`` is the sentence a report prints about the source.
    """

    x_train: np.ndarray  # (5000, 32, 32, 3) uint8 for the full data
    x_test: np.ndarray  # (1000, 32, 32, 3) uint8
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
    """The images checked where they are loaded: the right type and shape, and not empty or
    degenerate (an empty test set would make validation divide by zero, an empty training set
    leave the palette nothing to cluster)."""
    for name, x in (("x_train", x_train), ("x_test", x_test)):
        if x.dtype != np.uint8 or x.ndim != 4 or x.shape[1:] != (32, 32, 3):
            raise DataError(f"{name} must be uint8 of shape (N, 32, 32, 3), got {x.dtype} {x.shape} from {source}")
        if len(x) < MIN_IMAGES:
            raise DataError(
                f"{name} is empty (shape {x.shape}) in {source}: the colourization needs "
                f"at least {MIN_IMAGES} image in each of x_train and x_test"
            )
    for x in (x_train, x_test):
        x.setflags(write=False)  # the hash must keep describing the content
    return HorseData(x_train, x_test, source, arrays_sha256(x_train=x_train, x_test=x_test), description)


def require_colours(data: HorseData, k: int) -> None:
    """A :class:`DataError` naming ``x_train`` and the source unless its pixels hold at least ``k``
    distinct colours (a ``k``-colour palette clusters them; fewer would leave clusters empty)."""
    rgb = data.x_train.reshape(-1, 3).astype(np.int32)
    codes = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
    colours = len(np.unique(codes[:4096]))  # the first pixels usually settle it
    if colours < k:
        seen = np.zeros(1 << 24, dtype=bool)
        seen[codes] = True
        colours = int(seen.sum())
    if colours < k:
        raise DataError(
            f"x_train holds {colours} distinct colour{'s' * (colours != 1)} in "
            f"{data.source}: a {k}-colour palette needs at least {k}"
        )


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
        raise ChecksumError(
            f"{path}: MD5 {actual}, expected {expected}" + (" (file deleted; download it again)" if delete else "")
        )


def _report_progress(done: int, total: int | None) -> None:
    size = f"{done / 2**20:.0f} MiB" + (f" of {total / 2**20:.0f} MiB" if total else "")
    print(f"\rdownloading {ARCHIVE_NAME}: {size}", end="", file=sys.stderr, flush=True)


def download_archive(
    cache_dir: str | os.PathLike = DEFAULT_CACHE,
    url: str = CIFAR_URL,
    md5: str = CIFAR_MD5,
    progress: Callable[[int, int | None], None] | None = _report_progress,
) -> Path:
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
        except ChecksumError as err:  # a damaged cached copy: fetch a fresh one
            print(f"{err}; downloading again", file=sys.stderr)
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=".download-", suffix=".part")
    tmp = Path(tmp_name)
    try:
        _download(fd, url, progress)
        verify_md5(tmp, md5, delete=True)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def _download(fd: int, url: str, progress: Callable[[int, int | None], None] | None) -> None:
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            done, step = 0, 0
            for chunk in iter(lambda: response.read(1 << 20), b""):
                out.write(chunk)
                done += len(chunk)
                if progress and done >= step:  # report about every 8 MiB
                    progress(done, total)
                    step = done + (8 << 20)
        if progress:
            progress(done, total)
            print(file=sys.stderr)
    except urllib.error.URLError as err:  # offline, a proxy, a server error: say what and where
        raise ConnectionError(
            f"cannot download {url} ({getattr(err, 'reason', err)}); set {ENV_SOURCE} to a "
            "local .npz or cifar-10-python.tar.gz instead"
        ) from None


def _read_batch(tar: tarfile.TarFile, name: str) -> tuple[np.ndarray, np.ndarray]:
    member = tar.getmember(f"cifar-10-batches-py/{name}")
    # The official format is a Python pickle; we only unpickle a file the caller chose
    # (and, for the download, whose MD5 is the official one).
    stream = tar.extractfile(member)
    if stream is None:
        raise ValueError(f"archive: cifar-10-batches-py/{name} is not a file")
    batch = pickle.load(stream, encoding="bytes")
    data = np.asarray(batch[b"data"], dtype=np.uint8)  # (N, 3072): R plane, G, B
    labels = np.asarray(batch[b"labels"])
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), labels  # (N, 32, 32, 3)


def read_archive(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """The horses of a ``cifar-10-python.tar.gz``-format archive: (x_train, x_test), uint8 HWC.

    A file that is not such an archive raises ValueError naming it.
    """
    try:
        with tarfile.open(path, "r:gz") as tar:
            train = [_read_batch(tar, f"data_batch_{i}") for i in range(1, 6)]
            x_test, y_test = _read_batch(tar, "test_batch")
    except FileNotFoundError:
        raise MissingDataFile(f"no such file {path}") from None
    except (
        tarfile.TarError,
        KeyError,
        EOFError,
        OSError,
        ValueError,
        TypeError,
        IndexError,
        pickle.UnpicklingError,
        zlib.error,
    ) as err:
        raise DataError(f"{path} is not a readable cifar-10-python archive ({type(err).__name__}: {err})") from None
    x_train = np.concatenate([x[y == HORSE] for x, y in train])
    return np.ascontiguousarray(x_train), np.ascontiguousarray(x_test[y_test == HORSE])


def read_npz(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """(x_train, x_test) of an .npz holding those two arrays (uint8, (N, 32, 32, 3))."""
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):  # a lone .npy array under an .npz name
            raise DataError(f"{path} holds one array, not an .npz of x_train and x_test")
        with loaded as f:
            missing = {"x_train", "x_test"} - set(f.files)
            if missing:
                raise DataError(f"{path} lacks the arrays {sorted(missing)}")
            return f["x_train"], f["x_test"]
    except DataError:
        raise
    except FileNotFoundError:
        raise MissingDataFile(f"no such file {path}") from None
    except (OSError, EOFError, zipfile.BadZipFile, ValueError, KeyError, zlib.error) as err:
        reason = "not a zip archive of arrays" if "pickled" in str(err) else f"{type(err).__name__}: {err}"
        raise DataError(f"{path} is not a readable .npz of x_train and x_test ({reason})") from None


# ---------------------------------------------------------------------------------------------
# Choosing the source.


def resolve_source(source: str | os.PathLike | None = None) -> str:
    """The source to read: ``source``, else $SOLUTIONS_CIFAR_SOURCE, else the default.

    The default is the copy shipped in the repository, ``data/cifar10_horses.npz``.
    The result is ``"download"`` or the path of an existing .npz / .tar.gz.

    >>> resolve_source("download")
    'download'
    >>> resolve_source("horses.csv")
    Traceback (most recent call last):
    solutions.experiments.data.DataError: source must be 'download' or a path to an .npz or .tar.gz, got 'horses.csv'
    """
    name = "source"
    if source is None or str(source) == "":
        source, name = os.environ.get(ENV_SOURCE, ""), ENV_SOURCE
        if source == "":
            source, name = str(SHIPPED_NPZ), "the shipped data file"
    source = str(source)
    if source == "download":
        return source
    if not source.endswith((".npz", ".tar.gz", ".tgz")):
        raise DataError(f"{name} must be 'download' or a path to an .npz or .tar.gz, got {source!r}")
    if not Path(source).is_file():
        hint = (
            "restore it with `git checkout data/`"
            if name == "the shipped data file"
            else f"set {ENV_SOURCE} to an existing .npz or .tar.gz, or to 'download'"
        )
        raise MissingDataFile(f"{name}: no such file {source}; {hint}")
    return source


def load_horses(
    source: str | os.PathLike | None = None,
    *,
    cache_dir: str | os.PathLike = DEFAULT_CACHE,
    archive_md5: str | None = CIFAR_MD5,
) -> HorseData:
    """The CIFAR-10 horses from ``source`` (see :func:`resolve_source`).

    An archive named by path must have the official MD5 unless ``archive_md5``
    is None (a test's tiny archive); the description then says it is unchecked.
    """
    resolved = resolve_source(source)
    if resolved.endswith(".npz"):
        x_train, x_test = read_npz(resolved)
        if file_digest(resolved, "sha256") == SHIPPED_NPZ_SHA256:
            description = (
                "CIFAR-10 horses (label 7) from the JPEG copy shipped with the book "
                f"(`data/{Path(resolved).name}`): "
                "decoded JPEGs, which are lossy, so pixels differ slightly from the "
                f"official {ARCHIVE_NAME} (MD5 {CIFAR_MD5})."
            )
        else:  # not the known file: do not claim lossless pixels either
            description = (
                f"CIFAR-10 horses (label 7) from {resolved}, an .npz of unknown "
                "provenance (not the shared JPEG copy, not the official archive)."
            )
        return _make_data(x_train, x_test, resolved, description)
    if resolved == "download":
        path, where = download_archive(cache_dir), f"{CIFAR_URL} (cached at {cache_dir})"
    else:
        path, where = Path(resolved), resolved
        if archive_md5 is not None:
            verify_md5(path, archive_md5)
    checked = (
        f"the official {ARCHIVE_NAME}, MD5 {CIFAR_MD5} verified"
        if resolved == "download" or archive_md5 == CIFAR_MD5
        else "an archive in the cifar-10-python format, MD5 not the official one's or unchecked"
    )
    x_train, x_test = read_archive(path)
    description = f"CIFAR-10 horses (label 7) from {where}: {checked}; lossless pixels."
    return _make_data(x_train, x_test, str(where), description)
