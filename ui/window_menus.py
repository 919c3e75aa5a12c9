"""The main window's menus and keyboard shortcuts, and the dialogs they open.

Every shortcut listed in :mod:`ui.shortcuts` is bound here, once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QMenu,
    QMenuBar,
)

from app.chat.session import ChatSession
from app.files import write_atomically
from app.models.recommended import model_recommendation
from app.settings import Settings
from app.store.chat_store import ChatStore
from app.store.export import (
    InvalidExportError,
    export_json,
    export_markdown,
    import_chats,
    parse_export,
)
from ui.chat_settings import ChatSettingsDialog
from ui.chat_view import ChatView
from ui.i18n import (
    LANGUAGE_SYSTEM,
    available_languages,
    language_name,
    resolve_language,
    tr,
    translate_in,
)
from ui.model_selection import ModelSelection
from ui.shortcuts import ShortcutsDialog
from ui.sidebar import Sidebar
from ui.theme import THEME_CONTRAST, THEME_DARK, THEME_LIGHT, THEME_SYSTEM, set_theme
from ui.zoom import apply_text_scale, step_scale

if TYPE_CHECKING:
    from app.api.control import ServerControl
    from app.remote.providers import ProviderStore
    from ui.providers_dialog import ProvidersDialog
    from ui.remote_models import RemoteModels
    from ui.server_dialog import ServerDialog
    from ui.server_indicator import ServerIndicator


class ChatWindow(Protocol):
    """What the menus use of the window they are built into (:class:`ui.main_window.ChatWindow`).

    The window composes the menus; they reach it only through this public surface.
    """

    store: ChatStore
    session: ChatSession
    sidebar: Sidebar
    chat_view: ChatView
    model_selection: ModelSelection
    settings_button: QAbstractButton
    theme_actions: dict[str, QAction]
    shortcuts_dialog: ShortcutsDialog | None
    server: ServerControl | None
    server_indicator: ServerIndicator | None
    server_dialog: ServerDialog | None
    providers: ProviderStore
    remote_models: RemoteModels
    providers_dialog: ProvidersDialog | None

    @property
    def settings(self) -> Settings: ...
    def menuBar(self) -> QMenuBar: ...  # noqa: N802 (Qt's name)
    def new_chat(self) -> None: ...
    def close(self) -> bool: ...
    def show_error(self, message: str) -> None: ...
    def set_status(self, text: str, color: str = "") -> None: ...
    def change_settings(self, changed: Settings) -> bool: ...

def export_filters() -> str:
    """The export dialog's file types."""
    return tr("Markdown (*.md);;JSON, lossless (*.json)")


def build_menus(window: ChatWindow) -> None:
    """Add the menu bar and the window-wide shortcuts to ``window``."""
    bar = window.menuBar()
    chat = bar.addMenu(tr("&Chat"))
    _action(window, chat, tr("&New chat"), window.new_chat, QKeySequence.StandardKey.New)
    _action(window, chat, tr("&Rename"), lambda: window.sidebar.start_rename(), "F2")
    _action(window, chat, tr("Chat &settings…"), lambda: open_chat_settings(window), "Ctrl+,")
    providers = _action(window, chat, tr("&Providers…"), lambda: open_providers_dialog(window))
    providers.setStatusTip(tr("Remote servers (OpenAI-compatible) whose models you can chat with"))
    chat.addSeparator()
    _action(window, chat, tr("&Export this chat…"), lambda: export_dialog(window, everything=False))
    _action(window, chat, tr("Export &all chats…"), lambda: export_dialog(window, everything=True))
    _action(window, chat, tr("&Import chats…"), lambda: import_dialog(window))
    chat.addSeparator()
    _action(window, chat, tr("&Quit"), window.close, QKeySequence.StandardKey.Quit)

    view = bar.addMenu(tr("&View"))
    _action(window, view, tr("&Search chats"), window.sidebar.focus_search,
            QKeySequence.StandardKey.Find)
    _action(window, view, tr("&Previous chat"), lambda: window.sidebar.step(-1), "Ctrl+Up")
    _action(window, view, tr("&Next chat"), lambda: window.sidebar.step(1), "Ctrl+Down")
    themes = view.addMenu(tr("&Theme"))
    group = QActionGroup(window)
    window.theme_actions = {}
    for name, label in ((THEME_SYSTEM, tr("Follow the &system")), (THEME_LIGHT, tr("&Light")),
                        (THEME_DARK, tr("&Dark")), (THEME_CONTRAST, tr("&High contrast"))):
        action = themes.addAction(label)
        action.setCheckable(True)
        action.setChecked(window.settings.theme == name)
        action.triggered.connect(lambda _checked=False, n=name: choose_theme(window, n))
        group.addAction(action)
        window.theme_actions[name] = action
    _zoom_and_reading_actions(window, view)
    _language_menu(window, view)

    tools = bar.addMenu(tr("&Tools"))
    server = _action(window, tools, tr("&API server…"), lambda: open_server_dialog(window))
    server.setEnabled(window.server is not None)
    server.setStatusTip(tr("Let other apps use the model through the OpenAI-compatible API"))
    compare = _action(window, tools, tr("&Compare models…"), lambda: open_compare(window),
                      "Ctrl+Shift+K")
    compare.setStatusTip(
        tr("One prompt to 2-4 models or settings, replies and speeds side by side"))

    help_menu = bar.addMenu(tr("&Help"))
    _action(window, help_menu, tr("&Keyboard shortcuts"), lambda: show_shortcuts(window), "F1")
    # "?" opens the list too, when the focus is not in a text field (those take the key).
    # Keyboards send it with or without Shift, depending on the layout and platform.
    for keys in ("?", "Shift+?"):
        question = QShortcut(QKeySequence(keys), window)
        question.activated.connect(lambda: show_shortcuts(window))
    undo = QShortcut(QKeySequence.StandardKey.Undo, window)
    undo.activated.connect(lambda: window.sidebar.undo_delete() if window.sidebar.can_undo()
                           else None)
    window.settings_button.clicked.connect(lambda: open_chat_settings(window))
    if window.server_indicator is not None:
        window.server_indicator.clicked.connect(lambda: open_server_dialog(window))
    window.sidebar.export_requested.connect(lambda chat_id: export_dialog(window, False, chat_id))


