"""Known facts about builds and wheels that reading an sdist cannot reveal.

They live in ``wheelcast/sdist/data/facts.toml`` (package data): each names a project, a version
specifier, a platform tag pattern, a kind, one line of text, the issue or changelog it
comes from, and a date. :func:`facts_for` returns those that apply to one release on one
target; callers report them as notes with their source, never as guesses.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib.resources
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from wheelcast.targets import Platform, Target

__all__ = ["KINDS", "Fact", "facts_for", "load_facts", "parse_facts"]

KINDS: Final = frozenset({"does-not-build", "no-wheels", "wheel-dropped", "wheel-restored"})
_FIELDS: Final = ("project", "versions", "platform", "kind", "text", "source", "date")


@dataclass(frozen=True, slots=True)
class Fact:
    """One cited fact; ``platform`` is a glob over platform tags (``win_arm64``, ``*_aarch64``)."""

    project: str  # normalized
    versions: SpecifierSet
    platform: str
    kind: str
    text: str
    source: str
    date: str

    def applies(self, name: str, version: Version | str, platform: Platform) -> bool:
        return (
            canonicalize_name(name) == self.project
            and self.versions.contains(version, prereleases=True)
            and fnmatch.fnmatchcase(platform.tag, self.platform)
        )

    def note(self) -> str:
        """``text (source, date)``: how a report shows it."""
        return f"{self.text} ({self.source}, {self.date})"


def _fact(entry: Mapping[str, Any], where: str) -> Fact:
    missing = [key for key in _FIELDS if not isinstance(entry.get(key), str)]
    if missing:
        raise ValueError(f"{where}: a fact lacks {', '.join(missing)}")
    if entry["kind"] not in KINDS:
        raise ValueError(f"{where}: unknown kind {entry['kind']!r}")
    try:
        versions = SpecifierSet(entry["versions"])
    except InvalidSpecifier as exc:
        raise ValueError(f"{where}: {exc}") from exc
    return Fact(
        project=canonicalize_name(entry["project"]),
        versions=versions,
        platform=entry["platform"],
        kind=entry["kind"],
        text=entry["text"],
        source=entry["source"],
        date=entry["date"],
    )


def parse_facts(text: str, where: str = "facts.toml") -> tuple[Fact, ...]:
    """Facts from TOML text of ``[[fact]]`` tables; raises ValueError when one is malformed."""
    data = tomllib.loads(text)
    return tuple(_fact(entry, where) for entry in data.get("fact", []))


@functools.cache
def load_facts() -> tuple[Fact, ...]:
    """The facts shipped with wheelcast."""
    resource = importlib.resources.files("wheelcast.sdist") / "data" / "facts.toml"
    return parse_facts(resource.read_text(encoding="utf-8"))


def facts_for(
    name: str,
    version: Version | str,
    target: Target | Platform,
    facts: tuple[Fact, ...] | None = None,
) -> tuple[Fact, ...]:
    """The facts about ``name`` ``version`` on ``target`` (the shipped ones by default)."""
    platform = target.platform if isinstance(target, Target) else target
    return tuple(
        f for f in (load_facts() if facts is None else facts) if f.applies(name, version, platform)
    )
