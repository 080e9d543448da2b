"""The engine's control of BLAS threads and of a training process's environment."""

import os

import pytest

from nnstudio.engine import threads


def test_single_threaded_blas_restores_the_thread_count():
    before = threads.blas_threads()
    if before is None:
        pytest.skip("no OpenBLAS")
    with threads.single_threaded_blas():
        assert threads.blas_threads() == 1
    assert threads.blas_threads() == before


def test_the_training_environment_is_added_for_a_while_and_never_overrides(monkeypatch):
    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT", raising=False)
    with threads.training_environment():
        assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == "4"
    assert "OPENBLAS_THREAD_TIMEOUT" not in os.environ
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "28")
    with threads.training_environment():
        assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == "28"
    assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == "28"
