from __future__ import annotations

import pytest

from pipeline.gazetteer import expand_code


def test_counts_match_the_official_list(gazetteer):
    assert len(gazetteer.kecamatan) == 17
    assert len(gazetteer.villages) == 201
    assert sum(v.kind == "kelurahan" for v in gazetteer.villages) == 6


def test_shared_names_are_told_apart_by_kecamatan(gazetteer):
    assert gazetteer.find("Tabunganen", "Karya Baru").code == "63.04.01.2006"
    assert gazetteer.find("barambai", "karya baru").code == "63.04.14.2008"
    with pytest.raises(KeyError):
        gazetteer.find("Alalak", "Karya Baru")


def test_codes_expand_and_look_up(gazetteer):
    assert expand_code("6304012001") == "63.04.01.2001"
    assert gazetteer.by_code("6304012001").name == "Kuala Lupak"
    assert gazetteer.by_code("63.04.10.1001").kind == "kelurahan"
    with pytest.raises(ValueError):
        expand_code("63040120")
