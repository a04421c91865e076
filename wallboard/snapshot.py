"""From Prometheus and Alertmanager answers to one board snapshot per municipality (pure functions).

Every figure is a recording rule of ``monitor/promql.py`` (the same series the
Grafana dashboards read), so the board equals Grafana and adds up across
workers; units, titles and recorded levels come from the indicator registry,
words and number formats from ``monitor/nl.py``. Each value carries the PromQL that gives it (``query``), so a test can
ask Prometheus the same question and compare.

Colours: a value is judged against the municipality's norms with
``monitor.norms`` — the definitions the alert rules are generated from — and
live values against the alert thresholds of ``monitor.config.Thresholds``.
"bijna" (orange) is a margin on the meeting side of the norm
(:class:`Margins`). A tile may be red before its alert fires: an alert also
waits its ``for:`` duration and a minimum number of items in its own window
(``monitor/rules.py``); it never fires while the same value is green.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from monitor import nl
from monitor import promql as q
from monitor.calendar import calendar_for
from monitor.config import Config, Municipality
from monitor.indicators.spec import REGISTRY, to_live
from monitor.norms import applicable_norm, evaluate
from monitor.periods import parse_period

W = nl.WALLBOARD

Sample = tuple[str, frozenset[tuple[str, str]], float]
"""(series name, label items without ``__name__``, value)."""

WORKER_JOB = "kcc-worker"


@dataclass(frozen=True)
class Margins:
    """How close to a norm a value turns orange ("bijna").

    ``ratio``: percentage points as a share (0.05 = 5 points) for 0..1 indicators;
    ``relative``: share of the target for waits, grades and live thresholds (0.1 = 10%).
    """

    ratio: float = 0.05
    relative: float = 0.10


# ---------------------------------------------------------------- what to ask Prometheus

PHONE_LINE = ("municipality", "line")
PHONE_QUEUE = ("municipality", "queue")
MUNI = ("municipality",)
LOCATION_VISIT = ("municipality", "location", "visit_type")

WAITING_QUEUE = "municipality_queue:kcc_calls_waiting:max"
WAITING_TOTAL = "municipality:kcc_calls_waiting:sum"
LONGEST_TOTAL = "municipality:kcc_longest_call_wait_seconds:max"
VISITORS_WAITING = "municipality_location:kcc_visitors_waiting:sum"
LETTERS_PAST_DUE = "municipality_channel_department:kcc_letters_open_past_due:sum"


def level(indicator: str, dims: tuple[str, ...]) -> tuple[str, ...]:
    """The recorded level of an indicator for a set of dimensions: ``municipality`` first, then the dimensions
    in the registry's scope order (the order the recording-rule names use)."""
    order = REGISTRY[indicator].scope
    return ("municipality",) + tuple(sorted((d for d in dims if d != "municipality"), key=order.index))


def _rec(indicator: str, dims: tuple[str, ...], window: q.Window) -> str:
    return q.record_name(indicator, level(indicator, dims), window)


def record_names() -> tuple[str, ...]:
    """Every series the board reads, all municipalities at once."""
    names = [WAITING_QUEUE, WAITING_TOTAL, q.LONGEST_CALL_WAIT_RECORD, LONGEST_TOTAL,
             q.CALLBACKS_OPEN_RECORD, q.CALLBACKS_PAST_DEADLINE_RECORD, VISITORS_WAITING, LETTERS_PAST_DUE,
             q.OFFICE_OPEN_RECORD, q.SECONDS_SINCE_LAST_EVENT_RECORD, "up"]
    for ind in ("bereikbaarheid", "servicelevel"):
        for window in ("today", "1h"):
            names += [_rec(ind, PHONE_LINE, window), _rec(ind, PHONE_QUEUE, window)]
    names += [_rec("direct_geholpen", PHONE_LINE, "today"), _rec("direct_geholpen", PHONE_QUEUE, "today"),
              _rec("terugbellen_1_werkdag", MUNI, "today"), _rec("terugbellen_2_werkdagen", MUNI, "today"),
              _rec("wachttijd_balie", LOCATION_VISIT, "today"), _rec("balie_binnen_norm", LOCATION_VISIT, "today")]
    return tuple(dict.fromkeys(names))


