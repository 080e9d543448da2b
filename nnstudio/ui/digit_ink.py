"""A digit drawn with the mouse as the pixels of a dataset's images, in NumPy.

The ink is a fine grey picture (0 background, 1 full ink), a few ink pixels to each of
the data's pixels. Centred, it is cut to the box around the strokes and scaled the way
the shipped digits were made:

- MNIST (28×28): the box fitted, keeping its shape, into 20×20 pixels, then moved so
  that its centre of mass is the image's centre (LeCun et al.);
- others, such as UCI's 8×8 digits: the box fitted into the whole image and centred
  (their 32×32 bitmaps were normalised so, then each 4×4 block's ink counted, 0–16).

Each data pixel then holds the share of it the ink covers, in [0, 1]: what the datasets
hold too (digits ÷ 16, MNIST ÷ 255).
"""

from __future__ import annotations

import numpy as np

MNIST_SHAPE, MNIST_BOX = (28, 28), 20
MIN_INK_SIDE = 112  # ink pixels along the longer side, at least


def ink_shape(image_shape: tuple[int, int]) -> tuple[int, int]:
    """The ink's (height, width) for images of ``image_shape``: a whole number of ink
    pixels to each data pixel, at least four (UCI's digits had 4×4)."""
    height, width = image_shape
    per_pixel = max(4, -(-MIN_INK_SIDE // max(height, width)))
    return height * per_pixel, width * per_pixel


def _overlaps(n_in: int, n_out: int, start: float, length: float) -> np.ndarray:
    """(n_out, n_in): how much of output cell i input cell k covers when the n_in input
    cells are laid over the output cells from ``start`` for ``length`` (in output cells)."""
    edges = start + np.arange(n_in + 1) * (length / n_in)
    cells = np.arange(n_out + 1, dtype=np.float64)
    low = np.maximum(edges[None, :-1], cells[:-1, None])
    high = np.minimum(edges[None, 1:], cells[1:, None])
    return np.clip(high - low, 0.0, None)


def laid_over(ink: np.ndarray, shape: tuple[int, int], origin=(0.0, 0.0), size=None) -> np.ndarray:
    """``ink`` stretched over the rectangle at ``origin`` of ``size`` (row, column; in
    output pixels; default: all of them) of an image of ``shape``: each output pixel
    the mean ink over its area (0 outside the rectangle)."""
    height, width = shape
    size = shape if size is None else size
    rows = _overlaps(ink.shape[0], height, origin[0], size[0])
    columns = _overlaps(ink.shape[1], width, origin[1], size[1])
    return rows @ ink @ columns.T


def ink_to_pixels(ink: np.ndarray, shape: tuple[int, int], centre: bool = True) -> np.ndarray:
    """The drawn ``ink`` as an image of ``shape`` (height, width), values in [0, 1]:
    centred and scaled as the data's digits were (see the module's text), or, with
    ``centre`` False, just averaged down where it was drawn."""
    ink = np.clip(np.asarray(ink, dtype=np.float64), 0.0, 1.0)
    if not centre or not ink.any():
        return np.clip(laid_over(ink, shape), 0.0, 1.0)
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]
    height, width = shape
    mnist = tuple(shape) == MNIST_SHAPE
    box = (MNIST_BOX, MNIST_BOX) if mnist else shape
    scale = min(box[0] / crop.shape[0], box[1] / crop.shape[1])  # output pixels per ink pixel
    size = (crop.shape[0] * scale, crop.shape[1] * scale)
    if mnist:  # the centre of mass (ink pixel k spans k to k + 1) onto the image's centre
        row, column = centre_of_mass(crop)
        origin = (height / 2 - row * scale, width / 2 - column * scale)
    else:  # the box in the middle
        origin = ((height - size[0]) / 2, (width - size[1]) / 2)
    return np.clip(laid_over(crop, shape, origin, size), 0.0, 1.0)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of an image's centre of mass, pixel k spanning k to k + 1."""
    image = np.asarray(image, dtype=np.float64)
    mass = image.sum()
    return tuple(
        float((image.sum(axis=1 - axis) * (np.arange(image.shape[axis]) + 0.5)).sum() / mass)
        for axis in (0, 1)
    )
