"""The weekly routing report for leadership: what came in, where it went, what waits and why.
Pure pandas over plain rows; the flow gathers the rows and writes the files."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd

from pipeline.reasons import LABELS, ReasonCode
from pipeline.record import STATUS_LABELS, WITA, Status

STATUS_ORDER = [s.value for s in Status]
STATUS_NAMES = {s.value: label for s, label in STATUS_LABELS.items()}
KIND_NAMES = {"primary": "Tindak lanjut", "copy": "Tembusan", "informed": "Informasi"}
QUEUE_STATES = {"routed": "Belum diterima SKPD", "acknowledged": "Diterima SKPD",
                "in_progress": "Sedang ditangani", "resolved": "Selesai"}
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Week:
        """'2026-W48' -> Week(2026, 48); ValueError otherwise."""
        year, _, number = text.upper().partition("-W")
        week = cls(int(year), int(number))
        week.start  # noqa: B018 - validates the week number
        return week

    @classmethod
    def containing(cls, moment: datetime) -> Week:
        iso = moment.astimezone(WITA).isocalendar()
        return cls(iso.year, iso.week)

    @property
    def start(self) -> datetime:
        return datetime.combine(date.fromisocalendar(self.year, self.number, 1), time(0), WITA)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def describe(self) -> str:
        first, last = self.start.date(), (self.end - timedelta(days=1)).date()
        return (f"Senin {first.day} {MONTHS[first.month - 1]} {first.year} - "
                f"Minggu {last.day} {MONTHS[last.month - 1]} {last.year} (WITA)")


@dataclass(frozen=True)
class WeeklyTables:
    summary: pd.DataFrame
    by_unit: pd.DataFrame
    by_place: pd.DataFrame
    reasons: pd.DataFrame
    waiting: pd.DataFrame


def _crosstab(frame: pd.DataFrame, index: list[str], column: str, order: list[str]) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=[*index, *order, "Jumlah"])
    table = pd.crosstab([frame[i] for i in index], frame[column])
    table = table.reindex(columns=[c for c in order if c in table.columns], fill_value=0)
    table["Jumlah"] = table.sum(axis=1)
    table.columns.name = None
    return table.reset_index()


def weekly_tables(records: pd.DataFrame, queue: pd.DataFrame, units: dict[str, str],
                  now: datetime) -> WeeklyTables:
    """`records`: one row per record (status, kecamatan, desa, received_at, reasons: list of codes).
    `queue`: one row per queue item (target, kind, state)."""
    counts = records["status"].value_counts() if not records.empty else pd.Series(dtype=int)
    summary = pd.DataFrame({"Keadaan": [STATUS_NAMES[s] for s in STATUS_ORDER],
                            "Jumlah formulir": [int(counts.get(s, 0)) for s in STATUS_ORDER]})
    unit_rows = queue.assign(SKPD=queue["target"].map(lambda c: units.get(c, c)),
                             Peran=queue["kind"].map(KIND_NAMES),
                             Keadaan=queue["state"].map(QUEUE_STATES)) if not queue.empty else queue
    by_unit = _crosstab(unit_rows, ["SKPD", "Peran"], "Keadaan", list(QUEUE_STATES.values()))
    places = records.assign(
        Kecamatan=records["kecamatan"].fillna("(tidak terbaca)"),
        Keadaan=records["status"].map(STATUS_NAMES)) if not records.empty else records
    by_place = _crosstab(places, ["Kecamatan"], "Keadaan", [STATUS_NAMES[s] for s in STATUS_ORDER])
    reasons = records.explode("reasons").dropna(subset=["reasons"]) if not records.empty else records
    reason_table = (reasons["reasons"].value_counts().rename_axis("code").reset_index(name="Jumlah")
                    if not reasons.empty else pd.DataFrame(columns=["code", "Jumlah"]))
    reason_table.insert(1, "Alasan", reason_table["code"].map(lambda c: LABELS[ReasonCode(c)]))
    waiting = records[records["status"] == Status.NEEDS_REVIEW.value] if not records.empty else records
    ages = [(now - t).days for t in waiting["received_at"]] if not waiting.empty else []
    buckets = pd.cut(pd.Series(ages, dtype=float), bins=[-1, 1, 3, 7, 10_000],
                     labels=["0-1 hari", "2-3 hari", "4-7 hari", "lebih dari 7 hari"])
    waiting_table = buckets.value_counts(sort=False).rename_axis("Lama menunggu").reset_index(name="Jumlah")
    return WeeklyTables(summary, by_unit, by_place, reason_table, waiting_table)


def render_html(tables: WeeklyTables, week: Week, generated: datetime) -> str:
    def section(title: str, frame: pd.DataFrame, note: str = "") -> str:
        body = frame.to_html(index=False, border=0, classes="tabel", na_rep="-") if not frame.empty \
            else "<p><em>Tidak ada data minggu ini.</em></p>"
        return f"<h2>{html.escape(title)}</h2>{f'<p>{html.escape(note)}</p>' if note else ''}{body}"

    parts = [
        section("Ringkasan formulir yang diterima", tables.summary),
        section("Per SKPD tujuan", tables.by_unit,
                "Tindak lanjut = SKPD yang menangani; tembusan = Bupati; informasi = camat/SKPD bidang."),
        section("Per kecamatan", tables.by_place),
        section("Alasan pemeriksaan dan kegagalan", tables.reasons.drop(columns=["code"])),
        section("Formulir yang menunggu pemeriksaan", tables.waiting),
    ]
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<title>Laporan Mingguan KIM PRODUK KOPI {week.label}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em; color: #222; max-width: 60em; }}
h1 {{ font-size: 1.4em; }} h2 {{ font-size: 1.1em; margin-top: 1.6em; border-bottom: 1px solid #bbb; }}
table.tabel {{ border-collapse: collapse; }}
table.tabel th, table.tabel td {{ padding: .3em .8em; border-bottom: 1px solid #ddd; text-align: left; }}
table.tabel td:last-child, table.tabel th:last-child {{ text-align: right; }}
.catatan {{ color: #555; font-size: .9em; }}
</style></head><body>
<h1>Laporan Mingguan Penyaluran Formulir KIM PRODUK KOPI</h1>
<p>Pemerintah Kabupaten Barito Kuala - Bagian Prokopim Setda<br>
Minggu {week.label}: {html.escape(week.describe())}</p>
{''.join(parts)}
<p class="catatan">Dibuat {generated.astimezone(WITA):%d-%m-%Y %H.%M} WITA. Laporan ini hanya berisi
jumlah; tidak memuat NIK, nomor HP, maupun identitas pelapor.</p>
</body></html>
"""
