"""Readings of free text that are likely slips although every word looks like a word, for a
reviewer to confirm rather than to be accepted unseen:

- in prose (a paragraph, or a one-line place or activity, not a person's name), a word one usual
  misreading away from a much commoner word: "gan" where "dan" is 1000 times commoner, "fani"
  (not a word) where "tani" is one, "pesa" where "desa" is;
- in a paragraph, a full stop read as a comma before a sentence's first word ("sudah pecah,
  Bulan lalu"): a common word is capitalised after a comma only when a new sentence starts
  there, or a place's name ("warga RT 03, Desa Palingkau"), so words that begin one are left;
- a colon inside a word, likelier an i whose dot and stem came apart ("Anj:r");
- an abbreviation no list knows, one capital's misreading away from one listed ("SON" for SDN);
- a space lost before a short number or roman numeral: "Jalurl" for "Jalur 1", "Jalur3",
  "DUSUN IRT 02";
  a closing roman numeral whose first I was read as T ("Pasar Kota TI");
- "Jl." (jalan, street) opening a place with its J or l read as another stroke ("II. Poros
  Desa", "TL. POROS DESA", "Ji. Padat Karya"): tesseract's weakest word in an address is most
  often its "Jl.", and both models can read the same slip there;
- an RT or RW number that starts with 9 ("RT 93"): they are written with a leading 0 and a
  village seldom has more than a few dozen, so the 9 is likelier a 0 with an open loop;
- in prose, a lower-case word no list knows, nor its root, one usual misreading away from an
  affixed word of a common root: "penjemihan" for penjernihan (root "jernih");
- in a person's name, a doubled i inside a word ("Eriiana" for Erliana);
- an apostrophe inside a word no list knows ("Penyu'uban"): two readers agreeing there proves
  little (`odd_apostrophes`);
- a Q read as O ("Oadri", "Al-Our'an", "MTO"): Q is rare in the text tesseract's Indonesian
  model learnt from, but common in names of Arabic origin; Indonesian words almost never begin
  with O and a vowel, and an O or G whose Q makes a common word of a rare one ("MTO",
  "Gur'an") is a Q.

The spelling step cannot fix these: the word read may itself be a word, and the commoner word is
only likelier, not certain. Frequencies are wordfreq's Indonesian list (installed with the
package, nothing fetched at run time) on its Zipf scale (log10 of occurrences per billion words:
"dan" 7.4, "tani" 4.0). Measured on three calibration seeds (bench/calibrate.py's, not the
benchmark's): 1 of 189 paragraphs as written is doubted ("KKS"); of 282 paragraphs as read, 29
are, 28 of them misread. On twelve seeds' one-line prose values (places, activities,
organisations) word doubts held 46 of 496 misread values ("Gedung Serbaguna pesa", "Handil
Magjid") and, once the local words below were added, 1 of 2975 right ones. A hand's b read as p
("penih" for benih, "perturut-turut", read so by both models and accepted) was added later: on
the twelve training seeds it doubted 10 more misread free-text values and, with "panting" (the
Banjar lute) a local word, no right one. An abbreviation listed in singkatan.csv is taken as
written: "KKS" and "PTM" had been doubted as "kas" and "stm", commoner words one slip away; on
the six training seeds of pairs that let 7 more typed values through (chat, phone and scan
photos), none wrong.
"""

from __future__ import annotations

import math
import re
import threading
from functools import lru_cache

import snowballstemmer
from wordfreq import get_frequency_dict

from pipeline.extract.spelling import one_away
from pipeline.lexicon import ACRONYM, acronyms, lexicon

