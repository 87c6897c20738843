"""The `kopi` command line, run in-process with a temporary KOPI_HOME."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.ocr.poppler import page_count

runner = CliRunner()


def test_layout_json_is_machine_readable():
    result = runner.invoke(app, ["forms", "layout", "KIM-02", "--json"])
    assert result.exit_code == 0, result.output
    layout = json.loads(result.output)
    assert layout["form_id"] == "KIM-02" and layout["units"] == "mm"


def test_render_a_batch_for_one_village(kopi_home, tmp_path):
    out = tmp_path / "forms.pdf"
    args = ["forms", "render", "KIM-01", "--count", "3", "--desa", "Ds. Kuala Lupak",
            "--kecamatan", "Tabunganen", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code != 0 and "tidak ada di daftar" in result.output  # "Ds." is not a name
    args[6] = "Kuala Lupak"
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "000001-000003" in result.output and "Kuala Lupak" in result.output
    assert page_count(out.read_bytes()) == 3
    result = runner.invoke(app, ["forms", "render", "KIM-01", "--serial", "2", "--out", str(out)])
    assert result.exit_code == 1 and "sudah dicetak" in result.output


def test_unknown_form_is_explained():
    result = runner.invoke(app, ["forms", "layout", "KIM-09"])
    assert result.exit_code == 1 and "tidak dikenal" in result.output


def test_samples_generate_writes_files_and_truth(tmp_path):
    result = runner.invoke(app, ["samples", "generate", "--out", str(tmp_path), "--count", "2",
                                 "--seed", "3", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "_truth").glob("*.json"))) >= 2


def test_accounts_need_a_real_password_and_a_known_unit(kopi_home):
    from sqlalchemy import select

    from flows.runtime import store
    from pipeline.store.models import User
    from web.security import authenticate

    result = runner.invoke(app, ["users", "add", "rina", "--peran", "reviewer"], input="pendek\n")
    assert result.exit_code == 1 and "minimal 10" in result.output
    result = runner.invoke(app, ["users", "add", "budi", "--peran", "skpd", "--skpd", "TIDAKADA"], input="kata-sandi-panjang\n")
    assert result.exit_code == 1 and "kode SKPD" in result.output
    result = runner.invoke(app, ["users", "add", "Rina", "--peran", "reviewer"], input="kata-sandi-panjang\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["users", "add", "rina", "--peran", "admin"], input="kata-sandi-lain-lagi\n")
    assert result.exit_code == 1 and "sudah dipakai" in result.output
    result = runner.invoke(app, ["users", "demo"])
    assert result.exit_code == 0 and "demo-pemeriksa" in result.output
    with store().session() as session:
        user = session.scalar(select(User).where(User.username == "rina"))
        assert user.password_hash.startswith("$argon2id$") and "kata-sandi-panjang" not in user.password_hash
        assert authenticate(session, "RINA ", "kata-sandi-panjang", "127.0.0.1") is not None
        assert authenticate(session, "rina", "salah-sama-sekali", "127.0.0.1") is None


def test_an_empty_skpd_queue_says_where_the_waiting_forms_are(kopi_home):
    from pipeline.geometry import Box
    from pipeline.record import FieldValue, FormRecord, Identity, SourceRef, Status
    from pipeline.settings import load_settings
    from pipeline.store.db import open_store
    from pipeline.store.records import FileOutcome, PageOutcome, save_file_outcome

    result = runner.invoke(app, ["queue", "list"])
    assert result.exit_code == 0 and "Antrean kosong." in result.output and "menunggu" not in result.output
    source = SourceRef(sha256="e" * 64, filename="foto.jpg", media_type="image/jpeg", page=1, pages=1)
    held = FormRecord(source=source, status=Status.NEEDS_REVIEW, identity=Identity(form_id="KIM-02", version=1, serial=7),
                      fields=(FieldValue(name="uraian", type="multiline", value="x", raw="x", confidence=0.4,
                                         box=Box(x=10, y=10, w=50, h=8), needs_review=True),))
    store = open_store(load_settings())
    save_file_outcome(store, FileOutcome(source.sha256, source.filename, "image/jpeg", 1, (PageOutcome(held, None),)))
    store.close()
    result = runner.invoke(app, ["queue", "list"])
    assert "1 formulir menunggu pemeriksaan" in result.output, result.output


def test_late_items_are_found_however_many_newer_items_there_are(kopi_home):
    from datetime import timedelta

    from sqlalchemy import select, update

    from pipeline.record import FormRecord, Identity, Route, RouteKind, SourceRef, Status, now_wita
    from pipeline.settings import load_settings
    from pipeline.store.db import open_store
    from pipeline.store.models import QueueItem, Record
    from pipeline.store.records import FileOutcome, PageOutcome, save_file_outcome

    store = open_store(load_settings())
    route = (Route(target="PUPR", kind=RouteKind.PRIMARY, rule="r", why="kategori jalan"),)
    for n in range(25):  # the first arrives a month ago; 24 arrive today, none of them late
        sha = f"{n:02d}" * 32
        source = SourceRef(sha256=sha, filename=f"{n}.jpg", media_type="image/jpeg", page=1, pages=1)
        record = FormRecord(source=source, status=Status.ROUTED, routes=route,
                            identity=Identity(form_id="KIM-02", version=1, serial=100 + n))
        save_file_outcome(store, FileOutcome(sha, f"{n}.jpg", "image/jpeg", 1, (PageOutcome(record, None),)))
        if n == 0:
            with store.session() as session:
                late = session.scalar(select(Record.id).where(Record.serial == 100))
                session.execute(update(QueueItem).where(QueueItem.record_id == late)
                                .values(created_at=now_wita() - timedelta(days=30)))
    store.close()
    result = runner.invoke(app, ["queue", "list", "--terlambat", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "Antrean kosong" not in result.output and "terlambat" in result.output.lower(), result.output
