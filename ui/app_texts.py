"""The words of app/ and inference/ in the window's language.

The engine and the application core import no Qt (the CLI stays English), so what they
write is translated where the window shows it: a settings field's title and help, where a
sampling value comes from. ``ui/app_catalog.py``, generated from their declarations by
``scripts/translations.sh update``, lists those words for lupdate; a word filled in from a
template ("Slice's default for {label}") is recognised by its template.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from PySide6.QtCore import QCoreApplication

CONTEXT = "AppText"
_FIELD = re.compile(r"\{(\w+)\}")


@cache
def _templates() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Imported here: packaging/translations.py imports modules that use app_text (the
    # shortcuts' table) to write the catalogue.
    from ui.app_catalog import TEXTS

    patterns = []
    for text in TEXTS:
        if _FIELD.search(text):
            parts = _FIELD.split(text)  # literal, name, literal, name, ..., literal
            seen: set[str] = set()
            regex = ""
            for i, part in enumerate(parts):
                if i % 2 == 0:
                    regex += re.escape(part)
                elif part in seen:  # the same value again ("{name} ... \"{name}\"")
                    regex += f"(?P={part})"
                else:
                    seen.add(part)
                    regex += f"(?P<{part}>.+?)"
            patterns.append((text, re.compile(regex, re.DOTALL)))
    return tuple(patterns)


@lru_cache(maxsize=4096)
def app_text(text: str) -> str:
    """``text`` (written by app/ or inference/) in the window's language; as it is when
    there is no translation for it. Remembered (it is asked for in table cells' ``data()``
    as they paint, and a text with no entry costs a match against every template);
    :func:`ui.i18n.install_language` forgets it with the language."""
    if not text:
        return text
    translated = QCoreApplication.translate(CONTEXT, text)
    if translated != text:
        return translated
    for template, pattern in _templates():
        match = pattern.fullmatch(text)
        if match:
            values = {name: app_text(value) for name, value in match.groupdict().items()}
            return QCoreApplication.translate(CONTEXT, template).format(**values)
    return text
