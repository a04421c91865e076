"""The event topics hand the agents Kafka's bytes unchanged (parsing is ``monitor.events``' job)."""

from __future__ import annotations

import asyncio

import faust
import pytest
from faust.types.tuples import Message

from streams.schema import RawSchema


def _message(key: bytes | None, value: bytes | None) -> Message:
    return Message("kcc.events.call", 0, 7, 1_764_000_000.0, 0, [("h", b"1")], key, value, None)


@pytest.mark.parametrize(("key", "value"), [
    (b"utrecht:c-1", b'{"type": "call_offered"}'),
    (b"\xff\xfe not utf-8", b"\x00\x01 not json"),
    (None, None),
])
def test_event_carries_the_message_bytes_unchanged(key, value):
    app = faust.App("test-raw-schema", broker="kafka://127.0.0.1:1")
    message = _message(key, value)
    event = asyncio.run(RawSchema().compile(app)(message))
    assert (event.key, event.value, event.message, event.headers) == (key, value, message, {"h": b"1"})
    assert isinstance(event, app.conf.Event)


def test_sending_keeps_bytes_as_they_are():
    app = faust.App("test-raw-schema-send", broker="kafka://127.0.0.1:1")
    schema = RawSchema()
    assert schema.dumps_key(app, b"\xffk", headers={})[0] == b"\xffk"
    assert schema.dumps_value(app, b"\x00v", headers={})[0] == b"\x00v"
