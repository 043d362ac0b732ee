"""The statistics report as a PDF: A4 portrait, tables and charts, page numbers ``第 N 页 共 M 页``.

Laid out with reportlab's platypus (flowing paragraphs and tables) and reportlab.graphics (the
charts: received and determined by month as bars, determinations by outcome as a pie, tolerance
situations as horizontal bars). Text is set in the program's fonts (``documents.fonts``): the title
in the title face (小标宋 or its stand-in), headings in the 黑体 face, the rest in the body face;
every character no face of a paragraph's role has is set in the first fallback face that has it,
and ``MissingGlyphError`` is raised before anything is drawn when no face has a character.

The figures and their definitions come from ``core.services.statistics`` (this module only draws
them; the definitions are repeated at the end of the report for the reader).
"""
from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from documents.context import chinese_date
from documents.fonts import FontFace, FontSet
from documents.pdf_render import CREATOR, MissingGlyphError

if TYPE_CHECKING:
    from core.services.statistics import GroupCount, Statistics

PAGE_W, PAGE_H = A4
MARGIN_X = 24 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 22 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X

TITLE_PT = 20.0
PERIOD_PT = 14.0
HEADING_PT = 14.0
BODY_PT = 11.5
TABLE_PT = 10.0
NOTE_PT = 9.5
CHART_PT = 8.5
FOOTER_PT = 9.0

GRID = colors.HexColor("#404040")
HEADER_FILL = colors.HexColor("#E7E6E6")
TOTAL_FILL = colors.HexColor("#F3F3F3")
SERIES = (colors.HexColor("#4472C4"), colors.HexColor("#ED7D31"), colors.HexColor("#A5A5A5"),
          colors.HexColor("#70AD47"))
OUTCOME_COLOURS = (colors.HexColor("#5B9BD5"), colors.HexColor("#FFC000"), colors.HexColor("#70AD47"),
                   colors.HexColor("#C0504D"), colors.HexColor("#8064A2"), colors.HexColor("#4BACC6"))
HEADINGS = "一二三四五六七八九十"


