import hashlib
import io
import pickle
import tarfile

import numpy as np
import pytest
import torch

from solutions.experiments import data as ch
from solutions.experiments import preprocess as pp


def _batch(labels, first_value):
    """A batch in the official layout: b"data" (N, 3072) uint8 as R plane, G plane, B plane."""
    n = len(labels)
    chw = np.zeros((n, 3, 32, 32), np.uint8)
    for i in range(n):
        # every channel its own constant, and one marked pixel, so a wrong transpose shows
        chw[i, 0], chw[i, 1], chw[i, 2] = first_value + i, 100 + i, 200 + i
        chw[i, 0, 1, 2] = 7  # red at row 1, column 2
    return {b"batch_label": b"x", b"labels": list(labels), b"data": chw.reshape(n, 3072)}


@pytest.fixture
def archive(tmp_path):
    """A tiny cifar-10-python.tar.gz: 2 horses in batch 1, 1 in batch 5, 1 in the test batch."""
    batches = {f"data_batch_{i}": _batch([3, 1], 0) for i in range(1, 6)}
    batches["data_batch_1"] = _batch([7, 2, 7], 10)  # horses get R = 10 and 12
    batches["data_batch_5"] = _batch([0, 7], 50)  # horse gets R = 51
    batches["test_batch"] = _batch([7, 9], 80)  # horse gets R = 80
    path = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, batch in batches.items():
            raw = pickle.dumps(batch)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return path


@pytest.fixture
def npz(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "horses.npz"
    np.savez(
        path,
        x_train=rng.integers(0, 256, (6, 32, 32, 3), dtype=np.uint8),
        x_test=rng.integers(0, 256, (2, 32, 32, 3), dtype=np.uint8),
    )
    return path


def test_archive_keeps_only_horses_in_hwc_order(archive):
    data = ch.load_horses(archive, archive_md5=None)
    assert data.x_train.shape == (3, 32, 32, 3) and data.x_test.shape == (1, 32, 32, 3)
    assert data.x_train.dtype == np.uint8
    assert data.x_train[:, 0, 0].tolist() == [[10, 100, 200], [12, 102, 202], [51, 101, 201]]
    assert data.x_test[0, 0, 0].tolist() == [80, 100, 200]
    assert data.x_train[0, 1, 2].tolist() == [7, 100, 200]  # the marked pixel: row 1, col 2
    assert data.x_train[0, 2, 1].tolist() == [10, 100, 200]
    assert "MD5 not the official" in data.description


def test_archive_with_its_md5_is_checked_and_a_wrong_one_raises(archive, monkeypatch):
    with pytest.raises(ch.ChecksumError, match="expected c58f3010"):
        ch.load_horses(archive)  # the default expects the official MD5
    assert archive.exists()  # a file the user named is never deleted
    monkeypatch.setattr(ch, "CIFAR_MD5", ch.file_digest(archive))
    data = ch.load_horses(archive, archive_md5=ch.CIFAR_MD5)
    assert "MD5" in data.description and "verified" in data.description


def test_verify_md5_deletes_a_bad_download(tmp_path):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not an archive")
    with pytest.raises(ch.ChecksumError, match="deleted"):
        ch.verify_md5(bad, ch.CIFAR_MD5, delete=True)
    assert not bad.exists()
    good = tmp_path / "good"
    good.write_bytes(b"abc")
    ch.verify_md5(good, hashlib.md5(b"abc").hexdigest())


class _FakeResponse(io.BytesIO):
    headers = {}


def test_download_renames_only_a_verified_file(tmp_path, archive, monkeypatch):
    # No network: urlopen serves bytes from memory.
    payload = archive.read_bytes()
    monkeypatch.setattr(ch.urllib.request, "urlopen", lambda url, timeout: _FakeResponse(payload))
    cache = tmp_path / "cache"
    with pytest.raises(ch.ChecksumError):
        ch.download_archive(cache, md5="0" * 32, progress=None)
    assert list(cache.iterdir()) == []  # neither the archive nor a temp file is left
    path = ch.download_archive(cache, md5=hashlib.md5(payload).hexdigest(), progress=None)
    assert path == cache / ch.ARCHIVE_NAME and path.read_bytes() == payload
    assert list(cache.iterdir()) == [path]


def test_npz_source_is_read_and_described(npz, monkeypatch):
    data = ch.load_horses(npz)
    assert data.x_train.shape == (6, 32, 32, 3) and data.x_test.shape == (2, 32, 32, 3)
    assert "unknown provenance" in data.description
    monkeypatch.setattr(ch, "SHIPPED_NPZ_SHA256", ch.file_digest(npz, "sha256"))  # as if the JPEG copy
    assert "JPEG" in ch.load_horses(npz).description and "lossy" in ch.load_horses(npz).description
    assert data.source == str(npz)
    assert data.sha256 == ch.load_horses(npz).sha256 == ch.arrays_sha256(x_train=data.x_train, x_test=data.x_test)
    assert not data.x_train.flags.writeable  # the hash keeps describing the content


def test_npz_with_wrong_arrays_is_rejected(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, x_train=np.zeros((2, 32, 32, 3), np.uint8))
    with pytest.raises(ValueError, match="x_test"):
        ch.load_horses(path)
    np.savez(path, x_train=np.zeros((2, 32, 32), np.uint8), x_test=np.zeros((2, 32, 32), np.uint8))
    with pytest.raises(ValueError, match="x_train must be uint8"):
        ch.load_horses(path)


def test_environment_variable_selects_the_source(npz, archive, monkeypatch):
    monkeypatch.setenv(ch.ENV_SOURCE, str(npz))
    assert ch.resolve_source() == str(npz)
    assert ch.load_horses().x_train.shape[0] == 6
    monkeypatch.setenv(ch.ENV_SOURCE, str(archive))
    assert ch.load_horses(archive_md5=None).x_train.shape[0] == 3
    assert ch.resolve_source(npz) == str(npz)  # an argument wins over the variable
    monkeypatch.setenv(ch.ENV_SOURCE, "download")
    assert ch.resolve_source() == "download"
    monkeypatch.setenv(ch.ENV_SOURCE, "somewhere.zip")
    with pytest.raises(ValueError, match=ch.ENV_SOURCE):
        ch.resolve_source()


def test_default_is_the_shipped_copy(tmp_path, monkeypatch):
    monkeypatch.delenv(ch.ENV_SOURCE, raising=False)
    assert ch.resolve_source() == str(ch.SHIPPED_NPZ)
    assert ch.SHIPPED_NPZ.relative_to(ch.REPO_ROOT).as_posix() == "data/cifar10_horses.npz"
    monkeypatch.setattr(ch, "SHIPPED_NPZ", tmp_path / "absent.npz")  # a clone that lost it
    with pytest.raises(FileNotFoundError, match="absent.npz"):
        ch.resolve_source()


def test_bad_sources_name_the_parameter_or_the_path(tmp_path):
    with pytest.raises(ValueError, match="source"):
        ch.resolve_source("cifar")
    with pytest.raises(FileNotFoundError, match="missing.npz"):
        ch.resolve_source(tmp_path / "missing.npz")


def test_greyscale_is_the_mean_of_the_channels_over_256():
    x = np.random.default_rng(1).integers(0, 256, (3, 32, 32, 3), dtype=np.uint8)
    grey = pp.greyscale(x)
    assert grey.shape == (3, 1, 32, 32) and grey.dtype == np.float32
    expected = x.astype(np.float64).sum(axis=3) / 3 / 256
    np.testing.assert_allclose(grey[:, 0], expected, rtol=1e-6)
    assert pp.to_unit(np.array([255], np.uint8))[0] == np.float32(255 / 256)


def test_target_is_the_nearest_palette_colour():
    palette = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.5, 0.0, 0.0], [0.0, 0.0, 0.75]])
    pixels = np.array(
        [[10, 10, 10], [250, 240, 230], [120, 20, 0], [0, 30, 200], [64, 0, 0]], np.uint8
    )  # (5, 3): 64/256 = 0.25 ties black/red
    x = np.zeros((1, 32, 32, 3), np.uint8)
    x[0, 0, :5] = pixels
    target = pp.nearest_colour(x, palette, chunk=4)  # 6 distinct colours: two chunks
    assert target.dtype == np.int64 and target.shape == (1, 32, 32)
    assert target[0, 0, :5].tolist() == [0, 1, 2, 3, 0]  # a tie goes to the lower index
    assert (target[0, 1:] == 0).all()
    brute = np.linalg.norm(x.reshape(-1, 1, 3) / 256 - palette, axis=2).argmin(axis=1)
    assert (target.reshape(-1) == brute).all()
    with pytest.raises(ValueError, match="palette"):
        pp.nearest_colour(x, palette[:, :2])


