"""`kopi queue`: SKPD queues on the command line."""

from __future__ import annotations

from pathlib import Path

import typer

from rich.table import Table

from pipeline.cli.common import console, fail, group
from pipeline.record import WITA

queue_app = group("queue", "Antrean formulir per SKPD.")


def _due_text(item, now) -> str:  # noqa: ANN001 - QueueItem
    from pipeline.route.service import is_overdue, item_due

    due, what = item_due(item.kind, item.state, item.created_at, item.started_at)
    if due is None:
        return "-"
    late = is_overdue(due, now) and what == "tindak lanjut"
    return f"{'[bold red]TERLAMBAT[/] ' if late else ''}{what} {due:%d-%m-%Y}"


@queue_app.command("list")
def queue_list(
    skpd: str | None = typer.Option(None, help="kode SKPD, mis. PUPR (bawaan: semua)"),
    keadaan: str | None = typer.Option(None, help="routed, acknowledged, in_progress, resolved, rejected, withdrawn"),
    terlambat: bool = typer.Option(False, "--terlambat", help="hanya yang lewat batas waktu"),
    limit: int = typer.Option(50, min=1, help="paling banyak sekian baris"),
) -> None:
    """Formulir yang sudah diteruskan, per SKPD tujuan (terbaru di atas), dengan batas waktunya."""
    from flows import runtime
    from pipeline.record import now_wita
    from pipeline.report.weekly import KIND_NAMES
    from pipeline.route.lifecycle import ITEM_LABELS, OPEN_ITEM_STATES, ItemState
    from pipeline.route.service import is_overdue, item_due
    from pipeline.store.queries import queue_items
    from pipeline.store.review import exception_counts

    units, now = runtime.reading_context().routing.units, now_wita()
    with runtime.store().session() as session:
        target = skpd.upper() if skpd else None
        if terlambat:  # lateness is counted in working days, so every open item is looked at
            open_states = () if keadaan else [s.value for s in OPEN_ITEM_STATES]
            rows = [(i, r) for i, r in queue_items(session, target, None, keadaan, open_states)
                    if (d := item_due(i.kind, i.state, i.created_at, i.started_at))[0]
                    and d[1] == "tindak lanjut" and is_overdue(d[0], now)][:limit]
        else:
            rows = queue_items(session, target, limit, keadaan)
        waiting = sum(exception_counts(session)["form"].values())
    table = Table("No.", "SKPD (peran)", "Registrasi", "Asal", "Diteruskan", "Keadaan", "Batas waktu",
                  title=f"Antrean {skpd.upper() if skpd else 'semua SKPD'}")
    for item, record in rows:
        unit = units.get(item.target)
        place = f"{record.desa or '?'}, Kec. {record.kecamatan or '?'}"
        table.add_row(str(item.id),
                      f"{unit.short if unit else item.target} ({KIND_NAMES.get(item.kind, item.kind).lower()})",
                      record.tracking_number or "-", place, item.created_at.astimezone(WITA).strftime("%d-%m-%Y %H.%M"),
                      ITEM_LABELS[ItemState(item.state)], _due_text(item, now))
    if rows:
        console.print(table)
        return
    console.print("Antrean kosong.")
    if waiting:  # say where the forms are, rather than leave an empty table unexplained
        console.print(f"{waiting} formulir menunggu pemeriksaan petugas sebelum diteruskan ke SKPD: "
                      "buka Meja Periksa (kopi serve) atau lihat satu per satu dengan kopi record show.")


@queue_app.command("show")
def queue_show(item_id: int = typer.Argument(..., help="nomor antrean (kolom No. di kopi queue list)")) -> None:
    """Isi satu antrean seperti dilihat SKPD: nilai formulir (NIK/HP disamarkan), tujuan, riwayat."""
    from flows import runtime
    from pipeline.record import FormRecord
    from pipeline.report.export import nested_row
    from pipeline.report.display import value_rows
    from pipeline.report.privacy import Audience
    from pipeline.store.models import QueueItem, Record
    from pipeline.store.queries import history

    ctx = runtime.reading_context()
    with runtime.store().session() as session:
        item = session.get(QueueItem, item_id)
        if item is None:
            raise fail(f"antrean nomor {item_id} tidak ditemukan")
        record = session.get(Record, item.record_id)
        row = nested_row(FormRecord.model_validate(record.data), ctx.templates, Audience.PUBLIC, record.id)
        events = history(session, record.id)
        tracking = record.tracking_number
    template = ctx.templates.get(row["form_id"], row["version"])
    table = Table("Isian", "Nilai", title=f"{tracking} - {template.title} no. {row['serial']}")
    for label, value in value_rows(template, row):
        table.add_row(label, value)
    console.print(table)
    print_history(events)