# What was read -> what may have been meant: letter shapes tesseract confuses in type and hands.
PAIRS: tuple[tuple[str, str], ...] = (
    ("h", "b"), ("b", "h"), ("rn", "m"), ("m", "rn"), ("i", "l"), ("l", "i"), ("c", "e"), ("e", "c"),
    ("cl", "d"), ("d", "cl"), ("n", "ri"), ("ri", "n"), ("y", "g"), ("g", "y"), ("s", "g"), ("g", "s"),
    ("s", "c"), ("s", "p"), ("p", "s"), ("g", "d"), ("d", "g"), ("j", "l"), ("l", "j"), ("f", "t"),
    ("t", "f"), ("n", "h"), ("h", "n"), ("p", "d"), ("o", "e"), ("e", "o"), ("p", "b"), ("b", "p"),
    # A g whose tail the crop or a smear lost ("diaanti", "Gudana", "Yana"): on the twelve
    # training seeds' readings it doubted 37 more misread values and no right one.
    ("a", "g"),
    # A j read as y ("tepi anyir" for anjir, the canals Barito Kuala's villages lie along, read so
    # by both models on seed 2035): 5 more misread values doubted on the training seeds, no right one.
    ("y", "j"),
    # An i read as j, its dot joined to a stem dragged below the line ("juran" for iuran, read so
    # by both models on a chat-forwarded pair of the bench set of seed 2043, and accepted): on the
    # eighteen training seeds' readings it doubts 4 misread values ("jtu", "kAmj", "BENJH") and
    # no right one.
    ("j", "i"),
)
GAP = 2.0  # the other word is at least 100 times commoner
COMMON = 3.0  # and common in its own right (about 1 in a million words)
MIN_LENGTH = 3  # "yg", "gg": abbreviations, not slips
# Everyday words of Barito Kuala that a national frequency list underrates (a siring is a
# riverside embankment, musim gadu the dry-season planting, panting the Banjar lute) and common abbreviations (KUB, a
# joint business group; PKH, the family hope programme; PIRT, a home food-business licence).
# Sempadan (sungai), the setback a building must keep from a river, a common complaint along
# Barito Kuala's rivers: neither word list has it, and the affixed-slip doubt (AFFIXED) took it
# for "pempadan" on three right typed values of the standard bench set.
LOCAL_WORDS = frozenset({"gang", "galam", "handil", "anjir", "sei", "langgar", "jukung", "kelotok", "siring",
                         "gadu", "kub", "pkh", "pirt", "panting", "sempadan"})
# Words of this domain the national list lacks, with the frequency they have in village
# complaints: "jalan rabat beton" (a concrete village road) is among the commonest subjects, and
# both models read its b as h ("Rahat Beton": accepted 4 times in the hard-set bench runs before,
# twice on the training seeds); wordfreq has neither word, and the spelling list knows "rahat",
# so nothing else doubted it.
# "Al-Muttaqin", "Darul Muttaqin" are among the commonest names of mosques and langgar; wordfreq
# lacks the word, and both models read its q as g ("Masjid Besar Darul Muttagin", accepted on a
# training seed of pairs when a second reading counted on coarse sheets), so `likely_q` restores it.
DOMAIN_ZIPF = {"rabat": 4.0, "muttaqin": 4.0}
_WORD = re.compile(r"[A-Za-z]+")
_GLUED_MARKER = re.compile(r"\b(I{1,3})(RT|RW)(?=\s*\d)", re.IGNORECASE)
_GLUED_NUMBER = re.compile(r"\b([A-Za-z]{4,})([l1I]|[2-9]\d?)\b")
_GLUED_WORD = re.compile(r"\b[A-Za-z]{6,}\b")
# Little words both readers glue to their neighbour when the space between is narrow ("jalurdan",
# "jugaikut" on the benchmark sets). Not "di"/"ke": as prefixes they make words the frequency
# list lacks ("dinormalisasi", "dikorek"), 13 right values on the training seeds would be doubted.
# "ini" and "itu" ("dari jalanini", curled training seed 4083, accepted): no right value doubted
# among 5562 free-text values of the training seeds' readings.
GLUE_WORDS = ("dan", "juga", "ikut", "yang", "ini", "itu")
# A colon inside a word is an i (or l) whose dot and stem came apart ("Lapangan Bola Anj:r",
# curled training seed 4087, accepted): no right value on the training seeds has one. Two
# words a writer joined with a colon ("Catatan:tidak ada") are not one: only where the word
# with an i is a word, or one side is too short to be one ("Raman:a").
_COLON_IN_WORD = re.compile(r"\b([A-Za-z]+):([a-z]+)\b")
# Capital letters small or blurred type turns into one another. A capitalised abbreviation no
# list knows, one of these away from one listed (lexicon.acronyms: "SON" for SDN, "SNP" for SMP,
# "PDAN" for PDAM), is likelier that one: a misread seldom lands on another listed one. Prompted
# by "Halaman SON Sinar Baru 1", accepted on the pair bench set of seed 2043 once a coarse
# sheet's grey ink was darkened (ocr/clean.py). In the training seeds' readings (9663 free-text
# values) it doubts 10 misread values ("PLTG", "SNP", "PDAN") and no right one; an everyday word
# in capitals ("INI", read in a line that lost its capitals) is left as it is, but not a rarer
# one: "son" is commoner than "sdn" in the frequency list, yet "SON" in capitals is no word.
# That makes the list matter: an abbreviation in real use but not listed, next to a listed one,
# is held with the listed one offered. Those the frequency list knows (Zipf >= 3.3) beside a
# listed one were looked over and the real ones listed (SDM, IPA, IPS, DPD, NTB, MIS, ...);
# two-letter ones (RS, MT) have too many neighbours and are left as read.
CAPITAL_PAIRS: tuple[tuple[str, str], ...] = (
    ("O", "D"), ("D", "O"), ("C", "G"), ("G", "C"), ("I", "L"), ("L", "I"), ("E", "F"), ("F", "E"),
    ("P", "R"), ("R", "P"), ("B", "R"), ("H", "N"), ("N", "H"), ("M", "N"), ("N", "M"), ("U", "V"),
    ("V", "U"), ("S", "G"), ("G", "S"), ("T", "I"), ("I", "T"),
)
EVERYDAY = 5.0  # Zipf: "ini" 7.2, "mu" 5.6; "son" 4.0
_COMMA_BEFORE = re.compile(r",(\s+)([A-Z][a-z]+)\b")
# Words that begin the name of a place or an office, capitalised after a comma in an address.
PLACE_WORDS = frozenset({"desa", "dusun", "kelurahan", "kecamatan", "kabupaten", "kota", "jalan", "jl", "gang",
                         "gg", "pasar", "kampung", "komplek", "perumahan", "sungai", "pulau", "ujung", "kantor",
                         "balai", "rumah", "masjid", "sekolah", "lapangan", "kebun", "pelabuhan", "dermaga"})
