"""``check``: is this installation sound? Database pages, foreign keys, the audit chain, attachments."""
from __future__ import annotations

import hashlib

from core import validation as v
from core.errors import ActionRefused
from core.services.actions import stored_file_path
from core.services.search import search_index_problems
from core.services.workspace import Workspace
from models.case import Case
from models.procedure import EvidenceFile


def _file_problems(ws: Workspace) -> list[str]:
    problems = []
    for row in EvidenceFile.select(EvidenceFile.sha256, EvidenceFile.original_name).distinct().iterator():
        path = stored_file_path(ws.files_dir, row.sha256)
        if not path.exists():
            problems.append(f"附件“{row.original_name}”的文件缺失（{path.name}）")
            continue
        sha = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
        if sha.hexdigest() != row.sha256:
            problems.append(f"附件“{row.original_name}”的内容已被改动（校验值不符）")
    return problems


def check_installation(ws: Workspace, *, database: bool = True) -> tuple[list[str], str]:
    """All problems found (Chinese), and a one-line summary when there are none. ``database=False``
    leaves out the page and foreign-key checks (a backup runs them on its copy of the database)."""
    problems: list[str] = []
    if database:
        problems += [f"数据库损坏：{p}" for p in ws.adapter.integrity_problems()]
        problems += [f"数据不一致：{p}" for p in ws.adapter.foreign_key_problems()]
    audit = ws.audit.verify()
    if not audit.ok:
        problems.append(audit.message)
    problems += _file_problems(ws)
    problems += search_index_problems(ws)
    summary = f"检查通过：数据库完整，外键一致，{audit.message}，案件 {Case.select().count()} 件"
    return problems, summary


def reanchor_audit(ws: Workspace, reason: str) -> str:
    """Point a lost or out-of-step head file at the records again, leaving a record that says so.

    Only when the records themselves verify: re-anchoring cannot excuse an edited record. The new
    audit record keeps what the old head said, so a truncation stays visible in the trail itself.
    """
    reason = v.require_text(reason, "reason", "重新锚定审计链头的理由", max_length=500)
    records = ws.audit.verify_records()
    if not records.ok:
        raise ActionRefused(f"{records.message}。记录本身有问题，不能重新锚定链头")
    problem = ws.audit.verify()
    if problem.ok:
        raise ActionRefused("审计链完整，无需重新锚定链头")
    head = ws.audit.read_head()
    with ws.change():
        ws.record("audit_reanchor", None, "audit_head",
                  {"head_seq": head[0] if head else None, "records": records.count},
                  {"reason": reason, "problem": problem.message})
    ws.audit.write_head(force=True)
    return problem.message
