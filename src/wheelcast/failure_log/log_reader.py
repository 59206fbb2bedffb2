"""Facts read from what pip (20 to 26) or uv printed for a failed install.

Pure text work, no index: which distribution was being built from which sdist, on which
interpreter and platform (from paths, build folder names, wheel tags), and which tool the
build output says was missing (:mod:`.tool_signatures`). Each fact keeps the line it came
from, so a diagnosis can cite its evidence.
"""

# ruff: noqa: E501 - tables of log messages read better one message a line
from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from wheelcast.errors import InputError
from wheelcast.failure_log.tool_signatures import SIGNATURES, ToolSignature
from wheelcast.runtime.limits import MAX_LOG_GAP

__all__ = ["LogFacts", "NothingRecognised", "read_log"]


class NothingRecognised(InputError):
    """The text holds no failed build wheelcast can read."""

    reference = "unrecognised-log"


@dataclass(frozen=True, slots=True)
class LogFacts:
    installer: str  # "pip" or "uv"
    package: str | None  # normalised name of the distribution that failed to build
    version: str | None
    sdist: str | None  # the sdist's file name
    python: str | None  # "3.12"
    platform: str | None  # a wheelcast preset name: win-arm64, linux-x86_64, ...
    tool: ToolSignature | None
    evidence: tuple[str, ...]  # the lines each fact came from, in order of the facts
    date: str | None = None  # the day the log was written, when its lines carry timestamps


# Every pattern is linear in a line's length, whatever the line (a log is untrusted, up
# to MAX_LOG_BYTES, and may be one line): a name run is matched only from its first
# character (a search retried from each character of a 20 kB run took seconds, of a
# 15 MB one for ever), and a gap between two words is bounded.
_RUN_START = r"(?<![A-Za-z0-9._-])"

# --- the package --------------------------------------------------------------------

_SDIST = re.compile(
    _RUN_START
    + r"[._-]*(?P<file>(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*?)-(?P<version>\d[A-Za-z0-9.+!_]*?)"
    r"\.(?:tar\.gz|zip|tar\.bz2|tgz))\b"
)
_FAILED = (
    re.compile(
        r"Building wheel for (?P<name>[A-Za-z0-9._-]+) \([^)]*\)(?:\s*\.\.\.|:)\s*(?:error|finished with status 'error')"
    ),
    # pip 22+ repeats the failure in its boxed summary, which a trimmed log may keep alone
    re.compile(r"Building wheel for (?P<name>[A-Za-z0-9._-]+) \([^)]*\) did not run successfully"),
    re.compile(r"Failed building wheel for (?P<name>[A-Za-z0-9._-]+)"),
    re.compile(
        r"Running setup\.py install for (?P<name>[A-Za-z0-9._-]+)(?:\s*\.\.\.|:)\s*(?:error|finished with status 'error')"
    ),
    re.compile(
        r"Failed to build (?:`|')?(?P<name>[A-Za-z0-9._-]+)(?:(?:==|\s@\s)(?P<version>[^`'\s]+))?"
    ),
    re.compile(
        r"Failed to (?:download and )?build:?\s*`?(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^`\s]+)`?"
    ),
    # uv 0.4's "Caused by: Failed to fetch wheel: pyaudio==0.2.14" before a build backend failure
    re.compile(r"Failed to fetch wheel:\s*`?(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^`\s]+)`?"),
    re.compile(r"Building (?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s`]+)"),
    re.compile(r"Could not build wheels for (?P<name>[A-Za-z0-9._-]+)"),
    re.compile(
        _RUN_START + r"(?P<name>[A-Za-z0-9._-]+) could not be installed from sources"
    ),  # psutil's
)
_COLLECTING = re.compile(r"^\s*Collecting (?P<name>[A-Za-z0-9._-]+)(?:==(?P<version>[^\s;(]+))?")
_PROJECT_VERSION = re.compile(r"Project version: (?P<version>\S+)")
_PIP_TMP_NAME = re.compile(
    r"pip-(?:install|req-build)-[a-z0-9_]+[\\/](?P<name>[A-Za-z0-9._-]+?)_[0-9a-f]{32}"
)

# --- the interpreter and the platform ---------------------------------------------------

