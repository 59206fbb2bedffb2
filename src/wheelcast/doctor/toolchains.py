"""Build toolchains: what ``pip`` would have at hand to build an sdist on this machine.

:func:`find_toolchains` runs each tool's ``--version`` once through a
:class:`~wheelcast.doctor._run.Runner`: C and C++ compilers (``cc``, ``gcc``,
``clang``, ``c++``, ``g++``, ``clang++``), ``gfortran``, Rust (``rustc``, ``cargo``,
``rustup target list --installed``), ``cmake``, ``ninja``, ``meson``, ``pkg-config``;
on Windows, Visual Studio installations through ``vswhere -products * -format json
-utf8 -include packages``, with the MSVC x64/x86 and ARM64 build tools components and
the Windows SDKs each one has.

:func:`can_build` answers whether the languages an sdist needs can be compiled for a
platform with what was found, and names what to install when they cannot.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from wheelcast.doctor._run import Runner
from wheelcast.targets import Platform

__all__ = [
    "MSVC_ARM64",
    "MSVC_X64",
    "MsvcInstall",
    "Tool",
    "Toolchains",
    "can_build",
    "find_toolchains",
    "parse_version",
    "parse_vswhere",
]

MSVC_X64: Final = "Microsoft.VisualStudio.Component.VC.Tools.x86.x64"
MSVC_ARM64: Final = "Microsoft.VisualStudio.Component.VC.Tools.ARM64"
_SDK = re.compile(r"Microsoft\.VisualStudio\.Component\.Windows1[01]SDK(?:\.\d+)?")
_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)*")

# (name, argv after the program). The order is the order of the report.
_TOOLS: Final = (
    ("cc", "--version"),
    ("gcc", "--version"),
    ("clang", "--version"),
    ("c++", "--version"),
    ("g++", "--version"),
    ("clang++", "--version"),
    ("gfortran", "--version"),
    ("rustc", "--version"),
    ("cargo", "--version"),
    ("cmake", "--version"),
    ("ninja", "--version"),
    ("meson", "--version"),
    ("pkg-config", "--version"),
)
_C: Final = ("gcc", "clang", "cc")
_CXX: Final = ("g++", "clang++", "c++")
# Languages the lead's sdist analysis may name -> what must be present.
_NEEDS: Final[Mapping[str, frozenset[str]]] = {
    "c": frozenset({"C"}),
    "cython": frozenset({"C"}),
    "c++": frozenset({"C", "C++"}),
    "cpp": frozenset({"C", "C++"}),
    "fortran": frozenset({"C", "Fortran"}),
    "rust": frozenset({"C", "Rust"}),
}
_RUST_TRIPLES: Final[Mapping[tuple[str, str], str]] = {
    ("linux", "x86_64"): "x86_64-unknown-linux-gnu",
    ("linux", "aarch64"): "aarch64-unknown-linux-gnu",
    ("windows", "amd64"): "x86_64-pc-windows-msvc",
    ("windows", "arm64"): "aarch64-pc-windows-msvc",
    ("windows", "x86"): "i686-pc-windows-msvc",
    ("macos", "x86_64"): "x86_64-apple-darwin",
    ("macos", "arm64"): "aarch64-apple-darwin",
}


@dataclass(frozen=True, slots=True)
class Tool:
    """A program found on ``PATH``: its name, path, parsed version and the first line
    of its ``--version`` (``detail``). ``flavour`` is ``gcc`` or ``clang`` for the
    C-family drivers (``cc`` may be either), else empty."""

    name: str
    path: str
    version: str | None
    detail: str = ""
    flavour: str = ""

    def describe(self) -> str:
        """``gcc 12.2.0``; ``cc (gcc 12.2.0)`` for a driver under another name."""
        version = f" {self.version}" if self.version else ""
        if self.flavour and self.name in {"cc", "c++"}:
            return f"{self.name} ({self.flavour}{version})"
        return f"{self.name}{version}"


@dataclass(frozen=True, slots=True)
class MsvcInstall:
    """One Visual Studio (or Build Tools) installation, from vswhere."""

    name: str
    version: str
    path: str
    components: frozenset[str]

    @property
    def x64_tools(self) -> bool:
        """MSVC x64/x86 build tools (``...VC.Tools.x86.x64``): builds win_amd64 and win32."""
        return MSVC_X64 in self.components

    @property
    def arm64_tools(self) -> bool:
        """MSVC ARM64 build tools (``...VC.Tools.ARM64``): builds win_arm64."""
        return MSVC_ARM64 in self.components

    @property
    def windows_sdks(self) -> tuple[str, ...]:
        return tuple(sorted(c for c in self.components if _SDK.fullmatch(c)))


@dataclass(frozen=True, slots=True)
class Toolchains:
    """Everything found; ``notes`` say what could not be asked (missing vswhere, ...)."""

    tools: tuple[Tool, ...] = ()
    rust_targets: tuple[str, ...] = ()
    msvc: tuple[MsvcInstall, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def get(self, name: str) -> Tool | None:
        return next((t for t in self.tools if t.name == name), None)

    def first(self, names: Iterable[str]) -> Tool | None:
        return next((tool for name in names if (tool := self.get(name))), None)

    @property
    def c_compiler(self) -> Tool | None:
        return self.first(_C)

    @property
    def cxx_compiler(self) -> Tool | None:
        return self.first(_CXX)


def parse_version(name: str, output: str) -> tuple[str | None, str, str]:
    """``(version, first line, flavour)`` from a tool's ``--version`` output.

    The version is the first dotted number of the first non-empty line: that holds for
    gcc (``gcc (Debian 12.2.0-14) 12.2.0``), clang (``Apple clang version 15.0.0
    (clang-1500...)``), rustc, cargo, cmake, ninja, meson and pkg-config.
    """
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    m = _VERSION.search(first)
    flavour = ""
    if name in (*_C, *_CXX, "gfortran"):
        lowered = output.lower()
        if "clang" in lowered:
            flavour = "clang"
        elif "gcc" in lowered or "free software foundation" in lowered or "gnu" in lowered:
            flavour = "gcc"
    return (m.group(0) if m else None), first, flavour


def parse_vswhere(text: str) -> list[MsvcInstall]:
    """``vswhere -format json -include packages``: a list of instances, each with
    ``displayName``, ``installationVersion``, ``installationPath`` and ``packages``
    (``{"id", "version", "type"}``). Raises ``ValueError`` on anything else."""
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("expected a JSON list of instances")  # noqa: TRY004 - as json
    found: list[MsvcInstall] = []
    for instance in data:
        if not isinstance(instance, dict):
            continue
        packages = instance.get("packages") or []
        ids = frozenset(
            p["id"] for p in packages if isinstance(p, dict) and isinstance(p.get("id"), str)
        )
        found.append(
            MsvcInstall(
                name=str(instance.get("displayName") or instance.get("productId") or "?"),
                version=str(instance.get("installationVersion", "")),
                path=str(instance.get("installationPath", "")),
                components=ids,
            )
        )
    return found


def _vswhere(runner: Runner, env: Mapping[str, str]) -> str | None:
    for base in ("ProgramFiles(x86)", "ProgramFiles"):
        if folder := env.get(base):
            path = f"{folder}\\Microsoft Visual Studio\\Installer\\vswhere.exe"
            if os.path.isfile(path):
                return path
    return runner.which("vswhere")


def find_toolchains(
    runner: Runner,
    *,
    windows: bool = False,
    env: Mapping[str, str] | None = None,
) -> Toolchains:
    """Ask every known tool for its version; on Windows also vswhere."""
    tools: list[Tool] = []
    notes: list[str] = []
    for name, flag in _TOOLS:
        path = runner.which(name)
        if path is None:
            continue
        done = runner.run([path, flag])
        if done is None or not done.ok:
            notes.append(f"{name}: found at {path} but '{name} {flag}' failed")
            continue
        version, first, flavour = parse_version(name, done.stdout or done.stderr)
        tools.append(Tool(name, path, version, first, flavour))
    rust_targets: tuple[str, ...] = ()
    if rustup := runner.which("rustup"):
        done = runner.run([rustup, "target", "list", "--installed"])
        if done is not None and done.ok:
            rust_targets = tuple(line.strip() for line in done.stdout.splitlines() if line.strip())
        else:
            notes.append("rustup target list --installed: failed")
    msvc: list[MsvcInstall] = []
    if windows:
        vswhere = _vswhere(runner, os.environ if env is None else env)
        if vswhere is None:
            notes.append("vswhere: not found, so no Visual Studio installation is known")
        else:
            argv = [vswhere, "-products", "*", "-format", "json", "-utf8"]
            done = runner.run([*argv, "-include", "packages"], timeout=30)
            try:
                if done is None or not done.ok:
                    raise ValueError("the command failed")  # noqa: TRY301 - one note for both
                msvc = parse_vswhere(done.stdout)
            except ValueError as exc:
                notes.append(f"vswhere: skipped ({exc})")
    return Toolchains(tuple(tools), rust_targets, tuple(msvc), tuple(notes))


# -- can_build ---------------------------------------------------------------------------


def _needs(languages: Iterable[str]) -> frozenset[str]:
    needs: set[str] = set()
    for language in languages:
        needs |= _NEEDS.get(language.strip().lower(), frozenset({"C"}))
    return frozenset(needs or {"C"})


def _unix_hint(what: str, platform: Platform) -> str:
    if platform.os == "macos":
        return {
            "Fortran": "install gfortran (brew install gcc)",
            "Rust": "install Rust with rustup",
        }.get(what, "install the Xcode Command Line Tools (xcode-select --install)")
    packages = {
        "C": ("build-essential python3-dev", "gcc python3-devel", "build-base python3-dev"),
        "C++": ("build-essential", "gcc-c++", "build-base"),
        "Fortran": ("gfortran", "gcc-gfortran", "gfortran"),
        "headers": ("python3-dev", "python3-devel", "python3-dev"),
    }
    if what == "Rust":
        return "install Rust with rustup, or your system's rust and cargo packages"
    thing = {"C": "gcc", "C++": "g++", "Fortran": "gfortran", "headers": "them"}[what]
    debian, fedora, alpine = packages[what]
    if platform.libc == "musl":
        return f"install {thing} (Alpine: apk add {alpine})"
    return f"install {thing} (Debian/Ubuntu: apt install {debian}; Fedora: dnf install {fedora})"


def _msvc_for(platform: Platform, toolchains: Toolchains) -> tuple[MsvcInstall | None, str]:
    component = MSVC_ARM64 if platform.arch == "arm64" else MSVC_X64
    label = "MSVC ARM64 build tools" if platform.arch == "arm64" else "MSVC x64/x86 build tools"
    for install in toolchains.msvc:
        if component in install.components and install.windows_sdks:
            return install, ""
    hint = (
        f"install Visual Studio Build Tools with the '{label}' component ({component})"
        " and a Windows SDK"
    )
    if any(component in i.components for i in toolchains.msvc):
        return None, f"{label} are installed but no Windows SDK: {hint}"
    if toolchains.msvc:
        names = ", ".join(f"{i.name} {i.version}" for i in toolchains.msvc)
        return None, f"no {label} in {names}: {hint}"
    return None, f"no MSVC found: {hint}"


def _compilers(
    needs: frozenset[str], toolchains: Toolchains, platform: Platform
) -> tuple[list[str], list[str]]:
    """(what would be used, what is missing) for the C, C++ and Fortran needs."""
    used: list[str] = []
    missing: list[str] = []
    if platform.os == "windows" and needs & {"C", "C++"}:
        install, problem = _msvc_for(platform, toolchains)
        if install is None:
            missing.append(problem)
        else:
            used.append(f"MSVC ({install.name} {install.version})")
    elif needs & {"C", "C++"}:
        for language, tool in (("C", toolchains.c_compiler), ("C++", toolchains.cxx_compiler)):
            if language not in needs:
                continue
            if tool is None:
                missing.append(f"no {language} compiler found: {_unix_hint(language, platform)}")
            else:
                used.append(tool.describe())
    if "Fortran" in needs:
        if (fortran := toolchains.get("gfortran")) is not None:
            used.append(fortran.describe())
        elif platform.os == "windows":
            missing.append("no Fortran compiler found: install gfortran")
        else:
            missing.append(f"no Fortran compiler found: {_unix_hint('Fortran', platform)}")
    return used, missing


def can_build(
    languages: Iterable[str],
    toolchains: Toolchains,
    platform: Platform,
    *,
    headers: bool | None = None,
) -> tuple[bool, str]:
    """Can an sdist needing ``languages`` be built for ``platform`` with ``toolchains``?

    ``languages`` are names such as ``"C"``, ``"C++"``, ``"Fortran"``, ``"Rust"``,
    ``"Cython"`` (compiled as C); empty or unknown ones count as C, since most sdists
    of unknown needs compile C. ``headers`` is whether the interpreter's ``Python.h``
    exists (``None``: not checked). Returns ``(True, "would build with gcc 12.2.0")``
    or ``(False, "no C compiler found: install gcc (...)")``.
    """
    needs = _needs(languages)
    used, missing = _compilers(needs, toolchains, platform)
    if "Rust" in needs:
        rust_missing, rust_used = _rust(toolchains, platform)
        missing.extend(rust_missing)
        used.extend(rust_used)
    if headers is False:
        hint = "install the Python development headers"
        if platform.os == "linux":
            hint = _unix_hint("headers", platform)
        missing.append(f"Python.h not found for this interpreter: {hint}")
    if missing:
        return False, "; ".join(missing)
    return True, "would build with " + " / ".join(used)


def _rust(toolchains: Toolchains, platform: Platform) -> tuple[list[str], list[str]]:
    rustc, cargo = toolchains.get("rustc"), toolchains.get("cargo")
    if rustc is None or cargo is None:
        absent = " and ".join(n for n, t in (("rustc", rustc), ("cargo", cargo)) if t is None)
        return [f"no Rust toolchain found ({absent} missing): {_unix_hint('Rust', platform)}"], []
    triple = _RUST_TRIPLES.get((platform.os, platform.arch))
    if toolchains.rust_targets and triple and triple not in toolchains.rust_targets:
        return [f"the Rust target {triple} is not installed: rustup target add {triple}"], []
    return [], [rustc.describe(), cargo.describe()]
