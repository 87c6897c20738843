"""A routed complaint in the columns an admin koordinator types into SP4N-LAPOR!."""

from __future__ import annotations

from datetime import date

from pipeline.forms.template import Template
from pipeline.record import FormRecord, RouteKind
from pipeline.report.privacy import Audience, is_confidential, shown_value
from pipeline.route.config import Unit

COLUMNS = ("No. registrasi KOPI", "ID LAPOR!", "Tanggal pengaduan", "Judul laporan", "Isi laporan",
           "Kategori", "Lokasi kejadian", "Desa/Kelurahan", "Kecamatan", "Instansi tujuan", "Rahasia",
           "Nama pelapor", "NIK", "No. HP", "Alamat")


def _value(record: FormRecord, name: str) -> str:
    try:
        return record.field(name).value or ""
    except KeyError:
        return ""


def _category(record: FormRecord, template: Template) -> str:
    rule = template.classify
    if rule is None:
        return ""
    choice = record.choice(rule.choice)
    labels = {o.value: o.label for o in template.field(rule.choice).options or []}
    ticked = choice.selected[0] if len(choice.selected) == 1 else None
    value = choice.inferred if (ticked in (None, rule.other) and choice.inferred) else ticked
    return labels.get(value or "", value or "")


def lapor_row(record: FormRecord, template: Template, units: dict[str, Unit], audience: Audience,
              tracking: str | None, lapor_id: str | None) -> dict[str, str]:
    category = _category(record, template)
    place = _value(record, "lokasi_kejadian")
    filed = _value(record, "tanggal_pengaduan")
    body = _value(record, "uraian")
    if _value(record, "harapan"):
        body += f"\nHarapan: {_value(record, 'harapan')}"
    person = {name: shown_value(record, template, name, _value(record, name) or None, audience) or ""
              for name in ("pelapor_nama", "pelapor_nik", "pelapor_hp", "pelapor_alamat")}
    agencies = [units[r.target].name if r.target in units else r.target
                for r in record.routes if r.kind is RouteKind.PRIMARY]
    return dict(zip(COLUMNS, (
        tracking or "", lapor_id or "",
        date.fromisoformat(filed).strftime("%d-%m-%Y") if filed else "",
        f"{category}: {place}"[:100] if place else category, body, category, place,
        _value(record, "pelapor_desa"), _value(record, "pelapor_kecamatan"), "; ".join(agencies),
        "Ya" if is_confidential(record, template) else "Tidak",
        person["pelapor_nama"], person["pelapor_nik"], person["pelapor_hp"], person["pelapor_alamat"],
    )))
