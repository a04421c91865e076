"""The indicator registry: what each indicator of KPIS.md *is*, in one table.

One :class:`IndicatorSpec` per indicator, in report order: its id, the unit of
its report value, its scope dimensions (one order, used by the report rows, the
recording-rule levels, the dashboards and the export), its short Dutch title,
how the live counters make it (:class:`Live`: ratio/mean/count of counter
terms, and which of them the indicator's own decisions feed) and, when its
norms raise live alerts, how (:class:`NormAlert`). What an item *contributes*
is the indicator modules' job (:mod:`monitor.indicators`); everything else
reads this table: configuration validation, the report, the live facts, PromQL
and the rule files, the dashboards, the export labels and the wallboard.

Adding an indicator is a row here, a contributions function and a norm in the
configuration (``tests/monitor/indicators/test_spec.py`` proves it).
:data:`REGISTRY` is the table as a lookup; :meth:`Registry.register` exists for
that proof and for plug-ins, never for the built-in rows.

Units: ``ratio`` 0..1, ``minutes``, ``seconds``, ``grade`` (1–10) or ``count``.
Live values are in Prometheus base units, so a ``minutes`` indicator is
``seconds`` live; :func:`to_live` converts a report-unit value (a norm target).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from monitor import metricspec as ms
from monitor.metricspec import MetricSpec

Unit = Literal["ratio", "minutes", "seconds", "grade", "count"]
LiveUnit = Literal["ratio", "seconds", "grade", "count"]
Window = Literal["15m", "30m", "1h", "today", "month"]

_LIVE_FACTOR: dict[str, float] = {"minutes": 60.0}
"""Report unit → live unit factor: minutes are seconds live; every other unit is the same."""


def to_live(value: float, unit: Unit) -> float:
    """A value in the report unit ``unit`` (e.g. a norm of 5 minutes) in the live unit (300 seconds)."""
    return value * _LIVE_FACTOR.get(unit, 1.0)


@dataclass(frozen=True)
class Term:
    """One counter series in a live formula: a spec, a series suffix (``_sum``/``_count`` of a histogram), matchers."""

    spec: MetricSpec
    suffix: str = ""
    matchers: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:  # matchers is a dict; spec, suffix and matchers identify the series
        return hash((self.spec.name, self.suffix, tuple(sorted(self.matchers.items()))))


@dataclass(frozen=True)
class Live:
    """The live formula: ``numerator ÷ (Σ plus − Σ minus)`` (``ratio``/``mean``) or ``numerator`` (``count``),
    and whether the indicator's own decisions feed it (the live facts, :func:`monitor.live.facts`)."""

    kind: Literal["ratio", "mean", "count"]
    numerator: Term
    plus: tuple[Term, ...] = ()
    minus: tuple[Term, ...] = ()
    decided: bool = False
    """Whether each decided contribution (``n = 1``) of the indicator is a live fact: a ``mean`` observes its
    ``sum`` (in base units) in the numerator's histogram; a ``ratio`` adds one to the numerator on a hit and
    to :attr:`miss` on a miss. False: the formula counts only what an item is (offered, answered, ended,
    contacts), which the live facts derive per record kind."""
    miss: Term | None = None
    """The counter a miss adds one to (``decided`` ratios only); None: a miss is counted by no term of its own."""

    def terms(self) -> tuple[Term, ...]:
        return (self.numerator,) + self.plus + self.minus


