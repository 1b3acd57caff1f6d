"""Command line: `pocket-director run | demo | worker | backup PATH | gc`; builds Settings."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from bot.config import Settings
from bot.logs import setup_logging

logger = logging.getLogger(__name__)


def _secrets(settings: Settings) -> list[str]:
    return [
        s.get_secret_value()
        for s in (settings.telegram_bot_token, settings.openai_api_key, settings.redis_url)
        if s is not None
    ]


def run(settings: Settings) -> None:
    """Run the bot (webhook when WEBHOOK_URL is set, else long polling); no token: the demo."""
    if settings.telegram_bot_token is None:
        logger.warning("TELEGRAM_BOT_TOKEN is not set: rendering the offline demo instead")
        demo(settings, Path("demo-output"))
        return
    from bot.app import ALLOWED_UPDATES, build_application, webhook_options

    application = build_application(settings)
    logger.info("Pocket Director is running (provider: %s)", settings.active_provider)
    if settings.webhook_url:
        options = webhook_options(settings)
        logger.info("Listening for webhook updates on %s:%s", options["listen"], options["port"])
        application.run_webhook(**options)
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)


def demo(settings: Settings, output_dir: Path) -> None:
    """Render a sample music video offline and print where it is."""
    from bot.demo import render_demo

    result = asyncio.run(render_demo(settings, output_dir))
    print(
        f"Demo video: {result.path} ({result.duration:.1f} s, {result.width}x{result.height}, "
        f"{result.size_bytes / 1024 / 1024:.1f} MB)"
    )


def worker(settings: Settings, log_level: str) -> None:
    """Run a render worker of the farm (REDIS_URL; DATA_DIR/media shared with the bot)."""
    if settings.redis_url is None:
        raise SystemExit("pocket-director worker needs REDIS_URL (the farm's Redis)")
    from bot.farm.worker import run_worker

    run_worker(
        settings.redis_url.get_secret_value(),
        settings.media_dir,
        concurrency=settings.farm_concurrency,
        encoders=settings.render_encoders,
        cache_max_bytes=settings.render_segment_cache_bytes,
        log_level=log_level,
    )


def backup(settings: Settings, target: Path) -> None:
    """Write a consistent copy of the live database."""
    from storage.database import backup_database, open_database

    database = open_database(settings.database_path)
    try:
        backup_database(database, target)
    finally:
        database.close()
    print(f"Backup written to {target}")


def gc(settings: Settings, grace_minutes: float | None, dry_run: bool) -> None:
    """Remove media files and asset rows that nothing points to."""
    from datetime import timedelta

    from storage.database import open_database
    from storage.gc import collect_garbage

    minutes = settings.media_gc_grace_minutes if grace_minutes is None else grace_minutes
    database = open_database(settings.database_path)
    try:
        report = collect_garbage(
            database, settings.media_dir, timedelta(minutes=minutes), dry_run=dry_run
        )
    finally:
        database.close()
    print(("Would have " if dry_run else "Media gc: ") + report.summary())


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `pocket-director` script."""
    parser = argparse.ArgumentParser(prog="pocket-director", description=__doc__)
    parser.add_argument("--log-level", default="INFO")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the offline demo when no token is set)")
    demo_parser = commands.add_parser("demo", help="render a sample music video offline")
    demo_parser.add_argument("--output", type=Path, default=Path("demo-output"))
    commands.add_parser("worker", help="run a render worker of the farm (needs REDIS_URL)")
    backup_parser = commands.add_parser("backup", help="copy the database safely while live")
    backup_parser.add_argument("path", type=Path)
    gc_parser = commands.add_parser("gc", help="remove media files no project points to")
    gc_parser.add_argument(
        "--grace-minutes",
        type=float,
        default=None,
        help="leave files younger than this (default: MEDIA_GC_GRACE_MINUTES)",
    )
    gc_parser.add_argument("--dry-run", action="store_true", help="only report")
    arguments = parser.parse_args(argv)
    settings = Settings()
    setup_logging(arguments.log_level, _secrets(settings))
    if arguments.command == "demo":
        demo(settings, arguments.output)
    elif arguments.command == "worker":
        worker(settings, arguments.log_level)
    elif arguments.command == "backup":
        backup(settings, arguments.path)
    elif arguments.command == "gc":
        gc(settings, arguments.grace_minutes, arguments.dry_run)
    else:
        run(settings)


if __name__ == "__main__":
    main()
