"""Forms without marks found by their print: every sheet in a photo, even sheets that touch.

Two forms photographed side by side without marks, touching, make one bright patch of paper, and
two A4 sheets side by side have A4's own shape, so their outlines cannot tell them apart
(outline.sheet_regions finds only sheets lying apart). Their print can: each form's blank print
(captions, boxes, the heading) is matched to the photo by local features (SIFT keypoints, a
ratio test, a RANSAC homography: the usual way to find a known document in a photo), the
photo's keypoints inside the sheet found are set aside, and the next sheet is looked for among
the rest. The homography places the whole sheet, turned any way, from its print, not its edges.

On the 15 photos of two unmarked forms in `bench/pairunm-s2047` (8 of them touching) it found
both sheets of every photo with 104-446 agreeing keypoints each (4000 kept then: FEATURES), and on the 6 single unmarked
scans one sheet each (as on the 75 single unmarked photos of the four hard sets). A third
sheet (none was there) came up once with 31 keypoints: MIN_INLIERS is 60. A fit must also
look like a sheet seen by a camera: not mirrored, in front of it, of a plausible size, and not
on a sheet already found. Which form a sheet is comes from its printed title
(outline.title_at), since both forms share their heading and signature boxes.

A single sheet, found by its outline and named by its title, is placed by its print too
(`place_by_print`): on a training set of 81 photos and scans of forms without marks (seed 4105)
the outline put the worst page corner 32 mm off at the 95th percentile (a wood grain or a
scanner bed's edge taken for the sheet's), the print 0.64 mm.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.forms.registry import TemplateSet
from pipeline.forms.template import Template
from pipeline.geometry import reading_order
from pipeline.ocr.blank import blank_gray, form_digest

PX_PER_MM = 3.0  # the blank form's print at this resolution: captions still show as shapes
WORK_LONG_SIDE = 1400  # px: the photo is matched at this size (a chat photo's sheet keeps ~2 px/mm)
# The photo's strongest keypoints kept. A gingham table-cloth's checks are strong corners too:
# with 4000, on a photo of two touching sheets on one (training seed 4113), the cloth left the
# first sheet 96 agreeing keypoints and the second no sensible fit; with 8000, 324 and 435.
# Over that set's 54 photos of unmarked forms, 53 -> 54 had their sheets counted right, none
# over-counted, ~10 % more time (1.09 -> 1.22 s a photo).
FEATURES = 8000
RATIO = 0.8  # Lowe's ratio test
RANSAC_PX = 4.0
MIN_INLIERS = 60
MIN_SHARE = 0.05  # of the photo: a sheet smaller than this is a stray match (two sheets: 25-35 % each)
MAX_SHEETS = 4


@dataclass(frozen=True)
class PrintMatch:
    template: Template  # the form whose print matched best (the title decides which it is)
    homography: np.ndarray  # template mm -> image px
    inliers: int


_LOCAL = threading.local()  # a cv2 SIFT object is not shared between threads
_BLANKS: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # form digest -> the blank print's keypoints
_BLANKS_LOCK = threading.Lock()


def _sift() -> cv2.SIFT:
    if not hasattr(_LOCAL, "sift"):
        _LOCAL.sift = cv2.SIFT_create(nfeatures=FEATURES)
    return _LOCAL.sift


def _blank_features(template: Template) -> tuple[np.ndarray, np.ndarray]:
    """The blank form's keypoints (points, descriptors), computed once per layout."""
    key = form_digest(template)
    with _BLANKS_LOCK:
        if key in _BLANKS:
            return _BLANKS[key]
    keypoints, descriptors = _sift().detectAndCompute(blank_gray(template, PX_PER_MM), None)
    found = (np.float32([k.pt for k in keypoints]).reshape(-1, 2), descriptors)
    with _BLANKS_LOCK:
        return _BLANKS.setdefault(key, found)


def _best(points: np.ndarray, descriptors: np.ndarray, alive: np.ndarray,
          templates: list[Template]) -> tuple[int, Template, np.ndarray] | None:
    """The template whose print agrees with most of the unspent keypoints: (inliers, template,
    homography blank px -> photo px)."""
    index = np.nonzero(alive)[0]
    if len(index) < MIN_INLIERS:
        return None
    matcher = cv2.BFMatcher(cv2.NORM_L2)
    best = None
    for template in templates:
        blank_points, blank_descriptors = _blank_features(template)
        if blank_descriptors is None or len(blank_points) < MIN_INLIERS:
            continue
        pairs = matcher.knnMatch(blank_descriptors, descriptors[index], k=2)
        good = [m for m, n in (p for p in pairs if len(p) == 2) if m.distance < RATIO * n.distance]
        if len(good) < MIN_INLIERS:
            continue
        source = np.float32([blank_points[m.queryIdx] for m in good])
        target = np.float32([points[index[m.trainIdx]] for m in good])
        homography, inliers = cv2.findHomography(source, target, cv2.RANSAC, RANSAC_PX)
        if homography is None:
            continue
        count = int(inliers.sum())
        if best is None or count > best[0]:
            best = (count, template, homography)
    return best


