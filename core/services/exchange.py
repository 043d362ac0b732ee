"""Export to a USB stick, and import on another installation (e.g. the city office).

An export writes ONE package, ``容错免责案件-<机关代字>-YYYYMMDD-HHMMSS.zip``, into the folder the
officer picks. For each case it holds the archive volume (PDF, ``archive_volume.build_volume``), the
DOCX originals of its letters, the attached files, and the machine-readable case file
(``case.json``, ``core.services.exchange_case``); ``manifest.json`` lists every file with its
SHA-256 and SM3 and the head of this installation's audit chain. With a password the package holds
only sealed members under opaque names (``core.exchange_package``). The format is documented in
docs/exchange-format.md.

The DOCX letters are rendered as the case's letters were issued, and nothing is issued: a letter
with a live 发文字号 carries that number and its date; a numbered kind never issued here is rendered
without a number, dated by its decision (as in the archive volume).

Writing is for FAT32 and exFAT sticks: the package is written as ``….zip.partial`` (locked while
written), fsynced, read back in full (every member decrypted and hashed against what was written),
and only then renamed: a file named ``….zip`` is complete. A package over 4 GiB (FAT32's limit) is
refused before anything is written. Partial packages left by an interrupted export are removed by
the next export or ``verify`` into that folder.

Each export is recorded (Setting ``exchange.exports``, the newest last, and one audit record), so
"the cases changed since the last export" can be chosen.

An import checks the whole package first (``read_package``: names, sizes, version, SHA-256 and SM3,
password) and reads every case file before anything touches the database. Cases merge by UUID:

- new here → inserted with all its rows; its attached files are stored; its letters and volume are
  kept under ``documents/<number>/导入的文书-<time>/``;
- the same content → skipped;
- the package continues what is here (its lineage extends ours) → updated;
- what is here continues the package (a stale package) → skipped;
- both sides changed it differently → a conflict: reported and skipped, unless
  ``replace_conflicting`` (then the package's version replaces ours, which the audit record keeps).

A case keeps its number when that number is free here; when a different case already has it, the
case gets the next number of its year here, and its source number is kept (in the import's audit
record and in Setting ``exchange.origins``). Everything is written in one transaction, with one
audit record per case imported.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import peewee

from core.errors import NotFound, UserError
from core.exchange_package import (
    MAX_PACKAGE,
    PARTIAL,
    PREFIX,
    SUFFIX,
    Digests,
    Member,
    OpenedPackage,
    PackageRefused,
    PackageWriter,
    clean_leftovers,
    estimated_size,
    read_package,
)
from core.file_names import safe_file_name, unique_name
from core.sealing import check_password, derive_key
from core.services.actions import find_case, stored_file_path
from core.services.exchange_case import (
    EXPORT_ACTION,
    IMPORT_ACTION,
    CaseFileError,
    IncomingCase,
    cadre_problems,
    case_content,
    content_digest,
    next_case_seq,
    number_is_free,
    number_problems,
    policy_problem,
    read_case,
    write_rows,
)
from core.services.workspace import Workspace
from core.stick_files import LockedFile, LockedFolder, fsync_folder, target_folder
from core.version import VERSION
from models.audit import AuditRecord
from models.case import Case
from models.migrations import LATEST_VERSION
from models.office import Setting
from models.procedure import Evidence, EvidenceFile

Progress = Callable[[int, int], None]

CASE_FILE = "case.json"
LETTERS_DIR = "文书"
FILES_DIR = "附件"
SCRATCH = Path("tmp") / "exchange"       # under the data folder: volumes being built (never on the stick)
IMPORTED_DIR = "导入的文书"              # documents/<number>/导入的文书-<time>/
EXPORTS_KEY = "exchange.exports"         # Setting: the last exports, newest last
ORIGINS_KEY = "exchange.origins"         # Setting: case uuid → where an imported case came from
MAX_HISTORY = 200
PER_RECORD = {"interview-record": ("notes", "held_on"), "expert-opinion": ("assessments", "held_on"),
              "extension-approval": ("extensions", "approved_on")}
STEPS = 1000                              # progress is reported in thousandths

if TYPE_CHECKING:
    from core.services.letters import LetterBuilds


# --- results --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportResult:
    path: Path
    size: int
    sha256: str                 # of the package file
    encrypted: bool
    cases: list[str]            # the case numbers exported
    files: int                  # files in the package (the manifest not counted)
    created_at: datetime
    seconds: float
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExportRecord:
    at: datetime
    package: str
    cases: list[str]
    encrypted: bool
    target: str


@dataclass(frozen=True)
class PackageCase:
    number: str
    uuid: str
    status: str


@dataclass(frozen=True)
class PackageInfo:
    path: Path
    encrypted: bool
    contents_checked: bool      # False: encrypted and no password given, only the outside was checked
    created_at: datetime | None
    format_version: int
    organ: str
    code_prefix: str
    program_version: str
    audit_head: tuple[int, str] | None
    cases: list[PackageCase]
    files: int
    content_bytes: int
    size: int
    sha256: str
    cleaned: list[str] = field(default_factory=list)    # partial packages removed beside it


@dataclass(frozen=True)
class ImportedCase:
    number: str                 # the number here
    source_number: str          # the number in the package
    uuid: str
    renumbered: bool = False


@dataclass(frozen=True)
class SkippedCase:
    number: str
    uuid: str
    reason: str


@dataclass(frozen=True)
class ConflictCase:
    number: str                 # in the package
    local_number: str | None    # of the same case here (None: a new case that cannot be taken in)
    uuid: str
    reasons: list[str]


@dataclass
class ImportResult:
    info: PackageInfo
    new: list[ImportedCase] = field(default_factory=list)
    updated: list[ImportedCase] = field(default_factory=list)
    replaced: list[ImportedCase] = field(default_factory=list)   # conflicts replaced on request
    skipped: list[SkippedCase] = field(default_factory=list)
    conflicts: list[ConflictCase] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _Meter:
    """``progress(done, STEPS)`` over phases, each a share of the whole."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress, self.start, self.share, self.last = progress, 0.0, 0.0, -1

    def phase(self, start: float, share: float) -> None:
        self.start, self.share = start, share
        self.fraction(0.0)

    def fraction(self, value: float) -> None:
        done = int(STEPS * (self.start + self.share * max(0.0, min(1.0, value))))
        if self.progress is not None and done > self.last:
            self.last = done
            self.progress(done, STEPS)

    def of(self, done: int, total: int) -> None:
        self.fraction(done / total if total else 1.0)

    def finish(self) -> None:
        self.phase(1.0, 0.0)


