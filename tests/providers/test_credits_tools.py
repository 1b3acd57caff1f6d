"""The AI editor's credits tools over HTTP to the fake OpenAI server: the song's credit and
the credits card switch become typed edits; the offline reader gives the same edits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import openai
import pytest

from bot.providers.openai_editor import OpenAIInstructionReader
from bot.studio.edits import SetMusicCredit, SetSwitch
from bot.studio.models import ProjectSwitch
from bot.studio.reading import Instruction, ReadRequest
from bot.studio.words.reader import read_words
from tests.support.fake_openai import FakeOpenAI


def _request(text: str) -> ReadRequest:
    return ReadRequest(
        text=text,
        language="vi",
        title="Hà Nội mùa thu",
        style="cinematic",
        styles=(("cinematic", "Ảnh điện ảnh"),),
        scenes=(),
        song="Mùa thu, 1:30, 96 BPM",
        conversation=(),
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture
def reader(fake: FakeOpenAI) -> OpenAIInstructionReader:
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=fake.base_url, max_retries=0)
    return OpenAIInstructionReader(client, model="gpt-5-nano", timeout=5)


async def test_the_music_credit_and_the_card_switch_as_tools(
    fake: FakeOpenAI, reader: OpenAIInstructionReader
) -> None:
    fake.respond_with_tools(
        [
            ("set_music_credit", {"name": "Trịnh Công Sơn - Diễm xưa"}),
            ("set_switch", {"switch": "credits", "on": False}),
        ]
    )
    reading = await reader.read(_request("nhạc của Trịnh Công Sơn - Diễm xưa, tắt danh đề"))
    assert reading.meaning == Instruction(
        (SetMusicCredit("Trịnh Công Sơn - Diễm xưa"), SetSwitch(ProjectSwitch.CREDITS, False))
    )


@pytest.mark.parametrize(
    ("text", "edit"),
    [
        ("music: Trần Tiến - Bài ca Hà Nội", SetMusicCredit("Trần Tiến - Bài ca Hà Nội")),
        ("nhạc: Sơn Tùng M-TP - Lạc trôi", SetMusicCredit("Sơn Tùng M-TP - Lạc trôi")),
        ("Music by Daft Punk", SetMusicCredit("Daft Punk")),
        ("credits on", SetSwitch(ProjectSwitch.CREDITS, True)),
        ("credits off", SetSwitch(ProjectSwitch.CREDITS, False)),
        ("bật danh đề", SetSwitch(ProjectSwitch.CREDITS, True)),
        ("tắt danh đề", SetSwitch(ProjectSwitch.CREDITS, False)),
    ],
)
def test_the_offline_reader_says_the_same(text: str, edit: object) -> None:
    assert read_words(text, ()) == Instruction((edit,))  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["the music is great", "nhạc hay quá", "music video of a boat"])
def test_talk_about_music_is_not_a_credit(text: str) -> None:
    assert not isinstance(read_words(text, ()), Instruction)
