"""Indonesian mobile numbers -> E.164 (`+62...`): `0812-3456-7890`, `+62 812 3456 7890`,
`62812...`, `(0812) 345 6789`; the operator prefix is checked."""

from __future__ import annotations

import re

from pipeline.extract.values import Parsed, digits_from_ocr, invalid

# Mobile operator prefixes after the country code (Telkomsel, Indosat, XL, Axis, Tri, Smartfren).
MOBILE_PREFIXES = (
    "811", "812", "813", "821", "822", "823", "851", "852", "853",
    "814", "815", "816", "855", "856", "857", "858",
    "817", "818", "819", "859", "877", "878", "831", "832", "833", "838",
    "895", "896", "897", "898", "899", "881", "882", "883", "884", "885", "886", "887", "888", "889",
)
EXPECTED = "nomor HP Indonesia, mis. 0812-3456-7890"


def parse_phone(text: str) -> Parsed:
    read = str(text)
    number = digits_from_ocr(re.sub(r"^\s*\+", "", read))
    if number.startswith("62"):
        number = number[2:]
    elif number.startswith("0"):
        number = number[1:]
    if not 9 <= len(number) <= 12:
        return invalid(read, f"{EXPECTED} (10-13 angka)")
    if not number.startswith(MOBILE_PREFIXES):
        return invalid(read, f"{EXPECTED}; awalan 0{number[:3]} bukan operator seluler")
    return Parsed("+62" + number)


def national(e164: str) -> str:
    """'+6281234567890' -> '0812-3456-7890', the way villagers write it."""
    local = "0" + e164.removeprefix("+62")
    return "-".join(local[i:i + 4] for i in range(0, len(local), 4))
