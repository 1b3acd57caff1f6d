"""The board's leases on a real redis-server: a late result of a replaced lease is refused, a
withdrawn lease tells its worker to stop, and the workers seen expire when they go quiet."""

from __future__ import annotations

import redis
import redis.asyncio

from bot.farm.board import BotBoard, WorkerBoard
from tests.support.redis_server import RedisServer


async def test_a_late_result_of_a_replaced_lease_is_refused(redis_server: RedisServer) -> None:
    worker = WorkerBoard(redis.Redis(port=redis_server.port, decode_responses=True))
    bot = BotBoard(redis.asyncio.Redis(port=redis_server.port, decode_responses=True))
    try:
        await bot.submit("k", "first")
        assert worker.claim("k", "first", "lost-worker")
        assert worker.beat("k", "first", 0.4)
        await bot.submit("k", "second")  # the bot took the first worker for lost
        assert not worker.beat("k", "first", 0.5)  # the first one learns to stop
        assert not worker.finish("k", "first", '{"late": true}')
        record = await bot.read("k")
        assert record is not None
        assert (record.lease, record.state, record.result) == ("second", "queued", "")
        assert not worker.claim("k", "first", "lost-worker")  # its message, redelivered
        assert worker.claim("k", "second", "other-worker")
        assert worker.finish("k", "second", '{"video": 1}')
        record = await bot.read("k")
        assert record is not None
        assert (record.state, record.worker, record.result) == (
            "done",
            "other-worker",
            '{"video": 1}',
        )
    finally:
        await bot.close()


async def test_a_withdrawn_lease_stops_its_worker_and_quiet_workers_drop_off(
    redis_server: RedisServer,
) -> None:
    client = redis.Redis(port=redis_server.port, decode_responses=True)
    worker = WorkerBoard(client)
    bot = BotBoard(redis.asyncio.Redis(port=redis_server.port, decode_responses=True))
    try:
        await bot.submit("k", "only")
        assert worker.claim("k", "only", "w1")
        assert await bot.cancel("k", "only")
        assert not worker.beat("k", "only", 0.3)
        assert not await bot.cancel("k", "only")
        worker.present("w1", concurrency=2, busy=1, done=5)
        seen = await bot.workers()
        assert [(w.name, w.concurrency, w.busy, w.done) for w in seen] == [("w1", 2, 1, 5)]
        assert 0 < client.ttl("pocket-director:worker:w1") <= 15
        worker.absent("w1")
        assert await bot.workers() == []
        assert await bot.read("never-sent") is None
    finally:
        await bot.close()
