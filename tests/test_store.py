"""The chat store on real SQLite files: schema, trees, paths, search, presets."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from app.chat import presets
from app.chat.conversation import can_continue, conversation_messages
from app.settings import Settings
from app.store import (
    ChatSettings,
    ChatStore,
    Message,
    MessageState,
    NewerSchemaError,
    StoreError,
    schema,
    title_from,
)
from app.store.records import MATCH_END, MATCH_START
from app.store.search import fts_query, search
from inference.events import ChatMessage, Sampling


def exchange(store: ChatStore, chat: int, parent: int | None, text: str, reply: str,
             state: str = MessageState.DONE) -> tuple[int, int]:
    user, answer = store.start_exchange(chat, parent, text, "Model")
    store.finish_message(answer.id, reply, state, stats={"stop_reason": "end_of_turn"})
    return user.id, answer.id


def test_settings_migrations_and_pragmas(store: ChatStore, tmp_path: Path) -> None:
    conn = store.connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert schema.applied_migrations(conn) == list(schema.KNOWN)
    store.close()
    again = ChatStore(tmp_path / "chats.db")  # nothing left to apply
    assert schema.migrate(again.connection, "x") == []
    again.close()


def test_partial_saves_skip_the_flush_and_everything_else_keeps_it(store: ChatStore) -> None:
    chat = store.create_chat()
    _user, answer = store.start_exchange(chat, None, "Hi", "Model")
    statements: list[str] = []
    store.connection.set_trace_callback(statements.append)
    store.save_partial(answer.id, "Hel")
    store.finish_message(answer.id, "Hello", MessageState.DONE)
    store.connection.set_trace_callback(None)
    update = next(i for i, sql in enumerate(statements) if sql.startswith("UPDATE messages"))
    assert statements[:update].count("PRAGMA synchronous=NORMAL") == 1
    commit = statements.index("COMMIT", update)
    assert statements[commit + 1] == "PRAGMA synchronous=FULL"
    assert "PRAGMA synchronous=NORMAL" not in statements[commit:]  # the finish is durable
    assert store.connection.execute("PRAGMA synchronous").fetchone()[0] == 2
    message = store.message(answer.id)
    assert message is not None and message.content == "Hello"


def test_an_older_database_is_upgraded_and_indexed(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "old.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
    monkeypatch.setattr(schema, "KNOWN", schema.KNOWN[:1])
    old = ChatStore(path)
    # Rows as the first schema held them (today's code writes columns it did not have).
    old.connection.execute(
        "INSERT INTO chats (id, uuid, title, created_at, updated_at) "
        "VALUES (1, 'u-1', 'Tomatoes', 1, 1)")
    old.connection.execute(
        "INSERT INTO messages (chat_id, role, content, created_at, updated_at) "
        "VALUES (1, 'user', 'How do I grow tomatoes?', 1, 1)")
    old.close()
    monkeypatch.undo()

    upgraded = ChatStore(path)
    assert schema.applied_migrations(upgraded.connection) == list(schema.KNOWN)
    hits = search(upgraded.connection, "tomatoes")
    assert {h.message_id is None for h in hits} == {True, False}  # title and message
    # The old rows read with today's columns' defaults: no thinking, folded.
    assert upgraded.chat(1).settings.show_thinking is False  # type: ignore[union-attr]
    assert upgraded.chat_messages(1)[0].thinking == ""
    upgraded.close()


def test_a_database_from_a_newer_slice_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "chats.db"
    store = ChatStore(path)
    store.connection.execute(
        "INSERT INTO migrations (name, applied_at) VALUES ('0042_from_the_future', 0)"
    )
    store.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(NewerSchemaError) as raised:
        ChatStore(path)
    message = str(raised.value)
    assert "newer version of Slice" in message and "0042_from_the_future" in message
    assert "Update Slice" in message and str(path) in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    broken = ("9000_broken", "CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;")
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    monkeypatch.setattr(schema, "KNOWN", (*schema.KNOWN, broken[0]))
    with pytest.raises(sqlite3.OperationalError):
        ChatStore(tmp_path / "chats.db")
    conn = sqlite3.connect(tmp_path / "chats.db")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables and "chats" in tables
    assert "9000_broken" not in [r[0] for r in conn.execute("SELECT name FROM migrations")]
    conn.close()


def test_titles_come_from_the_first_user_message(store: ChatStore) -> None:
    assert title_from("  \n  Hello   there\nsecond line") == "Hello there"
    long = "word " * 30
    title = title_from(long)
    assert title.endswith("…") and len(title) <= 61 and " wor…" not in title
    chat = store.create_chat()
    store.start_exchange(chat, None, "Plan a trip to Lisbon\nwith kids", "M")
    assert store.chat(chat).title == "Plan a trip to Lisbon"  # type: ignore[union-attr]
    store.rename_chat(chat, "  Lisbon   trip ")
    assert store.chat(chat).title == "Lisbon trip"  # type: ignore[union-attr]
    with pytest.raises(StoreError):
        store.rename_chat(chat, "   ")


def test_edits_and_regenerations_are_siblings_on_a_selected_path(store: ChatStore) -> None:
    chat = store.create_chat()
    u1, a1 = exchange(store, chat, None, "first", "reply one")
    u2, a2 = exchange(store, chat, a1, "second", "reply two")
    assert store.path_ids(chat) == [u1, a1, u2, a2]

    regenerated = store.start_reply(chat, u2, "Model")  # shown at once, beside a2
    assert store.path_ids(chat) == [u1, a1, u2, regenerated.id]
    edited_user, edited_reply = store.start_exchange(chat, a1, "second, edited", "Model")
    assert store.path_ids(chat) == [u1, a1, edited_user.id, edited_reply.id]

    entries = store.path_entries(store.path_ids(chat))
    assert [(e.sibling_index, e.sibling_count) for e in entries] == [(1, 1), (1, 1), (2, 2),
                                                                     (1, 1)]
    # Back to the first version of the second message: its own shown reply comes back.
    assert store.select_sibling(edited_user.id, -1) == u2
    assert store.path_ids(chat) == [u1, a1, u2, regenerated.id]
    assert store.select_sibling(u2, -1) is None
    assert store.select_sibling(regenerated.id, -1) == a2
    assert store.path_ids(chat) == [u1, a1, u2, a2]

    # Selecting any message makes the path run through it.
    store.select_message(edited_reply.id)
    assert store.path_ids(chat) == [u1, a1, edited_user.id, edited_reply.id]
    # Editing the very first message makes a second root.
    root2, _ = exchange(store, chat, None, "first, edited", "other")
    assert store.path_ids(chat)[0] == root2
    assert store.path_entries([root2])[0].sibling_count == 2
    store.select_sibling(root2, -1)
    assert store.path_ids(chat) == [u1, a1, edited_user.id, edited_reply.id]


def test_a_message_belongs_to_one_chat(store: ChatStore) -> None:
    one, two = store.create_chat(), store.create_chat()
    user, _ = exchange(store, one, None, "hi", "hello")
    with pytest.raises(StoreError):
        store.add_message(two, user, "user", "intruder")


def test_partial_saves_and_finishing(store: ChatStore) -> None:
    chat = store.create_chat()
    _, reply = store.start_exchange(chat, None, "Tell me a story", "Model")
    assert reply.state == MessageState.PARTIAL and reply.content == ""
    store.save_partial(reply.id, "Once upon")
    assert store.message(reply.id).content == "Once upon"  # type: ignore[union-attr]
    store.finish_message(reply.id, "Once upon a time.", MessageState.DONE,
                         stats={"generated_tokens": 5}, fingerprint={"model": {"file": "m"}})
    finished = store.message(reply.id)
    assert finished is not None and finished.state == MessageState.DONE
    assert finished.stats == {"generated_tokens": 5}
    assert finished.fingerprint == {"model": {"file": "m"}}
    store.save_partial(reply.id, "overwritten?")  # a finished reply is never overwritten
    assert store.message(reply.id).content == "Once upon a time."  # type: ignore[union-attr]
    store.reopen_reply(reply.id)
    assert store.message(reply.id).state == MessageState.PARTIAL  # type: ignore[union-attr]


def test_delete_restore_and_purge(store: ChatStore) -> None:
    keep, gone = store.create_chat(title="keep"), store.create_chat(title="gone")
    exchange(store, gone, None, "secret words", "reply")
    store.delete_chat(gone)
    assert [c.id for c in store.chat_summaries()] == [keep]
    assert search(store.connection, "secret") == []
    store.restore_chat(gone)
    assert {c.id for c in store.chat_summaries()} == {keep, gone}
    store.delete_chat(gone)
    assert store.purge_deleted() == 1
    assert store.chat(gone) is None and store.message_count(gone) == 0
    assert search(store.connection, "secret") == []
    assert store.quick_check() == []


def test_search_titles_and_messages_safely(store: ChatStore) -> None:
    chat = store.create_chat(title="Café recipes")
    exchange(store, chat, None, "How long do I bake bread?", "Bake the bread for 40 minutes.")
    other = store.create_chat(title="Rust")
    exchange(store, other, None, "What is (a AND b)?", "Both \"a\" and b must hold*")

    titles = [h for h in search(store.connection, "cafe") if h.message_id is None]
    assert [h.chat_id for h in titles] == [chat]  # diacritics do not matter
    hits = search(store.connection, "bak bread")  # words are prefixes, all must match
    assert {h.chat_id for h in hits} == {chat} and len(hits) == 2
    assert all(h.message_id is not None for h in hits)
    assert any(f"{MATCH_START}bread{MATCH_END}" in h.snippet.lower() for h in hits)
    for nasty in ('"', "AND", "(a AND", "*", "NEAR(", "a:b", "'; DROP TABLE chats; --"):
        search(store.connection, nasty)  # never an FTS syntax error
    assert fts_query("  ") == "" and search(store.connection, "  ") == []
    assert {h.chat_id for h in search(store.connection, "(a AND b)")} == {other}


def test_request_turns_leave_out_unanswered_exchanges() -> None:
    def m(i: int, role: str, text: str, state: str = MessageState.DONE) -> Message:
        return Message(id=i, chat_id=1, parent_id=i - 1 or None, role=role, content=text,
                       state=state)

    path = [
        m(1, "user", "a"), m(2, "assistant", "A"),
        m(3, "user", "failed one"), m(4, "assistant", "half", MessageState.FAILED),
        m(5, "user", "stopped early"), m(6, "assistant", ""),
        m(7, "user", "b"), m(8, "assistant", "B (interrupted)", MessageState.PARTIAL),
        m(9, "user", "c"),
    ]
    assert conversation_messages(path) == [
        ChatMessage("user", "a"), ChatMessage("assistant", "A"),
        ChatMessage("user", "b"), ChatMessage("assistant", "B (interrupted)"),
        ChatMessage("user", "c"),
    ]
    assert can_continue(path[7]) and not can_continue(path[1]) and not can_continue(path[0])
    stopped = Message(id=1, chat_id=1, parent_id=None, role="assistant", content="x",
                      stats={"stop_reason": "length"})
    assert can_continue(stopped)


def test_presets_layer_on_the_app_settings(store: ChatStore) -> None:
    app = Settings(sampling=Sampling(temperature=0.3, seed=7, max_tokens=99))
    default = presets.effective_sampling(app, ChatSettings(), {})
    assert default == app.sampling
    precise = presets.effective_sampling(app, ChatSettings(preset="Precise"), {})
    assert precise.temperature == 0.2 and precise.seed == 7 and precise.max_tokens == 99
    tweaked = presets.effective_sampling(
        app, ChatSettings(preset="Creative", overrides={"temperature": 1.3, "bogus": 1,
                                                        "top_k": "many"}), {})
    assert tweaked.temperature == 1.3 and tweaked.top_k == 100
    store.save_preset("Mine", {"temperature": 0.9, "seed": 3, "max_tokens": 10})
    user = store.user_presets()
    mine = presets.effective_sampling(app, ChatSettings(preset="Mine"), user)
    assert (mine.temperature, mine.seed, mine.max_tokens) == (0.9, 3, 10)
    wild = presets.effective_sampling(app, ChatSettings(overrides={"temperature": 99.0}), {})
    assert wild.temperature == app.sampling.temperature  # out of range: ignored
    assert presets.overrides_for(tweaked, presets.preset_base(app, "Creative", {})) == {
        "temperature": 1.3}
    store.delete_preset("Mine")
    assert store.user_presets() == {}


def test_chat_settings_round_trip(store: ChatStore) -> None:
    chat = store.create_chat()
    settings = ChatSettings(system_prompt="Be brief.", model_path="/m.gguf", preset="Precise",
                            overrides={"seed": 4})
    store.update_settings(chat, settings)
    assert store.chat(chat).settings == settings  # type: ignore[union-attr]
    store.update_settings(chat, ChatSettings())
    assert store.chat(chat).settings.system_prompt is None  # type: ignore[union-attr]
