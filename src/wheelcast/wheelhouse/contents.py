"""What a wheelhouse holds: values, and the progress hooks a run reports to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from wheelcast.targets import Target


@dataclass(frozen=True, slots=True)
class Placed:
    """One file in one target's folder."""

    target: str  # the target's id
    path: str  # relative to the wheelhouse root, with forward slashes
    name: str
    version: str
    verdict: str  # binary, pure, build (the sdist itself) or built (a wheel built here)
    sha256: str
    url: str | None  # where it came from, without credentials; None for a built wheel
    reused: bool = False  # already there and verified: not fetched (or built) again


@dataclass(frozen=True, slots=True)
class Built:
    """A ``build`` cell on this machine: the wheel it gave, or why it gave none."""

    target: str
    name: str
    version: str
    sdist: str  # the sdist's path, relative to the root
    wheel: str | None  # the wheel's path, relative to the root; None when the build failed
    why: str  # "built" details, or the reason it failed (the toolchain, as doctor names it)
    log: str | None = None  # the build's output, relative to the root

    @property
    def ok(self) -> bool:
        return self.wheel is not None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A package of the forecast with no file in the folder, and why."""

    target: str
    name: str
    verdict: str
    why: str


@dataclass(frozen=True, slots=True)
class TargetHouse:
    """One target's folder and what went into it."""

    target: Target
    folder: str  # relative to the root
    files: tuple[Placed, ...]
    builds: tuple[Built, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    resolvable: bool = True
    local: bool = False  # a target that is this machine: its builds were run

    @property
    def sdists_left(self) -> tuple[Placed, ...]:
        """The sdists pip would still build at install time (no wheel was built here)."""
        built = {b.sdist for b in self.builds if b.ok}
        return tuple(f for f in self.files if f.verdict == "build" and f.path not in built)


@dataclass(frozen=True, slots=True)
class Wheelhouse:
    """Every target's folder under ``root``, and how many files were fetched or reused."""

    root: Path
    targets: tuple[TargetHouse, ...]
    downloaded: int  # distinct files fetched from the index this run
    reused: int  # distinct files already there with the index's sha256
    linked: int  # copies into a second target's folder (hard links where possible)
    removed: int = 0  # distributions of an earlier forecast deleted from the folders


class Progress(Protocol):
    """Hooks a run calls as it goes; every one may be a no-op (see ``NoProgress``).

    ``advance`` is called once per distinct file, fetched or reused, from worker threads.
    """

    def start(self, files: int, size: int) -> None: ...

    def advance(self, filename: str, size: int) -> None: ...

    def building(self, name: str, target: str) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    """The ``Progress`` that shows nothing."""

    def start(self, files: int, size: int) -> None:
        pass

    def advance(self, filename: str, size: int) -> None:
        pass

    def building(self, name: str, target: str) -> None:
        pass

    def finish(self) -> None:
        pass
