"""Starting the desktop program on a large ledger, and its search box and scrolling.

A script, not a test: it prints figures, each beside the alternative a user would otherwise get,
measured in the same run, and ends with a Markdown table for docs/performance.md.

    .venv/bin/python bench/bench_gui_start.py [--cases 100000] [--runs 5] [--cache DIR] [--rebuild]

0. The ledger: ``--cases`` applications from bench/generate.py registered in bulk with
   ``register_cases``, ``--drive`` of them taken on with ``perform_action`` as bench_cases.py does
   (the same code), then the first start (office profile and an administrator). It is kept in
   ``--cache`` (default ``~/.cache/rongcuo-bench/``), keyed by case count, seed, drive count and
   schema version, and reused by later runs; the program's start does not write to it.
1. Start-up, each run in a new Python process with ``QT_QPA_PLATFORM=offscreen`` (unless set):
   the program's own path (``cli.main``'s imports and argument parsing, ``make_application``,
   ``open_runner``, ``start_info``, the sign-in dialog shown, the password submitted through it,
   so that ``sign_in`` runs on the worker as when an officer presses 登录, ``build_main_window``,
   ``show``), until the worker is idle (dashboard, backup reminder, first page and count), the
   list's first page is in the model, the dashboard is filled, and the window has painted them.
   Only typing the password is left out (human time).
   The clock starts in this process just before the child is spawned; the child reports
   ``time.time()`` at each stage, and which heavy modules (documents.*, reportlab, …) it had
   imported when it was ready. Side by side, the same start but with a naive table: every case at
   once with ``list_cases`` into a ``QStandardItemModel`` shown in a ``QTableView`` (no dashboard).
   One untimed run of each comes first (the file cache and the ``.pyc`` files warm), then the runs
   alternate.
2. The search box, in this process on the same ledger, warm: a 3-character name (FTS5 trigram), a
   2-character name and a 1-character query (LIKE over the search index), an 18-digit ID number,
   each as the window asks it (``search_cases(limit=100)`` and ``count_cases``), against a plain
   ``LIKE '%…%'`` over the same fields joined from the tables (a page of ids and a count).
3. Scrolling the whole list: pages 1, 500 and 1,000 (100 rows) with keyset paging (``after=``, as
   the window does) against ``LIMIT … OFFSET``.

Dates: today = 2026-11-27 for the ledger, the child's workspace and the searches.
"""
from __future__ import annotations

import time

SCRIPT_STARTED = time.time()   # the child's first moment in this file

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 27)
OFFICE = {"organ_name": "中共贺兰县纪律检查委员会", "letterhead": "中共贺兰县纪委 贺兰县监委", "code_prefix": "贺纪",
          "organ_kind": "纪检监察机关"}
ADMIN, PASSWORD = "马军", "bench-password-1"
# Modules the start must not need: letters, PDF and fonts come in when first used.
HEAVY = ("documents", "reportlab", "docx", "docxtpl", "pypdfium2", "fontTools", "jinja2", "lxml", "PIL", "openpyxl",
         "cryptography")
CHILD_TIMEOUT = 300


# --- the child: one start of the program ------------------------------------------------------------

