from __future__ import annotations

from pipeline.extract.schedule import conflicts
from pipeline.geometry import Box
from pipeline.reasons import ReasonCode
from pipeline.record import ChoiceValue, FieldValue, FormRecord, Identity, SourceRef

BOX = Box(x=1, y=1, w=1, h=1)


def activity(serial: int, day: str, start: str, end: str | None, leaders: tuple[str, ...],
             title: str = "Panen Raya") -> FormRecord:
    values = {"tanggal": day, "waktu_mulai": start, "waktu_selesai": end, "nama_kegiatan": title,
              "desa": "Kolam Kiri"}
    return FormRecord(
        source=SourceRef(sha256=f"{serial:064d}", filename="a.jpg", media_type="image/jpeg", page=1, pages=1),
        identity=Identity(form_id="KIM-01", version=1, serial=serial),
        fields=tuple(FieldValue(name=k, type="text", value=v, confidence=1, box=BOX) for k, v in values.items()),
        choices=(ChoiceValue(name="pimpinan", type="multi_choice", selected=leaders, fills={},
                             confidence=1, box=BOX),))


def test_same_leader_overlapping_times_is_noted(templates):
    t = templates.get("KIM-01")
    mine = activity(1, "2026-12-10", "09:00", "11:00", ("bupati", "sekda"))
    other = activity(2, "2026-12-10", "10:30", None, ("bupati",), "Peresmian Jembatan")
    notes = conflicts(mine, t, [other])
    assert [n.code for n in notes] == [ReasonCode.SCHEDULE_CONFLICT]
    assert "Bupati" in notes[0].message and "Peresmian Jembatan" in notes[0].message


def test_no_clash_for_other_leaders_times_days_or_lainnya(templates):
    t = templates.get("KIM-01")
    mine = activity(1, "2026-12-10", "09:00", "11:00", ("bupati", "lainnya"))
    others = [activity(2, "2026-12-10", "09:00", "11:00", ("wakil_bupati", "lainnya")),
              activity(3, "2026-12-10", "11:00", "12:00", ("bupati",)),
              activity(4, "2026-12-11", "09:00", "11:00", ("bupati",))]
    assert conflicts(mine, t, others) == ()
