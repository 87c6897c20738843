"""Tests for the capture simulator (pipeline.samples.capture).

The test page is white A4 at 200 dpi with solid black squares where the form's ArUco markers sit
(12 mm, 10 mm in from each corner), lines of printed text, and one black disk in the top-left
quarter that makes the page asymmetric, so a wrong quarter turn or a mirrored corner order shows.
"""

from __future__ import annotations

import json
from functools import cache

import cv2
import numpy as np
import pytest

from pipeline.samples.capture import (
    Capture,
    simulate,
    simulate_phone,
    simulate_scan,
    turn_points,
    turn_quarter,
)

DPI = 200.0
MM = DPI / 25.4
PAGE_W, PAGE_H = 1654, 2339
SQUARE_MM, INSET_MM = 12.0, 10.0
SQUARE_PX = round(SQUARE_MM * MM)
DISK_MM, DISK_RADIUS_MM = (60.0, 40.0), 10.0
STYLES = ("scan", "phone", "chat")
OUTLINE = np.array([[0, 0], [PAGE_W, 0], [PAGE_W, PAGE_H], [0, PAGE_H]], dtype=np.float32)


def square_origins_px() -> np.ndarray:
    """Top-left pixel of each corner square, TL, TR, BR, BL."""
    far_x, far_y = 210.0 - INSET_MM - SQUARE_MM, 297.0 - INSET_MM - SQUARE_MM
    origins_mm = [(INSET_MM, INSET_MM), (far_x, INSET_MM), (far_x, far_y), (INSET_MM, far_y)]
    return np.array([[round(x * MM), round(y * MM)] for x, y in origins_mm])


def square_centres_px() -> np.ndarray:
    """Centres of the corner squares in pixel-edge coordinates."""
    return square_origins_px() + SQUARE_PX / 2


def square_corners_px() -> np.ndarray:
    """All 16 outer corners of the four squares."""
    offsets = np.array([[0, 0], [SQUARE_PX, 0], [SQUARE_PX, SQUARE_PX], [0, SQUARE_PX]])
    return (square_origins_px()[:, None, :] + offsets[None]).reshape(-1, 2)


def make_page() -> np.ndarray:
    page = np.full((PAGE_H, PAGE_W, 3), 255, np.uint8)
    for x, y in square_origins_px():
        page[y : y + SQUARE_PX, x : x + SQUARE_PX] = 0
    disk = (round(DISK_MM[0] * MM), round(DISK_MM[1] * MM))
    cv2.circle(page, disk, round(DISK_RADIUS_MM * MM), (0, 0, 0), -1)
    rng = np.random.default_rng(7)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
    for y_mm in np.arange(75.0, 265.0, 8.0):
        x_mm = 30.0
        while x_mm < 170.0:
            word = "".join(rng.choice(letters, rng.integers(2, 9)))
            origin = (round(x_mm * MM), round(y_mm * MM))
            font = cv2.FONT_HERSHEY_SIMPLEX
            cv2.putText(page, word, origin, font, 0.8, (30, 30, 60), 2, cv2.LINE_AA)
            x_mm += 4.0 * len(word) + 5.0
    return page


PAGE = make_page()
PAGE_COPY = PAGE.copy()


@cache
def capture(style: str, seed: int, long_side: int | None = None) -> Capture:
    """One capture per (style, seed), shared between tests to keep the file fast."""
    rng = np.random.default_rng(seed)
    if long_side is not None:
        return simulate_phone(PAGE, rng, long_side=long_side)
    return simulate(style, PAGE, rng)


def page_to_image(cap: Capture) -> np.ndarray:
    return cv2.getPerspectiveTransform(OUTLINE, cap.page_corners.astype(np.float32))


