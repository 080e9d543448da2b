"""``python -m nnstudio``: the same as the ``nnstudio`` command."""

from nnstudio.cli import main

if __name__ == "__main__":  # not when a training process imports it
    raise SystemExit(main())
