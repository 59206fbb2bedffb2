"""The targets a GitHub Actions workflow installs on: each job's ``runs-on`` crossed with
its ``python-version``.

For every job, its ``strategy.matrix`` is expanded as GitHub expands it (the product of
its lists, ``exclude`` removing partial matches, then ``include`` extending the
combinations whose original values it does not overwrite, or adding one of its own). For
each combination, ``runs-on`` (a label, a list of labels, ``{labels: ...}``, or
``${{ matrix.os }}``) names a GitHub-hosted runner image, and ``actions/setup-python``'s
(or ``astral-sh/setup-uv``'s) ``python-version`` (literal, several lines, or
``${{ matrix.python-version }}``) names the CPythons. A job in a ``container:`` runs on
that image (see :mod:`~wheelcast.targets.declared.dockerfile`). ``3.x`` is the newest
stable CPython; PyPy and GraalPy are skipped with a note (the targets model CPython only);
a job that sets up no Python is skipped with a note.

The YAML is read with ``safe_load``, after a pass over its events refuses nesting deeper
than :data:`~wheelcast.runtime.limits.MAX_INPUT_NESTING`; a matrix is refused above
:data:`~wheelcast.runtime.limits.MAX_MATRIX_COMBINATIONS` before it is expanded.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from wheelcast.errors import InvalidInputFile, UnknownTarget
from wheelcast.runtime.limits import (
    MAX_INPUT_NESTING,
    MAX_MATRIX_COMBINATIONS,
    MAX_YAML_ALIAS_VALUES,
    shown,
)
from wheelcast.targets import Platform, Python, Target, parse_python
from wheelcast.targets.declared.declaration import Declared, DeclaredPythons, declaration_error
from wheelcast.targets.declared.dockerfile import image_target
from wheelcast.targets.declared.images import (
    NEWEST_STABLE_PYTHON,
    RETIRED_RUNNERS,
    RUNNERS,
    Runner,
)

__all__ = ["VersionFileReader", "workflow_targets"]

_SETUP_ACTIONS: Final = ("actions/setup-python", "astral-sh/setup-uv")
# Matrix keys a job that runs no setup action may still pass its Python in (to uv, nox, tox).
_MATRIX_PYTHON_KEYS: Final = ("python-version", "python", "python_version", "py")
# An expression ends before the next one starts: a lazy ".*?" rescanned the rest of the
# value from every "${{" (100,000 of them with no "}}" never ended).
_EXPRESSION = re.compile(r"\$\{\{((?:(?!\$\{\{).)*?)\}\}", re.DOTALL)
_MATRIX_PATH = re.compile(r"\s*matrix((?:\.[A-Za-z0-9_-]+|\[\s*'[^']*'\s*\])+)\s*")
_PATH_PART = re.compile(r"\.([A-Za-z0-9_-]+)|\[\s*'([^']*)'\s*\]")
_NEWEST = re.compile(r"3(?:\.x)*|3\.\*|x")
# A number is matched from its first digit only: retried from each digit of a long run,
# a python-version of 100,000 digits never finished.
_PRERELEASE = re.compile(r"(?<!\d)(\d+\.\d+(?:\.\d+)?)-(?:dev|alpha[.\d]*|beta[.\d]*|rc[.\d]*)")
_PATCH_WILDCARD = re.compile(r"(?<!\d)(\d+\.\d+)\.[x*]")
_OTHER_PYTHONS: Final = ("pypy", "graalpy", "pyston", "jython", "ironpython")


VersionFileReader = Callable[[str], DeclaredPythons]
"""Reads the file a setup step's ``python-version-file`` names (relative to the
repository root) as a ``.python-version``."""


@dataclass(frozen=True, slots=True)
class _VersionFile:
    """A setup step's ``python-version-file``: read once the job's Pythons are wanted."""

    name: str


@dataclass(frozen=True, slots=True)
class _Job:
    path: str
    name: str
    version_file: VersionFileReader | None = None

    def error(self, message: str, hint: str) -> InvalidInputFile:
        return declaration_error(self.path, None, f"job '{shown(self.name)}': {message}", hint)


def workflow_targets(
    text: str, path: str = "workflow.yml", *, version_file: VersionFileReader | None = None
) -> Declared:
    """Every (runner, CPython) pair the workflow ``text`` runs a job on, in order, once.

    ``version_file`` reads a setup step's ``python-version-file``; without it such a step
    is skipped with a note.
    """
    document = _load(text, path)
    jobs = document.get("jobs") if isinstance(document, dict) else None
    if not isinstance(jobs, dict) or not jobs:
        raise declaration_error(
            path,
            None,
            "no jobs: this is not a GitHub Actions workflow",
            "pass a workflow file from .github/workflows/",
        )
    _check_expanded(jobs, path)
    targets: dict[Target, None] = {}
    notes: list[str] = []
    for name, body in jobs.items():
        job = _Job(path, str(name), version_file)
        try:
            found, said = _job_targets(job, body)
        except RecursionError:
            # An alias inside itself (&a [*a]) passes the nesting pass: it is one event.
            raise job.error(
                "holds a value that contains itself (a YAML alias inside its anchor)",
                "check the file: GitHub refuses such a workflow too",
            ) from None
        targets.update(dict.fromkeys(found))
        notes += said
    if not targets:
        raise declaration_error(
            path,
            None,
            "no job sets up a CPython (actions/setup-python with python-version)",
            "pass the targets instead, e.g. --target linux-x86_64 --python 3.12",
        )
    return Declared(tuple(targets), tuple(notes))


def _load(text: str, path: str) -> object:
    # Imported here: a command that reads no workflow does not pay for PyYAML.
    import yaml  # noqa: PLC0415

    # libyaml's loader when PyYAML was built with it (ten times faster); both are safe.
    loader: type[yaml.CSafeLoader | yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        _check_events(yaml.parse(text, Loader=loader), path)
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "unreadable"
        raise declaration_error(
            path,
            mark.line + 1 if mark else None,
            f"invalid YAML: {shown(problem)}",
            "fix the syntax (GitHub would refuse the workflow too)",
        ) from None
    except yaml.YAMLError as exc:
        raise declaration_error(
            path, None, f"invalid YAML: {shown(str(exc))}", "fix the syntax"
        ) from None


def _check_events(events: Iterable[Any], path: str) -> None:
    """Refuse nesting past MAX_INPUT_NESTING from the parser's events, before anything is
    built."""
    import yaml  # noqa: PLC0415

    depth = 0
    for event in events:
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_INPUT_NESTING:
                raise declaration_error(
                    path,
                    event.start_mark.line + 1 if event.start_mark else None,
                    f"nested deeper than {MAX_INPUT_NESTING} levels",
                    "check the file: no real workflow nests this deep",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_expanded(jobs: dict[object, object], path: str) -> None:
    """Refuse jobs whose values, aliases expanded, number more than MAX_YAML_ALIAS_VALUES
    plus what the file spells out: every later walk (runs-on, the matrix, python-version,
    a message quoting a value) visits the expanded tree. Each shared value is sized once."""
    sizes: dict[int, int] = {}
    spelled = 0

    def size(value: object, open_: frozenset[int]) -> int:
        nonlocal spelled
        if not isinstance(value, dict | list):
            return 1
        key = id(value)
        if key in open_:
            return 1  # an alias inside its anchor: the job's walk reports it
        if key in sizes:
            return sizes[key]
        keys = len(value) if isinstance(value, dict) else 0  # a mapping's keys are values too
        children = list(value.values()) if isinstance(value, dict) else value
        spelled += 1 + keys + len(children)
        inner = open_ | {key}
        total = 1 + keys + sum(size(child, inner) for child in children)
        sizes[key] = total
        if total - spelled > MAX_YAML_ALIAS_VALUES:
            raise declaration_error(
                path,
                None,
                f"its jobs expand through YAML aliases to {total:,} values, more than"
                f" {MAX_YAML_ALIAS_VALUES:,} beyond what the file spells out (an alias bomb)",
                "check the file: no real workflow aliases this much",
            )
        return total

    size(jobs, frozenset())


def _job_targets(job: _Job, body: object) -> tuple[list[Target], list[str]]:
    if not isinstance(body, dict):
        raise job.error("is not a mapping", "write the job as runs-on:, steps: ...")
    if "runs-on" not in body:
        if "uses" in body:
            return [], [f"{job.path}: job '{shown(job.name)}' calls a reusable workflow: skipped"]
        raise job.error("has no runs-on", "name the runner, e.g. runs-on: ubuntu-24.04")
    strategy = body.get("strategy")
    matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
    setups = _setup_versions(job, body.get("steps"))
    targets: list[Target] = []
    skipped: dict[str, None] = {}
    for combination in _combinations(job, matrix):
        found, said = _combination_targets(job, body, setups, combination)
        targets += found
        skipped.update(dict.fromkeys(said))
    return targets, _job_notes(job, targets, list(skipped))


def _combination_targets(
    job: _Job, body: dict[str, object], setups: list[object], combination: dict[str, object]
) -> tuple[list[Target], list[str]]:
    runner_name, runner = _runner(job, _evaluate(job, body["runs-on"], combination))
    raw_versions = [_evaluate(job, raw, combination) for raw in setups]
    if not raw_versions:
        key = next((k for k in _MATRIX_PYTHON_KEYS if k in combination), None)
        raw_versions = [combination[key]] if key is not None else []
    pythons: list[Python] = []
    notes: list[str] = []
    for raw in raw_versions:
        found, said = _pythons(job, raw)
        pythons += found
        notes += said
    container = body.get("container")
    if container is not None:
        image = container.get("image") if isinstance(container, dict) else container
        evaluated = _evaluate(job, image, combination)
        return _container_targets(job, evaluated, runner, pythons), notes
    platform = _platform(runner)
    return [Target(runner_name, platform, python) for python in pythons], notes


def _job_notes(job: _Job, targets: list[Target], skipped: list[str]) -> list[str]:
    """What the job gave: what was skipped, retired runners, and its targets by runner."""
    where = f"{job.path}: job '{shown(job.name)}'"
    notes = [f"{where}: {note}" for note in skipped]
    if not targets and not skipped:
        notes.append(f"{where} sets up no Python (actions/setup-python python-version): skipped")
    for runner_name in dict.fromkeys(t.name for t in targets):
        known = RUNNERS.get(runner_name)
        if known is not None and known.note:
            notes.append(f"{where}: {known.note}")
    by_runner: dict[tuple[str, str], list[str]] = {}
    for target in dict.fromkeys(targets):
        by_runner.setdefault((target.name, target.platform.tag), []).append(target.python.short)
    if by_runner:
        listed = "; ".join(
            f"{name} ({tag}) with CPython {', '.join(pythons)}"
            for (name, tag), pythons in by_runner.items()
        )
        notes.append(f"{where}: {listed}")
    return notes


def _container_targets(
    job: _Job, image: object, runner: Runner, pythons: Sequence[Python]
) -> list[Target]:
    if not isinstance(image, str) or not image:
        raise job.error(
            "container has no image", "write container: IMAGE or container: {image: IMAGE}"
        )
    docker_platform = "linux/arm64" if runner.arch == "aarch64" else "linux/amd64"
    facts = image_target(image, docker_platform, f"{job.path}: job '{shown(job.name)}'")
    name = image if docker_platform == "linux/amd64" else f"{image}[{docker_platform}]"
    return [Target(name, facts.platform, p) for p in (pythons or [facts.python])]


def _platform(runner: Runner) -> Platform:
    if runner.os == "linux":
        return Platform("linux", runner.arch, "glibc", runner.version)
    if runner.os == "macos":
        return Platform("macos", runner.arch, macos_version=runner.version)
    return Platform("windows", runner.arch)


# --- expressions and the matrix ---------------------------------------------------------


def _evaluate(job: _Job, value: object, combination: Mapping[str, object]) -> object:
    """``value`` with its ``${{ matrix.KEY }}`` expressions replaced; a string that is one
    expression alone takes the matrix value as it is (a list of labels, a number)."""
    if isinstance(value, list):
        return [_evaluate(job, item, combination) for item in value]
    if isinstance(value, dict):
        return {key: _evaluate(job, item, combination) for key, item in value.items()}
    if not isinstance(value, str) or "${{" not in value:
        return value
    whole = _EXPRESSION.fullmatch(value.strip())
    if whole is not None:
        return _matrix_value(job, whole[1], combination)
    return _EXPRESSION.sub(lambda found: _text(_matrix_value(job, found[1], combination)), value)


def _matrix_value(job: _Job, expression: str, combination: Mapping[str, object]) -> object:
    path = _MATRIX_PATH.fullmatch(expression)
    if path is None:
        raise job.error(
            f"cannot evaluate '${{{{{shown(expression)}}}}}': only matrix values are known"
            " before the run",
            "pass the targets instead (--target win-arm64 --python 3.12)",
        )
    value: object = combination
    for part in _PATH_PART.finditer(path[1]):
        key = part[1] if part[1] is not None else part[2]
        if not isinstance(value, dict) or key not in value:
            return ""  # GitHub gives an empty string for a missing matrix property
        value = value[key]
    return value


def _text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)


def _combinations(job: _Job, matrix: object) -> list[dict[str, object]]:
    """The matrix's combinations, as GitHub computes them (``[{}]`` without a matrix)."""
    if matrix is None:
        return [{}]
    if isinstance(matrix, str):
        raise job.error(
            f"matrix '{shown(matrix)}' is computed during the run",
            "pass the targets instead (--target ... --python ...)",
        )
    if not isinstance(matrix, dict):
        raise job.error("matrix is not a mapping", "write matrix: {KEY: [VALUES]}")
    axes: dict[str, list[object]] = {}
    for key, values in matrix.items():
        if key in {"include", "exclude"}:
            continue
        if not isinstance(values, list):
            raise job.error(
                f"matrix value '{shown(key)}' is not a list ({shown(values)})",
                "write each matrix key as a list, or pass the targets instead",
            )
        axes[str(key)] = values
    include = _entries(job, matrix.get("include"), "include")
    exclude = _entries(job, matrix.get("exclude"), "exclude")
    size = math.prod(len(v) for v in axes.values()) if axes else 0
    if size + len(include) > MAX_MATRIX_COMBINATIONS and size > MAX_MATRIX_COMBINATIONS:
        raise _too_big(job, size)
    original = [
        dict(zip(axes, values, strict=True)) for values in itertools.product(*axes.values())
    ]
    original = [c for c in original if not any(_matches(c, e) for e in exclude)] if axes else []
    added: list[dict[str, object]] = []
    for entry in include:
        extended = False
        for combination in original:
            if all(combination.get(k) == v for k, v in entry.items() if k in axes):
                combination.update(entry)
                extended = True
        if not extended:
            added.append(dict(entry))
    combinations = original + added
    if len(combinations) > MAX_MATRIX_COMBINATIONS:
        raise _too_big(job, len(combinations))
    return combinations or [{}]


