"""Stable reason codes for every exception a form can raise, with the Indonesian sentence staff read.

Codes are data: the store, the export, the review page and the weekly report key on them, so a code
is never renamed. The sentence is a template filled from the context of the finding (field label,
what was read, what was expected).
"""

from __future__ import annotations

from enum import StrEnum
from string import Formatter


class ReasonCode(StrEnum):
    # The file or page as a whole.
    FILE_UNREADABLE = "file_unreadable"
    FILE_UNSUPPORTED = "file_unsupported"
    FILE_TOO_MANY_PAGES = "file_too_many_pages"
    MARKS_NOT_FOUND = "marks_not_found"
    PAGE_BLANK = "page_blank"
    CAPTURE_BLURRY = "capture_blurry"
    CAPTURE_DARK = "capture_dark"
    CAPTURE_GLARE = "capture_glare"
    CAPTURE_LOW_RES = "capture_low_res"
    CAPTURE_CUT_OFF = "capture_cut_off"
    NOT_A_FORM = "not_a_form"
    FORM_UNMARKED = "form_unmarked"
    SEVERAL_FORMS = "several_forms"
    UNKNOWN_FORM = "unknown_form"
    IDENTITY_UNREADABLE = "identity_unreadable"
    IDENTITY_MISMATCH = "identity_mismatch"
    DUPLICATE_SERIAL = "duplicate_serial"
    SERIAL_CONFLICT = "serial_conflict"
    OCR_FAILED = "ocr_failed"
    PROCESSING_ERROR = "processing_error"
    # Fields.
    FIELD_MISSING = "field_missing"
    FIELD_LOW_CONFIDENCE = "field_low_confidence"
    FIELD_PAGE_UNCLEAR = "field_page_unclear"
    FIELD_INVALID = "field_invalid"
    DIGITS_DISAGREE = "digits_disagree"
    CHOICE_NONE = "choice_none"
    CHOICE_MULTIPLE = "choice_multiple"
    CHOICE_UNCERTAIN = "choice_uncertain"
    DATE_DAY_MISMATCH = "date_day_mismatch"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    TIME_ORDER = "time_order"
    NIK_REGION = "nik_region"
    NIK_KECAMATAN = "nik_kecamatan"
    NIK_BIRTH_DATE = "nik_birth_date"
    VILLAGE_UNKNOWN = "village_unknown"
    VILLAGE_AMBIGUOUS = "village_ambiguous"
    VILLAGE_NOT_IN_KECAMATAN = "village_not_in_kecamatan"
    PREPRINT_MISMATCH = "preprint_mismatch"
    # Signatures and stamps.
    SIGNATURE_MISSING = "signature_missing"
    SIGNATURE_UNCERTAIN = "signature_uncertain"
    STAMP_MISSING = "stamp_missing"
    # Routing.
    ROUTE_UNDECIDED = "route_undecided"
    CATEGORY_MISMATCH = "category_mismatch"
    # Notes for Prokopimda that do not stop a form.
    SCHEDULE_CONFLICT = "schedule_conflict"


