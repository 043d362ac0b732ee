"""The log of program faults (never shown as a traceback to an officer): ``<data>/logs/error.log``,
and ``<data>/logs/fatal.log`` for what no Python handler sees (``keep_fatal_traces``)."""
from __future__ import annotations

import faulthandler
import os
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

ERROR_LOG = Path("logs") / "error.log"
FATAL_LOG = Path("logs") / "fatal.log"
_fatal_file: TextIO | None = None      # open for the life of the process: faulthandler writes to its descriptor


def append_error_log(data_dir: Path, context: str, details: str) -> Path | None:
    """Append one fault with a time stamp; returns the log's path, or None if it cannot be written."""
    log = data_dir / ERROR_LOG
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now().isoformat(timespec='seconds')} {context}\n{details}")
            if not details.endswith("\n"):
                handle.write("\n")
    except OSError:
        return None
    return log


def keep_fatal_traces(data_dir: Path) -> Path | None:
    """Have ``faulthandler`` append every thread's Python stack to ``logs/fatal.log`` when the process
    dies inside Qt, PDFium or another native library (the window just vanishes: no handler runs),
    and, on Linux, when it is sent ``SIGUSR1`` (``kill -USR1 <pid>``: where a program that no longer
    responds is stuck; it goes on running). Returns the log's path, or None if it cannot be opened;
    called again for the same folder, it does nothing."""
    global _fatal_file
    log = data_dir / FATAL_LOG
    if _fatal_file is not None and _fatal_file.name == str(log):
        return log
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        handle = log.open("a", encoding="utf-8")
    except OSError:
        return None
    handle.write(f"--- {datetime.now().isoformat(timespec='seconds')} started (pid {os.getpid()})\n")
    handle.flush()
    if _fatal_file is not None:
        _fatal_file.close()
    _fatal_file = handle
    faulthandler.enable(file=handle, all_threads=True)
    if sys.platform != "win32":
        faulthandler.register(signal.SIGUSR1, file=handle, all_threads=True, chain=False)
    return log
