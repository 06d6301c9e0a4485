#!/usr/bin/env bash
# Set up, build a graph from plan documents (default: the bundled sample plan) and serve it.
#   ./scripts/run.sh [DOCUMENTS...]      e.g. ./scripts/run.sh ../shared/seeds
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
VENV=${DXKG_VENV:-.venv}
STORE=${DXKG_STORE:-store}
if [ $# -eq 0 ]; then set -- examples; fi
"$VENV/bin/dxkg" build "$@" --store "$STORE" || [ $? -eq 3 ]
exec "$VENV/bin/dxkg" serve --store "$STORE" --host "${DXKG_HOST:-127.0.0.1}" --port "${DXKG_PORT:-5000}"
