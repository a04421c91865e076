"""The event contract (``shared/EVENTS.md``) as strict pydantic models.

Every message from a source system passes :func:`parse_event` exactly once, at
the boundary (a Kafka agent, a JSON Lines reader). Past that point the rest of
the monitor trusts the types: timestamps are timezone-aware, slugs are bounded,
durations are seconds in ``0..86400``.

Exceptions::

    ValueError
     └── InvalidEvent        the message breaks the contract; ``reason`` is one
                             of REASONS (bounded, safe as a metric label) and
                             ``detail`` says where and why, for people.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Annotated, ClassVar, Literal, Union

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from monitor.errors import KccError
from monitor.instants import to_us

SLUG_PATTERN = r"^[a-z0-9-]{1,40}$"
EVENT_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"

#: Bounded set of dead-letter reasons; every InvalidEvent carries one of these:
#:
#: - ``invalid_json``: not JSON; ``not_an_object``: JSON, but not an object;
#: - ``unknown_type``, ``unknown_field``, ``missing_field``: the shape of EVENTS.md;
#: - ``naive_timestamp``: a timestamp without its UTC offset;
#: - ``timestamp_out_of_range``: a timestamp whose year (in its own offset) is outside
#:   :data:`YEARS` — the calendar, deadlines and local days are defined there only;
#: - ``invalid_value``: any other value the contract forbids;
#: - ``unknown_municipality``: a municipality that is not configured.
REASONS = (
    "invalid_json",
    "not_an_object",
    "unknown_type",
    "unknown_field",
    "missing_field",
    "naive_timestamp",
    "timestamp_out_of_range",
    "invalid_value",
    "unknown_municipality",
)

YEARS = range(2000, 2101)
"""Years a timestamp may have (2000–2100 inclusive, in the timestamp's own UTC offset)."""

DETAIL_MAX_CHARS = 300
"""Characters of an :class:`InvalidEvent` detail kept: a detail quotes the offending value, which a
hostile message can make arbitrarily long."""

Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Seconds = Annotated[float, Field(ge=0, le=86400)]
"""A duration in seconds, 0..86400 (one day)."""
ItemId = Annotated[str, Field(pattern=EVENT_ID_PATTERN)]
"""Opaque identifier chosen by the source system (never personal data)."""


class InvalidEvent(KccError, ValueError):
    """A message that breaks the event contract."""

    def __init__(self, reason: str, detail: str) -> None:
        assert reason in REASONS, reason
        if len(detail) > DETAIL_MAX_CHARS:
            detail = f"{detail[:DETAIL_MAX_CHARS]}… ({len(detail)} characters)"
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class _Event(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    event_id: Annotated[str, Field(pattern=EVENT_ID_PATTERN)]
    ts: AwareDatetime
    municipality: Slug

    #: The name of the field that identifies the item (the Kafka key).
    key_field: ClassVar[str] = ""

    @property
    def ts_us(self) -> int:
        """``ts`` in µs since the epoch (``monitor.instants.to_us``), converted once: the fold and the worker's
        watermarks both need it, and a conversion of an aware datetime costs ≈ 1 µs. Kept in the instance's
        ``__dict__`` as ``functools.cached_property`` would, without its lock (Python 3.11 takes one lock, shared
        by every instance, per first read: ≈ 1.2 µs per event)."""
        known = self.__dict__
        us = known.get("ts_us")
        if us is None:
            us = known["ts_us"] = to_us(self.ts)
        return us

    @property
    def item_id(self) -> str:
        """The id of the item (call, visit, …) this event belongs to."""
        return getattr(self, self.key_field)

    @property
    def kafka_key(self) -> str:
        """The message key EVENTS.md prescribes: one item, one partition."""
        return self.item_id


class _CallEvent(_Event):
    key_field: ClassVar[str] = "call_id"
    call_id: ItemId
    line: Slug
    queue: Slug


class CallOffered(_CallEvent):
    type: Literal["call.offered"]


class CallAnswered(_CallEvent):
    type: Literal["call.answered"]
    wait_seconds: Seconds


class CallAbandoned(_CallEvent):
    type: Literal["call.abandoned"]
    wait_seconds: Seconds


CallOutcome = Literal["resolved", "transferred", "callback_requested", "other"]


class CallEnded(_CallEvent):
    type: Literal["call.ended"]
    talk_seconds: Seconds
    outcome: CallOutcome


class _CallbackEvent(_Event):
    key_field: ClassVar[str] = "callback_id"
    callback_id: ItemId
    department: Slug


class CallbackRequested(_CallbackEvent):
    type: Literal["callback.requested"]


class CallbackCompleted(_CallbackEvent):
    type: Literal["callback.completed"]


class CallbackCancelled(_CallbackEvent):
    type: Literal["callback.cancelled"]


VisitType = Literal["appointment", "walk_in"]


class _VisitEvent(_Event):
    key_field: ClassVar[str] = "visit_id"
    visit_id: ItemId
    location: Slug


class VisitCheckedIn(_VisitEvent):
    type: Literal["visit.checked_in"]
    visit_type: VisitType
    appointment_at: AwareDatetime | None = None
    product: Slug | None = None

    @model_validator(mode="after")
    def _appointment_time_matches_type(self) -> "VisitCheckedIn":
        if self.visit_type == "appointment" and self.appointment_at is None:
            raise ValueError("appointment_at is required when visit_type is appointment")
        if self.visit_type == "walk_in" and self.appointment_at is not None:
            raise ValueError("appointment_at is only allowed when visit_type is appointment")
        return self


class VisitCalled(_VisitEvent):
    type: Literal["visit.called"]
    visit_type: VisitType


class VisitCompleted(_VisitEvent):
    type: Literal["visit.completed"]
    visit_type: VisitType


class VisitNoShow(_VisitEvent):
    type: Literal["visit.no_show"]


class QueueSnapshot(_Event):
    type: Literal["queue.snapshot"]
    channel: Literal["phone", "counter"]
    queue: Slug
    waiting: Annotated[int, Field(ge=0)]
    longest_wait_seconds: Seconds
    agents_available: Annotated[int, Field(ge=0)] | None = None

    @property
    def item_id(self) -> str:
        return f"{self.municipality}:{self.queue}"


class SurveyAnswered(_Event):
    type: Literal["survey.answered"]
    key_field: ClassVar[str] = "survey_id"
    survey_id: ItemId
    channel: Literal["counter", "phone", "website", "email"]
    location: Slug | None = None
    score: Annotated[float, Field(ge=1, le=10)]
    """Dutch school grade, 1..10."""


class _LetterEvent(_Event):
    key_field: ClassVar[str] = "letter_id"
    letter_id: ItemId
    channel: Literal["post", "email"]
    department: Slug


class LetterReceived(_LetterEvent):
    type: Literal["letter.received"]
    due_at: AwareDatetime | None = None


class LetterAnswered(_LetterEvent):
    type: Literal["letter.answered"]


class DigitalCompleted(_Event):
    type: Literal["digital.completed"]
    key_field: ClassVar[str] = "transaction_id"
    transaction_id: ItemId
    product: Slug


Event = Annotated[
    Union[
        CallOffered, CallAnswered, CallAbandoned, CallEnded,
        CallbackRequested, CallbackCompleted, CallbackCancelled,
        VisitCheckedIn, VisitCalled, VisitCompleted, VisitNoShow,
        QueueSnapshot, SurveyAnswered, LetterReceived, LetterAnswered,
        DigitalCompleted,
    ],
    Field(discriminator="type"),
]

EVENT_TYPES: dict[str, type[_Event]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in Event.__origin__.__args__  # type: ignore[attr-defined]
}
"""Every event type name (``call.offered``, …) and its model."""

_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event, config=ConfigDict(cache_strings="keys"))
"""The parser of every message. Its JSON parser keeps only field names in pydantic's string cache (the default
also keeps every value of up to 64 characters: an event's ids are new in every message, so the cache
mostly churns; a third of the parse, docs/performance.md)."""

_TIMESTAMP_FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(field for field, info in model.model_fields.items() if "AwareDatetime" in repr(info.annotation))
    for name, model in EVENT_TYPES.items()
}
"""The timestamp fields of each event type (``ts``, ``appointment_at``, ``due_at``)."""

