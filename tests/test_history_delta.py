"""A turn through the host carries only what is new: the conversation's new messages and a
digest of the earlier ones the host holds; anything else falls back to the whole history.
On the real starter model, through real host processes."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from inference.events import ChatMessage, ChatRequest, Done, LoadSettings, Sampling, Token
from inference.held_histories import HeldHistories
from inference.host_client import HostClient
from inference.protocol import Prefix, history_digest

SYSTEM = ChatMessage("system", "You are a terse assistant.")
FIRST = ChatMessage("user", "Name a colour.")
SECOND = ChatMessage("user", "And a fruit of that colour?")


def ask(path: str, messages: list[ChatMessage], conversation: str = "delta") -> ChatRequest:
    return ChatRequest(
        model_path=path, messages=tuple(messages),
        load=LoadSettings(n_ctx=1024, n_threads=1),
        sampling=Sampling(temperature=0.0, seed=1, max_tokens=12),
        conversation_id=conversation,
    )


def reply(client: HostClient, request: ChatRequest) -> str:
    events = list(client.chat(request))
    done = events[-1]
    assert isinstance(done, Done), done
    return "".join(e.text for e in events if isinstance(e, Token))


@pytest.fixture
def clients() -> Iterator[list[HostClient]]:
    made: list[HostClient] = []
    yield made
    for client in made:
        client.close()


def new_client(clients: list[HostClient]) -> HostClient:
    client = HostClient()
    clients.append(client)
    return client


def two_turns(client: HostClient, path: str, first: list[ChatMessage]) -> tuple[str, str]:
    answer = reply(client, ask(path, first))
    return answer, reply(client, ask(path, [*first, ChatMessage("assistant", answer), SECOND]))


def test_a_turn_sends_only_what_is_new_and_replies_the_same(
    clients: list[HostClient], smollm_path: str
) -> None:
    delta = new_client(clients)
    first, second = two_turns(delta, smollm_path, [SYSTEM, FIRST])
    assert delta.sent == {"full": 1, "delta": 1, "resent": 0}
    # The same two turns with the whole history each time: the same reply.
    full = new_client(clients)
    answer = reply(full, ask(smollm_path, [SYSTEM, FIRST]))
    full._held.clear()  # as if this side knew nothing the host holds
    again = reply(full, ask(smollm_path, [SYSTEM, FIRST, ChatMessage("assistant", answer),
                                           SECOND]))
    assert full.sent["delta"] == 0
    assert (answer, again) == (first, second) and second.strip()


def test_a_new_host_gets_the_whole_conversation(
    clients: list[HostClient], smollm_path: str
) -> None:
    client = new_client(clients)
    answer = reply(client, ask(smollm_path, [SYSTEM, FIRST]))
    pid = client.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while client.pid is not None and time.monotonic() < deadline:  # until it is gone
        time.sleep(0.05)
    history = [SYSTEM, FIRST, ChatMessage("assistant", answer), SECOND]
    after_restart = reply(client, ask(smollm_path, history))
    assert client.pid not in (None, pid)
    assert client.sent == {"full": 2, "delta": 0, "resent": 0}
    fresh = new_client(clients)
    assert after_restart == reply(fresh, ask(smollm_path, history))


def test_a_forgotten_conversation_is_sent_whole_not_asked_for_again(
    clients: list[HostClient], smollm_path: str
) -> None:
    client = new_client(clients)
    answer = reply(client, ask(smollm_path, [SYSTEM, FIRST]))
    client.forget(["delta"])  # a chat deleted, or the cache cleared: the host forgets it
    reply(client, ask(smollm_path, [SYSTEM, FIRST, ChatMessage("assistant", answer), SECOND]))
    # Sent whole at once: no delta the host no longer holds, no round trip to resend it.
    assert client.sent == {"full": 2, "delta": 0, "resent": 0}


def test_an_edited_earlier_message_sends_the_whole_conversation(
    clients: list[HostClient], smollm_path: str
) -> None:
    client = new_client(clients)
    answer = reply(client, ask(smollm_path, [SYSTEM, FIRST]))
    edited = [SYSTEM, ChatMessage("user", "Name an animal."), ChatMessage("assistant", answer),
              SECOND]
    got = reply(client, ask(smollm_path, edited))
    assert client.sent == {"full": 2, "delta": 0, "resent": 0}
    assert got == reply(new_client(clients), ask(smollm_path, edited))


def test_a_host_that_does_not_hold_the_prefix_gets_it_resent(
    clients: list[HostClient], smollm_path: str
) -> None:
    client = new_client(clients)
    reply(client, ask(smollm_path, [SYSTEM, FIRST]))
    # This side believes the host holds a conversation the host never saw.
    client._held.remember(ask(smollm_path, [SYSTEM, FIRST], conversation="never-sent"))
    history = [SYSTEM, FIRST, ChatMessage("assistant", "Blue."), SECOND]
    got = reply(client, ask(smollm_path, history, conversation="never-sent"))
    assert client.sent == {"full": 1, "delta": 1, "resent": 1}
    assert got.strip()


def test_held_histories_split_and_resolve() -> None:
    sender, host = HeldHistories(), HeldHistories()
    first = ask("m.gguf", [SYSTEM, FIRST])
    assert sender.split(first) == (first, None)
    sender.remember(first)
    host.remember(first)
    second = ask("m.gguf", [SYSTEM, FIRST, ChatMessage("assistant", "Red."), SECOND])
    delta, prefix = sender.split(second)
    assert prefix == Prefix(count=2, digest=history_digest([SYSTEM, FIRST]))
    assert delta.messages == (ChatMessage("assistant", "Red."), SECOND)
    assert host.resolve(delta, prefix) == second
    # Another conversation, a wrong digest, a forgotten conversation: not held.
    assert host.resolve(ask("m.gguf", list(delta.messages), "other"), prefix) is None
    assert host.resolve(delta, Prefix(count=2, digest="0" * 64)) is None
    host.clear()
    assert host.resolve(delta, prefix) is None
    # Without a conversation id nothing is held.
    anonymous = ask("m.gguf", [SYSTEM, FIRST], conversation="")
    sender.remember(anonymous)
    assert sender.split(anonymous) == (anonymous, None)


def test_a_digest_grows_by_the_new_messages_alone() -> None:
    earlier = [SYSTEM, FIRST]
    later = [ChatMessage("assistant", "Red."), SECOND]
    assert history_digest(later, after=history_digest(earlier)) == history_digest(
        earlier + later)
    assert history_digest(earlier) != history_digest([FIRST, SYSTEM])
    # What a side holds after two turns is digested as the whole conversation.
    held = HeldHistories()
    held.remember(ask("m.gguf", earlier))
    second = ask("m.gguf", earlier + later)
    held.remember(second)
    third = ask("m.gguf", [*earlier, *later, ChatMessage("assistant", "An apple.")])
    _delta, prefix = held.split(third)
    assert prefix == Prefix(count=4, digest=history_digest(second.messages))
