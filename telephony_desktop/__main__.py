"""Entry point: ``telephony-desktop`` / ``python -m telephony_desktop``."""

from __future__ import annotations

import sys


def main() -> int:
    from telephony_desktop.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