# Held, never rewritten: "Lab TI" (informatics) is held too, and a reviewer keeps it.
_CLOSING_ROMAN = re.compile(r"(?<=[A-Za-z] )T([Il]{1,2})$")
# "Jl." misread: a J or l taken for I, T or i (and I for l). Only where a place's name starts,
# at the start of the value or after a comma, and never "Jl" or "JL" themselves.
_STREET = re.compile(r"(?:^|(?<=, ))(?!Jl\b|JL\b)(?:[IT][lLI]|J[iI1])(?:\.\s*|\s+)(?=[A-Z][A-Za-z])")
_NINE_FOR_ZERO = re.compile(r"\b(RT|RW)(\.?\s*)9(\d)\b", re.IGNORECASE)
_LIKELY_Q = re.compile(r"(?<![A-Za-z'])O(?=[aouAOU])")
_MAY_HIDE_Q = re.compile(r"\b[A-Za-z']*[OGg][A-Za-z']*")
_AS_Q = {"O": "Q", "G": "Q", "g": "q"}
_ACRONYM = re.compile(rf"\b{ACRONYM.pattern}\b")


@lru_cache(maxsize=1)
def zipf() -> dict[str, float]:
    return {**{w: math.log10(f) + 9 for w, f in get_frequency_dict("id").items()}, **DOMAIN_ZIPF}


def likelier(word: str, names: frozenset[str] = frozenset()) -> str | None:
    """The much commoner word `word` may be a misreading of (lower case), or None. Place names
    (`names`) and local words are taken as written. A lower-case word may also be a misread
    affixed word (`affixed_slip`)."""
    w = word.lower()
    if len(w) < MIN_LENGTH or w in names or w in LOCAL_WORDS:
        return None
    table = zipf()
    best = max(one_away(w, PAIRS), key=lambda n: (table.get(n, 0.0), n), default=None)
    if best is not None and table.get(best, 0.0) >= COMMON and table.get(best, 0.0) >= table.get(w, 0.0) + GAP:
        return best
    return affixed_slip(w) if word.islower() else None


# AFFIXED: Indonesian builds words with prefixes and suffixes (pen- + jernih + -an), and neither
# word list has every such word, so a misread one is not one usual slip from a listed word:
# "penjemihan" (rn read as m) for penjernihan, read so by both models on a coarse chat-forwarded
# sheet of the unmarked pairs bench set of seed 2047 and accepted. A lower-case word neither list
# knows, whose root (Snowball's Indonesian stemmer) neither knows either, is doubted where one
# usual slip makes an affixed word of a common root (Zipf >= COMMON): "jemih" is no root, "jernih"
# is. Affixed words the lists lack but whose root they know ("ditambal", "sambungannya") are left;
# a capitalised word is likelier a name. Of the 1359 lower-case words of the sample generator's
# texts it doubted one, "sempadan" (now a local word), as "pempadan". On six training seeds
# (pairs 4091, 4093, 4095, pairs with unmarked forms 4107, standard 4109, hard 4103; 1628 accepted
# free-text values, 3 wrong) it held one right value ("sempadan") and none of the wrong ones.
_STEMMERS = threading.local()  # a Snowball stemmer keeps state between calls: one per thread


