"""Sample scans with ground truth: render a form, fill it, capture it like a village would.

`plan_samples` decides what each sample is; `make_page` produces one filled, unrotated page;
`capture` (in capture.py) turns it into a scan or photo; `expected_outcome` states what a perfect
reader would do with it, computed from the routing data without going through the router.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np

from pipeline.forms.registry import TemplateSet
from pipeline.forms.render import render_forms
from pipeline.forms.template import Template
from pipeline.gazetteer import Gazetteer
from pipeline.ocr.poppler import rasterize_page
from pipeline.record import Identity
from pipeline.route.config import RoutingConfig
from pipeline.samples.content import Fill, make_fill
from pipeline.samples.draw import draw_fill

# Bump whenever a change makes the same seed produce different samples (caches key on it).
GENERATOR_VERSION = 5
SAMPLE_DPI = 200
CAPTURE_SHARES = {"scan": 0.3, "phone": 0.4, "chat": 0.3}


@dataclass(frozen=True)
class PageSpec:
    index: int  # position in the whole set; also seeds this page's randomness
    form_id: str
    serial: int
    capture: str  # scan | phone | chat
    fill_style: str  # typed | handwriting
    preprinted: bool
    defect: str | None = None  # a photo a careful photographer would have retaken (capture.DEFECTS)
    take: int = 0  # > 0: the same sheet photographed again (another photo of the same paper)
    conflict: bool = False  # another sheet carrying a serial already used (a photocopied blank)
    unmarked: bool = False  # a grey photocopy of a version printed without corner marks or QR
    curled: bool = False  # a photo of a sheet with one edge lifted off the table (capture.curl_page)


@dataclass(frozen=True)
class FileSpec:
    name: str
    kind: str  # image | pair | pdf | not_a_form | corrupt
    pages: tuple[PageSpec, ...]
    duplex: bool = False  # pdf: every sheet scanned front and (blank) back


def page_rng(seed: int, index: int, purpose: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, index, purpose])


def plan_samples(count: int, seed: int, *, first_serial: int, handwriting_share: float = 0.35,
                 bad_files: bool = False, form_ids: tuple[str, ...] = ("KIM-01", "KIM-02"),
                 captures: dict[str, float] | None = None, pdf_share: float = 0.6,
                 defect_share: float = 0.0, duplex_share: float = 0.0,
                 repeat_share: float = 0.0, unmarked_share: float = 0.0,
                 curl_share: float = 0.0, pair_share: float = 0.0) -> list[FileSpec]:
    """`count` pages grouped into files: photos one page each, scans partly bundled into PDFs.
    `defect_share` of the photos get one capture defect; `duplex_share` of the PDFs are duplex
    scans with blank backs; `repeat_share` of the photos are sent twice (half as a second photo of
    the same sheet, half as another sheet with the same serial); `unmarked_share` of the other
    photos (of one sheet or two) are of forms without marks or QR; `curl_share` of the photos
    show a sheet with a lifted edge; `pair_share` of the plain phone and chat photos are taken together with the next
    one, two sheets in one photo. They draw from their own random streams, so a plan without them is the same as
    before they existed."""
    shares = captures or CAPTURE_SHARES
    rng = np.random.default_rng([seed, 1_000_003])
    styles, weights = list(shares), np.array(list(shares.values()), dtype=float)
    pages = [
        PageSpec(
            index=i,
            form_id=form_ids[int(rng.integers(len(form_ids)))] if len(form_ids) > 1 else form_ids[0],
            serial=first_serial + i,
            capture=str(rng.choice(styles, p=weights / weights.sum())),
            fill_style="handwriting" if rng.random() < handwriting_share else "typed",
            preprinted=bool(rng.random() < 0.35),
        )
        for i in range(count)
    ]
    files: list[FileSpec] = []
    pending_scans: list[PageSpec] = []
    for p in pages:
        if p.capture == "scan" and rng.random() < pdf_share:
            pending_scans.append(p)
            if len(pending_scans) >= int(rng.integers(2, 5)):
                files.append(FileSpec(f"scan_{len(files) + 1:04d}.pdf", "pdf", tuple(pending_scans)))
                pending_scans = []
            continue
        files.append(FileSpec(f"{p.capture}_{len(files) + 1:04d}", "image", (p,)))
    if pending_scans:
        files.append(FileSpec(f"scan_{len(files) + 1:04d}.pdf", "pdf", tuple(pending_scans)))
    files = _with_hard_cases(files, seed, defect_share, duplex_share)
    files = _paired(files, seed, pair_share)
    files += _repeats(files, seed, repeat_share, len(pages))
    files = _unmarked(files, seed, unmarked_share)
    files = _curled(files, seed, curl_share)
    if bad_files:
        files.append(FileSpec(f"foto_bukan_formulir_{len(files) + 1:04d}", "not_a_form", ()))
        files.append(FileSpec(f"rusak_{len(files) + 1:04d}.jpg", "corrupt", ()))
    return files


def _with_hard_cases(files: list[FileSpec], seed: int, defect_share: float,
                     duplex_share: float) -> list[FileSpec]:
    from pipeline.samples.capture import DEFECTS

    rng = np.random.default_rng([seed, 1_000_007])
    out = []
    for f in files:
        if f.kind == "image" and f.pages[0].capture != "scan" and rng.random() < defect_share:
            defect = str(rng.choice(DEFECTS))
            f = replace(f, name=f"{f.name}_{defect}", pages=(replace(f.pages[0], defect=defect),))
        elif f.kind == "pdf" and rng.random() < duplex_share:
            f = replace(f, duplex=True, name=f.name.replace(".pdf", "_duplex.pdf"))
        out.append(f)
    return out


def _paired(files: list[FileSpec], seed: int, share: float) -> list[FileSpec]:
    rng = np.random.default_rng([seed, 1_000_017])
    out: list[FileSpec] = []
    waiting: FileSpec | None = None
    for f in files:
        plain = f.kind == "image" and f.pages[0].capture != "scan" and not f.pages[0].defect
        if waiting is not None and plain:
            second = replace(f.pages[0], capture=waiting.pages[0].capture)
            out.append(FileSpec(f"{waiting.name}_dua", "pair", (waiting.pages[0], second)))
            waiting = None
        elif plain and share and rng.random() < share:
            waiting = f
        else:
            out.append(f)
    if waiting is not None:
        out.append(waiting)
    return out


def _curled(files: list[FileSpec], seed: int, share: float) -> list[FileSpec]:
    rng = np.random.default_rng([seed, 1_000_013])
    out = []
    for f in files:
        if f.kind == "image" and f.pages[0].capture != "scan" and not f.pages[0].unmarked and rng.random() < share:
            f = replace(f, name=f"{f.name}_lengkung", pages=(replace(f.pages[0], curled=True),))
        out.append(f)
    return out


def _repeats(files: list[FileSpec], seed: int, share: float, count: int) -> list[FileSpec]:
    rng = np.random.default_rng([seed, 1_000_009])
    photos = [f for f in files if f.kind == "image" and not f.pages[0].defect]
    out = []
    for n, f in enumerate(photos):
        if rng.random() >= share:
            continue
        page = f.pages[0]
        if n % 2 == 0:
            again = replace(page, take=1, capture=str(rng.choice(["phone", "chat"])))
            out.append(FileSpec(f"{again.capture}_{len(files) + len(out) + 1:04d}_lagi", "image", (again,)))
        else:
            other = replace(page, index=count + 10_000 + n, conflict=True)
            out.append(FileSpec(f"{other.capture}_{len(files) + len(out) + 1:04d}_seri_sama", "image", (other,)))
    return out


def _unmarked(files: list[FileSpec], seed: int, share: float) -> list[FileSpec]:
    """Photos (of sheets sent only once) of forms whose marks and QR are missing; a photo of two
    sheets shows two such forms."""
    rng = np.random.default_rng([seed, 1_000_011])
    serials = [p.serial for f in files for p in f.pages]
    out = []
    for f in files:
        if (f.kind in ("image", "pair") and f.pages and not any(p.defect for p in f.pages)
                and all(serials.count(p.serial) == 1 for p in f.pages) and rng.random() < share):
            f = replace(f, name=f"{f.name}_tanpa_tanda", pages=tuple(replace(p, unmarked=True) for p in f.pages))
        out.append(f)
    return out


def _erase_marks(page: np.ndarray, template: Template) -> np.ndarray:
    """An older version's photocopy: grey, no corner marks, no QR (the printed serial stays)."""
    gray = np.asarray(page).mean(axis=2).astype(np.uint8)
    out = np.repeat(np.clip(gray.astype(np.int16) * 1.05 - 4, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    scale = SAMPLE_DPI / 25.4
    for box in (*template.mark_boxes().values(), template.qr):
        x0, y0 = int((box.x - 1) * scale), int((box.y - 1) * scale)
        x1, y1 = int((box.right + 1) * scale), int((box.bottom + 1) * scale)
        out[max(0, y0):y1, max(0, x0):x1] = 250
    return out


def make_page(templates: TemplateSet, gazetteer: Gazetteer, spec: PageSpec, seed: int,
              today: date) -> tuple[np.ndarray, Fill, Template]:
    """The filled page, upright and unscanned, at SAMPLE_DPI."""
    template = templates.get(spec.form_id)
    rng = page_rng(seed, spec.index)
    fill = make_fill(rng, template, spec.serial, gazetteer, today, preprinted=spec.preprinted)
    identity = Identity(form_id=template.id, version=template.version, serial=spec.serial,
                        village_code=fill.village.code if spec.preprinted else None)
    pdf = render_forms(template, [identity], fill.village if spec.preprinted else None)
    blank = rasterize_page(pdf, 1, SAMPLE_DPI)
    if spec.unmarked:
        blank = _erase_marks(blank, template)
    return draw_fill(blank, template, fill, rng, spec.fill_style, SAMPLE_DPI), fill, template


def expected_outcome(template: Template, fill: Fill, routing: RoutingConfig) -> dict[str, Any]:
    """What a perfect reader does with this form: review reasons, or the routes it gets."""
    reasons = []
    for f in template.fields:
        state = fill.signatures.get(f.role or "", {})
        if f.role and f.required and not state.get("signed"):
            reasons.append("signature_missing")
        elif f.role and f.required and f.stamp and not state.get("stamped"):
            reasons.append("stamp_missing")
    rules = routing.forms[template.id]
    routes: list[dict[str, str]] = []
    choice = fill.choices.get(rules.choice_field or "", [])
    choice_value = choice[0] if choice else None
    if rules.primary_by_choice and not rules.primary_by_choice.get(choice_value or ""):
        # "lainnya" or no tick: a perfect reader takes the category the text is about, if any
        choice_value = fill.meta.get("text_category") or choice_value
    primary = list(rules.primary)
    if rules.primary_by_choice:
        primary += rules.primary_by_choice.get(choice_value or "", [])
        if not primary:
            reasons.append("route_undecided")
    routes += [{"target": c, "kind": "primary"} for c in primary]
    routes += [{"target": c, "kind": "copy"} for c in rules.copy_to]
    routes += [{"target": c, "kind": "informed"}
               for c in rules.informed_by_choice.get(choice_value or "", [])]
    if rules.inform_camat_of:
        office = routing.camat_office(fill.village.kecamatan)
        if office:
            routes.append({"target": office.code, "kind": "informed"})
    status = "needs_review" if reasons else "routed"
    return {"status": status, "reasons": sorted(set(reasons)), "routes": routes if not reasons else []}


def page_truth(spec: PageSpec, fill: Fill, template: Template, routing: RoutingConfig) -> dict[str, Any]:
    expected = expected_outcome(template, fill, routing)
    return {
        "form_id": template.id,
        "version": template.version,
        "serial": spec.serial,
        "village_code": fill.village.code if spec.preprinted else None,
        "village": {"code": fill.village.code, "desa": fill.village.name,
                    "kecamatan": fill.village.kecamatan, "written_as": fill.meta.get("desa_written"),
                    "variant": fill.meta.get("desa_variant")},
        "capture": spec.capture,
        "fill_style": spec.fill_style,
        "defect": spec.defect,
        "take": spec.take,
        "conflict": spec.conflict,
        "unmarked": spec.unmarked,
        "curled": spec.curled,
        "written": fill.written,
        "values": fill.values,
        "choices": fill.choices,
        "signatures": fill.signatures,
        "text_category": fill.meta.get("text_category"),
        "expected": _unmarked_outcome(expected) if spec.unmarked else expected,
    }


def _unmarked_outcome(expected: dict[str, Any]) -> dict[str, Any]:
    """A form found by its title is never routed without a reviewer."""
    return {"status": "needs_review", "reasons": sorted({*expected["reasons"], "form_unmarked"}), "routes": []}
