"""pip's requirements-file syntax, read the way ``pip install -r`` reads it.

Written here because pip's parser (``pip._internal.req.req_file``) is private API that
changes between releases, and no maintained public package parses the whole syntax.
The rules follow pip 25:

- a line ending in ``\\`` continues on the next one (a comment line ends it);
  errors name the first physical line of a joined line;
- ``#`` starts a comment at the start of a line or after whitespace;
- ``${NAME}`` (uppercase letters, digits, ``_``) is replaced by the environment
  variable when it is set and not empty; other forms are left as written;
- a line is a requirement followed by options, or options alone; options are
  ``-r/--requirement``, ``-c/--constraint`` (paths relative to the including file;
  ``-r`` inside a constraints file still means requirements, as in pip),
  ``-e/--editable``, ``-i/--index-url``, ``--extra-index-url``, ``--no-index``,
  ``-f/--find-links``, ``--only-binary``, ``--no-binary``, ``--prefer-binary``,
  ``--pre``, ``--require-hashes``, ``--trusted-host``, ``--use-feature``; after a
  requirement: ``--hash``, ``--config-settings``, ``--global-option``;
- ``-e``, URLs (``https://``, ``git+https://``, ``file:``), ``name @ URL``, archive
  names (``x.whl``, ``x.tar.gz``, ``x.zip``) and paths (holding ``/``, or an existing
  folder with ``pyproject.toml``/``setup.py``) are direct requirements
  (:class:`DirectItem`): never looked up on an index, never dropped.

Include cycles and missing includes are errors naming the including line.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement as _PackagingInvalidRequirement
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

from wheelcast.errors import InvalidInputFile, InvalidRequirement
from wheelcast.inputs import _files
from wheelcast.inputs.model import (
    DirectItem,
    IndexSettings,
    Origin,
    ProjectInput,
    RequirementItem,
)
from wheelcast.runtime.limits import MAX_INCLUDE_DEPTH, shown
from wheelcast.runtime.witness import saw_folder

_BOM = "\ufeff"
_COMMENT = re.compile(r"(^|\s+)#.*$")
_ENV_VAR = re.compile(r"(?P<var>\$\{(?P<name>[A-Z0-9_]+)\})")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^file:")
_EGG = re.compile(r"[#&]egg=([^&]+)")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip")

# option -> (canonical name, takes a value)
_GLOBAL_OPTIONS: dict[str, tuple[str, bool]] = {
    "-r": ("requirement", True),
    "--requirement": ("requirement", True),
    "-c": ("constraint", True),
    "--constraint": ("constraint", True),
    "-e": ("editable", True),
    "--editable": ("editable", True),
    "-i": ("index-url", True),
    "--index-url": ("index-url", True),
    "--extra-index-url": ("extra-index-url", True),
    "--no-index": ("no-index", False),
    "-f": ("find-links", True),
    "--find-links": ("find-links", True),
    "--only-binary": ("only-binary", True),
    "--no-binary": ("no-binary", True),
    "--prefer-binary": ("prefer-binary", False),
    "--pre": ("pre", False),
    "--require-hashes": ("require-hashes", False),
    "--trusted-host": ("trusted-host", True),
    "--use-feature": ("use-feature", True),
}
_REQUIREMENT_OPTIONS: dict[str, tuple[str, bool]] = {
    "--hash": ("hash", True),
    "--config-settings": ("config-settings", True),
    "--global-option": ("global-option", True),
}
_HINT_OPTIONS = "pip's requirements files accept -r, -c, -e, -i, -f and the binary/index options"


def parse_requirement(text: str, where: str = "") -> Requirement:
    """Parse one PEP 508 requirement; ``where`` (``file:line``) prefixes the error."""
    try:
        return Requirement(text.strip())
    except _PackagingInvalidRequirement as exc:
        prefix = f"{where}: " if where else ""
        reason = str(exc).splitlines()[0]
        raise InvalidRequirement(
            f"{prefix}invalid requirement '{shown(text.strip())}': {shown(reason)}",
            "write it as PEP 508 describes, e.g. 'numpy>=1.26' or 'uvicorn[standard]'",
        ) from None


def read_requirements(
    path: Path, *, constraint: bool = False, environ: Mapping[str, str] | None = None
) -> ProjectInput:
    """Read a requirements file (``constraint``: as ``-c``) and everything it includes.

    ``environ`` replaces ``os.environ`` for ``${VAR}`` expansion (for tests).
    """
    reader = _Reader(os.environ if environ is None else environ)
    reader.read(path, constraint=constraint, included_from=None)
    return ProjectInput(
        kind="requirements",
        path=path,
        requirements=tuple(reader.requirements),
        constraints=tuple(reader.constraints),
        direct=tuple(reader.direct),
        settings=reader.settings(),
        notes=tuple(dict.fromkeys(reader.notes)),
    )


def read_requirements_file(path: Path) -> list[Requirement]:
    """The requirements of a file that holds only PEP 508 requirements (and includes).

    Kept for callers that want bare requirements; a file with direct requirements,
    constraints or index options raises :class:`InvalidInputFile` (naming the first
    such line) rather than dropping them: use :func:`read_requirements` for those.
    """
    project = read_requirements(path)
    if project.direct:
        item = project.direct[0]
        raise item.origin.error(
            f"direct requirement '{shown(item.url_or_path)}' needs the full reader",
            "use wheelcast.inputs.read_requirements",
        )
    if project.constraints or project.settings != IndexSettings(
        hashes=project.settings.hashes, require_hashes=project.settings.require_hashes
    ):
        raise InvalidInputFile(
            f"{path}: holds constraints or index options that a bare list would drop",
            "use wheelcast.inputs.read_requirements",
        )
    return [item.requirement for item in project.requirements]


# --- the reader --------------------------------------------------------------------


@dataclass
class _Frame:
    """A requirements file being read: the lines it has left."""

    path: Path
    constraint: bool
    lines: Iterator[tuple[int, str]]


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (
        OSError,
        RuntimeError,
        ValueError,
    ):  # a name too long, a symlink loop: read_text says so
        return path.absolute()


@dataclass
class _Reader:
    environ: Mapping[str, str]
    requirements: list[RequirementItem] = field(default_factory=list)
    constraints: list[RequirementItem] = field(default_factory=list)
    direct: list[DirectItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stack: list[Path] = field(default_factory=list)
    frames: list[_Frame] = field(default_factory=list)
    index_url: str | None = None
    extra_index_urls: list[str] = field(default_factory=list)
    find_links: list[str] = field(default_factory=list)
    no_index: bool = False
    only_binary: set[str] = field(default_factory=set)
    no_binary: set[str] = field(default_factory=set)
    binary_options: list[tuple[str, str]] = field(default_factory=list)
    prefer_binary: bool = False
    pre: bool = False
    require_hashes: bool = False
    hashes: dict[NormalizedName, list[str]] = field(default_factory=dict)

    def settings(self) -> IndexSettings:
        return IndexSettings(
            index_url=self.index_url,
            extra_index_urls=tuple(self.extra_index_urls),
            find_links=tuple(self.find_links),
            no_index=self.no_index,
            only_binary=frozenset(self.only_binary),
            no_binary=frozenset(self.no_binary),
            binary_options=tuple(self.binary_options),
            prefer_binary=self.prefer_binary,
            pre=self.pre,
            require_hashes=self.require_hashes,
            hashes=tuple((name, tuple(values)) for name, values in self.hashes.items()),
        )

    def read(self, path: Path, *, constraint: bool, included_from: Origin | None) -> None:
        """Read ``path`` and its includes, depth first in file order, with an explicit
        stack: a long ``-r`` chain meets :data:`MAX_INCLUDE_DEPTH`, never the
        interpreter's recursion limit."""
        self._open(path, constraint=constraint, included_from=included_from)
        while self.frames:
            frame = self.frames[-1]
            found = next(frame.lines, None)
            if found is None:
                self.frames.pop()
                self.stack.pop()
                continue
            number, line = found
            self._line(line, Origin(frame.path, number), constraint=frame.constraint)

    def _open(self, path: Path, *, constraint: bool, included_from: Origin | None) -> None:
        resolved = _resolved(path)
        if resolved in self.stack:
            assert included_from is not None  # noqa: S101 - the first file starts the stack
            chain = " -> ".join(str(p.name) for p in [*self.stack, resolved])
            raise included_from.error(
                f"include cycle: {shown(chain)}",
                "remove the -r/-c line that includes a file again",
            )
        if len(self.stack) >= MAX_INCLUDE_DEPTH:
            assert included_from is not None  # noqa: S101 - the cap is well above one
            raise included_from.error(
                f"includes nested deeper than {MAX_INCLUDE_DEPTH} files",
                "include the files from one top-level requirements file instead",
            )
        text = _files.read_text(path, included_from, as_pip_decodes=True)
        if text.startswith(_BOM):  # as pip does: editors on Windows write one
            text = text[1:]
        self.stack.append(resolved)
        self.frames.append(_Frame(path, constraint, _logical_lines(text, self.environ)))

    def _line(self, line: str, origin: Origin, *, constraint: bool) -> None:
        args, options_text = _split_args_options(line)
        try:
            tokens = shlex.split(options_text)
        except ValueError as exc:
            raise origin.error(
                f"cannot split options '{shown(options_text)}': {exc}", "close the quote"
            ) from None
        allowed = _REQUIREMENT_OPTIONS if args else {**_GLOBAL_OPTIONS, **_REQUIREMENT_OPTIONS}
        options = _parse_options(tokens, allowed, origin)
        if args:
            hashes = tuple(value for name, value in options if name == "hash")
            self._requirement(args, origin, constraint=constraint, editable=False, hashes=hashes)
            for name, _ in options:
                if name in {"config-settings", "global-option"}:
                    self.notes.append(f"{origin}: --{name} does not change which file is chosen")
            return
        for name, value in options:
            self._option(name, value, origin, constraint=constraint)

    def _option(self, name: str, value: str, origin: Origin, *, constraint: bool) -> None:  # noqa: PLR0912 - one branch per pip option
        match name:
            case "requirement" | "constraint":
                if _SCHEME.match(value):
                    raise origin.error(
                        f"remote include '{shown(value)}' is not read",
                        "download the file and include it by path",
                    )
                target = origin.path.parent / value
                self._open(target, constraint=name == "constraint", included_from=origin)
            case "editable":
                self._requirement(value, origin, constraint=constraint, editable=True, hashes=())
            case "index-url":
                self.index_url = value
            case "extra-index-url":
                self.extra_index_urls.append(value)
            case "no-index":
                self.no_index = True
            case "find-links":
                # pip: a relative find-links that exists beside the file is taken from there.
                beside = origin.path.parent / value
                self.find_links.append(
                    str(beside) if not _SCHEME.match(value) and _exists(beside) else value
                )
            case "only-binary" | "no-binary":
                _mutual_excludes(name, value, self.only_binary, self.no_binary, origin)
                self.binary_options.append((name, value))
            case "prefer-binary":
                self.prefer_binary = True
            case "pre":
                self.pre = True
            case "require-hashes":
                self.require_hashes = True
            case "hash" | "config-settings" | "global-option":
                raise origin.error(
                    f"--{name} must follow a requirement on the same line",
                    "write it as 'name==1.0 --hash=sha256:...'",
                )
            case _:  # trusted-host, use-feature: no effect on which file is chosen
                self.notes.append(f"{origin}: --{name} does not change which file is chosen")

    def _requirement(
        self,
        text: str,
        origin: Origin,
        *,
        constraint: bool,
        editable: bool,
        hashes: tuple[str, ...],
    ) -> None:
        item = _classify(text, origin, editable=editable)
        if isinstance(item, DirectItem):
            if constraint:
                if editable:
                    raise origin.error(
                        "editable requirements are not allowed as constraints",
                        "move the -e line to a requirements file",
                    )
                self.notes.append(f"{origin}: direct URL constraint '{shown(text)}' is not checked")
                return
            self.direct.append(item)
            return
        if constraint and item.extras:
            # pip's resolver refuses them ("Constraints cannot have extras"): the install fails.
            raise origin.error(
                f"constraint '{shown(text)}' names extras, which pip refuses in a constraint",
                f"constrain {item.name} without [{','.join(sorted(item.extras))}]",
            )
        req = RequirementItem(item, origin, hashes)
        (self.constraints if constraint else self.requirements).append(req)
        if hashes:
            self.hashes.setdefault(canonicalize_name(item.name), []).extend(hashes)


