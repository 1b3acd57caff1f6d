"""The store: every role module over one database, for the composition root to hand out.

Use cases never see this class: each asks for the few roles it uses (bot/studio/roles.py),
and the composition root passes this one object for each of them.
"""

from __future__ import annotations

from storage.assets import SqliteAssets
from storage.chats import SqliteChats
from storage.conversation import SqliteConversation
from storage.credits import SqliteCredits
from storage.jobs import SqliteJobs
from storage.links import SqliteLinks
from storage.lyrics import SqliteLyrics
from storage.projects import SqliteProjects
from storage.references import SqliteReferences
from storage.restyles import SqliteRestyles
from storage.scenes import SqliteScenes
from storage.spend import SqliteSpend
from storage.totals import SqliteTotals
from storage.users import SqliteUsers


class Store(
    SqliteUsers,
    SqliteProjects,
    SqliteScenes,
    SqliteReferences,
    SqliteAssets,
    SqliteJobs,
    SqliteLinks,
    SqliteSpend,
    SqliteConversation,
    SqliteTotals,
    SqliteRestyles,
    SqliteLyrics,
    SqliteCredits,
    SqliteChats,
):
    """All storage roles on one database handle (owned by one thread, the event loop)."""
