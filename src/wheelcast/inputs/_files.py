"""Reading input files: text, TOML and JSON, with errors that name the file and line."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement

from wheelcast.errors import InvalidInputFile
from wheelcast.inputs.model import Origin
from wheelcast.runtime.witness import saw_file

_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


def read_text(path: Path, origin: Origin | None = None) -> str:
    """The file's text; ``origin`` is the line that asked for it (an ``-r`` include)."""
    where = f"{origin}: " if origin else ""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInputFile(
            f"{where}file not found: '{path}'", "check the path (includes are relative to the file)"
        ) from None
    except OSError as exc:
        raise InvalidInputFile(
            f"{where}cannot read '{path}': {exc.strerror}", "check the path and its permissions"
        ) from None
    saw_file(path, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInputFile(f"{path}:{line}: not UTF-8 text", "save it as UTF-8") from None
    # As text mode would read it (universal newlines), from the very bytes witnessed.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed document and its text; a syntax error names the line tomllib found."""
    text = read_text(path)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line = int(found.group(1)) if found else None
        reason = _TOML_POSITION.sub("", str(exc)).strip()
        raise Origin(path, line).error(
            f"invalid TOML: {reason}", "fix the syntax (the file is not valid TOML 1.0)"
        ) from None


def load_json(path: Path) -> tuple[Any, str]:
    text = read_text(path)
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise Origin(path, exc.lineno).error(
            f"invalid JSON: {exc.msg}", "fix the syntax (regenerate the lock file)"
        ) from None


def line_of(text: str, *needles: str, start: int = 1) -> int | None:
    """The first line at or after ``start`` that holds every needle (None when none does).

    TOML and JSON parsers give no positions for values, so semantic errors find the
    line by searching for what they complain about.
    """
    for number, line in enumerate(text.splitlines()[start - 1 :], start=start):
        if all(needle in line for needle in needles):
            return number
    return None


def requirement(text: str, origin: Origin) -> Requirement:
    """A PEP 508 requirement, or an error ``file:line: invalid requirement '...'``."""
    try:
        return Requirement(text)
    except InvalidRequirement as exc:
        reason = str(exc).splitlines()[0]
        raise origin.error(
            f"invalid requirement '{text.strip()}': {reason}",
            "write it as PEP 508 describes, e.g. 'numpy>=1.26' or 'uvicorn[standard]'",
        ) from None


def marker(text: str | None, origin: Origin) -> Marker | None:
    if text is None or not text.strip():
        return None
    try:
        return Marker(text)
    except InvalidMarker as exc:
        raise origin.error(
            f"invalid marker '{text}': {str(exc).splitlines()[0]}",
            "write it as PEP 508 describes, e.g. \"sys_platform == 'win32'\"",
        ) from None
