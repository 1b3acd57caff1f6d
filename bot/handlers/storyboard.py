"""/storyboard, the scene panel's buttons, and replies to a scene's preview."""

from __future__ import annotations

from typing import Any

from telegram import Bot, ForceReply, Message, Update

from bot.errors import JobAlreadyRunning
from bot.handlers import render
from bot.handlers.buttons import id_action, read_tap
from bot.handlers.context import DirectorContext
from bot.handlers.crew import decider, owner_of, thread_of
from bot.handlers.replies import reply
from bot.handlers.storyboard_view import SCENE_PREFIX
from bot.handlers.text import short
from bot.i18n import t
from bot.studio.models import Scene
from bot.studio.scene_editing import SceneAction
from bot.studio.storyboard import StoryboardRequests

NAVIGATION = {"prev": -1, "next": 1}


async def storyboard(update: Update, context: DirectorContext) -> None:
    """Plan (or re-plan) the storyboard and show it; progress arrives as a job."""
    await render.start_paid_work(update, context, "storyboard", project_id=None, confirmed=False)


ACTIONS = frozenset({*NAVIGATION, "edit", *(a.value for a in SceneAction)})
# Taps whose change shows in the scene's preview: a new take, or its clip's stretch moved.
REFRESHING_ACTIONS = frozenset({SceneAction.REDO, SceneAction.CLIP_EARLIER, SceneAction.CLIP_LATER})


async def scene_button(update: Update, context: DirectorContext) -> None:
    """A tap under the storyboard panel: navigate, edit, or change the scene at once."""
    tap = read_tap(update, id_action(SCENE_PREFIX, ACTIONS))
    panel = tap.query.message if tap is not None else None
    if tap is None or not isinstance(panel, Message):
        return
    query, owner, (scene_id, action) = tap.query, tap.owner, tap.data
    board = context.use_cases.scene_editing
    messages = context.use_cases.scene_messages
    view = context.views.storyboard_view
    language = context.language()
    scene = board.scene(owner, scene_id)
    if action not in NAVIGATION:  # changing a scene is the director's (or an admin's) call
        await decider(update, context, scene.project_id)
    if action == "edit":
        await query.answer()
        question = await context.bot.send_message(
            panel.chat.id,
            t(language, "storyboard.ask_idea", number=scene.position),
            reply_markup=ForceReply(selective=True),
            message_thread_id=thread_of(update),
        )
        messages.ask_for_idea(owner, panel.chat.id, question.message_id, scene.id)
        return
    if action in NAVIGATION:
        scenes = board.neighbours(owner, scene)
        index = (scenes.index(scene) + NAVIGATION[action]) % len(scenes)
        await query.answer()
        await view.show_panel(owner, panel, language, scenes[index], len(scenes))
        return
    before = board.neighbours(owner, scene)
    previews = messages.preview_messages(owner, scene_id) if action == SceneAction.DELETE else []
    updated = board.apply(owner, scene_id, SceneAction(action))
    after = board.neighbours(owner, scene)
    await query.answer(t(language, f"storyboard.done.{action}"))
    if updated is None:  # deleted: its pictures leave the chat too
        await view.remove_messages(previews)
    renumbered = [s for s in after if s not in before]
    await view.update_captions(owner, renumbered)
    if not after:
        await reply(update, context, "storyboard.empty")
        return
    shown = updated or after[min(scene.position - 1, len(after) - 1)]
    await view.show_panel(owner, panel, language, shown, len(after))
    if action in REFRESHING_ACTIONS and updated != scene:
        await refresh_pictures(update, context, scene.project_id)


async def refresh_pictures(update: Update, context: DirectorContext, project_id: int) -> None:
    """Remake changed pictures in a job; previews are replaced in place when it ends."""
    if update.effective_user is None or update.effective_chat is None:
        return
    await request_refresh(
        context.bot,
        context.use_cases.storyboard_requests,
        owner_of(update),
        update.effective_chat.id,
        context.language(),
        project_id,
        thread_id=thread_of(update),
    )


async def request_refresh(
    bot: Bot,
    requests: StoryboardRequests,
    user_id: int,
    chat_id: int,
    language: str,
    project_id: int,
    *,
    thread_id: int | None,
) -> None:
    """Queue the picture refresh of a project, or say it will come after the running job
    (in forum topic `thread_id`, when it was asked for in one)."""
    try:
        requests.request(
            user_id,
            chat_id,
            language,
            replan=False,
            refresh_only=True,
            project_id=project_id,
            thread_id=thread_id,
        )
    except JobAlreadyRunning:
        await bot.send_message(
            chat_id, t(language, "storyboard.later_refresh"), message_thread_id=thread_id
        )


async def announce_scene(
    update: Update, context: DirectorContext, key: str, scene: Scene, **params: Any
) -> None:
    """Say what happened to a scene; a reply to that message then acts on the scene."""
    answer = await reply(
        update, context, key, number=scene.position, idea=short(scene.idea), **params
    )
    if answer is not None and update.effective_user is not None:
        context.use_cases.scene_messages.remember_question(
            owner_of(update), answer.chat_id, answer.message_id, scene.id
        )


def scene_in_question(update: Update, context: DirectorContext) -> int | None:
    """The scene a text is about: the one whose message it replies to, or whose new idea the
    bot asked for lately (a user who closes the reply box and just types answers it too)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return None
    if message.reply_to_message is not None:
        return replied_scene_id(update, context)
    scene = context.use_cases.scene_messages.open_question(owner_of(update), message.chat.id)
    return scene.id if scene is not None else None


async def reply_to_scene(
    update: Update, context: DirectorContext, text: str, scene_id: int
) -> None:
    """Text about a scene that is no instruction becomes that scene's new idea."""
    user = update.effective_user
    if user is None:
        return
    owner = owner_of(update)
    scene = context.use_cases.scene_editing.scene(owner, scene_id)
    await decider(update, context, scene.project_id)
    updated = context.use_cases.scene_editing.replace_idea(owner, scene_id, text)
    await announce_scene(update, context, "storyboard.idea_replaced", updated)
    await context.views.storyboard_view.update_captions(owner, [updated])
    await refresh_shown_picture(update, context, updated)


async def refresh_shown_picture(update: Update, context: DirectorContext, scene: Scene) -> None:
    """Remake a changed scene's picture at once if one was shown (costs no unasked work)."""
    if scene.picture_sha:  # scenes without one get theirs at the next /storyboard or /render
        await refresh_pictures(update, context, scene.project_id)


def replied_scene_id(update: Update, context: DirectorContext) -> int | None:
    """The scene whose preview this message replies to, if any."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.reply_to_message is None:
        return None
    scene = context.use_cases.scene_messages.scene_for_message(
        owner_of(update), message.chat.id, message.reply_to_message.message_id
    )
    return scene.id if scene else None