def _like_a_sheet(homography: np.ndarray, w: float, h: float, corners: np.ndarray,
                  photo_area: float, found: list[np.ndarray]) -> bool:
    """A fit (template mm -> photo px; the sheet `w` x `h` mm, seen at `corners`) a camera
    could have seen: not mirrored, every corner in front of the lens, convex, between MIN_SHARE
    of the photo and all of it, and its centre on no sheet already found."""
    if np.linalg.det(homography[:2, :2]) <= 0:
        return False
    page = np.float64([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]])
    if (page @ homography.T)[:, 2].min() <= 0 or not cv2.isContourConvex(corners):
        return False
    if not MIN_SHARE * photo_area <= cv2.contourArea(corners) <= photo_area:
        return False
    centre = tuple(float(v) for v in corners.mean(axis=0))
    return all(cv2.pointPolygonTest(other, centre, False) < 0 for other in found)


def _features(image: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, float, float]:
    """The photo's keypoints (points, descriptors) at WORK_LONG_SIDE, its area there, and the
    scale. The last photo's are kept (per thread): a single unmarked sheet is looked for by its
    print twice, once among possible others (pages.sheets_on) and once on its own (title_location)."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    scale = min(WORK_LONG_SIDE / max(gray.shape[:2]), 1.0)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    key = (small.shape, hashlib.blake2b(small.tobytes(), digest_size=16).digest())
    last = getattr(_LOCAL, "last", None)
    if last is None or last[0] != key:
        keypoints, descriptors = _sift().detectAndCompute(small, None)
        points = np.float32([k.pt for k in keypoints]).reshape(-1, 2)
        _LOCAL.last = last = (key, points, descriptors)
    return last[1], last[2], float(small.size), scale


MM_TO_BLANK = np.diag([PX_PER_MM, PX_PER_MM, 1.0])


def page_corners(template: Template, homography: np.ndarray) -> np.ndarray:
    """The page's four corners (float32, 4 x 2) where `homography` (template mm -> px) puts them."""
    w, h = template.page.width, template.page.height
    return cv2.perspectiveTransform(np.float32([[[0, 0], [w, 0], [w, h], [0, h]]]), homography)[0]


def _placed(best: tuple[int, Template, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A match's homography template mm -> px of the matched (small) photo, and the page's corners there."""
    to_small = best[2] @ MM_TO_BLANK
    return to_small, page_corners(best[1], to_small)


def place_by_print(image: np.ndarray, template: Template, outline: np.ndarray) -> PrintMatch | None:
    """Where `template`'s print lies in `image` (a photo of one sheet of that form, found by its
    outline: `outline` is the homography template mm -> image px the outline gave), or None when
    its print does not show clearly enough there. The outline places a sheet only as well as its
    edges stand out from the table; the print places it by the form itself. A fit is taken for
    this sheet only when each of the two, the sheet it places and the outline, holds the other's
    centre: two sheets of one form side by side match the same print, and the one with more
    keypoints may be the other."""
    points, descriptors, area, scale = _features(image)
    if descriptors is None or len(points) < MIN_INLIERS:
        return None
    best = _best(points, descriptors, np.ones(len(points), bool), [template])
    if best is None:
        return None
    to_small, corners = _placed(best)
    if not _like_a_sheet(to_small, template.page.width, template.page.height, corners, area, []):
        return None
    to_image = np.diag([1 / scale, 1 / scale, 1.0])
    seen = page_corners(template, np.linalg.inv(to_image) @ outline)
    if cv2.pointPolygonTest(corners, tuple(float(v) for v in seen.mean(axis=0)), False) <= 0 or \
            cv2.pointPolygonTest(seen, tuple(float(v) for v in corners.mean(axis=0)), False) <= 0:
        return None
    return PrintMatch(template, to_image @ to_small, best[0])


def find_by_print(image: np.ndarray, templates: TemplateSet) -> list[PrintMatch]:
    """Every form sheet whose print shows in `image`, in reading order (as marks.split_sheets
    numbers sheets); each found once, at most MAX_SHEETS."""
    points, descriptors, area, scale = _features(image)
    if descriptors is None or len(points) < MIN_INLIERS:
        return []
    alive = np.ones(len(points), bool)
    candidates = [templates.get(form_id) for form_id in templates.form_ids]
    to_image = np.diag([1 / scale, 1 / scale, 1.0])
    found: list[PrintMatch] = []
    outlines: list[np.ndarray] = []
    while len(found) < MAX_SHEETS:
        best = _best(points, descriptors, alive, candidates)
        if best is None or best[0] < MIN_INLIERS:
            break
        template = best[1]
        to_small, corners = _placed(best)
        if not _like_a_sheet(to_small, template.page.width, template.page.height, corners, area, outlines):
            break
        inside = np.array([cv2.pointPolygonTest(corners, (float(x), float(y)), False) >= 0 for x, y in points])
        if not (alive & inside).any():
            break
        found.append(PrintMatch(template, to_image @ to_small, best[0]))
        outlines.append(corners)
        alive &= ~inside  # every keypoint on this sheet is spent, whichever form it matched
    if len(found) < 2:
        return found
    centres = np.array([corners.mean(axis=0) for corners in outlines])
    return [found[i] for i in reading_order(centres)]
