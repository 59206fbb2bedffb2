"""Targets: the (platform, Python) pairs wheelcast forecasts ``pip install`` for.

A :class:`Target` is frozen data. Its compatible tags (:mod:`wheelcast.targets.tags`) and its
marker environment (:func:`marker_environment`) are pure functions of it: nothing about
the machine wheelcast runs on leaks into a foreign target. Only the ``host`` target is
read off the running interpreter (through :mod:`wheelcast.targets._host`).

A target is named on the command line as one of:

* a preset from :data:`PRESETS` (``win-arm64``, ``linux-x86_64``, ``macos-arm64``, ...);
* an exact platform tag (``manylinux_2_17_aarch64``, ``manylinux2014_x86_64``,
  ``musllinux_1_1_x86_64``, ``macosx_14_0_arm64``, ``win_arm64``, ``win_amd64``,
  ``win32``, ``linux_x86_64``);
* a value of uv's ``--python-platform`` for Windows, Linux or macOS
  (``aarch64-pc-windows-msvc``, ``x86_64-unknown-linux-gnu``, ``x86_64-manylinux_2_28``,
  ``aarch64-apple-darwin``, ``linux``, ...), mapped to the platform uv maps it to;
* ``host``, the running machine and interpreter;

optionally followed by ``@<python>`` (``win-arm64@3.13t``) to pin the Python version.

Defaults follow uv's: Linux means manylinux with glibc 2.28 (uv maps
``x86_64-unknown-linux-gnu`` to ``x86_64-manylinux_2_28``), musl means musllinux 1.2,
macOS means 13.0, the oldest macOS release still supported by Apple.

Marker environment of a foreign target: ``platform_release`` and ``platform_version``
describe the kernel of one particular machine and cannot be known for a platform in
general, so they are the empty string, as uv does. :data:`UNKNOWABLE_MARKERS` names them
so callers can warn when a requirement's marker depends on them. The host target carries
its real values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from wheelcast.errors import UnknownTarget
from wheelcast.runtime.limits import shown
from wheelcast.targets import _host

__all__ = [
    "DEFAULT_TARGETS",
    "OS",
    "PRESETS",
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

OS = Literal["linux", "windows", "macos"]
Libc = Literal["glibc", "musl"]

LINUX_ARCHES: Final = frozenset(
    {"x86_64", "aarch64", "i686", "armv7l", "ppc64le", "s390x", "riscv64", "loongarch64"}
)
_ARCHES: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "linux": LINUX_ARCHES,
        "windows": frozenset({"amd64", "arm64", "x86"}),
        "macos": frozenset({"arm64", "x86_64"}),
    }
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
_LAST_MACOS_10_MINOR: Final = 16
"""10.16 is what macOS 11 reports to software built with an older SDK."""
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
    ``libc=None`` on Linux is a system with neither glibc nor musl (only ``linux_<arch>``).
    From macOS 11 on, pip's ladder names only ``macosx_<major>_0``, so ``(14, 2)`` accepts
    the same wheels as ``(14, 0)``; :attr:`tag` still spells the version it was given.
    """

    os: OS
    arch: str
    libc: Libc | None = None
    libc_version: tuple[int, int] | None = None
    macos_version: tuple[int, int] | None = None

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
            if not (major == 10 and minor <= _LAST_MACOS_10_MINOR) and not (
                11 <= major <= MAX_MACOS_MAJOR and minor <= MAX_MACOS_MAJOR
            ):
                return (
                    f"there is no macOS {major}.{minor} (wheelcast knows macOS 10.0 to"
                    f" 10.{_LAST_MACOS_10_MINOR} and 11 to {MAX_MACOS_MAJOR})"
                )
        return None

    @property
    def tag(self) -> str:
        """The most specific platform tag, e.g. ``manylinux_2_28_aarch64``, ``win_arm64``."""
        if self.os == "windows":
            return _WINDOWS_TAGS[self.arch]
        if self.os == "macos":
            assert self.macos_version is not None  # noqa: S101 - checked in __post_init__
            major, minor = self.macos_version
            return f"macosx_{major}_{minor}_{self.arch}"
        if self.libc_version is None:
            return f"linux_{self.arch}"
        family = "manylinux" if self.libc == "glibc" else "musllinux"
        major, minor = self.libc_version
        return f"{family}_{major}_{minor}_{self.arch}"


