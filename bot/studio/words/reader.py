"""The offline reader: a message in English or Vietnamese read by rule, free and instant.

A message is a question when it is one of the known questions as a whole; an instruction when
it splits at "and", "then", "và", "rồi" (or commas) into parts that each read as an edit, with
at most one command at the end; anything else is the next scene's idea, exactly as before.

The first join that works wins, so a message that splits into parts that all read is read so,
before the whole is tried as one free-text edit: "make scene 3 at night and move it to the
start" is two edits, while "make scene 3 black and white" stays one ("white" alone is no edit).
A part after another edit may use a pronoun in a free-text rule too ("... and make them night
scenes"); the first part may not ("make it rain over the city" is an idea; see `instructions`).
An edit that only repeats the one before on its scenes ("I like scene 2, keep it") is dropped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from bot.studio.edits import Command, Edit, Same
from bot.studio.reading import Instruction, Meaning, Reading, ReadRequest, SceneIdea
from bot.studio.words.instructions import read_part
from bot.studio.words.normalise import Folded, fold
from bot.studio.words.questions import read_question

MAX_CHARS = 500
MAX_JOINS = 8
_JOIN = re.compile(
    r" (?:, )?(?:and then|and also|and|then|after that|also|va sau do|va|roi|sau do|xong roi"
    r"|xong|, roi|,)(?: , )? ?"
)
_IDEA = SceneIdea()

Parts = tuple[tuple[Edit, ...], Command | None]


def read_words(text: str, styles: Sequence[tuple[str, str]] = ()) -> Meaning:
    """What a message means, read by rule; `styles` are (key, name) pairs to recognise."""
    if len(text) > MAX_CHARS:
        return _IDEA
    folded = fold(text)
    end = len(folded.text)
    while end and folded.text[end - 1] in " ,":
        end -= 1
    if not end:
        return _IDEA
    question = read_question(_trimmed(folded, end))
    if question is not None:
        return question
    known = tuple((str(key), str(name)) for key, name in styles)
    parts = _read_from(folded, 0, end, known, _joins(folded.text, end))
    if parts is None:
        return _IDEA
    edits, command = parts
    edits = tuple(e for i, e in enumerate(edits) if not (i and _echoes(e, edits[i - 1])))
    if command is Command.UNDO and edits:
        return _IDEA
    return Instruction(edits, command)


def _echoes(edit: Edit, before: Edit) -> bool:
    """Whether `edit` is the edit before again, on the scenes it named ("..., keep it")."""
    scenes = getattr(before, "scenes", None)
    if scenes is None or type(edit) is not type(before) or getattr(edit, "scenes", None) != Same():
        return False
    return dataclasses.replace(edit, scenes=scenes) == before


def _trimmed(folded: Folded, end: int) -> Folded:
    if end == len(folded.text):
        return folded
    return Folded(folded.text[:end], folded.source, folded.starts[:end], folded.ends[:end])


def _joins(text: str, end: int) -> list[tuple[int, int]]:
    found = [(j.start(), j.end()) for j in _JOIN.finditer(text, 0, end)]
    return found if len(found) <= MAX_JOINS else []


def _read_from(
    folded: Folded,
    start: int,
    end: int,
    styles: tuple[tuple[str, str], ...],
    joins: list[tuple[int, int]],
) -> Parts | None:
    """Parts read from folded.text[start:end], splitting at the first join that works."""
    for join_start, join_end in joins:
        if join_start <= start or join_end >= end:
            continue
        head = read_part(folded, start, join_start, styles, after_edit=start > 0)
        if head is None or isinstance(head, Command):
            continue
        rest = _read_from(folded, join_end, end, styles, joins)
        if rest is not None:
            return (head, *rest[0]), rest[1]
    whole = read_part(folded, start, end, styles, after_edit=start > 0)
    if whole is None:
        return None
    if isinstance(whole, Command):
        return (), whole
    return (whole,), None


class OfflineReader:
    """Reads messages by rule (English and Vietnamese), with no network and no cost."""

    name = "offline"

    def __init__(self, styles: Sequence[tuple[str, str]] = ()) -> None:
        self._styles = tuple(styles)

    async def read(self, request: ReadRequest) -> Reading:
        """What the message means; never fails."""
        return Reading(read_words(request.text, self._styles + request.styles))
