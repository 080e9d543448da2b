#!/usr/bin/env bash
# Install nnstudio with its test extra into .venv and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest "$@"
