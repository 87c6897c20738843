"""bench/intake.py's page comparison: an accepted misread is counted on its sheet's own slice
and its error names the sheet and style (a photo of two forms holds one of each style)."""

from collections import defaultdict

from bench.intake import _bucket, _compare_page
from pipeline.forms.registry import default_templates


def _truth(sheet: int, fill: str, address: str) -> dict:
    return {"page": 1, "sheet": sheet, "form_id": "KIM-02", "serial": 7, "capture": "chat", "fill_style": fill,
            "expected": {"status": "needs_review", "reasons": [], "routes": []},
            "values": {"pelapor_alamat": address}, "written": {}, "village": {}, "choices": {}, "signatures": {}}


def _row(address: str) -> dict:
    field = {"value": address, "needs_review": False, "confidence": 0.98, "raw": address}
    return {"status": "needs_review", "form_id": "KIM-02", "serial": "7", "reasons": [], "routes": [],
            "fields": {"pelapor_alamat": field}, "choices": {}, "signatures": {}}


def test_an_accepted_misread_is_named_with_its_sheet_and_style():
    template = default_templates().get("KIM-02")
    per, errors = defaultdict(_bucket), []
    for sheet, fill, want, got in ((1, "handwriting", "Gg. Mawar", "Gg. Mawar"),
                                   (2, "typed", "Jalur 3 Blok B", "Jalur 3 Blok 8")):
        _compare_page(_truth(sheet, fill, want), _row(got), template, [f"chat+{fill}"], per, errors, "chat_1.jpg")
    assert per["chat+typed"]["fields_accepted_wrong"] == 1
    assert per["chat+handwriting"]["fields_accepted_wrong"] == 0
    wrong = [e for e in errors if e.get("field") == "pelapor_alamat" and "what" not in e]
    assert wrong == [{"file": "chat_1.jpg", "page": 1, "sheet": 2, "capture": "chat", "fill": "typed",
                      "field": "pelapor_alamat", "want": "Jalur 3 Blok B", "got": "Jalur 3 Blok 8",
                      "confidence": 0.98}]
