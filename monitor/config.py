"""Municipal configuration: one YAML file per municipality in ``config/municipalities``.

A municipality's file names what may appear as a label (lines, queues,
departments, locations, products), its calendar (time zone, office hours,
closing days), its thresholds and the norms from its programme texts. Adding a
municipality is adding a file. Files are validated once, at start-up, outside
any event loop; a bad file stops start-up with the file, key and problem.

Exceptions::

    ValueError
     └── ConfigError   a file is missing, unreadable or breaks the schema
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from monitor.errors import KccError
from monitor.events import SLUG_PATTERN

#: The repository's own configuration folder (the default for every command).
DEFAULT_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config" / "municipalities"

OTHER = "other"
"""Label value for anything the configuration does not name."""

Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

class ConfigError(KccError, ValueError):
    """A configuration file that cannot be used; the message names file, key and problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OpeningHours(_Strict):
    """Opening and closing clock time of one day, local time."""

    open: time
    close: time

    @model_validator(mode="after")
    def _open_before_close(self) -> "OpeningHours":
        if self.open >= self.close:
            raise ValueError("open must be before close")
        return self


class OfficeHours(_Strict):
    """Office hours: a default for every working day, optional per-weekday overrides."""

    default: OpeningHours = OpeningHours(open=time(9), close=time(17))
    weekdays: dict[Weekday, OpeningHours] = {}

    def on(self, weekday: int) -> OpeningHours:
        """Hours on a weekday (0 = Monday)."""
        return self.weekdays.get(WEEKDAYS[weekday], self.default)


class ClosingDays(_Strict):
    """Days the town hall is closed beyond the default Dutch closing days (KPIS.md)."""

    extra: list[date] = []
    """Municipal closing days, e.g. the Friday after Hemelvaart."""
    good_friday_closed: bool = False


class LetterTerm(_Strict):
    """Answer term for a letter without its own ``due_at``."""

    days: Annotated[int, Field(ge=1, le=365)]
    kind: Literal["working", "calendar"] = "working"


class CounterWaitThresholds(_Strict):
    """Wait threshold per visit type, in minutes (``balie_binnen_norm``)."""

    appointment: Annotated[float, Field(gt=0)] = 5
    walk_in: Annotated[float, Field(gt=0)] = 15


class Thresholds(_Strict):
    short_abandon_seconds: Annotated[float, Field(ge=0, le=3600)] = 5
    service_level_seconds: Annotated[float, Field(gt=0, le=3600)] = 30
    counter_wait_minutes: CounterWaitThresholds = CounterWaitThresholds()
    positive_from: Annotated[float, Field(ge=1, le=10)] = 6
    letter_terms: dict[Literal["post", "email"], LetterTerm] = {
        "post": LetterTerm(days=15, kind="working"),
        "email": LetterTerm(days=5, kind="working"),
    }
    """Answer term per letter channel when an event carries no ``due_at``."""
    caller_wait_alert_seconds: Annotated[float, Field(gt=0)] = 300
    """Live alert: a caller waiting longer than this now (from queue snapshots)."""
    silence_alert_minutes: Annotated[int, Field(gt=0)] = 15
    """Live alert: no events from a source for this long during office hours."""


class Norm(_Strict):
    """One norm from a programme text.

    ``target`` is a value in the indicator's unit (ratio 0..1, minutes, grade);
    with ``compare: previous_year`` the target is the indicator's value for the
    same period one year earlier instead. ``scope`` names the part of the scope
    the norm applies to; ``months`` (1..12) limits it to certain months.
    """

    indicator: str
    """An indicator id of :data:`monitor.indicators.spec.REGISTRY`."""
    op: Literal[">=", "<=", ">", "<"]
    target: float | None = None
    compare: Literal["previous_year"] | None = None
    scope: dict[str, str] = {}
    months: list[Annotated[int, Field(ge=1, le=12)]] | None = None
    label: str | None = None
    """The norm as the programme text writes it ("minimaal 80%"), for reports."""

    @field_validator("indicator")
    @classmethod
    def _known_indicator(cls, value: str) -> str:
        from monitor.indicators.spec import REGISTRY  # the registry imports metric specs, which import no config

        if value not in REGISTRY:
            raise ValueError(f"unknown indicator {value!r}; known: {', '.join(REGISTRY.ids())}")
        return value

    @model_validator(mode="after")
    def _target_or_compare(self) -> "Norm":
        if (self.target is None) == (self.compare is None):
            raise ValueError("a norm has either a target or compare: previous_year")
        from monitor.indicators.spec import REGISTRY

        dimensions = REGISTRY[self.indicator].scope
        unknown = sorted(set(self.scope) - set(dimensions))
        if unknown:  # such a norm would silently apply to no row
            raise ValueError(f"{self.indicator} has no scope dimension {', '.join(unknown)} "
                             f"(its dimensions: {', '.join(dimensions) or 'none'})")
        return self


