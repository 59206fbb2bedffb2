"""Which projects a scan reads: the most-downloaded list, a list file, or requirements.

The package ships the first :data:`SHIPPED` rows of the top-projects list of 2026-04-01
(30 days of downloads; ``top_projects.csv``: ``rank,project,download_count``); a longer or
newer list in the same form is given with ``--projects FILE``.
"""

from __future__ import annotations

import csv
import importlib.resources
from collections.abc import Iterable, Sequence
from pathlib import Path

from packaging.utils import InvalidName, canonicalize_name

from wheelcast.errors import InvalidInputFile, InvalidOption
from wheelcast.inputs._files import read_text
from wheelcast.inputs.requirements import read_requirements_file
from wheelcast.runtime.limits import shown
from wheelcast.scan.survey import ListedProject

__all__ = ["SHIPPED", "read_project_list", "requirement_projects", "shipped_projects", "top"]

SHIPPED = 5000
_LIST_HINT = "give a CSV with a 'project' column (and 'rank', 'download_count' if known)"


def _parse(lines: Iterable[str], where: str) -> list[ListedProject]:
    try:
        return _rows(csv.DictReader(lines), where)
    except csv.Error as exc:  # a field over csv's limit (128 KiB), a broken quote
        raise InvalidInputFile(f"{where}: not a CSV file: {shown(str(exc))}", _LIST_HINT) from None


def _rows(reader: csv.DictReader[str], where: str) -> list[ListedProject]:
    fields = reader.fieldnames or []
    if "project" not in fields:
        raise InvalidInputFile(f"{where}: no 'project' column in its header line", _LIST_HINT)
    projects: list[ListedProject] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        text = (row.get("project") or "").strip()
        try:
            name = canonicalize_name(text, validate=True)
            rank = int(row["rank"]) if row.get("rank") else len(projects) + 1
            downloads = int(row["download_count"]) if row.get("download_count") else None
        except (InvalidName, ValueError):
            raise InvalidInputFile(
                f"{where}:{number}: not a project name, rank and download count: '{shown(text)}'",
                _LIST_HINT,
            ) from None
        if name not in seen:
            seen.add(name)
            projects.append(ListedProject(name, rank, downloads))
    return projects


def shipped_projects() -> list[ListedProject]:
    resource = importlib.resources.files("wheelcast.scan") / "top_projects.csv"
    return _parse(resource.read_text("utf-8").splitlines(), "top_projects.csv")


def read_project_list(path: Path) -> list[ListedProject]:
    """A list file: CSV with a header naming a ``project`` column."""
    # Read as every input file is (streamed, capped): a device (/dev/zero) was read until
    # killed.
    return _parse(read_text(path).splitlines(), str(path))


def requirement_projects(paths: Sequence[Path]) -> list[ListedProject]:
    """The projects named in requirements files (``-r``), in order, once each."""
    names: list[ListedProject] = []
    seen: set[str] = set()
    for path in paths:
        for requirement in read_requirements_file(path):
            name = canonicalize_name(requirement.name)
            if name not in seen:
                seen.add(name)
                names.append(ListedProject(name, len(names) + 1))
    return names


def top(projects: Sequence[ListedProject], count: int | None, where: str) -> list[ListedProject]:
    """The first ``count`` projects (all with None), most-downloaded first."""
    ordered = sorted(projects, key=lambda p: p.rank)
    if count is None:
        return ordered
    if count < 1:
        raise InvalidOption(f"--top {count}: must be at least 1", "e.g. --top 100")
    if count > len(ordered):
        raise InvalidOption(
            f"--top {count}: {where} lists {len(ordered)} projects",
            "give a longer list with --projects FILE, or a smaller --top",
        )
    return ordered[:count]
