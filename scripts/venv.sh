# Sourced by run.sh and test.sh: make sure .venv exists and holds exactly the pinned packages.
# Usage: ensure_venv REQUIREMENTS_FILE
# Re-installs only when the requirements files change, so a second run is quick.

ensure_venv() {
    local req="$1" root stamp want
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    stamp="$root/.venv/.installed-$(basename "$req" .txt)"
    want="$(cat "$root/requirements.txt" "$root/$req" | sha256sum | cut -d' ' -f1)"
    if [ ! -x "$root/.venv/bin/python" ]; then
        local py
        py="$(command -v python3 || true)"
        if [ -z "$py" ]; then
            echo "找不到 python3：请先安装 Python 3.11 或更新版本。" >&2
            return 1
        fi
        if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
            echo "需要 Python 3.11 或更新版本，当前为 $("$py" --version 2>&1)。" >&2
            return 1
        fi
        echo "首次运行：正在创建 .venv …" >&2
        if ! "$py" -m venv "$root/.venv"; then
            rm -rf "$root/.venv"
            echo "无法创建虚拟环境。在 Debian/Ubuntu 上请先安装：sudo apt-get install python3-venv" >&2
            return 1
        fi
    fi
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "正在安装依赖（$req）…" >&2
        "$root/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/$req" || return 1
        echo "$want" > "$stamp"
    fi
}
