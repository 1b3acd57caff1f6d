"""The error tree. Every error a user may see carries a catalog key, never its own text.

PocketDirectorError
├── UserFacingError            (has `key` and `params`: answered from the catalog)
│   ├── NoActiveProject
│   ├── InputRejected          (bad file, too big, too long, too many)
│   ├── JobAlreadyRunning
│   ├── QueueFull
│   ├── ProjectNotFound
│   └── NotYourCall        (a crew member asked for what only the director or an admin may do)
├── ProviderError              (a provider failed; `key` says how to tell the user)
│   └── UnreadableAnswer       (the AI's answer could not be read whole; `cause` says why)
├── JobCancelled               (the user stopped a job)
└── DeliveryFailed             (the chat could not be reached; the job tries again later)
    └── RecipientGone          (the user blocked the bot: the job ends quietly)
"""

from __future__ import annotations

from bot.usage import Usage


class PocketDirectorError(Exception):
    """Base of every error raised by our code."""


class UserFacingError(PocketDirectorError):
    """An error answered with a catalog message."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: object) -> None:
        self.key = key or type(self).key
        self.params = params
        super().__init__(self.key)


class NoActiveProject(UserFacingError):
    """The user has no project to act on."""

    key = "error.no_project"


class InputRejected(UserFacingError):
    """An upload or a message we cannot use; the key tells which and why."""

    key = "error.bad_input"


class JobAlreadyRunning(UserFacingError):
    """The project already has a job running (the message names the job's kind)."""

    key = "render.already_running"

    def __init__(self, kind: str = "render") -> None:
        super().__init__(f"{kind}.already_running")


class ProjectNotFound(UserFacingError):
    """A project id that is unknown, deleted or someone else's."""

    key = "error.project_gone"


class NotYourCall(UserFacingError):
    """Only the project's director and the group's admins may do this; nothing changed."""

    key = "crew.not_your_call"


class ProviderError(PocketDirectorError):
    """An AI provider or media tool failed."""

    def __init__(self, key: str = "error.provider", **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)


class UnreadableAnswer(ProviderError):
    """An AI answer we refuse whole: malformed, unknown tool, invalid values, refusal, no call.

    `cause` is a short code for logs and tests ("malformed_arguments", "unknown_tool",
    "invalid_arguments", "conflicting_calls", "refusal", "incomplete", "no_tool_call"); it
    never quotes the director's words. `usage` is what the refused answer cost all the same.
    """

    def __init__(
        self,
        cause: str,
        key: str = "provider.unreadable",
        detail: str = "",
        usage: Usage | None = None,
        **params: object,
    ) -> None:
        self.cause = cause
        self.detail = detail  # a tool or field name for the log, never the director's words
        self.usage = usage
        super().__init__(key, **params)


class JobCancelled(PocketDirectorError):
    """The user cancelled the job; what was done is kept."""


class QueueFull(UserFacingError):
    """The user already has as many renders waiting as the queue allows."""

    key = "jobs.queue_full"


class DeliveryFailed(PocketDirectorError):
    """A message or video could not be handed to the chat; `permanent` if retrying is futile."""

    def __init__(self, permanent: bool = False) -> None:
        self.permanent = permanent
        super().__init__("permanent" if permanent else "transient")


class RecipientGone(DeliveryFailed):
    """The user blocked the bot (or the chat is gone): nobody is listening any more."""

    def __init__(self) -> None:
        super().__init__(permanent=True)
