"""The Mini App's JSON API: every call signed by Telegram, scoped to what the signer may see.

A user sees their private chat's projects and those of the groups they are in; in a group,
only the project's director and the group's admins change or render it.

401: initData missing, forged or stale.  403: a user the bot does not let in, a project or
scene they may not see, or a change that is not their call.  Every change goes through the
studio's one edit use case, journalled with the source "webapp", and the owning chat hears
about it (with Undo).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web
from pydantic import ValidationError

from bot.errors import (
    InputRejected,
    JobAlreadyRunning,
    NoActiveProject,
    NotYourCall,
    ProjectNotFound,
    QueueFull,
    UserFacingError,
)
from bot.i18n import languages, t
from bot.media.previews import PreviewCache
from bot.studio.editing import EditOutcome, Edits
from bot.studio.projects import Projects
from bot.studio.text import language_for
from bot.studio.timeline_board import TimelineBoard
from bot.webapp.init_data import InitDataRejected, WebAppUser, verify_init_data
from bot.webapp.schemas import MAX_BODY_BYTES, EditRequest, UnknownScene, studio_edits
from bot.webapp.views import board_json, json_response, labels, plain, refusal

logger = logging.getLogger(__name__)

SOURCE = "webapp"
DRAIN_SECONDS = 10.0
AUTH_SCHEME = "tma "  # Authorization: tma <initData>
USER_KEY = web.RequestKey("user", WebAppUser)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class TimelineChat(Protocol):
    """The owning chat, told what the app did (and by whom)."""

    async def changed(
        self, owner_id: int, language: str, outcome: EditOutcome, by: WebAppUser
    ) -> None: ...
    async def render(self, owner_id: int, language: str, project_id: int) -> bool: ...


class TimelineAccess(Protocol):
    """Which owning chat a user's call acts in (ProjectNotFound, NotYourCall: refused)."""

    async def owner_for(
        self, user_id: int, project_id: int | None, *, deciding: bool = False
    ) -> int: ...
    async def owner_of_scene(self, user_id: int, scene_id: int) -> int: ...
    async def may_change(self, user_id: int, owner_id: int, project_id: int) -> bool: ...


@dataclass(frozen=True)
class ApiServices:
    """What the API reads, changes and tells."""

    board: TimelineBoard
    edits: Edits
    projects: Projects
    previews: PreviewCache
    chat: TimelineChat
    access: TimelineAccess
    clock: Callable[[], float] = time.time


