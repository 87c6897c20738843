"""`kopi record` (one form: look it up, approve, return, reject, reopen) and `kopi lapor`
(complaints for SP4N-LAPOR!, and the LAPOR! tracking IDs recorded back)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from pipeline.cli.common import console, err, fail, group
from pipeline.cli.queue import print_history
from pipeline.record import now_wita
from pipeline.settings import load_settings

record_app = group("record", "Satu formulir: lihat, setujui, kembalikan, tolak.")
lapor_app = group("lapor", "Pengaduan untuk SP4N-LAPOR!.")

KEY = typer.Argument(..., help="nomor registrasi (KOPI-2026-000123) atau nomor rekaman")
ACTOR = typer.Option(..., "--oleh", help="nama petugas")
FULL = typer.Option(False, "--identitas-lengkap", help="tampilkan NIK, HP dan identitas rahasia utuh (petugas pemeriksa)")


@record_app.command("show")
def record_show(key: str = KEY, full_identity: bool = FULL) -> None:
    """Nilai, alasan pemeriksaan, tujuan dan riwayat satu formulir."""
    from flows import runtime
    from pipeline.record import STATUS_LABELS, FormRecord, Status
    from pipeline.report.display import value_rows
    from pipeline.report.export import nested_row
    from pipeline.report.privacy import Audience
    from pipeline.store.queries import history
    from pipeline.store.workflow import NotFound, get_record

    ctx = runtime.reading_context()
    with runtime.store().session() as session:
        try:
            row = get_record(session, key)
        except NotFound as exc:
            raise fail(str(exc)) from None
        form = FormRecord.model_validate(row.data)
        audience = Audience.REVIEWER if full_identity else Audience.PUBLIC
        nested = nested_row(form, ctx.templates, audience, row.id)
        events, tracking, lapor = history(session, row.id), row.tracking_number, row.lapor_id
        status = Status(row.status)
    console.print(f"[bold]{tracking or f'rekaman {key}'}[/] {nested['form_id'] or ''} no. {nested['serial'] or '-'}"
                  f" - {STATUS_LABELS[status]}" + (f" - LAPOR! {lapor}" if lapor else ""))
    if nested["form_id"]:
        table = Table("Isian", "Nilai", "Keyakinan")
        template = ctx.templates.get(nested["form_id"], nested["version"])
        confidences = {n: v["confidence"] for n, v in {**nested["fields"], **nested["choices"]}.items()}
        names = [f.name for f in template.fields if f.name in confidences]
        for name, (label, value) in zip(names, value_rows(template, nested)):
            table.add_row(label, value, f"{round(confidences[name] * 100)}%")
        console.print(table)
    for reason in nested["reasons"] + nested["notes"]:
        console.print(f"  [yellow]![/] {reason['message']}")
    if nested["routes"]:
        console.print("Tujuan: " + ", ".join(f"{r['target']} ({r['kind']})" for r in nested["routes"]))
    print_history(events)


def _record_action(key: str, action: str, actor: str, note: str | None) -> None:
    from flows import runtime
    from pipeline.record import STATUS_LABELS, Status
    from pipeline.route.lifecycle import IllegalTransition, RecordAction
    from pipeline.store.workflow import NotFound, apply_record_action

    try:
        with runtime.store().session() as session:
            row = apply_record_action(session, key, RecordAction(action), actor, note)
            status, tracking = Status(row.status), row.tracking_number
    except (IllegalTransition, NotFound) as exc:
        raise fail(str(exc)) from None
    console.print(f"{tracking or key}: {STATUS_LABELS[status]}.")


@record_app.command("approve")
def record_approve(key: str = KEY, oleh: str = ACTOR,
                   catatan: str | None = typer.Option(None, "--catatan")) -> None:
    """Setujui formulir yang sudah diperiksa: diteruskan ke SKPD tujuannya."""
    _record_action(key, "approve", oleh, catatan)


@record_app.command("return")
def record_return(key: str = KEY, oleh: str = ACTOR,
                  alasan: str = typer.Option(..., "--alasan", help="alasan dan apa yang perlu diperbaiki desa")) -> None:
    """Kembalikan formulir ke desa dengan alasan (muncul di lembar umpan balik desa)."""
    _record_action(key, "return", oleh, alasan)


@record_app.command("reject")
def record_reject(key: str = KEY, oleh: str = ACTOR, alasan: str = typer.Option(..., "--alasan")) -> None:
    """Tolak formulir (bukan formulir yang ditindaklanjuti kantor ini)."""
    _record_action(key, "reject", oleh, alasan)


@record_app.command("reopen")
def record_reopen(key: str = KEY, oleh: str = ACTOR, alasan: str = typer.Option(..., "--alasan")) -> None:
    """Buka kembali formulir untuk diperiksa."""
    _record_action(key, "reopen", oleh, alasan)


@lapor_app.command("export")
def lapor_export(
    out: Path | None = typer.Option(None, "--out", "-o", help="berkas .xlsx atau .csv"),
    semua: bool = typer.Option(False, "--semua", help="termasuk yang sudah punya ID LAPOR!"),
    full_identity: bool = FULL,
) -> None:
    """Pengaduan yang sudah diteruskan, dalam kolom yang diisikan admin ke SP4N-LAPOR!."""
    from flows.reports import write_lapor_export
    from pipeline.report.privacy import Audience

    target = out or load_settings().output_dir / "lapor" / f"lapor-{now_wita():%Y%m%d-%H%M}.xlsx"
    audience = Audience.REVIEWER if full_identity else Audience.PUBLIC
    count = write_lapor_export(target, audience, only_new=not semua)
    if full_identity:
        err.print("[yellow]Perhatian:[/] berkas ini memuat data pribadi utuh; hanya untuk admin koordinator.")
    console.print(f"{count} pengaduan -> {target}")


@lapor_app.command("set")
def lapor_set(key: str = KEY, lapor_id: str = typer.Argument(..., help="nomor tiket dari SP4N-LAPOR!"),
              oleh: str = ACTOR) -> None:
    """Catat nomor tiket SP4N-LAPOR! pada formulir."""
    from flows import runtime
    from pipeline.store.workflow import NotFound, add_event, get_record

    try:
        with runtime.store().session() as session:
            row = get_record(session, key)
            row.lapor_id = lapor_id.strip()
            add_event(session, row, "lapor", oleh, row.status, row.status, f"ID LAPOR! {row.lapor_id}")
            tracking = row.tracking_number
    except NotFound as exc:
        raise fail(str(exc)) from None
    console.print(f"{tracking}: ID LAPOR! {lapor_id} dicatat.")
