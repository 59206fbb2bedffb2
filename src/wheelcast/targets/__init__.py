"""Targets: the (platform, Python) pairs wheelcast forecasts ``pip install`` for.

A :class:`Target` is frozen data. Its compatible tags (:mod:`wheelcast.targets.tags`) and its
marker environment (:func:`marker_environment`) are pure functions of it: nothing about
the machine wheelcast runs on leaks into a foreign target. Only the ``host`` target is
read off the running interpreter (through :mod:`wheelcast.targets._host`).

A target is named on the command line as one of:

* a preset from :data:`PRESETS` (``win-arm64``, ``linux-x86_64``, ``macos-arm64``, ...);
* an exact platform tag (``manylinux_2_17_aarch64``, ``manylinux2014_x86_64``,
  ``musllinux_1_1_x86_64``, ``macosx_14_0_arm64``, ``win_arm64``, ``win_amd64``,
  ``win32``, ``linux_x86_64``, ``ios_15_0_arm64_iphoneos``, ``android_26_x86_64``,
  ``pyemscripten_2026_0_wasm32``);
* a value of uv's ``--python-platform`` (``aarch64-pc-windows-msvc``,
  ``x86_64-unknown-linux-gnu``, ``x86_64-manylinux_2_28``, ``aarch64-apple-darwin``,
  ``arm64-apple-ios``, ``aarch64-linux-android``, ``wasm32-pyodide2025``, ``linux``, ...)
  or one of uv's aliases, mapped to the platform uv maps it to;
* ``host``, the running machine and interpreter;

optionally followed by ``@<python>`` (``win-arm64@3.13t``, ``linux-x86_64@pp311``) to pin
the Python version and implementation (CPython, PyPy, GraalPy).

Defaults follow uv's: Linux means manylinux with glibc 2.28 (uv maps
``x86_64-unknown-linux-gnu`` to ``x86_64-manylinux_2_28``), musl means musllinux 1.2,
macOS means 13.0, the oldest macOS release still supported by Apple, iOS 13.0 and
Android API level 24 (or uv's ``IPHONEOS_DEPLOYMENT_TARGET`` and ``ANDROID_API_LEVEL``;
``MACOSX_DEPLOYMENT_TARGET`` for uv's macOS triples).
A Pyodide ABI (Emscripten) is built for one CPython minor, which its target takes.

Marker environment of a foreign target: ``platform_release`` and ``platform_version``
describe the kernel of one particular machine and cannot be known for a platform in
general, so they are the empty string, as uv does (Emscripten excepted: uv gives the
compiler's version and ``#1``). :data:`UNKNOWABLE_MARKERS` names them
so callers can warn when a requirement's marker depends on them. The host target carries
its real values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from wheelcast.errors import UnknownTarget
from wheelcast.runtime.limits import shown
from wheelcast.targets import _host
from wheelcast.targets.installers import Installer

__all__ = [
    "DEFAULT_ANDROID_API",
    "DEFAULT_IOS",
    "DEFAULT_TARGETS",
    "EMSCRIPTEN_COMPILERS",
    "IMPLEMENTATION_RELEASES",
    "OS",
    "PRESETS",
    "PYODIDE_PYTHONS",
    "SKIPPED_MACOS",
    "UNKNOWABLE_MARKERS",
    "Platform",
    "Python",
    "Target",
    "host_target",
    "manylinux_floor",
    "marker_environment",
    "parse_python",
    "parse_target",
]

OS = Literal["linux", "windows", "macos", "ios", "android", "emscripten"]
Libc = Literal["glibc", "musl"]
Implementation = Literal["cpython", "pypy", "graalpy"]

LINUX_ARCHES: Final = frozenset(
    {"x86_64", "aarch64", "i686", "armv7l", "ppc64le", "s390x", "riscv64", "loongarch64"}
)
_ARCHES: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "linux": LINUX_ARCHES,
        "windows": frozenset({"amd64", "arm64", "x86"}),
        "macos": frozenset({"arm64", "x86_64"}),
        "ios": frozenset({"arm64", "x86_64"}),
        # PEP 738: the Android ABI names, as the tag spells them.
        "android": frozenset({"arm64_v8a", "x86_64", "armeabi_v7a", "x86"}),
        "emscripten": frozenset({"wasm32"}),
    }
)
# The OSes whose platform carries an ``os_version``: iOS (major, minor), Android (API
# level,), Emscripten the Pyodide ABI (year, minor).
_VERSIONED_OS: Final = frozenset({"ios", "android", "emscripten"})
# PEP 738's platform.machine() per Android ABI (what sys.platform's platform_machine is).
_ANDROID_MACHINE: Final[Mapping[str, str]] = MappingProxyType(
    {"arm64_v8a": "aarch64", "x86_64": "x86_64", "armeabi_v7a": "armv7l", "x86": "i686"}
)
# The Emscripten compiler each Pyodide ABI is built with: uv's platform_release for it
# (pyodide's ABI pages); an ABI not listed here gives the empty string.
EMSCRIPTEN_COMPILERS: Final[Mapping[tuple[int, int], str]] = MappingProxyType(
    {(2024, 0): "3.1.58", (2025, 0): "4.0.9"}
)
# The CPython minor each Pyodide ABI is built for (PEP 783: one ABI, one Python).
PYODIDE_PYTHONS: Final[Mapping[tuple[int, int], tuple[int, int]]] = MappingProxyType(
    {(2024, 0): (3, 12), (2025, 0): (3, 13), (2026, 0): (3, 14), (2026, 5): (3, 15)}
)
_WINDOWS_TAGS: Final[Mapping[str, str]] = MappingProxyType(
    {"amd64": "win_amd64", "arm64": "win_arm64", "x86": "win32"}
)
_WINDOWS_MACHINE: Final[Mapping[str, str]] = MappingProxyType(
    {"amd64": "AMD64", "arm64": "ARM64", "x86": "x86"}
)


# The version numbers a target may name, in one place. Each bound is reality plus room:
# a name past it is a typo, and an unbounded one would make the tag ladders (one tag per
# glibc minor, per macOS major, per Python minor) as long as the number is large.
OLDEST_PYTHON: Final = (3, 3)
"""Below 3.3 the ABI tag depends on the build's Unicode width (``cp32mu`` or ``cp32m``),
which a target does not say; Python 2 is not supported at all."""
NEWEST_PYTHON: Final = (3, 16)
"""The newest CPython minor pip and uv know (3.15) and the next one in development."""
MAX_PYTHON_PATCH: Final = 99
"""No CPython minor has had 30 patch releases (2.7 stopped at 2.7.18)."""
MAX_GLIBC_MINOR: Final = 99
"""glibc is 2.x since 1997 and at 2.42 in 2025, two minors a year."""
MAX_MUSL_MINOR: Final = 99
"""musl is at 1.2 since 2020."""
MAX_MACOS_MAJOR: Final = 99
"""macOS is numbered by the year since 26 (2025); its minors stay below 10."""
OLDEST_IOS: Final = (12, 0)
"""packaging's ios_platforms: 12.0 is the first iOS that can run CPython."""
OLDEST_ANDROID_API: Final = 16
"""packaging's android_platforms: API 16 is the oldest that can run CPython."""
MAX_ANDROID_API: Final = 99
"""Android API levels are at 36 in 2025, one a year."""
_LAST_MACOS_10_MINOR: Final = 16
"""10.16 is what macOS 11 reports to software built with an older SDK."""
SKIPPED_MACOS: Final = (16, 25)
"""The majors macOS never had: 15 (2024) was followed by 26 (2025)."""
_MAX_DIGITS: Final = 9
"""Longer numbers are past every bound above (and ``int()`` refuses 4,300 digits)."""


