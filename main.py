"""容错免责案件办理系统 (rongcuo): start the program or run a headless command."""
from __future__ import annotations

import sys


def main() -> int:
    from cli.main import run

    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
