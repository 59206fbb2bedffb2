"""Markers pip and older packaging accept evaluate, never raise."""

from __future__ import annotations

import pytest
from packaging.markers import Marker, UndefinedComparison
from packaging.requirements import Requirement
from tests.fakes import FakeRepository, dist

from wheelcast.forecast.resolve import resolve
from wheelcast.targets import marker_environment, parse_python, parse_target
from wheelcast.targets.markers import evaluate, undefined_comparisons


def environment(name: str, python: str = "3.12") -> dict[str, str]:
    return dict(marker_environment(parse_target(name, [parse_python(python)])[0]))


LINUX = environment("linux-x86_64")


class TestEvaluate:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ('platform_python_implementation === "CPython"', True),
            ('platform_python_implementation === "cpython"', False),  # exact, case-sensitive
            ('platform_python_implementation === "PyPy"', False),
            ('sys_platform === "linux" and python_version >= "3.8"', True),
            ('sys_platform === "win32" or python_version >= "3.8"', True),
            ('(sys_platform === "win32" or os_name == "posix") and python_version < "3"', False),
            ('sys_platform ~= "linux"', False),  # no meaning on a string
            ('sys_platform ~= "linux" or os_name == "posix"', True),
            ('python_version === "3.12"', True),  # a version: packaging's own answer
            ('python_version > "3.8" and sys_platform == "linux"', True),
        ],
    )
    def test_version_operators_on_strings(self, text: str, expected: bool) -> None:
        assert evaluate(Marker(text), {**LINUX, "extra": ""}) is expected

    def test_packaging_itself_raises_on_these(self) -> None:
        # What the fallback is for: if packaging learns to evaluate them, this says so.
        with pytest.raises(UndefinedComparison):
            Marker('platform_python_implementation === "CPython"').evaluate(LINUX)

    def test_extras_still_count(self) -> None:
        marker = Marker('sys_platform === "linux" and extra == "fast"')
        assert evaluate(marker, {**LINUX, "extra": "fast"})
        assert not evaluate(marker, {**LINUX, "extra": ""})

    def test_undefined_comparisons_are_named(self) -> None:
        marker = Marker('python_version >= "3.8" and (sys_platform ~= "linux" or os_name === "nt")')
        assert undefined_comparisons(marker) == ('sys_platform ~= "linux"', 'os_name === "nt"')
        assert undefined_comparisons(Marker('python_version === "3.12"')) == ()


class TestResolveWithSuchMarkers:
    def test_dependency_marker_with_arbitrary_equality_resolves(self) -> None:
        repo = FakeRepository(
            {
                "app": [dist("app-1.0-py3-none-any.whl")],
                "fast": [dist("fast-1.0-py3-none-any.whl")],
                "slow": [dist("slow-1.0-py3-none-any.whl")],
            },
            requires={
                "app-1.0-py3-none-any.whl": [
                    'fast; platform_python_implementation === "CPython"',
                    'slow; platform_python_implementation === "PyPy"',
                ]
            },
        )
        result = resolve(
            parse_target("linux-x86_64", [parse_python("3.12")])[0], [Requirement("app")], repo
        )
        assert sorted(p.name for p in result.pins) == ["app", "fast"]
        assert any("taken as string equality" in note for note in result.notes)
