"""The two servers the board reads, asked once per interval whatever the number of screens.

Prometheus: one instant query (:func:`wallboard.snapshot.board_query`) returns
every board series of every municipality. Alertmanager: one ``/api/v2/alerts``
call for the active, unsilenced, uninhibited alerts; the snapshot filters them
by the ``municipality`` label.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp

from wallboard.snapshot import Sample, board_query, parse_samples


@dataclass
class Sources:
    prometheus: str
    alertmanager: str | None
    timeout: float
    """Seconds one request may take; less than the interval so a dead server shows within one interval."""

    async def samples(self, session: aiohttp.ClientSession) -> list[Sample]:
        """Every board series; raises OSError/aiohttp errors/ValueError when Prometheus does not answer well."""
        async with session.get(f"{self.prometheus.rstrip('/')}/api/v1/query", params={"query": board_query()},
                               timeout=aiohttp.ClientTimeout(total=self.timeout)) as response:
            answer = await response.json(content_type=None)
        if response.status != 200 or answer.get("status") != "success":
            raise ValueError(f"Prometheus answered {response.status}: {answer.get('error', '')}")
        return parse_samples(answer)

    async def alerts(self, session: aiohttp.ClientSession) -> list[dict]:
        """Active alerts (Alertmanager API v2); raises when Alertmanager does not answer well."""
        if not self.alertmanager:
            raise ValueError("no Alertmanager configured")
        params = {"active": "true", "silenced": "false", "inhibited": "false"}
        async with session.get(f"{self.alertmanager.rstrip('/')}/api/v2/alerts", params=params,
                               timeout=aiohttp.ClientTimeout(total=self.timeout)) as response:
            if response.status != 200:
                raise ValueError(f"Alertmanager answered {response.status}")
            return await response.json(content_type=None)

    async def both(self, session: aiohttp.ClientSession) -> tuple[list[Sample] | None, list[dict] | None]:
        """Both answers, asked in parallel; None for a server that failed."""
        samples, alerts = await asyncio.gather(self.samples(session), self.alerts(session), return_exceptions=True)
        return (None if isinstance(samples, BaseException) else samples,
                None if isinstance(alerts, BaseException) else alerts)
