"""Slice's translations: extract the window's text, compile the catalogues, add a language.

    python packaging/translations.py update         # sources -> assets/translations/*.ts
    python packaging/translations.py compile        # *.ts -> *.qm (what the app loads)
    python packaging/translations.py add fr         # a new, empty slice_fr.ts
    (scripts/translations.sh wraps these with the project's virtual environment.)

``update`` first writes ``ui/app_catalog.py``: the words that ``app/`` and ``inference/``
write (they import no Qt), read from their declarations, so that lupdate finds them. Then
``pyside6-lupdate`` merges every ``tr()``/``translate()`` string of ``ui/`` and ``app/`` into
each ``slice_<code>.ts``; ``slice_en.ts`` holds only the plural forms ("%n chat(s)" as
"1 chat", "2 chats"). Translate the new entries with ``pyside6-linguist`` (or any editor),
then ``compile``: the ``.qm`` files are committed, so a source checkout, ``make run``, the
PyInstaller bundle and the .deb all carry them without a build step; the tests fail when a
``.qm`` is older than its ``.ts``.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "assets" / "translations"
CATALOG = ROOT / "ui" / "app_catalog.py"
SOURCE_DIRS = ("ui", "app")
PREFIX = "slice_"
SOURCE_LANGUAGE = "en"
#: The context app_catalog's entries are translated in (ui/app_texts.py reads it).
APP_CONTEXT = "AppText"

# Settings objects whose fields the window shows (title, help, the text of a special value).
SETTINGS_MODELS = (
    ("inference.options", "LoadSettings"),
    ("inference.options", "Sampling"),
    ("app.settings", "Settings"),
    ("app.settings", "ServerSettings"),
)
# Constants of app/ and inference/ that the window shows as they are, or that it fills in:
# a str, a dict's values when they are words (else its keys: the built-in presets' names),
# a table's rows of words, or a template with {placeholders} (ui/app_texts.py recognises
# what it makes). A module of ui/ with a table of its own words may be listed too.
APP_CONSTANTS = (
    ("app.chat.presets", "FROM_OVERRIDE"),
    ("app.models.base_sampling", "FROM_SETTINGS"),
    ("app.models.base_sampling", "FROM_DEFAULT"),
    ("app.chat.presets", "FROM_PRESET"),
    ("app.chat.presets", "BUILTIN_PRESETS"),
    ("app.store.records", "DEFAULT_PRESET_LABEL"),
    ("inference.model_defaults", "FROM_FILE"),
    ("inference.model_defaults", "CONTEXT_SOURCE"),
    ("inference.model_defaults", "FAMILY_SOURCE"),
    ("inference.options", "QUANTIZED_KV_NEEDS_FLASH_ATTN"),
    ("inference.events", "STOP_REASON_LABELS"),
    ("app.store.export", "THINKING_STREAMING"),
    ("app.store.export", "THOUGHT_FOR"),
    ("app.store.export", "THINKING"),
    ("app.models.library", "Origin"),
    ("app.models.library", "DOWNLOADED_FROM"),
    ("app.models.library", "IMPORTED_WATCHED"),
    ("app.models.memory_fit", "FIT_OK"),
    ("app.models.memory_fit", "FIT_TIGHT"),
    ("app.models.memory_fit", "FIT_NO"),
    ("app.models.memory_fit", "FIT_UNKNOWN"),
    ("app.hub.downloads", "DownloadState"),
    ("app.secrets", "SecretStore.IN_KEYRING"),
    ("app.secrets", "SecretStore.IN_FILE"),
    ("app.secrets", "SecretStore.NOWHERE"),
    ("app.remote.failures", "MESSAGES"),
    ("app.store.recovery", "NOTICES"),
    ("app.compare.figures", "COLUMNS"),
    ("app.compare.figures", "STATE_WORDS"),
    ("app.compare.figures", "DONE_WORD"),
    ("app.compare.figures", "PROMPT_CACHED"),
    ("inference.events", "SPEED_SOURCES"),
    ("app.compare.memory", "NOTE_HWM"),
    ("app.compare.memory", "NOTE_SAMPLED"),
    ("app.compare.memory", "NOTE_UNSUPPORTED"),
    ("app.compare.memory", "NOTE_NO_PROCESS"),
    ("app.compare.memory", "NOTE_REMOTE"),
    ("app.compare.starting_points", "STARTING_POINT_LABELS"),
    ("ui.shortcuts", "SHORTCUTS"),
)


def tool(name: str) -> str:
    """A Qt tool from PySide6 (beside this Python, else on the PATH)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6 (scripts/setup.sh does)")
    return found


