"""CMake scripts read statically: the languages they enable and the packages they look for.

:func:`scan_cmake` starts at one ``CMakeLists.txt`` and follows ``add_subdirectory`` and
``include`` into the sdist's own files (at most :data:`MAX_DEPTH` deep and :data:`MAX_FILES`
files), as CMake would run them, without running anything. Each ``project()``,
``enable_language()``, ``find_package()`` and ``pkg_check_modules()`` it meets carries the
:class:`~wheelcast.sdist.reach.Reach` of the ``if`` blocks around it, evaluated per operating
system with every ``option()`` at its default (pip passes none) and the defines the backend's
configuration names. Function and macro bodies are not followed (they run only when called).

The reading is one pass per file over a tokenizer whose every step consumes input, so the
time is linear in the size of the scripts, however they are malformed.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from wheelcast.sdist.reach import OSES, Reach, Tri, compiler_found, tri_and, tri_not, tri_or

__all__ = ["MAX_DEPTH", "MAX_FILES", "CMakeHit", "CMakeScan", "Command", "commands", "scan_cmake"]

MAX_DEPTH: Final = 16
MAX_FILES: Final = 256
_MAX_NESTING: Final = 32  # parentheses in one if(); deeper is read as "cannot tell"
_MAX_FRAMES: Final = 64  # nested if blocks followed; deeper ones are read as unconditional
_MAX_MATCHED: Final = 16  # a MATCHES subject (CMAKE_SYSTEM_NAME is short)
_MAX_PATTERN: Final = 200
_MAX_WHY: Final = 8  # options named as what keeps one block off

LANGUAGES: Final[Mapping[str, str]] = {
    "C": "C",
    "CXX": "C++",
    "Fortran": "Fortran",
    "CUDA": "CUDA",
    "HIP": "C++",
    "OBJC": "Objective-C",
    "OBJCXX": "Objective-C++",
    "ASM": "Assembly",
    "ASM_NASM": "Assembly",
    "ASM_MASM": "Assembly",
    "Swift": "Swift",
}
_PKG_KEYWORDS: Final = frozenset(
    {"REQUIRED", "QUIET", "NO_CMAKE_PATH", "NO_CMAKE_ENVIRONMENT_PATH", "IMPORTED_TARGET", "GLOBAL"}
)
_PROJECT_KEYWORDS: Final = frozenset({"VERSION", "DESCRIPTION", "HOMEPAGE_URL", "LANGUAGES"})

# Outside a command: blanks, comments, a command's name and its "(", or anything else.
_TOP: Final = re.compile(
    r"[ \t\r\n]+|#\[(=*)\[|#[^\n]*|([A-Za-z_][A-Za-z0-9_]*)[ \t]*\("
    r"|[A-Za-z_][A-Za-z0-9_]*|[^#A-Za-z_ \t\r\n]+"
)
# Inside a command's parentheses.
_ARG: Final = re.compile(
    r"""(?P<ws>[ \t\r\n]+)
    |\#\[(?P<ceq>=*)\[
    |(?P<comment>\#[^\n]*)
    |\[(?P<beq>=*)\[
    |(?P<quote>")
    |(?P<open>\()
    |(?P<close>\))
    |(?P<word>(?:[^ \t\r\n()#"\\\[]|\\.|\[(?![=\[]))+)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_QUOTED: Final = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"', re.DOTALL)
_VARIABLE: Final = re.compile(r"\$\{([A-Za-z0-9_.+-]+)\}")
_COMPILER: Final = re.compile(r"CMAKE_(\w+)_COMPILER")
_TRUE: Final = frozenset({"1", "ON", "YES", "TRUE", "Y"})
_FALSE: Final = frozenset({"0", "OFF", "NO", "FALSE", "N", "IGNORE", "NOTFOUND", ""})
_UNARY: Final = frozenset(
    {
        "EXISTS",
        "COMMAND",
        "DEFINED",
        "POLICY",
        "TARGET",
        "TEST",
        "IS_DIRECTORY",
        "IS_SYMLINK",
        "IS_ABSOLUTE",
        "IS_READABLE",
        "IS_WRITABLE",
        "IS_EXECUTABLE",
    }
)
_BINARY: Final = frozenset(
    {
        "STREQUAL",
        "STRLESS",
        "STRGREATER",
        "STRLESS_EQUAL",
        "STRGREATER_EQUAL",
        "EQUAL",
        "LESS",
        "GREATER",
        "LESS_EQUAL",
        "GREATER_EQUAL",
        "MATCHES",
        "VERSION_EQUAL",
        "VERSION_LESS",
        "VERSION_GREATER",
        "VERSION_LESS_EQUAL",
        "VERSION_GREATER_EQUAL",
        "IN_LIST",
        "PATH_EQUAL",
        "IS_NEWER_THAN",
    }
)
# What pip's build sees on each system: the platform variables CMake sets.
_PLATFORM: Final[Mapping[str, Mapping[str, str]]] = {
    "linux": {"UNIX": "1", "LINUX": "1", "CMAKE_SYSTEM_NAME": "Linux"},
    "macos": {"UNIX": "1", "APPLE": "1", "CMAKE_SYSTEM_NAME": "Darwin"},
    "windows": {"WIN32": "1", "MSVC": "1", "CMAKE_SYSTEM_NAME": "Windows"},
}
_PLATFORM_NAMES: Final = frozenset(
    {
        "UNIX",
        "LINUX",
        "APPLE",
        "WIN32",
        "MSVC",
        "MINGW",
        "CYGWIN",
        "MSYS",
        "IOS",
        "XROS",
        "ANDROID",
        "EMSCRIPTEN",
        "WINCE",
        "WINDOWS_PHONE",
        "WINDOWS_STORE",
        "BORLAND",
    }
)


@dataclass(frozen=True, slots=True)
class Command:
    """One command invocation: its name lowercased, its arguments, which were quoted."""

    name: str
    args: tuple[str, ...]
    quoted: frozenset[int] = frozenset()


def _bracket_end(text: str, start: int, equals: str) -> int:
    end = text.find(f"]{equals}]", start)
    return len(text) if end < 0 else end + len(equals) + 2


def commands(text: str) -> Iterator[Command]:  # noqa: PLR0912 - one branch per token kind
    """The commands of a CMake script, in order; malformed input ends the list, never loops."""
    pos, size = 0, len(text)
    while pos < size:
        top = _TOP.match(text, pos)
        if top is None:  # a lone "#" or the like: _TOP covers every character
            pos += 1
            continue
        pos = top.end()
        if top.group(1) is not None:
            pos = _bracket_end(text, pos, top.group(1))
            continue
        name = top.group(2)
        if name is None:
            continue
        args: list[str] = []
        quoted: set[int] = set()
        depth = 0
        closed = False
        while pos < size:
            match = _ARG.match(text, pos)
            if match is None:  # never: "other" matches any character
                return
            kind = match.lastgroup
            pos = match.end()
            if kind == "word":
                args.append(match.group())
            elif kind == "quote":
                string = _QUOTED.match(text, match.start())
                if string is None:
                    return  # unterminated: the rest of the file is one string
                quoted.add(len(args))
                args.append(string.group(1).replace('\\"', '"'))
                pos = string.end()
            elif kind == "open":
                depth += 1
                args.append("(")
            elif kind == "close":
                if depth == 0:
                    closed = True
                    break
                depth -= 1
                args.append(")")
            elif match.group("beq") is not None:
                end = _bracket_end(text, pos, match.group("beq"))
                quoted.add(len(args))
                args.append(text[pos : max(pos, end - len(match.group("beq")) - 2)])
                pos = end
            elif match.group("ceq") is not None:
                pos = _bracket_end(text, pos, match.group("ceq"))
        if not closed:
            return
        yield Command(name.lower(), tuple(args), frozenset(quoted))


@dataclass(frozen=True, slots=True)
class CMakeHit:
    """A language enabled or a package looked for, where, and on which systems."""

    kind: str  # "language" | "package" | "pkgconfig"
    name: str  # a wheelcast language name, a find_package name, a pkg-config module
    evidence: str
    reach: Reach
    required: bool = True


@dataclass(frozen=True, slots=True)
class CMakeScan:
    hits: tuple[CMakeHit, ...]
    files: tuple[str, ...]  # the scripts read, in order
    missing: bool  # the starting CMakeLists.txt is absent or unread
    truncated: bool = False  # the depth or file bound stopped the reading


@dataclass
class _Frame:
    current: tuple[Tri, Tri, Tri]
    prior: tuple[Tri, Tri, Tri]
    why: list[str] = field(default_factory=list)


def _constant(value: str) -> Tri:
    upper = value.upper()
    if upper in _TRUE:
        return True
    if upper in _FALSE or upper.endswith("-NOTFOUND"):
        return False
    try:
        return float(value) != 0
    except ValueError:
        return None


class _Interpreter:
    def __init__(self, read: Callable[[str], str | None], defines: Mapping[str, str]) -> None:
        self.read = read
        self.vars: dict[str, str] = dict(defines)
        self.options: set[str] = set()
        self.frames: list[_Frame] = []
        self.overflow = 0  # if blocks open past _MAX_FRAMES
        self.hits: list[CMakeHit] = []
        self.files: list[str] = []
        self.module_path: list[str] = []
        self.truncated = False
        self._seen: set[tuple[str, str, Reach, bool]] = set()
        self._reach_key: object = ()
        self._reach = Reach((True, True, True))

    # -- values -----------------------------------------------------------------------------

    def _expand(self, text: str, os: str) -> str | None:
        unknown = False

        def one(match: re.Match[str]) -> str:
            nonlocal unknown
            value = self._variable(match.group(1), os)
            if value is None:
                unknown = True
                return ""
            return value

        result = _VARIABLE.sub(one, text)
        return None if unknown or "${" in result or "$ENV{" in result else result

    def _variable(self, name: str, os: str) -> str | None:
        platform = _PLATFORM[os]
        if name in platform:
            return platform[name]
        if name in _PLATFORM_NAMES:
            return "0"
        return self.vars.get(name)

    def _truth(self, token: str, os: str, why: list[str], *, quoted: bool) -> Tri:  # noqa: PLR0911 - one answer per kind of operand
        if quoted:
            value = self._expand(token, os)
            return None if value is None else _constant(value) is True
        if "${" in token:
            expanded = self._expand(token, os)
            if expanded is None:
                return None
            token = expanded
        constant = _constant(token)
        if constant is not None and not re.fullmatch(r"[A-Za-z_]\w*", token):
            return constant
        if token.upper() in _TRUE | _FALSE:
            return constant
        compiler = _COMPILER.fullmatch(token)
        if compiler is not None:
            why.append(compiler_found(LANGUAGES.get(compiler.group(1), compiler.group(1))))
            return False
        value = self._variable(token, os)
        if value is None:
            return None
        if token in self.options:
            why.append(token)
        return _constant(value) is not False

    def _operand(self, token: str, os: str, *, quoted: bool, lhs: bool) -> str | None:
        if quoted or "${" in token:
            return self._expand(token, os)
        value = self._variable(token, os)
        if value is not None:
            return value
        return None if lhs and re.fullmatch(r"[A-Za-z_]\w*", token) else token

    def _compare(self, op: str, left: str | None, right: str | None) -> Tri:  # noqa: PLR0911
        if left is None or right is None:
            return None
        if op == "STREQUAL":
            return left == right
        if op == "MATCHES":
            if len(left) > _MAX_MATCHED or len(right) > _MAX_PATTERN:
                return None  # the sdist's pattern: a short subject bounds its backtracking
            try:
                return re.search(right, left) is not None
            except re.error:
                return None
        if op == "EQUAL":
            try:
                return float(left) == float(right)
            except ValueError:
                return None
        return None

    # -- conditions ---------------------------------------------------------------------------

    def condition(self, command: Command, os: str, why: list[str]) -> Tri:
        tokens = [(a, i in command.quoted) for i, a in enumerate(command.args)]
        value, _ = self._or(tokens, 0, os, why, 0)
        return value

    def _or(
        self, tokens: Sequence[tuple[str, bool]], i: int, os: str, why: list[str], depth: int
    ) -> tuple[Tri, int]:
        values: list[Tri] = []
        value, i = self._and(tokens, i, os, why, depth)
        values.append(value)
        while i < len(tokens) and tokens[i] == ("OR", False):
            value, i = self._and(tokens, i + 1, os, why, depth)
            values.append(value)
        return tri_or(values), i

    def _and(
        self, tokens: Sequence[tuple[str, bool]], i: int, os: str, why: list[str], depth: int
    ) -> tuple[Tri, int]:
        values: list[Tri] = []
        value, i = self._not(tokens, i, os, why, depth)
        values.append(value)
        while i < len(tokens) and tokens[i] == ("AND", False):
            value, i = self._not(tokens, i + 1, os, why, depth)
            values.append(value)
        return tri_and(values), i

    def _not(
        self, tokens: Sequence[tuple[str, bool]], i: int, os: str, why: list[str], depth: int
    ) -> tuple[Tri, int]:
        negate = False
        while i < len(tokens) and tokens[i] == ("NOT", False):
            negate = not negate
            i += 1
        value, i = self._primary(tokens, i, os, why, depth)
        return (tri_not(value) if negate else value), i

    def _primary(  # noqa: PLR0911 - one answer per form of operand
        self, tokens: Sequence[tuple[str, bool]], i: int, os: str, why: list[str], depth: int
    ) -> tuple[Tri, int]:
        if i >= len(tokens):
            return None, i
        word, quoted = tokens[i]
        if word == "(" and not quoted:
            if depth >= _MAX_NESTING:
                return None, len(tokens)
            value, i = self._or(tokens, i + 1, os, why, depth + 1)
            if i < len(tokens) and tokens[i] == (")", False):
                i += 1
            return value, i
        if not quoted and word in _UNARY:
            if word == "DEFINED" and i + 1 < len(tokens):
                name = tokens[i + 1][0]
                known = self._variable(name, os)
                defined: Tri = True if known is not None and name not in _PLATFORM_NAMES else None
                if name in _PLATFORM_NAMES:
                    defined = name in _PLATFORM[os]
                return defined, i + 2
            return None, i + 2
        if i + 1 < len(tokens) and not tokens[i + 1][1] and tokens[i + 1][0] in _BINARY:
            op = tokens[i + 1][0]
            if i + 2 >= len(tokens):
                return None, len(tokens)
            left = self._operand(word, os, quoted=quoted, lhs=True)
            right = self._operand(tokens[i + 2][0], os, quoted=tokens[i + 2][1], lhs=False)
            return self._compare(op, left, right), i + 3
        return self._truth(word, os, why, quoted=quoted), i + 1

    def _evaluate(self, command: Command) -> tuple[tuple[Tri, Tri, Tri], list[str]]:
        why: list[str] = []
        values = tuple(self.condition(command, os, why) for os in OSES)
        names = list(dict.fromkeys(why))
        return (values[0], values[1], values[2]), names

    # -- reach ----------------------------------------------------------------------------------

    def reach(self) -> Reach:
        key = tuple((f.current, tuple(f.why)) for f in self.frames)
        if key != self._reach_key:
            self._reach_key, self._reach = key, self._compute_reach()
        return self._reach

    def _compute_reach(self) -> Reach:
        values: list[Tri] = [True, True, True]
        why: list[str] = []
        for frame in self.frames:
            values = [tri_and((a, b)) for a, b in zip(values, frame.current, strict=True)]
            if False in frame.current:
                why.extend(frame.why)
        return Reach((values[0], values[1], values[2]), tuple(dict.fromkeys(why)))

    def _conditional(self) -> bool:
        return any(v is not True for frame in self.frames for v in frame.current)

    def _hit(self, kind: str, name: str, evidence: str, *, required: bool = True) -> None:
        reach = self.reach()
        key = (kind, name, reach, required)
        if key not in self._seen:  # the first evidence of each is the one reported
            self._seen.add(key)
            self.hits.append(CMakeHit(kind, name, evidence, reach, required))

    # -- paths ----------------------------------------------------------------------------------

    def _path(self, arg: str, directory: str) -> str | None:
        text = arg.replace("${CMAKE_CURRENT_SOURCE_DIR}", directory).replace(
            "${CMAKE_CURRENT_LIST_DIR}", directory
        )
        expanded = self._expand(text, "linux")
        if expanded is None:
            return None
        path = posixpath.normpath(posixpath.join(directory, expanded))
        return path if path.startswith("/") else None

    # -- the run ----------------------------------------------------------------------------------

    def run(self, path: str, depth: int) -> bool:
        """Run one script (``path`` is rooted at ``/``); False when it is not in the sdist."""
        if depth > MAX_DEPTH or len(self.files) >= MAX_FILES:
            self.truncated = True
            return True
        relative = path.lstrip("/")
        if relative in self.files:
            return True
        text = self.read(relative)
        if text is None:
            return False
        self.files.append(relative)
        directory = posixpath.dirname(path) or "/"
        base, overflow = len(self.frames), self.overflow
        skipping = 0  # inside a function() or macro() body
        for command in commands(text):
            name = command.name
            if name in ("function", "macro"):
                skipping += 1
            elif name in ("endfunction", "endmacro"):
                skipping = max(0, skipping - 1)
            elif not skipping:
                self._command(command, relative, directory, depth)
        del self.frames[base:]  # an unbalanced script does not leak its if blocks
        self.overflow = overflow
        return True

    def _command(self, command: Command, path: str, directory: str, depth: int) -> None:  # noqa: PLR0912 - one branch per command
        name, args = command.name, command.args
        match name:
            case "if" | "elseif" | "else" | "endif" if self.overflow:
                # Past _MAX_FRAMES nested ifs, inner blocks are read as unconditional: each
                # statement's reach stays a bounded amount of work.
                self.overflow += {"if": 1, "endif": -1}.get(name, 0)
            case "if" if len(self.frames) >= _MAX_FRAMES:
                self.overflow = 1
            case "if":
                values, why = self._evaluate(command)
                self.frames.append(_Frame(values, values, why))
            case "elseif" | "else" if len(self.frames) > 0:
                frame = self.frames[-1]
                otherwise = tuple(tri_not(v) for v in frame.prior)
                if name == "else":
                    values, why = (otherwise[0], otherwise[1], otherwise[2]), []
                else:
                    own, why = self._evaluate(command)
                    values = tuple(tri_and(p) for p in zip(otherwise, own, strict=True))  # type: ignore[assignment]
                frame.prior = tuple(tri_or(p) for p in zip(frame.prior, values, strict=True))  # type: ignore[assignment]
                frame.current = values
                frame.why = list(dict.fromkeys([*frame.why, *why]))[:_MAX_WHY]
            case "endif" if len(self.frames) > 0:
                self.frames.pop()
            case "project":
                self._project(command, path, directory)
            case "enable_language":
                for arg in args:
                    language = LANGUAGES.get(arg)
                    if language is not None:
                        self._hit("language", language, f"{path}: enable_language({arg})")
            case "add_subdirectory" if args:
                target = self._path(args[0], directory)
                if target is not None:
                    self.run(posixpath.join(target, "CMakeLists.txt"), depth + 1)
            case "include" if args:
                self._include(args[0], directory, depth)
            case "find_package" if args:
                self._hit(
                    "package",
                    args[0],
                    f"{path}: find_package({' '.join(args)})",
                    required="REQUIRED" in args,
                )
            case "pkg_check_modules" | "pkg_search_module" if len(args) > 1:
                required = "REQUIRED" in args
                evidence = f"{path}: {name}({' '.join(args)})"
                for module in args[1:]:
                    if module in _PKG_KEYWORDS:
                        continue
                    module_name = re.split(r"[<>=]", module, maxsplit=1)[0]
                    if module_name:
                        self._hit("pkgconfig", module_name, evidence, required=required)
            case "set" | "list" if args:
                self._set(command, directory)
            case _ if name.endswith("option") and len(args) >= 2:
                self._option(command)

    def _project(self, command: Command, path: str, directory: str) -> None:
        args = command.args
        if args:
            self.vars[f"{args[0]}_SOURCE_DIR"] = directory
            self.vars["PROJECT_SOURCE_DIR"] = directory
            if self.vars.get("CMAKE_SOURCE_DIR") is None:
                self.vars["CMAKE_SOURCE_DIR"] = directory
        if "LANGUAGES" in args:
            names = []
            for token in args[args.index("LANGUAGES") + 1 :]:
                if token in _PROJECT_KEYWORDS:
                    break
                names.append(token)
        else:
            names = [t for t in args[1:] if t in LANGUAGES or t == "NONE"]
            if not names:
                names = ["C", "CXX"]  # CMake's default
        evidence = f"{path}: project({' '.join(args)})"
        for token in names:
            if token in LANGUAGES:
                self._hit("language", LANGUAGES[token], evidence)

    def _include(self, arg: str, directory: str, depth: int) -> None:
        if arg.endswith(".cmake") or "/" in arg:
            target = self._path(arg, directory)
            if target is not None:
                self.run(target, depth + 1)
            return
        for folder in self.module_path:  # a module name: CMAKE_MODULE_PATH, in order
            if self.run(posixpath.join(folder, f"{arg}.cmake"), depth + 1):
                return

    def _set(self, command: Command, directory: str) -> None:
        if not self.reach().oses:
            return  # in a block that never runs
        args = command.args
        if command.name == "list":
            if (
                len(args) > 2
                and args[0] in ("APPEND", "PREPEND")
                and args[1] == "CMAKE_MODULE_PATH"
            ):
                self._module_path(args[2:], directory)
            return
        variable, values = args[0], args[1:]
        if variable == "CMAKE_MODULE_PATH":
            self._module_path(values, directory)
            return
        if "CACHE" in values:
            values = values[: values.index("CACHE")]
            if variable in self.vars and "FORCE" not in command.args:
                return  # a cache entry does not override a value already set
        value = " ".join(values) if values else ""
        if self._conditional() or "${" in value or "$ENV{" in value:
            self.vars.pop(variable, None)  # set on some path only: cannot tell
            self.options.discard(variable)
        else:
            self.vars[variable] = value

    def _module_path(self, values: Sequence[str], directory: str) -> None:
        for value in values:
            for part in value.split(";"):
                folder = self._path(part, directory) if part else None
                if folder is not None and folder not in self.module_path:
                    self.module_path.append(folder)

    def _option(self, command: Command) -> None:
        # option(NAME "help" [value]) and the many wrappers of the same shape
        # (cmake_dependent_option, OCV_OPTION): the default is the third argument.
        variable, args = command.args[0], command.args
        if not self.reach().oses or not re.fullmatch(r"[A-Za-z_]\w*", variable):
            return
        default = args[2] if len(args) > 2 else ("OFF" if command.name == "option" else None)
        if default is None or _constant(default) is None:
            return
        self.options.add(variable)
        if variable not in self.vars:  # -D defines win over an option's default
            self.vars[variable] = default


def scan_cmake(
    read: Callable[[str], str | None],
    source_dir: str = "",
    defines: Mapping[str, str] | None = None,
) -> CMakeScan:
    """Read the CMake project in ``source_dir`` (relative to the sdist's top); see the module."""
    interpreter = _Interpreter(read, defines or {})
    folder = source_dir.strip("/")
    start = f"/{folder}/CMakeLists.txt" if folder not in ("", ".") else "/CMakeLists.txt"
    interpreter.vars["CMAKE_SOURCE_DIR"] = posixpath.dirname(posixpath.normpath(start))
    found = interpreter.run(posixpath.normpath(start), 0)
    return CMakeScan(
        hits=tuple(interpreter.hits),
        files=tuple(interpreter.files),
        missing=not found,
        truncated=interpreter.truncated,
    )
