"""Names of people and organisations, cleaned but never invented: spacing and case made
consistent, stray OCR marks removed, titles and acronyms kept as people write them."""

from __future__ import annotations

import re

from pipeline.extract.values import Parsed, ascii_fold, invalid

# Written in capitals inside names (acronyms, titles); compared case-insensitively.
ACRONYMS = {
    "pkk", "rt", "rw", "sdn", "smpn", "sman", "smkn", "mts", "mtsn", "min", "man", "tk", "tpa", "tpq",
    "bpd", "lpm", "kud", "bumdes", "pnpm", "kim", "ri", "hut", "mtq", "pos", "paud", "pkh", "ppl",
    "upt", "uptd", "puskesmas", "pustu", "polindes", "poskesdes", "kt", "kwt", "gapoktan", "saw",
    "pln", "pdam", "pju", "ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii", "mi", "nu", "kub",
    "pkbm", "phbi", "mpa", "ps", "tp", "smp", "sma", "smk", "ma", "sd",
}
TITLES = {"h": "H.", "hj": "Hj.", "dr": "dr.", "ir": "Ir.", "drs": "Drs.", "kh": "KH.", "ust": "Ust.",
          "st": "St.", "spd": "S.Pd.", "sag": "S.Ag.", "se": "S.E.", "sh": "S.H.", "amd": "A.Md."}
LOWER_WORDS = {"bin", "binti", "dan", "di", "ke", "dari", "untuk"}
STRAY = re.compile(r"[|_~`^*#<>\[\]{}\\=+]")


# Brackets and quotes around a word: "(PHBI)" is the acronym PHBI in brackets.
_AROUND = re.compile(r"^([(\[\"']*)(.*?)([)\]\"'.,]*)$")


def _word(word: str, first: bool, mixed: bool) -> str:
    """One word re-cased. `mixed`: the writer used both cases, so a short word they wrote all in
    capitals ("Kelompok PKBM", "Fatayat NU") is an abbreviation as they wrote it (2-5 letters,
    as lexicon.ACRONYM counts them: a longer one is a name shouted)."""
    opening, core, closing = _AROUND.match(word).groups()
    if opening or (closing.strip(".,") and core):
        return opening + _word(core, first, mixed) + closing
    bare = word.strip(".,").lower()
    if bare in TITLES and (word.endswith(".") or len(bare) <= 3):
        return TITLES[bare]
    if bare in ACRONYMS:
        return word.strip(",").upper()
    if mixed and 2 <= len(bare) <= 5 and bare.isalpha() and word.strip(".,").isupper():
        return word
    if bare in LOWER_WORDS and not first:
        return bare
    if "-" in word:
        return "-".join(_word(part, first, mixed) for part in word.split("-"))
    if "'" in word:  # Qur'an, Mi'raj
        head, _, tail = word.partition("'")
        return head[:1].upper() + head[1:].lower() + "'" + tail.lower()
    return word[:1].upper() + word[1:].lower()


def clean_name(text: str) -> Parsed:
    """'  SITI   RAHMAH |' -> 'Siti Rahmah'; 'pkk desa sungai tunjang' -> 'PKK Desa Sungai Tunjang'.
    Letters are only re-cased, never added or swapped."""
    read = str(text)
    body = STRAY.sub(" ", ascii_fold(read))
    body = re.sub(r"\s+", " ", body).strip(" .,-/:;'")
    if not re.search(r"[A-Za-z]", body):
        return invalid(read, "nama berupa huruf")
    words = body.split(" ")
    mixed = bool(re.search(r"[a-z]", body) and re.search(r"[A-Z]{2}", body))
    return Parsed(" ".join(_word(w, i == 0, mixed) for i, w in enumerate(words)))
