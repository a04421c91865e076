"""Every live metric's name, type, labels and buckets, in one place.

The worker (``streams/metrics.py``) builds its prometheus_client objects from
these specs; the recording and alert rules and the dashboards take names and
labels from here too, so a rename cannot leave a rule or panel silently empty.
This module is plain data: it imports no client library.

Units are base units (seconds, ratios 0..1). Label values are bounded: a value
the municipality's configuration does not name is exported as ``other``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from monitor.config import Config

Kind = Literal["counter", "gauge", "histogram"]


@dataclass(frozen=True, eq=False)
class MetricSpec:
    """One metric. Specs are module constants, so one is equal only to itself: a fact (``monitor.live``) holds
    its spec, and identity hashing keeps a fact's hash cheap (the generated hash of four fields cost ≈ 2 %
    of a worker's time)."""

    name: str
    """Full metric name; counters without the ``_total`` suffix (the client adds it)."""
    kind: Kind
    help: str
    labels: tuple[str, ...]

    @property
    def series(self) -> str:
        """The name PromQL uses for the main series (``…_total`` for counters)."""
        return f"{self.name}_total" if self.kind == "counter" else self.name


_PHONE = ("municipality", "line", "queue")
_CALLBACK = ("municipality", "department")
_VISIT = ("municipality", "location", "visit_type")
_SURVEY = ("municipality", "channel", "location")
_LETTER = ("municipality", "channel", "department")

# Phone (Call)
CALLS_OFFERED = MetricSpec("kcc_calls_offered", "counter", "Calls that entered a KCC queue.", _PHONE)
CALLS_ANSWERED = MetricSpec("kcc_calls_answered", "counter", "Calls an agent answered.", _PHONE)
CALLS_ANSWERED_IN_SERVICE_LEVEL = MetricSpec(
    "kcc_calls_answered_within_service_level", "counter",
    "Answered calls whose wait was at most the municipality's service-level seconds.", _PHONE)
CALLS_ABANDONED = MetricSpec("kcc_calls_abandoned", "counter", "Callers who hung up while waiting.", _PHONE)
CALLS_SHORT_ABANDONED = MetricSpec(
    "kcc_calls_short_abandoned", "counter",
    "Abandoned calls that waited less than the short-abandon threshold (left out of bereikbaarheid).", _PHONE)
CALLS_ENDED = MetricSpec(
    "kcc_calls_ended", "counter", "Ended conversations by outcome.", _PHONE + ("outcome",))
CALL_WAIT = MetricSpec(
    "kcc_call_wait_seconds", "histogram", "Queue wait of answered calls, seconds.", _PHONE)

# Callbacks
CALLBACKS_REQUESTED = MetricSpec("kcc_callbacks_requested", "counter", "Callback requests.", _CALLBACK)
CALLBACKS_CANCELLED = MetricSpec("kcc_callbacks_cancelled", "counter", "Withdrawn callback requests.", _CALLBACK)
CALLBACKS_COMPLETED = MetricSpec("kcc_callbacks_completed", "counter", "Callbacks made.", _CALLBACK)
CALLBACKS_COMPLETED_IN_TIME = MetricSpec(
    "kcc_callbacks_completed_in_time", "counter",
    "Callbacks made within N working days of the request (label working_days).",
    _CALLBACK + ("working_days",))
CALLBACKS_OPEN = MetricSpec(
    "kcc_callbacks_open", "gauge", "Callback requests open now (requested, not made, not withdrawn).", _CALLBACK)
CALLBACKS_OPEN_PAST_DEADLINE = MetricSpec(
    "kcc_callbacks_open_past_deadline", "gauge",
    "Open callback requests past their N-working-day deadline now.", _CALLBACK + ("working_days",))

# Counter visits (Face)
VISITS_CHECKED_IN = MetricSpec("kcc_visits_checked_in", "counter", "Visitors who took a ticket.", _VISIT)
VISITS_NO_SHOW = MetricSpec("kcc_visits_no_show", "counter", "Appointments nobody came to.", ("municipality", "location"))
VISIT_WAIT = MetricSpec(
    "kcc_visit_wait_seconds", "histogram",
    "Counter wait from check-in (or appointment time, if later) to being called, seconds.", _VISIT)
VISITS_WITHIN_NORM = MetricSpec(
    "kcc_visits_within_norm", "counter",
    "Called visitors whose wait was within the municipality's threshold for the visit type.", _VISIT)
VISITORS_WAITING = MetricSpec(
    "kcc_visitors_waiting", "gauge", "Visitors checked in and not yet called, now.", ("municipality", "location"))

# Live queue state (queue.snapshot)
QUEUE_WAITING = MetricSpec(
    "kcc_queue_waiting", "gauge", "Waiting now, per the queue system's last snapshot.",
    ("municipality", "channel", "queue"))
QUEUE_LONGEST_WAIT = MetricSpec(
    "kcc_queue_longest_wait_seconds", "gauge", "Longest current wait in the last snapshot, seconds.",
    ("municipality", "channel", "queue"))
QUEUE_AGENTS_AVAILABLE = MetricSpec(
    "kcc_queue_agents_available", "gauge", "Agents available in the last snapshot.",
    ("municipality", "channel", "queue"))

# Satisfaction
SURVEY_SCORE = MetricSpec(
    "kcc_survey_score", "histogram", "Satisfaction answers, grade 1..10.", _SURVEY)
SURVEYS_POSITIVE = MetricSpec(
    "kcc_surveys_positive", "counter", "Answers with a score at or above positive_from.", _SURVEY)