# --- export ---------------------------------------------------------------------------------------

@dataclass
class _Letter:
    kind: str
    label: str
    number: str
    issued_on: date
    recipient: str
    path: Path          # in the scratch folder: a thousand cases' letters are too many to hold in memory


@dataclass
class _Prepared:
    case: Case
    content: dict[str, Any]
    volume: Path
    volume_pages: int
    volume_number: str
    letters: list[_Letter]
    attachments: list[tuple[str, str, Path]]     # (sha256, original name, stored file)


def export_cases(ws: Workspace, numbers: list[str] | None, since: date | None, target_dir: Path,
                 password: str | None = None, progress: Progress | None = None) -> ExportResult:
    """Export the cases ``numbers``, or those changed on or after ``since``, or (both None) all, as
    one package in ``target_dir``; with ``password``, encrypted. Refusals are ``UserError`` and leave
    nothing in ``target_dir``."""
    started = time.monotonic()
    if numbers is not None and since is not None:
        raise UserError("请只选择一种导出范围：案件编号、全部案件，或某日以来有变动的案件")
    if password is not None:
        check_password(password)
    target = _target_folder(ws, Path(target_dir))
    warnings = [f"已清理上次中断的导出留下的文件：{name}" for name in clean_leftovers(target)]
    created_at = datetime.combine(ws.today(), datetime.now().time().replace(microsecond=0))
    meter = _Meter(progress)
    scratch = LockedFolder.create(ws.data_dir / SCRATCH, mode=0o700)
    partial: LockedFile | None = None
    writer: PackageWriter | None = None
    try:
        meter.phase(0.0, 0.5)
        with ws.adapter.db.atomic():       # one consistent reading of every case
            cases = _chosen(numbers, since)
            head = _audit_head()
            prepared = []
            for i, case in enumerate(cases):
                prepared.append(_prepare(ws, case, scratch.path, i))
                meter.of(i + 1, len(cases))
        members, manifest = _assemble(ws, prepared, created_at, head)
        sealing = derive_key(password) if password is not None else None
        _check_room(target, members, sealing is not None)
        name = _free_name(target, ws.office().code_prefix or ws.office().organ_name, created_at)
        partial = LockedFile.create(target / (name + PARTIAL), "导出包")
        writer = PackageWriter(partial.handle, sealing, created_at)
        total = sum(m.size() for m in members) or 1
        written = [0]

        def wrote(n: int) -> None:
            written[0] += n
            meter.of(written[0], total)

        meter.phase(0.5, 0.3)
        for member in members:
            writer.add(member, wrote)
        writer.finish(manifest)
        partial.sync()
        size = os.fstat(partial.handle.fileno()).st_size
        if size > MAX_PACKAGE:
            raise UserError(_too_big(size))
        # Read back what is on the stick: every member decrypted and hashed against what was written.
        meter.phase(0.8, 0.2)
        with read_package(partial.path, password, on_read=meter.of) as opened:
            expected = {e["name"]: (e["size"], e["sha256"], e["sm3"]) for e in writer.inner}
            found = {n: (e["size"], e["sha256"], e["sm3"]) for n, e in opened.files.items()}
            if found != expected:
                raise UserError("导出包写入后读回的内容与写入的不一致，U 盘可能有问题，请换一个 U 盘再试")
            package_sha = opened.sha256
        final = target / name
        partial.finish(final)
        partial = None
    except OSError as exc:
        raise UserError(_write_error(target, exc)) from None
    finally:
        if partial is not None:
            if writer is not None:
                writer.abandon()
            partial.discard()
        scratch.discard()
    meter.finish()
    numbers_out = [p.case.number for p in prepared]
    result = ExportResult(final, size, package_sha, sealing is not None, numbers_out, len(members), created_at,
                          round(time.monotonic() - started, 3), warnings)
    _record_export(ws, result, target, [p.case.uuid for p in prepared], since)
    return result


