"""Form templates: the data that says what a form holds and where, in millimetres from the page's
top-left corner. The renderer draws from it, the reader crops from it, `kopi forms layout` prints
it; nothing else knows a coordinate.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pipeline.errors import ConfigError
from pipeline.geometry import Box, BoxIn


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldType(StrEnum):
    TEXT = "text"
    MULTILINE = "multiline"
    DATE = "date"
    TIME = "time"
    NUMBER = "number"
    NIK = "nik"
    PHONE = "phone"
    DESA = "desa"
    KECAMATAN = "kecamatan"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    FLAG = "flag"
    SIGNATURE = "signature"

    @property
    def is_choice(self) -> bool:
        return self in (FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE, FieldType.FLAG)

    @property
    def is_written(self) -> bool:
        return not self.is_choice and self is not FieldType.SIGNATURE


# Field types written one character per comb cell; the rest are free lines of text.
COMB_TYPES = frozenset({FieldType.DATE, FieldType.TIME, FieldType.NUMBER, FieldType.NIK, FieldType.PHONE})


class Comb(_Model):
    """One character per cell; `groups` splits the cells (2+2+4 for DD MM YYYY) with a gap between."""

    cells: int = Field(gt=0, le=40)
    groups: list[int] | None = None
    separator: str = ""
    gap: float = Field(default=3.0, ge=0)

    @model_validator(mode="after")
    def _groups_cover_cells(self) -> Comb:
        if self.groups is not None and sum(self.groups) != self.cells:
            raise ValueError(f"groups {self.groups} must add up to cells={self.cells}")
        return self

    @property
    def group_sizes(self) -> list[int]:
        return self.groups or [self.cells]


class Option(_Model):
    value: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    box: BoxIn


class Validation(_Model):
    """Checks beyond the field's type; field names refer to other fields of the same form."""

    min_value: float | None = None
    max_value: float | None = None
    max_length: int | None = None
    # person/organisation: a name, cleaned (extract/names.py); address: a street or place, where
    # the spelling step may restore a leading "Jl." read short (extract/spelling.py)
    text: str | None = Field(default=None, pattern=r"^(person|organisation|address)$")
    window: str | None = Field(default=None, pattern=r"^(ahead|past)$")  # dates: activity / complaint
    day_of: str | None = None  # a day-name field: the date field it names the day of
    after: str | None = None  # a time field: must be later than this time field
    kecamatan_field: str | None = None  # a NIK field: the kecamatan its region code must match


