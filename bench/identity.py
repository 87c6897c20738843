"""How big must the QR code be, and which decoder, for identity to survive chat-app compression?

For each candidate QR size and payload (general form / form printed for a village), render blank
forms, capture them as chat-forwarded phone photos (long side ~1600 px, JPEG ~65) and try to read
the identity the way the pipeline does: straighten on the ArUco marks, crop the QR, decode with
zxing-cpp and with OpenCV. Writes bench/identity.json and prints a table.

    python -m bench.identity [--samples 40] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from pipeline.forms.identity import decode_identity
from pipeline.forms.registry import TemplateSet, default_templates
from pipeline.forms.render import render_forms
from pipeline.gazetteer import default_gazetteer
from pipeline.ocr.marks import locate_page, straighten
from pipeline.ocr.poppler import rasterize_page
from pipeline.record import Identity
from pipeline.samples.capture import simulate_chat

SIZES_MM = (16.0, 20.0, 24.0, 28.0)
OUT = Path(__file__).parent / "identity.json"


def with_qr_size(templates: TemplateSet, form_id: str, size: float):
    t = templates.get(form_id)
    qr = t.qr.model_copy(update={"x": 196 - size, "w": size, "h": size})
    return t.model_copy(update={"qr": qr})


def decoders(gray: np.ndarray) -> dict[str, str | None]:
    z = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(gray)
    return {"zxing": z[0].text if z else None, "opencv": text or None}


def run(samples: int, seed: int) -> dict:
    templates, village = default_templates(), default_gazetteer().villages[37]
    results = []
    for size in SIZES_MM:
        for with_village in (False, True):
            ok = {"zxing": 0, "opencv": 0, "either": 0}
            seconds = {"zxing": 0.0, "opencv": 0.0}
            for i in range(samples):
                t = with_qr_size(templates, "KIM-02", size)
                identity = Identity(form_id=t.id, version=t.version, serial=100000 + i,
                                    village_code=village.code if with_village else None)
                page = rasterize_page(render_forms(t, [identity], village if with_village else None), 1)
                rng = np.random.default_rng([seed, int(size * 10), int(with_village), i])
                photo = simulate_chat(page, rng).image
                location = locate_page(photo, TemplateSet((t,)))
                straight = straighten(photo, location, 8.0)
                crop = cv2.cvtColor(straight[int((t.qr.y - 3) * 8):int((t.qr.bottom + 3) * 8),
                                             int((t.qr.x - 3) * 8):int((t.qr.right + 3) * 8)],
                                    cv2.COLOR_RGB2GRAY)
                got = {}
                for name in ("zxing", "opencv"):
                    start = time.perf_counter()
                    text = decoders(crop)[name]
                    seconds[name] += time.perf_counter() - start
                    got[name] = text is not None and decode_identity(text) == identity
                    ok[name] += got[name]
                ok["either"] += got["zxing"] or got["opencv"]
            modules = 21 if not with_village else 25
            results.append({
                "qr_mm": size, "village_payload": with_village, "samples": samples,
                "module_mm": round(size / (modules + 4), 2),
                "module_px_in_chat_photo": round(size / (modules + 4) * 1600 / 297, 1),
                **{f"decoded_{k}": round(v / samples, 3) for k, v in ok.items()},
                **{f"ms_{k}": round(1000 * v / samples, 1) for k, v in seconds.items()},
            })
    return {"capture": "chat (long side 1500-1600 px, JPEG 60-70)", "seed": seed, "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    report = run(args.samples, args.seed)
    OUT.write_text(json.dumps(report, indent=1))
    print(f"{'QR mm':>6} {'village':>7} {'module px':>9} {'zxing':>6} {'opencv':>6} {'either':>6} {'ms zx':>6}")
    for r in report["results"]:
        print(f"{r['qr_mm']:>6} {str(r['village_payload']):>7} {r['module_px_in_chat_photo']:>9} "
              f"{r['decoded_zxing']:>6} {r['decoded_opencv']:>6} {r['decoded_either']:>6} {r['ms_zxing']:>6}")
    print(f"-> {OUT}")


if __name__ == "__main__":
    main()
