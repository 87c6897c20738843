from __future__ import annotations

from pipeline.geometry import Box
from pipeline.record import ChoiceValue, FieldValue, FormRecord, Identity, Reason, SourceRef
from pipeline.report.export import flat_row, nested_row
from pipeline.report.privacy import WITHHELD, Audience, mask_nik, mask_phone

BOX = Box(x=1, y=1, w=1, h=1)


def complaint(confidential: bool) -> FormRecord:
    fields = [FieldValue(name=n, type=t, value=val, confidence=0.99, box=BOX) for n, t, val in [
        ("pelapor_nama", "text", "Siti Rahmah"), ("pelapor_nik", "nik", "6304014703900001"),
        ("pelapor_hp", "phone", "+6281234567890"), ("pelapor_alamat", "text", "Jl. Mawar 3"),
        ("uraian", "multiline", "Jalan rusak")]]
    choices = [ChoiceValue(name="rahasia", type="flag", selected=("ya",) if confidential else (),
                           fills={"ya": 0.3 if confidential else 0.0}, confidence=1.0, box=BOX)]
    return FormRecord(source=SourceRef(sha256="0" * 64, filename="a.jpg", media_type="image/jpeg",
                                       page=1, pages=1),
                      identity=Identity(form_id="KIM-02", version=1, serial=5),
                      fields=tuple(fields), choices=tuple(choices))


def test_masks():
    assert mask_nik("6304014703900001") == "630401******0001"
    assert mask_phone("+6281234567890") == "+62812*****890"
    assert mask_nik(None) is None and mask_phone("") == ""


def test_public_export_masks_nik_and_phone(templates):
    row = nested_row(complaint(False), templates, Audience.PUBLIC)
    assert row["fields"]["pelapor_nik"]["value"] == "630401******0001"
    assert row["fields"]["pelapor_hp"]["value"] == "+62812*****890"
    assert row["fields"]["pelapor_nama"]["value"] == "Siti Rahmah"


def test_confidential_complainant_is_withheld_everywhere_but_review(templates):
    public = flat_row(nested_row(complaint(True), templates, Audience.PUBLIC))
    for name in ("pelapor_nama", "pelapor_nik", "pelapor_hp", "pelapor_alamat"):
        assert public[name] == WITHHELD
    assert public["uraian"] == "Jalan rusak" and public["confidential"] is True
    text = str(public)
    assert "Siti" not in text and "6304014703900001" not in text and "4703" not in text
    reviewer = nested_row(complaint(True), templates, Audience.REVIEWER)
    assert reviewer["fields"]["pelapor_nik"]["value"] == "6304014703900001"


def test_the_page_picture_hides_what_the_values_hide(templates):
    import numpy as np

    from pipeline.ocr.read import PX_PER_MM
    from pipeline.report.privacy import redact_page

    template = templates.get("KIM-02")
    blank = np.full((int(297 * PX_PER_MM), int(210 * PX_PER_MM), 3), 255, np.uint8)

    def dark(image, name: str) -> bool:
        b = template.field(name).box
        y, x = int((b.y + b.h / 2) * PX_PER_MM), int((b.x + b.w / 2) * PX_PER_MM)
        return bool(image[y, x].max() < 100)

    public = redact_page(blank.copy(), complaint(False), template, Audience.PUBLIC, PX_PER_MM)
    assert dark(public, "pelapor_nik") and dark(public, "pelapor_hp") and not dark(public, "pelapor_nama")
    owner = redact_page(blank.copy(), complaint(False), template, Audience.OWNER, PX_PER_MM)
    assert not dark(owner, "pelapor_nik")  # the unit that must act reads the NIK ...
    withheld = redact_page(blank.copy(), complaint(True), template, Audience.OWNER, PX_PER_MM)
    assert dark(withheld, "pelapor_nama") and dark(withheld, "pelapor_nik")  # ... unless confidential
    assert not dark(withheld, "uraian")
    reviewer = redact_page(blank.copy(), complaint(True), template, Audience.REVIEWER, PX_PER_MM)
    assert not dark(reviewer, "pelapor_nik") and not dark(reviewer, "pelapor_nama")


def _with_reasons(record: FormRecord) -> FormRecord:
    from pipeline.reasons import ReasonCode

    said = {"pelapor_nik": "Isian \"NIK\": angka kurang jelas; pembaca pertama membaca 6304014703900001, "
                           "pembaca kedua 6304014703900007",
            "pelapor_nama": "Isian \"Nama lengkap pelapor\" terbaca \"Siti Rahmah\", tetapi kurang jelas",
            "uraian": "Isian \"Uraian pengaduan\" kurang jelas"}
    fields = tuple(fv.model_copy(update={"needs_review": True, "reasons": (Reason(
        code=ReasonCode.DIGITS_DISAGREE if fv.name == "pelapor_nik" else ReasonCode.FIELD_LOW_CONFIDENCE,
        field=fv.name, message=said[fv.name]),)}) if fv.name in said else fv for fv in record.fields)
    return record.model_copy(update={"fields": fields})


def test_a_reason_quoting_what_was_read_is_shown_as_its_label_to_whom_the_field_is_hidden(templates):
    public = flat_row(nested_row(_with_reasons(complaint(False)), templates, Audience.PUBLIC))
    assert "4703" not in public["reasons"] and 'Isian "NIK": Angka terbaca berbeda' in public["reasons"]
    assert "Siti Rahmah" in public["reasons"]  # a name is not hidden from the public ...
    withheld = flat_row(nested_row(_with_reasons(complaint(True)), templates, Audience.PUBLIC))
    assert "Siti" not in withheld["reasons"] and "4703" not in withheld["reasons"]  # ... unless withheld
    assert "Uraian pengaduan" in withheld["reasons"]
    owner = flat_row(nested_row(_with_reasons(complaint(False)), templates, Audience.OWNER))
    assert "6304014703900001" in owner["reasons"]  # the unit that must act reads the NIK in full
    reviewer = flat_row(nested_row(_with_reasons(complaint(True)), templates, Audience.REVIEWER))
    assert "6304014703900001" in reviewer["reasons"] and "Siti Rahmah" in reviewer["reasons"]