MESSAGES: dict[ReasonCode, str] = {
    ReasonCode.FILE_UNREADABLE: "Berkas rusak atau tidak dapat dibuka ({detail}).",
    ReasonCode.FILE_UNSUPPORTED: "Jenis berkas tidak didukung ({detail}); kirim foto JPG/PNG atau PDF.",
    ReasonCode.FILE_TOO_MANY_PAGES: "PDF berisi {pages} halaman, melebihi batas {limit} halaman; "
    "pisahkan menjadi beberapa berkas.",
    ReasonCode.MARKS_NOT_FOUND: "Tanda registrasi tidak ditemukan: pastikan keempat kotak hitam di "
    "sudut formulir terlihat jelas di foto.",
    ReasonCode.NOT_A_FORM: "Bukan formulir KIM: tidak ada tanda registrasi maupun kode formulir.",
    ReasonCode.PAGE_BLANK: "Halaman kosong (tidak ada tulisan maupun formulir).",
    ReasonCode.CAPTURE_BLURRY: "Foto buram{detail}; mohon difoto ulang dengan kamera fokus dan tangan "
    "diam.",
    ReasonCode.CAPTURE_DARK: "Foto terlalu gelap; mohon difoto ulang di tempat yang terang.",
    ReasonCode.CAPTURE_GLARE: "Ada pantulan cahaya yang menutupi sebagian formulir{detail}; mohon difoto "
    "ulang tanpa lampu/sinar yang memantul di kertas.",
    ReasonCode.CAPTURE_LOW_RES: "Resolusi foto terlalu kecil ({detail}); mohon kirim foto asli "
    "(bukan tangkapan layar atau foto yang diperkecil), formulir memenuhi layar.",
    ReasonCode.CAPTURE_CUT_OFF: "Sebagian formulir terpotong di foto ({detail}); mohon difoto ulang "
    "dengan seluruh halaman terlihat.",
    ReasonCode.FORM_UNMARKED: "Tanda registrasi dan kode QR tidak terbaca (fotokopi atau formulir "
    "versi lama?); formulir dikenali dari judulnya sebagai {title} ({form_id}), nomor seri "
    "terbaca {serial}. Letak isian hanya diperkirakan (dari tepi kertas atau cetakannya): periksa "
    "nomor seri dan semua isian.",
    ReasonCode.SEVERAL_FORMS: "Foto ini berisi {count} formulir; hanya satu yang dibaca. Mohon setiap "
    "formulir difoto sendiri, satu foto satu formulir, lalu dikirim ulang.",
    ReasonCode.UNKNOWN_FORM: "Formulir tidak dikenal ({detail}).",
    ReasonCode.IDENTITY_UNREADABLE: "Kode QR dan nomor seri formulir tidak terbaca.",
    ReasonCode.IDENTITY_MISMATCH: "Identitas formulir tidak konsisten: {detail}.",
    ReasonCode.DUPLICATE_SERIAL: "Formulir {form_id} nomor seri {serial} sudah pernah diterima "
    "({original}).",
    ReasonCode.SERIAL_CONFLICT: "Nomor seri {serial} formulir {form_id} sudah dipakai formulir lain "
    "dengan isi berbeda ({original}, berbeda pada: {fields}); periksa apakah formulir kosong "
    "difotokopi atau nomor serinya salah.",
    ReasonCode.OCR_FAILED: "Pembacaan teks gagal ({detail}).",
    ReasonCode.PROCESSING_ERROR: "Terjadi kesalahan saat memproses halaman ini ({detail}).",
    ReasonCode.FIELD_MISSING: "Isian \"{label}\" wajib diisi tetapi kosong.",
    ReasonCode.FIELD_LOW_CONFIDENCE: "Isian \"{label}\" kurang jelas terbaca (\"{read}\", "
    "keyakinan {confidence}%); mohon periksa.",
    ReasonCode.FIELD_PAGE_UNCLEAR: "Isian \"{label}\" terbaca \"{read}\", tetapi tulisan di halaman "
    "ini secara keseluruhan kurang jelas; mohon periksa.",
    ReasonCode.FIELD_INVALID: "Isian \"{label}\" tidak sesuai: terbaca \"{read}\", "
    "seharusnya {expected}.",
    ReasonCode.DIGITS_DISAGREE: "Isian \"{label}\": angka kurang jelas; pembaca pertama membaca "
    "{read}, pembaca kedua {other}. Mohon periksa pada gambar.",
    ReasonCode.CHOICE_NONE: "Pilihan \"{label}\" belum dicentang.",
    ReasonCode.CHOICE_MULTIPLE: "Pilihan \"{label}\" dicentang lebih dari satu ({read}).",
    ReasonCode.CHOICE_UNCERTAIN: "Centang pada \"{label}\" kurang jelas; mohon periksa.",
    ReasonCode.DATE_DAY_MISMATCH: "Isian \"{label}\": hari tertulis {day}, tetapi {date} jatuh pada "
    "hari {actual}.",
    ReasonCode.DATE_OUT_OF_RANGE: "Isian \"{label}\": tanggal {date} tidak wajar; seharusnya {expected}.",
    ReasonCode.TIME_ORDER: "Waktu selesai {end} tidak sesudah waktu mulai {start}.",
    ReasonCode.NIK_REGION: "NIK {read}: kode wilayah {region} tidak dikenal; NIK penduduk Barito Kuala "
    "diawali 6304.",
    ReasonCode.NIK_KECAMATAN: "NIK {read} berkode Kecamatan {nik_kecamatan}, tetapi kecamatan yang "
    "ditulis {kecamatan}.",
    ReasonCode.NIK_BIRTH_DATE: "NIK {read}: angka ke-7 sampai ke-12 ({part}) bukan tanggal lahir yang "
    "sah (tgl-bln-thn, tanggal +40 untuk perempuan).",
    ReasonCode.VILLAGE_UNKNOWN: "Isian \"{label}\": \"{read}\" tidak ada di daftar wilayah Barito "
    "Kuala{hint}.",
    ReasonCode.VILLAGE_AMBIGUOUS: "Isian \"{label}\": \"{read}\" bisa berarti {candidates}; mohon "
    "pilih yang benar.",
    ReasonCode.VILLAGE_NOT_IN_KECAMATAN: "Desa {desa} tidak berada di Kecamatan {kecamatan} "
    "(terdaftar di Kecamatan {actual}).",
    ReasonCode.PREPRINT_MISMATCH: "Isian \"{label}\" tertulis \"{read}\", tetapi formulir ini "
    "dicetak khusus untuk {printed}.",
    ReasonCode.SIGNATURE_MISSING: "Tanda tangan {label} tidak ditemukan.",
    ReasonCode.SIGNATURE_UNCERTAIN: "{what} {label} kurang jelas; mohon periksa.",
    ReasonCode.STAMP_MISSING: "Cap/stempel {label} tidak ditemukan.",
    ReasonCode.ROUTE_UNDECIDED: "SKPD tujuan belum dapat ditentukan ({detail}).",
    ReasonCode.CATEGORY_MISMATCH: "Kategori yang dicentang \"{ticked}\", tetapi isi pengaduan lebih "
    "cocok dengan \"{predicted}\" ({confidence}%); mohon tentukan kategorinya.",
    ReasonCode.SCHEDULE_CONFLICT: "Jadwal bentrok: {leader} juga diminta hadir di \"{other}\" "
    "({place}) pada {when}.",
}

