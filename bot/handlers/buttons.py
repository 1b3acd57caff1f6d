"""The prologue every button handler shares: the tap, who tapped, and its parsed data."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Generic, TypeVar

from telegram import CallbackQuery, Update, User

from bot.errors import ProjectNotFound
from bot.handlers.callback_data import parse_id_action

T = TypeVar("T")


@dataclass(frozen=True)
class Tap(Generic[T]):
    """A tapped button: its query, the user who tapped, what its data says, and the chat
    whose projects it acts on (the owner: a private chat's id is its user's)."""

    query: CallbackQuery
    user: User
    data: T
    owner: int


def read_tap(update: Update, parse: Callable[[str | None], T | None]) -> Tap[T] | None:
    """The tap of a callback update (None for any other update).

    Callback data comes from the client: data that does not parse is a forged or stale button,
    answered as a project that is gone (ProjectNotFound).
    """
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return None
    parsed = parse(query.data)
    if parsed is None:
        raise ProjectNotFound()
    chat = update.effective_chat
    return Tap(query, user, parsed, chat.id if chat is not None else user.id)


def id_action(
    verb: str, actions: Collection[str]
) -> Callable[[str | None], tuple[int, str] | None]:
    """A parser of `verb:N:action` buttons (see callback_data.parse_id_action)."""

    def parse(data: str | None) -> tuple[int, str] | None:
        return parse_id_action(data, verb, actions)

    return parse
