"""Export to a USB stick and import elsewhere: a round trip gives the same cases, a hostile or damaged
package writes nothing, an encrypted one leaks nothing, a killed export leaves nothing that looks
complete, and cases merge by UUID. Replay the kill test with RONGCUO_CRASH_SEED=<seed printed>."""
from __future__ import annotations

import hashlib
import io
import json
import random
import shutil
import signal
import subprocess
import time
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes

import core.exchange_package as pkg
import core.services.exchange as exchange
from core.errors import NotFound, UserError
from core.file_names import safe_file_name, safe_path, unique_name
from core.numbering import list_numbers, void_number
from core.services.actions import perform_action
from core.services.archive_volume import build_volume
from core.services.cadres import add_follow_up, cadre_record
from core.services.case_view import case_details
from core.services.demo import load_demo
from core.services.exchange import export_cases, export_history, import_package, last_export, verify_package
from core.services.letters import issue_to_folder
from core.services.registration import register_case
from core.services.workspace import Workspace
from models.audit import AuditRecord
from models.case import Cadre, Case
from models.documents import IssuedNumber
from models.office import Setting

from ..conftest import APPLICATION, TODAY
from ..helpers import (
    ATTACHMENT,
    ID_NUMBERS,
    NAMES,
    assert_no_personal_data,
    assert_sound,
    crash_rng,
    expect_line,
    kill_while_running,
    leftovers,
)

PASSWORD = "导出密码-2026-安全"
# Attachment names Windows would refuse, and one that names a person.
ODD_NAMES = ["CON.txt", "报告:第1版?.txt", f"谈话记录-{NAMES[0]}.txt", "结尾有点. "]


def _open(data_dir: Path, today: date = TODAY, actor: str = "测试员") -> Workspace:
    return Workspace(data_dir, actor=actor, today=lambda: today)


