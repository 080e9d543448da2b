"""Optimizers with torch.optim's update rules and defaults, on one flat parameter vector.

Every ``step(params, grad)`` updates ``params`` in place from ``grad`` (= dL/dθ,
regularisation included); the state vectors have the same layout as ``params``.
Weight decay is not here: it is the trainer's L2 term, applied to weights only.

The updates are elementwise, so on large networks they run in cache-sized chunks on
all cores (NumPy releases the GIL inside each call).
"""

from __future__ import annotations

import math

import numpy as np

from nnstudio.engine import threads
from nnstudio.errors import TrainingConfigError

_PARALLEL_FROM = 1 << 18
_CHUNK = 1 << 16
_THREADS = threads.cores()


class Optimizer:
    """Base class: keeps ``lr`` (settable at any time) and a scratch vector.

    Subclasses implement ``_update(scalars, params, grad, tmp, *state)`` on matching
    slices of the flat vectors; ``_scalars()`` gives the per-step constants.
    """

    name = ""
    default_lr = 1e-3

    def __init__(self, params: np.ndarray, lr: float | None = None):
        self.lr = self.default_lr if lr is None else checked_learning_rate(lr)
        self._tmp = np.empty_like(params)
        self.steps = 0

    def step(self, params: np.ndarray, grad: np.ndarray) -> None:
        """One update of ``params`` from the gradient ``grad``."""
        self.steps += 1
        scalars = self._scalars()
        arrays = (params, grad, self._tmp, *self._state())
        if params.size < _PARALLEL_FROM or _THREADS == 1:
            self._update(scalars, *arrays)
            return
        chunks = [slice(i, i + _CHUNK) for i in range(0, params.size, _CHUNK)]

        def work(share):
            for chunk in share:
                self._update(scalars, *(None if a is None else a[chunk] for a in arrays))

        list(threads.pool().map(work, [chunks[t::_THREADS] for t in range(_THREADS)]))

    def _scalars(self) -> tuple:
        return (self.lr,)

    def _state(self) -> tuple:
        return ()

    def _update(self, scalars, params, grad, tmp, *state) -> None:
        raise NotImplementedError

    @property
    def keeps_state(self) -> bool:
        """True if a step depends on the steps before (momentum, running averages):
        then a fresh optimizer's first step is not a trained one's next step."""
        return any(state is not None for state in self._state())

    def reset(self) -> None:
        """Forget all state (moments, step count)."""
        self.steps = 0

    def hyperparameters(self) -> dict:
        return {"lr": self.lr}

    def __repr__(self) -> str:
        hp = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({hp})"


class SGD(Optimizer):
    """b ← μ·b + (1−τ)·g (b ← g on the first step); d = g + μ·b with Nesterov, else b
    (d = g without momentum); θ ← θ − lr·d."""

    name = "sgd"

    def __init__(self, params, lr=None, momentum=0.0, dampening=0.0, nesterov=False):
        super().__init__(params, lr)
        _check(momentum >= 0, f"momentum must be ≥ 0, got {momentum}")
        _check(
            not nesterov or (momentum > 0 and dampening == 0),
            "nesterov needs momentum > 0 and dampening = 0",
        )
        self.momentum, self.dampening, self.nesterov = momentum, dampening, nesterov
        self._buf = np.zeros_like(params) if momentum else None

    def _scalars(self):
        return self.lr, self.steps == 1

    def _state(self):
        return () if self._buf is None else (self._buf,)

    def _update(self, scalars, params, grad, tmp, buf=None):
        lr, first = scalars
        direction = grad
        if buf is not None:
            if first:
                buf[...] = grad
            else:
                buf *= self.momentum
                if self.dampening:
                    np.multiply(grad, 1.0 - self.dampening, out=tmp)
                    buf += tmp
                else:
                    buf += grad
            if self.nesterov:
                direction = np.multiply(buf, self.momentum, out=tmp)
                direction += grad
            else:
                direction = buf
        np.multiply(direction, lr, out=tmp)
        params -= tmp

    def reset(self):
        super().reset()
        if self._buf is not None:
            self._buf[...] = 0

    def hyperparameters(self):
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "dampening": self.dampening,
            "nesterov": self.nesterov,
        }


class Adagrad(Optimizer):
    """s ← s + g²; θ ← θ − lr/(1 + (t−1)·lr_decay) · g / (√s + ε)."""

    name = "adagrad"
    default_lr = 1e-2

    def __init__(self, params, lr=None, lr_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, lr)
        _check(lr_decay >= 0, f"lr_decay must be ≥ 0, got {lr_decay}")
        _check(initial_accumulator_value >= 0, "initial_accumulator_value must be ≥ 0")
        _check(eps >= 0, f"eps must be ≥ 0, got {eps}")
        self.lr_decay, self.eps = lr_decay, eps
        self.initial_accumulator_value = initial_accumulator_value
        self._sum = np.full_like(params, initial_accumulator_value)

    def _scalars(self):
        return (self.lr / (1.0 + (self.steps - 1) * self.lr_decay),)

    def _state(self):
        return (self._sum,)

    def _update(self, scalars, params, grad, tmp, total):
        np.multiply(grad, grad, out=tmp)
        total += tmp
        np.sqrt(total, out=tmp)
        tmp += self.eps
        np.divide(grad, tmp, out=tmp)
        tmp *= scalars[0]
        params -= tmp

    def reset(self):
        super().reset()
        self._sum[...] = self.initial_accumulator_value

    def hyperparameters(self):
        return {
            "lr": self.lr,
            "lr_decay": self.lr_decay,
            "eps": self.eps,
            "initial_accumulator_value": self.initial_accumulator_value,
        }


