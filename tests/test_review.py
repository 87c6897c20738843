"""A reviewer's work on the store: corrections checked like OCR values, nothing saved when a value
is refused, signatures confirmed, approval routes by the corrected values, every step an event."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from conftest import REFERENCE_DAY
from pipeline import ingest
from pipeline.pages import Context, process_page
from pipeline.reasons import ReasonCode
from pipeline.record import FormRecord, Reason, SourceRef, Status
from pipeline.report.display import display_value
from pipeline.report.privacy import WITHHELD, Audience, shown_value
from pipeline.samples.writer import TRUTH_DIR, SampleContext, write_sample_set
from pipeline.settings import Settings
from pipeline.store.db import open_store
from pipeline.store.models import Event, QueueItem, Record
from pipeline.store.records import FileOutcome, PageOutcome, save_file_outcome
from pipeline.store.review import (
    CorrectionError,
    Filters,
    exception_counts,
    exception_queue,
    next_exception,
    return_to_village,
    settle,
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory, templates, gazetteer, routing):
    """Four typed complaint and activity pages read by the real stages, with their truth."""
    inbox = tmp_path_factory.mktemp("review-inbox")
    write_sample_set(inbox, SampleContext(templates, gazetteer, routing, seed=71, today=REFERENCE_DAY), 4,
                     first_serial=71_000, handwriting_share=0.0, bad_files=False)
    ctx = Context(templates, gazetteer, routing)
    out = []
    for path in sorted(p for p in inbox.iterdir() if p.is_file()):
        data = path.read_bytes()
        source = SourceRef(sha256=ingest.sha256(data), filename=path.name, media_type=ingest.media_type(data),
                           page=1, pages=1)
        truth = json.loads((inbox / TRUTH_DIR / f"{path.name}.json").read_text())["pages"][0]
        out.append((process_page(ingest.page_image(data, 1), source, ctx).record, truth))
    return ctx, out


@pytest.fixture()
def store(kopi_home):
    s = open_store(Settings(home=kopi_home, database_url=f"sqlite:///{kopi_home / 'kopi.db'}"))
    yield s
    s.close()


def _held(record: FormRecord) -> FormRecord:
    """The record as if a text field and the village head's signature were in doubt."""
    field = next(fv for fv in record.fields if fv.type in ("nik", "phone", "date"))
    fields = tuple(fv.model_copy(update={"needs_review": True, "confidence": 0.4,
                                         "reasons": (Reason.of(ReasonCode.FIELD_LOW_CONFIDENCE, fv.name,
                                                               label=fv.name, read=fv.raw, confidence=40),)})
                   if fv.name == field.name else fv for fv in record.fields)
    signatures = tuple(sc.model_copy(update={"signed": False, "stamped": False if sc.stamp_expected else None})
                       if sc.role == "kepala_desa" else sc for sc in record.signatures)
    missing = next(sc for sc in record.signatures if sc.role == "kepala_desa")
    return record.model_copy(update={
        "status": Status.NEEDS_REVIEW, "fields": fields, "signatures": signatures, "routes": (),
        "reasons": (Reason.of(ReasonCode.SIGNATURE_MISSING, missing.name, label=missing.label),)})


def _doubted(record: FormRecord):
    """The field `_held` put in doubt (other fields may be in doubt on their own)."""
    return next(fv for fv in record.fields if fv.type in ("nik", "phone", "date"))


def _save(store, record: FormRecord) -> int:
    save_file_outcome(store, FileOutcome(record.source.sha256, record.source.filename, "image/jpeg", 1,
                                         (PageOutcome(record, None),)))
    with store.session() as s:
        return s.scalar(select(Record.id).where(Record.serial == record.identity.serial))


def _save_held(store, record: FormRecord):
    """`_held(record)` saved: (the held record, its id, the field put in doubt)."""
    held = _held(record)
    return held, _save(store, held), _doubted(held)


def _truth_text(ctx: Context, record: FormRecord, truth: dict, name: str) -> str:
    f = ctx.templates.get(record.identity.form_id).field(name)
    return display_value(f, truth["values"][name]) if truth["values"][name] else ""


def test_a_refused_value_saves_nothing_and_says_why(store, pages):
    ctx, read = pages
    record, record_id, doubtful = _save_held(store, read[0][0])
    with store.session() as s:
        events_before = len(s.scalars(select(Event).where(Event.record_id == record_id)).all())
    with pytest.raises(CorrectionError) as refused:
        with store.session() as s:
            settle(s, record_id, ctx, "rina", {doubtful.name: "12"}, {}, {"kepala_desa": {"signed": True, "stamped": True}})
    assert list(refused.value.problems) == [doubtful.name]
    assert "sesuai" in refused.value.problems[doubtful.name] or "tidak" in refused.value.problems[doubtful.name]
    with store.session() as s:
        row = s.get(Record, record_id)
        assert row.status == "needs_review"
        assert len(s.scalars(select(Event).where(Event.record_id == record_id)).all()) == events_before


