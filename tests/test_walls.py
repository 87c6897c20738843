"""Comb cells are cut where the comb's print is: moved as a whole (ocr/shifts.py) or stretched
along its length by a sheet that did not lie flat (ocr/walls.py)."""

from __future__ import annotations

import cv2
import pytest
import numpy as np

from conftest import REFERENCE_DAY
from pipeline.forms.render import render_forms
from pipeline.ocr import walls
from pipeline.ocr.blank import printed_mask
from pipeline.ocr.clean import prepare_page
from pipeline.ocr.digits import read_cells
from pipeline.ocr.marks import locate_page, straighten
from pipeline.ocr.poppler import rasterize_page
from pipeline.ocr.read import PX_PER_MM
from pipeline.ocr.shifts import print_shifts
from pipeline.ocr.zones import comb_cells, filled_cells
from pipeline.record import Identity
from pipeline.samples.content import make_fill
from pipeline.samples.draw import draw_fill
from pipeline.samples.generate import SAMPLE_DPI, page_rng


def _straight(templates, gazetteer):
    template = templates.get("KIM-02")
    rng = page_rng(41, 5)
    fill = make_fill(rng, template, 73_005, gazetteer, REFERENCE_DAY, preprinted=False)
    pdf = render_forms(template, [Identity(form_id=template.id, version=template.version, serial=73_005)], None)
    page = draw_fill(rasterize_page(pdf, 1, SAMPLE_DPI), template, fill, rng, "typed", SAMPLE_DPI)
    return template, fill, straighten(page, locate_page(page, templates), PX_PER_MM)


def _digits(page, f, shift=(0, 0)) -> str:
    cells = [c for group in filled_cells(comb_cells(page, f, shift), f) for c in group]
    return "".join(d for d, _ in read_cells(cells))


def _stretched(rgb: np.ndarray, from_x: int, share: float) -> np.ndarray:
    """The page pulled longer to the right of `from_x` by `share`, as a lifted edge does."""
    h, w = rgb.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    source = np.where(x > from_x, from_x + (x - from_x) / (1 + share), x).astype(np.float32)
    return cv2.remap(rgb, source, y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def test_a_flat_page_keeps_every_comb_cell_in_place(templates, gazetteer):
    template, fill, straight = _straight(templates, gazetteer)
    page = prepare_page(straight, PX_PER_MM, printed_mask(template, PX_PER_MM))
    for f in template.fields:
        if f.comb is not None:
            assert walls.cell_offsets(page, f) == [0] * len(f.cells), f.name
    nik = template.field("pelapor_nik")
    assert _digits(page, nik) == fill.written["pelapor_nik"]


def test_a_comb_stretched_along_its_length_is_cut_where_its_walls_are(templates, gazetteer, monkeypatch):
    template, fill, straight = _straight(templates, gazetteer)
    nik = template.field("pelapor_nik")
    start = int(nik.box.x * PX_PER_MM)
    page = prepare_page(_stretched(straight, start, 0.02), PX_PER_MM, printed_mask(template, PX_PER_MM))
    offsets = walls.cell_offsets(page, nik)
    # 2 % of the way along a 16-cell comb: ~0 px at its start, ~15 px (1.9 mm) at its end
    assert abs(offsets[0]) <= 2 and 12 <= offsets[-1] <= 17
    assert offsets == sorted(offsets)
    want = fill.written["pelapor_nik"]
    assert _digits(page, nik) == want
    monkeypatch.setattr(walls, "MIN_FOUND_SHARE", 2.0)  # walls never trusted: cells where the template puts them
    assert _digits(page, nik) != want


def test_a_comb_moved_as_a_whole_is_read_at_its_shift(templates, gazetteer):
    """The comb's print 6 px (0.75 mm) up, as a short RT comb was found on a curled photo: read at
    the template's place, its bottom edge runs through every cell."""
    template, fill, straight = _straight(templates, gazetteer)
    moved = np.roll(straight, -6, axis=0)
    page = prepare_page(moved, PX_PER_MM, printed_mask(template, PX_PER_MM))
    rt = template.field("pelapor_rt")
    shift = print_shifts(page, template)[rt.box]
    # combs are matched at half resolution (shifts.COMB_STEP): within 2 px (0.25 mm)
    assert abs(shift[0]) <= 2 and abs(shift[1] + 6) <= 2
    assert _digits(page, rt, shift) == fill.written["pelapor_rt"]
    assert _digits(page, rt) != fill.written["pelapor_rt"]


@pytest.mark.parametrize("px_per_mm", [7.5, 8.0, 8.4])
@pytest.mark.parametrize("dx, dy", [(0, 0), (5, -3), (-9, 7)])
def test_a_comb_matched_at_half_resolution_is_found_to_the_pixel(templates, px_per_mm, dx, dy):
    """The shrunk score map is spread back shift for shift, whatever the reach's parity."""
    import cv2 as cv

    from pipeline.ocr.blank import blank_gray
    from pipeline.ocr.clean import Page
    from pipeline.ocr.shifts import _scores

    template = templates.get("KIM-02")
    blank = blank_gray(template, px_per_mm)
    moved = np.roll(blank, (dy, dx), axis=(0, 1))
    page = Page(rgb=cv.cvtColor(moved, cv.COLOR_GRAY2RGB), flat=moved, px_per_mm=px_per_mm)
    for name in ("pelapor_nik", "pelapor_rt", "tanggal_pengaduan"):
        scores = _scores(page, blank, template.field(name).box, step=2)
        reach = (scores.shape[0] - 1) // 2
        _, _, _, (bx, by) = cv.minMaxLoc(scores)
        assert abs(bx - reach - dx) <= 1 and abs(by - reach - dy) <= 1, name
