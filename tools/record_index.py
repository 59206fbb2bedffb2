"""Record the index pages and metadata files that wheelcast's tests serve on 127.0.0.1.

Run by hand, never by the tests::

    python tools/record_index.py --out tests/data/index

It runs wheelcast itself against the real index (pip's default, found as pip finds
it) for every case in CASES, keeping each project page and metadata file that the
resolutions read. Pages are trimmed to the releases a resolution could reach: every
release from the oldest one whose metadata was read up to the cutoff, plus the first
release after it (so ``--exclude-newer`` is exercised). File URLs become relative
(``../../files/<name>``), metadata files lose their long description (their sha256 in
the page is recomputed), and every host name is dropped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import NormalizedName
from packaging.version import Version

from wheelcast.forecast.check import check
from wheelcast.forecast.resolve import Options
from wheelcast.forecast.select import Environment, Fit, evaluate, group_releases
from wheelcast.index import DistFile, DistMetadata, IndexSession, ProjectPage, build_source
from wheelcast.index.store import Cache
from wheelcast.targets import parse_python, parse_target
from wheelcast.targets.tags import compatible_tags, tag_priorities

REFERENCE = Path(__file__).resolve().parent.parent / "tests" / "data" / "reference"
CUTOFF = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
SEED_CUTOFF = dt.datetime(2023, 11, 20, tzinfo=dt.UTC)
MATRIX = ["win-arm64", "win-amd64", "linux-x86_64", "linux-aarch64", "macos-arm64"]

# (requirements file or one requirement, targets, python, cutoff); a None cutoff: the
# index as of the recording day.
CASES: list[tuple[str, list[str], str, dt.datetime | None]] = [
    ("seed-numpy.in", ["win-arm64", "win-amd64"], "3.12", SEED_CUTOFF),
    ("seed-numpy.in", ["win-arm64"], "3.12", None),
    ("numpy<2", ["win-arm64"], "3.12", None),
    ("seed-uvicorn.in", ["linux-x86_64", "win-amd64"], "3.12", CUTOFF),
    ("realistic.in", MATRIX, "3.12", CUTOFF),
    ("realistic-host.in", ["host"], "3.11", None),
    # tests/data/inputs/sample's dependencies, on the day its lock files were made.
    ("sample.in", ["linux-x86_64", "win-amd64", "win-arm64", "macos-arm64"], "3.12", None),
]


class Recorder:
    """A Repository that passes through to a live session and remembers what was read."""

    def __init__(self, session: IndexSession) -> None:
        self.session = session
        self.pages: dict[NormalizedName, ProjectPage] = {}
        self.metadata_files: dict[str, DistFile] = {}

    def page(self, name: NormalizedName) -> ProjectPage:
        page = self.session.page(name)
        self.pages[name] = page
        return page

    def metadata(self, file: DistFile) -> DistMetadata:
        self.metadata_files[file.filename] = file
        return self.session.metadata(file)

    def prefetch_pages(self, names: object) -> None:
        self.session.prefetch_pages(names)  # type: ignore[arg-type]

    def prefetch_metadata(self, files: object) -> None:
        self.session.prefetch_metadata(files)  # type: ignore[arg-type]


def strip_description(raw: bytes) -> bytes:
    """Keep the metadata headers' first lines; drop long descriptions and license texts."""
    lines = raw.replace(b"\r\n", b"\n").split(b"\n")
    kept: list[bytes] = []
    for line in lines:
        if not line:
            break  # the body: a long description
        if line[:1] in (b" ", b"\t"):
            continue  # a folded header (Description, a whole License text): not needed

        # Links are not needed to resolve, and they name hosts that stay out of the repo.
        if not line.startswith((b"Description:", b"Project-URL:", b"Home-page:", b"Download-URL:")):
            kept.append(line)
    return b"\n".join(kept) + b"\n\n"


