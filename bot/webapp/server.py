"""The bot's own web server for the timeline Mini App: the page, its files and its API.

It runs in the bot's process and event loop (next to PTB's webhook server when webhooks are
on, on a port of its own) behind the same TLS reverse proxy, served on WEBAPP_URL's path.
No CORS headers at all: only the page's own origin may call the API.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from bot.webapp.api import ApiServices, Handler, TimelineApi
from bot.webapp.schemas import MAX_BODY_BYTES

logger = logging.getLogger(__name__)

TELEGRAM_SCRIPT_ORIGIN = "https://telegram.org"
# The page runs inside Telegram's web clients' iframes too.
TELEGRAM_WEB_CLIENTS = (
    "https://web.telegram.org https://webk.telegram.org https://webz.telegram.org"
)
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' {TELEGRAM_SCRIPT_ORIGIN}",
        "style-src 'self' 'unsafe-inline'",  # wavesurfer styles its shadow DOM inline
        "img-src 'self' blob: data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        f"frame-ancestors 'self' {TELEGRAM_WEB_CLIENTS}",
    )
)


def static_folder() -> Path:
    """The page's files, shipped inside the package."""
    return Path(str(resources.files("bot.webapp") / "static"))


def url_prefix(webapp_url: str) -> str:
    """The path the app is served on: WEBAPP_URL's own, which the proxy passes through."""
    return urlsplit(webapp_url).path.rstrip("/")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every answer: a strict content policy, no sniffing, no referrer."""
    response = await handler(request)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def build_web_app(api: TimelineApi, prefix: str) -> web.Application:
    """The aiohttp application: index page, static files, API."""
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[security_headers])
    folder = static_folder()
    index = folder / "index.html"

    async def page(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(index, headers={"Cache-Control": "no-cache"})

    async def to_page(request: web.Request) -> web.StreamResponse:
        raise web.HTTPPermanentRedirect(f"{prefix}/")

    app.router.add_get(f"{prefix}/", page)
    if prefix:
        app.router.add_get(prefix, to_page)
    app.router.add_static(f"{prefix}/static", folder, show_index=False, follow_symlinks=False)
    api.add_routes(app, prefix)
    return app


class WebAppServer:
    """Starts and stops the Mini App's server inside the bot's event loop."""

    def __init__(
        self, services: ApiServices, bot_token: str, webapp_url: str, listen: str, port: int
    ) -> None:
        self.prefix = url_prefix(webapp_url)
        self.api = TimelineApi(services, bot_token)
        self.app = build_web_app(self.api, self.prefix)
        self.listen = listen
        self._port = port
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The port it listens on (the one the OS chose, for port 0)."""
        return self._port

    @property
    def local_url(self) -> str:
        """Where the page is on this machine (the reverse proxy's upstream; tests open it)."""
        return f"http://{self.listen}:{self._port}{self.prefix}/"

    async def start(self) -> None:
        """Listen on WEBAPP_LISTEN:WEBAPP_PORT."""
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.listen, self._port)
        await site.start()
        self._port = self._runner.addresses[0][1]
        logger.info("Timeline app served on %s:%s", self.listen, self._port)

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.api.drain()