def _with(data_dir: Path, action: Callable[[Workspace], Any], **kw: Any) -> Any:
    ws = _open(data_dir, **kw)
    try:
        return action(ws)
    finally:
        ws.close()


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, plus attachments with awkward names, issued letters, a voided number and a follow-up."""
    data_dir = tmp_path_factory.mktemp("exchange") / "data"
    ws = _open(data_dir)
    try:
        load_demo(ws)
        scratch = data_dir.parent / "scratch"
        scratch.mkdir()
        paths = []
        for i, name in enumerate(ODD_NAMES):
            folder = scratch / str(i)
            folder.mkdir()
            try:
                (folder / name).write_bytes(ATTACHMENT + name.encode())
                paths.append(str(folder / name))
            except OSError:
                pass
        (scratch / "扫描件.bin").write_bytes(random.Random(5).randbytes(300_000))
        paths.append(str(scratch / "扫描件.bin"))
        investigating = Case.select().where(Case.status == "investigating").order_by(Case.number).first()
        perform_action(ws, investigating.number, "evidence", "2026-11-26", {"title": "谈话记录和扫描件", "files": paths})
        archived = Case.select().where(Case.status == "archived").order_by(Case.number).first()
        issue_to_folder(ws, archived.number, "determination-letter", "docx")
        issued = issue_to_folder(ws, investigating.number, "acceptance-notice", "pdf")
        void_number(ws, issued.number, "打印有误，作废重出")
        issue_to_folder(ws, investigating.number, "acceptance-notice", "pdf")
        cadre = case_details(ws, archived.number)["cadres"][0]
        add_follow_up(ws, cadre["id_number"], {"visited_on": "2026-11-20", "content": "回访：工作状态良好",
                                               "visitors": "组织部 王强", "case": archived.number})
    finally:
        ws.close()
    return data_dir


@pytest.fixture
def source(installation: Path, tmp_path: Path) -> Path:
    data_dir = tmp_path / "source"
    shutil.copytree(installation, data_dir)
    return data_dir


@pytest.fixture(scope="module")
def packages(installation: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """All cases exported once plain and once encrypted, from a copy of the installation."""
    data_dir = tmp_path_factory.mktemp("exported") / "data"
    shutil.copytree(installation, data_dir)
    usb = tmp_path_factory.mktemp("usb")
    ws = _open(data_dir)
    try:
        head = ws.audit.read_head()
        numbers_before = IssuedNumber.select().count()
        steps: list[tuple[int, int]] = []
        plain = export_cases(ws, None, None, usb / "plain", progress=lambda d, t: steps.append((d, t)))
        encrypted = export_cases(ws, None, None, usb / "sealed", PASSWORD)
        assert IssuedNumber.select().count() == numbers_before        # exporting issues no number
        exports = [json.loads(r.after) for r in AuditRecord.select().where(AuditRecord.action == "exchange_export")]
    finally:
        ws.close()
    return {"data_dir": data_dir, "plain": plain, "encrypted": encrypted, "head": head, "steps": steps,
            "exports": exports}


def strip_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_ids(v) for k, v in value.items() if k not in ("id", "evidence")}
    if isinstance(value, list):
        return [strip_ids(v) for v in value]
    return value


def describe(data_dir: Path) -> dict[str, Any]:
    def read(ws: Workspace) -> dict[str, Any]:
        cases = {c.number: strip_ids(case_details(ws, c.number)) for c in Case.select().order_by(Case.number)}
        numbers = [{k: v for k, v in n.items() if k != "id"} for n in list_numbers(ws)]
        files = {}
        for path in sorted((data_dir / "files").rglob("*")) if (data_dir / "files").exists() else []:
            if path.is_file():
                files[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        cadres = {cid: strip_ids(cadre_record(ws, cid)) for cid in ID_NUMBERS
                  if Cadre.get_or_none(Cadre.id_number == cid)}
        return {"cases": cases, "numbers": numbers, "files": files, "cadres": cadres}
    return dict(_with(data_dir, read))


def _export(data_dir: Path, target: Path, numbers: list[str] | None = None, password: str | None = None,
            **kw: Any) -> exchange.ExportResult:
    return _with(data_dir, lambda ws: export_cases(ws, numbers, kw.pop("since", None), target, password, **kw))


def _import(data_dir: Path, package: Path, password: str | None = None, **kw: Any) -> exchange.ImportResult:
    actor = kw.pop("actor", "市纪委 收件员")
    return _with(data_dir, lambda ws: import_package(ws, package, password, **kw), actor=actor)


def _members(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _first(status: str, data_dir: Path) -> str:
    return str(_with(data_dir, lambda ws: Case.select().where(Case.status == status).order_by(Case.number).first().number))


# --- file names -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "safe"), [
    ("容错免责认定书-贺纪容认〔2026〕3号.docx", "容错免责认定书-贺纪容认〔2026〕3号.docx"),
    ('a\\b/c:d*e?f"g<h>i|j.txt', "a_b_c_d_e_f_g_h_i_j.txt"),
    ("CON", "_CON"), ("con.txt", "_con.txt"), ("Com1.tar.gz", "_Com1.tar.gz"), ("LPT9", "_LPT9"),
    ("NUL .txt", "_NUL .txt"), ("CONSOLE.txt", "CONSOLE.txt"), ("COM10", "COM10"),
    ("结尾有点.", "结尾有点"), ("结尾有空格 ", "结尾有空格"), ("  前面有空格", "前面有空格"), ("...", "_"), ("", "_"),
    ("tab\there\x00.txt", "tab_here_.txt"),
])
def test_safe_file_names(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe
    assert safe_file_name(safe) == safe           # applying it again changes nothing


def test_long_names_are_shortened_before_the_extension() -> None:
    name = "很长的附件名" * 60 + ".pdf"
    safe = safe_file_name(name)
    assert safe.endswith(".pdf") and len(safe.encode("utf-16-le")) // 2 <= 120 and safe_file_name(safe) == safe
    assert len(safe_file_name("x" * 300, max_units=255)) == 255
    assert safe_path(["a:b", "CON", "c."]) == "a_b/_CON/c"
    taken: set[str] = set()
    assert [unique_name(n, taken) for n in ("a.txt", "A.TXT", "a.txt", "d/b", "d/b")] == \
        ["a.txt", "A-2.TXT", "a-3.txt", "d/b", "d/b-2"]


# --- the round trip -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["plain", "encrypted"])
def test_a_round_trip_gives_the_same_cases_rows_documents_and_files(packages: dict[str, Any], tmp_path: Path,
                                                                   kind: str) -> None:
    source: Path = packages["data_dir"]
    result: exchange.ExportResult = packages[kind]
    password = PASSWORD if kind == "encrypted" else None
    assert [p.name for p in result.path.parent.iterdir()] == [result.path.name]     # one entry: the package
    assert result.path.name.startswith("容错免责案件-贺纪-") and result.path.suffix == ".zip"
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert result.encrypted == (kind == "encrypted") and result.warnings == []
    assert list((source / "tmp" / "exchange").iterdir()) == []       # the volumes built on the way are gone

    target = tmp_path / "city"
    imported = _import(target, result.path, password)
    expected = describe(source)
    assert len(expected["cases"]) == len(result.cases) == 24
    assert sorted(c.number for c in imported.new) == sorted(result.cases)
    assert imported.updated == imported.skipped == imported.conflicts == [] and imported.warnings == []
    assert not any(c.renumbered for c in imported.new)
    assert describe(target) == expected
    assert_sound(source)
    assert_sound(target)

    def audit(ws: Workspace) -> list[AuditRecord]:
        return list(AuditRecord.select().order_by(AuditRecord.seq))
    records = _with(target, audit)
    assert [r.action for r in records] == ["exchange_import"] * 24       # one record per case, nothing else
    assert {r.case_uuid for r in records} == {c.uuid for c in imported.new}
    assert {r.actor for r in records} == {"市纪委 收件员"}
    after = json.loads(records[0].after)
    assert after["package"] == result.path.name and after["source_organ"].startswith("中共贺兰县纪律检查委员会")
    # the letters and the volume as the package brought them, kept beside the case
    number = packages["plain"].cases[-1]
    kept = list((target / "documents" / number).glob("导入的文书-*/*"))
    assert any(p.suffix == ".pdf" and p.read_bytes().startswith(b"%PDF") for p in kept)
    assert any(p.suffix == ".docx" for p in kept)
    # importing the same package again changes nothing
    again = _import(target, result.path, password)
    assert again.new == again.updated == [] and len(again.skipped) == 24
    assert all(s.reason == "与本机的案件相同" for s in again.skipped)
    assert len(_with(target, audit)) == 24


def test_the_manifest_lists_every_file_with_sha256_sm3_and_the_audit_head(packages: dict[str, Any]) -> None:
    result: exchange.ExportResult = packages["plain"]
    members = _members(result.path)
    manifest = json.loads(members.pop("manifest.json"))
    assert manifest["format"] == "rongcuo-exchange" and manifest["format_version"] == 1
    assert manifest["encrypted"] is False and manifest["office"]["code_prefix"] == "贺纪"
    head = packages["head"]
    assert (manifest["audit_head"]["seq"], manifest["audit_head"]["mac"]) == head
    assert {f["name"] for f in manifest["files"]} == set(members) and len(members) == result.files
    for entry in manifest["files"]:
        data = members[entry["name"]]
        sm3 = hashes.Hash(hashes.SM3())
        sm3.update(data)
        assert (entry["size"], entry["sha256"], entry["sm3"]) == \
            (len(data), hashlib.sha256(data).hexdigest(), sm3.finalize().hex())
    for case in manifest["cases"]:
        content = json.loads(members[case["case_file"]])
        assert content["format"] == "rongcuo-case" and content["case"]["uuid"] == case["uuid"]
        assert members[content["volume"]["member"]].startswith(b"%PDF")
        assert content["documents"] and all(members[d["member"]].startswith(b"PK") for d in content["documents"])
        assert content["lineage"]
    for name in members:                     # every name is one Windows and FAT32 take
        assert safe_path(name.split("/")) == name
    assert any(name.endswith("/附件/_CON.txt") for name in members)
    assert any(name.endswith("/附件/报告_第1版_.txt") for name in members)
    # the export was recorded
    info = verify_package(result.path)
    assert info.contents_checked and len(info.cases) == 24 and info.audit_head == head and info.files == result.files
    assert packages["exports"][0]["package"] == result.path.name and len(packages["exports"][0]["cases"]) == 24
    steps = packages["steps"]
    assert steps[-1] == (1000, 1000) and [d for d, _ in steps] == sorted(d for d, _ in steps)


def _docx_text(data: bytes) -> str:
    """Every part's XML (信函格式 puts the 发文字号 in the first page's header)."""
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        return "".join(docx.read(n).decode("utf-8") for n in docx.namelist() if n.startswith("word/") and n.endswith(".xml"))


def test_letters_carry_the_numbers_issued_and_unissued_letters_none(packages: dict[str, Any]) -> None:
    members = _members(packages["plain"].path)
    manifest = json.loads(members["manifest.json"])
    source = packages["data_dir"]
    numbers = {n["number"]: n for n in _with(source, list_numbers)}
    seen_issued = seen_unissued = 0
    for case in manifest["cases"]:
        content = json.loads(members[case["case_file"]])
        live = {(n["kind"], n["recipient"]): n["number"] for n in content["issued_numbers"] if not n["voided_at"]}
        for doc in content["documents"]:
            text = _docx_text(members[doc["member"]])
            if doc["number"]:
                seen_issued += 1
                assert doc["number"] in numbers and doc["number"] in live.values()
                assert doc["number"].split("〔")[0] in text
            elif doc["kind"] in ("acceptance-notice", "determination-letter", "suspension-notice", "rejection-notice"):
                seen_unissued += 1
                assert "〔2026〕" not in text and "〔2025〕" not in text
    assert seen_issued >= 2 and seen_unissued >= 10


# --- no plaintext on the stick --------------------------------------------------------------------

def test_an_encrypted_package_holds_no_personal_data_in_plaintext(packages: dict[str, Any]) -> None:
    result: exchange.ExportResult = packages["encrypted"]
    usb = result.path.parent
    assert assert_no_personal_data(usb) == [result.path]
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
    assert set(names) == {"manifest.json", "index.bin", *(f"data/{i:06d}.bin" for i in range(1, len(names) - 1))}
    # the plain package does hold them: the scan would have seen them
    plain = packages["plain"].path.read_bytes()
    assert NAMES[0].encode() in plain and ID_NUMBERS[0].encode() in plain
    # without the password only the outside can be checked
    outer = verify_package(result.path)
    assert outer.encrypted and not outer.contents_checked and outer.cases == []
    inner = verify_package(result.path, PASSWORD)
    assert inner.contents_checked and len(inner.cases) == 24 and inner.organ


# --- refusals -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def one_case(installation: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One case with attachments, exported plain and encrypted."""
    data_dir = tmp_path_factory.mktemp("one") / "data"
    shutil.copytree(installation, data_dir)
    number = _first("investigating", data_dir)
    usb = tmp_path_factory.mktemp("usb-one")
    plain = _export(data_dir, usb / "plain", [number]).path
    sealed = _export(data_dir, usb / "sealed", [number], PASSWORD).path
    return {"plain": plain, "sealed": sealed, "data_dir": data_dir}


