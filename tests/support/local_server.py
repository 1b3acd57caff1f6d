"""An aiohttp server on a free loopback port: the lifecycle the fake provider APIs share."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from aiohttp import web


class LocalServer:
    """Serves the routes a subclass adds, from `async with` entry until its exit."""

    max_request_bytes = 64 * 1024 * 1024

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._port = 0
        self._runner: web.AppRunner | None = None

    def add_routes(self, app: web.Application) -> None:
        """Register the server's handlers."""
        raise NotImplementedError

    @property
    def origin(self) -> str:
        """``http://host:port`` of the running server."""
        return f"http://{self._host}:{self._port}"

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=self.max_request_bytes)
        self.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, 0).start()
        self._port = self._runner.addresses[0][1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
