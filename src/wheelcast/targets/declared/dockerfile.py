"""The target a Dockerfile's final stage runs ``pip install`` on.

Read as BuildKit reads it, statically: parser directives (``# escape=``), line
continuations and comments, global ``ARG`` defaults substituted in ``FROM`` (``$PY``,
``${PY}``, ``${PY:-3.12}``, ``${PY:+x}``, quotes), the predefined platform arguments
(``$TARGETPLATFORM``, ``$BUILDPLATFORM``, ...), and ``FROM x AS y`` ... ``FROM y``
followed back to an image. The final stage is the last ``FROM`` (or the one
``docker build --target`` names). Its image is then mapped to a platform and a Python:

* ``python:<version>[-slim][-<debian>]``: glibc of that Debian release (the current
  default one when the tag names none), the tag's CPython;
* ``python:<version>-alpine[<release>]``: musl of that Alpine release;
* ``python:<version>-windowsservercore`` / ``-nanoserver``: Windows on amd64;
* uv's ``astral-sh/uv:python3.12-bookworm-slim`` (and ``0.8-python3.12-alpine``): the
  python image it is built on;
* ``debian``, ``ubuntu``, ``alpine``, the Red Hat family (``redhat/ubi9``, ``rockylinux``,
  ``almalinux``), ``amazonlinux`` and NVIDIA's ``nvidia/cuda:...-ubuntu22.04`` images:
  their C library and the CPython of their ``python3`` package (a note says so);
* AWS Lambda's ``lambda/python:3.12``: its Amazon Linux's glibc, the tag's CPython.

The architecture comes from ``FROM --platform=`` or the command's platform (default
``linux/amd64``, as ``docker build`` on an x86-64 machine). A registry host and Docker
Hub's ``library/`` prefix are dropped; a digest is ignored (the tag beside it names the
image). Anything else is refused with one error line naming the ``FROM``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from wheelcast.errors import UnknownTarget
from wheelcast.runtime.limits import MAX_EXPANDED_CHARS, shown
from wheelcast.targets import Platform, Python, Target, parse_python
from wheelcast.targets.declared.declaration import Declared, declaration_error
from wheelcast.targets.declared.images import (
    DEBIAN,
    DEBIAN_ALIASES,
    ENTERPRISE,
    NEWEST_STABLE_PYTHON,
    UBUNTU,
    UBUNTU_ALIASES,
    Distro,
    alpine_release,
    lambda_base,
    python_image_debian,
)

__all__ = [
    "DEFAULT_PLATFORM",
    "ImageFacts",
    "dockerfile_targets",
    "image_target",
    "parse_docker_platform",
]

DEFAULT_PLATFORM: Final = "linux/amd64"
"""What ``docker build`` targets on an x86-64 machine when nothing names a platform."""

_BUILD_PLATFORM_NOTE: Final = (
    "$BUILDPLATFORM is the machine that builds the image: taken to be linux/amd64"
)
_MAX_EXPANSION_DEPTH: Final = 16
"""``${A:-${B:-...}}`` nested deeper than any real Dockerfile: refused, not recursed."""

_ARCHES: Final[Mapping[str, str]] = {
    "amd64": "x86_64",
    "amd64/v2": "x86_64",
    "amd64/v3": "x86_64",
    "amd64/v4": "x86_64",
    "x86_64": "x86_64",
    "arm64": "aarch64",
    "arm64/v8": "aarch64",
    "aarch64": "aarch64",
    "arm/v7": "armv7l",
    "arm": "armv7l",
    "386": "i686",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
    "riscv64": "riscv64",
    "loong64": "loongarch64",
}
_DIRECTIVE = re.compile(r"#\s*([A-Za-z]+)\s*=\s*(\S+)\s*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PYTHON_TAG_VERSION = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(?:a|b|rc)\d+)?")
_ALPINE_VARIANT = re.compile(r"alpine(\d+\.\d+(?:\.\d+)?)?")
_BRACED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-+])(.*))?", re.DOTALL)
_UV_PYTHON_TAG = re.compile(r"(?:\d+(?:\.\d+)*-)?python(\d+\.\d+)-([a-z0-9.-]+)")
_DATED = re.compile(r"\d{8}(?:\.\d+)?")
_WINDOWS_VARIANTS: Final = frozenset({"windowsservercore", "nanoserver"})
_WINDOWS_RELEASES = re.compile(r"ltsc\d{4}|\d{4}")


@dataclass(frozen=True, slots=True)
class _Stage:
    line: int
    text: str
    image: str
    platform: str | None
    name: str | None
    build_platform: bool = False  # --platform names $BUILDPLATFORM (or BUILDOS/ARCH)
    runs: tuple[tuple[int, str], ...] = ()  # (line, command) of each RUN in the stage


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What one image is: the platform it runs and its Python, and how that was known.

    ``packaged``: the Python is the distribution's ``python3`` package, which a ``RUN``
    that installs another (deadsnakes' ``python3.11``, ``uv python install 3.12``) replaces.
    """

    platform: Platform
    python: Python
    how: str
    packaged: bool = False


