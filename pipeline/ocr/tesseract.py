"""The one place that runs tesseract (through pytesseract).

- A probe, separate from the runner, checks the program and the Indonesian data once.
- Tesseract is told to use one thread: pages run in parallel instead, and OpenMP threading was
  measured 5x slower per page on a 2-core machine (shared/research/prefect_tesseract_facts.md).
- Known non-failures ("Empty page!!") are an empty result; a time-out is `ToolTimeout` (worth a
  retry on a loaded machine); anything else is `ToolError` with tesseract's first line.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
import pytesseract

from pipeline.errors import ToolError, ToolMissing, ToolTimeout

# pytesseract passes our environment to the tesseract process it starts.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LANG = "ind"
# A second opinion on free text held for review (ocr/read.py `second_reading`): English was
# trained on other text and has no Indonesian word list, so its slips are seldom the same as
# the Indonesian model's. Debian's tesseract-ocr depends on tesseract-ocr-eng.
CHECK_LANG = "eng"
DEFAULT_TIMEOUT_S = 60
EMPTY_OUTPUT_MARKERS = ("Empty page", "Image too small", "Image too large")
_SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # RAM-backed when available


@dataclass(frozen=True)
class TesseractInfo:
    version: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # 0..100 as tesseract reports it
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]  # (block, paragraph, line) numbers from tesseract

    @property
    def center_y(self) -> float:
        return self.top + self.height / 2

    @property
    def center_x(self) -> float:
        return self.left + self.width / 2


@lru_cache(maxsize=1)
def probe() -> TesseractInfo:
    try:
        version = str(pytesseract.get_tesseract_version())
        languages = tuple(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError:
        raise ToolMissing("tesseract is not installed; install it with: "
                          "apt-get install tesseract-ocr tesseract-ocr-ind") from None
    if LANG not in languages:
        raise ToolMissing("tesseract has no Indonesian data; install it with: "
                          "apt-get install tesseract-ocr-ind")
    if CHECK_LANG not in languages:
        raise ToolMissing("tesseract has no English data; install it with: "
                          "apt-get install tesseract-ocr-eng")
    return TesseractInfo(version, languages)


def build_config(psm: int, whitelist: str | None = None, extra: tuple[str, ...] = ()) -> str:
    parts = [f"--psm {psm}", "--oem 1"]
    if whitelist:
        # The space must be in the whitelist (quoted for pytesseract's shlex split), or the
        # LSTM engine glues every word of a line together.
        chars = whitelist.replace(" ", "").replace('"', "")
        parts.append(f'-c "tessedit_char_whitelist={chars} "')
    parts.extend(extra)
    return " ".join(parts)


def read_words(image: np.ndarray, *, psm: int, whitelist: str | None = None,
               timeout: float = DEFAULT_TIMEOUT_S, lang: str = LANG) -> list[Word]:
    """Words tesseract finds in `image` (grayscale or RGB uint8), with confidence and position,
    read with the model of `lang` (LANG or CHECK_LANG)."""
    probe()
    config = build_config(psm, whitelist)
    # Handing tesseract an uncompressed file is cheaper than pytesseract's PNG round trip.
    with tempfile.NamedTemporaryFile(suffix=".pnm", dir=_SCRATCH) as tmp:
        cv2.imwrite(tmp.name, image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        return _run(tmp.name, config, timeout, lang)


def _run(path: str, config: str, timeout: float, lang: str = LANG) -> list[Word]:
    try:
        data = pytesseract.image_to_data(path, lang=lang, config=config,
                                         output_type=pytesseract.Output.DICT, timeout=timeout)
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise ToolTimeout(f"tesseract lebih dari {timeout:.0f} detik") from None
        raise ToolError(f"tesseract: {str(exc)[:160]}") from None
    except pytesseract.TesseractError as exc:
        message = str(exc.message or exc)
        if any(marker in message for marker in EMPTY_OUTPUT_MARKERS):
            return []
        raise ToolError(f"tesseract: {message.strip().splitlines()[0][:160] if message else exc.status}") from None
    return _words(data)


def _words(data: dict[str, list]) -> list[Word]:
    words = []
    for i, text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if conf < 0 or not str(text).strip():
            continue
        words.append(Word(str(text).strip(), conf, int(data["left"][i]), int(data["top"][i]),
                          int(data["width"][i]), int(data["height"][i]),
                          (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))))
    return words