def manylinux_floor(arch: str) -> tuple[int, int]:
    """The oldest glibc a manylinux tag may name on ``arch`` (packaging/_manylinux.py)."""
    return (2, 5) if arch in {"x86_64", "i686"} else (2, 17)


@dataclass(frozen=True, slots=True)
class Platform:
    """An operating system, CPU architecture and, where it matters, C library or OS release.

    ``arch`` is spelled the way the platform tag spells it: ``x86_64``, ``aarch64``,
    ``i686``, ``armv7l``, ``ppc64le``, ``s390x``, ``riscv64``, ``loongarch64`` on Linux;
    ``amd64``, ``arm64``, ``x86`` on Windows; ``arm64``, ``x86_64`` on macOS.
    ``arm64_v8a``, ``x86_64``, ``armeabi_v7a``, ``x86`` on Android (PEP 738); ``arm64``,
    ``x86_64`` on iOS (PEP 730; x86_64 only as a ``simulator``); ``wasm32`` on Emscripten.
    ``libc=None`` on Linux is a system with neither glibc nor musl (only ``linux_<arch>``).
    ``os_version`` is the minimum iOS (``(13, 0)``), the Android API level (``(24,)``) or
    the Pyodide ABI (``(2025, 0)``), and only there.
    From macOS 11 on, pip's ladder names only ``macosx_<major>_0``, so ``(14, 2)`` accepts
    the same wheels as ``(14, 0)``; :attr:`tag` still spells the version it was given.
    """

    os: OS
    arch: str
    libc: Libc | None = None
    libc_version: tuple[int, int] | None = None
    macos_version: tuple[int, int] | None = None
    os_version: tuple[int, ...] | None = None
    simulator: bool = False

    def __post_init__(self) -> None:
        if self.arch not in _ARCHES[self.os]:
            allowed = ", ".join(sorted(_ARCHES[self.os]))
            raise ValueError(f"arch {self.arch!r} is not one of {allowed} on {self.os}")
        if (self.libc is None) != (self.libc_version is None) or (
            self.os != "linux" and self.libc is not None
        ):
            raise ValueError("libc and libc_version go together, and only on linux")
        if (self.os == "macos") != (self.macos_version is not None):
            raise ValueError("macos_version is required on macos and only there")
        if (self.os in _VERSIONED_OS) != (self.os_version is not None):
            raise ValueError(
                "os_version is required on ios, android and emscripten, and only there"
            )
        if (self.simulator and self.os != "ios") or (
            self.os == "ios" and self.arch == "x86_64" and not self.simulator
        ):
            raise ValueError("only iOS has a simulator, and iOS on x86_64 is only one")
        if reason := self._unknown_version():
            raise ValueError(reason)

    def _unknown_version(self) -> str | None:
        """Why the C library or macOS version does not exist, or ``None``."""
        if self.libc == "glibc" and self.libc_version is not None:
            major, minor = self.libc_version
            if major != 2 or minor > MAX_GLIBC_MINOR:
                return (
                    f"there is no glibc {major}.{minor} (wheelcast knows glibc 2.x"
                    f" up to 2.{MAX_GLIBC_MINOR})"
                )
        if self.libc == "musl" and self.libc_version is not None:
            major, minor = self.libc_version
            if major != 1 or minor > MAX_MUSL_MINOR:
                return (
                    f"there is no musl {major}.{minor} (wheelcast knows musl 1.x"
                    f" up to 1.{MAX_MUSL_MINOR})"
                )
        if self.macos_version is not None:
            major, minor = self.macos_version
            if SKIPPED_MACOS[0] <= major <= SKIPPED_MACOS[1]:
                return (
                    f"there is no macOS {major}.{minor}: macOS went from 15 to 26"
                    " (numbered by the year since 2025)"
                )
            if not (major == 10 and minor <= _LAST_MACOS_10_MINOR) and not (
                11 <= major <= MAX_MACOS_MAJOR and minor <= MAX_MACOS_MAJOR
            ):
                return (
                    f"there is no macOS {major}.{minor} (wheelcast knows macOS 10.0 to"
                    f" 10.{_LAST_MACOS_10_MINOR} and 11 to {MAX_MACOS_MAJOR})"
                )
        if self.os_version is not None:
            return _unknown_os_version(self.os, self.os_version)
        return None

    @property
    def tag(self) -> str:
        """The most specific platform tag, e.g. ``manylinux_2_28_aarch64``, ``win_arm64``."""
        if self.os == "windows":
            return _WINDOWS_TAGS[self.arch]
        if self.os_version is not None:
            return _versioned_tag(self)
        if self.os == "macos":
            assert self.macos_version is not None  # noqa: S101 - checked in __post_init__
            major, minor = self.macos_version
            return f"macosx_{major}_{minor}_{self.arch}"
        if self.libc_version is None:
            return f"linux_{self.arch}"
        family = "manylinux" if self.libc == "glibc" else "musllinux"
        major, minor = self.libc_version
        return f"{family}_{major}_{minor}_{self.arch}"


