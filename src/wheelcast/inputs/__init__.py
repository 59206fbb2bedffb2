"""What to check, read the way people declare it: requirements files, pyproject.toml,
lock files and installed environments, as :class:`ProjectInput` values.

``load(path)`` picks the file as described in :mod:`wheelcast.inputs.detect`;
:func:`needed` narrows a lock's packages to one target's marker environment.
"""

from __future__ import annotations

from wheelcast.inputs.detect import find_input, load
from wheelcast.inputs.installed import read_installed
from wheelcast.inputs.locks import lock_covers, needed, read_lock
from wheelcast.inputs.model import (
    DirectItem,
    IndexSettings,
    LockedFile,
    LockEdge,
    LockedPackage,
    LockGraph,
    Origin,
    ProjectInput,
    RequirementItem,
)
from wheelcast.inputs.pyproject import RELEASED_PYTHONS, default_pythons, read_pyproject
from wheelcast.inputs.requirements import (
    parse_requirement,
    read_requirements,
    read_requirements_file,
)

__all__ = [
    "RELEASED_PYTHONS",
    "DirectItem",
    "IndexSettings",
    "LockEdge",
    "LockGraph",
    "LockedFile",
    "LockedPackage",
    "Origin",
    "ProjectInput",
    "RequirementItem",
    "default_pythons",
    "find_input",
    "load",
    "lock_covers",
    "needed",
    "parse_requirement",
    "read_installed",
    "read_lock",
    "read_pyproject",
    "read_requirements",
    "read_requirements_file",
]
