"""On which operating systems a statement of a build script runs when pip builds with defaults.

A build script's ``if`` blocks are evaluated once per operating system with the options
at their defaults (pip passes none). Each condition is three-valued: ``True``, ``False``, or
``None`` when static reading cannot tell (a compiler check, a variable set elsewhere). A
statement that runs, or may run, on every system is a need; one that runs only on some is a
need there alone; one that runs on none is optional, with the options that would enable it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

__all__ = ["ALWAYS", "OSES", "Reach", "Tri", "compiler_found", "tri_and", "tri_not", "tri_or"]

OSES: Final = ("linux", "macos", "windows")

Tri = bool | None


def compiler_found(language: str) -> str:
    """The condition of a language a build uses only when its compiler is there."""
    article = "an" if language[:1] in "AEIOU" else "a"
    return f"{article} {language} compiler is found"


def tri_not(value: Tri) -> Tri:
    return None if value is None else not value


def tri_and(values: Iterable[Tri]) -> Tri:
    result: Tri = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def tri_or(values: Iterable[Tri]) -> Tri:
    result: Tri = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


@dataclass(frozen=True, slots=True)
class Reach:
    """Whether a statement runs on each of :data:`OSES`; ``why`` names what keeps it off."""

    values: tuple[Tri, Tri, Tri]
    why: tuple[str, ...] = ()

    @property
    def oses(self) -> tuple[str, ...]:
        """The systems where it runs or may run."""
        return tuple(os for os, value in zip(OSES, self.values, strict=True) if value is not False)

    @property
    def everywhere(self) -> bool:
        return len(self.oses) == len(OSES)

    @property
    def when(self) -> str:
        """What would make a statement that runs nowhere run: ``USE_CUDA``."""
        return ", ".join(self.why) or "a condition off by default"


ALWAYS: Final = Reach((True, True, True))
