"""What leaves the office: SKPD exports and print-outs, the village feedback sheet, the weekly
report, the LAPOR! export, the agenda. A confidential complainant's identity must appear in none
of them; reviewers alone see it."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.geometry import Box
from pipeline.record import (
    ChoiceValue,
    FieldValue,
    FormRecord,
    Identity,
    Route,
    RouteKind,
    SourceRef,
    Status,
    now_wita,
)
from pipeline.store.records import FileOutcome, PageOutcome, save_file_outcome

BOX = Box(x=1, y=1, w=1, h=1)
SECRET = {"pelapor_nama": "Siti Rahmawati Noor", "pelapor_nik": "6304054703900001",
          "pelapor_hp": "+6281234567890", "pelapor_alamat": "Gg. Melati Putih 7"}
SECRET_STRINGS = [*SECRET.values(), "081234567890", "0812-3456-7890", "Rahmawati", "Melati Putih"]


def complaint(sha: str, serial: int, confidential: bool, village) -> FileOutcome:  # noqa: ANN001
    values = {**SECRET, "tanggal_pengaduan": now_wita().date().isoformat(), "uraian": "Jembatan ulin patah",
              "lokasi_kejadian": "Handil Bakti RT 3", "pelapor_desa": village.name,
              "pelapor_kecamatan": village.kecamatan}
    codes = {"pelapor_desa": village.code, "pelapor_kecamatan": village.kecamatan_code}
    fields = tuple(FieldValue(name=k, type={"pelapor_nik": "nik", "pelapor_hp": "phone", "pelapor_desa": "desa",
                                            "pelapor_kecamatan": "kecamatan", "tanggal_pengaduan": "date"}.get(k, "text"),
                              value=v, confidence=0.99, box=BOX, code=codes.get(k)) for k, v in values.items())
    choices = (ChoiceValue(name="rahasia", type="flag", selected=("ya",) if confidential else (), fills={},
                           confidence=1, box=BOX),
               ChoiceValue(name="kategori", type="single_choice", selected=("jalan_jembatan",), fills={},
                           confidence=1, box=BOX))
    source = SourceRef(sha256=sha * 64, filename=f"{sha}.jpg", media_type="image/jpeg", page=1, pages=1)
    record = FormRecord(source=source, status=Status.ROUTED, identity=Identity(form_id="KIM-02", version=1, serial=serial),
                        fields=fields, choices=choices,
                        routes=(Route(target="PUPR", kind=RouteKind.PRIMARY, rule="r", why="jalan"),
                                Route(target="BUPATI", kind=RouteKind.COPY, rule="r", why="tembusan")))
    return FileOutcome(sha * 64, f"{sha}.jpg", "image/jpeg", 1, (PageOutcome(record, None),))


@pytest.fixture()
def office(kopi_home, gazetteer):
    from flows import runtime

    village = gazetteer.find("Alalak", "Handil Bakti")
    save_file_outcome(runtime.store(), complaint("a", 7, True, village))
    return village


def pdf_text(path) -> str:  # noqa: ANN001
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def assert_no_identity(text: str, where: str) -> None:
    for secret in SECRET_STRINGS:
        assert secret not in text, f"{secret!r} leaked into {where}"


def test_a_confidential_complainant_appears_in_no_outward_output(office, kopi_home):
    from flows.reports import (
        write_export,
        write_feedback,
        write_lapor_export,
        write_unit_printout,
        write_weekly_report,
    )
    from pipeline.cli import app
    from pipeline.report.privacy import Audience
    from pipeline.report.weekly import Week

    out = kopi_home / "out"
    outputs: dict[str, str] = {}
    for fmt in ("jsonl", "csv", "xlsx"):
        write_export(fmt, out / f"e.{fmt}", target="PUPR")
    outputs["jsonl"] = (out / "e.jsonl").read_text()
    outputs["csv"] = (out / "e.csv").read_text()
    outputs["xlsx"] = pd.read_excel(out / "e.xlsx", sheet_name=None).__repr__() + json.dumps(
        {k: v.astype(str).values.tolist() for k, v in pd.read_excel(out / "e.xlsx", sheet_name=None).items()})
    write_unit_printout("PUPR", out / "pupr.pdf")
    outputs["print-out PUPR"] = pdf_text(out / "pupr.pdf")
    write_unit_printout("BUPATI", out / "bupati.pdf")
    outputs["print-out Bupati"] = pdf_text(out / "bupati.pdf")
    today = now_wita().date()
    write_feedback(office, today - timedelta(days=3), today, out / "desa.pdf")
    outputs["feedback sheet"] = pdf_text(out / "desa.pdf")
    files = write_weekly_report(Week.containing(now_wita()), out / "laporan")
    outputs["weekly report"] = files.html.read_text() + "".join(p.read_text() for p in files.csvs)
    write_lapor_export(out / "lapor.csv", Audience.PUBLIC)
    outputs["LAPOR export"] = (out / "lapor.csv").read_text()
    result = CliRunner().invoke(app, ["queue", "show", "1"])
    assert result.exit_code == 0, result.output
    outputs["kopi queue show"] = result.output
    for where, text in outputs.items():
        assert "KOPI-" in text or where in ("jsonl", "csv", "xlsx", "weekly report"), where
        assert_no_identity(text, where)
    assert "[dirahasiakan]" in outputs["csv"] and "[dirahasiakan]" in outputs["print-out PUPR"]


def test_reviewers_see_the_identity_so_the_check_above_can_fail(office, kopi_home):
    from flows.reports import write_export
    from pipeline.report.privacy import Audience

    write_export("jsonl", kopi_home / "r.jsonl", audience=Audience.REVIEWER)
    assert SECRET["pelapor_nik"] in (kopi_home / "r.jsonl").read_text()


def test_changing_the_category_map_changes_where_the_next_form_goes(kopi_home, templates):
    """Staff copy the rules, send 'jalan dan jembatan' to Disperkim instead of PUPR, and the
    next form follows, with no code change."""
    from flows import runtime
    from pipeline.cli import app
    from pipeline.route.router import route_record

    record = complaint("b", 8, False, type("V", (), {"name": "Handil Bakti", "kecamatan": "Alalak",
                                                    "code": "63.04.05.1003", "kecamatan_code": "63.04.05"}))
    form = record.pages[0].record.model_copy(update={"routes": (), "status": Status.RECEIVED})
    before = route_record(form, runtime.reading_context().routing)
    assert "PUPR" in {r.target for r in before.routes}
    assert CliRunner().invoke(app, ["routes", "init"]).exit_code == 0
    rules = kopi_home / "config" / "routing" / "rules.yaml"
    rules.write_text(rules.read_text().replace("jalan_jembatan: [PUPR]", "jalan_jembatan: [DISPERKIM]"))
    assert CliRunner().invoke(app, ["routes", "check"]).exit_code == 0
    after = route_record(form, runtime.reading_context().routing)
    assert "DISPERKIM" in {r.target for r in after.routes} and "PUPR" not in {r.target for r in after.routes}
    rules.write_text(rules.read_text().replace("[DISPERKIM]", "[DINAS-TIDAK-ADA]"))
    result = CliRunner().invoke(app, ["routes", "check"])
    assert result.exit_code == 2 and "DINAS-TIDAK-ADA" in result.output


def test_an_export_asks_the_database_the_same_few_times_for_ten_forms_as_for_one(kopi_home, gazetteer):
    from sqlalchemy import event

    from flows import runtime
    from flows.reports import write_export

    village = gazetteer.find("Alalak", "Handil Bakti")
    engine = runtime.store().engine
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    counts = []
    for n in range(10):
        save_file_outcome(runtime.store(), complaint(f"{n:x}", 100 + n, False, village))
        if n in (0, 9):
            statements.clear()
            rows = write_export("jsonl", kopi_home / f"e{n}.jsonl")
            counts.append(len(statements))
            assert rows == n + 1
    assert counts[1] <= counts[0] + 2, counts
    last = [json.loads(line) for line in (kopi_home / "e9.jsonl").read_text().splitlines()]
    assert all(row["history"] and row["history"][0]["at"] for row in last)
