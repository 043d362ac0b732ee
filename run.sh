#!/usr/bin/env bash
# 容错免责案件办理系统: set up .venv on first use, then start the program or run COMMAND.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv requirements.txt
exec .venv/bin/python main.py "$@"