_PYTHON_PATTERNS = (
    re.compile(
        r"cpython-3\.(?P<minor>\d{1,2})\.\d+-"
    ),  # a uv-managed Python: cpython-3.12.0-windows-aarch64-none
    re.compile(
        r"cpython-3(?P<minor>\d{1,2})"
    ),  # lib.linux-x86_64-cpython-311, cpython-312-x86_64-linux-gnu
    re.compile(r"\bcp3(?P<minor>\d{1,2})-cp3\d+"),  # a wheel's tags (abi3 is only a floor)
    re.compile(r"[\\/]Python3(?P<minor>\d{1,2})(?:-32|-64|-arm64)?[\\/]", re.IGNORECASE),
    re.compile(r"python3\.(?P<minor>\d{1,2})"),  # /usr/lib/python3.11, include/python3.10
    re.compile(r"\(python 3\.(?P<minor>\d{1,2})\)"),  # pip --version
    re.compile(r"Python 3\.(?P<minor>\d{1,2})\.\d+", re.IGNORECASE),
    re.compile(r"\bpython:3\.(?P<minor>\d{1,2})"),  # a Docker image: FROM python:3.10-alpine
    re.compile(r"(?:lib|temp)\.[a-z0-9_-]+-3\.(?P<minor>\d{1,2})\b"),  # build/lib.linux-x86_64-3.9
    re.compile(r"Python-3\.(?P<minor>\d{1,2})\b"),
)

_PLATFORM_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # uv-managed Pythons name their platform: cpython-3.12.0-windows-aarch64-none
    (re.compile(r"cpython-3\.\d+\.\d+-windows-aarch64"), "win-arm64"),
    (re.compile(r"cpython-3\.\d+\.\d+-windows-x86_64"), "win-amd64"),
    (re.compile(r"cpython-3\.\d+\.\d+-macos-aarch64"), "macos-arm64"),
    (re.compile(r"cpython-3\.\d+\.\d+-linux-aarch64-musl"), "musllinux-aarch64"),
    (re.compile(r"cpython-3\.\d+\.\d+-linux-x86_64-musl"), "musllinux-x86_64"),
    (
        re.compile(r"win[-_]arm64|Python3\d+-arm64|ARM64\)\] on win32|for ARM64", re.IGNORECASE),
        "win-arm64",
    ),
    (
        re.compile(
            rf"win[-_]amd64|Python3\d+(?:-64)?[\\/]|AMD64\)\] on win32|for x64\b|\bx64\b.{{0,{MAX_LOG_GAP}}}cl\.exe",
            re.IGNORECASE,
        ),
        "win-amd64",
    ),
    (
        re.compile(
            r"win32-3\.\d|win32-cpython|Python3\d+-32[\\/]|\(Intel\)\] on win32", re.IGNORECASE
        ),
        "win32",
    ),
    (
        re.compile(
            rf"musllinux_\d+_\d+_aarch64|aarch64-linux-musl|alpine.{{0,{MAX_LOG_GAP}}}aarch64",
            re.IGNORECASE,
        ),
        "musllinux-aarch64",
    ),
    (
        re.compile(r"musllinux|linux-musl|\balpine\b|\bapk add\b|\bmusl\b", re.IGNORECASE),
        "musllinux-x86_64",
    ),
    (
        re.compile(
            r"macosx[-_]\d+[._]\d+[-_]arm64|macosx-\d+(?:\.\d+)?-arm64|\barm64-apple-darwin|/opt/homebrew/",
            re.IGNORECASE,
        ),
        "macos-arm64",
    ),
    (
        re.compile(
            rf"macosx[-_]\d+[._]\d+[-_](?:x86_64|universal2|intel)|macosx-\d+(?:\.\d+)?-(?:x86_64|universal2)|/Library/Frameworks/Python\.framework|/private/var/folders/|/Users/[^/\s]+/|x86_64-apple-darwin|\bclang\b.{{0,{MAX_LOG_GAP}}}-arch",
            re.IGNORECASE,
        ),
        "macos-x86_64",
    ),
    (re.compile(r"armv7l|arm-linux-gnueabihf", re.IGNORECASE), "linux_armv7l"),
    (
        re.compile(
            r"linux[-_]aarch64|manylinux\w*_aarch64|aarch64-linux-gnu|\baarch64\b", re.IGNORECASE
        ),
        "linux-aarch64",
    ),
    (
        re.compile(
            r"linux[-_]x86_64|manylinux\w*_x86_64|x86_64-linux-gnu|/usr/lib/python3|/usr/include/python3|/usr/bin/python3\.|/bin/sh: 1:|/home/[^/\s]+/|/tmp/pip-",
            re.IGNORECASE,
        ),
        "linux-x86_64",
    ),
    (
        re.compile(
            r"[A-Z]:\\|AppData\\Local|WinError|Microsoft Visual C\+\+|vcvarsall|vswhere",
            re.IGNORECASE,
        ),
        "win-amd64",
    ),
)
"""Most specific first: win-arm64 before any Windows path, musl before glibc, a Mac
arm64 wheel tag before a plain Mac path; a bare Windows path means the usual x64."""


