"""Form templates load, validate, and describe a printable page."""

from __future__ import annotations

import copy
import itertools

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.forms.registry import TemplateSet, builtin_template_dir, load_template_set
from pipeline.forms.template import COMB_TYPES, FieldType, parse_template

DOMAIN_FIELDS = {
    "KIM-01": {"nama_kegiatan", "jenis_kegiatan", "penyelenggara", "penanggung_jawab", "no_hp",
               "tanggal", "waktu_mulai", "waktu_selesai", "tempat", "desa", "kecamatan",
               "pimpinan", "peran", "jumlah_peserta"},
    "KIM-02": {"tanggal_pengaduan", "pelapor_nama", "pelapor_nik", "pelapor_alamat", "pelapor_rt",
               "pelapor_desa", "pelapor_kecamatan", "pelapor_hp", "kategori", "lokasi_kejadian",
               "uraian", "harapan", "rahasia"},
}
REQUIRED_SIGNATURES = {
    "KIM-01": {("penyelenggara", False), ("kepala_desa", True), ("camat", True)},
    "KIM-02": {("pelapor", False), ("kepala_desa", True)},
}


def raw(form_id: str) -> dict:
    return yaml.safe_load((builtin_template_dir() / f"{form_id}.yaml").read_text())


def test_both_forms_load_with_a_version(templates):
    assert templates.form_ids == ["KIM-01", "KIM-02"]
    for t in templates.templates:
        assert t.version >= 1


@pytest.mark.parametrize("form_id", ["KIM-01", "KIM-02"])
def test_templates_hold_the_domain_fields_and_signature_roles(templates, form_id):
    t = templates.get(form_id)
    names = {f.name for f in t.fields}
    assert DOMAIN_FIELDS[form_id] <= names
    required = {(f.role, f.stamp) for f in t.fields if f.type is FieldType.SIGNATURE and f.required}
    assert required == REQUIRED_SIGNATURES[form_id]


@pytest.mark.parametrize("form_id", ["KIM-01", "KIM-02"])
def test_every_box_lies_inside_the_page_and_none_overlap(templates, form_id):
    t = templates.get(form_id)
    boxes = t.boxes()
    for name, box in boxes.items():
        assert box.x >= 5 and box.y >= 5, name  # printers cannot print the outer 5 mm
        assert box.right <= t.page.width - 5 and box.bottom <= t.page.height - 5, name
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), f"{a} overlaps {b}"


@pytest.mark.parametrize("form_id", ["KIM-01", "KIM-02"])
def test_comb_cells_are_big_enough_for_handwriting(templates, form_id):
    for f in templates.get(form_id).fields:
        if f.type in COMB_TYPES:
            assert f.cells and all(c.w >= 5 and c.h >= 7.5 for c in f.cells), f.name
        elif f.type.is_written:
            assert f.box.h >= 7.5, f.name


def test_an_unknown_key_is_named_in_the_error():
    data = raw("KIM-02")
    data["fields"][2]["boxx"] = [1, 2, 3, 4]
    with pytest.raises(ConfigError, match=r"fields\.2\.boxx"):
        parse_template(data, "KIM-02.yaml")


def test_a_comb_whose_groups_do_not_add_up_is_refused():
    data = raw("KIM-02")
    data["fields"][0]["comb"]["groups"] = [2, 2, 3]
    with pytest.raises(ConfigError, match=r"fields\.0\.comb.*add up"):
        parse_template(data, "KIM-02.yaml")


def test_a_box_off_the_page_is_refused():
    data = raw("KIM-01")
    data["fields"][0]["box"] = [14, 290, 182, 8]
    with pytest.raises(ConfigError, match="outside the page"):
        parse_template(data)


def test_a_signature_without_role_is_refused():
    data = raw("KIM-01")
    sig = next(f for f in data["fields"] if f["type"] == "signature")
    del sig["role"]
    with pytest.raises(ConfigError, match="needs a role"):
        parse_template(data)


def test_two_forms_cannot_share_marker_ids(templates):
    kim01 = templates.get("KIM-01")
    clash = parse_template({**copy.deepcopy(raw("KIM-02")), "marks": {"ids": [0, 9, 10, 11]}})
    with pytest.raises(ConfigError, match="already used by KIM-01"):
        TemplateSet((kim01, clash))


def test_marker_ids_name_the_form(templates):
    assert templates.for_mark(2).id == "KIM-01"
    assert templates.for_mark(5).id == "KIM-02"
    assert templates.for_mark(40) is None


def test_an_empty_template_folder_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="no form templates"):
        load_template_set(tmp_path)
