"""The instruction reader on OpenAI's Responses API: the edit language as function tools.

The model answers with function calls (see `bot.providers.editor_tools`); every call must
parse or the whole answer is refused, so an instruction is never half-applied.

    openai exception (after the client's retries) -> ProviderError: provider.bad_key, ...,
        provider.reading_timeout, provider.reading_failed, provider.reading_refused
    an answer we cannot read whole                -> UnreadableAnswer (provider.unreadable;
        a refusal: provider.reading_refused), its `cause` logged at WARNING, its `usage` set
"""

from __future__ import annotations

import logging

import openai
from openai import Omit, omit
from openai.types.responses import Response
from openai.types.shared import ReasoningEffort
from openai.types.shared_params import Reasoning

from bot.errors import ProviderError, UnreadableAnswer
from bot.providers.editor_tools import MAX_OPTIONS, MIN_OPTIONS, ToolContext, function_tools
from bot.providers.editor_tools import read_calls as meaning_of_calls
from bot.providers.errors_map import SERVICE, openai_errors
from bot.providers.openai_planner import LANGUAGE_NAMES
from bot.providers.pricing import response_usage
from bot.providers.prompts import PromptTemplates, load_templates
from bot.studio.reading import Meaning, Reading, ReadRequest
from bot.studio.timeline import Motion, Transition
from bot.studio.timing import ASPECTS

logger = logging.getLogger(__name__)

# The studio-wide keys name a scene; a message is not a scene, so reading has its own.
READING_KEYS = {
    "provider.timeout": "provider.reading_timeout",
    "provider.failed": "provider.reading_failed",
    "provider.refused": "provider.reading_refused",
}
CONVERSATION_LINES = 20


class OpenAIInstructionReader:
    """Reads a director's message with an OpenAI chat model calling the edit tools."""

    name = "openai"

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        model: str = "gpt-5-mini",
        templates: PromptTemplates | None = None,
        reasoning_effort: ReasoningEffort = "low",
        timeout: float = 30.0,
        max_output_tokens: int = 4000,
        max_text_chars: int = 1000,
    ) -> None:
        self._client = client
        self._model = model
        self._templates = templates or load_templates()
        self._reasoning_effort = reasoning_effort
        self._timeout = timeout
        self._max_output_tokens = max_output_tokens
        self._max_text_chars = max_text_chars

    def prompts(self, request: ReadRequest) -> tuple[str, str]:
        """The instructions (system prompt) and the input for a request."""
        system = self._templates.render(
            "director_system",
            motions=[m.value for m in Motion],
            transitions=[t.value for t in Transition],
            aspects=list(ASPECTS),
            min_options=MIN_OPTIONS,
            max_options=MAX_OPTIONS,
        )
        user = self._templates.render(
            "director_user",
            language_name=LANGUAGE_NAMES.get(request.language, request.language),
            title=request.title,
            aspect=request.aspect,
            style=request.style,
            styles=request.styles,
            song=request.song,
            style_references=request.style_references,
            clips_enabled=request.clips_enabled,
            captions=request.captions,
            restyle_enabled=request.restyle_enabled,
            scenes=request.scenes,
            conversation=request.conversation[-CONVERSATION_LINES:],
            message=request.text,
        )
        return system, user

    def context(self, request: ReadRequest) -> ToolContext:
        """What checking the model's arguments needs for this request."""
        return ToolContext(styles=request.styles, max_text_chars=self._max_text_chars)

    async def read(self, request: ReadRequest) -> Reading:
        """Ask the model what the message means; raise ProviderError when it cannot say."""
        system, user = self.prompts(request)
        context = self.context(request)
        reasoning: Reasoning | Omit = (
            {"effort": self._reasoning_effort} if self._reasoning_effort else omit
        )
        try:
            with openai_errors("reading"):
                response = await self._client.responses.create(
                    model=self._model,
                    instructions=system,
                    input=user,
                    tools=function_tools(context),
                    tool_choice="required",
                    parallel_tool_calls=True,
                    reasoning=reasoning,
                    max_output_tokens=self._max_output_tokens,
                    store=False,
                    timeout=self._timeout,
                )
        except ProviderError as error:
            raise ProviderError(READING_KEYS.get(error.key, error.key), **error.params) from error
        usage = response_usage(self._model, "read", response.usage)
        try:
            meaning = _meaning(response, context)
        except UnreadableAnswer as error:
            logger.warning(
                "The reading answer %s (status %s) was refused whole: %s %s",
                response.id,
                response.status,
                error.cause,
                error.detail,
            )
            # The tokens were paid for all the same: the caller may record them.
            raise UnreadableAnswer(
                error.cause, error.key, error.detail, usage, service=SERVICE
            ) from None
        return Reading(meaning, usage)


def _meaning(response: Response, context: ToolContext) -> Meaning:
    refused = any(
        content.type == "refusal"
        for item in response.output
        if item.type == "message"
        for content in item.content
    )
    if refused:
        raise UnreadableAnswer("refusal", key="provider.reading_refused")
    calls = [
        (item.name, item.arguments) for item in response.output if item.type == "function_call"
    ]
    if response.status == "incomplete":
        # Cut off (max_output_tokens): even when the calls so far parse, the answer is not
        # whole, and a partial instruction must not be applied.
        raise UnreadableAnswer("incomplete")
    return meaning_of_calls(calls, context)