def render_statistics_pdf(stats: Statistics, fonts: FontSet) -> bytes:
    """The report for ``stats`` as PDF bytes. Raises ``MissingGlyphError`` when a character has no
    glyph in any face of ``fonts``."""
    fonts.register_reportlab()
    report = _Report(stats, fonts)
    story = report.story()
    footer_face = report.face_for_all("body", "第共页0123456789 ")
    missing = fonts.missing("".join(report.texts))
    if missing:
        raise MissingGlyphError(missing)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                            bottomMargin=MARGIN_BOTTOM, title=stats.title, author=stats.organ_name,
                            subject="容错免责工作统计", creator=CREATOR)

    class NumberedCanvas(rl_canvas.Canvas):
        """Draws ``第 N 页 共 M 页`` once the number of pages is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:   # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(footer_face, FOOTER_PT)
                self.setFillColor(colors.black)
                self.drawCentredString(PAGE_W / 2, MARGIN_BOTTOM / 2, f"第 {self._pageNumber} 页 共 {total} 页")
                super().showPage()
            super().save()

    doc.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


class _Report:
    def __init__(self, stats: Statistics, fonts: FontSet) -> None:
        self.s = stats
        self.fonts = fonts
        self.texts: list[str] = []          # every string drawn, for the glyph check
        self.section = 0
        self.roles: dict[str, str] = {}    # paragraph style name → font role
        self.styles = {
            "title": self._style("title", TITLE_PT, TITLE_PT * 1.35, TA_CENTER),
            "period": self._style("body", PERIOD_PT, PERIOD_PT * 1.5, TA_CENTER),
            "heading": self._style("heading1", HEADING_PT, HEADING_PT * 1.5, TA_LEFT, space_before=10, space_after=4),
            "body": self._style("body", BODY_PT, BODY_PT * 1.75, TA_JUSTIFY, first_indent=2 * BODY_PT),
            "cell": self._style("body", TABLE_PT, TABLE_PT * 1.35, TA_LEFT),
            "cell_c": self._style("body", TABLE_PT, TABLE_PT * 1.35, TA_CENTER),
            "head_c": self._style("heading1", TABLE_PT, TABLE_PT * 1.35, TA_CENTER),
            "note": self._style("body", NOTE_PT, NOTE_PT * 1.6, TA_JUSTIFY),
            "caption": self._style("body", NOTE_PT, NOTE_PT * 1.5, TA_CENTER),
        }

    # -- fonts and text ----------------------------------------------------------------------------

    def _style(self, role: str, size: float, leading: float, align: int, *, first_indent: float = 0,
               space_before: float = 0, space_after: float = 0) -> ParagraphStyle:
        style = ParagraphStyle(f"stat-{role}-{size}-{align}", fontName=self.fonts.primary(role).name,
                               fontSize=size, leading=leading, alignment=align, firstLineIndent=first_indent,
                               spaceBefore=space_before, spaceAfter=space_after, wordWrap="CJK")
        self.roles[style.name] = role
        return style

    def markup(self, text: str, role: str) -> str:
        """``text`` escaped for a Paragraph, each run of characters the role's face lacks wrapped in
        the fallback face that has them."""
        self.texts.append(text)
        primary = self.fonts.primary(role).name
        out: list[str] = []
        run, run_face = "", primary
        for ch in text:
            face = self.fonts.face_for(role, ch).name if not ch.isspace() else run_face
            if face != run_face and run:
                out.append(self._run(run, run_face, primary))
                run = ""
            run_face = face
            run += ch
        if run:
            out.append(self._run(run, run_face, primary))
        return "".join(out)

    @staticmethod
    def _run(text: str, face: str, primary: str) -> str:
        return escape(text) if face == primary else f'<font face="{face}">{escape(text)}</font>'

    def para(self, text: str, style: str) -> Paragraph:
        st = self.styles[style]
        return Paragraph(self.markup(text, self.roles[st.name]), st)

    def face_for_all(self, role: str, text: str) -> str:
        """The first face (the role's own first) that has every character of ``text``: for strings a
        chart draws in one font."""
        self.texts.append(text)
        faces: list[FontFace] = [self.fonts.primary(role), *self.fonts.faces()]
        for face in faces:
            if all(ch.isspace() or face.covers(ch) for ch in text):
                return face.name
        return faces[0].name

    # -- building blocks ---------------------------------------------------------------------------

    def heading(self, text: str) -> Paragraph:
        label = HEADINGS[self.section] if self.section < len(HEADINGS) else str(self.section + 1)
        self.section += 1
        return self.para(f"{label}、{text}", "heading")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float], *,
              total: Sequence[object] | None = None, left_cols: Sequence[int] = (0,)) -> Table:
        data: list[list[Any]] = [[self.para(h, "head_c") for h in header]]
        for row in [*rows, *([total] if total else [])]:
            cells: list[Any] = []
            for i, value in enumerate(row):
                text = value if isinstance(value, str) else _number(value)
                cells.append(self.para(text, "cell" if i in left_cols else "cell_c"))
            data.append(cells)
        table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="CENTER")
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        if total:
            commands.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL))
        table.setStyle(TableStyle(commands))
        return table

    def chart_string(self, x: float, y: float, text: str, *, size: float = CHART_PT, anchor: str = "middle") -> String:
        return String(x, y, text, fontName=self.face_for_all("body", text), fontSize=size, textAnchor=anchor)

    def legend(self, x: float, y: float, items: Sequence[tuple[Any, str]], *, columns: int = 1) -> Legend:
        legend = Legend()
        legend.x, legend.y = x, y
        legend.alignment = "right"
        legend.fontName = self.face_for_all("body", "".join(label for _, label in items))
        legend.fontSize = CHART_PT
        legend.dx = legend.dy = 7
        legend.deltay = 11
        legend.columnMaximum = max(1, math.ceil(len(items) / columns))
        legend.deltax = 60
        legend.boxAnchor = "nw"
        legend.strokeWidth = 0
        legend.colorNamePairs = list(items)
        return legend

    # -- the report --------------------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        s = self.s
        story: list[Flowable] = [*self.title(), Spacer(1, 6)]
        story += self.overview()
        story += self.definitions()
        story += self.months()
        story += self.outcomes()
        story += self.situations()
        story += self.groups("按干部所在单位统计", "单位", s.by_unit,
                             "涉及多个单位干部的案件，在各单位分别计数；“其他单位”一行中每件案件只计一次。")
        story += self.groups("按单位类型统计", "单位类型", s.by_organ_type,
                             "单位类型按《实施办法》适用范围所列机关和单位分类；涉及多种类型单位干部的案件，在各类型分别计数。")
        story += self.deadlines()
        return story

    def title(self) -> list[Flowable]:
        s = self.s
        name = f"{s.organ_name}容错免责工作统计"
        face = self.fonts.primary("title").name
        if s.organ_name and pdfmetrics.stringWidth(name, face, TITLE_PT) > FRAME_W:
            lines = [s.organ_name, "容错免责工作统计"]
        else:
            lines = [name]
        return [self.para(line, "title") for line in lines] + [
            self.para(f"（{chinese_date(s.date_from)}至{chinese_date(s.date_to)}）", "period")]

    def overview(self) -> list[Flowable]:
        s = self.s
        tolerant_labels = "、".join(o.label for o in s.by_outcome if o.tolerant)
        outcomes = "、".join(f"{o.label}{o.count}件" for o in s.by_outcome if o.count)
        share = f"，占认定总数的{_percent(s.tolerant, s.determinations)}" if s.determinations else ""
        lines = [
            f"统计期间共收到容错免责申请{s.received}件（其中超过申请期限提出{s.late_applications}件）；"
            f"受理{s.accepted}件，不予受理{s.rejected}件，申请人撤回{s.withdrawn}件；出具书面调查报告{s.reports}件；"
            f"作出认定{s.determinations}件{'，其中' + outcomes if outcomes else ''}；"
            f"予以容错（{tolerant_labels}）{s.tolerant}件{share}。",
            f"{self._durations()}逾期出具调查报告{s.reports_late}件，逾期下发认定书{s.letters_late}件；"
            f"截至{chinese_date(s.as_of)}，超期未出具调查报告{s.overdue_now_report}件，"
            f"超期未下发认定书{s.overdue_now_letter}件。",
        ]
        if s.estimated_years:
            years = "、".join(str(y) for y in s.estimated_years)
            lines.append(f"{years}年尚无官方节假日安排，该年的期限和工作日按法定节假日规则估算。")
        out: list[Flowable] = [self.heading("总体情况"), *(self.para(t, "body") for t in lines), Spacer(1, 6)]
        pairs = [("收到申请", s.received), ("其中逾期申请", s.late_applications), ("受理", s.accepted),
                 ("不予受理", s.rejected), ("申请人撤回", s.withdrawn), ("出具调查报告", s.reports),
                 ("作出认定", s.determinations), ("其中予以容错", s.tolerant)]
        rows = [[pairs[i][0], pairs[i][1], pairs[i + 1][0], pairs[i + 1][1]] for i in range(0, len(pairs), 2)]
        w = FRAME_W / 4
        out.append(self.table(["项目", "件数", "项目", "件数"], rows, [w * 1.3, w * 0.7, w * 1.3, w * 0.7],
                              left_cols=(0, 2)))
        out += [Spacer(1, 8), self.para("本期收到的申请目前所处状态（件）", "caption"), Spacer(1, 2)]
        statuses = [c.label for c in s.received_by_status] + ["合计"]
        counts: list[object] = [*(c.count for c in s.received_by_status), s.received]
        out.append(self.table(statuses, [counts], [FRAME_W / len(statuses)] * len(statuses), left_cols=()))
        return out

    def _durations(self) -> str:
        s = self.s
        parts = []
        if s.avg_workdays_to_report is not None:
            parts.append(f"自受理至出具调查报告平均用时{s.avg_workdays_to_report:.1f}个工作日（{s.reports_timed}件）")
        if s.avg_workdays_to_determination is not None:
            parts.append(f"自出具调查报告至作出认定平均用时{s.avg_workdays_to_determination:.1f}个工作日"
                         f"（{s.determinations_timed}件）")
        return "，".join(parts) + "；" if parts else ""

    def months(self) -> list[Flowable]:
        s = self.s
        by_year = len(s.by_month) > 24
        groups: list[tuple[str, str, list[int]]] = []      # (table label, chart label, 4 counts)
        for m in s.by_month:
            values = [m.received, m.accepted, m.determined, m.tolerant]
            if by_year:
                year = m.month[:4]
                if groups and groups[-1][0] == f"{year}年":
                    groups[-1] = (groups[-1][0], groups[-1][1], [a + b for a, b in zip(groups[-1][2], values, strict=True)])
                else:
                    groups.append((f"{year}年", year, values))
            else:
                same_year = s.date_from.year == s.date_to.year
                groups.append((m.label, f"{int(m.month[5:])}月" if same_year else m.month, values))
        out: list[Flowable] = [self.heading("按年度统计" if by_year else "按月份统计")]
        chart = self.bar_chart([g[1] for g in groups], [[g[2][0] for g in groups], [g[2][2] for g in groups]],
                               ["收到申请", "作出认定"])
        rows = [[g[0], *g[2]] for g in groups]
        total = ["合计", s.received, s.accepted, s.determinations, s.tolerant]
        w = FRAME_W * 0.18
        table = self.table(["年度" if by_year else "月份", "收到申请", "受理", "作出认定", "其中予以容错"], rows,
                           [FRAME_W - 4 * w, w, w, w, w], total=total)
        return [KeepTogether([*out, chart, Spacer(1, 6), table])]

    def value_axis(self, chart: Any, top: int, step: int) -> None:
        """The count axis of a bar chart, 0 to ``top`` by ``step``, with light grid lines."""
        axis = chart.valueAxis
        axis.valueMin, axis.valueMax, axis.valueStep = 0, top, step
        axis.labels.fontName = self.face_for_all("body", "0123456789")
        axis.labels.fontSize = CHART_PT
        axis.strokeColor = GRID
        axis.visibleGrid = True
        axis.gridStrokeColor = colors.HexColor("#D9D9D9")
        axis.gridStrokeWidth = 0.4

    def bar_chart(self, labels: Sequence[str], series: Sequence[Sequence[int]], names: Sequence[str]) -> Drawing:
        height = 66 * mm
        drawing = Drawing(FRAME_W, height)
        chart = VerticalBarChart()
        chart.x, chart.y = 28, 26
        chart.width, chart.height = FRAME_W - 36, height - 26 - 26
        chart.data = [list(values) for values in series]
        chart.groupSpacing = 6 if len(labels) > 12 else 10
        chart.barSpacing = 1
        for i in range(len(series)):
            chart.bars[i].fillColor = SERIES[i % len(SERIES)]
            chart.bars[i].strokeColor = None
        axis_face = self.face_for_all("body", "".join(labels))
        chart.categoryAxis.categoryNames = list(labels)
        chart.categoryAxis.labels.fontName = axis_face
        chart.categoryAxis.labels.fontSize = CHART_PT
        chart.categoryAxis.labels.boxAnchor = "n"
        chart.categoryAxis.labels.dy = -3
        if len(labels) > 12:
            chart.categoryAxis.labels.angle = 45
            chart.categoryAxis.labels.boxAnchor = "ne"
        chart.categoryAxis.strokeColor = GRID
        top, step = _scale(max((v for values in series for v in values), default=0))
        self.value_axis(chart, top, step)
        # Counts above the bars, when the widest fits over its bar.
        bar_w = (chart.width / max(1, len(labels)) - chart.groupSpacing) / max(1, len(series))
        widest = pdfmetrics.stringWidth(str(top), chart.valueAxis.labels.fontName, CHART_PT - 1)
        if widest <= bar_w - 1:
            chart.barLabelFormat = _bar_label
            chart.barLabels.fontName = chart.valueAxis.labels.fontName
            chart.barLabels.fontSize = CHART_PT - 1
            chart.barLabels.nudge = 5
        drawing.add(chart)
        drawing.add(self.chart_string(chart.x - 4, chart.y + chart.height + 8, "件", anchor="end"))
        drawing.add(self.legend(FRAME_W - 150, height - 4, list(zip(SERIES, names, strict=False)), columns=len(names)))
        return drawing

    def outcomes(self) -> list[Flowable]:
        s = self.s
        head = self.heading("按认定结果统计")
        if not s.determinations:
            return [head, self.para("统计期间没有作出认定。", "body")]
        size = 44 * mm
        drawing = Drawing(size + 4, size + 4)
        pie = Pie()
        pie.x, pie.y = 2, 2
        pie.width = pie.height = size
        shown = [(o, OUTCOME_COLOURS[i % len(OUTCOME_COLOURS)]) for i, o in enumerate(s.by_outcome)]
        slices = [(o, c) for o, c in shown if o.count]
        pie.data = [o.count for o, _ in slices]
        pie.labels = None
        pie.startAngle = 90
        pie.direction = "clockwise"
        pie.slices.strokeColor = colors.white
        pie.slices.strokeWidth = 1
        for i, (_, colour) in enumerate(slices):
            pie.slices[i].fillColor = colour
        drawing.add(pie)
        # The table beside the pie is its legend: a swatch of each slice's colour before the outcome.
        rows = [["", o.label + ("（容错）" if o.tolerant else ""), o.count, _percent(o.count, s.determinations)]
                for o in s.by_outcome]
        width = FRAME_W - size - 12 * mm
        swatch = 6 * mm
        w = (width - swatch) / 4
        table = self.table(["认定结果", "", "件数", "占比"], rows, [swatch, 2 * w, w, w],
                           total=["合计", "", s.determinations, "100%"], left_cols=(0, 1))
        table.setStyle(TableStyle([("SPAN", (0, 0), (1, 0)), ("SPAN", (0, -1), (1, -1)),
                                   *(("BACKGROUND", (0, i), (0, i), colour) for i, (_, colour) in enumerate(shown, 1))]))
        side_by_side = Table([[drawing, table]], colWidths=[FRAME_W - width, width], hAlign="CENTER")
        side_by_side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                          ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        return [KeepTogether([head, Spacer(1, 4), side_by_side])]

    def situations(self) -> list[Flowable]:
        s = self.s
        head = self.heading("按容错情形统计")
        items = list(s.by_situation)
        labels = [i.label for i in items]
        face = self.face_for_all("body", "".join(labels))
        label_w = max((pdfmetrics.stringWidth(t, face, CHART_PT) for t in labels), default=0)
        per = 19.0
        height = len(items) * per + 46
        drawing = Drawing(FRAME_W, height)
        chart = HorizontalBarChart()
        chart.x, chart.y = label_w + 10, 20
        chart.width, chart.height = FRAME_W - chart.x - 24, height - 20 - 24
        # reportlab draws the first category at the bottom: reverse, so （一） is on top
        chart.data = [[i.applied for i in reversed(items)], [i.found for i in reversed(items)]]
        chart.categoryAxis.categoryNames = list(reversed(labels))
        chart.categoryAxis.labels.fontName = face
        chart.categoryAxis.labels.fontSize = CHART_PT
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -4
        chart.categoryAxis.strokeColor = GRID
        chart.groupSpacing = 4
        chart.barSpacing = 0.5
        for i in range(2):
            chart.bars[i].fillColor = SERIES[i]
            chart.bars[i].strokeColor = None
        top, step = _scale(max([i.applied for i in items] + [i.found for i in items], default=0))
        self.value_axis(chart, top, step)
        chart.barLabelFormat = _bar_label
        chart.barLabels.fontName = chart.valueAxis.labels.fontName
        chart.barLabels.fontSize = CHART_PT - 1
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
        chart.barLabels.nudge = 0
        drawing.add(chart)
        drawing.add(self.legend(FRAME_W - 150, height - 4, [(SERIES[0], "申请适用"), (SERIES[1], "认定予以容错")],
                                columns=2))
        rows = [[i.label, i.applied, i.found] for i in items]
        w = FRAME_W * 0.22
        table = self.table(["容错情形", "申请适用（件）", "认定予以容错（件）"], rows, [FRAME_W - 2 * w, w, w])
        note = self.para("一件申请可以适用多项容错情形，各项分别计数，因此各项之和可能大于申请件数或容错件数。", "note")
        return [KeepTogether([head, drawing, Spacer(1, 6), table, Spacer(1, 3), note])]

    def groups(self, heading: str, label: str, rows: Iterable[GroupCount], note: str) -> list[Flowable]:
        head = self.heading(heading)
        data = [[g.label, g.received, g.determined, g.tolerant] for g in rows]
        if not data:
            return [head, self.para("统计期间没有收到申请，也没有作出认定。", "body")]
        w = FRAME_W * 0.16
        table = self.table([label, "收到申请", "作出认定", "其中予以容错"], data, [FRAME_W - 3 * w, w, w, w])
        return [KeepTogether([head, table, Spacer(1, 3), self.para(note, "note")])]

    def deadlines(self) -> list[Flowable]:
        s = self.s
        as_of = chinese_date(s.as_of)

        def days(value: float | None, n: int) -> str:
            return "—" if value is None else f"{value:.1f} 个工作日（{n} 件）"

        rows: list[list[object]] = [
            ["本期出具的调查报告中，晚于出具调查报告期限的", f"{s.reports_late} 件"],
            ["本期作出的认定中，认定书逾期下发的", f"{s.letters_late} 件"],
            [f"截至{as_of}超期未出具调查报告的", f"{s.overdue_now_report} 件"],
            [f"截至{as_of}超期未下发认定书的", f"{s.overdue_now_letter} 件"],
            ["自受理至出具调查报告平均用时", days(s.avg_workdays_to_report, s.reports_timed)],
            ["自出具调查报告至作出认定平均用时", days(s.avg_workdays_to_determination, s.determinations_timed)],
            ["本期收到的申请中，期限按估算节假日安排计算的", f"{s.estimated_deadlines} 件"],
        ]
        table = self.table(["项目", "情况"], rows, [FRAME_W * 0.68, FRAME_W * 0.32])
        return [KeepTogether([self.heading("期限执行情况"), table])]

    def definitions(self) -> list[Flowable]:
        s = self.s
        as_of = chinese_date(s.as_of)
        tolerant = "、".join(o.label for o in s.by_outcome if o.tolerant)
        notes = [
            f"统计期间为{chinese_date(s.date_from)}至{chinese_date(s.date_to)}（含起止日）。各项按该事项发生的日期计入，"
            "不论申请何时收到。",
            "收到申请按收到书面申请的日期计；逾期申请指超过申请期限（启动追责程序后规定的工作日数）提出的申请。",
            "受理、不予受理、撤回按其日期计；不予受理或撤回后重新打开的案件，不再计为不予受理或撤回。",
            "出具调查报告、作出认定每件案件只计一次，以统计期间内最后一次为准；认定结果按该次认定。"
            f"予以容错指认定为{tolerant}。",
            "容错情形：“申请适用”按本期收到的申请所列情形计；“认定予以容错”按本期认定予以容错的案件所申请的情形计。",
            "单位、单位类型按涉及干部在该案件中的单位及其类型计，涉及多个单位（类型）的分别计数。",
            "认定书送达问责实施机关和申请人两方晚于认定书期限，或期限已过尚未两方送达的，为逾期下发；"
            f"超期未出具调查报告、超期未下发认定书指截至{as_of}已过期限仍未办结的案件（限统计截止日以前收到的申请）。",
            "用时按工作日计算（不含起算当日），节假日和调休按国务院公布的安排；尚无官方安排的年份按法定节假日规则估算。",
        ]
        return [KeepTogether([self.para("统计口径说明", "heading"),
                              *(self.para(f"{i}. {text}", "note") for i, text in enumerate(notes, start=1))])]


def _scale(top: int) -> tuple[int, int]:
    """A value axis from 0: (maximum, step), at most 6 round steps (1, 2 or 5 × 10ⁿ), with room
    above the tallest bar for its label."""
    if top <= 0:
        return 1, 1
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = magnitude * factor
            steps = math.ceil(top / step) + (1 if top % step == 0 else 0)
            if steps <= 6:
                return step * steps, step
        magnitude *= 10


def _bar_label(value: object) -> str:
    return "" if not value else f"{value:g}" if isinstance(value, float) else str(value)


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"

def _number(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)