@dataclass(frozen=True)
class NormAlert:
    """How a norm of the indicator becomes a live alert (Dutch texts: :data:`monitor.nl.ALERTS`)."""

    name: str
    window: Window
    min_items: int
    """No alert on fewer items in the window (one abandoned call at 9:01 is not 0%)."""
    for_: str
    office_hours_only: bool = True
    split_by: tuple[str, ...] = ()
    """Dimensions the alert is always split by, whether or not the norm names them (who acts on it)."""


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator: see the module docstring for what reads which field."""

    id: str
    unit: Unit
    scope: tuple[str, ...]
    """Scope dimensions in display order (KPIS.md indicator table); row scopes and recorded levels follow it."""
    title: str
    """Short Dutch name ("Bereikbaarheid"): dashboard titles, wallboard tiles, fallback row labels."""
    live: Live
    shown_by: str | None = None
    """The dimension dashboards show the indicator by: the one its norms name."""
    alert: NormAlert | None = None
    board_title: str | None = None
    """A shorter name for the wallboard's narrow queue tiles, where :attr:`title` does not fit beside a figure
    at 28 px ("Direct"); None: the title fits."""

    @property
    def live_unit(self) -> LiveUnit:
        return "seconds" if self.unit == "minutes" else self.unit  # type: ignore[return-value]

    @property
    def metric(self) -> str:
        """``kcc_<id>``, ``_seconds`` appended for waits: the ``metric`` part of its recording-rule names."""
        return f"kcc_{self.id}" + ("_seconds" if self.live_unit == "seconds" else "")


_PHONE = ("line", "queue")
_OFFERED_MINUS_SHORT = dict(plus=(Term(ms.CALLS_OFFERED),), minus=(Term(ms.CALLS_SHORT_ABANDONED),))


def _mean(histogram: MetricSpec) -> Live:
    """A decided mean: each decision observed in ``histogram``, the value ``_sum ÷ _count``."""
    return Live("mean", Term(histogram, "_sum"), plus=(Term(histogram, "_count"),), decided=True)


def _in_time(hit: Term, miss: Term) -> Live:
    """A ratio of items decided in time (``hit``) or not (``miss``): the value ``hit ÷ (hit + miss)``."""
    return Live("ratio", hit, plus=(hit, miss), decided=True, miss=miss)


def _callback_live(working_days: int) -> Live:
    matchers = {"working_days": str(working_days)}
    return _in_time(Term(ms.CALLBACKS_COMPLETED_IN_TIME, matchers=matchers),
                    Term(ms.CALLBACKS_MISSED_DEADLINE, matchers=matchers))


INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        "bereikbaarheid", "ratio", _PHONE, "Bereikbaarheid",
        Live("ratio", Term(ms.CALLS_ANSWERED), **_OFFERED_MINUS_SHORT), shown_by="line",
        alert=NormAlert("KccBereikbaarheidOnderNorm", "1h", 20, "10m")),
    IndicatorSpec(
        "servicelevel", "ratio", _PHONE, "Servicelevel",
        Live("ratio", Term(ms.CALLS_ANSWERED_IN_SERVICE_LEVEL), **_OFFERED_MINUS_SHORT, decided=True),
        shown_by="line",
        alert=NormAlert("KccServicelevelOnderNorm", "1h", 20, "10m")),
    IndicatorSpec(
        "wachttijd_telefoon", "seconds", _PHONE, "Wachttijd telefoon",
        _mean(ms.CALL_WAIT), shown_by="line",
        alert=NormAlert("KccWachttijdTelefoonBovenNorm", "1h", 20, "10m")),
    IndicatorSpec(
        "direct_geholpen", "ratio", _PHONE, "Direct geholpen",
        Live("ratio", Term(ms.CALLS_ENDED, matchers={"outcome": "resolved"}), plus=(Term(ms.CALLS_ENDED),)),
        shown_by="line", alert=NormAlert("KccDirectGeholpenOnderNorm", "1h", 20, "15m"), board_title="Direct"),
    IndicatorSpec(
        "terugbellen_1_werkdag", "ratio", ("department",), "Teruggebeld binnen 1 werkdag",
        _callback_live(1), shown_by="department",
        alert=NormAlert("KccTerugbellen1WerkdagOnderNorm", "today", 10, "15m", split_by=("department",))),
    IndicatorSpec(
        "terugbellen_2_werkdagen", "ratio", ("department",), "Teruggebeld binnen 2 werkdagen",
        _callback_live(2), shown_by="department",
        alert=NormAlert("KccTerugbellen2WerkdagenOnderNorm", "today", 10, "15m", split_by=("department",))),
    IndicatorSpec(
        "wachttijd_balie", "minutes", ("visit_type", "location"), "Wachttijd balie",
        _mean(ms.VISIT_WAIT), shown_by="visit_type",
        alert=NormAlert("KccWachttijdBalieBovenNorm", "30m", 5, "10m", split_by=("location",))),
    IndicatorSpec(
        "balie_binnen_norm", "ratio", ("visit_type", "location"), "Balie binnen norm",
        Live("ratio", Term(ms.VISITS_WITHIN_NORM), plus=(Term(ms.VISIT_WAIT, "_count"),), decided=True),
        shown_by="visit_type",
        alert=NormAlert("KccBalieBinnenNormOnderNorm", "30m", 5, "10m", split_by=("location",))),
    IndicatorSpec(
        "klanttevredenheid", "grade", ("channel", "location"), "Klanttevredenheid",
        _mean(ms.SURVEY_SCORE), shown_by="channel",
        alert=NormAlert("KccKlanttevredenheidOnderNorm", "today", 10, "30m", office_hours_only=False)),
    IndicatorSpec(
        "positief", "ratio", ("channel", "location"), "Positief oordeel",
        Live("ratio", Term(ms.SURVEYS_POSITIVE), plus=(Term(ms.SURVEY_SCORE, "_count"),), decided=True),
        shown_by="channel",
        alert=NormAlert("KccPositiefOnderNorm", "today", 10, "30m", office_hours_only=False)),
    IndicatorSpec(
        "brieven_binnen_termijn", "ratio", ("channel", "department"), "Brieven binnen termijn",
        _in_time(Term(ms.LETTERS_ANSWERED_IN_TIME), Term(ms.LETTERS_MISSED_DUE)), shown_by="channel",
        alert=NormAlert("KccBrievenBinnenTermijnOnderNorm", "today", 10, "30m", office_hours_only=False)),
    IndicatorSpec(
        "aandeel_digitaal", "ratio", (), "Aandeel digitaal",
        Live("ratio", Term(ms.CONTACTS, matchers={"channel": "digital"}), plus=(Term(ms.CONTACTS),))),
    IndicatorSpec(
        "contacten", "count", ("channel",), "Contacten", Live("count", Term(ms.CONTACTS)), shown_by="channel"),
)
"""Every indicator of KPIS.md, in report order. Callbacks and letters are *decided* live when completed
in time (hit) or when the deadline passes while open (miss, counted once by the worker): the live value
is hits ÷ decisions in the window, the report's classification bucketed by the moment of decision."""


class Registry:
    """The indicator table as an ordered lookup by id."""

    def __init__(self, specs: tuple[IndicatorSpec, ...]) -> None:
        self._specs = {spec.id: spec for spec in specs}

    def __getitem__(self, indicator: str) -> IndicatorSpec:
        return self._specs[indicator]

    def __contains__(self, indicator: object) -> bool:
        return indicator in self._specs

    def __iter__(self) -> Iterator[IndicatorSpec]:
        return iter(tuple(self._specs.values()))

    def __len__(self) -> int:
        return len(self._specs)

    def ids(self) -> tuple[str, ...]:
        """Every indicator id, in report order."""
        return tuple(self._specs)

    def register(self, spec: IndicatorSpec) -> None:
        """Add an indicator after the built-in ones (ValueError if its id is taken)."""
        if spec.id in self._specs:
            raise ValueError(f"indicator {spec.id!r} is already registered")
        self._specs[spec.id] = spec

    def unregister(self, indicator: str) -> None:
        """Remove an indicator added with :meth:`register`."""
        del self._specs[indicator]


REGISTRY = Registry(INDICATORS)
"""The indicators every reader uses, read at call time (so a registered indicator reaches every reader)."""