def print_history(events) -> None:  # noqa: ANN001 - list of Event
    from pipeline.route.lifecycle import action_label

    table = Table("Waktu (WITA)", "Oleh", "Kejadian", "Catatan", title="Riwayat")
    for e in events:
        table.add_row(e.at.astimezone(WITA).strftime("%d-%m-%Y %H.%M"), e.actor,
                      action_label(e.action, e.queue_item_id is not None), e.note or "")
    console.print(table)


def _item_action(item_id: int, action: str, actor: str, note: str | None) -> None:
    from flows import runtime
    from pipeline.route.lifecycle import ITEM_LABELS, IllegalTransition, ItemAction, ItemState
    from pipeline.store.workflow import NotFound, apply_item_action

    try:
        with runtime.store().session() as session:
            item = apply_item_action(session, item_id, ItemAction(action), actor, note)
            state = ItemState(item.state)
    except (IllegalTransition, NotFound) as exc:
        raise fail(str(exc)) from None
    console.print(f"Antrean {item_id}: {ITEM_LABELS[state]}.")


ACTOR = typer.Option(..., "--oleh", help="nama petugas yang melakukan")
NOTE = typer.Option(None, "--catatan", help="catatan (tindak lanjut, hasil, alasan)")


@queue_app.command("ack")
def queue_ack(item_id: int, oleh: str = ACTOR, catatan: str | None = NOTE) -> None:
    """SKPD menyatakan sudah menerima formulir ini."""
    _item_action(item_id, "acknowledge", oleh, catatan)


@queue_app.command("start")
def queue_start(item_id: int, oleh: str = ACTOR,
                catatan: str = typer.Option(..., "--catatan", help="tindak lanjut yang akan dilakukan")) -> None:
    """SKPD menyatakan tindak lanjutnya (SP4N-LAPOR!: paling lambat 5 hari kerja)."""
    _item_action(item_id, "start", oleh, catatan)


@queue_app.command("resolve")
def queue_resolve(item_id: int, oleh: str = ACTOR,
                  catatan: str = typer.Option(..., "--catatan", help="hasil penanganan")) -> None:
    """SKPD menyatakan pengaduan/kegiatan selesai ditangani."""
    _item_action(item_id, "resolve", oleh, catatan)


@queue_app.command("reject")
def queue_reject(item_id: int, oleh: str = ACTOR,
                 catatan: str = typer.Option(..., "--catatan", help="mengapa bukan wewenang SKPD ini")) -> None:
    """SKPD menolak: bukan wewenangnya; formulir kembali ke Prokopim untuk disalurkan ulang."""
    _item_action(item_id, "reject", oleh, catatan)


@queue_app.command("print")
def queue_print(
    skpd: str = typer.Option(..., help="kode SKPD, mis. PUPR"),
    keadaan: str | None = typer.Option(None, help="hanya keadaan ini, mis. routed"),
    out: Path | None = typer.Option(None, "--out", "-o", help="berkas PDF"),
) -> None:
    """Cetakan antrean satu SKPD: per formulir gambar halaman, isian (NIK/HP disamarkan), riwayat."""
    from flows.reports import write_unit_printout
    from pipeline.record import now_wita
    from pipeline.settings import load_settings

    target = out or load_settings().output_dir / "antrean" / f"antrean-{skpd.upper()}-{now_wita():%Y%m%d-%H%M}.pdf"
    count = write_unit_printout(skpd.upper(), target, keadaan)
    console.print(f"{count} formulir antrean {skpd.upper()} -> {target}")
