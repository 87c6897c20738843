"""`kopi`: the command line for Prokopimda operators. A thin shell over the flows and the store;
messages are in Indonesian, as staff read them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from pipeline.errors import ConfigError, KopiError
from pipeline.forms.registry import default_templates
from pipeline.forms.layout import template_layout
from pipeline.gazetteer import Village, default_gazetteer
from pipeline.record import WITA, Identity, now_wita
from pipeline.settings import load_settings

app = typer.Typer(help="KIM PRODUK KOPI: formulir desa ke antrean SKPD.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
forms_app = typer.Typer(help="Formulir: cetak dan tata letak.", no_args_is_help=True)
samples_app = typer.Typer(help="Contoh pindaian/foto formulir untuk uji dan demo.", no_args_is_help=True)
report_app = typer.Typer(help="Laporan untuk pimpinan.", no_args_is_help=True)
queue_app = typer.Typer(help="Antrean formulir per SKPD.", no_args_is_help=True)
app.add_typer(queue_app, name="queue")
app.add_typer(forms_app, name="forms")
app.add_typer(samples_app, name="samples")
app.add_typer(report_app, name="report")

console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]Gagal:[/] {message}")
    return typer.Exit(code)


def _template(form_id: str):  # noqa: ANN202
    try:
        return default_templates().get(form_id.upper())
    except KeyError:
        known = ", ".join(default_templates().form_ids)
        raise fail(f"formulir {form_id} tidak dikenal (yang ada: {known})") from None


def _village(desa: str | None, kecamatan: str | None, kode: str | None) -> Village | None:
    gazetteer = default_gazetteer()
    try:
        if kode:
            return gazetteer.by_code(kode)
        if desa or kecamatan:
            if not (desa and kecamatan):
                raise fail("untuk formulir khusus desa, isi --desa dan --kecamatan")
            return gazetteer.find(kecamatan, desa)
    except (KeyError, ValueError):
        raise fail(f"desa {kode or desa} (kecamatan {kecamatan or '?'}) tidak ada di daftar "
                   "wilayah Barito Kuala") from None
    return None


@forms_app.command("list")
def forms_list() -> None:
    """Daftar formulir yang dikenal."""
    for t in default_templates().templates:
        console.print(f"{t.id}  versi {t.version}  {t.title}  ({len(t.fields)} isian)")


@forms_app.command("render")
def forms_render(
    form_id: str = typer.Argument(..., help="KIM-01 atau KIM-02"),
    out: Path = typer.Option(..., "--out", "-o", help="berkas PDF keluaran"),
    serial: int | None = typer.Option(None, help="nomor seri pertama (bawaan: nomor bebas berikutnya)"),
    count: int = typer.Option(1, min=1, max=5000, help="jumlah lembar, nomor seri berurutan"),
    desa: str | None = typer.Option(None, help="cetak khusus untuk desa ini"),
    kecamatan: str | None = typer.Option(None, help="kecamatan dari --desa"),
    kode_desa: str | None = typer.Option(None, help="kode Kemendagri desa, mis. 63.04.04.2002"),
) -> None:
    """Cetak formulir A4 (PDF) siap diisi, dengan kode QR dan tanda registrasi."""
    from pipeline.forms.render import render_forms
    from pipeline.store.db import open_store
    from pipeline.store.issuance import IssuanceConflict, issue_serials

    template = _template(form_id)
    village = _village(desa, kecamatan, kode_desa)
    store = open_store(load_settings())
    try:
        with store.session() as session:
            issued = issue_serials(session, template.id, template.version, count,
                                   village.code if village else None, first=serial)
            identities = [
                Identity(form_id=template.id, version=template.version, serial=s,
                         village_code=village.code if village else None)
                for s in issued.serials
            ]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(render_forms(template, identities, village))
    except IssuanceConflict as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()
    where = f" untuk {village.label}" if village else ""
    console.print(f"{count} lembar {template.id}, nomor seri {issued.first:06d}-{issued.last:06d}"
                  f"{where} -> {out}")


@forms_app.command("layout")
def forms_layout(
    form_id: str = typer.Argument(..., help="KIM-01 atau KIM-02"),
    as_json: bool = typer.Option(False, "--json", help="keluaran JSON (mm dari kiri atas halaman)"),
) -> None:
    """Tata letak formulir: tanda registrasi, QR, setiap kotak isian dan pilihan, dalam mm."""
    layout = template_layout(_template(form_id))
    if as_json:
        typer.echo(json.dumps(layout, indent=2, ensure_ascii=False))
        return
    console.print(f"{layout['form_id']} versi {layout['version']}: {layout['title']}")
    for f in layout["fields"]:
        console.print(f"  {f['name']:<22} {f['type']:<14} {f['box']}")


@samples_app.command("generate")
def samples_generate(
    out: Path = typer.Option(..., "--out", "-o", help="folder keluaran"),
    count: int = typer.Option(20, min=1, max=20000, help="jumlah halaman formulir"),
    seed: int = typer.Option(1, help="benih acak; benih sama = hasil sama"),
    handwriting: float = typer.Option(0.35, min=0, max=1, help="porsi isian tulisan tangan"),
    bad_files: bool = typer.Option(False, "--bad-files", help="tambah 1 foto bukan formulir dan 1 berkas rusak"),
    today: str | None = typer.Option(None, help="tanggal acuan isian (YYYY-MM-DD; bawaan hari ini WITA)"),
    first_serial: int | None = typer.Option(None, help="nomor seri pertama (bawaan dari benih)"),
    pdf_share: float = typer.Option(0.6, min=0, max=1, help="porsi halaman pindaian yang digabung dalam PDF"),
    phone_long_side: int = typer.Option(2000, min=800, max=4000, help="sisi panjang foto HP (piksel)"),
    captures: str = typer.Option("scan=0.3,phone=0.4,chat=0.3", help="porsi gaya pengambilan gambar"),
) -> None:
    """Buat contoh pindaian, foto HP dan foto terusan aplikasi chat, masing-masing dengan kunci jawaban (JSON)."""
    from pipeline.route.config import default_routing
    from pipeline.samples.writer import SampleContext, write_sample_set

    ref = date.fromisoformat(today) if today else now_wita().date()
    try:
        shares = {k.strip(): float(v) for k, v in (part.split("=") for part in captures.split(","))}
    except ValueError:
        raise fail("--captures ditulis seperti scan=0.3,phone=0.4,chat=0.3") from None
    if not set(shares) <= {"scan", "phone", "chat"} or sum(shares.values()) <= 0:
        raise fail("--captures hanya mengenal scan, phone dan chat")
    ctx = SampleContext(default_templates(), default_gazetteer(), default_routing(), seed, ref,
                        phone_long_side=phone_long_side)
    first = first_serial if first_serial is not None else 1 + (seed * 1000) % 900_000
    with console.status("membuat contoh...") as status:
        files = write_sample_set(out, ctx, count, first_serial=first, handwriting_share=handwriting,
                                 bad_files=bad_files, pdf_share=pdf_share, captures=shares,
                                 progress=lambda p: status.update(f"membuat contoh... {p.name}"))
    console.print(f"{len(files)} berkas ({count} halaman formulir) di {out}")


SUMMARY_ROWS = (
    ("files", "Berkas diterima"), ("files_new", "  baru diproses"),
    ("files_known", "  sudah pernah diproses (dilewati)"), ("pages", "Halaman formulir"),
    ("routed", "Diteruskan ke SKPD"), ("needs_review", "Perlu diperiksa petugas"),
    ("duplicates", "Duplikat"), ("failed_pages", "Gagal dibaca"),
)


def _print_summary(summary: dict) -> None:
    from rich.table import Table

    from pipeline.reasons import LABELS, ReasonCode
    from pipeline.route.config import default_routing

    table = Table(title="Ringkasan", show_header=False)
    for key, label in SUMMARY_ROWS:
        table.add_row(label, str(summary[key]))
    console.print(table)
    units = default_routing().units
    if summary["routed_to"]:
        routed = Table("SKPD tujuan", "Formulir", title="Diteruskan ke")
        for code, n in summary["routed_to"].items():
            routed.add_row(units[code].name if code in units else code, str(n))
        console.print(routed)
    if summary["reasons"]:
        reasons = Table("Alasan", "Jumlah", title="Perlu diperiksa / gagal, karena")
        for code, n in summary["reasons"].items():
            reasons.add_row(LABELS[ReasonCode(code)], str(n))
        console.print(reasons)


@app.command("run")
def run(inbox: Path = typer.Argument(..., help="folder berisi foto/PDF formulir")) -> None:
    """Proses semua foto dan PDF di folder: baca, periksa, teruskan ke antrean SKPD."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    if not inbox.is_dir():
        raise fail(f"folder {inbox} tidak ditemukan")
    from flows import progress
    from flows.intake import inbox_files, intake

    total = len(inbox_files(inbox.resolve()))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("memproses berkas", total=total)

        def advance(name: str, status: str) -> None:
            bar.update(task, advance=1, description=f"memproses berkas ({name})")

        with progress.listening(advance):
            summary = intake(str(inbox))
    _print_summary(summary)
    home = load_settings().home
    console.print(f"Data tersimpan di {home} - lanjutkan dengan: kopi export, kopi report weekly")