def parse_docker_platform(text: str, where: str = "--docker-platform") -> tuple[str, str]:
    """``linux/arm64`` -> ``("linux", "aarch64")``: the OS and the platform tag's arch."""
    os_name, _, arch = text.strip().lower().partition("/")
    found = _ARCHES.get(arch) if os_name == "linux" else "amd64" if arch == "amd64" else None
    if os_name not in {"linux", "windows"} or found is None:
        known = ", ".join(f"linux/{a}" for a in _ARCHES if "/" not in a or a == "arm/v7")
        raise declaration_error(
            where,
            None,
            f"unknown Docker platform '{shown(text)}'",
            f"use one of {known} or windows/amd64",
        )
    return os_name, found


def dockerfile_targets(
    text: str,
    path: str = "Dockerfile",
    *,
    platform: str | None = None,
    stage: str | None = None,
    build_args: Mapping[str, str] | None = None,
) -> Declared:
    """The target of the final stage (or of ``stage``) of the Dockerfile ``text``.

    ``platform`` is ``docker build --platform`` (``linux/arm64``); ``build_args`` are its
    ``--build-arg`` values, which override the global ``ARG`` defaults.
    """
    lines = _logical_lines(text)
    requested = platform or DEFAULT_PLATFORM
    parse_docker_platform(requested)
    stages = _stages(lines, path, requested, dict(build_args or {}))
    if not stages:
        raise declaration_error(
            path,
            None,
            "no FROM instruction: this is not a Dockerfile",
            "pass the Dockerfile of the image (the one docker build reads)",
        )
    final = _final_stage(stages, stage, path)
    chain, platform_stage = _follow(stages, final)
    image_stage = chain[0]
    used = platform_stage.platform if platform_stage and platform_stage.platform else requested
    notes: list[str] = []
    if platform_stage is not None and platform_stage.build_platform:
        notes.append(f"{path}: {_BUILD_PLATFORM_NOTE}")
    where = f"{path}:{image_stage.line}"
    image = image_target(image_stage.image, used, path, image_stage.line)
    python = image.python
    installed = _installed_python(chain) if image.packaged else None
    if installed is not None:
        python = installed[2]
    target = Target(_target_name(image_stage.image, used), image.platform, python)
    if image.platform.os == "windows":
        used = "windows/amd64"
    via = "" if image_stage is final else f" (the final stage, line {final.line}, builds on it)"
    notes.append(
        f"{where}: FROM {shown(image_stage.image)} on {used}{via} is {image.how}:"
        f" target {image.platform.tag}@{python.short}"
    )
    if installed is not None:
        notes.append(
            f"{path}:{installed[0]}: RUN installs CPython {python.short} ({installed[1]}): it"
            f" is the target's Python, not the python3 package's {image.python.short}"
        )
    return Declared((target,), tuple(notes))


def _target_name(image: str, platform: str) -> str:
    ref = _strip_registry(image.split("@", 1)[0])
    return ref if platform == DEFAULT_PLATFORM else f"{ref}[{platform}]"


