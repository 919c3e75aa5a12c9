"""The window's language: Qt translators for Slice's own text and for Qt's dialogs.

Slice's text is written in English in the code and goes through Qt's translation system
(``self.tr``, ``QCoreApplication.translate``); the catalogues are compiled ``.qm`` files in
``assets/translations`` (their ``.ts`` sources beside them; ``scripts/translations.sh``
updates and compiles them). The language follows the system unless the user picked one in
View ▸ Language (``Settings.language``); a change takes effect at the next start.

English has a catalogue too: it holds only the plural forms ("1 chat", "2 chats") of the
source text, which is written "%n chat(s)" for the translators.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QTranslator,
)

from ui.resources import assets_dir

log = logging.getLogger(__name__)

# ``Settings.language`` when the window follows the system's language.
LANGUAGE_SYSTEM = "system"
# The language the code's own text is written in.
SOURCE_LANGUAGE = "en"
_PREFIX = "slice_"

# The translators in use, kept referenced: Qt holds them by pointer only.
_installed: list[QTranslator] = []


def translations_dir() -> Path:
    """Where the compiled catalogues (``slice_<code>.qm``) and their sources live."""
    return assets_dir() / "translations"


def available_languages() -> list[str]:
    """The language codes the window can be shown in (English first, then by code), from
    the catalogues' file names: none is loaded."""
    codes = {path.stem.removeprefix(_PREFIX) for path in translations_dir().glob(_PREFIX + "*.qm")}
    return [SOURCE_LANGUAGE, *sorted(codes - {SOURCE_LANGUAGE})]


#: Each catalogue names its own language, in that language, as this word's translation.
LANGUAGE_NAME = QT_TRANSLATE_NOOP("Language", "English")
#: The other languages' names in those languages, for the menu, which lists them all at
#: start: naming them so needs no catalogue loaded.
LANGUAGE_NAMES = {"de": "Deutsch", "es": "Español"}


def language_name(code: str) -> str:
    """A language's name in that language ("Deutsch", "Español"), for the menu.

    Naming one loads no catalogue: the language in use is named by its own catalogue
    (installed already), the others by :data:`LANGUAGE_NAMES`, one missing there by Qt
    (whose name may add a country: "español de España")."""
    if code == SOURCE_LANGUAGE:
        return LANGUAGE_NAME
    if any(translator.language() == code for translator in _installed):
        named = QCoreApplication.translate("Language", LANGUAGE_NAME)
        if named != LANGUAGE_NAME:
            return named
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    name = QLocale(code).nativeLanguageName()
    return name[:1].upper() + name[1:] if name else code


def system_language(locale: QLocale | None = None) -> str:
    """The first of the system's UI languages Slice has a catalogue for, else English."""
    available = available_languages()
    for tag in (locale or QLocale.system()).uiLanguages():
        code = tag.replace("-", "_").split("_")[0].lower()
        if code in available:
            return code
    return SOURCE_LANGUAGE


def resolve_language(preference: str, locale: QLocale | None = None) -> str:
    """The language to show: ``preference`` when Slice has it, else the system's."""
    if preference != LANGUAGE_SYSTEM:
        if preference in available_languages():
            return preference
        log.warning("language %r has no translation here; following the system", preference)
    return system_language(locale)


def install_language(app: QCoreApplication, preference: str = LANGUAGE_SYSTEM) -> str:
    """Install the translators for ``preference`` (a code or "system"); returns the code used.

    Replaces the translators an earlier call installed. Qt's own catalogue (the standard
    buttons, the file dialog, the context menus of text fields) is loaded from Qt's
    translations folder when it has that language.
    """
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    code = resolve_language(preference)
    own = QTranslator(app)
    if own.load(_PREFIX + code, str(translations_dir())):
        app.installTranslator(own)
        _installed.append(own)
    else:
        log.warning("cannot load %s%s.qm from %s", _PREFIX, code, translations_dir())
    if code != SOURCE_LANGUAGE:
        qt = QTranslator(app)
        if any(qt.load("qtbase_" + code, folder) for folder in _qt_translation_dirs()):
            app.installTranslator(qt)
            _installed.append(qt)
    from ui.app_texts import app_text  # (app_texts imports no ui module: no cycle)

    app_text.cache_clear()  # its memory is of the language that was installed
    return code


def _qt_translation_dirs() -> list[str]:
    """Where Qt's own catalogues may be: Qt's configured folder, then PySide6's (a frozen
    bundle keeps them there, whatever its qt.conf says)."""
    import PySide6

    return [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
            str(Path(PySide6.__file__).resolve().parent / "Qt" / "translations")]


def translate_in(code: str, context: str, text: str) -> str:
    """``text`` in the language ``code`` (not necessarily the one installed): to say, in the
    language just chosen, that it arrives at the next start."""
    translator = QTranslator()
    if translator.load(_PREFIX + code, str(translations_dir())):
        return translator.translate(context, text) or text
    return text


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the window's language, for code outside a class (lupdate files a bare
    ``tr()`` there under the empty context); ``n``: the count of a plural ("%n chat(s)")."""
    return QCoreApplication.translate("", text, disambiguation, n)
