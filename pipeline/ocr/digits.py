"""A second, independent reader for comb cells: one digit per cell, read by a small neural
network instead of tesseract.

Tesseract reads a comb line as text and, for handwriting, confidently turns a 9 into a 4 or a 7
into a 1. A value is accepted without review only when both readers agree on every cell
(`pipeline/extract/build.py`); when they disagree, the reviewer sees both readings.

The network (one hidden layer, weights in `pipeline/data/digits/model.npz`, run here in numpy:
no pickle, no framework at run time) is trained by `python -m bench.train_digits` from data on
this machine only: scikit-learn's bundled UCI handwritten digits and digits rendered in Debian
fonts that the sample generator never uses, so the benchmark's handwriting stays unseen.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import cv2
import numpy as np

SIZE = 16  # a cell's ink is centred and scaled into SIZE x SIZE
INK_THRESHOLD = 0.5  # of the darkest value in the cell; below is background


def features(cell: np.ndarray) -> np.ndarray | None:
    """A cell image (grey, dark ink on white) as SIZE*SIZE values in 0..1, ink bright; None when
    the cell holds no ink. Also used on training images, so both see the same thing."""
    ink = 255.0 - cell.astype(np.float32) if cell.dtype == np.uint8 else 1.0 - cell.astype(np.float32)
    peak = float(ink.max())
    if peak <= 0:
        return None
    ink = np.clip(ink / peak, 0, 1)
    ys, xs = np.nonzero(ink > INK_THRESHOLD)
    if len(ys) < 3:
        return None
    box = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = box.shape
    side = max(h, w)
    square = np.zeros((side, side), np.float32)
    square[(side - h) // 2:(side - h) // 2 + h, (side - w) // 2:(side - w) // 2 + w] = box
    inner = SIZE - 2  # a one-pixel border, as in the training data
    small = cv2.resize(square, (inner, inner), interpolation=cv2.INTER_AREA)
    out = np.zeros((SIZE, SIZE), np.float32)
    out[1:-1, 1:-1] = small
    return (out / max(float(out.max()), 1e-6)).ravel()


@dataclass(frozen=True)
class Network:
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            x = x @ w + b
            if i < len(self.weights) - 1:
                x = np.maximum(x, 0)
        x = x - x.max(axis=1, keepdims=True)
        e = np.exp(x)
        return e / e.sum(axis=1, keepdims=True)


@lru_cache(maxsize=1)
def network() -> Network | None:
    path = resources.files("pipeline") / "data" / "digits" / "model.npz"
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        data = np.load(handle)
        layers = sorted({k.split("_")[1] for k in data.files})
        return Network(tuple(data[f"w_{i}"] for i in layers), tuple(data[f"b_{i}"] for i in layers))


def read_cells(cells: list[np.ndarray]) -> tuple[tuple[str, float], ...] | None:
    """(digit, probability) per cell, in order; None without a model. A cell without ink reads
    as ("", 0.0)."""
    net = network()
    if net is None or not cells:
        return None if net is None else ()
    feats = [features(c) for c in cells]
    present = [f for f in feats if f is not None]
    if not present:
        return tuple(("", 0.0) for _ in cells)
    probs = net.probabilities(np.vstack(present))
    out, k = [], 0
    for f in feats:
        if f is None:
            out.append(("", 0.0))
            continue
        p = probs[k]
        k += 1
        out.append((str(int(p.argmax())), float(p.max())))
    return tuple(out)
