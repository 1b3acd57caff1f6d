"""Use case: credit where it is due. Who sent each photo, clip and song and whose work it is,
the /credits sheet the director corrects by replying, and the video's closing credits card."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.errors import ProjectNotFound
from bot.studio.attribution import music_credit, read_caption
from bot.studio.changes import ProjectChanges
from bot.studio.editing import EditOutcome, Edits
from bot.studio.edits import CorrectCredit
from bot.studio.models import Credit, CreditRole, CreditSource, Project, ProjectSwitch, Sender
from bot.studio.ownership import project_for
from bot.studio.roles import (
    CreditStore,
    LinkStore,
    ProjectStore,
    ReferenceStore,
    SceneStore,
    UserStore,
)

logger = logging.getLogger(__name__)

CREDIT_LINK = "credit"
DIRECTOR_SHA = ""  # the director's credit is the project's own, not a file's
CARD_ROLES = (CreditRole.PHOTO, CreditRole.FOOTAGE, CreditRole.MUSIC, CreditRole.DIRECTOR)


def director_of(project: Project) -> int:
    """The user id of the project's director: the member who started it (in a private chat,
    its user)."""
    return project.director_id


@dataclass(frozen=True)
class Arrival:
    """How an upload reached the bot: who sent it, whom it was forwarded from, its album."""

    sender: Sender
    forwarded_from: str | None = None
    album: str | None = None


@dataclass(frozen=True)
class SongTags:
    """What a song says of itself: its file's tags, else Telegram's performer and title."""

    artist: str | None = None
    title: str | None = None
    from_file: bool = True


@dataclass(frozen=True)
class CreditLine:
    """One line of the credits: a name, its role, the scenes its work shows in.

    `credit_id` stands for the line: correcting it corrects every credit of the line.
    `style` is set when the work is a style reference of the whole project. `senders` are
    the crew members who sent work credited to someone else.
    """

    credit_id: int
    role: CreditRole
    name: str
    scenes: tuple[int, ...] = ()
    style: bool = False
    senders: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreditSheet:
    """A project's credits, grouped by role in the order the card shows them."""

    project: Project
    lines: tuple[CreditLine, ...]

    def of(self, role: CreditRole) -> tuple[CreditLine, ...]:
        """The lines of one role."""
        return tuple(line for line in self.lines if line.role is role)

    @property
    def card_lines(self) -> tuple[tuple[CreditRole, tuple[str, ...]], ...]:
        """Each role with its names, for the card (roles nobody holds are left out)."""
        named = (
            (role, tuple(line.name for line in self.of(role) if line.name)) for role in CARD_ROLES
        )
        return tuple((role, names) for role, names in named if names)


def _sender_label(sender: Sender) -> str:
    return f"{sender.name} (@{sender.username})" if sender.username else sender.name


