"""Requirement strings and simple requirements files (one requirement per line)."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import InvalidRequirement as _PackagingInvalidRequirement
from packaging.requirements import Requirement

from wheelcast.errors import InputError, InvalidRequirement


def parse_requirement(text: str, where: str = "") -> Requirement:
    """Parse one PEP 508 requirement; ``where`` (``file:line``) prefixes the error."""
    try:
        return Requirement(text.strip())
    except _PackagingInvalidRequirement as exc:
        prefix = f"{where}: " if where else ""
        reason = str(exc).splitlines()[0]
        raise InvalidRequirement(
            f"{prefix}invalid requirement '{text.strip()}': {reason}",
            "write it as PEP 508 describes, e.g. 'numpy>=1.26' or 'uvicorn[standard]'",
        ) from None


def read_requirements_file(path: Path) -> list[Requirement]:
    """Read one requirement per line, skipping blank lines and ``#`` comments."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read requirements file '{path}': {exc.strerror}",
            "check the path given to -r",
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            f"requirements file '{path}' is not UTF-8 text", "save it as UTF-8"
        ) from None
    requirements = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.startswith("-"):
            raise InputError(
                f"{path}:{number}: option '{line.split()[0]}' in a requirements file"
                " is not supported yet",
                "pass index and binary options on the command line",
            )
        requirements.append(parse_requirement(line, f"{path}:{number}"))
    return requirements
