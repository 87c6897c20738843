"""Villages and kecamatan as written on forms, against the official gazetteer (table-driven).
A written name either resolves to the right row or goes to review; never to a wrong row."""

from __future__ import annotations

import string

import numpy as np
import pytest

from pipeline.extract.villages import match_kecamatan, match_village, simplify

VILLAGES = [  # (written, kecamatan known, expected code or None, expected outcome)
    ("Anjir Muara Kota", "Anjir Muara", "63.04.04.2002", "exact"),
    ("Ds. Anjir Muara Kota", "Anjir Muara", "63.04.04.2002", "exact"),
    ("DESA ANJIR MUARA KOTA", "Anjir Muara", "63.04.04.2002", "exact"),
    ("desa anjir muara kota", None, "63.04.04.2002", "exact"),
    ("Ds.Anjir Muara Kota", "Anjir Muara", "63.04.04.2002", "exact"),
    ("Anjir  Muara   Kota.", "Anjir Muara", "63.04.04.2002", "exact"),
    ("Kel. Lepasan", "Bakumpai", "63.04.10.1001", "exact"),
    ("Kelurahan Marabahan Kota", "Marabahan", "63.04.15.1001", "exact"),
    ("Kel. Berangas Barat", "Alalak", "63.04.05.1001", "exact"),
    ("Sei Teras Luar", "Tabunganen", "63.04.01.2011", "exact"),
    ("Sei. Teras Luar", "Tabunganen", "63.04.01.2011", "exact"),
    ("Sungai Telan Muara", "Tabunganen", "63.04.01.2012", "exact"),
    ("Sei Punggu Baru", "Anjir Muara", "63.04.04.2011", "exact"),
    ("Purwosari 2", "Tamban", "63.04.02.2001", "exact"),
    ("Purwosari II", "Tamban", "63.04.02.2001", "exact"),
    ("Purwosari 1", "Tamban", "63.04.02.2002", "exact"),
    ("Tabunganen Perumus", "Tabunganen", "63.04.01.2007", "alias"),
    ("Simpang Arya", "Rantau Badauh", "63.04.07.2006", "alias"),
    ("Patih Salera", "Belawang", "63.04.08.2010", "alias"),
    ("Benua Anyar", "Bakumpai", "63.04.10.2002", "alias"),
    ("Sungai Lirik", "Bakumpai", "63.04.10.2009", "alias"),
    ("Semangat Bakti", "Alalak", "63.04.05.2009", "alias"),
    ("Antasan Segara", "Mandastana", "63.04.06.2017", "alias"),
    ("Karya Baru", "Tabunganen", "63.04.01.2006", "exact"),
    ("Karya Baru", "Barambai", "63.04.14.2008", "exact"),
    ("Belawang", "Belawang", None, None),  # filled below from the gazetteer
    ("Anjr Muara Kota", "Anjir Muara", "63.04.04.2002", "typo"),
    ("Tabunganen Tengha", "Tabunganen", "63.04.01.2005", "typo"),
    ("SUNGAI TERAS DALM", "Tabunganen", "63.04.01.2008", "typo"),
    ("Marabahan Kot", "Marabahan", "63.04.15.1001", "typo"),
    ("Karya Baru", None, None, "ambiguous"),  # two kecamatan have one
    ("Anjir Muara Kota", "Alalak", None, "elsewhere"),  # exists, but in Anjir Muara
    ("Karya Maju", "Barambai", None, "elsewhere"),  # exists in Marabahan, not Barambai
    ("Xyzzy", None, None, "unknown"),
    ("", "Alalak", None, "unknown"),
    ("Desa", "Alalak", None, "unknown"),
    ("Tabunganen", "Tabunganen", None, "ambiguous"),  # the kecamatan's name, several villages start so
]


