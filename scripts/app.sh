#!/usr/bin/env bash
# Install nnstudio into .venv and open the studio.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh --display
[ -x .venv/bin/python ] || python3 -m venv .venv
# install once per version of pyproject.toml: later launches need no network
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -e "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e .
    rm -f .venv/.installed-*
    touch "$stamp"
fi
exec .venv/bin/nnstudio "$@"
