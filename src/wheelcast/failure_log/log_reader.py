"""Facts read from what pip (20 to 26) or uv printed for a failed install.

Pure text work, no index: which distribution was being built from which sdist, on which
interpreter and platform (from paths, build folder names, wheel tags), and which tool the
build output says was missing (:mod:`.tool_signatures`). Each fact keeps the line it came
from, so a diagnosis can cite its evidence.
"""

# ruff: noqa: E501 - tables of log messages read better one message a line
from __future__ import annotations

import re
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


def read_log(text: str) -> LogFacts:
    """Read a failed install's output; raise :class:`NothingRecognised` if no build failed
    in it and no missing tool is named."""
    lines = text.splitlines()
    installer = _installer(text)
    name, version, evidence_pkg = _package(lines)
    sdist, sdist_line = _sdist(lines, name)
    if sdist is not None and version is None:
        match = _SDIST.search(sdist)
        if match:
            version = match.group("version")
    if version is None:
        for line in lines:
            found = _PROJECT_VERSION.search(line)
            if found:
                version, evidence_pkg = found.group("version"), evidence_pkg or line.strip()
                break
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


def _date(lines: list[str]) -> str | None:
    for line in lines:
        found = _TIMESTAMP.search(line)
        if found:
            return found.group("day")
    return None


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


def _package(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    for pattern in _FAILED:
        for line in lines:
            found = pattern.search(line)
            if found and found.group("name") not in {"wheel", "wheels", "installable"}:
                groups = found.groupdict()
                return found.group("name").rstrip("."), groups.get("version"), line.strip()
    # pip's "Preparing metadata ... error" names no package: the last "Collecting" before
    # the failure, or the folder pip unpacked the sdist into, does.
    failure = next(
        (
            i
            for i, line in enumerate(lines)
            if re.search(
                r"\.\.\. error|did not run successfully|subprocess-exited-with-error|Command errored out|failed with error code|Complete output from command",
                line,
            )
        ),
        None,
    )
    if failure is not None:
        for line in reversed(lines[:failure]):
            found = _COLLECTING.search(line)
            if found:
                return found.group("name"), found.group("version"), line.strip()
    for line in lines[failure or 0 :]:
        found = _PIP_TMP_NAME.search(line)
        if found:
            return found.group("name"), None, line.strip()
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


def _python(lines: list[str]) -> tuple[str | None, str | None]:
    for pattern in _PYTHON_PATTERNS:
        for line in lines:
            found = pattern.search(line)
            if found:
                return f"3.{int(found.group('minor'))}", line.strip()
    return None, None


def _platform(lines: list[str]) -> tuple[str | None, str | None]:
    for pattern, platform in _PLATFORM_PATTERNS:
        for line in lines:
            if pattern.search(line):
                return platform, line.strip()
    return None, None


def _tool(lines: list[str]) -> tuple[ToolSignature | None, str | None]:
    # A row's patterns are strongest first: the evidence is its most telling line.
    for signature in SIGNATURES:
        for pattern in signature.patterns:
            for line in lines:
                if pattern.search(line):
                    return signature, line.strip()
    return None, None