def board_query() -> str:
    """The one instant query per interval: every board series of every municipality."""
    return '{__name__=~"' + "|".join(record_names()) + '"}'


def parse_samples(answer: dict) -> list[Sample]:
    """Prometheus ``/api/v1/query`` JSON (vector) → samples; NaN and ±Inf count as no data."""
    out: list[Sample] = []
    for item in answer["data"]["result"]:
        labels = dict(item["metric"])
        name = labels.pop("__name__", "")
        value = float(item["value"][1])
        if value != value or value in (float("inf"), float("-inf")):
            continue
        out.append((name, frozenset(labels.items()), value))
    return out


class Readings:
    """Lookup over one interval's samples."""

    def __init__(self, samples: Iterable[Sample]) -> None:
        self._by_name: dict[str, list[tuple[dict[str, str], float]]] = {}
        for name, labels, value in samples:
            self._by_name.setdefault(name, []).append((dict(labels), value))

    def rows(self, name: str, **labels: str) -> list[tuple[dict[str, str], float]]:
        return [(ls, v) for ls, v in self._by_name.get(name, []) if all(ls.get(k) == x for k, x in labels.items())]

    def one(self, name: str, **labels: str) -> float | None:
        rows = self.rows(name, **labels)
        return rows[0][1] if rows else None

    def total(self, name: str, **labels: str) -> float | None:
        rows = self.rows(name, **labels)
        return sum(v for _, v in rows) if rows else None

    def workers_up(self) -> bool:
        return any(v == 1 for _, v in self.rows("up", job=WORKER_JOB))


# ---------------------------------------------------------------- judging a value


def _unit(indicator: str) -> str:
    """The indicator's live unit (the unit of its recorded series), from the registry."""
    return REGISTRY[indicator].live_unit


def judge_norm(m: Municipality, indicator: str, scope: dict[str, str], value: float | None, today: str,
               margins: Margins) -> tuple[str, str | None]:
    """(status, norm text) of a value (indicator's live unit) against the norm that applies to its row today."""
    norm = applicable_norm(m, indicator, scope, parse_period(today, m.tz))
    if norm is None or norm.target is None:
        return "none", None
    spec = REGISTRY[indicator]
    text = nl.norm_short(norm.op, norm.target, spec.unit)
    if value is None:
        return "none", text
    in_norm_unit = value / to_live(1.0, spec.unit)  # norms are in the report unit (waits in minutes)
    _, status = evaluate(norm, in_norm_unit)
    if status == "misses_norm":
        return "bad", text
    margin = margins.ratio if spec.unit == "ratio" else margins.relative * abs(norm.target)
    near = in_norm_unit < norm.target + margin if norm.op in (">=", ">") else in_norm_unit > norm.target - margin
    return ("near" if near else "ok"), text


def judge_limit(value: float | None, limit: float, margins: Margins) -> str:
    """A live value against an alert limit it must not exceed (red above, orange within the margin below)."""
    if value is None:
        return "none"
    if value > limit:
        return "bad"
    return "near" if limit > 0 and value > limit * (1 - margins.relative) else "ok"


# ---------------------------------------------------------------- cells and tiles


def cell(label: str, value: float | None, kind: str, query: str, *, status: str = "none",
         norm: str | None = None, sub: list[dict] | None = None, big: bool = False, row: bool = False
         ) -> dict[str, Any]:
    """One figure on the board: label, Dutch-formatted value, unit, status symbol and word, the query behind it.

    ``big``: a main figure (≥ 96 px on a TV); ``row``: a secondary line (label left, figure right)."""
    text = nl.board_value(value, kind)
    unit = W["min"] if kind == "seconds" and value is not None else ""
    symbol, word = nl.BOARD_STATUS[status]
    return {"label": label, "value": text, "unit": unit, "raw": value, "kind": kind, "query": query,
            "status": status, "symbol": symbol, "word": word, "norm": norm, "sub": sub or [], "big": big, "row": row}


