"""What the API answers: JSON without caching, refusals, and the timeline as the page draws it."""

from __future__ import annotations

import html
import re
from typing import Any

from aiohttp import web
from pydantic_core import to_json

from bot.i18n import catalogs, t
from bot.studio.timeline import Fit, Motion, Transition
from bot.studio.timeline_board import Board


def json_response(data: object, status: int = 200) -> web.Response:
    """A JSON answer that no cache keeps."""
    return web.Response(
        body=to_json(data),
        status=status,
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def refusal(status: int, error: str, message: str = "") -> web.Response:
    """An error answer: a code for the page and, when the user should read one, a message."""
    return json_response({"error": error, "message": message}, status)


def plain(text: str) -> str:
    """A chat message (Telegram HTML) as the plain text the page shows."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def labels(language: str) -> dict[str, str]:
    """The page's own words, and the names of camera moves and transitions."""
    catalog = catalogs()["en"] | catalogs().get(language, {})
    return {
        key.removeprefix("webapp."): value
        for key, value in catalog.items()
        if key.startswith(("webapp.", "motion.", "transition."))
    }


def board_json(
    board: Board, language: str, busy: str | None = None, may_change: bool = True
) -> dict[str, Any]:
    """The timeline as the page draws it (`may_change` False: a group member's, to watch)."""
    song = board.song
    return {
        "project": {
            "id": board.project.id,
            "title": board.project.title,
            "aspect": board.project.aspect,
        },
        "language": language,
        "duration": board.duration,
        "seconds_without_song": board.seconds_without_song,
        "song": None
        if song is None
        else {
            "duration": song.duration,
            "tempo_bpm": song.tempo_bpm,
            "beats": list(song.beats),
            "downbeat": song.downbeat,
            "sections": [
                {
                    "label": t(language, f"section.{s.kind.value}"),
                    "start": s.start,
                    "seconds": round(s.end - s.start, 6),
                }
                for s in song.sections
            ],
        },
        "scenes": [
            {
                "id": laid.scene.id,
                "number": number,
                "idea": laid.scene.idea,
                "caption": laid.scene.caption,
                "motion": laid.scene.motion.value,
                "transition": laid.scene.transition.value,
                "fit": laid.scene.fit,
                "wished": laid.scene.duration,
                "start": laid.start,
                "seconds": laid.seconds,
                "thumbnail": laid.thumbnail_key,
            }
            for number, laid in enumerate(board.scenes, start=1)
        ],
        "closing": None
        if not board.closing_seconds
        else {"start": board.scenes_end, "seconds": board.closing_seconds},
        "motions": [m.value for m in Motion],
        "transitions": [tr.value for tr in Transition],
        "fits": [f.value for f in Fit],
        "busy": busy,
        "may_change": may_change,
        "labels": labels(language),
    }
