"""The geometry of a template as plain data, for `kopi forms layout --json` and any other tool
that places or reads fields. Millimetres from the top-left corner of the page."""

from __future__ import annotations

from typing import Any

from pipeline.forms.template import FormField, Template


def _field_layout(f: FormField) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": f.name,
        "label": f.label,
        "type": f.type.value,
        "required": f.required,
        "box": f.outline.as_list(),
    }
    if f.cells:
        out["cells"] = [c.as_list() for c in f.cells]
        out["cell_groups"] = f.cell_groups
    if f.lines:
        out["lines"] = f.lines
    if f.options:
        out["options"] = [{"value": o.value, "label": o.label, "box": o.box.as_list()} for o in f.options]
    if f.role:
        out["role"] = f.role
        out["stamp_expected"] = f.stamp
    if f.blocks_routing:
        out["blocks_routing"] = True
    return out


def template_layout(t: Template) -> dict[str, Any]:
    return {
        "form_id": t.id,
        "version": t.version,
        "title": t.title,
        "units": "mm",
        "origin": "top-left",
        "page": {"width": t.page.width, "height": t.page.height},
        "marks": {
            "dictionary": "DICT_4X4_50",
            "items": [
                {"id": mark_id, "corner": corner, "box": box.as_list()}
                for mark_id, (corner, box) in zip(t.marks.ids, t.mark_boxes().items())
            ],
        },
        "qr": t.qr.as_list(),
        "serial": t.serial.as_list(),
        "village": t.village.as_list(),
        "fields": [_field_layout(f) for f in t.fields],
    }
