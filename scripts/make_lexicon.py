"""Build pipeline/data/lexicon/id.txt.gz: the Indonesian word list that ships inside Debian's
tesseract-ocr-ind (the LSTM model's word dictionary), lower-cased, plus every word of the
gazetteer's kecamatan and desa names. Reproducible: run `python scripts/make_lexicon.py` on a
machine with tesseract-ocr-ind installed; the output is sorted and deterministic. The model's
character set has no Q, so neither has its dictionary: the words with a Q come from wordfreq's
Indonesian frequency list ("qur", "mtq", "taufiq", "iqbal"; at least one in a million words).

Used to tell a plausible word from an OCR slip ("Pemhangunan", "G9.") when judging how far to
trust a reading; never to change what was read."""

from __future__ import annotations

import gzip
import math
import re
import subprocess
import tempfile
from pathlib import Path

from pipeline.gazetteer import default_gazetteer

TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata/ind.traineddata")
OUT = Path(__file__).resolve().parent.parent / "pipeline" / "data" / "lexicon" / "id.txt.gz"
WORD = re.compile(r"[a-z]+")


def tesseract_words() -> set[str]:
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "ind."
        subprocess.run(["combine_tessdata", "-u", str(TESSDATA), str(prefix)], check=True,
                       capture_output=True, timeout=120)
        out = Path(tmp) / "words.txt"
        subprocess.run(["dawg2wordlist", f"{prefix}lstm-unicharset", f"{prefix}lstm-word-dawg", str(out)],
                       check=True, capture_output=True, timeout=120)
        return {w for line in out.read_text(encoding="utf-8").splitlines() for w in WORD.findall(line.lower())}


def gazetteer_words() -> set[str]:
    g = default_gazetteer()
    names = [v.name for v in g.villages] + list(g.kecamatan.values())
    return {w for name in names for w in WORD.findall(name.lower())}


def q_words(least_zipf: float = 3.0) -> set[str]:
    from wordfreq import get_frequency_dict

    return {part for word, f in get_frequency_dict("id").items() if "q" in word
            and math.log10(f) + 9 >= least_zipf for part in WORD.findall(word) if "q" in part}


def main() -> None:
    words = sorted(w for w in tesseract_words() | gazetteer_words() | q_words() if len(w) >= 2)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(OUT, "wb", mtime=0) as handle:
        handle.write(("\n".join(words) + "\n").encode())
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main()