# --- reading the file ------------------------------------------------------------------


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, instruction text) with continuations joined, comments dropped."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escape = "\\"
    start = 0
    for number, line in enumerate(raw):
        found = _DIRECTIVE.fullmatch(line)
        if found is None:
            break
        if found[1].lower() == "escape" and found[2] in {"\\", "`"}:
            escape = found[2]
        start = number + 1
    logical: list[tuple[int, str]] = []
    pending: list[str] = []
    first = 0
    for number, line in enumerate(raw[start:], start + 1):
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue  # comments go even inside a continuation, as Docker drops them
        if not pending:
            first = number
        body = line.rstrip()
        if body.endswith(escape) and not body.endswith(escape * 2):
            pending.append(body[: -len(escape)])
            continue
        pending.append(line)
        logical.append((first, " ".join(pending).strip()))
        pending = []
    if pending:
        logical.append((first, " ".join(pending).strip()))
    return logical


def _stages(
    lines: list[tuple[int, str]], path: str, platform: str, build_args: dict[str, str]
) -> list[_Stage]:
    target_os, _, target_arch = platform.lower().partition("/")
    automatic = {
        "TARGETPLATFORM": platform,
        "TARGETOS": target_os,
        "TARGETARCH": target_arch.split("/")[0],
        "TARGETVARIANT": target_arch.partition("/")[2],
        "BUILDPLATFORM": DEFAULT_PLATFORM,
        "BUILDOS": "linux",
        "BUILDARCH": "amd64",
        "BUILDVARIANT": "",
    }
    arguments: dict[str, str] = dict(automatic)
    stages: list[_Stage] = []
    runs: dict[int, list[tuple[int, str]]] = {}
    for line, text in lines:
        word, *more = text.split(None, 1) or [""]
        rest = more[0] if more else ""
        instruction = word.upper()
        if instruction == "ARG" and not stages:
            for name, default in _arg_definitions(rest, path, line, arguments):
                if name in build_args:
                    arguments[name] = build_args[name]
                elif default is not None:
                    arguments[name] = default
                else:
                    arguments.pop(name, None)
                    arguments.update({name: automatic[name]} if name in automatic else {})
        elif instruction == "FROM":
            stages.append(_from(rest, text, path, line, arguments))
        elif instruction == "RUN" and stages:
            runs.setdefault(len(stages) - 1, []).append((line, rest))
    return [
        dataclasses.replace(stage, runs=tuple(runs[index])) if index in runs else stage
        for index, stage in enumerate(stages)
    ]


def _arg_definitions(
    rest: str, path: str, line: int, arguments: dict[str, str]
) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for word in _words(rest, path, line):
        name, equals, value = word.partition("=")
        if not _NAME.fullmatch(name):
            raise declaration_error(
                path,
                line,
                f"ARG '{shown(name)}' is no argument name",
                "write ARG NAME or ARG NAME=default",
            )
        found.append((name, _Expander(arguments, path, line).expand(value) if equals else None))
    return found


def _words(text: str, path: str, line: int) -> list[str]:
    """Whitespace-separated words; quotes keep their spaces (and are removed later)."""
    words: list[str] = []
    current: list[str] = []
    quote = ""
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
            current.append(char)
        elif char.isspace():
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(char)
    if quote:
        raise declaration_error(path, line, "a quote is not closed", "close the quote or remove it")
    if current:
        words.append("".join(current))
    return words


def _from(rest: str, text: str, path: str, line: int, arguments: dict[str, str]) -> _Stage:
    words = _words(rest, path, line)
    platform: str | None = None
    build_platform = False
    while words and words[0].startswith("--"):
        flag, equals, value = words.pop(0).partition("=")
        if flag.lower() != "--platform":
            raise declaration_error(
                path,
                line,
                f"FROM has no flag '{shown(flag)}'",
                "FROM takes --platform=OS/ARCH, an image and AS NAME",
            )
        if not equals:
            value = words.pop(0) if words else ""
        platform = _Expander(arguments, path, line).expand(value)
        build_platform = "BUILD" in value.upper()
    name: str | None = None
    if len(words) == 3 and words[1].lower() == "as":
        name = words[2].lower()
        words = words[:1]
    if len(words) != 1:
        raise declaration_error(
            path,
            line,
            f"cannot read 'FROM {shown(rest)}'",
            "write FROM [--platform=OS/ARCH] IMAGE[:TAG] [AS NAME]",
        )
    expander = _Expander(arguments, path, line)
    image = expander.expand(words[0])
    if not image:
        raise declaration_error(
            path,
            line,
            f"'{shown(text)}' names no image: {shown(words[0])} is empty",
            "give the ARG a default, or pass the value (--build-arg) or the target (--target)",
        )
    _check_reference(image, text, path, line, expander.unset)
    return _Stage(line, text, image, platform or None, name, build_platform and bool(platform))