class Credits:
    """Records whose work arrives, lists it, and takes the director's corrections."""

    def __init__(
        self,
        credits: CreditStore,
        projects: ProjectStore,
        scenes: SceneStore,
        references: ReferenceStore,
        users: UserStore,
        links: LinkStore,
        edits: Edits,
    ) -> None:
        self.credits = credits
        self.projects = projects
        self.scenes = scenes
        self.references = references
        self.users = users
        self.links = links
        self.edits = edits

    # arrivals
    def attribute(
        self,
        owner_id: int,
        project: Project,
        sha: str,
        role: CreditRole,
        arrival: Arrival,
        caption_credit: str | None,
    ) -> None:
        """Credit a photo or clip as it arrives: its caption's credit (or its album's), else
        its forward origin, else its sender. Someone else's credit turns the card on, unless
        the director chose."""
        album_credit = (
            self.credits.album_credit(owner_id, project.id, arrival.album)
            if arrival.album and caption_credit is None
            else None
        )
        if caption_credit is not None or album_credit is not None:
            name, source = caption_credit or album_credit or "", CreditSource.CAPTION
        elif arrival.forwarded_from:
            name, source = arrival.forwarded_from, CreditSource.FORWARD
        else:
            name, source = arrival.sender.name, CreditSource.SENDER
        self.credits.record_credit(
            owner_id, project.id, sha, role, name, source, arrival.sender, arrival.album
        )
        if arrival.album and caption_credit is not None:
            self.credits.credit_album(owner_id, project.id, arrival.album, caption_credit)
        if arrival.sender.user_id == director_of(project):
            self._director_named(owner_id, project, arrival.sender)
        if project.credits_card is None and not self._directors_own(owner_id, project, name):
            self._card_on(owner_id, project)
        logger.info("Project %s: %s %s credited (%s)", project.id, role.value, sha[:12], source)

    def credit_song(
        self, owner_id: int, project: Project, sha: str, tags: SongTags, sender: Sender
    ) -> None:
        """Credit the song from its tags (or Telegram's performer and title): unnamed if it
        says nothing of itself, for the director to name."""
        name = music_credit(tags.artist, tags.title)
        source = CreditSource.TAGS if tags.from_file else CreditSource.AUDIO
        self.credits.record_credit(
            owner_id,
            project.id,
            sha,
            CreditRole.MUSIC,
            name,
            source if name else CreditSource.SENDER,
            sender,
        )
        if sender.user_id == director_of(project):
            self._director_named(owner_id, project, sender)
        if name and project.credits_card is None:
            self._card_on(owner_id, project)

    def _director_named(self, owner_id: int, project: Project, sender: Sender) -> None:
        self.credits.record_credit(
            owner_id,
            project.id,
            DIRECTOR_SHA,
            CreditRole.DIRECTOR,
            sender.name,
            CreditSource.SENDER,
            sender,
        )

    def _card_on(self, owner_id: int, project: Project) -> None:
        self.projects.update_project(owner_id, project.id, ProjectChanges(credits_card=True))

    def _director_name(self, owner_id: int, project: Project, credits: list[Credit]) -> str:
        director = next((c for c in credits if c.role is CreditRole.DIRECTOR), None)
        if director is not None:
            return director.shown_name
        user = self.users.get_user(director_of(project))
        return user.first_name if user is not None else ""

    def _directors_own(self, owner_id: int, project: Project, name: str) -> bool:
        credits = self.credits.credits(owner_id, project.id)
        names = {self._director_name(owner_id, project, credits).casefold()}
        names |= {
            c.sender.name.casefold()
            for c in credits
            if c.sender is not None and c.sender.user_id == director_of(project)
        }
        return name.casefold() in names

    # the sheet
    def of_project(self, owner_id: int, project_id: int) -> list[Credit]:
        """Every credit of one of the owner's projects, as recorded."""
        return self.credits.credits(owner_id, project_id)

    def sheet(
        self, owner_id: int, project_id: int | None = None, director: Sender | None = None
    ) -> CreditSheet:
        """The project's credits (the active one's when none is named), by role, with the
        scenes each name's work shows in. `director`, when it is the director asking, names
        the director's line."""
        project = project_for(self.projects, owner_id, project_id)
        if director is not None and director.user_id == director_of(project):
            self._director_named(owner_id, project, director)
        credits = self.credits.credits(owner_id, project.id)
        by_sha = {(c.role, c.sha): c for c in credits}
        scenes = self.scenes.scenes(owner_id, project.id)
        shown: dict[tuple[CreditRole, str], set[int]] = {}
        for scene in scenes:
            for asset in self.references.scene_references(owner_id, scene.id):
                shown.setdefault((CreditRole.PHOTO, asset.sha), set()).add(scene.position)
            if scene.footage_sha is not None:
                shown.setdefault((CreditRole.FOOTAGE, scene.footage_sha), set()).add(scene.position)
        styled = {
            (CreditRole.PHOTO, asset.sha)
            for asset in self.references.project_references(owner_id, project.id)
        }
        lines: list[CreditLine] = []
        for role in (CreditRole.PHOTO, CreditRole.FOOTAGE):
            lines += self._lines(role, credits, shown, styled)
        if project.song_sha is not None and (CreditRole.MUSIC, project.song_sha) in by_sha:
            song = by_sha[(CreditRole.MUSIC, project.song_sha)]
            lines.append(CreditLine(song.id, CreditRole.MUSIC, song.shown_name))
        director_credit = next((c for c in credits if c.role is CreditRole.DIRECTOR), None)
        if director_credit is not None:
            lines.append(
                CreditLine(director_credit.id, CreditRole.DIRECTOR, director_credit.shown_name)
            )
        else:
            name = self._director_name(owner_id, project, credits)
            if name:
                lines.append(CreditLine(0, CreditRole.DIRECTOR, name))
        return CreditSheet(project, tuple(lines))

    def _lines(
        self,
        role: CreditRole,
        credits: list[Credit],
        shown: dict[tuple[CreditRole, str], set[int]],
        styled: set[tuple[CreditRole, str]],
    ) -> list[CreditLine]:
        """One line per name, in the order of the first scene its work shows in."""
        grouped: dict[str, list[Credit]] = {}
        for credit in credits:
            key = (role, credit.sha)
            if credit.role is role and (key in shown or key in styled):
                grouped.setdefault(credit.shown_name, []).append(credit)
        lines = []
        for name, group in grouped.items():
            numbers = sorted({n for c in group for n in shown.get((role, c.sha), ())})
            senders = {
                _sender_label(c.sender)
                for c in group
                if c.sender is not None and c.sender.name.casefold() != name.casefold()
            }
            lines.append(
                CreditLine(
                    group[0].id,
                    role,
                    name,
                    tuple(numbers),
                    any((role, c.sha) in styled for c in group),
                    tuple(sorted(senders)),
                )
            )
        return sorted(lines, key=lambda line: (line.scenes or (10_000,), line.credit_id))

    def card(self, owner_id: int, project: Project) -> CreditSheet | None:
        """The credits the video ends with, or None when the card is off (or has no one)."""
        if not project.is_on(ProjectSwitch.CREDITS):
            return None
        sheet = self.sheet(owner_id, project.id)
        return sheet if sheet.card_lines else None

    # corrections
    def remember_line(self, owner_id: int, chat_id: int, message_id: int, credit_id: int) -> None:
        """A message shows this credit's line: a reply to it corrects the line's name."""
        self.links.link_message(owner_id, chat_id, message_id, CREDIT_LINK, credit_id)

    def line_for_message(self, owner_id: int, chat_id: int, message_id: int) -> int | None:
        """The credit a message shows (None when it shows none)."""
        link = self.links.linked(owner_id, chat_id, message_id)
        return link.target_id if link is not None and link.kind == CREDIT_LINK else None

    def correct(self, owner_id: int, credit_id: int, text: str) -> EditOutcome:
        """The director's word for a line's name ("© Real Name", or just the name),
        journalled for /undo."""
        project_id = self.credits.credit_project(owner_id, credit_id)
        if project_id is None:
            raise ProjectNotFound()
        said = read_caption(text)
        name = said.credit if said.credit is not None else text
        return self.edits.apply(
            owner_id, project_id, [CorrectCredit(credit_id, name)], source="credits"
        )
