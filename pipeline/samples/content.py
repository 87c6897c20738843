"""Realistic content for sample forms: who fills them, about what, and what the truth is.

`make_fill` returns a `Fill`: the characters written into each field (what ends up on paper) and
the canonical value a perfect reader would extract (the ground truth), plus ticks, signatures and
stamps. Everything is drawn from a seeded numpy Generator, so a seed gives the same forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from pipeline.forms.template import FieldType, Template
from pipeline.gazetteer import Gazetteer, Village

DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
# Indonesian mobile prefixes after the leading 0 (Telkomsel, Indosat, XL, Axis, Tri, Smartfren).
MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "823", "852", "853", "814", "815", "816",
                   "855", "856", "857", "858", "817", "818", "819", "859", "877", "878", "831",
                   "832", "833", "838", "895", "896", "897", "898", "899", "881", "882", "887")


@dataclass(frozen=True)
class Fill:
    form_id: str
    serial: int
    village: Village
    preprinted: bool
    written: dict[str, str]  # characters put on paper, per written field ("" = left empty)
    values: dict[str, str | None]  # canonical value a perfect reader extracts
    choices: dict[str, list[str]]
    signatures: dict[str, dict[str, bool]]  # role -> {"signed": .., "stamped": ..}
    meta: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=4)
def corpus(name: str) -> dict[str, Any]:
    path = resources.files("pipeline.samples") / "corpus" / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _pick(rng: np.random.Generator, items: list[Any] | tuple[Any, ...]) -> Any:
    return items[int(rng.integers(len(items)))]


def make_name(rng: np.random.Generator, female: bool) -> str:
    people = corpus("people")
    given = people["given_names_female" if female else "given_names_male"]
    seconds = people.get("second_names_female" if female else "second_names_male") or people.get(
        "second_names", []
    )
    parts = [_pick(rng, given)]
    for _ in range(int(rng.choice([0, 1, 1, 1, 2]))):
        nxt = _pick(rng, seconds)
        if nxt not in parts:
            parts.append(nxt)
    return " ".join(parts)[:40]


def make_nik(rng: np.random.Generator, village: Village, birth: date, female: bool) -> str:
    """16 digits: province+kabupaten+kecamatan code, birth date (day + 40 for women), serial."""
    region = village.kecamatan_code.replace(".", "")
    day = birth.day + (40 if female else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{int(rng.integers(1, 3000)):04d}"


def make_phone(rng: np.random.Generator) -> tuple[str, str]:
    """(as written, E.164)."""
    rest = "".join(str(d) for d in rng.integers(0, 10, size=int(rng.integers(7, 10))))
    national = f"0{_pick(rng, MOBILE_PREFIXES)}{rest}"
    return national, "+62" + national[1:]


@lru_cache(maxsize=1)
def _aliases() -> dict[str, list[str]]:
    path = resources.files("pipeline") / "data" / "wilayah" / "aliases.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(e["kode"]): list(e["names"]) for e in data["villages"]}


def _typo(rng: np.random.Generator, name: str) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    s, i = list(name), int(rng.integers(1, len(name)))
    kind = int(rng.integers(4))
    if kind == 0 and s[i] != " ":
        s[i] = letters[int(rng.integers(26))] if s[i].islower() else letters[int(rng.integers(26))].upper()
    elif kind == 1 and s[i] != " ":
        del s[i]
    elif kind == 2 and i < len(s) - 1 and " " not in (s[i], s[i + 1]):
        s[i], s[i + 1] = s[i + 1], s[i]
    else:
        s.insert(i, s[i - 1])
    return "".join(s)


def written_village(rng: np.random.Generator, village: Village, gazetteer: Gazetteer) -> tuple[str, str]:
    """How a villager writes the desa: usually its name, sometimes with 'Ds.'/'Kel.', 'Sei' for
    'Sungai', an older spelling, or a slip of the pen. Returns (text, which kind)."""
    roll = rng.random()
    aliases = _aliases().get(village.code, [])
    if roll < 0.12:
        prefix = str(_pick(rng, ["Kel. ", "Kelurahan "] if village.kind == "kelurahan" else ["Ds. ", "Desa ", "Ds "]))
        return prefix + village.name, "prefix"
    if roll < 0.3:
        if village.name.startswith("Sungai ") and roll < 0.22:
            return "Sei " + village.name[len("Sungai "):], "sei"
        if aliases:
            return str(_pick(rng, aliases)), "old_spelling"
        return village.name, "plain"
    if roll < 0.42 and len(village.name) >= 6:
        official = {v.name.casefold() for v in gazetteer.villages}
        for _ in range(5):
            text = _typo(rng, village.name)
            if text.casefold() not in official:  # a slip that writes another village is not a typo
                return text, "typo"
    return village.name, "plain"


def _comb_date(d: date) -> str:
    return f"{d.day:02d}{d.month:02d}{d.year:04d}"


def _fill_text(rng: np.random.Generator, text: str, upper_share: float) -> str:
    return text.upper() if rng.random() < upper_share else text


def _birth_date(rng: np.random.Generator, today: date) -> date:
    return today - timedelta(days=int(rng.integers(18 * 365, 75 * 365)))


def _sign(rng: np.random.Generator, p_signed: float, stamp: bool, p_stamp: float = 0.95) -> dict[str, bool]:
    signed = bool(rng.random() < p_signed)
    return {"signed": signed, "stamped": bool(stamp and signed and rng.random() < p_stamp)}


def _complaint(rng: np.random.Generator, t: Template, village: Village, today: date,
               upper: float, desa_written: str) -> tuple[dict, dict, dict, dict]:
    female = bool(rng.random() < 0.45)
    name = make_name(rng, female)
    nik = make_nik(rng, village, _birth_date(rng, today), female)
    phone_written, phone = make_phone(rng) if rng.random() < 0.85 else ("", None)
    rt = int(rng.integers(1, 30)) if rng.random() < 0.8 else None
    filed = today - timedelta(days=int(rng.integers(0, 20)))
    categories = list(corpus("complaints"))
    category = _pick(rng, categories)
    entry = _pick(rng, corpus("complaints")[category])
    fmt = {"desa": village.name}
    text = {k: str(entry[k]).format(**fmt) for k in ("lokasi", "uraian", "harapan")}
    written = {
        "tanggal_pengaduan": _comb_date(filed),
        "pelapor_nama": _fill_text(rng, name, upper),
        "pelapor_nik": nik,
        "pelapor_hp": phone_written,
        "pelapor_alamat": _fill_text(rng, _pick(rng, corpus("people")["streets"]), upper),
        "pelapor_rt": f"{rt:03d}" if rt else "",
        "pelapor_desa": _fill_text(rng, desa_written, upper),
        "pelapor_kecamatan": _fill_text(rng, village.kecamatan, upper),
        "lokasi_kejadian": _fill_text(rng, text["lokasi"], upper),
        "uraian": text["uraian"],
        "harapan": text["harapan"] if rng.random() < 0.9 else "",
    }
    values = dict(written)
    values.update(tanggal_pengaduan=filed.isoformat(), pelapor_hp=phone,
                  pelapor_rt=str(rt) if rt else None, pelapor_desa=village.name,
                  pelapor_kecamatan=village.kecamatan)
    ticked = [category]
    if category != "lainnya":  # some villagers tick "lainnya", or nothing, for a plain matter
        roll = rng.random()
        ticked = ["lainnya"] if roll < 0.08 else [] if roll < 0.12 else ticked
    choices = {"kategori": ticked, "rahasia": ["ya"] if rng.random() < 0.15 else []}
    signatures = {
        "pelapor": _sign(rng, 0.92, stamp=False),
        "kepala_desa": _sign(rng, 0.88, stamp=True),
        "camat": _sign(rng, 0.35, stamp=True, p_stamp=0.9),
    }
    values["_text_category"] = category
    return written, values, choices, signatures


def _activity(rng: np.random.Generator, t: Template, village: Village, today: date,
              upper: float, desa_written: str) -> tuple[dict, dict, dict, dict]:
    kinds = list(corpus("activities"))
    kind = _pick(rng, kinds)
    activity = corpus("activities")[kind]
    fmt = {"desa": village.name}
    day = today + timedelta(days=int(rng.integers(3, 45)))
    start_h, start_m = int(rng.integers(7, 20)), int(rng.choice([0, 0, 30, 15]))
    end_h = min(start_h + int(rng.integers(1, 5)), 23)
    phone_written, phone = make_phone(rng)
    people = int(rng.choice([25, 40, 50, 75, 100, 150, 200, 250, 300, 500, 750, 1000, 1500]))
    leaders = ["bupati"] if rng.random() < 0.7 else []
    leaders += [x for x in ("wakil_bupati", "sekda", "asisten", "staf_ahli") if rng.random() < 0.15]
    leaders = leaders or ["wakil_bupati"]
    roles = [r for r in ("membuka_acara", "memberi_sambutan", "meresmikan", "menghadiri")
             if rng.random() < 0.35] or ["menghadiri"]
    written = {
        "nama_kegiatan": _fill_text(rng, str(_pick(rng, activity["nama"])).format(**fmt), upper),
        "penyelenggara": _fill_text(
            rng, str(_pick(rng, corpus("people")["organisations"])).format(**fmt), upper),
        "penanggung_jawab": _fill_text(rng, make_name(rng, bool(rng.random() < 0.3)), upper),
        "no_hp": phone_written,
        "hari": _fill_text(rng, DAY_NAMES[day.weekday()], upper) if rng.random() < 0.8 else "",
        "tanggal": _comb_date(day),
        "waktu_mulai": f"{start_h:02d}{start_m:02d}",
        "waktu_selesai": f"{end_h:02d}00" if rng.random() < 0.85 else "",
        "jumlah_peserta": str(people),
        "tempat": _fill_text(rng, str(_pick(rng, activity["tempat"])).format(**fmt), upper),
        "desa": _fill_text(rng, desa_written, upper),
        "kecamatan": _fill_text(rng, village.kecamatan, upper),
        "keterangan": "",
    }
    values = dict(written)
    values.update(no_hp=phone, tanggal=day.isoformat(), waktu_mulai=f"{start_h:02d}:{start_m:02d}",
                  waktu_selesai=f"{end_h:02d}:00" if written["waktu_selesai"] else None,
                  desa=village.name, kecamatan=village.kecamatan,
                  hari=DAY_NAMES[day.weekday()] if written["hari"] else None)
    choices = {"jenis_kegiatan": [kind], "pimpinan": leaders, "peran": roles}
    signatures = {
        "penyelenggara": _sign(rng, 0.93, stamp=False),
        "kepala_desa": _sign(rng, 0.88, stamp=True),
        "camat": _sign(rng, 0.86, stamp=True),
    }
    return written, values, choices, signatures


def make_fill(rng: np.random.Generator, template: Template, serial: int, gazetteer: Gazetteer,
              today: date, *, preprinted: bool, upper_share: float = 0.3) -> Fill:
    village = _pick(rng, gazetteer.villages)
    desa_written, variant = written_village(rng, village, gazetteer)
    build = {"KIM-02": _complaint, "KIM-01": _activity}[template.id]
    written, values, choices, signatures = build(rng, template, village, today, upper_share, desa_written)
    for f in template.fields:  # every written field has an entry, empty when left blank
        if f.type.is_written:
            written.setdefault(f.name, "")
            if not written[f.name]:
                values[f.name] = None
    text_category = values.pop("_text_category", None)
    values = {k: (v if v != "" else None) for k, v in values.items()}
    return Fill(template.id, serial, village, preprinted, written, values, choices, signatures,
                meta={"desa_written": desa_written, "desa_variant": variant,
                      "text_category": text_category})


def field_types(template: Template) -> dict[str, FieldType]:
    return {f.name: f.type for f in template.fields}
