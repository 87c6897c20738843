"""Train the comb-cell digit reader (pipeline/data/digits/model.npz).

    python -m bench.train_digits [--per-font 400] [--seed 5]

Data, all on this machine (nothing is downloaded):
- scikit-learn's bundled UCI handwritten digits (1,797 scans of real handwriting, 8x8);
- digits rendered in Debian fonts the sample generator never uses (fonts-bwht, fonts-breip,
  fonts-dancingscript for handwriting; fonts-liberation for print), each drawn many times with
  random size, slant, stroke weight, blur, low resolution and noise.
The benchmark's handwriting fonts (pipeline/fonts.py HANDWRITING_FILLS) and its typed fonts
(DejaVu) are kept out, so `make bench` measures the reader on writing it has not seen.
Prints held-out accuracy (a fifth of the UCI scans, and one whole font family never trained on).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr.digits import features

HERE = Path(__file__).parent
OUT = HERE.parent / "pipeline" / "data" / "digits" / "model.npz"
FONTS = Path("/usr/share/fonts")
TRAIN_FONTS = {  # file -> Debian package
    "opentype/bwht/BecauseWeBuild-Regular.otf": "fonts-bwht",
    "opentype/bwht/BecauseWeConnect-Regular.otf": "fonts-bwht",
    "opentype/bwht/BecauseWeCreate-Regular.otf": "fonts-bwht",
    "opentype/bwht/BecauseWeLearn-Regular.otf": "fonts-bwht",
    "opentype/bwht/BecauseWeMentor-Regular.otf": "fonts-bwht",
    "opentype/dancingscript/DancingScript-Regular.otf": "fonts-dancingscript",
    "opentype/dancingscript/DancingScript-Bold.otf": "fonts-dancingscript",
    "truetype/breip/Breip.ttf": "fonts-breip",
    "truetype/liberation/LiberationSans-Regular.ttf": "fonts-liberation",
    "truetype/liberation/LiberationSans-Bold.ttf": "fonts-liberation",
    "truetype/liberation/LiberationSerif-Regular.ttf": "fonts-liberation",
    "truetype/liberation/LiberationMono-Regular.ttf": "fonts-liberation",
}
HELD_OUT_FONT = "opentype/bwht/BecauseWeOrganize-Regular.otf"


def _require(files: list[str]) -> None:
    missing = sorted({TRAIN_FONTS.get(f, "fonts-bwht") for f in files if not (FONTS / f).exists()})
    if missing:
        raise SystemExit(f"training fonts missing; install them with: apt-get install {' '.join(missing)}")


def render(font_file: str, digit: int, rng: np.random.Generator) -> np.ndarray:
    """One digit as a comb cell might hold it: grey, dark ink on white, roughly 40 px tall."""
    size = int(rng.integers(30, 48))
    font = ImageFont.truetype(str(FONTS / font_file), size)
    canvas = Image.new("L", (96, 96), 255)
    ImageDraw.Draw(canvas).text((30, 20), str(digit), font=font, fill=0)
    img = np.asarray(canvas, dtype=np.uint8)
    angle, shear = rng.uniform(-10, 10), rng.uniform(-0.2, 0.2)
    m = cv2.getRotationMatrix2D((48, 48), angle, 1.0)
    m[0, 1] += shear
    img = cv2.warpAffine(img, m, (96, 96), borderValue=255)
    k = int(rng.integers(0, 3))
    if k == 1:
        img = cv2.erode(img, np.ones((2, 2), np.uint8))  # a heavier pen
    elif k == 2:
        img = cv2.dilate(img, np.ones((2, 2), np.uint8))  # a finer one
    scale = rng.uniform(0.35, 0.8)  # down to the pixels a chat-forwarded photo leaves
    small = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    img = cv2.resize(small, (96, 96), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.5:
        img = cv2.GaussianBlur(img, (3, 3), rng.uniform(0.3, 1.0))
    noise = rng.normal(0, rng.uniform(0, 12), img.shape)
    return np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def uci_cells() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    data = load_digits()
    cells = []
    for image in data.images:
        ink = cv2.resize((image / 16.0).astype(np.float32), (32, 32), interpolation=cv2.INTER_CUBIC)
        cells.append((255 - np.clip(ink, 0, 1) * 255).astype(np.uint8))
    return np.array(cells), data.target


def dataset(fonts: list[str], per_font: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for font in fonts:
        for n in range(per_font):
            digit = n % 10
            f = features(render(font, digit, rng))
            if f is not None:
                xs.append(f)
                ys.append(digit)
    return np.array(xs), np.array(ys)


def main() -> None:
    parser = argparse.ArgumentParser(description="train the comb-cell digit reader")
    parser.add_argument("--per-font", type=int, default=400)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    _require([*TRAIN_FONTS, HELD_OUT_FONT])
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(args.seed)
    cells, labels = uci_cells()
    uci = [(features(c), y) for c, y in zip(cells, labels, strict=True)]
    ux = np.array([f for f, _ in uci if f is not None])
    uy = np.array([y for f, y in uci if f is not None])
    ux_train, ux_test, uy_train, uy_test = train_test_split(ux, uy, test_size=0.2, random_state=args.seed,
                                                            stratify=uy)
    fx, fy = dataset(list(TRAIN_FONTS), args.per_font, rng)
    hx, hy = dataset([HELD_OUT_FONT], 200, rng)
    x, y = np.vstack([ux_train, ux_train, fx]), np.concatenate([uy_train, uy_train, fy])  # UCI twice: real hands
    model = MLPClassifier(hidden_layer_sizes=(128,), alpha=1e-3, max_iter=200, early_stopping=True,
                          random_state=args.seed)
    model.fit(x, y)
    report = {"train": int(len(y)), "uci_held_out": round(float(model.score(ux_test, uy_test)), 4),
              "font_held_out": round(float(model.score(hx, hy)), 4), "seed": args.seed,
              "per_font": args.per_font}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f"w_{i}": w.astype(np.float32) for i, w in enumerate(model.coefs_)}
    arrays.update({f"b_{i}": b.astype(np.float32) for i, b in enumerate(model.intercepts_)})
    np.savez_compressed(OUT, **arrays)
    (OUT.parent / "training.json").write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
