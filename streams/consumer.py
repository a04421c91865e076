"""The worker's Kafka consumer: Faust's aiokafka consumer with three holes in its offset bookkeeping closed.

Faust commits, per partition, the offsets its streams acknowledged. Around a rebalance it
throws fetched messages away on purpose (``Consumer.getmany`` stops mid-batch when the flow
is suspended or the generation changed; streams skip, and *acknowledge*, the messages they
take while the flow is suspended or that belong to an older generation) and relies on
``perform_seek`` to read them again from the committed offset. Three things break that,
and then the group commits offsets past messages whose effects (changelog writes, re-key
forwards, dead letters) never happened, or stops committing:

1. **No committed offset, no rewind.** ``perform_seek`` uses aiokafka's
   ``seek_to_committed``, which seeks only partitions whose committed offset is above zero.
   A partition nobody has committed yet (a worker killed before its first commit, as in
   ``tests/integration/test_faults.py``) keeps its fetch position past the thrown-away
   messages; the next acknowledgement then commits past them. Found on 2 December 2026: the
   survivor of a two-worker app resumed ``events.call[1]`` at offset 75 although nothing was
   committed there and no worker had handled offsets 7 to 74. :meth:`Consumer.seek_to_committed`
   rewinds such partitions to their first offset (the app's ``consumer_auto_offset_reset``
   is ``earliest``).
2. **Skipped messages acknowledged.** A message skipped because the flow is suspended
   (a rebalance is under way) or because it was fetched in an older generation was never
   handled, yet its acknowledgement lands in the consumer's list of committable offsets
   (after the rebalance cleared that list), so a later commit can cover it before its
   re-fetched copy is handled. :meth:`Consumer.ack` drops such acknowledgements: the
   message is handled again after the seek, which the idempotent folds allow.
3. **Messages handed over during the seek, then cleared.** Recovery resumes the stream
   partitions, seeks, and only then resumes the flow control, which empties the streams'
   queues (``FlowControlEvent.resume``); messages fetched from the new position in between
   were dropped unhandled while the consumer counted them as read, so they were never read
   again (seen 2 December 2026: the survivor's commits of ``events.queue[0]`` stuck at 152 of
   480). :meth:`Consumer.perform_seek` stops the consumer's flow first; each caller resumes
   it after the queues were emptied.

All three keep at-least-once delivery: a message is read again rather than skipped.
"""

from __future__ import annotations

from typing import Any

from aiokafka.errors import IllegalStateError
from faust.transport.drivers import aiokafka as driver


class Consumer(driver.Consumer):
    """Faust's aiokafka consumer; see the module docstring for what differs and why."""

    async def perform_seek(self) -> None:
        """Stop handing messages to the streams, then seek (see :meth:`seek_to_committed`); the caller resumes
        the flow (module docstring, 3)."""
        self.stop_flow()
        await super().perform_seek()

    async def seek_to_committed(self) -> Any:
        """Seek every assigned partition to its committed offset, and the partitions of acknowledged
        topics without one (none, or zero) to offset 0, i.e. their first (module docstring, 1); returns the
        committed offsets."""
        committed = await super().seek_to_committed()
        acknowledged = self.app.topics.acks_enabled_for
        for tp in [tp for tp, offset in committed.items() if not offset and acknowledged(tp.topic)]:
            try:
                self._thread.seek(tp, 0)  # below the log start after retention: reset to the first (earliest)
            except IllegalStateError:  # revoked meanwhile: the next assignment seeks again
                pass
        return committed

    def ack(self, message: Any) -> bool:
        """Mark ``message`` as handled, unless it was taken while the flow was suspended or in an older
        generation: then it is only marked done, its offset not committable (module docstring, 2)."""
        app = self.app
        if message.generation_id != app.consumer_generation_id or not app.flow_control.is_active():
            message.acked = True
            self._unacked_messages.discard(message)
            return False
        return super().ack(message)
