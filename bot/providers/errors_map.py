"""One place that turns the openai SDK's exceptions into our ProviderError keys.

    openai.APIError
    ├── APIStatusError
    │   ├── BadRequestError (400)   code "moderation_blocked" -> provider.refused, else failed
    │   ├── AuthenticationError     -> provider.bad_key
    │   ├── PermissionDeniedError   -> provider.forbidden
    │   ├── NotFoundError           -> provider.model_missing
    │   ├── RateLimitError          -> provider.rate_limited (provider.no_credit for quota)
    │   └── others (5xx, ...)       -> provider.failed
    └── APIConnectionError          -> provider.failed
        └── APITimeoutError         -> provider.timeout

The client has already retried 408/409/429/5xx (`max_retries`) before we see an error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import openai

from bot.errors import ProviderError

logger = logging.getLogger(__name__)

SERVICE = "OpenAI"
MODERATION_CODES = frozenset({"moderation_blocked", "content_policy_violation"})


def provider_error(error: openai.APIError) -> ProviderError:
    """The ProviderError a user should hear about for an openai exception."""
    return ProviderError(_key(error), service=SERVICE)


def _key(error: openai.APIError) -> str:
    if isinstance(error, openai.BadRequestError):
        return "provider.refused" if error.code in MODERATION_CODES else "provider.failed"
    if isinstance(error, openai.AuthenticationError):
        return "provider.bad_key"
    if isinstance(error, openai.PermissionDeniedError):
        return "provider.forbidden"
    if isinstance(error, openai.NotFoundError):
        return "provider.model_missing"
    if isinstance(error, openai.RateLimitError):
        out_of_credit = error.code == "insufficient_quota"
        return "provider.no_credit" if out_of_credit else "provider.rate_limited"
    if isinstance(error, openai.APITimeoutError):
        return "provider.timeout"
    return "provider.failed"


@contextmanager
def openai_errors(action: str) -> Iterator[None]:
    """Re-raise openai exceptions raised inside the block as ProviderError (logged once)."""
    try:
        yield
    except openai.APIError as error:
        mapped = provider_error(error)
        status = getattr(error, "status_code", None)
        # A bad-key message quotes part of the key: leave it out of the log.
        detail = "" if isinstance(error, openai.AuthenticationError) else error.message
        logger.warning(
            "OpenAI %s failed (%s, status %s, code %s): %s",
            action,
            mapped.key,
            status,
            error.code,
            detail,
        )
        raise mapped from error