def project(h: np.ndarray, points: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(np.asarray(points, np.float64).reshape(1, -1, 2), h)[0]


def page_scale(cap: Capture) -> float:
    """Image pixels per page pixel, on average."""
    return float(np.sqrt(cv2.contourArea(cap.page_corners) / (PAGE_W * PAGE_H)))


def inside_image(cap: Capture, points: np.ndarray) -> bool:
    h, w = cap.image.shape[:2]
    return bool(np.all(points >= 0) and np.all(points <= [w, h]))


def find_squares(image: np.ndarray, side: float) -> np.ndarray:
    """Centroids (pixel-edge coordinates) of dark blobs about `side` pixels square."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    block = int(max(side * 1.6, 15)) | 1  # wider than a square, so its middle stands out
    binary = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 25
    )
    _, _, stats, centroids = cv2.connectedComponentsWithStats(binary)
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    area = stats[:, cv2.CC_STAT_AREA]
    keep = (
        (w > 0.6 * side) & (w < 1.8 * side) & (h > 0.6 * side) & (h < 1.8 * side)
        & (area > 0.45 * w * h) & (area > 0.4 * side * side)
    )
    return centroids[keep] + 0.5  # connectedComponents reports pixel-centre coordinates


def darkness(image: np.ndarray, centre: np.ndarray, radius: float) -> float:
    """Mean grey in a small window at `centre`, relative to the bright paper around it."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float64)
    x, y = np.round(centre - 0.5).astype(int)
    r_in, r_out = max(2, int(radius * 0.4)), int(radius * 2.5)
    inner = gray[max(0, y - r_in) : y + r_in + 1, max(0, x - r_in) : x + r_in + 1]
    outer = gray[max(0, y - r_out) : y + r_out + 1, max(0, x - r_out) : x + r_out + 1]
    return float(inner.mean() / np.percentile(outer, 90))


def assert_geometry_matches(cap: Capture) -> None:
    """The squares and the disk are where page_corners says the page is."""
    h = page_to_image(cap)
    scale = page_scale(cap)
    found = find_squares(cap.image, SQUARE_PX * scale)
    assert len(found) >= 4, f"found only {len(found)} square blobs"
    diag = float(np.hypot(*cap.image.shape[:2]))
    for corner, expected in zip(("TL", "TR", "BR", "BL"), project(h, square_centres_px())):
        error = np.min(np.linalg.norm(found - expected, axis=1))
        assert error < 0.015 * diag, f"{corner} square is {error:.1f} px from the predicted spot"
        # The bookkeeping is exact, so the blob centroids agree to a fraction of a pixel
        # (0.4 px at worst when measured); 2 px still catches a skew or scale left out.
        assert error < 2.0, f"{corner} square is {error:.2f} px from the predicted spot"
    disk = project(h, np.array(DISK_MM) * MM)[0]
    radius = DISK_RADIUS_MM * MM * scale
    assert darkness(cap.image, disk, radius) < 0.35, "the disk is not where page_corners puts it"
    # A mirrored or turned mapping would put the disk on blank paper: check that would show.
    mirrored = project(h, np.array([210.0 - DISK_MM[0], DISK_MM[1]]) * MM)[0]
    assert darkness(cap.image, mirrored, radius) > 0.5


# ------------------------------------------------------------------------------------------------
# Contract: determinism, purity, output format
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
def test_same_seed_gives_identical_bytes(style):
    np.random.seed(0)
    global_state = np.random.get_state()[1].copy()
    first = capture(style, 1)
    again = simulate(style, PAGE, np.random.default_rng(1))
    assert again.encoded == first.encoded
    assert np.array_equal(again.page_corners, first.page_corners)
    assert again.params == first.params
    assert capture(style, 3).encoded != first.encoded
    assert np.array_equal(np.random.get_state()[1], global_state), "used numpy's global RNG"
    assert np.array_equal(PAGE, PAGE_COPY), "modified the input page"


@pytest.mark.parametrize("style", STYLES)
def test_output_format(style):
    cap = capture(style, 1)
    assert cap.style == style
    assert cap.image.dtype == np.uint8 and cap.image.ndim == 3 and cap.image.shape[2] == 3
    assert cap.page_corners.dtype == np.float32 and cap.page_corners.shape == (4, 2)
    decoded = cv2.imdecode(np.frombuffer(cap.encoded, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == cap.image.shape
    assert np.array_equal(cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB), cap.image)
    magic = {".jpg": b"\xff\xd8\xff", ".png": b"\x89PNG"}[cap.suffix]
    assert cap.encoded.startswith(magic)
    json.dumps(cap.params)


def test_unknown_style_is_rejected():
    with pytest.raises(ValueError, match="nope"):
        simulate("nope", PAGE, np.random.default_rng(0))


# ------------------------------------------------------------------------------------------------
# Geometry: page_corners
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 3, 4])
@pytest.mark.parametrize("style", STYLES)
def test_page_corners_locate_the_corner_squares(style, seed):
    cap = capture(style, seed)
    assert_geometry_matches(cap)
    assert inside_image(cap, project(page_to_image(cap), square_corners_px())), "marker cut off"


