"""Capture simulator: turn a clean rendered form page into what the pipeline really receives.

Forms reach kopi as flatbed scans, as phone photos of the sheet lying on a table, and as those
photos after a chat app has shrunk and recompressed them. Each `simulate_*` function reproduces
one of these paths from a page image rendered at a known resolution, so tests and benchmarks get
realistic inputs *with* ground truth: `Capture.page_corners` says exactly where the page's corners
landed, because every geometric step is a homography (or resize, or quarter turn) that the corner
points are pushed through as well.

Conventions:
- Images are RGB uint8 at the boundaries and float32 in [0, 1] inside.
- Points are in "pixel-edge" coordinates: pixel (row r, col c) covers [c, c+1) x [r, r+1), so a
  W x H page has corners (0, 0), (W, 0), (W, H), (0, H), and resizing by s scales points by s
  exactly. OpenCV's warps use pixel-centre coordinates; `warp_perspective` converts.
- Angles are in degrees, positive = counter-clockwise as seen on screen.
- Every random draw comes from the caller's `np.random.Generator`, so a seed reproduces the output
  byte for byte (OpenCV's filters and codecs are deterministic).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.ocr.deblur import line_kernel

A4_WIDTH_MM = 210.0
MARKER_INSET_MM = 10.0
MARKER_SIZE_MM = 12.0
STYLES = ("scan", "phone", "chat")

# How often a photo is stored turned k * 90 degrees counter-clockwise from upright (k = 0..3):
# phones lose the orientation tag, and people stand at any side of the table.
QUARTER_TURN_PROBS = (0.55, 0.20, 0.10, 0.15)

# Table textures are drawn at this size and stretched to the photo: the table only has to look
# right, and this keeps its detail the same size relative to the page whatever `long_side` is.
TEXTURE_LONG_SIDE = 1200


@dataclass(frozen=True)
class Capture:
    image: np.ndarray  # decoded result, RGB uint8 (H, W, 3): what a reader of `encoded` gets
    encoded: bytes  # the file content as it would be saved
    suffix: str  # ".jpg" or ".png"
    style: str  # "scan" | "phone" | "chat"
    page_corners: np.ndarray  # float32 (4, 2): page TL, TR, BR, BL in `image`, pixel-edge (x, y)
    params: dict  # what was applied; JSON-serialisable


# ------------------------------------------------------------------------------------------------
# Geometry
# ------------------------------------------------------------------------------------------------


def page_outline(width: int, height: int) -> np.ndarray:
    """The page's corners TL, TR, BR, BL in pixel-edge coordinates."""
    return np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)


def apply_homography(h: np.ndarray, points: np.ndarray) -> np.ndarray:
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    homog = np.hstack([pts, np.ones((len(pts), 1))]) @ h.T
    return homog[:, :2] / homog[:, 2:3]


def homography_between(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The homography taking four points `src` to `dst` (float64, for exact bookkeeping)."""
    h = cv2.getPerspectiveTransform(np.float32(src), np.float32(dst))
    return h.astype(np.float64)


def translation(tx: float, ty: float) -> np.ndarray:
    return np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]], dtype=np.float64)


def scaling(sx: float, sy: float) -> np.ndarray:
    return np.array([[sx, 0, 0], [0, sy, 0], [0, 0, 1]], dtype=np.float64)


def rotation(deg: float, cx: float = 0.0, cy: float = 0.0) -> np.ndarray:
    """Counter-clockwise on screen (y points down) about (cx, cy), like getRotationMatrix2D."""
    a, b = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    rot = np.array([[a, b, 0], [-b, a, 0], [0, 0, 1]], dtype=np.float64)
    return translation(cx, cy) @ rot @ translation(-cx, -cy)


def warp_perspective(
    image: np.ndarray, h: np.ndarray, size: tuple[int, int], border_mode: int
) -> np.ndarray:
    """cv2.warpPerspective with `h` given in pixel-edge coordinates (see module docstring)."""
    h_centre = translation(-0.5, -0.5) @ h @ translation(0.5, 0.5)
    return cv2.warpPerspective(
        image, h_centre, size, flags=cv2.INTER_LINEAR, borderMode=border_mode, borderValue=0
    )


def edge_lengths(quad: np.ndarray) -> np.ndarray:
    return np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)


def max_edge_scale(h: np.ndarray, width: int, height: int) -> float:
    """Largest length ratio between a page edge and its image under `h`."""
    src = page_outline(width, height)
    return float(np.max(edge_lengths(apply_homography(h, src)) / edge_lengths(src)))


def warp_page(
    page: np.ndarray, h: np.ndarray, size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Warp the page, and an anti-aliased coverage mask of it, onto a `size` (w, h) canvas.

    A bilinear warp that shrinks the page aliases fine print into moire that neither a lens nor
    a scanner produces, so the page is first shrunk with INTER_AREA to about the largest scale
    the warp needs, and `h` is adjusted to start from that smaller image.
    """
    ph, pw = page.shape[:2]
    scale = max_edge_scale(h, pw, ph)
    if scale < 0.95:
        sw, sh = max(1, round(pw * scale)), max(1, round(ph * scale))
        page = cv2.resize(page, (sw, sh), interpolation=cv2.INTER_AREA)
        h = h @ scaling(pw / sw, ph / sh)
    ones = np.ones(page.shape[:2], dtype=np.float32)
    warped = warp_perspective(page, h, size, cv2.BORDER_CONSTANT)
    mask = warp_perspective(ones, h, size, cv2.BORDER_CONSTANT)
    return warped, mask


def turn_points(points: np.ndarray, size: tuple[int, int], k: int) -> np.ndarray:
    """Where points of a (width, height) image go when it is turned k * 90 degrees CCW.

    np.rot90 sends pixel (row r, col c) of a W-wide image to (row W-1-c, col r), i.e. the edge
    point (x, y) goes to (y, W - x); each further turn repeats that with the then-current width.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2).copy()
    width, height = size
    for _ in range(k % 4):
        pts = np.stack([pts[:, 1], width - pts[:, 0]], axis=1)
        width, height = height, width
    return pts


def turn_quarter(image: np.ndarray, points: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Turn the image k * 90 degrees counter-clockwise and map `points` the same way."""
    turned = turn_points(points, (image.shape[1], image.shape[0]), k)
    return np.ascontiguousarray(np.rot90(image, k % 4)), turned


def marker_centres(width: int, height: int) -> np.ndarray:
    """Page-pixel centres of the four corner markers, for an A4-proportioned page."""
    mm = min(width, height) / A4_WIDTH_MM
    d = (MARKER_INSET_MM + MARKER_SIZE_MM / 2) * mm
    return np.array([[d, d], [width - d, d], [width - d, height - d], [d, height - d]])


# ------------------------------------------------------------------------------------------------
# Pixels: conversions, optics, sensor, codec
# ------------------------------------------------------------------------------------------------


def to_float(image: np.ndarray) -> np.ndarray:
    return image.astype(np.float32) * np.float32(1 / 255)


def to_uint8(image: np.ndarray) -> np.ndarray:
    return np.clip(image * 255 + 0.5, 0, 255).astype(np.uint8)


def smooth_noise(
    rng: np.random.Generator, width: int, height: int, cell: float, cell_y: float | None = None
) -> np.ndarray:
    """Zero-mean, about unit-variance noise varying over `cell` (x) and `cell_y` (y) pixels."""
    cell_y = cell if cell_y is None else cell_y
    gw, gh = max(2, round(width / cell) + 2), max(2, round(height / cell_y) + 2)
    coarse = rng.standard_normal((gh, gw), dtype=np.float32)
    return cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)


