"""``recording_rules.yml``: period latches, every indicator's parts and value at every level and window, live values."""

from __future__ import annotations

from monitor import promql as q
from monitor.indicators.spec import REGISTRY


def recording_groups() -> list[dict]:
    """Rule groups of ``recording_rules.yml``; order inside a group matters (later rules read earlier ones)."""
    periods: list[dict] = []
    for window in q.PERIOD_WINDOWS:
        for term in q.period_terms():
            periods.append(_record(q.latch_record(term.spec, window, suffix=term.suffix),
                                   q.latch_expr(term.spec, window, suffix=term.suffix)))
        for term in q.period_terms():
            periods.append(_record(q.period_increase_record(term.spec, window, suffix=term.suffix),
                                   q.period_increase_expr(term.spec, window, suffix=term.suffix)))
    groups = [{"name": "kcc_periods", "rules": periods}]
    for window in q.WINDOWS:
        rules: list[dict] = []
        for spec in REGISTRY:
            for level in q.levels(spec):
                if spec.live.kind != "count":
                    rules.append(_record(q.numerator_record(spec.id, level, window),
                                         q.numerator_expr(spec, window, level)))
                    rules.append(_record(q.items_record(spec.id, level, window),
                                         q.denominator_expr(spec, window, level)))
                rules.append(_record(q.record_name(spec.id, level, window), q.value_expr(spec, window, level)))
        groups.append({"name": f"kcc_indicators_{q.window_op(window)}", "rules": rules})
    live = [_record(name, expr) for name, expr in q.LIVE.items()]
    live.append(_record(q.DEAD_LETTER_RATIO_RECORD, q.DEAD_LETTER_RATIO_EXPR))
    groups.append({"name": "kcc_live", "rules": live})
    return groups


def _record(name: str, expr: str) -> dict:
    return {"record": name, "expr": expr}
