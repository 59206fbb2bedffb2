"""What the images people build and test on are: C library, version and Python.

Each number was read from the distribution's own packages (``libc6`` and ``python3`` in
Debian and Ubuntu, ``musl`` and ``python3`` in Alpine) or from the runner images' published
software lists; the comment beside a table says which. They change only when a release
is added, so they live here as data, not as a probe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = [
    "ALPINE",
    "DEBIAN",
    "DEBIAN_ALIASES",
    "ENTERPRISE",
    "NEWEST_STABLE_PYTHON",
    "PYTHON_IMAGE_DEBIAN",
    "RETIRED_RUNNERS",
    "RUNNERS",
    "UBUNTU",
    "UBUNTU_ALIASES",
    "Distro",
    "Runner",
    "alpine_release",
    "lambda_base",
    "python_image_debian",
]

NEWEST_STABLE_PYTHON: Final = "3.15"
"""The newest CPython minor with a final release (3.15.0, October 2026): what ``3.x`` in
actions/setup-python and ``python:3`` / ``python:latest`` images mean. It is the last of
``wheelcast.inputs.RELEASED_PYTHONS`` (a test holds the two together)."""


@dataclass(frozen=True, slots=True)
class Distro:
    """A Linux release: its C library version and the Python its ``python3`` package is."""

    name: str
    libc: tuple[int, int]
    python: str


# libc6 and python3 in each Debian release (bookworm 2.36-9, bullseye 2.31-13, trixie
# 2.41-12, buster 2.28-10; python3 3.11.2, 3.9.2, 3.13.5, 3.7.3).
DEBIAN: Final[Mapping[str, Distro]] = MappingProxyType(
    {
        "stretch": Distro("Debian 9 (stretch)", (2, 24), "3.5"),
        "buster": Distro("Debian 10 (buster)", (2, 28), "3.7"),
        "bullseye": Distro("Debian 11 (bullseye)", (2, 31), "3.9"),
        "bookworm": Distro("Debian 12 (bookworm)", (2, 36), "3.11"),
        "trixie": Distro("Debian 13 (trixie)", (2, 41), "3.13"),
    }
)
DEBIAN_ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "9": "stretch",
        "10": "buster",
        "11": "bullseye",
        "12": "bookworm",
        "13": "trixie",
        "stable": "trixie",
        "oldstable": "bookworm",
        "oldoldstable": "bullseye",
        "latest": "trixie",
    }
)

PYTHON_IMAGE_DEBIAN: Final = "trixie"
"""The Debian release of an official ``python`` image tag without one (``python:3.12``,
``python:3.12-slim``) since trixie became stable (August 2025)."""

# A Python that reached its end of life before trixie kept the last Debian it was built on.
_LAST_DEBIAN: Final[Mapping[tuple[int, int], str]] = MappingProxyType(
    {(3, 5): "buster", (3, 6): "bullseye", (3, 7): "bookworm", (3, 8): "bookworm"}
)


def python_image_debian(python: tuple[int, int]) -> str:
    """The Debian release under ``python:<X.Y>`` and ``python:<X.Y>-slim``."""
    return _LAST_DEBIAN.get(python, PYTHON_IMAGE_DEBIAN)


# libc6 and python3 in each Ubuntu release (noble 2.39-0ubuntu8 / 3.12.3, jammy
# 2.35-0ubuntu3 / 3.10.6, focal 2.31-0ubuntu9 / 3.8.2, ...).
UBUNTU: Final[Mapping[str, Distro]] = MappingProxyType(
    {
        "18.04": Distro("Ubuntu 18.04", (2, 27), "3.6"),
        "20.04": Distro("Ubuntu 20.04", (2, 31), "3.8"),
        "22.04": Distro("Ubuntu 22.04", (2, 35), "3.10"),
        "24.04": Distro("Ubuntu 24.04", (2, 39), "3.12"),
        "24.10": Distro("Ubuntu 24.10", (2, 40), "3.12"),
        "25.04": Distro("Ubuntu 25.04", (2, 41), "3.13"),
        "25.10": Distro("Ubuntu 25.10", (2, 42), "3.13"),
    }
)
UBUNTU_ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "bionic": "18.04",
        "focal": "20.04",
        "jammy": "22.04",
        "noble": "24.04",
        "oracular": "24.10",
        "plucky": "25.04",
        "questing": "25.10",
    }
)


# glibc and python3 of the Red Hat family (UBI, Rocky, Alma) and Amazon Linux: EL8 is
# glibc 2.28 with python3 3.6, EL9 2.34 with 3.9, EL10 2.39 with 3.12; Amazon Linux 2023
# is 2.34 with 3.9, Amazon Linux 2 is 2.26 with 3.7.
ENTERPRISE: Final[Mapping[str, Distro]] = MappingProxyType(
    {
        "el8": Distro("Enterprise Linux 8", (2, 28), "3.6"),
        "el9": Distro("Enterprise Linux 9", (2, 34), "3.9"),
        "el10": Distro("Enterprise Linux 10", (2, 39), "3.12"),
        "al2": Distro("Amazon Linux 2", (2, 26), "3.7"),
        "al2023": Distro("Amazon Linux 2023", (2, 34), "3.9"),
    }
)


def lambda_base(python: tuple[int, int]) -> str:
    """The Amazon Linux under AWS Lambda's ``python:<X.Y>`` base image (from 3.12: 2023)."""
    return "al2023" if python >= (3, 12) else "al2"


