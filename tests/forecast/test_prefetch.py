"""Metadata prefetch while the resolver moves past candidates (issue 20, point 2).

``a`` 3..11 each require ``b<1`` while ``b==1.0`` is asked for: the resolver pins b,
then tries a 11, 10, ... each needing its metadata before it can reject it, until a 2.
Once it has passed a 11, the next eight candidates' metadata is asked for at once; the
answers are those of a resolution that reads one candidate at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from tests.fakes import FakeRepository, dist
from tests.indexserver import (
    IndexServer,
    MakeIndexServer,
    build_wheel,
    file_entry,
    wheel_metadata,
    write_page,
)

from wheelcast.forecast.resolve import (
    PREFETCH,
    Candidate,
    Catalog,
    Options,
    PackageRequirement,
    Provider,
    Resolution,
    resolve,
)
from wheelcast.forecast.verdict import forecast
from wheelcast.index.models import DistFile
from wheelcast.index.session import IndexSession
from wheelcast.index.sources import build_source
from wheelcast.targets import Target, parse_python, parse_target

NEWEST = 11
REJECTED = range(3, NEWEST + 1)  # the versions of a that require b<1
ROOTS = [Requirement("a"), Requirement("b==1.0")]


def target(python: str = "3.12") -> Target:
    return parse_target("linux-x86_64", [parse_python(python)])[0]


def a_wheel(version: int) -> str:
    return f"a-{version}-py3-none-any.whl"


def requires(version: int) -> tuple[str, ...]:
    return ("b<1",) if version in REJECTED else ()


def answers(resolution: Resolution) -> list[tuple[object, ...]]:
    """What a resolution answers: each pin, its file and verdict, and the errors."""
    verdicts = {p.name: p.verdict for p in forecast(resolution).packages}
    pinned = [
        (p.name, p.version, p.fit.file.filename if p.fit else None, p.required_by, verdicts[p.name])
        for p in resolution.pins
    ]
    return [*pinned, resolution.errors]


# --- over HTTP on 127.0.0.1 ------------------------------------------------------------


@pytest.fixture
def index(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    files, metadata, pages = tmp_path / "files", tmp_path / "metadata", tmp_path / "pages"
    metadata.mkdir()
    entries = []
    for name, versions in (("a", range(1, NEWEST + 1)), ("b", [1])):
        for version in versions:
            path = build_wheel(
                files,
                name,
                f"{version}.0" if name == "b" else str(version),
                requires_dist=requires(version) if name == "a" else (),
            )
            raw = wheel_metadata(path)
            (metadata / f"{path.name}.metadata").write_bytes(raw)
            entries.append((name, file_entry(path.name, path.read_bytes(), metadata=raw)))
    for name in ("a", "b"):
        write_page(pages, name, [entry for n, entry in entries if n == name])
    return make_index_server(pages, metadata, files)


def resolved(
    index: IndexServer, cache: Path, *, prefetch: int, pythons: Iterable[str] = ("3.12",)
) -> list[Resolution]:
    """Each target resolved in turn over one session and catalog, as a check does."""
    with IndexSession(build_source(index.url, cache_dir=cache)) as session:
        catalog = Catalog(session, prefetch=prefetch)
        return [resolve(target(p), ROOTS, session, Options(), catalog) for p in pythons]


def metadata_requests(index: IndexServer) -> dict[str, int]:
    return {
        path.removeprefix("/files/").removesuffix(".metadata"): count
        for path, count in index.requests.items()
        if path.endswith(".metadata")
    }


class TestOverHttp:
    def test_the_next_candidates_are_read_ahead_with_the_same_answer(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        (alone,) = resolved(index, tmp_path / "one-by-one", prefetch=0)
        tried = {a_wheel(v) for v in range(2, NEWEST + 1)} | {"b-1.0-py3-none-any.whl"}
        # One at a time, the resolver reads what it tries and nothing else.
        assert metadata_requests(index) == dict.fromkeys(tried, 1)
        index.reset()

        (ahead,) = resolved(index, tmp_path / "ahead", prefetch=PREFETCH)
        assert answers(ahead) == answers(alone)
        assert [(p.name, str(p.version)) for p in ahead.pins] == [("a", "2"), ("b", "1.0")]
        # Passing a 11 asked for a 10..3; each later move keeps the window eight ahead,
        # so a 1, which the resolver never tries, was asked for too: once.
        assert metadata_requests(index) == dict.fromkeys(tried | {a_wheel(1)}, 1)

    def test_targets_that_read_the_same_files_fetch_each_once(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        alone = resolved(index, tmp_path / "one-by-one", prefetch=0, pythons=("3.12", "3.13"))
        index.reset()
        ahead = resolved(index, tmp_path / "ahead", prefetch=PREFETCH, pythons=("3.12", "3.13"))
        assert [answers(r) for r in ahead] == [answers(r) for r in alone]
        requests = metadata_requests(index)
        assert len(requests) == NEWEST + 1  # every a and b
        assert set(requests.values()) == {1}


# --- the batches the provider asks for -------------------------------------------------


class Recording(FakeRepository):
    """Records each batch of metadata asked for ahead of use."""

    def __init__(self) -> None:
        files = {
            "a": [dist(a_wheel(v)) for v in range(1, NEWEST + 1)],
            "b": [dist("b-1.0-py3-none-any.whl")],
        }
        super().__init__(files, {a_wheel(v): requires(v) for v in range(1, NEWEST + 1)})
        self.batches: list[list[str]] = []

    def prefetch_metadata(self, files: Iterable[DistFile]) -> None:
        self.batches.append([f.filename for f in files])


def versions(batch: list[str]) -> list[int]:
    return [int(name.split("-")[1]) for name in batch if name.startswith("a-")]


class TestBatches:
    def test_moving_past_a_candidate_asks_for_the_next_eight_at_once(self) -> None:
        repo = Recording()
        result = resolve(target(), ROOTS, repo, Options(), Catalog(repo))
        assert [(p.name, str(p.version)) for p in result.pins] == [("a", "2"), ("b", "1.0")]
        batches = [versions(b) for b in repo.batches if versions(b)]
        # The likeliest alone as it is listed; then, past it, a window of eight at once.
        assert batches[:2] == [[11], list(range(10, 2, -1))]
        assert batches[2:] == [[2], [1]]
        # The resolver read only what it tried, in order; prefetching changed nothing.
        assert repo.metadata_calls == ["b-1.0-py3-none-any.whl"] + [
            a_wheel(v) for v in range(NEWEST, 1, -1)
        ]

    def test_without_prefetch_only_the_likeliest_is_asked_for(self) -> None:
        repo = Recording()
        alone = resolve(target(), ROOTS, repo, Options(), Catalog(repo, prefetch=0))
        assert all(len(versions(b)) <= 1 for b in repo.batches)
        ahead_repo = Recording()
        ahead = resolve(target(), ROOTS, ahead_repo, Options(), Catalog(ahead_repo))
        assert answers(ahead) == answers(alone)

    def test_a_name_backtracked_on_reads_ahead_from_its_first_candidate(self) -> None:
        repo = Recording()
        provider = Provider(target(), repo, Options(), ["a"], Catalog(repo))
        requirement = PackageRequirement(
            canonicalize_name("a"), frozenset(), Requirement("a").specifier, "a"
        )
        ruled_out = Candidate(canonicalize_name("a"), Version("11"), None)
        matches = provider.find_matches("a", {"a": iter([requirement])}, {"a": iter([ruled_out])})
        assert callable(matches)
        first: Iterator[object] = iter(matches())
        assert str(next(first).version) == "10"  # type: ignore[attr-defined]
        assert [versions(b) for b in repo.batches] == [list(range(10, 2, -1))]
