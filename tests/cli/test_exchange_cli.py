"""``export``, ``verify`` and ``import`` as an officer runs them: one package on the stick, checked,
imported elsewhere; every refusal one Chinese line with exit code 1."""
from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

from .conftest import password_file
from .test_cli import CHINESE, ok, one_chinese_error, run

PASSWORD = "U盘导出密码2026"


def _numbers(data: Path, status: str | None = None) -> list[str]:
    cases = json.loads(ok(run(data, "case", "list", "--json")))["cases"]
    return sorted(c["number"] for c in cases if status is None or c["status"] == status)


def test_help_is_chinese() -> None:
    for command in ("export", "verify", "import"):
        out = ok(run(None, command, "--help"))
        assert out.startswith("用法：") and CHINESE.search(out.split("\n", 1)[1])
        assert "--password-file" in out
    top = ok(run(None, "--help"))
    assert "export" in top and "verify" in top and "import" in top


def test_export_verify_import(demo: Path, tmp_path: Path) -> None:
    numbers = _numbers(demo, "archived")[:2]
    usb = tmp_path / "usb"
    result = run(demo, "export", *numbers, "--to", str(usb))
    out = ok(result)
    (package,) = list(usb.iterdir())
    assert out.startswith(f"已导出 2 件案件到：{package}") and "未加密" in out and "已读回校验" in out
    assert "未加密" in result.stderr                    # the hint to encrypt
    out = ok(run(demo, "verify", str(package)))
    assert out.startswith(f"导出包完好：{package}") and "SHA-256 和 SM3" in out
    assert all(n in out for n in numbers)

    other = tmp_path / "市纪委" / "data"
    out = ok(run(other, "import", str(package), user="市纪委 收件员"))
    assert out.splitlines()[0] == f"已导入 {package.name}：新增 2 件，更新 0 件，跳过 0 件，冲突 0 件"
    assert _numbers(other) == numbers
    assert "检查通过" in ok(run(other, "check"))
    assert "审计链完整" in ok(run(other, "audit", "verify"))
    for number in numbers:
        here = json.loads(ok(run(other, "case", "show", number, "--json")))
        there = json.loads(ok(run(demo, "case", "show", number, "--json")))
        assert here["uuid"] == there["uuid"] and here["determinations"][0]["outcome"] == \
            there["determinations"][0]["outcome"]
    again = ok(run(other, "import", str(package)))
    assert "跳过 2 件" in again and "与本机的案件相同" in again


def test_an_encrypted_export(demo: Path, tmp_path: Path) -> None:
    number = _numbers(demo, "investigating")[0]
    usb = tmp_path / "usb"
    password = password_file(tmp_path, PASSWORD)
    out = ok(run(demo, "export", number, "--to", str(usb), "--password-file", str(password)))
    (package,) = list(usb.iterdir())
    assert "已加密" in out
    with zipfile.ZipFile(package) as archive:
        assert not any(number in name for name in archive.namelist())
    result = run(demo, "verify", str(package))
    assert ok(result).startswith("导出包外层完好") and "--password-file" in result.stderr
    assert "1 件案件" in ok(run(demo, "verify", str(package), "--password-file", str(password)))
    other = tmp_path / "other"
    wrong = password_file(tmp_path / "..", "别的密码12345678")
    assert "密码不正确" in one_chinese_error(run(other, "import", str(package), "--password-file", str(wrong)))
    assert "已加密" in one_chinese_error(run(other, "import", str(package)))
    assert _numbers(other) == []
    assert "新增 1 件" in ok(run(other, "import", str(package), "--password-file", str(password)))
    assert _numbers(other) == [number]


def test_choosing_the_cases(demo: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    assert "导出范围" in one_chinese_error(run(demo, "export", "--to", str(usb)))
    assert "导出范围" in one_chinese_error(run(demo, "export", "--all", "--since", "2026-01-01", "--to", str(usb)))
    assert "没有找到" in one_chinese_error(run(demo, "export", "2026-9999", "--to", str(usb)))
    assert "至少" in one_chinese_error(run(demo, "export", "--all", "--to", str(usb), "--password-file",
                                           str(password_file(tmp_path, "short"))))
    assert not usb.exists() or list(usb.iterdir()) == []
    fresh = tmp_path / "fresh"
    assert "还没有导出过" in one_chinese_error(run(fresh, "export", "--since", "last", "--to", str(usb)))
    today = date.today().isoformat()
    out = ok(run(demo, "export", "--since", today, "--to", str(usb / "a")))   # the demo was made today
    assert f"已导出 {len(_numbers(demo))} 件案件" in out
    assert "已导出" in ok(run(demo, "export", "--since", "last", "--to", str(usb / "b")))
    assert "晚于今天" in one_chinese_error(run(demo, "export", "--since", "2099-01-01", "--to", str(usb / "c")))
    assert sorted(p.name for p in usb.iterdir()) == ["a", "b"]


def test_a_damaged_package_is_refused_with_one_line(demo: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    ok(run(demo, "export", _numbers(demo, "archived")[0], "--to", str(usb)))
    (package,) = list(usb.iterdir())
    data = bytearray(package.read_bytes())
    data[len(data) // 3] ^= 0xFF
    package.write_bytes(bytes(data))
    other = tmp_path / "other"
    for command in ("verify", "import"):
        line = one_chinese_error(run(other, command, str(package)))
        assert line.startswith("错误：") and ("损坏" in line or "校验不符" in line)
    assert _numbers(other) == []
    assert "不是文件" in one_chinese_error(run(other, "import", str(tmp_path)))
    assert "找不到" in one_chinese_error(run(other, "import", str(tmp_path / "没有这个.zip")))
