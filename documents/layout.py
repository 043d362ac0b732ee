"""GB/T 9704-2012 《党政机关公文格式》: every layout number the letters use, in one place.

Both renderers (DOCX and PDF) read these; nothing else in the program names a margin, a point size
or a forbidden line-start character.
"""
from __future__ import annotations

import math

MM = 72 / 25.4                      # points per millimetre

# Page (A4, bound on the left) and the text block (版心).
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
TOP_MARGIN_MM = 37.0                # 天头: page top to the top of the 版心
LEFT_MARGIN_MM = 28.0               # 订口
TEXT_WIDTH_MM = 156.0
TEXT_HEIGHT_MM = 225.0
RIGHT_MARGIN_MM = PAGE_WIDTH_MM - LEFT_MARGIN_MM - TEXT_WIDTH_MM       # 26
BOTTOM_MARGIN_MM = PAGE_HEIGHT_MM - TOP_MARGIN_MM - TEXT_HEIGHT_MM     # 35

# The grid: 22 lines of 28 characters fill the 版心.
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
CHAR_PITCH_PT = TEXT_WIDTH_MM * MM / CHARS_PER_LINE                    # ≈ 15.79 pt
LINE_PITCH_PT = TEXT_HEIGHT_MM * MM / LINES_PER_PAGE                   # ≈ 28.99 pt

# Chinese point sizes (字号).
SIZE_PT = {"初号": 42.0, "小初": 36.0, "一号": 26.0, "二号": 22.0, "三号": 16.0, "四号": 14.0, "小四": 12.0,
           "五号": 10.5}
BODY_PT = SIZE_PT["三号"]
TITLE_PT = SIZE_PT["二号"]
LETTERHEAD_PT = SIZE_PT["小初"]     # 发文机关标志: no size is fixed; 小初 is common practice
COLOPHON_PT = SIZE_PT["四号"]       # 抄送, 印发
PAGE_NUMBER_PT = SIZE_PT["四号"]
FORM_PT = SIZE_PT["小四"]           # text inside bordered forms

# Vertical positions.
LETTERHEAD_TOP_FROM_TEXT_TOP_MM = 35.0      # 文件格式: 标志 top below the 版心 top
LETTER_FORMAT_LETTERHEAD_TOP_MM = 30.0      # 信函格式: 标志 top below the page top
SEPARATOR_BELOW_NUMBER_MM = 4.0             # red rule under the 发文字号
LETTER_FORMAT_RULE_WIDTH_MM = 170.0         # 信函格式 double rules
LETTER_FORMAT_RULE_BELOW_LETTERHEAD_MM = 4.0
LETTER_FORMAT_BOTTOM_RULE_FROM_PAGE_BOTTOM_MM = 20.0
PAGE_NUMBER_BELOW_TEXT_MM = 7.0             # the em dashes, below the 版心 bottom
PAGE_NUMBER_SIDE_INDENT_CHARS = 1           # odd pages from the right, even from the left

# Rules (lines).
SEPARATOR_RULE_MM = 0.5                     # red rule under the 发文字号 (common practice; not fixed)
COLOPHON_OUTER_RULE_MM = 0.35               # first and last rules of the 版记
COLOPHON_INNER_RULE_MM = 0.25
LETTER_FORMAT_THICK_RULE_MM = 0.8
LETTER_FORMAT_THIN_RULE_MM = 0.3
LETTER_FORMAT_RULE_GAP_MM = 0.6             # 信函格式 double rules: the gap between the thick and the thin line
LETTER_FORMAT_DOUBLE_RULE_MM = LETTER_FORMAT_THICK_RULE_MM + LETTER_FORMAT_RULE_GAP_MM + LETTER_FORMAT_THIN_RULE_MM
RED_RGB = (0.902, 0.0, 0.071)               # #E60012, the red offices print the 标志 and rules in