# A tag as Docker's reference grammar has it; "python:" or "python:-slim" (a variable that
# was empty) is no reference, and docker build stops at it ("invalid reference format").
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def _check_reference(image: str, text: str, path: str, line: int, unset: Sequence[str]) -> None:
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" not in last or _TAG.fullmatch(last.partition(":")[2]):
        return
    why = f"its tag '{shown(last.partition(':')[2])}' is not a Docker tag"
    hint = "write a tag such as python:3.12-slim, or pass the target (--target)"
    if unset:
        names = list(dict.fromkeys(unset))
        shown_names = ", ".join(f"${name}" for name in names)
        why += (
            f" ({shown_names} has no value here: FROM sees the ARGs given a value"
            " before the first FROM)"
        )
        hint = (
            f"write ARG {names[0]}=VALUE before the first FROM, or pass"
            f" --build-arg {names[0]}=VALUE"
        )
    raise declaration_error(path, line, f"'{shown(text)}' names no image: {why}", hint)


@dataclass(frozen=True, slots=True)
class _Expander:
    """Substitutes variables in a word as BuildKit's shell lexer does for ``FROM`` and
    ``ARG``: ``$NAME``, ``${NAME}``, ``${NAME:-x}``, ``${NAME-x}``, ``${NAME:+x}``,
    ``${NAME+x}``, quotes and backslash escapes."""

    arguments: Mapping[str, str]
    path: str
    line: int
    # The variables substituted with nothing because they were not set (not "set empty").
    unset: list[str] = dataclasses.field(default_factory=list)

    def expand(self, word: str, depth: int = 0) -> str:
        if depth > _MAX_EXPANSION_DEPTH:
            raise declaration_error(
                self.path, self.line, "variables nested too deep", "simplify the ${...}"
            )
        out: list[str] = []
        index = 0
        size = len(word)  # an upper bound of the literal part, plus each value substituted
        quote = ""
        while index < len(word):
            char = word[index]
            if char == "'" and quote != '"':
                quote = "" if quote == "'" else "'"
            elif char == '"' and quote != "'":
                quote = "" if quote == '"' else '"'
            elif char == "\\" and index + 1 < len(word) and quote != "'":
                index += 1
                out.append(word[index])
            elif char == "$" and quote != "'":
                value, index = self._variable(word, index + 1, depth)
                out.append(value)
                size += len(value)
                if size > MAX_EXPANDED_CHARS:
                    raise declaration_error(
                        self.path,
                        self.line,
                        f"'{shown(word)}' expands to more than {MAX_EXPANDED_CHARS:,} characters",
                        "check the ARG values: no image reference is this long",
                    )
                continue
            else:
                out.append(char)
            index += 1
        return "".join(out)

    def _variable(self, word: str, index: int, depth: int) -> tuple[str, int]:
        """The value of the variable at ``word[index]`` (after ``$``), and the index after it."""
        if index >= len(word) or word[index] != "{":
            found_name = _NAME.match(word, index)
            if found_name is None:
                return "$", index
            if found_name[0] not in self.arguments:
                self.unset.append(found_name[0])
            return self.arguments.get(found_name[0], ""), found_name.end()
        close = _closing_brace(word, index + 1)
        if close is None:
            raise declaration_error(
                self.path, self.line, f"'${shown(word[index:])}' is not closed", "close it with }"
            )
        body = word[index + 1 : close]
        found = _BRACED.fullmatch(body)
        if found is None:
            raise declaration_error(
                self.path,
                self.line,
                f"cannot substitute '${{{shown(body)}}}'",
                "use ${NAME}, ${NAME:-default} or ${NAME:+value}",
            )
        name, colon, operator, alternative = found.groups()
        value = self.arguments.get(name)
        if value is None and operator is None:
            self.unset.append(name)
        is_set = value is not None and (value != "" or not colon)
        if operator == "-":
            value = value if is_set else self.expand(alternative, depth + 1)
        elif operator == "+":
            value = self.expand(alternative, depth + 1) if is_set else ""
        return value or "", close + 1


