"""Just enough of the protocol-buffers wire format to write an ONNX model.

A message is built as bytes from its fields, in field-number order; see
https://protobuf.dev/programming-guides/encoding/.
"""

from __future__ import annotations

import struct

VARINT, FIXED32, LENGTH_DELIMITED = 0, 5, 2


def varint(value: int) -> bytes:
    """Base-128 varint; negative numbers as their 64-bit two's complement."""
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def key(field: int, wire_type: int) -> bytes:
    return varint(field << 3 | wire_type)


def integer(field: int, value: int) -> bytes:
    """An int32/int64/enum field."""
    return key(field, VARINT) + varint(value)


def float32(field: int, value: float) -> bytes:
    return key(field, FIXED32) + struct.pack("<f", value)


def blob(field: int, value: bytes) -> bytes:
    """A bytes field, or an embedded message already encoded."""
    return key(field, LENGTH_DELIMITED) + varint(len(value)) + value


def text(field: int, value: str) -> bytes:
    return blob(field, value.encode("utf-8"))