def _target_folder(ws: Workspace, target: Path) -> Path:
    return target_folder(target.expanduser().absolute(), ws.data_dir.expanduser().absolute(), "导出包")


def changed_since(since: date) -> list[Case]:
    """Cases registered, changed, or with any audited change about them (letters issued, follow-ups,
    imports) on or after ``since``, oldest number first."""
    stamp = since.isoformat()
    touched = (AuditRecord.select(AuditRecord.case_uuid)
               .where(AuditRecord.case_uuid.is_null(False) & (AuditRecord.at >= stamp)
                      & (AuditRecord.action != EXPORT_ACTION)))
    start = datetime.combine(since, datetime.min.time())
    return list(Case.select().where(Case.uuid.in_(touched) | (Case.updated_at >= start) | (Case.created_at >= start))
                .order_by(Case.year, Case.seq))


def _chosen(numbers: list[str] | None, since: date | None) -> list[Case]:
    if numbers is not None:
        chosen: dict[int, Case] = {}
        for number in numbers:
            if not number.strip():
                continue
            try:
                case = find_case(number.strip())
            except NotFound:
                raise NotFound(f"没有找到编号为 {number.strip()} 的案件，未导出任何案件") from None
            chosen.setdefault(case.id, case)
        if not chosen:
            raise UserError("请给出要导出的案件编号")
        return list(chosen.values())
    if since is not None:
        cases = changed_since(since)
        if not cases:
            raise UserError(f"{since.isoformat()} 以来没有新登记或有变动的案件，无需导出")
        return cases
    cases = list(Case.select().order_by(Case.year, Case.seq))
    if not cases:
        raise UserError("还没有任何案件，无可导出")
    return cases


def _audit_head() -> dict[str, Any] | None:
    last = AuditRecord.select(AuditRecord.seq, AuditRecord.mac).order_by(AuditRecord.seq.desc()).first()
    return {"seq": last.seq, "mac": last.mac} if last is not None else None


def _prepare(ws: Workspace, case: Case, scratch: Path, index: int) -> _Prepared:
    from core.services.archive_volume import build_volume
    from core.services.case_view import case_details
    from core.services.letters import LetterBuilds

    details = case_details(ws, case.number)
    builds = LetterBuilds(ws)           # each letter filled in once, for the volume and the DOCX
    volume = build_volume(ws, case.number, scratch / f"{index:05d}.pdf", details=details, builds=builds)
    attachments: dict[str, tuple[str, str, Path]] = {}
    rows = (EvidenceFile.select(EvidenceFile.sha256, EvidenceFile.original_name, EvidenceFile.size)
            .join(Evidence).where(Evidence.case == case).order_by(EvidenceFile.id))
    for row in rows:
        path = stored_file_path(ws.files_dir, row.sha256)
        if not path.is_file() or path.stat().st_size != row.size:
            raise UserError(f"案件 {case.number} 的附件“{row.original_name}”的文件缺失或不完整，不能导出；"
                            "请先运行 check 检查")
        attachments.setdefault(row.sha256, (row.sha256, row.original_name, path))
    return _Prepared(case, case_content(case), volume.path, volume.pages, volume.volume_number,
                     _letters(ws, details, builds, scratch / f"{index:05d}"), list(attachments.values()))


