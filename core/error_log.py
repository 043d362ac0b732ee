"""The log of program faults (never shown as a traceback to an officer): ``<data>/logs/error.log``."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

ERROR_LOG = Path("logs") / "error.log"


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
