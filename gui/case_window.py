"""One case: its header with the deadline that matters now, a timeline, and a tab per stage of the
procedure with the actions that stage allows. A disabled action says on hover why it is not
allowed now; every action opens a form that checks as the officer types."""
from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from core.workflow import ACTION_LABELS, why_not
from gui import desktop
from gui.case_list_model import deadline_text
from gui.qt import (
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QShortcut,
    QSplitter,
    Qt,
    QTabWidget,
    QTextBrowser,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gui.tasks import TaskRunner

# (tab title, actions offered on that tab)
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("申请", ("accept", "reject", "withdraw")),
    ("受理与暂缓追责", ("accept", "reject")),
    ("核实", ("note", "evidence", "expert", "extend")),
    ("调查报告", ("report",)),
    ("认定", ("determine",)),
    ("送达", ("deliver",)),
    ("归档", ("archive", "reopen")),
]
STATUS_COLORS = {"registered": "#5f6368", "investigating": "#1f4e8c", "reported": "#7b4fa3",
                 "determined": "#0b7a4b", "archived": "#3c4043", "rejected": "#b3261e", "withdrawn": "#8d6e63"}
ACTION_SHORTCUTS = {"note": "Ctrl+Shift+N", "evidence": "Ctrl+Shift+E", "report": "Ctrl+Shift+R",
                    "determine": "Ctrl+Shift+D", "deliver": "Ctrl+Shift+S"}


def table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "<p style='color:#5f6368'>（暂无）</p>"
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td valign='top'>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table cellspacing='0' cellpadding='4' border='1' style='border-color:#d9dde3' width='100%'><tr style='background:#f1f3f6'>{head}</tr>{body}</table>"


def para(label: str, text: Any) -> str:
    value = escape(str(text or "")).replace("\n", "<br>") or "<span style='color:#5f6368'>（未填写）</span>"
    return f"<p><b>{escape(label)}：</b>{value}</p>"