def message_for(code: ReasonCode, **params: object) -> str:
    """The Indonesian sentence for `code`; a missing parameter shows as '?' instead of failing."""
    template = MESSAGES[code]
    names = {name for _, name, _, _ in Formatter().parse(template) if name}
    values = {name: params.get(name, "?") for name in names}
    return template.format(**values)


# Short labels for tables and filters, where the full sentence would not fit.
LABELS: dict[ReasonCode, str] = {
    ReasonCode.FILE_UNREADABLE: "Berkas rusak",
    ReasonCode.FILE_UNSUPPORTED: "Jenis berkas tidak didukung",
    ReasonCode.FILE_TOO_MANY_PAGES: "PDF terlalu banyak halaman",
    ReasonCode.MARKS_NOT_FOUND: "Tanda registrasi tidak ditemukan",
    ReasonCode.NOT_A_FORM: "Bukan formulir KIM",
    ReasonCode.PAGE_BLANK: "Halaman kosong",
    ReasonCode.CAPTURE_BLURRY: "Foto buram",
    ReasonCode.CAPTURE_DARK: "Foto terlalu gelap",
    ReasonCode.CAPTURE_GLARE: "Pantulan cahaya",
    ReasonCode.CAPTURE_LOW_RES: "Resolusi foto kecil",
    ReasonCode.CAPTURE_CUT_OFF: "Formulir terpotong",
    ReasonCode.FORM_UNMARKED: "Formulir tanpa tanda registrasi",
    ReasonCode.SEVERAL_FORMS: "Beberapa formulir dalam satu foto",
    ReasonCode.UNKNOWN_FORM: "Formulir tidak dikenal",
    ReasonCode.IDENTITY_UNREADABLE: "Kode formulir tidak terbaca",
    ReasonCode.IDENTITY_MISMATCH: "Identitas formulir tidak konsisten",
    ReasonCode.DUPLICATE_SERIAL: "Nomor seri ganda",
    ReasonCode.SERIAL_CONFLICT: "Nomor seri sama, isi berbeda",
    ReasonCode.OCR_FAILED: "Pembacaan teks gagal",
    ReasonCode.PROCESSING_ERROR: "Kesalahan pemrosesan",
    ReasonCode.FIELD_MISSING: "Isian wajib kosong",
    ReasonCode.FIELD_LOW_CONFIDENCE: "Isian kurang jelas",
    ReasonCode.FIELD_PAGE_UNCLEAR: "Tulisan halaman kurang jelas",
    ReasonCode.FIELD_INVALID: "Isian tidak sesuai",
    ReasonCode.DIGITS_DISAGREE: "Angka terbaca berbeda",
    ReasonCode.CHOICE_NONE: "Pilihan belum dicentang",
    ReasonCode.CHOICE_MULTIPLE: "Pilihan dicentang lebih dari satu",
    ReasonCode.CHOICE_UNCERTAIN: "Centang kurang jelas",
    ReasonCode.DATE_DAY_MISMATCH: "Hari tidak cocok dengan tanggal",
    ReasonCode.DATE_OUT_OF_RANGE: "Tanggal tidak wajar",
    ReasonCode.TIME_ORDER: "Waktu selesai sebelum waktu mulai",
    ReasonCode.NIK_REGION: "Kode wilayah NIK tidak dikenal",
    ReasonCode.NIK_KECAMATAN: "NIK tidak cocok dengan kecamatan",
    ReasonCode.NIK_BIRTH_DATE: "Tanggal lahir di NIK tidak sah",
    ReasonCode.VILLAGE_UNKNOWN: "Desa/kelurahan tidak dikenal",
    ReasonCode.VILLAGE_AMBIGUOUS: "Nama desa meragukan",
    ReasonCode.VILLAGE_NOT_IN_KECAMATAN: "Desa tidak di kecamatan tersebut",
    ReasonCode.PREPRINT_MISMATCH: "Desa berbeda dengan yang tercetak",
    ReasonCode.SIGNATURE_MISSING: "Tanda tangan tidak ada",
    ReasonCode.SIGNATURE_UNCERTAIN: "Tanda tangan/cap kurang jelas",
    ReasonCode.STAMP_MISSING: "Cap/stempel tidak ada",
    ReasonCode.ROUTE_UNDECIDED: "SKPD tujuan belum ditentukan",
    ReasonCode.CATEGORY_MISMATCH: "Kategori tidak cocok dengan isi",
    ReasonCode.SCHEDULE_CONFLICT: "Jadwal pimpinan bentrok",
}

# Notes: shown to staff, but never keep a form from being routed.
# Capture findings are notes on a form that could be read: the field confidences decide whether it
# waits for a reviewer, and the note tells the reviewer (and the village) why it was hard.
NOTES: frozenset[ReasonCode] = frozenset({
    ReasonCode.SCHEDULE_CONFLICT, ReasonCode.CAPTURE_BLURRY, ReasonCode.CAPTURE_DARK,
    ReasonCode.CAPTURE_GLARE, ReasonCode.CAPTURE_LOW_RES})
