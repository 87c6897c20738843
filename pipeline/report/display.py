"""Values as staff read them: dates `11-12-2026`, times `10.15`, options by their labels."""

from __future__ import annotations

from datetime import date

from pipeline.forms.template import FieldType, FormField
from pipeline.record import SourceRef


def display_value(f: FormField, value: str | list[str] | None) -> str:
    if value in (None, "", []):
        return "-"
    if f.type.is_choice:
        labels = {o.value: o.label for o in f.options or []}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, v) for v in values)
    text = str(value)
    if f.type is FieldType.DATE:
        try:
            return date.fromisoformat(text).strftime("%d-%m-%Y")
        except ValueError:
            return text
    if f.type is FieldType.TIME:
        return text.replace(":", ".")
    return text


def value_rows(template, row: dict) -> list[tuple[str, str]]:  # noqa: ANN001 - Template
    """(label, value) for every field of an export row, in the form's order (signatures excluded)."""
    out = []
    for f in template.fields:
        if f.name in row["fields"]:
            out.append((f.label, display_value(f, row["fields"][f.name]["value"])))
        elif f.name in row["choices"]:
            out.append((f.label, display_value(f, row["choices"][f.name]["selected"])))
    return out


def source_label(source: SourceRef) -> str:
    """Where in what was sent the form lies, for staff: the file, a PDF's page, and the form's
    place when one image shows several."""
    where = [f"berkas {source.filename}"]
    if source.pages > 1:
        where.append(f"hal. {source.page} dari {source.pages}")
    if source.sheets > 1:
        where.append(f"formulir ke-{source.sheet} dari {source.sheets} dalam satu gambar")
    return ", ".join(where)