# Horizontal positions, in characters of the body size.
FIRST_LINE_INDENT_CHARS = 2
ATTACHMENT_NOTE_INDENT_CHARS = 2
SIGNATURE_RIGHT_INDENT_CHARS = 2            # without seal: 署名 2 characters in from the right
SEALED_DATE_RIGHT_INDENT_CHARS = 4          # with seal: 成文日期 4 characters in from the right
DATE_SHIFT_FROM_SIGNATURE_CHARS = 2
COLOPHON_SIDE_INDENT_CHARS = 1
BLANK_LINES_BEFORE_SIGNATURE_WITH_SEAL = 2  # the seal (about 4 lines tall) tops within one line of the body

# Line breaking (避头尾): no line starts with the first set, none ends with the second.
NO_LINE_START = "，。、；：？！）》」』】〕”’…—·%,.;:?!)]}"
NO_LINE_END = "（《「『【〔“‘([{"

# Fonts by role; each role lists official font file and family names, most preferred first.
FONT_ROLES = ("title", "body", "heading1", "heading2", "page_number")
ROLE_LABELS = {"title": "标题（小标宋）", "body": "正文（仿宋）", "heading1": "一级标题（黑体）",
               "heading2": "二级标题（楷体）", "page_number": "页码（宋体）"}
OFFICIAL_FONTS: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXBSJW", "FZXBSK"),
    "body": ("仿宋_GB2312", "仿宋", "FangSong_GB2312", "FangSong", "simfang", "STFangsong"),
    "heading1": ("黑体", "SimHei", "simhei", "STHeiti"),
    "heading2": ("楷体_GB2312", "楷体", "KaiTi_GB2312", "KaiTi", "simkai", "STKaiti"),
    "page_number": ("宋体", "SimSun", "simsun", "NSimSun"),
}

# --- DOCX units and paragraph roles (templates_docx/build_defaults.py, documents/docx_render.py) ---
TWIPS_PER_PT = 20
# Exact line spacing and the grid's w:linePitch, in twips: LINE_PITCH_PT rounded down (579), because
# 22 × 580 twips overflow the 225 mm 版心 and Word would then fit only 21 lines.
LINE_PITCH_TWIPS = int(LINE_PITCH_PT * TWIPS_PER_PT)
CHAR_PITCH_TWIPS = round(CHAR_PITCH_PT * TWIPS_PER_PT)
# 28 characters a line: 三号 text tracked (w:spacing, in twips) by CHAR_PITCH_PT − BODY_PT rounded down
# (−0.25 pt). A line-and-character grid (w:charSpace) does the same in Word, but LibreOffice puts each
# 16 pt glyph into two 15.79 pt cells of such a grid, so the DOCX uses a line grid and tracking.
BODY_TRACKING_TWIPS = math.floor((CHAR_PITCH_PT - BODY_PT) * TWIPS_PER_PT)
PAGE_NUMBER_DASH = "\u2014"                 # — 1 —: an em dash either side, one space apart
PAGE_NUMBER_LINE_PT = PAGE_NUMBER_PT * 1.2  # height of the page-number line (for the footer distance)
LETTERHEAD_MIN_SCALE = 50                   # a long 发文机关标志 is narrowed (w:w, per cent) down to this
BLANK_LINES_ABOVE_DOC_NUMBER = 2            # 发文字号: two blank lines under the 标志
BLANK_LINES_ABOVE_TITLE = 2                 # 标题: two blank lines under the red rule
BLANK_LINES_ABOVE_ADDRESSEE = 1             # 主送机关: one blank line under the title
BLANK_LINES_ABOVE_BLOCK = 1                 # 附件说明, 署名 (without seal), 附注: one blank line above

