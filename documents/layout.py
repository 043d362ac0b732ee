"""GB/T 9704-2012 《党政机关公文格式》: every layout number the letters use, in one place.

Both renderers (DOCX and PDF) read these; nothing else in the program names a margin, a point size
or a forbidden line-start character.
"""
from __future__ import annotations

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
SIZE_PT = {"初号": 42.0, "小初": 36.0, "一号": 26.0, "二号": 22.0, "三号": 16.0, "四号": 14.0, "小四": 12.0}
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
RED_RGB = (0.902, 0.0, 0.071)               # #E60012, the red offices print the 标志 and rules in

# Horizontal positions, in characters of the body size.
FIRST_LINE_INDENT_CHARS = 2
ATTACHMENT_NOTE_INDENT_CHARS = 2
SIGNATURE_RIGHT_INDENT_CHARS = 2            # without seal: 署名 2 characters in from the right
SEALED_DATE_RIGHT_INDENT_CHARS = 4          # with seal: 成文日期 4 characters in from the right
DATE_SHIFT_FROM_SIGNATURE_CHARS = 2
COLOPHON_SIDE_INDENT_CHARS = 1
BLANK_LINES_BEFORE_SIGNATURE_WITH_SEAL = 3  # room for the hand-stamped seal above the date

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
