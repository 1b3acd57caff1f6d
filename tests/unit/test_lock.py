"""The lock agrees with pyproject.toml: every dependency is pinned, at a version it allows.

requirements/*.txt are exported from uv.lock by scripts/lock.sh; a dependency added to or
changed in pyproject.toml without running it fails here.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pinned(name: str) -> list[Requirement]:
    """The `name==version ; marker` lines of requirements/<name>.txt."""
    lines = (ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [Requirement(line) for line in lines if line and not line.lstrip().startswith("#")]


def version_of(pin: Requirement) -> Version:
    (spec,) = pin.specifier
    assert spec.operator == "==", f"{pin} is not an exact pin"
    return Version(spec.version)


@pytest.mark.parametrize("extra", [None, "dev", "bench"])
def test_every_dependency_is_pinned_at_a_version_pyproject_allows(extra: str | None) -> None:
    wanted = [Requirement(r) for r in PYPROJECT["dependencies"]]
    if extra is not None:
        wanted += [Requirement(r) for r in PYPROJECT["optional-dependencies"][extra]]
    pins = pinned(extra or "base")
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        here = [  # this interpreter's pin: the lock may pin another version for newer Pythons
            pin
            for pin in pins
            if canonicalize_name(pin.name) == name and (pin.marker is None or pin.marker.evaluate())
        ]
        assert here, f"{requirement.name} is not in the lock: run bash scripts/lock.sh"
        assert requirement.specifier.contains(version_of(here[0]), prereleases=True), (
            f"the lock has {here[0]}, pyproject.toml wants {requirement}: run bash scripts/lock.sh"
        )


def test_the_requirement_files_are_exported_from_uv_lock() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    locked = {(canonicalize_name(p["name"]), Version(p["version"])) for p in lock["package"]}
    for name in ("base", "dev", "bench"):
        for pin in pinned(name):
            assert (canonicalize_name(pin.name), version_of(pin)) in locked, (
                f"requirements/{name}.txt has {pin}, uv.lock does not: run bash scripts/lock.sh"
            )
