"""A local fake of the OpenAI API for the endpoints Pocket Director uses, over real HTTP.

The real ``openai`` client talks to it through ``base_url``::

    async with FakeOpenAI() as fake:
        client = openai.AsyncOpenAI(api_key="sk-test", base_url=fake.base_url, max_retries=1)
        fake.fail("images/edits", "rate_limit")          # the next edit answers 429
        ...
        assert len(fake.requests_to("images/edits")) == 2

Endpoints (paths under ``/v1``), answered in the real wire format:

* ``POST responses``, answered by the request's shape:

  - without ``tools``: structured output (``text.format`` must be a ``json_schema``). The
    answer is ``storyboard`` when a test sets it (a dict, or a raw string for a broken
    answer), a refusal when ``storyboard_refusal`` is set, else one scene per idea found in
    the ``<ideas>`` section of the input, each for its idea (``idea_number``); with
    ``fill_storyboard`` set, as many scenes as the input's "Number of scenes: exactly N"
    asks, the fake's own (``idea_number`` null, an ``idea`` of their own) after the ideas.
  - with ``tools`` (function calling): every function tool is checked as the real API checks
    a ``strict`` schema (each object lists all its properties in ``required`` and sets
    ``additionalProperties: false``), else a 400. The answer is the next one a test scripted,
    in order: :meth:`FakeOpenAI.respond_with_tools` (function calls, each ``(name,
    arguments)`` with the arguments a dict, or a raw string for broken JSON; ``incomplete``
    answers with status ``incomplete``), :meth:`FakeOpenAI.respond_with_text` (a message and
    no call) or :meth:`FakeOpenAI.respond_with_refusal`. With nothing scripted it calls
    ``add_scene_idea`` when offered (most chat texts are scene ideas), else says "OK".

  ``token_usage`` (input, output) fixes the reported token counts of either.
* ``POST images/generations`` (JSON) and ``POST images/edits`` (multipart, repeated
  ``image[]`` parts, at most 16): a real picture of the requested size, base64 in
  ``b64_json``, PNG unless ``output_format`` asks otherwise.
* ``POST audio/transcriptions`` (multipart): ``{"text": transcript_text, "usage": ...}``;
  with ``response_format=verbose_json`` (whisper-1 only, as the real API) the verbose answer:
  ``duration``, ``language``, ``text``, and per ``timestamp_granularities[]`` the ``words``
  and ``segments`` scripted in :attr:`FakeOpenAI.song_words` / ``song_segments`` (text, start,
  end). Granularities without verbose_json, and files over 25 MB, are refused as the API does.

Every request is logged (method, path, headers, JSON body or form fields and files as bytes)
in :attr:`FakeOpenAI.requests`, faulted ones included. :meth:`FakeOpenAI.fail` makes an
endpoint answer an error (429 with ``retry-after``, 500, moderation refusal, 401, 403, 404,
quota) and :meth:`FakeOpenAI.slow` delays its answers.
"""

from __future__ import annotations

import asyncio
import base64
import io
import itertools
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from aiohttp import web
from PIL import Image

from tests.support.local_server import LocalServer

Endpoint = Literal["responses", "images/generations", "images/edits", "audio/transcriptions"]
FaultKind = Literal[
    "rate_limit", "quota", "server_error", "refusal", "bad_key", "forbidden", "not_found"
]

MAX_EDIT_IMAGES = 16
MOTIONS = ("zoom_in", "pan_right", "zoom_out", "pan_left", "pan_up", "pan_down")
_IDEA_LINE = re.compile(r'^\s*(\d+)\.\s+(".*")\s*$')

