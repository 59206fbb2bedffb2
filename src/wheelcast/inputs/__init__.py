"""Requirements as people write them, turned into ``packaging`` requirements."""

from __future__ import annotations

from wheelcast.inputs.requirements import parse_requirement, read_requirements_file

__all__ = ["parse_requirement", "read_requirements_file"]
