"""Forms without marks found by their print: every sheet in a photo, even sheets that touch.

Two forms photographed side by side without marks, touching, make one bright patch of paper, and
two A4 sheets side by side have A4's own shape, so their outlines cannot tell them apart
(outline.sheet_regions finds only sheets lying apart). Their print can: each form's blank print
(captions, boxes, the heading) is matched to the photo by local features (SIFT keypoints, a
ratio test, a RANSAC homography: the usual way to find a known document in a photo), the
photo's keypoints inside the sheet found are set aside, and the next sheet is looked for among
the rest. The homography places the whole sheet, turned any way, from its print, not its edges.

On the 15 photos of two unmarked forms in `bench/pairunm-s2047` (8 of them touching) it found
both sheets of every photo with 104-446 agreeing keypoints each, and on the 6 single unmarked
scans one sheet each. A third sheet (none was there) came up once with 31: MIN_INLIERS is
twice that. Which form a sheet is comes from its printed title (outline.title_at), since both
forms share their heading and signature boxes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.forms.registry import TemplateSet
from pipeline.forms.template import Template
from pipeline.geometry import reading_order
from pipeline.ocr.blank import blank_gray

PX_PER_MM = 3.0  # the blank form's print at this resolution: captions still show as shapes
WORK_LONG_SIDE = 1400  # px: the photo is matched at this size (a chat photo's sheet keeps ~2 px/mm)
FEATURES = 4000
RATIO = 0.8  # Lowe's ratio test
RANSAC_PX = 4.0
MIN_INLIERS = 60
MAX_SHEETS = 4


@dataclass(frozen=True)
class PrintMatch:
    template: Template  # the form whose print matched best (the title decides which it is)
    homography: np.ndarray  # template mm -> image px
    inliers: int


_LOCAL = threading.local()  # cv2 feature objects are not shared between threads


def _sift() -> cv2.SIFT:
    if not hasattr(_LOCAL, "sift"):
        _LOCAL.sift = cv2.SIFT_create(nfeatures=FEATURES)
        _LOCAL.blanks = {}
    return _LOCAL.sift


def _blank_features(template: Template) -> tuple[np.ndarray, np.ndarray]:
    sift = _sift()
    key = (template.id, template.version)
    if key not in _LOCAL.blanks:
        keypoints, descriptors = sift.detectAndCompute(blank_gray(template, PX_PER_MM), None)
        _LOCAL.blanks[key] = (np.float32([k.pt for k in keypoints]), descriptors)
    return _LOCAL.blanks[key]


def _best(points: np.ndarray, descriptors: np.ndarray, alive: np.ndarray,
          templates: list[Template]) -> tuple[int, Template, np.ndarray, np.ndarray] | None:
    """The template whose print agrees with most of the unspent keypoints: (inliers, template,
    homography blank px -> photo px, the photo keypoints it used)."""
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
            best = (count, template, homography, index[[m.trainIdx for m in good]][inliers.ravel() > 0])
    return best


def find_by_print(image: np.ndarray, templates: TemplateSet) -> list[PrintMatch]:
    """Every form sheet whose print shows in `image`, in reading order (as marks.split_sheets
    numbers sheets); each found once, at most MAX_SHEETS."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    scale = min(WORK_LONG_SIDE / max(gray.shape[:2]), 1.0)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    keypoints, descriptors = _sift().detectAndCompute(small, None)
    if descriptors is None or len(keypoints) < MIN_INLIERS:
        return []
    points = np.float32([k.pt for k in keypoints])
    alive = np.ones(len(points), bool)
    candidates = [templates.get(form_id) for form_id in templates.form_ids]
    to_mm = np.diag([PX_PER_MM, PX_PER_MM, 1.0])
    to_image = np.diag([1 / scale, 1 / scale, 1.0])
    found: list[PrintMatch] = []
    while len(found) < MAX_SHEETS:
        best = _best(points, descriptors, alive, candidates)
        if best is None or best[0] < MIN_INLIERS:
            break
        count, template, homography, _ = best
        w, h = template.page.width * PX_PER_MM, template.page.height * PX_PER_MM
        corners = cv2.perspectiveTransform(np.float32([[[0, 0], [w, 0], [w, h], [0, h]]]), homography)[0]
        if not cv2.isContourConvex(corners.astype(np.float32)):
            break  # a fit folded over itself is no sheet
        found.append(PrintMatch(template, to_image @ homography @ to_mm, count))
        # every keypoint on this sheet is spent, whichever form it matched
        inside = np.array([cv2.pointPolygonTest(corners, (float(x), float(y)), False) >= 0 for x, y in points])
        alive &= ~inside
    if len(found) < 2:
        return found
    centres = np.array([cv2.perspectiveTransform(np.float32([[[m.template.page.width / 2,
                                                               m.template.page.height / 2]]]), m.homography)[0, 0]
                        for m in found])
    return [found[i] for i in reading_order(centres)]
