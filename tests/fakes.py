"""An in-memory repository for resolver tests: projects described as plain data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from packaging.metadata import Metadata
from packaging.utils import NormalizedName, canonicalize_name

from wheelcast.index.models import DistFile, DistMetadata, ProjectPage

UTC = dt.UTC


def dist(
    filename: str,
    *,
    requires_python: str | None = None,
    yanked: str | None = None,
    uploaded: str = "2024-01-01",
) -> DistFile:
    return DistFile(
        filename=filename,
        url=f"http://files.invalid/{filename}",
        requires_python=requires_python,
        yanked=yanked,
        upload_time=dt.datetime.fromisoformat(uploaded).replace(tzinfo=UTC),
    )


class FakeRepository:
    """Projects: name -> files; metadata: filename -> Requires-Dist lines (and Requires-Python)."""

    def __init__(
        self,
        projects: Mapping[str, Sequence[DistFile]],
        requires: Mapping[str, Sequence[str]] | None = None,
        requires_python: Mapping[str, str] | None = None,
    ) -> None:
        self.projects = {canonicalize_name(k): tuple(v) for k, v in projects.items()}
        self.requires = dict(requires or {})
        self.requires_python = dict(requires_python or {})
        self.page_calls: list[str] = []
        self.metadata_calls: list[str] = []

    def page(self, name: NormalizedName) -> ProjectPage:
        self.page_calls.append(name)
        return ProjectPage(
            name, f"http://index.invalid/simple/{name}/", self.projects.get(name, ())
        )

    def metadata(self, file: DistFile) -> DistMetadata:
        self.metadata_calls.append(file.filename)
        name = file.filename.split("-")[0]
        version = file.filename.split("-")[1].removesuffix(".tar.gz").removesuffix(".zip")
        lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
        lines += [f"Requires-Dist: {r}" for r in self.requires.get(file.filename, ())]
        if file.filename in self.requires_python:
            lines.append(f"Requires-Python: {self.requires_python[file.filename]}")
        raw = ("\n".join(lines) + "\n\n").encode()
        return DistMetadata(Metadata.from_email(raw, validate=False), "fake")

    def prefetch_pages(self, names: Iterable[NormalizedName]) -> None:
        pass

    def prefetch_metadata(self, files: Iterable[DistFile]) -> None:
        pass