def _wait_until(app: Any, condition: Callable[[], bool], timeout: float = CHILD_TIMEOUT) -> None:
    """Run the event loop until ``condition`` holds (the worker's answers arrive as queued events)."""
    from gui.qt import QEventLoop

    deadline = time.time() + timeout
    while not condition():
        if time.time() > deadline:
            raise TimeoutError("the program did not get ready in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 100)


def _start_and_sign_in(data_dir: Path, marks: dict[str, float]) -> tuple[Any, Any, Any, dict[str, Any]]:
    """``gui.app.run_gui`` up to the signed-in officer, with the password typed by this script."""
    # main.py → cli.main.run: the real program's first imports
    from cli.main import build_parser
    from core.data_dir import resolve_data_dir

    data_dir = resolve_data_dir(build_parser().parse_args(["--data-dir", str(data_dir)]).data_dir)
    from gui import crash
    from gui.app import folder_is_empty, open_runner, start_info
    from gui.app_setup import make_application
    marks["imports"] = time.time()
    if folder_is_empty(data_dir):
        raise SystemExit(f"no ledger in {data_dir}")

    app = make_application()
    crash.install(data_dir)
    marks["application"] = time.time()
    runner = open_runner(data_dir, today=lambda: TODAY)
    info = runner.call(start_info)
    marks["start_info"] = time.time()
    if info["first_start"]:
        raise SystemExit("the ledger has no administrator: build it again with --rebuild")

    # as gui.app._who_is_working for a folder that holds a ledger, but without dialog.exec()
    from gui.sign_in import SignInDialog

    dialog = SignInDialog(runner, info["names"], info["office"].get("organ_name", ""))
    dialog.show()
    app.processEvents()
    marks["sign_in_shown"] = time.time()
    dialog.name.setCurrentText(ADMIN)
    dialog.password.setText(PASSWORD)       # the officer's typing: no time here
    marks["password_typed"] = time.time()
    dialog.submit()                         # sign_in on the worker, as the 登录 button does
    _wait_until(app, lambda: dialog.officer is not None or bool(dialog.error.text()))
    if dialog.officer is None:
        raise SystemExit(f"sign-in refused: {dialog.error.text()}")
    dialog.hide()
    marks["signed_in"] = time.time()
    return app, runner, dialog.officer, info


def _heavy_modules() -> list[str]:
    return sorted(p for p in HEAVY if any(m == p or m.startswith(p + ".") for m in sys.modules))


def child_window(data_dir: Path) -> dict[str, Any]:
    marks = {"script": SCRIPT_STARTED}
    app, runner, officer, info = _start_and_sign_in(data_dir, marks)
    from gui.app import build_main_window

    window = build_main_window(runner, officer, info)
    marks["window_built"] = time.time()
    window.show()
    marks["shown"] = time.time()
    buttons = window.dashboard._status_buttons
    _wait_until(app, lambda: runner.pending == 0 and window.model.rowCount() > 0
                and not buttons[""].text().endswith("–"))
    marks["data"] = time.time()
    window.repaint()      # paint what arrived, now
    app.processEvents()
    marks["ready"] = time.time()
    result = {"marks": marks, "heavy": _heavy_modules(), "rows": window.model.rowCount(),
              "documents": sorted(m for m in sys.modules if m.startswith("documents.")),
              "total": window.model.total, "dashboard_all": buttons[""].text().split("\n")[-1],
              "attention": window.dashboard.attention.rowCount()}
    runner.shutdown()
    return result


def child_naive(data_dir: Path) -> dict[str, Any]:
    """The alternative: the same start, then every case at once into a plain item model."""
    marks = {"script": SCRIPT_STARTED}
    app, runner, _officer, _info = _start_and_sign_in(data_dir, marks)
    from core.services.case_view import list_cases
    from gui.case_list_model import COLUMNS, deadline_text
    from gui.qt import QMainWindow, QStandardItem, QStandardItemModel, QTableView

    rows = runner.call(list_cases)
    marks["listed"] = time.time()
    model = QStandardItemModel(0, len(COLUMNS))
    model.setHorizontalHeaderLabels([title for _key, title in COLUMNS])
    for case in rows:
        texts = (case["number"], case["applicant"], "、".join(case["cadres"]), case["received_on"],
                 case["status_label"], case["outcome"] or "", deadline_text(case["active_deadline"], case["estimated"]))
        model.appendRow([QStandardItem(text) for text in texts])
    marks["model_filled"] = time.time()
    window = QMainWindow()
    window.resize(1280, 760)
    table = QTableView()
    table.setModel(model)
    window.setCentralWidget(table)
    window.show()
    marks["shown"] = time.time()
    window.repaint()
    app.processEvents()
    marks["ready"] = time.time()
    result = {"marks": marks, "heavy": _heavy_modules(), "rows": model.rowCount()}
    runner.shutdown()
    return result


def child_main(mode: str, data_dir: Path) -> None:
    result = child_window(data_dir) if mode == "window" else child_naive(data_dir)
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    os._exit(0)   # the figures are out; Qt's and Python's teardown are not part of the start


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    child_main(sys.argv[2], Path(sys.argv[3]))


# --- the parent: the ledger, the runs, the search -----------------------------------------------

import argparse  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402

from bench.figures import fmt, markdown_table, median, progress, row, say, spread, timings  # noqa: E402

DEFAULT_CACHE = Path.home() / ".cache" / "rongcuo-bench"


def ledger(cache: Path, cases: int, seed: int, drive: int, batch: int, rebuild: bool) -> Path:
    """The data folder with ``cases`` generated cases: built once, then reused."""
    import shutil

    from bench.bench_cases import ACTOR, drive_cases, register_all, status_counts
    from bench.generate import applications
    from core.services.users import first_start
    from core.services.workspace import Workspace
    from models.migrations import LATEST_VERSION

    folder = cache / f"gui-{cases}-seed{seed}-drive{drive}-schema{LATEST_VERSION}"
    data_dir, marker = folder / "data", folder / "built.json"
    if marker.is_file() and not rebuild:
        say(f"# ledger: reusing {data_dir} (built {json.loads(marker.read_text())['built']})")
        return data_dir
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    say(f"# ledger: building {cases:,} cases in {data_dir}")
    started = time.perf_counter()
    ws = Workspace(data_dir, actor=ACTOR, today=lambda: TODAY)
    try:
        register_all(ws, applications(cases, seed), cases, 0, batch)
        drive_cases(ws, drive, random.Random(seed))
        first_start(ws, OFFICE, ADMIN, PASSWORD)
        counts = status_counts()
    finally:
        ws.close()
    took = time.perf_counter() - started
    marker.write_text(json.dumps({"cases": cases, "seed": seed, "drive": drive, "schema": LATEST_VERSION,
                                  "statuses": counts, "built": time.strftime("%Y-%m-%d %H:%M"),
                                  "seconds": round(took)}, ensure_ascii=False, indent=1))
    say(f"# ledger built in {fmt(took)}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    return data_dir


def spawn(mode: str, data_dir: Path) -> dict[str, Any]:
    """One start in a new process; the stage times are seconds since just before the spawn."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # as ./run.sh: compiled modules are kept
    spawned = time.time()
    child = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", mode, str(data_dir)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = child.communicate(timeout=CHILD_TIMEOUT)
    exited = time.time()
    lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
    if child.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} start failed ({child.returncode}): {err.strip()[-2000:]}")
    result = json.loads(lines[-1].removeprefix("RESULT "))
    result["at"] = {name: moment - spawned for name, moment in result["marks"].items()}
    result["at"]["exited"] = exited - spawned
    return result


WINDOW_STAGES = (   # (mark, what happened between the previous mark and this one)
    ("script", "Python start-up (interpreter, site, this script's first line)"),
    ("imports", "imports: `cli.main`, `gui.app`, `gui.app_setup`, PySide6"),
    ("application", "`make_application` (translations, UI font, style)"),
    ("start_info", "`open_runner` + `start_info` (opening the database on the worker)"),
    ("sign_in_shown", "sign-in dialog built and shown"),
    ("signed_in", "password checked: `sign_in` on the worker (scrypt)"),
    ("window_built", "`build_main_window` (imports `gui.main_window`, builds the widgets, asks for the data)"),
    ("shown", "`window.show()`"),
    ("data", "waiting for the worker: `dashboard`, `backup_status`, the first page and `count_cases`"),
    ("ready", "painting what arrived"),
)


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_start(data_dir: Path, runs: int) -> None:
    say(f"# warm-up: one untimed start of each ({load()})")
    spawn("window", data_dir)
    spawn("naive", data_dir)
    window: list[dict[str, Any]] = []
    naive: list[dict[str, Any]] = []
    for i in range(runs):
        window.append(spawn("window", data_dir))
        naive.append(spawn("naive", data_dir))
        progress(f"run {i + 1}/{runs}: window ready at {fmt(window[-1]['at']['ready'])}, "
                 f"naive at {fmt(naive[-1]['at']['ready'])}")

    say(f"# starts done ({load()})")

    def at(results: list[dict[str, Any]], mark: str) -> list[float]:
        return [r["at"][mark] for r in results]

    def stage(results: list[dict[str, Any]], mark: str, previous: str) -> list[float]:
        return [r["at"][mark] - r["at"][previous] for r in results]

    first = window[0]
    heavy = sorted({m for r in window for m in r["heavy"]})
    absent = [m for m in HEAVY if m not in heavy]
    row("1 start", f"start to a usable main window: {first['rows']} rows of {first['total']:,} in the list, "
        f"dashboard filled (全部 {first['dashboard_all']}, {first['attention']} deadlines listed); new process, "
        f"median of {runs}", spread(at(window, "ready")),
        f"the same start with a naive table: all {naive[0]['rows']:,} cases with `list_cases` into a "
        f"`QStandardItemModel` (no dashboard), median of {runs}", spread(at(naive, "ready")))
    row("1 start", "the same, until this process saw the child end (after `runner.shutdown()`; no Qt teardown)",
        spread(at(window, "exited")), "the same, naive table", spread(at(naive, "exited")))
    previous = None
    for mark, label in WINDOW_STAGES:
        if mark == "signed_in":   # from the moment the password was in the box
            times = stage(window, mark, "password_typed")
        else:
            times = at(window, mark) if previous is None else stage(window, mark, previous)
        row("1 start", f"of which: {label}", f"median {fmt(median(times))}")
        previous = mark
    row("1 start", "first window on screen (the sign-in dialog)", spread(at(window, "sign_in_shown")))
    row("1 start", "from pressing 登录 (password in the box) to a usable main window",
        spread(stage(window, "ready", "password_typed")))
    row("1 start", "naive table: of which `list_cases` of every case on the worker",
        f"median {fmt(median(stage(naive, 'listed', 'signed_in')))}")
    row("1 start", "naive table: of which filling the `QStandardItemModel` (7 items per case)",
        f"median {fmt(median(stage(naive, 'model_filled', 'listed')))}")
    row("1 start", "naive table: of which showing and painting it",
        f"median {fmt(median(stage(naive, 'ready', 'model_filled')))}")
    ours = sorted({m for r in window for m in r["documents"]})
    row("1 start", "heavy modules imported when ready (main window)",
        ", ".join(f"{m} ({', '.join(ours)})" if m == "documents" and ours else m for m in heavy) or "none",
        "not imported", ", ".join(absent) or "—")


# --- 2. search and 3. scrolling, in this process ---------------------------------------------------

def bench_search(data_dir: Path, seed: int, repeat: int) -> None:
    from bench.bench_cases import ACTOR, LIKE_COUNT_SQL, LIKE_SQL
    from core.services.dashboard import dashboard
    from core.services.search import count_cases, search_cases
    from core.services.workspace import Workspace
    from gui.case_list_model import PAGE_SIZE

    rng = random.Random(seed)
    ws = Workspace(data_dir, actor=ACTOR, today=lambda: TODAY)
    try:
        db = ws.adapter.db
        for label, work in (("`dashboard(ws)`", lambda: dashboard(ws)),
                            (f"`search_cases(ws, limit={PAGE_SIZE})` (first page)",
                             lambda: search_cases(ws, "", limit=PAGE_SIZE)),
                            ("`count_cases(ws)` (all)", lambda: count_cases(ws, ""))):
            work()
            row("1 start", f"the worker's share, again in this process, warm: {label}", spread(timings(work, repeat)[0]))

        def names(length: int) -> list[str]:
            return [n for (n,) in db.execute_sql(
                "SELECT name FROM cadre WHERE length(name) = ? ORDER BY id LIMIT 500", [length]).fetchall()]

        two = rng.choice(names(2))
        id_number = db.execute_sql("SELECT cd.id_number FROM cadre cd JOIN case_cadre cc ON cc.cadre_id = cd.id "
                                   "ORDER BY cd.id LIMIT 1 OFFSET ?", [rng.randrange(1000)]).fetchone()[0]
        queries = (("3-character name", rng.choice(names(3))), ("2-character name", two),
                   ("1 character (a surname)", two[0]), ("18-digit ID number", id_number),
                   ("3 characters found nowhere", "无此人"), ("2 characters found nowhere", "无某"))

        for label, text in queries:
            def window_asks(t: str = text) -> tuple[Any, int]:   # what CaseListModel.set_query runs
                return search_cases(ws, t, limit=PAGE_SIZE), count_cases(ws, t)

            def plain(t: str = text) -> tuple[int, int]:
                params = {"p": f"%{t}%", "n": PAGE_SIZE}
                ids = db.execute_sql(LIKE_SQL, params).fetchall()
                return len(ids), db.execute_sql(LIKE_COUNT_SQL, params).fetchone()[0]

            window_asks()   # warm
            page_times, _ = timings(lambda t=text: search_cases(ws, t, limit=PAGE_SIZE), repeat)
            count_times, total = timings(lambda t=text: count_cases(ws, t), repeat)
            both_times, (page, _) = timings(window_asks, repeat)
            plain_times, (plain_rows, plain_total) = timings(plain, repeat)
            shown = f"{text[:6]}…{text[-4:]}" if len(text) == 18 else text
            row("2 search", f"{label} “{shown}”: `search_cases(limit={PAGE_SIZE})` + `count_cases` "
                f"({len(page.rows)} rows, {total:,} found)",
                f"{fmt(median(both_times))} (page {fmt(median(page_times))}, count {fmt(median(count_times))})",
                f"plain `LIKE '%…%'` over the tables: a page of {plain_rows} ids + count ({plain_total:,})",
                spread(plain_times))
        bench_scroll(ws, repeat)
    finally:
        ws.close()


def bench_scroll(ws: Any, repeat: int) -> None:
    from core.services.case_view import list_query, list_rows
    from core.services.search import case_pk, search_cases
    from gui.case_list_model import PAGE_SIZE
    from models.case import Case

    keys: dict[int, str | None] = {1: None}
    after: str | None = None
    started = time.perf_counter()
    page_number = 1
    while True:
        page = search_cases(ws, "", limit=PAGE_SIZE, after=after)
        if page.next_key is None:
            break
        after = page.next_key
        page_number += 1
        keys[page_number] = after
    walk = time.perf_counter() - started
    last = page_number

    def offset_page(number: int) -> list[dict[str, Any]]:
        query = list_query().order_by(Case.received_on.desc(), case_pk.desc())
        return list_rows(ws, list(query.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE).objects()))

    for number in sorted({1, 500, last}):
        if number not in keys:
            continue
        keyset, page = timings(lambda n=number: search_cases(ws, "", limit=PAGE_SIZE, after=keys[n]), repeat)
        offset, rows = timings(lambda n=number: offset_page(n), repeat)
        assert [r["number"] for r in rows] == [r["number"] for r in page.rows], f"page {number} differs"
        row("3 scroll", f"page {number:,} of {last:,} ({PAGE_SIZE} rows), keyset (`after=`)", spread(keyset),
            f"`LIMIT {PAGE_SIZE} OFFSET {(number - 1) * PAGE_SIZE:,}`", spread(offset))
    row("3 scroll", f"every page, 1 to {last:,}, one after another with `after=` (the whole list)",
        f"{fmt(walk)} ({fmt(walk / last)} per page)")


def main() -> None:
    from bench.bench_cases import disk, machine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--drive", type=int, default=2_000, help="cases taken beyond 'registered'")
    parser.add_argument("--batch", type=int, default=5_000, help="applications per bulk transaction")
    parser.add_argument("--runs", type=int, default=5, help="starts of each kind, each in a new process")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each search")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"ledger cache (default {DEFAULT_CACHE})")
    parser.add_argument("--rebuild", action="store_true", help="build the ledger again")
    args = parser.parse_args()

    say(f"# rongcuo desktop start: {args.cases:,} cases, seed {args.seed}, today {TODAY}, "
        f"QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', 'offscreen')}")
    data_dir = ledger(args.cache.expanduser().resolve(), args.cases, args.seed, args.drive, args.batch, args.rebuild)
    for line in [*machine(), f"data: {disk(data_dir)}"]:
        say(f"# {line}")
    bench_start(data_dir, args.runs)
    bench_search(data_dir, args.seed, args.repeat)
    say("\n" + markdown_table())


if __name__ == "__main__":
    main()