def _unknown_os_version(os: str, version: tuple[int, ...]) -> str | None:
    """Why ``version`` is no iOS release, Android API level or Pyodide ABI, or ``None``."""
    if os == "android":
        if len(version) != 1 or not OLDEST_ANDROID_API <= version[0] <= MAX_ANDROID_API:
            shown_version = ".".join(map(str, version))
            return (
                f"there is no Android API level {shown_version} that runs CPython (wheelcast"
                f" knows {OLDEST_ANDROID_API} to {MAX_ANDROID_API})"
            )
        return None
    if len(version) != 2:
        return f"{os} versions have a major and a minor, not {version}"
    if os == "ios" and not (version >= OLDEST_IOS and version[0] <= MAX_MACOS_MAJOR):
        return (
            f"there is no iOS {version[0]}.{version[1]} that runs CPython (wheelcast knows"
            f" iOS {OLDEST_IOS[0]}.{OLDEST_IOS[1]} to {MAX_MACOS_MAJOR}.x)"
        )
    if os == "emscripten" and not 2024 <= version[0] <= 2099:
        return (
            f"there is no Pyodide ABI {version[0]}_{version[1]} (they are named by year from 2024)"
        )
    return None


def _versioned_tag(platform: Platform) -> str:
    assert platform.os_version is not None  # noqa: S101 - the caller checked
    numbers = "_".join(map(str, platform.os_version))
    if platform.os == "ios":
        kind = "iphonesimulator" if platform.simulator else "iphoneos"
        return f"ios_{numbers}_{platform.arch}_{kind}"
    if platform.os == "android":
        return f"android_{numbers}_{platform.arch}"
    return f"pyemscripten_{numbers}_wasm32"


@dataclass(frozen=True, slots=True)
class Python:
    """A Python interpreter: CPython, PyPy or GraalPy, of one language version.

    ``implementation_version`` is PyPy's or GraalPy's own release, which their ABI tags
    name (``pypy311_pp73`` is PyPy 7.3, ``graalpy242_311_native`` GraalPy 24.2); left out,
    it is the release that ships wheels for that Python (:data:`IMPLEMENTATION_RELEASES`).
    CPython has none.
    """

    implementation: Implementation = "cpython"
    version: tuple[int, ...] = (3, 12)
    free_threaded: bool = False
    implementation_version: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if len(self.version) not in {2, 3}:
            raise ValueError(f"expected a Python 3 version like (3, 12), got {self.version}")
        if reason := _unknown_python(self.version):
            raise ValueError(reason)
        if self.free_threaded and (self.implementation != "cpython" or self.version[:2] < (3, 13)):
            raise ValueError("free-threaded CPython starts at 3.13")
        if self.implementation == "cpython":
            if self.implementation_version is not None:
                raise ValueError("CPython has no implementation version apart from its own")
            return
        if self.implementation_version is None:
            release = IMPLEMENTATION_RELEASES[self.implementation].get(
                (self.version[0], self.version[1])
            )
            if release is None:
                raise ValueError(
                    f"wheelcast knows no {_IMPLEMENTATION_NAMES[self.implementation]} release for"
                    f" Python {self.version[0]}.{self.version[1]}"
                )
            # A frozen value filling in its default: the one place it is written.
            object.__setattr__(self, "implementation_version", release)

    @property
    def short(self) -> str:
        """``3.12``; ``3.13t`` when free-threaded; ``pypy3.11``, ``graalpy3.11``.

        A PyPy or GraalPy release other than the default is spelled by its ABI tag
        (``pypy311_pp80``), which :func:`parse_python` reads back.
        """
        minor = f"{self.version[0]}.{self.version[1]}"
        if self.implementation == "cpython":
            return minor + ("t" if self.free_threaded else "")
        default = IMPLEMENTATION_RELEASES[self.implementation].get(
            (self.version[0], self.version[1])
        )
        return (
            f"{self.implementation}{minor}" if self.implementation_version == default else self.abi
        )

    @property
    def full_version(self) -> str:
        """``3.12.4``; a version given without patch counts as ``.0`` (uv's rule)."""
        return ".".join(str(part) for part in (*self.version, 0)[:3])

    @property
    def interpreter(self) -> str:
        """The interpreter tag: ``cp312``, ``pp311``, ``graalpy311``."""
        prefix = {"cpython": "cp", "pypy": "pp", "graalpy": "graalpy"}[self.implementation]
        return f"{prefix}{self.version[0]}{self.version[1]}"

    @property
    def abi(self) -> str:
        """The ABI tag: ``cp312``, ``cp313t``, ``cp37m`` up to 3.7; ``pypy311_pp73``,
        ``graalpy242_311_native``.

        Until 3.8 dropped the flag, a CPython built with pymalloc (every build python.org
        and the distributions ship, on Windows too) tagged its ABI ``m``: packaging's
        ``_cpython_abis`` adds it whenever ``WITH_PYMALLOC`` is set or unknown. PyPy and
        GraalPy take theirs from ``EXT_SUFFIX`` (packaging's ``_generic_abi``).
        """
        nodot = f"{self.version[0]}{self.version[1]}"
        if self.implementation_version is not None:
            major, minor = self.implementation_version
            if self.implementation == "pypy":
                return f"pypy{nodot}_pp{major}{minor}"
            return f"graalpy{major}{minor}_{nodot}_native"
        suffix = "t" if self.free_threaded else "m" if self.version[:2] < (3, 8) else ""
        return f"cp{nodot}{suffix}"