def _sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _rezip(source: Path, target: Path, change: Callable[[dict[str, bytes]], None] | None = None,
           rehash: bool = True, manifest: Callable[[dict[str, Any]], None] | None = None,
           info: Callable[[str], zipfile.ZipInfo] | None = None) -> Path:
    """A copy of a package with members changed; ``rehash`` makes the manifest match them again, so
    only what the test changed decides."""
    members = _members(source)
    data = json.loads(members.pop("manifest.json"))
    if change is not None:
        change(members)
    if rehash:
        data["files"] = [{**e, "size": len(members[e["name"]]), "sha256": hashlib.sha256(members[e["name"]]).hexdigest(),
                          "sm3": _sm3(members[e["name"]])} for e in data["files"] if e["name"] in members]
    if manifest is not None:
        manifest(data)
    members["manifest.json"] = json.dumps(data, ensure_ascii=False).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(info(name) if info else name, content)
    return target


def _case_file(members: dict[str, bytes]) -> str:
    return next(n for n in members if n.endswith("/case.json"))


def _edit_case(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, bytes]], None]:
    def change(members: dict[str, bytes]) -> None:
        name = _case_file(members)
        content = json.loads(members[name])
        edit(content)
        members[name] = json.dumps(content, ensure_ascii=False).encode()
    return change


