"""Reading a director's sentence into edits, by rule: the offline English/Vietnamese reader."""

from bot.studio.words.reader import OfflineReader, read_words
from bot.studio.words.vocabulary import style_pairs

__all__ = ["OfflineReader", "read_words", "style_pairs"]
