"""The SKPD directory and routing rules, loaded from YAML and checked against each other and
against the form templates, so a typo in a code is caught at load time, not when a form arrives."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import ConfigError
from pipeline.forms.registry import TemplateSet


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Unit(_Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9-]*$")
    name: str
    short: str
    kind: str = Field(pattern=r"^(pimpinan|bagian|dinas|badan|bumd|kecamatan)$")
    kecamatan: str | None = None
    contact: str | None = None


class Directory(_Model):
    units: list[Unit]


class FormRules(_Model):
    primary: list[str] = []
    choice_field: str | None = None
    primary_by_choice: dict[str, list[str]] = {}
    informed_by_choice: dict[str, list[str]] = {}
    copy_to: list[str] = Field(default=[], alias="copy")
    inform_camat_of: str | None = None


class Rules(_Model):
    forms: dict[str, FormRules]


@dataclass(frozen=True)
class RoutingConfig:
    units: dict[str, Unit]
    forms: dict[str, FormRules]

    def unit(self, code: str) -> Unit:
        return self.units[code]

    def camat_office(self, kecamatan: str) -> Unit | None:
        wanted = kecamatan.strip().casefold()
        for u in self.units.values():
            if u.kind == "kecamatan" and (u.kecamatan or "").casefold() == wanted:
                return u
        return None


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None


def _validate(model: type[_Model], data: Any, source: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = [f"  {'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}" for e in exc.errors()]
        raise ConfigError(f"invalid routing configuration {source}:\n" + "\n".join(lines)) from None


def _check(config: RoutingConfig, templates: TemplateSet, source: Path) -> None:
    problems = []
    for form_id, rules in config.forms.items():
        try:
            template = templates.get(form_id)
        except KeyError:
            problems.append(f"forms.{form_id}: no such form template")
            continue
        codes = [*rules.primary, *rules.copy_to]
        for mapping in (rules.primary_by_choice, rules.informed_by_choice):
            codes += [c for targets in mapping.values() for c in targets]
        problems += [f"forms.{form_id}: unknown unit code {c}" for c in codes if c not in config.units]
        if rules.choice_field:
            try:
                options = {o.value for o in template.field(rules.choice_field).options or []}
            except KeyError:
                problems.append(f"forms.{form_id}.choice_field: no field {rules.choice_field}")
                continue
            for key in ("primary_by_choice", "informed_by_choice"):
                mapping = getattr(rules, key)
                if mapping and set(mapping) != options:
                    missing, extra = sorted(options - set(mapping)), sorted(set(mapping) - options)
                    problems.append(f"forms.{form_id}.{key}: missing {missing}, unknown {extra}")
    if problems:
        raise ConfigError(f"invalid routing configuration {source}:\n  " + "\n  ".join(problems))


def builtin_routing_dir() -> Path:
    return Path(str(resources.files("pipeline") / "data" / "routing"))


def load_routing(templates: TemplateSet, directory: Path | None = None) -> RoutingConfig:
    directory = directory or builtin_routing_dir()
    units_path, rules_path = directory / "skpd.yaml", directory / "rules.yaml"
    directory_model = _validate(Directory, _load_yaml(units_path), units_path)
    rules_model = _validate(Rules, _load_yaml(rules_path), rules_path)
    units = {u.code: u for u in directory_model.units}
    if len(units) != len(directory_model.units):
        raise ConfigError(f"invalid routing configuration {units_path}: a unit code is repeated")
    config = RoutingConfig(units=units, forms=dict(rules_model.forms))
    _check(config, templates, rules_path)
    return config


@lru_cache(maxsize=1)
def default_routing() -> RoutingConfig:
    from pipeline.forms.registry import default_templates

    return load_routing(default_templates())
