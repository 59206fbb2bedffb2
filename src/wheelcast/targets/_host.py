"""The only place in wheelcast that inspects the running interpreter and machine.

Everything here reads the host through the same probes ``packaging.tags.sys_tags()``
uses (``sysconfig.get_platform()``, packaging's glibc and musl detection,
``platform.mac_ver()``), so the host target's ladder matches what pip computes on this
machine. The result is plain data: :mod:`wheelcast.targets` turns it into a ``Target``.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from typing import Literal

from packaging import _manylinux, _musllinux
from packaging.markers import default_environment

from wheelcast.errors import UnknownTarget

__all__ = ["HostFacts", "probe"]

_WINDOWS_ARCH = {"win-amd64": "amd64", "win-arm64": "arm64", "win32": "x86"}


@dataclass(frozen=True, slots=True)
class HostFacts:
    """What the running machine and interpreter are, as plain values."""

    os: Literal["linux", "windows", "macos"]
    arch: str
    libc: Literal["glibc", "musl"] | None
    libc_version: tuple[int, int] | None
    macos_version: tuple[int, int] | None
    implementation: str
    python_version: tuple[int, int, int]
    free_threaded: bool
    environment: tuple[tuple[str, str], ...]


def _is_32bit_interpreter() -> bool:
    # The same test packaging.tags uses to pick linux_i686 on a 64-bit kernel.
    return sys.maxsize <= 2**32


def _linux_arch() -> str:
    plat = sysconfig.get_platform().replace(".", "_").replace("-", "_").replace(" ", "_")
    arch = plat.split("_", 1)[1] if plat.startswith("linux_") else platform.machine()
    if _is_32bit_interpreter():
        # packaging calls 32-bit Arm on a 64-bit kernel armv8l (then armv7l); wheelcast
        # models only armv7l, where nearly all 32-bit Arm wheels are.
        arch = {"x86_64": "i686", "aarch64": "armv7l"}.get(arch, arch)
    return arch


def _linux_libc() -> tuple[Literal["glibc", "musl"] | None, tuple[int, int] | None]:
    glibc = _manylinux._get_glibc_version()
    if glibc.major >= 0:
        return "glibc", (glibc.major, glibc.minor)
    musl = _musllinux._get_musl_version(sys.executable)
    if musl is not None:
        return "musl", (musl.major, musl.minor)
    return None, None


def _macos_version() -> tuple[int, int]:
    release = platform.mac_ver()[0]
    version = tuple(int(part) for part in release.split(".")[:2])
    if version == (10, 16) or version[:1] == (16,):
        # A Python built against an old SDK reports 10.16 on macOS 11+ and 16.x on macOS
        # 26+ (there was no macOS 16); ask for the real version the way
        # packaging.tags.mac_platforms does for 10.16.
        release = subprocess.run(
            [sys.executable, "-sS", "-c", "import platform; print(platform.mac_ver()[0])"],
            check=True,
            env={"SYSTEM_VERSION_COMPAT": "0"},
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        version = tuple(int(part) for part in release.split(".")[:2])
    major, minor = (*version, 0)[:2]
    return major, minor


def probe() -> HostFacts:
    """Read the running machine. Raises ``UnknownTarget`` on a host wheelcast cannot model."""
    system = platform.system()
    implementation = sys.implementation.name
    if implementation != "cpython":
        raise UnknownTarget(
            f"the host interpreter is {implementation}, not CPython",
            "run wheelcast with CPython or name a target explicitly",
        )
    libc: Literal["glibc", "musl"] | None = None
    libc_version: tuple[int, int] | None = None
    macos_version: tuple[int, int] | None = None
    os_: Literal["linux", "windows", "macos"]
    if system == "Linux":
        os_, arch = "linux", _linux_arch()
        libc, libc_version = _linux_libc()
    elif system == "Windows":
        os_ = "windows"
        arch = _WINDOWS_ARCH.get(sysconfig.get_platform(), platform.machine().lower())
    elif system == "Darwin":
        os_ = "macos"
        arch = platform.mac_ver()[2]
        macos_version = _macos_version()
    else:
        raise UnknownTarget(
            f"the host system {system!r} is not one wheelcast models",
            "name a target explicitly, e.g. linux-x86_64 (see `wheelcast targets`)",
        )
    major, minor, micro = sys.version_info[:3]
    return HostFacts(
        os=os_,
        arch=arch,
        libc=libc,
        libc_version=libc_version,
        macos_version=macos_version,
        implementation=implementation,
        python_version=(major, minor, micro),
        free_threaded=bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        environment=tuple(
            sorted((key, str(value)) for key, value in default_environment().items())
        ),
    )