def _logical_lines(text: str, environ: Mapping[str, str]) -> Iterator[tuple[int, str]]:
    """pip's preprocessing: join continuations, drop comments, expand ``${VAR}``."""
    for number, joined in _join_lines(text.splitlines()):
        line = _without_comment(joined).strip()
        if not line:
            continue
        for var, name in _ENV_VAR.findall(line):
            value = environ.get(name)
            if value:
                line = line.replace(var, value)
        yield number, line


def _without_comment(line: str) -> str:
    """``line`` less pip's ``COMMENT_RE`` (``(^|\\s+)#.*$``), found in linear time: the
    regex backtracks over every space of a long run before a ``;`` (50,000 spaces took
    45 s, in pip as well). The comment starts at the first ``#`` that opens the line or
    follows whitespace; that whitespace goes with it."""
    at = line.find("#")
    while at > 0 and not line[at - 1].isspace():
        at = line.find("#", at + 1)
    return line if at < 0 else line[:at].rstrip()


def _join_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    primary: int | None = None
    parts: list[str] = []
    for number, raw in enumerate(lines, start=1):
        line = raw
        if not line.endswith("\\") or _COMMENT.match(line):
            if _COMMENT.match(line):
                line = " " + line  # a comment ends a continued line and is dropped later
            if parts:
                parts.append(line)
                yield primary or number, "".join(parts)
                parts = []
            else:
                yield number, line
        else:
            if not parts:
                primary = number
            parts.append(line.strip("\\"))
    if parts:
        yield primary or len(lines), "".join(parts)


