"""What building an sdist needs, from its listing alone: backend, languages, tools.

:func:`analyze` is a pure function of an :class:`~wheelcast.sdist.archive.SdistListing`.
It reads configuration, never runs it:

1. ``[build-system]`` of ``pyproject.toml`` names the backend and its requirements; without
   one, pip's default applies (``setuptools.build_meta:__legacy__``, ``setuptools>=40.8.0``).
2. The backend's own configuration says what is compiled:

   * meson-python: ``project()``, ``add_languages()`` and ``dependency()`` in the top
     ``meson.build`` and what its ``subdir()`` calls reach (:mod:`wheelcast.sdist.meson`);
   * scikit-build-core, or CMake named in the requirements (scikit-build's
     ``cmake_source_dir``): ``project()``, ``enable_language()``, ``find_package()`` and
     ``pkg_check_modules()`` through ``add_subdirectory`` and ``include``
     (:mod:`wheelcast.sdist.cmake`), with the backend's ``-D`` defines;

     in both, ``if`` blocks are evaluated per operating system with options at their
     defaults (:mod:`wheelcast.sdist.reach`): a language only an option that is off (or a
     compiler that happens to be found) enables is *optional*, one a block for some systems
     enables is needed there alone (:meth:`BuildNeeds.for_os`);
   * maturin: Rust, plus C when a crate's build-dependencies use ``cc`` (or C++ with
     ``cxx-build``), when the bindings are cffi, or when the package ships C sources;
   * setuptools: ``Extension``/``cythonize``/``cffi_modules``/``rust_extensions`` in the
     syntax tree of ``setup.py`` (parsed, never executed), ``[tool.setuptools]
     ext-modules``; languages from the sources they name;
   * hatchling, pdm-backend, poetry-core: pure unless a build hook or build script is
     configured; flit: always pure.

3. Build requirements add what they imply (Cython, pybind11/nanobind: C++, cffi: C,
   setuptools-rust: Rust).
4. A census of source files by language outside tests/docs/examples/benchmarks/vendored
   code supports the answer, and decides it only when the configuration cannot (a custom
   build hook, an unknown backend) and no CMake project at the top or one folder down can
   (xgboost's in-tree backend runs ``cpp_src``). Configuration wins when it is explicit:
   C files in a pure package's tests do not make it need a compiler.
5. System libraries (:mod:`wheelcast.sdist.libraries`) come from the scripts above, from
   ``libraries=[...]``, pkg-config modules and ``pg_config``-like programs in ``setup.py``,
   and, when no CMake or meson script was read, from known headers the sources include.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from wheelcast.sdist.archive import MAX_READ, SdistListing, is_ancillary
from wheelcast.sdist.cmake import MAX_DEPTH, MAX_FILES, scan_cmake
from wheelcast.sdist.libraries import LIBRARIES, Library, lookup
from wheelcast.sdist.meson import MAX_DEPTH as MESON_MAX_DEPTH
from wheelcast.sdist.meson import MAX_FILES as MESON_MAX_FILES
from wheelcast.sdist.meson import MesonCall, scan_meson, split_arguments, strings
from wheelcast.sdist.meson import reach as meson_reach
from wheelcast.sdist.reach import ALWAYS, OSES, Reach, Tri, compiler_found

__all__ = [
    "ANALYSIS_VERSION",
    "LANGUAGES",
    "LEGACY_BACKEND",
    "LEGACY_REQUIRES",
    "NO_COMPILER",
    "REQUIRE_TOOLS",
    "BuildNeeds",
    "LibraryNeed",
    "analyze",
    "census",
    "requirement_name",
]

ANALYSIS_VERSION: Final = 2  # bump when analyze() answers differently for the same listing
LEGACY_BACKEND: Final = "setuptools.build_meta:__legacy__"
LEGACY_REQUIRES: Final = ("setuptools>=40.8.0",)
NO_COMPILER: Final = "no compiler needed"

# Canonical order of the languages reported; compiled languages first.
LANGUAGES: Final = (
    "C",
    "C++",
    "Fortran",
    "Rust",
    "Cython",
    "CUDA",
    "Objective-C",
    "Objective-C++",
    "Assembly",
    "Swift",
    "D",
    "Vala",
)
_ORDER: Final = {name: i for i, name in enumerate(LANGUAGES)}

_SUFFIXES: Final[Mapping[str, str]] = {
    ".c": "C",
    ".cpp": "C++",
    ".cc": "C++",
    ".cxx": "C++",
    ".c++": "C++",
    ".f": "Fortran",
    ".for": "Fortran",
    ".f77": "Fortran",
    ".f90": "Fortran",
    ".f95": "Fortran",
    ".f03": "Fortran",
    ".f08": "Fortran",
    ".rs": "Rust",
    ".pyx": "Cython",
    ".cu": "CUDA",
    ".mm": "Objective-C++",
}
_MESON_LANGUAGES: Final[Mapping[str, str]] = {
    "c": "C",
    "cpp": "C++",
    "fortran": "Fortran",
    "rust": "Rust",
    "cython": "Cython",
    "cuda": "CUDA",
    "objc": "Objective-C",
    "objcpp": "Objective-C++",
    "nasm": "Assembly",
    "masm": "Assembly",
    "swift": "Swift",
    "d": "D",
    "vala": "Vala",
}

# backend module -> family
_BACKENDS: Final = (
    ("setuptools.build_meta", "setuptools"),
    ("setuptools", "setuptools"),
    ("mesonpy", "meson-python"),
    ("maturin", "maturin"),
    ("scikit_build_core", "scikit-build-core"),
    ("hatchling", "hatchling"),
    ("pdm.backend", "pdm-backend"),
    ("pdm.pep517", "pdm-backend"),
    ("poetry.core", "poetry-core"),
    ("poetry.masonry", "poetry-core"),
    ("flit_core", "flit"),
    ("flit", "flit"),
    ("sipbuild", "sip"),
    ("pybind11", "setuptools"),
)
# a build requirement's name -> the backend family it provides (for in-tree backends)
_REQUIRE_FAMILY: Final = (
    ("meson-python", "meson-python"),
    ("maturin", "maturin"),
    ("scikit-build-core", "scikit-build-core"),
    ("hatchling", "hatchling"),
    ("pdm-backend", "pdm-backend"),
    ("poetry-core", "poetry-core"),
    ("flit-core", "flit"),
    ("setuptools", "setuptools"),
)
# a build requirement's name -> the languages it implies
_REQUIRE_LANGUAGES: Final[Mapping[str, tuple[str, ...]]] = {
    "cython": ("Cython",),
    "pybind11": ("C++",),
    "nanobind": ("C++",),
    "cffi": ("C",),
    "setuptools-rust": ("Rust",),
    "hatch-cython": ("Cython",),
    "hatch-mypyc": ("C",),
}
REQUIRE_TOOLS: Final[Mapping[str, str]] = {
    "cmake": "cmake",
    "scikit-build": "cmake",
    "scikit-build-core": "cmake",
    "ninja": "ninja",
    "meson": "meson",
    "meson-python": "meson",
    "setuptools-rust": "cargo",
    "maturin": "cargo",
}
# hatch build hooks that compile; "custom" runs code that static reading cannot follow
_PURE_UNLESS_HOOKED: Final = frozenset({"hatchling", "pdm-backend", "poetry-core"})
_HATCH_HOOKS: Final[Mapping[str, tuple[str, ...]]] = {
    "mypyc": ("C",),
    "cython": ("Cython",),
}
# Cargo build-dependencies -> what they compile
_CARGO_BUILD: Final[Mapping[str, tuple[str, ...]]] = {
    "cc": ("C",),
    "cxx-build": ("C++",),
    "cmake": ("C", "C++"),
}
_CARGO_NATIVE: Final[Mapping[str, str]] = {
    "openssl-sys": "OpenSSL headers and libraries (OPENSSL_DIR, or the crate's vendored feature)",
    "libgit2-sys": "libgit2 (or the crate's vendored build)",
    "libz-sys": "zlib headers (or the crate's static build)",
    "bindgen": "libclang (bindgen generates bindings at build time)",
}


@dataclass(frozen=True, slots=True)
class LibraryNeed:
    """A system library the build looks for (a key of ``wheelcast.sdist.libraries``).

    ``required`` False: the build uses it when found and goes on without it. ``oses`` empty:
    on every system; else only on those (``linux``, ``macos``, ``windows``).
    """

    key: str
    evidence: str
    required: bool = True
    oses: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "evidence": self.evidence,
            "required": self.required,
            "oses": list(self.oses),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LibraryNeed:
        return cls(
            key=str(data["key"]),
            evidence=str(data["evidence"]),
            required=bool(data["required"]),
            oses=tuple(str(x) for x in data["oses"]),
        )


@dataclass(frozen=True, slots=True)
class BuildNeeds:
    """What a source build needs; ``languages`` empty means no compiler at all.

    ``backend`` is the backend's family (``setuptools``, ``meson-python``, ``maturin``,
    ``scikit-build-core``, ``hatchling``, ...); ``build_backend`` the object pip calls.
    ``evidence`` pairs each language with where it was read; ``sources`` is the census of
    source files outside tests/docs/vendored code, ``(language, count)`` in canonical order.
    ``optional`` holds ``(language, when, evidence)`` for languages only a non-default option
    (or a compiler that happens to be found) enables; ``only_on`` ``(language, systems,
    evidence)`` for languages needed on some operating systems alone (``"macos"``), which
    :meth:`for_os` folds into ``languages`` for one target. ``libraries`` are the system
    libraries the build looks for.
    """

    backend: str
    build_backend: str
    requires: tuple[str, ...]
    languages: tuple[str, ...]
    tools: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    evidence: tuple[tuple[str, str], ...] = ()
    sources: tuple[tuple[str, int], ...] = ()
    optional: tuple[tuple[str, str, str], ...] = ()
    only_on: tuple[tuple[str, str, str], ...] = ()
    libraries: tuple[LibraryNeed, ...] = ()

    @property
    def needs_compiler(self) -> bool:
        return bool(self.languages)

    def for_os(self, os: str) -> BuildNeeds:
        """These needs on one operating system: its own languages added, others' libraries cut."""
        extra = [(lang, why) for lang, oses, why in self.only_on if os in oses.split(",")]
        languages = {*self.languages, *(lang for lang, _ in extra)}
        ordered = tuple(sorted(languages, key=_ORDER.__getitem__))
        evidence = dict(self.evidence)
        for language, why in extra:
            evidence.setdefault(language, why)
        libraries = tuple(lib for lib in self.libraries if not lib.oses or os in lib.oses)
        if ordered == self.languages and libraries == self.libraries:
            return self
        return dataclasses.replace(
            self,
            languages=ordered,
            evidence=tuple((lang, evidence[lang]) for lang in ordered),
            optional=tuple(o for o in self.optional if o[0] not in languages),
            libraries=libraries,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "build_backend": self.build_backend,
            "requires": list(self.requires),
            "languages": list(self.languages),
            "tools": list(self.tools),
            "notes": list(self.notes),
            "evidence": [list(e) for e in self.evidence],
            "sources": [list(s) for s in self.sources],
            "optional": [list(o) for o in self.optional],
            "only_on": [list(o) for o in self.only_on],
            "libraries": [lib.to_dict() for lib in self.libraries],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BuildNeeds:
        return cls(
            backend=str(data["backend"]),
            build_backend=str(data["build_backend"]),
            requires=tuple(str(r) for r in data["requires"]),
            languages=tuple(str(x) for x in data["languages"]),
            tools=tuple(str(x) for x in data["tools"]),
            notes=tuple(str(x) for x in data["notes"]),
            evidence=tuple((str(a), str(b)) for a, b in data["evidence"]),
            sources=tuple((str(a), int(b)) for a, b in data["sources"]),
            optional=tuple((str(a), str(b), str(c)) for a, b, c in data.get("optional", ())),
            only_on=tuple((str(a), str(b), str(c)) for a, b, c in data.get("only_on", ())),
            libraries=tuple(LibraryNeed.from_dict(x) for x in data.get("libraries", ())),
        )


@dataclass
class _Findings:
    languages: dict[str, str] = field(default_factory=dict)  # language -> first evidence
    tools: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    undecided: str | None = None  # why the configuration cannot say; census decides
    only_on: dict[str, tuple[set[str], str]] = field(default_factory=dict)
    optional: dict[str, tuple[str, str]] = field(default_factory=dict)  # language -> when, why
    libraries: dict[str, LibraryNeed] = field(default_factory=dict)
    scripted: bool = False  # a CMake or meson script was read: it names the libraries
    cmake_dir: str = ""  # scikit-build's cmake_source_dir, from setup.py
    cmake_defines: dict[str, str] = field(default_factory=dict)

    def add(self, language: str, why: str) -> None:
        self.languages.setdefault(language, why)

    def reached(self, language: str, why: str, reach: Reach) -> None:
        """A language enabled where ``reach`` says: everywhere, on some systems, or nowhere."""
        if reach.everywhere:
            self.add(language, why)
        elif reach.oses:
            oses, first = self.only_on.get(language, (set(), why))
            self.only_on[language] = (oses | set(reach.oses), first)
        else:
            self.optional.setdefault(language, (reach.when, why))

    def library(self, entry: Library, why: str, *, required: bool, reach: Reach = ALWAYS) -> None:
        if not reach.oses:
            return  # only an option that is off looks for it
        oses = () if reach.everywhere else reach.oses
        known = self.libraries.get(entry.key)
        if known is not None:
            if known.oses and oses:
                oses = tuple(os for os in OSES if os in {*known.oses, *oses})
                oses = () if len(oses) == len(OSES) else oses
            else:
                oses = ()
            if known.required or not required:
                why = known.evidence
            required = required or known.required
        self.libraries[entry.key] = LibraryNeed(entry.key, why, required, oses)

    def tool(self, *names: str) -> None:
        for name in names:
            if name not in self.tools:
                self.tools.append(name)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


# -- census -------------------------------------------------------------------------------


def _language_of(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1].lower()
    dot = name.rfind(".")
    return _SUFFIXES.get(name[dot:]) if dot > 0 else None


def census(listing: SdistListing) -> tuple[tuple[str, int], ...]:
    """Source files by language outside tests/docs/examples/benchmarks/vendored code."""
    counts: Counter[str] = Counter()
    for path, _size in listing.members:
        language = _language_of(path)
        if language is not None and not is_ancillary(path) and ".egg-info/" not in path:
            counts[language] += 1
    return tuple(sorted(counts.items(), key=lambda item: _ORDER[item[0]]))


# -- pyproject ----------------------------------------------------------------------------


def _toml(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):  # nested arrays/tables past the stack
        return {}


def _table(data: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    value: Any = data
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return dict(value) if isinstance(value, Mapping) else {}


def requirement_name(text: str) -> str:
    try:
        return canonicalize_name(Requirement(text).name)
    except InvalidRequirement:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", text)
        return canonicalize_name(match.group(1)) if match else ""


def _family(build_backend: str, requires: Iterable[str]) -> str:
    # A known module is that backend even when vendored in-tree (numpy 1.26 vendors mesonpy).
    module = build_backend.split(":", 1)[0]
    for prefix, family in _BACKENDS:
        if module == prefix or module.startswith(prefix + "."):
            return family
    names = {requirement_name(r) for r in requires}
    for requirement, family in _REQUIRE_FAMILY:
        if requirement in names:
            return family
    return "unknown"


# -- meson --------------------------------------------------------------------------------


def _meson(listing: SdistListing, found: _Findings) -> None:
    found.tool("meson", "ninja")
    paths = tuple(
        sorted(
            (p for p, _ in listing.texts("meson.build") if not is_ancillary(p)),
            key=lambda path: (path.count("/"), path),
        )
    )
    if not paths:
        found.undecided = "meson-python without a readable meson.build"
        return
    scan = scan_meson(listing.text, paths)
    found.scripted = True
    first_project = True
    for path, calls in scan.files:
        for call in calls:
            if call.name == "project" and first_project:
                first_project = False
                positional, _ = split_arguments(call.args)
                names = [s for p in positional[1:] for s in strings(p)]
                quoted = ", ".join(repr(n) for n in names)
                for name in names:
                    language = _MESON_LANGUAGES.get(name.lower())
                    if language:
                        found.add(language, f"{path}: project(... {quoted})")
            elif call.name == "add_languages":
                _meson_languages(path, call, scan.options, found)
            elif call.name == "dependency":
                _meson_dependency(path, call, scan.options, found)
    if scan.truncated:
        found.note(
            f"meson.build files past {MESON_MAX_DEPTH} levels or {MESON_MAX_FILES} were not read"
        )


def _required(value: str, options: Mapping[str, str]) -> Tri:
    """A ``required:`` keyword: true, false, or a feature option's default (auto: None)."""
    value = value.strip() or "true"
    if value in ("true", "false"):
        return value == "true"
    option = re.fullmatch(r"get_option\s*\(\s*'([^']*)'\s*\)", value)
    if option is not None:
        state = options.get(option.group(1))
        return {"enabled": True, "true": True, "disabled": False, "false": False}.get(state or "")
    return None


def _meson_languages(
    path: str, call: MesonCall, options: Mapping[str, str], found: _Findings
) -> None:
    positional, keywords = split_arguments(call.args)
    required = _required(keywords.get("required", "true"), options)
    where = meson_reach(call.conditions, options)
    if None in where.values:
        # A language under a condition static reading cannot tell is used only then.
        values = tuple(v is True for v in where.values)
        where = Reach((values[0], values[1], values[2]), (*where.why, "inside an if block"))
    text = f"add_languages({call.args.strip()})".replace("\n", " ")
    for name in (s for p in positional for s in strings(p)):
        language = _MESON_LANGUAGES.get(name.lower())
        if language is None:
            continue
        if required is False and "get_option" in keywords.get("required", ""):
            continue  # a disabled feature: never added
        if required is not True:
            where = Reach((False, False, False), (compiler_found(language),))
        found.reached(language, f"{path}: {text}", where)


def _meson_dependency(
    path: str, call: MesonCall, options: Mapping[str, str], found: _Findings
) -> None:
    positional, keywords = split_arguments(call.args)
    names = strings(positional[0]) if positional else []
    entry = next((e for n in names if (e := lookup("pkgconfig", n)) is not None), None)
    if entry is None:
        return
    required = _required(keywords.get("required", "true"), options)
    if required is False and "get_option" in keywords.get("required", ""):
        return  # a disabled feature: never looked for
    if required is None and "get_option" not in keywords.get("required", ""):
        required = True  # an expression (a compiler check): the build looks for it
    where = meson_reach(call.conditions, options)
    text = f"{path}: dependency({call.args.strip()})".replace("\n", " ")
    found.library(entry, text, required=required is True, reach=where)


# -- CMake --------------------------------------------------------------------------------


def _cmake(
    listing: SdistListing,
    found: _Findings,
    source_dir: str = "",
    defines: Mapping[str, str] | None = None,
) -> bool:
    """Languages and libraries of the CMake project in ``source_dir``; False when it is absent."""
    found.tool("cmake")
    scan = scan_cmake(listing.text, source_dir, defines)
    if scan.missing:
        folder = source_dir.strip("/")
        path = f"{folder}/CMakeLists.txt" if folder not in ("", ".") else "CMakeLists.txt"
        found.undecided = f"{path} is missing or unread"
        return False
    found.scripted = True
    for hit in scan.hits:
        if hit.kind == "language":
            found.reached(hit.name, hit.evidence, hit.reach)
            continue
        entry = lookup("cmake" if hit.kind == "package" else "pkgconfig", hit.name)
        if entry is not None:
            found.library(entry, hit.evidence, required=hit.required, reach=hit.reach)
    if scan.truncated:
        found.note(f"CMake scripts past {MAX_DEPTH} levels or {MAX_FILES} files were not read")
    return True


def _cmake_defines(table: Mapping[str, Any], args: Iterable[Any]) -> dict[str, str]:
    """``-D`` values a backend passes: a ``define`` table and ``-DNAME[:TYPE]=VALUE`` args."""
    defines: dict[str, str] = {}
    for name, given in table.items():
        # scikit-build-core also takes {env = "X", default = ...}: pip sets no such variable
        value = given.get("default") if isinstance(given, Mapping) else given
        if isinstance(value, bool):
            defines[str(name)] = "ON" if value else "OFF"
        elif isinstance(value, str | int):
            defines[str(name)] = str(value)
        elif isinstance(value, list):
            defines[str(name)] = ";".join(str(v) for v in value)
    for arg in args:
        match = re.fullmatch(r"-D([A-Za-z_]\w*)(?::\w+)?=(.*)", str(arg))
        if match:
            defines[match.group(1)] = match.group(2)
    return defines


# -- Cargo / maturin ----------------------------------------------------------------------


def _cargo(listing: SdistListing, pyproject: Mapping[str, Any], found: _Findings) -> None:
    found.add("Rust", "pyproject.toml: build-backend maturin")
    found.tool("cargo")
    maturin = _table(pyproject, "tool", "maturin")
    if str(maturin.get("bindings", "")).lower() == "cffi":
        found.add("C", "pyproject.toml: [tool.maturin] bindings = 'cffi'")
    native: dict[str, str] = {}
    for path, text in listing.texts("Cargo.toml"):
        if is_ancillary(path):
            continue
        data = _toml(text)
        sections = [("build-dependencies", _table(data, "build-dependencies"))]
        sections.append(("dependencies", _table(data, "dependencies")))
        for target, table in _table(data, "target").items():
            if isinstance(table, Mapping):
                sections.append(
                    (f"target.{target}.build-dependencies", _table(table, "build-dependencies"))
                )
        for section, deps in sections:
            for crate in deps:
                if section.endswith("build-dependencies") and crate in _CARGO_BUILD:
                    for language in _CARGO_BUILD[crate]:
                        found.add(language, f"{path}: [{section}] {crate}")
                if crate in _CARGO_NATIVE and crate not in native:
                    native[crate] = path
    for crate, path in native.items():
        found.note(f"{crate} ({path}) needs {_CARGO_NATIVE[crate]}")
    if not any(p == "Cargo.toml" or p.endswith("/Cargo.toml") for p, _ in listing.members):
        found.note("no Cargo.toml in the sdist: maturin cannot build it")


# -- setuptools ---------------------------------------------------------------------------


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _string_constants(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def _languages_of_sources(sources: Iterable[str]) -> list[str]:
    languages = []
    for source in sources:
        language = _language_of(source)
        if language is not None and language not in languages:
            languages.append(language)
    return languages


def _extension(node: ast.Call, name: str, found: _Findings) -> None:
    for source in _string_constants(node):
        language = _language_of(source)
        if language is not None:
            found.add(language, f"setup.py: {name}(..., {source!r}, ...)")
    for keyword in node.keywords:
        value = keyword.value
        if keyword.arg == "language" and isinstance(value, ast.Constant) and value.value == "c++":
            found.add("C++", f"setup.py: {name}(..., language='c++')")
        elif keyword.arg == "libraries":
            _linked(_string_constants(value), f"setup.py: {name}(..., libraries=[...])", found)
    if name in ("Pybind11Extension", "CppExtension"):
        found.add("C++", f"setup.py: {name}(...)")
    elif name == "CUDAExtension":
        found.add("CUDA", "setup.py: CUDAExtension(...)")


# Libraries every toolchain provides: linking them needs nothing installed.
_SYSTEM_LINKS: Final = frozenset(
    {
        "m",
        "c",
        "dl",
        "pthread",
        "rt",
        "util",
        "stdc++",
        "c++",
        "gcc",
        "win32",
        "ws2_32",
        "user32",
        "kernel32",
        "advapi32",
        "gdi32",
        "shell32",
        "ole32",
        "oleaut32",
        "uuid",
        "winmm",
        "comctl32",
        "comdlg32",
        "psapi",
        "iphlpapi",
        "crypt32",
        "secur32",
        "bcrypt",
        "ntdll",
        "version",
        "shlwapi",
        "userenv",
        "dbghelp",
        "setupapi",
        "msvcrt",
        "wsock32",
        "winhttp",
        "wldap32",
        "normaliz",
        "rpcrt4",
        "dnsapi",
        "netapi32",
        "mpr",
    }
)


def _linked(names: Iterable[str], why: str, found: _Findings) -> None:
    unknown = []
    for name in names:
        entry = lookup("link", name)
        if entry is not None:
            found.library(entry, why, required=True)
        elif name.lower() not in _SYSTEM_LINKS and re.fullmatch(r"[\w.+-]+", name):
            unknown.append(name)
    if unknown:
        found.note(
            f"links against C libraries {', '.join(unknown)}: their development"
            " headers must be installed"
        )


def _literal(tree: ast.AST, value: ast.expr) -> str | None:
    """A string constant, or the one string a plain name is assigned anywhere in setup.py."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if not isinstance(value, ast.Name):
        return None
    assigned = {
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == value.id for t in node.targets)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }
    return assigned.pop() if len(assigned) == 1 else None


def _setup_facts(tree: ast.AST, found: _Findings) -> None:
    """Libraries, programs and scikit-build settings setup.py names as literals."""
    programs = {p: e for e in LIBRARIES for p in e.programs}
    constants = [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    imports_pkgconfig = any(
        (isinstance(n, ast.Import) and any(a.name == "pkgconfig" for a in n.names))
        or (isinstance(n, ast.ImportFrom) and n.module == "pkgconfig")
        for n in ast.walk(tree)
    )
    if imports_pkgconfig or any(c in ("pkg-config", "PKG_CONFIG") for c in constants):
        # setup.py asks pkg-config: the module names it passes are libraries it needs
        for constant in constants:
            entry = lookup("pkgconfig", constant)
            if entry is not None:
                found.library(entry, f"setup.py: pkg-config {constant}", required=True)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List | ast.Tuple):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if any(t.lower().endswith("libraries") for t in targets):
                _linked(_string_constants(node.value), f"setup.py: {targets[0]} = [...]", found)
        elif isinstance(node, ast.Call) and _callee(node) == "setup":
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "cmake_source_dir":
                    found.cmake_dir = _literal(tree, value) or found.cmake_dir
                elif keyword.arg == "cmake_args" and isinstance(value, ast.List | ast.Tuple):
                    found.cmake_defines.update(_cmake_defines({}, _string_constants(value)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            entry = programs.get(node.value.rsplit("/", 1)[-1])
            if entry is not None:
                found.library(entry, f"setup.py: runs {node.value}", required=True)


def _setup_call(node: ast.Call, found: _Findings) -> bool:
    """Whether one call in setup.py declares compiled code; records its languages."""
    name = _callee(node)
    compiled = False
    if name == "RustExtension":
        compiled = True
        found.add("Rust", "setup.py: RustExtension(...)")
        found.tool("cargo")
    elif name.endswith("Extension"):
        compiled = True
        _extension(node, name, found)
    elif name == "cythonize":
        compiled = True
        found.add("Cython", "setup.py: cythonize(...)")
    for keyword in node.keywords:
        if keyword.arg == "cffi_modules":
            compiled = True
            found.add("C", "setup.py: setup(cffi_modules=...)")
        elif keyword.arg == "rust_extensions":
            compiled = True
            found.add("Rust", "setup.py: setup(rust_extensions=...)")
            found.tool("cargo")
        elif keyword.arg == "ext_modules" and not (
            isinstance(keyword.value, ast.List | ast.Tuple) and not keyword.value.elts
        ):
            compiled = True
    return compiled


def _setup_py(text: str, found: _Findings) -> bool:
    """Compiled extensions declared in setup.py; True when any is."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return _setup_py_regex(text, found)
    except (RecursionError, MemoryError):
        # Nested past what CPython's parser takes (``1+1+...+1``, ``---...1``).
        found.note("setup.py is nested too deeply to parse: read by pattern")
        return _setup_py_regex(text, found)
    compiled = False
    imports = {
        alias.name.split(".")[0].lower()
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(name=node.module or "")]
        )
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            compiled = _setup_call(node, found) or compiled
    if compiled and "cython" in imports:
        found.add("Cython", "setup.py: imports Cython")
    _setup_facts(tree, found)
    return compiled


def _setup_py_regex(text: str, found: _Findings) -> bool:
    # Python 2 only syntax and the like: look for the same names, less precisely.
    compiled = bool(re.search(r"\b\w*Extension\s*\(|\bext_modules\s*=\s*[^\s\[\])]", text))
    if re.search(r"\bcythonize\s*\(", text):
        compiled = True
        found.add("Cython", "setup.py: cythonize(...)")
    if re.search(r"\bcffi_modules\s*=", text):
        compiled = True
        found.add("C", "setup.py: setup(cffi_modules=...)")
    if compiled:
        strings = re.findall(r"['\"]([^'\"\n]+)['\"]", text)
        for language in _languages_of_sources(strings):
            found.add(language, "setup.py: a source file named in the script")
    return compiled


def _setuptools(listing: SdistListing, pyproject: Mapping[str, Any], found: _Findings) -> bool:
    compiled = False
    for module in _table(pyproject, "tool", "setuptools").get("ext-modules", []) or []:
        if isinstance(module, Mapping):
            compiled = True
            sources = [str(s) for s in module.get("sources", [])]
            why = f"pyproject.toml: [tool.setuptools] ext-modules {module.get('name', '?')}"
            for language in _languages_of_sources(sources):
                found.add(language, why)
    setup_py = listing.text("setup.py")
    if setup_py is not None:
        compiled = _setup_py(setup_py, found) or compiled
    return compiled


# -- hatch / pdm / poetry -----------------------------------------------------------------


def _hooks(
    backend: str, listing: SdistListing, pyproject: Mapping[str, Any], found: _Findings
) -> None:
    if backend == "hatchling":
        hooks = {
            **_table(pyproject, "tool", "hatch", "build", "hooks"),
            **_table(pyproject, "tool", "hatch", "build", "targets", "wheel", "hooks"),
        }
        for hook in hooks:
            if hook in _HATCH_HOOKS:
                for language in _HATCH_HOOKS[hook]:
                    found.add(language, f"pyproject.toml: hatch build hook {hook!r}")
            elif hook == "scikit-build":
                _cmake(listing, found)
            elif hook == "custom":
                found.undecided = "a custom hatch build hook (hatch_build.py) runs code"
    elif backend == "pdm-backend":
        build = _table(pyproject, "tool", "pdm", "build")
        if build.get("run-setuptools") or build.get("setup-script"):
            found.undecided = "pdm-backend runs a setuptools script ([tool.pdm.build])"
        elif any(p == "pdm_build.py" for p, _ in listing.members):
            found.undecided = "a pdm build hook (pdm_build.py) runs code"
    elif backend == "poetry-core":
        poetry = _table(pyproject, "tool", "poetry")
        script = poetry.get("build")
        if script:
            found.undecided = f"poetry runs a build script ({script!r} in [tool.poetry])"


# -- the analysis -------------------------------------------------------------------------


def _build_system(listing: SdistListing, found: _Findings) -> tuple[tuple[str, ...], str, str]:
    """``(requires, build-backend, backend family)`` as pip reads ``[build-system]``."""
    pyproject = _toml(listing.text("pyproject.toml"))
    build_system = _table(pyproject, "build-system")
    requires_value = build_system.get("requires")
    requires = (
        tuple(str(r) for r in requires_value)
        if isinstance(requires_value, list)
        else LEGACY_REQUIRES
    )
    build_backend = str(build_system.get("build-backend") or "")
    if not build_backend:
        build_backend = LEGACY_BACKEND
        why = "no pyproject.toml" if listing.text("pyproject.toml") is None else "no build-backend"
        found.note(f"{why}: pip uses {LEGACY_BACKEND}")
    backend = _family(build_backend, requires)
    if build_system.get("backend-path"):
        found.note(
            f"in-tree backend {build_backend!r} (backend-path {build_system['backend-path']!r})"
            f", read as {backend}"
        )
    return requires, build_backend, backend


def _configured(backend: str, listing: SdistListing, names: set[str], found: _Findings) -> None:
    """What the backend's configuration says is compiled; sets ``undecided`` when it cannot."""
    pyproject = _toml(listing.text("pyproject.toml"))
    match backend:
        case "meson-python":
            _meson(listing, found)
        case "scikit-build-core":
            cmake = _table(pyproject, "tool", "scikit-build", "cmake")
            args = cmake.get("args", [])
            defines = _cmake_defines(
                _table(cmake, "define"), args if isinstance(args, list) else []
            )
            _cmake(listing, found, str(cmake.get("source-dir", "")), defines)
            found.tool("ninja")
        case "maturin":
            _cargo(listing, pyproject, found)
        case "setuptools":
            compiled = _setuptools(listing, pyproject, found)
            if names & {"cmake", "scikit-build"}:
                _cmake(listing, found, found.cmake_dir, found.cmake_defines)
                compiled = True
            implied = names & set(_REQUIRE_LANGUAGES)
            if compiled and not found.languages and not implied:
                found.undecided = "setup.py builds extensions from sources it computes"
        case "sip":
            found.add("C++", "pyproject.toml: sip generates and compiles C++ bindings")
        case "hatchling" | "pdm-backend" | "poetry-core":
            _hooks(backend, listing, pyproject, found)
        case "flit":
            pass
        case _:
            found.undecided = f"the build backend {backend!r} is not one wheelcast reads"


def _from_census(sources: tuple[tuple[str, int], ...], found: _Findings) -> None:
    reason = found.undecided or "the configuration does not say"
    compiled = [(lang, n) for lang, n in sources if lang != "Cython" or len(sources) > 1]
    for language, count in sources:
        found.add(language, f"census: {count} {language} source files")
    if compiled:
        found.note(f"languages inferred from the source files: {reason}")
    else:
        found.note(f"static reading cannot tell: {reason}; no compiled sources found")


def _unread_top_files(listing: SdistListing, found: _Findings) -> None:
    for path in listing.unread:
        if "/" not in path:  # nested ones are noted by the scanner that wanted them
            found.note(f"{path} is over the {MAX_READ} byte cap for a build file: not read")


def analyze(listing: SdistListing) -> BuildNeeds:
    """What building ``listing``'s sdist needs; see the module docstring."""
    found = _Findings()
    _unread_top_files(listing, found)
    requires, build_backend, backend = _build_system(listing, found)
    names = {requirement_name(r) for r in requires}
    _configured(backend if backend != "unknown" else build_backend, listing, names, found)

    implied = backend != "flit" and (
        backend not in _PURE_UNLESS_HOOKED or bool(found.languages) or found.undecided is not None
    )
    for name in sorted(names):
        for language in _REQUIRE_LANGUAGES.get(name, ()) if implied else ():
            found.add(language, f"pyproject.toml: build requirement {name}")
        if name in REQUIRE_TOOLS:
            found.tool(REQUIRE_TOOLS[name])

    sources = census(listing)
    counted = dict(sources)
    if found.undecided is not None and not found.languages:
        _cmake_instead(listing, found)
    if found.undecided is not None:
        _from_census(sources, found)
    elif backend == "maturin" and counted.get("C"):
        found.add("C", f"census: {counted['C']} C source files in the package")

    if "Cython" in found.languages and not {"C", "C++"} & set(found.languages):
        found.add("C", "Cython compiles to C")
    if not found.languages:
        found.note(NO_COMPILER)
        stray = [f"{n} {lang}" for lang, n in sources if lang != "Cython"]
        if stray:
            found.note(
                f"{', '.join(stray)} source files outside tests, but the build compiles none"
            )
    if (found.languages or found.only_on) and not found.scripted:
        _included_libraries(listing, found)
    elif not found.languages and not found.only_on:
        found.libraries.clear()  # nothing is compiled: nothing links against them
    languages = tuple(sorted(found.languages, key=_ORDER.__getitem__))
    only_on = tuple(
        (lang, ",".join(os for os in OSES if os in oses), why)
        for lang, (oses, why) in sorted(found.only_on.items(), key=lambda i: _ORDER[i[0]])
        if lang not in found.languages
    )
    optional = tuple(
        (lang, when, why)
        for lang, (when, why) in sorted(found.optional.items(), key=lambda i: _ORDER[i[0]])
        if lang not in found.languages and lang not in found.only_on
    )
    return BuildNeeds(
        backend=backend,
        build_backend=build_backend,
        requires=requires,
        languages=languages,
        tools=tuple(found.tools),
        notes=tuple(found.notes),
        evidence=tuple((lang, found.languages[lang]) for lang in languages),
        sources=sources,
        optional=optional,
        only_on=only_on,
        libraries=tuple(found.libraries.values()),
    )


def _cmake_instead(listing: SdistListing, found: _Findings) -> None:
    """When the backend runs code, the CMake project it most likely runs, if there is one.

    A ``CMakeLists.txt`` at the top, or the only one a folder down (xgboost's in-tree
    backend runs ``cpp_src``): its languages say more than a census of every source file,
    which counts what options off by default would compile.
    """
    candidates = [
        p
        for p, _ in listing.contents
        if p.endswith("CMakeLists.txt") and p.count("/") <= 1 and not is_ancillary(p)
    ]
    top = "CMakeLists.txt" in candidates
    if not top and len(candidates) != 1:
        return
    folder = "" if top else candidates[0].rsplit("/", 1)[0]
    probe = _Findings()
    if not _cmake(listing, probe, folder) or not (probe.languages or probe.only_on):
        return
    reason = found.undecided
    found.undecided = None
    found.scripted = True
    for language, why in probe.languages.items():
        found.add(language, why)
    found.only_on.update(probe.only_on)
    found.optional.update(probe.optional)
    found.libraries.update(probe.libraries)
    found.tool(*probe.tools)
    where = "CMakeLists.txt" if top else candidates[0]
    found.note(f"languages read from {where}, the CMake project in the sdist: {reason}")


def _included_libraries(listing: SdistListing, found: _Findings) -> None:
    """Known library headers the sources include, unless the sdist ships the header itself."""
    shipped = {path.rsplit("/", 1)[-1] for path, _ in listing.members}
    folders = {part + "/" for path, _ in listing.members for part in path.split("/")[:-1]}
    for header, path in listing.includes:
        entry = lookup("header", header)
        bundled = header in shipped if "/" not in header else header.split("/")[0] + "/" in folders
        if entry is not None and not bundled:
            found.library(entry, f"{path}: #include <{header}>", required=True)
