"""A target's tags, tag ranks and marker environment: derived once, as frozen data, and the
only place the forecast, doctor and the CLI take them from."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from tests.fakes import FakeRepository

from wheelcast.forecast.resolve import Catalog, Options, Provider, file_environment
from wheelcast.targets import Target, marker_environment, parse_python, parse_target
from wheelcast.targets.environment import environment_of
from wheelcast.targets.tags import compatible_tags, tag_priorities

SRC = Path(__file__).resolve().parents[2] / "src" / "wheelcast"
DERIVATIONS = {"marker_environment", "compatible_tags", "tag_priorities"}


def win_arm64() -> Target:
    return parse_target("win-arm64", [parse_python("3.12")])[0]


def test_derived_once_per_target() -> None:
    first, again = win_arm64(), win_arm64()
    assert first is not again
    assert environment_of(first) is environment_of(again)


def test_it_holds_the_targets_tags_ranks_and_markers() -> None:
    target = win_arm64()
    derived = environment_of(target)
    assert derived.target == target
    assert derived.tags == compatible_tags(target)
    assert dict(derived.priorities) == dict(tag_priorities(target))
    assert dict(derived.markers) == marker_environment(target)
    assert derived.markers["platform_machine"] == "ARM64"


def test_a_probed_targets_own_markers_are_kept() -> None:
    target = dataclasses.replace(win_arm64(), environment=(("platform_release", "11"),))
    assert dict(environment_of(target).markers) == {"platform_release": "11"}


def test_it_is_frozen_and_its_mappings_read_only() -> None:
    derived = environment_of(win_arm64())
    with pytest.raises(dataclasses.FrozenInstanceError):
        derived.tags = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        derived.markers["sys_platform"] = "linux"  # type: ignore[index]
    with pytest.raises(TypeError):
        derived.priorities[derived.tags[0]] = 5  # type: ignore[index]


def test_the_resolver_and_file_evaluation_read_the_one_value() -> None:
    target = win_arm64()
    repository = FakeRepository({})
    provider = Provider(target, repository, Options(), (), Catalog(repository))
    derived = environment_of(target)
    assert provider.environment is derived.markers
    env = file_environment(target, Options())
    assert env.tags is derived.tags
    assert env.priorities is derived.priorities


def test_no_module_outside_targets_derives_tags_or_markers_itself() -> None:
    calls = []
    for path in sorted(SRC.rglob("*.py")):
        if (SRC / "targets") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in DERIVATIONS:
                    calls.append(f"{path.relative_to(SRC)}:{node.lineno} {name}")
    assert calls == []