@lru_cache(maxsize=65536)
def root(word: str) -> str:
    """The root of an Indonesian word, affixes stripped by the Snowball stemmer ("penjernihan" ->
    "jernih"). Rule-based, so a misread word gets a root of letters too ("penjemihan" -> "jemih")."""
    if not hasattr(_STEMMERS, "id"):
        _STEMMERS.id = snowballstemmer.stemmer("indonesian")
    return _STEMMERS.id.stemWord(word)


def affixed_slip(word: str) -> str | None:
    """An affixed word of a common root one usual slip away from `word` (lower case), when
    neither word list knows `word` nor its root (see AFFIXED); otherwise None."""
    table, words = zipf(), lexicon()
    stem = root(word)
    if word in words or stem in words or table.get(word, 0.0) > 0 or table.get(stem, 0.0) > 0:
        return None
    found = [(table.get(root(other), 0.0), other) for other in one_away(word, PAIRS) if root(other) != other]
    score, best = max(found, default=(0.0, None))
    return best if score >= COMMON else None


def _swap_doubtful(text: str, names: frozenset[str]) -> str:
    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        if word in acronyms():  # a listed abbreviation is taken as written ("PTM", not "stm")
            return word
        found = likelier(word, names)
        if found is None:
            return word
        return found.upper() if word.isupper() else (found.capitalize() if word[0].isupper() else found)

    return _WORD.sub(swap, text)


def _unglued(m: re.Match[str], names: frozenset[str]) -> str:
    stem, tail = m.groups()
    table = zipf()
    whole = m.group(0).lower()
    if whole in names or table.get(whole, 0.0) > 0 or table.get(stem.lower(), 0.0) < COMMON:
        return m.group(0)
    return f"{stem} {'I' if tail == 'I' else '1' if tail in 'l1' else tail}"


def _split_glued(m: re.Match[str], names: frozenset[str]) -> str:
    word = m.group(0)
    w = word.lower()
    table = zipf()
    if w in names or w in LOCAL_WORDS or table.get(w, 0.0) > 0:
        return word
    for little in GLUE_WORDS:
        n = len(little)
        if w.endswith(little) and table.get(w[:-n], 0.0) >= COMMON and len(w) - n >= MIN_LENGTH:
            return f"{word[:-n]} {word[-n:]}"
        if w.startswith(little) and table.get(w[n:], 0.0) >= COMMON and len(w) - n >= MIN_LENGTH:
            return f"{word[:n]} {word[n:]}"
    return word


def _colon_as_i(m: re.Match[str], names: frozenset[str]) -> str:
    before, after = m.groups()
    word = f"{before}i{after}"
    known = word.lower() in names or word.lower() in LOCAL_WORDS or zipf().get(word.lower(), 0.0) > 0
    return word if known or min(len(before), len(after)) <= 3 else m.group(0)


def _listed_acronym(m: re.Match[str]) -> str:
    word, known = m.group(0), acronyms()
    if len(word) < MIN_LENGTH or word in known or zipf().get(word.lower(), 0.0) >= EVERYDAY:
        return word
    return min((c for c in one_away(word, CAPITAL_PAIRS) if c in known), default=word)


def _full_stop(m: re.Match[str], names: frozenset[str]) -> str:
    word = m.group(2).lower()
    if word in names or word in LOCAL_WORDS or word in PLACE_WORDS or zipf().get(word, 0.0) < COMMON:
        return m.group(0)  # a place or a person after a comma is capitalised anyway
    return f".{m.group(1)}{m.group(2)}"


def likelier_text(text: str, names: frozenset[str] = frozenset(), paragraph: bool = False) -> str | None:
    """`text` (prose: a person's name is spelt as its owner spells it, so never ask this of one)
    as it was more likely written, or None when nothing in it is doubtful. `paragraph`: text of
    sentences, where a comma before a capitalised common word is likelier a full stop (a
    one-line place or activity is a list of names: "Balai warga, Dusun II")."""
    out = _COLON_IN_WORD.sub(lambda m: _colon_as_i(m, names), text)  # first: "Anj:r" is one word, not "Anj"
    out = _swap_doubtful(out, names)
    out = _GLUED_MARKER.sub(r"\1 \2", out)
    out = _GLUED_NUMBER.sub(lambda m: _unglued(m, names), out)
    out = _GLUED_WORD.sub(lambda m: _split_glued(m, names), out)
    if re.search(r"[a-z]", out):  # in a line all in capitals every word looks like an abbreviation
        out = _ACRONYM.sub(_listed_acronym, out)
    if paragraph:
        out = _COMMA_BEFORE.sub(lambda m: _full_stop(m, names), out)
    out = _CLOSING_ROMAN.sub(lambda m: "I" * (1 + len(m.group(1))), out)
    out = _STREET.sub(lambda m: "Jl. " if re.search(r"[a-z]", m.string[m.end():]) else "JL. ", out)
    out = _NINE_FOR_ZERO.sub(r"\g<1>\g<2>0\g<3>", out)
    return out if out != text else None


