"""What a check tells an observer while it runs, for a progress display; nothing is printed.

A check given an :class:`Observer` calls it with a :class:`Step` each time it asks for
something (a project's page, a file's metadata, an sdist's build needs, a target's
resolution) and each time that is answered, once per thing. It is called from the
check's worker threads, several at once: it must be quick, thread-safe and not raise.
Without one, nothing of this module runs.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from packaging.utils import NormalizedName

from wheelcast.forecast.resolve import Repository
from wheelcast.index.models import DistFile, DistMetadata, ProjectPage

__all__ = ["ObservedRepository", "Observer", "Stage", "Step", "Tally", "sdists_told"]

T = TypeVar("T")


class Stage(enum.Enum):
    PAGE = "pages"
    METADATA = "metadata"
    SDIST = "sdists"
    TARGET = "targets"


@dataclass(frozen=True, slots=True)
class Step:
    """``name`` (a project, a file name, a target id) asked for, or with ``done`` answered."""

    stage: Stage
    name: str
    done: bool = False


class Observer(Protocol):
    def __call__(self, step: Step, /) -> None: ...


class Tally:
    """Calls ``observer`` once per thing asked for and once when it is answered."""

    def __init__(self, observer: Observer) -> None:
        self._observer = observer
        self._lock = threading.Lock()
        self._seen: set[tuple[Stage, str, bool]] = set()

    def __call__(self, stage: Stage, name: str, *, done: bool = False) -> None:
        key = (stage, name, done)
        with self._lock:
            if key in self._seen:
                return
            self._seen.add(key)
            if done and (stage, name, False) not in self._seen:
                # Answered without having been asked (read from memory): count both.
                self._seen.add((stage, name, False))
                self._observer(Step(stage, name))
        self._observer(Step(stage, name, done=done))


class ObservedRepository:
    """A :class:`Repository` that tells ``tally`` which pages and metadata it reads."""

    def __init__(self, repository: Repository, tally: Tally) -> None:
        self._repository = repository
        self._tally = tally

    def page(self, name: NormalizedName) -> ProjectPage:
        self._tally(Stage.PAGE, name)
        page = self._repository.page(name)
        self._tally(Stage.PAGE, name, done=True)
        return page

    def metadata(self, file: DistFile) -> DistMetadata:
        self._tally(Stage.METADATA, file.url)
        metadata = self._repository.metadata(file)
        self._tally(Stage.METADATA, file.url, done=True)
        return metadata

    def prefetch_pages(self, names: Iterable[NormalizedName]) -> None:
        names = list(names)
        for name in names:
            self._tally(Stage.PAGE, name)
        self._repository.prefetch_pages(names)

    def prefetch_metadata(self, files: Iterable[DistFile]) -> None:
        files = list(files)
        for file in files:
            self._tally(Stage.METADATA, file.url)
        self._repository.prefetch_metadata(files)


def sdists_told(read: Callable[[DistFile], T], tally: Tally) -> Callable[[DistFile], T]:
    """``read`` (an sdist's build needs), telling ``tally`` each sdist it reads."""

    def told(file: DistFile) -> T:
        tally(Stage.SDIST, file.url)
        try:
            return read(file)
        finally:
            tally(Stage.SDIST, file.url, done=True)

    return told