def test_every_quarter_turn_is_mapped_correctly():
    seen = {}
    for seed in range(100, 200):
        cap = capture("phone", seed, long_side=1000)
        seen.setdefault(cap.params["quarter_turns_ccw"], cap)
        if len(seen) == 4:
            break
    assert sorted(seen) == [0, 1, 2, 3]
    for k, cap in seen.items():
        assert_geometry_matches(cap)
        # Upright, the page's top-left corner is nearest the image's top-left; each CCW turn
        # moves it on to the next image corner counter-clockwise (bottom-left, bottom-right...).
        h, w = cap.image.shape[:2]
        image_corners = np.array([[0, 0], [0, h], [w, h], [w, 0]])
        assert np.argmin(np.linalg.norm(image_corners - cap.page_corners[0], axis=1)) == k


@pytest.mark.parametrize("k", range(4))
def test_turn_quarter_moves_points_with_pixels(k):
    image = np.zeros((3, 5), np.uint8)
    image[0, 1] = 1
    points = np.array([[1.5, 0.5], [0, 0], [5, 3]])  # that pixel's centre, two image corners
    turned, moved = turn_quarter(image, points, k)
    row, col = np.argwhere(turned == 1)[0]
    assert np.allclose(moved[0], [col + 0.5, row + 0.5])
    th, tw = turned.shape
    assert {tuple(p) for p in moved[1:].round().astype(int)} <= {(0, 0), (tw, 0), (0, th), (tw, th)}
    assert np.allclose(turn_points(moved, (tw, th), 4 - k), points)


# ------------------------------------------------------------------------------------------------
# Style characteristics
# ------------------------------------------------------------------------------------------------


def test_scan_is_nearly_axis_aligned_at_the_same_resolution():
    for seed in (1, 3, 4):
        cap = capture("scan", seed)
        assert abs(cap.params["rotation_deg"]) <= 1.5
        top = cap.page_corners[1] - cap.page_corners[0]
        assert abs(np.degrees(np.arctan2(top[1], top[0]))) <= 1.5 + 1e-3
        assert 0.995 < page_scale(cap) < 1.005  # 200 dpi in, 200 dpi out
        assert 0.3 <= cap.params["blur_sigma"] <= 0.8


def test_scan_resamples_to_dpi_out():
    cap = simulate_scan(PAGE, np.random.default_rng(5), dpi_in=200, dpi_out=100)
    assert page_scale(cap) == pytest.approx(0.5, abs=0.005)
    # The scan is the (slightly skewed) page plus at most a few mm of scanner lid on each side.
    assert abs(cap.image.shape[0] - PAGE_H / 2) < 15 * 100 / 25.4
    assert_geometry_matches(cap)


