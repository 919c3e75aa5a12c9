"""The window's languages: every string of the sources translated into German and Spanish
(plural forms too), nothing a translation needs dropped (placeholders, accelerators, file
patterns), the compiled catalogues current, the menus' accelerators distinct, View ▸
Language, and the German window as a user sees it (with a screenshot).

The completeness check runs the real ``pyside6-lupdate`` over the sources into a copy of
each committed ``.ts``: a string added to the code and not translated fails it.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import httpx2 as httpx
import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QMenuBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.api.control import ServerControl
from app.api.keys import ApiKeyStore
from app.chat.bridge import EngineController
from app.compare.memory import NOTE_REMOTE
from app.compare.results import ResultState, TargetResult
from app.compare.starting_points import STARTING_POINT_LABELS, StartingPoint
from app.paths import app_paths
from app.remote.failures import http_failure
from app.remote.providers import Provider, ProviderStore
from app.settings import Settings, validate_leniently
from app.store import ChatStore
from app.store.recovery import RESTORED
from inference.events import Done, Loaded, Loading, LoadSettings, ModelInfo, Stats, Token
from tests.conftest import new_library
from tests.fakes import MODEL_PATH, FakeLibrary
from tests.scripted_client import ScriptedHostClient, play, tokens
from tests.ui_helpers import open_window
from ui.app_texts import app_text
from ui.chat_settings import ChatSettingsDialog
from ui.compare_column import ResultColumn
from ui.compare_window import CompareWindow
from ui.i18n import (
    LANGUAGE_SYSTEM,
    available_languages,
    install_language,
    resolve_language,
    system_language,
    tr,
)
from ui.load_settings_dialog import LoadSettingsDialog
from ui.main_window import ChatWindow
from ui.models_dialog import ModelsDialog
from ui.provider_editor import ProviderEditor
from ui.providers_dialog import ProvidersDialog
from ui.server_dialog import ServerDialog
from ui.setting_fields import label
from ui.shortcuts import ShortcutsDialog
from ui.window_menus import open_compare

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

import translations  # noqa: E402

LANGUAGES = ("de", "es", "en")  # en: the plural forms of the source text only
SIZE = (1180, 760)


@dataclass
class Entry:
    numerus: bool
    forms: list[str]  # the translation, or each plural form
    finished: bool


def read_ts(path: Path) -> dict[tuple[str, str], Entry]:
    """A .ts file's messages by (context, source)."""
    entries = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            numerus = message.get("numerus") == "yes"
            forms = ([form.text or "" for form in translation.iter("numerusform")] if numerus
                     else [translation.text or ""])
            entries[(name, message.findtext("source") or "")] = Entry(
                numerus, forms, translation.get("type") not in ("unfinished", "vanished",
                                                                "obsolete"))
    return entries


def catalogue(code: str) -> Path:
    return translations.TRANSLATIONS / f"slice_{code}.ts"


# -- what a translation must keep -------------------------------------------------------

_FIELD = re.compile(r"\{\w*\}")
_MNEMONIC = re.compile(r"(?<!&)&(?!&)")
_TAG = re.compile(r"</?\w+[^>]*>")
_PATTERN = re.compile(r"\*\.\w+")


def problems(source: str, translation: str) -> list[str]:
    """What ``translation`` of ``source`` lost or added that the code relies on."""
    found = []
    if Counter(_FIELD.findall(source)) != Counter(_FIELD.findall(translation)):
        found.append(f"placeholders {sorted(_FIELD.findall(source))} became "
                     f"{sorted(_FIELD.findall(translation))}")
    if ("%n" in source) != ("%n" in translation):
        found.append("the count %n")
    if len(_MNEMONIC.findall(source)) != len(_MNEMONIC.findall(translation)):
        found.append("the accelerator &")
    if Counter(_TAG.findall(source)) != Counter(_TAG.findall(translation)):
        found.append("markup")
    if Counter(_PATTERN.findall(source)) != Counter(_PATTERN.findall(translation)):
        found.append("file patterns")
    if source.count("\n") != translation.count("\n"):
        found.append("line breaks")
    lead, trail = (len(source) - len(source.lstrip()), len(source) - len(source.rstrip()))
    if (source[:lead], source[len(source) - trail:]) != (
            translation[:len(translation) - len(translation.lstrip())],
            translation[len(translation.rstrip()):]):
        found.append("leading or trailing spaces (the text is joined to others)")
    return found