def _letters(ws: Workspace, details: dict[str, Any], builds: LetterBuilds, scratch: Path) -> list[_Letter]:
    """The DOCX of every letter the case is ready for, as issued (see the module docstring), each
    written to ``scratch``-N.docx."""
    from core.numbering import numbers_for_case
    from core.services.letters import RECIPIENT_LABELS, RECIPIENTS, decision_date, letter_docx, with_form_data
    from core.services.office import determination_letters, office_profile
    from documents.context import letter_context
    from documents.kinds import KINDS
    from documents.templates import template_kinds

    policy = ws.policy(details["policy"])
    office = office_profile(ws)
    separate = determination_letters(ws) == 2
    form = with_form_data(ws, details, policy)
    live = {(row.kind, row.recipient): row for row in numbers_for_case(ws, details["uuid"]) if row.voided_at is None}
    with_template = set(template_kinds())
    letters: list[_Letter] = []

    def one(kind: str, *, recipient: str = "organ", keys: tuple[str, ...] = ("",),
            data: dict[str, Any] | None = None, on: date | None = None, suffix: str = "") -> None:
        spec = KINDS[kind]
        data = data if data is not None else form
        issued = next((live[(kind, k)] for k in keys if (kind, k) in live), None) if spec.number_code else None
        number = issued.number if issued is not None else ""
        issued_on = issued.issued_on if issued is not None else on or decision_date(kind, data, ws.today())
        context = letter_context(data, office, policy, number=number, issued_on=issued_on, recipient=recipient,
                                 separate_letters=separate)
        path = scratch.with_name(f"{scratch.name}-{len(letters):02d}.docx")
        path.write_bytes(letter_docx(ws, kind, context, builds))
        letters.append(_Letter(kind, spec.label + suffix, number, issued_on, recipient, path))

    for kind, spec in KINDS.items():
        if spec.per_cadre or kind not in with_template or spec.not_ready(details) is not None:
            continue
        if kind == "determination-letter":
            if separate:
                one(kind, recipient="organ", keys=("organ", ""), suffix="（主送问责实施机关）")
                one(kind, recipient="applicant", keys=("applicant",), suffix="（主送申请人）")
            else:
                one(kind, keys=("", "organ"))
        elif kind == "delivery-receipt":
            since = details["determinations"][-1]["determined_on"]
            for recipient in RECIPIENTS:
                done = [d["delivered_on"] for d in details["deliveries"]
                        if d["recipient"] == recipient and d["delivered_on"] >= since]
                one(kind, recipient=recipient, on=date.fromisoformat(done[-1] if done else since),
                    suffix=f"（{RECIPIENT_LABELS[recipient]}）")
        elif kind in PER_RECORD:
            key, date_field = PER_RECORD[kind]
            rows = form[key]
            for k, row in enumerate(rows):
                one(kind, data=form | {key: rows[:k + 1]}, on=date.fromisoformat(row[date_field]),
                    suffix=f"（{k + 1}）" if len(rows) > 1 else "")
        elif kind == "application-form":
            one(kind, on=date.fromisoformat(details["received_on"]))
        else:
            one(kind)
    return letters


