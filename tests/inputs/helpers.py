"""Shared helpers for the input tests: recorded data folders and target environments."""

from __future__ import annotations

from pathlib import Path

from wheelcast.targets import marker_environment, parse_python, parse_target

DATA = Path(__file__).resolve().parent.parent / "data" / "inputs"
SAMPLE = DATA / "sample"
PUBLIC = DATA / "public"


def environment(target: str, python: str) -> dict[str, str]:
    """The marker environment of a preset target at a Python version."""
    return marker_environment(parse_target(target, [parse_python(python)])[0])
