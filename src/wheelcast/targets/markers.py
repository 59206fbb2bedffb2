"""Evaluating PEP 508 environment markers the way installers can live with.

packaging raises ``UndefinedComparison`` for a version operator on a value that is not
a version: ``platform_python_implementation === "CPython"`` or ``sys_platform ~=
"linux"``. Both occur in published metadata. PEP 440 defines ``===`` for any string
(arbitrary equality, exact and case-sensitive), and packaging before 22 evaluated it
so; ``~=`` has no meaning on a string, and PEP 508 leaves it an error, which no
resolution should die of. :func:`evaluate` gives packaging's answer wherever it has
one, ``===`` as string equality, and any other undefined comparison as false
(:func:`undefined_comparisons` names them, for a note).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from typing import Any, Literal

from packaging.markers import Marker, UndefinedComparison

__all__ = ["evaluate", "undefined_comparisons"]

Environment = Mapping[str, "str | Set[str]"]
Context = Literal["metadata", "lock_file", "requirement"]


def evaluate(marker: Marker, environment: Environment, context: Context = "metadata") -> bool:
    """Whether ``marker`` holds in ``environment``; never raises ``UndefinedComparison``."""
    try:
        return marker.evaluate(environment, context=context)
    except UndefinedComparison:
        return _lenient(marker._markers, environment, context)


def undefined_comparisons(marker: Marker) -> tuple[str, ...]:
    """The clauses of ``marker`` that packaging cannot compare (``===``/``~=`` on strings)."""
    found = []
    for atom in _atoms(marker._markers):
        try:
            _single(atom).evaluate(_SAMPLE, context="requirement")
        except UndefinedComparison:
            found.append(" ".join(_spelled(part) for part in atom))
        except Exception:  # noqa: S112 - only the undefined comparisons are asked for
            continue
    return tuple(found)


# Values every marker name can be compared with, to find the clauses that cannot be.
_SAMPLE: dict[str, str | Set[str]] = {
    "implementation_name": "cpython",
    "implementation_version": "3.12.0",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_system": "Linux",
    "platform_version": "",
    "python_full_version": "3.12.0",
    "python_version": "3.12",
    "sys_platform": "linux",
    "extra": "",
}


def _lenient(items: list[Any], environment: Environment, context: Context) -> bool:
    # The same grouping as packaging's: "and" binds tighter than "or".
    groups: list[list[bool]] = [[]]
    for item in items:
        if isinstance(item, list):
            groups[-1].append(_lenient(item, environment, context))
        elif isinstance(item, tuple):
            groups[-1].append(_lenient_atom(item, environment, context))
        elif item == "or":
            groups.append([])
    return any(all(group) for group in groups)


def _lenient_atom(atom: tuple[Any, Any, Any], environment: Environment, context: Context) -> bool:
    try:
        return _single(atom).evaluate(environment, context=context)
    except UndefinedComparison:
        lhs, op, rhs = atom
        if op.value != "===":
            return False
        return _value(lhs, environment) == _value(rhs, environment)


def _single(atom: tuple[Any, Any, Any]) -> Marker:
    # A marker of one clause, built without a round trip through text.
    marker = Marker.__new__(Marker)
    marker._markers = [atom]
    return marker


def _value(part: Any, environment: Environment) -> str:
    # Variable and Value both carry .value; only a Variable names the environment.
    if type(part).__name__ == "Variable":
        found = environment.get(part.value, "")
        return found if isinstance(found, str) else ""
    return str(part.value)


def _spelled(part: Any) -> str:
    return f'"{part.value}"' if type(part).__name__ == "Value" else str(part.value)


def _atoms(items: list[Any]) -> Iterator[tuple[Any, Any, Any]]:
    for item in items:
        if isinstance(item, list):
            yield from _atoms(item)
        elif isinstance(item, tuple):
            yield item
