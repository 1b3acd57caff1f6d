"""Content keys: the hash of everything that shapes a piece of work, so equal work is done once."""

from __future__ import annotations

import hashlib
import json

FULL = 64


def content_key(payload: object, length: int = FULL) -> str:
    """SHA-256 (hex, `length` digits) of a JSON payload, its keys sorted (values as str)."""
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]
