"""Prompt-lookup drafting's policy: what it drafts, and when it stops because it does not pay."""

from __future__ import annotations

from inference.speculative import LOSS_PAUSE, MAX_LOSS_PAUSE, PromptLookup

REPEATED = [5, 6, 7, 8, 9, 10, 11, 12]


def lookup_at_repeat() -> PromptLookup:
    lookup = PromptLookup([*REPEATED, 1, 2, 3, 4])
    lookup.extend(REPEATED[:3])  # the context starts repeating its first tokens
    return lookup


_fresh = iter(range(1000, 10**9))


def advance(lookup: PromptLookup, n: int) -> None:
    lookup.extend(next(_fresh) for _ in range(n))  # tokens never seen before


def test_drafts_the_tokens_after_an_earlier_occurrence_longer_while_accepted() -> None:
    lookup = lookup_at_repeat()
    assert lookup.draft(8) == REPEATED[3:5]  # a short first draft: a miss costs little
    assert lookup.draft(1) == REPEATED[3:4]
    lookup.record(2, 2)
    assert lookup.draft(8) == REPEATED[3:7]
    lookup.record(4, 4)
    assert lookup.draft(8) == [*REPEATED[3:], 1, 2, 3]
    lookup.record(8, 0)  # an outright miss: shorter again, and a pause
    assert lookup.draft(8) == []


def test_cheap_drafts_go_on() -> None:
    lookup = lookup_at_repeat()
    for _ in range(5):
        lookup.record_plain(0.010)
    lookup.record(4, 4, seconds=0.012)  # 5 tokens for 12 ms: 2.4 ms a token
    assert lookup.draft(8) and lookup.paused_for_cost == 0


def test_drafts_that_cost_more_than_plain_steps_pause_and_back_off() -> None:
    lookup = lookup_at_repeat()
    for _ in range(5):
        lookup.record_plain(0.006)
    lookup.record(8, 1, seconds=0.034)  # 2 tokens for 34 ms: dearer than 6 ms each
    assert lookup.paused_for_cost == 1
    advance(lookup, LOSS_PAUSE - 1)
    assert lookup.draft(8) == []
    advance(lookup, 1)
    lookup.extend(REPEATED[:3])
    assert lookup.draft(8)  # tried again after the pause...
    lookup.record(8, 0, seconds=0.034)
    assert lookup.paused_for_cost == 2
    advance(lookup, 2 * LOSS_PAUSE - 4)  # ...and the next pause is twice as long
    lookup.extend(REPEATED[:3])
    assert lookup.draft(8) == []
    advance(lookup, 2 * MAX_LOSS_PAUSE)
    lookup.extend(REPEATED[:3])
    assert lookup.draft(8)


def test_without_a_plain_step_to_compare_drafting_is_not_judged() -> None:
    lookup = lookup_at_repeat()
    lookup.record(4, 4, seconds=1.0)
    assert lookup.paused_for_cost == 0 and lookup.draft(8)
