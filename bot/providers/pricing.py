"""What OpenAI chat-model calls cost: one price table for every text model we call."""

from __future__ import annotations

from openai.types.responses import ResponseUsage

from bot.studio.ports import Usage

# US$ per 1M tokens (input, output); a dated snapshot like "gpt-5-mini-2025-08-07" matches
# its family. Reasoning tokens are billed as output.
TOKEN_PRICES: dict[str, tuple[float, float]] = {
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4o-mini": (0.15, 0.60),
}
# An unknown model is priced as the dearest known one, so budgets err on the safe side.
FALLBACK_TOKEN_PRICE = max(TOKEN_PRICES.values())


def token_cost(model: str, input_tokens: int, output_tokens: int) -> float:
    """US$ for a call to `model` with these token counts."""
    family = max((name for name in TOKEN_PRICES if model.startswith(name)), key=len, default="")
    price_in, price_out = TOKEN_PRICES.get(family, FALLBACK_TOKEN_PRICE)
    return (input_tokens * price_in + output_tokens * price_out) / 1_000_000


def response_usage(model: str, kind: str, usage: ResponseUsage | None) -> Usage:
    """The Usage of one Responses API call (tokens as units, priced by the table)."""
    tokens_in = usage.input_tokens if usage else 0
    tokens_out = usage.output_tokens if usage else 0
    return Usage(
        provider="openai",
        kind=kind,
        units=float(tokens_in + tokens_out),
        cost_usd=token_cost(model, tokens_in, tokens_out),
    )