@app.command("export")
def export(
    fmt: str = typer.Option("xlsx", "--format", "-f", help="jsonl, csv atau xlsx"),
    out: Path | None = typer.Option(None, "--out", "-o", help="berkas keluaran"),
    status: str | None = typer.Option(None, help="routed, needs_review, returned, duplicate, failed"),
    skpd: str | None = typer.Option(None, help="kode SKPD tujuan, mis. PUPR"),
    full_identity: bool = typer.Option(False, "--identitas-lengkap",
                                       help="NIK, HP dan identitas rahasia ditampilkan utuh (hanya petugas pemeriksa)"),
) -> None:
    """Ekspor rekaman formulir (satu baris per formulir). NIK dan nomor HP disamarkan."""
    from flows.reports import FORMATS, write_export
    from pipeline.record import Status
    from pipeline.report.privacy import Audience

    if fmt not in FORMATS:
        raise fail(f"format {fmt} tidak dikenal; pilih {', '.join(FORMATS)}")
    if status and status not in {s.value for s in Status}:
        raise fail(f"status {status} tidak dikenal; pilih {', '.join(s.value for s in Status)}")
    stamp = now_wita().strftime("%Y%m%d-%H%M")
    target = out or load_settings().output_dir / "ekspor" / f"formulir-{stamp}.{fmt}"
    audience = Audience.REVIEWER if full_identity else Audience.PUBLIC
    count = write_export(fmt, target, status, skpd.upper() if skpd else None, audience)
    if full_identity:
        err.print("[yellow]Perhatian:[/] berkas ini memuat data pribadi utuh (UU 27/2022); "
                  "jangan dibagikan di luar petugas pemeriksa.")
    console.print(f"{count} formulir -> {target}")


