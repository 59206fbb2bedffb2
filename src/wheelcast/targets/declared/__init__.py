"""Targets read from where users declare them: a Dockerfile's final ``FROM``, a GitHub
Actions workflow's ``runs-on`` and ``python-version`` matrix, and ``.python-version``.

Each reader takes the file's text (the caller reads it, within the input caps) and its
name for messages, and returns frozen values: :class:`Declared` targets with notes saying
how each was read, or :class:`DeclaredPythons`. What cannot be mapped is one
:class:`~wheelcast.errors.InvalidInputFile` naming the file, line and what to pass instead.
"""

from __future__ import annotations

from wheelcast.targets.declared.declaration import Declared, DeclaredPythons
from wheelcast.targets.declared.dockerfile import (
    dockerfile_targets,
    image_target,
    parse_docker_platform,
)
from wheelcast.targets.declared.python_version_file import (
    PYTHON_VERSION_FILES,
    python_version_pins,
)
from wheelcast.targets.declared.workflow import workflow_targets

__all__ = [
    "PYTHON_VERSION_FILES",
    "Declared",
    "DeclaredPythons",
    "dockerfile_targets",
    "image_target",
    "parse_docker_platform",
    "python_version_pins",
    "workflow_targets",
]
