"""Forms without readable marks (a photocopy of an older version, marks covered or cut off): find
the sheet by its outline and tell which form it is by its printed title.

The result is good enough to show a reviewer the page and the crops where the fields should be,
never to trust: a page found this way always goes to review (see `ReasonCode.FORM_UNMARKED`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from rapidfuzz import fuzz

from pipeline.forms.registry import TemplateSet
from pipeline.forms.template import Template
from pipeline.geometry import reading_order
from pipeline.ocr.blank import printed_mask
from pipeline.ocr.clean import flatten_lighting
from pipeline.ocr.tesseract import Word, read_words

WORK_LONG_SIDE = 1000  # px: enough to find a sheet's edges, cheap to threshold
MIN_PAGE_SHARE = 0.2  # of the photo's area; anything smaller is not the sheet
TITLE_BAND_MM = (8.0, 48.0)  # the heading of every KIM form lies in this band from the top
TITLE_PX_PER_MM = 5.0  # the title's capitals are ~5 mm tall: ~25 px
MIN_TITLE_SCORE = 75.0  # rapidfuzz ratio of the best line against a template's title
MIN_TITLE_MARGIN = 10.0  # over the next-best template, so a half-read title is not a guess


@dataclass(frozen=True)
class TitleMatch:
    template: Template
    homography: np.ndarray  # template mm -> image px, from the sheet's corners
    score: float
    line: str  # the line that matched, as read


def _paper(image: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """The photo at WORK_LONG_SIDE (grey), its scale, where it is bright (Otsu), and the bright
    parts too wide to be a table-cloth's light squares: an opening wider than a square cuts them
    off, and a sheet is far wider."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    scale = min(WORK_LONG_SIDE / max(gray.shape[:2]), 1.0)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, mask = cv2.threshold(cv2.GaussianBlur(small, (5, 5), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    side = int(0.045 * max(small.shape))
    alone = cv2.morphologyEx(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8)),
                             cv2.MORPH_OPEN, np.ones((side, side), np.uint8))
    return small, scale, mask, alone


def find_sheets(image: np.ndarray) -> list[np.ndarray]:
    """Candidate corners of the sheet in image pixels (top-left, top-right, bottom-right,
    bottom-left as seen in the photo), most likely first; empty when no bright quadrilateral
    covers enough of the photo. A flatbed scan, where the sheet is the whole image, gives the
    image's own corners."""
    small, scale, mask, alone = _paper(image)
    # The writing inside the sheet must not split it into pieces ...
    solid = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((25, 25), np.uint8))
    # ... and on a cloth as light as the paper, only the sheet's straight edge tells them apart.
    edges = cv2.dilate(cv2.Canny(cv2.GaussianBlur(small, (5, 5), 0), 20, 60), np.ones((3, 3), np.uint8))
    found = []
    for candidate in (solid, alone, _fill_largest_quad(edges)):
        quad = _quad(candidate)
        if quad is not None and not any(np.abs(quad - q).max() < 10 for q in found):
            found.append(quad)
    return [q / scale for q in found]


# Several sheets in one photo without marks to tell them apart: each bright, solid, A4-shaped
# blob of at least this share of the photo is one (two sheets side by side cover 25-35 % each).
MIN_SHEET_SHARE = 0.08
MIN_SOLIDITY = 0.9  # of its convex hull: a sheet is convex; a cloth's light patches are not
SHEET_RATIO = (1.2, 1.7)  # A4's long side over its short: 1.41, foreshortened by the camera
REGION_MARGIN = 0.04  # of the sheet's size, kept around it so its outline stays in the crop