@functools.lru_cache(maxsize=256)
def _folded(pattern: str, flags: int) -> re.Pattern[str] | None:
    """``pattern`` for lowercased ASCII text, matching case-sensitively across lines; None
    if it cannot be written so. Escapes keep their case (``\\S`` is not ``\\s``)."""
    out: list[str] = []
    escaped = False
    for char in pattern:
        syntax = escaped or (char == "P" and out[-2:] == ["(", "?"])  # (?P<name>
        out.append(char if syntax else char.lower())
        escaped = not escaped and char == "\\"
    try:
        return re.compile("".join(out), (flags & ~re.IGNORECASE) | re.MULTILINE)
    except re.error:
        return None


class _Lines(list[str]):
    """A log's lines, each pattern searched over all of them at once.

    Searched line by line, a case-insensitive pattern cost about a second per 15 MB of log
    (re finds no literal to skip ahead by): a large CI log took 10 s. Its ASCII lines are
    searched lowercased, as one text, by the pattern lowercased and case-sensitive; a
    match of the pattern in a line is a match there (``^`` and ``$`` at each line's ends),
    and each candidate is checked in its own line by the pattern itself. Lines beyond
    ASCII, whose case rules are re's own, are checked one by one.
    """

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines)
        plain = [line if line.isascii() else "" for line in lines]  # others: blank here
        self._others = [i for i, line in enumerate(plain) if line is not lines[i]]
        self._text = "\n".join(plain)
        self._low = self._text.lower()  # ASCII: the same offsets
        self._starts = list(itertools.accumulate((len(line) + 1 for line in plain), initial=0))

    def matching(self, pattern: re.Pattern[str]) -> Iterator[tuple[int, re.Match[str]]]:
        """Each line ``pattern.search`` matches, first to last: its index and the match."""
        whole: re.Pattern[str] | None
        if "\\A" in pattern.pattern or "\\Z" in pattern.pattern:
            whole = None  # anchored to each line's ends: no text-wide equivalent
        elif pattern.flags & re.IGNORECASE:
            whole = _folded(pattern.pattern, pattern.flags)
        else:
            whole = re.compile(pattern.pattern, pattern.flags | re.MULTILINE)
        if whole is None:
            for index, line in enumerate(self):
                found = pattern.search(line)
                if found:
                    yield index, found
            return
        text = self._low if pattern.flags & re.IGNORECASE else self._text
        last = -1
        for index in heapq.merge(self._candidates(whole, text), self._others):
            if index == last:  # a line beyond ASCII, blank in the text, matched there too
                continue
            last = index
            found = pattern.search(self[index])
            if found:
                yield index, found

    def _candidates(self, whole: re.Pattern[str], text: str) -> Iterator[int]:
        at = 0
        while at <= len(text):
            candidate = whole.search(text, at)
            if candidate is None:
                return
            index = bisect.bisect_right(self._starts, candidate.start()) - 1
            yield index
            at = self._starts[index + 1]

    def first(self, pattern: re.Pattern[str]) -> tuple[int, re.Match[str]] | None:
        return next(self.matching(pattern), None)