def _add(name: str, data: bytes = b"evil") -> Callable[[dict[str, bytes]], None]:
    return lambda members: members.__setitem__(name, data)


def _bomb(members: dict[str, bytes]) -> None:
    members["2026-0000/附件/bomb.bin"] = b"\0" * (4 << 20)


HOSTILE: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "tampered member": (lambda s, t: _rezip(s, t, _edit_case(lambda c: c["case"].update(statement="改过")),
                                            rehash=False), "校验不符"),
    "extra member": (lambda s, t: _rezip(s, t, _add("2026-0000/多出来的.txt"), rehash=False), "多出了清单中没有的"),
    "missing member": (lambda s, t: _rezip(s, t, lambda m: m.pop(next(n for n in m if "/附件/" in n))), "缺少"),
    "zip slip": (lambda s, t: _rezip(s, t, _add("../../逃逸.txt")), "不安全"),
    "zip slip inside": (lambda s, t: _rezip(s, t, _add("2026-0001/../../逃逸.txt")), "不安全"),
    "absolute path": (lambda s, t: _rezip(s, t, _add("/tmp/逃逸.txt")), "不安全"),
    "drive letter": (lambda s, t: _rezip(s, t, _add("C:/Windows/逃逸.txt")), "不安全"),
    "drive letter backslash": (lambda s, t: _rezip(s, t, _add("C:\\Windows\\逃逸.txt")), "不安全"),
    "backslash": (lambda s, t: _rezip(s, t, _add("..\\逃逸.txt")), "不安全"),
    "zip bomb": (lambda s, t: _rezip(s, t, _bomb), "压缩比异常"),
    "newer format": (lambda s, t: _rezip(s, t, manifest=lambda m: m.update(format_version=2)), "更新版本"),
    "newer case format": (lambda s, t: _rezip(s, t, _edit_case(lambda c: c.update(format_version=9))), "更新版本"),
    "other format": (lambda s, t: _rezip(s, t, manifest=lambda m: m.update(format="other")), "不是本程序的导出包"),
    "malformed case": (lambda s, t: _rezip(s, t, _edit_case(lambda c: c["case"].update(received_on=20260310))),
                       "格式有误"),
    "case without files": (lambda s, t: _rezip(s, t, _edit_case(lambda c: c.update(attachments=[]))), "附件不全"),
    "not a zip": (lambda s, t: (t.write_bytes(b"PK\x03\x04 not really a zip" * 10), t)[1], "不是导出包"),
    "truncated": (lambda s, t: (t.write_bytes(s.read_bytes()[:-300]), t)[1], "不是导出包"),
}


