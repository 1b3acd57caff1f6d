"""A local Telegram Bot API emulator for end-to-end tests.

The emulator is an aiohttp web server that speaks the real Bot API wire format, so an
unmodified python-telegram-bot ``Application`` can run against it::

    async with BotApiEmulator() as emu:
        app = emu.application_builder().build()  # token, base_url, base_file_url preset
        app.add_handler(...)
        linh = emu.user(1001, "Linh", language_code="vi")
        async with emu.polling(app):  # initialize + start + start_polling, then clean up
            mark = linh.mark()
            await linh.send_text("/start")
            reply = await linh.wait_for_text("Welcome", after=mark)
            await linh.press_button(reply, "Start a project")

Run the emulator and the bot in the same event loop.  The bot can only talk to chats of
users created with :meth:`BotApiEmulator.user` (others answer "chat not found").

Requests go to ``/bot<token>/<method>`` (JSON, url-encoded or multipart bodies) and file
downloads to ``/file/bot<token>/<file_path>``.  Every call is recorded in
:attr:`BotApiEmulator.calls`; every message the bot sends is tracked per chat as a
:class:`BotMessage` reachable through the :class:`SimulatedUser` of that chat.

Realism notes (things real Telegram does that are emulated here):

* ``parse_mode`` HTML / MarkdownV2 / Markdown is parsed: ``BotMessage.text`` is the plain text
  and malformed markup is rejected with the real "can't parse entities" errors.
* ``sendVideo`` with something that is not an MP4/MOV video is delivered as a *document*.
* Photos get several ``PhotoSize`` variants; the largest side is capped at ``photo_max_side``.
* ``sendAudio``/``sendVoice`` with bytes that are not audio are delivered as documents too.
* Thumbnails are only honoured when uploaded as multipart JPEGs <= 320 px and <= 200 kB.
* An edit without ``reply_markup`` removes the inline keyboard; an identical edit fails with
  "message is not modified".
* Blocking/unblocking queues ``my_chat_member`` updates; a blocked user who writes again
  unblocks the bot first (like pressing "Restart").
* Groups and supergroups (:meth:`BotApiEmulator.group`): members write into the group
  (:meth:`SimulatedGroup.member`, in a forum topic with ``message_thread_id`` and
  ``is_topic_message``), ``getChatAdministrators``/``getChatMember`` answer from the group's
  members, admin changes queue ``chat_member`` updates, removing the bot queues
  ``my_chat_member`` (then sends answer 403), and an upgrade to a supergroup sends
  ``migrate_to_chat_id`` in the old chat and ``migrate_from_chat_id`` in the new one (the old
  chat then answers 400 "group chat was upgraded to a supergroup chat" with
  ``parameters.migrate_to_chat_id``). The bot sees every group message (privacy mode off).
"""

# Waiting helpers take explicit `timeout=` arguments: they read better in tests.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import io
import itertools
import json
import mimetypes
import re
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import urlsplit

from aiohttp import web
from PIL import Image
from telegram.ext import Application, ApplicationBuilder

if TYPE_CHECKING:
    from telegram.ext._applicationbuilder import InitApplicationBuilder

JSONDict: TypeAlias = dict[str, Any]
Mark: TypeAlias = int
"""A point in the emulator's history, see :meth:`SimulatedUser.mark`."""

__all__ = [
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_TOKEN",
    "ApiCall",
    "BotApiEmulator",
    "BotMessage",
    "CallbackAnswer",
    "GroupMember",
    "JSONDict",
    "Mark",
    "SimulatedGroup",
    "SimulatedUser",
    "StoredFile",
    "UploadedFile",
]

DEFAULT_TOKEN = "123456:TEST-TOKEN"
DEFAULT_BOT_USERNAME = "pocket_director_test_bot"
MIB = 1024 * 1024

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
FILE_TOO_BIG = "Bad Request: file is too big"
BOT_BLOCKED = "Forbidden: bot was blocked by the user"
CHAT_NOT_FOUND = "Bad Request: chat not found"
WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
GET_UPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)

MEDIA_KINDS = ("photo", "video", "animation", "audio", "voice", "video_note", "document", "sticker")
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
# Form fields that are always strings (never JSON-decoded even if they look like numbers).
_STRING_PARAMS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "url", "file_id", "action",
        "emoji", "title", "performer", "file_name", "description", "short_description", "name",
        "language_code", "secret_token", "ip_address", "inline_message_id", "photo", "video",
        "document", "audio", "voice", "animation", "video_note", "sticker", "thumbnail",
        "business_connection_id", "message_effect_id", "question", "cover",
    }
)  # fmt: skip
# Fields whose value is a JSON-serialised object/array (also when sent as a string in JSON).
_JSON_PARAMS = frozenset(
    {
        "reply_markup", "media", "entities", "caption_entities", "commands", "scope",
        "allowed_updates", "link_preview_options", "reply_parameters", "message_ids",
    }
)  # fmt: skip
_FILE_PREFIX = {
    "photo": "AgACAgIAAxkBAA",
    "video": "BAACAgIAAxkBAA",
    "animation": "CgACAgIAAxkBAA",
    "audio": "CQACAgIAAxkBAA",
    "voice": "AwACAgIAAxkBAA",
    "document": "BQACAgIAAxkBAA",
    "sticker": "CAACAgIAAxkBAA",
    "thumbnail": "AAMCAgADGQEAA",
}
_FILE_FOLDER = {
    "photo": "photos",
    "video": "videos",
    "animation": "animations",
    "audio": "music",
    "voice": "voice",
    "document": "documents",
    "sticker": "stickers",
    "thumbnail": "thumbnails",
}
_PHOTO_SIDES = (90, 320, 800, 1280, 2560)


# ============================================================================================
# Public records
# ============================================================================================


@dataclass(frozen=True)
class UploadedFile:
    """One multipart file part as received from the bot."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class ApiCall:
    """One HTTP request to the Bot API (recorded before it is executed)."""

    method: str
    params: JSONDict
    files: dict[str, UploadedFile]
    at: float
    response_ok: bool = False
    error_code: int | None = None
    description: str | None = None
    result: Any = None

    def __str__(self) -> str:
        status = "ok" if self.response_ok else f"{self.error_code} {self.description}"
        return f"{self.method}({_short_params(self.params)}) -> {status}"


@dataclass
class StoredFile:
    """A file known to the emulator (uploaded by the bot or sent by a simulated user)."""

    file_id: str
    file_unique_id: str
    file_path: str
    size: int
    data: bytes | None
    kind: str
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class CallbackAnswer:
    """An ``answerCallbackQuery`` the bot made for one of the user's button presses."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    at: float


@dataclass
class BotMessage:
    """A message the bot sent to a chat, kept up to date with later edits and deletion.

    The object is live: the emulator mutates it when the bot edits or deletes the message.
    """

    chat_id: int
    message_id: int
    method: str
    raw: JSONDict
    """Current wire representation (what Telegram would return for this message now)."""
    sent_at: float
    revision: int
    reply_markup: JSONDict | None = None
    """The markup as sent (inline, reply keyboard, remove/force-reply), ``None`` if absent."""
    edits: list[tuple[float, str]] = field(default_factory=list)
    """(monotonic time, new text or caption) for every text/caption/media edit."""
    markup_edits: list[tuple[float, JSONDict | None]] = field(default_factory=list)
    deleted: bool = False
    deleted_at: float | None = None
    file: StoredFile | None = None
    """The main media file (for photos: the largest size)."""
    thumbnail_upload: UploadedFile | None = None
    """The thumbnail part the bot uploaded, even if Telegram would have ignored it."""
    thumbnail_rejected: str | None = None
    """Why the uploaded thumbnail was ignored (``None`` if accepted or absent)."""
    original_text: str = ""
    """Text/caption as first sent."""

    @property
    def text(self) -> str:
        """Plain text or caption (entities stripped); ``""`` when there is none."""
        return str(self.raw.get("text", self.raw.get("caption", "")))

    @property
    def entities(self) -> list[JSONDict]:
        """Entities of the text or caption."""
        entities = self.raw.get("entities", self.raw.get("caption_entities"))
        return list(entities or [])

    @property
    def media_kind(self) -> str | None:
        """Media type ("photo", "video", "document", ...) or ``None`` for a text message."""
        return next((k for k in MEDIA_KINDS if k in self.raw), None)

    @property
    def media_group_id(self) -> str | None:
        """The album id for messages sent with ``sendMediaGroup``."""
        value = self.raw.get("media_group_id")
        return None if value is None else str(value)

    @property
    def file_bytes(self) -> bytes | None:
        """Bytes of the main media file, if the bot uploaded them."""
        return self.file.data if self.file else None

    @property
    def thumbnail_bytes(self) -> bytes | None:
        """Bytes of the thumbnail part the bot uploaded (accepted or not)."""
        return self.thumbnail_upload.data if self.thumbnail_upload else None

    @property
    def history(self) -> list[str]:
        """The original text/caption followed by every edited version."""
        return [self.original_text, *(text for _, text in self.edits)]

    @property
    def buttons(self) -> list[JSONDict]:
        """All buttons of the current keyboard, row by row, flattened."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [b if isinstance(b, dict) else {"text": str(b)} for row in rows for b in row]

    def has_button(self, label: str) -> bool:
        """True if a button's text equals or contains ``label`` (case-insensitive)."""
        return self._find_button(label) is not None

    def button(self, label: str) -> JSONDict:
        """The button whose text equals ``label``, else the first one containing it."""
        found = self._find_button(label)
        if found is None:
            labels = [b.get("text") for b in self.buttons]
            raise AssertionError(f"no button {label!r} on message #{self.message_id}: {labels}")
        return found

    def _find_button(self, label: str) -> JSONDict | None:
        buttons = self.buttons
        exact = [b for b in buttons if b.get("text") == label]
        if exact:
            return exact[0]
        needle = label.casefold()
        return next((b for b in buttons if needle in str(b.get("text", "")).casefold()), None)

    def describe(self) -> str:
        """One human-readable line used in failure dumps."""
        text = self.text.replace("\n", "⏎")
        text = text if len(text) <= 140 else text[:137] + "..."
        parts = [f"#{self.message_id} {self.method}"]
        if self.media_kind:
            size = len(self.file.data) if self.file and self.file.data else None
            parts.append(f"[{self.media_kind}{f' {size} B' if size is not None else ''}]")
        parts.append(repr(text))
        if self.buttons:
            parts.append("buttons=" + str([b.get("text") for b in self.buttons]))
        if self.edits:
            parts.append(f"edits={len(self.edits)}")
        if self.deleted:
            parts.append("(deleted)")
        return " ".join(parts)


