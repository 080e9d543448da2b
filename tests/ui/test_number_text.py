"""Numbers on axes and counters read as a person writes them."""

import pytest

from nnstudio.ui.live_text import counters_text
from nnstudio.ui.number_text import decimals, percent_text, tick_texts, value_text


@pytest.mark.parametrize(
    ("values", "spacing", "texts"),
    [
        ([0, 5e6, 1e7, 1.5e7], 5e6, ["0", "5 M", "10 M", "15 M"]),
        ([0, 25_000, 50_000], 25_000, ["0", "25 k", "50 k"]),
        ([0, 2000, 4000], 2000, ["0", "2,000", "4,000"]),
        ([1_000_100, 1_000_200], 100, ["1,000,100", "1,000,200"]),  # no "1.0001 M"
        ([0.69, 0.692, 0.694], 0.002, ["0.690", "0.692", "0.694"]),
        ([0.25, 0.5, 0.75], 0.25, ["0.25", "0.50", "0.75"]),
        ([1e-8, 2e-8, 3e-8], 1e-8, ["10⁻⁸", "2×10⁻⁸", "3×10⁻⁸"]),
        ([1e27, 2e27], 1e27, ["10²⁷", "2×10²⁷"]),
        ([-0.2, 0.0, 0.2], 0.2, ["−0.2", "0", "0.2"]),
    ],
)
def test_ticks_have_just_enough_decimals_separators_and_compact_large_numbers(
    values, spacing, texts
):
    assert tick_texts(values, spacing) == texts


def test_a_quantity_that_cannot_be_negative_has_no_negative_tick():
    assert tick_texts([-2.384e-08, 0.5, 1.0], 0.5, nonnegative=True) == ["0", "0.5", "1.0"]
    assert tick_texts([-0.5, 0.0, 0.5], 0.5, nonnegative=True) == ["", "0", "0.5"]
    assert tick_texts([-1e-12, 1e-12], 1e-12) == ["−10⁻¹²", "10⁻¹²"]  # a real negative


def test_decimals_follow_the_spacing():
    assert [decimals(s) for s in (1, 10, 0.5, 0.25, 0.002, 2.5e-5)] == [0, 0, 1, 2, 3, 6]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.5e7, "15 M"),
        (12_345, "12.35 k"),
        (1234.5, "1,234"),
        (0.1234567, "0.1235"),
        (0.5, "0.5"),
        (0.0003941, "0.0003941"),
        (2.384e-08, "2.384×10⁻⁸"),
        (1e27, "10²⁷"),
        (0.0, "0"),
        (-0.0, "0"),
        (None, "–"),
        (float("inf"), "∞"),
    ],
)
def test_a_value_has_four_significant_digits_and_no_trailing_zeros(value, text):
    assert value_text(value) == text


def test_a_float_error_negative_loss_reads_zero_in_the_counters():
    assert value_text(-2.384e-08, nonnegative=True) == "0"
    text = counters_text(3, 1234, 52_345.0, {"loss": -2.384e-08, "accuracy": 0.975})
    assert text == "epoch 3 · step 1,234 · 52.3 k samples/s\nloss 0 · accuracy 97.5%"
    assert percent_text(1.0000001) == "100%" and percent_text(-1e-9) == "0%"