def test_the_check_catches_what_a_translation_can_drop() -> None:
    assert problems("Loaded {model} in {seconds} s", "{model} in {seconds} s geladen") == []
    assert problems("Loaded {model} in {seconds} s", "{model} geladen")
    assert problems("Loaded {model} in {seconds} s", "{modell} in {seconds} s geladen")
    assert problems("&Quit", "Beenden")
    assert problems("Quit", "&Beenden")
    assert problems("Imported %n chat(s)", "Chats importiert")
    assert problems(" · private", "· privat")
    assert problems("GGUF models (*.gguf)", "GGUF-Modelle")
    assert problems("{a}\n{b}", "{a} {b}")


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_translation_drops_a_placeholder(code: str) -> None:
    wrong = {
        (context, source, form): found
        for (context, source), entry in read_ts(catalogue(code)).items()
        for form in entry.forms
        if (found := problems(source, form))
    }
    assert not wrong, f"slice_{code}.ts: {wrong}"


# -- complete and compiled --------------------------------------------------------------


def test_the_catalogue_of_app_words_is_current() -> None:
    assert translations.CATALOG.read_text(encoding="utf-8") == translations.catalog_source(), (
        "ui/app_catalog.py is out of date: run scripts/translations.sh update")


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_string_of_the_sources_is_translated(code: str, tmp_path: Path) -> None:
    committed = read_ts(catalogue(code))
    fresh_path = tmp_path / catalogue(code).name
    shutil.copy(catalogue(code), fresh_path)
    translations.lupdate([fresh_path], code)  # what `scripts/translations.sh update` does
    fresh = read_ts(fresh_path)
    new = sorted(set(fresh) - set(committed))
    gone = sorted(set(committed) - set(fresh))
    assert not new, f"slice_{code}.ts lacks (run scripts/translations.sh update, translate): {new}"
    assert not gone, f"slice_{code}.ts holds strings the code no longer has: {gone}"
    unfinished = [key for key, entry in fresh.items()
                  if not entry.finished or not all(form.strip() for form in entry.forms)]
    assert not unfinished, f"slice_{code}.ts: untranslated {unfinished}"
    plurals = {key: entry.forms for key, entry in fresh.items() if entry.numerus}
    assert plurals, "the sources have plural forms (%n)"
    # German, Spanish and English have two forms (one, other); lupdate made as many.
    assert all(len(forms) == 2 for forms in plurals.values()), plurals
    if code == "en":
        assert all(entry.numerus for entry in fresh.values())  # plural forms only


def test_both_languages_translate_the_same_strings() -> None:
    assert set(read_ts(catalogue("de"))) == set(read_ts(catalogue("es")))


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_compiled_catalogue_is_current(code: str, tmp_path: Path) -> None:
    compiled = tmp_path / f"slice_{code}.qm"
    translations.lrelease(catalogue(code), compiled)
    assert compiled.read_bytes() == (translations.TRANSLATIONS / compiled.name).read_bytes(), (
        f"slice_{code}.qm is older than its .ts: run scripts/translations.sh compile")


# -- choosing the language --------------------------------------------------------------


def test_the_system_language_is_followed_when_slice_has_it() -> None:
    assert available_languages() == ["en", "de", "es"]
    assert system_language(QLocale("de_AT")) == "de"
    assert system_language(QLocale("es_MX")) == "es"
    assert system_language(QLocale("fr_FR")) == "en"
    assert resolve_language("es", QLocale("de_DE")) == "es"  # the user's choice wins
    assert resolve_language(LANGUAGE_SYSTEM, QLocale("de_DE")) == "de"
    assert resolve_language("fr", QLocale("de_DE")) == "de"  # no French: the system's


def test_the_language_setting_has_a_default_and_rejects_nonsense() -> None:
    assert Settings().language == LANGUAGE_SYSTEM
    assert validate_leniently(Settings, {"language": "de"}).language == "de"
    kept = validate_leniently(Settings, {"language": "Deutsch!", "theme": "dark"})
    assert (kept.language, kept.theme) == (LANGUAGE_SYSTEM, "dark")


@pytest.fixture
def language(qapp: QApplication, request: pytest.FixtureRequest) -> Iterator[str]:
    """The window's language for one test (``request.param``), English again after it."""
    code = install_language(qapp, request.param)
    yield code
    install_language(qapp, "en")


