"""The ``wheelcast.wheelhouse/1`` document: the wheelhouse's ``manifest.json``.

Versioned: fields are only ever added within a schema version; a rename or a change of
meaning bumps it. Paths are relative to the wheelhouse root, with forward slashes; source
URLs never carry credentials.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO, TypedDict, cast

from wheelcast._version import __version__
from wheelcast.wheelhouse import Built, Placed, Skipped, TargetHouse, Wheelhouse
from wheelcast.wheelhouse.assemble import install_command

__all__ = ["SCHEMA", "manifest", "render_json", "write_manifest"]

SCHEMA = "wheelcast.wheelhouse/1"


class FileJSON(TypedDict):
    file: str
    sha256: str
    url: str | None  # None for a wheel built here
    verdict: str  # binary, pure, build (the sdist), built (a wheel built from it here)
    target: str
    name: str
    version: str
    reused: bool  # already there and verified: not fetched again


class BuildJSON(TypedDict):
    name: str
    version: str
    sdist: str
    wheel: str | None
    ok: bool
    detail: str
    log: str | None


class SkippedJSON(TypedDict):
    name: str
    verdict: str
    detail: str


class TargetJSON(TypedDict):
    target: str
    folder: str
    install: str
    complete: bool  # every package installs from a wheel in the folder
    builds: list[BuildJSON]
    skipped: list[SkippedJSON]


class ManifestJSON(TypedDict):
    schema: str
    wheelcast: str
    downloaded: int
    reused: int
    removed: int  # distributions an earlier forecast had put there, deleted
    targets: list[TargetJSON]
    files: list[FileJSON]


def _file(placed: Placed) -> FileJSON:
    return {
        "file": placed.path,
        "sha256": placed.sha256,
        "url": placed.url,
        "verdict": placed.verdict,
        "target": placed.target,
        "name": placed.name,
        "version": placed.version,
        "reused": placed.reused,
    }


def _build(built: Built) -> BuildJSON:
    return {
        "name": built.name,
        "version": built.version,
        "sdist": built.sdist,
        "wheel": built.wheel,
        "ok": built.ok,
        "detail": built.why,
        "log": built.log,
    }


def _skipped(skipped: Skipped) -> SkippedJSON:
    return {"name": skipped.name, "verdict": skipped.verdict, "detail": skipped.why}


def complete(house: TargetHouse) -> bool:
    return house.resolvable and not house.skipped and not house.sdists_left


def _target(house: TargetHouse, root: str) -> TargetJSON:
    return {
        "target": house.target.id,
        "folder": house.folder,
        "install": install_command(root, house.folder),
        "complete": complete(house),
        "builds": [_build(b) for b in house.builds],
        "skipped": [_skipped(s) for s in house.skipped],
    }


def manifest(wheelhouse: Wheelhouse) -> ManifestJSON:
    root = str(wheelhouse.root)
    return {
        "schema": SCHEMA,
        "wheelcast": __version__,
        "downloaded": wheelhouse.downloaded,
        "reused": wheelhouse.reused,
        "removed": wheelhouse.removed,
        "targets": [_target(h, root) for h in wheelhouse.targets],
        "files": [_file(p) for h in wheelhouse.targets for p in h.files],
    }


def render_json(wheelhouse: Wheelhouse, out: TextIO) -> None:
    out.write(json.dumps(manifest(wheelhouse), indent=2) + "\n")


def write_manifest(wheelhouse: Wheelhouse) -> Path:
    """``manifest.json`` in the wheelhouse root, written whole or not at all.

    The targets an earlier run put in the same root, and this one did not touch, keep their
    entries: one wheelhouse may be filled a target at a time.
    """
    path = wheelhouse.root / "manifest.json"
    document = manifest(wheelhouse)
    ours = {t["target"] for t in document["targets"]}
    earlier = _earlier(path)
    if earlier is not None:
        document["targets"] = [
            *(t for t in earlier["targets"] if t["target"] not in ours),
            *document["targets"],
        ]
        document["files"] = [
            *(f for f in earlier["files"] if f["target"] not in ours),
            *document["files"],
        ]
    temp = path.with_name(".manifest.json.tmp")
    temp.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(temp, path)
    return path


def _earlier(path: Path) -> ManifestJSON | None:
    """The manifest an earlier run wrote there, when it is one this version can read."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none, or damaged: this run's manifest replaces it
    if not isinstance(loaded, dict) or loaded.get("schema") != SCHEMA:
        return None
    targets, files = loaded.get("targets"), loaded.get("files")
    if not isinstance(targets, list) or not isinstance(files, list):
        return None
    if not all(isinstance(t, dict) and isinstance(t.get("target"), str) for t in targets):
        return None
    if not all(isinstance(f, dict) and isinstance(f.get("target"), str) for f in files):
        return None
    return cast(ManifestJSON, loaded)