def _too_big(job: _Job, size: int) -> InvalidInputFile:
    return job.error(
        f"matrix of {size} combinations (GitHub runs at most {MAX_MATRIX_COMBINATIONS})",
        "split the job or exclude combinations; GitHub refuses this workflow as it is",
    )


def _entries(job: _Job, value: object, key: str) -> list[dict[str, object]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise job.error(f"matrix {key} is not a list of mappings", f"write {key}: [{{KEY: VALUE}}]")
    return [{str(k): v for k, v in entry.items()} for entry in value]


def _matches(combination: Mapping[str, object], exclude: Mapping[str, object]) -> bool:
    return all(combination.get(key) == value for key, value in exclude.items())


# --- runners and Pythons ----------------------------------------------------------------


def _runner(job: _Job, runs_on: object) -> tuple[str, Runner]:
    labels: object = runs_on
    if isinstance(runs_on, dict):
        labels = runs_on.get("labels")
        if labels is None:
            raise job.error(
                f"runs-on names a runner group only ({shown(runs_on)})",
                "wheelcast cannot tell a group's machines: pass --target instead",
            )
    if isinstance(labels, str):
        labels = [labels]
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
        raise job.error(
            f"runs-on '{shown(runs_on)}' names no runner",
            "name a GitHub-hosted runner (runs-on: ubuntu-24.04), or pass --target instead",
        )
    names = [label.strip().lower() for label in labels]
    known = list(dict.fromkeys(n for n in names if n in RUNNERS))
    if len(known) == 1 and "self-hosted" not in names:
        return known[0], RUNNERS[known[0]]
    retired = next((n for n in names if n in RETIRED_RUNNERS), None)
    if retired is not None:
        raise job.error(
            f"runs-on {retired}: GitHub retired that image in {RETIRED_RUNNERS[retired]}",
            "move the job to a current image (ubuntu-24.04, windows-2025, macos-15)",
        )
    shown_labels = ", ".join(shown(n) for n in names[:5])
    why = "a self-hosted runner" if "self-hosted" in names else "no GitHub-hosted runner"
    raise job.error(
        f"runs-on [{shown_labels}] is {why} wheelcast knows",
        f"use one of {', '.join(RUNNERS)}, or pass --target instead",
    )


def _setup_versions(job: _Job, steps: object) -> list[object]:
    """The raw ``python-version`` of every setup step (expressions not yet evaluated)."""
    if steps is None:
        return []
    if not isinstance(steps, list):
        raise job.error("steps is not a list", "write steps: [- uses: ..., - run: ...]")
    found: list[object] = []
    for step in steps:
        if not isinstance(step, dict):
            continue
        uses = step.get("uses")
        if not isinstance(uses, str) or not uses.lower().startswith(_SETUP_ACTIONS):
            continue
        with_ = step.get("with")
        if isinstance(with_, dict) and with_.get("python-version") not in (None, ""):
            found.append(with_["python-version"])
        elif isinstance(with_, dict) and isinstance(with_.get("python-version-file"), str):
            found.append(_VersionFile(with_["python-version-file"]))
    return found


def _pythons(job: _Job, raw: object) -> tuple[list[Python], list[str]]:
    """Each CPython ``raw`` names (one a line), and notes on what was skipped or read."""
    if isinstance(raw, _VersionFile):
        return _version_file(job, raw.name)
    if isinstance(raw, list):
        pythons: list[Python] = []
        notes: list[str] = []
        for item in raw:
            more, said = _pythons(job, item)
            pythons += more
            notes += said
        return pythons, notes
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise job.error(
            f"python-version '{shown(raw)}' is no version",
            "write it as a string, e.g. python-version: '3.12'",
        )
    text = _text(raw)
    pythons, notes = [], []
    for item in re.split(r"[\n,]", text):
        version = item.strip().lower()
        if not version:
            continue
        if version.startswith(_OTHER_PYTHONS):
            notes.append(f"{shown(version)} skipped: wheelcast's targets are CPython only")
        elif _NEWEST.fullmatch(version):
            pythons.append(parse_python(NEWEST_STABLE_PYTHON))
            notes.append(f"{version} is CPython {NEWEST_STABLE_PYTHON}, the newest stable release")
        else:
            pythons.append(_cpython(job, version, raw))
    return pythons, notes


def _version_file(job: _Job, name: str) -> tuple[list[Python], list[str]]:
    basename = name.replace("\\", "/").rsplit("/", 1)[-1]
    if job.version_file is None or not basename.startswith(".python-version"):
        return [], [f"python-version-file {shown(name)} is not read: pass --target instead"]
    pins = job.version_file(name)
    said = ", ".join(p.short for p in pins.pythons) or "nothing"
    return list(pins.pythons), [
        *pins.notes,
        f"CPython {said} from python-version-file {shown(name)}",
    ]


def _cpython(job: _Job, version: str, raw: object) -> Python:
    cleaned = _PRERELEASE.sub(r"\1", _PATCH_WILDCARD.sub(r"\1", version))
    try:
        return parse_python(cleaned)
    except UnknownTarget as exc:
        # GitHub reads YAML 1.2 as PyYAML reads 1.1 here: an unquoted 3.10 is the number 3.1.
        unquoted = (
            f" (an unquoted {version}0 is the YAML number {version}: quote it, '{version}0')"
            if isinstance(raw, float) and len(version.rpartition(".")[2]) == 1
            else ""
        )
        raise job.error(
            f"python-version '{shown(version)}' is no CPython wheelcast knows{unquoted}",
            exc.hint or "write it as 3.12, 3.13t or 3.x",
        ) from None
