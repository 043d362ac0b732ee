"""The content of a letter or form, as both renderers see it.

A document is a list of blocks, each with a role. The roles are also the names of the paragraph
styles in the DOCX templates, so the wording an office edits in Word or WPS is read back into this
model and laid out by the PDF renderer: one source of wording for both files.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Paragraph roles → DOCX style names. An office can restyle a style in Word; the role stays.
ROLE_STYLES: dict[str, str] = {
    "letterhead": "公文-发文机关标志",
    "doc_number": "公文-发文字号",
    "title": "公文-标题",
    "addressee": "公文-主送机关",
    "body": "公文-正文",
    "heading1": "公文-一级标题",
    "heading2": "公文-二级标题",
    "heading3": "公文-三级标题",
    "attachment_note": "公文-附件说明",
    "signature": "公文-署名",
    "date": "公文-成文日期",
    "note": "公文-附注",
    "cc": "公文-抄送",
    "printer": "公文-印发",
    "form_title": "表格-标题",
    "form_text": "表格-文字",
    "plain": "公文-无缩进",
}
STYLE_ROLES: dict[str, str] = {style: role for role, style in ROLE_STYLES.items()}

FORMATS = ("file", "letter", "form")   # 文件格式, 信函格式, bordered form


@dataclass
class Paragraph:
    role: str
    text: str


@dataclass
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    bold: bool = False
    align: str = "left"          # left | center


@dataclass
class Table:
    """A bordered table; ``widths`` are fractions of the text width and add up to 1."""

    rows: list[list[Cell]]
    widths: list[float]
    min_row_lines: list[int] = field(default_factory=list)   # rows that need writing room (in lines)
    size_pt: float | None = None     # PDF: the cells' type size (default layout.FORM_PT, 小四); the line pitch scales with it


Block = Paragraph | Table


@dataclass
class Document:
    kind: str
    format: str                  # file | letter | form
    blocks: list[Block]
    sealed: bool = True          # leave room for the hand-stamped seal above the date
    page_footer: str = ""        # printed at the foot of every page (e.g. 笔录 signature line)

    def text_lines(self) -> list[str]:
        """Every paragraph and cell text in reading order, for comparing DOCX and PDF output."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines.extend(cell.text for row in block.rows for cell in row)
        return lines