def _sel(name: str, labels: dict[str, str]) -> str:
    return q.selector(name, labels)


TREND_STEP = 0.01
"""How far (share, 0.01 = 1 percentage point) the last hour must differ from today for an up or down arrow."""


def trend(today: float | None, hour: float | None) -> dict[str, str] | None:
    """The last hour against today (both shares): ↑ higher, ↓ lower, → within :data:`TREND_STEP`; None without
    both. The words say it for a screen reader and whoever cannot tell the arrows apart."""
    if today is None or hour is None:
        return None
    direction = "up" if hour > today + TREND_STEP else "down" if hour < today - TREND_STEP else "flat"
    symbol, text = nl.BOARD_TREND[direction]
    return {"direction": direction, "symbol": symbol, "text": text}


def _indicator_cell(r: Readings, m: Municipality, label: str, indicator: str, level: tuple[str, ...],
                    scope: dict[str, str], today: str, margins: Margins, *, hour: bool = False,
                    big: bool = False, row: bool = False) -> dict[str, Any]:
    labels = {"municipality": m.slug, **scope}
    name = _rec(indicator, level, "today")
    value = r.one(name, **labels)
    status, norm = judge_norm(m, indicator, scope, value, today, margins)
    sub = []
    if hour:
        hname = _rec(indicator, level, "1h")
        hvalue = r.one(hname, **labels)
        hstatus, _ = judge_norm(m, indicator, scope, hvalue, today, margins)
        sub.append({**cell(W["last_hour"], hvalue, _unit(indicator), _sel(hname, labels), status=hstatus),
                    "trend": trend(value, hvalue)})
    return cell(label, value, _unit(indicator), _sel(name, labels), status=status, norm=norm, sub=sub, big=big,
                row=row)


def phone_band(r: Readings, m: Municipality, today: str, margins: Margins) -> dict[str, Any]:
    ms = {"municipality": m.slug}
    limit = m.thresholds.caller_wait_alert_seconds
    tiles = []
    longest = r.one(LONGEST_TOTAL, **ms)
    for line in m.lines:
        scope = {"line": line}
        tiles.append({"title": f"{W['line']} {line}", "size": "big", "cells": [
            cell(W["waiting"], r.one(WAITING_TOTAL, **ms), "count", _sel(WAITING_TOTAL, ms), big=True),
            cell(W["longest_wait"], longest, "seconds", _sel(LONGEST_TOTAL, ms),
                 status=judge_limit(longest, limit, margins), norm=_limit_text(limit), big=True),
            _indicator_cell(r, m, nl.indicator_label("bereikbaarheid"), "bereikbaarheid", PHONE_LINE, scope, today,
                            margins, hour=True, big=True),
            _indicator_cell(r, m, nl.indicator_label("servicelevel"), "servicelevel", PHONE_LINE, scope, today,
                            margins, hour=True, big=True),
            _indicator_cell(r, m, nl.indicator_label("direct_geholpen"), "direct_geholpen", PHONE_LINE, scope, today,
                            margins),
        ]})
    for queue in m.queues:
        labels = {**ms, "queue": queue}
        wait = r.one(q.LONGEST_CALL_WAIT_RECORD, **labels)
        tiles.append({"title": queue, "size": "small", "cells": [
            cell(W["waiting"], r.one(WAITING_QUEUE, **labels), "count", _sel(WAITING_QUEUE, labels)),
            cell(W["longest_wait"], wait, "seconds", _sel(q.LONGEST_CALL_WAIT_RECORD, labels),
                 status=judge_limit(wait, limit, margins)),
            *(_indicator_cell(r, m, nl.indicator_label(ind, board=True), ind, PHONE_QUEUE, {"queue": queue}, today,
                              margins, row=True)
              for ind in ("bereikbaarheid", "servicelevel", "direct_geholpen")),
        ]})
    return {"id": "phone", "title": W["phone"], "tiles": tiles}