_IMPLEMENTATION_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalPy"}
)
IMPLEMENTATION_RELEASES: Final[Mapping[str, Mapping[tuple[int, int], tuple[int, int]]]] = (
    MappingProxyType(
        {
            "cpython": MappingProxyType({}),
            # PyPy 7.3 has served every Python since 3.6 (pypy36_pp73 to pypy311_pp73).
            "pypy": MappingProxyType({(3, minor): (7, 3) for minor in range(6, 12)}),
            # The GraalPy release the index's graalpy wheels name for each Python.
            "graalpy": MappingProxyType(
                {(3, 10): (24, 0), (3, 11): (24, 2), (3, 12): (25, 0), (3, 13): (25, 3)}
            ),
        }
    )
)
"""The PyPy or GraalPy release a Python version means when only the version is given."""


def _unknown_python(version: tuple[int, ...]) -> str | None:
    """Why ``version`` names no CPython wheelcast forecasts for, or ``None``."""
    oldest, newest = OLDEST_PYTHON, NEWEST_PYTHON
    known = f"wheelcast knows CPython {oldest[0]}.{oldest[1]} to {newest[0]}.{newest[1]}"
    minor = ".".join(map(str, version[:2]))
    if version[0] == 2:
        return "Python 2 is not supported: wheelcast forecasts for Python 3"
    if (3, 0) <= version[:2] < oldest:
        return f"CPython {minor} is older than wheelcast models ({known})"
    if not oldest <= version[:2] <= newest:
        return f"there is no CPython {minor} ({known})"
    if len(version) == 3 and version[2] > MAX_PYTHON_PATCH:
        return f"CPython {version[0]}.{version[1]} has no patch release {version[2]}"
    return None


@dataclass(frozen=True, slots=True)
class Target:
    """One platform with one Python: what a single ``pip install`` would run on.

    ``name`` is the platform part as the user or the presets wrote it (``win-arm64``,
    ``aarch64-pc-windows-msvc``, ``host``). ``environment`` is set only for a target read
    off a real interpreter (the host): its real PEP 508 marker values, sorted by key.
    ``installer`` is set for a forecast of one pip or uv release (``--installer``): the
    target then accepts only the tags that release knows.
    """

    name: str
    platform: Platform
    python: Python
    environment: tuple[tuple[str, str], ...] | None = None
    installer: Installer | None = None  # an older pip or uv: the tags it knows (--installer)

    @property
    def id(self) -> str:
        """``win-arm64@3.12``: unique among the targets of one run."""
        return f"{self.name}@{self.python.short}"


def _glibc(arch: str, major: int = 2, minor: int = 28) -> Platform:
    return Platform("linux", arch, "glibc", (major, minor))


def _musl(arch: str) -> Platform:
    return Platform("linux", arch, "musl", (1, 2))


def _macos(arch: str) -> Platform:
    return Platform("macos", arch, macos_version=(13, 0))


DEFAULT_IOS: Final = (13, 0)
"""uv's minimum iOS when ``IPHONEOS_DEPLOYMENT_TARGET`` is not set."""
DEFAULT_ANDROID_API: Final = 24
"""uv's Android API level when ``ANDROID_API_LEVEL`` is not set."""


def _ios(arch: str, *, simulator: bool) -> Platform:
    return Platform("ios", arch, os_version=DEFAULT_IOS, simulator=simulator)


def _android(abi: str) -> Platform:
    return Platform("android", abi, os_version=(DEFAULT_ANDROID_API,))


def _pyodide(year: int, minor: int = 0) -> Platform:
    return Platform("emscripten", "wasm32", os_version=(year, minor))