def test_scan_formats_and_grayscale_vary_by_seed():
    small = cv2.resize(PAGE, (PAGE_W // 4, PAGE_H // 4), interpolation=cv2.INTER_AREA)  # 50 dpi
    caps = [
        simulate_scan(small, np.random.default_rng(seed), dpi_in=50, dpi_out=50)
        for seed in range(40)
    ]
    grey = [c for c in caps if c.params["grayscale"]]
    pngs = [c for c in caps if c.suffix == ".png"]
    assert 2 <= len(grey) <= 16 and 2 <= len(pngs) <= 16
    for c in grey:
        assert np.array_equal(c.image[..., 0], c.image[..., 1])
        assert np.array_equal(c.image[..., 1], c.image[..., 2])
    for c in caps:
        if c.suffix == ".jpg":
            assert 80 <= c.params["jpeg_quality"] <= 92


def test_phone_has_requested_size_and_a_table_around_the_page():
    cap = capture("phone", 1)
    assert max(cap.image.shape[:2]) == 2000 and min(cap.image.shape[:2]) == 1500
    small = capture("phone", 3, long_side=1000)
    assert max(small.image.shape[:2]) == 1000 and min(small.image.shape[:2]) == 750
    for c in (cap, small):
        page_area = cv2.contourArea(c.page_corners) / (c.image.shape[0] * c.image.shape[1])
        assert 0.3 < page_area < 0.85
        assert inside_image(c, c.page_corners)
        assert 80 <= c.params["jpeg_quality"] <= 90
        assert abs(c.params["tilt_deg"]) <= 6


def test_phone_background_differs_from_the_paper():
    for seed in range(20, 30):
        cap = capture("phone", seed, long_side=600)
        page_mask = np.zeros(cap.image.shape[:2], np.uint8)
        cv2.fillPoly(page_mask, [np.round(cap.page_corners).astype(np.int32)], 1)
        near_page = cv2.dilate(page_mask, np.ones((15, 15), np.uint8))
        table = cap.image[near_page == 0].astype(float)
        paper_level = np.percentile(cap.image[page_mask == 1].astype(float), 90, axis=0)
        # Either the table is another colour than the paper, or it is visibly textured.
        colour_gap = np.abs(np.median(table, axis=0) - paper_level).max()
        assert colour_gap > 25 or table.std(axis=0).max() > 20, f"seed {seed}: table ~ paper"


def test_phone_params_stay_in_their_ranges():
    for seed in range(20, 30):
        p = capture("phone", seed, long_side=600).params
        assert p["quarter_turns_ccw"] in (0, 1, 2, 3)
        assert abs(p["keystone_v"]) <= 0.08 and abs(p["keystone_h"]) <= 0.04
        assert 0.6 <= p["light_low"] <= 0.9
        if p["blur"] == "defocus":
            assert 0.4 <= p["blur_sigma"] <= 1.2
        if p["blur"] == "motion":
            assert 3 <= p["motion_length_px"] <= 7
        if p["shadow"]:
            assert 0.55 <= p["shadow"]["factor"] <= 0.8


def test_shadow_never_covers_a_marker_centre():
    caps = [capture("phone", seed, long_side=600) for seed in range(20, 40)]
    shadowed = [c for c in caps if c.params["shadow"]]
    assert shadowed, "no seed in range drew a shadow"
    for cap in shadowed:
        polygon = np.array(cap.params["shadow"]["polygon"], np.float32).reshape(-1, 1, 2)
        for x, y in project(page_to_image(cap), square_centres_px()):
            assert cv2.pointPolygonTest(polygon, (float(x), float(y)), False) < 0
        assert_geometry_matches(cap)


def test_chat_is_smaller_and_recompressed():
    for seed in (1, 3):
        cap = capture("chat", seed)
        assert 1500 <= max(cap.image.shape[:2]) <= 1600
        assert 60 <= cap.params["jpeg_quality"] <= 70
        assert 1600 <= cap.params["phone"]["long_side"] <= 2400
        assert cap.suffix == ".jpg"


def test_chat_corners_are_the_phone_corners_scaled():
    chat = capture("chat", 3)
    # White-box: simulate_chat draws the photo's long side first and then hands its generator
    # to simulate_phone, so replaying that draw reproduces the photo before the app shrank it.
    rng = np.random.default_rng(3)
    phone = simulate_phone(PAGE, rng, long_side=int(rng.integers(1600, 2401)))
    ph, pw = phone.image.shape[:2]
    ch, cw = chat.image.shape[:2]
    assert chat.params["chat_scale"] == pytest.approx(max(ch, cw) / max(ph, pw), abs=1e-3)
    assert np.allclose(chat.page_corners, phone.page_corners * [cw / pw, ch / ph], atol=1e-3)