def callback_band(r: Readings, m: Municipality, today: str, margins: Margins) -> dict[str, Any]:
    """Open requests and those over their deadline now (in total and per department), then today's shares
    called back within 1 and 2 working days against their norms."""
    ms = {"municipality": m.slug}
    wd = _alert_working_days(m)
    name, open_name = q.CALLBACKS_PAST_DEADLINE_RECORD, q.CALLBACKS_OPEN_RECORD

    def over(labels: dict[str, str], *, big: bool = False) -> dict[str, Any]:
        value = r.total(name, **labels, working_days=wd)
        return cell(W["over_deadline"], value, "count", f"sum({_sel(name, {**labels, 'working_days': wd})})",
                    status=judge_limit(value, 0, margins), big=big)

    tiles = [{"title": W["today"], "size": "big", "cells": [
        cell(W["open"], r.total(open_name, **ms), "count", f"sum({_sel(open_name, ms)})", big=True),
        over(ms, big=True),
        _indicator_cell(r, m, W["within_1"], "terugbellen_1_werkdag", MUNI, {}, today, margins, big=True),
        _indicator_cell(r, m, W["within_2"], "terugbellen_2_werkdagen", MUNI, {}, today, margins, big=True),
    ]}]
    departments = []
    for d in m.departments:
        labels = {**ms, "department": d}
        row = cell(nl.department_name(d), r.one(open_name, **labels), "count", _sel(open_name, labels), row=True)
        row["sub"] = [over(labels)]
        departments.append(row)
    if departments:
        tiles.append({"title": f"{W['open']} · {W['over_deadline']}", "size": "list", "cells": departments})
    return {"id": "callbacks", "title": W["callbacks"], "tiles": tiles}


def _alert_working_days(m: Municipality) -> str:
    """The deadline the over-deadline alert watches (the longest callback norm; 2 without one)."""
    days = sorted({1 if n.indicator == "terugbellen_1_werkdag" else 2
                   for n in m.norms if n.indicator.startswith("terugbellen")})
    return str(days[-1] if days else 2)


def counter_band(r: Readings, m: Municipality, today: str, margins: Margins) -> dict[str, Any]:
    """Per location: visitors waiting now, then per visit type the mean wait today and the share within norm
    (both at the location × visit type level the norms and alerts use)."""
    tiles = []
    for loc in m.locations:
        labels = {"municipality": m.slug, "location": loc}
        cells = [cell(W["visitors_waiting"], r.one(VISITORS_WAITING, **labels), "count",
                      _sel(VISITORS_WAITING, labels), big=True)]
        for vt in ("appointment", "walk_in"):
            scope = {"location": loc, "visit_type": vt}
            wait = _indicator_cell(r, m, W[f"{vt}_short"], "wachttijd_balie", LOCATION_VISIT, scope, today, margins,
                                   row=True)
            wait["sub"] = [_indicator_cell(r, m, W["within_norm"], "balie_binnen_norm", LOCATION_VISIT, scope, today,
                                           margins)]
            cells.append(wait)
        tiles.append({"title": nl.location_name(m, loc), "size": "medium", "cells": cells,
                      "columns": ["", W["wait"], W["within_norm"]]})
    return {"id": "counter", "title": W["counter"], "tiles": tiles}


def letters_band(r: Readings, m: Municipality, today: str, margins: Margins) -> dict[str, Any]:
    ms = {"municipality": m.slug}
    over = r.total(LETTERS_PAST_DUE, **ms)
    return {"id": "letters", "title": W["letters"], "tiles": [{"title": W["now"], "size": "medium", "cells": [
        cell(W["letters_over"], over, "count", f"sum({_sel(LETTERS_PAST_DUE, ms)})",
             status=judge_limit(over, 0, margins), big=True),
    ]}]}


def _limit_text(seconds: float) -> str:
    return nl.limit_short(seconds)


# ---------------------------------------------------------------- alerts and state


