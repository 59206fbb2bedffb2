"""Probe documents for machines other than this one, as the probe script prints them."""

from __future__ import annotations

import json
from typing import Any

from wheelcast.doctor import Completed, InterpreterProbe
from wheelcast.doctor.probe import parse_probe

WINDOWS_ARM64_ENV = {
    "implementation_name": "cpython",
    "implementation_version": "3.12.10",
    "os_name": "nt",
    "platform_machine": "ARM64",
    "platform_release": "11",
    "platform_system": "Windows",
    "platform_version": "10.0.26100",
    "python_full_version": "3.12.10",
    "platform_python_implementation": "CPython",
    "python_version": "3.12",
    "sys_platform": "win32",
}


def probe_document(**changes: Any) -> dict[str, Any]:
    """A probe of ``py -3.12-arm64`` on Windows on Arm, with ``changes`` applied."""
    prefix = "C:\\Users\\ada\\AppData\\Local\\Python\\pythoncore-3.12-arm64"
    doc: dict[str, Any] = {
        "schema": 1,
        "executable": f"{prefix}\\python.exe",
        "realpath": f"{prefix}\\python.exe",
        "prefix": prefix,
        "base_prefix": prefix,
        "version": [3, 12, 10],
        "releaselevel": "final",
        "implementation": "cpython",
        "abiflags": "",
        "gil_disabled": False,
        "pointer_bits": 64,
        "system": "Windows",
        "machine": "ARM64",
        "sysconfig_platform": "win-arm64",
        "glibc": None,
        "elf_interpreter": None,
        "musl": None,
        "mac_version": None,
        "environment": dict(WINDOWS_ARM64_ENV),
        "include_dir": f"{prefix}\\Include",
        "python_h": True,
        "packaging_version": None,
        "packaging_tags": None,
    }
    doc.update(changes)
    return doc


def probe_of(path: str = "py-arm64", **changes: Any) -> InterpreterProbe:
    return parse_probe(json.dumps(probe_document(**changes)), path)


def completed(**changes: Any) -> Completed:
    return Completed(0, json.dumps(probe_document(**changes)) + "\n")