class TimelineApi:
    """The API's routes over the studio's use cases."""

    def __init__(self, services: ApiServices, bot_token: str) -> None:
        self.services = services
        self._bot_token = bot_token
        self._telling: set[asyncio.Task[None]] = set()

    def _tell(self, message: Coroutine[Any, Any, None]) -> None:
        """Tell the chat without keeping the page waiting (Telegram's flood limits may)."""
        task = asyncio.create_task(message)
        self._telling.add(task)
        task.add_done_callback(self._told)

    def _told(self, task: asyncio.Task[None]) -> None:
        self._telling.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("Could not tell the chat what the app did", exc_info=task.exception())

    async def drain(self) -> None:
        """Let the chat messages under way go out (on shutdown)."""
        if self._telling:
            await asyncio.wait(self._telling, timeout=DRAIN_SECONDS)

    def add_routes(self, app: web.Application, prefix: str) -> None:
        """Register the API under `prefix` + "/api"."""
        api = f"{prefix}/api"
        app.router.add_get(f"{api}/labels/{{language:[a-z]{{2,3}}}}", self.page_labels)
        app.router.add_get(f"{api}/timeline", self._signed(self.timeline))
        app.router.add_get(f"{api}/projects/{{project_id:\\d+}}/song", self._signed(self.song))
        app.router.add_get(f"{api}/projects/{{project_id:\\d+}}/peaks", self._signed(self.peaks))
        app.router.add_post(f"{api}/projects/{{project_id:\\d+}}/edits", self._signed(self.edit))
        app.router.add_post(f"{api}/projects/{{project_id:\\d+}}/render", self._signed(self.render))
        app.router.add_get(
            f"{api}/scenes/{{scene_id:\\d+}}/thumbnail", self._signed(self.thumbnail)
        )

    async def page_labels(self, request: web.Request) -> web.StreamResponse:
        """GET the page's words before it knows whose it is (public text, no user data)."""
        language = request.match_info["language"]
        return json_response(labels(language if language in languages() else "en"))

    def _signed(self, handler: Handler) -> Handler:
        """Only for genuine, fresh initData (whom the bot lets in, each route asks); errors as
        JSON."""

        async def checked(request: web.Request) -> web.StreamResponse:
            header = request.headers.get("Authorization", "")
            raw = header[len(AUTH_SCHEME) :] if header.startswith(AUTH_SCHEME) else None
            try:
                user = verify_init_data(raw, self._bot_token, self.services.clock())
            except InitDataRejected as rejected:
                logger.info("Timeline app call refused: %s initData", rejected.reason)
                return refusal(401, "unauthorized")
            request[USER_KEY] = user
            try:
                return await handler(request)
            except ProjectNotFound:
                logger.info("Timeline app: a project or scene the caller may not see")
                return refusal(403, "forbidden")
            except NotYourCall as refused:
                logger.info("Timeline app: a change that is not the caller's call")
                return refusal(403, refused.key, self._say(request, refused))
            except (JobAlreadyRunning, QueueFull) as busy:
                return refusal(409, busy.key, self._say(request, busy))
            except NoActiveProject as none:
                return refusal(404, none.key, self._say(request, none))
            except InputRejected as rejected:
                logger.info("Timeline app edit refused: %s", rejected.key)
                return refusal(422, rejected.key, self._say(request, rejected))

        return checked

    def language(self, request: web.Request) -> str:
        """The user's language in the bot, else the one their Telegram app uses."""
        user = request[USER_KEY]
        if self.services.projects.knows(user.id):
            return self.services.projects.language_of(user.id)
        return language_for(user.language_code)

    def _say(self, request: web.Request, error: UserFacingError) -> str:
        return plain(t(self.language(request), error.key, **error.params))

    @staticmethod
    def _project_id(request: web.Request) -> int:
        return int(request.match_info["project_id"])

    async def _owner(self, request: web.Request, *, deciding: bool = False) -> int:
        """The owning chat of the route's project, if the caller may see (or change) it."""
        user = request[USER_KEY]
        return await self.services.access.owner_for(
            user.id, self._project_id(request), deciding=deciding
        )

    async def timeline(self, request: web.Request) -> web.StreamResponse:
        """GET the active project's timeline (or `?project=<id>`'s)."""
        wanted = request.query.get("project", "")
        project_id = int(wanted) if wanted.isdigit() and len(wanted) < 16 else None
        user_id = request[USER_KEY].id
        owner = await self.services.access.owner_for(user_id, project_id)
        board = self.services.board.board(owner, project_id)
        busy = self.services.edits.busy_with(owner, board.project.id)
        may_change = await self.services.access.may_change(user_id, owner, board.project.id)
        return json_response(board_json(board, self.language(request), busy, may_change))

    async def song(self, request: web.Request) -> web.StreamResponse:
        """GET the project's song file (the page plays it under the playhead)."""
        found = self.services.board.song_file(await self._owner(request), self._project_id(request))
        if found is None:
            return refusal(404, "no_song")
        return web.FileResponse(found.path, headers={"Cache-Control": "private, max-age=3600"})

    async def peaks(self, request: web.Request) -> web.StreamResponse:
        """GET the song's waveform: its loudest sample per slice, 0..1."""
        owner, project_id = await self._owner(request), self._project_id(request)
        board = self.services.board.board(owner, project_id)
        found = self.services.board.song_file(owner, project_id)
        if found is None or board.song is None:
            return refusal(404, "no_song")
        try:
            peaks = await self.services.previews.peaks(found.path, board.song.duration)
        except (ValueError, OSError):
            logger.warning("Could not draw the waveform of a song", exc_info=True)
            return refusal(404, "no_waveform")
        return json_response({"duration": board.song.duration, "peaks": peaks})

    async def thumbnail(self, request: web.Request) -> web.StreamResponse:
        """GET a scene's thumbnail (its still, else its first photo) as a small JPEG."""
        scene_id = int(request.match_info["scene_id"])
        owner = await self.services.access.owner_of_scene(request[USER_KEY].id, scene_id)
        found = self.services.board.thumbnail_source(owner, scene_id)
        if found is None:
            return refusal(404, "no_picture")
        try:
            jpeg = await self.services.previews.thumbnail(found.path)
        except OSError:
            logger.warning("Could not make a scene's thumbnail", exc_info=True)
            return refusal(404, "no_picture")
        return web.Response(
            body=jpeg,
            content_type="image/jpeg",
            headers={"Cache-Control": "private, max-age=86400"},
        )

    async def edit(self, request: web.Request) -> web.StreamResponse:
        """POST edits from a gesture; answers the timeline as it now is."""
        user, project_id = request[USER_KEY], self._project_id(request)
        owner = await self._owner(request, deciding=True)  # 403 if not theirs to change
        board = self.services.board.board(owner, project_id)
        try:
            body = await request.read()
            if len(body) > MAX_BODY_BYTES:
                return refusal(413, "too_large")
            wanted = EditRequest.model_validate_json(body)
        except web.HTTPRequestEntityTooLarge:
            return refusal(413, "too_large")
        except ValidationError as invalid:
            logger.info("Timeline app sent invalid edits: %s", _fields_of(invalid))
            return refusal(400, "invalid")
        try:
            edits = studio_edits(wanted, board)
        except UnknownScene:
            return refusal(409, "stale", t(self.language(request), "webapp.stale"))
        language = self.language(request)
        outcome = self.services.edits.apply_if_changed(owner, project_id, edits, source=SOURCE)
        if outcome is not None:
            self._tell(self.services.chat.changed(owner, language, outcome, user))
        after = self.services.board.board(owner, project_id)
        busy = self.services.edits.busy_with(owner, project_id)
        return json_response(board_json(after, language, busy, may_change=True))

    async def render(self, request: web.Request) -> web.StreamResponse:
        """POST: render the project, as /render does (asking in the chat first if it costs)."""
        project_id = self._project_id(request)
        owner = await self._owner(request, deciding=True)  # 403 if not theirs to render
        self.services.board.board(owner, project_id)
        language = self.language(request)
        queued = await self.services.chat.render(owner, language, project_id)
        key = "webapp.render_queued" if queued else "webapp.render_confirm"
        return json_response({"queued": queued, "message": t(language, key)})


def _fields_of(invalid: ValidationError) -> str:
    """Which fields failed (never their values: they are the user's words)."""
    return json.dumps([".".join(map(str, e["loc"])) for e in invalid.errors()])