def read_log(text: str) -> LogFacts:
    """Read a failed install's output; raise :class:`NothingRecognised` if no build failed
    in it and no missing tool is named."""
    lines = _Lines(text.splitlines())
    installer = _installer(text)
    name, version, evidence_pkg = _package(lines)
    sdist, sdist_line = _sdist(lines, name)
    if sdist is not None and version is None:
        match = _SDIST.search(sdist)
        if match:
            version = match.group("version")
    if version is None:
        hit = lines.first(_PROJECT_VERSION)
        if hit is not None:
            index, found = hit
            version, evidence_pkg = found.group("version"), evidence_pkg or lines[index].strip()
    python, python_line = _python(lines)
    platform, platform_line = _platform(lines)
    tool, tool_line = _tool(lines)
    if name is None and tool is None:
        raise NothingRecognised(
            "no failed build found in the log: no 'Building wheel for ...', 'Failed to build"
            " ...' or known missing-tool message",
            "pass the whole output of the failed pip install or uv pip install",
        )
    evidence = tuple(
        line for line in (evidence_pkg, sdist_line, python_line, platform_line, tool_line) if line
    )
    return LogFacts(
        installer=installer,
        package=canonicalize_name(name) if name else None,
        version=version,
        sdist=sdist,
        python=python,
        platform=platform,
        tool=tool,
        evidence=tuple(dict.fromkeys(evidence)),
        date=_date(lines),
    )


# CI logs prefix each line with a timestamp (GitHub Actions: 2024-01-15T10:20:30.1234567Z).
_TIMESTAMP = re.compile(r"^\s*\[?(?P<day>20\d\d-[01]\d-[0-3]\d)[T ][0-2]\d:[0-5]\d:[0-5]\d")


_FAILURE = re.compile(
    r"\.\.\. error|did not run successfully|subprocess-exited-with-error|Command errored out|failed with error code|Complete output from command"
)


def _date(lines: _Lines) -> str | None:
    hit = lines.first(_TIMESTAMP)
    return None if hit is None else hit[1].group("day")


def _installer(text: str) -> str:
    # uv's messages: "x Failed to build `x==1`", "Caused by: Build backend failed",
    # "╰─▶ The build backend returned an error", "hint: This usually indicates a problem with the package"
    uv = (
        "Failed to build `",
        "Caused by:",
        "build backend returned an error",
        "Failed to download and build",
        "uv pip",
        "╰─▶",
    )
    return "uv" if any(marker in text for marker in uv) else "pip"


def _package(lines: _Lines) -> tuple[str | None, str | None, str | None]:
    for pattern in _FAILED:
        for index, found in lines.matching(pattern):
            if found.group("name") not in {"wheel", "wheels", "installable"}:
                groups = found.groupdict()
                name = found.group("name").rstrip(".")
                return name, groups.get("version"), lines[index].strip()
    # pip's "Preparing metadata ... error" names no package: the last "Collecting" before
    # the failure, or the folder pip unpacked the sdist into, does.
    hit = lines.first(_FAILURE)
    failure = None if hit is None else hit[0]
    if failure is not None:
        for line in reversed(lines[:failure]):
            collecting = _COLLECTING.search(line)
            if collecting:
                return collecting.group("name"), collecting.group("version"), line.strip()
    for line in lines[failure or 0 :]:
        folder = _PIP_TMP_NAME.search(line)
        if folder:
            return folder.group("name"), None, line.strip()
    return None, None, None


def _sdist(lines: list[str], name: str | None) -> tuple[str | None, str | None]:
    wanted = canonicalize_name(name) if name else None
    for line in lines:
        if ".whl" in line and not re.search(r"\.(?:tar\.gz|zip)\b", line):
            continue
        for found in _SDIST.finditer(line):
            if wanted is None or canonicalize_name(found.group("name")) == wanted:
                return found.group("file"), line.strip()
    return None, None


def _python(lines: _Lines) -> tuple[str | None, str | None]:
    for pattern in _PYTHON_PATTERNS:
        hit = lines.first(pattern)
        if hit is not None:
            return f"3.{int(hit[1].group('minor'))}", lines[hit[0]].strip()
    return None, None


def _platform(lines: _Lines) -> tuple[str | None, str | None]:
    for pattern, platform in _PLATFORM_PATTERNS:
        hit = lines.first(pattern)
        if hit is not None:
            return platform, lines[hit[0]].strip()
    return None, None


def _tool(lines: _Lines) -> tuple[ToolSignature | None, str | None]:
    # A row's patterns are strongest first: the evidence is its most telling line.
    for signature in SIGNATURES:
        for pattern in signature.patterns:
            hit = lines.first(pattern)
            if hit is not None:
                return signature, lines[hit[0]].strip()
    return None, None
