"""Find a form on a photo or scan by its ArUco corner marks, and straighten it.

Each marker yields its own four corners in its own orientation, so every detected marker gives
four point pairs between the template (mm) and the image (px), whatever way up the photo is.
Two markers (eight points) already fix a perspective homography; with three or four, RANSAC
discards a misread one. Marker ids name the form type, so a page with an unreadable QR code is
still known to be a KIM-01 or KIM-02.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from itertools import product

import cv2
import numpy as np

from pipeline.errors import MarksNotFound
from pipeline.forms.registry import TemplateSet
from pipeline.forms.template import Template
from pipeline.geometry import reading_order

DETECT_MAX_SIDE = 2400  # larger photos are searched downscaled; markers stay > 40 px wide
MIN_MARKS = 2


@dataclass(frozen=True)
class MarkHit:
    id: int
    corners: np.ndarray  # (4, 2) image px: the marker's own top-left, top-right, bottom-right, bottom-left


@dataclass(frozen=True)
class PageLocation:
    template: Template
    homography: np.ndarray  # 3x3, template mm -> image px
    marks: tuple[MarkHit, ...]
    error_mm: float  # RMS distance between detected and predicted mark corners, in mm
    by_title: str = ""  # the title line read when the page was found by its outline, not its marks
    sheets: int = 1  # forms whose marks show in the photo; only one of them is read

    @property
    def corners_found(self) -> list[str]:
        names = dict(zip(self.template.marks.ids, self.template.mark_boxes()))
        return [names[m.id] for m in self.marks]


_LOCAL = threading.local()


def _detector(thorough: bool) -> cv2.aruco.ArucoDetector:
    """One detector per thread: the intake reads two pages at a time in threads, and sharing a
    detector across threads is not safe in every OpenCV release (opencv/opencv#24807)."""
    cache = getattr(_LOCAL, "detectors", None)
    if cache is None:
        cache = _LOCAL.detectors = {}
    if thorough not in cache:
        cache[thorough] = _new_detector(thorough)
    return cache[thorough]


def _new_detector(thorough: bool) -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    params.minMarkerPerimeterRate = 0.02
    if thorough:
        # Shadows and uneven light: a wider range of adaptive-threshold windows (slower).
        params.adaptiveThreshWinSizeMin = 5
        params.adaptiveThreshWinSizeMax = 53
        params.adaptiveThreshWinSizeStep = 8
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    return cv2.aruco.ArucoDetector(dictionary, params)


def to_gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image


def detect_marks(image: np.ndarray) -> list[MarkHit]:
    gray = to_gray(image)
    scale = min(1.0, DETECT_MAX_SIDE / max(gray.shape))
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    hits: list[MarkHit] = []
    for thorough in (False, True):  # the quick pass finds all four on most pages
        corners, ids, _ = _detector(thorough).detectMarkers(gray)
        if ids is not None:
            hits = [MarkHit(int(i), c.reshape(4, 2).astype(np.float64) / scale)
                    for c, i in zip(corners, ids.ravel())]
        if len({h.id for h in hits}) >= 4:
            break
    return hits


def _template_corners(template: Template, mark_id: int) -> np.ndarray:
    box = template.mark_boxes()[dict(zip(template.marks.ids, template.mark_boxes()))[mark_id]]
    return np.array([[box.x, box.y], [box.right, box.y], [box.right, box.bottom], [box.x, box.bottom]],
                    dtype=np.float64)


def _choose_template(hits: list[MarkHit], templates: TemplateSet) -> Template | None:
    votes = Counter()
    for hit in hits:
        t = templates.for_mark(hit.id)
        if t is not None:
            votes[t.id] += 1
    if not votes:
        return None
    form_id, _ = votes.most_common(1)[0]
    return templates.get(form_id)


def locate_page(image: np.ndarray, templates: TemplateSet,
                hits: list[MarkHit] | None = None) -> PageLocation:
    """The template and the mm -> px homography of the form in `image`; MarksNotFound if < 2 marks."""
    return fit_page(detect_marks(image) if hits is None else hits, templates)


def fit_page(hits: list[MarkHit], templates: TemplateSet) -> PageLocation:
    """The page that marks already found fit best (`locate_page` without the detection)."""
    template = _choose_template(hits, templates)
    if template is None:
        raise MarksNotFound("tidak ada tanda registrasi yang dikenali")
    mine = [h for h in hits if h.id in template.marks.ids]
    if len({h.id for h in mine}) < MIN_MARKS:
        raise MarksNotFound(f"hanya {len({h.id for h in mine})} dari 4 tanda registrasi terlihat")
    # Two copies of one form in a photo show each mark twice: the marks of one sheet are the
    # choice that fits one page best.
    by_id: dict[int, list[MarkHit]] = {}
    for h in mine:
        by_id.setdefault(h.id, []).append(h)
    choices = list(product(*by_id.values()))[:MAX_MARK_SETS]
    fits = [f for f in (_fit(template, list(c)) for c in choices) if f is not None]
    if not fits:
        raise MarksNotFound("posisi tanda registrasi tidak konsisten")
    homography, own, error = min(fits, key=lambda f: f[2])
    return PageLocation(template, homography, tuple(own), error, sheets=count_sheets(hits, templates))


MAX_MARK_SETS = 16


def _fit(template: Template, own: list[MarkHit]) -> tuple[np.ndarray, list[MarkHit], float] | None:
    src = np.vstack([_template_corners(template, h.id) for h in own])
    dst = np.vstack([h.corners for h in own])
    method = cv2.RANSAC if len(own) >= 3 else 0
    cv2.setRNGSeed(17)  # RANSAC draws from the thread's generator: the same photo, the same page
    homography, _ = cv2.findHomography(src, dst, method, ransacReprojThreshold=8.0)
    if homography is None:
        return None
    back = cv2.perspectiveTransform(dst.reshape(-1, 1, 2), np.linalg.inv(homography)).reshape(-1, 2)
    return homography, own, float(np.sqrt(np.mean(np.sum((back - src) ** 2, axis=1))))


def count_sheets(hits: list[MarkHit], templates: TemplateSet) -> int:
    """How many forms' marks a photo shows: per template, the most copies seen of at least two of
    its marks (a stray detection of one mark counts for nothing)."""
    total = 0
    for template in templates.templates:
        seen = Counter(h.id for h in hits if h.id in template.marks.ids)
        counts = sorted(seen.values(), reverse=True)
        total += counts[1] if len(counts) >= 2 else 0
    return max(1, total)


SHEET_FIT_MM = 3.0  # one sheet's own marks fit a page to < 1 mm; marks of two sheets miss by a page


def split_sheets(hits: list[MarkHit], templates: TemplateSet) -> list[tuple[MarkHit, ...]]:
    """The marks of each form in a photo of several, one group per sheet, in reading order (along
    the line the sheets lie on: left to right, or top to bottom, as the photo's pixels lie, so a
    photo taken upside down numbers them the other way). Each sheet is taken in turn as the
    marks that fit one page best; a photo of one form is one group. When fewer sheets
    separate than `count_sheets` sees, the photo is one group (read once, and flagged)."""
    seen = count_sheets(hits, templates)
    if seen < 2:
        return [tuple(hits)]
    left, found = list(hits), []
    while len(found) < seen:
        try:
            location = fit_page(left, templates)
        except MarksNotFound:
            break
        if not location.error_mm <= SHEET_FIT_MM:
            break
        found.append(location)
        # Whatever lies on this sheet is done with: its marks, and any second detection of one.
        left = [h for h in left if not _on_sheet(h, location)]
    if len(found) < seen:
        return [tuple(hits)]
    return [found[i].marks for i in reading_order(np.array([page_centre(loc) for loc in found]))]


def _on_sheet(hit: MarkHit, location: PageLocation) -> bool:
    centre = hit.corners.mean(axis=0).reshape(1, 1, 2)
    x, y = cv2.perspectiveTransform(centre, np.linalg.inv(location.homography)).reshape(2)
    page = location.template.page
    return 0 <= x <= page.width and 0 <= y <= page.height


def page_centre(location: PageLocation) -> np.ndarray:
    """Where the middle of the form lies in the photo, in px."""
    page = location.template.page
    centre = np.array([[[page.width / 2, page.height / 2]]], dtype=np.float64)
    return cv2.perspectiveTransform(centre, location.homography).reshape(2)


def straighten(image: np.ndarray, location: PageLocation, px_per_mm: float,
               interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
    """The form resampled onto the template's own grid: pixel (u, v) is mm (u, v) / px_per_mm."""
    page = location.template.page
    size = (int(round(page.width * px_per_mm)), int(round(page.height * px_per_mm)))
    out_to_mm = np.diag([1 / px_per_mm, 1 / px_per_mm, 1.0])
    out_to_image = location.homography @ out_to_mm
    return cv2.warpPerspective(image, out_to_image, size, flags=interpolation | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))