def _assemble(ws: Workspace, prepared: list[_Prepared], created_at: datetime,
              head: dict[str, Any] | None) -> tuple[list[Member], dict[str, Any]]:
    """The members, in order (each case's files, its case file last), and the manifest's fields."""
    members: list[Member] = []
    listed = []
    folders: set[str] = set()
    for p in prepared:
        folder = unique_name(safe_file_name(p.case.number), folders)
        taken: set[str] = set()

        def place(name: str, parent: str = "", taken: set[str] = taken, folder: str = folder) -> str:
            inner = f"{parent}/{safe_file_name(name)}" if parent else safe_file_name(name)
            return f"{folder}/{unique_name(inner, taken)}"

        volume_name = place(f"案卷-{p.case.number}.pdf")
        members.append(Member(volume_name, path=p.volume))
        documents = []
        for letter in p.letters:
            name = place(f"{letter.label}-{letter.number or letter.issued_on.isoformat()}.docx", LETTERS_DIR)
            members.append(Member(name, path=letter.path))
            documents.append({"member": name, "kind": letter.kind, "label": letter.label, "number": letter.number,
                              "issued_on": letter.issued_on.isoformat(), "recipient": letter.recipient})
        attachments = []
        for sha256, original, path in p.attachments:
            name = place(original, FILES_DIR)
            members.append(Member(name, path=path, sha256=sha256))
            attachments.append({"sha256": sha256, "size": path.stat().st_size, "member": name,
                                "original_name": original})
        case_file = place(CASE_FILE)
        content = p.content | {"volume": {"member": volume_name, "pages": p.volume_pages,
                                          "volume_number": p.volume_number},
                               "documents": documents, "attachments": attachments}
        members.append(Member(case_file, data=_json_bytes(content), compress=True))
        listed.append({"number": p.case.number, "uuid": p.case.uuid, "status": p.case.status, "case_file": case_file})
    profile = ws.office()
    manifest = {"created_at": created_at.isoformat(), "program": "容错免责案件办理系统", "program_version": VERSION,
                "schema_version": LATEST_VERSION, "office": {"organ_name": profile.organ_name,
                                                              "code_prefix": profile.code_prefix},
                "audit_head": head, "cases": listed}
    return members, manifest


def _json_bytes(value: Any) -> bytes:
    import json

    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


def _too_big(size: int) -> str:
    return (f"导出内容约 {size / 2 ** 30:.1f} GB，超过 U 盘常用的 FAT32 格式单个文件 4 GB 的上限；"
            "请分批导出（每次选择部分案件）")


def _check_room(target: Path, members: list[Member], sealed: bool) -> None:
    estimate = estimated_size(members, sealed)
    if estimate > MAX_PACKAGE:
        raise UserError(_too_big(estimate))
    with contextlib.suppress(OSError):
        free = shutil.disk_usage(target).free
        if free < estimate:
            raise UserError(f"{target} 的剩余空间（{free / 2 ** 20:.1f} MB）不足以保存导出包"
                            f"（约 {estimate / 2 ** 20:.1f} MB），请换一个 U 盘或清理空间")


