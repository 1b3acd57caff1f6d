"""Who sent an upload and whom it was forwarded from, read off Telegram's message."""

from __future__ import annotations

from telegram import (
    Message,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)

from bot.studio.credits import Arrival
from bot.studio.models import Sender


def forward_name(origin: MessageOrigin | None) -> str | None:
    """The name a forwarded message credits: its author, or its chat or channel (with the
    post's signature when it has one)."""
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.full_name
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name
    if isinstance(origin, MessageOriginChat):
        title = origin.sender_chat.title or origin.sender_chat.full_name or ""
        return _signed(origin.author_signature, title)
    if isinstance(origin, MessageOriginChannel):
        title = origin.chat.title or origin.chat.full_name or ""
        return _signed(origin.author_signature, title)
    return None


def _signed(signature: str | None, title: str) -> str | None:
    if signature and title:
        return f"{signature} ({title})"
    return signature or title or None


def sender_of(message: Message) -> Sender | None:
    """Who sent the message (in a group, the member; in a private chat, its user)."""
    user = message.from_user
    if user is None:
        return None
    return Sender(user.id, user.full_name, user.username)


def arrival_of(message: Message) -> Arrival | None:
    """How an upload arrived: its sender, its forward origin, its album."""
    sender = sender_of(message)
    if sender is None:
        return None
    return Arrival(sender, forward_name(message.forward_origin), message.media_group_id)
