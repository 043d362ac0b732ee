"""The office's letter templates: which kinds use the office's own copy, exporting a default to edit
in Word or WPS, importing an edited copy (checked with a sample case first) and going back to the
default. Import and reset are audited: the kind and the SHA-256 of the file before and after.

The document libraries are imported only when a template is listed or changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from core.errors import ActionRefused
from core.services.office import letter_format
from core.services.workspace import Workspace


@dataclass(frozen=True)
class TemplateInfo:
    kind: str
    label: str
    customised: bool           # the office's own copy is used
    path: Path                 # the file letters are rendered from
    sha256: str
    modified: datetime | None  # when the office's copy was imported (its file time)


def _state(kind: str, data_dir: Path) -> dict[str, Any]:
    from documents.templates import file_sha256, is_customised, template_for

    own = is_customised(kind, data_dir)
    path = template_for(kind, data_dir)
    return {"kind": kind, "template": "office" if own else "default", "sha256": file_sha256(path)}


def list_templates(ws: Workspace) -> list[TemplateInfo]:
    """Every kind that has a template, with the one in use."""
    from documents.kinds import KINDS
    from documents.templates import file_sha256, is_customised, template_for, template_kinds

    out = []
    for kind in template_kinds():
        own = is_customised(kind, ws.data_dir)
        path = template_for(kind, ws.data_dir)
        modified = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0) if own else None
        out.append(TemplateInfo(kind, KINDS[kind].label, own, path, file_sha256(path), modified))
    return out


def export_template(ws: Workspace, kind: str, target: Path) -> Path:
    """Copy the default template of ``kind`` to ``target`` (a file, or a folder) to edit it."""
    from documents.templates import export_default

    return export_default(kind, Path(target).expanduser())


def import_office_template(ws: Workspace, kind: str, source: Path) -> TemplateInfo:
    """Make ``source`` the office's template for ``kind``. It is rendered with a sample case first (in
    the layout the office prints ``kind`` in); a broken file raises ``UserError`` and changes nothing.
    One audit record: the kind, the source file's name, the SHA-256 of the template before and after."""
    from documents.templates import checked_template, file_sha256, install_template

    source = Path(source).expanduser()
    with checked_template(kind, source, ws.data_dir, letter_format=letter_format(ws, kind)) as trial:
        digest = file_sha256(trial)
        with ws.change():
            before = _state(kind, ws.data_dir)
            ws.record("import_template", None, "template", before,
                      {"kind": kind, "template": "office", "sha256": digest, "source": source.name})
            install_template(trial, kind, ws.data_dir)     # last: if it fails, the record is rolled back
    return _info(ws, kind)


def reset_office_template(ws: Workspace, kind: str) -> TemplateInfo:
    """Go back to the default template of ``kind`` (the office's copy is deleted); audited. Refused when
    the office has no copy of its own."""
    from documents.kinds import KINDS
    from documents.templates import default_template, file_sha256, is_customised, reset_template

    default = default_template(kind)          # an unknown kind is refused here
    if not is_customised(kind, ws.data_dir):
        raise ActionRefused(f"{KINDS[kind].label}（{kind}）用的已经是默认模板，无需恢复")
    with ws.change():
        before = _state(kind, ws.data_dir)
        ws.record("reset_template", None, "template", before,
                  {"kind": kind, "template": "default", "sha256": file_sha256(default)})
        reset_template(kind, ws.data_dir)
    return _info(ws, kind)


def _info(ws: Workspace, kind: str) -> TemplateInfo:
    return next(t for t in list_templates(ws) if t.kind == kind)