def _split_args_options(line: str) -> tuple[str, str]:
    """pip's break_args_options: words up to the first one starting with ``-``."""
    tokens = line.split(" ")
    args: list[str] = []
    for token in tokens:
        if token.startswith("-"):
            break
        args.append(token)
    return " ".join(args).strip(), " ".join(tokens[len(args) :])


def _parse_options(
    tokens: list[str], allowed: Mapping[str, tuple[str, bool]], origin: Origin
) -> list[tuple[str, str]]:
    """``--opt=value``, ``--opt value``, ``-ovalue``, ``-o value``, as optparse reads them."""
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if not token.startswith("-"):
            raise origin.error(f"unexpected '{shown(token)}' among options", _HINT_OPTIONS)
        if token.startswith("--"):
            flag, has_value, inline = token.partition("=")
        elif len(token) > 2:  # -rfile.txt
            flag, has_value, inline = token[:2], "=", token[2:]
        else:
            flag, has_value, inline = token, "", ""
        if flag not in allowed:
            where = "after a requirement" if allowed is _REQUIREMENT_OPTIONS else "here"
            known = flag in _GLOBAL_OPTIONS or flag in _REQUIREMENT_OPTIONS
            message = f"option '{flag}' is not allowed {where}" if known else None
            raise origin.error(message or f"unknown option '{shown(flag)}'", _HINT_OPTIONS)
        name, takes_value = allowed[flag]
        if not takes_value:
            if has_value:
                raise origin.error(f"option '{flag}' takes no value", _HINT_OPTIONS)
            found.append((name, ""))
            continue
        if not has_value:
            if position >= len(tokens):
                raise origin.error(f"option '{flag}' needs a value", _HINT_OPTIONS)
            inline = tokens[position]
            position += 1
        found.append((name, inline))
    return found


