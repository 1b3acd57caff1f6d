"""Use case: a voice note becomes text, then is handled exactly like typed text."""

from __future__ import annotations

from pathlib import Path

from bot.errors import InputRejected
from bot.studio.ports import Transcriber
from bot.studio.roles import ProjectStore, SpendStore

MAX_VOICE_SECONDS = 300


class VoiceNotes:
    """Transcribes voice notes when a transcriber is configured."""

    def __init__(
        self, projects: ProjectStore, spend: SpendStore, transcriber: Transcriber | None
    ) -> None:
        self.projects = projects
        self.spend = spend
        self.transcriber = transcriber

    def check(self, seconds: int | None) -> None:
        """Refuse voice notes we will not transcribe."""
        if self.transcriber is None:
            raise InputRejected("voice.needs_openai")
        if seconds is not None and seconds > MAX_VOICE_SECONDS:
            raise InputRejected("voice.too_long", limit=MAX_VOICE_SECONDS // 60)

    async def transcribe(self, user_id: int, audio: Path, language: str) -> str:
        """What the voice note says; its cost goes to the active project."""
        if self.transcriber is None:
            raise InputRejected("voice.needs_openai")
        try:
            transcript = await self.transcriber.transcribe(audio, language)
        finally:
            audio.unlink(missing_ok=True)
        project = self.projects.active_project(user_id)
        if project is not None and transcript.usage.cost_usd > 0:
            self.spend.record_usage(user_id, project.id, transcript.usage)
        text = transcript.text.strip()
        if not text:
            raise InputRejected("voice.empty")
        return text