class CaseWindow(QMainWindow):
    changed = Signal()

    def __init__(self, runner: TaskRunner, number: str, outcome_labels: dict[str, str] | None = None) -> None:
        super().__init__()
        self.runner, self.number = runner, number
        self.outcome_labels = outcome_labels or {}
        self.details: dict[str, Any] = {}
        self.policy: Any = None
        self.today = date.today()
        self.setWindowTitle(f"案件 {number}")
        self.resize(1180, 760)
        self.action_buttons: dict[str, list[QPushButton]] = {}
        self._build()
        self.load()

    # --- layout -------------------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel(f"案件 {self.number}")
        self.title.setProperty("role", "title")
        self.status = QLabel()
        self.deadline = QLabel()
        self.deadline.setObjectName("deadline")
        top = QHBoxLayout()
        for widget in (self.title, self.status):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.deadline)
        layout.addLayout(top)
        self.warnings = QLabel()
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color:#8a5300; background:#fff4dc; padding:4px 8px; border-radius:4px;")
        layout.addWidget(self.warnings)
        splitter = QSplitter()
        self.timeline = QListWidget()
        self.timeline.setObjectName("timeline")
        self.timeline.setMinimumWidth(260)
        splitter.addWidget(self._titled("办理经过", self.timeline))
        self.tabs = QTabWidget()
        self.pages: dict[str, QTextBrowser] = {}
        for title, actions in STAGES:
            self.tabs.addTab(self._stage_tab(title, actions), title)
        self.tabs.addTab(self._documents_tab(), "文书")
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 880])
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        QShortcut(QKeySequence("F5"), self, activated=self.load)
        QShortcut(QKeySequence("Ctrl+W"), self, activated=self.close)
        for action, keys in ACTION_SHORTCUTS.items():
            QShortcut(QKeySequence(keys), self, activated=lambda a=action: self.start_action(a))

    def _titled(self, title: str, widget: QWidget) -> QWidget:
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        label = QLabel(title)
        label.setProperty("role", "hint")
        column.addWidget(label)
        column.addWidget(widget, 1)
        return host

    def _stage_tab(self, title: str, actions: tuple[str, ...]) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        buttons = QHBoxLayout()
        for action in actions:
            button = QPushButton(ACTION_LABELS[action] + "…")
            button.setObjectName(f"{action}-button")
            shortcut = ACTION_SHORTCUTS.get(action)
            button.setProperty("shortcut", shortcut or "")
            button.clicked.connect(lambda _=False, a=action: self.start_action(a))
            buttons.addWidget(button)
            self.action_buttons.setdefault(action, []).append(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        browser = QTextBrowser()
        browser.setOpenLinks(False)
        browser.anchorClicked.connect(self._open_link)
        column.addWidget(browser, 1)
        self.pages[title] = browser
        return page

    def _documents_tab(self) -> QWidget:
        from gui.documents_panel import DocumentsPanel

        self.documents = DocumentsPanel(self.runner, self.number)
        return self.documents

    # --- data -------------------------------------------------------------------------------------

    def load(self) -> None:
        from core.services.case_view import case_actors, case_details

        def fetch(ws: Any) -> tuple[dict[str, Any], Any, date, dict[str, str]]:
            details = case_details(ws, self.number)
            return details, ws.policy(details["policy"]), ws.today(), case_actors(ws, details["uuid"])

        self.runner.run(fetch, self._show, parent=self)

    def _show(self, loaded: tuple[dict[str, Any], Any, date, dict[str, str]]) -> None:
        from core.services.case_view import case_timeline

        self.details, self.policy, self.today, actors = loaded
        d = self.details
        self.setWindowTitle(f"案件 {d['number']} — {d['applicant']['name']}")
        self.title.setText(f"案件 {d['number']}　{d['applicant']['name']}")
        color = STATUS_COLORS.get(d["status"], "#5f6368")
        self.status.setText(d["status_label"])
        self.status.setStyleSheet(f"color:white; background:{color}; padding:3px 10px; border-radius:10px;")
        self._show_deadline(d)
        self.warnings.setText("\n".join(f"⚠ {w}" for w in d["warnings"]))
        self.warnings.setVisible(bool(d["warnings"]))
        self.timeline.clear()
        for event in case_timeline(d, actors):
            recorded = f"　（{event['actor']} 录入）" if event["actor"] else ""
            item = QListWidgetItem(f"{event['on']}　{event['title']}\n{event['detail']}{recorded}")
            item.setToolTip(event["detail"] + recorded)
            self.timeline.addItem(item)
        self._enable_actions(d)
        for title, browser in self.pages.items():
            browser.setHtml(self._stage_html(title, d))

    def _show_deadline(self, d: dict[str, Any]) -> None:
        active = d["active_deadline"]
        if not active:
            self.deadline.setText("当前无待办期限")
            self.deadline.setStyleSheet("color:#5f6368;")
            return
        self.deadline.setText(deadline_text(active, bool(d["estimated_years"])))
        color = {"overdue": "#b3261e", "due_soon": "#b26a00"}.get(active["state"], "#1f4e8c")
        self.deadline.setStyleSheet(f"color:{color}; font-weight:bold;")
        if d["estimated_years"]:
            years = "、".join(str(y) for y in d["estimated_years"])
            self.deadline.setToolTip(f"{years}年尚无官方节假日安排，此期限按法定节假日规则估算")

    def _enable_actions(self, d: dict[str, Any]) -> None:
        for action, buttons in self.action_buttons.items():
            reason = why_not(d["status"], action)
            for button in buttons:
                button.setEnabled(reason is None)
                keys = button.property("shortcut")
                button.setToolTip(reason or (f"{ACTION_LABELS[action]}（{keys}）" if keys else ACTION_LABELS[action]))

    # --- the tabs' contents -----------------------------------------------------------------------

    def _stage_html(self, title: str, d: dict[str, Any]) -> str:
        render = {"申请": self._application_html, "受理与暂缓追责": self._acceptance_html,
                  "核实": self._investigation_html, "调查报告": self._report_html,
                  "认定": self._determination_html, "送达": self._delivery_html, "归档": self._archive_html}
        return render[title](d)

    def _application_html(self, d: dict[str, Any]) -> str:
        a = d["applicant"]
        situations = "；".join(f"（{s.no}）{s.short}" for s in self.policy.situations if s.no in d["situations"])
        cadres = table(["姓名", "性别", "身份证号码", "工作单位", "职务", "单位类型", "人员类别"],
                       [[escape(str(c[k] or "")) for k in ("name", "gender", "id_number", "unit", "position",
                                                           "organ_type", "staff_type")] for c in d["cadres"]])
        acc = d["accountability"]
        return "".join([
            "<h3>申请人</h3>", para("申请人", f"{a['name']}（{'个人' if a['kind'] == 'person' else '单位'}）"),
            para("联系人", a.get("contact_person")), para("联系电话", a.get("phone")),
            "<h3>涉及干部</h3>", cadres,
            "<h3>追责情况</h3>", para("问责实施机关", acc["organ"]), para("启动追责日期", acc["started_on"]),
            para("追责事项", acc["matter"]),
            "<h3>申请</h3>", para("收到申请日期", d["received_on"]), para("申请期限", d["deadlines"]["application_due"]),
            para("申请适用的容错情形", situations), para("申请理由", d["statement"]),
            para("提交的材料", "；".join(d["materials"])),
        ])

    def _acceptance_html(self, d: dict[str, Any]) -> str:
        parts = [para("受理日期", d["accepted_on"])]
        if d["rejected_on"]:
            parts += [para("不予受理日期", d["rejected_on"]), para("不予受理理由", d["rejection_reason"])]
        if d["late_application"]:
            parts.append(para("逾期申请受理理由", d["late_reason"]))
        rows = [[escape(s["suspended_on"]), "本机关暂缓追责" if s["mode"] == "self" else escape(f"通知{s['notified_department']}"),
                 "另有其他问题线索" if s["clue_scope"] == "other" else "单一问题线索", escape(s["other_clues"] or "")]
                for s in d["suspensions"]]
        parts += ["<h3>暂缓追责</h3>", table(["日期", "方式", "问题线索", "其他线索情况"], rows)]
        if d["withdrawn_on"]:
            parts += [para("撤回日期", d["withdrawn_on"]), para("撤回理由", d["withdrawal_reason"])]
        return "".join(parts)

    def _investigation_html(self, d: dict[str, Any]) -> str:
        deadlines = d["deadlines"]
        notes = [[escape(n["held_on"]), escape(n["interviewee"] or ""), escape(n["interviewers"] or ""),
                  escape(n["text"][:200]).replace("\n", "<br>")] for n in d["notes"]]
        evidence = [[escape(e["received_on"]), escape(e["title"]), escape(e["source"] or ""), str(e["pages"] or ""),
                     "<br>".join(f"<a href='file-sha256:{f['sha256']}'>{escape(f['original_name'])}</a>" for f in e["files"])]
                    for e in d["evidence"]]
        assessments = [[escape(a["held_on"]), escape(a["kind_label"]), escape(a["participants"]),
                        escape(a["opinion"][:200])] for a in d["assessments"]]
        extensions = [[escape(x["approved_on"]), str(x["days"]), escape(x["reason"]), escape(x["approver"])]
                      for x in d["extensions"]]
        return "".join([
            para("调查报告期限", deadlines["report_due"]), para("核实最长期限", deadlines["report_limit"]),
            "<h3>谈话（调查）笔录</h3>", table(["日期", "被谈话人", "谈话人", "内容摘要"], notes),
            "<h3>证据材料</h3>", table(["日期", "名称", "来源", "页数", "附件（点击打开）"], evidence),
            "<h3>专家（部门）评估意见</h3>", table(["日期", "方式", "参加人", "意见摘要"], assessments),
            "<h3>延长核实期限</h3>", table(["批准日期", "工作日", "理由", "批准人"], extensions),
        ])

    def _report_html(self, d: dict[str, Any]) -> str:
        if not d["reports"]:
            return para("调查报告期限", d["deadlines"]["report_due"]) + "<p>尚未出具调查报告。</p>"
        parts = []
        for r in d["reports"]:
            exclusions = "；".join(f"（{e.no}）{e.short}" for e in self.policy.exclusions if e.no in r["exclusions"]) or "无"
            analysis = "".join(para(f"对照容错情形（{no}）", text) for no, text in sorted(r["situation_analysis"].items()))
            distinctions = "".join(para(f"三个区分开来（{no}）", text) for no, text in sorted(r["distinctions"].items()))
            parts += [f"<h3>调查报告（{escape(r['reported_on'])}）</h3>", para("查明的事实", r["findings"]), analysis,
                      para("不得容错情形", exclusions), distinctions, para("拟认定意见", r["proposal_label"])]
        return "".join(parts)

    def _determination_html(self, d: dict[str, Any]) -> str:
        if not d["determinations"]:
            return para("下发认定书期限", d["deadlines"]["letter_due"]) + "<p>尚未作出认定。</p>"
        return "".join(
            f"<h3>认定（{escape(x['determined_on'])}）</h3>" + para("认定结果", x["outcome_label"])
            + para("认定理由", x["reasoning"]) + para("审批人", x["approver"]) for x in d["determinations"])

    def _delivery_html(self, d: dict[str, Any]) -> str:
        rows = [[escape(x["delivered_on"]), "问责实施机关" if x["recipient"] == "organ" else "申请单位或个人",
                 escape(x["recipient_name"]), escape(x["method"]), escape(x["receipt"] or "")] for x in d["deliveries"]]
        return "<h3>认定书送达</h3>" + table(["送达日期", "送达对象", "受送达人", "方式", "回执"], rows)

    def _archive_html(self, d: dict[str, Any]) -> str:
        rows = [[escape(a["archived_on"]), escape(a["volume_number"] or ""), escape(a["retention_period"]),
                 escape(a["classification"] or "")] for a in d["archive"]]
        reopen = [[escape(r["reopened_on"]), escape(r["reason"])] for r in d["reopenings"]]
        return ("<h3>归档</h3>" + table(["归档日期", "卷号", "保管期限", "密级"], rows)
                + "<h3>重新打开</h3>" + table(["日期", "理由"], reopen))

    # --- actions --------------------------------------------------------------------------------

    def start_action(self, action: str) -> Any:
        """Open the form for an action, or say why the procedure does not allow it now."""
        from gui import prompts
        from gui.action_dialog import ActionDialog

        if not self.details:
            return None
        reason = why_not(self.details["status"], action)
        if reason:
            prompts.warning(self, reason)
            return None
        dialog = ActionDialog(self.runner, self.number, action, self.details, self.policy, self.today, self)
        dialog.done.connect(self._action_done)
        dialog.open()
        return dialog

    def _action_done(self, result: Any) -> None:
        from gui import prompts

        self.load()
        self.documents.refresh()
        self.changed.emit()
        if result.warnings:
            prompts.warning(self, "\n".join(result.warnings))

    def _open_link(self, url: QUrl) -> None:
        from core.services.case_view import attached_file_for_viewing

        text = url.toString()
        if text.startswith("file-sha256:"):
            digest = text.removeprefix("file-sha256:")
            self.runner.run(lambda ws: attached_file_for_viewing(ws, digest), desktop.open_path, parent=self)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)
