"""Render the app icon (``assets/slice.svg``) to the PNG sizes desktops ask for.

Used by the ``.deb`` build (hicolor theme) and the release workflow (AppImage, Windows
``.ico`` and macOS ``.icns`` inputs). Renders with Qt's SVG module, headless.

    python packaging/render_icons.py OUT_DIR   # writes OUT_DIR/<size>.png for every size
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SVG = Path(__file__).resolve().parent.parent / "assets" / "slice.svg"


def render_pngs(out_dir: Path, sizes: tuple[int, ...] = SIZES, svg: Path = SVG) -> list[Path]:
    """Write ``<size>.png`` for each size into ``out_dir``; returns the files."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"'{svg}' is not a valid SVG image")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_dir / f"{size}.png"
        if not image.save(str(target)):
            raise SystemExit(f"could not write '{target}'")
        written.append(target)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    for path in render_pngs(Path(sys.argv[1])):
        print(path)
