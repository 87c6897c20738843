"""The curled-sheet simulator (samples/capture.py `curl_page`): the part of the sheet lying flat is
untouched, the print near the lifted edge is drawn in toward it, and a seed reproduces it."""

from __future__ import annotations

import numpy as np

from pipeline.samples.capture import CURL_LIFT_MM, curl_page

PX_PER_MM = 200 / 25.4


def _ruled(h: int = 800, w: int = 600) -> np.ndarray:
    page = np.full((h, w, 3), 255, np.uint8)
    for y in range(40, h, 80):
        page[y:y + 2] = 0
    return page


def _rows_with_ink(image: np.ndarray, column: int) -> list[int]:
    dark = image[:, column, 0] < 128
    return [y for y in range(1, len(dark)) if dark[y] and not dark[y - 1]]


def test_a_lifted_edge_draws_its_print_in_and_leaves_the_flat_part_alone():
    page = _ruled()
    for seed in range(40):
        curled, params = curl_page(page, np.random.default_rng(seed), PX_PER_MM)
        if params["curl_edge"] == "bottom":
            break
    assert params["curl_edge"] == "bottom"
    flat_rows = int(params["curl_start"] * page.shape[0]) - 2
    assert np.array_equal(curled[:flat_rows], page[:flat_rows])
    before, after = _rows_with_ink(page, 300), _rows_with_ink(curled, 300)
    assert len(after) >= len(before) - 1
    lifted = [(b, a) for b, a in zip(before, after) if b > params["curl_start"] * page.shape[0] + 40]
    assert lifted and all(a < b for b, a in lifted)  # moved up, toward the flat part
    most = max(b - a for b, a in lifted)
    assert most <= CURL_LIFT_MM[1] * PX_PER_MM * 1.5


def test_a_seed_reproduces_the_curl():
    page = _ruled()
    a, pa = curl_page(page, np.random.default_rng(3), PX_PER_MM)
    b, pb = curl_page(page, np.random.default_rng(3), PX_PER_MM)
    assert pa == pb and np.array_equal(a, b)