@dataclass(frozen=True, slots=True)
class Python:
    """A Python interpreter version. Only CPython for now; ``implementation`` keeps room."""

    implementation: Literal["cpython"] = "cpython"
    version: tuple[int, ...] = (3, 12)
    free_threaded: bool = False

    def __post_init__(self) -> None:
        if len(self.version) not in {2, 3}:
            raise ValueError(f"expected a Python 3 version like (3, 12), got {self.version}")
        if reason := _unknown_python(self.version):
            raise ValueError(reason)
        if self.free_threaded and self.version[:2] < (3, 13):
            raise ValueError("free-threaded CPython starts at 3.13")

    @property
    def short(self) -> str:
        """``3.12``; ``3.13t`` when free-threaded."""
        suffix = "t" if self.free_threaded else ""
        return f"{self.version[0]}.{self.version[1]}{suffix}"

    @property
    def full_version(self) -> str:
        """``3.12.4``; a version given without patch counts as ``.0`` (uv's rule)."""
        return ".".join(str(part) for part in (*self.version, 0)[:3])

    @property
    def abi(self) -> str:
        """The CPython ABI tag: ``cp312``, ``cp313t``; ``cp37m`` up to 3.7.

        Until 3.8 dropped the flag, a CPython built with pymalloc (every build python.org
        and the distributions ship, on Windows too) tagged its ABI ``m``: packaging's
        ``_cpython_abis`` adds it whenever ``WITH_PYMALLOC`` is set or unknown.
        """
        suffix = "t" if self.free_threaded else "m" if self.version[:2] < (3, 8) else ""
        return f"cp{self.version[0]}{self.version[1]}{suffix}"


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
    """

    name: str
    platform: Platform
    python: Python
    environment: tuple[tuple[str, str], ...] | None = None

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
    }
)
"""Named platforms. Linux is manylinux glibc 2.28, musllinux is musl 1.2, macOS is 13.0:
the defaults uv uses for ``--python-platform``."""

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
    }
)

_LEGACY_MANYLINUX: Final[Mapping[str, tuple[int, int]]] = MappingProxyType(
    {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
)
_ARCH = "|".join(sorted(LINUX_ARCHES, key=len, reverse=True))
_MANYLINUX_RE = re.compile(rf"manylinux_(\d+)_(\d+)_({_ARCH})")
_LEGACY_RE = re.compile(rf"(manylinux1|manylinux2010|manylinux2014)_({_ARCH})")
_MUSLLINUX_RE = re.compile(rf"musllinux_(\d+)_(\d+)_({_ARCH})")
_PLAIN_LINUX_RE = re.compile(rf"linux_({_ARCH})")
_MACOS_RE = re.compile(r"macosx_(\d+)_(\d+)_(arm64|x86_64)")
_UV_MANYLINUX_RE = re.compile(rf"({_ARCH})-manylinux(?:_(\d+)_(\d+)|(2014))")
_PYTHON_RE = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?(t?)")
_CP_RE = re.compile(r"cp(\d)(\d+)(t?)")


def _number(digits: str) -> int:
    """``int(digits)``; a number longer than :data:`_MAX_DIGITS` is a ``ValueError``."""
    if len(digits.lstrip("0")) > _MAX_DIGITS:
        raise ValueError(f"{digits[:_MAX_DIGITS]}... is no version number")
    return int(digits)


def _target_hint() -> str:
    return (
        f"use a preset ({', '.join(PRESETS)}), 'host', a platform tag such as "
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
        return found
    if text in _WINDOWS_TAGS.values():
        return Platform("windows", next(a for a, t in _WINDOWS_TAGS.items() if t == text))
    if m := _MANYLINUX_RE.fullmatch(text):
        return _checked_glibc(text, m[3], (_number(m[1]), _number(m[2])))
    if m := _LEGACY_RE.fullmatch(text):
        return _checked_glibc(text, m[2], _LEGACY_MANYLINUX[m[1]])
    if m := _UV_MANYLINUX_RE.fullmatch(text):
        version = (2, 17) if m[4] else (_number(m[2]), _number(m[3]))
        return _checked_glibc(text, m[1], version)
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
            "write it as 3.12, 3.12.4, 3.13t, cp312 or cp313t",
        )
    return python


def _python_of(cleaned: str) -> Python | None:
    if m := _PYTHON_RE.fullmatch(cleaned):
        version = tuple(_number(part) for part in m.groups()[:3] if part is not None)
        free_threaded = m[4] == "t"
    elif m := _CP_RE.fullmatch(cleaned):
        version = (_number(m[1]), _number(m[2]))
        free_threaded = m[3] == "t"
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
    if not wanted:
        raise UnknownTarget(
            f"no Python version for target '{shown(text)}'",
            f"write it as {name}@3.12 or pass a Python version",
        )
    return [Target(name, platform, python) for python in wanted]


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
    return python.free_threaded == running.free_threaded and given == running.version[: len(given)]


def _python_markers(python: Python) -> dict[str, str]:
    return {
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "implementation_version": python.full_version,
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
    if platform.os == "windows":
        system = ("nt", "win32", "Windows", _WINDOWS_MACHINE[platform.arch])
    elif platform.os == "linux":
        system = ("posix", "linux", "Linux", platform.arch)
    else:
        system = ("posix", "darwin", "Darwin", platform.arch)
    os_name, sys_platform, platform_system, platform_machine = system
    return {
        "os_name": os_name,
        "sys_platform": sys_platform,
        "platform_system": platform_system,
        "platform_machine": platform_machine,
        "platform_release": "",
        "platform_version": "",
        **_python_markers(target.python),
    }
