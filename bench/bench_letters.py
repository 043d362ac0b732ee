"""How fast rongcuo prints letters: DOCX and PDF in-process, against LibreOffice converting the same DOCX.

A script, not a test: it prints figures, each beside the alternative measured in the same run, and
ends with a Markdown table for docs/performance.md.

    .venv/bin/python bench/bench_letters.py [--out DIR] [--keep]

Warm means after one untimed render in the same process; cold means a new process.

1. A 5-page investigation report. A demo workspace (``load_demo``) is made in a temporary folder and
   a copy of one of its archived cases is registered and taken to archived through the services,
   with findings and analyses long enough for the report to run to 5 pages (counted with
   pypdfium2). ``render_letter(…, "investigation-report", "pdf", …)`` (case data → DOCX →
   read back → PDF), warm median of ``--repeat`` and cold (a new Python process per render, median
   of ``--cold``), against ``soffice --headless --convert-to pdf`` of the same DOCX: a new soffice
   with a new profile each time (cold), a new soffice reusing a warmed profile folder, and, when
   the system Python has ``uno``, one soffice kept running and driven through UNO.
2. The determination letter of the demo case itself (ordinary length):
   ``render_letter(ws, number, "determination-letter", "pdf", out)`` warm, median of ``--letters``
   (its 发文字号 is issued by the first, untimed, call and reused), split into its stages.
3. A 100-page report: the same case's context with a few hundred findings paragraphs → DOCX → PDF,
   and the same DOCX through LibreOffice once.
4. The CLI: ``./run.sh --data-dir D render NUMBER determination-letter --format pdf --out F`` (the
   letter of step 2), wall time, against the CLI's start-up alone.

Then a cProfile of the warm 5-page report render. Dates: the services run with today = 2026-11-27.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import (  # noqa: E402
    cli,
    fmt,
    markdown_table,
    median,
    progress,
    row,
    say,
    spread,
    timings,
)

TODAY = date(2026, 11, 27)
ACTOR = "基准测试"
REPORT = "investigation-report"
LETTER = "determination-letter"
SOURCE_CASE = "arc-2"          # the demo case copied (archived, two cadres, two situations)


# --- measuring and reporting ----------------------------------------------------------------------

def factor(ours: float, theirs: float) -> str:
    ratio = theirs / ours
    return f"**{ratio:.0f}×**" if ratio >= 10 else f"**{ratio:.1f}×**"


def versus(ours: float, theirs: float) -> str:
    """Which is faster, and by how much."""
    if theirs >= ours:
        return f"rongcuo {factor(ours, theirs)} faster"
    return f"LibreOffice {factor(theirs, ours)} faster"


def machine(soffice: str | None) -> list[str]:
    import os
    import platform

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "unknown"
    lines = [f"CPU: {cpu}, {os.cpu_count()} logical CPUs (nproc); load average at start {load}",
             f"Python {platform.python_version()}, {platform.platform()}"]
    if soffice:
        version = subprocess.run([soffice, "--version"], capture_output=True, text=True, check=False).stdout.strip()
        lines.append(f"LibreOffice: {version or soffice}")
    else:
        lines.append("LibreOffice: not installed (soffice not found): its rows are left out")
    return lines


def pages(pdf: bytes) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


# --- the case: a copy of an archived demo case, with long texts --------------------------------------

_FACT = ("经调取{unit}{month}月{day}日专题会议纪要及相关审批材料核实，{name}同志在{matter}工作中，按照会议确定的工作"
         "方案推进，相关事项经集体研究决定，办理过程有记录可查。谈话中，{name}同志如实说明了有关情况，所述内容与调取的"
         "书证、相关人员的证言能够相互印证。调查组对第{i}组证据逐一进行了核对，未发现虚构事实、隐瞒真相或者为本人及"
         "他人谋取私利的情形。")
_ANALYSIS = ("{name}同志在{matter}工作中的失误发生在推进改革、先行先试的过程中，出发点是加快工作进度、服务群众，决策经过"
             "集体研究，事后主动采取措施纠正偏差、挽回影响，符合该项容错情形的构成要件。")


def findings(count: int, name: str, unit: str, matter: str) -> str:
    return "\n".join(_FACT.format(unit=unit, month=1 + i % 12, day=1 + i % 28, name=name, matter=matter, i=i + 1)
                     for i in range(count))


def _source(ws: Any) -> tuple[Any, dict[str, Any]]:
    import uuid

    from core.services.case_view import case_details
    from core.services.demo import DEMO_CASES, DEMO_NAMESPACE
    from models.case import Case

    spec = next(s for s in DEMO_CASES if s.key == SOURCE_CASE)
    number = Case.get(Case.uuid == str(uuid.uuid5(DEMO_NAMESPACE, spec.key))).number
    return spec, case_details(ws, number)


def long_report_case(ws: Any, fact_count: int) -> str:
    """A copy of the demo case ``SOURCE_CASE`` taken to archived with ``fact_count`` findings paragraphs."""
    from core.services.actions import perform_action
    from core.services.demo import _application
    from core.services.registration import register_case

    spec, details = _source(ws)
    received = date.fromisoformat(details["received_on"])
    application = _application(spec, received)
    cal = ws.calendar
    number = register_case(ws, application).number
    name = application["cadres"][0]["name"]
    unit = application["cadres"][0]["unit"]
    matter = application["accountability"]["matter"]

    def act(action: str, on: date, **fields: Any) -> None:
        perform_action(ws, number, action, on, fields)

    accepted = cal.add_workdays(received, 1)
    act("accept", accepted, clues="single")
    for i, cadre in enumerate(application["cadres"]):
        act("note", cal.add_workdays(accepted, 2 + i), place="贺兰县纪委监委谈话室", interviewers="马军、杨帆",
            recorder="杨帆", interviewee=cadre["name"],
            text="问：请说明事情经过。答：为加快办理进度，经集体研究后先行受理，事后及时补正了材料。" * 3)
    for i, title in enumerate(("会议纪要复印件", "审批表复印件", "项目台账", "情况说明")):
        act("evidence", cal.add_workdays(accepted, 3 + i), title=title, source="申请人提交", pages=4 + i)
    act("expert", cal.add_workdays(accepted, 8), participants="县发改局、县财政局、宁夏大学 李教授",
        opinion="经讨论评估，该事项属于探索性工作中的一般性偏差")
    reported = cal.add_workdays(accepted, 13)
    act("report", reported, findings=findings(fact_count, name, unit, matter), proposal=spec.outcome,
        exclusions=[], situation_analysis={str(n): _ANALYSIS.format(name=name, matter=matter) for n in spec.situations},
        distinctions={"1": "属于缺乏经验、先行先试出现的失误", "2": "上级对该事项尚无明确限制，属于探索性试验中的失误",
                      "3": "未谋取私利"})
    determined = cal.add_workdays(reported, 5)
    act("determine", determined, outcome=spec.outcome, reasoning="根据调查结果，经集体研究作出认定。",
        approver="县纪委书记 张明")
    for i, recipient in enumerate(("organ", "applicant")):
        act("deliver", cal.add_workdays(determined, 1 + i), to=recipient, method="直接送达", receipt="已签收送达回证")
    act("archive", cal.add_workdays(determined, 4), volume_number=f"RC-{number}", retention_period="永久",
        classification="内部")
    return number


def report_context(ws: Any, number: str, facts: list[str] | None = None) -> dict[str, Any]:
    from core.services.case_view import case_details
    from core.services.office import office_profile
    from documents.context import letter_context

    details = case_details(ws, number)
    context = letter_context(details, office_profile(ws), ws.policy(details["policy"]),
                             issued_on=date.fromisoformat(details["reports"][-1]["reported_on"]))
    if facts is not None:
        context["facts"] = facts
    return context


def families() -> dict[str, str]:
    from documents.fonts import load_fonts
    from documents.layout import FONT_ROLES

    fonts = load_fonts()
    return {role: fonts.docx_family(role) for role in FONT_ROLES}


def pipeline(kind: str, context: dict[str, Any], data_dir: Path | None) -> tuple[dict[str, float], bytes, bytes]:
    """Context → DOCX → model → PDF, as ``render_letter`` does it, each stage timed."""
    from documents.docx_render import read_model
    from documents.fonts import load_fonts
    from documents.pdf_render import render_pdf
    from documents.templates import render_kind

    fonts = load_fonts()
    t0 = time.perf_counter()
    docx = render_kind(kind, context, data_dir, families())
    t1 = time.perf_counter()
    model = read_model(docx, kind)
    t2 = time.perf_counter()
    pdf = render_pdf(model, fonts)
    t3 = time.perf_counter()
    return {"docx": t1 - t0, "model": t2 - t1, "pdf": t3 - t2}, docx, pdf


def make_report_case(ws: Any, target_pages: int) -> tuple[str, int]:
    """Register the long case with the most findings paragraphs that still fit in ``target_pages`` pages."""
    _spec, details = _source(ws)
    name = details["cadres"][0]["name"]
    unit = details["cadres"][0]["unit"]
    matter = details["accountability"]["matter"]
    number = long_report_case(ws, 1)
    context = report_context(ws, number)

    def count(n: int) -> int:
        context["facts"] = findings(n, name, unit, matter).splitlines()
        return pages(pipeline(REPORT, context, ws.data_dir)[2])

    n = 1
    while count(n) <= target_pages:
        n += 1
    chosen = max(1, n - 1)
    number = long_report_case(ws, chosen)
    return number, chosen


# --- LibreOffice ----------------------------------------------------------------------------------

def soffice_convert(soffice: str, profile: Path, docx: Path, outdir: Path) -> float:
    """Wall time of one ``soffice --headless --convert-to pdf`` (a new soffice process)."""
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / (docx.stem + ".pdf")
    target.unlink(missing_ok=True)
    start = time.perf_counter()
    done = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(outdir), str(docx)], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or not target.is_file():
        raise RuntimeError(f"soffice failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


UNO_SCRIPT = r'''
import json, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue

soffice, profile, port, jobs = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
url = f"socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
proc = subprocess.Popen([soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore",
                         f"--accept={url}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        try:
            ctx = resolver.resolve("uno:" + url)
            break
        except Exception:
            time.sleep(0.05)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    def convert(src, dst):
        start = time.perf_counter()
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
        doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "writer_pdf_Export"),))
        doc.close(True)
        return time.perf_counter() - start

    convert(jobs[0]["src"], jobs[0]["dst"])          # untimed: the first document loads Writer
    print(json.dumps([[convert(j["src"], j["dst"]) for _ in range(j["repeat"])] for j in jobs]))
    try:
        desktop.terminate()
    except Exception:
        pass
finally:
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
'''


def uno_python() -> str | None:
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and subprocess.run([candidate, "-c", "import uno"], capture_output=True,
                                        check=False).returncode == 0:
            return candidate
    return None


def uno_convert(soffice: str, python: str, profile: Path, jobs: list[dict[str, Any]]) -> list[list[float]]:
    """Per job, the times of converting in one soffice kept running (UNO): load DOCX, export PDF, close."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = subprocess.run([python, "-c", UNO_SCRIPT, soffice, profile.as_uri(), str(port), json.dumps(jobs)],
                          capture_output=True, text=True, check=False, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"UNO conversion failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- cold: a new process per render -------------------------------------------------------------------