_REASON_BY_ERROR = {
    "json_invalid": "invalid_json",
    "union_tag_invalid": "unknown_type",
    "union_tag_not_found": "missing_field",
    "extra_forbidden": "unknown_field",
    "missing": "missing_field",
    "timezone_aware": "naive_timestamp",
}


FAMILIES = ("call", "callback", "visit", "queue", "survey", "letter", "digital")
"""Event families; each has its own topic (``Settings.event_topic``)."""


def family(event_type: str) -> str:
    """The family of an event type: ``call.offered`` → ``call``."""
    known = _FAMILY_OF.get(event_type)
    return event_type.split(".", 1)[0] if known is None else known


_FAMILY_OF = {event_type: event_type.split(".", 1)[0] for event_type in EVENT_TYPES}
"""The family of every contract event type, looked up twice per message."""


def parse_event(raw: bytes | str, municipalities: Collection[str] | None = None) -> Event:
    """Parse one message (raw JSON bytes) into its event model.

    ``municipalities`` is the set of configured slugs; an event for any other
    municipality is invalid. ``None`` skips that check (contract tests only).
    Raises :class:`InvalidEvent` with a bounded reason and a readable detail.
    """
    try:
        event = _ADAPTER.validate_json(raw)
    except ValidationError as exc:
        raise _invalid_from(exc, raw) from None
    for name in _TIMESTAMP_FIELDS[event.type]:
        value = getattr(event, name)
        if value is not None and value.year not in YEARS:
            raise InvalidEvent("timestamp_out_of_range",
                               f"{name}: year {value.year} is outside {YEARS.start}..{YEARS.stop - 1}")
    if municipalities is not None and event.municipality not in municipalities:
        raise InvalidEvent("unknown_municipality", f"municipality {event.municipality!r} is not configured")
    return event


def event_to_json(event: _Event) -> str:
    """The compact JSON form of an event, as producers publish it."""
    return event.model_dump_json(exclude_none=True)


def _invalid_from(exc: ValidationError, raw: bytes | str) -> InvalidEvent:
    first = exc.errors(include_url=False)[0]
    kind = first["type"]
    reason = _REASON_BY_ERROR.get(kind, "invalid_value")
    if kind == "dict_type":
        reason = "invalid_json" if _is_bad_json(raw) else "not_an_object"
    # loc starts with the union tag ("call.offered") when a model was chosen.
    location = ".".join(str(part) for part in first["loc"][1:])
    message = first["msg"].removeprefix("Value error, ")
    if kind == "union_tag_invalid":
        location, message = "type", f"unknown event type {first['ctx']['tag']!r}"
    elif kind == "union_tag_not_found":
        location, message = "type", "field required"
    return InvalidEvent(reason, f"{location}: {message}" if location else message)


def _is_bad_json(raw: bytes | str) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False