def _closing_brace(word: str, index: int) -> int | None:
    depth = 0
    for position in range(index, len(word)):
        if word[position] == "{":
            depth += 1
        elif word[position] == "}":
            if depth == 0:
                return position
            depth -= 1
    return None


def _final_stage(stages: list[_Stage], wanted: str | None, path: str) -> _Stage:
    if wanted is None:
        return stages[-1]
    for found in stages:
        if found.name == wanted.lower():
            return found
    names = ", ".join(s.name for s in stages if s.name) or "none"
    raise declaration_error(
        path,
        None,
        f"no stage named '{shown(wanted)}' (stages: {shown(names)})",
        "name a stage of FROM ... AS NAME",
    )


def _follow(stages: list[_Stage], final: _Stage) -> tuple[list[_Stage], _Stage | None]:
    """The stages from the one whose image ``final`` is built on to ``final``, and the
    nearest one naming a platform. A ``FROM NAME`` names the last stage called so before it."""
    parents: list[int | None] = []
    named: dict[str, int] = {}
    for index, stage in enumerate(stages):
        parents.append(named.get(stage.image.lower()))
        if stage.name is not None:
            named[stage.name] = index
    chain = [final]
    parent = parents[stages.index(final)]
    while parent is not None:
        chain.append(stages[parent])
        parent = parents[parent]
    chain.reverse()
    platform = next((s for s in reversed(chain) if s.platform), None)
    return chain, platform


def _installed_python(chain: list[_Stage]) -> tuple[int, str, Python] | None:
    """The last CPython a ``RUN`` of ``chain`` installs (line, how, version), if any.

    Read from the end, each command cut at ``;``, ``&`` and ``|`` and its words looked
    up: the time stays linear in the length of the ``RUN`` lines.
    """
    for stage in reversed(chain):
        for line, command in reversed(stage.runs):
            for segment in reversed(_SEPARATORS.split(command)):
                pattern = _install_pattern(segment.split())
                python = _last_python(pattern.findall(segment)) if pattern else None
                if python is not None:
                    return line, shown(segment.strip()), python
    return None


def _last_python(versions: list[str]) -> Python | None:
    for version in reversed(versions):
        with contextlib.suppress(UnknownTarget):
            return parse_python(version)
    return None


def _install_pattern(words: list[str]) -> re.Pattern[str] | None:
    """How versions are named in a command that installs a Python (``None``: it does not):
    a package manager's ``python3.11``; uv's, pyenv's or conda's version."""
    present = set(words)
    if present & _PACKAGE_MANAGERS and present & {"install", "add"}:
        return _PACKAGE_VERSION
    uv_python = "uv" in present and (
        {"python", "install"} <= present or any(w.startswith("--python") for w in words)
    )
    pyenv = "pyenv" in present and bool(present & {"install", "global"})
    conda = bool(present & _CONDAS) and bool(present & {"install", "create"})
    return _TOOL_VERSION if uv_python or pyenv or conda else None


# A RUN that puts another Python beside the distribution's: deadsnakes' or EPEL's
# python3.11 packages, uv, pyenv, conda.
_SEPARATORS = re.compile(r"[;&|]")
_PACKAGE_MANAGERS: Final = frozenset({"apt-get", "apt", "apk", "dnf", "yum", "microdnf", "zypper"})
_CONDAS: Final = frozenset({"conda", "mamba", "micromamba"})
# Only the minors wheelcast knows (3.3 to 3.16), so a match is rarely refused after it.
_MINOR = r"3\.(?:1[0-6]|[3-9])"
_PACKAGE_VERSION = re.compile(rf"(?<![\w.-])python({_MINOR})(?![\d.])")
_TOOL_VERSION = re.compile(
    rf"(?<![\w.])(?:python=*|cpython-|--python=?)?({_MINOR}(?:\.\d+)?t?)(?![\d.])"
)


# --- what an image is ------------------------------------------------------------------


def _strip_registry(reference: str) -> str:
    parts = reference.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if len(parts) == 2 and parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts)


