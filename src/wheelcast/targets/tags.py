"""The wheel tags a target accepts, best first, in pip's order.

Tags are built with ``packaging.tags`` (``cpython_tags`` then ``compatible_tags``, as
``sys_tags()`` does for CPython), given the target's own platform ladder. packaging
lists manylinux/musllinux tags only for the machine it runs on, so the Linux ladders are
written here, following ``packaging/_manylinux.py`` and ``packaging/_musllinux.py``
step for step. The host-only checks those modules make (the ``_manylinux`` module
override, the ELF header test for i686 and armv7l) describe one machine, not a platform,
and are left out for every target.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from packaging import __version__ as _packaging_version
from packaging import tags as _tags
from packaging.tags import Tag
from packaging.version import Version

from wheelcast.targets import Platform, Target, manylinux_floor
from wheelcast.targets.installers import refusal

__all__ = ["compatible_tags", "installer_refusals", "platform_tags", "tag_priorities"]

# packaging/_manylinux.py: the legacy names of glibc 2.17, 2.12 and 2.5, for every arch
# whose ladder reaches them.
_LEGACY_MANYLINUX = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}
# packaging 26.3 moved the native linux_<arch> tag (a wheel built on this very machine)
# ahead of manylinux/musllinux (pypa/packaging#160); pip follows the packaging it vendors,
# so wheelcast follows the packaging it runs with. Index wheels never carry linux_ tags:
# only local find-links are affected.
NATIVE_LINUX_FIRST = Version(_packaging_version) >= Version("26.3")
# packaging/_manylinux.py: the guessed last minor of a glibc major that is not the newest.
_LAST_GLIBC_MINOR = 50


def _manylinux_ladder(arch: str, version: tuple[int, int]) -> Iterator[str]:
    floor_major, floor_minor = manylinux_floor(arch)
    major, minor = version
    maxima = [(major, minor)] + [(m, _LAST_GLIBC_MINOR) for m in range(major - 1, 1, -1)]
    for glibc_major, glibc_max in maxima:
        lowest = floor_minor if glibc_major == floor_major else 0
        for glibc_minor in range(glibc_max, lowest - 1, -1):
            yield f"manylinux_{glibc_major}_{glibc_minor}_{arch}"
            if legacy := _LEGACY_MANYLINUX.get((glibc_major, glibc_minor)):
                yield f"{legacy}_{arch}"


def _musllinux_ladder(arch: str, version: tuple[int, int]) -> Iterator[str]:
    major, minor = version
    for musl_minor in range(minor, -1, -1):
        yield f"musllinux_{major}_{musl_minor}_{arch}"


def _versioned_platforms(platform: Platform) -> tuple[str, ...]:
    """iOS (PEP 730), Android (PEP 738) and Pyodide (PEP 783) ladders."""
    assert platform.os_version is not None  # noqa: S101 - Platform guarantees it
    if platform.os == "ios":
        major, minor = platform.os_version
        kind = "iphonesimulator" if platform.simulator else "iphoneos"
        return tuple(_tags.ios_platforms((major, minor), f"{platform.arch}_{kind}"))
    if platform.os == "android":
        return tuple(_tags.android_platforms(platform.os_version[0], platform.arch))
    # A Pyodide ABI accepts only itself, under PEP 783's name and the older pyodide_ one
    # (uv's Pyodide and PyEmscripten platforms both list the two).
    year, minor = platform.os_version
    return (f"pyemscripten_{year}_{minor}_wasm32", f"pyodide_{year}_{minor}_wasm32")


def platform_tags(platform: Platform) -> tuple[str, ...]:
    """The platform tags ``platform`` accepts, best first."""
    if platform.os == "windows":
        return (platform.tag,)
    if platform.os_version is not None:
        return _versioned_platforms(platform)
    if platform.os == "macos":
        assert platform.macos_version is not None  # noqa: S101 - Platform guarantees it
        # packaging (so pip) and uv count every major down from the target's, 25 to 16
        # too: macOS 26 shows itself as 16.0 to a Python built with an older SDK, whose
        # wheels are then tagged macosx_16_0, and pip and uv install those on 26.
        return tuple(_tags.mac_platforms(platform.macos_version, platform.arch))
    ladder: list[str] = []
    if platform.libc == "glibc" and platform.libc_version is not None:
        ladder.extend(_manylinux_ladder(platform.arch, platform.libc_version))
    elif platform.libc == "musl" and platform.libc_version is not None:
        ladder.extend(_musllinux_ladder(platform.arch, platform.libc_version))
    native = f"linux_{platform.arch}"
    return (native, *ladder) if NATIVE_LINUX_FIRST else (*ladder, native)


@functools.lru_cache(maxsize=256)
def compatible_tags(target: Target) -> tuple[Tag, ...]:
    """Every tag a wheel may carry to install on ``target``, best first, as pip orders them.

    With an ``installer`` on the target, only the tags that release knows (see
    :mod:`wheelcast.targets.installers`); :func:`installer_refusals` names the others.
    """
    installer = target.installer
    every = _all_compatible_tags(target)
    if installer is None:
        return every
    return tuple(tag for tag in every if refusal(installer, tag) is None)


@functools.lru_cache(maxsize=256)
def installer_refusals(target: Target) -> Mapping[Tag, str]:
    """The tags ``target``'s platform and Python accept but its installer does not, and why."""
    installer = target.installer
    if installer is None:
        return MappingProxyType({})
    refused = {}
    for tag in _all_compatible_tags(target):
        if (why := refusal(installer, tag)) is not None:
            refused[tag] = why
    return MappingProxyType(refused)


def _all_compatible_tags(target: Target) -> tuple[Tag, ...]:
    """The tags of ``target``'s platform and Python, whatever its installer.

    A free-threaded Python takes ``cp313t`` wheels and no ``abi3`` ones (packaging offers
    ``abi3t`` instead).
    """
    python = target.python
    version = (python.version[0], python.version[1])
    platforms = platform_tags(target.platform)
    interpreter = python.interpreter
    if python.implementation != "cpython":
        # sys_tags() for any other interpreter: generic_tags with its EXT_SUFFIX ABI, then
        # compatible_tags naming pp3-none-any for PyPy and no <interpreter>-none-any.
        return (
            *_tags.generic_tags(interpreter, [python.abi], platforms),
            *_tags.compatible_tags(
                version, "pp3" if python.implementation == "pypy" else None, platforms
            ),
        )
    return (
        *_tags.cpython_tags(python_version=version, abis=[python.abi], platforms=platforms),
        *_tags.compatible_tags(version, interpreter, platforms),
    )


@functools.lru_cache(maxsize=256)
def tag_priorities(target: Target) -> Mapping[Tag, int]:
    """Each compatible tag's rank on ``target``: 0 is the best."""
    ranks: dict[Tag, int] = {}
    for rank, tag in enumerate(compatible_tags(target)):
        ranks.setdefault(tag, rank)
    return MappingProxyType(ranks)
