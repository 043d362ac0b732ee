"""Qt's own words in Chinese, a Chinese font where the system has none, and a crash that keeps
what the officer typed."""
from __future__ import annotations

from gui import app_setup, crash
from gui.qt import QDialogButtonBox, QFontDatabase, QFontMetrics, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget


def test_qt_buttons_speak_chinese(qapp) -> None:
    app_setup.make_application()
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Save)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    assert box.button(QDialogButtonBox.StandardButton.Save).text() == "保存"


def test_the_bundled_font_serves_chinese_when_the_system_has_no_chinese_font(qapp, monkeypatch) -> None:
    monkeypatch.setattr(QFontDatabase, "families", staticmethod(lambda *args: ["DejaVu Sans"]))
    font = app_setup.ui_font()
    assert font.family() == "Noto Sans SC"
    metrics = QFontMetrics(font)
    for text in "容错免责认定书䶮":
        assert metrics.inFont(text), text


def test_a_system_chinese_ui_font_is_preferred(qapp, monkeypatch) -> None:
    monkeypatch.setattr(QFontDatabase, "families", staticmethod(lambda *args: ["Microsoft YaHei UI", "SimSun"]))
    assert app_setup.ui_font().family() == "Microsoft YaHei UI"


def test_a_crash_keeps_what_the_officer_typed(qapp, qtbot, data_dir, prompter) -> None:
    window = QWidget()
    window.setWindowTitle("添加谈话（调查）笔录")
    layout = QVBoxLayout(window)
    note, secret = QPlainTextEdit("问：请说明经过。答：为加快办理……"), QLineEdit("password-1")
    secret.setEchoMode(QLineEdit.EchoMode.Password)
    layout.addWidget(note)
    layout.addWidget(secret)
    qtbot.addWidget(window)
    window.show()
    crash.install(data_dir)
    try:
        raise KeyError("boom")
    except KeyError as exc:
        crash.report(type(exc), exc, exc.__traceback__)
    [message] = prompter.of_kind("crash")
    assert "可以继续工作" in message
    [drafts] = (data_dir / "logs").glob("未保存的输入-*.txt")
    saved = drafts.read_text(encoding="utf-8")
    assert "问：请说明经过。答：为加快办理……" in saved and "添加谈话（调查）笔录" in saved
    assert "password-1" not in saved
    assert "KeyError" in (data_dir / "logs" / "error.log").read_text(encoding="utf-8")
    assert window.isVisible()
