"""The host's wire protocol: what both sides write and read, and a malformed command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from inference.events import ChatMessage, ChatRequest, Done, Failed, Stats, Token
from inference.protocol import (
    Command,
    HistoryMissing,
    Op,
    Prefix,
    ProtocolError,
    decode_command,
    decode_event,
    encode_command,
    encode_payloads,
    event_payload,
    history_digest,
    merge_tokens,
)

ROOT = Path(__file__).resolve().parent.parent


def test_commands_round_trip() -> None:
    request = ChatRequest(model_path="m.gguf", messages=(ChatMessage("user", "héllo"),))
    for command in (Command(Op.CHAT, 7, request), Command(Op.CANCEL, 7), Command(Op.EXIT),
                    Command(Op.FORGET, conversations=("chat-1", "chat-2")),
                    Command(Op.FORGET)):  # forget every conversation
        line = encode_command(command)
        assert line.endswith("\n") and line.count("\n") == 1
        assert decode_command(line) == command
    with pytest.raises(ProtocolError, match="conversations"):
        decode_command('{"op": "forget", "conversations": "chat-1"}')


def test_events_round_trip_and_tokens_merge() -> None:
    payloads = [event_payload(3, Token("Hel")), event_payload(3, Token("lo", n=2)),
                event_payload(4, Token("!")),
                event_payload(3, Done(stop_reason="length", stats=Stats(generated_tokens=3)))]
    merged = merge_tokens(payloads)
    assert len(merged) == 3
    events = [decode_event(line) for line in encode_payloads(merged).splitlines()]
    assert events[0] == (3, Token("Hello", n=3))
    assert events[1] == (4, Token("!"))
    assert events[2][1] == Done(stop_reason="length", stats=Stats(generated_tokens=3))


@pytest.mark.parametrize("line", ["not json", '{"op": "dance"}', '{"id": 1}', "[1, 2]"])
def test_malformed_lines_are_refused(line: str) -> None:
    with pytest.raises(ProtocolError):
        decode_command(line)
    with pytest.raises(ProtocolError):
        decode_event(line)


def test_the_host_answers_a_malformed_request_instead_of_hanging() -> None:
    # A chat command whose request cannot be read still gets its answer (a Failed event for
    # its id), so the supervisor never waits for ever; then the host obeys "exit".
    commands = (json.dumps({"op": "chat", "id": 5, "request": {"messages": "oops"}}) + "\n"
                + encode_command(Command(Op.EXIT)))
    result = subprocess.run([sys.executable, "-m", "inference.host"], input=commands,
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    answers = [decode_event(line) for line in result.stdout.splitlines()]
    assert len(answers) == 1
    request_id, event = answers[0]
    assert request_id == 5 and isinstance(event, Failed) and event.error == "bad_request"
    assert "could not read the request" in event.message


def test_a_host_asks_for_a_history_it_does_not_hold() -> None:
    # A fresh host holds no conversation: a command that names a prefix gets "send it all"
    # for its id, before any model is loaded.
    delta = ChatRequest(model_path="m.gguf", messages=(ChatMessage("user", "and then?"),),
                        conversation_id="c")
    prefix = Prefix(count=2, digest=history_digest([ChatMessage("user", "hi"),
                                                    ChatMessage("assistant", "hello")]))
    commands = encode_command(Command(Op.CHAT, 9, delta, prefix)) + encode_command(
        Command(Op.EXIT))
    assert decode_command(encode_command(Command(Op.CHAT, 9, delta, prefix))).prefix == prefix
    result = subprocess.run([sys.executable, "-m", "inference.host"], input=commands,
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [decode_event(line) for line in result.stdout.splitlines()] == [
        (9, HistoryMissing())
    ]


def test_thinking_travels_apart_from_the_answer() -> None:
    # A request's new switches and a message's thinking cross the pipe.
    request = ChatRequest(
        model_path="m.gguf", loop_guard=False, thinking_apart=True,
        messages=(ChatMessage("user", "2 + 2?"), ChatMessage("assistant", "4", "Two and two.")),
    )
    assert decode_command(encode_command(Command(Op.CHAT, 1, request))).request == request
    # Held tokens merge, but thinking never joins the answer.
    payloads = [event_payload(1, Token("Two ", thinking=True)),
                event_payload(1, Token("and two.", thinking=True)),
                event_payload(1, Token("4")), event_payload(1, Token("."))]
    merged = [decode_event(line)[1] for line in encode_payloads(merge_tokens(payloads))
              .splitlines()]
    assert merged == [Token("Two and two.", n=2, thinking=True), Token("4.", n=2)]
    stats = Stats(generated_tokens=9, thinking_tokens=5, thinking_ms=420.0, answer_ttft_s=0.6)
    line = encode_payloads([event_payload(1, Done("repetition", stats))])
    assert decode_event(line.strip())[1] == Done("repetition", stats)
    # A message's thinking is part of what the host's digest holds (not of messages
    # without thinking, whose digests stay as they were).
    plain = (ChatMessage("assistant", "4"),)
    assert history_digest(plain) != history_digest((ChatMessage("assistant", "4", "hm"),))
    assert history_digest(plain) == history_digest((ChatMessage("assistant", "4", ""),))
