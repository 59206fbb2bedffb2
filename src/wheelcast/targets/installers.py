"""Which wheel tags an older pip or uv does not know, so cannot install.

A pip computes a machine's tags with the packaging it vendors (``src/pip/_vendor/
vendor.txt`` at each release tag), and before 19.3 with its own ``pep425tags``; uv with
its own ``uv-platform-tags`` crate. A tag family those did not know yet is one that
release refuses, whatever the machine: ``--installer pip==20.2`` forecasts a base image
whose pip has no PEP 600 tags and so passes over a ``manylinux_2_28``-only wheel.

:data:`PIP_FEATURES` and :data:`UV_FEATURES` give the first release that knew each tag
family; :func:`refusal` says why a release refuses one tag, or ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from packaging.tags import Tag
from packaging.version import InvalidVersion, Version

from wheelcast.errors import InvalidOption
from wheelcast.runtime.limits import shown

__all__ = ["PIP_FEATURES", "UV_FEATURES", "Installer", "parse_installer", "refusal"]

Feature = Literal[
    "manylinux1", "manylinux2010", "manylinux2014", "manylinux_x_y", "musllinux",
    "macos11", "ios", "android", "pyodide", "pyemscripten", "abi3t",
]  # fmt: skip

_DESCRIPTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "manylinux1": "manylinux1 tags (PEP 513)",
        "manylinux2010": "manylinux2010 tags (PEP 571)",
        "manylinux2014": "manylinux2014 tags (PEP 599)",
        "manylinux_x_y": "manylinux_x_y tags (PEP 600)",
        "musllinux": "musllinux tags (PEP 656)",
        "macos11": "macOS 11+ and universal2 tags",
        "ios": "iOS tags (PEP 730)",
        "android": "Android tags (PEP 738)",
        "pyodide": "Pyodide tags (pyodide_*)",
        "pyemscripten": "PEP 783's pyemscripten tags",
        "abi3t": "the abi3t stable ABI (PEP 803)",
    }
)

PIP_FEATURES: Final[Mapping[str, Version]] = MappingProxyType(
    {
        "manylinux1": Version("8.1"),
        "manylinux2010": Version("19.0"),
        "manylinux2014": Version("19.3"),  # packaging 19.2's tags
        "manylinux_x_y": Version("20.3"),  # packaging 20.7
        "macos11": Version("20.3"),
        "musllinux": Version("21.2"),  # packaging 21.0
        "ios": Version("25.0"),  # packaging 24.2
        "android": Version("25.1"),  # packaging 25.0
        "abi3t": Version("26.1"),  # packaging 26.2 (abi3t since 26.1)
    }
)
"""The first pip release that installs each tag family. pip does not run in Pyodide, so
it is never the one refusing Pyodide or pyemscripten tags."""

UV_FEATURES: Final[Mapping[str, Version]] = MappingProxyType(
    {
        "pyodide": Version("0.7.11"),  # "Add Pyodide support"
        # "Add PyEmscripten platform (PEP 783)": before it, uv's Pyodide platform listed only
        # pyodide_<abi>_wasm32 and a pyemscripten_ wheel matched nothing.
        "pyemscripten": Version("0.11.19"),
        "ios": Version("0.8.16"),  # "Support iOS platform tags"
        "android": Version("0.8.16"),  # "Support Android platform tags"
        "abi3t": Version("0.11.3"),  # "Emit abi3t tags for every abi3 version"
    }
)
"""The first uv release that installs each tag family (uv's changelogs); uv knew the
manylinux, musllinux and macOS tags from its first release."""


@dataclass(frozen=True, slots=True)
class Installer:
    """An installer release: ``pip`` 20.2, ``uv`` 0.8.0."""

    name: Literal["pip", "uv"]
    version: Version

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


_SPEC_RE = re.compile(r"(pip|uv)\s*==\s*(\S+)")


def parse_installer(text: str) -> Installer:
    """``pip==20.2`` or ``uv==0.8.0``; anything else is an :class:`InvalidOption`."""
    m = _SPEC_RE.fullmatch(text.strip().lower())
    if m is None:
        raise InvalidOption(
            f"unknown installer '{shown(text)}'", "write it as pip==20.2 or uv==0.8.0"
        )
    try:
        version = Version(m[2])
    except InvalidVersion:
        raise InvalidOption(
            f"unknown installer '{shown(text)}': {shown(m[2])} is no version",
            "write it as pip==20.2 or uv==0.8.0",
        ) from None
    name: Literal["pip", "uv"] = "pip" if m[1] == "pip" else "uv"
    return Installer(name, version)


def _family(tag: Tag) -> list[str]:
    """The tag families a tag belongs to: all must be known for it to install."""
    families = []
    platform = tag.platform
    if tag.abi == "abi3t":
        families.append("abi3t")
    if platform.startswith("manylinux1_"):
        families.append("manylinux1")
    elif platform.startswith("manylinux2010_"):
        families.append("manylinux2010")
    elif platform.startswith("manylinux2014_"):
        families.append("manylinux2014")
    elif platform.startswith("manylinux_"):
        families.append("manylinux_x_y")
    elif platform.startswith("musllinux_"):
        families.append("musllinux")
    elif platform.startswith("ios_"):
        families.append("ios")
    elif platform.startswith("android_"):
        families.append("android")
    elif platform.startswith("pyodide_"):
        families.append("pyodide")
    elif platform.startswith("pyemscripten_"):
        families.append("pyemscripten")
    elif platform.startswith("macosx_") and (
        int(platform.split("_")[1]) >= 11 or platform.endswith("_universal2")
    ):
        families.append("macos11")
    return families


def refusal(installer: Installer, tag: Tag) -> str | None:
    """Why ``installer`` cannot install a wheel tagged ``tag``, or ``None`` if it can."""
    features = PIP_FEATURES if installer.name == "pip" else UV_FEATURES
    for family in _family(tag):
        first = features.get(family)
        if first is not None and installer.version < first:
            return (
                f"{installer} does not know {_DESCRIPTIONS[family]}:"
                f" {installer.name} {first} or newer installs {tag.platform}"
                if family != "abi3t"
                else f"{installer} does not know {_DESCRIPTIONS[family]}:"
                f" {installer.name} {first} or newer installs it"
            )
    return None