@pytest.mark.parametrize("language", ["de"], indirect=True)
def test_german_text_plurals_and_qts_own_buttons(language: str) -> None:
    assert language == "de"
    assert tr("Imported %n chat(s)", "", 1) == "1 Chat importiert"
    assert tr("Imported %n chat(s)", "", 3) == "3 Chats importiert"
    # The words of app/ and inference/, exact and filled-in templates.
    assert label(LoadSettings, "n_ctx") == "Kontextgröße (Tokens)"
    assert app_text("Slice's default for SmolLM2") == "Standard von Slice für SmolLM2"
    assert app_text("preset Precise") == "Voreinstellung Präzise"
    assert app_text("Thought for 4.2 s") == "4.2 s nachgedacht"
    assert app_text("words nobody translated") == "words nobody translated"
    # A remote server's failure, as app/remote writes it (the CLI prints it in English).
    box = Provider(name="box", base_url="http://box.lan:8080/v1")
    refused = http_failure(401, httpx.Headers(), b"", provider=box, model_id="m", key=None)
    assert app_text(refused.message) == (
        "box hat die Anfrage nicht angenommen (HTTP 401): er verlangt einen API-Schlüssel, "
        "und keiner ist gesetzt. Setzen Sie den richtigen Schlüssel unter Chat ▸ Anbieter… "
        'oder mit: slice-chat providers add "box" http://box.lan:8080/v1 --replace '
        "--key-stdin")
    busy = http_failure(503, httpx.Headers({"retry-after": "30"}), b"", provider=box,
                        model_id="m", key=None)
    assert busy.message.startswith("box failed to answer (HTTP 503). Try again in 30 s;")
    assert app_text(busy.message).startswith(
        "box konnte nicht antworten (HTTP 503). Versuchen Sie es in 30 s erneut;")
    # The notice after a damaged database was restored.
    notice = RESTORED.format(problem="malformed page", when="2026-12-01 10:00",
                             damaged="/data/chats.db.damaged-1")
    assert app_text(notice) == (
        "Die Chat-Datenbank war beschädigt (malformed page). Slice hat die Sicherung vom "
        "2026-12-01 10:00 wiederhergestellt; Änderungen nach dieser Sicherung sind nicht "
        "darin. Die beschädigte Datei wurde als /data/chats.db.damaged-1 aufbewahrt.")
    # The Compare view's figures, as app/compare writes them.
    column = ResultColumn(1, "SmolLM2", MODEL_PATH)
    column.show_result(TargetResult(
        ResultState.STOPPED, reply="Blau", ttft_s=0.12, load_s=0.4, peak_memory=300 << 20,
        memory_note=NOTE_REMOTE.format(provider="box"),
        stats=Stats(prompt_tokens=20, cached_tokens=4, generated_tokens=3, decode_tps=30.0)))
    figures = column.figures.text()
    for german in ("Spitzenspeicher", "20 (4 aus dem Cache)", "Ende", "vom Benutzer gestoppt",
                   "nicht gemessen: das Modell läuft auf dem Server von box"):
        assert german in figures, (german, figures)
    assert column.status.text() == "Von Ihnen angehalten"
    assert app_text(STARTING_POINT_LABELS[StartingPoint.KV_CACHE]) == (
        "Gleiches Modell, KV-Cache f16 gegen q8_0")
    # Qt's catalogue is loaded too: the standard buttons speak German.
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Abbrechen"


def test_english_plurals(qapp: QApplication) -> None:
    assert tr("Imported %n chat(s)", "", 1) == "Imported 1 chat"
    assert tr("Imported %n chat(s)", "", 2) == "Imported 2 chats"
    assert QCoreApplication.translate("StatusLine", "Waiting for the model…") == (
        "Waiting for the model…")


def _menu_titles(bar: QMenuBar) -> list[str]:
    return [action.text() for action in bar.actions()]


def _mnemonics(texts: list[str]) -> list[str]:
    return [found.group(1).lower() for text in texts
            if (found := re.search(r"(?<!&)&([^&])", text))]


def _menus(menu: QMenu) -> Iterator[QMenu]:
    yield menu
    for action in menu.actions():
        if action.menu() is not None:
            yield from _menus(action.menu())


@pytest.mark.parametrize(("language", "view"), [("de", "&Ansicht"), ("es", "&Ver"),
                                                ("en", "&View")], indirect=["language"])
