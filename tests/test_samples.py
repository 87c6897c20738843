"""The sample generator: seedable, realistic content, and ground truth that matches the drawing."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from conftest import REFERENCE_DAY
from pipeline.forms.template import FieldType
from pipeline.ocr.blank import printed_mask
from pipeline.ocr.clean import ink_share, prepare_page
from pipeline.ocr.ink import is_color_page, read_signature
from pipeline.ocr.marks import locate_page, straighten
from pipeline.ocr.omr import read_choice
from pipeline.ocr.zones import comb_cells
from pipeline.samples.content import make_nik
from pipeline.samples.generate import PageSpec, make_page, plan_samples
from pipeline.samples.writer import TRUTH_DIR, SampleContext, write_sample_set


@pytest.fixture(scope="module")
def context(templates, gazetteer, routing):
    return SampleContext(templates, gazetteer, routing, seed=5, today=REFERENCE_DAY)


def test_same_seed_same_files_other_seed_other_files(tmp_path, context):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_sample_set(a, context, 3, first_serial=100, bad_files=True)
    write_sample_set(b, context, 3, first_serial=100, bad_files=True)
    other = SampleContext(context.templates, context.gazetteer, context.routing, 6, context.today)
    write_sample_set(c, other, 3, first_serial=100)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    first = lambda d: next(p for p in sorted(d.iterdir()) if p.is_file()).read_bytes()  # noqa: E731
    assert first(a) != first(c)


def test_plan_mixes_all_three_capture_styles_and_bundles_scans_into_pdfs():
    plan = plan_samples(60, seed=3, first_serial=1, bad_files=True)
    styles = {p.capture for f in plan for p in f.pages}
    assert styles == {"scan", "phone", "chat"}
    assert any(f.kind == "pdf" and len(f.pages) > 1 for f in plan)
    assert {f.kind for f in plan} >= {"image", "pdf", "not_a_form", "corrupt"}
    assert sum(len(f.pages) for f in plan) == 60
    serials = [p.serial for f in plan for p in f.pages]
    assert len(set(serials)) == 60


def test_written_set_has_truth_for_every_file(tmp_path, context):
    files = write_sample_set(tmp_path, context, 4, first_serial=1, bad_files=True)
    manifest = json.loads((tmp_path / TRUTH_DIR / "manifest.json").read_text())
    assert [f["file"] for f in manifest["files"]] == [p.name for p in files]
    for path in files:
        truth = json.loads((tmp_path / TRUTH_DIR / f"{path.name}.json").read_text())
        assert truth["file"] == path.name
        for page in truth["pages"]:
            assert page["form_id"] in ("KIM-01", "KIM-02")
            assert page["expected"]["status"] in ("routed", "needs_review")


def test_nik_agrees_with_kecamatan_birth_date_and_sex(gazetteer):
    village = gazetteer.find("Alalak", "Berangas")
    nik = make_nik(np.random.default_rng(1), village, date(1990, 3, 7), female=True)
    assert len(nik) == 16 and nik.startswith("630405")
    assert nik[6:12] == "470390"  # day 07 + 40 for a woman, March, 1990
    assert make_nik(np.random.default_rng(1), village, date(1990, 3, 7), female=False)[6:8] == "07"


@pytest.mark.parametrize("index", range(6))
def test_ground_truth_matches_what_was_drawn(context, index):
    """Read the clean, uncaptured page with the pipeline's own OMR and ink checks: ticks,
    signatures, stamps and filled comb cells are exactly where the truth says."""
    form = "KIM-02" if index % 2 else "KIM-01"
    spec = PageSpec(index=index, form_id=form, serial=10 + index, capture="scan",
                    fill_style="handwriting" if index >= 3 else "typed", preprinted=index == 1)
    page_img, fill, template = make_page(context.templates, context.gazetteer, spec, context.seed,
                                         context.today)
    location = locate_page(page_img, context.templates)
    assert location.template.id == form
    page = prepare_page(straighten(page_img, location, 8.0), 8.0, printed_mask(template, 8.0))
    color = is_color_page(page)
    for f in template.fields:
        if f.type.is_choice:
            assert sorted(read_choice(page, f).ticked) == sorted(fill.choices.get(f.name, [])), f.name
        elif f.type is FieldType.SIGNATURE:
            reading = read_signature(page, f, color)
            state = fill.signatures[f.role]
            assert reading.signed == state["signed"], f.role
            assert reading.stamped == state["stamped"], f.role
        elif f.comb is not None:
            written = fill.written[f.name].ljust(len(f.cells))
            inked = [ink_share(c) > 0.02 for c in comb_cells(page, f)]
            assert inked == [ch != " " for ch in written], f.name


@pytest.mark.parametrize("font", ["SANS", "SERIF"])
def test_typed_words_sit_on_one_baseline(font):
    # Placed by their own boxes, "guru" (a descender, no capitals) floated above "Rumah" and
    # typed text looked like a ransom note to tesseract.
    from pipeline import fonts
    from pipeline.samples.draw import _font, _stamp_text

    face = _font(str(getattr(fonts, font).require()), 40)
    bottoms = []
    for word in ("Hu", "gu"):
        mask = np.zeros((120, 200), np.float32)
        _stamp_text(mask, word, face, 10, 50)
        lead = int(face.getlength(word[0])) + 10
        rows = np.nonzero(mask[:, lead + 4:] > 0.5)[0]  # the "u" alone
        bottoms.append(rows.max())
    assert abs(bottoms[0] - bottoms[1]) <= 1