def image_target(
    image: str, platform: str = DEFAULT_PLATFORM, where: str = "image", line: int | None = None
) -> ImageFacts:
    """The platform and Python of the container ``image`` on ``platform``, and what it is
    (``Debian 12 (bookworm), glibc 2.36, CPython 3.12``); ``where`` and ``line`` name it in
    the error when it cannot be told."""
    unknown = functools.partial(_unknown, image, where, line)
    reference, _, digest = image.partition("@")
    repository, colon, tag = _strip_registry(reference).lower().rpartition(":")
    if not colon or "/" in tag:
        repository, tag = _strip_registry(reference).lower(), ""
    if not tag and digest:
        raise unknown("a digest alone does not say which release it is")
    os_name, arch = parse_docker_platform(platform, where if line is None else f"{where}:{line}")
    found: ImageFacts | None = None
    if repository == "python":
        found = _python_image(tag or "latest", os_name, arch)
    elif repository == "astral-sh/uv" and (uv := _UV_PYTHON_TAG.fullmatch(tag)):
        # uv's images with a Python are built on the python image of that tag.
        found = _python_image(f"{uv[1]}-{uv[2]}", os_name, arch)
    elif os_name == "linux" and repository in {"debian", "ubuntu", "alpine"}:
        found = _base_image(repository, tag or "latest", arch)
    elif repository == "scratch":
        raise unknown("an empty image has no Python")
    elif os_name == "linux":
        found = _other_linux_image(repository, tag, arch)
    if found is None and repository in {"ubuntu", "alpine"} and tag in _MOVING_TAGS:
        raise unknown(f"'{tag or 'latest'}' moves from release to release: pin one")
    if found is None:
        raise unknown(None)
    return found


_MOVING_TAGS: Final = frozenset({"", "latest", "rolling", "edge"})


def _unknown(image: str, where: str, line: int | None, why: str | None) -> Exception:
    reason = f" ({why})" if why else ""
    return declaration_error(
        where,
        line,
        f"cannot tell which platform and Python '{'FROM ' if line else ''}{shown(image)}'"
        f" has{reason}",
        "pass them instead: --target manylinux_2_36_x86_64@3.12 (glibc 2.36, CPython 3.12),"
        " or musllinux_1_2_x86_64@3.12 for a musl image",
    )


def _python_tag(tag: str) -> tuple[Python, str, list[str]] | None:
    """The CPython a ``python`` image tag names, described, and the tag's variant words."""
    version_text, *variants = tag.split("-")
    matched = _PYTHON_TAG_VERSION.fullmatch(version_text)
    newest = f"CPython {NEWEST_STABLE_PYTHON} (the newest stable release)"
    if matched is None:  # "latest", "slim", "alpine", "bookworm": no version
        words = [version_text, *variants] if version_text != "latest" else variants
        return parse_python(NEWEST_STABLE_PYTHON), newest, words
    if matched[2] is None:  # "3": the newest 3.x
        return (parse_python(NEWEST_STABLE_PYTHON), newest, variants) if matched[1] == "3" else None
    try:
        python = parse_python(".".join(p for p in matched.groups() if p is not None))
    except UnknownTarget:
        return None
    return python, f"CPython {python.short}", variants


def _python_image(tag: str, os_name: str, arch: str) -> ImageFacts | None:  # noqa: PLR0911 - one return per kind
    named = _python_tag(tag)
    if named is None:
        return None
    python, described, variants = named
    if any(v in _WINDOWS_VARIANTS for v in variants):
        rest = [v for v in variants if v not in _WINDOWS_VARIANTS]
        # The official Windows images are built for amd64 only.
        if arch not in {"amd64", "x86_64"} or not all(_WINDOWS_RELEASES.fullmatch(v) for v in rest):
            return None
        return ImageFacts(Platform("windows", "amd64"), python, f"Windows, {described}")
    variants = [v for v in variants if v != "slim"]
    if os_name != "linux" or len(variants) > 1:
        return None
    if variants and (alpine := _ALPINE_VARIANT.fullmatch(variants[0])):
        musl = _musl_of(alpine[1])
        release = f"Alpine {alpine[1]}" if alpine[1] else "Alpine"
        return (
            ImageFacts(
                Platform("linux", arch, "musl", musl),
                python,
                f"{release}, musl {musl[0]}.{musl[1]}, {described}",
            )
            if musl is not None
            else None
        )
    minor = (python.version[0], python.version[1])
    distro = DEBIAN.get(variants[0] if variants else python_image_debian(minor))
    if distro is None:
        return None
    return ImageFacts(
        Platform("linux", arch, "glibc", distro.libc),
        python,
        f"{distro.name}, glibc {distro.libc[0]}.{distro.libc[1]}, {described}",
    )