def cold_child(data_dir: Path, number: str, kind: str, out: Path) -> None:
    """Run in a new process: open the workspace and render once; print where the time went."""
    t0 = time.perf_counter()
    from core.services.workspace import Workspace
    ws = Workspace(data_dir, actor=ACTOR, today=lambda: TODAY)
    t1 = time.perf_counter()
    import docx  # noqa: F401
    import docxtpl  # noqa: F401
    import reportlab.pdfgen.canvas  # noqa: F401

    import documents.docx_render
    import documents.pdf_render  # noqa: F401
    from core.services.letters import render_letter
    t2 = time.perf_counter()
    from documents.fonts import load_fonts
    fonts = load_fonts()
    t3 = time.perf_counter()
    fonts.register_reportlab()          # render_pdf does this on its first call: parsing the TrueType files
    t4 = time.perf_counter()
    render_letter(ws, number, kind, "pdf", out)
    t5 = time.perf_counter()
    ws.close()
    print(json.dumps({"workspace": t1 - t0, "imports": t2 - t1, "fonts": t3 - t2, "register": t4 - t3,
                      "render": t5 - t4, "first": t5 - t1}))


def cold_render(data_dir: Path, number: str, kind: str, out: Path) -> tuple[float, dict[str, float]]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--cold-child", str(data_dir), number, kind,
                           str(out)], capture_output=True, text=True, check=False, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"cold render failed: {done.stderr.strip()[-800:]}")
    return elapsed, json.loads(done.stdout.strip().splitlines()[-1])