def test_an_unsigned_form_cannot_be_approved_until_the_signature_is_confirmed(store, pages):
    ctx, read = pages
    record, truth = read[1]
    record = _held(record)
    record_id = _save(store, record)
    doubtful = next(fv for fv in record.fields if fv.needs_review)
    typed = {doubtful.name: _truth_text(ctx, record, truth, doubtful.name)}
    with pytest.raises(CorrectionError, match="Tanda tangan"):
        with store.session() as s:
            settle(s, record_id, ctx, "rina", typed, {}, {})
    with store.session() as s:
        settle(s, record_id, ctx, "rina", typed, {}, {"kepala_desa": {"signed": True, "stamped": True}})
    with store.session() as s:
        row = s.get(Record, record_id)
        stored = FormRecord.model_validate(row.data)
        assert row.status == "routed"
        assert stored.field(doubtful.name).confirmed_by == "rina"
        assert stored.signature("kepala_desa").signed and stored.signature("kepala_desa").confirmed_by == "rina"
        untouched = [fv for fv in stored.fields if fv.name != doubtful.name]
        assert all(fv.confirmed_by is None for fv in untouched)
        assert not any(r.code is ReasonCode.SIGNATURE_MISSING for r in stored.reasons)
        items = {i.target for i in s.scalars(select(QueueItem).where(QueueItem.record_id == record_id))}
        assert items and items == {r.target for r in stored.routes}
        actions = [e.action for e in s.scalars(select(Event).where(Event.record_id == record_id).order_by(Event.id))]
        assert actions.index("corrected") < actions.index("approve") < actions.index("queued", actions.index("approve"))
        corrected = s.scalar(select(Event).where(Event.record_id == record_id, Event.action == "corrected"))
        assert doubtful.name in corrected.note  # which fields changed; the values stay out of the history


def test_a_settled_form_reopened_is_counted_by_its_reasons_of_today(store, pages):
    from pipeline.route.lifecycle import RecordAction
    from pipeline.store.workflow import apply_record_action

    ctx, read = pages
    record, truth = read[2]
    record = _held(record)
    record_id = _save(store, record)
    doubtful = _doubted(record)
    typed = {doubtful.name: _truth_text(ctx, record, truth, doubtful.name)}
    with store.session() as s:
        assert exception_counts(s)["reason"][ReasonCode.SIGNATURE_MISSING.value] == 1
        settle(s, record_id, ctx, "rina", typed, {}, {"kepala_desa": {"signed": True, "stamped": True}})
    with store.session() as s:
        apply_record_action(s, record_id, RecordAction.REOPEN, "rina", "periksa lagi")
    with store.session() as s:
        assert s.get(Record, record_id).status == "needs_review"
        # the signature was confirmed when it was settled: it is no longer a reason to filter by
        assert ReasonCode.SIGNATURE_MISSING.value not in exception_counts(s)["reason"]
        assert exception_queue(s, Filters(reason=ReasonCode.SIGNATURE_MISSING.value)) == []


def test_the_queue_filters_counts_and_next_item(store, pages):
    ctx, read = pages
    ids = [_save(store, _held(record)) for record, _ in read[:3]]
    with store.session() as s:
        waiting = exception_queue(s, Filters())
        assert [e.record_id for e in waiting] == ids
        assert exception_counts(s)["reason"][ReasonCode.SIGNATURE_MISSING.value] == 3
        form_id = waiting[0].form_id
        assert {e.form_id for e in exception_queue(s, Filters(form_id=form_id))} == {form_id}
        assert exception_queue(s, Filters(reason="tidak_ada")) == []
        assert exception_queue(s, Filters(older_than_days=3)) == []  # all arrived just now
        assert next_exception(s, Filters()) == ids[0]
        assert next_exception(s, Filters(), after=ids[0]) == ids[1]
        # skipping walks the whole queue and wraps round, never bouncing between the two oldest
        assert next_exception(s, Filters(), after=ids[1]) == ids[2]
        assert next_exception(s, Filters(), after=ids[2]) == ids[0]
    with store.session() as s:
        return_to_village(s, ids[0], "rina", "Foto buram; mohon difoto ulang.")
    with store.session() as s:
        assert next_exception(s, Filters()) == ids[1]
        assert s.get(Record, ids[0]).status == "returned"


