"""Images of several channels as pictures, in NumPy: a sample in its own colours, and
weights on colour images (a first convolution's filters, a dense layer's units on the
pixels) as colour pictures, symmetric about grey (0)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

RGB = 3  # channels read as red, green and blue (a fourth, alpha, is left out)


def is_colour(channels: int) -> bool:
    """True for images drawn in colour: red, green and blue (and alpha) channels."""
    return channels in (RGB, RGB + 1)


def sample_rgba(image: np.ndarray, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """An image (height, width, channels) as (height, width, 4) RGBA bytes, ``low``
    black and ``high`` full: its red, green and blue for colour, else its first
    channel as grey."""
    image = np.asarray(image, dtype=np.float64)
    span = high - low if high > low else 1.0
    rgb = image[..., :RGB] if is_colour(image.shape[-1]) else image[..., :1]
    values = np.clip(np.rint((rgb - low) / span * 255), 0, 255).astype(np.uint8)
    rgba = np.empty((*image.shape[:2], 4), np.uint8)
    rgba[..., :3] = values  # a grey channel to all three
    rgba[..., 3] = 255
    return rgba


def rgba_image(rgba: np.ndarray) -> QImage:
    """(height, width, 4) RGBA bytes as a QImage of its own."""
    rgba = np.ascontiguousarray(rgba)
    height, width = rgba.shape[:2]
    return QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


def sample_image(image: np.ndarray, low: float = 0.0, high: float = 1.0) -> QImage:
    """An image (height, width, channels) as a picture (see :func:`sample_rgba`)."""
    return rgba_image(sample_rgba(image, low, high))


def symmetric_rgb(weights: np.ndarray) -> np.ndarray:
    """Weights on colour pixels (units, height, width, 3) as RGBA bytes (units, height,
    width, 4): each unit scaled by its own largest |weight| over all three channels
    (their balance kept), −largest 0, 0 grey (128) and +largest 255 in each channel."""
    weights = np.asarray(weights, dtype=np.float64)
    largest = np.abs(weights).max(axis=(1, 2, 3), keepdims=True) if len(weights) else 1.0
    scaled = 127.5 + 127.5 * weights / np.maximum(largest, 1e-12)
    rgba = np.empty((*weights.shape[:3], 4), np.uint8)
    rgba[..., :3] = np.clip(np.rint(scaled), 0, 255)
    rgba[..., 3] = 255
    return rgba


def colour_filter_rgba(kernels: np.ndarray) -> np.ndarray:
    """Conv2D kernels on colour images (kernel_h, kernel_w, 3, filters) as one RGBA
    picture (kernel_h, kernel_w, 4) per filter: its red, green and blue weights as
    one colour, symmetric about grey (:func:`symmetric_rgb`)."""
    return symmetric_rgb(np.moveaxis(np.asarray(kernels)[:, :, :RGB], -1, 0))