# --- 1. the 5-page report ---------------------------------------------------------------------------

def bench_report(ws: Any, number: str, work: Path, soffice: str | None, uno: str | None, args: argparse.Namespace,
                 lo: dict[str, Any]) -> float:
    from core.services.letters import render_letter

    data_dir = ws.data_dir
    pdf_path, docx_path = work / "report.pdf", work / "report.docx"
    render_letter(ws, number, REPORT, "docx", docx_path)
    render_letter(ws, number, REPORT, "pdf", pdf_path)                    # warm-up, untimed
    n_pages = pages(pdf_path.read_bytes())
    warm, _ = timings(lambda: render_letter(ws, number, REPORT, "pdf", pdf_path), args.repeat)
    ours = median(warm)
    context = report_context(ws, number)
    stages = [pipeline(REPORT, context, data_dir)[0] for _ in range(args.repeat)]
    split = ", ".join(f"{k} {fmt(median([s[k] for s in stages]))}" for k in ("docx", "model", "pdf"))
    row("1 report", f"`render_letter(…, \"{REPORT}\", \"pdf\")`, {n_pages} pages, warm, median of {args.repeat}",
        spread(warm))
    row("1 report", "of which, median per stage", f"{split}")

    colds = [cold_render(data_dir, number, REPORT, work / f"cold-{i}.pdf") for i in range(args.cold)]
    first = median([c[1]["first"] for c in colds])
    labels = {"imports": "importing python-docx, docxtpl, reportlab", "fonts": "`load_fonts`",
              "register": "registering the fonts with reportlab", "render": "the render itself"}
    parts = ", ".join(f"{label} {fmt(median([c[1][k] for c in colds]))}" for k, label in labels.items())
    row("1 report", f"cold: first render in a new process, Python start-up and opening the workspace excluded, "
                    f"median of {args.cold}", fmt(first),
        "the whole new process (Python start-up, workspace, render)", fmt(median([c[0] for c in colds])))
    row("1 report", "of which (cold)", parts)
    if not soffice:
        return ours

    lo_docx = work / "lo" / "report.docx"
    lo_docx.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(docx_path, lo_docx)
    fresh = [soffice_convert(soffice, work / f"lo-fresh-{i}", lo_docx, work / "lo" / "fresh")
             for i in range(args.lo_repeat)]
    profile = work / "lo-profile"
    soffice_convert(soffice, profile, lo_docx, work / "lo" / "warm")     # makes the profile, untimed
    reused = [soffice_convert(soffice, profile, lo_docx, work / "lo" / "warm") for _ in range(args.lo_repeat)]
    lo_pages = pages((work / "lo" / "warm" / "report.pdf").read_bytes())
    lo["profile"] = profile
    row("1 report", f"warm in-process ({n_pages} pp), as above", fmt(ours),
        f"LibreOffice, same DOCX ({lo_pages} pp): a new soffice and a new profile each time, median of "
        f"{args.lo_repeat}", spread(fresh))
    row("1 report", f"warm in-process ({n_pages} pp), as above", fmt(ours),
        f"LibreOffice: a new soffice reusing a warmed profile folder, median of {args.lo_repeat}", spread(reused))
    lo_best = min(median(fresh), median(reused))
    row("1 report", "speed-up, warm in-process", f"{factor(ours, median(fresh))} / {factor(ours, median(reused))}",
        "over LibreOffice new profile / reused profile", "target ≥ 20× warm")
    row("1 report", "speed-up, cold first render (new process, after start-up)", f"{factor(first, lo_best)}",
        "over the faster LibreOffice command line", fmt(lo_best))
    if uno:
        lo_running = uno_convert(soffice, uno, work / "lo-uno-profile",
                                 [{"src": str(lo_docx), "dst": str(work / "lo" / "uno.pdf"),
                                   "repeat": args.lo_repeat}])[0]
        row("1 report", f"warm in-process ({n_pages} pp), as above", fmt(ours),
            f"LibreOffice kept running (UNO: load, export PDF, close; first conversion untimed), median of "
            f"{args.lo_repeat}", f"{spread(lo_running)}: {versus(ours, median(lo_running))}")
    return ours


