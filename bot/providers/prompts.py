"""Prompt templates: every `*.j2` file of the `prompts` package, loaded and compiled at start.

Rendering is strict: a missing variable raises `jinja2.UndefinedError`. User text goes into a
prompt only through the `quote` filter, so it arrives as one quoted string the model can tell
apart from our instructions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

import jinja2

TEMPLATE_SUFFIX = ".md.j2"
REQUIRED_TEMPLATES = (
    "storyboard_system",
    "storyboard_user",
    "picture",
    "director_system",
    "director_user",
    "restyle",
)


def quote(text: object) -> str:
    """User text as one JSON string literal, so it cannot close the section it sits in."""
    return json.dumps(str(text), ensure_ascii=False).replace("</", "<\\/")


class PromptTemplates:
    """Compiled templates by name (the file name without `.md.j2`)."""

    def __init__(
        self, sources: Mapping[str, str], required: Iterable[str] = REQUIRED_TEMPLATES
    ) -> None:
        missing = sorted(set(required) - set(sources))
        if missing:
            raise jinja2.TemplateNotFound(", ".join(missing))
        self._env = jinja2.Environment(
            loader=jinja2.DictLoader(dict(sources)),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # noqa: S701 - prompts are plain text, not HTML
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["quote"] = quote
        # Compile everything now: a syntax error stops the start, not the first render.
        self._templates = {name: self._env.get_template(name) for name in sources}

    @property
    def names(self) -> tuple[str, ...]:
        """Names of every loaded template."""
        return tuple(sorted(self._templates))

    def render(self, name: str, /, **context: object) -> str:
        """Render a template; an unknown template or a missing variable raises."""
        template = self._templates.get(name)
        if template is None:
            raise jinja2.TemplateNotFound(name)
        return template.render(**context)

    @classmethod
    def from_package(
        cls, package: str = "prompts", required: Iterable[str] = REQUIRED_TEMPLATES
    ) -> PromptTemplates:
        """Load every `*.md.j2` file shipped in `package`."""
        folder = resources.files(package)
        sources = {
            entry.name.removesuffix(TEMPLATE_SUFFIX): entry.read_text(encoding="utf-8")
            for entry in folder.iterdir()
            if entry.is_file() and entry.name.endswith(TEMPLATE_SUFFIX)
        }
        return cls(sources, required)


@cache
def load_templates() -> PromptTemplates:
    """The application's templates, loaded once."""
    return PromptTemplates.from_package()
