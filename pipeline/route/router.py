"""Where a record goes, by the routing rules (data, see config.py). Pure: a record in, routes out,
each with the rule that produced it and why."""

from __future__ import annotations

from pipeline.reasons import ReasonCode
from pipeline.record import FormRecord, Reason, Route, RouteKind, Status
from pipeline.route.config import RoutingConfig


def _kecamatan(record: FormRecord, field: str | None) -> str | None:
    if not field:
        return None
    try:
        fv = record.field(field)
    except KeyError:
        return None
    return fv.value if fv.code else None


def plan_routes(record: FormRecord, routing: RoutingConfig) -> tuple[list[Route], list[Reason]]:
    """The routes the rules give for this record, and a reason when they give no primary target."""
    assert record.identity is not None
    rules = routing.forms.get(record.identity.form_id)
    if rules is None:
        return [], [Reason.of(ReasonCode.ROUTE_UNDECIDED, detail=f"tidak ada aturan untuk {record.identity.form_id}")]
    routes: list[Route] = [Route(target=c, kind=RouteKind.PRIMARY, rule="primary",
                                 why="semua formulir ini") for c in rules.primary]
    choice, how = None, ""
    if rules.choice_field:
        value = record.choice(rules.choice_field)
        choice = value.selected[0] if len(value.selected) == 1 else None
        how = f"{rules.choice_field} dicentang '{choice}'"
        if not rules.primary_by_choice.get(choice or "") and value.inferred:
            # The tick routes nowhere ("lainnya" or none): the category read from the text decides.
            choice = value.inferred
            how = f"{rules.choice_field} dari isi formulir: '{choice}' ({round((value.inferred_confidence or 0) * 100)}%)"
    for code in rules.primary_by_choice.get(choice or "", []):
        routes.append(Route(target=code, kind=RouteKind.PRIMARY, rule=f"{rules.choice_field}={choice}", why=how))
    for code in rules.copy_to:
        routes.append(Route(target=code, kind=RouteKind.COPY, rule="copy", why="tembusan tetap"))
    for code in rules.informed_by_choice.get(choice or "", []):
        routes.append(Route(target=code, kind=RouteKind.INFORMED, rule=f"{rules.choice_field}={choice}",
                            why=f"bidang kegiatan '{choice}'"))
    kecamatan = _kecamatan(record, rules.inform_camat_of)
    office = routing.camat_office(kecamatan) if kecamatan else None
    if office is not None:
        routes.append(Route(target=office.code, kind=RouteKind.INFORMED,
                            rule=f"camat:{rules.inform_camat_of}", why=f"kecamatan {kecamatan}"))
    reasons = []
    already = {r.code for r in record.all_reasons()}
    if not any(r.kind is RouteKind.PRIMARY for r in routes) and ReasonCode.ROUTE_UNDECIDED not in already:
        detail = f"pilihan '{choice}' tidak punya SKPD tujuan" if choice else "kategori tidak terbaca"
        reasons.append(Reason.of(ReasonCode.ROUTE_UNDECIDED, detail=detail))
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