# --- 2. the determination letter -------------------------------------------------------------------

def bench_letter(ws: Any, number: str, work: Path, repeat: int) -> None:
    from core.numbering import issue_number
    from core.services.case_view import case_details
    from core.services.letters import render_letter
    from core.services.office import office_profile
    from documents.context import letter_context
    from documents.docx_render import read_model
    from documents.fonts import load_fonts
    from documents.kinds import KINDS
    from documents.pdf_render import render_pdf
    from documents.templates import render_kind

    out = work / "letter.pdf"
    issued = render_letter(ws, number, LETTER, "pdf", out)                # issues the number; untimed
    times, _ = timings(lambda: render_letter(ws, number, LETTER, "pdf", out), repeat)
    n_pages = pages(out.read_bytes())
    row("2 letter", f"`render_letter(ws, number, \"{LETTER}\", \"pdf\", out)` ({issued.number}, {n_pages} pp), warm, "
                    f"median of {repeat}", spread(times), "target", "< 50 ms")

    fonts = load_fonts()
    stages: dict[str, list[float]] = {k: [] for k in ("case data + context", "发文字号 (existing)", "docx", "model",
                                                       "pdf")}
    for _ in range(repeat):
        t0 = time.perf_counter()
        details = case_details(ws, number)
        office, policy = office_profile(ws), ws.policy(details["policy"])
        t1 = time.perf_counter()
        got = issue_number(ws, kind=LETTER, kind_code=KINDS[LETTER].number_code or "", case_uuid_or_number=details["uuid"],
                           issued_on=issued.issued_on)
        t2 = time.perf_counter()
        context = letter_context(details, office, policy, number=got.number, issued_on=got.issued_on)
        t3 = time.perf_counter()
        docx = render_kind(LETTER, context, ws.data_dir, families())
        t4 = time.perf_counter()
        model = read_model(docx, LETTER)
        t5 = time.perf_counter()
        render_pdf(model, fonts)
        t6 = time.perf_counter()
        for key, value in zip(stages, (t1 - t0 + t3 - t2, t2 - t1, t4 - t3, t5 - t4, t6 - t5), strict=True):
            stages[key].append(value)
    medians = {k: median(v) for k, v in stages.items()}
    rest = median(times) - sum(medians.values())
    row("2 letter", "of which, median per stage",
        ", ".join(f"{k} {fmt(v)}" for k, v in medians.items()) + f"; file write (fsync) and rest ≈ {fmt(max(rest, 0))}")