_FAULTS: dict[FaultKind, tuple[int, dict[str, Any]]] = {
    "rate_limit": (
        429,
        {
            "message": "Rate limit reached for gpt-image-2 on images per minute.",
            "type": "requests",
            "param": None,
            "code": "rate_limit_exceeded",
        },
    ),
    "quota": (
        429,
        {
            "message": "You exceeded your current quota, please check your plan.",
            "type": "insufficient_quota",
            "param": None,
            "code": "insufficient_quota",
        },
    ),
    "server_error": (
        500,
        {
            "message": "The server had an error while processing your request.",
            "type": "server_error",
            "param": None,
            "code": None,
        },
    ),
    "refusal": (
        400,
        {
            "message": "Your request was rejected as a result of our safety system.",
            "type": "invalid_request_error",
            "param": None,
            "code": "moderation_blocked",
        },
    ),
    "bad_key": (
        401,
        {
            "message": "Incorrect API key provided: sk-te**********. You can find "
            "your API key at https://platform.openai.com/account/api-keys.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        },
    ),
    "forbidden": (
        403,
        {
            "message": "Your organization must be verified to use this model.",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        },
    ),
    "not_found": (
        404,
        {
            "message": "The model does not exist or you do not have access to it.",
            "type": "invalid_request_error",
            "param": None,
            "code": "model_not_found",
        },
    ),
}


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart request."""

    filename: str | None
    content_type: str
    data: bytes


@dataclass
class RecordedRequest:
    """A request as the fake received it."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[UploadedFile]] = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        """The path without the ``/v1/`` prefix."""
        return self.path.removeprefix("/v1/")


@dataclass
class _Rule:
    kind: FaultKind | None
    remaining: int | None
    delay: float = 0.0


@dataclass(frozen=True)
class _ToolAnswer:
    calls: tuple[tuple[str, dict[str, Any] | str], ...] = ()
    text: str | None = None
    refusal: str | None = None
    incomplete: bool = False


def strict_schema_problem(schema: Any, where: str = "") -> str | None:
    """Why the real API would reject `schema` as a strict function schema, or None."""
    if isinstance(schema, list):
        for index, part in enumerate(schema):
            problem = strict_schema_problem(part, f"{where}[{index}]")
            if problem:
                return problem
        return None
    if not isinstance(schema, dict):
        return None
    types = schema.get("type")
    if types == "object" or (isinstance(types, list) and "object" in types):
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is not False:
            return (
                f"In context=({where}), 'additionalProperties' is required to be supplied "
                "and to be false."
            )
        missing = [name for name in properties if name not in schema.get("required", [])]
        if missing or set(schema.get("required", [])) - set(properties):
            return (
                f"In context=({where}), 'required' is required to be supplied and to be an "
                f"array including every key in properties. Missing '{(missing or ['?'])[0]}'."
            )
        for name, part in properties.items():
            problem = strict_schema_problem(part, f"{where}, 'properties', '{name}'")
            if problem:
                return problem
    for key in ("items", "anyOf", "$defs", "definitions"):
        if key in schema:
            part = schema[key]
            parts = list(part.values()) if isinstance(part, dict) and key != "items" else part
            problem = strict_schema_problem(parts, f"{where}, '{key}'")
            if problem:
                return problem
    return None


def _picture(width: int, height: int, fmt: str, seed: int) -> bytes:
    ys = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    xs = np.linspace(0, 255, width, dtype=np.float32)[None, :]
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    pixels[..., 0] = (xs + seed * 40) % 256
    pixels[..., 1] = ys
    pixels[..., 2] = (xs + ys) / 2
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG" if fmt == "jpeg" else fmt.upper())
    return out.getvalue()


def ideas_in(prompt: str) -> list[str]:
    """The numbered, JSON-quoted ideas of the ``<ideas>`` section of a user prompt."""
    section = prompt.split("<ideas>", 1)[-1].split("</ideas>", 1)[0]
    ideas = []
    for line in section.splitlines():
        match = _IDEA_LINE.match(line)
        if match:
            ideas.append(json.loads(match.group(2)))
    return ideas


def default_storyboard(prompt: str, fill: bool = False) -> dict[str, Any]:
    """What a well-behaved model answers: one scene per idea, in order.

    With `fill`, as many scenes as the prompt's "Number of scenes: exactly N" asks: the
    ideas in order, the fake's own scenes (``idea_number`` null) spread after them.
    """
    ideas = ideas_in(prompt)
    wanted = re.search(r"^Number of scenes: exactly (\d+)", prompt, re.MULTILINE)
    own = max(0, int(wanted.group(1)) - len(ideas)) if fill and wanted else 0
    slots: list[tuple[int | None, str]] = []
    for number, idea in enumerate(ideas, start=1):
        slots.append((number, idea))
        share = own // len(ideas) + (1 if number <= own % len(ideas) else 0)
        slots.extend((None, f"{idea}, seen again ({n})") for n in range(1, share + 1))
    if not ideas:
        slots.extend((None, f"A scene of the fake's own ({n})") for n in range(1, own + 1))
    scenes = [
        {
            "idea_number": number,
            "idea": "" if number else idea,
            "image_prompt": f"A cinematic still of {idea}",
            "caption": idea[:60],
            "seconds": 4.0,
            "motion": MOTIONS[(position - 1) % len(MOTIONS)],
            "transition": "fade_black" if position == 1 else "crossfade",
        }
        for position, (number, idea) in enumerate(slots, start=1)
    ]
    return {"scenes": scenes}


def _prompt_text(body: dict[str, Any]) -> str:
    value = body["input"]
    return value if isinstance(value, str) else json.dumps(value)


TRANSCRIPTION_MAX_BYTES = 25 * 1024 * 1024
ASSUMED_SPEECH_BYTES_PER_SECOND = 4_000  # 32 kbit/s


class FakeOpenAI(LocalServer):
    """An aiohttp server answering like api.openai.com for our endpoints."""

    max_request_bytes = 256 * 1024 * 1024

    def __init__(self, host: str = "127.0.0.1", retry_after_ms: int = 10) -> None:
        super().__init__(host)
        self.requests: list[RecordedRequest] = []
        self.storyboard: dict[str, Any] | str | None = None
        self.storyboard_refusal: str | None = None
        self.fill_storyboard = False
        self._tool_answers: list[_ToolAnswer] = []
        self.token_usage: tuple[int, int] | None = None
        self.transcript_text = "Một cô gái đứng trên cầu Long Biên lúc bình minh"
        self.transcription_seconds: float | None = None
        self.song_words: list[tuple[str, float, float]] = []
        self.song_segments: list[tuple[str, float, float]] = []
        self.song_language = "english"
        self.retry_after_ms = retry_after_ms
        self._rules: dict[str, list[_Rule]] = {}
        self._ids = itertools.count(1)

    # ------------------------------------------------------------------ lifecycle and scripting

    def add_routes(self, app: web.Application) -> None:
        """Every path goes to one dispatcher that mimics the endpoint asked for."""
        app.router.add_route("*", "/{path:.*}", self._dispatch)

    @property
    def base_url(self) -> str:
        """Value for ``openai.AsyncOpenAI(base_url=...)``."""
        return f"{self.origin}/v1"

    def fail(self, endpoint: Endpoint, kind: FaultKind, times: int | None = 1) -> None:
        """Answer the next `times` requests to `endpoint` with an error (None: always)."""
        self._rules.setdefault(endpoint, []).append(_Rule(kind, times))

    def slow(self, endpoint: Endpoint, seconds: float, times: int | None = 1) -> None:
        """Delay the next `times` answers of `endpoint` by `seconds` (None: always)."""
        self._rules.setdefault(endpoint, []).append(_Rule(None, times, seconds))

    def respond_with_tools(
        self,
        calls: Sequence[tuple[str, dict[str, Any] | str]],
        *,
        incomplete: bool = False,
    ) -> None:
        """Answer the next function-calling request with these calls (name, arguments)."""
        self._tool_answers.append(_ToolAnswer(calls=tuple(calls), incomplete=incomplete))

    def respond_with_text(self, text: str) -> None:
        """Answer the next function-calling request with a message and no call."""
        self._tool_answers.append(_ToolAnswer(text=text))

    def respond_with_refusal(self, refusal: str) -> None:
        """Answer the next function-calling request with a refusal."""
        self._tool_answers.append(_ToolAnswer(refusal=refusal))

    def requests_to(self, endpoint: Endpoint) -> list[RecordedRequest]:
        """Every logged request to `endpoint`, in order."""
        return [r for r in self.requests if r.endpoint == endpoint]

    # ------------------------------------------------------------------ plumbing

    def _next_rule(self, endpoint: str) -> _Rule | None:
        rules = self._rules.get(endpoint, [])
        if not rules:
            return None
        rule = rules[0]
        if rule.remaining is not None:
            rule.remaining -= 1
            if rule.remaining <= 0:
                rules.pop(0)
        return rule

    async def _record(self, request: web.Request) -> RecordedRequest:
        recorded = RecordedRequest(
            method=request.method, path=request.path, headers=dict(request.headers)
        )
        if request.content_type == "application/json":
            recorded.json = await request.json()
        elif request.content_type == "multipart/form-data":
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    recorded.files.setdefault(name, []).append(
                        UploadedFile(value.filename, value.content_type, value.file.read())
                    )
                else:
                    recorded.fields.setdefault(name, []).append(str(value))
        self.requests.append(recorded)
        return recorded

    def _error(self, status: int, error: dict[str, Any]) -> web.Response:
        headers = {"x-request-id": f"req_{next(self._ids)}"}
        if status == 429 or status >= 500:
            headers["retry-after-ms"] = str(self.retry_after_ms)
            headers["retry-after"] = str(max(1, round(self.retry_after_ms / 1000)))
        return web.json_response({"error": error}, status=status, headers=headers)

    def _bad_request(self, message: str, param: str | None = None) -> web.Response:
        return self._error(
            400, {"message": message, "type": "invalid_request_error", "param": param, "code": None}
        )

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        recorded = await self._record(request)
        handlers = {
            ("POST", "responses"): self._responses,
            ("POST", "images/generations"): self._generate,
            ("POST", "images/edits"): self._edit,
            ("POST", "audio/transcriptions"): self._transcribe,
        }
        handler = handlers.get((request.method, recorded.endpoint))
        if handler is None:
            return self._error(
                404,
                {
                    "message": f"Invalid URL ({request.method} {request.path})",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                },
            )
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return self._error(*_FAULTS["bad_key"])
        rule = self._next_rule(recorded.endpoint)
        if rule is not None:
            await asyncio.sleep(rule.delay)
            if rule.kind is not None:
                return self._error(*_FAULTS[rule.kind])
        return handler(recorded)

    # ------------------------------------------------------------------ endpoints

    def _responses(self, recorded: RecordedRequest) -> web.Response:
        body = recorded.json or {}
        if not body.get("model") or "input" not in body:
            return self._bad_request("Missing required parameter: 'model' or 'input'.")
        if body.get("tools"):
            return self._tool_calls(body)
        text_format = (body.get("text") or {}).get("format") or {}
        if text_format.get("type") != "json_schema" or "schema" not in text_format:
            return self._bad_request("This fake only answers structured output.", "text.format")
        prompt = _prompt_text(body)
        if self.storyboard_refusal is not None:
            content: dict[str, Any] = {"type": "refusal", "refusal": self.storyboard_refusal}
        else:
            answer = (
                self.storyboard
                if self.storyboard is not None
                else default_storyboard(prompt, self.fill_storyboard)
            )
            text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
            content = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
        return self._response(body, [self._message(content)], json.dumps(content))

    def _tool_calls(self, body: dict[str, Any]) -> web.Response:
        names = []
        for index, tool in enumerate(body["tools"]):
            if tool.get("type") != "function":
                continue
            if not tool.get("name") or "parameters" not in tool:
                return self._bad_request("Missing required parameter: 'name' or 'parameters'.")
            if tool.get("strict"):
                problem = strict_schema_problem(tool["parameters"])
                if problem:
                    return self._bad_request(
                        f"Invalid schema for function '{tool['name']}': {problem}",
                        f"tools[{index}].parameters",
                    )
            names.append(tool["name"])
        if self._tool_answers:
            answer = self._tool_answers.pop(0)
        elif "add_scene_idea" in names:
            answer = _ToolAnswer(calls=(("add_scene_idea", {}),))
        else:
            answer = _ToolAnswer(text="OK")
        output: list[dict[str, Any]] = []
        if answer.refusal is not None:
            output.append(self._message({"type": "refusal", "refusal": answer.refusal}))
        elif answer.text is not None:
            output.append(
                self._message(
                    {"type": "output_text", "text": answer.text, "annotations": [], "logprobs": []}
                )
            )
        for name, arguments in answer.calls:
            output.append(
                {
                    "id": f"fc_{next(self._ids)}",
                    "type": "function_call",
                    "call_id": f"call_{next(self._ids)}",
                    "name": name,
                    "arguments": arguments
                    if isinstance(arguments, str)
                    else json.dumps(arguments, ensure_ascii=False),
                    "status": "incomplete" if answer.incomplete else "completed",
                }
            )
        return self._response(
            body, output, json.dumps(output), "incomplete" if answer.incomplete else "completed"
        )

    def _message(self, content: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"msg_{next(self._ids)}",
            "type": "message",
            "status": "completed",
            "role": "assistant",
            "content": [content],
        }

    def _response(
        self,
        body: dict[str, Any],
        output: list[dict[str, Any]],
        answer_text: str,
        status: str = "completed",
    ) -> web.Response:
        instructions = body.get("instructions") or ""
        input_tokens, output_tokens = self.token_usage or (
            (len(_prompt_text(body)) + len(instructions) + len(json.dumps(body.get("tools", []))))
            // 4,
            len(answer_text) // 4 + 200,
        )
        return web.json_response(
            {
                "id": f"resp_{next(self._ids)}",
                "object": "response",
                "created_at": int(time.time()),
                "status": status,
                "error": None,
                "incomplete_details": {"reason": "max_output_tokens"}
                if status == "incomplete"
                else None,
                "instructions": instructions,
                "model": body["model"],
                "output": [
                    {"id": f"rs_{next(self._ids)}", "type": "reasoning", "summary": []},
                    *output,
                ],
                "parallel_tool_calls": body.get("parallel_tool_calls", True),
                "tool_choice": body.get("tool_choice", "auto"),
                "tools": body.get("tools", []),
                "text": body.get("text") or {"format": {"type": "text"}},
                "store": body.get("store", True),
                "usage": {
                    "input_tokens": input_tokens,
                    "input_tokens_details": {"cached_tokens": 0},
                    "output_tokens": output_tokens,
                    "output_tokens_details": {"reasoning_tokens": 200},
                    "total_tokens": input_tokens + output_tokens,
                },
            }
        )

    def _image_answer(
        self, size: str, quality: str, fmt: str, prompt: str, image_count: int
    ) -> web.Response:
        match = re.fullmatch(r"(\d+)x(\d+)", size)
        if match is None:
            return self._bad_request(f"Invalid size '{size}'.", "size")
        width, height = int(match.group(1)), int(match.group(2))
        picture = _picture(width, height, fmt, seed=len(self.requests))
        text_tokens, image_tokens = len(prompt) // 4, image_count * 1_000
        output_tokens = {"low": 272, "medium": 1_056, "high": 4_160}.get(quality, 4_160)
        return web.json_response(
            {
                "created": int(time.time()),
                "background": "opaque",
                "output_format": fmt,
                "quality": quality,
                "size": size,
                "data": [{"b64_json": base64.b64encode(picture).decode("ascii")}],
                "usage": {
                    "input_tokens": text_tokens + image_tokens,
                    "input_tokens_details": {
                        "text_tokens": text_tokens,
                        "image_tokens": image_tokens,
                    },
                    "output_tokens": output_tokens,
                    "output_tokens_details": {"image_tokens": output_tokens, "text_tokens": 0},
                    "total_tokens": text_tokens + image_tokens + output_tokens,
                },
            }
        )

    def _generate(self, recorded: RecordedRequest) -> web.Response:
        body = recorded.json or {}
        if not body.get("prompt"):
            return self._bad_request("Missing required parameter: 'prompt'.", "prompt")
        return self._image_answer(
            body.get("size", "1024x1024"),
            body.get("quality", "auto"),
            body.get("output_format", "png"),
            body["prompt"],
            0,
        )

    def _edit(self, recorded: RecordedRequest) -> web.Response:
        fields = {name: values[-1] for name, values in recorded.fields.items()}
        images = recorded.files.get("image[]", []) + recorded.files.get("image", [])
        if not fields.get("prompt"):
            return self._bad_request("Missing required parameter: 'prompt'.", "prompt")
        if not images:
            return self._bad_request("Missing required parameter: 'image'.", "image")
        if len(images) > MAX_EDIT_IMAGES:
            return self._bad_request(
                f"Invalid 'image': too many images ({len(images)} > {MAX_EDIT_IMAGES}).", "image"
            )
        for image in images:
            try:
                with Image.open(io.BytesIO(image.data)) as opened:
                    opened.verify()
            except Exception:
                return self._bad_request("Invalid image file or mode for image.", "image")
        return self._image_answer(
            fields.get("size", "1024x1024"),
            fields.get("quality", "auto"),
            fields.get("output_format", "png"),
            fields["prompt"],
            len(images),
        )

    def _transcribe(self, recorded: RecordedRequest) -> web.Response:
        files = recorded.files.get("file", [])
        if not files or not recorded.fields.get("model"):
            return self._bad_request("Missing required parameter: 'file' or 'model'.")
        name = files[0].filename or ""
        if name.rsplit(".", 1)[-1].lower() not in {
            "flac",
            "m4a",
            "mp3",
            "mp4",
            "mpeg",
            "mpga",
            "oga",
            "ogg",
            "wav",
            "webm",
        }:
            return self._bad_request(
                "Invalid file format. Supported formats: ['flac', 'm4a', "
                "'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']",
                "file",
            )
        if len(files[0].data) > TRANSCRIPTION_MAX_BYTES:
            return web.json_response(
                {
                    "error": {
                        "message": f"Maximum content size limit ({TRANSCRIPTION_MAX_BYTES}) "
                        "exceeded",
                        "type": "server_error",
                        "param": None,
                        "code": None,
                    }
                },
                status=413,
            )
        response_format = (recorded.fields.get("response_format") or ["json"])[-1]
        granularities = recorded.fields.get("timestamp_granularities[]", [])
        if granularities and response_format != "verbose_json":
            return self._bad_request(
                "timestamp_granularities requires response_format=verbose_json",
                "timestamp_granularities",
            )
        if response_format == "verbose_json":
            return self._verbose_transcript(recorded, granularities)
        usage: dict[str, Any]
        if self.transcription_seconds is not None:
            usage = {"type": "duration", "seconds": self.transcription_seconds}
        else:
            audio_tokens = max(1, len(files[0].data) // 200)
            text_tokens = len(self.transcript_text) // 4
            usage = {
                "type": "tokens",
                "input_tokens": audio_tokens,
                "output_tokens": text_tokens,
                "total_tokens": audio_tokens + text_tokens,
                "input_token_details": {"audio_tokens": audio_tokens, "text_tokens": 0},
            }
        return web.json_response({"text": self.transcript_text, "usage": usage})

    def _verbose_transcript(
        self, recorded: RecordedRequest, granularities: list[str]
    ) -> web.Response:
        model = recorded.fields["model"][-1]
        if model != "whisper-1":
            return self._bad_request(
                f"response_format 'verbose_json' is not compatible with model '{model}'. "
                "Use 'json' or 'text' instead.",
                "response_format",
            )
        if any(value not in {"word", "segment"} for value in granularities):
            return self._bad_request("Invalid timestamp granularity.", "timestamp_granularities")
        data = recorded.files["file"][0].data
        seconds = self.transcription_seconds or len(data) / ASSUMED_SPEECH_BYTES_PER_SECOND
        words = [{"word": w, "start": s, "end": e} for w, s, e in self.song_words]
        text = " ".join(w for w, _, _ in self.song_words)
        answer: dict[str, Any] = {
            "task": "transcribe",
            "language": self.song_language,
            "duration": seconds,
            "text": text,
            "usage": {"type": "duration", "seconds": round(seconds)},
        }
        if "word" in granularities:
            answer["words"] = words
        if "segment" in granularities or not granularities:
            answer["segments"] = [
                {
                    "id": index,
                    "seek": 0,
                    "start": start,
                    "end": end,
                    "text": f" {segment}",
                    "tokens": [50364 + index],
                    "temperature": 0.0,
                    "avg_logprob": -0.2,
                    "compression_ratio": 1.2,
                    "no_speech_prob": 0.01,
                }
                for index, (segment, start, end) in enumerate(self.song_segments)
            ]
        return web.json_response(answer)
