"""A training batch as two halves on two threads, for networks of convolutions.

A convolutional network's step is many NumPy passes over per-sample images, too small
each for two threads to share well (and OpenBLAS's own threads spin between products).
Here each half of the batch runs the whole forward and backward pass on a thread of its
own, with BLAS computing each product on its calling thread: two cores busy throughout.

Each half trains a *replica* of the network: its own layer objects, gradient vector and
buffers, views of the same parameters. A half's loss and gradients are means over its
samples, so the batch's are the halves' weighted by their share of the samples, always
summed in the same order: the same batch gives the same result on every run, equal to
the unsplit batch's up to rounding (float64: ~1e-15 relative).
"""

from __future__ import annotations

from concurrent.futures import wait

import numpy as np

from nnstudio.engine import threads

MIN_BATCH = 16  # smaller batches train whole: halves of fewer than 8 do not pay


def worthwhile(layers) -> bool:
    """Whether a network of ``layers`` trains its batches as halves: some layer gains
    from it, every layer splits exactly, there are two cores and BLAS can be told to
    use one thread."""
    return (
        any(layer.gains_from_halves for layer in layers)
        and all(layer.splits_exactly for layer in layers)
        and threads.cores() >= 2
        and threads.blas_threads() is not None
    )


class Halves:
    """Trains a batch of ``net`` as two halves, on two replicas of it (see the module)."""

    def __init__(self, net):
        self.replicas = (net.replica(), net.replica())
        self.gradients = net.gradients
        self.outputs: np.ndarray | None = None  # the last batch's, both halves
        self._outputs: dict[int, np.ndarray] = {}

    def loss_and_gradients(self, x, y, loss, training: bool) -> float:
        """As Network.loss_and_gradients: the batch's mean loss; dL/dθ in the network's
        gradients, the batch's outputs in :attr:`outputs`."""
        n = len(x)
        cut = (n + 1) // 2
        first, second = self.replicas
        with threads.single_threaded_blas():
            job = threads.pool().submit(
                _in_errstate, np.geterr(), second, x[cut:], y[cut:], loss, training
            )
            try:
                value = first.loss_and_gradients(x[:cut], y[:cut], loss, training)
            finally:
                wait([job])
            other = job.result()
        share, rest = cut / n, (n - cut) / n
        np.multiply(first.gradients, share, out=self.gradients)
        second.gradients *= rest
        self.gradients += second.gradients
        top, bottom = first.batch_outputs(), second.batch_outputs()
        outputs = self._outputs.get(n)
        if outputs is None:
            if len(self._outputs) > 4:
                self._outputs.clear()
            outputs = self._outputs[n] = np.empty((n, *top.shape[1:]), top.dtype)
        np.copyto(outputs[:cut], top)
        np.copyto(outputs[cut:], bottom)
        self.outputs = outputs
        return share * value + rest * other


def _in_errstate(errors: dict, net, x, y, loss, training: bool) -> float:
    """``net.loss_and_gradients`` under the caller's floating-point error handling
    (NumPy keeps it per thread: the trainer ignores overflow while a run diverges)."""
    with np.errstate(**errors):
        return net.loss_and_gradients(x, y, loss, training)