# --- 3. a 100-page report ---------------------------------------------------------------------------

def bench_long(ws: Any, number: str, work: Path, soffice: str | None, target: int, repeat: int,
               lo: dict[str, Any], uno: str | None) -> None:
    _spec, details = _source(ws)
    name, unit = details["cadres"][0]["name"], details["cadres"][0]["unit"]
    matter = details["accountability"]["matter"]
    context = report_context(ws, number)
    base_facts, base_pages = len(context["facts"]), pages(pipeline(REPORT, context, ws.data_dir)[2])
    count = base_facts + 300
    context["facts"] = findings(count, name, unit, matter).splitlines()
    got = pages(pipeline(REPORT, context, ws.data_dir)[2])                  # also the warm-up
    per_page = (count - base_facts) / max(1, got - base_pages)
    count += round((target - got) * per_page)
    context["facts"] = findings(count, name, unit, matter).splitlines()
    runs = [pipeline(REPORT, context, ws.data_dir) for _ in range(repeat)]
    totals = [sum(r[0].values()) for r in runs]
    docx, pdf = runs[-1][1], runs[-1][2]
    n_pages = pages(pdf)
    split = ", ".join(f"{k} {fmt(median([r[0][k] for r in runs]))}" for k in ("docx", "model", "pdf"))
    row("3 long", f"{n_pages}-page report ({count} findings paragraphs, {len(docx) // 1024} KiB DOCX, "
                  f"{len(pdf) // 1024} KiB PDF): context → DOCX → PDF, warm, median of {repeat}",
        spread(totals), "target", "< 2 s")
    row("3 long", "of which, median per stage", split)
    if soffice:
        path = work / "lo" / "long.docx"
        path.write_bytes(docx)
        profile = lo.get("profile") or work / "lo-profile"
        once = soffice_convert(soffice, profile, path, work / "lo" / "warm")
        lo_pages = pages((work / "lo" / "warm" / "long.pdf").read_bytes())
        row("3 long", f"the same, {n_pages} pp", fmt(median(totals)),
            f"LibreOffice, same DOCX ({lo_pages} pp), new soffice with the warmed profile, once",
            f"{fmt(once)}: {versus(median(totals), once)}")
        if uno:
            running = uno_convert(soffice, uno, work / "lo-uno-profile",
                                  [{"src": str(path), "dst": str(work / "lo" / "long-uno.pdf"), "repeat": 1}])[0]
            row("3 long", f"the same, {n_pages} pp", fmt(median(totals)),
                "LibreOffice kept running (UNO), once (after one untimed conversion of it)",
                f"{fmt(running[0])}: {versus(median(totals), running[0])}")


