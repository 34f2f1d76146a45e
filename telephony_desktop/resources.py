"""Where the app's resource files (icons) are, from source or from a PyInstaller bundle.

Qt-free. From a source checkout (``uv run``), the folder is ``resources/`` at the repository root.
In a frozen app (PyInstaller sets ``sys.frozen`` and ``sys._MEIPASS``) it is
``<bundle>/resources``: the spec must collect the folder as data under that name, e.g.
``datas=[("resources", "resources")]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

RESOURCES_DIRNAME = "resources"
APP_ICON_SVG = "icons/telephony-desktop.svg"
APP_ICON_PNG = "icons/telephony-desktop.png"


def resources_dir() -> Path:
    """The resources folder (it may be missing in an installation that did not ship it)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / RESOURCES_DIRNAME
    return Path(__file__).resolve().parent.parent / RESOURCES_DIRNAME


def resource_path(relative: str) -> Path:
    """A file inside the resources folder, e.g. ``resource_path(APP_ICON_PNG)``."""
    return resources_dir() / relative
