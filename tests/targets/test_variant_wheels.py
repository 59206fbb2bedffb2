"""PEP 825 (draft) variant wheels: named as variants, never misread, the null variant judged.

A variant wheel's filename has one more part after the platform tag, its label
(``numpy-2.3.2-cp313-cp313t-musllinux_1_2_x86_64-x86_64_v3.whl``). pip (like every
installer without variant support) rejects the name as invalid, as the PEP intends, so a
variant is never what pip installs; wheelcast says which files are variants, and whether
the null variant (label ``null``, no properties) would fit the target.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version
from tests.fakes import dist
from tests.indexserver import build_wheel

from wheelcast.cli import main
from wheelcast.forecast.select import Environment, Fit, Reason, Rejection, evaluate
from wheelcast.index._dist import variant_wheel
from wheelcast.targets import parse_target
from wheelcast.targets.tags import compatible_tags, tag_priorities

NUMPY = canonicalize_name("numpy")


def _env(target: str) -> Environment:
    (parsed,) = parse_target(target, [])
    version = Version(parsed.python.full_version)
    return Environment(compatible_tags(parsed), tag_priorities(parsed), python_version=version)


class TestVariantFilename:
    @pytest.mark.parametrize(
        ("filename", "expected"),
        [
            ("numpy-2.3.2-cp313-cp313t-musllinux_1_2_x86_64-x86_64_v3.whl",
             ("numpy-2.3.2-cp313-cp313t-musllinux_1_2_x86_64.whl", "x86_64_v3")),
            ("torch-2.9.0-1-cp312-cp312-manylinux_2_28_x86_64-cu128.whl",
             ("torch-2.9.0-1-cp312-cp312-manylinux_2_28_x86_64.whl", "cu128")),
            ("numpy-2.3.2-cp313-cp313-win_amd64-null.whl",
             ("numpy-2.3.2-cp313-cp313-win_amd64.whl", "null")),
            ("pkg-1.0-py3-none-any-a.b_c.whl", ("pkg-1.0-py3-none-any.whl", "a.b_c")),
        ],
        ids=["label", "build-tag-and-label", "null", "dots"],
    )  # fmt: skip
    def test_variant(self, filename: str, expected: tuple[str, str]) -> None:
        assert variant_wheel(filename) == expected

    @pytest.mark.parametrize(
        "filename",
        [
            "numpy-2.3.2-cp313-cp313-win_amd64.whl",  # no label
            "pkg-1.0-1-py3-none-any.whl",  # a build tag, not a label
            "pkg-1.0-py3-none-any-CU128.whl",  # labels are lower case
            "pkg-1.0-py3-none-any-cu-128.whl",  # too many parts
            "pkg-1.0-1-py3-none-any-cu+128.whl",  # not a label's characters
            "pkg-1.0-py3-none-any-cu128.tar.gz",
        ],
    )
    def test_not_a_variant(self, filename: str) -> None:
        assert variant_wheel(filename) is None


class TestEvaluation:
    def test_a_variant_is_named_and_never_installed(self) -> None:
        file = dist("numpy-2.3.2-cp312-cp312-manylinux_2_28_x86_64-x86_64_v3.whl")
        found = evaluate(file, NUMPY, _env("linux-x86_64@3.12"))
        assert isinstance(found, Rejection)
        assert found.reason is Reason.INVALID_FILENAME
        assert "a variant wheel (label 'x86_64_v3', PEP 825 draft)" in found.detail
        assert "null variant" not in found.detail

    def test_a_fitting_null_variant_says_so(self) -> None:
        file = dist("numpy-2.3.2-cp312-cp312-manylinux_2_28_x86_64-null.whl")
        found = evaluate(file, NUMPY, _env("linux-x86_64@3.12"))
        assert isinstance(found, Rejection)
        assert "the null variant and its tags fit" in found.detail

    def test_a_null_variant_for_another_platform(self) -> None:
        file = dist("numpy-2.3.2-cp312-cp312-win_amd64-null.whl")
        found = evaluate(file, NUMPY, _env("linux-x86_64@3.12"))
        assert isinstance(found, Rejection)
        assert "its tags do not fit either" in found.detail

    def test_the_non_variant_wheel_beside_it_installs(self) -> None:
        file = dist("numpy-2.3.2-cp312-cp312-manylinux_2_28_x86_64.whl")
        assert isinstance(evaluate(file, NUMPY, _env("linux-x86_64@3.12")), Fit)


def test_check_takes_the_non_variant_wheel(tmp_path: Path) -> None:
    # 2.0 ships only variants (one of them the null variant); 1.0 a plain wheel: pip,
    # which skips variant wheels, installs 1.0 and the report says why not 2.0.
    links = tmp_path / "links"
    build_wheel(links, "fast", "1.0", tag="cp312-cp312-manylinux_2_28_x86_64")
    built = build_wheel(tmp_path / "b", "fast", "2.0", tag="cp312-cp312-manylinux_2_28_x86_64")
    for label in ("x86_64_v3", "null"):
        shutil.copy(built, links / built.name.replace(".whl", f"-{label}.whl"))
    out = io.StringIO()
    code = main(
        ["check", "fast", "-t", "linux-x86_64@3.12", "--no-index", "-f", str(links),
         "--cache-dir", str(tmp_path / "cache"), "--format", "json"],
        out,
    )  # fmt: skip
    assert code == 0
    (package,) = json.loads(out.getvalue())["results"][0]["packages"]
    assert (package["version"], package["verdict"]) == ("1.0", "binary")
    assert package["file"] == "fast-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"
    skipped = package["skipped_newer"]
    assert skipped["oldest"] == "2.0"
    assert (
        skipped["why"] == "2.0 has only variant wheels (null, x86_64_v3; PEP 825), which pip skips"
    )
