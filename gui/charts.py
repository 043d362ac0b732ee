"""Small bar charts drawn with QPainter (PySide6-Essentials has no QtCharts): labelled horizontal
bars for categories, vertical bars for months."""
from __future__ import annotations

from typing import Any

from gui.qt import QColor, QFontMetrics, QPainter, QRectF, QSize, Qt, QWidget

BAR_COLOR = QColor("#3b6fb6")
GRID_COLOR = QColor("#d9dde3")
TEXT_COLOR = QColor("#3c4043")


class BarChart(QWidget):
    """``set_data([(label, value), ...])``; ``vertical`` for a time series (months)."""

    def __init__(self, title: str, vertical: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.vertical = vertical
        self.items: list[tuple[str, float]] = []
        self.setMinimumHeight(180)

    def set_data(self, items: list[tuple[str, float]]) -> None:
        self.items = list(items)
        if not self.vertical:
            self.setMinimumHeight(max(180, 40 + 24 * len(self.items)))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        rows = max(1, len(self.items))
        return QSize(420, 220 if self.vertical else 40 + rows * 26)

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        painter.setPen(TEXT_COLOR)
        title_font = self.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.drawText(QRectF(0, 0, self.width(), metrics.height() + 6), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(self.font())
        area = QRectF(0, metrics.height() + 10, self.width(), self.height() - metrics.height() - 12)
        if not self.items or max(v for _, v in self.items) <= 0:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "（本期无数据）")
            return
        if self.vertical:
            self._columns(painter, area, metrics)
        else:
            self._rows(painter, area, metrics)

    def _rows(self, painter: QPainter, area: QRectF, metrics: QFontMetrics) -> None:
        label_width = min(area.width() * 0.45, max(metrics.horizontalAdvance(label) for label, _ in self.items) + 10)
        value_width = metrics.horizontalAdvance("00000") + 8
        top = max(v for _, v in self.items)
        row_height = min(26.0, area.height() / len(self.items))
        for i, (label, value) in enumerate(self.items):
            y = area.top() + i * row_height
            text_rect = QRectF(0, y, label_width - 6, row_height)
            painter.setPen(TEXT_COLOR)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(label, Qt.TextElideMode.ElideMiddle, int(label_width - 6)))
            span = area.width() - label_width - value_width
            bar = QRectF(label_width, y + row_height * 0.2, max(1.0, span * value / top), row_height * 0.6)
            painter.fillRect(bar, BAR_COLOR)
            painter.drawText(QRectF(bar.right() + 4, y, value_width, row_height),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{value:g}")

    def _columns(self, painter: QPainter, area: QRectF, metrics: QFontMetrics) -> None:
        top = max(v for _, v in self.items)
        label_height = metrics.height() + 4
        chart = QRectF(area.left() + 4, area.top() + label_height, area.width() - 8, area.height() - 2 * label_height)
        slot = chart.width() / len(self.items)
        painter.setPen(GRID_COLOR)
        painter.drawLine(chart.bottomLeft(), chart.bottomRight())
        for i, (label, value) in enumerate(self.items):
            height = chart.height() * value / top
            bar = QRectF(chart.left() + i * slot + slot * 0.2, chart.bottom() - height, slot * 0.6, height)
            painter.fillRect(bar, BAR_COLOR)
            painter.setPen(TEXT_COLOR)
            painter.drawText(QRectF(bar.left() - slot * 0.2, bar.top() - label_height, slot, label_height),
                             Qt.AlignmentFlag.AlignCenter, f"{value:g}")
            painter.drawText(QRectF(chart.left() + i * slot, chart.bottom() + 2, slot, label_height),
                             Qt.AlignmentFlag.AlignCenter,
                             metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(slot)))
