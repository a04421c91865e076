"""Per-item records: everything the indicators need to know about one call, visit, letter, ….

Events of one item arrive out of order, late and twice (EVENTS.md). A record is
the fold of all of an item's events so far, and the fold is a *join
semi-lattice*: commutative, associative and idempotent. Folding the same events
in any order, any number of times, gives the same record — so the offline
report, the live stream (which keeps records as Faust table values) and a replay
all see the same item.

How: a record has one *slot* per event type it cares about (``offered``,
``answered``, …). A slot holds a tuple ``(ts_us, *payload)`` of the event that
fills it. When a second event of the same type arrives for the item, the smaller
tuple wins — the earliest ``ts``, then the payload — so the result never depends
on arrival order, and a repeated event (same ``event_id``) changes nothing. No
set of seen event ids is needed, and the ``event_id`` itself is not kept: two
events of one type with equal ``ts`` and equal payload are indistinguishable for
every indicator, and unequal payloads order deterministically (memory: a year of
a large municipality is ~1 million records).

Units inside records (all integers, exact, JSON-safe):

- ``ts_us``: the event's instant in microseconds since 1970-01-01T00:00:00Z.
  Only the instant matters; the local date comes from the municipality's zone.
- durations (``wait_seconds``): milliseconds (``wait_ms``).
- survey ``score``: thousandths of a grade (``score_milli``; 7.5 → 7500).
- optional timestamps (``appointment_at``, ``due_at``): microseconds, ``-1`` = absent;
  optional slugs: ``""`` = absent.

The *originating* slot (``offered``, ``requested``, ``checked_in``,
``received``, and the single event of surveys and digital transactions) gives
the item's period and scope: when an item's events disagree (a different
``location`` on ``visit.called``), the originating event's fields win, and the
other events' copies are not even stored. An item without its originating event
(yet) contributes to no indicator; the partner is joined when it arrives.

``queue.snapshot`` is live-only state and has no record (:func:`record_key` → None).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from sys import intern as _i
from typing import Any, ClassVar

from monitor.events import EVENT_TYPES, Event
from monitor.instants import to_us


Slot = tuple[Any, ...]
"""``(ts_us, *payload)`` of the event that fills a slot, or None."""

RecordKey = tuple[str, str, str]
"""``(municipality, kind, item_id)``: one record per item."""


def seconds_to_ms(seconds: float) -> int:
    """A duration in seconds (float from JSON or config) as whole milliseconds, rounded half to even."""
    return round(seconds * 1000)


def to_milli(value: float) -> int:
    """A grade (or any small decimal) as whole thousandths, rounded half to even: 7.5 → 7500."""
    return round(value * 1000)


def _earlier(current: Slot | None, candidate: Slot) -> Slot:
    return candidate if current is None or candidate < current else current


@dataclass(slots=True)
class _Record:
    """Common behaviour: slot folding and JSON (de)serialisation."""

    KIND: ClassVar[str] = ""
    SLOTS: ClassVar[tuple[str, ...]] = ()
    ORIGIN: ClassVar[str] = ""
    _PAYLOAD: ClassVar[dict[str, tuple[str, Callable[[Any], tuple[Any, ...]]]]] = {}

    municipality: str
    item_id: str

    def fold(self, event: Event) -> "_Record":
        """Join one event of this item into the record; returns the record itself (updated in place).

        Idempotent and order-independent: see the module docstring.
        """
        self.join(event)
        return self

    def join(self, event: Event) -> bool:
        """:meth:`fold`, saying whether the record changed (False: it held the event or an earlier one of its
        type already, a duplicate for the stream)."""
        if event.item_id != self.item_id or event.municipality != self.municipality:
            raise ValueError(f"event {event.event_id} belongs to another item than {self.key}")
        try:
            slot, payload = self._PAYLOAD[event.type]
        except KeyError:
            raise ValueError(f"a {self.KIND} record does not take {event.type} events") from None
        current = getattr(self, slot)
        candidate = (event.ts_us, *payload(event))
        if current is not None and not candidate < current:
            return False
        setattr(self, slot, candidate)
        return True

    def merge(self, other: "_Record") -> "_Record":
        """Join another record of the same item (e.g. from another worker); returns self, updated."""
        if other.key != self.key:
            raise ValueError(f"cannot merge {other.key} into {self.key}")
        for slot in self.SLOTS:
            theirs = getattr(other, slot)
            if theirs is not None:
                setattr(self, slot, _earlier(getattr(self, slot), theirs))
        return self

    @property
    def key(self) -> RecordKey:
        return (self.municipality, self.KIND, self.item_id)

    @property
    def origin(self) -> Slot | None:
        """The originating event's slot (None while it has not arrived)."""
        return getattr(self, self.ORIGIN)

    @property
    def origin_us(self) -> int | None:
        """When the item started (µs since the epoch), or None without its originating event."""
        origin = self.origin
        return None if origin is None else origin[0]

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (slots as arrays); :func:`record_from_json` reads it back.

        The slots are the record's own tuples (JSON arrays; read back, lists), not copies: the stream
        writes one value per event, and tuples of plain values are left alone by the garbage collector."""
        data: dict[str, Any] = {"kind": self.KIND, "municipality": self.municipality, "id": self.item_id}
        for slot in self.SLOTS:
            data[slot] = getattr(self, slot)
        return data

    @classmethod
    def _from_json(cls, data: dict[str, Any]) -> "_Record":
        record = cls(data["municipality"], data["id"])
        for slot in cls.SLOTS:
            value = data.get(slot)
            setattr(record, slot, None if value is None else tuple(value))
        return record


def _wait_ms(event: Any) -> int:
    return seconds_to_ms(event.wait_seconds)


@dataclass(slots=True)
class CallRecord(_Record):
    """One call on the KCC line. ``offered = (ts_us, line, queue)``,
    ``answered``/``abandoned = (ts_us, wait_ms)``, ``ended = (ts_us, outcome)``."""

    KIND: ClassVar[str] = "call"
    SLOTS: ClassVar[tuple[str, ...]] = ("offered", "answered", "abandoned", "ended")
    ORIGIN: ClassVar[str] = "offered"
    _PAYLOAD: ClassVar[dict[str, tuple[str, Callable[[Any], tuple[Any, ...]]]]] = {
        "call.offered": ("offered", lambda e: (_i(e.line), _i(e.queue))),
        "call.answered": ("answered", lambda e: (_wait_ms(e),)),
        "call.abandoned": ("abandoned", lambda e: (_wait_ms(e),)),
        "call.ended": ("ended", lambda e: (_i(e.outcome),)),
    }

    offered: Slot | None = None
    answered: Slot | None = None
    abandoned: Slot | None = None
    ended: Slot | None = None

    @property
    def line(self) -> str | None:
        return None if self.offered is None else self.offered[1]

    @property
    def queue(self) -> str | None:
        return None if self.offered is None else self.offered[2]


@dataclass(slots=True)
class CallbackRecord(_Record):
    """One callback request. ``requested = (ts_us, department)``; ``completed``/``cancelled = (ts_us,)``."""

    KIND: ClassVar[str] = "callback"
    SLOTS: ClassVar[tuple[str, ...]] = ("requested", "completed", "cancelled")
    ORIGIN: ClassVar[str] = "requested"
    _PAYLOAD: ClassVar[dict[str, tuple[str, Callable[[Any], tuple[Any, ...]]]]] = {
        "callback.requested": ("requested", lambda e: (_i(e.department),)),
        "callback.completed": ("completed", lambda e: ()),
        "callback.cancelled": ("cancelled", lambda e: ()),
    }

    requested: Slot | None = None
    completed: Slot | None = None
    cancelled: Slot | None = None

    @property
    def department(self) -> str | None:
        return None if self.requested is None else self.requested[1]


@dataclass(slots=True)
class VisitRecord(_Record):
    """One counter visit. ``checked_in = (ts_us, location, visit_type, appointment_us | -1, product | "")``;
    ``called``/``no_show = (ts_us,)``. ``visit.completed`` is accepted and
    ignored: no indicator uses it."""

    KIND: ClassVar[str] = "visit"
    SLOTS: ClassVar[tuple[str, ...]] = ("checked_in", "called", "no_show")
    ORIGIN: ClassVar[str] = "checked_in"
    _PAYLOAD: ClassVar[dict[str, tuple[str, Callable[[Any], tuple[Any, ...]]]]] = {
        "visit.checked_in": ("checked_in", lambda e: (
            _i(e.location), _i(e.visit_type), -1 if e.appointment_at is None else to_us(e.appointment_at),
            _i(e.product or ""))),
        "visit.called": ("called", lambda e: ()),
        "visit.no_show": ("no_show", lambda e: ()),
    }

    checked_in: Slot | None = None
    called: Slot | None = None
    no_show: Slot | None = None

    def join(self, event: Event) -> bool:
        if event.type == "visit.completed":
            if event.item_id != self.item_id or event.municipality != self.municipality:
                raise ValueError(f"event {event.event_id} belongs to another item than {self.key}")
            return False
        return _Record.join(self, event)

    @property
    def location(self) -> str | None:
        return None if self.checked_in is None else self.checked_in[1]

    @property
    def visit_type(self) -> str | None:
        return None if self.checked_in is None else self.checked_in[2]

    @property
    def appointment_us(self) -> int | None:
        if self.checked_in is None or self.checked_in[3] < 0:
            return None
        return self.checked_in[3]


@dataclass(slots=True)
class LetterRecord(_Record):
    """One letter or e-mail. ``received = (ts_us, channel, department, due_us | -1)``; ``answered = (ts_us,)``."""

    KIND: ClassVar[str] = "letter"
    SLOTS: ClassVar[tuple[str, ...]] = ("received", "answered")
    ORIGIN: ClassVar[str] = "received"
    _PAYLOAD: ClassVar[dict[str, tuple[str, Callable[[Any], tuple[Any, ...]]]]] = {
        "letter.received": ("received", lambda e: (
            _i(e.channel), _i(e.department), -1 if e.due_at is None else to_us(e.due_at))),
        "letter.answered": ("answered", lambda e: ()),
    }

    received: Slot | None = None
    answered: Slot | None = None

    @property
    def channel(self) -> str | None:
        return None if self.received is None else self.received[1]

    @property
    def department(self) -> str | None:
        return None if self.received is None else self.received[2]

    @property
    def due_us(self) -> int | None:
        if self.received is None or self.received[3] < 0:
            return None
        return self.received[3]


@dataclass(slots=True)
class SurveyRecord(_Record):
    """One survey answer: ``answered = (ts_us, channel, location | "", score_milli)``."""

    KIND: ClassVar[str] = "survey"
    SLOTS: ClassVar[tuple[str, ...]] = ("answered",)
    ORIGIN: ClassVar[str] = "answered"
    _PAYLOAD: ClassVar[dict[str, tuple[str, Callable[[Any], tuple[Any, ...]]]]] = {
        "survey.answered": ("answered", lambda e: (_i(e.channel), _i(e.location or ""), to_milli(e.score))),
    }

    answered: Slot | None = None


@dataclass(slots=True)
class DigitalRecord(_Record):
    """One completed online transaction: ``completed = (ts_us, product)``."""

    KIND: ClassVar[str] = "digital"
    SLOTS: ClassVar[tuple[str, ...]] = ("completed",)
    ORIGIN: ClassVar[str] = "completed"
    _PAYLOAD: ClassVar[dict[str, tuple[str, Callable[[Any], tuple[Any, ...]]]]] = {
        "digital.completed": ("completed", lambda e: (_i(e.product),)),
    }

    completed: Slot | None = None


Record = CallRecord | CallbackRecord | VisitRecord | LetterRecord | SurveyRecord | DigitalRecord

RECORD_TYPES: dict[str, type[_Record]] = {
    cls.KIND: cls for cls in (CallRecord, CallbackRecord, VisitRecord, LetterRecord, SurveyRecord, DigitalRecord)
}
"""Record class by kind (``call``, ``callback``, ``visit``, ``letter``, ``survey``, ``digital``)."""

def _slot_getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Slot | None, ...]]:
    get = attrgetter(*names)
    return get if len(names) > 1 else lambda record: (get(record),)  # attrgetter of one name: the value itself


_SLOT_GETTERS = {cls: _slot_getter(cls.SLOTS) for cls in RECORD_TYPES.values()}
"""Per record class, the getter of :func:`slots`."""

_KIND_BY_TYPE = {event_type: event_type.split(".", 1)[0] for event_type in EVENT_TYPES
                 if event_type.split(".", 1)[0] in RECORD_TYPES}
"""The record kind of each contract event type that has a record (all but ``queue.snapshot``)."""


def record_key(event: Event) -> RecordKey | None:
    """``(municipality, kind, item_id)`` of the record an event folds into; None for ``queue.snapshot``."""
    kind = _KIND_BY_TYPE.get(event.type)
    return None if kind is None else (event.municipality, kind, event.item_id)


def new_record(key: RecordKey) -> Record:
    """An empty record for a key from :func:`record_key`."""
    municipality, kind, item_id = key
    return RECORD_TYPES[kind](municipality, item_id)  # type: ignore[return-value]


def fold(record: Record | None, event: Event) -> Record:
    """Fold ``event`` into ``record`` (a new record when None); returns the updated record.

    The stream's agent does ``table[key] = fold(from_json(table.get(key)), event).to_json()``.
    """
    if record is None:
        key = record_key(event)
        if key is None:
            raise ValueError(f"{event.type} events have no record")
        record = new_record(key)
    return record.fold(event)  # type: ignore[return-value]


def slots(record: Record) -> tuple[Slot | None, ...]:
    """The record's slots in ``SLOTS`` order (one C call: the facts, the agenda and the deadlines read them all
    several times per event)."""
    return _SLOT_GETTERS[type(record)](record)


def record_from_json(data: dict[str, Any]) -> Record:
    """Read back a dict written by ``Record.to_json()``."""
    try:
        cls = RECORD_TYPES[data["kind"]]
    except KeyError:
        raise ValueError(f"not a record: {data!r:.80}") from None
    return cls._from_json(data)  # type: ignore[return-value]


class RecordStore:
    """Records folded from events, in memory (the file source uses it; the stream uses a Faust table).

    Stored per ``(municipality, kind)`` and then by item id, so a million records
    do not each carry a key tuple.
    """

    def __init__(self) -> None:
        self._tables: dict[tuple[str, str], dict[str, Record]] = {}

    def add(self, event: Event) -> Record | None:
        """Fold one event in; returns its record, or None for events without one (queue snapshots)."""
        kind = _KIND_BY_TYPE.get(event.type)
        if kind is None:
            return None
        table = self._tables.get((event.municipality, kind))
        if table is None:
            table = self._tables[(event.municipality, kind)] = {}
        item_id = event.item_id
        record = table.get(item_id)
        if record is None:
            record = table[item_id] = RECORD_TYPES[kind](_i(event.municipality), item_id)  # type: ignore[assignment]
        return record.fold(event)  # type: ignore[return-value]

    def get(self, key: RecordKey) -> Record | None:
        municipality, kind, item_id = key
        return self._tables.get((municipality, kind), {}).get(item_id)

    def items(self) -> Iterator[tuple[RecordKey, Record]]:
        for (municipality, kind), table in self._tables.items():
            for item_id, record in table.items():
                yield (municipality, kind, item_id), record

    def __iter__(self) -> Iterator[Record]:
        for table in self._tables.values():
            yield from table.values()

    def __len__(self) -> int:
        return sum(len(table) for table in self._tables.values())
