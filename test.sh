#!/usr/bin/env bash
# Set up .venv with the test tools, then lint, type-check and run every test (Qt offscreen).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv requirements-dev.txt
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1

echo "== ruff"
.venv/bin/ruff check .
echo "== mypy (core, models, documents)"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
if [ -d ../shared/contract ]; then
    echo "== contract tests (../shared/contract)"
    .venv/bin/python -m pytest ../shared/contract -q -p no:cacheprovider
else
    echo "== contract tests skipped: ../shared/contract not found (CI has it)"
fi
