"""The reasons a reviewer may give when a form goes back to its village: data, not code
(`pipeline/data/review/return_reasons.yaml`), printed on the village's feedback sheet."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import ConfigError


class ReturnReason(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=5)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reasons: list[ReturnReason] = Field(min_length=1)


@lru_cache(maxsize=1)
def return_reasons() -> tuple[ReturnReason, ...]:
    path = resources.files("pipeline") / "data" / "review" / "return_reasons.yaml"
    try:
        parsed = _File.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    codes = [r.code for r in parsed.reasons]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"{path}: kode alasan ganda")
    return tuple(parsed.reasons)


def return_note(code: str, extra: str = "") -> str:
    """The sentence the village reads: the chosen reason, then the reviewer's own words."""
    chosen = {r.code: r for r in return_reasons()}.get(code)
    if chosen is None:
        raise KeyError(code)
    extra = " ".join(extra.split())
    if code == "lainnya":
        return extra
    return f"{chosen.text} {extra}".strip()
