"""The event topics' schema: Kafka's key and value bytes, handed to the agents as they are.

The agents parse every message themselves (``monitor.events.parse_event``; EVENTS.md is the contract), so
Faust's decoding is the identity. Faust's own :class:`faust.Schema` still passes each key and value
through its serializer registry (the ``raw`` codec, exception wrappers) and reads the ``Event`` class
from the app's settings per message: ≈ 7 % of a worker's main thread in the profile of
docs/performance.md, for bytes in, the same bytes out.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.types import AppT
from faust.types.tuples import Message


class RawSchema(faust.Schema):
    """Raw bytes both ways: encoding as Faust's ``raw`` serializer, decoding without the registry."""

    def __init__(self) -> None:
        super().__init__(key_serializer="raw", value_serializer="raw")

    def compile(self, app: AppT, **_: Any) -> Any:
        """The decoder of a topic: one ``Event`` per message with its key and value bytes.

        ``raw`` decoding cannot fail, so the decode-error callbacks Faust passes are not needed.
        """
        event_class = app.conf.Event

        async def decode(message: Message, *, propagate: bool = False) -> Any:
            return event_class(app, message.key, message.value, message.headers, message)

        return decode
