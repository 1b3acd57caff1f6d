"""Offline providers: free, no network. Storyboards by rules, pictures from the user's photos."""

from __future__ import annotations

import asyncio
import zlib
from pathlib import Path

from PIL import Image

from bot.media.cards import make_card
from bot.media.grading import fit_for_output, grade_image
from bot.studio.ports import FREE, PictureRequest, Plan, PlannedScene, PlanRequest, Usage
from bot.studio.timeline import Motion, Transition
from bot.studio.timing import default_motion, default_transition

CAPTION_CHARS = 90


def short_caption(idea: str) -> str:
    """The idea as a caption: its first sentence, cut at a word if it is long."""
    first = idea.split(". ")[0].strip()
    if len(first) <= CAPTION_CHARS:
        return first
    return first[:CAPTION_CHARS].rsplit(" ", 1)[0] + "…"


class OfflinePlanner:
    """One scene per idea, in the user's order, with varied camera work (no target sizing)."""

    name = "offline"

    async def plan(self, request: PlanRequest) -> Plan:
        """Plan by rules; with no ideas, a title card."""
        if not request.ideas:
            return Plan(
                [
                    PlannedScene(
                        idea=request.title,
                        caption="",
                        motion=Motion.ZOOM_IN,
                        transition=Transition.FADE_BLACK,
                    )
                ]
            )
        return Plan(
            [
                PlannedScene(
                    idea=idea,
                    caption=short_caption(idea),
                    motion=default_motion(position),
                    transition=default_transition(position),
                    idea_number=position,
                )
                for position, idea in enumerate(request.ideas, start=1)
            ]
        )


def _make_picture(request: PictureRequest, output: Path) -> None:
    if request.references:
        # "Redo picture" offline: the next reference photo, or the same one with new grain.
        reference = request.references[request.variant % len(request.references)]
        with Image.open(reference) as photo:
            fitted = fit_for_output(photo.convert("RGB"), request.width, request.height)
        seed = zlib.crc32(reference.name.encode()) + request.variant
        picture = grade_image(fitted, request.style.grade, seed=seed)
    else:
        picture = make_card(request.idea, request.style, request.width, request.height)
    picture.save(output, "JPEG", quality=90)


class OfflineImageMaker:
    """The scene's first reference photo graded to the style, or a typographic card."""

    name = "offline-v1"

    async def make_picture(self, request: PictureRequest, output: Path) -> Usage:
        """Write the picture off the event loop."""
        await asyncio.to_thread(_make_picture, request, output)
        return FREE

    def estimate_cost(self, request: PictureRequest) -> float:
        """Offline pictures are free."""
        return 0.0
