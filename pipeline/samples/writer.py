"""Write a generated sample set to a folder: the capture files, and in `_truth/` a `<file>.json`
with each one's ground truth plus `manifest.json` listing them all (the intake skips folders
whose name starts with `_`). This is the I/O edge of `pipeline.samples`."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw

from pipeline import fonts
from pipeline.forms.registry import TemplateSet
from pipeline.gazetteer import Gazetteer
from pipeline.geometry import reading_order
from pipeline.route.config import RoutingConfig
from pipeline.samples.capture import (
    apply_defect,
    blank_back,
    curl_page,
    shrink_for_chat,
    simulate,
    simulate_pair,
    simulate_phone,
    simulate_scan,
)
from pipeline.samples.content import corpus
from pipeline.samples.draw import wrap
from pipeline.samples.generate import (
    GENERATOR_VERSION,
    SAMPLE_DPI,
    FileSpec,
    make_page,
    page_rng,
    page_truth,
    plan_samples,
)

PDF_DPI = 150
TRUTH_DIR = "_truth"


@dataclass(frozen=True)
class SampleContext:
    templates: TemplateSet
    gazetteer: Gazetteer
    routing: RoutingConfig
    seed: int
    today: date
    phone_long_side: int = 2000  # pixels; phones take 3000-4000, 2000 keeps sample sets small


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def _image_file(ctx: SampleContext, spec: FileSpec, out: Path) -> tuple[Path, dict[str, Any]]:
    page_spec = spec.pages[0]
    page, fill, template = make_page(ctx.templates, ctx.gazetteer, page_spec, ctx.seed, ctx.today)
    rng = page_rng(ctx.seed, page_spec.index, 1 + 10 * page_spec.take)
    curl: dict[str, Any] = {}
    if page_spec.curled:
        page, curl = curl_page(page, page_rng(ctx.seed, page_spec.index, 3), SAMPLE_DPI / 25.4)
    if page_spec.capture == "phone":
        capture = simulate_phone(page, rng, long_side=ctx.phone_long_side)
    else:
        capture = simulate(page_spec.capture, page, rng)
    if page_spec.defect:
        capture = apply_defect(capture, page_spec.defect, page_rng(ctx.seed, page_spec.index, 2))
    path = _write(out / f"{spec.name}{capture.suffix}", capture.encoded)
    truth = page_truth(page_spec, fill, template, ctx.routing)
    truth["page"] = 1
    truth["page_corners"] = np.asarray(capture.page_corners).round(1).tolist()
    truth["capture_params"] = {**capture.params, **curl}
    return path, {"pages": [truth]}


def _pair_file(ctx: SampleContext, spec: FileSpec, out: Path) -> tuple[Path, dict[str, Any]]:
    """Two sheets in one photo. Each sheet's truth says where it lies (`sheet`: its place in
    reading order along the line the two lie on, as the reader numbers them)."""
    made = [make_page(ctx.templates, ctx.gazetteer, p, ctx.seed, ctx.today) for p in spec.pages]
    rng = page_rng(ctx.seed, spec.pages[0].index, 5)
    capture, corners = simulate_pair([page for page, _, _ in made], rng, SAMPLE_DPI / 25.4)
    if spec.pages[0].capture == "chat":
        capture, corners = shrink_for_chat(capture, corners, rng)
    path = _write(out / f"{spec.name}{capture.suffix}", capture.encoded)
    order = reading_order(np.array([np.asarray(c).mean(axis=0) for c in corners]))
    truths = []
    for i, (page_spec, (_, fill, template), c) in enumerate(zip(spec.pages, made, corners)):
        truth = page_truth(page_spec, fill, template, ctx.routing)
        truth.update(page=1, sheet=order.index(i) + 1, pair=True,
                     page_corners=np.asarray(c).round(1).tolist(), capture_params=capture.params)
        truths.append(truth)
    return path, {"pages": truths}


def _pdf_file(ctx: SampleContext, spec: FileSpec, out: Path) -> tuple[Path, dict[str, Any]]:
    """A flatbed PDF; a duplex one has a blank back after every sheet and some sheets fed upside
    down (the scanner does not care which way up a sheet goes in)."""
    images, truths, blanks = [], [], []
    for page_spec in spec.pages:
        page, fill, template = make_page(ctx.templates, ctx.gazetteer, page_spec, ctx.seed, ctx.today)
        rng = page_rng(ctx.seed, page_spec.index, 1)
        capture = simulate_scan(page, rng, dpi_in=SAMPLE_DPI, dpi_out=PDF_DPI)
        image, upside_down = capture.image, False
        if spec.duplex and page_rng(ctx.seed, page_spec.index, 3).random() < 0.3:
            image, upside_down = np.ascontiguousarray(image[::-1, ::-1]), True
        images.append(Image.fromarray(image))
        truth = page_truth(page_spec, fill, template, ctx.routing)
        truth.update(page=len(images), page_corners=np.asarray(capture.page_corners).round(1).tolist(),
                     capture_params={**capture.params, "upside_down": upside_down})
        truths.append(truth)
        if spec.duplex:
            back = blank_back(page_rng(ctx.seed, page_spec.index, 4), (image.shape[1], image.shape[0]))
            images.append(Image.fromarray(back))
            blanks.append(len(images))
    buffer = io.BytesIO()
    stamp = datetime(ctx.today.year, ctx.today.month, ctx.today.day).timetuple()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=PDF_DPI,
                   quality=80, creationDate=stamp, modDate=stamp)
    return _write(out / spec.name, buffer.getvalue()), {"pages": truths, "blank_pages": blanks}


def _letter_page(rng: np.random.Generator) -> np.ndarray:
    """A plain typed letter: paper a KIM member might photograph that is not a KIM form."""
    scale = SAMPLE_DPI / 25.4
    img = Image.new("RGB", (int(210 * scale), int(297 * scale)), (250, 250, 247))
    draw = ImageDraw.Draw(img)
    from PIL import ImageFont

    font = ImageFont.truetype(str(fonts.SERIF.require()), int(4 * scale))
    entries = corpus("complaints")
    texts = [e["uraian"].format(desa="Marabahan") for v in entries.values() for e in v]
    body = " ".join(texts[int(i)] for i in rng.integers(0, len(texts), size=6))
    y = int(30 * scale)
    draw.text((int(25 * scale), y), "SURAT UNDANGAN", font=font, fill=(20, 20, 20))
    for row in wrap(body, font.getlength, int(160 * scale))[:40]:
        y += int(6.5 * scale)
        draw.text((int(25 * scale), y), row, font=font, fill=(30, 30, 30))
    return np.asarray(img)


def _bad_file(ctx: SampleContext, spec: FileSpec, index: int, out: Path) -> tuple[Path, dict[str, Any]]:
    rng = page_rng(ctx.seed, 900_000 + index)
    if spec.kind == "not_a_form":
        capture = simulate_phone(_letter_page(rng), rng, long_side=1600)
        path = _write(out / f"{spec.name}{capture.suffix}", capture.encoded)
        return path, {"pages": [], "expected": {"status": "failed", "reasons": ["not_a_form"]}}
    ok, encoded = cv2.imencode(".jpg", np.full((400, 300, 3), 200, np.uint8))
    data = encoded.tobytes()[: len(encoded) // 3]  # cut off mid-transfer, as a dropped upload is
    path = _write(out / spec.name, data)
    return path, {"pages": [], "expected": {"status": "failed", "reasons": ["file_unreadable"]}}


def write_sample_set(out: Path, ctx: SampleContext, count: int, *, first_serial: int,
                     handwriting_share: float = 0.35, bad_files: bool = False,
                     captures: dict[str, float] | None = None, pdf_share: float = 0.6,
                     defect_share: float = 0.0, duplex_share: float = 0.0, repeat_share: float = 0.0,
                     unmarked_share: float = 0.0, curl_share: float = 0.0, pair_share: float = 0.0,
                     progress: Callable[[Path], None] | None = None) -> list[Path]:
    """Generate `count` form pages (plus two bad files when asked) into `out`."""
    plan = plan_samples(count, ctx.seed, first_serial=first_serial,
                        handwriting_share=handwriting_share, bad_files=bad_files, captures=captures,
                        pdf_share=pdf_share, defect_share=defect_share, duplex_share=duplex_share,
                        repeat_share=repeat_share, unmarked_share=unmarked_share, curl_share=curl_share,
                        pair_share=pair_share)
    written, manifest = [], []
    for index, spec in enumerate(plan):
        if spec.kind == "image":
            path, truth = _image_file(ctx, spec, out)
        elif spec.kind == "pair":
            path, truth = _pair_file(ctx, spec, out)
        elif spec.kind == "pdf":
            path, truth = _pdf_file(ctx, spec, out)
        else:
            path, truth = _bad_file(ctx, spec, index, out)
        truth = {"file": path.name, "seed": ctx.seed, **truth}
        _write(out / TRUTH_DIR / f"{path.name}.json",
               json.dumps(truth, indent=1, ensure_ascii=False).encode())
        manifest.append({"file": path.name, "kind": spec.kind, "pages": len(spec.pages)})
        written.append(path)
        if progress:
            progress(path)
    meta = {"generator_version": GENERATOR_VERSION, "seed": ctx.seed, "count": count,
            "today": ctx.today.isoformat(), "files": manifest}
    _write(out / TRUTH_DIR / "manifest.json", json.dumps(meta, indent=1).encode())
    return written