class _ApiError(Exception):
    """A Bot API error response."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _check_web_app(info: Any) -> None:
    """A WebAppInfo: Telegram wants an HTTPS URL; the emulator takes http too (a local test)."""
    url = info.get("url") if isinstance(info, dict) else None
    if not isinstance(url, str) or urlsplit(url).scheme not in ("https", "http"):
        raise _bad_request("BUTTON_URL_INVALID")
    if not urlsplit(url).netloc:
        raise _bad_request("BUTTON_URL_INVALID")


def _short_params(params: JSONDict) -> str:
    parts = []
    for key, value in params.items():
        text = repr(value)
        parts.append(f"{key}={text if len(text) <= 60 else text[:57] + '...'}")
    return ", ".join(parts)


# ============================================================================================
# Text formatting (parse_mode) with UTF-16 entity offsets
# ============================================================================================


def _u16(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit of Telegram entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _entities_error(detail: str) -> _ApiError:
    return _bad_request(f"can't parse entities: {detail}")


class _TextBuilder:
    """Accumulates plain text and entities, tracking the position in UTF-16 units."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[JSONDict] = []

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.pos += _u16(text)

    def add(self, kind: str, start: int, **extra: str) -> None:
        if self.pos > start:
            self.entities.append(
                {"type": kind, "offset": start, "length": self.pos - start, **extra}
            )

    def result(self) -> tuple[str, list[JSONDict]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_HTML_ATTR_RE = re.compile(
    r"""([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
_HTML_CHAR_REF_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_HTML_PLAIN_RE = re.compile(r"[^<&]+")
_HTML_TAG_NAME_RE = re.compile(r"/?[^\s>]*")


def _parse_html(src: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram's HTML subset into plain text + entities (raises on malformed markup)."""
    out = _TextBuilder()
    stack: list[tuple[str, int, dict[str, str]]] = []
    i = 0
    while i < len(src):
        plain = _HTML_PLAIN_RE.match(src, i)
        if plain:
            out.emit(plain.group(0))
            i = plain.end()
            continue
        if src[i] == "&":
            ref = _HTML_CHAR_REF_RE.match(src, i)
            out.emit(html.unescape(ref.group(0)) if ref else "&")
            i = ref.end() if ref else i + 1
            continue
        offset = _byte_offset(src, i)
        # Like tdlib: the tag name runs to the first space or '>'; "< 2" is an empty name.
        name_match = _HTML_TAG_NAME_RE.match(src, i + 1)
        name_end = name_match.end() if name_match else i + 1
        is_end_tag = src.startswith("/", i + 1)
        name = src[i + 1 : name_end].lower()
        if name_end < len(src) and not is_end_tag and name not in _HTML_TAGS:
            raise _entities_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        end = src.find(">", name_end)
        if end == -1:
            kind = "end" if is_end_tag else "start"
            raise _entities_error(f"Unclosed {kind} tag at byte offset {offset}")
        body = src[i + 1 : end]
        if is_end_tag:
            name = body[1:].strip().lower()
            if not stack:
                raise _entities_error(f"Unexpected end tag at byte offset {offset}")
            tag, start, attrs = stack.pop()
            if name != tag:
                raise _entities_error(
                    f'Unmatched end tag at byte offset {offset}, expected "</{tag}>", '
                    f'found "</{name}>"'
                )
            _close_html_tag(out, tag, start, attrs, stack)
        else:
            attrs = {
                key.lower(): html.unescape(v1 or v2 or v3)
                for key, v1, v2, v3 in _HTML_ATTR_RE.findall(body[len(name) :])
            }
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise _entities_error(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
                )
            stack.append((name, out.pos, attrs))
        i = end + 1
    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _close_html_tag(
    out: _TextBuilder,
    tag: str,
    start: int,
    attrs: dict[str, str],
    stack: list[tuple[str, int, dict[str, str]]],
) -> None:
    kind = _HTML_TAGS[tag]
    if tag == "code" and stack and stack[-1][0] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1][2]["language"] = language.removeprefix("language-")
        return  # <pre><code> is a single pre entity
    if kind == "text_link":
        if attrs.get("href"):
            out.add("text_link", start, url=attrs["href"])
    elif kind == "pre":
        extra = {"language": attrs["language"]} if attrs.get("language") else {}
        out.add("pre", start, **extra)
    elif kind == "blockquote":
        out.add("expandable_blockquote" if "expandable" in attrs else "blockquote", start)
    elif kind == "custom_emoji":
        out.add("custom_emoji", start, custom_emoji_id=attrs.get("emoji-id", ""))
    else:
        out.add(kind, start)


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji", "code": "Code", "pre": "Pre",
}  # fmt: skip


def _find_unescaped(src: str, needle: str, start: int) -> int:
    i = start
    while i < len(src):
        if src[i] == "\\":
            i += 2
            continue
        if src.startswith(needle, i):
            return i
        i += 1
    return -1


def _md_unescape(text: str) -> str:
    return re.sub(r"\\([\x01-\x7e])", r"\1", text)


def _parse_markdown_v2(src: str) -> tuple[str, list[JSONDict]]:
    """Parse MarkdownV2 (escapes, nesting, links, code, blockquotes) into text + entities."""
    out = _TextBuilder()
    stack: list[tuple[str, int, int]] = []  # (entity type, start pos, byte offset)
    quote_start: int | None = None
    line_start = True
    i = 0

    def unclosed(kind: str, offset: int) -> _ApiError:
        return _entities_error(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset {offset}"
        )

    while i < len(src):
        ch = src[i]
        if ch == "\\" and i + 1 < len(src) and 0 < ord(src[i + 1]) <= 126:
            out.emit(src[i + 1])
            i, line_start = i + 2, False
            continue
        if line_start and ch == ">":
            quote_start = out.pos if quote_start is None else quote_start
            i, line_start = i + 1, False
            continue
        line_start = False
        if ch == "\n":
            if quote_start is not None and not src.startswith(">", i + 1):
                out.add("blockquote", quote_start)
                quote_start = None
            out.emit(ch)
            i, line_start = i + 1, True
            continue
        offset = _byte_offset(src, i)
        if ch == "`":
            fence = "```" if src.startswith("```", i) else "`"
            close = _find_unescaped(src, fence, i + len(fence))
            if close == -1:
                raise unclosed("pre" if fence == "```" else "code", offset)
            body, language = src[i + len(fence) : close], ""
            if fence == "```" and "\n" in body:
                language, body = body.split("\n", 1)
            start = out.pos
            out.emit(re.sub(r"\\([\\`])", r"\1", body))
            if fence == "`":
                out.add("code", start)
            else:
                out.add(
                    "pre", start, **({"language": language.strip()} if language.strip() else {})
                )
            i = close + len(fence)
            continue
        if ch == "[" or src.startswith("![", i):
            kind = "text_link" if ch == "[" else "custom_emoji"
            stack.append((kind, out.pos, offset))
            i += 1 if ch == "[" else 2
            continue
        if ch == "]" and stack and stack[-1][0] in ("text_link", "custom_emoji"):
            kind, start, start_offset = stack.pop()
            close = _find_unescaped(src, ")", i + 2) if src.startswith("(", i + 1) else -1
            if close == -1:
                raise unclosed(kind, start_offset)
            target = _md_unescape(src[i + 2 : close])
            if kind == "text_link":
                out.add("text_link", start, url=target)
            else:
                out.add("custom_emoji", start, custom_emoji_id=target.rsplit("id=", 1)[-1])
            i = close + 1
            continue
        marker: tuple[str, int] | None = {
            "*": ("bold", 1),
            "_": ("underline", 2) if src.startswith("__", i) else ("italic", 1),
            "~": ("strikethrough", 1),
            "|": ("spoiler", 2) if src.startswith("||", i) else None,
        }.get(ch)
        if marker is None:
            if ch in _MDV2_RESERVED:
                raise _entities_error(
                    f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
                )
            out.emit(ch)
            i += 1
            continue
        kind, width = marker
        if stack and stack[-1][0] == kind:
            _, start, _ = stack.pop()
            out.add(kind, start)
        elif any(entry[0] == kind for entry in stack):
            raise unclosed(stack[-1][0], stack[-1][2])
        else:
            stack.append((kind, out.pos, offset))
        i += width
    if quote_start is not None:
        out.add("blockquote", quote_start)
    if stack:
        raise unclosed(stack[-1][0], stack[-1][2])
    return out.result()


def _parse_markdown_legacy(src: str) -> tuple[str, list[JSONDict]]:
    """Parse legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url)."""
    out = _TextBuilder()
    kinds = {"*": "bold", "_": "italic", "`": "code"}
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "\\" and i + 1 < len(src) and src[i + 1] in "_*`[":
            out.emit(src[i + 1])
            i += 2
            continue
        if ch not in "*_`[":
            out.emit(ch)
            i += 1
            continue
        error = _entities_error(
            f"Can't find end of the entity starting at byte offset {_byte_offset(src, i)}"
        )
        start = out.pos
        if src.startswith("```", i):
            close = src.find("```", i + 3)
            if close == -1:
                raise error
            body, language = src[i + 3 : close], ""
            if "\n" in body:
                language, body = body.split("\n", 1)
            out.emit(body)
            out.add("pre", start, **({"language": language.strip()} if language.strip() else {}))
            i = close + 3
        elif ch == "[":
            close = src.find("](", i + 1)
            url_end = src.find(")", close + 2) if close != -1 else -1
            if url_end == -1:
                raise error
            out.emit(src[i + 1 : close])
            out.add("text_link", start, url=src[close + 2 : url_end])
            i = url_end + 1
        else:
            close = src.find(ch, i + 1)
            if close == -1:
                raise error
            out.emit(src[i + 1 : close])
            out.add(kinds[ch], start)
            i = close + 1
    return out.result()


def _format_text(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[JSONDict]]:
    """Apply ``entities`` or ``parse_mode`` the way Telegram does; returns (plain, entities)."""
    if entities:
        if not isinstance(entities, list):
            raise _bad_request("can't parse entities JSON object")
        return text, [dict(e) for e in entities]
    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    parser = {
        "html": _parse_html,
        "markdownv2": _parse_markdown_v2,
        "markdown": _parse_markdown_legacy,
    }.get(mode)
    if parser is None:
        raise _bad_request("unsupported parse_mode")
    return parser(text)


_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_URL_RE = re.compile(r"https?://[^\s<>\"']+")


def _detect_entities(text: str) -> list[JSONDict]:
    """Entities Telegram adds to user text: bot commands and URLs."""
    found: list[JSONDict] = []
    for regex, kind in ((_COMMAND_RE, "bot_command"), (_URL_RE, "url")):
        for match in regex.finditer(text):
            found.append(
                {
                    "type": kind,
                    "offset": _u16(text[: match.start()]),
                    "length": _u16(match.group(0)),
                }
            )
    return sorted(found, key=lambda e: int(e["offset"]))


# ============================================================================================
# Request decoding
# ============================================================================================


