#!/usr/bin/env bash
# Set up dxkg from scratch: a virtual environment with pinned Python packages, the pinned
# npm packages the pages serve (YASGUI), and — when run as root (CI, fresh machines) —
# the Debian packages the tests use (Chromium for browser tests and for printing sample plans
# to PDF, Virtuoso as a peer store) and the OCR engine the scan reader needs (Tesseract with
# its Vietnamese model; poppler-utils for pdftotext -layout in the layout-text tests).
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${DXKG_VENV:-.venv}

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"

if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi

if [ "${1:-}" = "--system" ] && [ "$(id -u)" = 0 ]; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v virtuoso-t >/dev/null || need+=(virtuoso-opensource)
  command -v tesseract >/dev/null || need+=(tesseract-ocr)
  [ -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || need+=(tesseract-ocr-vie)
  command -v pdftotext >/dev/null || need+=(poppler-utils)
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi
echo "dxkg set up in $VENV"
