"""schemas/*.json: one JSON Schema (draft 2020-12) per format version the commands write.

Each is checked against real output (the recorded index on 127.0.0.1), strictly: every key
the output has is declared (a copy of the schema that refuses undeclared keys must pass
too), and a document with a key missing or of the wrong type fails.
"""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from tests.indexserver import IndexServer, MakeIndexServer, build_wheel
from tests.report.test_doctor_output import numpy_builds_on_arm, story_interpreters, story_runner
from tests.report.test_markdown_check import seed_server
from tests.test_cli_fix import FIX_INDEX
from tests.wheelhouse.wheelhouse_support import make_index

from wheelcast import cli
from wheelcast.cli import main
from wheelcast.doctor import Toolchains
from wheelcast.doctor.diagnose import diagnose
from wheelcast.report.doctor_json import render_json as render_doctor

ROOT = Path(__file__).parent.parent
SCHEMAS = ROOT / "schemas"
LOGS = ROOT / "tests" / "data" / "logs"
SEED = ["-p", "3.12", "-t", "win-arm64", "--exclude-newer", "2023-11-20"]
ARM = "win-arm64@3.12"


def schemas() -> dict[str, dict[str, Any]]:
    """Every schema by the format id it describes (``wheelcast.check/1``)."""
    found = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        found[schema["properties"]["schema"]["const"]] = schema
    return found


def registry(strict: bool) -> Registry:  # type: ignore[type-arg]
    resources = [
        (s["$id"], Resource.from_contents(_closed(s) if strict else s)) for s in schemas().values()
    ]
    return Registry().with_resources(resources)  # type: ignore[return-value]


