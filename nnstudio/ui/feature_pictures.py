"""The insides of an image network as pictures, in NumPy: feature maps as grey pictures,
each channel stretched to its own range, and filters on the weights' diverging colours
(the canvas's: orange −, white 0, blue +)."""

from __future__ import annotations

import numpy as np

from nnstudio.ui.canvas import colors

DIMMED = 0.3  # a dropped value's brightness, of its own


def _grey_table() -> np.ndarray:
    """256 RGBA entries from black (a channel's lowest value) to white (its highest)."""
    ramp = np.arange(256, dtype=np.uint8)[:, None]
    return np.c_[ramp, ramp, ramp, np.full((256, 1), 255, np.uint8)]


GREYS = _grey_table()


def map_pictures(maps: np.ndarray) -> np.ndarray:
    """One sample's outputs (height, width, channels) as one (height, width) picture per
    channel in [0, 1], each stretched from its lowest to its highest value (a constant
    channel is all 0)."""
    pictures = np.moveaxis(np.asarray(maps, dtype=np.float64), -1, 0)
    low = pictures.min(axis=(1, 2), keepdims=True)
    span = pictures.max(axis=(1, 2), keepdims=True) - low
    return np.divide(pictures - low, span, out=np.zeros_like(pictures), where=span > 0)


def grey_rgba(pictures: np.ndarray, dropped: np.ndarray | None = None) -> np.ndarray:
    """Pictures in [0, 1] (..., height, width) as RGBA bytes on the grey map; values
    where ``dropped`` is True are dimmed to DIMMED of their brightness."""
    rgba = GREYS[np.clip(np.rint(pictures * 255), 0, 255).astype(np.uint8)]
    if dropped is not None:
        rgb = rgba[..., :3]
        rgb[dropped] = (rgb[dropped] * DIMMED).astype(np.uint8)
    return rgba


def filter_pictures(kernels: np.ndarray) -> np.ndarray:
    """Conv2D kernels (kernel_h, kernel_w, in_channels, filters) as one (kernel_h,
    kernel_w) picture per filter: the mean over its input channels, scaled by its own
    largest |value| into [-1, 1] (0 stays 0, the colour map's white middle)."""
    pictures = np.moveaxis(np.asarray(kernels, dtype=np.float64).mean(axis=2), -1, 0)
    largest = np.abs(pictures).max(axis=(1, 2), keepdims=True)
    return pictures / np.maximum(largest, 1e-12)


def filter_rgba(pictures: np.ndarray) -> np.ndarray:
    """Filter pictures in [-1, 1] as RGBA bytes on the weight colour map."""
    return colors.matrix_image_array(pictures, 1.0)