@queue_app.command("list")
def queue_list(
    skpd: str | None = typer.Option(None, help="kode SKPD, mis. PUPR (bawaan: semua)"),
    limit: int = typer.Option(50, min=1, help="paling banyak sekian baris"),
) -> None:
    """Formulir yang sudah diteruskan, per SKPD tujuan (terbaru di atas)."""
    from rich.table import Table

    from flows import runtime
    from pipeline.route.config import default_routing
    from pipeline.store.queries import queue_items

    units = default_routing().units
    with runtime.store().session() as session:
        rows = queue_items(session, skpd.upper() if skpd else None, limit)
    from pipeline.report.weekly import KIND_NAMES, QUEUE_STATES

    table = Table("SKPD (peran)", "Formulir", "Asal", "Diteruskan (WITA)", "Keadaan",
                  title=f"Antrean {skpd.upper() if skpd else 'semua SKPD'}")
    for item, record in rows:
        unit = units.get(item.target)
        serial = f"{record.serial:06d}" if record.serial else "-"
        place = f"{record.desa or '?'}, Kec. {record.kecamatan or '?'}"
        table.add_row(f"{unit.short if unit else item.target} ({KIND_NAMES.get(item.kind, item.kind).lower()})",
                      f"{record.form_id or '-'} {serial}", place,
                      item.created_at.astimezone(WITA).strftime("%d-%m-%Y %H.%M"),
                      QUEUE_STATES.get(item.state, item.state))
    console.print(table if rows else "Antrean kosong.")


@report_app.command("weekly")
def report_weekly(
    week: str | None = typer.Option(None, help="minggu ISO, mis. 2026-W48 (bawaan: minggu ini, WITA)"),
    out: Path | None = typer.Option(None, "--out", "-o", help="folder keluaran"),
) -> None:
    """Laporan mingguan penyaluran formulir: per SKPD, per kecamatan, alasan, antrean."""
    from flows.reports import write_weekly_report
    from pipeline.report.weekly import Week

    try:
        chosen = Week.parse(week) if week else Week.containing(now_wita())
    except ValueError:
        raise fail(f"minggu {week} tidak valid; tulis seperti 2026-W48") from None
    files = write_weekly_report(chosen, out or load_settings().output_dir / "laporan")
    console.print(f"Laporan minggu {chosen.label} ({chosen.describe()}):")
    console.print(f"  {files.html}")
    for path in files.csvs:
        console.print(f"  {path}")


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        err.print(f"[bold red]Konfigurasi tidak valid:[/]\n{exc}")
        raise SystemExit(2) from None
    except KopiError as exc:
        err.print(f"[bold red]Gagal:[/] {exc}")
        raise SystemExit(1) from None
