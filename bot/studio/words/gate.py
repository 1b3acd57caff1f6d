"""Whether a text the rules took for a scene idea may still be directing, worth an AI reading.

Most messages while a project grows are plain scene ideas ("Fishing boats leave the harbour in
the mist"); asking the chat model about each would make every answer slow and paid. A text is
sent to the model only when it talks like an editor: a question, a request or modal verb, or a
word about the film itself (scene, intro, caption, song, video...) or a number.
"""

from __future__ import annotations

import re

from bot.studio.words.normalise import fold

# English words are matched as written (so "sông", a river, is no "song"); Vietnamese ones
# folded, since directors often type without diacritics.
_ENGLISH = re.compile(
    r"\b(?:"
    # about the film and its parts
    r"scenes?|shots?|intro|opening|ending|outro|caption|captions|title|video|film|clip|clips"
    r"|picture|pictures|photo|photos|song|music|beat|beats|chorus|verse|storyboard|style|look"
    r"|lyrics|subtitles"
    # requests, modals and editing verbs
    r"|please|can you|could you|would you|i want|want|wanna|id like|i d like|i would like|id rather"
    r"|lets|let s|should|darker|brighter|warmer|colder|slower|quieter|louder"
    r"|don t|dont|instead|rather|swap|switch|move|put|remove|delete|drop|lose|cut|trim|shorten"
    r"|lengthen|longer|shorter|faster|slower|earlier|later|before|after|first|last|next"
    r"|previous|again|undo|redo|replace|change|fix|make it|make them|turn it"
    r")\b"
)
_VIETNAMESE = re.compile(
    r"\b(?:"
    r"canh|phan canh|doan|chu|tieu de|phu de|loi bai hat|phim|anh|hinh|bai hat|nhac|dieu"
    r"|phong cach|khung"
    r"|hay|lam on|giup|muon|nen|khong|thay vi|doi|xoa|bo|them|dua|chuyen|cat|rut|keo dai"
    r"|ngan|dai|nhanh|cham|truoc|sau|dau|cuoi|lai|sua|thay"
    r")\b"
)
_NUMBER = re.compile(r"\d")


def might_be_directing(text: str) -> bool:
    """Whether `text` talks like an editor rather than describing a scene."""
    if "?" in text or _NUMBER.search(text):
        return True
    english = " ".join(re.findall(r"\w+", text.lower().replace("'", "")))
    return bool(_ENGLISH.search(english) or _VIETNAMESE.search(fold(text).text))
