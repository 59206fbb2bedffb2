"""Direct references (``name @ url``, ``./dist/x.whl``, ``-e .``) read for the resolver.

pip takes a direct reference as given, never from an index, whichever way it arrives
(an argument, a requirements file, a pyproject dependency). What can be known without
building it becomes a :class:`wheelcast.forecast.resolve.DirectReference`:

- a wheel (a URL or path ending in ``.whl``): its name, version and tags from its
  filename, its dependencies from its ``METADATA`` (a local file read directly; a URL
  through the index session, which reads a wheel by HTTP ranges or a bounded download);
- a local folder or sdist (or a ``file:`` URL of one) with a ``pyproject.toml`` whose
  ``[project]`` declares its dependencies statically: its name, version and
  dependencies; pip builds it all the same (the verdict ``direct``);
- anything else (VCS, a remote sdist, dynamic dependencies): pip builds it, and what it
  needs is not known.

A wheel whose METADATA cannot be read is still judged by its tags, its dependencies
said to be unknown (a note says why).
"""

from __future__ import annotations

import asyncio
import re
import tomllib
import urllib.parse
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import (
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from wheelcast.errors import WheelcastError
from wheelcast.forecast.resolve import DirectReference, Repository
from wheelcast.index._dist import is_sdist
from wheelcast.index.local import path_of, read_local_metadata
from wheelcast.index.models import DistFile, DistMetadata
from wheelcast.inputs import DirectItem
from wheelcast.sdist.archive import read_sdist

_EXTRAS = re.compile(r"\[([^\]]*)\]$")
_VCS = re.compile(r"^(git|hg|svn|bzr)\+", re.IGNORECASE)


def direct_references(
    items: Sequence[DirectItem], repository: Repository
) -> tuple[tuple[DirectReference, ...], tuple[str, ...]]:
    """What can be known of each direct reference, and notes on what could not."""
    references: dict[NormalizedName, DirectReference] = {}
    notes: list[str] = []
    # Every remote wheel's METADATA is asked for at once, then read one by one.
    remote = [_wheel_file(item) for item in items if not item.editable]
    repository.prefetch_metadata(f for f in remote if f and not f.url.startswith("file:"))
    for item in items:
        reference = _reference(item, repository, notes)
        references.setdefault(reference.name, reference)
    return tuple(references.values()), tuple(notes)


def _reference(item: DirectItem, repository: Repository, notes: list[str]) -> DirectReference:
    location, extras = _without_extras(item.url_or_path)
    extras = frozenset(canonicalize_name(e) for e in item.extras | extras)
    base = DirectReference(
        item.name or canonicalize_name(item.url_or_path),
        item.url_or_path,
        str(item.origin),
        item.origin.path.name,
        marker=item.marker,
        extras=extras,
        editable=item.editable,
    )
    file = None if item.editable else _wheel_file(item)
    if file is not None:
        return _wheel(item, base, file, repository, notes)
    text, where = _local_pyproject(location, _filename(location))
    if text is not None:
        found = _static(text, where, item.name, base, notes)
        if found is not None:
            return found
    return base


def _wheel_file(item: DirectItem) -> DistFile | None:
    """The wheel a reference names, as a file to read (None: it names no wheel)."""
    location, _ = _without_extras(item.url_or_path)
    filename = _filename(location)
    if not filename.endswith(".whl"):
        return None
    url, _, fragment = (
        location if _is_url(location) else Path(location).absolute().as_uri()
    ).partition("#")
    # pip checks a #sha256= fragment; here it also keys the cached METADATA by content.
    digest = urllib.parse.parse_qs(fragment).get("sha256", [None])[0]
    return DistFile(filename=filename, url=url, hashes=(("sha256", digest),) if digest else ())


def _wheel(
    item: DirectItem,
    base: DirectReference,
    file: DistFile,
    repository: Repository,
    notes: list[str],
) -> DirectReference:
    filename = file.filename
    try:
        name, version, _, _ = parse_wheel_filename(filename)
    except (InvalidWheelFilename, InvalidVersion) as exc:
        raise item.origin.error(
            f"'{item.url_or_path}' is not a valid wheel filename: {exc}",
            "a wheel is named name-version(-build)-python-abi-platform.whl (PEP 427)",
        ) from None
    if item.name is not None and item.name != name:
        raise item.origin.error(
            f"'{item.url_or_path}' is a wheel of {name}, not of {item.name}",
            f"write it as '{name} @ {item.url_or_path}'",
        )
    try:
        metadata = _read_metadata(file, repository)
    except WheelcastError as error:
        notes.append(
            f"{item.origin}: the dependencies of {filename} are not known: {error.message}"
        )
        return replace(base, name=name, wheel=file, version=version, unknown=error.message)
    requires, python = _declared(metadata)
    # Judged with the tags, as pip refuses a wheel whose Requires-Python excludes the
    # target before it resolves anything.
    file = replace(file, requires_python=str(python) if python else None)
    return replace(base, name=name, wheel=file, version=version, dependencies=requires)


def _read_metadata(file: DistFile, repository: Repository) -> DistMetadata:
    if file.url.startswith("file:"):
        return asyncio.run(read_local_metadata(file))
    return repository.metadata(file)


def _declared(metadata: DistMetadata) -> tuple[tuple[Requirement, ...], SpecifierSet | None]:
    from packaging.metadata import InvalidMetadata  # noqa: PLC0415 - loaded with the metadata

    try:
        requires = tuple(metadata.metadata.requires_dist or ())
    except InvalidMetadata:
        # pip skips a bad Requires-Dist line with a warning: so is it skipped here.
        raw = metadata.metadata._raw.get("requires_dist", [])
        requires = tuple(_parsed(raw))
    try:
        python = metadata.metadata.requires_python
    except InvalidMetadata:
        python = None
    return requires, python


def _local_pyproject(location: str, filename: str) -> tuple[str | None, str]:
    """The ``pyproject.toml`` text of a local folder or sdist (None: none to read), and
    where it is, for notes."""
    if location.startswith("file:"):
        path = path_of(location.split("#", 1)[0])
    elif _is_url(location):
        return None, ""
    else:
        path = Path(location)
    if path.is_dir():
        try:
            return (path / "pyproject.toml").read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError):
            return None, ""
    if path.is_file() and is_sdist(filename):
        try:
            # The same capped, static reading as the sdists a target would build.
            return read_sdist(path).text("pyproject.toml"), str(path)
        except WheelcastError:
            return None, ""
    return None, ""


