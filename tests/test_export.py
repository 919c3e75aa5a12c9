"""Export to Markdown and JSON, import back exactly; the `export` and `import` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.paths import app_paths
from app.store import ChatSettings, ChatStore, MessageState, open_chat_store
from app.store.export import (
    InvalidExportError,
    export_json,
    export_markdown,
    import_chats,
    parse_export,
)
from app.store.recovery import store_file
from tests.conftest import slice_chat

STATS = {"ttft_s": 0.12, "prompt_tokens": 30, "cached_tokens": 0, "prompt_tps": 500.0,
         "generated_tokens": 12, "decode_tps": 40.0, "context_used": 42, "context_size": 4096,
         "stop_reason": "end_of_turn", "load_s": 0.0, "ttft_e2e_s": 0.2}
FINGERPRINT = {"model": {"file": "m.gguf", "sha256": "ab" * 32, "quantization": "Q4_1"},
               "engine": {"slice": "0.1.0", "backend": "cpu"},
               "hardware": {"cpu": "Test CPU", "threads": 0, "gpu_layers": -1}}


def branched_chat(store: ChatStore) -> int:
    """A chat with an edit, a regeneration, a failed and an interrupted reply."""
    chat = store.create_chat(ChatSettings(system_prompt="Be brief.", model_path="/m.gguf",
                                          preset="Precise", overrides={"seed": 5}))
    user, reply = store.start_exchange(chat, None, "How do I reverse a list in Python?", "Smol")
    store.finish_message(reply.id, "Use `reversed()`:\n\n```python\nlist(reversed(x))\n```",
                         MessageState.DONE, stats=STATS, fingerprint=FINGERPRINT)
    again = store.start_reply(chat, user.id, "Smol")
    store.finish_message(again.id, "Slice it: `x[::-1]`.", MessageState.DONE, stats=STATS,
                         fingerprint=FINGERPRINT)
    _, failed = store.start_exchange(chat, again.id, "And a tuple?", "Smol")
    store.finish_message(failed.id, "Tup", MessageState.FAILED, error="The model process crashed.")
    store.start_exchange(chat, again.id, "And a string? 🎉", "Smol")  # stays partial
    store.select_sibling(again.id, -1)
    return chat


def test_json_round_trip_is_exact(tmp_path: Path) -> None:
    source = ChatStore(tmp_path / "a.db")
    chats = [branched_chat(source), branched_chat(source)]
    source.rename_chat(chats[1], "Renamed")
    first = json.loads(export_json(source, chats))

    target = ChatStore(tmp_path / "b.db")
    result = import_chats(target, parse_export(json.dumps(first), "first"))
    assert (result.imported, result.skipped) == (2, 0)
    assert result.messages == sum(len(c["messages"]) for c in first["chats"])
    second = json.loads(export_json(target, target.chat_ids()))
    first.pop("exported_at"), second.pop("exported_at")
    assert second == first
    # The shown path came back too (the first reply, not its regeneration).
    chat = target.chat_ids()[0]
    shown = [target.message(i).content for i in target.path_ids(chat)]  # type: ignore[union-attr]
    assert shown[1].startswith("Use `reversed()`")
    # Importing again adds nothing.
    assert import_chats(target, parse_export(json.dumps(first), "x")).skipped == 2
    assert len(target.chat_ids()) == 2


def test_markdown_shows_the_selected_path_readably(tmp_path: Path) -> None:
    store = ChatStore(tmp_path / "a.db")
    chat = branched_chat(store)
    store.select_sibling(store.path_ids(chat)[1], 1)  # the regeneration, then its children
    text = export_markdown(store, [chat])
    assert text.startswith("# How do I reverse a list in Python?")
    assert "**System prompt:**" in text and "> Be brief." in text
    assert "### You" in text and "### Smol (version 2 of 2)" in text
    assert "Slice it: `x[::-1]`." in text and "reversed()" not in text
    assert "And a string? 🎉" in text
    assert "interrupted before it finished" in text
    assert "on screen after 200 ms · engine ttft 120 ms" in text
    assert "m.gguf (Q4_1) · SHA-256 abababababab…" in text


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("not json", "is not JSON"),
        ('{"chats": []}', "is not a Slice chat export"),
        ('{"format": "slice-chats", "version": 99, "chats": []}', "newer Slice"),
        ('{"format": "slice-chats", "version": 1, "chats": [{"title": "x"}]}', "'uuid'"),
        ('{"format": "slice-chats", "version": 1, "chats": [{"uuid": "u", "created_at": 1,'
         ' "updated_at": 1, "messages": [{"id": 2, "parent": 1, "role": "user",'
         ' "created_at": 1, "updated_at": 1}]}]}', "parent 1 must come before it"),
        ('{"format": "slice-chats", "version": 1, "chats": [{"uuid": "u", "created_at": 1,'
         ' "updated_at": 1, "messages": [{"id": 1, "role": "robot", "created_at": 1,'
         ' "updated_at": 1}]}]}', "'role' must be"),
        ('{"format": "slice-chats", "version": 1, "chats": [{"uuid": "u", "created_at": 1,'
         ' "updated_at": 1, "messages": [{"id": 1, "role": "user", "content": 5,'
         ' "created_at": 1, "updated_at": 1}]}]}', "'content' must be text"),
    ],
)
def test_bad_files_are_refused_with_a_reason(document: str, expected: str) -> None:
    with pytest.raises(InvalidExportError) as raised:
        parse_export(document, "f.json")
    assert expected in str(raised.value)


def test_export_and_import_commands(slice_home: Path, tmp_path: Path) -> None:
    store = open_chat_store(app_paths().ensure().data).store
    chat = branched_chat(store)
    other = store.create_chat(title="Second")
    store.close()

    listed = slice_chat("export", "--list", home=slice_home)
    assert listed.returncode == 0
    rows = {row[0]: row for row in (line.split("\t") for line in listed.stdout.splitlines())}
    # One line per chat: id, date, title.
    assert set(rows) == {str(chat), str(other)}
    assert all(len(row) == 3 for row in rows.values())
    assert rows[str(other)][2] == "Second"

    md = tmp_path / "one.md"
    result = slice_chat("export", str(chat), "-o", str(md), home=slice_home)
    assert result.returncode == 0, result.stderr
    assert md.read_text().startswith("# How do I reverse")
    everything = tmp_path / "all.json"
    result = slice_chat("export", "--all", "--format", "json", "-o", str(everything),
                        home=slice_home)
    assert result.returncode == 0 and "Exported 2 chats" in result.stderr
    assert len(json.loads(everything.read_text())["chats"]) == 2
    to_stdout = slice_chat("export", str(chat), "--format", "json", home=slice_home)
    assert json.loads(to_stdout.stdout)["chats"][0]["title"].startswith("How do I")

    elsewhere = tmp_path / "elsewhere"
    imported = slice_chat("import", str(everything), home=elsewhere)
    assert imported.returncode == 0 and "Imported 2 chats" in imported.stdout
    again = slice_chat("import", "-", home=elsewhere, stdin=everything.read_text())
    assert "skipped 2 already present" in again.stdout

    missing = slice_chat("export", "999", home=slice_home)
    assert missing.returncode == 1 and "no chat with id 999" in missing.stderr
    (tmp_path / "bad.json").write_text('{"format": "nope"}')
    bad = slice_chat("import", str(tmp_path / "bad.json"), home=elsewhere)
    assert bad.returncode == 1 and "not a Slice chat export" in bad.stderr
    assert "nothing was imported" in bad.stderr
    unreadable = slice_chat("import", str(tmp_path / "nowhere.json"), home=elsewhere)
    assert unreadable.returncode == 1 and "cannot read" in unreadable.stderr
    nowhere = slice_chat("export", "--all", "-o", str(tmp_path / "no/such/dir/x.md"),
                         home=slice_home)
    assert nowhere.returncode == 1 and "cannot write" in nowhere.stderr

    # A damaged database: the command says what to do and changes nothing.
    path = store_file(app_paths().data)
    path.write_bytes(b"garbage" * 1000)
    damaged = slice_chat("export", "--list", home=slice_home)
    assert damaged.returncode == 1 and "Start Slice to restore it" in damaged.stderr
    assert path.read_bytes() == b"garbage" * 1000