def test_palette_is_seeded_sorted_and_finds_clear_clusters():
    # Two flat colours (white listed first): kmeans must find both, darker first.
    x = np.zeros((4, 32, 32, 3), np.uint8)
    x[:2] = 255
    palette = pp.compute_palette(x, k=2, seed=0, sample=1000)
    np.testing.assert_allclose(palette * 256, [[0, 0, 0], [255, 255, 255]], atol=1e-9)
    rng = np.random.default_rng(2)
    noisy = rng.integers(0, 256, (4, 32, 32, 3), dtype=np.uint8)
    a = pp.compute_palette(noisy, k=5, seed=3, sample=500)
    assert np.array_equal(a, pp.compute_palette(noisy, k=5, seed=3, sample=500))
    lum = a @ np.array([0.299, 0.587, 0.114])
    assert (np.diff(lum) >= 0).all()
    with pytest.raises(ValueError, match="k must be"):
        pp.compute_palette(noisy, k=0)


def test_shuffle_is_the_seed_0_permutation():
    x = np.arange(50)
    expected = x.copy()
    np.random.seed(0)
    np.random.shuffle(expected)  # what the starter code did
    assert (x[pp.shuffle_order(50)] == expected).all()
    assert (pp.shuffle_order(50) == np.random.RandomState(0).permutation(50)).all()


def test_tensors_are_made_once_in_shuffled_order(npz):
    data = ch.load_horses(npz)
    palette = np.array([[0.0, 0.0, 0.0], [0.5, 0.5, 0.5], [1.0, 1.0, 1.0]])
    t = pp.to_tensors(data.x_train, data.x_test, palette)
    order = pp.shuffle_order(6)
    assert t.x_train_grey.shape == (6, 1, 32, 32) and t.x_train_grey.dtype == torch.float32
    assert t.y_train.shape == (6, 32, 32) and t.y_train.dtype == torch.int64
    assert t.palette.shape == (3, 3) and t.palette.dtype == torch.float32
    assert torch.equal(t.x_train_grey, torch.from_numpy(pp.greyscale(data.x_train[order])))
    assert torch.equal(t.y_test, torch.from_numpy(pp.nearest_colour(data.x_test, palette)))


def test_the_shipped_copy_is_the_default_and_says_it_is_lossy(monkeypatch):
    monkeypatch.delenv(ch.ENV_SOURCE, raising=False)
    data = ch.load_horses()
    assert data.x_train.shape == (5000, 32, 32, 3) and data.x_test.shape == (1000, 32, 32, 3)
    assert data.x_train.dtype == np.uint8 and "lossy" in data.description
    assert "data/cifar10_horses.npz" in data.description and "/work" not in data.description