# Correspondence
LETTERS_RECEIVED = MetricSpec("kcc_letters_received", "counter", "Letters and e-mails received.", _LETTER)
LETTERS_ANSWERED = MetricSpec("kcc_letters_answered", "counter", "Letters and e-mails answered.", _LETTER)
LETTERS_ANSWERED_IN_TIME = MetricSpec(
    "kcc_letters_answered_in_time", "counter", "Letters answered by their due time.", _LETTER)
LETTERS_OPEN_PAST_DUE = MetricSpec(
    "kcc_letters_open_past_due", "gauge", "Unanswered letters past their due time now.", _LETTER)

# Digital and contacts
DIGITAL_COMPLETED = MetricSpec(
    "kcc_digital_completed", "counter", "Products completed online.", ("municipality", "product"))
CONTACTS = MetricSpec(
    "kcc_contacts", "counter", "Contacts per channel (phone, counter, post, email, digital).",
    ("municipality", "channel"))

# Pipeline health
EVENTS = MetricSpec("kcc_events", "counter", "Valid events processed (duplicates excluded).", ("municipality", "type"))
EVENTS_DUPLICATE = MetricSpec("kcc_events_duplicate", "counter",
                              "Events that changed nothing, by cause (source, redelivery, compacted).",
                              ("municipality", "type", "cause"))
DEAD_LETTERS = MetricSpec(
    "kcc_dead_letters", "counter", "Invalid messages sent to the dead-letter topic, by reason.", ("topic", "reason"))
ORPHANS_DROPPED = MetricSpec(
    "kcc_orphan_records_dropped", "counter",
    "Records without their originating event dropped after the redelivery horizon, by item kind.",
    ("municipality", "kind"))
DEAD_LETTER_SEND_FAILURES = MetricSpec(
    "kcc_dead_letter_send_failures", "counter",
    "Failed attempts to send a dead letter (each is retried until delivered), by the message's topic.", ("topic",))
LAST_EVENT = MetricSpec(
    "kcc_last_event_timestamp_seconds", "gauge",
    "Unix time at which the worker last processed an event of a source family.", ("municipality", "family"))

# Added for the rules (monitor/promql.py, monitor/rules/). PromQL has no time zones and no
# working-day calendar, so the worker exports what only the municipality's calendar knows.
CALLBACKS_MISSED_DEADLINE = MetricSpec(
    "kcc_callbacks_missed_deadline", "counter",
    "Callback requests still open when their N-working-day deadline passed; counted once, at the deadline "
    "(label working_days). Together with completed_in_time this decides every request exactly once.",
    _CALLBACK + ("working_days",))
LETTERS_MISSED_DUE = MetricSpec(
    "kcc_letters_missed_due", "counter",
    "Letters still unanswered when their due time passed; counted once, at the due time.", _LETTER)
OFFICE_OPEN = MetricSpec(
    "kcc_office_open", "gauge",
    "1 while the municipality's office is open now (office hours on a working day, local time), else 0; "
    "computed at scrape time from the municipality's calendar.", ("municipality",))
PERIOD_START = MetricSpec(
    "kcc_period_start_timestamp_seconds", "gauge",
    "Unix time of the start of the current local calendar period (label period: day or month) in the "
    "municipality's time zone; computed at scrape time, DST-correct.", ("municipality", "period"))
EVENT_DELAY = MetricSpec(
    "kcc_event_delay_seconds", "histogram",
    "Seconds from a message's Kafka timestamp (the producer's create time) to its change being applied, so "
    "visible on /metrics: the pipeline's latency (a backlog shows here too).", ())
CONSUMER_LAG = MetricSpec(
    "kcc_consumer_lag_messages", "gauge",
    "Messages between the worker's consumer position and the end of each assigned partition.",
    ("topic", "partition"))

ALL: tuple[MetricSpec, ...] = tuple(v for v in list(globals().values()) if isinstance(v, MetricSpec))

_BASE_CALL_WAIT_BUCKETS = (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1800)
_BASE_VISIT_WAIT_BUCKETS = (60, 120, 180, 300, 420, 600, 900, 1200, 1800, 2700, 3600)
EVENT_DELAY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30, 60, 120, 300, 900)
"""Seconds; fine below 1 s, where the latency targets are (p50 < 0.2 s, p99 < 1 s)."""
SURVEY_BUCKETS = (1, 2, 3, 4, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 10)
"""Grade buckets; include the half grades norms and positive_from use."""


def call_wait_buckets(config: Config) -> tuple[float, ...]:
    """Call-wait buckets (seconds), including every configured service-level and short-abandon threshold."""
    extra = {m.thresholds.service_level_seconds for m in config.municipalities.values()}
    return tuple(sorted(set(_BASE_CALL_WAIT_BUCKETS) | extra))


def visit_wait_buckets(config: Config) -> tuple[float, ...]:
    """Counter-wait buckets (seconds), including every configured threshold and wait norm."""
    from monitor.indicators.spec import to_live  # the registry names these metric specs: import on use

    extra: set[float] = set()
    for m in config.municipalities.values():
        waits = m.thresholds.counter_wait_minutes
        extra |= {to_live(waits.appointment, "minutes"), to_live(waits.walk_in, "minutes")}
        extra |= {to_live(n.target, "minutes") for n in m.norms
                  if n.indicator == "wachttijd_balie" and n.target is not None}
    return tuple(sorted(set(_BASE_VISIT_WAIT_BUCKETS) | extra))
