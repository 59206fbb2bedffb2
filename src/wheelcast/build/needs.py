"""What building an sdist needs, from its listing alone: backend, languages, tools.

:func:`analyze` is a pure function of an :class:`~wheelcast.build.archive.SdistListing`.
It reads configuration, never runs it:

1. ``[build-system]`` of ``pyproject.toml`` names the backend and its requirements; without
   one, pip's default applies (``setuptools.build_meta:__legacy__``, ``setuptools>=40.8.0``).
2. The backend's own configuration says what is compiled:

   * meson-python: ``project()`` and ``add_languages()`` in every ``meson.build`` outside
     tests/docs/vendored code; a language added with ``required: false`` or inside an
     ``if`` block is optional (a note, not a need);
   * scikit-build-core, or CMake named in the requirements: ``project(... LANGUAGES ...)``
     and ``enable_language()`` in ``CMakeLists.txt`` (C and C++ when none are named, as
     CMake defaults);
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
   build hook, an unknown backend). Configuration wins when it is explicit: C files in a
   pure package's tests do not make it need a compiler.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from wheelcast.build.archive import SdistListing, is_ancillary

__all__ = [
    "ANALYSIS_VERSION",
    "LANGUAGES",
    "LEGACY_BACKEND",
    "LEGACY_REQUIRES",
    "NO_COMPILER",
    "BuildNeeds",
    "analyze",
    "census",
]

ANALYSIS_VERSION: Final = 1  # bump when analyze() answers differently for the same listing
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
_CMAKE_LANGUAGES: Final[Mapping[str, str]] = {
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
_REQUIRE_TOOLS: Final[Mapping[str, str]] = {
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
class BuildNeeds:
    """What a source build needs; ``languages`` empty means no compiler at all.

    ``backend`` is the backend's family (``setuptools``, ``meson-python``, ``maturin``,
    ``scikit-build-core``, ``hatchling``, ...); ``build_backend`` the object pip calls.
    ``evidence`` pairs each language with where it was read; ``sources`` is the census of
    source files outside tests/docs/vendored code, ``(language, count)`` in canonical order.
    """

    backend: str
    build_backend: str
    requires: tuple[str, ...]
    languages: tuple[str, ...]
    tools: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    evidence: tuple[tuple[str, str], ...] = ()
    sources: tuple[tuple[str, int], ...] = ()

    @property
    def needs_compiler(self) -> bool:
        return bool(self.languages)

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
        )


@dataclass
class _Findings:
    languages: dict[str, str] = field(default_factory=dict)  # language -> first evidence
    tools: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    undecided: str | None = None  # why the configuration cannot say; census decides

    def add(self, language: str, why: str) -> None:
        self.languages.setdefault(language, why)

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
    except tomllib.TOMLDecodeError:
        return {}


def _table(data: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    value: Any = data
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return dict(value) if isinstance(value, Mapping) else {}


def _requirement_name(text: str) -> str:
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
    names = {_requirement_name(r) for r in requires}
    for requirement, family in _REQUIRE_FAMILY:
        if requirement in names:
            return family
    return "unknown"


# -- meson --------------------------------------------------------------------------------


def _strip_meson_comments(text: str) -> str:
    out: list[str] = []
    in_string = False
    i = 0
    while i < len(text):
        ch = text[i]
        if in_string:
            if ch == "\\" and i + 1 < len(text):
                out.append(text[i : i + 2])
                i += 2
                continue
            if ch == "'":
                in_string = False
        elif ch == "'":
            in_string = True
        elif ch == "#":
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _calls(text: str, function: str) -> list[tuple[int, str]]:
    """``(offset, argument text)`` of each ``function(...)`` call, parentheses balanced."""
    found: list[tuple[int, str]] = []
    for match in re.finditer(rf"(?<![\w.]){re.escape(function)}\s*\(", text):
        depth, start = 1, match.end()
        i = start
        in_string = False
        while i < len(text) and depth:
            ch = text[i]
            if in_string:
                in_string = ch != "'"
            elif ch == "'":
                in_string = True
            elif ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            i += 1
        found.append((match.start(), text[start : i - 1]))
    return found


def _split_top(args: str) -> list[str]:
    parts: list[str] = []
    depth, in_string = 0, False
    current: list[str] = []
    for ch in args:
        if in_string:
            in_string = ch != "'"
        elif ch == "'":
            in_string = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def _positional_and_keywords(args: str) -> tuple[list[str], dict[str, str]]:
    positional: list[str] = []
    keywords: dict[str, str] = {}
    for part in _split_top(args):
        match = re.match(r"(\w+)\s*:(.*)", part, re.DOTALL)
        if match:
            keywords[match.group(1)] = match.group(2).strip()
        else:
            positional.append(part)
    return positional, keywords


def _strings(expression: str) -> list[str]:
    return re.findall(r"'([^'\\]*)'", expression)


def _if_depth(text: str, offset: int) -> int:
    depth = 0
    for line in text[:offset].splitlines():
        word = line.strip().split("(", 1)[0].split(" ", 1)[0]
        if word in ("if", "foreach"):
            depth += 1
        elif word in ("endif", "endforeach"):
            depth = max(0, depth - 1)
    return depth


def _meson(listing: SdistListing, found: _Findings) -> None:
    found.tool("meson", "ninja")
    files = sorted(
        ((p, t) for p, t in listing.texts("meson.build") if not is_ancillary(p)),
        key=lambda item: (item[0].count("/"), item[0]),
    )
    if not files:
        found.undecided = "meson-python without a readable meson.build"
        return
    optional: dict[str, str] = {}
    for path, raw in files:
        text = _strip_meson_comments(raw)
        for _offset, args in _calls(text, "project")[:1]:
            positional, _ = _positional_and_keywords(args)
            names = [s for p in positional[1:] for s in _strings(p)]
            for name in names:
                language = _MESON_LANGUAGES.get(name.lower())
                if language:
                    quoted = ", ".join(repr(n) for n in names)
                    found.add(language, f"{path}: project(... {quoted})")
        for offset, args in _calls(text, "add_languages"):
            positional, keywords = _positional_and_keywords(args)
            required = keywords.get("required", "true").strip()
            conditional = _if_depth(text, offset) > 0
            for name in (s for p in positional for s in _strings(p)):
                language = _MESON_LANGUAGES.get(name.lower())
                if language is None:
                    continue
                call = f"add_languages({args.strip()})".replace("\n", " ")
                if required == "true" and not conditional:
                    found.add(language, f"{path}: {call}")
                else:
                    where = "inside an if block" if conditional else f"required: {required}"
                    optional.setdefault(language, f"{path}: {call} ({where})")
    for language, why in optional.items():
        if language not in found.languages:
            found.note(f"{language} is optional: used only when a compiler is found ({why})")


# -- CMake --------------------------------------------------------------------------------


def _cmake(listing: SdistListing, found: _Findings, source_dir: str = "") -> None:
    found.tool("cmake")
    path = f"{source_dir.strip('/')}/CMakeLists.txt" if source_dir.strip("/.") else "CMakeLists.txt"
    raw = listing.text(path)
    if raw is None:
        found.undecided = f"{path} is missing or unread"
        return
    text = re.sub(r"#[^\n]*", "", raw)
    for match in re.finditer(r"(?i)\bproject\s*\(([^)]*)\)", text):
        tokens = [t.strip("\"'") for t in match.group(1).split()]
        keywords = {"VERSION", "DESCRIPTION", "HOMEPAGE_URL", "LANGUAGES"}
        if "LANGUAGES" in tokens:
            after = tokens[tokens.index("LANGUAGES") + 1 :]
            names = []
            for token in after:
                if token in keywords:
                    break
                names.append(token)
        else:
            names = [t for t in tokens[1:] if t in _CMAKE_LANGUAGES or t == "NONE"]
            if not names:
                names = ["C", "CXX"]  # CMake's default
        for name in names:
            if name in _CMAKE_LANGUAGES:
                found.add(_CMAKE_LANGUAGES[name], f"{path}: project({' '.join(tokens)})")
        break
    for match in re.finditer(r"(?i)\benable_language\s*\(\s*(\w+)", text):
        language = _CMAKE_LANGUAGES.get(match.group(1))
        if language:
            found.add(language, f"{path}: enable_language({match.group(1)})")


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
        elif keyword.arg == "libraries" and (libraries := _string_constants(value)):
            found.note(
                f"links against C libraries {', '.join(libraries)}: their development"
                " headers must be installed"
            )
    if name in ("Pybind11Extension", "CppExtension"):
        found.add("C++", f"setup.py: {name}(...)")
    elif name == "CUDAExtension":
        found.add("CUDA", "setup.py: CUDAExtension(...)")


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
            _cmake(listing, found, str(cmake.get("source-dir", "")))
            found.tool("ninja")
        case "maturin":
            _cargo(listing, pyproject, found)
        case "setuptools":
            compiled = _setuptools(listing, pyproject, found)
            if names & {"cmake", "scikit-build"}:
                _cmake(listing, found)
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


def analyze(listing: SdistListing) -> BuildNeeds:
    """What building ``listing``'s sdist needs; see the module docstring."""
    found = _Findings()
    requires, build_backend, backend = _build_system(listing, found)
    names = {_requirement_name(r) for r in requires}
    _configured(backend if backend != "unknown" else build_backend, listing, names, found)

    implied = backend != "flit" and (
        backend not in _PURE_UNLESS_HOOKED or bool(found.languages) or found.undecided is not None
    )
    for name in sorted(names):
        for language in _REQUIRE_LANGUAGES.get(name, ()) if implied else ():
            found.add(language, f"pyproject.toml: build requirement {name}")
        if name in _REQUIRE_TOOLS:
            found.tool(_REQUIRE_TOOLS[name])

    sources = census(listing)
    counted = dict(sources)
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
    languages = tuple(sorted(found.languages, key=_ORDER.__getitem__))
    return BuildNeeds(
        backend=backend,
        build_backend=build_backend,
        requires=requires,
        languages=languages,
        tools=tuple(found.tools),
        notes=tuple(found.notes),
        evidence=tuple((lang, found.languages[lang]) for lang in languages),
        sources=sources,
    )