@pytest.mark.parametrize("written, kecamatan, code, how", VILLAGES)
def test_villages(gazetteer, written, kecamatan, code, how):
    if written == "Belawang" and code is None:  # the desa named like its kecamatan
        code, how = gazetteer.find("Belawang", "Belawang").code, "exact"
    match = match_village(written, gazetteer, kecamatan)
    assert match.code == code
    if how is not None:
        assert match.how == how
    if code is None:
        assert match.name is None
    else:
        assert gazetteer.by_code(code).name == match.name


def typo(name: str, rng: np.random.Generator) -> str:
    """One slip of the pen: a letter swapped for another, dropped, doubled or transposed."""
    s, i = list(name), int(rng.integers(len(name)))
    kind = int(rng.integers(4))
    if kind == 0:
        s[i] = string.ascii_lowercase[int(rng.integers(26))]
    elif kind == 1 and len(s) > 4:
        del s[i]
    elif kind == 2 and i < len(s) - 1:
        s[i], s[i + 1] = s[i + 1], s[i]
    else:
        s.insert(i, string.ascii_lowercase[int(rng.integers(26))])
    return "".join(s)


def test_a_typo_resolves_to_the_right_village_or_to_review_never_a_wrong_one(gazetteer):
    rng = np.random.default_rng(7)
    official = {simplify(v.name) for v in gazetteer.villages}
    outcomes = {"right": 0, "review": 0}
    for village in gazetteer.villages:
        for _ in range(10):
            written = typo(village.name, rng)
            if simplify(written) in official - {simplify(village.name)}:
                continue  # the slip wrote another real village's name: no reader can know
            for kecamatan in (village.kecamatan, None):
                match = match_village(written, gazetteer, kecamatan)
                assert match.code in (None, village.code), (village.name, written, kecamatan, match.name)
                outcomes["right" if match.code else "review"] += 1
    assert outcomes["right"] > 3 * outcomes["review"]  # and most typos are still resolved


@pytest.mark.parametrize("written, expected", [
    ("Kec. Anjir Muara", "Anjir Muara"), ("Kecamatan Alalak", "Alalak"), ("MEKAR SARI", "Mekarsari"),
    ("Mekarsari", "Mekarsari"), ("tabunganen", "Tabunganen"), ("Tabunganenn", "Tabunganen"),
    ("Alalk", "Alalak"), ("Rantau Badauh", "Rantau Badauh"), ("Barito", None), ("", None),
    ("Anjir", None),
])
def test_kecamatan(gazetteer, written, expected):
    assert match_kecamatan(written, gazetteer).name == expected


def test_simplify_undoes_the_usual_variations():
    assert simplify("Ds. Sei Teras Luar") == simplify("sungai teras luar") == "sungai teras luar"
    assert simplify("Kec. Purwosari 2") == "purwosari ii"


@pytest.mark.parametrize(("written", "distinct"), [
    ("Sukaramai", True),  # no other listed name within two edits
    ("PUNTIK VENGAH", True),  # a clear typo of one that is
    ("Patih Selera", True),  # its near twin "Patih Salera" is its own older spelling
    ("Jelapat I", False),  # "Jelapat II" is one numeral away
    ("Andaman", False),  # "Andaman II" is the same words numbered
    ("Antar Jaya", False),  # "Antar Raya" is one letter away
    ("Anjir Seberang Pasar", False),  # an older spelling, not the official name read
])
def test_a_name_is_distinct_only_when_no_slip_turns_another_name_into_it(gazetteer, written, distinct):
    match = match_village(written, gazetteer, None)
    assert match.code is not None
    assert match.distinct is distinct


def test_every_kecamatan_name_is_distinct_but_an_older_spelling_is_not_the_name_read(gazetteer):
    assert match_kecamatan("Tabukan", gazetteer).distinct
    assert match_kecamatan("Anyir Pasar", gazetteer).distinct  # a typo of Anjir Pasar
    assert not match_kecamatan("Mekar Sari", gazetteer).distinct  # listed older spelling of Mekarsari