def _static(  # noqa: PLR0911 - one answer per way a pyproject can fail to say
    text: str,
    where: str,
    name: NormalizedName | None,
    base: DirectReference,
    notes: list[str],
) -> DirectReference | None:
    """A local project's static ``[project]`` table, or None when it does not say."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    project = data.get("project")
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        return None
    declared = canonicalize_name(project["name"])
    if name is not None and name != declared:
        return None
    dynamic = project.get("dynamic", [])
    dynamic = set(dynamic) if isinstance(dynamic, list) else set()
    version = _version(project.get("version")) if "version" not in dynamic else None
    if "dependencies" in dynamic:
        return replace(base, name=declared, version=version, unknown="dynamic dependencies")
    texts = project.get("dependencies", [])
    wanted = base.extras
    optional = project.get("optional-dependencies", {})
    if wanted and "optional-dependencies" in dynamic:
        return replace(base, name=declared, version=version, unknown="dynamic extras")
    if isinstance(optional, dict):
        for extra, more in optional.items():
            if canonicalize_name(extra) in wanted and isinstance(more, list):
                # Asked for by the reference itself: they hold as plainly as the rest.
                texts = [*texts, *more]
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        return None
    requires = tuple(_parsed(texts))
    if len(requires) < len(texts):
        notes.append(f"{base.origin}: skipped invalid dependencies in the pyproject of {where}")
    # Its requires-python is left to the build pip runs: the verdict is direct anyway.
    return replace(base, name=declared, version=version, dependencies=requires)


def _parsed(texts: Sequence[str]) -> list[Requirement]:
    parsed = []
    for text in texts:
        try:
            parsed.append(Requirement(text))
        except InvalidRequirement:
            continue
    return parsed


def _version(value: object) -> Version | None:
    try:
        return Version(value) if isinstance(value, str) else None
    except InvalidVersion:
        return None


def _without_extras(location: str) -> tuple[str, frozenset[str]]:
    """``./project[fast]`` -> (``./project``, {fast}); URLs keep their brackets."""
    if _is_url(location):
        return location, frozenset()
    found = _EXTRAS.search(location)
    if found is None:
        return location, frozenset()
    extras = frozenset(e.strip() for e in found.group(1).split(",") if e.strip())
    return location[: found.start()], extras


def _is_url(location: str) -> bool:
    return "://" in location or location.startswith("file:") or bool(_VCS.match(location))


def _filename(location: str) -> str:
    if _is_url(location):
        path = urllib.parse.urlsplit(location).path
        return urllib.parse.unquote(path.rsplit("/", 1)[-1])
    return Path(location).name
