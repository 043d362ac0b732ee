"""File names that every file system an office meets will take: FAT32 and exFAT on USB sticks, NTFS
on Windows (which refuses what FAT refuses), ext4 on Kylin/UOS.

Windows refuses the characters ``\\ / : * ? " < > |`` and control characters, names ending in a dot
or a space, and the device names (CON, PRN, AUX, NUL, COM1–COM9, LPT1–LPT9, also with an extension
such as ``CON.txt``, in any case). FAT32 and exFAT allow at most 255 UTF-16 code units per name.
"""
from __future__ import annotations

import re
import unicodedata

FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                      *(f"COM{n}" for n in "123456789¹²³"), *(f"LPT{n}" for n in "123456789¹²³")})
MAX_UNITS = 255          # UTF-16 code units per name on FAT32, exFAT and NTFS
DEFAULT_MAX_UNITS = 120  # what this program uses: a path of several names stays well under 260


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def safe_file_name(name: str, max_units: int = DEFAULT_MAX_UNITS, replacement: str = "_") -> str:
    """``name`` as one file name Windows, FAT32 and exFAT accept, never a path.

    Forbidden characters become ``replacement``; leading spaces and trailing dots and spaces are
    dropped; a device name gets ``_`` in front; a name longer than ``max_units`` (UTF-16 code units)
    is shortened before its extension. An empty result is ``_``. Applying it twice changes nothing."""
    if not 1 <= max_units <= MAX_UNITS:
        raise ValueError(f"max_units must be 1..{MAX_UNITS}")
    cleaned = unicodedata.normalize("NFC", name)
    cleaned = FORBIDDEN.sub(replacement, cleaned).strip(" ").rstrip(". ")
    if not cleaned:
        return "_"
    if cleaned.partition(".")[0].rstrip(" ").upper() in RESERVED:
        cleaned = "_" + cleaned
    if _units(cleaned) > max_units:
        head, dot, extension = cleaned.rpartition(".")
        if not dot or not head or _units(extension) > 16:
            head, extension, dot = cleaned, "", ""
        budget = max_units - _units(dot + extension)
        while _units(head) > budget:
            head = head[:-1]
        cleaned = (head.rstrip(". ") or "_") + dot + extension
    return cleaned


def safe_path(parts: list[str] | tuple[str, ...], max_units: int = DEFAULT_MAX_UNITS) -> str:
    """A ``/``-separated relative path whose every part is ``safe_file_name``."""
    return "/".join(safe_file_name(part, max_units) for part in parts)


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2.ext``, ``name-3.ext`` … when ``taken`` (compared without case, as Windows
    does) already holds it; the result is added to ``taken``."""
    folded = {t.casefold() for t in taken}
    candidate, n = name, 1
    head, dot, extension = name.rpartition("/")[2].rpartition(".")
    prefix = name[: len(name) - len(name.rpartition("/")[2])]
    if not dot or not head:
        head, dot, extension = name.rpartition("/")[2], "", ""
    while candidate.casefold() in folded:
        n += 1
        candidate = f"{prefix}{head}-{n}{dot}{extension}"
    taken.add(candidate)
    return candidate
