"""Values a reviewer types in, checked with the same normalisers as what OCR read."""

from __future__ import annotations

from pipeline.extract.dates import parse_date_text, parse_day_name
from pipeline.extract.names import clean_name
from pipeline.extract.nik import parse_nik
from pipeline.extract.numbers import parse_count
from pipeline.extract.phones import parse_phone
from pipeline.extract.times import parse_time_text
from pipeline.extract.values import Parsed, clean_text, invalid
from pipeline.extract.villages import match_kecamatan, match_village
from pipeline.forms.template import FieldType, FormField
from pipeline.gazetteer import Gazetteer


def normalise_typed(f: FormField, text: str, gazetteer: Gazetteer, kecamatan: str | None = None) -> Parsed:
    """A typed value in canonical form, or the reason it is not acceptable. Empty is allowed
    unless the field is required."""
    text = text.strip()
    if not text:
        return invalid("", "isian wajib diisi") if f.required else Parsed(None)
    t, rule = f.type, f.validation
    if t is FieldType.DATE:
        return parse_date_text(text)
    if t is FieldType.TIME:
        return parse_time_text(text)
    if t is FieldType.NIK:
        return parse_nik(text, gazetteer)
    if t is FieldType.PHONE:
        return parse_phone(text)
    if t is FieldType.NUMBER:
        return parse_count(text, rule.min_value if rule else None, rule.max_value if rule else None)
    if t is FieldType.KECAMATAN:
        match = match_kecamatan(text, gazetteer)
        return Parsed(match.name, code=match.code) if match.name else invalid(
            text, "nama kecamatan di Barito Kuala", match.candidates)
    if t is FieldType.DESA:
        match = match_village(text, gazetteer, kecamatan)
        return Parsed(match.name, code=match.code) if match.name else invalid(
            text, f"nama desa/kelurahan di Kecamatan {kecamatan}" if kecamatan else "nama desa/kelurahan",
            match.candidates)
    if rule is not None and rule.day_of:
        return parse_day_name(text)
    if rule is not None and rule.text in ("person", "organisation"):
        return clean_name(text)
    return Parsed(clean_text(text) or None)