def _other_linux_image(repository: str, tag: str, arch: str) -> ImageFacts | None:
    """The Red Hat family, Amazon Linux, AWS Lambda's Python and NVIDIA's CUDA images."""
    if repository == "lambda/python" and (version := _LAMBDA_TAG.fullmatch(tag)):
        python = parse_python(version[1])
        distro = ENTERPRISE[lambda_base((python.version[0], python.version[1]))]
        # A tag ending in the architecture names an image built for it alone.
        only = {"arm64": "aarch64", "x86_64": "x86_64"}.get(version[2] or "", arch)
        return _distro_image(distro, only, python, packaged=False)
    if repository == "nvidia/cuda" and (cuda := _CUDA_TAG.fullmatch(tag)):
        if cuda[1] is not None:
            return _base_image("ubuntu", cuda[1], arch)
        repository, tag = "rockylinux", cuda[2]
    major = re.match(r"\d+", tag)
    release: str | None = None
    if repository in _ENTERPRISE_REPOSITORIES and major is not None:
        release = f"el{major[0]}"
    elif (ubi := _UBI.fullmatch(repository)) is not None:
        release = f"el{ubi[1]}"
    elif repository == "amazonlinux" and major is not None:
        release = f"al{major[0]}"
    family = ENTERPRISE.get(release or "")
    if family is None:
        return None
    return _distro_image(family, arch, parse_python(family.python), packaged=True)


def _distro_image(distro: Distro, arch: str, python: Python, *, packaged: bool) -> ImageFacts:
    source = " from its python3 package" if packaged else ""
    return ImageFacts(
        Platform("linux", arch, "glibc", distro.libc),
        python,
        f"{distro.name}, glibc {distro.libc[0]}.{distro.libc[1]}, CPython {python.short}{source}",
        packaged,
    )


_ENTERPRISE_REPOSITORIES: Final = frozenset(
    {"rockylinux", "rockylinux/rockylinux", "almalinux", "almalinux/almalinux", "oraclelinux"}
)
_UBI = re.compile(r"(?:redhat/|ubi\d+/)?ubi(\d+)(?:/ubi)?(?:-minimal|-micro|-init)?")
_LAMBDA_TAG = re.compile(r"(3\.\d+)(?:\.\d+)*(?:-(arm64|x86_64))?")
_CUDA_TAG = re.compile(r"[\d.]+(?:-[a-z]+)*-(?:ubuntu(\d+\.\d+)|(?:ubi|rockylinux)(\d+))")


def _musl_of(release: str | None) -> tuple[int, int] | None:
    """musl's version on Alpine ``release`` (``None``: any current one, which is 1.2)."""
    if release is None:
        return (1, 2)
    known = alpine_release(release)
    if known is not None:
        major, minor, *_ = known[1].musl.split(".")
        return (int(major), int(minor))
    parts = release.split(".")
    # Every Alpine from 3.13 on ships musl 1.2; a newer release than the table's is one.
    return (1, 2) if (int(parts[0]), int(parts[1])) >= (3, 13) else None


def _base_image(repository: str, tag: str, arch: str) -> ImageFacts | None:
    if repository == "alpine":
        release = tag if re.fullmatch(r"\d+\.\d+(?:\.\d+)?", tag) else None
        found = alpine_release(release) if release else None
        if found is None:
            return None
        name, alpine = found
        major, minor, *_ = alpine.musl.split(".")
        python = parse_python(alpine.python)
        return ImageFacts(
            Platform("linux", arch, "musl", (int(major), int(minor))),
            python,
            f"Alpine {name}, musl {alpine.musl}, CPython {python.short} from its python3 package",
            packaged=True,
        )
    release, *variants = tag.split("-")
    if any(v != "slim" and not _DATED.fullmatch(v) for v in variants):
        return None
    if repository == "debian":
        codename = DEBIAN_ALIASES.get(release.split(".")[0], release)
        distro = DEBIAN.get(codename)
    else:
        distro = UBUNTU.get(UBUNTU_ALIASES.get(release, release))
    if distro is None:
        return None
    return _distro_image(distro, arch, parse_python(distro.python), packaged=True)