PRESETS: Final[Mapping[str, Platform]] = MappingProxyType(
    {
        "win-amd64": Platform("windows", "amd64"),
        "win-arm64": Platform("windows", "arm64"),
        "win32": Platform("windows", "x86"),
        "linux-x86_64": _glibc("x86_64"),
        "linux-aarch64": _glibc("aarch64"),
        "musllinux-x86_64": _musl("x86_64"),
        "musllinux-aarch64": _musl("aarch64"),
        "macos-arm64": _macos("arm64"),
        "macos-x86_64": _macos("x86_64"),
        "linux-i686": _glibc("i686"),
        "linux-armv7l": _glibc("armv7l", 2, 31),
        "linux-ppc64le": _glibc("ppc64le"),
        "linux-s390x": _glibc("s390x"),
        "linux-riscv64": _glibc("riscv64", 2, 39),
        "musllinux-i686": _musl("i686"),
        "musllinux-armv7l": _musl("armv7l"),
        "ios-arm64": _ios("arm64", simulator=False),
        "ios-simulator-arm64": _ios("arm64", simulator=True),
        "ios-simulator-x86_64": _ios("x86_64", simulator=True),
        "android-arm64_v8a": _android("arm64_v8a"),
        "android-x86_64": _android("x86_64"),
        "android-armeabi_v7a": _android("armeabi_v7a"),
        "android-x86": _android("x86"),
        "pyodide-2024": _pyodide(2024),
        "pyodide-2025": _pyodide(2025),
        "pyemscripten-2026": _pyodide(2026),
    }
)
"""Named platforms. Linux is manylinux glibc 2.28, musllinux is musl 1.2, macOS is 13.0,
iOS 13.0, Android API 24: the defaults uv uses for ``--python-platform``. riscv64 is glibc
2.39 as in uv's ``riscv64-unknown-linux``; armv7l is glibc 2.31, the oldest manylinux
with armv7l images (``manylinux_2_31_armv7l``). A Pyodide ABI runs one CPython
(:data:`PYODIDE_PYTHONS`)."""

DEFAULT_TARGETS: Final[tuple[str, ...]] = (
    "host",
    "win-amd64",
    "win-arm64",
    "linux-x86_64",
    "linux-aarch64",
    "macos-arm64",
)

UNKNOWABLE_MARKERS: Final = frozenset({"platform_release", "platform_version"})
"""Markers that describe one machine's kernel; empty strings for a foreign target."""

# uv's --python-platform values (crates/uv-configuration/src/target_triple.rs) for the
# operating systems wheelcast models. The {arch}-manylinux_2_NN forms are parsed below.
_TRIPLES: Final[Mapping[str, Platform]] = MappingProxyType(
    {
        "windows": Platform("windows", "amd64"),
        "linux": _glibc("x86_64"),
        "macos": _macos("arm64"),
        "x86_64-pc-windows-msvc": Platform("windows", "amd64"),
        "aarch64-pc-windows-msvc": Platform("windows", "arm64"),
        "i686-pc-windows-msvc": Platform("windows", "x86"),
        "x86_64-unknown-linux-gnu": _glibc("x86_64"),
        "aarch64-unknown-linux-gnu": _glibc("aarch64"),
        "s390x-unknown-linux-gnu": _glibc("s390x"),
        "powerpc64le-unknown-linux-gnu": _glibc("ppc64le"),
        "loongarch64-unknown-linux-gnu": _glibc("loongarch64", 2, 36),
        "riscv64-unknown-linux": _glibc("riscv64", 2, 39),
        "x86_64-unknown-linux-musl": _musl("x86_64"),
        "aarch64-unknown-linux-musl": _musl("aarch64"),
        "aarch64-apple-darwin": _macos("arm64"),
        "x86_64-apple-darwin": _macos("x86_64"),
        "aarch64-linux-android": _android("arm64_v8a"),
        "x86_64-linux-android": _android("x86_64"),
        "wasm32-pyodide2024": _pyodide(2024),
        "wasm32-pyodide2025": _pyodide(2025),
        "arm64-apple-ios": _ios("arm64", simulator=False),
        "arm64-apple-ios-simulator": _ios("arm64", simulator=True),
        "x86_64-apple-ios-simulator": _ios("x86_64", simulator=True),
        # uv's aliases of the names above (serde spellings its settings files accept)
        "x8664-pc-windows-msvc": Platform("windows", "amd64"),
        "arm64-pc-windows-msvc": Platform("windows", "arm64"),
        "x8664-unknown-linux-gnu": _glibc("x86_64"),
        "x8664-unknown-linux-musl": _musl("x86_64"),
        "x8664-apple-darwin": _macos("x86_64"),
    }
)
_DEPLOYMENT_ENV: Final[Mapping[str, str]] = MappingProxyType(
    {
        "ios": "IPHONEOS_DEPLOYMENT_TARGET",
        "android": "ANDROID_API_LEVEL",
        "macos": "MACOSX_DEPLOYMENT_TARGET",
    }
)
"""uv's settings for the minimum iOS or macOS and the Android API level of a named target."""

