"""Make packaging's host probes see another machine, for tests of host detection."""

from __future__ import annotations

import platform
import sysconfig

import pytest
from packaging import _manylinux, _musllinux


def pretend_host(
    monkeypatch: pytest.MonkeyPatch,
    system: str,
    *,
    sysconfig_platform: str = "",
    glibc: tuple[int, int] = (-1, -1),
    musl: tuple[int, int] | None = None,
    mac: tuple[str, str] = ("", ""),
) -> None:
    """Make packaging's host probes (and so wheelcast.targets._host) see another machine."""
    monkeypatch.setattr(platform, "system", lambda: system)
    monkeypatch.setattr(sysconfig, "get_platform", lambda: sysconfig_platform)
    monkeypatch.setattr(_manylinux, "_get_glibc_version", lambda: _manylinux._GLibCVersion(*glibc))
    # The ELF check for i686/armv7l reads this interpreter's own header: a host fact.
    monkeypatch.setattr(_manylinux, "_have_compatible_abi", lambda _exe, _archs: True)
    monkeypatch.setattr(
        _musllinux,
        "_get_musl_version",
        lambda _exe: None if musl is None else _musllinux._MuslVersion(*musl),
    )
    monkeypatch.setattr(platform, "mac_ver", lambda: (mac[0], ("", "", ""), mac[1]))
