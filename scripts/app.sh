#!/usr/bin/env bash
# Install nnstudio into .venv and open the studio.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh --display
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
exec .venv/bin/nnstudio "$@"
