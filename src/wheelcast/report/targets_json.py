"""The ``wheelcast.targets/1`` JSON document: every target ``wheelcast targets`` lists.

Versioned like ``wheelcast.check/1``: fields are only ever added within a schema
version; a rename or a change of meaning bumps it. Each target carries the fields of a
check document's target, the platform's own version (iOS, Android API level, Pyodide
ABI), the interpreter and ABI tags, its marker environment, its first tags best first,
and how many tags it accepts in all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO, TypedDict

from wheelcast._version import __version__
from wheelcast.report.check_json import TargetJSON, target_json
from wheelcast.targets import Target
from wheelcast.targets.environment import environment_of

__all__ = ["SCHEMA", "render_json"]

SCHEMA = "wheelcast.targets/1"


class ListedTargetJSON(TypedDict):
    target: TargetJSON
    os_version: str | None  # iOS 13.0, Android API 24, Pyodide ABI 2025.0
    simulator: bool
    interpreter: str  # cp312, pp311, graalpy311
    abi: str  # cp312, cp313t, pypy311_pp73, graalpy242_311_native
    markers: dict[str, str]
    tags: list[str]  # the first ones, best first
    tag_count: int


class TargetsJSON(TypedDict):
    schema: str
    wheelcast: str
    targets: list[ListedTargetJSON]


def listed_json(target: Target, tags: int) -> ListedTargetJSON:
    derived = environment_of(target)
    platform = target.platform
    version = platform.os_version
    return {
        "target": target_json(target),
        "os_version": ".".join(map(str, version)) if version is not None else None,
        "simulator": platform.simulator,
        "interpreter": target.python.interpreter,
        "abi": target.python.abi,
        "markers": dict(derived.markers),
        "tags": [str(tag) for tag in derived.tags[:tags]],
        "tag_count": len(derived.tags),
    }


def render_json(targets: Sequence[Target], out: TextIO, *, tags: int) -> None:
    """The document for ``targets``, each with its first ``tags`` compatible tags."""
    document: TargetsJSON = {
        "schema": SCHEMA,
        "wheelcast": __version__,
        "targets": [listed_json(target, tags) for target in targets],
    }
    out.write(json.dumps(document, indent=2) + "\n")
