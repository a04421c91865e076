"""The worker process's set-up: its event loop."""

from __future__ import annotations

import asyncio

import pytest
import uvloop

from monitor.settings import Settings
from streams.app import install_event_loop


@pytest.fixture
def restore_loop_policy():
    policy = asyncio.get_event_loop_policy()
    yield
    asyncio.set_event_loop_policy(policy)


@pytest.mark.usefixtures("restore_loop_policy")
def test_worker_runs_on_uvloop_by_default():
    install_event_loop(Settings())
    loop = asyncio.new_event_loop()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


@pytest.mark.usefixtures("restore_loop_policy")
def test_event_loop_setting_asyncio_keeps_pythons_own_loop():
    asyncio.set_event_loop_policy(None)
    install_event_loop(Settings(event_loop="asyncio"))
    loop = asyncio.new_event_loop()
    try:
        assert not isinstance(loop, uvloop.Loop)
    finally:
        loop.close()
