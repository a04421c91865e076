"""The wallboard web app: pages, one polling loop, Server-Sent Events to every screen.

One :class:`Hub` asks Prometheus and Alertmanager once per interval, builds a
snapshot per municipality and hands the JSON to every connected screen of that
municipality; a screen that (re)connects gets the latest snapshot at once.
The page (``static/board.js``) only renders and reconnects by itself.

Read-only (GET only). Optional access token: ``?token=…`` once sets an HttpOnly
cookie and redirects to the same URL without the token; a request without it
gets 401, with a wrong one 403. Every response carries the security headers
(:data:`SECURITY_HEADERS`): no inline script, no framing, no referrer.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import aiohttp
import jinja2
from aiohttp import web

from monitor.config import Config
from monitor import nl
from wallboard import snapshot
from wallboard.sources import Sources

log = logging.getLogger("wallboard")

HERE = Path(__file__).resolve().parent
COOKIE = "kcc_wallboard_token"
HEARTBEAT_SECONDS = 15
"""A comment line this often keeps proxies from closing an idle event stream."""

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

CONFIG_KEY = web.AppKey("config", Config)
HUB_KEY = web.AppKey("hub", "Hub")


@dataclass
class Hub:
    """The one loop per interval and the screens listening per municipality."""

    config: Config
    sources: Sources
    interval: float
    """Seconds between two rounds of queries (and two pushes)."""
    margins: snapshot.Margins = snapshot.Margins()
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    latest: dict[str, str] = field(default_factory=dict)
    """Latest snapshot JSON per municipality."""
    _snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Latest live (or closed) snapshot per municipality: what a stale board keeps showing."""
    _screens: dict[str, set[asyncio.Queue[str]]] = field(default_factory=dict)
    _last_ok: datetime | None = None
    rounds: int = 0

    async def tick(self, session: aiohttp.ClientSession) -> None:
        """One round: ask both servers once, build every snapshot, push to every screen."""
        samples, alerts = await self.sources.both(session)
        now = self.clock()
        if samples is not None:
            self._last_ok = now
        health = snapshot.Health(samples is not None, alerts is not None, self._last_ok)
        fresh = snapshot.build(self.config, samples or [], alerts or [], now, health, self.margins)
        for slug, snap in fresh.items():
            previous = self._snapshots.get(slug)
            if not snap["state"]["stale"]:
                self._snapshots[slug] = snap
            elif previous is not None:  # Prometheus, the workers or the sources stopped: the last live values
                snap = snapshot.keep_stale(previous, snap["state"], now)
                snap["alerts"], snap["alerts_text"] = fresh[slug]["alerts"], fresh[slug]["alerts_text"]
            self.publish(slug, json.dumps(snap, ensure_ascii=False, separators=(",", ":")))
        self.rounds += 1

    async def run(self) -> None:
        """Rounds every ``interval`` seconds until cancelled; a failing round never stops the loop."""
        loop = asyncio.get_running_loop()
        async with aiohttp.ClientSession() as session:
            while True:
                started = loop.time()
                try:
                    await self.tick(session)
                except Exception:  # noqa: BLE001 — the board must keep running and show stale
                    log.exception("wallboard round failed")
                await asyncio.sleep(max(0.0, self.interval - (loop.time() - started)))

    def publish(self, slug: str, data: str) -> None:
        self.latest[slug] = data
        for queue in self._screens.get(slug, ()):
            if queue.full():
                queue.get_nowait()  # a slow screen gets only the newest snapshot
            queue.put_nowait(data)

    def subscribe(self, slug: str) -> asyncio.Queue[str]:
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1)
        if slug in self.latest:
            queue.put_nowait(self.latest[slug])
        self._screens.setdefault(slug, set()).add(queue)
        return queue

    def unsubscribe(self, slug: str, queue: asyncio.Queue[str]) -> None:
        self._screens.get(slug, set()).discard(queue)

    def screens(self) -> int:
        return sum(len(s) for s in self._screens.values())


# ---------------------------------------------------------------- HTTP


_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                undefined=jinja2.StrictUndefined)


def _page(template: str, status: int = 200, **context: Any) -> web.Response:
    html = _templates.get_template(template).render(W=nl.WALLBOARD, **context)
    return web.Response(text=html, content_type="text/html", status=status)


async def index(request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG_KEY]
    slugs = sorted(config.municipalities)
    if "rotate" in request.query:  # a TV pointed at / with ?rotate= starts with the first board
        wanted = [s for s in request.query.get("m", "").split(",") if s in config.municipalities] or slugs
        raise web.HTTPFound(f"/{wanted[0]}?{request.query_string}")
    return _page("index.html", municipalities=[(s, config[s].name) for s in slugs])


async def board(request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG_KEY]
    slug = request.match_info["municipality"]
    if slug not in config.municipalities:
        return _page("index.html", status=404, municipalities=[(s, config[s].name) for s in sorted(config.slugs)],
                     error=nl.WALLBOARD["not_found"])
    client = {"interval": request.app[HUB_KEY].interval, "all": sorted(config.municipalities),
              "reasons": nl.STALE_REASONS, "stale": nl.WALLBOARD["stale"],
              "since": nl.WALLBOARD["since"]}
    return _page("board.html", slug=slug, name=config[slug].name, client=json.dumps(client, ensure_ascii=False).replace("<", "\\u003c"))


async def events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: the latest snapshot at once, then every new one; a comment as heartbeat."""
    hub = request.app[HUB_KEY]
    slug = request.match_info["municipality"]
    if slug not in request.app[CONFIG_KEY].municipalities:
        raise web.HTTPNotFound()
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"})
    await response.prepare(request)
    queue = hub.subscribe(slug)
    try:
        await response.write(b"retry: 2000\n\n")
        while True:
            try:
                data = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except asyncio.TimeoutError:
                await response.write(b": ping\n\n")
                continue
            await response.write(f"data: {data}\n\n".encode())
    except (ConnectionResetError, ConnectionError):
        pass
    finally:
        hub.unsubscribe(slug, queue)
    return response


def _guard(token: str | None) -> Any:
    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        if token:
            given = request.query.get("token")
            if given is not None:
                if not hmac.compare_digest(given.encode(), token.encode()):
                    return web.Response(status=403, text=nl.WALLBOARD["forbidden"])
                clean = request.rel_url.with_query({k: v for k, v in request.query.items() if k != "token"})
                response = web.HTTPSeeOther(clean.human_repr())
                response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", max_age=400 * 86400)
                return response
            cookie = request.cookies.get(COOKIE)
            if cookie is None:
                return web.Response(status=401, text=nl.WALLBOARD["forbidden"])
            if not hmac.compare_digest(cookie.encode(), token.encode()):
                return web.Response(status=403, text=nl.WALLBOARD["forbidden"])
        return await handler(request)

    return guard


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def make_app(hub: Hub, token: str | None = None) -> web.Application:
    """The app; the hub's loop runs while the app runs."""
    app = web.Application(middlewares=[_guard(token)])
    app[CONFIG_KEY] = hub.config
    app[HUB_KEY] = hub
    app.on_response_prepare.append(_security_headers)
    app.router.add_get("/", index)
    app.router.add_static("/static/", HERE / "static", name="static")
    app.router.add_get("/{municipality}", board)
    app.router.add_get("/{municipality}/events", events)

    async def loop(app: web.Application):
        task = asyncio.create_task(hub.run())
        yield
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    app.cleanup_ctx.append(loop)
    return app