def test_each_menu_has_distinct_accelerators(
    qtbot: QtBot, language: str, view: str, controller: EngineController, store: ChatStore,
) -> None:
    window = open_window(qtbot, controller, store, SIZE)
    bar = window.menuBar()
    titles = _menu_titles(bar)
    assert titles[1] == view
    clashes = {}
    for text, letters in [("menu bar", _mnemonics(titles))] + [
        (menu.title(), _mnemonics([a.text() for a in menu.actions()]))
        for top in bar.actions() for menu in _menus(top.menu())
    ]:
        if len(letters) != len(set(letters)):
            clashes[text] = letters
    assert not clashes


def test_view_language_saves_the_choice_and_says_so_in_that_language(
    qtbot: QtBot, controller: EngineController, store: ChatStore,
) -> None:
    window = open_window(qtbot, controller, store, SIZE)
    view = window.menuBar().actions()[1].menu()
    language_menu = next(a.menu() for a in view.actions() if a.text() == "&Language")
    actions = {action.text(): action for action in language_menu.actions()}
    assert list(actions) == ["Follow the &system", "English", "Deutsch", "Español"]
    assert actions["Follow the &system"].isChecked()
    saved: list[Settings] = []
    window.settings_changed.connect(saved.append)
    actions["Deutsch"].trigger()
    assert window.settings.language == "de" and saved[-1].language == "de"
    assert window.status_line.text() == "Die Sprache ändert sich, wenn Sie Slice neu starten."
    assert actions["Deutsch"].isChecked()
    actions["Español"].trigger()
    assert window.status_line.text() == "El idioma cambia cuando reinicies Slice."
    actions["Follow the &system"].trigger()  # the tests' system speaks English
    assert window.settings.language == LANGUAGE_SYSTEM
    assert window.status_line.text() == "The language changes when you restart Slice."


