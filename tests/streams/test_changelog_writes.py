"""The tables' changelog messages are Faust's own bytes, queued in the order the tables wrote them.

Sending them is the agent's (``ChangelogWrites.send`` into the real producer): the integration tests
(tests/integration/test_faults.py, test_stream_equals_report.py) recover tables from what it sent.
"""

from __future__ import annotations

import pytest

from streams.changelog_writes import ChangelogWrites


@pytest.mark.parametrize("value", [
    {"record": {"kind": "call", "offered": [1, "14050", "algemeen"]}, "updated": 1.5, "partition": 3,
     "folded": ["s1"]},
    [20_424, 20_423],
    1_764_000_000_000_000,
    {"cells": [], "items": ["groningen|call|k1"]},
])
def test_a_write_is_encoded_as_fausts_json_serializer_would(unit_worker, value):
    worker = unit_worker()
    writes = ChangelogWrites()
    writes.write("t-records-changelog", 2, "groningen|call|k1", value)
    serializers = worker.app.serializers
    assert writes.pending == [(
        "t-records-changelog", 2,
        serializers.dumps_key(None, "groningen|call|k1", serializer="json"),
        serializers.dumps_value(None, value, serializer="json"), None)]


def test_a_tombstone_has_no_value_and_writes_keep_their_order():
    writes = ChangelogWrites()
    writes.write("t-daily-changelog", 0, "a", {"cells": []})
    writes.write("t-compacted-changelog", 0, "b", [1, 1])
    writes.write("t-records-changelog", 0, "b", None)
    assert [(topic, key, value is None) for topic, _, key, value, _ in writes.pending] == [
        ("t-daily-changelog", b'"a"', False), ("t-compacted-changelog", b'"b"', False),
        ("t-records-changelog", b'"b"', True)]