class FormField(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    type: FieldType
    box: BoxIn | None = None
    hint: str | None = None
    required: bool = False
    comb: Comb | None = None
    lines: int | None = Field(default=None, ge=1, le=12)
    options: list[Option] | None = None
    role: str | None = None
    stamp: bool = False
    blocks_routing: bool = False
    identity: bool = False  # identifies the person: withheld when they ask for confidentiality
    min_confidence: float | None = Field(default=None, ge=0, le=1)
    validation: Validation | None = None

    @model_validator(mode="after")
    def _shape_fits_type(self) -> FormField:
        t = self.type
        if t.is_choice:
            if not self.options:
                raise ValueError(f"a {t} field needs options")
            if t is FieldType.FLAG and len(self.options) != 1:
                raise ValueError("a flag field has exactly one option")
            values = [o.value for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be unique")
        else:
            if self.box is None:
                raise ValueError(f"a {t} field needs a box")
            if self.options:
                raise ValueError(f"a {t} field takes no options")
        if t in COMB_TYPES and self.comb is None:
            raise ValueError(f"a {t} field needs a comb (one box per character)")
        if self.comb is not None and t not in COMB_TYPES:
            raise ValueError(f"a {t} field cannot have a comb")
        if t is FieldType.SIGNATURE and not self.role:
            raise ValueError("a signature field needs a role")
        if self.stamp and t is not FieldType.SIGNATURE:
            raise ValueError("only a signature field can expect a stamp")
        return self

    @cached_property
    def cells(self) -> list[Box]:
        """The comb's cells, left to right; empty for a field without a comb."""
        if self.comb is None or self.box is None:
            return []
        comb, box = self.comb, self.box
        sizes = comb.group_sizes
        cell_w = (box.w - comb.gap * (len(sizes) - 1)) / comb.cells
        cells, x = [], box.x
        for size in sizes:
            for _ in range(size):
                cells.append(Box(x=x, y=box.y, w=cell_w, h=box.h))
                x += cell_w
            x += comb.gap
        return cells

    @cached_property
    def cell_groups(self) -> list[list[int]]:
        """Cell indices per comb group."""
        if self.comb is None:
            return []
        out, start = [], 0
        for size in self.comb.group_sizes:
            out.append(list(range(start, start + size)))
            start += size
        return out

    @property
    def outline(self) -> Box:
        """The smallest box around everything the field prints (the option boxes for a choice)."""
        if self.box is not None:
            return self.box
        boxes = [o.box for o in self.options or []]
        x, y = min(b.x for b in boxes), min(b.y for b in boxes)
        return Box(x=x, y=y, w=max(b.right for b in boxes) - x, h=max(b.bottom for b in boxes) - y)


class Agenda(_Model):
    """Which fields make a form an appearance in the leaders' agenda."""

    date: str
    start: str
    end: str | None = None
    leaders: str
    title: str
    place: str | None = None  # the desa/kelurahan field
    venue: str | None = None  # where exactly (a hall, a mosque)
    organiser: str | None = None
    contact: str | None = None  # a person's name; never a phone number
    roles: str | None = None  # what the leaders are asked to do


class Classify(_Model):
    """Read the category from the free text when the ticked option does not settle it."""

    choice: str  # the single-choice field holding the category
    other: str  # its catch-all option ("lainnya")
    text: list[str]  # the free-text fields that describe the matter


class Section(_Model):
    title: str
    y: float


class Marks(_Model):
    """ArUco markers (DICT_4X4_50) near the corners; their ids also tell which form this is."""

    size: float = Field(default=12.0, gt=4)
    inset: float = Field(default=10.0, ge=3)
    ids: list[int] = Field(min_length=4, max_length=4)

    @field_validator("ids")
    @classmethod
    def _distinct(cls, ids: list[int]) -> list[int]:
        if len(set(ids)) != 4 or not all(0 <= i < 50 for i in ids):
            raise ValueError("marks.ids are 4 distinct ids in 0..49 (top-left, top-right, bottom-right, bottom-left)")
        return ids


class PageSize(_Model):
    width: float = 210.0
    height: float = 297.0


CORNERS = ("top_left", "top_right", "bottom_right", "bottom_left")


class Template(_Model):
    id: str = Field(pattern=r"^KIM-\d{2}$")
    version: int = Field(ge=1, le=99)
    title: str
    short_title: str  # what staff and villages call it: "Pengaduan", "Kegiatan"
    subtitle: str = ""
    page: PageSize = PageSize()
    marks: Marks
    qr: BoxIn
    serial: BoxIn
    village: BoxIn
    instructions: str = ""
    footer: str = ""
    sections: list[Section] = []
    confidential_flag: str | None = None  # a flag field; when ticked, identity fields are withheld
    agenda: Agenda | None = None
    classify: Classify | None = None
    fields: list[FormField]

    @model_validator(mode="after")
    def _consistent(self) -> Template:
        names = [f.name for f in self.fields]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"field names must be unique; repeated: {sorted(dupes)}")
        for f in self.fields:
            for ref in (f.validation.day_of, f.validation.after, f.validation.kecamatan_field) if f.validation else ():
                if ref is not None and ref not in names:
                    raise ValueError(f"field {f.name}: validation refers to unknown field {ref}")
        if self.agenda is not None:
            for ref in self.agenda.model_dump().values():
                if ref is not None and ref not in names:
                    raise ValueError(f"agenda refers to unknown field {ref}")
        if self.classify is not None:
            for ref in (self.classify.choice, *self.classify.text):
                if ref not in names:
                    raise ValueError(f"classify refers to unknown field {ref}")
        if self.confidential_flag is not None and (
                self.confidential_flag not in names
                or self.field(self.confidential_flag).type is not FieldType.FLAG):
            raise ValueError(f"confidential_flag {self.confidential_flag} is not a flag field")
        if abs(self.qr.w - self.qr.h) > 1e-6:
            raise ValueError("qr box must be square")
        for box_name, box in self.boxes().items():
            if box.x < 0 or box.y < 0 or box.right > self.page.width or box.bottom > self.page.height:
                raise ValueError(f"{box_name} box {box.as_list()} lies outside the page")
        return self

    def field(self, name: str) -> FormField:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def mark_boxes(self) -> dict[str, Box]:
        m, w, h = self.marks, self.page.width, self.page.height
        far_x, far_y = w - m.inset - m.size, h - m.inset - m.size
        origins = [(m.inset, m.inset), (far_x, m.inset), (far_x, far_y), (m.inset, far_y)]
        return {c: Box(x=x, y=y, w=m.size, h=m.size) for c, (x, y) in zip(CORNERS, origins)}

    def boxes(self) -> dict[str, Box]:
        """Every box the form prints, by a stable name; used for overlap and bounds checks."""
        out = {f"mark.{c}": b for c, b in self.mark_boxes().items()}
        out.update({"qr": self.qr, "serial": self.serial, "village": self.village})
        for f in self.fields:
            if f.box is not None:
                out[f"field.{f.name}"] = f.box
            for o in f.options or []:
                out[f"field.{f.name}.{o.value}"] = o.box
        return out

    @property
    def key(self) -> str:
        return f"{self.id}/v{self.version}"


def parse_template(data: Any, source: str = "<template>") -> Template:
    """Validate raw template data; a `ConfigError` names the source and each bad key."""
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(top level)"
            problems.append(f"  {where}: {err['msg']}")
        raise ConfigError(f"invalid form template {source}:\n" + "\n".join(problems)) from None


def load_template(path: Path) -> Template:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read form template {path}: {exc}") from None
    return parse_template(data, str(path))
