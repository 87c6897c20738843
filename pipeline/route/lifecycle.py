"""The life of a form and of each of its queue items, as two transition tables.

A record: received -> needs_review -> routed (or straight to routed) -> resolved when every unit
that must act has resolved its item; from review it can instead be returned to the village,
rejected or marked a duplicate. A queue item (one per record and unit): routed -> acknowledged ->
in_progress (the unit has stated its follow-up) -> resolved, or rejected by a unit that is not
the right one. Anything not in the tables is refused with a sentence staff can read.
"""

from __future__ import annotations

from enum import StrEnum

from pipeline.errors import KopiError
from pipeline.record import STATUS_LABELS, Status


class IllegalTransition(KopiError):
    """The action is not allowed from the current state; the message is for staff."""


class RecordAction(StrEnum):
    ROUTE = "route"  # the intake found nothing in doubt
    HOLD = "hold"  # the intake found something for a reviewer
    APPROVE = "approve"  # a reviewer confirmed the values: route it
    RETURN = "return"  # back to the village, with the reason and what to fix
    REJECT = "reject"  # not a form the office will act on
    MARK_DUPLICATE = "mark_duplicate"
    REOPEN = "reopen"  # back into review
    RESOLVE = "resolve"  # every acting unit has resolved its item


class ItemState(StrEnum):
    ROUTED = "routed"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # the form left "routed" (returned to the village, back in review)


class ItemAction(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    START = "start"  # the unit states its follow-up (SP4N-LAPOR!: within 5 working days)
    RESOLVE = "resolve"
    REJECT = "reject"  # "not ours": back to Prokopimda to route again


ITEM_LABELS: dict[ItemState, str] = {
    ItemState.ROUTED: "Menunggu diterima SKPD",
    ItemState.ACKNOWLEDGED: "Diterima SKPD",
    ItemState.IN_PROGRESS: "Sedang ditindaklanjuti",
    ItemState.RESOLVED: "Selesai",
    ItemState.REJECTED: "Ditolak SKPD (bukan wewenangnya)",
    ItemState.WITHDRAWN: "Ditarik (formulir diperiksa ulang atau dikembalikan ke desa)",
}
OPEN_ITEM_STATES = (ItemState.ROUTED, ItemState.ACKNOWLEDGED, ItemState.IN_PROGRESS)

# Events that are not transitions of the tables below.
EVENT_LABELS: dict[str, str] = {
    "received": "diterima sistem", "queued": "masuk antrean SKPD", "failed": "gagal dibaca",
    "duplicate": "duplikat", "lapor": "dicatat di SP4N-LAPOR!", "corrected": "isian dikoreksi",
    "withdrawn": "ditarik dari antrean SKPD",
}
# Two tables: a record and a unit's queue item share action names ("reject", "resolve") that mean
# different things (a reviewer's rejection is not an SKPD's).
RECORD_ACTION_LABELS: dict[RecordAction, str] = {
    RecordAction.ROUTE: "diteruskan otomatis", RecordAction.HOLD: "masuk antrean pemeriksaan",
    RecordAction.APPROVE: "disetujui dan diteruskan", RecordAction.RETURN: "dikembalikan ke desa",
    RecordAction.REJECT: "ditolak", RecordAction.MARK_DUPLICATE: "ditandai duplikat",
    RecordAction.REOPEN: "dibuka kembali untuk diperiksa", RecordAction.RESOLVE: "selesai ditangani",
}
ITEM_ACTION_LABELS: dict[ItemAction, str] = {
    ItemAction.ACKNOWLEDGE: "diterima SKPD", ItemAction.START: "mulai ditindaklanjuti",
    ItemAction.RESOLVE: "diselesaikan SKPD", ItemAction.REJECT: "ditolak SKPD",
}


def action_label(action: str, on_item: bool = False) -> str:
    """The Indonesian words for an event's action; `on_item`: the event is on a unit's queue item."""
    table: dict = ITEM_ACTION_LABELS if on_item else RECORD_ACTION_LABELS
    return table.get(action) or EVENT_LABELS.get(action, action)


RECORD_TRANSITIONS: dict[tuple[Status, RecordAction], Status] = {
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
    (Status.FAILED, RecordAction.RETURN): Status.RETURNED,  # e.g. a corrupt file: ask for it again
}

ITEM_TRANSITIONS: dict[tuple[ItemState, ItemAction], ItemState] = {
    (ItemState.ROUTED, ItemAction.ACKNOWLEDGE): ItemState.ACKNOWLEDGED,
    (ItemState.ROUTED, ItemAction.START): ItemState.IN_PROGRESS,
    (ItemState.ACKNOWLEDGED, ItemAction.START): ItemState.IN_PROGRESS,
    (ItemState.ACKNOWLEDGED, ItemAction.RESOLVE): ItemState.RESOLVED,
    (ItemState.IN_PROGRESS, ItemAction.RESOLVE): ItemState.RESOLVED,
    (ItemState.ROUTED, ItemAction.REJECT): ItemState.REJECTED,
    (ItemState.ACKNOWLEDGED, ItemAction.REJECT): ItemState.REJECTED,
}


def next_record_state(current: Status, action: RecordAction) -> Status:
    try:
        return RECORD_TRANSITIONS[(current, action)]
    except KeyError:
        allowed = [RECORD_ACTION_LABELS[a] for (s, a) in RECORD_TRANSITIONS if s is current]
        raise IllegalTransition(
            f"Formulir berstatus \"{STATUS_LABELS[current]}\" tidak dapat {RECORD_ACTION_LABELS[action]}"
            + (f"; yang bisa: {', '.join(allowed)}." if allowed else "; tidak ada tindakan lagi.")
        ) from None


def next_item_state(current: ItemState, action: ItemAction) -> ItemState:
    try:
        return ITEM_TRANSITIONS[(current, action)]
    except KeyError:
        allowed = [ITEM_ACTION_LABELS[a] for (s, a) in ITEM_TRANSITIONS if s is current]
        raise IllegalTransition(
            f"Antrean berstatus \"{ITEM_LABELS[current]}\" tidak dapat {ITEM_ACTION_LABELS[action]}"
            + (f"; yang bisa: {', '.join(allowed)}." if allowed else "; tidak ada tindakan lagi.")
        ) from None