@dataclass(frozen=True, slots=True)
class _Alpine:
    musl: str
    python: str


# musl and python3 in each Alpine release (musl 1.2.5-r0 from 3.20 on; python3 3.12 from
# 3.20). From 3.13 on Alpine is musl 1.2 (64-bit time_t); musllinux tags need only 1.x.
ALPINE: Final[Mapping[str, _Alpine]] = MappingProxyType(
    {
        "3.10": _Alpine("1.1.22", "3.8"),
        "3.11": _Alpine("1.1.24", "3.8"),
        "3.12": _Alpine("1.1.24", "3.8"),
        "3.13": _Alpine("1.2.2", "3.8"),
        "3.14": _Alpine("1.2.2", "3.9"),
        "3.15": _Alpine("1.2.2", "3.9"),
        "3.16": _Alpine("1.2.3", "3.10"),
        "3.17": _Alpine("1.2.3", "3.10"),
        "3.18": _Alpine("1.2.4", "3.11"),
        "3.19": _Alpine("1.2.4", "3.11"),
        "3.20": _Alpine("1.2.5", "3.12"),
        "3.21": _Alpine("1.2.5", "3.12"),
        "3.22": _Alpine("1.2.5", "3.12"),
    }
)
_NEWEST_ALPINE: Final = "3.22"


def alpine_release(version: str | None) -> tuple[str, _Alpine] | None:
    """The Alpine release ``3.20`` (or ``3.20.3``; ``None``: the newest known) names."""
    if version is None:
        return _NEWEST_ALPINE, ALPINE[_NEWEST_ALPINE]
    minor = ".".join(version.split(".")[:2])
    found = ALPINE.get(minor)
    return (minor, found) if found is not None else None


@dataclass(frozen=True, slots=True)
class Runner:
    """A GitHub-hosted runner image: what ``runs-on`` names.

    ``os`` and ``arch`` as :class:`~wheelcast.targets.Platform` spells them; ``version`` is
    the glibc of its Ubuntu on Linux, its macOS release on macOS, ``None`` on Windows.
    """

    os: str
    arch: str
    version: tuple[int, int] | None
    image: str
    note: str = ""


_NOBLE, _JAMMY = UBUNTU["24.04"].libc, UBUNTU["22.04"].libc

# The runner images GitHub hosts (actions/runner-images), with what each -latest label
# points at since the 2025 migrations (windows-2025, macos-15, ubuntu-24.04).
RUNNERS: Final[Mapping[str, Runner]] = MappingProxyType(
    {
        "ubuntu-latest": Runner("linux", "x86_64", _NOBLE, "Ubuntu 24.04"),
        "ubuntu-24.04": Runner("linux", "x86_64", _NOBLE, "Ubuntu 24.04"),
        "ubuntu-22.04": Runner("linux", "x86_64", _JAMMY, "Ubuntu 22.04"),
        "ubuntu-slim": Runner("linux", "x86_64", _NOBLE, "Ubuntu 24.04"),
        "ubuntu-24.04-arm": Runner("linux", "aarch64", _NOBLE, "Ubuntu 24.04 on Arm"),
        "ubuntu-22.04-arm": Runner("linux", "aarch64", _JAMMY, "Ubuntu 22.04 on Arm"),
        "windows-latest": Runner("windows", "amd64", None, "Windows Server 2025"),
        "windows-2025": Runner("windows", "amd64", None, "Windows Server 2025"),
        "windows-2022": Runner("windows", "amd64", None, "Windows Server 2022"),
        "windows-11-arm": Runner("windows", "arm64", None, "Windows 11 on Arm"),
        "macos-latest": Runner("macos", "arm64", (15, 0), "macOS 15 on Apple silicon"),
        "macos-26": Runner("macos", "arm64", (26, 0), "macOS 26 on Apple silicon"),
        "macos-15": Runner("macos", "arm64", (15, 0), "macOS 15 on Apple silicon"),
        "macos-14": Runner("macos", "arm64", (14, 0), "macOS 14 on Apple silicon"),
        "macos-13": Runner(
            "macos",
            "x86_64",
            (13, 0),
            "macOS 13 on Intel",
            "GitHub retired the macos-13 image in December 2025: its jobs no longer start",
        ),
        "macos-15-intel": Runner("macos", "x86_64", (15, 0), "macOS 15 on Intel"),
        "macos-latest-large": Runner("macos", "x86_64", (15, 0), "macOS 15 on Intel"),
        "macos-15-large": Runner("macos", "x86_64", (15, 0), "macOS 15 on Intel"),
        "macos-14-large": Runner("macos", "x86_64", (14, 0), "macOS 14 on Intel"),
        "macos-latest-xlarge": Runner("macos", "arm64", (15, 0), "macOS 15 on Apple silicon"),
        "macos-15-xlarge": Runner("macos", "arm64", (15, 0), "macOS 15 on Apple silicon"),
        "macos-14-xlarge": Runner("macos", "arm64", (14, 0), "macOS 14 on Apple silicon"),
    }
)

RETIRED_RUNNERS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "ubuntu-18.04": "April 2023",
        "ubuntu-20.04": "April 2025",
        "windows-2016": "March 2022",
        "windows-2019": "June 2025",
        "macos-10.15": "August 2022",
        "macos-11": "June 2024",
        "macos-12": "December 2024",
    }
)
"""Runner images GitHub no longer hosts, with when: a job naming one waits forever."""
