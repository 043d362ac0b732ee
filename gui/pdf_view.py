"""A PDF's pages inside the program, and printing them.

PySide6-Essentials has no QtPdf, so pypdfium2 renders each page to an image. pdfium is not
thread-safe: every call to it runs on the task runner's one worker thread, which also keeps a long
document from freezing the window. Qt allows painting on a QImage or a QPrinter outside the GUI
thread, so printing runs there too.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import UserError
from gui import desktop
from gui.qt import (
    QDialog,
    QHBoxLayout,
    QImage,
    QLabel,
    QPageLayout,
    QPageSize,
    QPainter,
    QPixmap,
    QPrintDialog,
    QPrinter,
    QPushButton,
    QRect,
    QScrollArea,
    QSize,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

if TYPE_CHECKING:
    from gui.tasks import TaskRunner

POINTS_PER_INCH = 72
# Above this a printed page only grows (an A4 page at 600 dpi is already a 100 MB image).
MAX_PRINT_DPI = 600
PAGE_MARGIN = 16           # around and between the pages in the preview
RERENDER_AFTER_MS = 200    # wait for the officer to finish resizing before rendering sharper pages


# --- pdfium: only ever called on the worker thread -------------------------------------------------

def _open_pdf(path: Path) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(path)
    except (OSError, pdfium.PdfiumError) as exc:
        raise UserError(f"无法打开 PDF 文件 {path.name}：{exc}") from None


def _page_image(page: Any, scale: float) -> QImage:
    bitmap = page.render(scale=scale, rev_byteorder=True)    # RGB byte order, as QImage reads it
    try:
        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
        return image.copy()    # own the pixels: pdfium's buffer goes with the bitmap
    finally:
        bitmap.close()


def render_pages(path: Path, width_px: int) -> list[QImage]:
    """Every page of the PDF as an image ``width_px`` pixels wide."""
    pdf = _open_pdf(path)
    try:
        images = []
        for index in range(len(pdf)):
            page = pdf[index]
            images.append(_page_image(page, width_px / page.get_size()[0]))
            page.close()
        return images
    finally:
        pdf.close()


def print_pages(path: Path, printer: QPrinter) -> int:
    """Paint the PDF's pages (the range the officer chose, else all) onto ``printer``, each rendered
    at the printer's resolution and fitted to the sheet; the number of pages printed."""
    pdf = _open_pdf(path)
    painter = QPainter()
    try:
        pages = _page_range(printer, len(pdf))
        if not pages:
            raise UserError(f"所选页码超出范围：本文件共 {len(pdf)} 页")
        # A driver that cannot make copies itself leaves them to us (Qt: supportsMultipleCopies).
        pages *= 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
        if not painter.begin(printer):
            raise UserError("无法开始打印，请检查打印机是否已连接并可用")
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        sheet = printer.pageLayout().fullRectPixels(printer.resolution())
        for n, index in enumerate(pages):
            if n:
                printer.newPage()
            page = pdf[index]
            image = _page_image(page, dpi / POINTS_PER_INCH)
            page.close()
            painter.drawImage(_fitted(sheet, image.size()), image)
        return len(pages)
    finally:
        if painter.isActive():
            painter.end()
        pdf.close()


def _page_range(printer: QPrinter, total: int) -> list[int]:
    first, last = printer.fromPage(), printer.toPage()     # 0, 0: every page
    if first == 0 and last == 0:
        return list(range(total))
    return list(range(max(first, 1) - 1, min(last or total, total)))


def _fitted(sheet: QRect, size: QSize) -> QRect:
    """``size`` scaled to fit ``sheet``, centred (a PDF page that is not A4 is not stretched)."""
    scaled = size.scaled(sheet.size(), Qt.AspectRatioMode.KeepAspectRatio)
    left = sheet.x() + (sheet.width() - scaled.width()) // 2
    top = sheet.y() + (sheet.height() - scaled.height()) // 2
    return QRect(left, top, scaled.width(), scaled.height())


# --- the parts tests replace -----------------------------------------------------------------------

