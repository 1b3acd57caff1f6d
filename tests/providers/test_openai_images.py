"""The OpenAI image maker against the fake server: generate vs edit, sizes, costs, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import openai
import pytest
from PIL import Image

from bot.errors import ProviderError
from bot.providers.openai_images import OpenAIImageMaker, api_size, image_cost
from bot.providers.styles_file import load_styles
from bot.studio.ports import PictureRequest
from tests.support.fake_openai import FakeOpenAI
from tests.support.synthetic_media import make_photo


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


def make_client(
    fake: FakeOpenAI, max_retries: int = 2, timeout: float = 10.0
) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        api_key="sk-test", base_url=fake.base_url, max_retries=max_retries, timeout=timeout
    )


def photos(folder: Path, count: int, prefix: str = "ref", fmt: str = "JPEG") -> tuple[Path, ...]:
    paths = []
    for index in range(count):
        path = folder / f"{prefix}{index}.{fmt.lower()}"
        path.write_bytes(make_photo(160, 120, seed=index + len(prefix), fmt=fmt))
        paths.append(path)
    return tuple(paths)


def picture_request(
    references: tuple[Path, ...] = (),
    style_references: tuple[Path, ...] = (),
    width: int = 360,
    height: int = 640,
    image_prompt: str = "",
) -> PictureRequest:
    return PictureRequest(
        idea="A girl on a bridge at dawn",
        caption="Dawn",
        style=load_styles()["lacquer"],
        references=references,
        width=width,
        height=height,
        image_prompt=image_prompt,
        style_references=style_references,
    )


def test_api_size_follows_the_shape() -> None:
    assert api_size(720, 1280) == "1024x1536"
    assert api_size(1280, 720) == "1536x1024"
    assert api_size(720, 720) == "1024x1024"


def test_image_cost_uses_the_price_table() -> None:
    assert image_cost("gpt-image-2", "medium", "1024x1536", None) == pytest.approx(0.041)
    assert image_cost("gpt-image-2", "auto", "1024x1024", None) == pytest.approx(0.211)
    assert image_cost("gpt-image-1-mini", "low", "1024x1024", None) == pytest.approx(0.005)


def test_name_carries_model_and_quality() -> None:
    maker = OpenAIImageMaker(None, model="gpt-image-2", quality="high")  # type: ignore[arg-type]
    assert "gpt-image-2" in maker.name and "high" in maker.name


async def test_without_references_it_generates(fake: FakeOpenAI, tmp_path: Path) -> None:
    output = tmp_path / "scene.jpg"
    usage = await OpenAIImageMaker(make_client(fake)).make_picture(
        picture_request(image_prompt="A lacquer bridge"), output
    )

    (sent,) = fake.requests
    assert sent.endpoint == "images/generations"
    assert sent.json["model"] == "gpt-image-2" and sent.json["quality"] == "medium"
    assert sent.json["size"] == "1024x1536"
    assert sent.json["prompt"].startswith("A lacquer bridge")
    assert load_styles()["lacquer"].prompt in sent.json["prompt"]
    with Image.open(output) as picture:
        assert picture.format == "JPEG" and picture.size == (360, 640)
    assert usage.kind == "image" and usage.units == 1
    assert usage.cost_usd == pytest.approx(0.041 + (len(sent.json["prompt"]) // 4) * 5e-6)


async def test_with_references_it_edits_with_the_exact_bytes(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    scene_refs = photos(tmp_path, 2, "scene")
    style_refs = (*photos(tmp_path, 1, "style", fmt="PNG"), scene_refs[0])
    output = tmp_path / "scene.jpg"
    await OpenAIImageMaker(make_client(fake), quality="low").make_picture(
        picture_request(scene_refs, style_refs, width=640, height=360), output
    )

    (sent,) = fake.requests
    assert sent.endpoint == "images/edits"
    parts = sent.files["image[]"]
    expected = [*scene_refs, style_refs[0]]  # the repeated photo is sent once
    assert [p.data for p in parts] == [path.read_bytes() for path in expected]
    assert [p.content_type for p in parts] == ["image/jpeg", "image/jpeg", "image/png"]
    assert sent.fields["size"] == ["1536x1024"] and sent.fields["quality"] == ["low"]
    assert sent.fields["prompt"][0].startswith("A girl on a bridge at dawn")
    assert "first 2 attached images" in sent.fields["prompt"][0]
    with Image.open(output) as picture:
        assert picture.size == (640, 360)


async def test_references_are_capped(fake: FakeOpenAI, tmp_path: Path) -> None:
    refs = photos(tmp_path, 20)
    await OpenAIImageMaker(make_client(fake)).make_picture(
        picture_request(refs), tmp_path / "a.jpg"
    )
    await OpenAIImageMaker(make_client(fake), max_references=3).make_picture(
        picture_request(refs[:2], refs[10:12]), tmp_path / "b.jpg"
    )
    first, second = fake.requests
    assert len(first.files["image[]"]) == 16
    assert [p.data for p in second.files["image[]"]] == [
        refs[0].read_bytes(),
        refs[1].read_bytes(),
        refs[10].read_bytes(),
    ]


async def test_a_moderation_refusal_is_not_retried(fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.fail("images/edits", "refusal", times=None)
    output = tmp_path / "scene.jpg"
    with pytest.raises(ProviderError) as caught:
        await OpenAIImageMaker(make_client(fake, max_retries=3)).make_picture(
            picture_request(photos(tmp_path, 1)), output
        )
    assert caught.value.key == "provider.refused"
    assert len(fake.requests) == 1
    assert not output.exists()


async def test_a_rate_limit_is_retried_then_succeeds(fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.fail("images/generations", "rate_limit")
    output = tmp_path / "scene.jpg"
    await OpenAIImageMaker(make_client(fake, max_retries=2)).make_picture(picture_request(), output)
    assert len(fake.requests) == 2
    assert output.stat().st_size > 0


async def test_server_errors_exhaust_the_retries(fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.fail("images/generations", "server_error", times=None)
    with pytest.raises(ProviderError) as caught:
        await OpenAIImageMaker(make_client(fake, max_retries=2)).make_picture(
            picture_request(), tmp_path / "scene.jpg"
        )
    assert caught.value.key == "provider.failed"
    assert len(fake.requests) == 3


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("bad_key", "provider.bad_key"),
        ("not_found", "provider.model_missing"),
        ("forbidden", "provider.forbidden"),
        ("quota", "provider.no_credit"),
    ],
)
async def test_errors_map_to_keys(fake: FakeOpenAI, tmp_path: Path, kind: str, key: str) -> None:
    fake.fail("images/generations", kind, times=None)  # type: ignore[arg-type]
    with pytest.raises(ProviderError) as caught:
        await OpenAIImageMaker(make_client(fake, max_retries=1)).make_picture(
            picture_request(), tmp_path / "scene.jpg"
        )
    assert caught.value.key == key
    assert caught.value.params == {"service": "OpenAI"}


@pytest.mark.slow
async def test_a_slow_answer_is_a_timeout(fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.slow("images/generations", 2.0)
    with pytest.raises(ProviderError) as caught:
        await OpenAIImageMaker(make_client(fake, max_retries=0, timeout=0.3)).make_picture(
            picture_request(), tmp_path / "scene.jpg"
        )
    assert caught.value.key == "provider.timeout"