def _mutual_excludes(
    kind: str, value: str, only_binary: set[str], no_binary: set[str], origin: Origin
) -> None:
    try:
        apply_binary_option(kind, value, only_binary, no_binary)
    except ValueError:
        raise origin.error(
            "--no-binary / --only-binary need a value", "e.g. --only-binary=:all:"
        ) from None


def apply_binary_option(kind: str, value: str, only_binary: set[str], no_binary: set[str]) -> None:
    """One ``--only-binary`` / ``--no-binary`` (``kind``) applied as pip's FormatControl
    does (``handle_mutual_excludes``): a name moves to this option's set from the other,
    ``:all:`` clears both, ``:none:`` clears this one; so the later option wins.

    Raises ValueError for a value that is an option (pip's "must be given a value").
    """
    target, other = (only_binary, no_binary) if kind == "only-binary" else (no_binary, only_binary)
    if value.startswith("-"):
        raise ValueError(value)
    names = value.split(",")
    while ":all:" in names:
        other.clear()
        target.clear()
        target.add(":all:")
        del names[: names.index(":all:") + 1]
        if ":none:" not in names:
            return
    for name in names:
        if name == ":none:":
            target.clear()
            continue
        canonical = canonicalize_name(name)
        other.discard(canonical)
        target.add(canonical)


