#!/usr/bin/env bash
# Set up everything (including Chromium and Virtuoso when run as root), run the test suite
# (which also runs ruff, ruff format --check, mypy and the layering test), then install the
# package as a user would — wheel built, installed outside the repository — and use it
# (scripts/smoke_install.py). Arguments go to pytest; with arguments the install check is
# skipped (a chosen subset of tests is being run).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --system
PY="${DXKG_VENV:-.venv}/bin/python"
"$PY" -m pytest -q -p no:cacheprovider "$@"
if [ $# -eq 0 ]; then
  "$PY" scripts/smoke_install.py
fi
