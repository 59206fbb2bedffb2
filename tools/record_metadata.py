"""Add to the recorded index the metadata of the wheel each recorded target installs.

Run by hand, never by the tests, after ``tools/record_index.py``::

    python tools/record_metadata.py --index tests/data/index

A target reads the dependencies of the wheel it would install (a version's wheels may
declare different ones; one that builds reads a wheel built for its Python), so the
recorded index must serve the metadata of that wheel for every target a test resolves,
not only of the one file the recording read. For every release whose metadata the
recording kept, each target of ``record_index.CASES`` (and ``host`` at Python 3.11, for
``realistic-host.in``) takes its best file and the resolver's ``Catalog`` names the
file whose metadata it reads; the metadata of each such wheel not yet recorded is read
from the real index (found as pip finds it), trimmed as ``record_index`` trims it, and
its page entry gains the file's sha256 and the trimmed file's ``core-metadata`` hash.
Nothing else in the pages changes: no release, file or upload time is added or dropped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from record_index import CASES, strip_description
from wheelcast.forecast.resolve import Catalog
from wheelcast.forecast.select import Environment, Fit, evaluate, sort_key
from wheelcast.index import DistFile, DistMetadata, IndexSession, ProjectPage, build_source
from wheelcast.index.parse import file_of
from wheelcast.index.store import Cache
from wheelcast.targets import parse_python, parse_target
from wheelcast.targets.tags import compatible_tags, tag_priorities


def environments() -> list[Environment]:
    pairs = {(name, python) for _, names, python, _ in CASES for name in names}
    pairs.add(("host", "3.11"))
    return [
        Environment(compatible_tags(t), tag_priorities(t), Version(t.python.full_version))
        for name, python in sorted(pairs)
        for t in parse_target(name, [parse_python(python)])
    ]


class Pages:
    """The recorded pages, as the ``Catalog`` reads them."""

    def __init__(self, pages: dict[NormalizedName, ProjectPage]) -> None:
        self.pages = pages

    def page(self, name: NormalizedName) -> ProjectPage:
        return self.pages[name]

    def metadata(self, file: DistFile) -> DistMetadata:
        raise NotImplementedError  # only the choice of file is asked here

    def prefetch_pages(self, names: Iterable[NormalizedName]) -> None:
        pass

    def prefetch_metadata(self, files: Iterable[DistFile]) -> None:
        pass


def files_read(
    name: NormalizedName, catalog: Catalog, recorded: set[str], envs: list[Environment]
) -> set[str]:
    """The files whose metadata the targets read of each release the recording read."""
    wanted: set[str] = set()
    for release in catalog.releases(name).releases:
        if not any(f.filename in recorded for f in release.files):
            continue
        for env in envs:
            fits = [
                fit
                for fit in (evaluate(f, name, env) for f in release.files)
                if isinstance(fit, Fit)
            ]
            if fits:
                best = max(fits, key=lambda f: sort_key(f, env.policy))
                wanted.add(catalog.metadata_file(name, best, env).filename)
    return wanted - recorded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("tests/data/index"))
    args = parser.parse_args()
    pages_dir: Path = args.index / "pages"
    metadata_dir: Path = args.index / "metadata"
    recorded = {p.name.removesuffix(".metadata") for p in metadata_dir.iterdir()}
    envs = environments()
    missing: dict[NormalizedName, set[str]] = {}
    bodies: dict[NormalizedName, dict[str, Any]] = {}
    pages: dict[NormalizedName, ProjectPage] = {}
    for path in sorted(pages_dir.glob("*.json")):
        body = json.loads(path.read_text())
        name = canonicalize_name(body["name"])
        url = f"http://index.invalid/simple/{name}/"
        pages[name] = ProjectPage(name, url, tuple(file_of(e, url) for e in body["files"]))
        bodies[name] = body
    catalog = Catalog(Pages(pages))
    for name in pages:
        wanted = files_read(name, catalog, recorded, envs)
        if wanted:
            missing[name] = wanted
    cache_dir = Path(tempfile.mkdtemp(prefix="wheelcast-record-"))
    added = 0
    with IndexSession(build_source(cache_dir=cache_dir)) as session:
        cache = Cache(cache_dir)
        for name, wanted in sorted(missing.items()):
            live = {f.filename: f for f in session.page(name).files}
            for filename in sorted(wanted):
                file = live.get(filename)
                if file is None or not file.sha256 or not file.is_wheel:
                    print(f"{filename}: not a wheel on the index with a sha256", file=sys.stderr)
                    return 1
                session.metadata(file)
                hit = cache.get_metadata(file.sha256)
                if hit is None:
                    print(f"no cached metadata for {filename}", file=sys.stderr)
                    return 1
                raw = strip_description(hit[0])
                (metadata_dir / f"{filename}.metadata").write_bytes(raw)
                for entry in bodies[name]["files"]:
                    if entry["filename"] == filename:
                        entry["hashes"] = {"sha256": file.sha256}
                        entry["core-metadata"] = {"sha256": hashlib.sha256(raw).hexdigest()}
                added += 1
            text = json.dumps(bodies[name], separators=(",", ":")) + "\n"
            (pages_dir / f"{name}.json").write_text(text)
    print(f"added {added} metadata files for {len(missing)} projects under {args.index}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
