"""How long a backup and a restore take, and how large a backup is: the demo, then a large ledger.

A script, not a test: it prints figures.

    .venv/bin/python bench/bench_backup.py [--cases 100000] [--attachments 200] [--attachment-kb 256]

The large installation: ``--cases`` generated applications (bench/generate.py), registered 5,000 per
transaction, and ``--attachments`` files of random (incompressible, like scans) bytes stored as
attachments of one case. Each is backed up plain and encrypted, the encrypted backup read back
(``verify_backup``) and restored into an empty folder.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import applications  # noqa: E402
from core.services.actions import perform_action  # noqa: E402
from core.services.backup import make_backup, restore_backup, verify_backup  # noqa: E402
from core.services.demo import load_demo  # noqa: E402
from core.services.registration import register_cases  # noqa: E402
from core.services.workspace import Workspace  # noqa: E402

TODAY = date(2026, 11, 27)
PASSWORD = "bench-password-2026"


def mb(n: int) -> str:
    return f"{n / 2 ** 20:,.1f} MB" if n >= 2 ** 20 else f"{n / 1024:,.1f} KB"


def measure(label: str, data_dir: Path, out: Path) -> None:
    content = sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file())
    print(f"\n{label}: data folder {mb(content)}")
    ws = Workspace(data_dir, actor="bench", today=lambda: TODAY)
    try:
        results = {}
        for name, password in (("plain", None), ("encrypted", PASSWORD)):
            start = time.perf_counter()
            result = make_backup(ws, out / name, password)
            results[name] = result
            print(f"  backup {name:9}: {time.perf_counter() - start:6.2f} s, {mb(result.size)} "
                  f"({result.members} files, {mb(result.content_bytes)} before compression)")
    finally:
        ws.close()
    start = time.perf_counter()
    verify_backup(results["encrypted"].path, PASSWORD)
    print(f"  verify encrypted: {time.perf_counter() - start:6.2f} s")
    start = time.perf_counter()
    restored = restore_backup(results["encrypted"].path, out / "restored", PASSWORD, actor="bench",
                              today=lambda: TODAY)
    print(f"  restore encrypted: {time.perf_counter() - start:6.2f} s (including check: "
          f"{'clean' if not restored.problems else restored.problems})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--attachments", type=int, default=200)
    parser.add_argument("--attachment-kb", type=int, default=256)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        root = Path(tmp)
        demo = root / "demo"
        ws = Workspace(demo, actor="bench", today=lambda: TODAY)
        try:
            load_demo(ws)
        finally:
            ws.close()
        measure("demo", demo, root / "demo-out")

        large = root / "large"
        ws = Workspace(large, actor="bench", today=lambda: TODAY)
        try:
            stream = applications(args.cases)
            created = 0
            while created < args.cases:
                chunk = list(islice(stream, min(5000, args.cases - created)))
                register_cases(ws, chunk)
                created += len(chunk)
            number = register_cases(ws, list(islice(applications(1, seed=7), 1)))[0].number
            perform_action(ws, number, "accept", None)
            scans = root / "scans"
            scans.mkdir()
            rng = random.Random(1)
            files = []
            for i in range(args.attachments):
                path = scans / f"scan-{i}.bin"
                path.write_bytes(rng.randbytes(args.attachment_kb * 1024))
                files.append(str(path))
            for start in range(0, len(files), 50):
                perform_action(ws, number, "evidence", None, {"title": f"扫描件 {start}", "files": files[start:start + 50]})
        finally:
            ws.close()
        measure(f"{args.cases:,} cases + {args.attachments} attachments of {args.attachment_kb} KiB", large,
                root / "large-out")
        print(f"\nmachine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
