"""Where a record goes. The routing data (config.py) is turned into rules: pure predicates over a
record that say whether they matched, why, and which routes they give. The why is stored on every
route, and `kopi routes explain` shows every rule, fired or not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.reasons import ReasonCode
from pipeline.record import FormRecord, Reason, Route, RouteKind, Status
from pipeline.route.config import FormRules, RoutingConfig


@dataclass(frozen=True)
class RuleOutcome:
    rule: str
    matched: bool
    why: str
    routes: tuple[Route, ...] = ()


Rule = Callable[[FormRecord], RuleOutcome]


def _targets(name: str, kind: RouteKind, codes: list[str], why: str) -> tuple[Route, ...]:
    return tuple(Route(target=c, kind=kind, rule=name, why=why) for c in codes)


def effective_choice(record: FormRecord, rules: FormRules) -> tuple[str | None, str]:
    """The option that decides the route, and how it was found: the tick, or when the tick
    routes nowhere ("lainnya", none) the category read from the form's text."""
    if not rules.choice_field:
        return None, ""
    value = record.choice(rules.choice_field)
    ticked = value.selected[0] if len(value.selected) == 1 else None
    if not rules.primary_by_choice.get(ticked or "") and value.inferred:
        confidence = round((value.inferred_confidence or 0) * 100)
        return value.inferred, f"{rules.choice_field} dari isi formulir: '{value.inferred}' ({confidence}%)"
    if ticked is None:
        return None, f"{rules.choice_field}: tidak ada satu pilihan yang dicentang"
    return ticked, f"{rules.choice_field} dicentang '{ticked}'"


def _fixed(name: str, kind: RouteKind, codes: list[str], why: str) -> Rule:
    def rule(record: FormRecord) -> RuleOutcome:
        return RuleOutcome(name, bool(codes), why, _targets(name, kind, codes, why))
    return rule


def _by_choice(name: str, kind: RouteKind, rules: FormRules, mapping: dict[str, list[str]]) -> Rule:
    def rule(record: FormRecord) -> RuleOutcome:
        choice, how = effective_choice(record, rules)
        codes = mapping.get(choice or "", [])
        if not codes:
            return RuleOutcome(name, False, f"{how}; tidak ada SKPD untuk pilihan ini")
        return RuleOutcome(name, True, how, _targets(f"{name}={choice}", kind, codes, how))
    return rule


def _camat(name: str, field: str, routing: RoutingConfig) -> Rule:
    def rule(record: FormRecord) -> RuleOutcome:
        try:
            fv = record.field(field)
        except KeyError:
            return RuleOutcome(name, False, f"formulir tidak memuat isian {field}")
        office = routing.camat_office(fv.value) if fv.code and fv.value else None
        if office is None:
            return RuleOutcome(name, False, f"kecamatan belum terbaca ({field})")
        why = f"kecamatan {fv.value}"
        return RuleOutcome(name, True, why, _targets(name, RouteKind.INFORMED, [office.code], why))
    return rule


def form_rules(form_id: str, routing: RoutingConfig) -> list[Rule]:
    r = routing.forms[form_id]
    rules: list[Rule] = []
    if r.primary:
        rules.append(_fixed("tujuan_tetap", RouteKind.PRIMARY, r.primary, "semua formulir ini"))
    if r.primary_by_choice:
        rules.append(_by_choice("tujuan_menurut_pilihan", RouteKind.PRIMARY, r, r.primary_by_choice))
    if r.copy_to:
        rules.append(_fixed("tembusan", RouteKind.COPY, r.copy_to, "tembusan tetap"))
    if r.informed_by_choice:
        rules.append(_by_choice("informasi_menurut_pilihan", RouteKind.INFORMED, r, r.informed_by_choice))
    if r.inform_camat_of:
        rules.append(_camat("camat", r.inform_camat_of, routing))
    return rules


def evaluate(record: FormRecord, routing: RoutingConfig) -> list[RuleOutcome]:
    """Every rule of the record's form, fired or not."""
    if record.identity is None or record.identity.form_id not in routing.forms:
        return []
    return [rule(record) for rule in form_rules(record.identity.form_id, routing)]


def plan_routes(record: FormRecord, routing: RoutingConfig) -> tuple[list[Route], list[Reason]]:
    """The routes the rules give, one per unit (the first rule naming a unit wins), and a
    reason when no unit must act on it."""
    assert record.identity is not None
    if record.identity.form_id not in routing.forms:
        return [], [Reason.of(ReasonCode.ROUTE_UNDECIDED, detail=f"tidak ada aturan untuk {record.identity.form_id}")]
    routes: list[Route] = []
    for outcome in evaluate(record, routing):
        routes += [r for r in outcome.routes if r.target not in {x.target for x in routes}]
    reasons = []
    already = {r.code for r in record.all_reasons()}
    if not any(r.kind is RouteKind.PRIMARY for r in routes) and ReasonCode.ROUTE_UNDECIDED not in already:
        reasons.append(Reason.of(ReasonCode.ROUTE_UNDECIDED, detail="kategori tidak terbaca atau tidak punya SKPD tujuan"))
    return routes, reasons


def route_record(record: FormRecord, routing: RoutingConfig) -> FormRecord:
    """Routes are always proposed (a reviewer sees where a form would go); the record is ROUTED
    only when nothing at all is in doubt, otherwise it waits in review."""
    if record.identity is None:
        return record.model_copy(update={"status": Status.NEEDS_REVIEW})
    routes, reasons = plan_routes(record, routing)
    record = record.model_copy(update={"routes": tuple(routes), "reasons": record.reasons + tuple(reasons)})
    status = Status.NEEDS_REVIEW if record.all_reasons() else Status.ROUTED
    return record.model_copy(update={"status": status})