# Paragraph role (documents.model.ROLE_STYLES) → the font role (FONT_ROLES) it prints in, and its size.
ROLE_FONT: dict[str, str] = {
    "letterhead": "title", "doc_number": "body", "title": "title", "addressee": "body", "body": "body",
    "heading1": "heading1", "heading2": "heading2", "heading3": "body", "attachment_note": "body",
    "signature": "body", "date": "body", "note": "body", "cc": "body", "printer": "body",
    "form_title": "title", "form_text": "body", "plain": "body",
}
ROLE_SIZE_PT: dict[str, float] = {
    "letterhead": LETTERHEAD_PT, "title": TITLE_PT, "form_title": TITLE_PT, "cc": COLOPHON_PT,
    "printer": COLOPHON_PT, "form_text": FORM_PT,
}                                           # every other role: BODY_PT

# --- PDF layout (documents/pdf_render.py, documents/line_breaking.py) ---
GRID_SCALE = CHAR_PITCH_PT / BODY_PT        # grid cell per point of type size: the 三号 grid's tracking at every size
EM_ASCENT = 0.88                            # CJK ideographic em box: its top above the baseline, in em (box −0.12…0.88)
HEADING_INDENT_CHARS = 2                    # 一、（一）1.（1） headings: first line indented like body paragraphs
NOTE_INDENT_CHARS = 2                       # 附注: 2 characters in
LETTERHEAD_LINE_SPACING = 1.15              # a 标志 given on several lines: line pitch in em
LETTER_FORMAT_NUMBER_BELOW_RULE_EM = 7 / 8  # 信函格式: 发文字号 flush right, 7/8 of a 三号 character under the first double rule (§10.1)
PAGE_NUMBER_DASH_RISE_EM = 0.3              # the em dash's stroke above the baseline (Noto Sans SC 0.28 em, 宋体 about 0.3)
FORM_LINE_PITCH_PT = 20.0                   # 小四 text inside form cells: line pitch
FORM_CELL_PAD_X_MM = 1.5                    # form cells: text inset from the left and right borders
FORM_CELL_PAD_Y_MM = 1.5                    # form cells: text inset from the top and bottom borders
FORM_RULE_PT = 0.75                         # form table borders
FORM_TITLE_GAP_LINES = 1                    # form_title: blank form lines (FORM_LINE_PITCH_PT) under it
PAGE_FOOTER_PT = FORM_PT                    # Document.page_footer (e.g. 笔录 signature line), bottom of every page


def snap_to_row(y: float) -> float:
    """The first grid line (the top of a 版心 row, in points from the page top) at or below ``y``."""
    top = TOP_MARGIN_MM * MM
    return top + max(0, math.ceil((y - top) / LINE_PITCH_PT - 1e-6)) * LINE_PITCH_PT


def letter_format_header(letterhead_bottom: float, numbered: bool) -> tuple[float, float, float, float]:
    """信函格式, page 1 (GB/T 9704 §10.1), in points from the page top, given the bottom of the 标志's
    em box: the top and the bottom of the upper double rule (``LETTER_FORMAT_RULE_BELOW_LETTERHEAD_MM``
    under the 标志), the top of the 发文字号's line slot (a 三号 line ``LINE_PITCH_PT`` high whose em box
    starts ``LETTER_FORMAT_NUMBER_BELOW_RULE_EM`` under the rule), and the top of the row the title goes
    in (``BLANK_LINES_ABOVE_TITLE`` blank lines under the 发文字号, or under the rule without one, on
    the grid). Both renderers place the header with these."""
    rule_top = letterhead_bottom + LETTER_FORMAT_RULE_BELOW_LETTERHEAD_MM * MM
    rule_bottom = rule_top + LETTER_FORMAT_DOUBLE_RULE_MM * MM
    number_slot = rule_bottom + LETTER_FORMAT_NUMBER_BELOW_RULE_EM * BODY_PT - (LINE_PITCH_PT - BODY_PT) / 2
    above_title = number_slot + LINE_PITCH_PT if numbered else rule_bottom
    return rule_top, rule_bottom, number_slot, snap_to_row(above_title + BLANK_LINES_ABOVE_TITLE * LINE_PITCH_PT)


