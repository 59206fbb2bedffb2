"""meson.build files read statically: languages, dependencies, and the ``if`` blocks around them.

:func:`scan_meson` starts at the top ``meson.build`` and follows ``subdir('x')`` into the
sdist's own files (at most :data:`MAX_DEPTH` deep and :data:`MAX_FILES` files); build files no
literal ``subdir()`` reaches are read after, as if unconditional. Each ``project()``,
``add_languages()`` and ``dependency()`` call carries the
:class:`~wheelcast.sdist.reach.Reach` of its ``if`` blocks, evaluated per operating system
with the options of ``meson.options``/``meson_options.txt`` at their defaults: a
``get_option('x')`` of a boolean false or a ``disabled`` feature is off, ``auto`` cannot be
told, ``host_machine.system() == 'darwin'`` holds on macOS alone.

Each file is read in one pass of a tokenizer whose every step consumes input, so the time is
linear in the size of the files, however malformed (an unclosed call is dropped at the end).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from wheelcast.sdist.reach import OSES, Reach, Tri, tri_and, tri_not, tri_or

__all__ = ["MAX_DEPTH", "MAX_FILES", "MesonCall", "calls", "parse_options", "scan_meson"]

MAX_DEPTH: Final = 16
MAX_FILES: Final = 256
_MAX_NESTING: Final = 32  # parentheses in one condition
_MAX_FRAMES: Final = 64  # nested if/foreach blocks followed
_MAX_EARLIER: Final = 16  # earlier conditions of an elif/else chain that are negated
_MAX_CONDITION: Final = 2000  # characters of one condition read

_TOKEN: Final = re.compile(
    r"""(?P<triple>''')
    |(?P<string>'(?:[^'\\\n]|\\.)*')
    |(?P<comment>\#[^\n]*)
    |(?P<name>[A-Za-z_]\w*)(?P<call>[ \t]*\()?
    |(?P<open>[(\[{])
    |(?P<close>[)\]}])
    |(?P<newline>\n)
    |[^'#A-Za-z_()\[\]{}\n]+
    |.""",
    re.VERBOSE | re.DOTALL,
)
_KEYWORDS: Final = frozenset(
    {"if", "elif", "else", "endif", "foreach", "endforeach", "and", "or", "not", "in"}
)
_SYSTEMS: Final = {"linux": "linux", "macos": "darwin", "windows": "windows"}
_CONDITION_TOKEN: Final = re.compile(
    r"""get_option\s*\(\s*'([^']*)'\s*\)(?:\s*\.\s*(enabled|disabled|allowed|auto)\s*\(\s*\))?
    |host_machine\s*\.\s*system\s*\(\s*\)\s*(==|!=)\s*'([^']*)'
    |\b(not|and|or|true|false)\b
    |(\()|(\))
    |('[^']*'|[^\s()']+|\S)""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class MesonCall:
    """One call: the function's name, its argument text, and the ``if`` conditions around it.

    Each frame of ``conditions`` is ``(condition, earlier conditions of its chain)``: an
    ``elif`` or ``else`` holds only when the earlier ones did not.
    """

    name: str
    args: str
    conditions: tuple[tuple[str, tuple[str, ...]], ...]


def calls(text: str) -> Iterator[MesonCall]:  # noqa: PLR0912 - one branch per token kind
    """Every call in ``text`` with its ``if`` frames, in the order the calls close."""
    stack: list[tuple[str, int, int, tuple[tuple[str, tuple[str, ...]], ...]]] = []
    frames: list[tuple[str, tuple[str, ...]]] = []
    overflow = [0]
    depth, pos, size = 0, 0, len(text)
    while pos < size:
        match = _TOKEN.match(text, pos)
        if match is None:  # never: the last alternative matches any character
            return
        pos = match.end()
        kind = match.lastgroup
        if kind == "triple":
            end = text.find("'''", pos)
            if end < 0:
                return
            pos = end + 3
        elif kind in ("name", "call"):
            name = match.group("name")
            if name in _KEYWORDS:  # ``if (x)`` is a statement, not a call
                if depth == 0:
                    start = pos if match.group("call") is None else pos - 1
                    _statement(name, text, start, frames, overflow)
                if match.group("call") is not None:
                    depth += 1
            elif match.group("call") is not None:
                stack.append((name, pos, depth, tuple(frames)))
                depth += 1
            elif depth == 0:
                _statement(name, text, pos, frames, overflow)
        elif kind == "open":
            depth += 1
        elif kind == "close" and depth > 0:
            depth -= 1
            if stack and stack[-1][2] == depth:
                name, start, _, conditions = stack.pop()
                yield MesonCall(name, _uncommented(text[start : match.start()]), conditions)


_COMMENT_OR_STRING: Final = re.compile(r"('{3}.*?'{3}|'(?:[^'\\\n]|\\.)*')|#[^\n]*", re.DOTALL)


def _uncommented(args: str) -> str:
    return _COMMENT_OR_STRING.sub(lambda m: m.group(1) or "", args)


def _statement(
    word: str, text: str, pos: int, frames: list[tuple[str, tuple[str, ...]]], overflow: list[int]
) -> None:
    end = text.find("\n", pos, pos + _MAX_CONDITION)  # bounded: a 2 MB line holds many ifs
    rest = text[pos : end if end >= 0 else pos + _MAX_CONDITION].split("#", 1)[0].strip()
    opens, closes = word in ("if", "foreach"), word in ("endif", "endforeach")
    if overflow[0] or (opens and len(frames) >= _MAX_FRAMES):
        # Past _MAX_FRAMES nested blocks, inner ones are read as unconditional: each
        # call's frames stay a bounded amount of work.
        overflow[0] += 1 if opens else -1 if closes else 0
        return
    match word:
        case "if":
            frames.append((rest, ()))
        case "elif" if frames:
            condition, earlier = frames[-1]
            frames[-1] = (rest, (*earlier, condition)[:_MAX_EARLIER])
        case "else" if frames:
            condition, earlier = frames[-1]
            frames[-1] = ("true", (*earlier, condition)[:_MAX_EARLIER])
        case "endif" if frames:
            frames.pop()
        case "foreach":
            frames.append(("true", ()))
        case "endforeach" if frames:
            frames.pop()


def split_arguments(args: str) -> tuple[list[str], dict[str, str]]:
    """Positional arguments and ``keyword: value`` ones, split at top-level commas."""
    parts: list[str] = []
    depth, start, in_string = 0, 0, False
    for i, ch in enumerate(args):
        if in_string:
            in_string = ch != "'"
        elif ch == "'":
            in_string = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(args[start:i].strip())
            start = i + 1
    if args[start:].strip():
        parts.append(args[start:].strip())
    positional: list[str] = []
    keywords: dict[str, str] = {}
    for part in parts:
        keyword = re.match(r"(\w+)\s*:(.*)", part, re.DOTALL)
        if keyword:
            keywords[keyword.group(1)] = keyword.group(2).strip()
        else:
            positional.append(part)
    return positional, keywords


def strings(expression: str) -> list[str]:
    return re.findall(r"'([^'\\]*)'", expression)


def parse_options(text: str) -> dict[str, str]:
    """Each option's default as meson reads it: ``true``/``false``, a feature's state, a value."""
    options: dict[str, str] = {}
    for call in calls(text):
        if call.name != "option":
            continue
        positional, keywords = split_arguments(call.args)
        names = strings(positional[0]) if positional else []
        if not names:
            continue
        kind = "".join(strings(keywords.get("type", "")))
        value = keywords.get("value", "").strip()
        if kind == "boolean":
            options[names[0]] = value or "true"
        elif kind == "feature":
            options[names[0]] = "".join(strings(value)) or "auto"
        else:
            options[names[0]] = value
    return options


class _Condition:
    """A three-valued reading of one ``if`` condition on one operating system."""

    def __init__(self, options: Mapping[str, str], os: str, why: list[str]) -> None:
        self.options = options
        self.os = os
        self.why = why

    def _option(self, name: str, method: str | None) -> Tri:
        value = self.options.get(name)
        if value is None:
            return None
        state: Tri
        match value:
            case "true" | "enabled":
                state = True
            case "false" | "disabled":
                state = False
            case _:
                state = None  # auto, or a combo/string value compared elsewhere
        if method == "disabled":
            state = tri_not(state)
        elif method == "allowed" and value == "auto":
            state = True
        if state is False:
            self.why.append(name)
        return state

    def tokens(self, text: str) -> list[object]:
        out: list[object] = []
        for match in _CONDITION_TOKEN.finditer(text):
            if match.group(1) is not None:
                out.append(self._option(match.group(1), match.group(2)))
            elif match.group(3) is not None:
                holds = (_SYSTEMS[self.os] == match.group(4)) == (match.group(3) == "==")
                out.append(holds)
            elif match.group(5) is not None:
                word = match.group(5)
                out.append({"true": True, "false": False}.get(word, word))
            elif match.group(6) is not None:
                out.append("(")
            elif match.group(7) is not None:
                out.append(")")
            else:
                out.append(None)  # anything else: cannot tell
        # Values side by side (``x == 'y'``, a method call) make one that cannot be told.
        merged: list[object] = []
        for token in out:
            if not isinstance(token, str) and merged and not isinstance(merged[-1], str):
                merged[-1] = None
            else:
                merged.append(token)
        return merged

    def evaluate(self, text: str) -> Tri:
        tokens = self.tokens(text)
        value, _ = self._or(tokens, 0, 0)
        return value

    def _or(self, tokens: list[object], i: int, depth: int) -> tuple[Tri, int]:
        value, i = self._and(tokens, i, depth)
        values = [value]
        while i < len(tokens) and tokens[i] == "or":
            value, i = self._and(tokens, i + 1, depth)
            values.append(value)
        return tri_or(values), i

    def _and(self, tokens: list[object], i: int, depth: int) -> tuple[Tri, int]:
        value, i = self._not(tokens, i, depth)
        values = [value]
        while i < len(tokens) and tokens[i] == "and":
            value, i = self._not(tokens, i + 1, depth)
            values.append(value)
        return tri_and(values), i

    def _not(self, tokens: list[object], i: int, depth: int) -> tuple[Tri, int]:
        negate = False
        while i < len(tokens) and tokens[i] == "not":
            negate, i = not negate, i + 1
        if i < len(tokens) and tokens[i] == "(":
            if depth >= _MAX_NESTING:
                return None, len(tokens)
            value, i = self._or(tokens, i + 1, depth + 1)
            i += 1 if i < len(tokens) and tokens[i] == ")" else 0
        elif i < len(tokens):
            token = tokens[i]
            value = token if isinstance(token, bool) or token is None else None
            i += 1
        else:
            value = None
        return (tri_not(value) if negate else value), i


def reach(conditions: tuple[tuple[str, tuple[str, ...]], ...], options: Mapping[str, str]) -> Reach:
    """Where a call with these ``if`` frames runs, options at their defaults."""
    values: list[Tri] = []
    why: list[str] = []
    for os in OSES:
        reader = _Condition(options, os, why)
        frames = [
            tri_and([reader.evaluate(condition), *(tri_not(reader.evaluate(e)) for e in earlier)])
            for condition, earlier in conditions
        ]
        values.append(tri_and(frames))
    return Reach((values[0], values[1], values[2]), tuple(dict.fromkeys(why)))


@dataclass(frozen=True, slots=True)
class MesonScan:
    files: tuple[tuple[str, tuple[MesonCall, ...]], ...]  # (path, calls), in reading order
    options: Mapping[str, str]
    truncated: bool = False


def scan_meson(read: Callable[[str], str | None], paths: tuple[str, ...]) -> MesonScan:
    """Read ``meson.build`` (one of ``paths``) and what its ``subdir()`` calls reach."""
    options: dict[str, str] = {}
    for name in ("meson_options.txt", "meson.options"):
        text = read(name)
        if text is not None:
            options.update(parse_options(text))
    done: dict[str, tuple[MesonCall, ...]] = {}
    truncated = False

    def visit(path: str, outer: tuple[tuple[str, tuple[str, ...]], ...], depth: int) -> None:
        nonlocal truncated
        if path in done:
            return
        if depth > MAX_DEPTH or len(done) >= MAX_FILES:
            truncated = True
            return
        text = read(path)
        if text is None:
            return
        found: list[MesonCall] = []
        done[path] = ()
        folder = posixpath.dirname(path)
        for call in calls(text):
            framed = MesonCall(call.name, call.args, (*outer, *call.conditions))
            found.append(framed)
            if call.name == "subdir":
                names = strings(call.args)
                if names:
                    target = posixpath.normpath(posixpath.join(folder, names[0], "meson.build"))
                    visit(target, framed.conditions, depth + 1)
        done[path] = tuple(found)

    if "meson.build" in paths:
        visit("meson.build", (), 0)
    for path in paths:  # reached by no literal subdir(): read as unconditional
        if path not in done and len(done) < MAX_FILES:
            visit(path, (), 0)
    return MesonScan(tuple(done.items()), options, truncated)