# --- 4. the CLI ------------------------------------------------------------------------------------

def bench_cli(data_dir: Path, number: str, work: Path, repeat: int) -> None:
    out = work / "cli-letter.pdf"
    args = ("render", number, LETTER, "--format", "pdf", "--out", str(out))
    cli(data_dir, *args)                                                    # warm the page cache and the .pyc files
    times = [cli(data_dir, *args) for _ in range(repeat)]
    startup = [cli(data_dir, "workdays", "add", "2026-11-27", "1") for _ in range(repeat)]
    row("4 CLI", f"`./run.sh --data-dir D render NUMBER {LETTER} --format pdf --out F`, median of {repeat}",
        spread(times), "CLI start-up alone: `./run.sh --data-dir D workdays add 2026-11-27 1`", spread(startup))


# --- the profile ---------------------------------------------------------------------------------------

def profile_report(ws: Any, number: str, work: Path, repeat: int) -> None:
    from core.services.letters import render_letter

    out = work / "profiled.pdf"
    render_letter(ws, number, REPORT, "pdf", out)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        render_letter(ws, number, REPORT, "pdf", out)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    entries = stats.stats

    def name(key: tuple[str, int, str]) -> str:
        path, line, func = key
        try:
            path = str(Path(path).resolve().relative_to(ROOT))
        except ValueError:
            path = "/".join(Path(path).parts[-2:]) if path != "~" else ""
        return f"{path}:{line}({func})" if path else func

    say(f"\n# cProfile of {repeat} warm renders of the report (total {fmt(total)} under the profiler)")
    say("# by own time (tottime):")
    by_own = sorted(entries.items(), key=lambda kv: kv[1][2], reverse=True)[:12]
    for key, (_cc, calls, tottime, cumtime, _callers) in by_own:
        say(f"#   {tottime / total:5.1%} own, {cumtime / total:5.1%} cum, {calls:>8,} calls  {name(key)}")
    groups: dict[str, float] = {}
    for (path, _line, _func), (_cc, _calls, tottime, _cumtime, _callers) in entries.items():
        if "site-packages/" in path:
            group = path.split("site-packages/", 1)[1].split("/")[0].removesuffix(".py")
        elif path.startswith(str(ROOT)):
            group = "rongcuo " + Path(path).relative_to(ROOT).parts[0]
        elif path == "~":
            group = "C built-ins (zlib, lxml, str, dict …)"
        else:
            group = "Python standard library"
        groups[group] = groups.get(group, 0.0) + tottime
    say("# own time by package: " + ", ".join(f"{g} {t / total:.0%}" for g, t in
                                              sorted(groups.items(), key=lambda kv: kv[1], reverse=True)[:8]))
    say("# by cumulative time, rongcuo's own functions:")
    ours = [kv for kv in entries.items() if str(ROOT) in kv[0][0] and "bench" not in kv[0][0]]
    for key, (_cc, calls, tottime, cumtime, _callers) in sorted(ours, key=lambda kv: kv[1][3], reverse=True)[:12]:
        say(f"#   {cumtime / total:5.1%} cum, {tottime / total:5.1%} own, {calls:>8,} calls  {name(key)}")