@pytest.mark.parametrize("language", ["en", "de"], indirect=True)
def test_the_language_menu_loads_no_catalogue_and_a_choice_loads_its_own(
    qapp: QApplication, qtbot: QtBot, language: str, controller: EngineController,
    store: ChatStore, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Listing the languages reads the catalogues' names, not the catalogues; the window's
    own language is named by its catalogue (installed already), the others by Qt."""
    loaded: list[str] = []
    original = QTranslator.load

    def counted(self: QTranslator, *args: object) -> bool:
        loaded.append(str(args[0]))
        return original(self, *args)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(QTranslator, "load", counted)
    window = open_window(qtbot, controller, store, SIZE)
    view = window.menuBar().actions()[1].menu()
    language_menu = next(a.menu() for a in view.actions()
                         if a.text() in ("&Language", "&Sprache"))
    actions = {action.text(): action for action in language_menu.actions()}
    assert list(actions)[1:] == ["English", "Deutsch", "Español"]
    assert loaded == []
    actions["Español"].trigger()  # says in Spanish that it comes at the next start
    assert loaded == ["slice_es"]
    loaded.clear()
    install_language(qapp, "es")  # (the next start)
    assert [name for name in loaded if name.startswith("slice_")] == ["slice_es"]


def test_the_app_starts_in_the_language_of_its_settings(
    qapp: QApplication, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.main import RunningGui, build_parser, start_gui
    from app.paths import app_paths

    # The language is all this test looks at: the starter model is not loaded.
    monkeypatch.setattr(EngineController, "preload", lambda *_args: None)

    settings_file = app_paths().ensure().settings_file
    settings_file.write_text(json.dumps({"version": 3, "language": "es"}), encoding="utf-8")
    running = start_gui(build_parser().parse_args([]), qapp, time.perf_counter())
    assert isinstance(running, RunningGui)
    try:
        window = running.window
        assert _menu_titles(window.menuBar())[:2] == ["&Chat", "&Ver"]
        assert window.new_chat_button.text() == "Nuevo chat"
        view = window.menuBar().actions()[1].menu()
        language_menu = next(a.menu() for a in view.actions() if a.text() == "&Idioma")
        checked = [a.text() for a in language_menu.actions() if a.isChecked()]
        assert checked == ["Español"]
    finally:
        running.window.close()
        running.close()
        install_language(qapp, "en")


def _overlapping(bar: QWidget) -> list[str]:
    """The stats bar's figures that overlap the next one or are narrower than their text."""
    fields = sorted((label for label in bar.findChildren(QLabel) if label.isVisible()),
                    key=lambda label: label.x())
    found = [f"{field.text()!r} is cut" for field in fields
             if field.width() < field.sizeHint().width()]
    found += [f"{left.text()!r} runs into {right.text()!r}"
              for left, right in pairwise(fields) if left.geometry().right() >= right.x()]
    return found


def _clipped(root: QWidget) -> list[str]:
    """Buttons, check boxes and one-line labels narrower than their text needs."""
    widgets: list[QAbstractButton | QLabel] = [
        *root.findChildren(QAbstractButton),
        *(label for label in root.findChildren(QLabel) if not label.wordWrap()),
    ]
    return [f"{type(w).__name__} {w.text()!r}: {w.width()} < {w.sizeHint().width()}"
            for w in widgets
            if w.isVisible() and w.text() and w.width() < w.sizeHint().width()]


@pytest.mark.parametrize("language", ["de", "es"], indirect=True)
def test_the_translated_window_fits_its_text_with_a_screenshot(
    qtbot: QtBot, language: str, controller: EngineController, store: ChatStore,
    scripted_host: ScriptedHostClient, artifacts: Path, tmp_path: Path,
) -> None:
    window: ChatWindow = open_window(qtbot, controller, store, SIZE)
    question, answer = {
        "de": ("Wie entsteht ein Regenbogen?",
               "Sonnenlicht wird in Regentropfen gebrochen und gespiegelt; jede Farbe "
               "tritt unter einem etwas anderen Winkel aus."),
        "es": ("¿Cómo se forma un arcoíris?",
               "La luz del sol se refracta y se refleja en las gotas de lluvia; cada color "
               "sale con un ángulo algo distinto."),
    }[language]
    # A finished reply as a user sees it: the model loaded, the first words after the
    # model's time to first token (measured end to end at the first paint), then the rest.
    window.send_message(question)
    play(qtbot, scripted_host, Loading(MODEL_PATH), Loaded(ModelInfo(
        path=MODEL_PATH, name="SmolLM2 135M Instruct", architecture="llama", n_ctx=4096,
        n_ctx_train=8192, n_params=134_515_008, template_source="gguf", template_note="",
        load_s=0.4)))
    words = answer.split(" ")
    qtbot.wait(250)  # the model reading the prompt
    play(qtbot, scripted_host, Stats(ttft_s=0.2), Token(text=words[0] + " ", n=1))
    qtbot.waitUntil(lambda: "…" not in window.stats_bar.text().split("(")[0])
    play(qtbot, scripted_host, *tokens(*(w + " " for w in words[1:-1]), words[-1]),
         Done("end_of_turn", Stats(ttft_s=0.2, prompt_tokens=20, cached_tokens=4,
                                   generated_tokens=24, prompt_tps=410.0, decode_tps=31.0,
                                   context_used=44, context_size=4096)))
    qtbot.waitUntil(lambda: window.session.generating_id is None)
    # The bar places its fields when its LayoutRequest events are handled: a grab taken
    # before that drew them on top of each other.
    qtbot.waitUntil(lambda: not _overlapping(window.stats_bar))
    expected = {"de": ("Neuer Chat", "Senden", "Kontext"),
                "es": ("Nuevo chat", "Enviar", "Contexto")}[language]
    assert window.new_chat_button.text() == expected[0]
    assert window.composer.send_button.text() == expected[1]
    assert expected[2] in window.stats_bar.text()
    assert not _clipped(window)
    assert "…" not in window.stats_bar.text()
    assert window.grab().save(str(artifacts / f"window-{language}.png"))
    server = ServerControl(controller.scheduler, FakeLibrary(),  # type: ignore[arg-type]
                           ApiKeyStore(app_paths().ensure().config), Settings())
    dialogs = [ChatSettingsDialog(window.settings, window.session.chat_settings(), store,
                                  window),
               LoadSettingsDialog(window.settings, window), ModelsDialog(new_library()),
               ServerDialog(server, window), ProvidersDialog(ProviderStore(tmp_path), window),
               ProviderEditor(ProviderStore(tmp_path), None, window), ShortcutsDialog(window)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert not _clipped(dialog), dialog.windowTitle()
        assert dialog.grab().save(
            str(artifacts / f"{type(dialog).__name__}-{language}.png"))
        dialog.close()
    compare = open_compare(window)  # Tools ▸ Compare models…
    assert isinstance(compare, CompareWindow)
    qtbot.waitExposed(compare)
    assert not _clipped(compare)
    assert compare.grab().save(str(artifacts / f"CompareWindow-{language}.png"))
    compare.close()
    assert server.close()
