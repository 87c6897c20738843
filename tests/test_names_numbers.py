from __future__ import annotations

import pytest

from pipeline.extract.names import clean_name
from pipeline.extract.numbers import parse_count, spell


@pytest.mark.parametrize("written, expected", [
    ("  SITI   RAHMAH |", "Siti Rahmah"), ("siti rahmah", "Siti Rahmah"), ("Siti Rahmah", "Siti Rahmah"),
    ("H. AHMAD BIN USMAN", "H. Ahmad bin Usman"), ("hj. siti aisyah", "Hj. Siti Aisyah"),
    ("pkk desa sungai tunjang", "PKK Desa Sungai Tunjang"), ("SDN 2 SUNGAI LUMBAH", "SDN 2 Sungai Lumbah"),
    ("MAJELIS TAKLIM AL-IKHLAS", "Majelis Taklim Al-Ikhlas"), ("karang taruna rt 03", "Karang Taruna RT 03"),
    ("Muhammad_Rizki~", "Muhammad Rizki"), ("GAPOKTAN TANI MAJU", "GAPOKTAN Tani Maju"),
    ("Nurul 'Aini", "Nurul 'Aini"), ("123", None), ("", None), ("||", None),
    ("Panitia Hari Besar Islam (PHBI)", "Panitia Hari Besar Islam (PHBI)"),
    ("PANITIA HARI BESAR ISLAM (PHBI)", "Panitia Hari Besar Islam (PHBI)"), ("panitia (phbi)", "Panitia (PHBI)"),
    ("Fatayat NU Sungai Tunjang", "Fatayat NU Sungai Tunjang"), ("KUB Nelayan", "KUB Nelayan"),
    ("Kelompok Tani BERKAH Jaya", "Kelompok Tani Berkah Jaya"), ("Posyandu ASRI", "Posyandu ASRI"), ("Muhammad ARSYADI", "Muhammad Arsyadi"),
    ("Siti (ibu rt)", "Siti (Ibu RT)"), ("()", None),
])
def test_names(written, expected):
    assert clean_name(written).value == expected


def test_names_are_only_recased_never_respelled():
    for written in ("RAHMADANT", "Hafsah Rahmadanl", "QOMARIAH"):
        value = clean_name(written).value
        assert value.casefold() == written.casefold()


@pytest.mark.parametrize("written, expected", [
    ("150", "150"), ("1.500", "1500"), ("1,500", "1500"), ("± 200 orang", "200"), ("200 org", "200"),
    ("kurang lebih 75 peserta", "75"), ("seratus", "100"), ("dua ratus lima puluh", "250"),
    ("seribu lima ratus", "1500"), ("tiga puluh lima", "35"), ("sebelas", "11"), ("dua belas", "12"),
    ("1 rb", "1000"), ("2 ribu", "2000"), ("l5O", "150"), ("abc", None), ("", None), ("12000", None),
    ("0", None), ("1.50", None),
])
def test_counts(written, expected):
    assert parse_count(written, 1, 9999).value == expected


def test_spelled_numbers_read_back():
    for n in (1, 9, 10, 11, 15, 20, 21, 99, 100, 101, 110, 250, 999, 1000, 1500, 2024, 9999):
        assert parse_count(spell(n)).value == str(n), spell(n)