def languages() -> list[str]:
    """The codes of the committed catalogues (slice_<code>.ts)."""
    return sorted(path.stem.removeprefix(PREFIX) for path in TRANSLATIONS.glob(PREFIX + "*.ts"))


def app_texts() -> list[str]:
    """The words of app/ and inference/ the window shows, each once, in declaration order."""
    texts: list[str] = []
    for module, name in SETTINGS_MODELS:
        model = getattr(importlib.import_module(module), name)
        for info in model.model_fields.values():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            texts += [info.title or "", info.description or "", str(extra.get("special", ""))]
    for module, name in APP_CONSTANTS:
        value: Any = importlib.import_module(module)
        for part in name.split("."):  # a class's attribute: "SecretStore.IN_FILE"
            value = getattr(value, part)
        if isinstance(value, type) and issubclass(value, Enum):
            texts += [str(member.value) for member in value]
        elif isinstance(value, dict):
            words = all(isinstance(item, str) for item in value.values())
            texts += [str(item) for item in (value.values() if words else value)]
        elif isinstance(value, tuple) and all(isinstance(item, str) for item in value):
            texts += value  # a list of messages
        elif isinstance(value, tuple):  # rows of words (the shortcuts' keys and actions)
            texts += [str(item) for row in value for item in row]
        else:
            texts.append(str(value))
    return list(dict.fromkeys(text for text in texts if text))


def catalog_source() -> str:
    """The text of ui/app_catalog.py for :func:`app_texts`."""
    lines = [
        '"""The words app/ and inference/ write that the window shows, for lupdate.',
        "",
        "Generated by ``scripts/translations.sh update`` (packaging/translations.py) from their",
        "declarations: do not edit. ui/app_texts.py translates them.",
        '"""',
        "",
        "from PySide6.QtCore import QT_TRANSLATE_NOOP",
        "",
        "TEXTS = (",
    ]
    for text in app_texts():
        literal = _literal(text)
        if len(literal) <= 60:
            lines.append(f'    QT_TRANSLATE_NOOP("{APP_CONTEXT}", {literal}),')
            continue
        lines += ["    QT_TRANSLATE_NOOP(", f'        "{APP_CONTEXT}",']
        chunks = textwrap.wrap(text, 80, drop_whitespace=False, break_on_hyphens=False)
        lines += [f"        {_literal(chunk)}" for chunk in chunks]
        lines.append("    ),")
    lines += [")", ""]
    return "\n".join(lines)


def _literal(text: str) -> str:
    """``text`` as a double-quoted Python literal (lupdate reads only plain literals)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sources() -> Iterator[Path]:
    """The Python files lupdate reads."""
    for folder in SOURCE_DIRS:
        yield from sorted((ROOT / folder).rglob("*.py"))


def lupdate(targets: Iterable[Path], code: str) -> None:
    """Merge the sources' strings into ``targets`` (``.ts`` files of language ``code``)."""
    files = [str(path.relative_to(ROOT)) for path in sources()]
    args = [tool("pyside6-lupdate"), *files, "-locations", "none", "-no-obsolete",
            "-source-language", SOURCE_LANGUAGE, "-target-language", code]
    if code == SOURCE_LANGUAGE:
        args.append("-pluralonly")
    args += ["-ts", *(str(target) for target in targets)]
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def lrelease(source: Path, target: Path) -> None:
    """Compile one ``.ts`` into a ``.qm``."""
    subprocess.run([tool("pyside6-lrelease"), str(source), "-qm", str(target)],
                   check=True, stdout=subprocess.DEVNULL)


def update() -> None:
    CATALOG.write_text(catalog_source(), encoding="utf-8")
    for code in languages():
        lupdate([TRANSLATIONS / f"{PREFIX}{code}.ts"], code)


def compile_all() -> None:
    for code in languages():
        lrelease(TRANSLATIONS / f"{PREFIX}{code}.ts", TRANSLATIONS / f"{PREFIX}{code}.qm")


def add(code: str) -> None:
    if not code.isalpha() or not code.islower() or not 2 <= len(code) <= 3:
        raise SystemExit(f"{code!r} is not a language code (ISO 639-1, for example fr or pt)")
    target = TRANSLATIONS / f"{PREFIX}{code}.ts"
    if target.exists():
        raise SystemExit(f"{target} exists already; run update")
    CATALOG.write_text(catalog_source(), encoding="utf-8")
    lupdate([target], code)
    print(f"{target.relative_to(ROOT)}: translate it, then run compile")


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    if argv[:1] == ["update"]:
        update()
    elif argv[:1] == ["compile"]:
        compile_all()
    elif argv[:1] == ["add"] and len(argv) == 2:
        add(argv[1])
    else:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
