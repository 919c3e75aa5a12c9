"""Prompt-lookup drafting's policy: what it drafts, how long, and when it stops because it
does not pay."""

from __future__ import annotations

import pytest

from inference.speculative import (
    EXPLORE_AFTER,
    MAX_DRAFT,
    MAX_EXPLORE_AFTER,
    PLAIN_EVERY,
    PROBE,
    PromptLookup,
    StepCosts,
    best_length,
)

REPEATED = list(range(5, 205))  # 200 tokens the reply will repeat


def lookup_at_repeat(plain_s: float | None = 0.010) -> PromptLookup:
    """A context whose reply starts repeating its first tokens; one plain step measured."""
    lookup = PromptLookup([*REPEATED, 1, 2, 3, 4])
    lookup.extend(REPEATED[:3])
    if plain_s is not None:
        lookup.record_plain(plain_s)
    return lookup


_fresh = iter(range(1000, 10**9))


def advance(lookup: PromptLookup, n: int) -> None:
    lookup.extend(next(_fresh) for _ in range(n))  # tokens never seen before


def test_drafts_the_tokens_after_an_earlier_occurrence() -> None:
    lookup = lookup_at_repeat()
    draft = lookup.draft(MAX_DRAFT)
    assert draft and draft == REPEATED[3 : 3 + len(draft)]
    assert lookup.draft(1) == REPEATED[3:4]  # never more than there is room for
    advance(lookup, 3)
    assert lookup.draft(MAX_DRAFT) == []  # nothing seen before: no guess


def test_nothing_is_drafted_before_a_plain_step_of_the_reply_was_measured() -> None:
    lookup = lookup_at_repeat(plain_s=None)
    assert lookup.draft(MAX_DRAFT) == []
    lookup.record_plain(0.010)
    assert lookup.draft(MAX_DRAFT)
    # The next reply starts from the costs measured so far, but times a plain step first:
    # its context, so its step's cost, is its own.
    costs = lookup.costs
    following = PromptLookup([*REPEATED, 1, 2, 3, 4, *REPEATED[:3]], costs=costs)
    assert following.draft(MAX_DRAFT) == []
    following.record_plain(0.020)
    assert following.draft(MAX_DRAFT) and costs.plain_s > 0.010


@pytest.mark.parametrize(("p", "extra", "least", "most"), [
    (0.9, 0.05, 6, 32),  # a GPU: a drafted token costs 5 % of a step; most are accepted
    (0.99, 0.05, 24, 32),  # copying: as long as allowed
    (0.99, 0.6, 6, 16),  # a CPU, copying: long drafts still pay
    (0.6, 0.6, 0, 0),  # a CPU, guessing: they don't
    (0.3, 0.3, 0, 0),  # prose: even cheaper drafts don't
    (0.999, 1.0, 0, 0),  # verifying costs as much as a step: never
])
def test_the_draft_length_follows_cost_and_acceptance(
    p: float, extra: float, least: int, most: int,
) -> None:
    assert least <= best_length(p, 1.0, extra, 32) <= most


def test_cheap_accepted_drafts_grow_to_the_limit() -> None:
    lookup = lookup_at_repeat(plain_s=0.010)
    at = 3  # the reply copies REPEATED: drafts taken whole, then the model's own next token
    lengths = []
    while at < 150:
        draft = lookup.draft(MAX_DRAFT)
        assert draft == REPEATED[at : at + len(draft)]
        lengths.append(len(draft))
        lookup.record(len(draft), len(draft), seconds=0.010 + 0.001 * len(draft))
        lookup.extend([*draft, REPEATED[at + len(draft)]])
        at += len(draft) + 1
    assert lengths[0] and lengths == sorted(lengths) and lengths[-1] == MAX_DRAFT
    assert lookup.accepted == lookup.drafted == sum(lengths) and lookup.probes == 0