def alerts_for(alerts: list[dict], m: Municipality) -> list[dict[str, Any]]:
    """Active alerts of a municipality (Alertmanager ``/api/v2/alerts``), newest first, Dutch summary and since."""
    out = []
    for alert in alerts:
        labels = alert.get("labels", {})
        if labels.get("municipality") != m.slug or alert.get("status", {}).get("state", "active") != "active":
            continue
        started = datetime.fromisoformat(alert["startsAt"].replace("Z", "+00:00"))
        summary = alert.get("annotations", {}).get("summary", labels.get("alertname", ""))
        if summary.startswith(f"{m.name}: "):  # the board already names the municipality
            summary = summary[len(m.name) + 2:]
            summary = summary[:1].upper() + summary[1:]
        out.append({"id": alert.get("fingerprint", ""), "name": labels.get("alertname", ""),
                    "severity": labels.get("severity", ""),
                    "summary": summary,
                    "since": f"{W['since']} {started.astimezone(m.tz):%H:%M}", "started": started.timestamp()})
    return sorted(out, key=lambda a: a["started"], reverse=True)


@dataclass(frozen=True)
class Health:
    """What the server knew about its sources at the end of one interval."""

    prometheus_ok: bool
    alertmanager_ok: bool
    last_ok: datetime | None
    """When Prometheus last answered (UTC), for "verouderd sinds"."""


def state(r: Readings, m: Municipality, now: datetime, health: Health) -> dict[str, Any]:
    """``live``, ``stale`` (with the reason) or ``closed`` (with the next opening).

    Stale since: when Prometheus last answered; for silent workers or sources :func:`keep_stale` names the
    time of the last live snapshot."""
    local = now.astimezone(m.tz)
    since = health.last_ok.astimezone(m.tz) if health.last_ok else None
    reason = None
    if not health.prometheus_ok:
        reason = "prometheus"
    elif not r.workers_up():
        reason, since = "workers", None
    calendar = calendar_for(m)
    if calendar.is_open(now):
        silence = r.rows(q.SECONDS_SINCE_LAST_EVENT_RECORD, municipality=m.slug)
        limit = m.thresholds.silence_alert_minutes * 60
        if reason is None and (not silence or min(v for _, v in silence) > limit):
            reason, since = "sources", None
    else:
        if reason is None:
            return {"kind": "closed", "text": nl.opens_at(calendar.clock_start(now)), "stale": False}
    if reason is not None:
        return {"kind": "stale", "reason": reason, "text": nl.stale_text(since, reason), "stale": True}
    return {"kind": "live", "text": nl.live_text(local), "stale": False}


def build(config: Config, samples: list[Sample], alerts: list[dict], now: datetime, health: Health,
          margins: Margins = Margins()) -> dict[str, dict[str, Any]]:
    """One snapshot per municipality (slug → JSON-able dict) from one interval's answers."""
    r = Readings(samples)
    out = {}
    for slug, m in sorted(config.municipalities.items()):
        local = now.astimezone(m.tz)
        today = local.date().isoformat()
        snap_alerts = alerts_for(alerts, m) if health.alertmanager_ok else []
        out[slug] = {
            "municipality": slug, "name": m.name, "utc_offset": local.utcoffset().total_seconds(),
            "generated": now.astimezone(timezone.utc).isoformat(), "generated_ts": now.timestamp(),
            "state": state(r, m, now, health),
            "bands": [phone_band(r, m, today, margins), callback_band(r, m, today, margins),
                      counter_band(r, m, today, margins), letters_band(r, m, today, margins)],
            "alerts": snap_alerts,
            "alerts_text": W["no_alerts"] if health.alertmanager_ok else nl.STALE_REASONS["alertmanager"],
        }
    return out


def keep_stale(previous: dict[str, Any], fresh_state: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The last live snapshot, marked stale: values kept, each tile marked with its age; stale since that
    snapshot unless Prometheus' last answer says otherwise."""
    age = nl.age_text(now.timestamp() - previous["generated_ts"])
    state = {**fresh_state, "age": age}
    if fresh_state.get("reason") in ("workers", "sources"):
        zone = timezone(timedelta(seconds=previous["utc_offset"]))
        state["text"] = nl.stale_text(datetime.fromtimestamp(previous["generated_ts"], zone), fresh_state["reason"])
    return {**previous, "state": state}
