"""Settings: the only reader of the environment. Every default lives here."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024
CLOUD_UPLOAD_LIMIT = 50 * 1024 * 1024
LOCAL_MODE_LIMIT = 2000 * 1024 * 1024
REDIS_SCHEMES = ("redis", "rediss", "unix")


class Settings(BaseSettings):
    """Typed configuration read once from the environment (and an optional `.env`)."""

    # env_ignore_empty: `NAME=` lines (as in .env.example) mean "use the default".
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = None
    telegram_file_base_url: str | None = None
    telegram_local_mode: bool = False
    # A lower ceiling for sent videos than Telegram's (say, for users on slow mobile data).
    upload_limit_mb: int | None = Field(default=None, gt=0)

    openai_api_key: SecretStr | None = None
    provider: Literal["openai", "offline"] | None = Field(
        default=None, alias="POCKET_DIRECTOR_PROVIDER"
    )

    data_dir: Path = Path("./data")
    allowed_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    # Groups let in (their every member may use the bot there); negative ids, as Telegram's.
    allowed_chat_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()

    # Production: render pool, per-user queue, webhook mode, media gc.
    render_workers: int = Field(default_factory=lambda: max(1, (os.cpu_count() or 2) // 2), ge=1)
    render_queue_per_user: int = Field(default=2, ge=0)
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret_token: SecretStr | None = None
    media_gc_grace_minutes: float = Field(default=60.0, ge=0)
    # The render farm: with REDIS_URL set, renders go to Celery workers (`pocket-director
    # worker`) on that Redis; unset, they run in worker processes of the bot itself.
    redis_url: SecretStr | None = None
    farm_concurrency: int = Field(default=1, ge=1)  # renders one worker runs at a time
    # A render whose worker has not been heard from for this long runs again on another one.
    farm_lost_after_seconds: float = Field(default=30.0, gt=0, le=300)
    # The timeline Mini App: its public HTTPS address (unset: no app), served by the bot itself
    # on WEBAPP_LISTEN:WEBAPP_PORT behind the reverse proxy (port 0: any free port, for tests).
    webapp_url: str | None = None
    # The short name the app is registered under with BotFather (/newapp, same URL): a group's
    # "Open timeline" then opens it right in the group (t.me/<bot>/<name>?startapp=...).
    webapp_short_name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]{3,30}$")
    webapp_listen: str = "127.0.0.1"
    webapp_port: int = Field(default=8090, ge=0, le=65535)

    default_aspect: Literal["9:16", "16:9", "1:1"] = "9:16"
    render_short_side: int = 720
    default_style: str = "cinematic"
    render_fps: int = 30
    render_preset: str = "veryfast"
    render_crf: int = 23
    render_loudness_lufs: float = -14.0
    render_encoders: int = 2
    render_segment_cache_bytes: int = 2 * 1024 * 1024 * 1024
    seconds_per_scene_without_song: float = 4.0
    max_scenes: int = 100
    max_idea_chars: int = 1000
    max_song_seconds: float = 15 * 60
    max_image_pixels: int = 60_000_000
    max_image_side: int = 20_000
    max_footage_seconds: float = 120.0
    max_footage_pixel_rate: int = 3840 * 2160 * 30
    media_write_timeout: float = 300.0

    openai_planner_model: str = "gpt-5-mini"
    openai_reasoning_effort: (
        Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"] | None
    ) = "low"
    openai_editor_model: str = "gpt-5-mini"
    openai_editor_reasoning_effort: (
        Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"] | None
    ) = "low"
    openai_editor_timeout: float = Field(default=30.0, gt=0)
    openai_editor_max_output_tokens: int = Field(default=4000, ge=256)
    openai_image_model: str = "gpt-image-2"
    openai_image_quality: Literal["low", "medium", "high", "auto"] = "medium"
    openai_max_references: int = 16
    openai_transcribe_model: str = "gpt-4o-mini-transcribe"
    # Only whisper-1 answers with word and segment times (the gpt-4o transcribe models do not).
    openai_lyrics_model: str = "whisper-1"
    max_lyrics_chars: int = Field(default=10_000, ge=100)
    openai_max_retries: int = 2
    openai_timeout: float = 300.0
    provider_concurrency: int = 3

    runwayml_api_secret: SecretStr | None = None
    runwayml_base_url: str = "https://api.dev.runwayml.com"
    # The runwayml SDK's image-to-video models that bot/providers/runway_clips.py prices.
    runway_model: Literal["gen4_turbo"] = "gen4_turbo"
    # The SDK's video-to-video models that bot/providers/runway_restyle.py prices.
    runway_restyle_model: Literal["aleph2"] = "aleph2"
    runway_poll_interval: float = 5.0
    runway_timeout: float = 600.0

    budget_usd_per_user: float = 20.0
    confirm_cost_above_usd: float = 1.0

    @field_validator("allowed_user_ids", "allowed_chat_ids", "admin_user_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("webhook_secret_token")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters from A-Z, a-z, 0-9, _ and - in the header.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("WEBHOOK_SECRET_TOKEN: 1-256 characters of A-Z a-z 0-9 _ -")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and urlsplit(value.get_secret_value()).scheme not in REDIS_SCHEMES:
            raise ValueError("REDIS_URL: a redis://, rediss:// or unix:// address")
        return value

    @property
    def active_provider(self) -> Literal["openai", "offline"]:
        """The explicit provider wins; otherwise OpenAI when a key is set."""
        if self.provider is not None:
            return self.provider
        return "openai" if self.openai_api_key else "offline"

    @property
    def download_limit(self) -> int:
        """Largest file the bot may download from Telegram."""
        return LOCAL_MODE_LIMIT if self.telegram_local_mode else CLOUD_DOWNLOAD_LIMIT

    @property
    def upload_limit(self) -> int:
        """Largest file the bot may upload to Telegram (with a little headroom)."""
        limit = LOCAL_MODE_LIMIT if self.telegram_local_mode else CLOUD_UPLOAD_LIMIT
        if self.upload_limit_mb is not None:
            limit = min(limit, self.upload_limit_mb * 1024 * 1024)
        return limit - min(1024 * 1024, limit // 20)

    @property
    def database_path(self) -> Path:
        """The SQLite database file."""
        return self.data_dir / "pocket_director.db"

    @property
    def media_dir(self) -> Path:
        """Content-addressed media files."""
        return self.data_dir / "media"