def choose_printer(parent: QWidget | None) -> QPrinter | None:
    """The print dialog: A4, full page (the PDF carries its own margins); None when cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    for option in (QPrintDialog.PrintDialogOption.PrintPageRange, QPrintDialog.PrintDialogOption.PrintToFile,
                   QPrintDialog.PrintDialogOption.PrintShowPageSize, QPrintDialog.PrintDialogOption.PrintCollateCopies):
        dialog.setOption(option, True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    printer.setFullPage(True)
    return printer


def print_pdf(runner: TaskRunner, path: Path, parent: QWidget, on_done: Any = None) -> None:
    """Ask for a printer, then print ``path`` on the worker; ``on_done(pages)`` afterwards."""
    printer = choose_printer(parent)
    if printer is None:
        return
    printer.setFullPage(True)
    runner.run(lambda ws: print_pages(path, printer), on_done, parent=parent, label="正在打印…")


# --- widgets ---------------------------------------------------------------------------------------

class PdfPageView(QScrollArea):
    """The pages one under another, each as wide as the view (zoom to width)."""

    rendered = Signal(int)      # pages now shown

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._path: Path | None = None
        self._images: list[QImage] = []
        self._labels: list[QLabel] = []
        self._rendered_px = 0
        self._generation = 0         # an answer for a file no longer shown is dropped
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RERENDER_AFTER_MS)
        self._timer.timeout.connect(self._sharpen)
        self.setWidgetResizable(True)
        # Always there, so the pages' width does not jump when the scroll bar comes and goes.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._sheet = QWidget()
        self._sheet.setObjectName("pdfSheet")
        self._sheet.setStyleSheet("#pdfSheet { background: #e4e7eb; }")
        self._layout = QVBoxLayout(self._sheet)
        self._layout.setContentsMargins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
        self._layout.setSpacing(PAGE_MARGIN)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._sheet)

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def page_count(self) -> int:
        return len(self._labels)

    def page_labels(self) -> list[QLabel]:
        return list(self._labels)

    @property
    def fit_width_px(self) -> int:
        """Device pixels a page is wide when it fills the view's width."""
        return self._wanted_px()

    @property
    def rendered_width_px(self) -> int:
        """Device pixels wide the pages were last rendered (sharp up to this width)."""
        return self._rendered_px

    def show_pdf(self, path: Path) -> None:
        self._path = path
        self._render()

    def clear(self) -> None:
        self._generation += 1
        self._path = None
        self._images = []
        self._set_labels(0)

    def _page_width(self) -> int:
        """Logical pixels a page may take: the view's width less the margins."""
        return max(200, self.viewport().width() - 2 * PAGE_MARGIN - 2)

    def _wanted_px(self) -> int:
        return round(self._page_width() * self.devicePixelRatioF())

    def _render(self) -> None:
        if self._path is None:
            return
        self._generation += 1
        generation, path, width_px = self._generation, self._path, self._wanted_px()
        self._runner.run(lambda ws: render_pages(path, width_px),
                         lambda images: self._arrived(generation, width_px, images), parent=self)

    def _arrived(self, generation: int, width_px: int, images: list[QImage]) -> None:
        if generation != self._generation:
            return
        self._images, self._rendered_px = images, width_px
        self._set_labels(len(images))
        self._fit()
        # The view may have grown while these were rendered (first shown, a window maximised).
        self._timer.start()
        self.rendered.emit(len(images))

    def _set_labels(self, count: int) -> None:
        while len(self._labels) > count:
            self._labels.pop().deleteLater()
        while len(self._labels) < count:
            label = QLabel()
            label.setStyleSheet("background: white; border: 1px solid #c4c9cf;")
            label.setAccessibleName(f"第 {len(self._labels) + 1} 页")
            self._layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self._labels.append(label)

    def _fit(self) -> None:
        """Scale the rendered pages to the view's width now; sharper ones follow once resizing stops."""
        ratio = self.devicePixelRatioF()
        width_px = self._wanted_px()
        for label, image in zip(self._labels, self._images, strict=True):
            pixmap = QPixmap.fromImage(image)
            if pixmap.width() != width_px:
                pixmap = pixmap.scaledToWidth(width_px, Qt.TransformationMode.SmoothTransformation)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)

    def _sharpen(self) -> None:
        # Shrinking a page stays sharp; enlarging one blurs it, so render again at the new width.
        if self._images and self._wanted_px() > self._rendered_px * 1.05:
            self._render()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._images:
            self._fit()
            self._timer.start()


class PdfPreview(QWidget):
    """A PDF's pages with what an officer does with them: print, open the folder."""

    printed = Signal(int)       # pages sent to the printer

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.title = QLabel()
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.print_document)
        self.folder_button = QPushButton("打开所在文件夹")
        self.folder_button.clicked.connect(self._open_folder)
        self.view = PdfPageView(runner, self)
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.folder_button)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self._set_enabled(False)

    def show_pdf(self, path: Path, caption: str | None = None) -> None:
        self.title.setText(caption or path.name)
        self.title.setToolTip(str(path))
        self._set_enabled(True)
        self.view.show_pdf(path)

    def clear(self) -> None:
        self.title.clear()
        self._set_enabled(False)
        self.view.clear()

    def _set_enabled(self, on: bool) -> None:
        self.print_button.setEnabled(on)
        self.folder_button.setEnabled(on)

    def print_document(self) -> None:
        path = self.view.path
        if path is not None:
            print_pdf(self._runner, path, self, self._printed)

    def _printed(self, pages: int) -> None:
        self.title.setText(f"{self.view.path.name if self.view.path else ''}（已送打印 {pages} 页）")
        self.printed.emit(pages)

    def _open_folder(self) -> None:
        path = self.view.path
        if path is not None:
            desktop.open_path(path.parent)