def _flip_inside(source: Path, target: Path) -> Path:
    """One byte changed inside a stored member's data (the ZIP's own CRC catches it)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith(".bin") or "/附件/" in i.filename)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 10
    data[start] ^= 0x55
    target.write_bytes(bytes(data))
    return target


def _nothing_written(data_dir: Path) -> None:
    def state(ws: Workspace) -> tuple[int, int]:
        return Case.select().count(), AuditRecord.select().count()
    assert _with(data_dir, state) == (0, 0)
    assert not (data_dir / "files").exists() or list((data_dir / "files").rglob("*")) == []
    assert not (data_dir / "documents").exists()


@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_a_hostile_or_damaged_package_is_refused_and_nothing_is_written(one_case: dict[str, Path], tmp_path: Path,
                                                                        hostile: str) -> None:
    build, message = HOSTILE[hostile]
    package = build(one_case["plain"], tmp_path / "坏的导出包.zip")
    with pytest.raises(UserError, match=message) as refused:
        verify_package(package)
    assert "Traceback" not in refused.value.message
    target = tmp_path / "city"
    with pytest.raises(UserError, match=message):
        _import(target, package)
    _nothing_written(target)
    assert not (tmp_path / "逃逸.txt").exists() and not Path("/tmp/逃逸.txt").exists()


def test_a_flipped_byte_is_refused(one_case: dict[str, Path], tmp_path: Path) -> None:
    for kind in ("plain", "sealed"):
        package = _flip_inside(one_case[kind], tmp_path / f"{kind}.zip")
        with pytest.raises(UserError, match=r"损坏|校验不符"):
            _import(tmp_path / kind, package, PASSWORD if kind == "sealed" else None)
        _nothing_written(tmp_path / kind)


def test_an_import_failing_midway_writes_nothing(one_case: dict[str, Path], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything in one transaction: a failure rolls it back, and the files it stored are removed."""
    def broken(*args: Any) -> None:
        raise RuntimeError("disk pulled")
    monkeypatch.setattr(exchange, "write_rows", broken)
    with pytest.raises(RuntimeError):
        _import(tmp_path / "city", one_case["plain"])
    _nothing_written(tmp_path / "city")


def test_an_oversized_member_is_refused(one_case: dict[str, Path], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pkg, "MAX_MEMBER", 100_000)        # the scanned attachment is 300 000 bytes
    with pytest.raises(UserError, match="过大"):
        _import(tmp_path / "city", one_case["plain"])
    _nothing_written(tmp_path / "city")
    monkeypatch.setattr(pkg, "MAX_MEMBER", 2 ** 32 - 1)
    monkeypatch.setattr(pkg, "MAX_TOTAL", 100_000)
    with pytest.raises(UserError, match="总大小"):
        _import(tmp_path / "city", one_case["plain"])
    _nothing_written(tmp_path / "city")


