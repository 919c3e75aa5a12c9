"""Where the application's bundled assets live, from a source checkout or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path

ICON_FILE = "slice-256.png"


def assets_dir() -> Path:
    """The ``assets`` folder: ``sys._MEIPASS/assets`` when frozen, else beside ``ui/``."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def icon_path() -> Path:
    """The application icon (a 256 px PNG rendered from ``assets/slice.svg``)."""
    return assets_dir() / ICON_FILE