def letter_format_bottom_rule_top() -> float:
    """信函格式: the top of the lower (thin-over-thick) double rule, in points from the page top; its
    bottom edge is ``LETTER_FORMAT_BOTTOM_RULE_FROM_PAGE_BOTTOM_MM`` above the bottom of the page."""
    return (PAGE_HEIGHT_MM - LETTER_FORMAT_BOTTOM_RULE_FROM_PAGE_BOTTOM_MM - LETTER_FORMAT_DOUBLE_RULE_MM) * MM


# --- The archive volume (案卷, documents/volume.py) ---------------------------------------------------
# Not GB/T 9704: the forms of a case's volume follow GB/T 9705-2008《文书档案案卷格式》 practice. The
# letters bound inside keep their GB/T 9704 layout (and their own "— 1 —" page numbers).
# 卷内文件页号: every bound page carries its number, in the upper right corner of the front side
# (pages are printed one-sided); the cover, the 卷内文件目录 and the 卷内备考表 are not numbered.
ARCHIVE_PAGE_NUMBER_PT = SIZE_PT["四号"]
ARCHIVE_PAGE_NUMBER_RIGHT_MM = 15.0         # the number's right end, from the page's right edge
ARCHIVE_PAGE_NUMBER_TOP_MM = 10.0           # the top of its em box, from the page's top edge
# 案卷封面
COVER_BOX_TOP_MM = 20.0                     # the 全宗号 / 目录号 / 案卷号 box in the upper right corner
COVER_BOX_RIGHT_MM = 20.0                   # its right edge, from the page's right edge
COVER_BOX_WIDTHS_MM = (25.0, 25.0, 52.0)    # its columns: 全宗号, 目录号, 案卷号 (档号)
COVER_BOX_ROW_MM = 9.0                      # the height of its label row and of its value row
COVER_BOX_PT = SIZE_PT["小四"]
COVER_TITLE_TOP_MM = 95.0                   # 案卷题名: the top of its first line, from the page top
COVER_TITLE_PT = SIZE_PT["一号"]            # 小标宋, centred, lines of similar length
COVER_TITLE_WIDTH_MM = 140.0
COVER_TITLE_LINE_SPACING = 1.6              # line pitch in em
COVER_FIELDS_TOP_MM = 165.0                 # 立卷单位, 起止日期 …: the top of the first line
COVER_FIELDS_LEFT_MM = 40.0                 # the labels' left edge
COVER_FIELDS_RIGHT_MM = 175.0               # where the rules under the values end
COVER_FIELD_LABEL_CHARS = 5                 # the labels' width in characters (a full-width colon included)
COVER_FIELD_PITCH_MM = 12.0                 # from one line to the next
COVER_FIELD_PT = SIZE_PT["三号"]
COVER_RULE_PT = 0.5                         # the rules under the values
# 卷内文件目录: in 五号 (a full line of the table then holds a title of 9 characters and the 责任者 of a
# joint office, 中共××县纪委, on one line); column widths in mm (序号, 文号, 责任者, 题名, 日期, 页号,
# 备注), across the 版心
CONTENTS_PT = SIZE_PT["五号"]
CONTENTS_COLUMNS_MM = (11.0, 27.0, 29.0, 37.0, 20.0, 14.0, 18.0)
# 卷内备考表: writing room of the 本卷情况说明 box, in form lines (it then fills one page)
REMARKS_MIN_LINES = 22
# Attached evidence: images are fitted into the page less these margins (top, right, bottom, left;
# the left one is the binding edge), never printed larger than at IMAGE_MIN_DPI nor embedded at more
# than IMAGE_MAX_DPI (larger images are resampled); PDF pages larger than A4 are shrunk onto A4 and
# landscape pages turned with their top to the binding edge.
IMAGE_MARGINS_MM = (20.0, 10.0, 10.0, 20.0)
IMAGE_MIN_DPI = 150
IMAGE_MAX_DPI = 300
PAGE_FIT_TOLERANCE_PT = 2.0                 # a page this close to A4 counts as A4
