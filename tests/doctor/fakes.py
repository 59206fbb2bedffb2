"""A runner that replays recorded outputs, and a registry made of a dict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from wheelcast.doctor import Completed

DATA = Path(__file__).parent.parent / "data" / "doctor"


def recorded(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


class FakeRunner:
    """``programs``: name -> path (what ``which`` finds); ``outputs``: argv tuple ->
    Completed (``None`` for a command that does not start or times out). Every argv
    run is kept in ``calls``; an argv not listed did not start."""

    def __init__(
        self,
        programs: Mapping[str, str] | None = None,
        outputs: Mapping[tuple[str, ...], Completed | None] | None = None,
    ) -> None:
        self.programs = dict(programs or {})
        self.outputs = dict(outputs or {})
        self.calls: list[tuple[str, ...]] = []

    def run(self, argv: Sequence[str], *, timeout: float = 10.0) -> Completed | None:
        self.calls.append(tuple(argv))
        return self.outputs.get(tuple(argv))

    def which(self, name: str) -> str | None:
        return self.programs.get(name)


class FakeRegistry:
    """``keys``: full key path -> {value name: string}; subkeys are derived."""

    def __init__(self, keys: Mapping[str, Mapping[str, str]]) -> None:
        self.keys = {k.lower(): dict(v) for k, v in keys.items()}
        self.names = {k.lower(): k for k in keys}

    def subkeys(self, key: str) -> list[str]:
        prefix = key.lower() + "\\"
        found: list[str] = []
        for lowered, original in self.names.items():
            if lowered.startswith(prefix):
                child = original[len(prefix) :].split("\\", 1)[0]
                if child not in found:
                    found.append(child)
        return found

    def value(self, key: str, name: str = "") -> str | None:
        return self.keys.get(key.lower(), {}).get(name)