def _closed(schema: Any) -> Any:
    """``schema`` with ``additionalProperties: false`` wherever it lists properties."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: _closed(value) for key, value in schema.items()}
    if "properties" in closed:
        closed.setdefault("additionalProperties", False)
    return closed


def validate(document: dict[str, Any], *, strict: bool = True, kind: str | None = None) -> None:
    schema = schemas()[kind or document["schema"]]
    Draft202012Validator(_closed(schema) if strict else schema, registry=registry(strict)).validate(
        document
    )


def run_json(argv: list[str], status: int) -> dict[str, Any]:
    out = io.StringIO()
    assert main([*argv, "--format", "json"], out) == status
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


class TestFiles:
    def test_each_is_a_valid_draft_2020_12_schema(self) -> None:
        for schema in schemas().values():
            assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
            Draft202012Validator.check_schema(schema)

    def test_every_format_id_in_the_code_has_one(self) -> None:
        source = "\n".join(
            path.read_text(encoding="utf-8") for path in (ROOT / "src").rglob("*.py")
        )
        ids = set(re.findall(r"\"(wheelcast\.[a-z]+/\d+)\"", source))
        assert ids == set(schemas())
        assert ids >= {"wheelcast.check/1", "wheelcast.explain/1", "wheelcast.error/1"}

    def test_file_names_follow_the_id(self) -> None:
        for format_id, schema in schemas().items():
            name = format_id.removeprefix("wheelcast.").replace("/", "-") + ".json"
            assert (SCHEMAS / name).exists()
            assert schema["$id"].endswith("/" + name)


@pytest.fixture
def links(tmp_path: Path) -> Path:
    """A find-links folder: a pure wheel asking for a package that has only a cp312 wheel."""
    folder = tmp_path / "links"
    folder.mkdir()
    build_wheel(folder, "alpha", "1.0", requires_dist=["beta>=1"])
    build_wheel(folder, "beta", "1.0", tag="cp312-cp312-win_amd64")
    return folder


class TestRealOutput:
    def test_check_with_a_build_and_its_needs(
        self, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        server = seed_server(tmp_path, make_index_server)
        document = run_json(
            ["check", "numpy", "idna", "-t", "win-amd64", *SEED, "-i", server.url,
             "--cache-dir", str(tmp_path / "c")],
            status=2,
        )  # fmt: skip
        packages = [p for r in document["results"] for p in r["packages"]]
        assert {p["verdict"] for p in packages} >= {"build", "binary", "missing"}
        assert any(p["build"] and p["build"]["backend"] == "meson-python" for p in packages)
        validate(document)

    def test_check_with_wheels_missing_and_direct(self, links: Path, tmp_path: Path) -> None:
        sdist = tmp_path / "gamma-1.0.tar.gz"
        sdist.write_bytes(b"")  # a direct reference: pip builds it, wheelcast reads its name
        document = run_json(
            ["check", "alpha", str(sdist), "-p", "3.12", "-t", "win-arm64", "-t", "win-amd64",
             "--no-index", "-f", str(links), "--cache-dir", str(tmp_path / "c")],
            status=2,
        )  # fmt: skip
        verdicts = {p["verdict"] for r in document["results"] for p in r["packages"]}
        assert verdicts >= {"pure", "binary", "missing", "direct"}
        validate(document)

    def test_explain(self, tmp_path: Path, make_index_server: MakeIndexServer) -> None:
        server = seed_server(tmp_path, make_index_server)
        document = run_json(
            ["explain", "numpy", *SEED, "-i", server.url, "--cache-dir", str(tmp_path / "c")],
            status=1,
        )
        assert document["package"]["build"]["languages"]
        assert document["platform_gap"] is not None
        validate(document)

    def test_explain_a_binary_pick(self, index_server: IndexServer, tmp_path: Path) -> None:
        document = run_json(
            ["explain", "numpy", "-p", "3.12", "-t", "win-amd64", "--exclude-newer",
             "2023-11-20", "-i", index_server.url, "--cache-dir", str(tmp_path)],
            status=0,
        )  # fmt: skip
        assert document["package"]["verdict"] == "binary"
        validate(document)

    def test_doctor(self) -> None:
        report = diagnose(
            ["numpy"],
            runner=story_runner(),
            forecast=numpy_builds_on_arm,
            interpreters=story_interpreters(),
            toolchains=Toolchains(notes=("vswhere not found",)),
        )
        out = io.StringIO()
        render_doctor(report, out)
        document = json.loads(out.getvalue())
        assert document["results"]
        validate(document)

    def test_diagnose(self, index_server: IndexServer, tmp_path: Path) -> None:
        document = run_json(
            ["diagnose", str(LOGS / "seed-numpy-win-arm64.txt"), "--exclude-newer", "2025-07-01",
             "-i", index_server.url, "--cache-dir", str(tmp_path)],
            status=0,
        )  # fmt: skip
        assert document["forecast"] is not None
        validate(document)

    @pytest.mark.parametrize(
        ("argv", "status"),
        [
            (["check", "numpy", "--bogus"], 3),
            (["check", "numpy", "--python", "3.99"], 3),
            (["check", "numpy", "--offline"], 4),
        ],
    )
    def test_error(self, argv: list[str], status: int, tmp_path: Path) -> None:
        document = run_json([*argv, "--cache-dir", str(tmp_path)], status)
        validate(document)

    def test_internal_error(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        def crash(*args: object, **kwargs: object) -> int:
            raise ZeroDivisionError("a bug")

        monkeypatch.setattr(cli, "run_check", crash)
        monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # the traceback file lands here
        validate(run_json(["check", "numpy"], status=5))

    @pytest.mark.parametrize(
        ("requirement", "date", "status"),
        [
            ("numpy", "2025-07-01", 0),  # a floor, and no emulation: numpy has its wheel
            ("thinc==8.3.2", "2025-07-01", 1),  # blockers, emulation, the toolchain
            ("thinc", "2026-12-01", 0),  # a ceiling, a floor and an edit
        ],
    )
    def test_fix(
        self, fix_server: IndexServer, tmp_path: Path, requirement: str, date: str, status: int
    ) -> None:
        document = run_json(fix_argv(fix_server, tmp_path, requirement, date=date), status)
        assert document["targets"]
        validate(document)

    def test_fix_of_a_pyproject(self, fix_server: IndexServer, tmp_path: Path) -> None:
        project = tmp_path / "pyproject.toml"
        project.write_text('[project]\nname = "app"\nversion = "1"\ndependencies = ["numpy"]\n')
        document = run_json(fix_argv(fix_server, tmp_path, str(project)), 0)
        assert document["input"] == "pyproject"
        assert [e["kind"] for e in document["edits"]] == ["pyproject"]
        validate(document)

    @pytest.mark.parametrize("python", ["3.13", "3.8", "3.13t", "pp311", "graalpy311"])
    def test_targets(self, python: str) -> None:
        document = run_json(["targets", "--python", python, "--tags", "3"], 0)
        assert len(document["targets"]) > 10
        validate(document)

    def test_targets_of_every_platform_family(self) -> None:
        document = run_json(["targets", "--python", "3.13"], 0)
        listed = document["targets"]
        assert {t["target"]["os"] for t in listed} >= {"linux", "macos", "windows", "ios",
                                                        "android", "emscripten"}  # fmt: skip
        assert any(t["os_version"] is not None for t in listed)
        validate(document)

    def test_wheelhouse_of_a_foreign_target_and_its_manifest(
        self, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        tiny = make_index(tmp_path / "index")
        server = make_index_server(tiny.pages, tiny.metadata, tiny.files)
        local = build_wheel(tmp_path / "mine", "epsilon", "0.1")
        argv = wheelhouse_argv(server, tmp_path, str(local), direct_folder(tmp_path), "-t", ARM)
        document = run_json(argv, 1)  # gamma is left for pip to build on the target
        assert {f["verdict"] for f in document["files"]} == {"binary", "pure", "build"}
        assert [s["verdict"] for s in document["targets"][0]["skipped"]] == ["direct"]
        validate(document)
        validate(json.loads((tmp_path / "wh" / "manifest.json").read_text(encoding="utf-8")))

    def test_wheelhouse_filled_again_and_a_target_at_a_time(
        self, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        tiny = make_index(tmp_path / "index")
        server = make_index_server(tiny.pages, tiny.metadata, tiny.files)
        assert main(wheelhouse_argv(server, tmp_path, "-t", ARM), io.StringIO()) == 1
        # delta has no wheel for 3.13 on Windows on Arm: it is skipped, as missing
        again = run_json(wheelhouse_argv(server, tmp_path, "-t", ARM, "-t", "win-arm64@3.13"), 2)
        assert again["reused"] > 0
        assert [s["verdict"] for s in again["targets"][1]["skipped"]] == ["missing"]
        assert any(f["reused"] for f in again["files"])
        validate(again)
        assert main(wheelhouse_argv(server, tmp_path, "-t", "win-amd64@3.12"), io.StringIO()) == 2
        merged = json.loads((tmp_path / "wh" / "manifest.json").read_text(encoding="utf-8"))
        assert len(merged["targets"]) == 3  # the earlier targets keep their entries
        validate(merged)

    def test_wheelhouse_with_a_wheel_built_here(
        self, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        tiny = make_index(tmp_path / "index")
        server = make_index_server(tiny.pages, tiny.metadata, tiny.files)
        document = run_json(wheelhouse_argv(server, tmp_path, "-t", "host"), 0)
        [built] = [f for f in document["files"] if f["verdict"] == "built"]
        assert built["url"] is None
        assert document["targets"][0]["builds"][0]["ok"] is True
        validate(document)

    def test_wheelhouse_with_a_failed_build(self, wheelhouse_document: dict[str, Any]) -> None:
        [build] = wheelhouse_document["targets"][0]["builds"]
        assert (build["ok"], build["wheel"]) == (False, None)
        assert isinstance(build["log"], str)
        validate(wheelhouse_document)


def fix_argv(server: IndexServer, cache: Path, *args: str, date: str = "2025-07-01") -> list[str]:
    return ["fix", *args, "-t", "win-arm64", "-p", "3.12", "--exclude-newer", date,
            "-i", server.url, "--cache-dir", str(cache / "c")]  # fmt: skip


def wheelhouse_argv(server: IndexServer, tmp_path: Path, *args: str) -> list[str]:
    return ["wheelhouse", "alpha", *args, "-i", server.url, "--cache-dir", str(tmp_path / "c"),
            "-d", str(tmp_path / "wh")]  # fmt: skip


def direct_folder(tmp_path: Path) -> str:
    """A direct reference to a project folder: listed as skipped, not put in the folder."""
    zeta = tmp_path / "zeta"
    zeta.mkdir()
    (zeta / "pyproject.toml").write_text('[project]\nname = "zeta"\nversion = "0.1"\n')
    return f"zeta @ {zeta.as_uri()}"


@pytest.fixture(scope="module")
def fix_server() -> Iterator[IndexServer]:
    with IndexServer(FIX_INDEX / "pages", FIX_INDEX / "metadata") as server:
        yield server


@pytest.fixture(scope="module")
def wheelhouse_document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """This machine's folder: a build that fails (with its log), and a direct reference."""
    root = tmp_path_factory.mktemp("wheelhouse")
    tiny = make_index(root / "index", backend_ok=False)
    with IndexServer(tiny.pages, tiny.metadata, tiny.files) as server:
        return run_json(wheelhouse_argv(server, root, direct_folder(root), "-t", "host"), 2)


