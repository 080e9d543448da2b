"""``python -m nnstudio``: the same as the ``nnstudio`` command."""

from nnstudio.cli import main

raise SystemExit(main())