# --- main ---------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder for the data (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the data and the documents afterwards")
    parser.add_argument("--pages", type=int, default=5, help="pages of the report in step 1")
    parser.add_argument("--long-pages", type=int, default=100, help="pages of the report in step 3")
    parser.add_argument("--repeat", type=int, default=10, help="warm renders of the report")
    parser.add_argument("--cold", type=int, default=5, help="cold renders (one new process each)")
    parser.add_argument("--lo-repeat", type=int, default=5, help="LibreOffice conversions per variant")
    parser.add_argument("--letters", type=int, default=20, help="warm renders of the determination letter")
    parser.add_argument("--long-repeat", type=int, default=3, help="warm renders of the long report")
    parser.add_argument("--cli", type=int, default=5, help="CLI runs")
    parser.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice rows")
    parser.add_argument("--cold-child", nargs=4, metavar=("DATA_DIR", "NUMBER", "KIND", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        data_dir, number, kind, out = args.cold_child
        cold_child(Path(data_dir), number, kind, Path(out))
        return

    soffice = None if args.no_libreoffice else shutil.which("soffice") or shutil.which("libreoffice")
    uno = uno_python() if soffice else None
    out = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="rongcuo-bench-letters-"))
    data_dir, work = out / "data", out / "work"
    work.mkdir(parents=True, exist_ok=True)

    say(f"# rongcuo letters benchmark, today {TODAY}")
    for line in machine(soffice):
        say(f"# {line}")
    started = time.perf_counter()

    from core.services.demo import load_demo
    from core.services.workspace import Workspace
    from documents.fonts import load_fonts

    ws = Workspace(data_dir, actor=ACTOR, today=lambda: TODAY)
    try:
        load_demo(ws)
        fonts = load_fonts()
        say("# fonts: " + "; ".join(f"{f['role']} {f['family']} ({f['source']})" for f in fonts.describe()))
        number, facts = make_report_case(ws, args.pages)
        say(f"# report case {number}: a copy of demo case {SOURCE_CASE} ({_source(ws)[1]['number']}) with {facts} "
            "findings paragraphs of about 170 characters and longer analyses")
        lo: dict[str, Any] = {}
        bench_report(ws, number, work, soffice, uno, args, lo)
        progress("report done")
        _spec, source = _source(ws)            # step 2 and 4: a letter of ordinary length, from the demo case
        bench_letter(ws, source["number"], work, args.letters)
        progress("determination letter done")
        bench_long(ws, number, work, soffice, args.long_pages, args.long_repeat, lo, uno)
        progress("long report done")
        bench_cli(data_dir, source["number"], work, args.cli)
        profile_report(ws, number, work, args.repeat)
        say(f"# whole run {fmt(time.perf_counter() - started)}")
    finally:
        ws.close()

    say("\n" + markdown_table())
    if args.keep:
        say(f"\n# kept: {out}")
    else:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
