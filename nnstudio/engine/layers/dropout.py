"""Dropout: while training, each value is zeroed with probability ``rate`` and the rest
scaled by 1/(1 − rate) (inverted dropout, as PyTorch and Keras); at inference it passes
its input on unchanged."""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from nnstudio.engine.layers import keys
from nnstudio.engine.layers.base import Layer, TypeSpec, register
from nnstudio.errors import SpecError

_KEYS = {"type", "rate", "name"}


@dataclass(frozen=True)
class DropoutSpec(TypeSpec):
    rate: float = 0.5
    name: str = ""

    @classmethod
    def from_entry(cls, entry, index, initializer):
        where = f"layer {index} (dropout)"
        keys.check_keys(entry, _KEYS, where)
        rate = keys.number(entry.get("rate", 0.5), f"{where} rate")
        if not 0 <= rate < 1:
            raise SpecError(f"{where} rate must be from 0 up to (not including) 1, got {rate}")
        return cls(rate=rate, name=keys.name(entry, f"dropout_{index}", where))

    def output_shape(self, input_shape):
        return input_shape


@register
class Dropout(Layer):
    """Training: y = x ⊙ m with m = [u ≥ rate]/(1 − rate), u uniform on [0, 1) drawn
    anew each batch from the layer's generator; dL/dx = dL/dy ⊙ m. Inference: y = x."""

    type_name = "dropout"
    description = "Dropout: drops random units while training, against overfitting"
    Spec = DropoutSpec
    splits_exactly = False  # one batch draws one mask stream; two halves would draw two

    def __init__(self, spec: DropoutSpec, input_shape):
        super().__init__(spec, input_shape)
        self.rate = spec.rate
        self.rng = np.random.default_rng(0)

    def seed(self, seed: np.random.SeedSequence) -> None:
        self.rng = np.random.default_rng(seed)

    def scratch(self, rows, dtype, training):
        """The mask m of the last training batch (``active``: whether it applied)."""
        if not training:
            return None
        shape = (rows, *self.output_shape)
        return SimpleNamespace(
            mask=np.empty(shape, dtype), kept=np.empty(shape, bool), active=False
        )

    def scratch_values(self, training):
        return 2 * math.prod(self.output_shape) if training else 0

    def dropped(self, scratch):
        if scratch is None or not scratch.active:
            return None
        lost = ~scratch.kept[0]
        lost.flags.writeable = False
        return lost

    def forward(self, x, out, scratch, training):
        if scratch is not None:
            scratch.active = training and self.rate > 0
        if not (training and self.rate > 0):
            return x
        mask = scratch.mask
        self.rng.random(dtype=mask.dtype, out=mask)
        np.greater_equal(mask, self.rate, out=scratch.kept)
        np.multiply(scratch.kept, 1.0 / (1.0 - self.rate), out=mask)
        return np.multiply(x, mask, out=out)

    def backward(self, x, y, grad, grad_x, scratch):
        if grad_x is None:
            return
        if scratch.active:
            np.multiply(grad, scratch.mask, out=grad_x)
        else:
            np.copyto(grad_x, grad)