class RMSprop(Optimizer):
    """v ← α·v + (1−α)·g²; centred: ḡ ← α·ḡ + (1−α)·g and v̂ = v − ḡ²; d = g/(√v̂ + ε);
    with momentum b ← μ·b + d and θ ← θ − lr·b, else θ ← θ − lr·d."""

    name = "rmsprop"
    default_lr = 1e-2

    def __init__(self, params, lr=None, alpha=0.99, eps=1e-8, momentum=0.0, centered=False):
        super().__init__(params, lr)
        _check(0 <= alpha <= 1, f"alpha must be in [0, 1], got {alpha}")
        _check(eps >= 0, f"eps must be ≥ 0, got {eps}")
        _check(momentum >= 0, f"momentum must be ≥ 0, got {momentum}")
        self.alpha, self.eps, self.momentum, self.centered = alpha, eps, momentum, centered
        self._sq = np.zeros_like(params)
        self._avg = np.zeros_like(params) if centered else None
        self._buf = np.zeros_like(params) if momentum else None

    def _state(self):
        return self._sq, self._avg, self._buf

    def _update(self, scalars, params, grad, tmp, sq, avg, buf):
        alpha = self.alpha
        sq *= alpha
        np.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - alpha
        sq += tmp
        if avg is not None:
            avg *= alpha
            np.multiply(grad, 1.0 - alpha, out=tmp)
            avg += tmp
            np.multiply(avg, avg, out=tmp)
            np.subtract(sq, tmp, out=tmp)
            np.sqrt(tmp, out=tmp)
        else:
            np.sqrt(sq, out=tmp)
        tmp += self.eps
        np.divide(grad, tmp, out=tmp)
        if buf is not None:
            buf *= self.momentum
            buf += tmp
            np.multiply(buf, scalars[0], out=tmp)
        else:
            tmp *= scalars[0]
        params -= tmp

    def reset(self):
        super().reset()
        for state in (self._sq, self._avg, self._buf):
            if state is not None:
                state[...] = 0

    def hyperparameters(self):
        return {
            "lr": self.lr,
            "alpha": self.alpha,
            "eps": self.eps,
            "momentum": self.momentum,
            "centered": self.centered,
        }


class Adam(Optimizer):
    """m ← β₁·m + (1−β₁)·g; v ← β₂·v + (1−β₂)·g² (AMSGrad: v̂ = max over steps of v);
    θ ← θ − lr/(1−β₁ᵗ) · m / (√v̂ / √(1−β₂ᵗ) + ε)."""

    name = "adam"

    def __init__(self, params, lr=None, betas=(0.9, 0.999), eps=1e-8, amsgrad=False):
        super().__init__(params, lr)
        b1, b2 = betas
        _check(0 <= b1 < 1 and 0 <= b2 < 1, f"betas must be in [0, 1), got {betas}")
        _check(eps >= 0, f"eps must be ≥ 0, got {eps}")
        self.betas, self.eps, self.amsgrad = (float(b1), float(b2)), eps, amsgrad
        self._m = np.zeros_like(params)
        self._v = np.zeros_like(params)
        self._v_max = np.zeros_like(params) if amsgrad else None

    def _scalars(self):
        b1, b2 = self.betas
        return self.lr / (1.0 - b1**self.steps), 1.0 / math.sqrt(1.0 - b2**self.steps)

    def _state(self):
        return self._m, self._v, self._v_max

    def _update(self, scalars, params, grad, tmp, m, v, v_max):
        step_size, inv_sqrt_bias2 = scalars
        b1, b2 = self.betas
        m -= grad
        m *= b1
        m += grad
        np.multiply(grad, grad, out=tmp)
        v -= tmp
        v *= b2
        v += tmp
        if v_max is not None:
            np.maximum(v_max, v, out=v_max)
            v = v_max
        np.sqrt(v, out=tmp)
        tmp *= inv_sqrt_bias2
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= step_size
        params -= tmp

    def reset(self):
        super().reset()
        for state in (self._m, self._v, self._v_max):
            if state is not None:
                state[...] = 0

    def hyperparameters(self):
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps, "amsgrad": self.amsgrad}


class Perceptron(SGD):
    """Rosenblatt's perceptron rule: plain steps θ ← θ − lr·g, for one layer of step
    neurons trained with the perceptron loss (g = (a − y)·x / n: see
    :class:`~nnstudio.engine.losses.PerceptronError`). The trainer checks the network."""

    name = "perceptron"
    default_lr = 1.0  # Rosenblatt's: each mistake adds or takes the whole input

    def __init__(self, params, lr=None):
        super().__init__(params, lr)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Adagrad, RMSprop, Adam, Perceptron)
}


def get_optimizer(name: str, params: np.ndarray, **options) -> Optimizer:
    """Build optimizer ``name`` for ``params``; options it does not take are an error."""
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        known = ", ".join(OPTIMIZERS)
        raise TrainingConfigError(f"unknown optimizer {name!r}; choose one of: {known}") from None
    try:
        return cls(params, **options)
    except TypeError as exc:
        raise TrainingConfigError(f"optimizer {name!r}: {exc}") from None


def checked_learning_rate(value) -> float:
    """``value`` as a learning rate: a finite number above 0, else TrainingConfigError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TrainingConfigError(f"the learning rate must be a number, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise TrainingConfigError(f"the learning rate must be a finite number > 0, got {value}")
    return float(value)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise TrainingConfigError(message)
