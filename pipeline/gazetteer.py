"""The official list of Barito Kuala's kecamatan and desa/kelurahan (Kemendagri codes).

Source and provenance: `pipeline/data/wilayah/README.md`. Village names are not unique across
kecamatan, so a village is always identified by its code or by (kecamatan, name).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources


@dataclass(frozen=True)
class Village:
    code: str  # "63.04.01.2001"
    kecamatan_code: str  # "63.04.01"
    kecamatan: str
    name: str
    kind: str  # "desa" | "kelurahan"

    @property
    def compact_code(self) -> str:
        """The code without dots, as carried in a form's QR code: "6304012001"."""
        return self.code.replace(".", "")

    @property
    def label(self) -> str:
        prefix = "Kel." if self.kind == "kelurahan" else "Desa"
        return f"{prefix} {self.name}, Kec. {self.kecamatan}"


def expand_code(code: str) -> str:
    """'6304012001' or '63.04.01.2001' -> '63.04.01.2001'."""
    digits = code.replace(".", "")
    if len(digits) != 10 or not digits.isdigit():
        raise ValueError(f"not a 10-digit village code: {code!r}")
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


@dataclass(frozen=True)
class Gazetteer:
    villages: tuple[Village, ...]

    def by_code(self, code: str) -> Village:
        wanted = expand_code(code)
        for v in self.villages:
            if v.code == wanted:
                return v
        raise KeyError(code)

    def find(self, kecamatan: str, name: str) -> Village:
        k, n = kecamatan.strip().casefold(), name.strip().casefold()
        for v in self.villages:
            if v.kecamatan.casefold() == k and v.name.casefold() == n:
                return v
        raise KeyError(f"{name}, {kecamatan}")

    @property
    def kecamatan(self) -> dict[str, str]:
        """Kecamatan name by code, in code order."""
        return dict(sorted({v.kecamatan_code: v.kecamatan for v in self.villages}.items()))

    @cached_property
    def nik_regions(self) -> dict[str, str]:
        """Kecamatan name by the 6-digit region code a NIK starts with ("630401")."""
        return {code.replace(".", ""): name for code, name in self.kecamatan.items()}

    @cached_property
    def words(self) -> frozenset[str]:
        """Every lower-case word of every kecamatan and desa name."""
        names = [v.name for v in self.villages] + [v.kecamatan for v in self.villages]
        return frozenset(w for name in names for w in re.findall(r"[a-z]+", name.lower()))

    def in_kecamatan(self, kecamatan: str) -> list[Village]:
        k = kecamatan.strip().casefold()
        return [v for v in self.villages if v.kecamatan.casefold() == k]


def parse_gazetteer(text: str) -> Gazetteer:
    rows = csv.DictReader(text.splitlines())
    return Gazetteer(
        tuple(
            Village(r["kode"], r["kecamatan_kode"], r["kecamatan"], r["nama"], r["jenis"])
            for r in rows
        )
    )


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    path = resources.files("pipeline") / "data" / "wilayah" / "barito_kuala_wilayah.csv"
    return parse_gazetteer(path.read_text(encoding="utf-8"))
