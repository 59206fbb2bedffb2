"""The JSON report's layout: indented to the packages, one package a line."""

from __future__ import annotations

import json

import pytest

from wheelcast.report.check_json import dumps

DOCUMENT = {
    "schema": "wheelcast.check/1",
    "requirements": ["numpy", 'uvloop; sys_platform != "win32"'],
    "exclude_newer": None,
    "results": [
        {
            "target": "win-arm64@3.12",
            "summary": {"binary": 1, "build": 0},
            "packages": [
                {"name": "numpy", "version": "2.3.3", "facts": [], "build": None},
                {"name": "caf\u00e9", "version": "1.0", "facts": ["x"], "build": {"a": [1]}},
            ],
            "errors": [],
        }
    ],
    "targets": [],
}


class TestDumps:
    def test_is_the_same_json(self) -> None:
        assert json.loads(dumps(DOCUMENT, depth=3)) == DOCUMENT

    def test_each_package_is_one_line(self) -> None:
        lines = dumps(DOCUMENT, depth=3).splitlines()
        packages = [line for line in lines if line.lstrip().startswith('{"name"')]
        assert [json.loads(line.strip().rstrip(",")) for line in packages] == (
            DOCUMENT["results"][0]["packages"]  # type: ignore[index]
        )
        assert all(line.startswith(" " * 8) for line in packages)

    @pytest.mark.parametrize("value", [[], {}, "x", 1, None, [[]], {"a": {}}])
    def test_small_and_empty_values_read_as_json_writes_them(self, value: object) -> None:
        assert json.loads(dumps(value)) == value
        assert dumps(value, depth=-1) == json.dumps(value, separators=(", ", ": "))

    def test_non_ascii_is_escaped_as_before(self) -> None:
        assert "\\u00e9" in dumps(DOCUMENT, depth=3)