def test_drafting_that_does_not_pay_pauses_and_is_probed_less_and_less_often() -> None:
    lookup = lookup_at_repeat(plain_s=0.006)
    draft = lookup.draft(MAX_DRAFT)
    lookup.record(len(draft), 0, seconds=0.006 + 0.0055 * len(draft))  # dear, and rejected
    waits = []
    for _ in range(6):
        waited = 0
        while not (probe := lookup.draft(MAX_DRAFT)):
            advance(lookup, 1)
            lookup.extend(REPEATED[:3])  # a guess is there each time
            waited += 4
        assert len(probe) == PROBE
        lookup.record(PROBE, 0, seconds=0.006 + 0.0055 * PROBE)
        waits.append(waited)
    assert lookup.probes >= 6
    assert waits[0] >= EXPLORE_AFTER - 4 and waits == sorted(waits)
    assert waits[-1] >= MAX_EXPLORE_AFTER - 4  # at most a probe every 256 tokens


def test_a_probe_that_pays_brings_drafting_back() -> None:
    lookup = lookup_at_repeat(plain_s=0.006)
    lookup.record(4, 0, seconds=0.006 + 0.006 * 4)  # dear
    advance(lookup, EXPLORE_AFTER)
    lookup.extend(REPEATED[:3])
    probe = lookup.draft(MAX_DRAFT)
    assert len(probe) == PROBE
    # The costs changed (another load, a GPU): drafted tokens now add little, and are taken.
    lookup.record(len(probe), len(probe), seconds=0.006 + 0.0003 * len(probe))
    lengths = []  # per step: the draft's length (0: a plain step)
    for _ in range(200):
        advance(lookup, 1)
        lookup.extend(REPEATED[:3])
        draft = lookup.draft(MAX_DRAFT)
        lengths.append(len(draft))
        if draft:
            lookup.record(len(draft), len(draft), seconds=0.006 + 0.0003 * len(draft))
        else:
            lookup.record_plain(0.006)
    assert max(lengths) > PROBE and lookup.probes <= 2
    # Drafting at every step again, but for a plain step now and then that times it.
    assert min(lengths[-PLAIN_EVERY:]) > PROBE or lengths[-PLAIN_EVERY:].count(0) == 1


PASSAGE = list(range(10_000, 14_000))  # a long passage the reply copies


def copy_run(step_s: float, steps: int) -> tuple[PromptLookup, list[int]]:
    """A reply that copies PASSAGE: each draft taken whole, costing ``step_s``; a step
    without a draft is a plain one of 10 ms. The drafts' lengths, 0 for a plain step."""
    lookup = PromptLookup([*PASSAGE, 1, 2, 3, 4])
    lookup.extend(PASSAGE[:3])
    lookup.record_plain(0.010)
    at, lengths = 3, []
    for _ in range(steps):
        draft = lookup.draft(MAX_DRAFT)
        assert draft == PASSAGE[at : at + len(draft)]
        lengths.append(len(draft))
        if draft:
            lookup.record(len(draft), len(draft), seconds=step_s)
        else:
            lookup.record_plain(0.010)
        lookup.extend([*draft, PASSAGE[at + len(draft)]])
        at += len(draft) + 1
    return lookup, lengths


def test_drafts_no_slower_than_a_plain_step_are_as_long_as_allowed() -> None:
    # A GPU: verifying a whole draft costs what one token does (measured as no extra at all,
    # which is not "not measured").
    lookup, lengths = copy_run(step_s=0.009, steps=12)
    assert lookup.costs.extra_share == 0.0
    assert lengths[-1] == MAX_DRAFT


def test_drafts_back_to_back_leave_room_for_a_plain_step_now_and_then() -> None:
    _, lengths = copy_run(step_s=0.011, steps=3 * PLAIN_EVERY)
    plain = [i for i, length in enumerate(lengths) if length == 0]
    assert plain and len(plain) <= 4
    assert all(n > 0 for n in lengths[plain[0] + 1 : plain[0] + PLAIN_EVERY])


def test_costs_are_kept_as_a_share_of_a_step() -> None:
    costs = StepCosts()
    assert costs.extra_share is None and costs.extra_s == 0.0
    costs.plain(0.010)
    assert costs.extra_s == pytest.approx(0.005)  # the prior until measured
    costs.draft(4, 0.030)  # 4 tokens added 20 ms: half a step each
    assert costs.extra_share == pytest.approx(0.5)
    costs.plain(0.020)  # a deeper context: steps are slower, and drafted tokens with them
    assert costs.extra_s == pytest.approx(0.5 * costs.plain_s)