class SimulationProfile(_Strict):
    """Volumes and rhythms the simulator draws from; derived from the seeds."""

    calls_per_working_day: Annotated[float, Field(ge=0)] = 0
    visits_per_working_day: Annotated[float, Field(ge=0)] = 0
    walk_in_hours: OpeningHours | None = None
    appointment_hours: OpeningHours | None = None
    callbacks_per_working_day: Annotated[float, Field(ge=0)] = 0
    letters_per_working_day: Annotated[float, Field(ge=0)] = 0
    digital_per_day: Annotated[float, Field(ge=0)] = 0
    survey_share: Annotated[float, Field(ge=0, le=1)] = 0.05
    peak_months: dict[Annotated[int, Field(ge=1, le=12)], float] = {}
    """Month → volume factor for counter visits (e.g. the travel-document peak)."""
    resolved_share: Annotated[float, Field(ge=0, le=1)] = 0.7
    """Share of ended calls the KCC resolves itself (``direct_geholpen``), 0..1."""
    walk_in_share: Annotated[float, Field(ge=0, le=1)] = 0.4
    """Share of counter visits without appointment, 0..1; used only when ``walk_in_hours`` is set."""


class Municipality(_Strict):
    """One municipality's configuration (a file in ``config/municipalities``)."""

    slug: Slug
    name: str
    timezone: str = "Europe/Amsterdam"
    lines: list[Slug]
    queues: list[Slug]
    departments: list[Slug] = []
    locations: list[Slug] = []
    location_names: dict[str, str] = {}
    """Display name per location slug, as the programme text writes it."""
    products: list[Slug] = []
    office_hours: OfficeHours = OfficeHours()
    working_weekdays: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
    """Weekdays that are working days (office open, working-day terms run), before closing days."""
    closing_days: ClosingDays = ClosingDays()
    thresholds: Thresholds = Thresholds()
    norms: list[Norm] = []
    simulation: SimulationProfile = SimulationProfile()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def label(self, dimension: str, value: str | None) -> str:
        """A bounded label value: the value if configured for ``dimension``, else ``other``."""
        allowed = _LABEL_SOURCES[dimension](self)
        return value if value is not None and value in allowed else OTHER


_LABEL_SOURCES = {
    "line": lambda m: m.lines,
    "queue": lambda m: m.queues,
    "department": lambda m: m.departments,
    "location": lambda m: m.locations,
    "product": lambda m: m.products,
}


@dataclass(frozen=True)
class Config:
    """All configured municipalities, by slug."""

    municipalities: dict[str, Municipality]

    def __getitem__(self, slug: str) -> Municipality:
        return self.municipalities[slug]

    @property
    def slugs(self) -> frozenset[str]:
        return frozenset(self.municipalities)


def load_municipality(path: Path) -> Municipality:
    """Load and validate one municipality file; ConfigError names file, key and problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        municipality = Municipality.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors(include_url=False)
        )
        raise ConfigError(f"{path}: {problems}") from None
    if municipality.slug != path.stem:
        raise ConfigError(f"{path}: slug: {municipality.slug!r} must equal the file name {path.stem!r}")
    return municipality


def load_config(directory: Path | str | None = None) -> Config:
    """Load every ``*.yaml`` in ``directory`` (default: the repository's ``config/municipalities``)."""
    folder = Path(directory) if directory is not None else DEFAULT_CONFIG_DIR
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ConfigError(f"{folder}: no municipality files (*.yaml)")
    municipalities = {m.slug: m for m in map(load_municipality, files)}
    return Config(municipalities=municipalities)
