"""What a declaration (a Dockerfile, a workflow, a ``.python-version``) says to check."""

from __future__ import annotations

from dataclasses import dataclass

from wheelcast.errors import InvalidInputFile
from wheelcast.runtime.limits import shown
from wheelcast.targets import Python, Target

__all__ = ["Declared", "DeclaredPythons", "declaration_error"]


@dataclass(frozen=True, slots=True)
class Declared:
    """The targets a file declares, and notes saying how each was read (or skipped)."""

    targets: tuple[Target, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeclaredPythons:
    """The Python versions a ``.python-version`` file pins, and notes on what it skipped."""

    pythons: tuple[Python, ...]
    notes: tuple[str, ...] = ()


def declaration_error(where: str, line: int | None, message: str, hint: str) -> InvalidInputFile:
    """One error line that starts ``FILE:LINE:`` as the input file errors do."""
    place = f"{shown(where)}:{line}" if line is not None else shown(where)
    return InvalidInputFile(f"{place}: {message}", hint)
