"""The credits use case on a real SQLite file and the offline providers: attribution on
arrival, the sheet with scene numbers, corrections journalled for /undo, the card switch."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import InputRejected, ProjectNotFound
from bot.studio.credits import Arrival, CreditLine, SongTags, director_of
from bot.studio.edits import SetMusicCredit, SetSwitch, SetTitle
from bot.studio.models import CreditRole, Project, ProjectSwitch, Sender
from bot.wiring import Studio, build_studio
from tests.support.synthetic_media import ffmpeg_exe, make_photo, make_song

DIRECTOR = Sender(501, "Dũng Lê", "dungle")
CREW = Sender(502, "Lan Phạm", "lanpham")


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[Studio]:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", provider="offline")  # type: ignore[call-arg]
    built = build_studio(settings)
    built.store.ensure_user(DIRECTOR.user_id, "Dũng", "vi")
    yield built
    built.database.close()


async def _photo(
    studio: Studio,
    tmp_path: Path,
    seed: int,
    caption: str | None,
    arrival: Arrival,
) -> int:
    source = tmp_path / f"photo-{seed}.upload"
    source.write_bytes(make_photo(320, 240, seed=seed))
    added = await studio.material.add_photo(
        DIRECTOR.user_id, source, caption, None, "Film", arrival=arrival
    )
    return added.scene.position


def _project(studio: Studio) -> Project:
    project = studio.store.active_project(DIRECTOR.user_id)
    assert project is not None
    return project


def _lines(studio: Studio, role: CreditRole) -> list[tuple[str, tuple[int, ...]]]:
    sheet = studio.credits.sheet(DIRECTOR.user_id, director=DIRECTOR)
    return [(line.name, line.scenes) for line in sheet.of(role)]


async def test_a_caption_wins_over_a_forward_which_wins_over_the_sender(
    studio: Studio, tmp_path: Path
) -> None:
    await _photo(studio, tmp_path, 1, "Sông Hồng lúc sớm © Anna Lee", Arrival(DIRECTOR))
    assert _project(studio).credits_card is True  # someone else is credited: the card is on
    await _photo(studio, tmp_path, 2, "Phố cổ", Arrival(CREW, forwarded_from="Hanoi Club"))
    await _photo(studio, tmp_path, 3, "Cầu Long Biên\nẢnh: Trần Minh", Arrival(CREW, "Hanoi Club"))
    await _photo(studio, tmp_path, 4, "Hồ Gươm", Arrival(CREW))
    await _photo(studio, tmp_path, 5, None, Arrival(DIRECTOR))  # joins scene 4
    ideas = [scene.idea for scene in studio.store.scenes(DIRECTOR.user_id, _project(studio).id)]
    assert ideas == ["Sông Hồng lúc sớm", "Phố cổ", "Cầu Long Biên", "Hồ Gươm"]
    assert _lines(studio, CreditRole.PHOTO) == [
        ("Anna Lee", (1,)),
        ("Hanoi Club", (2,)),
        ("Trần Minh", (3,)),
        ("Lan Phạm", (4,)),
        ("Dũng Lê", (4,)),
    ]
    sheet = studio.credits.sheet(DIRECTOR.user_id)
    [lan] = [line for line in sheet.of(CreditRole.PHOTO) if line.name == "Hanoi Club"]
    assert lan.senders == ("Lan Phạm (@lanpham)",)
    assert sheet.of(CreditRole.DIRECTOR)[0].name == "Dũng Lê"
    assert director_of(sheet.project) == DIRECTOR.user_id


async def test_an_albums_caption_credits_every_item_whatever_the_order(
    studio: Studio, tmp_path: Path
) -> None:
    # Telegram may deliver the captioned item after the others.
    await _photo(studio, tmp_path, 1, "Ruộng bậc thang", Arrival(CREW, album="G1"))
    await _photo(studio, tmp_path, 2, None, Arrival(CREW, album="G1"))
    await _photo(studio, tmp_path, 3, "© Hoàng Nam", Arrival(CREW, album="G1"))
    await _photo(studio, tmp_path, 4, None, Arrival(CREW, album="G1"))
    assert _lines(studio, CreditRole.PHOTO) == [("Hoàng Nam", (1,))]


async def test_the_directors_own_photos_leave_the_card_off(studio: Studio, tmp_path: Path) -> None:
    await _photo(studio, tmp_path, 1, "Mưa trên phố", Arrival(DIRECTOR))
    await _photo(studio, tmp_path, 2, "Nắng © Dũng Lê", Arrival(DIRECTOR))
    project = _project(studio)
    assert project.credits_card is None and not project.is_on(ProjectSwitch.CREDITS)
    assert studio.credits.card(DIRECTOR.user_id, project) is None


async def test_a_correction_renames_the_whole_line_and_undo_takes_it_back(
    studio: Studio, tmp_path: Path
) -> None:
    await _photo(studio, tmp_path, 1, "Một © Ana Le", Arrival(CREW))
    await _photo(studio, tmp_path, 2, "Hai © Ana Le", Arrival(CREW))
    await _photo(studio, tmp_path, 3, "Ba", Arrival(DIRECTOR))
    line: CreditLine = studio.credits.sheet(DIRECTOR.user_id).of(CreditRole.PHOTO)[0]
    outcome = studio.credits.correct(DIRECTOR.user_id, line.credit_id, "© Anna Lee")
    assert [c.key for c in outcome.changes] == ["credit"]
    assert _lines(studio, CreditRole.PHOTO) == [("Anna Lee", (1, 2)), ("Dũng Lê", (3,))]
    studio.edits.undo(DIRECTOR.user_id, _project(studio).id)
    assert _lines(studio, CreditRole.PHOTO)[0] == ("Ana Le", (1, 2))
    with pytest.raises(InputRejected) as rejected:
        studio.credits.correct(DIRECTOR.user_id, line.credit_id, "   ")
    assert rejected.value.key == "credits.empty_name"
    # A stranger's reply corrects nothing.
    with pytest.raises(ProjectNotFound):
        studio.credits.correct(999, line.credit_id, "Someone")


async def test_the_card_switch_stays_when_another_change_is_undone(
    studio: Studio, tmp_path: Path
) -> None:
    await _photo(studio, tmp_path, 1, "Đầu tiên", Arrival(DIRECTOR))
    project = _project(studio)
    studio.edits.apply(DIRECTOR.user_id, project.id, [SetTitle("Phim mới")])
    await _photo(studio, tmp_path, 2, "Thứ hai © Anna Lee", Arrival(CREW))
    assert _project(studio).credits_card is True
    studio.edits.undo(DIRECTOR.user_id, project.id)  # the title, not the card
    assert _project(studio).title == "Film" and _project(studio).credits_card is True
    studio.edits.apply(DIRECTOR.user_id, project.id, [SetSwitch(ProjectSwitch.CREDITS, False)])
    assert _project(studio).credits_card is False
    studio.edits.undo(DIRECTOR.user_id, project.id)
    assert _project(studio).credits_card is True


async def test_the_song_is_credited_from_its_tags_or_telegram_or_the_directors_words(
    studio: Studio, tmp_path: Path
) -> None:
    await _photo(studio, tmp_path, 1, "Đêm", Arrival(DIRECTOR))
    project = _project(studio)
    with pytest.raises(InputRejected) as rejected:
        studio.edits.apply(DIRECTOR.user_id, project.id, [SetMusicCredit("Someone - Song")])
    assert rejected.value.key == "credits.no_song"
    plain = tmp_path / "plain.mp3"
    make_song(plain, seconds=3.0)
    told = SongTags("Trần Tiến", "Hà Nội mùa thu", from_file=False)
    await studio.material.set_song(
        DIRECTOR.user_id, plain, "mp3", "plain.mp3", "Film", DIRECTOR, told
    )
    assert _lines(studio, CreditRole.MUSIC) == [("Trần Tiến – Hà Nội mùa thu", ())]
    studio.edits.apply(DIRECTOR.user_id, project.id, [SetMusicCredit("Hà Anh Tuấn - Tháng tư")])
    assert _lines(studio, CreditRole.MUSIC) == [("Hà Anh Tuấn - Tháng tư", ())]
    card = studio.credits.card(DIRECTOR.user_id, _project(studio))
    assert card is not None
    assert dict(card.card_lines)[CreditRole.MUSIC] == ("Hà Anh Tuấn - Tháng tư",)
    assert dict(card.card_lines)[CreditRole.DIRECTOR] == ("Dũng Lê",)


async def test_a_songs_own_tags_win_over_what_telegram_says(studio: Studio, tmp_path: Path) -> None:
    plain = tmp_path / "plain.wav"
    make_song(plain, seconds=3.0, fmt="wav")
    tagged = tmp_path / "tagged.mp3"
    command = [ffmpeg_exe(), "-v", "error", "-y", "-i", str(plain), "-metadata", "title=Diễm xưa",
               "-metadata", "artist=Trịnh Công Sơn", str(tagged)]  # fmt: skip
    await asyncio.to_thread(subprocess.run, command, check=True)
    told = SongTags("Uploader", "track01", from_file=False)
    await studio.material.set_song(
        DIRECTOR.user_id, tagged, "mp3", "tagged.mp3", "Film", DIRECTOR, told
    )
    assert _lines(studio, CreditRole.MUSIC) == [("Trịnh Công Sơn – Diễm xưa", ())]
