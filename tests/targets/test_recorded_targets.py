"""The new targets against uv's and pip's answers on recorded pages (tools/record_targets.py).

tests/data/targets/reference.json holds, per case, the version ``uv pip compile
--python-platform <triple> --no-build`` pinned (where uv has a triple for the target) and
the file ``pip install --only-binary=:all: --platform ... --implementation ... --abi ...``
chose (``null``: none fits). wheelcast, with ``--only-binary :all:`` and the same cutoff,
must pick that version and that file, or find no wheel where pip found none.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer

from wheelcast.cli import main

DATA = Path(__file__).parent.parent / "data" / "targets"
REFERENCE = json.loads((DATA / "reference.json").read_text())
CASES = REFERENCE["cases"]


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with IndexServer(DATA / "pages", DATA / "metadata") as server:
        yield server.url


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One cache for every case: each page is read once, as a run of many targets would.
    return tmp_path_factory.mktemp("cache")


def _check(url: str, cache: Path, target: str, python: str, requirement: str) -> Any:
    out = io.StringIO()
    code = main(
        ["check", requirement, "--target", f"{target}@{python}", "--only-binary", ":all:",
         "--exclude-newer", REFERENCE["cutoff"], "--index-url", url, "--cache-dir", str(cache),
         "--format", "json"],
        out,
    )  # fmt: skip
    document = json.loads(out.getvalue())
    (result,) = document["results"]
    (package,) = [p for p in result["packages"] if p["name"] == requirement]
    return code, package


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['requirement']}-{c['target']}@{c['python']}" for c in CASES]
)
def test_agrees_with_pip_and_uv(server_url: str, cache: Path, case: dict[str, Any]) -> None:
    code, package = _check(server_url, cache, case["target"], case["python"], case["requirement"])
    if case["pip"] is None:
        assert code == 2
        assert package["verdict"] == "missing"
        assert case["uv"] is None or case["uv"].startswith("error")
        return
    assert code == 0
    assert package["verdict"] == "binary"
    assert package["file"] == case["pip"]
    if case["uv"] is not None:
        assert case["uv"] == f"{case['requirement']}=={package['version']}"


def test_numpy_on_pypy_picks_a_pypy_wheel(server_url: str, cache: Path) -> None:
    # The bar: `wheelcast check numpy --python pp311 --target linux-x86_64`.
    out = io.StringIO()
    code = main(
        ["check", "numpy", "--python", "pp311", "--target", "linux-x86_64", "--exclude-newer",
         REFERENCE["cutoff"], "--index-url", server_url, "--cache-dir", str(cache),
         "--format", "json"],
        out,
    )  # fmt: skip
    assert code == 0
    (result,) = json.loads(out.getvalue())["results"]
    assert result["target"] == "linux-x86_64@pypy3.11"
    (numpy,) = result["packages"]
    assert numpy["verdict"] == "binary"
    assert "-pp311-pypy311_pp73-manylinux" in numpy["file"]


@pytest.mark.parametrize(
    ("installer", "verdict"), [("uv==0.11.18", "missing"), ("uv==0.11.19", "binary")]
)
def test_uv_before_pep_783_names_misses_a_pyemscripten_wheel(
    server_url: str, cache: Path, installer: str, verdict: str
) -> None:
    # uv's Pyodide platform listed only pyodide_2025_0_wasm32 until 0.11.19 ("Add
    # PyEmscripten platform"); msgpack 1.2.4 ships pyemscripten_2025_0_wasm32 alone. The
    # refused wheel, not the sdist --only-binary keeps out, is the closest miss.
    out = io.StringIO()
    main(
        ["check", "msgpack", "--target", "pyodide-2025@3.13", "--only-binary", ":all:",
         "--installer", installer, "--exclude-newer", REFERENCE["cutoff"], "--index-url",
         server_url, "--cache-dir", str(cache), "--format", "json"],
        out,
    )  # fmt: skip
    (result,) = json.loads(out.getvalue())["results"]
    (msgpack,) = result["packages"]
    assert msgpack["verdict"] == verdict
    if verdict == "missing":
        assert "uv 0.11.18 does not know PEP 783's pyemscripten tags" in msgpack["detail"]
        assert "uv 0.11.19 or newer installs pyemscripten_2025_0_wasm32" in msgpack["detail"]
