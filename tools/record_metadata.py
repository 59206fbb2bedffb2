"""Add to the recorded index the metadata of the wheel each recorded target installs.

Run by hand, never by the tests, after ``tools/record_index.py``::

    python tools/record_metadata.py --index tests/data/index

A target reads the dependencies of the wheel it would install (a version's wheels may
declare different ones), so the recorded index must serve the metadata of that wheel
for every target a test resolves, not only of the one file the recording read. For
every release whose metadata the recording kept, each target of ``record_index.CASES``
(and ``host`` at Python 3.11, for ``realistic-host.in``) takes its best wheel, as the
resolver does; the metadata of each such wheel not yet recorded is read from the real
index (found as pip finds it), trimmed as ``record_index`` trims it, and its page entry
gains the file's sha256 and the trimmed file's ``core-metadata`` hash. Nothing else in
the pages changes: no release, file or upload time is added or dropped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from record_index import CASES, strip_description
from wheelcast.index import DistFile, IndexSession, build_source
from wheelcast.index.cache import Cache
from wheelcast.index.parse import file_of
from wheelcast.select import Environment, FileKind, Fit, evaluate, group_releases, sort_key
from wheelcast.tags import compatible_tags, tag_priorities
from wheelcast.targets import parse_python, parse_target


def environments() -> list[Environment]:
    pairs = {(name, python) for _, names, python, _ in CASES for name in names}
    pairs.add(("host", "3.11"))
    return [
        Environment(compatible_tags(t), tag_priorities(t), Version(t.python.full_version))
        for name, python in sorted(pairs)
        for t in parse_target(name, [parse_python(python)])
    ]


def installed_wheels(
    name: NormalizedName, files: list[DistFile], recorded: set[str], envs: list[Environment]
) -> set[str]:
    """The wheels the targets would install of each release whose metadata was recorded."""
    wanted: set[str] = set()
    for release in group_releases(name, files).releases:
        if not any(f.filename in recorded for f in release.files):
            continue
        for env in envs:
            fits = [
                fit
                for fit in (evaluate(f, name, env) for f in release.files)
                if isinstance(fit, Fit) and fit.kind is FileKind.WHEEL
            ]
            if fits:
                wanted.add(max(fits, key=lambda f: sort_key(f, env.policy)).file.filename)
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
    for path in sorted(pages_dir.glob("*.json")):
        body = json.loads(path.read_text())
        name = canonicalize_name(body["name"])
        files = [file_of(entry, f"http://index.invalid/simple/{name}/") for entry in body["files"]]
        wanted = installed_wheels(name, files, recorded, envs)
        if wanted:
            missing[name] = wanted
            bodies[name] = body
    cache_dir = Path(tempfile.mkdtemp(prefix="wheelcast-record-"))
    added = 0
    with IndexSession(build_source(cache_dir=cache_dir)) as session:
        cache = Cache(cache_dir)
        for name, wanted in sorted(missing.items()):
            live = {f.filename: f for f in session.page(name).files}
            for filename in sorted(wanted):
                file = live.get(filename)
                if file is None or not file.sha256:
                    print(f"{filename} is not on the index (or has no sha256)", file=sys.stderr)
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
