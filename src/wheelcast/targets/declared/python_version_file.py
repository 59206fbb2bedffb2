"""The Python versions a project pins in ``.python-version`` (pyenv's and uv's file).

One request a line; blank lines and ``#`` comments are skipped. pyenv activates every
version listed, uv's ``.python-versions`` lists several: each is read. A line is a CPython
version (``3.12``, ``3.12.4``, ``3.13t``, ``3.14.0rc1``) optionally in uv's or pyenv's
spelling (``cpython@3.12``, ``cpython-3.12.4-linux-x86_64-gnu``, ``python3.12``,
``3.13+freethreaded``); PyPy, GraalPy, conda distributions and ``system`` are skipped with
a note (they name no CPython version wheelcast can take). Anything else is one error line
naming the file and line.
"""

from __future__ import annotations

import re
from typing import Final

from wheelcast.errors import UnknownTarget
from wheelcast.runtime.limits import shown
from wheelcast.targets import Python, parse_python
from wheelcast.targets.declared.declaration import DeclaredPythons, declaration_error

__all__ = ["PYTHON_VERSION_FILES", "python_version_pins"]

PYTHON_VERSION_FILES: Final = (".python-version", ".python-versions")
"""Looked for in a project folder, in this order (uv reads the first it finds)."""

_REQUEST = re.compile(
    r"(?:cpython[-@]?|python|py)?"
    r"(?P<version>\d+\.\d+(?:\.\d+)?)(?:(?:a|b|rc)\d+)?"
    r"(?P<free>t|\+freethreaded)?"
    r"(?:[-+][a-z0-9_.-]*)?"
)
_SKIPPED: Final = (
    "pypy",
    "graalpy",
    "pyston",
    "jython",
    "ironpython",
    "stackless",
    "micropython",
    "miniconda",
    "miniforge",
    "mambaforge",
    "anaconda",
    "activepython",
    "system",
)


def python_version_pins(text: str, path: str = ".python-version") -> DeclaredPythons:
    """The CPythons ``text`` (a ``.python-version`` file's content) pins, in order, once."""
    pythons: dict[Python, None] = {}
    notes: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip().lower()
        if not line:
            continue
        if line.startswith(_SKIPPED):
            notes.append(f"{path}:{number}: {shown(line)} skipped: wheelcast's targets are CPython")
            continue
        found = _REQUEST.fullmatch(line)
        if found is None:
            raise declaration_error(
                path,
                number,
                f"'{shown(line)}' is no Python version",
                "write one version a line, e.g. 3.12 or 3.13t",
            )
        suffix = "t" if found["free"] else ""
        try:
            pythons[parse_python(found["version"] + suffix)] = None
        except UnknownTarget as exc:
            raise declaration_error(path, number, exc.message, exc.hint) from None
    if not pythons and not notes:
        raise declaration_error(
            path, None, "names no Python version", "write one version a line, e.g. 3.12"
        )
    return DeclaredPythons(tuple(pythons), tuple(notes))
