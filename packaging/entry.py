"""The bundle's entry script (PyInstaller): the same ``main`` as the ``telephony-desktop``
command, so every command and option (``--demo``, ``--self-test``, ...) works in the bundle."""

from __future__ import annotations

import sys

from telephony_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