def sheet_regions(image: np.ndarray) -> list[tuple[slice, slice]]:
    """Where each sheet lies (rows, columns of `image`) when the photo shows two or more sheets
    apart from each other, in reading order along the line they lie on (as `marks.split_sheets`
    numbers them); empty for a photo of one sheet, or of sheets that touch."""
    small, scale, _, alone = _paper(image)
    height, width = image.shape[:2]
    contours, _ = cv2.findContours(alone, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if area < MIN_SHEET_SHARE * small.size or area < MIN_SOLIDITY * cv2.contourArea(cv2.convexHull(contour)):
            continue
        w, h = cv2.minAreaRect(contour)[1]
        if not SHEET_RATIO[0] <= max(w, h) / max(min(w, h), 1.0) <= SHEET_RATIO[1]:
            continue
        boxes.append(cv2.boundingRect(contour))
    if len(boxes) < 2:
        return []
    regions = []
    for i in reading_order(np.array([[x + w / 2, y + h / 2] for x, y, w, h in boxes])):
        x, y, w, h = boxes[i]
        pad = REGION_MARGIN * max(w, h)
        y0, y1 = int(max(0, (y - pad) / scale)), int(min(height, (y + h + pad) / scale))
        x0, x1 = int(max(0, (x - pad) / scale)), int(min(width, (x + w + pad) / scale))
        regions.append((slice(y0, y1), slice(x0, x1)))
    return regions


def _fill_largest_quad(edges: np.ndarray) -> np.ndarray:
    """A mask of the largest four-cornered closed edge (the sheet's border), empty if none."""
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    mask = np.zeros_like(edges)
    best, best_area = None, MIN_PAGE_SHARE * edges.shape[0] * edges.shape[1]
    for contour in contours:
        area = cv2.contourArea(contour)
        if area <= best_area:
            continue
        approx = cv2.approxPolyDP(contour, 0.02 * cv2.arcLength(contour, True), True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            best, best_area = approx, area
    if best is not None:
        cv2.fillConvexPoly(mask, best.reshape(-1, 2), 255)
    return mask


def _quad(mask: np.ndarray) -> np.ndarray | None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    biggest = max(contours, key=cv2.contourArea)
    if cv2.contourArea(biggest) < MIN_PAGE_SHARE * mask.shape[0] * mask.shape[1]:
        return None
    hull = cv2.convexHull(biggest)
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2)
    if len(quad) != 4:
        quad = cv2.boxPoints(cv2.minAreaRect(hull))
    return _order(quad.astype(np.float32))


def _order(points: np.ndarray) -> np.ndarray:
    s, d = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array([points[np.argmin(s)], points[np.argmin(d)], points[np.argmax(s)], points[np.argmax(d)]],
                    dtype=np.float32)


def _homographies(corners: np.ndarray, template: Template) -> list[np.ndarray]:
    """The sheet may lie any way round; its long side tells portrait from landscape, and the
    two candidates left (upright or upside down) are told apart by reading the title."""
    w, h = template.page.width, template.page.height
    page = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    top = np.linalg.norm(corners[1] - corners[0])
    side = np.linalg.norm(corners[3] - corners[0])
    turns = (0, 2) if (side >= top) == (h >= w) else (1, 3)
    return [cv2.getPerspectiveTransform(page, np.roll(corners, -k, axis=0)) for k in turns]


def _title_band(image: np.ndarray, homography: np.ndarray, template: Template) -> np.ndarray:
    """The heading band, grey, its lighting flattened: tesseract's own global threshold loses a
    title that a shadow's edge crosses (a legible heading read as "FOR IK")."""
    top, bottom = TITLE_BAND_MM
    size = (int(template.page.width * TITLE_PX_PER_MM), int((bottom - top) * TITLE_PX_PER_MM))
    band_to_mm = np.array([[1 / TITLE_PX_PER_MM, 0, 0], [0, 1 / TITLE_PX_PER_MM, top], [0, 0, 1]])
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    band = cv2.warpPerspective(gray, homography @ band_to_mm, size, flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return flatten_lighting(band, TITLE_PX_PER_MM)


def _lines(words: list[Word]) -> list[str]:
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    return [" ".join(w.text for w in sorted(ws, key=lambda w: w.left)).upper() for ws in lines.values()]


def _line_score(line: str, template: Template) -> float:
    """How well one line read from the heading matches the form's printed title, or its subtitle
    (small print, but long and distinctive: it survives when the big title is smudged)."""
    score = fuzz.ratio(line, template.title.upper())
    subtitle = template.subtitle.upper()
    if subtitle and len(line) >= 0.7 * len(subtitle):
        score = max(score, fuzz.partial_ratio(subtitle, line))
    return score


def title_scores(lines: list[str], templates: TemplateSet) -> list[tuple[float, Template, str]]:
    """Each template's best line score, best first."""
    scored = []
    for template in (templates.get(form_id) for form_id in templates.form_ids):
        best = max(((_line_score(line, template), line) for line in lines), default=(0.0, ""))
        scored.append((best[0], template, best[1]))
    return sorted(scored, key=lambda s: -s[0])


LAYOUT_PX_PER_MM = 3.0  # enough to tell a sheet fitted 40 mm off from one fitted right


def layout_score(image: np.ndarray, homography: np.ndarray, template: Template) -> float:
    """The share of the blank form's print that lands on dark pixels when the photo is warped
    with `homography`: near 1 when the sheet's outline was found right."""
    printed = printed_mask(template, LAYOUT_PX_PER_MM)
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    to_mm = np.diag([1 / LAYOUT_PX_PER_MM, 1 / LAYOUT_PX_PER_MM, 1.0])
    warped = cv2.warpPerspective(gray, homography @ to_mm, (printed.shape[1], printed.shape[0]),
                                 flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    dark = cv2.adaptiveThreshold(warped, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 8) > 0
    return float((dark & printed).sum() / max(int(printed.sum()), 1))


def title_at(image: np.ndarray, homography: np.ndarray, templates: TemplateSet) -> TitleMatch | None:
    """The form whose title is printed where `homography` (template mm -> image px) puts the
    heading, or None when no title is read there with a clear margin."""
    reference = templates.get(templates.form_ids[0])  # every KIM form: A4 portrait, heading on top
    band = _title_band(image, homography, reference)
    scored = title_scores(_lines(read_words(band, psm=6)), templates)
    if not scored:
        return None
    score, template, line = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if score >= MIN_TITLE_SCORE and score - runner_up >= MIN_TITLE_MARGIN:
        return TitleMatch(template, homography, score, line)
    return None


def identify_by_title(image: np.ndarray, templates: TemplateSet) -> TitleMatch | None:
    """The form on an unmarked sheet, or None when no title is read with a clear margin. When
    several outlines give a readable title, the one the printed layout fits best wins."""
    reference = templates.get(templates.form_ids[0])  # every KIM form: A4 portrait, heading on top
    found: list[TitleMatch] = []
    for corners in find_sheets(image):
        best: TitleMatch | None = None
        for homography in _homographies(corners, reference):
            match = title_at(image, homography, templates)
            if match is not None and (best is None or match.score > best.score):
                best = match
        if best is not None:
            found.append(best)
    if len(found) > 1:
        return max(found, key=lambda m: layout_score(image, m.homography, m.template))
    return found[0] if found else None
