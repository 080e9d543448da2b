"""NPZ archives read without trusting them: every array's header is checked against
its member's real size before anything is allocated, object arrays (pickles) are
refused, and every way a zip can be broken becomes one clear error.

arrays = read_arrays(path_or_bytes, "weights.npz", max_bytes=1 << 30, error=DataError)
"""

from __future__ import annotations

import io
import math
import struct
import zipfile
import zlib

import numpy as np

from nnstudio.errors import NNStudioError
from nnstudio.limits import limit_text

MAX_DIMENSIONS = 32  # NumPy's own limit


def read_arrays(
    source, name: str, max_bytes: int, error: type[NNStudioError] = NNStudioError
) -> dict[str, np.ndarray]:
    """The arrays of the NPZ ``source`` (a path or bytes), by key; raise ``error``
    naming ``name`` if one is not a plain array, declares more data than its member
    holds, or all of them more than ``max_bytes``."""
    archive_source = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    try:
        with zipfile.ZipFile(archive_source) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
            total = 0
            for info in members:
                total += _declared_bytes(archive, info, name, error)
                if total > max_bytes:
                    raise error(f"{name} holds more arrays than {limit_text(max_bytes)}")
            return {
                info.filename.removesuffix(".npy"): _read_array(archive, info) for info in members
            }
    except NNStudioError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        NotImplementedError,  # a compression method zipfile does not have
        EOFError,
        ValueError,
        OSError,
        RuntimeError,  # an encrypted member
        IndexError,  # what NumPy's .npy header parser raises on some damage
        KeyError,
        TypeError,
        SyntaxError,
        struct.error,
    ) as exc:
        raise error(f"{name} is not a readable NPZ archive ({_reason(exc)})") from None


def _declared_bytes(archive, info: zipfile.ZipInfo, name: str, error) -> int:
    """The bytes the member's array header declares, checked against the member."""
    member = f"{name}: array {info.filename!r}"
    if not info.filename.endswith(".npy"):
        raise error(f"{member} is not a .npy array")
    with archive.open(info) as f:
        version = np.lib.format.read_magic(f)
        shape, _, dtype = _read_header(f, version)
        header_size = f.tell() if f.seekable() else None
    if dtype.hasobject:
        raise error(f"{member} holds Python objects; nnstudio reads only plain arrays")
    if len(shape) > MAX_DIMENSIONS:
        raise error(f"{member} has {len(shape)} dimensions, more than NumPy's {MAX_DIMENSIONS}")
    declared = math.prod(shape) * dtype.itemsize
    room = info.file_size - (header_size or 0)
    if declared > room:
        raise error(
            f"{member} declares {_size(declared)} of data but holds {_size(room)}: "
            "the file is damaged"
        )
    return declared


def _read_header(f, version):
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(f)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(f)
    raise ValueError(f"unsupported .npy version {version}")


def _read_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    with archive.open(info) as f:
        return np.lib.format.read_array(f, allow_pickle=False)


def _size(n: int) -> str:
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, zlib.error):
        return "a compressed member is corrupt"
    if isinstance(exc, NotImplementedError):
        return "it uses a zip feature nnstudio cannot read"
    return str(exc) or type(exc).__name__