def page_json(page: ProjectPage, keep: set[str], metadata: dict[str, bytes]) -> dict[str, object]:
    files = []
    for file in page.files:
        if file.filename not in keep:
            continue
        recorded = file.filename in metadata
        entry: dict[str, object] = {
            "filename": file.filename,
            "url": f"../../files/{file.filename}",
            # Metadata is cached by the file's sha256: keep it where metadata is served.
            "hashes": {"sha256": file.sha256} if file.sha256 and recorded else {},
            "requires-python": file.requires_python,
            "yanked": file.yanked if file.yanked else file.yanked is not None,
            "upload-time": file.upload_time.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            if file.upload_time
            else None,
        }
        if file.filename in metadata:
            entry["core-metadata"] = {"sha256": hashlib.sha256(metadata[file.filename]).hexdigest()}
        files.append(entry)
    return {"meta": {"api-version": "1.1"}, "name": page.name, "files": files}


def later(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    """The later of two cutoffs, where None (the recording day) is the latest."""
    return None if a is None or b is None else max(a, b)


def fits_any(file: DistFile, name: NormalizedName, environments: list[Environment]) -> bool:
    return not file.is_wheel or any(isinstance(evaluate(file, name, e), Fit) for e in environments)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("tests/data/index"))
    args = parser.parse_args()
    cache_dir = Path(tempfile.mkdtemp(prefix="wheelcast-record-"))
    pages: dict[NormalizedName, ProjectPage] = {}
    read: dict[str, DistFile] = {}
    cutoffs: dict[NormalizedName, dt.datetime | None] = {}
    with IndexSession(build_source(cache_dir=cache_dir)) as session:
        for req_file, target_names, python, cutoff in CASES:
            lines = (
                (REFERENCE / req_file).read_text().splitlines()
                if req_file.endswith(".in")
                else [req_file]
            )
            requirements = [
                Requirement(line.split("#")[0].strip())
                for line in lines
                if line.split("#")[0].strip()
            ]
            pythons = [parse_python(python)]
            targets = [t for name in target_names for t in parse_target(name, pythons)]
            recorder = Recorder(session)
            print(f"recording {req_file} for {', '.join(target_names)} (cutoff {cutoff})")
            check(requirements, targets, options=Options(exclude_newer=cutoff), repository=recorder)
            pages.update(recorder.pages)
            read.update(recorder.metadata_files)
            for name in recorder.pages:
                cutoffs[name] = later(cutoffs.get(name, cutoff), cutoff)
    environments = [
        Environment(compatible_tags(t), tag_priorities(t), Version(t.python.full_version))
        for name, python in [(n, p) for _, names, p, _ in CASES for n in names]
        for t in parse_target(name, [parse_python(python)])
    ]
    cache = Cache(cache_dir)
    metadata: dict[str, bytes] = {}
    for filename, file in read.items():
        hit = cache.get_metadata(file.sha256 or file.url)
        if hit is None:
            print(f"no cached metadata for {filename}", file=sys.stderr)
            return 1
        metadata[filename] = strip_description(hit[0])
    pages_dir = args.out / "pages"
    metadata_dir = args.out / "metadata"
    pages_dir.mkdir(parents=True, exist_ok=True)
    metadata_dir.mkdir(parents=True, exist_ok=True)
    for name, page in sorted(pages.items()):
        releases = group_releases(name, page.files).releases
        used = [r.version for r in releases if any(f.filename in read for f in r.files)]
        oldest = min(used) if used else (releases[0].version if releases else None)
        cutoff = cutoffs.get(name)
        keep: set[str] = set()
        after_cutoff = 0
        chosen = {r.version for r in releases if any(f.filename in read for f in r.files)}
        for release in reversed(releases):  # oldest first
            if oldest is None or release.version < oldest:
                continue
            late = cutoff is not None and all(
                f.upload_time is not None and f.upload_time > cutoff for f in release.files
            )
            if late:
                after_cutoff += 1
                if after_cutoff > 1:
                    continue
            # A chosen release keeps every file (explain lists them all); the others keep
            # what could fit a recorded target, which is all the resolver looks at.
            keep.update(
                f.filename
                for f in release.files
                if release.version in chosen or fits_any(f, name, environments)
            )
        body = page_json(page, keep, metadata)
        (pages_dir / f"{name}.json").write_text(json.dumps(body, separators=(",", ":")) + "\n")
    for filename, raw in sorted(metadata.items()):
        (metadata_dir / f"{filename}.metadata").write_bytes(raw)
    print(f"wrote {len(pages)} pages and {len(metadata)} metadata files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