def gaussian_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), sigma, sigmaY=sigma, borderType=cv2.BORDER_REFLECT)


def add_sensor_noise(image: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    """Shot-like noise (stronger in bright areas): fine grain in luminance, and coarser colour
    noise because demosaicing spreads each sensor pixel's colour error over its neighbours.
    (In-place arithmetic on the noise buffer: this runs on every full-size frame.)"""
    h, w, channels = image.shape
    luma = rng.standard_normal((h, w), dtype=np.float32)
    chroma = rng.standard_normal(((h + 1) // 2, (w + 1) // 2, channels), dtype=np.float32)
    noise = cv2.resize(chroma, (w, h), interpolation=cv2.INTER_LINEAR)
    noise *= np.float32(0.6)
    luma *= np.float32(0.8)
    noise += luma[..., None]
    strength = cv2.sqrt(np.maximum(image[..., 1], 0))
    strength *= np.float32(0.6 * sigma)
    strength += np.float32(0.4 * sigma)
    noise *= strength[..., None]
    noise += image
    return noise


def sharpen(image: np.ndarray, amount: float, sigma: float = 1.2) -> np.ndarray:
    """Unsharp mask, as phone camera pipelines apply to every photo."""
    return cv2.addWeighted(image, 1 + amount, gaussian_blur(image, sigma), -amount, 0.0)


def encode_jpeg(image: np.ndarray, quality: int) -> bytes:
    """JPEG with OpenCV's default 4:2:0 chroma subsampling; RGB or single-channel grey input."""
    data = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", data, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()


def encode_png(image: np.ndarray) -> bytes:
    data = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".png", data, [cv2.IMWRITE_PNG_COMPRESSION, 1])  # noisy: 1 ~ 9
    if not ok:
        raise RuntimeError("PNG encoding failed")
    return buf.tobytes()


def decode_rgb(encoded: bytes) -> np.ndarray:
    """What a reader of the file sees, always 3-channel RGB (grey files come back R=G=B)."""
    bgr = cv2.imdecode(np.frombuffer(encoded, dtype=np.uint8), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def jsonable(value):
    """numpy scalars and arrays into plain Python, so params survive json.dumps."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 6)
    return value


def paper_tint(
    rng: np.random.Generator, page: np.ndarray, whiteness: tuple[float, float], yellowing: float
) -> tuple[np.ndarray, list]:
    """Make the paper a little off-white (cheap HVS paper is yellowish); ink stays dark."""
    base = rng.uniform(*whiteness)
    blue_loss = rng.uniform(0.2, 1.0) * yellowing
    green = base - rng.uniform(0, 0.4) * blue_loss
    tint = np.array([base, green, base - blue_loss], dtype=np.float32)
    return to_float(page) * tint, tint.tolist()


# ------------------------------------------------------------------------------------------------
# Table surfaces for phone photos: drawn flat, then seen through the page's perspective.
# Sizes are in pixels of a TEXTURE_LONG_SIDE texture.
# ------------------------------------------------------------------------------------------------

WOOD_COLOURS = [
    (0.72, 0.55, 0.38),  # light oak
    (0.42, 0.28, 0.18),  # walnut
    (0.60, 0.42, 0.26),  # teak
    (0.50, 0.29, 0.20),  # mahogany
    (0.78, 0.66, 0.50),  # pine
]
PAINT_COLOURS = [
    (0.80, 0.80, 0.78),  # white plastic table, never as bright as paper under the same light
    (0.86, 0.80, 0.66),  # cream
    (0.55, 0.70, 0.78),  # light blue
    (0.45, 0.60, 0.45),  # green
    (0.55, 0.55, 0.56),  # grey formica
    (0.35, 0.24, 0.18),  # dark brown varnish
]
CLOTH_COLOURS = [
    (0.75, 0.12, 0.12),
    (0.15, 0.25, 0.60),
    (0.15, 0.45, 0.25),
    (0.15, 0.15, 0.15),
    (0.85, 0.55, 0.10),
]


def jitter_colour(rng: np.random.Generator, colours: list, spread: float = 0.04) -> np.ndarray:
    base = np.array(colours[rng.integers(len(colours))], dtype=np.float32)
    return np.clip(base + rng.uniform(-spread, spread, 3).astype(np.float32), 0, 1)


def rotated_grid(width: int, height: int, angle_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates (u, v) of every pixel in axes turned by `angle_deg`."""
    x = np.arange(width, dtype=np.float32)[None, :]
    y = np.arange(height, dtype=np.float32)[:, None]
    a = np.float32(math.cos(math.radians(angle_deg)))
    b = np.float32(math.sin(math.radians(angle_deg)))
    return x * a + y * b, y * a - x * b


def wood_texture(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """Planks of flat-sawn wood: thin dark growth lines that drift, fibre streaks, seams."""
    vertical = bool(rng.random() < 0.5)
    w, h = (height, width) if vertical else (width, height)
    colour = jitter_colour(rng, WOOD_COLOURS)
    y = np.arange(h, dtype=np.float32)[:, None]
    plank = rng.uniform(0.15, 0.35) * h
    position = (y + rng.uniform(0, plank)) / plank
    index = np.floor(position).astype(np.int64)
    tones = 1 + 0.07 * rng.standard_normal(int(index.max()) + 1).astype(np.float32)
    phases = rng.uniform(0, 50, len(tones)).astype(np.float32)  # each plank from another log
    # Growth lines run along the grain: their phase drifts slowly along x, faster across it.
    drift = smooth_noise(rng, w, h, cell=rng.uniform(300, 900), cell_y=rng.uniform(36, 120))
    period, wander = rng.uniform(5, 15), rng.uniform(1.5, 4.0)
    phase = y / np.float32(period) + drift * np.float32(wander) + phases[index]
    lines = ((1 + np.sin(2 * np.pi * phase)) / 2) ** np.float32(rng.uniform(2, 6))
    strength = 0.14 * (1 + 0.5 * smooth_noise(rng, w, h, cell=240, cell_y=60))
    streaks = cv2.resize(
        rng.standard_normal((h, max(2, w // 48)), dtype=np.float32), (w, h),
        interpolation=cv2.INTER_LINEAR,
    )
    seam = 1 - 0.5 * np.exp(-(((position - np.round(position)) * plank) ** 2))
    lum = tones[index] * (1 - strength * lines + 0.035 * streaks) * seam
    texture = lum[..., None] * colour
    return texture.transpose(1, 0, 2).copy() if vertical else texture


def painted_texture(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A plain painted or laminated surface: one colour, faint mottling and wear."""
    colour = jitter_colour(rng, PAINT_COLOURS)
    mottle = 0.012 * smooth_noise(rng, width, height, cell=rng.uniform(60, 200))
    grain = 0.012 * rng.standard_normal((height, width), dtype=np.float32)
    return (1 + mottle + grain)[..., None] * colour


def tablecloth_texture(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """Gingham checks or a polka-dot print on a woven cloth with soft wrinkles."""
    colour = jitter_colour(rng, CLOTH_COLOURS)
    ground = np.array([0.92, 0.90, 0.86], dtype=np.float32)
    u, v = rotated_grid(width, height, rng.uniform(-30, 30))
    period = rng.uniform(24, 66)
    if rng.random() < 0.6:
        bands_u = (np.mod(u, period) < period / 2).astype(np.float32)
        bands_v = (np.mod(v, period) < period / 2).astype(np.float32)
        ink = 0.45 * (bands_u + bands_v)  # where both stripes cross the dye is twice as dense
    else:
        du, dv = np.mod(u, period) - period / 2, np.mod(v, period) - period / 2
        ink = np.clip(period * 0.22 - np.sqrt(du * du + dv * dv), 0, 1)
    ink = gaussian_blur(ink, 0.7)[..., None]
    cloth = ground * (1 - ink) + colour * ink
    wrinkles = 0.06 * smooth_noise(rng, width, height, cell=rng.uniform(72, 180))
    weave = 0.02 * rng.standard_normal((height, width), dtype=np.float32)
    return cloth * (1 + wrinkles + weave)[..., None]


def table_texture(rng: np.random.Generator, width: int, height: int) -> tuple[np.ndarray, str]:
    kind = ("wood", "painted", "tablecloth")[rng.choice(3, p=(0.45, 0.3, 0.25))]
    make = {"wood": wood_texture, "painted": painted_texture, "tablecloth": tablecloth_texture}
    return make[kind](rng, width, height).astype(np.float32), kind


# ------------------------------------------------------------------------------------------------
# Phone photo
# ------------------------------------------------------------------------------------------------


def phone_frame_size(rng: np.random.Generator, long_side: int) -> tuple[tuple[int, int], bool]:
    """(width, height) of the upright photo: usually portrait, like the page."""
    short = round(long_side * 3 / 4)
    landscape = bool(rng.random() < 0.15)
    return ((long_side, short) if landscape else (short, long_side)), landscape


def phone_quad(
    rng: np.random.Generator, page_wh: tuple[int, int], frame_wh: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Where the page's corners land in the upright photo, and the same without perspective.

    The phone is held above the table at an angle: the far edge of the page looks shorter
    (keystone), the hand is not square to the page (tilt) and never perfectly steady (jitter).
    """
    page, frame = np.array(page_wh, float), np.array(frame_wh, float)
    fill = rng.uniform(0.70, 0.90)
    half = page * fill * min(frame / page) / 2
    flat = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half
    quad = flat.copy()
    keystone_v = rng.uniform(0, 0.08) * (1 if rng.random() < 0.75 else -1)  # top usually farther
    keystone_h = rng.uniform(-0.04, 0.04)
    quad[[0, 1] if keystone_v > 0 else [2, 3], 0] *= 1 - abs(keystone_v)
    quad[[0, 3] if keystone_h > 0 else [1, 2], 1] *= 1 - abs(keystone_h)
    quad += rng.uniform(-0.015, 0.015, (4, 2)) * half * 2
    tilt = rng.uniform(-6, 6)
    quad = apply_homography(rotation(tilt), quad)
    # The whole page stays in frame (the pipeline needs all four markers), roughly centred.
    margin = 0.02 * frame
    shrink = min(1.0, *((frame - 2 * margin) / (quad.max(axis=0) - quad.min(axis=0))))
    quad, flat = quad * shrink, flat * shrink
    lo = margin - quad.min(axis=0)
    hi = np.maximum(lo, frame - margin - quad.max(axis=0))  # equal when shrunk to fit exactly
    shift = np.clip(frame / 2 + 0.5 * (rng.uniform(lo, hi) - frame / 2), lo, hi)
    params = {"fill": fill * shrink, "keystone_v": keystone_v, "keystone_h": keystone_h,
              "tilt_deg": tilt}
    return quad + shift, flat + shift, params


def place_on_table(
    page: np.ndarray, h: np.ndarray, flat: np.ndarray, quad: np.ndarray, rng: np.random.Generator,
    frame_wh: tuple[int, int],
) -> tuple[np.ndarray, dict]:
    """Composite the (float) page onto a table surface seen in the same perspective."""
    fw, fh = frame_wh
    t = TEXTURE_LONG_SIDE / max(fw, fh)
    tw, th = round(fw * t), round(fh * t)
    table, kind = table_texture(rng, tw, th)
    table_h = homography_between(flat, quad) @ scaling(fw / tw, fh / th)
    table = warp_perspective(table, table_h, (fw, fh), cv2.BORDER_REFLECT_101)
    warped, mask = warp_page(page, h, (fw, fh))
    # A sheet lying on a table throws a thin contact shadow just outside its edges.
    contact = np.clip(gaussian_blur(mask, fw * 0.004) - mask, 0, 1)
    table *= (1 - contact * np.float32(rng.uniform(0.3, 0.6)))[..., None]
    return cv2.blendLinear(warped, table, mask, 1 - mask), {"background": kind}


def apply_lighting(image: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """Light falling off smoothly across the table, sometimes with lens vignetting."""
    h, w = image.shape[:2]
    low, angle, gamma = rng.uniform(0.6, 0.9), rng.uniform(0, 360), rng.uniform(0.7, 1.5)
    vignette = float(rng.uniform(0.1, 0.3)) if rng.random() < 0.4 else 0.0
    sw, sh = w // 8 + 2, h // 8 + 2  # the field is smooth: compute it small and stretch it
    u, _ = rotated_grid(sw, sh, angle)
    field = low + (1 - low) * ((u - u.min()) / (u.max() - u.min())) ** gamma
    if vignette:
        y, x = np.ogrid[0:sh, 0:sw]
        field = field * (1 - vignette / 2 * (((x / sw - 0.5) * 2) ** 2 + ((y / sh - 0.5) * 2) ** 2))
    field = cv2.resize(field.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    params = {"light_low": low, "light_angle_deg": angle, "light_gamma": gamma,
              "vignette": vignette}
    return image * field[..., None], params


def shadow_polygon(rng: np.random.Generator, quad: np.ndarray) -> np.ndarray:
    """An irregular blob reaching in over one edge of the page, like a hand or phone shadow."""
    side = rng.integers(4)
    a, b = quad[side], quad[(side + 1) % 4]
    edge_point = a + rng.uniform(0.2, 0.8) * (b - a)
    outward = edge_point - quad.mean(axis=0)
    outward /= np.linalg.norm(outward)
    radius = rng.uniform(0.2, 0.4) * np.linalg.norm(quad[2] - quad[0]) / math.sqrt(2)
    centre = edge_point + outward * rng.uniform(-0.2, 0.6) * radius
    # A lumpy, elongated ellipse; sorted angles and positive radii keep the polygon simple.
    angles = np.sort(rng.uniform(0, 2 * np.pi, 14))
    stretch, turn = rng.uniform(1.0, 1.8), rng.uniform(0, 180)
    lumps = np.clip(1 + 0.12 * rng.standard_normal(14), 0.6, 1.4)
    local = np.stack([np.cos(angles) * stretch, np.sin(angles)], axis=1) * (radius * lumps)[:, None]
    return centre + apply_homography(rotation(turn), local)


def add_shadow(
    image: np.ndarray, rng: np.random.Generator, quad: np.ndarray, markers: np.ndarray
) -> tuple[np.ndarray, dict]:
    """Darken a soft-edged polygon, redrawn until no marker centre lies inside it."""
    for _ in range(20):
        poly = shadow_polygon(rng, quad)
        contour = np.float32(poly).reshape(-1, 1, 2)
        if all(cv2.pointPolygonTest(contour, (float(x), float(y)), False) < 0 for x, y in markers):
            break
    else:
        return image, {"shadow": None}
    h, w = image.shape[:2]
    down = 4  # the shadow is smooth, so draw and blur it small
    small = np.zeros((-(-h // down), -(-w // down)), dtype=np.float32)
    vertices = np.round((poly / down - 0.5) * 16).astype(np.int32)  # to centre coords, 4 bits
    cv2.fillPoly(small, [vertices], 1.0, lineType=cv2.LINE_AA, shift=4)
    softness = rng.uniform(0.008, 0.025) * max(h, w)
    small = gaussian_blur(small, softness / down)
    size = (small.shape[1] * down, small.shape[0] * down)
    mask = cv2.resize(small, size, interpolation=cv2.INTER_LINEAR)[:h, :w]
    factor = rng.uniform(0.55, 0.8)
    # Shadows are lit by the sky or ceiling only, so they lose less blue than red.
    depth = (1 - factor) * np.array([1.0, 0.97, 0.9], dtype=np.float32)
    image = image * (1 - mask[..., None] * depth)
    return image, {"shadow": {"factor": factor, "softness_px": softness, "polygon": poly}}


def apply_camera_blur(image: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """Missed focus or a shaky hand, or neither."""
    pick = rng.random()
    if pick < 0.5:
        sigma = rng.uniform(0.4, 1.2)
        return gaussian_blur(image, sigma), {"blur": "defocus", "blur_sigma": sigma}
    if pick < 0.7:
        return shake(image, rng)
    return image, {"blur": None}


def shake(image: np.ndarray, rng: np.random.Generator, lengths: tuple[int, int] = (3, 8)) -> tuple[np.ndarray, dict]:
    """A shaking hand: a line blur `lengths` camera pixels long (end excluded), at any angle."""
    length, angle = int(rng.integers(*lengths)), rng.uniform(0, 180)
    image = cv2.filter2D(image, -1, line_kernel(length, angle), borderType=cv2.BORDER_REFLECT)
    return image, {"blur": "motion", "motion_length_px": length, "motion_angle_deg": angle}


def apply_white_balance(image: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """Auto white balance rarely gets indoor light right: a warm or cool cast, and exposure."""
    temperature = rng.uniform(-0.7, 1.0)  # warm (tungsten, evening sun) is the commoner error
    tint = rng.uniform(-0.015, 0.015)
    exposure = rng.uniform(0.9, 1.08)
    gains = exposure * np.array([1 + 0.07 * temperature, 1 + tint, 1 - 0.07 * temperature])
    params = {"wb_temperature": temperature, "wb_tint": tint, "exposure": exposure}
    return image * gains.astype(np.float32), params


def finish_photo(image: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """The phone's image processor: flare lifts the blacks, sensor noise, then sharpening."""
    haze = rng.uniform(0.02, 0.06)
    image = image * np.float32(1 - haze) + np.float32(haze)
    noise = rng.uniform(0.008, 0.02)
    image = add_sensor_noise(image, rng, noise)
    amount = float(rng.uniform(0.3, 0.8)) if rng.random() < 0.6 else 0.0
    if amount:
        image = sharpen(image, amount)
    return image, {"haze": haze, "noise_sigma": noise, "sharpen": amount}


def simulate_phone(
    page: np.ndarray, rng: np.random.Generator, *, long_side: int = 2000
) -> Capture:
    """A phone photo of the page lying on a table (see module docstring)."""
    ph, pw = page.shape[:2]
    k = int(rng.choice(4, p=QUARTER_TURN_PROBS))
    (fw, fh), landscape = phone_frame_size(rng, long_side)
    quad, flat, params = phone_quad(rng, (pw, ph), (fw, fh))
    params.update(long_side=long_side, landscape_frame=landscape, quarter_turns_ccw=k)
    h = homography_between(page_outline(pw, ph), quad)
    paper, params["paper_tint"] = paper_tint(rng, page, (0.93, 0.99), yellowing=0.05)
    image, p = place_on_table(paper, h, flat, quad, rng, (fw, fh))
    params.update(p)
    image, p = apply_lighting(image, rng)
    params.update(p)
    if rng.random() < 0.35:
        image, p = add_shadow(image, rng, quad, apply_homography(h, marker_centres(pw, ph)))
    else:
        p = {"shadow": None}
    params.update(p)
    for step in (apply_camera_blur, apply_white_balance, finish_photo):
        image, p = step(image, rng)
        params.update(p)
    if params["shadow"]:  # report the shadow where it ended up, like the corners
        params["shadow"]["polygon"] = turn_points(params["shadow"]["polygon"], (fw, fh), k)
    image, corners = turn_quarter(to_uint8(image), quad, k)
    params["jpeg_quality"] = quality = int(rng.integers(80, 91))
    encoded = encode_jpeg(image, quality)
    return Capture(decode_rgb(encoded), encoded, ".jpg", "phone", np.float32(corners),
                   jsonable(params))


# ------------------------------------------------------------------------------------------------
# Paper shape
# ------------------------------------------------------------------------------------------------

CURL_LIFT_MM = (2.0, 6.0)  # how far the lifted edge's print moves toward the rest of the sheet
CURL_START = (0.55, 0.8)  # where along the sheet the curl begins (0 = the edge lying flat)


def curl_page(page: np.ndarray, rng: np.random.Generator, px_per_mm: float) -> tuple[np.ndarray, dict]:
    """The page as a sheet with one edge lifted off the table looks from above: past the curl's
    start the print is drawn in toward the flat part (foreshortened), more the nearer the edge,
    and bowed across, so straight rules become curves; the lifted part also catches the light
    differently. No homography undoes this: the four corner marks fit a plane the middle of the
    sheet is not on. Applied to the flat page before it is photographed; the page's outline stays
    where it was (the remap fills it with the paper's own edge)."""
    h, w = page.shape[:2]
    edge = int(rng.integers(4))  # 0 bottom, 1 right, 2 top, 3 left lifts
    start = float(rng.uniform(*CURL_START))
    lift = float(rng.uniform(*CURL_LIFT_MM)) * px_per_mm
    bow = float(rng.uniform(-0.4, 0.4)) * lift  # the middle of the edge lifts more (or less)
    spread = float(rng.uniform(-0.3, 0.3)) * lift  # a raised edge nearer the lens looks wider
    shade = float(rng.uniform(0.0, 0.12))
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    along, across, length = (y / h, x / w, h) if edge in (0, 2) else (x / w, y / h, w)
    if edge in (2, 3):
        along = 1 - along
    t = np.clip((along - start) / (1 - start), 0, 1)
    pull = (lift + bow * 4 * across * (1 - across)) * t ** 2  # px toward the flat part
    side = spread * (across - 0.5) * 2 * t ** 2
    sign = 1 if edge in (0, 1) else -1
    if edge in (0, 2):
        map_x, map_y = x - side, y + sign * pull
    else:
        map_x, map_y = x + sign * pull, y - side
    out = cv2.remap(page, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if shade:
        light = (1 - shade * t).astype(np.float32)
        out = np.clip(out.astype(np.float32) * light[..., None], 0, 255).astype(page.dtype)
    params = {"curl_edge": ("bottom", "right", "top", "left")[edge], "curl_start": start,
              "curl_lift_mm": lift / px_per_mm, "curl_bow_mm": bow / px_per_mm,
              "curl_spread_mm": spread / px_per_mm, "curl_shade": shade, "curl_length_px": length}
    return out, params


# ------------------------------------------------------------------------------------------------
# Chat app forward
# ------------------------------------------------------------------------------------------------


def scale_shadow_params(phone_params: dict, sx: float, sy: float) -> dict:
    """The phone's params with its shadow outline moved into the resized image."""
    if not phone_params["shadow"]:
        return phone_params
    shadow = dict(phone_params["shadow"], polygon=np.array(phone_params["shadow"]["polygon"]))
    shadow["polygon"] = shadow["polygon"] * [sx, sy]
    return dict(phone_params, shadow=shadow)


def shrink_for_chat(capture: Capture, corners: list[np.ndarray], rng: np.random.Generator) -> tuple[Capture, list[np.ndarray]]:
    """What a chat app makes of a photo: ~1600 px on the long side, JPEG again at 60-70; the
    corners of the sheets in it moved along (the capture's own are the first's)."""
    h, w = capture.image.shape[:2]
    scale = round(rng.uniform(1500, 1600)) / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    small = cv2.resize(capture.image, (nw, nh), interpolation=cv2.INTER_AREA)
    moved = [np.float32(np.asarray(c, np.float64) * [nw / w, nh / h]) for c in corners]
    quality = int(rng.integers(60, 71))
    encoded = encode_jpeg(small, quality)
    phone = scale_shadow_params(capture.params, nw / w, nh / h) if "shadow" in capture.params else capture.params
    params = {"phone": phone, "chat_long_side": max(nw, nh), "chat_scale": scale, "jpeg_quality": quality}
    return Capture(decode_rgb(encoded), encoded, ".jpg", "chat", moved[0], jsonable(params)), moved


def simulate_chat(page: np.ndarray, rng: np.random.Generator) -> Capture:
    """A phone photo after a chat app shrank it to ~1600 px and recompressed it (JPEG twice)."""
    photo = simulate_phone(page, rng, long_side=int(rng.integers(1600, 2401)))
    return shrink_for_chat(photo, [photo.page_corners], rng)[0]


# ------------------------------------------------------------------------------------------------
# Two forms in one photo
# ------------------------------------------------------------------------------------------------

PAIR_GAP_MM = (5.0, 40.0)  # table showing between the two sheets
PAIR_TURN_DEG = 5.0  # each sheet lies a little askew, on its own
PAIR_LONG_SIDE = 3000  # what a phone takes (3000-4000 px): about a single photo's pixels per sheet


def pair_layout(rng: np.random.Generator, page_wh: tuple[int, int], mm: float) -> tuple[list[np.ndarray], tuple[int, int], dict]:
    """Two sheets side by side on a table, each turned a little: the homography of each page into
    the spread (the table seen square from above), and the spread's size."""
    pw, ph = page_wh
    gap = rng.uniform(*PAIR_GAP_MM) * mm
    turns = rng.uniform(-PAIR_TURN_DEG, PAIR_TURN_DEG, 2)
    drop = rng.uniform(-0.06, 0.06) * ph  # the second sheet a little higher or lower
    placed = []
    for n, turn in enumerate(turns):
        h = translation(n * (pw + gap), n * drop) @ rotation(turn, pw / 2, ph / 2)
        placed.append(h)
    corners = np.vstack([apply_homography(h, page_outline(pw, ph)) for h in placed])
    lo = corners.min(axis=0)
    placed = [translation(*-lo) @ h for h in placed]
    size = np.ceil(corners.max(axis=0) - lo).astype(int)
    return placed, (int(size[0]), int(size[1])), {"gap_mm": gap / mm, "sheet_turns_deg": turns.tolist(),
                                                  "drop_px": drop}


def simulate_pair(pages: list[np.ndarray], rng: np.random.Generator, mm: float, *,
                  long_side: int = PAIR_LONG_SIDE) -> tuple[Capture, list[np.ndarray]]:
    """A phone photo of two sheets lying side by side, taken in landscape: one perspective for
    the table and both sheets, each sheet askew on its own. Returns the capture and each sheet's
    corners in the photo (the capture's `page_corners` are the first sheet's)."""
    ph, pw = pages[0].shape[:2]
    placed, spread, params = pair_layout(rng, (pw, ph), mm)
    k = int(rng.choice(4, p=QUARTER_TURN_PROBS))
    fw, fh = long_side, round(long_side * 3 / 4)
    quad, flat, p = phone_quad(rng, spread, (fw, fh))
    params.update(p, long_side=long_side, quarter_turns_ccw=k)
    camera = homography_between(page_outline(*spread), quad)
    t = TEXTURE_LONG_SIDE / max(fw, fh)
    table, params["background"] = table_texture(rng, round(fw * t), round(fh * t))
    image = warp_perspective(table, homography_between(flat, quad) @ scaling(1 / t, 1 / t), (fw, fh),
                             cv2.BORDER_REFLECT_101)
    sheets = []
    for page, h in zip(pages, placed):
        paper, _ = paper_tint(rng, page, (0.93, 0.99), yellowing=0.05)
        warped, mask = warp_page(paper, camera @ h, (fw, fh))
        contact = np.clip(gaussian_blur(mask, fw * 0.004) - mask, 0, 1)
        image = image * (1 - contact * np.float32(rng.uniform(0.3, 0.6)))[..., None]
        image = cv2.blendLinear(warped, image, mask, 1 - mask)
        sheets.append(apply_homography(camera @ h, page_outline(pw, ph)))
    image, p = apply_lighting(image, rng)
    params.update(p)
    for step in (apply_camera_blur, apply_white_balance, finish_photo):
        image, p = step(image, rng)
        params.update(p)
    frame = (fw, fh)
    image = to_uint8(image)
    turned = [turn_points(c, frame, k) for c in sheets]
    image = np.ascontiguousarray(np.rot90(image, k % 4))
    params["jpeg_quality"] = quality = int(rng.integers(80, 91))
    encoded = encode_jpeg(image, quality)
    capture = Capture(decode_rgb(encoded), encoded, ".jpg", "phone", np.float32(turned[0]), jsonable(params))
    return capture, [np.float32(c) for c in turned]


# ------------------------------------------------------------------------------------------------
# Flatbed scan
# ------------------------------------------------------------------------------------------------


def scan_geometry(
    rng: np.random.Generator, page_wh: tuple[int, int], scale: float, mm: float
) -> tuple[np.ndarray, tuple[int, int], dict]:
    """The homography page -> scan, and the scan's size.

    The sheet lies a little skewed on the glass; the scan is the page's extent plus a few mm of
    scanner lid around it, except that sometimes one edge runs up to 2 mm off the scan area.
    """
    pw, ph = page_wh
    skew = rng.uniform(-1.5, 1.5)
    placed = rotation(skew, pw * scale / 2, ph * scale / 2) @ scaling(scale, scale)
    pts = apply_homography(placed, page_outline(pw, ph))
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    margins = rng.uniform(0.5, 4.0, 4) * mm  # left, top, right, bottom
    cropped_edge = int(rng.integers(4)) if rng.random() < 0.3 else None
    if cropped_edge is not None:
        margins[cropped_edge] = -rng.uniform(0, 2.0) * mm
    width = math.ceil(hi[0] - lo[0] + margins[0] + margins[2])
    height = math.ceil(hi[1] - lo[1] + margins[1] + margins[3])
    h = translation(margins[0] - lo[0], margins[1] - lo[1]) @ placed
    params = {"rotation_deg": skew, "margins_mm": margins / mm, "cropped_edge": cropped_edge}
    return h, (width, height), params


def scanner_bed(
    rng: np.random.Generator, size: tuple[int, int], mask: np.ndarray, mm: float
) -> tuple[np.ndarray, dict]:
    """The lid's underside around the page, with the thin shadow the sheet's edge casts."""
    w, h = size
    grey = rng.uniform(0.82, 0.98)
    bed = grey * (1 + 0.01 * smooth_noise(rng, w, h, cell=40 * mm))
    edge_shadow = np.clip(gaussian_blur(mask, 0.5 * mm) - mask, 0, 1) * rng.uniform(0.4, 0.8)
    bed = (bed * (1 - edge_shadow)).astype(np.float32)
    return cv2.merge([bed] * 3), {"bed_grey": grey}


def scanner_response(image: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """Optics, lamp and sensor: slight blur, brightness/contrast drift, faint colour cast, noise."""
    sigma = rng.uniform(0.3, 0.8)
    image = gaussian_blur(image, sigma)
    contrast, brightness = rng.uniform(0.9, 1.1), rng.uniform(-0.03, 0.04)
    cast = 1 + rng.uniform(-0.008, 0.008, 3)  # scanners are calibrated: barely any
    gains = (contrast * cast).astype(np.float32)
    offsets = ((0.5 - 0.5 * contrast + brightness) * cast).astype(np.float32)
    image = image * gains + offsets
    noise = rng.uniform(0.004, 0.012)
    image = add_sensor_noise(image, rng, noise)
    params = {"blur_sigma": sigma, "contrast": contrast, "brightness": brightness,
              "colour_cast": cast, "noise_sigma": noise}
    return image, params


def encode_scan(image: np.ndarray, rng: np.random.Generator) -> tuple[bytes, str, dict]:
    """Scanner software saves greyscale about a fifth of the time, and PNG about a fifth."""
    grey = bool(rng.random() < 0.2)
    if grey:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)  # a real one-channel file
    if rng.random() < 0.2:
        return encode_png(image), ".png", {"grayscale": grey, "jpeg_quality": None}
    quality = int(rng.integers(80, 93))
    return encode_jpeg(image, quality), ".jpg", {"grayscale": grey, "jpeg_quality": quality}


def simulate_scan(
    page: np.ndarray, rng: np.random.Generator, *, dpi_in: float = 200.0, dpi_out: float = 200.0
) -> Capture:
    """A flatbed scan: nearly axis-aligned and clean, on a light scanner lid."""
    ph, pw = page.shape[:2]
    mm = dpi_out / 25.4
    h, size, params = scan_geometry(rng, (pw, ph), dpi_out / dpi_in, mm)
    params.update(dpi_in=dpi_in, dpi_out=dpi_out)
    paper, params["paper_tint"] = paper_tint(rng, page, (0.97, 1.0), yellowing=0.02)
    warped, mask = warp_page(paper, h, size)
    bed, p = scanner_bed(rng, size, mask, mm)
    params.update(p)
    image, p = scanner_response(cv2.blendLinear(warped, bed, mask, 1 - mask), rng)
    params.update(p)
    encoded, suffix, p = encode_scan(to_uint8(image), rng)
    params.update(p)
    corners = apply_homography(h, page_outline(pw, ph))
    return Capture(decode_rgb(encoded), encoded, suffix, "scan", np.float32(corners),
                   jsonable(params))


def simulate(style: str, page: np.ndarray, rng: np.random.Generator) -> Capture:
    """Dispatch on `style` ("scan", "phone" or "chat"), with each style's default settings."""
    if style == "scan":
        return simulate_scan(page, rng)
    if style == "phone":
        return simulate_phone(page, rng)
    if style == "chat":
        return simulate_chat(page, rng)
    raise ValueError(f"unknown capture style {style!r}; expected one of {', '.join(STYLES)}")


# ------------------------------------------------------------------------------------------------
# Capture defects: photos a reader should send back, not guess at
# ------------------------------------------------------------------------------------------------

DEFECTS = ("blur", "dark", "glare", "low_res", "cut_off")


def _glare_spot(image: np.ndarray, rng: np.random.Generator, corners: np.ndarray) -> tuple[np.ndarray, dict]:
    """A lamp or window reflected in glossy paper: a soft spot that clips to white."""
    h, w = image.shape[:2]
    u, v = rng.uniform(0.25, 0.75, size=2)
    top = corners[0] + (corners[1] - corners[0]) * u
    bottom = corners[3] + (corners[2] - corners[3]) * u
    cx, cy = top + (bottom - top) * v
    page_w = float(np.linalg.norm(corners[1] - corners[0]))
    rx, ry = page_w * rng.uniform(0.12, 0.2), page_w * rng.uniform(0.08, 0.14)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2
    alpha = np.clip(1.6 - d, 0, 1)[..., None]  # flat clipped core, soft rim
    out = image.astype(np.float32) * (1 - alpha) + 255 * alpha
    return np.clip(out, 0, 255).astype(np.uint8), {"glare_centre": [float(cx), float(cy)],
                                                    "glare_radii": [float(rx), float(ry)]}


def apply_defect(capture: Capture, defect: str, rng: np.random.Generator) -> Capture:
    """The capture with one thing a careful photographer would have avoided."""
    image, corners = capture.image, np.asarray(capture.page_corners, dtype=np.float64)
    params: dict = {"defect": defect}
    if defect == "blur":
        sigma = float(rng.uniform(3.0, 6.0)) * max(image.shape[:2]) / 2000
        image = cv2.GaussianBlur(image, (0, 0), sigma)
        params["defect_sigma_px"] = sigma
    elif defect == "dark":
        gain = float(rng.uniform(0.12, 0.22))
        noisy = image.astype(np.float32) * gain + rng.normal(0, 2.5, image.shape).astype(np.float32)
        image = np.clip(noisy, 0, 255).astype(np.uint8)
        params["defect_gain"] = gain
    elif defect == "glare":
        image, p = _glare_spot(image, rng, corners)
        params.update(p)
    elif defect == "low_res":
        long_side = int(rng.integers(380, 520))
        scale = long_side / max(image.shape[:2])
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        corners = corners * scale
        params["defect_long_side"] = long_side
    elif defect == "cut_off":
        ys = corners[:, 1]
        cut = int(ys.min() + (ys.max() - ys.min()) * rng.uniform(0.6, 0.8))
        image = image[:cut]
        params["defect_cut_row"] = cut
    else:
        raise ValueError(f"unknown defect {defect!r}; expected one of {', '.join(DEFECTS)}")
    quality = 85
    encoded = encode_jpeg(image, quality)
    return Capture(decode_rgb(encoded), encoded, ".jpg", capture.style, np.float32(corners),
                   jsonable({**capture.params, **params}))


def blank_back(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    """The empty back of a sheet in a duplex scan: paper, scanner noise, a little show-through."""
    w, h = size
    level = rng.uniform(238, 250)
    page = np.full((h, w), level, np.float32) + rng.normal(0, 1.5, (h, w)).astype(np.float32)
    for _ in range(int(rng.integers(0, 4))):  # a few specks of dust
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        cv2.circle(page, (x, y), int(rng.integers(1, 3)), float(rng.uniform(120, 200)), -1)
    page = np.clip(page, 0, 255).astype(np.uint8)
    return np.dstack([page] * 3)
