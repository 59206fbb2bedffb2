"""Reading input files: text, TOML and JSON, with errors that name the file and line."""

from __future__ import annotations

import bisect
import codecs
import errno
import json
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar, overload

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement

from wheelcast.errors import InvalidInputFile
from wheelcast.inputs.model import Origin
from wheelcast.runtime.limits import MAX_INPUT_FILE_BYTES, MAX_INPUT_NESTING, shown
from wheelcast.runtime.witness import read_before, saw_file, saw_unrepeatable

T = TypeVar("T")
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


# pip's auto_decode for requirements files: a byte-order mark names the encoding (UTF-32
# looked for before UTF-16, whose little-endian mark begins UTF-32's; pip checks UTF-16
# first and so misreads UTF-32-LE), else a PEP 263 coding line in the first two lines.
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
_CODING = re.compile(rb"coding[:=]\s*([-\w.]+)")


def _declared_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    for line in data.split(b"\n", 2)[:2]:
        found = _CODING.search(line[:200]) if line.startswith(b"#") else None
        if found is not None:
            return found.group(1).decode("ascii")
    return None


def read_text(path: Path, origin: Origin | None = None, *, as_pip_decodes: bool = False) -> str:
    """The file's text; ``origin`` is the line that asked for it (an ``-r`` include).
    With ``as_pip_decodes`` (requirements files), a byte-order mark or a PEP 263 coding
    line chooses the encoding, as pip's ``auto_decode``; else the text is UTF-8.

    At most :data:`~wheelcast.runtime.limits.MAX_INPUT_FILE_BYTES` are read, streamed, so a
    device that never ends (``/dev/zero``) is refused rather than read until killed.
    """
    where = f"{origin}: " if origin else ""
    try:
        data, regular = _read_capped(path)
    except FileNotFoundError:
        raise InvalidInputFile(
            f"{where}file not found: '{shown(str(path))}'",
            "check the path (includes are relative to the file)",
        ) from None
    except OSError as exc:
        raise InvalidInputFile(
            f"{where}cannot read '{shown(str(path))}': {exc.strerror}",
            "check the path and its permissions",
        ) from None
    except ValueError:  # a NUL in the name: no file can have it
        raise InvalidInputFile(
            f"{where}cannot read '{shown(str(path))}': the name holds a NUL character",
            "check the path",
        ) from None
    if data is None:
        raise InvalidInputFile(
            f"{where}'{shown(str(path))}' is larger than {MAX_INPUT_FILE_BYTES} bytes",
            f"check the path: input files are read up to {MAX_INPUT_FILE_BYTES >> 20} MiB",
        )
    if regular:
        saw_file(path, data)
    else:  # a pipe or device: read once, and an answer built on it is never replayed
        saw_unrepeatable(path, data)
    encoding = (_declared_encoding(data) if as_pip_decodes else None) or "utf-8"
    try:
        text = codecs.decode(data, encoding)
    except LookupError:
        raise InvalidInputFile(
            f"{path}:1: unknown encoding '{shown(encoding)}' in its coding line",
            "save it as UTF-8",
        ) from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInputFile(
            f"{path}:{line}: not {shown(encoding).upper()} text", "save it as UTF-8"
        ) from None
    if encoding != "utf-8":
        text = text.removeprefix("\ufeff")  # the mark itself, as pip drops it
    # As text mode would read it (universal newlines), from the very bytes witnessed.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_capped(path: Path) -> tuple[bytes | None, bool]:
    """The bytes (None when over the cap) and whether ``path`` is a regular file."""
    with path.open("rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        regular = stat.S_ISREG(mode)
        if not regular and (before := read_before(path)) is not None:
            return before, False  # `-r /dev/stdin` twice: stdin gives its bytes once
        chunks: list[bytes] = []
        size = 0
        while chunk := handle.read(1 << 20):
            size += len(chunk)
            if size > MAX_INPUT_FILE_BYTES:
                return None, regular
            chunks.append(chunk)
    return b"".join(chunks), regular


def _nesting_error(path: Path) -> InvalidInputFile:
    return Origin(path).error(
        f"nested deeper than {MAX_INPUT_NESTING} levels of arrays and tables",
        "check the file: no real project or lock file nests this deep",
    )


def _check_nesting(path: Path, value: object) -> None:
    """Refuse a value nested deeper than the cap, walked without recursion (readers and
    messages that recurse over it stay far from the interpreter's limit)."""
    todo: list[tuple[object, int]] = [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if depth > MAX_INPUT_NESTING:
            raise _nesting_error(path)
        if isinstance(item, dict):
            todo += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            todo += [(v, depth + 1) for v in item]


def load_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed document and its text; a syntax error names the line tomllib found."""
    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line = int(found.group(1)) if found else None
        reason = _TOML_POSITION.sub("", str(exc)).strip()
        raise Origin(path, line).error(
            f"invalid TOML: {shown(reason)}", "fix the syntax (the file is not valid TOML 1.0)"
        ) from None
    except RecursionError:
        raise _nesting_error(path) from None
    _check_nesting(path, data)
    return data, text


def load_json(path: Path) -> tuple[Any, str]:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Origin(path, exc.lineno).error(
            f"invalid JSON: {shown(exc.msg)}", "fix the syntax (regenerate the lock file)"
        ) from None
    except RecursionError:
        raise _nesting_error(path) from None
    _check_nesting(path, data)
    return data, text


_KINDS = {str: "a string", int: "an integer", bool: "a boolean", list: "an array", dict: "a table"}
_REGENERATE = "regenerate it with the tool that wrote it"


@overload
def typed(
    table: Mapping[str, Any],
    key: str,
    kind: type[T],
    default: None,
    origin: Origin,
    *,
    name: str | None = None,
    hint: str = _REGENERATE,
) -> T | None: ...
@overload
def typed(
    table: Mapping[str, Any],
    key: str,
    kind: type[T],
    default: T,
    origin: Origin,
    *,
    name: str | None = None,
    hint: str = _REGENERATE,
) -> T: ...
def typed(
    table: Mapping[str, Any],
    key: str,
    kind: type[T],
    default: T | None,
    origin: Origin,
    *,
    name: str | None = None,
    hint: str = _REGENERATE,
) -> T | None:
    """``table[key]`` (``default`` when absent), checked to be a ``kind`` where it is read:
    a wrong type is ``file:line: <name> must be a <kind>``, never a traceback deeper in."""
    if key not in table:
        return default
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise origin.error(
            f"'{shown(name or key)}' must be {_KINDS.get(kind, kind.__name__)}", hint
        )
    return value


def strings(value: object, origin: Origin, name: str, *, hint: str = _REGENERATE) -> list[str]:
    """``value`` checked to be an array of strings."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise origin.error(f"'{shown(name)}' must be an array of strings", hint)
    return value


def tables(
    value: object, origin: Origin, name: str, *, hint: str = _REGENERATE
) -> list[dict[str, Any]]:
    """``value`` checked to be an array of tables."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise origin.error(f"'{shown(name)}' must be an array of tables", hint)
    return value


class Lines:
    """Lines of a document found by their content in one pass: a file naming 100,000
    requirements must not be searched once per requirement (that is quadratic)."""

    _QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')

    def __init__(self, text: str) -> None:
        self.text = text
        self._quoted: dict[str, int] | None = None
        self._stripped: dict[str, list[int]] | None = None

    def quoted(self, value: str) -> int | None:
        """The first line holding the TOML/JSON string ``"value"`` or ``'value'``."""
        if self._quoted is None:
            self._quoted = {}
            for number, line in enumerate(self.text.splitlines(), start=1):
                for found in self._QUOTED.finditer(line):
                    self._quoted.setdefault(found.group(0)[1:-1], number)
        return self._quoted.get(value)

    def starting(self, prefix: str, start: int = 1) -> int | None:
        """The first line at or after ``start`` that starts with ``prefix`` once indented."""
        if self._stripped is None:
            self._stripped = {}
            for number, line in enumerate(self.text.splitlines(), start=1):
                key = line.strip()
                self._stripped.setdefault(key[: key.find(":") + 1] or key, []).append(number)
        numbers = self._stripped.get(prefix, [])
        return next((n for n in numbers[bisect.bisect_left(numbers, start) :]), None)


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
            f"invalid requirement '{shown(text.strip())}': {shown(reason)}",
            "write it as PEP 508 describes, e.g. 'numpy>=1.26' or 'uvicorn[standard]'",
        ) from None


def marker(text: object, origin: Origin) -> Marker | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise origin.error(f"a marker must be a string, not {shown(text)}", _REGENERATE)
    if not text.strip():
        return None
    try:
        return Marker(text)
    except InvalidMarker as exc:
        raise origin.error(
            f"invalid marker '{shown(text)}': {shown(str(exc).splitlines()[0])}",
            "write it as PEP 508 describes, e.g. \"sys_platform == 'win32'\"",
        ) from None