def _q_word(m: re.Match[str]) -> str:
    """The word with one O, G or g read back as Q (q) when that makes a common word of a rare
    one ("MTO" -> "MTQ", "Gur'an" -> "Qur'an")."""
    word, table = m.group(0), zipf()
    if len(word) < MIN_LENGTH:
        return word
    have = table.get(word.lower(), 0.0)
    best, score = word, 0.0
    for i, c in enumerate(word):
        if c in _AS_Q:
            other = word[:i] + _AS_Q[c] + word[i + 1:]
            found = table.get(other.lower(), 0.0)
            if found >= COMMON and found >= have + GAP and found > score:
                best, score = other, found
    return best


# A doubled i inside a word of a person's name is likelier an l read as i: "Eriiana" for
# Erliana, read at 0.99 on a coarse sheet of the pair bench set of seed 2045; "Fauzii" on a
# training seed. Indonesian names hardly have one (none among the sample generator's names, none
# among the right names read on the training seeds); a Syafii, or a name styled with a doubled
# vowel (Nabiila), is held with an unlikely reading offered, and a reviewer keeps it as written.
# At the end of a word the l is likelier the last letter ("Nabii" for Nabil).
_DOUBLED_I = re.compile(r"(?<=[A-Za-z])ii")
# Tried and not kept: doubting a name with a letter triple that wordfreq's Indonesian words (many
# of them names) have fewer than twice. On five training sets (4113, 4201-4207) it would have held
# 55 of the 365 right names accepted ("Akhmad", "Hafsah", "Noorjannah") to catch 1 of the 2 wrong
# ones ("Ham'di", now doubted by its apostrophe, _APOSTROPHE_WORD); "Slamot" for Slamet has none.


def name_slip(name: str) -> str | None:
    """A person's name as it was likelier written, or None when nothing in it is doubtful."""
    def as_l(m: re.Match[str]) -> str:
        return "li" if name[m.end():m.end() + 1].isalpha() else "il"

    fixed = _DOUBLED_I.sub(as_l, name, count=1)
    return fixed if fixed != name else None


def likely_q(text: str) -> str | None:
    """`text` with each likely misread Q restored, or None when there is none."""
    fixed = _MAY_HIDE_Q.sub(_q_word, _LIKELY_Q.sub("Q", text))
    return fixed if fixed != text else None


# An apostrophe inside a word no list knows is likelier a thin letter, an l or an I, taken for
# one ("Penyu'uban" for Penyuluhan, "HAM'DI" for HAMIDI: both read so by both models, and
# accepted on their agreement, on a shaken training set, seed 4205 of bench.shaken). Words
# written with one are common enough to be listed (Qur'an, Mi'raj, Jum'at, Ma'ruf, Syafi'i):
# on five training sets (4113, 4201-4207) 15 right values held such a word, none another.
_APOSTROPHE_WORD = re.compile(r"[A-Za-z]+'[A-Za-z]+")


def odd_apostrophes(text: str) -> list[str]:
    """Words with an apostrophe inside that no word list knows (see _APOSTROPHE_WORD)."""
    table = zipf()
    return [w for w in _APOSTROPHE_WORD.findall(text) if w.lower() not in table]


def rare_acronyms(text: str) -> list[str]:
    """Short capitalised abbreviations in ordinary text that are not common words ("PLTG",
    "PLTD"; in a value written all in capitals every word looks like one, so none is counted).
    Nothing tells a reader which letters such a word has, so two readers guessing alike there
    ("PLTG" for PLTS, S and G alike in type) is weak evidence. An abbreviation of public life
    (lexicon.acronyms: PTSL, KWT, NISN) is not rare; a misread seldom lands on another one."""
    if not re.search(r"[a-z]", text):
        return []
    table, known = zipf(), acronyms()
    return [a for a in _ACRONYM.findall(text) if table.get(a.lower(), 0.0) < COMMON and a not in known]
