"""A target as pip sees it, derived once: its compatible tags, their ranks, its markers.

Every stage that judges a file or a marker for a target (the resolver and its read-ahead,
file evaluation and so the verdicts, lock and installed-environment forecasts, explain,
doctor) reads this one frozen value rather than deriving tags or markers again; a
:class:`~wheelcast.targets.Target` is hashable, so :func:`environment_of` is cached.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from packaging.tags import Tag

from wheelcast.targets import Target, marker_environment
from wheelcast.targets.tags import compatible_tags, installer_refusals, tag_priorities

__all__ = ["TargetEnvironment", "environment_of"]


@dataclass(frozen=True, slots=True)
class TargetEnvironment:
    target: Target
    tags: tuple[Tag, ...]  # best first, as pip orders them
    priorities: Mapping[Tag, int]  # each tag's rank in ``tags`` (0 = best); read-only
    markers: Mapping[str, str]  # the PEP 508 environment pip would see; read-only
    # tags the platform accepts but the target's installer release does not, with why
    refused: Mapping[Tag, str]


@functools.lru_cache(maxsize=256)
def environment_of(target: Target) -> TargetEnvironment:
    """``target``'s tags, ranks and markers; one value per target for the whole process."""
    return TargetEnvironment(
        target=target,
        tags=compatible_tags(target),
        priorities=tag_priorities(target),
        markers=MappingProxyType(marker_environment(target)),
        refused=installer_refusals(target),
    )
