"""Counts such as the expected number of participants: `150`, `1.500`, `1,500`, `± 200 orang`,
`seratus`, `dua ratus lima puluh`, `1 rb`."""

from __future__ import annotations

import re

from pipeline.extract.values import DIGIT_LOOKALIKES, Parsed, ascii_fold, invalid

UNITS = {"nol": 0, "satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6,
         "tujuh": 7, "delapan": 8, "sembilan": 9}
FILLER = {"orang", "org", "peserta", "jiwa", "kurang", "lebih", "kurleb", "sekitar", "kira", "kira-kira",
          "dari", "plus", "minus", "+-", "±", "kl", "kurang lebih"}


def _words_value(words: list[str]) -> int | None:
    """Indonesian number words -> int ('dua ratus lima puluh' -> 250, 'seribu' -> 1000)."""
    total, current = 0, 0
    for raw in words:
        word = raw
        if word.startswith("se") and word[2:] in {"puluh", "ratus", "ribu", "belas"}:
            current, word = current + 1, word[2:]
        if word in UNITS:
            current += UNITS[word]
        elif word == "sepuluh":
            current += 10
        elif word == "sebelas":
            current += 11
        elif word == "belas":
            current = (current or 1) + 10
        elif word == "puluh":
            current = (current or 1) * 10 if current < 10 else current - current % 10 + (current % 10) * 10
        elif word == "ratus":
            current = (current or 1) * 100
        elif word in ("ribu", "rb"):
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return total + current


def _digits_value(text: str) -> int | None:
    token = text.translate(DIGIT_LOOKALIKES)
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", token):  # 1.500 / 1,500: thousands separators
        return int(re.sub(r"[.,]", "", token))
    if re.fullmatch(r"\d+", token):
        return int(token)
    return None


def parse_count(text: str, minimum: float | None = None, maximum: float | None = None) -> Parsed:
    read = str(text)
    words = [w for w in re.split(r"[\s]+", ascii_fold(read).lower().replace("±", " ")) if w]
    words = [w.strip(".,") if not re.search(r"\d", w) else w for w in words]
    words = [w for w in words if w and w not in FILLER]
    value: int | None = None
    if len(words) == 1:
        value = _digits_value(words[0])
    elif len(words) == 2 and words[1] in ("rb", "ribu") and _digits_value(words[0]) is not None:
        value = _digits_value(words[0]) * 1000
    if value is None and words:
        value = _words_value(words)
    if value is None:
        return invalid(read, "angka, mis. 150 atau seratus lima puluh")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        low = int(minimum) if minimum is not None else 0
        high = int(maximum) if maximum is not None else "..."
        return invalid(read, f"angka {low}-{high}")
    return Parsed(str(value))


_SMALL = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
          "sepuluh", "sebelas")


def spell(n: int) -> str:
    """0..999999 in Indonesian words (250 -> 'dua ratus lima puluh'); used to test the reverse."""
    if n < 12:
        return _SMALL[n]
    if n < 20:
        return f"{_SMALL[n - 10]} belas"
    if n < 100:
        return f"{_SMALL[n // 10]} puluh" + (f" {_SMALL[n % 10]}" if n % 10 else "")
    if n < 1000:
        head = "seratus" if n // 100 == 1 else f"{_SMALL[n // 100]} ratus"
        return head + (f" {spell(n % 100)}" if n % 100 else "")
    head = "seribu" if n // 1000 == 1 else f"{spell(n // 1000)} ribu"
    return head + (f" {spell(n % 1000)}" if n % 1000 else "")