_LEGACY_MANYLINUX: Final[Mapping[str, tuple[int, int]]] = MappingProxyType(
    {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
)
_ARCH = "|".join(sorted(LINUX_ARCHES, key=len, reverse=True))
_MANYLINUX_RE = re.compile(rf"manylinux_(\d+)_(\d+)_({_ARCH})")
_LEGACY_RE = re.compile(rf"(manylinux1|manylinux2010|manylinux2014)_({_ARCH})")
_MUSLLINUX_RE = re.compile(rf"musllinux_(\d+)_(\d+)_({_ARCH})")
_PLAIN_LINUX_RE = re.compile(rf"linux_({_ARCH})")
_MACOS_RE = re.compile(r"macosx_(\d+)_(\d+)_(arm64|x86_64)")
_UV_MANYLINUX_RE = re.compile(rf"({_ARCH}|x8664)-manylinux(?:_(\d+)_(\d+)|(2014)|2(\d\d))")
_IOS_RE = re.compile(r"ios_(\d+)_(\d+)_(arm64|x86_64)_(iphoneos|iphonesimulator)")
_ANDROID_RE = re.compile(r"android_(\d+)_(arm64_v8a|x86_64|armeabi_v7a|x86)")
_EMSCRIPTEN_RE = re.compile(r"(?:pyemscripten|pyodide)_(\d+)_(\d+)_wasm32")
_PYTHON_RE = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?(t?)")
_CP_RE = re.compile(r"cp(\d)(\d+)(t?)")
# pypy3.11, graalpy3.11, pp311, pypy311, graalpy311
_IMPLEMENTATION_RE = re.compile(r"(pypy|graalpy|pp)(\d)(?:\.(\d+)|(\d+))")
# the ABI tags, which name the implementation's release: pypy311_pp73, graalpy242_311_native
_PYPY_ABI_RE = re.compile(r"pypy(\d)(\d+)_pp(\d)(\d+)")
_GRAALPY_ABI_RE = re.compile(r"graalpy(\d\d)(\d+)_(\d)(\d+)_native")


def _number(digits: str) -> int:
    """``int(digits)``; a number longer than :data:`_MAX_DIGITS` is a ``ValueError``."""
    if len(digits.lstrip("0")) > _MAX_DIGITS:
        raise ValueError(f"{digits[:_MAX_DIGITS]}... is no version number")
    return int(digits)


_HINTED_PRESETS: Final = (
    *list(PRESETS)[:9],  # the Windows, Linux and macOS presets uv defaults to
    "ios-arm64",
    "android-arm64_v8a",
    "pyodide-2025",
)


def _target_hint() -> str:
    return (
        # The first presets by name and one of each other kind: a hint stays one line.
        f"use a preset ({', '.join(_HINTED_PRESETS)}, ...), 'host', a platform tag such as "
        "manylinux_2_28_x86_64, or a uv target triple such as aarch64-pc-windows-msvc; "
        "`wheelcast targets` lists them"
    )


# The names other tools and habits give an OS (with its C library) or an architecture.
_OS_WORDS = {
    **dict.fromkeys(("win", "windows"), ("windows", None)),
    **dict.fromkeys(("linux", "manylinux", "gnu"), ("linux", "glibc")),
    **dict.fromkeys(("musl", "musllinux", "alpine"), ("linux", "musl")),
    **dict.fromkeys(("mac", "macos", "macosx", "osx", "darwin", "apple"), ("macos", None)),
}
_ARCH_WORDS = {
    **dict.fromkeys(("arm64", "aarch64"), "arm64"),
    **dict.fromkeys(("amd64", "x86_64", "x64", "x86-64"), "x64"),
    **dict.fromkeys(("x86", "i686", "i386", "32"), "x86"),
}
_ONE_WORD = {"win64": "win-amd64", "windows": "win-amd64", "linux": "linux-x86_64",
             "macos": "macos-arm64", "mac": "macos-arm64"}  # fmt: skip


def nearest_preset(name: str) -> str | None:
    """The preset an unknown target name most likely meant (``linux-arm64``:
    ``linux-aarch64``, ``windows-arm64``: ``win-arm64``), or None."""
    import difflib  # noqa: PLC0415 - only for a name that failed

    name = name.lower()
    words = [w for w in re.split(r"[-_ ]+", name) if w]
    if len(words) == 1 and words[0] in _ONE_WORD:
        return _ONE_WORD[words[0]]
    system = _OS_WORDS.get(words[0]) if len(words) >= 2 else None
    if system is None:  # a typo of a whole name, if anything
        close = difflib.get_close_matches(name, list(PRESETS), n=1, cutoff=0.8)
        return close[0] if close else None
    same_os = {p: pf for p, pf in PRESETS.items() if (pf.os, pf.libc) == system}
    word = "-".join(words[1:])
    arch = _ARCH_WORDS.get(word)
    if arch is None:  # a typo of the architecture (arm46), not another one (riscv64)
        spelled = {pf.arch: p for p, pf in same_os.items()}
        close = difflib.get_close_matches(word, list(spelled), n=1, cutoff=0.8)
        return spelled[close[0]] if close else None
    return next((p for p, pf in same_os.items() if _ARCH_WORDS.get(pf.arch) == arch), None)


def _checked_glibc(text: str, arch: str, version: tuple[int, int]) -> Platform:
    floor = manylinux_floor(arch)
    if version < floor:
        raise UnknownTarget(
            f"unknown target '{shown(text)}':"
            f" manylinux on {arch} starts at glibc {floor[0]}.{floor[1]}",
            f"use manylinux_{floor[0]}_{floor[1]}_{arch} or newer",
        )
    return _glibc(arch, *version)


def _parse_platform(text: str) -> Platform | None:
    """The platform a target name denotes, or ``None`` when it is no known form."""
    try:
        return _platform_of(text)
    except ValueError as exc:
        raise UnknownTarget(
            f"unknown target '{shown(text)}': {shown(str(exc))}",
            "name a real release, e.g. manylinux_2_28_x86_64, musllinux_1_2_x86_64"
            " or macosx_14_0_arm64",
        ) from exc


def _platform_of(text: str) -> Platform | None:  # noqa: PLR0911 - one return per form
    if found := PRESETS.get(text) or _TRIPLES.get(text):
        return _deployment_target(text, found)
    if found := _versioned_platform(text):
        return found
    if text in _WINDOWS_TAGS.values():
        return Platform("windows", next(a for a, t in _WINDOWS_TAGS.items() if t == text))
    if m := _MANYLINUX_RE.fullmatch(text):
        return _checked_glibc(text, m[3], (_number(m[1]), _number(m[2])))
    if m := _LEGACY_RE.fullmatch(text):
        return _checked_glibc(text, m[2], _LEGACY_MANYLINUX[m[1]])
    if m := _UV_MANYLINUX_RE.fullmatch(text):
        arch = "x86_64" if m[1] == "x8664" else m[1]
        return _checked_glibc(text, arch, _uv_manylinux_version(m))
    if (m := _MUSLLINUX_RE.fullmatch(text)) and m[1] == "1":
        return Platform("linux", m[3], "musl", (1, _number(m[2])))
    if m := _PLAIN_LINUX_RE.fullmatch(text):
        return Platform("linux", m[1])
    if m := _MACOS_RE.fullmatch(text):
        version = (_number(m[1]), _number(m[2]))
        if m[3] == "arm64" and version < (11, 0):
            raise UnknownTarget(
                f"unknown target '{shown(text)}': macOS on arm64 starts at 11.0",
                "use macosx_11_0_arm64 or newer",
            )
        return Platform("macos", m[3], macos_version=version)
    return None


def _uv_manylinux_version(m: re.Match[str]) -> tuple[int, int]:
    # x86_64-manylinux2014, x86_64-manylinux_2_28, or uv's alias x8664-manylinux228
    if m[4]:
        return (2, 17)
    if m[5]:
        return (2, _number(m[5]))
    return (_number(m[2]), _number(m[3]))


def _versioned_platform(text: str) -> Platform | None:
    """The iOS, Android or Pyodide platform an exact platform tag names, or ``None``."""
    if m := _IOS_RE.fullmatch(text):
        version = (_number(m[1]), _number(m[2]))
        return Platform("ios", m[3], os_version=version, simulator=m[4] == "iphonesimulator")
    if m := _ANDROID_RE.fullmatch(text):
        return Platform("android", m[2], os_version=(_number(m[1]),))
    if m := _EMSCRIPTEN_RE.fullmatch(text):
        return _pyodide(_number(m[1]), _number(m[2]))
    return None


def _deployment_target(name: str, platform: Platform) -> Platform:
    """``platform`` with the OS version uv's environment variable sets, if set.

    uv reads ``IPHONEOS_DEPLOYMENT_TARGET`` (``15.2``, ``15``) and ``ANDROID_API_LEVEL``
    (``26``) for its iOS and Android targets, and ``MACOSX_DEPLOYMENT_TARGET`` for its
    macOS ones; wheelcast does the same for those names. The macOS variable is read for
    uv's triples only (``aarch64-apple-darwin``, ``macos``): it is commonly set for
    building, and the ``macos-*`` presets stay 13.0 whatever a shell exports. An exact
    platform tag (``ios_15_0_arm64_iphoneos``) carries its own version instead.
    """
    variable = _DEPLOYMENT_ENV.get(platform.os)
    if platform.os == "macos" and name not in _TRIPLES:
        variable = None
    value = os.environ.get(variable, "").strip() if variable else ""
    if not variable or not value:
        return platform
    android = platform.os == "android"
    example = {
        "android": "an API level such as 24",
        "ios": "an iOS version such as 13.0",
        "macos": "a macOS version such as 14.0",
    }[platform.os]
    try:
        version = _deployment_version(value, android=android)
        if platform.os == "macos":
            return _deployment_macos(platform.arch, (version[0], version[1]))
        return Platform(
            platform.os, platform.arch, os_version=version, simulator=platform.simulator
        )
    except ValueError as exc:
        raise UnknownTarget(
            f"unknown target '{shown(name)}': {variable}={shown(value)}: {shown(str(exc))}",
            f"set {variable} to {example}, or unset it",
        ) from exc


def _deployment_macos(arch: str, version: tuple[int, int]) -> Platform:
    # macOS on arm64 starts at 11.0: an older deployment target (10.9, set for x86_64
    # builds) still runs there on 11.0 and newer, so it means 11.0 on arm64. (uv would keep
    # 10.9 and then accept only universal2 wheels.)
    if arch == "arm64" and version < (11, 0):
        version = (11, 0)
    return Platform("macos", arch, macos_version=version)


def _deployment_version(value: str, *, android: bool) -> tuple[int, ...]:
    parts = value.split(".")
    if len(parts) != 1 and (android or len(parts) != 2):
        raise ValueError("it is no API level" if android else "it is no iOS version")
    numbers = tuple(_number(part) for part in parts)
    return numbers if android else (*numbers, 0)[:2]


def parse_python(text: str) -> Python:
    """Parse ``3.12``, ``3.12.4``, ``3.13t``, ``cp312`` or ``cp313t``."""
    try:
        python = _python_of(text.strip().lower())
    except ValueError as exc:
        oldest, newest = OLDEST_PYTHON, NEWEST_PYTHON
        raise UnknownTarget(
            f"unknown Python version '{shown(text)}': {shown(str(exc))}",
            f"use a CPython version from {oldest[0]}.{oldest[1]} to {newest[0]}.{newest[1]},"
            " e.g. 3.12; free-threaded builds start at 3.13t",
        ) from exc
    if python is None:
        raise UnknownTarget(
            f"unknown Python version '{shown(text)}'",
            "write it as 3.12, 3.12.4, 3.13t, cp312, cp313t, pypy3.11 (pp311) or graalpy3.11",
        )
    return python


def _python_of(cleaned: str) -> Python | None:
    if m := _PYTHON_RE.fullmatch(cleaned):
        version = tuple(_number(part) for part in m.groups()[:3] if part is not None)
        free_threaded = m[4] == "t"
    elif m := _CP_RE.fullmatch(cleaned):
        version = (_number(m[1]), _number(m[2]))
        free_threaded = m[3] == "t"
    elif m := _IMPLEMENTATION_RE.fullmatch(cleaned):
        implementation: Implementation = "graalpy" if m[1] == "graalpy" else "pypy"
        return Python(implementation, (_number(m[2]), _number(m[3] or m[4])))
    elif m := _PYPY_ABI_RE.fullmatch(cleaned):
        release = (_number(m[3]), _number(m[4]))
        return Python("pypy", (_number(m[1]), _number(m[2])), implementation_version=release)
    elif m := _GRAALPY_ABI_RE.fullmatch(cleaned):
        release = (_number(m[1]), _number(m[2]))
        return Python("graalpy", (_number(m[3]), _number(m[4])), implementation_version=release)
    else:
        return None
    return Python(version=version, free_threaded=free_threaded)


def parse_target(text: str, pythons: Sequence[Python]) -> list[Target]:
    """The targets ``text`` names: one per Python in ``pythons``, or the one after ``@``.

    ``host`` with no Python anywhere means the running interpreter.
    """
    name, _, python_text = text.strip().lower().partition("@")
    wanted = [parse_python(python_text)] if python_text else list(pythons)
    if name == "host":
        return [host_target(python) for python in wanted] if wanted else [host_target()]
    platform = _parse_platform(name)
    if platform is None:
        near = nearest_preset(name)
        hint = f"did you mean {near}? " if near else ""
        raise UnknownTarget(f"unknown target '{shown(text)}'", hint + _target_hint())
    if platform.os == "emscripten":
        wanted = _pyodide_pythons(text, platform, wanted, pinned=bool(python_text))
    if not wanted:
        raise UnknownTarget(
            f"no Python version for target '{shown(text)}'",
            f"write it as {name}@3.12 or pass a Python version",
        )
    return [Target(name, platform, python) for python in wanted]


def _pyodide_pythons(
    text: str, platform: Platform, wanted: list[Python], *, pinned: bool
) -> list[Python]:
    """The Pythons of ``wanted`` that a Pyodide ABI runs; its own one if none is.

    A Pyodide ABI is one CPython build (PEP 783), so of the run's Pythons only those of its
    minor apply; one written after ``@`` that it does not run is an error.
    """
    assert platform.os_version is not None  # noqa: S101 - every emscripten platform has one
    abi = (platform.os_version[0], platform.os_version[1])
    own = PYODIDE_PYTHONS.get(abi)
    if own is None:
        return wanted
    fits = [
        p
        for p in wanted
        if p.implementation == "cpython" and not p.free_threaded and p.version[:2] == own
    ]
    if pinned and not fits:
        raise UnknownTarget(
            f"unknown target '{shown(text)}': the Pyodide ABI {abi[0]}_{abi[1]} runs CPython"
            f" {own[0]}.{own[1]}",
            f"write it as {text.partition('@')[0].strip()}@{own[0]}.{own[1]}",
        )
    return fits or [Python(version=own)]


def host_target(python: Python | None = None) -> Target:
    """The running machine as a target, with its real marker environment.

    ``python=None`` is the running interpreter. A Python of the same minor version (and
    patch, if given) and threading is taken to be the running one; any other keeps the
    host's platform markers and takes its Python markers from ``python``.
    """
    facts = _host.probe()
    try:
        platform = Platform(
            facts.os, facts.arch, facts.libc, facts.libc_version, facts.macos_version
        )
    except ValueError as exc:
        raise UnknownTarget(
            f"the host platform is not one wheelcast models: {exc}",
            "name a target explicitly (see `wheelcast targets`)",
        ) from exc
    running = Python(version=facts.python_version, free_threaded=facts.free_threaded)
    environment = dict(facts.environment)
    if python is None or _is_same_python(python, running):
        python = running
    else:
        environment |= _python_markers(python)
    return Target("host", platform, python, tuple(sorted(environment.items())))


def _is_same_python(python: Python, running: Python) -> bool:
    given = python.version
    return (
        python.implementation == running.implementation
        and python.free_threaded == running.free_threaded
        and given == running.version[: len(given)]
    )


def _python_markers(python: Python) -> dict[str, str]:
    release = python.implementation_version
    return {
        "implementation_name": python.implementation,
        # platform.python_implementation() on each: GraalPy reports its VM.
        "platform_python_implementation": {
            "cpython": "CPython",
            "pypy": "PyPy",
            "graalpy": "GraalVM",
        }[python.implementation],
        "implementation_version": (
            f"{release[0]}.{release[1]}.0" if release is not None else python.full_version
        ),
        "python_version": f"{python.version[0]}.{python.version[1]}",
        "python_full_version": python.full_version,
    }


def marker_environment(target: Target) -> dict[str, str]:
    """The full PEP 508 marker environment ``pip`` would see on ``target``.

    See the module docstring for ``platform_release`` and ``platform_version``.
    """
    if target.environment is not None:
        return dict(target.environment)
    platform = target.platform
    release = version = ""
    match platform.os:
        case "windows":
            system = ("nt", "win32", "Windows", _WINDOWS_MACHINE[platform.arch])
        case "linux":
            system = ("posix", "linux", "Linux", platform.arch)
        case "macos":
            system = ("posix", "darwin", "Darwin", platform.arch)
        case "ios":
            # PEP 730; uv's platform_machine is the CPU, not the device model.
            system = ("posix", "ios", "iOS", platform.arch)
        case "android":
            # PEP 738: platform.machine() is the kernel's, aarch64 for arm64_v8a.
            system = ("posix", "android", "Android", _ANDROID_MACHINE[platform.arch])
        case "emscripten":
            system = ("posix", "emscripten", "Emscripten", "wasm32")
            # uv's values: the Emscripten compiler's version, and what its uname says.
            assert platform.os_version is not None  # noqa: S101 - Platform guarantees it
            abi = (platform.os_version[0], platform.os_version[1])
            release, version = EMSCRIPTEN_COMPILERS.get(abi, ""), "#1"
    os_name, sys_platform, platform_system, platform_machine = system
    return {
        "os_name": os_name,
        "sys_platform": sys_platform,
        "platform_system": platform_system,
        "platform_machine": platform_machine,
        "platform_release": release,
        "platform_version": version,
        **_python_markers(target.python),
    }
