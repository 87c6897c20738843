"""Millimetre geometry shared by templates and records."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _box_from_list(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        if len(value) != 4:
            raise ValueError("a box is [x, y, w, h] in millimetres")
        return dict(zip(("x", "y", "w", "h"), value))
    return value


class Box(BaseModel):
    """A rectangle in millimetres, (x, y) its top-left corner on the page."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    x: float
    y: float
    w: float = Field(gt=0)
    h: float = Field(gt=0)

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def inset(self, margin: float) -> Box:
        return Box(x=self.x + margin, y=self.y + margin, w=self.w - 2 * margin, h=self.h - 2 * margin)

    def grow(self, margin: float) -> Box:
        return self.inset(-margin)

    def overlaps(self, other: Box) -> bool:
        return not (
            self.right <= other.x
            or other.right <= self.x
            or self.bottom <= other.y
            or other.bottom <= self.y
        )

    def as_list(self) -> list[float]:
        return [round(v, 3) for v in (self.x, self.y, self.w, self.h)]


# A Box field that also accepts the compact YAML form [x, y, w, h].
BoxIn = Annotated[Box, BeforeValidator(_box_from_list)]


def reading_order(centres: np.ndarray) -> list[int]:
    """The order in which sheets lying in a row are read: along the line their centres spread
    most (left to right, or top to bottom, as the photo's pixels lie). `centres`: n x 2 (x, y)."""
    centres = np.asarray(centres, dtype=np.float64).reshape(-1, 2)
    axis = int(np.argmax(np.ptp(centres, axis=0)))
    return [int(i) for i in np.argsort(centres[:, axis], kind="stable")]
