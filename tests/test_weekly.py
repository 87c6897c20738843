from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from pipeline.record import WITA
from pipeline.report.weekly import Week, render_html, weekly_tables


def test_weeks_are_iso_weeks_in_wita():
    week = Week.parse("2026-W48")
    assert week.start == datetime(2026, 11, 23, tzinfo=WITA)
    assert week.end - week.start == timedelta(days=7)
    # Sunday 23:30 UTC is already Monday in Makassar.
    assert Week.containing(datetime.fromisoformat("2026-11-29T23:30:00+00:00")).label == "2026-W49"
    assert "Senin 23 November 2026" in week.describe()
    for bad in ("2026-48", "2026-W54", "minggu lalu"):
        with pytest.raises(ValueError):
            Week.parse(bad)


def test_tables_count_by_status_unit_place_and_reason():
    now = datetime(2026, 11, 27, 10, tzinfo=WITA)
    records = pd.DataFrame([
        {"status": "routed", "kecamatan": "Alalak", "received_at": now - timedelta(days=1), "reasons": []},
        {"status": "needs_review", "kecamatan": "Alalak", "received_at": now - timedelta(days=5),
         "reasons": ["signature_missing"]},
        {"status": "failed", "kecamatan": None, "received_at": now, "reasons": ["not_a_form"]},
    ])
    queue = pd.DataFrame([{"target": "PUPR", "kind": "primary", "state": "routed"},
                          {"target": "BUPATI", "kind": "copy", "state": "routed"}])
    tables = weekly_tables(records, queue, {"PUPR": "Dinas PUPR", "BUPATI": "Bupati"}, now)
    summary = dict(zip(tables.summary["Keadaan"], tables.summary["Jumlah formulir"]))
    assert summary["Diteruskan ke SKPD"] == 1 and summary["Perlu diperiksa"] == 1
    assert set(tables.by_unit["SKPD"]) == {"Dinas PUPR", "Bupati"}
    assert dict(zip(tables.reasons["code"], tables.reasons["Jumlah"])) == {"signature_missing": 1, "not_a_form": 1}
    assert dict(zip(tables.waiting["Lama menunggu"], tables.waiting["Jumlah"]))["4-7 hari"] == 1
    page = render_html(tables, Week.containing(now), now)
    assert "Laporan Mingguan" in page and "Dinas PUPR" in page and "Tanda tangan tidak ada" in page


def test_an_empty_week_still_renders():
    now = datetime(2026, 11, 27, tzinfo=WITA)
    empty = pd.DataFrame(columns=["status", "kecamatan", "received_at", "reasons"])
    tables = weekly_tables(empty, pd.DataFrame(columns=["target", "kind", "state"]), {}, now)
    assert "Tidak ada data" in render_html(tables, Week.containing(now), now)