@dataclass
class _Request:
    """Parsed parameters of one API call with typed accessors that raise Bot API errors."""

    method: str
    params: JSONDict
    files: dict[str, UploadedFile]

    def opt_str(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else json.dumps(value)

    def opt_int(self, name: str) -> int | None:
        value = self.params.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _bad_request(f'field "{name}" must be of type Integer') from None

    def opt_bool(self, name: str) -> bool:
        value = self.params.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def req_int(self, name: str, missing: str | None = None) -> int:
        value = self.opt_int(name)
        if value is None:
            raise _bad_request(missing or f'parameter "{name}" is required')
        return value

    def opt_json(self, name: str) -> Any:
        value = self.params.get(name)
        if isinstance(value, str) and name in _JSON_PARAMS:
            try:
                return json.loads(value)
            except ValueError:
                raise _bad_request(f"can't parse {name} JSON object") from None
        return value


def _decode_form_value(name: str, value: str) -> Any:
    """Form fields carry strings; PTB JSON-encodes every non-string value."""
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def _read_request(request: web.Request) -> tuple[JSONDict, dict[str, UploadedFile]]:
    params: JSONDict = {k: _decode_form_value(k, v) for k, v in request.query.items()}
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        body = await request.read()
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            raise _bad_request("can't parse JSON object") from None
        if not isinstance(data, dict):
            raise _bad_request("JSON object expected")
        params.update(data)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            raise _ApiError(413, "Request Entity Too Large") from None
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
            elif isinstance(value, str):
                params[key] = _decode_form_value(key, value)
            else:
                params[key] = _decode_form_value(key, bytes(value).decode("utf-8", "replace"))
    for key in _JSON_PARAMS & params.keys():
        if isinstance(params[key], str):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(params[key])
    return params, files


# ============================================================================================
# Media inspection
# ============================================================================================


@dataclass(frozen=True)
class _AvInfo:
    container: str
    duration: float | None
    width: int | None
    height: int | None
    has_audio: bool

    @property
    def is_mp4_video(self) -> bool:
        return self.width is not None and ("mp4" in self.container or "mov" in self.container)


def _probe_av(data: bytes) -> _AvInfo | None:
    """Container/stream facts via PyAV, or ``None`` if the bytes are not audio/video."""
    try:
        import av

        with av.open(io.BytesIO(data), mode="r") as container:
            video = next(iter(container.streams.video), None)
            duration = container.duration / 1_000_000 if container.duration else None
            return _AvInfo(
                container=str(container.format.name),
                duration=duration,
                width=video.codec_context.width if video is not None else None,
                height=video.codec_context.height if video is not None else None,
                has_audio=bool(container.streams.audio),
            )
    except Exception:
        return None


def _open_image(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        img = Image.open(io.BytesIO(data))
        img.load()
    return img


def _jpeg_thumbnail(img: Image.Image, side: int) -> tuple[bytes, int, int]:
    copy_ = img.copy()
    copy_.thumbnail((side, side))
    if copy_.mode not in ("RGB", "L"):
        copy_ = copy_.convert("RGB")
    buf = io.BytesIO()
    copy_.save(buf, format="JPEG", quality=85)
    return buf.getvalue(), copy_.width, copy_.height


_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
    (b"%PDF", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"ID3", "audio/mpeg"),
    (b"RIFF", "audio/x-wav"),
)


def _sniff_mime(data: bytes | None, file_name: str | None, declared: str | None) -> str:
    if declared and declared != "application/octet-stream":
        return declared
    if file_name:
        guessed = mimetypes.guess_type(file_name, strict=False)[0]
        if guessed:
            return guessed
    if data:
        if data[4:8] == b"ftyp":
            return "video/mp4"
        for magic, mime in _MAGIC:
            if data.startswith(magic):
                return mime
    return "application/octet-stream"


# ============================================================================================
# The emulator
# ============================================================================================

_Handler: TypeAlias = Callable[[_Request], Awaitable[Any]]


@dataclass
class _InjectedFailure:
    method: str
    code: int
    description: str
    remaining: int
    parameters: JSONDict | None


class BotApiEmulator:
    """An in-process Telegram Bot API server (see the module docstring for an example)."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_BOT_USERNAME,
        *,
        bot_first_name: str = "Pocket Director",
        host: str = "127.0.0.1",
        max_download_bytes: int = 20 * MIB,
        max_upload_bytes: int = 50 * MIB,
        photo_max_side: int | None = 2560,
    ) -> None:
        prefix = token.split(":", 1)[0]
        if not prefix.isdigit() or ":" not in token:
            raise ValueError(f"token must look like '<bot id>:<secret>', got {token!r}")
        self._token = token
        self._host = host
        self._port = 0
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.max_download_bytes = max_download_bytes
        """getFile answers "file is too big" above this size (Telegram: 20 MB)."""
        self.max_upload_bytes = max_upload_bytes
        """Uploads above this size answer 413 (Telegram: 50 MB)."""
        self.photo_max_side = photo_max_side
        """Largest PhotoSize side; bigger photos are downscaled (``None`` keeps originals)."""
        self.latency = 0.0
        """Seconds added to every API request (to surface timing assumptions)."""

        self.calls: list[ApiCall] = []
        """Every API request, in arrival order."""
        self.downloads: list[tuple[float, str]] = []
        """(monotonic time, file_path) of every file download."""
        self.internal_errors: list[BaseException] = []
        """Exceptions raised by the emulator itself (answered with HTTP 500)."""
        self.webhook_url: str | None = None
        self.app_errors: list[BaseException] = []
        """Exceptions raised by handlers of an app run with :meth:`polling`."""

        self._users: dict[int, SimulatedUser] = {}
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._photo_sets: dict[str, list[JSONDict]] = {}  # any size's file_id -> all sizes
        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._last_delivered_update_id = 0
        self._update_event = asyncio.Event()
        self._poll_generation = 0
        self._queries: dict[str, tuple[int, bool]] = {}  # query id -> (user id, answered)
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._menu_buttons: dict[int | None, JSONDict] = {}  # chat id (None: the default)
        self._revision = 0
        self._ids = itertools.count(1)
        self._flood_every = 0
        self._flood_retry_after = 1
        self._flood_counter = 0
        self._flood_methods: frozenset[str] | None = None
        self._injected: list[_InjectedFailure] = []
        self._runner: web.AppRunner | None = None
        self._stopping = False
        self._methods: dict[str, _Handler] = {
            name.lower(): handler for name, handler in self._method_table().items()
        }

    # ---------------------------------------------------------------- lifecycle & properties

    async def start(self) -> None:
        """Start serving on ``host`` with an OS-assigned port."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=self.max_upload_bytes + 10 * MIB)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self._host, 0)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        if not sockets:
            await runner.cleanup()
            raise RuntimeError("could not determine the emulator's port")
        self._port = int(sockets[0].getsockname()[1])
        self._runner = runner
        self._stopping = False

    async def stop(self) -> None:
        """Wake pending long polls and shut the server down."""
        if self._runner is None:
            return
        self._stopping = True
        self._update_event.set()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def token(self) -> str:
        """The bot token requests must use."""
        return self._token

    @property
    def bot_id(self) -> int:
        """The bot's user id (the token prefix)."""
        return int(self._token.split(":", 1)[0])

    @property
    def port(self) -> int:
        """The TCP port (only valid after :meth:`start`)."""
        return self._port

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url(...)`` (PTB appends the token)."""
        return f"http://{self._host}:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://{self._host}:{self._port}/file/bot"

    @property
    def bot_user(self) -> JSONDict:
        """The bot's ``User`` object as sent in ``from`` fields."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def application_builder(self) -> InitApplicationBuilder:
        """A PTB ``ApplicationBuilder`` already pointed at this emulator (token + URLs)."""
        return (
            ApplicationBuilder()
            .token(self._token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    @contextlib.asynccontextmanager
    async def polling(
        self, app: Application[Any, Any, Any, Any, Any, Any], *, timeout: int = 1
    ) -> AsyncIterator[None]:
        """Run ``app`` (initialize, start, long polling) for the duration of the block.

        Exceptions raised by the app's handlers are collected in :attr:`app_errors` (the
        app's own error handlers still run).  Refuses apps not pointed at this emulator.
        """
        if not app.bot.base_url.startswith(self.base_url) or app.updater is None:
            raise RuntimeError(
                f"app must use base_url={self.base_url!r} and have an Updater "
                f"(got {app.bot.base_url!r}); use emu.application_builder()"
            )

        async def record(update: object, context: Any) -> None:
            if context.error is not None:
                self.app_errors.append(context.error)

        app.add_error_handler(record)
        await app.initialize()
        try:
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=timeout)
            yield
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
            app.remove_error_handler(record)

    # ---------------------------------------------------------------- test-facing controls

    def user(
        self,
        user_id: int = 1001,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SimulatedUser:
        """The simulated user with this id (created on first use; chat id == user id)."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        created = SimulatedUser(self, user_id, first_name, last_name, username, language_code)
        self._users[user_id] = created
        return created

    def group(
        self,
        chat_id: int = -1001234567890,
        title: str = "Film crew",
        *,
        kind: str = "supergroup",
        is_forum: bool = False,
    ) -> SimulatedGroup:
        """The simulated group with this (negative) id, created on first use; the bot is in it."""
        existing = self._users.get(chat_id)
        if isinstance(existing, SimulatedGroup):
            return existing
        created = SimulatedGroup(self, chat_id, title, kind, is_forum)
        self._users[chat_id] = created
        return created

    @property
    def users(self) -> list[SimulatedUser]:
        """All simulated users created so far."""
        return list(self._users.values())

    def flood_every(
        self, n: int, retry_after: int = 1, methods: Iterable[str] | None = None
    ) -> None:
        """Answer every ``n``-th send*/edit* call (except sendChatAction) with 429.

        ``methods`` restricts counting to the given method names.  The flooded call is not
        performed.  The counter restarts with each call to this method.
        """
        if n < 1:
            raise ValueError("n must be >= 1")
        self._flood_every = n
        self._flood_retry_after = retry_after
        self._flood_counter = 0
        self._flood_methods = frozenset(m.lower() for m in methods) if methods else None

    def flood_off(self) -> None:
        """Stop simulating flood control."""
        self._flood_every = 0

    def block_user(self, chat_id: int) -> None:
        """The user blocks the bot: sends/edits to the chat answer 403 from now on.

        Like Telegram, a ``my_chat_member`` update (member -> kicked) is queued for the bot.
        """
        user = self._users.get(chat_id)
        if user is None or user.blocked:
            if user is None:
                raise KeyError(f"no simulated user {chat_id}")
            return
        user.blocked = True
        self._push_update({"my_chat_member": user._member_update("member", "kicked")})

    def unblock_user(self, chat_id: int) -> None:
        """The user restarts the bot (queues a ``my_chat_member`` kicked -> member update)."""
        user = self._users[chat_id]
        if user.blocked:
            user.blocked = False
            self._push_update({"my_chat_member": user._member_update("kicked", "member")})

    def fail_next(
        self,
        method: str,
        description: str = "Internal Server Error",
        *,
        error_code: int = 500,
        times: int = 1,
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with the given error."""
        params = {"retry_after": retry_after} if retry_after is not None else None
        self._injected.append(
            _InjectedFailure(method.lower(), error_code, description, times, params)
        )

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method (case-insensitive)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def last_call(self, method: str) -> ApiCall:
        """The most recent call of ``method``; AssertionError if there was none."""
        calls = self.calls_to(method)
        if not calls:
            raise AssertionError(
                f"{method} was never called; calls: {[c.method for c in self.calls]}"
            )
        return calls[-1]

    def failed_calls(self) -> list[ApiCall]:
        """Calls that got an error response."""
        return [c for c in self.calls if not c.response_ok]

    def file(self, file_id: str) -> StoredFile:
        """A stored file by id (KeyError if unknown)."""
        return self._files[file_id]

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """Commands set with setMyCommands for the scope/language."""
        return list(self._commands.get(self._commands_key(scope, language_code), []))

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by the bot (via getUpdates offset)."""
        return copy.deepcopy(self._updates)

    async def wait_delivered(self, timeout: float = 10.0) -> None:
        """Wait until getUpdates has returned every update queued so far."""
        target = self._next_update_id - 1
        deadline = time.monotonic() + timeout
        while self._last_delivered_update_id < target:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"updates up to {target} not fetched by the bot within {timeout}s "
                    f"(last fetched {self._last_delivered_update_id}); is polling running?"
                )
            await asyncio.sleep(0.01)

    # ---------------------------------------------------------------- internals shared with users

    def _next_id(self) -> int:
        return next(self._ids)

    def _touch(self, message: BotMessage) -> None:
        self._revision += 1
        message.revision = self._revision

    def _push_update(self, payload: JSONDict) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, **payload})
        self._update_event.set()
        return update_id

    def _new_query_id(self, user_id: int) -> str:
        query_id = f"{user_id}{self._next_id():08d}"
        self._queries[query_id] = (user_id, False)
        return query_id

    def _store_file(
        self,
        kind: str,
        data: bytes | None,
        *,
        size: int | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> StoredFile:
        n = self._next_id()
        ext = mimetypes.guess_extension(mime_type or "") if mime_type else None
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1].lower()
        if kind in ("photo", "thumbnail"):
            ext = ".jpg"
        stored = StoredFile(
            file_id=f"{_FILE_PREFIX.get(kind, 'BQACAgIAAxkBAA')}{n:06d}x{self.bot_id % 997:03d}",
            file_unique_id=f"AQAD{n:06d}",
            file_path=f"{_FILE_FOLDER.get(kind, 'documents')}/file_{n}{ext or ''}",
            size=len(data) if data is not None and size is None else (size or 0),
            data=data,
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
            url=url,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _photo_sizes(self, data: bytes, *, strict: bool) -> tuple[list[JSONDict], StoredFile]:
        """PhotoSize list (ascending) for an image, plus the stored largest size.

        The largest size keeps the original bytes unless a side exceeds ``photo_max_side``.
        With ``strict`` (bot uploads) undecodable images raise Telegram's errors; otherwise
        (forged user photos) they are described as a 1280x960 photo with the raw bytes.
        """
        try:
            img = _open_image(data)
        except Image.DecompressionBombError:
            if strict:
                raise _bad_request("PHOTO_INVALID_DIMENSIONS") from None
            img = None
        except Exception:
            if strict:
                raise _bad_request("IMAGE_PROCESS_FAILED") from None
            img = None
        if img is None:
            largest = self._store_file("photo", data, mime_type="image/jpeg")
            sizes = [self._photo_size_json(largest, 1280, 960)]
        else:
            sizes, largest = self._scaled_photo_sizes(img, data, strict=strict)
        for size in sizes:
            self._photo_sets[size["file_id"]] = sizes
        return copy.deepcopy(sizes), largest

    def _scaled_photo_sizes(
        self, img: Image.Image, data: bytes, *, strict: bool
    ) -> tuple[list[JSONDict], StoredFile]:
        width, height = img.size
        if strict and (width + height > 10000 or max(width, height) > 20 * min(width, height)):
            raise _bad_request("PHOTO_INVALID_DIMENSIONS")
        longest = max(width, height)
        sizes: list[JSONDict] = []
        for side in _PHOTO_SIDES:
            if side < longest and (self.photo_max_side is None or side < self.photo_max_side):
                thumb, w, h = _jpeg_thumbnail(img, side)
                sizes.append(self._photo_size_json(self._store_file("photo", thumb), w, h))
        if self.photo_max_side is not None and longest > self.photo_max_side:
            big, width, height = _jpeg_thumbnail(img, self.photo_max_side)
            largest = self._store_file("photo", big)
        else:
            largest = self._store_file("photo", data)
        sizes.append(self._photo_size_json(largest, width, height))
        return sizes, largest

    @staticmethod
    def _photo_size_json(stored: StoredFile, width: int, height: int) -> JSONDict:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "width": width,
            "height": height,
        }

    # ---------------------------------------------------------------- HTTP layer

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        at = time.monotonic()
        if request.match_info["token"] != self._token:
            self.calls.append(ApiCall(method, {}, {}, at, False, 401, "Unauthorized"))
            return web.json_response(_ApiError(401, "Unauthorized").payload(), status=401)
        call = ApiCall(method, {}, {}, at)
        self.calls.append(call)
        try:
            call.params, call.files = await _read_request(request)
            if self.latency:
                await asyncio.sleep(self.latency)
            result = await self._dispatch(_Request(method, call.params, call.files))
        except _ApiError as err:
            call.error_code, call.description = err.code, err.description
            return web.json_response(err.payload(), status=err.code)
        except Exception as exc:
            self.internal_errors.append(exc)
            call.error_code, call.description = 500, f"Internal Server Error: {exc!r}"
            return web.json_response(
                {"ok": False, "error_code": 500, "description": call.description}, status=500
            )
        call.response_ok, call.result = True, result
        return web.json_response({"ok": True, "result": result})

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        stored = self._files_by_path.get(path)
        if request.match_info["token"] != self._token or stored is None or stored.data is None:
            return web.json_response(_ApiError(404, "Not Found").payload(), status=404)
        self.downloads.append((time.monotonic(), path))
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _dispatch(self, req: _Request) -> Any:
        handler = self._methods.get(req.method.lower())
        if handler is None:
            raise _ApiError(404, "Not Found")
        self._check_injected(req.method.lower())
        return await handler(req)

    def _check_injected(self, method: str) -> None:
        for failure in self._injected:
            if failure.method == method and failure.remaining > 0:
                failure.remaining -= 1
                raise _ApiError(failure.code, failure.description, failure.parameters)
        counted = method.startswith(("send", "edit")) and method != "sendchataction"
        if self._flood_methods is not None:
            counted = method in self._flood_methods
        if self._flood_every and counted:
            self._flood_counter += 1
            if self._flood_counter % self._flood_every == 0:
                seconds = self._flood_retry_after
                raise _ApiError(
                    429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
                )

    def _method_table(self) -> dict[str, _Handler]:
        return {
            "getMe": self._get_me,
            "logOut": self._return_true,
            "close": self._return_true,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getUpdates": self._get_updates,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": self._return_true,
            "setMyShortDescription": self._return_true,
            "setMyName": self._return_true,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendVideo": self._send_video,
            "sendDocument": self._send_document,
            "sendAudio": self._send_audio,
            "sendVoice": self._send_voice,
            "sendAnimation": self._send_animation,
            "sendMediaGroup": self._send_media_group,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "editMessageMedia": self._edit_message_media,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMember": self._get_chat_member,
        }

    # ---------------------------------------------------------------- bot & updates methods

    async def _return_true(self, req: _Request) -> bool:
        return True

    async def _get_me(self, req: _Request) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _set_webhook(self, req: _Request) -> bool:
        url = req.opt_str("url")
        self.webhook_url = url or None
        if req.opt_bool("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _delete_webhook(self, req: _Request) -> bool:
        self.webhook_url = None
        if req.opt_bool("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, req: _Request) -> JSONDict:
        return {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _get_updates(self, req: _Request) -> list[JSONDict]:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = req.opt_int("offset")
        limit = min(max(req.opt_int("limit") or 100, 1), 100)
        timeout = max(float(req.params.get("timeout") or 0), 0.0)
        if offset is not None and offset < 0:
            del self._updates[: max(len(self._updates) + offset, 0)]
        elif offset is not None:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        self._update_event.set()  # wakes (and thereby terminates) an older long poll
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise _ApiError(409, GET_UPDATES_CONFLICT)
            remaining = deadline - time.monotonic()
            if self._updates or self._stopping or remaining <= 0:
                break
            self._update_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._update_event.wait(), remaining)
        batch = copy.deepcopy(self._updates[:limit])
        if batch:
            self._last_delivered_update_id = max(
                self._last_delivered_update_id, int(batch[-1]["update_id"])
            )
        return batch

    @staticmethod
    def _commands_key(scope: Any, language_code: str | None) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code or ""

    async def _set_my_commands(self, req: _Request) -> bool:
        commands = req.opt_json("commands")
        if not isinstance(commands, list):
            raise _bad_request('parameter "commands" is required')
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("command description must be non-empty")
        key = self._commands_key(req.opt_json("scope"), req.opt_str("language_code"))
        self._commands[key] = [dict(c) for c in commands]
        return True

    async def _get_my_commands(self, req: _Request) -> list[JSONDict]:
        key = self._commands_key(req.opt_json("scope"), req.opt_str("language_code"))
        return list(self._commands.get(key, []))

    async def _delete_my_commands(self, req: _Request) -> bool:
        key = self._commands_key(req.opt_json("scope"), req.opt_str("language_code"))
        self._commands.pop(key, None)
        return True

    def menu_button(self, chat_id: int | None = None) -> JSONDict:
        """The menu button a chat shows (its own, else the default; Telegram's: commands)."""
        return dict(
            self._menu_buttons.get(chat_id) or self._menu_buttons.get(None) or {"type": "commands"}
        )

    async def _set_chat_menu_button(self, req: _Request) -> bool:
        button = req.opt_json("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "commands",
            "web_app",
            "default",
        ):
            raise _bad_request("can't parse menu button")
        if button["type"] == "web_app":
            if not str(button.get("text", "")).strip():
                raise _bad_request("menu button text must be non-empty")
            _check_web_app(button.get("web_app"))
        chat_id = req.opt_int("chat_id")
        if button["type"] == "default":
            self._menu_buttons.pop(chat_id, None)
        else:
            self._menu_buttons[chat_id] = dict(button)
        return True

    async def _get_chat_menu_button(self, req: _Request) -> JSONDict:
        return self.menu_button(req.opt_int("chat_id"))

    # ---------------------------------------------------------------- chat helpers

    def _chat(self, req: _Request, *, sending: bool = True) -> SimulatedUser:
        raw = req.params.get("chat_id")
        if raw is None or raw == "":
            raise _bad_request("chat_id is empty")
        user: SimulatedUser | None = None
        if isinstance(raw, str) and raw.startswith("@"):
            user = next((u for u in self._users.values() if u.username == raw[1:]), None)
        else:
            with contextlib.suppress(TypeError, ValueError):
                user = self._users.get(int(raw))
        if user is None:
            raise _ApiError(400, CHAT_NOT_FOUND)
        if isinstance(user, SimulatedGroup):
            user._check_reachable(sending)
        if sending and user.blocked:
            raise _ApiError(403, BOT_BLOCKED)
        return user

    def _bot_message(self, req: _Request) -> tuple[SimulatedUser, BotMessage]:
        """The bot message an edit refers to (errors as Telegram reports them)."""
        if req.params.get("inline_message_id"):
            raise _bad_request("MESSAGE_ID_INVALID")
        user = self._chat(req)
        message_id = req.req_int("message_id", "message identifier is not specified")
        if message_id in user._deleted or message_id not in user._messages:
            raise _ApiError(400, EDIT_NOT_FOUND)
        message = user._bot_messages.get(message_id)
        if message is None:
            raise _bad_request("message can't be edited")
        return user, message

    @staticmethod
    def _markup(value: Any) -> JSONDict | None:
        """Validate a reply_markup the way Telegram does; returns it normalised."""
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        rows = value.get("inline_keyboard")
        if rows is None:
            return dict(value)
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad_request("can't parse inline keyboard button: InlineKeyboardButton expected")
        actions = (
            "url", "callback_data", "web_app", "login_url", "switch_inline_query",
            "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
            "copy_text", "callback_game", "pay",
        )  # fmt: skip
        for button in itertools.chain.from_iterable(rows):
            if not isinstance(button, dict) or not button.get("text"):
                raise _bad_request("can't parse inline keyboard button: Text must be non-empty")
            if not any(k in button for k in actions):
                raise _bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise _bad_request("BUTTON_DATA_INVALID")
            if "web_app" in button:
                _check_web_app(button["web_app"])
        return dict(value)

    def _reply_target(self, user: SimulatedUser, req: _Request) -> JSONDict | None:
        params = req.opt_json("reply_parameters")
        target: int | None = None
        allow_missing = req.opt_bool("allow_sending_without_reply")
        if isinstance(params, dict) and params.get("message_id") is not None:
            target = int(params["message_id"])
            allow_missing = allow_missing or bool(params.get("allow_sending_without_reply"))
        elif req.opt_int("reply_to_message_id") is not None:
            target = req.opt_int("reply_to_message_id")
        if target is None:
            return None
        replied = user._messages.get(target)
        if replied is None or target in user._deleted:
            if allow_missing:
                return None
            raise _bad_request("message to be replied not found")
        return {k: v for k, v in replied.items() if k != "reply_to_message"}

    def _create_bot_message(
        self,
        user: SimulatedUser,
        req: _Request,
        content: JSONDict,
        *,
        file: StoredFile | None = None,
        thumbnail_upload: UploadedFile | None = None,
        thumbnail_rejected: str | None = None,
        markup: JSONDict | None = None,
    ) -> BotMessage:
        reply = self._reply_target(user, req)
        message_id = user._allocate_message_id()
        raw: JSONDict = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": user.chat_json,
            "date": int(time.time()),
        }
        if reply is not None:
            raw["reply_to_message"] = reply
        thread = req.opt_int("message_thread_id")
        if thread is not None and isinstance(user, SimulatedGroup) and user.is_forum:
            raw["message_thread_id"] = thread
            raw["is_topic_message"] = True
        raw.update(content)
        if markup is not None and "inline_keyboard" in markup:
            raw["reply_markup"] = markup
        message = BotMessage(
            chat_id=user.chat_id,
            message_id=message_id,
            method=req.method,
            raw=raw,
            sent_at=time.monotonic(),
            revision=0,
            reply_markup=markup,
            file=file,
            thumbnail_upload=thumbnail_upload,
            thumbnail_rejected=thumbnail_rejected,
        )
        message.original_text = message.text
        user._messages[message_id] = raw
        user._bot_messages[message_id] = message
        self._touch(message)
        return message

    # ---------------------------------------------------------------- sending

    async def _send_message(self, req: _Request) -> JSONDict:
        user = self._chat(req)
        source = req.opt_str("text")
        if not source:
            raise _bad_request("message text is empty")
        text, entities = _format_text(source, req.opt_str("parse_mode"), req.opt_json("entities"))
        if not text.strip():
            raise _bad_request("message text is empty")
        if _u16(text) > 4096:
            raise _bad_request("message is too long")
        content: JSONDict = {"text": text}
        if entities:
            content["entities"] = entities
        markup = self._markup(req.opt_json("reply_markup"))
        return copy.deepcopy(self._create_bot_message(user, req, content, markup=markup).raw)

    @staticmethod
    def _caption(params: JSONDict) -> JSONDict:
        source = params.get("caption")
        if source is None or source == "":
            return {}
        text, entities = _format_text(
            str(source), params.get("parse_mode"), params.get("caption_entities")
        )
        if _u16(text) > 1024:
            raise _bad_request("message caption is too long")
        fields: JSONDict = {"caption": text} if text else {}
        if entities:
            fields["caption_entities"] = entities
        if params.get("show_caption_above_media") in (True, "true"):
            fields["show_caption_above_media"] = True
        return fields

    def _input_file(self, value: Any, files: dict[str, UploadedFile], kind: str) -> StoredFile:
        """Resolve a file parameter: multipart part, attach://, known file_id or URL."""
        upload: UploadedFile | None = None
        if value is None or value == "":
            upload = files.get(kind)
            if upload is None:
                raise _bad_request(f"there is no {kind} in the request")
        elif isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise _bad_request(f"can't parse InputMedia: media not found ({value})")
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            return self._store_file(kind, None, url=value, file_name=value.rsplit("/", 1)[-1])
        elif isinstance(value, str) and value in self._files:
            return self._files[value]
        else:
            raise _ApiError(400, WRONG_FILE_ID)
        if not upload.data:
            raise _bad_request("file must be non-empty")
        if len(upload.data) > self.max_upload_bytes:
            raise _ApiError(413, "Request Entity Too Large")
        mime = _sniff_mime(upload.data, upload.filename, upload.content_type)
        return self._store_file(kind, upload.data, file_name=upload.filename, mime_type=mime)

    @staticmethod
    def _thumbnail_upload(
        value: Any, files: dict[str, UploadedFile]
    ) -> tuple[UploadedFile | None, str | None]:
        """The uploaded thumbnail part and, if Telegram would ignore it, the reason."""
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
        elif value is None:
            upload = files.get("thumbnail")
        else:
            return None, "thumbnails can only be uploaded as a new multipart file"
        if upload is None:
            return None, None
        if len(upload.data) > 200 * 1024:
            return upload, "thumbnail larger than 200 kB"
        try:
            img = _open_image(upload.data)
        except Exception:
            return upload, "thumbnail is not a decodable image"
        if img.format != "JPEG":
            return upload, f"thumbnail is {img.format}, not JPEG"
        if max(img.size) > 320:
            return upload, f"thumbnail is {img.width}x{img.height}, larger than 320 px"
        return upload, None

    def _media_content(
        self,
        kind: str,
        stored: StoredFile,
        options: JSONDict,
        thumbnail: UploadedFile | None,
        thumbnail_ok: bool,
    ) -> tuple[JSONDict, StoredFile]:
        """Message fields for a media message of ``kind`` (may degrade to a document)."""
        if kind == "photo":
            if stored.file_id in self._photo_sets:  # re-sent by file_id: same PhotoSizes
                sizes = copy.deepcopy(self._photo_sets[stored.file_id])
                return {"photo": sizes}, self._files[sizes[-1]["file_id"]]
            if stored.data is None:
                return {"photo": [self._photo_size_json(stored, 1280, 960)]}, stored
            sizes, largest = self._photo_sizes(stored.data, strict=True)
            return {"photo": sizes}, largest
        thumb_json: JSONDict | None = None
        if thumbnail is not None and thumbnail_ok:
            img = _open_image(thumbnail.data)
            thumb_file = self._store_file("thumbnail", thumbnail.data)
            thumb_json = self._photo_size_json(thumb_file, img.width, img.height)
        info = _probe_av(stored.data) if stored.data is not None else None
        as_document = stored.data is not None and (
            info is None
            or (kind in ("video", "animation") and not info.is_mp4_video)
            or (kind in ("audio", "voice") and not info.has_audio)
        )
        base: JSONDict = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.size:
            base["file_size"] = stored.size
        if thumb_json is not None:
            base["thumbnail"] = thumb_json
        if kind == "document" or as_document:
            document = {**base, "mime_type": stored.mime_type or "application/octet-stream"}
            if stored.file_name:
                document["file_name"] = stored.file_name
            return {"document": document}, stored

        def number(name: str, probed: float | None) -> int:
            value = options.get(name)
            return int(value) if value not in (None, "") else round(probed or 0)

        duration = number("duration", info.duration if info else None)
        if kind in ("video", "animation"):
            media = {
                **base,
                "width": number("width", info.width if info else None),
                "height": number("height", info.height if info else None),
                "duration": duration,
                "mime_type": "video/mp4",
            }
            if stored.file_name:
                media["file_name"] = stored.file_name
            if kind == "animation":
                return {"animation": media, "document": dict(media)}, stored
            return {"video": media}, stored
        if kind == "voice":
            return {"voice": {**base, "duration": duration, "mime_type": stored.mime_type}}, stored
        audio: JSONDict = {**base, "duration": duration, "mime_type": stored.mime_type}
        for name in ("title", "performer"):
            if options.get(name):
                audio[name] = str(options[name])
        if stored.file_name:
            audio["file_name"] = stored.file_name
        return {"audio": audio}, stored

    async def _send_media(self, req: _Request, kind: str) -> JSONDict:
        user = self._chat(req)
        caption = self._caption(req.params)
        markup = self._markup(req.opt_json("reply_markup"))
        self._reply_target(user, req)  # validate before storing anything
        stored = self._input_file(req.params.get(kind), req.files, kind)
        thumb, rejected = self._thumbnail_upload(req.params.get("thumbnail"), req.files)
        content, main_file = self._media_content(
            kind, stored, req.params, thumb, thumb is not None and rejected is None
        )
        if req.opt_bool("has_spoiler"):
            content["has_media_spoiler"] = True
        content.update(caption)
        message = self._create_bot_message(
            user,
            req,
            content,
            file=main_file,
            thumbnail_upload=thumb,
            thumbnail_rejected=rejected,
            markup=markup,
        )
        return copy.deepcopy(message.raw)

    async def _send_photo(self, req: _Request) -> JSONDict:
        return await self._send_media(req, "photo")

    async def _send_video(self, req: _Request) -> JSONDict:
        return await self._send_media(req, "video")

    async def _send_document(self, req: _Request) -> JSONDict:
        return await self._send_media(req, "document")

    async def _send_audio(self, req: _Request) -> JSONDict:
        return await self._send_media(req, "audio")

    async def _send_voice(self, req: _Request) -> JSONDict:
        return await self._send_media(req, "voice")

    async def _send_animation(self, req: _Request) -> JSONDict:
        return await self._send_media(req, "animation")

    def _input_media(
        self, item: Any, files: dict[str, UploadedFile]
    ) -> tuple[str, JSONDict, StoredFile, UploadedFile | None, str | None]:
        """Resolve one InputMedia object: (kind, content, main file, thumbnail, rejection)."""
        if not isinstance(item, dict) or item.get("type") not in (
            "photo", "video", "animation", "audio", "document",
        ):  # fmt: skip
            raise _bad_request("can't parse InputMedia: unsupported media type")
        kind = str(item["type"])
        if item.get("media") in (None, ""):
            raise _bad_request("can't parse InputMedia: media not found")
        stored = self._input_file(item["media"], files, kind)
        thumb, rejected = self._thumbnail_upload(item.get("thumbnail"), files)
        content, main_file = self._media_content(
            kind, stored, item, thumb, thumb is not None and rejected is None
        )
        content.update(self._caption(item))
        if item.get("has_spoiler"):
            content["has_media_spoiler"] = True
        return kind, content, main_file, thumb, rejected

    async def _send_media_group(self, req: _Request) -> list[JSONDict]:
        user = self._chat(req)
        media = req.opt_json("media")
        if not isinstance(media, list) or not media:
            raise _bad_request('parameter "media" is required')
        if not 2 <= len(media) <= 10:
            raise _bad_request("wrong number of media in the group: must include 2-10 items")
        kinds = {str(m.get("type")) if isinstance(m, dict) else "" for m in media}
        for exclusive in ("audio", "document"):
            if exclusive in kinds and len(kinds) > 1:
                raise _bad_request(f"{exclusive} can't be mixed with other media types")
        self._reply_target(user, req)
        resolved = [self._input_media(item, req.files) for item in media]
        group_id = str(13_000_000_000_000_000 + self._next_id())
        messages = []
        for _, content, main_file, thumb, rejected in resolved:
            content["media_group_id"] = group_id
            message = self._create_bot_message(
                user,
                req,
                content,
                file=main_file,
                thumbnail_upload=thumb,
                thumbnail_rejected=rejected,
            )
            messages.append(copy.deepcopy(message.raw))
        return messages

    async def _send_chat_action(self, req: _Request) -> bool:
        user = self._chat(req)
        action = req.opt_str("action")
        if action not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        user.chat_actions.append((time.monotonic(), action))
        return True

    # ---------------------------------------------------------------- editing & deleting

    def _record_edit(self, message: BotMessage, text_changed: bool) -> JSONDict:
        now = time.monotonic()
        message.raw["edit_date"] = int(time.time())
        if text_changed:
            message.edits.append((now, message.text))
        self._touch(message)
        return copy.deepcopy(message.raw)

    def _apply_markup(self, message: BotMessage, markup: JSONDict | None) -> bool:
        """Set the inline keyboard; True if it changed."""
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad_request("inline keyboard expected")
        old = message.raw.get("reply_markup")
        if markup is None:
            message.raw.pop("reply_markup", None)
        else:
            message.raw["reply_markup"] = markup
        if old != markup:
            message.reply_markup = markup
            message.markup_edits.append((time.monotonic(), markup))
            return True
        return False

    async def _edit_message_text(self, req: _Request) -> JSONDict:
        _, message = self._bot_message(req)
        source = req.opt_str("text")
        if not source:
            raise _bad_request("message text is empty")
        text, entities = _format_text(source, req.opt_str("parse_mode"), req.opt_json("entities"))
        if not text.strip():
            raise _bad_request("message text is empty")
        if _u16(text) > 4096:
            raise _bad_request("message is too long")
        if "text" not in message.raw:
            raise _bad_request("there is no text in the message to edit")
        markup = self._markup(req.opt_json("reply_markup"))
        same_text = message.raw["text"] == text and message.raw.get("entities", []) == entities
        if same_text and message.raw.get("reply_markup") == markup:
            raise _ApiError(400, NOT_MODIFIED)
        message.raw["text"] = text
        if entities:
            message.raw["entities"] = entities
        else:
            message.raw.pop("entities", None)
        self._apply_markup(message, markup)
        return self._record_edit(message, text_changed=not same_text)

    async def _edit_message_caption(self, req: _Request) -> JSONDict:
        _, message = self._bot_message(req)
        if message.media_kind is None:
            raise _bad_request("there is no caption in the message to edit")
        caption = self._caption(req.params)
        markup = self._markup(req.opt_json("reply_markup"))
        old = {k: message.raw[k] for k in ("caption", "caption_entities") if k in message.raw}
        new: JSONDict = {k: caption[k] for k in ("caption", "caption_entities") if k in caption}
        if old == new and message.raw.get("reply_markup") == markup:
            raise _ApiError(400, NOT_MODIFIED)
        for key in ("caption", "caption_entities"):
            message.raw.pop(key, None)
        message.raw.update(new)
        self._apply_markup(message, markup)
        return self._record_edit(message, text_changed=old != new)

    async def _edit_message_reply_markup(self, req: _Request) -> JSONDict:
        _, message = self._bot_message(req)
        markup = self._markup(req.opt_json("reply_markup"))
        if not self._apply_markup(message, markup):
            raise _ApiError(400, NOT_MODIFIED)
        return self._record_edit(message, text_changed=False)

    async def _edit_message_media(self, req: _Request) -> JSONDict:
        _, message = self._bot_message(req)
        if message.media_kind is None:
            raise _bad_request("there is no media in the message to edit")
        markup = self._markup(req.opt_json("reply_markup"))
        _, content, main_file, thumb, rejected = self._input_media(req.opt_json("media"), req.files)
        for key in (*MEDIA_KINDS, "caption", "caption_entities", "has_media_spoiler"):
            message.raw.pop(key, None)
        message.raw.update(content)
        message.file, message.thumbnail_upload, message.thumbnail_rejected = (
            main_file,
            thumb,
            rejected,
        )
        self._apply_markup(message, markup)
        return self._record_edit(message, text_changed=True)

    def _delete_one(self, user: SimulatedUser, message_id: int) -> bool:
        if message_id in user._deleted or message_id not in user._messages:
            return False
        user._deleted.add(message_id)
        message = user._bot_messages.get(message_id)
        if message is not None:
            message.deleted, message.deleted_at = True, time.monotonic()
            self._touch(message)
        return True

    async def _delete_message(self, req: _Request) -> bool:
        user = self._chat(req, sending=False)
        message_id = req.req_int("message_id", "message identifier is not specified")
        if not self._delete_one(user, message_id):
            raise _bad_request("message to delete not found")
        return True

    async def _delete_messages(self, req: _Request) -> bool:
        user = self._chat(req, sending=False)
        ids = req.opt_json("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad_request("message identifiers are not specified")
        for message_id in ids:
            self._delete_one(user, int(message_id))
        return True

    # ---------------------------------------------------------------- misc

    async def _answer_callback_query(self, req: _Request) -> bool:
        query_id = req.opt_str("callback_query_id") or ""
        entry = self._queries.get(query_id)
        if entry is None or entry[1]:
            raise _ApiError(400, QUERY_INVALID)
        user_id, _ = entry
        self._queries[query_id] = (user_id, True)
        self._users[user_id].callback_answers.append(
            CallbackAnswer(
                query_id=query_id,
                text=req.opt_str("text"),
                show_alert=req.opt_bool("show_alert"),
                url=req.opt_str("url"),
                at=time.monotonic(),
            )
        )
        return True

    async def _get_file(self, req: _Request) -> JSONDict:
        file_id = req.opt_str("file_id")
        if not file_id:
            raise _bad_request('parameter "file_id" is required')
        stored = self._files.get(file_id)
        if stored is None:
            raise _bad_request("invalid file_id")
        if stored.size > self.max_download_bytes:
            raise _ApiError(400, FILE_TOO_BIG)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _group(self, req: _Request) -> SimulatedGroup:
        chat = self._chat(req, sending=False)
        if not isinstance(chat, SimulatedGroup):
            raise _bad_request("there are no administrators in the private chat")
        return chat

    async def _get_chat_administrators(self, req: _Request) -> list[JSONDict]:
        group = self._group(req)
        return [
            group._member_json(user_id, status)
            for user_id, status in group.statuses.items()
            if status in ("creator", "administrator")
        ]

    async def _get_chat_member(self, req: _Request) -> JSONDict:
        group = self._group(req)
        user_id = req.req_int("user_id", "user not found")
        return group._member_json(user_id, group.statuses.get(user_id, "left"))

    async def _get_chat(self, req: _Request) -> JSONDict:
        user = self._chat(req, sending=False)
        return {
            **user.chat_json,
            "accent_color_id": user.user_id % 7,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }


# ============================================================================================
# Simulated users
# ============================================================================================


def origin_user(
    user_id: int, first_name: str, last_name: str | None = None, username: str | None = None
) -> JSONDict:
    """The ``MessageOriginUser`` of a message forwarded from a user who allows it."""
    sender: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        sender["last_name"] = last_name
    if username:
        sender["username"] = username
    return {"type": "user", "date": int(time.time()) - 3600, "sender_user": sender}


def origin_hidden_user(name: str) -> JSONDict:
    """The ``MessageOriginHiddenUser`` of a message forwarded from a user who hides it."""
    return {"type": "hidden_user", "date": int(time.time()) - 3600, "sender_user_name": name}


def origin_chat(chat_id: int, title: str, signature: str | None = None) -> JSONDict:
    """The ``MessageOriginChat`` of a message a group sent as itself (an anonymous admin)."""
    origin: JSONDict = {
        "type": "chat",
        "date": int(time.time()) - 3600,
        "sender_chat": {"id": chat_id, "type": "supergroup", "title": title},
    }
    if signature:
        origin["author_signature"] = signature
    return origin


def origin_channel(
    chat_id: int, title: str, message_id: int, signature: str | None = None
) -> JSONDict:
    """The ``MessageOriginChannel`` of a post forwarded from a channel."""
    origin: JSONDict = {
        "type": "channel",
        "date": int(time.time()) - 3600,
        "chat": {"id": chat_id, "type": "channel", "title": title},
        "message_id": message_id,
    }
    if signature:
        origin["author_signature"] = signature
    return origin


class SimulatedUser:
    """A Telegram user talking to the bot in a private chat (chat id == user id).

    ``send_*``/``press*`` inject updates for the bot; the query helpers read what the bot
    sent back.  Obtain instances with :meth:`BotApiEmulator.user`.
    """

    def __init__(
        self,
        emulator: BotApiEmulator,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        self._emu = emulator
        self.user_id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked = False
        self.callback_answers: list[CallbackAnswer] = []
        """Answers the bot gave to this user's button presses."""
        self.chat_actions: list[tuple[float, str]] = []
        """(monotonic time, action) of every sendChatAction to this chat."""
        self.sent_message_ids: list[int] = []
        """ids of messages this user sent, in order."""
        self._next_message_id = 1
        self._messages: dict[int, JSONDict] = {}
        self._bot_messages: dict[int, BotMessage] = {}
        self._deleted: set[int] = set()

    def __repr__(self) -> str:
        return f"SimulatedUser({self.user_id}, {self.first_name!r})"

    # ---------------------------------------------------------------- identity

    @property
    def chat_id(self) -> int:
        """Private chat id (equal to the user id)."""
        return self.user_id

    @property
    def user_json(self) -> JSONDict:
        """The ``User`` object of this user."""
        data: JSONDict = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data

    @property
    def chat_json(self) -> JSONDict:
        """The private ``Chat`` object."""
        data: JSONDict = {"id": self.user_id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data

    def _member_update(self, old: str, new: str) -> JSONDict:
        """A ``ChatMemberUpdated`` for the bot's membership in this chat."""
        now = int(time.time())
        bot = self._emu.bot_user
        return {
            "chat": self.chat_json,
            "from": self.user_json,
            "date": now,
            "old_chat_member": self._member(old, bot),
            "new_chat_member": self._member(new, bot),
        }

    @staticmethod
    def _member(status: str, bot: JSONDict) -> JSONDict:
        member: JSONDict = {"status": status, "user": bot}
        if status == "kicked":
            member["until_date"] = 0
        return member

    def _allocate_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    # ---------------------------------------------------------------- acting

    async def _send(self, content: JSONDict, reply_to: int | None) -> int:
        if reply_to is not None and reply_to not in self._messages:
            raise ValueError(f"cannot reply to unknown message {reply_to} in chat {self.chat_id}")
        if self.blocked:  # writing to a blocked bot means pressing "Restart" first
            self._emu.unblock_user(self.user_id)
        message_id = self._allocate_message_id()
        message: JSONDict = {
            "message_id": message_id,
            "from": self.user_json,
            "chat": self.chat_json,
            "date": int(time.time()),
        }
        if reply_to is not None:
            replied = self._messages[reply_to]
            message["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        message.update(content)
        self._messages[message_id] = message
        self.sent_message_ids.append(message_id)
        self._emu._push_update({"message": copy.deepcopy(message)})
        await asyncio.sleep(0)
        return message_id

    @staticmethod
    def _caption_fields(caption: str | None) -> JSONDict:
        if not caption:
            return {}
        fields: JSONDict = {"caption": caption}
        entities = _detect_entities(caption)
        if entities:
            fields["caption_entities"] = entities
        return fields

    async def send_text(self, text: str, reply_to: int | None = None) -> int:
        """Send a text message; commands ("/start", "/start@bot") get bot_command entities."""
        content: JSONDict = {"text": text}
        entities = _detect_entities(text)
        if entities:
            content["entities"] = entities
        return await self._send(content, reply_to)

    async def send_photo(
        self,
        jpeg_bytes: bytes,
        caption: str | None = None,
        reply_to: int | None = None,
        media_group_id: str | None = None,
    ) -> int:
        """Send a photo; the bot sees several PhotoSizes, the largest being these bytes."""
        sizes, _ = self._emu._photo_sizes(jpeg_bytes, strict=False)
        content: JSONDict = {"photo": sizes, **self._caption_fields(caption)}
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        return await self._send(content, reply_to)

    async def send_forwarded_photo(
        self, jpeg_bytes: bytes, origin: JSONDict, caption: str | None = None
    ) -> int:
        """Forward a photo to the bot: the message carries ``forward_origin`` (a MessageOrigin
        made by :func:`origin_user`, :func:`origin_hidden_user`, :func:`origin_chat` or
        :func:`origin_channel`), as Telegram sends a forwarded message."""
        sizes, _ = self._emu._photo_sizes(jpeg_bytes, strict=False)
        content: JSONDict = {
            "photo": sizes,
            "forward_origin": copy.deepcopy(origin),
            **self._caption_fields(caption),
        }
        return await self._send(content, None)

    async def send_album(
        self, photos: Iterable[bytes], caption: str | None = None, reply_to: int | None = None
    ) -> list[int]:
        """Send photos as one album (shared media_group_id, caption on the first)."""
        group_id = str(14_000_000_000_000_000 + self._emu._next_id())
        ids = []
        for index, data in enumerate(photos):
            first_caption = caption if index == 0 else None
            ids.append(
                await self.send_photo(
                    data, first_caption, reply_to=reply_to, media_group_id=group_id
                )
            )
        return ids

    def _file_json(
        self,
        kind: str,
        data: bytes | None,
        *,
        size: int | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
        extra: JSONDict | None = None,
    ) -> JSONDict:
        stored = self._emu._store_file(
            kind, data, size=size, file_name=file_name, mime_type=mime_type
        )
        result: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if file_name is not None:
            result["file_name"] = file_name
        if mime_type is not None:
            result["mime_type"] = mime_type
        result.update(extra or {})
        return result

    async def send_document(
        self,
        data: bytes,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Send a file as a document ("send as file" / uncompressed)."""
        document = self._file_json("document", data, file_name=file_name, mime_type=mime_type)
        return await self._send({"document": document, **self._caption_fields(caption)}, reply_to)

    async def send_audio(
        self,
        data: bytes,
        file_name: str,
        mime_type: str,
        duration: int,
        title: str | None = None,
        performer: str | None = None,
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Send a music file (an ``audio`` message)."""
        extra: JSONDict = {"duration": duration}
        if title is not None:
            extra["title"] = title
        if performer is not None:
            extra["performer"] = performer
        audio = self._file_json(
            "audio", data, file_name=file_name, mime_type=mime_type, extra=extra
        )
        return await self._send({"audio": audio, **self._caption_fields(caption)}, reply_to)

    async def send_voice(
        self, data: bytes, duration: int, mime_type: str = "audio/ogg", reply_to: int | None = None
    ) -> int:
        """Send a voice note."""
        voice = self._file_json("voice", data, mime_type=mime_type, extra={"duration": duration})
        return await self._send({"voice": voice}, reply_to)

    async def send_video(
        self,
        data: bytes,
        duration: int | None = None,
        width: int | None = None,
        height: int | None = None,
        file_name: str = "video.mp4",
        caption: str | None = None,
        reply_to: int | None = None,
        media_group_id: str | None = None,
    ) -> int:
        """Send a video (missing metadata is probed from the bytes)."""
        info = _probe_av(data)
        extra: JSONDict = {
            "duration": round(info.duration or 0) if info else 0,
            "width": (info.width or 0) if info else 0,
            "height": (info.height or 0) if info else 0,
        }
        for key, value in (("duration", duration), ("width", width), ("height", height)):
            if value is not None:
                extra[key] = value
        video = self._file_json(
            "video", data, file_name=file_name, mime_type="video/mp4", extra=extra
        )
        content: JSONDict = {"video": video, **self._caption_fields(caption)}
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        return await self._send(content, reply_to)

    async def send_video_note(
        self, data: bytes, length: int = 240, reply_to: int | None = None
    ) -> int:
        """Send a round video note (square MP4, no caption, no file name)."""
        info = _probe_av(data)
        extra: JSONDict = {"length": length, "duration": round(info.duration or 0) if info else 0}
        note = self._file_json("video_note", data, extra=extra)
        return await self._send({"video_note": note}, reply_to)

    async def send_animation(
        self,
        data: bytes,
        file_name: str = "animation.gif.mp4",
        mime_type: str = "video/mp4",
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Send a GIF as Telegram delivers one: an animation (a silent MP4) that is also
        given as a document."""
        info = _probe_av(data)
        extra: JSONDict = {
            "duration": round(info.duration or 0) if info else 0,
            "width": (info.width or 0) if info else 0,
            "height": (info.height or 0) if info else 0,
        }
        animation = self._file_json(
            "animation", data, file_name=file_name, mime_type=mime_type, extra=extra
        )
        content: JSONDict = {
            "animation": animation,
            "document": {k: v for k, v in animation.items() if k not in extra},
            **self._caption_fields(caption),
        }
        return await self._send(content, reply_to)

    async def send_video_album(
        self, videos: Iterable[bytes], caption: str | None = None, reply_to: int | None = None
    ) -> list[int]:
        """Send videos as one album (shared media_group_id, caption on the first)."""
        group_id = str(14_000_000_000_000_000 + self._emu._next_id())
        return [
            await self.send_video(
                data,
                caption=caption if index == 0 else None,
                reply_to=reply_to,
                media_group_id=group_id,
            )
            for index, data in enumerate(videos)
        ]

    async def send_sticker(self, emoji: str = "👍", reply_to: int | None = None) -> int:
        """Send a (static) sticker, handy for "unsupported input" paths."""
        sticker = self._file_json(
            "sticker",
            b"RIFF\x00\x00\x00\x00WEBPVP8 ",
            extra={
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
            },
        )
        return await self._send({"sticker": sticker}, reply_to)

    async def send_file_too_big(
        self,
        kind: str = "document",
        file_name: str = "huge.mp3",
        mime_type: str = "audio/mpeg",
        size: int = 25 * MIB,
        caption: str | None = None,
    ) -> int:
        """Send a file of ``size`` bytes without materialising it (getFile says too big)."""
        extra: JSONDict = {}
        if kind in ("audio", "voice", "video"):
            extra["duration"] = 180
        if kind == "video":
            extra.update(width=1920, height=1080)
        media = self._file_json(
            kind, None, size=size, file_name=file_name, mime_type=mime_type, extra=extra
        )
        if kind == "voice":
            media.pop("file_name", None)
        return await self._send({kind: media, **self._caption_fields(caption)}, None)

    async def press(self, message_id: int | BotMessage, callback_data: str) -> str:
        """Press an inline button on a bot message; returns the callback query id.

        ``callback_data`` is not checked against the keyboard, so tests can forge data.
        """
        message_id = message_id.message_id if isinstance(message_id, BotMessage) else message_id
        message = self._bot_messages.get(message_id)
        if message is None:
            raise AssertionError(f"no bot message #{message_id} in chat {self.chat_id}")
        if message.deleted:
            raise AssertionError(f"bot message #{message_id} was deleted; it cannot be pressed")
        query_id = self._emu._new_query_id(self.user_id)
        self._emu._push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user_json,
                    "message": copy.deepcopy(message.raw),
                    "chat_instance": str(-(self.user_id * 7919 + self._emu.bot_id)),
                    "data": callback_data,
                }
            }
        )
        await asyncio.sleep(0)
        return query_id

    async def press_button(self, message: int | BotMessage, label: str) -> str:
        """Press the inline button labelled ``label`` (exact, else substring match)."""
        message_id = message.message_id if isinstance(message, BotMessage) else message
        button = self.bot_message(message_id).button(label)
        data = button.get("callback_data")
        if data is None:
            raise AssertionError(f"button {button.get('text')!r} has no callback_data: {button}")
        return await self.press(message_id, str(data))

    # ---------------------------------------------------------------- observing

    def mark(self) -> Mark:
        """A point in time; ``wait_for(..., after=mark)`` only sees messages created,
        edited or deleted after it."""
        return self._emu._revision

    def bot_messages(self, *, include_deleted: bool = True) -> list[BotMessage]:
        """Messages the bot sent to this chat, oldest first."""
        messages = sorted(self._bot_messages.values(), key=lambda m: m.message_id)
        return [m for m in messages if include_deleted or not m.deleted]

    def bot_message(self, message_id: int) -> BotMessage:
        """One bot message by id (AssertionError if the bot never sent it)."""
        message = self._bot_messages.get(message_id)
        if message is None:
            raise AssertionError(f"no bot message #{message_id}\n{self.transcript()}")
        return message

    def last_bot_message(self) -> BotMessage:
        """The most recently sent bot message (AssertionError if none)."""
        messages = self.bot_messages()
        if not messages:
            raise AssertionError(f"the bot has not sent anything to {self!r}")
        return messages[-1]

    def answer_for(self, query_id: str) -> CallbackAnswer | None:
        """The bot's answer to a press, if it answered."""
        return next((a for a in self.callback_answers if a.query_id == query_id), None)

    def transcript(self) -> str:
        """Human-readable dump of the chat and of the bot's recent failed API calls."""
        lines = [f"Chat with {self.first_name} ({self.chat_id}), bot messages oldest first:"]
        lines += [f"  {m.describe()}" for m in self.bot_messages()] or ["  (none)"]
        failed = self._emu.failed_calls()[-8:]
        if failed:
            lines.append("Recent failed API calls:")
            lines += [f"  {call}" for call in failed]
        if self._emu.app_errors:
            lines.append(f"Exceptions in the bot's handlers: {self._emu.app_errors!r}")
        if self._emu.internal_errors:
            lines.append(f"Emulator internal errors: {self._emu.internal_errors!r}")
        return "\n".join(lines)

    async def wait_for(
        self,
        predicate: Callable[[BotMessage], bool],
        timeout: float = 30.0,
        *,
        after: Mark | None = None,
        what: str | None = None,
    ) -> BotMessage:
        """Wait for a bot message matching ``predicate`` and return it (the newest match).

        Deleted messages are considered too (check ``m.deleted`` in the predicate if it
        matters).  With ``after`` only messages created/edited/deleted after that
        :meth:`mark` count.  On timeout an AssertionError shows the chat transcript.
        """
        deadline = time.monotonic() + timeout
        while True:
            for message in reversed(self.bot_messages()):
                if (after is None or message.revision > after) and predicate(message):
                    return message
            if time.monotonic() >= deadline:
                description = what or getattr(predicate, "__name__", "a matching message")
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {description}\n{self.transcript()}"
                )
            await asyncio.sleep(0.01)

    async def wait_for_text(
        self,
        substring: str,
        timeout: float = 30.0,
        *,
        after: Mark | None = None,
    ) -> BotMessage:
        """Wait for a non-deleted message whose text/caption contains ``substring``."""
        return await self.wait_for(
            lambda m: not m.deleted and substring in m.text,
            timeout,
            after=after,
            what=f"a message containing {substring!r}",
        )

    async def wait_for_media(
        self,
        kind: str,
        timeout: float = 30.0,
        *,
        after: Mark | None = None,
    ) -> BotMessage:
        """Wait for a non-deleted message carrying ``kind`` media ("video", "photo", ...)."""
        return await self.wait_for(
            lambda m: not m.deleted and m.media_kind == kind,
            timeout,
            after=after,
            what=f"a {kind} message",
        )

    async def wait_for_video(
        self,
        timeout: float = 30.0,
        *,
        after: Mark | None = None,
    ) -> BotMessage:
        """Wait for a video message (MP4 that Telegram accepted as a video)."""
        return await self.wait_for_media("video", timeout, after=after)

    async def wait_for_photo(
        self,
        timeout: float = 30.0,
        *,
        after: Mark | None = None,
    ) -> BotMessage:
        """Wait for a photo message."""
        return await self.wait_for_media("photo", timeout, after=after)

    async def wait_for_document(
        self,
        timeout: float = 30.0,
        *,
        after: Mark | None = None,
    ) -> BotMessage:
        """Wait for a document message."""
        return await self.wait_for_media("document", timeout, after=after)

    async def wait_for_audio(
        self,
        timeout: float = 30.0,
        *,
        after: Mark | None = None,
    ) -> BotMessage:
        """Wait for an audio message."""
        return await self.wait_for_media("audio", timeout, after=after)

    async def wait_for_callback_answer(
        self,
        query_id: str,
        timeout: float = 10.0,
    ) -> CallbackAnswer:
        """Wait until the bot answers the callback query ``query_id``."""
        deadline = time.monotonic() + timeout
        while (answer := self.answer_for(query_id)) is None:
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"callback query {query_id} not answered within {timeout}s\n{self.transcript()}"
                )
            await asyncio.sleep(0.01)
        return answer


# ============================================================================================
# Simulated groups
# ============================================================================================

_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
)  # fmt: skip


class SimulatedGroup(SimulatedUser):
    """A group or supergroup the bot is in (a negative chat id), holding its messages.

    Members write into it through :meth:`member`; the bot's messages to it are read with the
    same helpers as a private chat's (``bot_messages``, ``wait_for_text``...).
    """

    def __init__(
        self, emulator: BotApiEmulator, chat_id: int, title: str, kind: str, is_forum: bool
    ) -> None:
        super().__init__(emulator, chat_id, title, None, None, None)
        self.title = title
        self.kind = kind
        self.is_forum = is_forum
        self.statuses: dict[int, str] = {}
        """user id -> creator, administrator, member, left, kicked (the bot included)."""
        self.statuses[emulator.bot_id] = "member"
        self.migrated_to: int | None = None

    def __repr__(self) -> str:
        return f"SimulatedGroup({self.user_id}, {self.title!r})"

    @property
    def chat_json(self) -> JSONDict:
        """The group's ``Chat`` object."""
        data: JSONDict = {"id": self.user_id, "type": self.kind, "title": self.title}
        if self.is_forum:
            data["is_forum"] = True
        return data

    def _check_reachable(self, sending: bool) -> None:
        if self.migrated_to is not None:
            raise _ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated_to},
            )
        if sending and self.statuses.get(self._emu.bot_id) in ("left", "kicked"):
            raise _ApiError(403, f"Forbidden: bot was kicked from the {self.kind} chat")

    def _member_json(self, user_id: int, status: str) -> JSONDict:
        if user_id == self._emu.bot_id:
            user = self._emu.bot_user
        else:
            user = self._emu.user(user_id).user_json
        member: JSONDict = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update({right: right == "can_manage_chat" for right in _ADMIN_RIGHTS})
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def member(
        self, user: SimulatedUser, *, status: str | None = None, thread_id: int | None = None
    ) -> GroupMember:
        """``user`` writing in this group (in forum topic ``thread_id``); joins them first."""
        if status is not None or user.user_id not in self.statuses:
            self.statuses[user.user_id] = status or "member"
        return GroupMember(self, user, thread_id)

    def set_status(self, user: SimulatedUser, status: str) -> None:
        """Make a member an admin (or not): a ``chat_member`` update tells the bot."""
        old = self.statuses.get(user.user_id, "left")
        self.statuses[user.user_id] = status
        self._emu._push_update(
            {
                "chat_member": {
                    "chat": self.chat_json,
                    "from": user.user_json,
                    "date": int(time.time()),
                    "old_chat_member": self._member_json(user.user_id, old),
                    "new_chat_member": self._member_json(user.user_id, status),
                }
            }
        )

    async def remove_bot(self, by: SimulatedUser, *, kicked: bool = True) -> None:
        """``by`` removes the bot: a ``my_chat_member`` update, then sends answer 403."""
        bot_id = self._emu.bot_id
        old = self.statuses.get(bot_id, "member")
        new = "kicked" if kicked else "left"
        self.statuses[bot_id] = new
        self._emu._push_update(
            {
                "my_chat_member": {
                    "chat": self.chat_json,
                    "from": by.user_json,
                    "date": int(time.time()),
                    "old_chat_member": self._member_json(bot_id, old),
                    "new_chat_member": self._member_json(bot_id, new),
                }
            }
        )
        await asyncio.sleep(0)

    async def upgrade(self, new_chat_id: int, by: SimulatedUser) -> SimulatedGroup:
        """Turn a group into a supergroup with a new id, the way Telegram tells a bot: a
        ``migrate_to_chat_id`` message in the old chat, ``migrate_from_chat_id`` in the new."""
        new = self._emu.group(new_chat_id, self.title, kind="supergroup")
        new.statuses.update(self.statuses)
        await self.member(by)._send({"migrate_to_chat_id": new_chat_id}, None)
        self.migrated_to = new_chat_id
        await new.member(by)._send({"migrate_from_chat_id": self.user_id}, None)
        return new


class GroupMember(SimulatedUser):
    """A user writing in a group (in a forum topic, if given): ``send_*`` and ``press`` post
    into the group as that user; what the bot sends is read from the group."""

    def __init__(self, group: SimulatedGroup, user: SimulatedUser, thread_id: int | None) -> None:
        super().__init__(
            group._emu, user.user_id, user.first_name, user.last_name, user.username,
            user.language_code,
        )  # fmt: skip
        self.group = group
        self.thread_id = thread_id
        # One chat: the group's messages, and the user's own answers to button presses.
        self._messages = group._messages
        self._bot_messages = group._bot_messages
        self._deleted = group._deleted
        self.callback_answers = user.callback_answers
        self.sent_message_ids = group.sent_message_ids

    def __repr__(self) -> str:
        return f"GroupMember({self.user_id}, {self.first_name!r} in {self.group!r})"

    @property
    def chat_id(self) -> int:
        """The group's id."""
        return self.group.user_id

    @property
    def chat_json(self) -> JSONDict:
        """The group's ``Chat`` object."""
        return self.group.chat_json

    def _allocate_message_id(self) -> int:
        return self.group._allocate_message_id()

    async def _send(self, content: JSONDict, reply_to: int | None) -> int:
        if self.thread_id is not None and self.group.is_forum:
            content = {"message_thread_id": self.thread_id, "is_topic_message": True, **content}
        return await super()._send(content, reply_to)
