from __future__ import annotations

from pipeline.extract.villages import match_kecamatan, match_village


def test_exact_names_and_prefixes(gazetteer):
    assert match_village("Ds. Kuala Lupak", gazetteer, "Tabunganen").code == "63.04.01.2001"
    assert match_village("KEL. LEPASAN", gazetteer, None).code == "63.04.10.1001"
    assert match_kecamatan("Kec. Anjir Muara", gazetteer).name == "Anjir Muara"


def test_a_shared_name_needs_the_kecamatan(gazetteer):
    ambiguous = match_village("Karya Baru", gazetteer, None)
    assert ambiguous.code is None and len(ambiguous.candidates) == 2
    assert match_village("Karya Baru", gazetteer, "Barambai").code == "63.04.14.2008"


def test_a_typo_gives_candidates_not_an_answer(gazetteer):
    match = match_village("Kuala Lupek", gazetteer, "Tabunganen")
    assert match.code is None
    assert any("Kuala Lupak" in c for c in match.candidates)


def test_a_village_of_another_kecamatan_is_not_matched(gazetteer):
    assert match_village("Kuala Lupak", gazetteer, "Alalak").code is None
