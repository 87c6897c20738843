"""Routing rules, table-driven over small hand-made records."""

from __future__ import annotations

import pytest

from pipeline.geometry import Box
from pipeline.reasons import ReasonCode
from pipeline.record import (
    ChoiceValue,
    FieldValue,
    FormRecord,
    Identity,
    Reason,
    RouteKind,
    SourceRef,
    Status,
)
from pipeline.route.router import route_record

BOX = Box(x=1, y=1, w=1, h=1)
SOURCE = SourceRef(sha256="0" * 64, filename="x.jpg", media_type="image/jpeg", page=1, pages=1)


def record(form_id: str, choice_field: str, selected: tuple[str, ...], kecamatan: str | None,
           kec_field: str, reasons: tuple[Reason, ...] = ()) -> FormRecord:
    kec = FieldValue(name=kec_field, type="kecamatan", value=kecamatan, confidence=1.0, box=BOX,
                     code="63.04.05" if kecamatan else None)
    choice = ChoiceValue(name=choice_field, type="single_choice", selected=selected, fills={},
                         confidence=1.0, box=BOX)
    return FormRecord(source=SOURCE, identity=Identity(form_id=form_id, version=1, serial=1),
                      fields=(kec,), choices=(choice,), reasons=reasons)


@pytest.mark.parametrize("category, primary", [
    ("jalan_jembatan", {"PUPR"}), ("air_bersih", {"PDAM"}), ("kesehatan", {"DINKES"}),
    ("pertanian_perikanan", {"DISTAN", "DISKAN"}), ("banjir_bencana", {"BPBD"}),
    ("keamanan_ketertiban", {"SATPOLPP"}),
])
def test_a_complaint_goes_to_its_skpd_with_the_bupati_and_camat(routing, category, primary):
    routed = route_record(record("KIM-02", "kategori", (category,), "Alalak", "pelapor_kecamatan"), routing)
    assert routed.status is Status.ROUTED
    assert {r.target for r in routed.routes if r.kind is RouteKind.PRIMARY} == primary
    assert {r.target for r in routed.routes if r.kind is RouteKind.COPY} == {"BUPATI"}
    assert {r.target for r in routed.routes if r.kind is RouteKind.INFORMED} == {"KEC-ALALAK"}
    assert all(r.why for r in routed.routes)


def test_lainnya_waits_for_a_reviewer(routing):
    routed = route_record(record("KIM-02", "kategori", ("lainnya",), "Alalak", "pelapor_kecamatan"), routing)
    assert routed.status is Status.NEEDS_REVIEW
    assert ReasonCode.ROUTE_UNDECIDED in {r.code for r in routed.reasons}


def test_an_activity_goes_to_prokopim_and_informs_the_field(routing):
    routed = route_record(record("KIM-01", "jenis_kegiatan", ("kesehatan",), "Alalak", "kecamatan"), routing)
    assert routed.status is Status.ROUTED
    assert {(r.target, r.kind) for r in routed.routes} == {
        ("PROKOPIM", RouteKind.PRIMARY), ("DINKES", RouteKind.INFORMED), ("KEC-ALALAK", RouteKind.INFORMED)}


def test_any_doubt_keeps_the_form_in_review_with_its_proposed_routes(routing):
    doubt = (Reason.of(ReasonCode.SIGNATURE_MISSING, field="ttd_kepala_desa", label="Kepala Desa"),)
    routed = route_record(record("KIM-02", "kategori", ("kesehatan",), "Alalak", "pelapor_kecamatan",
                                 doubt), routing)
    assert routed.status is Status.NEEDS_REVIEW
    assert "DINKES" in {r.target for r in routed.routes}


def test_an_unreadable_kecamatan_informs_no_camat(routing):
    routed = route_record(record("KIM-02", "kategori", ("kesehatan",), None, "pelapor_kecamatan"), routing)
    assert "KEC-ALALAK" not in {r.target for r in routed.routes}
