#!/usr/bin/env bash
# 容错免责案件办理系统: set up .venv on first use, then start the program or run COMMAND.
#   ./run.sh build [PyInstaller options]   builds the installable program into dist/rongcuo/
#                                           (build.spec; not a command of the program itself)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
if [ "${1:-}" = build ]; then
    shift
    ensure_venv requirements-build.txt      # the program's packages plus PyInstaller, pinned
    export PYTHONDONTWRITEBYTECODE=1
    .venv/bin/python -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build "$@" build.spec
    echo "已构建：dist/rongcuo/（复制整个文件夹即可安装；自检：dist/rongcuo/rongcuo --self-test）" >&2
    exit 0
fi
ensure_venv requirements.txt
exec .venv/bin/python main.py "$@"
