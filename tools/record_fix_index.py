"""Record the index that ``wheelcast fix``'s tests serve: tests/data/index/fix/.

Run by hand, never by the tests::

    python tools/record_fix_index.py --out tests/data/index/fix

It runs ``wheelcast.forecast.fix.fix_project`` against the real index (pip's default,
found as pip finds it) for every case in CASES and keeps each page and metadata file that
the runs read, as ``tools/record_index.py`` keeps them (relative file URLs, no host
names, metadata without its long description). A fix walks a project's history (the
oldest release of an unbroken run of wheels, the nearest release of a pin that installs
from wheels), so what a case asks for keeps every release up to the cutoff (a dependency
from the oldest release a run read); each release keeps only its sdists and the wheels
that fit a recorded target (the Pythons a fix tries
included), and the files whose metadata was read. Recorded on 2026-12-07.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from record_index import fits_any, page_json, strip_description
from wheelcast.forecast.check import IndexOptions
from wheelcast.forecast.fix import OTHER_PYTHONS, fix_project
from wheelcast.forecast.resolve import Options
from wheelcast.forecast.select import Environment, group_releases
from wheelcast.index import DistFile, DistMetadata, IndexSession, ProjectPage
from wheelcast.index.store import Cache
from wheelcast.inputs import Origin, ProjectInput, RequirementItem, parse_requirement
from wheelcast.targets import Python, parse_python, parse_target
from wheelcast.targets.tags import compatible_tags, tag_priorities

SEED = dt.datetime(2025, 7, 2, tzinfo=dt.UTC)  # --exclude-newer 2025-07-01, that whole day
LATER = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)  # --exclude-newer 2026-12-01
CASES: list[tuple[str, str, str, dt.datetime]] = [
    ("numpy", "win-arm64", "3.12", SEED),
    ("thinc==8.3.2", "win-arm64", "3.12", SEED),
    ("thinc==8.3.2", "win-arm64", "3.12", LATER),
    ("thinc", "win-arm64", "3.12", LATER),
]
PLATFORMS = ("win-arm64", "win-amd64")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("tests/data/index/fix"))
    args = parser.parse_args()
    cache_dir = Path(tempfile.mkdtemp(prefix="wheelcast-record-fix-"))
    pages: dict[NormalizedName, ProjectPage] = {}
    read: dict[str, DistFile] = {}
    cutoffs: dict[NormalizedName, dt.datetime] = {}
    page, metadata = IndexSession.page, IndexSession.metadata

    def recorded_page(self: IndexSession, name: str) -> ProjectPage:
        found = page(self, name)
        pages[found.name] = found
        return found

    def recorded_metadata(self: IndexSession, file: DistFile) -> DistMetadata:
        read[file.filename] = file
        return metadata(self, file)

    IndexSession.page = recorded_page  # type: ignore[method-assign]
    IndexSession.metadata = recorded_metadata  # type: ignore[method-assign]
    for requirement, target, python, cutoff in CASES:
        print(f"recording {requirement} on {target}@{python} (cutoff {cutoff:%Y-%m-%d})")
        origin = Origin(Path("<command line>"))
        project = ProjectInput(
            "requirements", origin.path, (RequirementItem(parse_requirement(requirement), origin),)
        )
        before = set(pages)
        fix_project(
            project,
            parse_target(target, [parse_python(python)]),
            options=Options(exclude_newer=cutoff),
            index=IndexOptions(cache_dir=cache_dir),
        )
        for name in pages:
            if name not in before or cutoff > cutoffs.get(name, cutoff):
                cutoffs[name] = max(cutoff, cutoffs.get(name, cutoff))
    pythons = {parse_python(p) for _, _, p, _ in CASES} | {Python(version=v) for v in OTHER_PYTHONS}
    environments = [
        Environment(compatible_tags(t), tag_priorities(t), Version(t.python.full_version))
        for name in PLATFORMS
        for t in parse_target(name, sorted(pythons, key=lambda p: p.version))
    ]
    cache = Cache(cache_dir)
    raw: dict[str, bytes] = {}
    for filename, file in read.items():
        hit = cache.get_metadata(file.sha256 or file.url)
        if hit is None:
            print(f"no cached metadata for {filename}", file=sys.stderr)
            return 1
        raw[filename] = strip_description(hit[0])
    (args.out / "pages").mkdir(parents=True, exist_ok=True)
    (args.out / "metadata").mkdir(parents=True, exist_ok=True)
    asked = {canonicalize_name(parse_requirement(r).name) for r, _, _, _ in CASES}
    for name, found in sorted(pages.items()):
        cutoff = cutoffs[name]
        keep: set[str] = set()
        after = 0
        releases = group_releases(name, found.files).releases
        used = [r.version for r in releases if any(f.filename in read for f in r.files)]
        # A dependency is read from the oldest release a run took; what a case asks for
        # keeps its whole history (a fix walks it for floors and for the nearest pin).
        oldest = None if name in asked or not used else min(used)
        for release in reversed(releases):  # oldest first
            if oldest is not None and release.version < oldest:
                continue
            if all(f.upload_time is not None and f.upload_time > cutoff for f in release.files):
                after += 1
                if after > 1:
                    continue
            # Whose metadata was read, and what fits a recorded target: nothing else is
            # looked at (a fix never lists a release's files as explain does).
            keep.update(
                f.filename
                for f in release.files
                if f.filename in read or fits_any(f, name, environments)
            )
        body = page_json(found, keep, raw)
        (args.out / "pages" / f"{name}.json").write_text(
            json.dumps(body, separators=(",", ":")) + "\n"
        )
    for filename, data in sorted(raw.items()):
        (args.out / "metadata" / f"{filename}.metadata").write_bytes(data)
    print(f"wrote {len(pages)} pages and {len(raw)} metadata files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
