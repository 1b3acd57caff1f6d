"""The farm's board in Redis: where the bot posts a render's lease and workers post how it goes.

Celery carries the task to a worker; the board says who may render it. Each render has a hash
`pocket-director:render:<key>` (key: the content hash of the task):

    lease      the attempt that may render it now; the bot sets a new one to run it again
    state      queued | running | done | failed | cancelled
    worker     who claimed it; beat: when that worker last said it is alive (Redis's clock)
    progress   0..1; result: the outcome's JSON; error: why it failed (for logs)

Every change a worker makes is a script that first checks the lease: a worker whose lease was
replaced (it was thought lost, or the render was cancelled) changes nothing, and learns it
should stop. Times come from Redis's own clock, so hosts need not agree on theirs. Workers post
`pocket-director:worker:<name>` (concurrency, busy, renders done) with a short expiry: the
workers seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import redis
import redis.asyncio

PREFIX = "pocket-director"
RECORD_SECONDS = 7 * 24 * 3600  # a render's record outlives any render; then Redis drops it
WORKER_BEAT_SECONDS = 5.0
WORKER_TTL_SECONDS = 3 * WORKER_BEAT_SECONDS

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "

SUBMIT = (
    _NOW
    + "redis.call('DEL', KEYS[1]) "
    + "redis.call('HSET', KEYS[1], 'lease', ARGV[1], 'state', 'queued', 'progress', '0', "
    + "'submitted', tostring(now), 'beat', tostring(now)) "
    + "redis.call('EXPIRE', KEYS[1], ARGV[2]) return 1"
)
# ARGV: lease, expected state, new state, [field, value]...
MOVE = (
    _NOW
    + "if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[1] then return 0 end "
    + "if redis.call('HGET', KEYS[1], 'state') ~= ARGV[2] then return 0 end "
    + "redis.call('HSET', KEYS[1], 'state', ARGV[3], 'beat', tostring(now)) "
    + "for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end "
    + "return 1"
)
CANCEL = (
    "if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[1] then return 0 end "
    + "redis.call('HSET', KEYS[1], 'state', 'cancelled', 'lease', '') return 1"
)
READ = _NOW + "return {tostring(now), redis.call('HGETALL', KEYS[1])}"


def render_key(key: str) -> str:
    """The Redis key of a render's record."""
    return f"{PREFIX}:render:{key}"


def worker_key(name: str) -> str:
    """The Redis key of a worker's presence."""
    return f"{PREFIX}:worker:{name}"


@dataclass(frozen=True)
class RenderRecord:
    """A render's record as the bot reads it, with Redis's clock at the time of reading."""

    lease: str
    state: str
    worker: str
    progress: float
    beat: float
    result: str
    error: str
    now: float

    @property
    def silent_for(self) -> float:
        """Seconds since the worker (or the submission) was last heard from."""
        return max(0.0, self.now - self.beat)


@dataclass(frozen=True)
class WorkerPresence:
    """A worker as it last posted itself."""

    name: str
    concurrency: int
    busy: int
    done: int


def _record(reply: Any) -> RenderRecord | None:
    now, flat = reply
    if not flat:
        return None
    values = dict(zip(flat[::2], flat[1::2], strict=True))
    return RenderRecord(
        lease=values.get("lease", ""),
        state=values.get("state", ""),
        worker=values.get("worker", ""),
        progress=float(values.get("progress") or 0.0),
        beat=float(values.get("beat") or 0.0),
        result=values.get("result", ""),
        error=values.get("error", ""),
        now=float(now),
    )


def _presence(name: str, values: dict[str, str]) -> WorkerPresence:
    return WorkerPresence(
        name=name,
        concurrency=int(values.get("concurrency") or 0),
        busy=int(values.get("busy") or 0),
        done=int(values.get("done") or 0),
    )


class WorkerBoard:
    """The board as a worker uses it (blocking calls, from the worker's threads)."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._move = client.register_script(MOVE)

    def claim(self, key: str, lease: str, worker: str) -> bool:
        """Take a queued render; False when the lease is not (or no longer) the one to run."""
        return self._moved(key, lease, "queued", "running", "worker", worker, "progress", "0")

    def beat(self, key: str, lease: str, progress: float) -> bool:
        """Say the render goes on; False when it should stop (cancelled, or run elsewhere)."""
        return self._moved(key, lease, "running", "running", "progress", f"{progress:.4f}")

    def finish(self, key: str, lease: str, result: str) -> bool:
        """Post the outcome; False when it is a late result nobody waits for any more."""
        return self._moved(key, lease, "running", "done", "progress", "1", "result", result)

    def fail(self, key: str, lease: str, error: str) -> bool:
        """Post that the render failed (the description is for the bot's log)."""
        return self._moved(key, lease, "running", "failed", "error", error[-2000:])

    def present(self, name: str, concurrency: int, busy: int, done: int) -> None:
        """Post this worker's presence (it expires unless posted again)."""
        values = {"concurrency": concurrency, "busy": busy, "done": done}
        pipe = self.client.pipeline()
        pipe.hset(worker_key(name), mapping=cast(Any, values))
        pipe.expire(worker_key(name), int(WORKER_TTL_SECONDS))
        pipe.execute()

    def absent(self, name: str) -> None:
        """Take this worker off the board (it is stopping)."""
        self.client.delete(worker_key(name))

    def _moved(self, key: str, lease: str, state: str, new_state: str, *fields: str) -> bool:
        return bool(self._move(keys=[render_key(key)], args=[lease, state, new_state, *fields]))


class BotBoard:
    """The board as the bot uses it (asyncio)."""

    def __init__(self, client: redis.asyncio.Redis) -> None:
        self.client = client
        self._submit = client.register_script(SUBMIT)
        self._cancel = client.register_script(CANCEL)
        self._read = client.register_script(READ)

    async def submit(self, key: str, lease: str) -> None:
        """Make `lease` the attempt that may run the render (any other one stops)."""
        await self._submit(keys=[render_key(key)], args=[lease, RECORD_SECONDS])

    async def read(self, key: str) -> RenderRecord | None:
        """The render's record; None when Redis has none (never submitted, or Redis lost it)."""
        return _record(await self._read(keys=[render_key(key)]))

    async def cancel(self, key: str, lease: str) -> bool:
        """Withdraw the lease: its worker stops at its next beat."""
        return bool(await self._cancel(keys=[render_key(key)], args=[lease]))

    async def workers(self) -> list[WorkerPresence]:
        """Every worker that posted itself recently, by name."""
        found = []
        async for name in self.client.scan_iter(match=worker_key("*"), count=100):
            values = await self.client.hgetall(name)
            if values:
                text = {str(k): str(v) for k, v in values.items()}
                found.append(_presence(str(name).split(":", 2)[2], text))
        return sorted(found, key=lambda worker: worker.name)

    async def close(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()
