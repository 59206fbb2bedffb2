"""Requirements that each fit but not together: the verdict ``conflict``, naming both sides."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import build_wheel

from wheelcast.cli import main


@pytest.fixture
def links(tmp_path: Path) -> Path:
    folder = tmp_path / "links"
    build_wheel(folder, "a", "1.0")
    build_wheel(folder, "a", "2.0")
    build_wheel(folder, "b", "3.0", requires_dist=["a>=2"])
    build_wheel(folder, "c", "1.0")
    return folder


def run(links: Path, tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """(exit code, the one target's JSON result, the text report)."""
    common = ["-t", "linux-x86_64", "-p", "3.12", "--no-index", "-f", str(links),
              "--cache-dir", str(tmp_path / "cache")]  # fmt: skip
    out, text = io.StringIO(), io.StringIO()
    code = main(["check", *args, *common, "--format", "json"], out)
    main(["check", *args, *common], text)
    (result,) = json.loads(out.getvalue())["results"]
    return code, result, text.getvalue()


def packages(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in result["packages"]}


class TestConflict:
    def test_a_pin_against_a_dependency_names_both_sides(self, links: Path, tmp_path: Path) -> None:
        requirements = tmp_path / "requirements.txt"
        requirements.write_text("c\n# the pin\na==1\nb\n")
        code, result, text = run(links, tmp_path, "-r", str(requirements))
        found = packages(result)
        sides = [f"a==1 (from {requirements}:3)", "a>=2 (required by b 3.0)"]
        assert found["a"]["verdict"] == "conflict"
        assert found["a"]["conflict"] == sides
        assert found["a"]["detail"] == " conflicts with ".join(sides)
        # The rest of the tree is forecast as if the conflict were not there.
        assert (found["b"]["verdict"], found["c"]["verdict"]) == ("pure", "pure")
        assert result["summary"]["conflict"] == 1
        assert result["summary"]["missing"] == 0
        assert code == 2
        assert "0 missing, 1 in conflict (a), 2 from wheels" in text
        assert f"conflict: a==1 (from {requirements}:3) conflicts with a>=2" in text

    def test_two_pins_on_the_command_line(self, links: Path, tmp_path: Path) -> None:
        code, result, _ = run(links, tmp_path, "a==1", "a==2")
        assert packages(result)["a"]["conflict"] == [
            "a==1 (from <command line>)",
            "a==2 (from <command line>)",
        ]
        assert code == 2

    def test_a_constraint_is_a_side(self, links: Path, tmp_path: Path) -> None:
        constraints = tmp_path / "constraints.txt"
        constraints.write_text("a<2\n")
        code, result, _ = run(links, tmp_path, "b", "-c", str(constraints))
        assert packages(result)["a"]["conflict"] == ["a>=2 (required by b 3.0)", "a<2 (constraint)"]
        assert code == 2

    def test_what_nothing_fits_even_alone_stays_missing(self, links: Path, tmp_path: Path) -> None:
        code, result, _ = run(links, tmp_path, "a==3", "b")
        found = packages(result)
        assert found["a"]["verdict"] == "missing"
        assert found["a"]["conflict"] == []
        assert result["summary"]["conflict"] == 0
        assert code == 2
