"""Remembered results: a run whose inputs and index pages are unchanged is not redone.

A result is stored in the cache under a key that digests everything deciding it:
wheelcast's own files (sizes and modification times, so an edited checkout never reuses
an old answer), the input, the targets, the options and the index settings. Beside it go
the digests of every index page the run read. A later run with the same key reuses the
result only when each of those pages has the same digest now, read the way a resolving
run would read it: from the cache when the run is offline or the page is still fresh,
from the index otherwise (all stale pages at once). Metadata and sdists are found by the
hashes the pages list, so equal pages give equal answers.

Nothing is remembered from a run that read a local folder (no digests), that checked
builds on this machine (``--interpreter``: the machine may change), or whose build
analysis met a network fault.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import marshal
from collections.abc import Mapping
from dataclasses import dataclass

from wheelcast.index.models import PagesRead
from wheelcast.index.store import Cache, PageState
from wheelcast.runtime.witness import code_fingerprint

__all__ = ["Remembered", "recall", "remember", "run_key"]


def _canonical(value: object) -> object:  # noqa: PLR0911 - one return per kind of value
    """``value`` as JSON-ready data that is equal exactly when the values are equal.

    Sets and mappings are sorted (their iteration order follows string hashing, which
    changes between processes); other objects (requirements, markers, specifiers,
    versions, paths, datetimes) are written as their type and text.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return [type(value).__qualname__, _canonical(value.value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return [type(value).__qualname__, *(_canonical(getattr(value, f.name)) for f in fields)]
    if isinstance(value, frozenset | set):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, Mapping):
        items = ([_canonical(k), _canonical(v)] for k, v in value.items())
        return ["mapping", *sorted(items, key=repr)]
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    return [type(value).__qualname__, str(value)]


def run_key(*parts: object) -> str:
    """The key a result of ``parts`` (input, targets, options, ...) is remembered under."""
    text = json.dumps([code_fingerprint(), _canonical(parts)], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Remembered:
    """A stored result and the pages it was computed from: (url, project, digest)."""

    payload: bytes
    pages: tuple[tuple[str, str, str], ...]

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(url for url, _, _ in self.pages)

    def stale(
        self, states: Mapping[str, PageState], *, offline: bool, refresh: bool
    ) -> Remembered | None:
        """This result with only the pages that must be asked of the index before reuse.

        None when reuse is already ruled out: a page is gone from the cache or known to
        differ without asking. No pages left means the result holds as it is.
        """
        ask = []
        for url, project, digest in self.pages:
            state = states.get(url)
            if state is None or state.digest is None:
                return None
            if offline or (state.fresh and not refresh):
                if state.digest != digest:
                    return None
            else:
                ask.append((url, project, digest))
        return Remembered(self.payload, tuple(ask))

    def holds(self, pages: PagesRead | None) -> bool:
        """Whether every page this result read has, in ``pages``, the digest it had."""
        if pages is None:
            return False
        for url, _, digest in self.pages:
            now = pages.get(url)
            if now is None or now[1] != digest:
                return False
        return True


def recall(cache: Cache, key: str) -> Remembered | None:
    stored = cache.get_result(key)
    if stored is None:
        return None
    payload, pages = stored
    try:
        entries = marshal.loads(pages)  # noqa: S302 - the user's own cache file
    except (ValueError, EOFError, TypeError):
        return None  # unreadable: a miss, and the next run overwrites it
    return Remembered(payload, tuple(tuple(e) for e in entries))


def remember(cache: Cache, key: str, payload: bytes, pages: PagesRead | None) -> bool:
    """Store ``payload`` under ``key`` when every page it read has a digest."""
    if not pages or any(digest is None for _, digest in pages.values()):
        return False
    entries = tuple(sorted((url, str(name), str(d)) for url, (name, d) in pages.items()))
    cache.put_result(key, payload, marshal.dumps(entries))
    return True
