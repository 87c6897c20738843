"""The set of known form templates, looked up by form id, version, or the ArUco ids on a page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.forms.template import Template, load_template


@dataclass(frozen=True)
class TemplateSet:
    templates: tuple[Template, ...]

    def __post_init__(self) -> None:
        seen: dict[tuple[str, int], Template] = {}
        owner: dict[int, str] = {}
        for t in self.templates:
            if (t.id, t.version) in seen:
                raise ConfigError(f"template {t.key} is defined twice")
            seen[(t.id, t.version)] = t
            for mark_id in t.marks.ids:
                if owner.setdefault(mark_id, t.id) != t.id:
                    raise ConfigError(
                        f"marks.ids: id {mark_id} of {t.key} is already used by {owner[mark_id]}"
                    )

    def get(self, form_id: str, version: int | None = None) -> Template:
        """The template `form_id` at `version`, or its newest version when `version` is None."""
        matches = [t for t in self.templates if t.id == form_id]
        if version is not None:
            matches = [t for t in matches if t.version == version]
        if not matches:
            wanted = form_id if version is None else f"{form_id} versi {version}"
            raise KeyError(wanted)
        return max(matches, key=lambda t: t.version)

    def for_mark(self, mark_id: int) -> Template | None:
        """The newest template whose corner marks include `mark_id`."""
        matches = [t for t in self.templates if mark_id in t.marks.ids]
        return max(matches, key=lambda t: t.version) if matches else None

    @property
    def form_ids(self) -> list[str]:
        return sorted({t.id for t in self.templates})


def builtin_template_dir() -> Path:
    return Path(str(resources.files("pipeline") / "data" / "templates"))


def load_template_set(directory: Path | None = None) -> TemplateSet:
    directory = directory or builtin_template_dir()
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise ConfigError(f"no form templates (*.yaml) in {directory}")
    return TemplateSet(tuple(load_template(p) for p in paths))


@lru_cache(maxsize=1)
def default_templates() -> TemplateSet:
    return load_template_set()
