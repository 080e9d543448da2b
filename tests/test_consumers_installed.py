"""The real consumers of the exports are installed (the test extra): without them the
parity and export tests would skip, and a clean clone's CI would check nothing of
what PyTorch, Keras and onnxruntime make of nnstudio's files."""

import importlib.metadata

import pytest

CONSUMERS = ("torch", "keras", "h5py", "onnx", "onnxruntime", "safetensors")


@pytest.mark.parametrize("name", CONSUMERS)
def test_the_test_extra_installs_each_consumer(name):
    assert importlib.metadata.version(name), f"pip install -e '.[test]' installs {name}"


def test_the_torch_is_the_one_on_disk():
    assert importlib.metadata.version("torch").startswith("2.13.0")
