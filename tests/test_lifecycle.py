"""Every legal and every illegal transition of a record and of a queue item."""

from __future__ import annotations

import itertools

import pytest

from pipeline.record import Status
from pipeline.route.lifecycle import (
    ITEM_TRANSITIONS,
    RECORD_TRANSITIONS,
    IllegalTransition,
    ItemAction,
    ItemState,
    RecordAction,
    next_item_state,
    next_record_state,
)

EXPECTED_RECORD = {
    (Status.RECEIVED, RecordAction.ROUTE): Status.ROUTED,
    (Status.RECEIVED, RecordAction.HOLD): Status.NEEDS_REVIEW,
    (Status.NEEDS_REVIEW, RecordAction.APPROVE): Status.ROUTED,
    (Status.NEEDS_REVIEW, RecordAction.RETURN): Status.RETURNED,
    (Status.NEEDS_REVIEW, RecordAction.REJECT): Status.REJECTED,
    (Status.NEEDS_REVIEW, RecordAction.MARK_DUPLICATE): Status.DUPLICATE,
    (Status.ROUTED, RecordAction.RETURN): Status.RETURNED,
    (Status.ROUTED, RecordAction.REOPEN): Status.NEEDS_REVIEW,
    (Status.ROUTED, RecordAction.RESOLVE): Status.RESOLVED,
    (Status.RETURNED, RecordAction.REOPEN): Status.NEEDS_REVIEW,
    (Status.REJECTED, RecordAction.REOPEN): Status.NEEDS_REVIEW,
    (Status.DUPLICATE, RecordAction.REOPEN): Status.NEEDS_REVIEW,
    (Status.FAILED, RecordAction.REOPEN): Status.NEEDS_REVIEW,
    (Status.FAILED, RecordAction.REJECT): Status.REJECTED,
    (Status.FAILED, RecordAction.RETURN): Status.RETURNED,
}
EXPECTED_ITEM = {
    (ItemState.ROUTED, ItemAction.ACKNOWLEDGE): ItemState.ACKNOWLEDGED,
    (ItemState.ROUTED, ItemAction.START): ItemState.IN_PROGRESS,
    (ItemState.ACKNOWLEDGED, ItemAction.START): ItemState.IN_PROGRESS,
    (ItemState.ACKNOWLEDGED, ItemAction.RESOLVE): ItemState.RESOLVED,
    (ItemState.IN_PROGRESS, ItemAction.RESOLVE): ItemState.RESOLVED,
    (ItemState.ROUTED, ItemAction.REJECT): ItemState.REJECTED,
    (ItemState.ACKNOWLEDGED, ItemAction.REJECT): ItemState.REJECTED,
}


def test_the_tables_are_exactly_the_intended_life_cycle():
    assert RECORD_TRANSITIONS == EXPECTED_RECORD
    assert ITEM_TRANSITIONS == EXPECTED_ITEM


@pytest.mark.parametrize("state, action", list(itertools.product(Status, RecordAction)))
def test_every_record_transition(state, action):
    if (state, action) in EXPECTED_RECORD:
        assert next_record_state(state, action) is EXPECTED_RECORD[(state, action)]
    else:
        with pytest.raises(IllegalTransition) as refused:
            next_record_state(state, action)
        assert "tidak dapat" in str(refused.value)  # an Indonesian sentence for staff


@pytest.mark.parametrize("state, action", list(itertools.product(ItemState, ItemAction)))
def test_every_item_transition(state, action):
    if (state, action) in EXPECTED_ITEM:
        assert next_item_state(state, action) is EXPECTED_ITEM[(state, action)]
    else:
        with pytest.raises(IllegalTransition, match="tidak dapat"):
            next_item_state(state, action)


def test_finished_states_say_nothing_more_can_be_done():
    with pytest.raises(IllegalTransition, match="tidak ada tindakan lagi"):
        next_item_state(ItemState.RESOLVED, ItemAction.START)


def test_a_reviewers_rejection_is_not_called_an_skpds():
    from pipeline.route.lifecycle import ItemAction, RecordAction, action_label

    assert action_label(RecordAction.REJECT) == "ditolak"
    assert action_label(ItemAction.REJECT, on_item=True) == "ditolak SKPD"
    assert action_label(RecordAction.RESOLVE) != action_label(ItemAction.RESOLVE, on_item=True)
    assert action_label("corrected") == "isian dikoreksi" and action_label("unknown-event") == "unknown-event"
