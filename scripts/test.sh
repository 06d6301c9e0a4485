#!/usr/bin/env bash
# Set up everything (including Chromium and Virtuoso when run as root) and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --system
exec "${DXKG_VENV:-.venv}/bin/python" -m pytest -q -p no:cacheprovider "$@"