def test_a_wrong_or_missing_password_is_refused(one_case: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "city"
    with pytest.raises(UserError, match="密码不正确"):
        _import(target, one_case["sealed"], "别的密码-12345678")
    _nothing_written(target)
    with pytest.raises(UserError, match="已加密"):
        _import(target, one_case["sealed"])
    _nothing_written(target)
    with pytest.raises(UserError, match="密码不正确"):
        verify_package(one_case["sealed"], "别的密码-12345678")


def test_a_sealed_member_swapped_for_another_is_refused(one_case: dict[str, Path], tmp_path: Path) -> None:
    """The outer manifest matches (rehashed), but the sealed contents no longer do."""
    def swap(members: dict[str, bytes]) -> None:
        members["data/000001.bin"], members["data/000002.bin"] = members["data/000002.bin"], members["data/000001.bin"]
    package = _rezip(one_case["sealed"], tmp_path / "swapped.zip", swap)
    verify_package(package)                   # the outside is consistent …
    with pytest.raises(UserError, match=r"校验不符|密码不正确"):
        _import(tmp_path / "city", package, PASSWORD)        # … the inside is not
    _nothing_written(tmp_path / "city")


def test_names_written_in_gbk_without_the_utf8_flag_are_read(one_case: dict[str, Path], tmp_path: Path) -> None:
    """As a Chinese Windows ZIP tool writes them (the package unpacked and packed again there)."""
    class GbkInfo(zipfile.ZipInfo):
        def _encodeFilenameFlags(self) -> tuple[bytes, int]:
            return self.filename.encode("gbk"), self.flag_bits & ~0x800

    package = _rezip(one_case["plain"], tmp_path / "gbk.zip", rehash=False,
                     info=lambda name: GbkInfo(name, date_time=(2026, 11, 27, 10, 0, 0)))
    with zipfile.ZipFile(package) as archive:
        assert all(not (i.flag_bits & 0x800) for i in archive.infolist())
        assert not any("附件" in i.filename for i in archive.infolist())      # Python alone reads cp437
        assert any("附件" in i.orig_filename.encode("cp437").decode("gbk") for i in archive.infolist())
    info = verify_package(package)
    assert len(info.cases) == 1
    result = _import(tmp_path / "city", package)
    assert len(result.new) == 1
    assert_sound(tmp_path / "city")


# --- writing to the stick -------------------------------------------------------------------------

def test_export_refusals_leave_nothing(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    usb = tmp_path / "usb"
    number = _first("archived", source)
    with pytest.raises(NotFound, match="没有找到"):
        _export(source, usb, [number, "2026-9999"])
    with pytest.raises(UserError, match="只选择一种"):
        _export(source, usb, [number], since=TODAY)
    with pytest.raises(UserError, match="至少"):
        _export(source, usb, [number], "short")
    with pytest.raises(UserError, match="数据文件夹之内"):
        _export(source, source / "documents" / "导出")
    with pytest.raises(UserError, match="以来没有"):
        _export(source, usb, since=TODAY + timedelta(days=1))
    monkeypatch.setattr(exchange, "MAX_PACKAGE", 200_000)
    with pytest.raises(UserError, match="4 GB"):
        _export(source, usb, [number])
    assert list(usb.iterdir()) == []
    assert list((source / "tmp" / "exchange").iterdir()) == []
    assert _with(source, lambda ws: AuditRecord.select().where(AuditRecord.action == "exchange_export").count()) == 0


@pytest.mark.parametrize("password", [None, PASSWORD], ids=["plain", "encrypted"])
def test_zip64_members_are_written_and_read(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            password: str | None) -> None:
    """Members from 1 GiB on get ZIP64 headers; here every member does, to see the reader take them."""
    monkeypatch.setattr(pkg, "ZIP64_FROM", 0)
    result = _export(source, tmp_path / "usb", [_first("investigating", source)], password)
    with zipfile.ZipFile(result.path) as archive:
        assert all(i.extract_version >= 45 for i in archive.infolist() if i.filename not in ("manifest.json", "index.bin"))
    assert len(_import(tmp_path / "city", result.path, password).new) == 1
    assert_sound(tmp_path / "city")


def test_an_attachment_changed_or_missing_in_the_store_is_not_exported(source: Path, tmp_path: Path) -> None:
    number = _first("investigating", source)
    store = sorted(p for p in (source / "files").rglob("*") if p.is_file())
    data = bytearray(store[0].read_bytes())
    data[0] ^= 0x01
    store[0].write_bytes(bytes(data))
    with pytest.raises(UserError, match="已被改动"):
        _export(source, tmp_path / "usb", [number])
    store[0].unlink()
    with pytest.raises(UserError, match="缺失"):
        _export(source, tmp_path / "usb", [number])
    assert list((tmp_path / "usb").iterdir()) == []


def test_since_chooses_the_cases_changed_and_the_last_export_is_recorded(source: Path, tmp_path: Path) -> None:
    assert _with(source, last_export) is None
    first = _export(source, tmp_path / "usb1", since=TODAY)     # everything was made today
    assert len(first.cases) == 24
    record = _with(source, last_export)
    assert record is not None and record.package == first.path.name and record.cases == first.cases
    assert record.at == first.created_at and not record.encrypted
    number = _first("investigating", source)
    _with(source, lambda ws: perform_action(ws, number, "note", TODAY.isoformat(), {"text": "补充谈话"}))
    assert number in [c.number for c in _with(source, lambda ws: exchange.changed_since(TODAY))]
    second = _export(source, tmp_path / "usb2", [number])
    assert second.cases == [number]
    assert [r.package for r in _with(source, export_history)] == [first.path.name, second.path.name]


def test_leftovers_of_an_interrupted_export_are_removed_but_a_running_one_is_left_alone(source: Path,
                                                                                        tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    with leftovers(usb, "容错免责案件-贺纪", ".zip.partial", source / "tmp" / "exchange", "导出包") as left:
        result = _export(source, usb, [_first("archived", source)])
        left.assert_cleaned(result.warnings)
        left.abandoned.write_bytes(b"half again")
        info = verify_package(result.path)
        assert info.cleaned == [left.abandoned.name] and not left.abandoned.exists() and left.running.path.exists()


WRITER = r"""
import sys
from datetime import date
from pathlib import Path

from core.services.exchange import export_cases
from core.services.workspace import Workspace

ws = Workspace(Path(sys.argv[1]), actor="导出测试", today=lambda: date(2026, 11, 27))
numbers = sys.argv[4].split(",")


def progress(done, total):
    if done >= 500 and not said:        # the package is being written on the stick from here on
        said.append(True)
        print("WRITING", flush=True)


print("READY", flush=True)
while True:
    said = []
    export_cases(ws, numbers, None, Path(sys.argv[2]), sys.argv[3] or None, progress)
    print("DONE", flush=True)
"""


def _writing(proc: subprocess.Popen[str], where: str) -> None:
    expect_line(proc, "WRITING", where)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_a_killed_export_leaves_nothing_that_looks_complete(source: Path, tmp_path: Path) -> None:
    seed, rng = crash_rng("export kill")
    usb = tmp_path / "usb"
    numbers = [_first(s, source) for s in ("investigating", "archived", "determined")]
    big = tmp_path / "录像.bin"        # so that writing the package takes a good part of the time
    big.write_bytes(random.Random(seed).randbytes(24 << 20))
    _with(source, lambda ws: perform_action(ws, numbers[0], "evidence", TODAY.isoformat(),
                                            {"title": "现场录像", "files": [str(big)]}))
    marks: dict[str, float] = {}

    def clock(done: int, total: int) -> None:
        marks.setdefault("writing" if done >= 500 else "start", time.monotonic())
    # how long one export takes here, and its writing, to spread the kills over them
    first = _export(source, usb, numbers, PASSWORD, progress=clock)
    duration = max(first.seconds, 0.05)
    writing = max(time.monotonic() - marks["writing"], 0.02)
    left_partial = 0
    for round_no in range(1, 9):
        where = f"seed={seed} round={round_no}"
        password = PASSWORD if round_no % 2 else ""
        anywhere = round_no % 4 in (1, 2)    # anywhere in an export; else while the package is on its way to the stick
        kill_while_running(WRITER, [str(source), str(usb), password, ",".join(numbers)], where, timeout=60,
                           delay=rng.random() * (duration * 1.5 if anywhere else writing * 1.2),
                           then=None if anywhere else _writing)
        partials = list(usb.glob("*.partial"))
        assert len(partials) <= 1, where            # the round's own export cleaned the one before
        left_partial += len(partials)
        for path in usb.glob("*.zip"):               # whatever carries the final name is whole
            sealed = json.loads(_members(path)["manifest.json"])["encrypted"]
            with pkg.read_package(path, PASSWORD if sealed else None) as opened:   # (verify would clean up)
                assert len(opened.manifest["cases"]) == 3, where
        assert_sound(source)
    print(f"rounds that left a partial package: {left_partial}; complete: {len(list(usb.glob('*.zip')))}")
    leftover = [p.name for p in usb.glob("*.partial")]
    result = _export(source, usb, numbers)
    assert list(usb.glob("*.partial")) == [], f"seed={seed}"
    assert list((source / "tmp" / "exchange").iterdir()) == [], f"seed={seed}"
    assert [w for w in result.warnings if "已清理" in w] == [f"已清理上次中断的导出留下的文件：{n}" for n in leftover]
    assert sorted(p.suffix for p in usb.iterdir()) == [".zip"] * len(list(usb.iterdir()))
    assert_sound(source)


# --- merging --------------------------------------------------------------------------------------

def _note(data_dir: Path, number: str, text: str, **kw: Any) -> None:
    _with(data_dir, lambda ws: perform_action(ws, number, "note", TODAY.isoformat(), {"text": text}), **kw)


def _import_count(data_dir: Path) -> int:
    return int(_with(data_dir, lambda ws: AuditRecord.select().where(AuditRecord.action == "exchange_import").count()))


def test_an_updated_case_is_updated_a_stale_one_skipped(source: Path, tmp_path: Path) -> None:
    number = _first("investigating", source)
    city = tmp_path / "city"
    v1 = _export(source, tmp_path / "usb1", [number]).path
    assert [c.number for c in _import(city, v1).new] == [number]
    _note(source, number, "第二次谈话：补充说明容缺受理经过")
    perform = _with(source, lambda ws: perform_action(ws, number, "report", TODAY.isoformat(), {
        "findings": "经核实，属实。", "proposal": "exempted", "situation_analysis": {"4": "符合"}}))
    assert perform.status == "reported"
    v2 = _export(source, tmp_path / "usb2", [number]).path
    result = _import(city, v2)
    assert [c.number for c in result.updated] == [number] and result.new == result.conflicts == []
    assert describe(city)["cases"][number] == describe(source)["cases"][number]
    stale = _import(city, v1)                     # the first package again: older than what is here
    assert stale.updated == [] and [s.reason for s in stale.skipped] == ["本机的版本更新（导出包是较早的版本）"]
    assert describe(city)["cases"][number]["status"] == "reported"
    assert _import_count(city) == 2
    # the city goes on with the case; the county's next package (the same as before) is stale there
    _with(city, lambda ws: perform_action(ws, number, "determine", TODAY.isoformat(), {
        "outcome": "exempted", "reasoning": "经市纪委复核，予以免责。", "approver": "市纪委书记"}), actor="市纪委 审核员")
    back = _export(city, tmp_path / "usb3", [number]).path
    home = _import(source, back)                  # and the city's version continues the county's
    assert [c.number for c in home.updated] == [number]
    assert describe(source)["cases"][number] == describe(city)["cases"][number]
    assert_sound(source)
    assert_sound(city)


def test_a_conflict_is_reported_and_nothing_is_overwritten_unless_asked(source: Path, tmp_path: Path) -> None:
    number = _first("investigating", source)
    city = tmp_path / "city"
    _import(city, _export(source, tmp_path / "usb1", [number]).path)
    _note(source, number, "县纪委补充谈话")
    _note(city, number, "市纪委另行谈话", actor="市纪委 审核员")
    package = _export(source, tmp_path / "usb2", [number]).path
    before = describe(city)
    result = _import(city, package)
    assert result.new == result.updated == [] and len(result.conflicts) == 1
    conflict = result.conflicts[0]
    assert conflict.number == number and conflict.local_number == number and "都修改过" in conflict.reasons[0]
    assert describe(city) == before and _import_count(city) == 1
    replaced = _import(city, package, replace_conflicting=True)
    assert [c.number for c in replaced.replaced] == [number]
    notes = [n["text"] for n in describe(city)["cases"][number]["notes"]]
    assert "县纪委补充谈话" in notes and "市纪委另行谈话" not in notes

    def last_import(ws: Workspace) -> AuditRecord:
        return AuditRecord.select().where(AuditRecord.action == "exchange_import").order_by(AuditRecord.seq.desc()).get()
    record = _with(city, last_import)
    assert json.loads(record.after)["result"] == "replaced"
    assert "市纪委另行谈话" in record.before                        # what was replaced stays in the trail
    assert_sound(city)


def test_a_number_taken_by_another_case_gets_the_next_number_here(source: Path, tmp_path: Path) -> None:
    number = _first("archived", source)
    city = tmp_path / "city"
    application = json.loads(json.dumps(APPLICATION))
    application["received_on"] = f"{number[:4]}-03-10"
    application["accountability"]["started_on"] = f"{number[:4]}-03-02"
    own = []
    for _ in range(int(number[5:])):               # the city's own cases take the same numbers
        own.append(_with(city, lambda ws: register_case(ws, application).number))
    assert number in own
    result = _import(city, _export(source, tmp_path / "usb", [number]).path)
    (imported,) = result.new
    year = int(number[:4])
    assert imported.renumbered and imported.source_number == number and imported.number == f"{year}-{len(own) + 1:04d}"
    origins = _with(city, lambda ws: Setting.get(Setting.key == "exchange.origins").value)
    assert origins[imported.uuid]["source_number"] == number and origins[imported.uuid]["source_code_prefix"] == "贺纪"
    nxt = _with(city, lambda ws: register_case(ws, application).number)
    assert nxt == f"{year}-{len(own) + 2:04d}"            # the city's own numbering goes on
    # the same person registered here already: linked to the one cadre, not a second
    cadres = describe(city)["cases"][imported.number]["cadres"]
    assert _with(city, lambda ws: Cadre.select().where(Cadre.id_number == cadres[0]["id_number"]).count()) == 1
    assert_sound(city)


def test_a_cadre_known_here_under_another_name_is_a_conflict(source: Path, tmp_path: Path) -> None:
    number = _first("archived", source)
    cadre = _with(source, lambda ws: case_details(ws, number)["cadres"][0])
    city = tmp_path / "city"
    application = json.loads(json.dumps(APPLICATION))
    application["cadres"][0] |= {"id_number": cadre["id_number"], "gender": cadre["gender"], "name": "另一个名字"}
    _with(city, lambda ws: register_case(ws, application))
    result = _import(city, _export(source, tmp_path / "usb", [number]).path)
    assert result.new == [] and len(result.conflicts) == 1 and "另一个名字" in result.conflicts[0].reasons[0]
    assert result.conflicts[0].local_number is None
    assert _with(city, lambda ws: Case.select().count()) == 1 and _import_count(city) == 0


def test_an_export_fills_in_each_letter_once_for_the_volume_and_the_docx(
        installation: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import documents.templates as templates

    number = _first("archived", installation)
    built: list[str] = []
    real = templates.build_kind
    monkeypatch.setattr(templates, "build_kind", lambda kind, *a, **kw: built.append(kind) or real(kind, *a, **kw))
    volume = _with(installation, lambda ws: build_volume(ws, number, tmp_path / "v.pdf"))
    alone = sorted(built)
    built.clear()
    result = _export(installation, tmp_path / "usb", [number])
    members = _members(result.path)
    case_file = next(name for name in members if name.endswith("/case.json"))
    documents = json.loads(members[case_file])["documents"]
    assert volume.pages > 0 and len(documents) >= 5 and {d["kind"] for d in documents} <= set(alone)
    assert sorted(built) == alone            # not once for the volume and again for the DOCX files
    # each kept document went to its own letter: the determination letter names the case's cadre
    cadre = _with(installation, lambda ws: case_details(ws, number))["cadres"][0]["name"]
    letter = next(d for d in documents if d["kind"] == "determination-letter")
    assert cadre in _docx_text(members[letter["member"]]) and "认定" in _docx_text(members[letter["member"]])