def _zoom_and_reading_actions(window: ChatWindow, view: object) -> None:
    """View ▸ Zoom in, Zoom out, Actual size; Previous and Next message."""
    view.addSeparator()  # type: ignore[attr-defined]
    bigger = _action(window, view, QCoreApplication.translate("Menus", "Zoom &in"),
                     lambda: zoom_text(window, 1), QKeySequence.StandardKey.ZoomIn)
    # Ctrl+= too: the key under "+" on most layouts, without the Shift that "+" needs.
    bigger.setShortcuts([QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")])
    _action(window, view, QCoreApplication.translate("Menus", "Zoom &out"),
            lambda: zoom_text(window, -1), QKeySequence.StandardKey.ZoomOut)
    _action(window, view, QCoreApplication.translate("Menus", "&Actual size"),
            lambda: zoom_text(window, 0), "Ctrl+0")
    view.addSeparator()  # type: ignore[attr-defined]
    _action(window, view, QCoreApplication.translate("Menus", "Previous &message"),
            lambda: window.chat_view.step_message(-1), "Alt+Up")
    _action(window, view, QCoreApplication.translate("Menus", "Next m&essage"),
            lambda: window.chat_view.step_message(1), "Alt+Down")


def zoom_text(window: ChatWindow, direction: int) -> None:
    """Make the window's text larger (``direction`` 1), smaller (-1) or 100 % (0), and
    remember the size in the settings file."""
    scale = step_scale(window.settings.text_scale, direction)
    apply_text_scale(scale)
    window.change_settings(window.settings.model_copy(update={"text_scale": scale}))
    window.set_status(QCoreApplication.translate("Menus", "Text size {percent} %").format(
        percent=scale))


def _action(window: ChatWindow, menu: object, text: str, slot: object,
            keys: QKeySequence.StandardKey | str | None = None) -> QAction:
    action = QAction(text, window)
    if keys is not None:
        action.setShortcut(QKeySequence(keys))
    action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
    menu.addAction(action)  # type: ignore[attr-defined]
    return action


def _language_menu(window: ChatWindow, view: QMenu) -> None:
    """View ▸ Language: the system's or one of the translations; saved, used at the next start."""
    languages = view.addMenu(tr("&Language"))
    group = QActionGroup(window)
    choices = [(LANGUAGE_SYSTEM, tr("Follow the &system"))]
    choices += [(code, language_name(code)) for code in available_languages()]
    for code, label in choices:
        action = languages.addAction(label)
        action.setCheckable(True)
        action.setChecked(window.settings.language == code)
        action.triggered.connect(lambda _checked=False, c=code: choose_language(window, c))
        group.addAction(action)


def choose_language(window: ChatWindow, preference: str) -> None:
    """Remember the window's language (a code or "system"); it is used from the next start.

    The note says so in the language chosen, so that a user who cannot read the current one
    still learns what happens.
    """
    if not window.change_settings(window.settings.model_copy(update={"language": preference})):
        return
    note = QT_TRANSLATE_NOOP("QCoreApplication", "The language changes when you restart Slice.")
    window.set_status(translate_in(resolve_language(preference), "QCoreApplication", note))


def open_chat_settings(window: ChatWindow) -> ChatSettingsDialog:
    """Open the open chat's settings; the result is saved when the user presses OK."""
    model = window.model_selection.selected_path() or window.session.chat_settings().model_path
    dialog = ChatSettingsDialog(
        window.settings, window.session.chat_settings(), window.store, window,
        recommendation=model_recommendation(model or "", window.settings.load),
    )

    def apply(result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            window.session.update_settings(dialog.chat_settings())
            window.chat_view.set_show_thinking(dialog.chat_settings().show_thinking)

    dialog.finished.connect(apply)
    dialog.open()
    return dialog


def open_providers_dialog(window: ChatWindow) -> ProvidersDialog:
    """Show the Providers dialog (the one already open, if any); a change makes the model
    list ask the providers again. Not modal: the window stays usable."""
    from ui.providers_dialog import ProvidersDialog

    dialog = window.providers_dialog
    if dialog is None:
        dialog = ProvidersDialog(window.providers, window)  # type: ignore[arg-type]  # a QWidget
        dialog.providers_changed.connect(window.remote_models.refresh)
        window.providers_dialog = dialog
    else:
        dialog.refresh()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def open_compare(window: ChatWindow) -> object:
    """Show the Compare view (Tools > Compare models…), the one already open if any."""
    from ui.compare_window import open_compare_window  # loaded when first opened

    return open_compare_window(window)


def open_server_dialog(window: ChatWindow) -> ServerDialog | None:
    """Show the API server's dialog (the one already open, if any); None without a server.

    Not modal: its figures stay live while the user works in the window.
    """
    if window.server is None:
        return None
    from ui.server_dialog import ServerDialog  # a window without a server never loads it

    dialog = window.server_dialog
    if dialog is None:
        dialog = ServerDialog(window.server, window)  # type: ignore[arg-type]  # a QWidget
        dialog.applied.connect(lambda server: window.change_settings(
            window.settings.model_copy(update={"server": server})))
        window.server_dialog = dialog
    elif not dialog.isVisible():
        dialog.load(window.server.settings().server)  # edits left unapplied are dropped
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def export_chats(window: ChatWindow, chat_ids: list[int], path: Path) -> bool:
    """Write chats to ``path`` (Markdown for ``.md``, else JSON); reports in the status line."""
    markdown = path.suffix.lower() == ".md"
    text = export_markdown(window.store, chat_ids) if markdown else export_json(
        window.store, chat_ids)
    try:
        write_atomically(path, text, create_folder=False)
    except OSError as exc:
        window.show_error(tr("Could not write {path}: {reason}").format(
            path=path, reason=exc.strerror or exc))
        return False
    window.set_status(tr("Exported %n chat(s) to {path}", "", len(chat_ids))
                      .format(path=path))
    return True


def export_dialog(window: ChatWindow, everything: bool, chat_id: int | None = None) -> None:
    ids = window.store.chat_ids() if everything else [chat_id or window.session.chat_id or 0]
    if not ids or not ids[0]:
        window.show_error(tr("There is no saved chat to export yet."))
        return
    path, chosen = QFileDialog.getSaveFileName(
        window, tr("Export chats") if everything
        else tr("Export chat"), "", export_filters()
    )
    if not path:
        return
    target = Path(path)
    if not target.suffix:
        target = target.with_suffix(".json" if "json" in chosen.lower() else ".md")
    export_chats(window, ids, target)


def import_file(window: ChatWindow, path: Path) -> bool:
    """Add the chats of a JSON export; reports in the status line."""
    try:
        chats = parse_export(path.read_text(encoding="utf-8"), str(path))
        result = import_chats(window.store, chats)
    except (OSError, UnicodeDecodeError) as exc:
        window.show_error(tr("Could not read {path}: {reason}").format(
            path=path, reason=exc))
        return False
    except InvalidExportError as exc:
        window.show_error(tr("{reason}; nothing was imported.").format(reason=exc))
        return False
    window.sidebar.refresh()
    note = tr("; %n already here", "", result.skipped) if result.skipped else ""
    window.set_status(tr("Imported %n chat(s)", "", result.imported)
                      + tr(" (%n message(s))", "", result.messages) + note + ".")
    return True


def import_dialog(window: ChatWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(window, tr("Import chats"), "",
                                          tr("Slice export (*.json)"))
    if path:
        import_file(window, Path(path))


def show_shortcuts(window: ChatWindow) -> ShortcutsDialog:
    dialog = ShortcutsDialog(window)
    dialog.open()
    window.shortcuts_dialog = dialog
    return dialog


def choose_theme(window: ChatWindow, preference: str) -> None:
    """Use a theme and remember it in the settings file."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        set_theme(app, preference)
    window.change_settings(window.settings.model_copy(update={"theme": preference}))
    window.theme_actions[preference].setChecked(True)
