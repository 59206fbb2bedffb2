"""Record the listings of real sdists that tests/sdist checks build needs against.

Run by hand, never by the tests::

    python tools/record_sdists.py --out tests/data/sdists

For each sdist in SDISTS it asks the real index (pip's default, found as pip finds it)
through wheelcast's own index layer, downloads the file into a temporary folder, reads it
with ``wheelcast.sdist.read_sdist`` and writes ``<name>-<version>.json``: the top folder,
the build files' text, and the members the census counts (source files outside
tests/docs/vendored code, with their sizes); every other member is only counted
(``omitted_members``). No host name is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
from pathlib import Path

from wheelcast.index import IndexSession, build_source
from wheelcast.sdist.archive import SdistListing, is_ancillary, read_sdist
from wheelcast.sdist.needs import analyze, census

# (project, sdist filename): numpy (meson-python, no Fortran), scipy (meson-python with
# Fortran), cryptography (maturin: Rust and C), PyYAML (setuptools + Cython), six (pure).
SDISTS = [
    ("numpy", "numpy-1.26.2.tar.gz"),
    ("scipy", "scipy-1.11.4.tar.gz"),
    ("cryptography", "cryptography-46.0.4.tar.gz"),
    ("pyyaml", "pyyaml-6.0.2.tar.gz"),
    ("six", "six-1.16.0.tar.gz"),
]
_SOURCE_SUFFIXES = (".c", ".cpp", ".cc", ".cxx", ".f", ".f90", ".rs", ".pyx", ".cu", ".mm")


def _registry_labels() -> tuple[str, ...]:
    """Distinctive labels of the default index's hosts, from pip, so none is written here."""
    from pip._internal.models.index import PyPI  # noqa: PLC0415 - only when recording

    hosts = (PyPI.netloc, PyPI.file_storage_domain)
    return tuple({host.split(".")[-2] for host in hosts})


_URL_HOST = re.compile(r"(?i)(https?://)([^/\s\"'<>)\]]+)")


def scrub(text: str, labels: tuple[str, ...]) -> str:
    """Every URL on a registry host gets the host ``index.invalid``."""

    def replace(match: re.Match[str]) -> str:
        host = match.group(2).lower()
        return match.group(1) + (
            "index.invalid" if any(x in host for x in labels) else match.group(2)
        )

    return _URL_HOST.sub(replace, text)


def _headers_only(pkg_info: str) -> str:
    # The long description is not read by the analysis; the header block is enough.
    return pkg_info.split("\n\n", 1)[0] + "\n"


def _kept(path: str, listing: SdistListing) -> bool:
    if listing.text(path) is not None or path in listing.unread:
        return True
    return path.lower().endswith(_SOURCE_SUFFIXES) and not is_ancillary(path)


def record(listing: SdistListing, sha256: str | None, labels: tuple[str, ...]) -> dict[str, object]:
    members = [[p, s] for p, s in listing.members if _kept(p, listing)]
    contents = {
        path: scrub(_headers_only(text) if path == "PKG-INFO" else text, labels)
        for path, text in listing.contents
    }
    return {
        "recorded": dt.date.today().isoformat(),
        "filename": listing.filename,
        "sha256": sha256,
        "top": listing.top,
        "omitted_members": len(listing.members) - len(members),
        "members": members,
        "contents": contents,
        "unread": list(listing.unread),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("tests/data/sdists"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    labels = _registry_labels()
    with (
        tempfile.TemporaryDirectory() as cache_dir,
        IndexSession(build_source(cache_dir=cache_dir)) as session,
    ):
        for project, filename in SDISTS:
            page = session.page(project)
            file = next((f for f in page.files if f.filename == filename), None)
            if file is None:
                print(f"{filename}: not on the index", file=sys.stderr)
                return 1
            with tempfile.TemporaryDirectory(dir=cache_dir) as folder:
                path = session.download(file, Path(folder), 200 * 1024 * 1024)
                listing = read_sdist(path, filename=filename)
            data = record(listing, file.sha256, labels)
            stem = filename.removesuffix(".tar.gz").removesuffix(".zip")
            target = args.out / f"{stem.lower()}.json"
            target.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            needs = analyze(listing)
            print(
                f"{filename}: {len(listing.members)} members, census {census(listing)},"
                f" {needs.backend}: {', '.join(needs.languages) or 'no compiler'} -> {target}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
