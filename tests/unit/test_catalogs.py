"""Catalogs and the command surface stay in step."""

import re
import string
from pathlib import Path

from bot.handlers.commands import COMMANDS, help_text
from bot.i18n import catalogs

ROOT = Path(__file__).resolve().parents[2]


def test_every_key_exists_in_every_language() -> None:
    all_catalogs = catalogs()
    assert {"en", "vi"} <= set(all_catalogs)
    keys = set(all_catalogs["en"])
    for language, catalog in all_catalogs.items():
        assert set(catalog) == keys, f"{language} differs: {set(catalog) ^ keys}"


def test_placeholders_match_across_languages() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    english = catalogs()["en"]
    for language, catalog in catalogs().items():
        for key, text in catalog.items():
            assert fields(text) == fields(english[key]), f"{language}:{key}"


def test_every_key_used_in_code_exists() -> None:
    used: set[str] = set()
    pattern = re.compile(
        r'"((?:error|render|project|idea|photo|song|status|cancel|language|'
        r'projects|help|start|command|access|voice)\.[a-z_.]+)"'
    )
    for path in (ROOT / "bot").rglob("*.py"):
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    missing = {key for key in used if key not in catalogs()["en"]}
    assert not missing


def test_help_lists_every_command_and_readme_documents_them() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for language in catalogs():
        text = help_text(language)
        for name, _ in COMMANDS:
            assert f"/{name}" in text
    for name, _ in COMMANDS:
        assert f"`/{name}" in readme, f"/{name} missing from README"
