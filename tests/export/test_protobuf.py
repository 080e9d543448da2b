"""The protobuf writer against the encoding spec's own examples."""

from nnstudio.export import protobuf as pb


def test_varints_match_the_encoding_spec():
    assert pb.varint(1) == b"\x01"
    assert pb.varint(150) == b"\x96\x01"
    assert pb.varint(300) == b"\xac\x02"
    assert pb.varint(-1) == b"\xff" * 9 + b"\x01"  # ten bytes, two's complement


def test_fields_carry_their_number_and_wire_type():
    assert pb.integer(1, 150) == b"\x08\x96\x01"
    assert pb.text(2, "testing") == b"\x12\x07testing"
    assert pb.float32(2, 1.0) == b"\x15\x00\x00\x80\x3f"