def _paths(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and index in ``value``, deepest last."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*at, key)
            yield from _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:1]):  # one item says what they all are
            yield from _paths(item, (*at, index))


def _wrong(value: Any) -> Any:
    """A value no schema allows where ``value`` is: another JSON type entirely."""
    return {"unexpected": True} if not isinstance(value, dict) else [value]


@pytest.fixture(scope="module")
def check_document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("links")
    build_wheel(folder, "alpha", "1.0", requires_dist=["beta>=1"])
    build_wheel(folder, "beta", "1.0", tag="cp312-cp312-win_amd64")
    return run_json(
        ["check", "alpha", "-p", "3.12", "-t", "win-arm64", "-t", "win-amd64", "--no-index",
         "-f", str(folder), "--cache-dir", str(folder / "c")],
        status=2,
    )  # fmt: skip


# Objects that map names to values (a package -> its version): any key may be left out.
FREE_MAPS = {("targets", "emulation", "wheels")}


@pytest.fixture(scope="module")
def fix_pin_document(fix_server: IndexServer, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A pin that stays a build: blockers, emulation, the toolchain, what is left after."""
    cache = tmp_path_factory.mktemp("fix")
    return run_json(fix_argv(fix_server, cache, "thinc==8.3.2"), 1)


@pytest.fixture(scope="module")
def fix_narrowed_document(fix_server: IndexServer, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Changes, an edit and a constraints file."""
    cache = tmp_path_factory.mktemp("fix")
    return run_json(fix_argv(fix_server, cache, "thinc", date="2026-12-01"), 0)


@pytest.fixture(scope="module")
def targets_document() -> Any:
    return run_json(["targets", "--python", "3.13", "--tags", "2"], 0)


@pytest.fixture(
    params=["check", "fix_pin", "fix_narrowed", "targets", "wheelhouse"],
)
def some_document(request: pytest.FixtureRequest) -> dict[str, Any]:
    document: dict[str, Any] = request.getfixturevalue(f"{request.param}_document")
    return document


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    """The object or list that holds ``path``'s last step, in ``document``."""
    for step in path[:-1]:
        document = document[step]
    return document


def _keys_of(path: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(step for step in path if not isinstance(step, int))


def _declared(part: Any, whole: Any, at: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every key path ``part`` of the schema ``whole`` declares, following its $refs."""
    if "$ref" in part:
        name, _, pointer = part["$ref"].partition("#")
        if name:
            whole = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        target = whole
        for step in filter(None, pointer.split("/")):
            target = target[step]
        yield from _declared(target, whole, at)
        return
    for choice in part.get("oneOf", []):
        yield from _declared(choice, whole, at)
    if "items" in part:
        yield from _declared(part["items"], whole, at)
    for key, value in part.get("properties", {}).items():
        yield (*at, key)
        yield from _declared(value, whole, (*at, key))


class TestMutated:
    """The published (open) schema refuses a wrong type or a missing key anywhere."""

    def test_every_missing_key_fails(self, some_document: dict[str, Any]) -> None:
        kind = some_document["schema"]
        validate(some_document, strict=False)
        for path in _paths(some_document):
            if isinstance(path[-1], int) or _keys_of(path)[:-1] in FREE_MAPS:
                continue
            mutated = copy.deepcopy(some_document)
            del _at(mutated, path)[path[-1]]
            with pytest.raises(ValidationError):
                validate(mutated, strict=False, kind=kind)

    def test_every_wrong_type_fails(self, some_document: dict[str, Any]) -> None:
        kind = some_document["schema"]
        for path in _paths(some_document):
            mutated = copy.deepcopy(some_document)
            parent = _at(mutated, path)
            parent[path[-1]] = _wrong(parent[path[-1]])
            with pytest.raises(ValidationError):
                validate(mutated, strict=False, kind=kind)

    @pytest.mark.parametrize(
        ("kind", "names"),
        [
            ("wheelcast.fix/1", ["fix_pin", "fix_narrowed"]),
            ("wheelcast.targets/1", ["targets"]),
            ("wheelcast.wheelhouse/1", ["wheelhouse"]),
        ],
    )
    def test_they_reach_every_key_the_schema_declares(
        self, kind: str, names: list[str], request: pytest.FixtureRequest
    ) -> None:
        """So the checks above mutate each key: none is declared but never written."""
        reached = set()
        for name in names:
            document = request.getfixturevalue(f"{name}_document")
            assert document["schema"] == kind
            keys = {_keys_of(path) for path in _paths(document)}
            reached |= {k for k in keys if k[:-1] not in FREE_MAPS}
        schema = schemas()[kind]
        assert reached == set(_declared(schema, schema))

    @pytest.mark.parametrize(
        ("where", "value"),
        [
            (("results", 0, "packages", 0, "verdict"), "maybe"),
            (("results", 0, "summary", "build"), -1),
            (("schema",), "wheelcast.check/2"),
            (("results", 0, "resolvable"), "yes"),
        ],
    )
    def test_a_wrong_value_fails(
        self, check_document: dict[str, Any], where: tuple[Any, ...], value: object
    ) -> None:
        mutated = copy.deepcopy(check_document)
        parent = mutated
        for step in where[:-1]:
            parent = parent[step]
        parent[where[-1]] = value
        with pytest.raises(ValidationError):
            validate(mutated, strict=False, kind="wheelcast.check/1")

    def test_an_error_document_without_its_exit_code_fails(self, tmp_path: Path) -> None:
        document = run_json(["check", "numpy", "--offline", "--cache-dir", str(tmp_path)], 4)
        del document["error"]["exit_code"]
        with pytest.raises(ValidationError):
            validate(document, strict=False)

    @pytest.mark.parametrize(
        ("name", "where", "value"),
        [
            ("fix_narrowed", ("schema",), "wheelcast.fix/2"),
            ("fix_narrowed", ("changes", 0, "kind"), "widen"),
            ("fix_narrowed", ("edits", 0, "kind"), "setup.py"),
            ("fix_narrowed", ("input",), "pipfile"),
            ("fix_narrowed", ("recheck", "builds"), -1),
            ("fix_pin", ("targets", 0, "emulation", "wheels", "numpy"), 2),
            ("fix_pin", ("targets", 0, "fixed"), "no"),
            ("targets", ("schema",), "wheelcast.check/1"),
            ("targets", ("targets", 0, "tag_count"), -1),
            ("targets", ("targets", 0, "markers", "python_version"), 3.13),
            ("targets", ("targets", 0, "target", "libc_version"), 2.36),
            ("wheelhouse", ("files", 0, "sha256"), "not-a-digest"),
            ("wheelhouse", ("files", 0, "verdict"), "missing"),  # a file is never missing
            ("wheelhouse", ("targets", 0, "skipped", 0, "verdict"), "maybe"),
            ("wheelhouse", ("targets", 0, "builds", 0, "ok"), 0),
            ("wheelhouse", ("downloaded",), -1),
        ],
    )
    def test_a_wrong_value_in_a_new_format_fails(
        self, name: str, where: tuple[Any, ...], value: object, request: pytest.FixtureRequest
    ) -> None:
        document = copy.deepcopy(request.getfixturevalue(f"{name}_document"))
        kind = document["schema"]
        _at(document, where)[where[-1]] = value
        with pytest.raises(ValidationError):
            validate(document, strict=False, kind=kind)
