"""Where distributions come from: the ``IndexSource`` protocol and its implementations.

``build_source`` assembles the sources pip would consult (the index URL, extra index URLs,
find-links) into one ``IndexSource``; ``IndexSession`` lets the synchronous resolver use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wheelcast.index.models import DistFile, DistMetadata, IndexSource, ProjectPage
from wheelcast.runtime.lazy import attribute_loader

if TYPE_CHECKING:
    from wheelcast.index.session import IndexSession
    from wheelcast.index.sources import build_source

__all__ = [
    "DistFile",
    "DistMetadata",
    "IndexSession",
    "IndexSource",
    "ProjectPage",
    "build_source",
]

# Loaded on first use: a run answered from the cache never needs the HTTP stack, whose
# import costs more than the rest of that run.
_LAZY = {"IndexSession": "wheelcast.index.session", "build_source": "wheelcast.index.sources"}


__getattr__ = attribute_loader(globals(), _LAZY)
