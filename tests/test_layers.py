"""The layer rule as a failing check: ui -> app -> inference; no Qt in the engine."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def _qt_imports(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {m for m in modules if m.startswith(("PySide6", "shiboken6"))}


def test_app_core_imports_no_widgets() -> None:
    # import-linter sees only top-level external packages, so this rule is checked here.
    # app/main.py is the entry point that starts the widget layer.
    offenders = {
        str(path.relative_to(ROOT)): sorted(widgets)
        for path in (ROOT / "app").rglob("*.py")
        if path.name != "main.py"
        and (widgets := {m for m in _qt_imports(path) if "QtWidgets" in m or "QtGui" in m})
    }
    assert offenders == {}


def test_engine_runs_without_qt() -> None:
    code = (
        "import sys, inference.engine, inference.host_client, inference.gguf_info;"
        "sys.exit(any(m.startswith(('PySide6', 'shiboken6')) for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60)
    assert result.returncode == 0