def test_the_owning_unit_sees_nik_and_phone_but_never_a_confidential_complainant(pages, templates):
    _, read = pages
    complaint = next(r for r, _ in read if r.identity.form_id == "KIM-02")
    template = templates.get("KIM-02")
    nik = next(fv for fv in complaint.fields if fv.type == "nik")
    assert shown_value(complaint, template, nik.name, "6304011203900001", Audience.OWNER) == "6304011203900001"
    assert shown_value(complaint, template, nik.name, "6304011203900001", Audience.PUBLIC) == "630401******0001"
    option = template.field(template.confidential_flag).options[0].value
    secret = complaint.model_copy(update={"choices": tuple(
        cv.model_copy(update={"selected": (option,)}) if cv.name == template.confidential_flag else cv
        for cv in complaint.choices)})
    assert shown_value(secret, template, nik.name, "6304011203900001", Audience.OWNER) == WITHHELD


def test_suggestions_and_reasons_quoting_a_hidden_nik_are_not_shown(pages, templates):
    from web.present import field_views

    _, read = pages
    complaint = next(r for r, _ in read if r.identity.form_id == "KIM-02")
    template = templates.get("KIM-02")
    nik = next(fv for fv in complaint.fields if fv.type == "nik")
    doubt = Reason.of(ReasonCode.DIGITS_DISAGREE, nik.name, label=nik.name, read="6304011203900001",
                      other="6304011203900007")
    held = complaint.model_copy(update={"fields": tuple(
        fv.model_copy(update={"needs_review": True, "reasons": (doubt,), "candidates": ("6304011203900007",)})
        if fv.name == nik.name else fv for fv in complaint.fields)})

    def view(audience):
        return next(v for v in field_views(held, template, audience) if v.name == nik.name)

    assert "6304011203900007" in view(Audience.REVIEWER).candidates
    assert any("6304011203900001" in r for r in view(Audience.REVIEWER).reasons)
    public = view(Audience.PUBLIC)
    assert public.candidates == [] and not any("63040112039" in r for r in public.reasons) and public.reasons


def test_a_capture_problem_is_a_short_hint_beside_the_field_and_the_advice_is_said_once(pages, templates):
    from pipeline.extract.capture import check_capture
    from pipeline.ocr.quality import PageQuality
    from web.present import field_views, reason_lines

    _, read = pages
    complaint = next(r for r, _ in read if r.identity.form_id == "KIM-02")
    template = templates.get("KIM-02")
    name = next(fv.name for fv in complaint.fields if fv.type == "text")
    glare = check_capture(complaint, template, PageQuality(px_per_mm=5.0, edge_mm=0.2, glare_share=0.05,
                                                           cut_fields=(), glare_fields=(name,)))
    view = next(v for v in field_views(glare, template, Audience.REVIEWER) if v.name == name)
    assert view.reasons == ["Tertutup pantulan cahaya: cocokkan dengan gambar."]
    advice = [sentence for _, sentence in reason_lines(glare, {name}) if "difoto ulang" in sentence]
    assert len(advice) == 1  # the photo's note, once, at the top


def test_a_refused_correction_shows_the_page_as_the_reviewer_left_it(store, pages):
    import re

    from fastapi.testclient import TestClient

    from web.app import create_app
    from web.security import create_user

    ctx, read = pages
    record, record_id, doubtful = _save_held(store, read[3][0])
    with store.session() as s:
        create_user(s, "rina", "kata-sandi-panjang-1", "reviewer", "Rina")
    client = TestClient(create_app(), base_url="http://testserver")
    page = client.get("/masuk")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    client.post("/masuk", data={"username": "rina", "password": "kata-sandi-panjang-1", "csrf": csrf, "lanjut": ""})
    page = client.get(f"/formulir/{record_id}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert not re.search(r'name="s_kepala_desa_ttd" value="1" checked', page.text)  # read as unsigned
    refused = client.post(f"/formulir/{record_id}/setujui", data={
        "csrf": csrf, f"f_{doubtful.name}": "12", "s_kepala_desa_ttd": "1", "s_kepala_desa_cap": "1"})
    assert refused.status_code == 422
    assert re.search(rf'name="f_{doubtful.name}"[^>]*value="12"|>12</textarea>', refused.text)
    assert re.search(r'name="s_kepala_desa_ttd" value="1" checked', refused.text)
    assert re.search(r'name="s_kepala_desa_cap" value="1" checked', refused.text)


def test_the_review_queue_asks_the_database_the_same_few_times_for_many_forms(store, pages):
    from sqlalchemy import event

    _, read = pages
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    counts = []
    for n, (record, _) in enumerate(read):
        _save(store, _held(record))
        if n in (0, len(read) - 1):
            statements.clear()
            with store.session() as s:
                assert len(exception_queue(s, Filters())) == n + 1
            counts.append(len(statements))
    assert counts[1] == counts[0], counts