def format_control(
    options: Iterable[tuple[str, str]],
    only_binary: Iterable[str] = (),
    no_binary: Iterable[str] = (),
) -> tuple[frozenset[str], frozenset[str]]:
    """``(only_binary, no_binary)`` after ``options`` (``(kind, value)`` in the order pip
    reads them), starting from the given sets."""
    only, no = set(only_binary), set(no_binary)
    for kind, value in options:
        apply_binary_option(kind, value, only, no)
    return frozenset(only), frozenset(no)


def names_a_distribution(text: str) -> bool:
    """Whether ``text`` is a URL or a path of a distribution file (``x.whl``, ``x.tar.gz``),
    as pip tells them from a requirement: a direct reference wherever it is written."""
    location, _ = _split_marker(text)
    base = re.sub(r"\[.*\]$", "", location)
    return bool(_SCHEME.match(location)) or base.lower().endswith(_ARCHIVES)


def parse_line(text: str, origin: Origin) -> RequirementItem | DirectItem:
    """One requirement as a requirements file's line would give it (no options)."""
    item = _classify(text, origin, editable=False)
    return item if isinstance(item, DirectItem) else RequirementItem(item, origin)


def _classify(text: str, origin: Origin, *, editable: bool) -> Requirement | DirectItem:
    """A PEP 508 requirement, or a direct URL / path requirement as pip would see it."""
    if editable:
        return DirectItem(_egg_name(text), text, origin, editable=True)
    location, marker_text = _split_marker(text)
    if _SCHEME.match(location) or _looks_like_path(location):
        marker = _files.marker(marker_text, origin)
        return DirectItem(_egg_name(location), location, origin, marker=marker)
    parsed = _files.requirement(text, origin)
    if parsed.url:
        return DirectItem(
            canonicalize_name(parsed.name),
            parsed.url,
            origin,
            marker=parsed.marker,
            extras=frozenset(parsed.extras),
        )
    return parsed


def _split_marker(text: str) -> tuple[str, str | None]:
    # pip: after a URL the marker needs "; " (a URL may hold ";"); after a path, ";".
    separator = "; " if _SCHEME.match(text) else ";"
    if separator in text:
        location, marker = text.split(separator, 1)
        return location.strip(), marker.strip()
    return text.strip(), None


def _looks_like_path(text: str) -> bool:
    head, at, _ = text.partition("@")
    if at and "/" not in head and "\\" not in head:
        return False  # "name @ url": PEP 508
    base = re.sub(r"\[.*\]$", "", text)  # ./project[extra]
    if base.lower().endswith(_ARCHIVES):
        return True
    if "/" in base or "\\" in base or base in {".", ".."}:
        return True
    folder = Path(base)
    try:
        if not folder.is_dir():
            return False
        saw_folder(folder)  # what it holds decides whether the line is a path
        return (folder / "pyproject.toml").is_file() or (folder / "setup.py").is_file()
    except (OSError, ValueError):  # a name too long or holding NUL is no folder
        return False


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long or holding NUL names nothing
        return False


def _egg_name(text: str) -> NormalizedName | None:
    found = _EGG.search(text)
    if found:
        return canonicalize_name(re.sub(r"\[.*\]$", "", found.group(1)))
    return None
