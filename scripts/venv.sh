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
    # Letters fall back to static Noto Sans SC instances cut from the variable font the
    # justmytype-intl-cjk package ships (documents/fonts.py BUNDLED_INSTANCES names these files).
    # Made once; load_fonts() makes them itself if they are still missing, so failure is not fatal.
    local gen="$root/resources/fonts/generated" f missing=0
    for f in NotoSansSC-Regular.ttf NotoSansSC-Medium.ttf NotoSansSC-Bold.ttf; do
        [ -f "$gen/$f" ] || missing=1
    done
    if [ "$missing" = 1 ]; then
        echo "首次运行：正在生成公文备用字体（Noto Sans SC 常规、中等、粗体，约需半分钟）…" >&2
        if ! (cd "$root" && "$root/.venv/bin/python" -c 'from documents.fonts import prepare_bundled_fonts; prepare_bundled_fonts()'); then
            echo "警告：备用字体生成失败，将在首次生成公文时重试。" >&2
        fi
    fi
}
