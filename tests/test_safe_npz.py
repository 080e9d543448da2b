"""NPZ archives are read without trusting them: headers checked against their members'
sizes before allocation, pickles refused, every broken zip a clear error."""

import io
import zipfile

import numpy as np
import pytest

from nnstudio.errors import DataError
from nnstudio.safe_npz import read_arrays


def npz_with(member: str, payload: bytes, method=zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr(member, payload)
    return out.getvalue()


def npy_header(shape, descr="<f8") -> bytes:
    f = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(f, header)
    return f.getvalue()


def test_plain_arrays_are_read_as_saved():
    f = io.BytesIO()
    np.savez_compressed(f, X=np.arange(6.0).reshape(2, 3), y=np.array([0, 1]))
    arrays = read_arrays(f.getvalue(), "d.npz", 1 << 20, DataError)
    assert arrays["X"].tolist() == [[0, 1, 2], [3, 4, 5]] and arrays["y"].tolist() == [0, 1]


def test_a_header_declaring_terabytes_is_refused_before_allocation():
    data = npz_with("X.npy", npy_header((10**12, 1000)) + b"\0" * 64)
    with pytest.raises(
        DataError, match=r"array 'X.npy' declares 7,276.0 TiB of data but holds 64 bytes"
    ):
        read_arrays(data, "big.npz", 1 << 62, DataError)


def test_an_array_of_more_dimensions_than_numpy_has_is_refused():
    data = npz_with("X.npy", npy_header((1,) * 33) + b"\0" * 8)
    with pytest.raises(DataError, match="33 dimensions, more than NumPy's 32"):
        read_arrays(data, "deep.npz", 1 << 20, DataError)


def test_arrays_larger_together_than_the_limit_are_refused():
    f = io.BytesIO()
    np.savez(f, a=np.zeros(1000), b=np.zeros(1000))
    with pytest.raises(DataError, match="two.npz holds more arrays than the 12 KiB limit"):
        read_arrays(f.getvalue(), "two.npz", 12_000, DataError)


def test_a_corrupt_compressed_member_is_a_clear_error():
    data = bytearray(npz_with("X.npy", npy_header((100,)) + bytes(800), zipfile.ZIP_DEFLATED))
    start = 30 + len("X.npy")  # the deflate stream, after the local header
    data[start + 2 : start + 12] = b"\xff" * 10
    with pytest.raises(DataError, match=r"broken.npz is not a readable NPZ archive \("):
        read_arrays(bytes(data), "broken.npz", 1 << 20, DataError)


def test_an_unsupported_compression_method_is_a_clear_error():
    data = bytearray(npz_with("X.npy", npy_header((1,)) + bytes(8)))
    data[8:10] = (98).to_bytes(2, "little")  # PPMd, in the local header
    central = data.rfind(b"PK\x01\x02")
    data[central + 10 : central + 12] = (98).to_bytes(2, "little")
    with pytest.raises(DataError, match="a zip feature nnstudio cannot read"):
        read_arrays(bytes(data), "ppmd.npz", 1 << 20, DataError)


def test_a_member_that_is_no_array_is_refused():
    with pytest.raises(DataError, match="'notes.txt' is not a .npy array"):
        read_arrays(npz_with("notes.txt", b"hello"), "odd.npz", 1 << 20, DataError)