def _write_error(target: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"{target} 的空间已满，导出未完成（未留下不完整的导出包），请换一个 U 盘或清理空间"
    return f"写入 {target} 时出错：{exc.strerror or exc}。导出未完成（U 盘是否已拔出？），请重试"


def _free_name(target: Path, label: str, created_at: datetime) -> str:
    label = safe_file_name(re.sub(r"\s+", "", label))[:20].rstrip(". ") or "rongcuo"
    stem = f"{PREFIX}{label}-{created_at:%Y%m%d-%H%M%S}"
    for n in range(1, 1000):
        name = safe_file_name(f"{stem}{'' if n == 1 else f'-{n}'}{SUFFIX}")
        if not (target / name).exists() and not (target / (name + PARTIAL)).exists():
            return name
    raise UserError(f"文件夹 {target} 中同名的导出包过多，请换一个文件夹")


def _record_export(ws: Workspace, result: ExportResult, target: Path, uuids: list[str], since: date | None) -> None:
    record = {"at": result.created_at.isoformat(), "package": result.path.name, "cases": result.cases,
              "uuids": uuids, "encrypted": result.encrypted, "target": str(target), "sha256": result.sha256,
              "since": since.isoformat() if since else None}
    try:
        with ws.change():
            row = Setting.get_or_none(Setting.key == EXPORTS_KEY)
            history = list(row.value) if row is not None and isinstance(row.value, list) else []
            Setting.insert(key=EXPORTS_KEY, value=[*history, record][-MAX_HISTORY:]).on_conflict_replace().execute()
            ws.record(EXPORT_ACTION, None, "package", None, record)
    except peewee.OperationalError as exc:      # the package is complete: say so, do not fail it
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        result.warnings.append("导出已完成，但数据库正被另一个程序占用，未能记录本次导出")


def export_history(ws: Workspace) -> list[ExportRecord]:
    """The exports recorded here, oldest first (the last ``MAX_HISTORY``; the audit trail has all)."""
    row = Setting.get_or_none(Setting.key == EXPORTS_KEY)
    found = []
    for item in row.value if row is not None and isinstance(row.value, list) else []:
        try:
            found.append(ExportRecord(datetime.fromisoformat(item["at"]), str(item["package"]),
                                      [str(n) for n in item["cases"]], bool(item["encrypted"]), str(item["target"])))
        except (KeyError, TypeError, ValueError):
            continue
    return found


def last_export(ws: Workspace) -> ExportRecord | None:
    history = export_history(ws)
    return history[-1] if history else None


# --- verify ---------------------------------------------------------------------------------------

def verify_package(path: Path, password: str | None = None) -> PackageInfo:
    """Check a package completely (see ``read_package``) and read its case files as an import would
    (without touching any database); what it holds. Without ``password`` an encrypted package is
    checked outside only (``contents_checked`` False). Removes partial packages
    an interrupted export left beside it. Refusals are ``UserError``."""
    path = Path(path)
    cleaned = clean_leftovers(path.parent) if path.parent.is_dir() else []
    with read_package(path, password, need_contents=False) as opened:
        if opened.contents_checked:
            _incoming(opened)       # every case file readable as the format says, its files present
        return _info(opened, cleaned)


def _info(opened: OpenedPackage, cleaned: list[str] | None = None) -> PackageInfo:
    m = opened.manifest
    head = m.get("audit_head")
    office: dict[str, Any] = m["office"] if isinstance(m.get("office"), dict) else {}
    cases = []
    for item in (m.get("cases") or []) if opened.contents_checked else []:
        if isinstance(item, dict):
            cases.append(PackageCase(str(item.get("number", "")), str(item.get("uuid", "")), str(item.get("status", ""))))
    try:
        created_at: datetime | None = datetime.fromisoformat(str(m.get("created_at")))
    except ValueError:
        created_at = None
    return PackageInfo(
        path=opened.path, encrypted=opened.encrypted, contents_checked=opened.contents_checked, created_at=created_at,
        format_version=int(m.get("format_version") or 0), organ=str(office.get("organ_name") or ""),
        code_prefix=str(office.get("code_prefix") or ""), program_version=str(m.get("program_version") or ""),
        audit_head=(int(head["seq"]), str(head["mac"])) if isinstance(head, dict) and "seq" in head else None,
        cases=cases, files=len(opened.files) if opened.contents_checked else len(opened.outer.get("files") or []),
        content_bytes=sum(int(e["size"]) for e in opened.files.values()), size=opened.size, sha256=opened.sha256,
        cleaned=cleaned or [])


# --- import ---------------------------------------------------------------------------------------

@dataclass
class _Plan:
    action: str                  # new | identical | older | updated | conflict | unusable
    local: Case | None
    reasons: list[str] = field(default_factory=list)
    replaceable: bool = False    # a conflict only of diverging changes (``replace_conflicting`` applies)


def import_package(ws: Workspace, path: Path, password: str | None = None, progress: Progress | None = None,
                   *, replace_conflicting: bool = False) -> ImportResult:
    """Merge the cases of a package into this installation (see the module docstring). Refusals
    (a damaged, tampered or hostile package, a wrong password, a newer format) are ``UserError`` and
    leave the database and the data folder as they were."""
    started = time.monotonic()
    meter = _Meter(progress)
    meter.phase(0.0, 0.6)
    with read_package(Path(path), password, on_read=meter.of) as opened:
        info = _info(opened)
        incoming = _incoming(opened)
        result = ImportResult(info)
        # What would be written, decided outside the transaction, so that the attached files are
        # stored (by their SHA-256, like every attachment) before the write lock is taken.
        meter.phase(0.6, 0.2)
        stored: set[str] = set()
        added: list[Path] = []          # files this import put into the store (removed again if it fails)
        written: list[tuple[IncomingCase, str]] = []
        try:
            for i, case in enumerate(incoming):
                if _plan(case, replace_conflicting).action in ("new", "updated", "replace"):
                    _store_attachments(ws, opened, case, stored, added)
                meter.of(i + 1, len(incoming))
            meter.phase(0.8, 0.15)
            _merge(ws, opened, incoming, replace_conflicting, result, stored, added, written, meter)
        except BaseException:
            _forget(added)
            raise
        meter.phase(0.95, 0.05)
        result.warnings += _keep_documents(ws, opened, written)
    meter.finish()
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _merge(ws: Workspace, opened: OpenedPackage, incoming: list[IncomingCase], replace_conflicting: bool,
           result: ImportResult, stored: set[str], added: list[Path], written: list[tuple[IncomingCase, str]],
           meter: _Meter) -> None:
    """The one transaction: each case decided again under the write lock, and written."""
    source = _source(opened)
    with ws.change():
        origins_row = Setting.get_or_none(Setting.key == ORIGINS_KEY)
        origins = dict(origins_row.value) if origins_row is not None and isinstance(origins_row.value, dict) else {}
        for i, case in enumerate(incoming):
            plan = _plan(case, replace_conflicting)
            if plan.action in ("new", "updated", "replace"):
                _store_attachments(ws, opened, case, stored, added)   # (stored already, unless the data changed)
                imported = _apply(ws, case, plan, opened.path.name, source)
                {"new": result.new, "updated": result.updated, "replace": result.replaced}[plan.action].append(imported)
                written.append((case, imported.number))
                origins[case.uuid] = {"source_number": case.number, "number": imported.number, **source,
                                      "package": opened.path.name, "at": datetime.now().isoformat(timespec="seconds")}
            elif plan.action == "conflict":
                local = plan.local.number if plan.local is not None else None
                result.conflicts.append(ConflictCase(case.number, local, case.uuid, plan.reasons))
            else:
                local_number = plan.local.number if plan.local is not None else case.number
                result.skipped.append(SkippedCase(local_number, case.uuid, "；".join(plan.reasons)))
            meter.of(i + 1, len(incoming))
        if written:
            Setting.insert(key=ORIGINS_KEY, value=origins).on_conflict_replace().execute()


def _forget(added: list[Path]) -> None:
    """Remove the files a failed import stored, unless a record refers to them after all."""
    for path in added:
        with contextlib.suppress(Exception):
            if not EvidenceFile.select().where(EvidenceFile.sha256 == path.name).exists():
                path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()          # only when empty


def _source(opened: OpenedPackage) -> dict[str, Any]:
    office: dict[str, Any] = opened.manifest["office"] if isinstance(opened.manifest.get("office"), dict) else {}
    return {"source_organ": str(office.get("organ_name") or ""), "source_code_prefix": str(office.get("code_prefix") or ""),
            "source_exported_at": str(opened.manifest.get("created_at") or "")}


def _incoming(opened: OpenedPackage) -> list[IncomingCase]:
    """Every case file of the package, read and checked; the package is refused if one is not as
    the format says, or names a file the package does not hold."""
    cases = opened.manifest.get("cases")
    if not isinstance(cases, list):
        raise PackageRefused("导出包的清单缺少案件列表，不能使用")
    found: list[IncomingCase] = []
    seen: set[str] = set()
    for item in cases:
        if not isinstance(item, dict) or not isinstance(item.get("case_file"), str):
            raise PackageRefused("导出包的清单中案件列表的格式有误，不能使用")
        name = item["case_file"]
        where = f"案件文件“{name}”"
        try:
            content = opened.read_json(name)
            case = read_case(content, where)
            attachments = content.get("attachments") or []
            documents = content.get("documents") or []
            volume = content.get("volume")
            if not isinstance(attachments, list) or not isinstance(documents, list):
                raise CaseFileError(f"导出包中{where}的附件或文书列表格式有误，不能导入")
            for a in attachments:
                if not (isinstance(a, dict) and isinstance(a.get("sha256"), str) and isinstance(a.get("member"), str)):
                    raise CaseFileError(f"导出包中{where}的附件列表格式有误，不能导入")
                entry = opened.files.get(a["member"])
                if entry is None:
                    raise CaseFileError(f"导出包不完整：缺少{where}列出的附件“{a['member']}”，不能导入")
                if entry["sha256"] != a["sha256"]:
                    raise CaseFileError(f"导出包中的附件“{a['member']}”与{where}所记的校验值不符，不能导入")
                case.attachments[a["sha256"]] = a["member"]
            for d in [*documents, *([volume] if volume else [])]:
                if not (isinstance(d, dict) and isinstance(d.get("member"), str)):
                    raise CaseFileError(f"导出包中{where}的文书列表格式有误，不能导入")
                if d["member"] not in opened.files:
                    raise CaseFileError(f"导出包不完整：缺少{where}列出的文书“{d['member']}”，不能导入")
                case.documents.append(d["member"])
        except CaseFileError as exc:
            raise PackageRefused(exc.message) from None
        needed = {f["sha256"] for _, files in case.evidence for f in files}
        missing = needed - set(case.attachments)
        if missing:
            raise PackageRefused(f"导出包中{where}的证据材料附件不全（缺少 {len(missing)} 个文件），不能导入")
        if case.uuid in seen:
            raise PackageRefused(f"导出包中案件 {case.number} 出现了两次，不能导入")
        seen.add(case.uuid)
        found.append(case)
    return found


def _plan(case: IncomingCase, replace_conflicting: bool) -> _Plan:
    """What importing ``case`` would do here (reads only)."""
    local = Case.get_or_none(Case.uuid == case.uuid)
    problem = policy_problem(case)
    if problem is not None:
        return _Plan("unusable", local, [problem])
    if local is None:
        problems = cadre_problems(case) + number_problems(case, None)
        return _Plan("conflict", None, problems) if problems else _Plan("new", None)
    here = case_content(local)
    if content_digest(here) == case.digest:
        return _Plan("identical", local, ["与本机的案件相同"])
    mine, theirs = here["lineage"], case.lineage
    if len(theirs) > len(mine) and theirs[:len(mine)] == mine:
        plan = _Plan("updated", local)
    elif len(mine) > len(theirs) and mine[:len(theirs)] == theirs:
        return _Plan("older", local, ["本机的版本更新（导出包是较早的版本）"])
    else:
        plan = _Plan("conflict", local, ["导出包和本机都修改过该案件，修改内容不同"], replaceable=True)
    blocking = cadre_problems(case) + number_problems(case, local)
    if blocking:
        return _Plan("conflict", local, [*([] if plan.action != "conflict" else plan.reasons), *blocking])
    if plan.action == "conflict" and replace_conflicting:
        return _Plan("replace", local)
    return plan


def _apply(ws: Workspace, case: IncomingCase, plan: _Plan, package: str, source: dict[str, Any]) -> ImportedCase:
    before: Any = None
    renumbered = False
    if plan.action == "new":
        number, year, seq = case.number, case.year, case.seq
        if not number_is_free(number, year, seq):
            renumbered = True
            seq = next_case_seq(year)
            number = f"{year}-{seq:04d}"
        local = Case.create(**(case.case | {"number": number, "year": year, "seq": seq}))
    else:
        assert plan.local is not None
        local = plan.local
        before = case_content(local)
        fields = {k: v for k, v in case.case.items() if k not in ("uuid", "number", "year", "seq")}
        Case.update(**fields).where(Case.id == local.id).execute()
        local = Case.get_by_id(local.id)
    write_rows(local, case)
    ws.adapter.index_cases([local.id])
    result = {"new": "new", "updated": "updated", "replace": "replaced"}[plan.action]
    content = {k: v for k, v in case.content.items() if k not in ("attachments", "documents", "volume")}
    ws.record(IMPORT_ACTION, case.uuid, "case", before,
              {"result": result, "package": package, "number": local.number, "source_number": case.number,
               "renumbered": renumbered, **source, "lineage": case.lineage, "content_sha256": case.digest,
               "content": content})
    return ImportedCase(local.number, case.number, case.uuid, renumbered)


def _store_attachments(ws: Workspace, opened: OpenedPackage, case: IncomingCase, stored: set[str],
                       added: list[Path]) -> None:
    """The case's attached files into the data folder's store, each checked against its SHA-256."""
    for sha256, member in case.attachments.items():
        target = stored_file_path(ws.files_dir, sha256)
        if sha256 in stored or target.is_file():
            stored.add(sha256)
            continue
        _copy_checked(opened, member, target)
        stored.add(sha256)
        added.append(target)


def _copy_checked(opened: OpenedPackage, member: str, target: Path) -> None:
    entry = opened.files[member]
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    digests = Digests()
    try:
        with tmp.open("wb") as out:
            for block in opened.chunks(member):
                digests.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digests.entry(member)["sha256"] != entry["sha256"]:
            raise PackageRefused(f"导出包中的“{member}”在导入过程中被改动，已停止导入")
        os.replace(tmp, target)
        fsync_folder(target.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _keep_documents(ws: Workspace, opened: OpenedPackage, written: list[tuple[IncomingCase, str]]) -> list[str]:
    """The letters and volume of each case written, kept as they came in the data folder's
    documents folder. A failure here leaves the imported cases as they are, with a warning."""
    from core.services.letters import DOCUMENTS_DIR

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    warnings = []
    for case, number in written:
        folder = ws.data_dir / DOCUMENTS_DIR / safe_file_name(number) / f"{IMPORTED_DIR}-{stamp}"
        taken: set[str] = set()
        try:
            for member in case.documents:
                name = unique_name(safe_file_name(member.rsplit("/", 1)[-1]), taken)
                _copy_checked(opened, member, folder / name)
        except (OSError, UserError) as exc:
            reason = exc.message if isinstance(exc, UserError) else (exc.strerror or str(exc))
            warnings.append(f"案件 {number} 已导入，但导出包中的文书未能保存到数据文件夹：{reason}")
    return warnings
