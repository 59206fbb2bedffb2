"""Property-based fuzzing of every input parser: a value, or one bounded WheelcastError.

Each parser is fed random text or structures (and, for lock files, the recorded sample
locks with one value swapped for another type). Whatever it is fed, it returns or raises
a :class:`WheelcastError` whose message is bounded; any other exception is a crash to fix
in the parser, and the example that found it is kept below as an ``@example``.
The examples are bounded and derandomized by the ``wheelcast`` profile of tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import json
import math
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from wheelcast import cli
from wheelcast.errors import WheelcastError
from wheelcast.index import _dist
from wheelcast.inputs import locks
from wheelcast.inputs.model import Origin
from wheelcast.inputs.pyproject import read_pyproject
from wheelcast.inputs.requirements import (
    names_a_distribution,
    parse_line,
    parse_requirement,
    read_requirements,
)
from wheelcast.runtime.limits import MAX_SHOWN_CHARS
from wheelcast.targets import parse_python, parse_target

SAMPLE = Path(__file__).parent / "data" / "inputs" / "sample"
# A message quotes a few cut pieces of input beside a path and its own words.
MAX_MESSAGE = 6 * MAX_SHOWN_CHARS + 400


def holds(call: Callable[..., object], *args: object, **kwargs: object) -> None:
    """The property: ``call`` returns, or raises a WheelcastError of bounded length."""
    error: WheelcastError | None = None
    try:
        call(*args, **kwargs)
    except WheelcastError as raised:
        error = raised
    if error is not None:
        assert len(str(error)) <= MAX_MESSAGE, str(error)[:300]
        assert "\n" not in error.message, error.message[:300]


@contextlib.contextmanager
def written(name: str, content: str | bytes) -> Iterator[Path]:
    # Hypothesis runs many examples per test: a folder per example, not pytest's tmp_path.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
        yield path


# --- TOML and JSON values ----------------------------------------------------------------

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
_scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    _text,
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "inf"
            if math.isinf(value) and value > 0
            else "-inf"
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, str):
        return json.dumps(value)  # JSON's escapes are TOML basic-string escapes
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict[str, Any]) -> str:
    """``data`` as TOML, every table inline: valid TOML for any nesting and any types."""
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in data.items())


def leaves(value: object, path: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from leaves(inner, (*path, index))


def substituted(data: Any, path: tuple[object, ...], value: object) -> Any:
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = substituted(copy[path[0]], path[1:], value)  # type: ignore[index]
    return copy


# --- requirements files -------------------------------------------------------------------

_FRAGMENTS = [
    "numpy",
    "pandas>=2",
    "a[b]",
    "x==1.0",
    "; python_version<'3'",
    " @ https://h.invalid/x.whl",
    "-r",
    "-c",
    "-e",
    "-i",
    "-f",
    "--hash=sha256:00",
    "--index-url",
    "--only-binary",
    ":all:",
    "--no-binary",
    "--pre",
    "--no-index",
    "--config-settings",
    "-rinc.txt",
    "inc.txt",
    " ",
    "\\",
    "#",
    " #c",
    "\ufeff",
    "\x00",
    "\t",
    "'",
    '"',
    "${HOME}",
    "${X}",
    "@",
    "[",
    "]",
    "==",
    ",",
    "./",
    "..",
    ".",
    "dist/x.whl",
    "x.tar.gz",
    "file:",
    "git+https://h.invalid/r",
    "#egg=e",
    "\u00e9",
    "-",
    "--",
    "=",
    "x" * 300,
]
_lines = st.lists(st.sampled_from(_FRAGMENTS), max_size=6).map("".join)
_requirements_text = st.lists(_lines, max_size=8).map("\n".join)


@given(_requirements_text, st.booleans())
@example("-r inc.txt", True)
@example("\ufeffnumpy", False)
@example("numpy; " + "x" * 300, False)
def test_requirements_file(text: str, with_include: bool) -> None:
    with written("requirements.txt", text) as path:
        if with_include:
            (path.parent / "inc.txt").write_text(text, encoding="utf-8")
        holds(read_requirements, path, environ={"X": "y"})


@given(st.binary(max_size=200))
def test_requirements_file_bytes(data: bytes) -> None:
    with written("requirements.txt", data) as path:
        holds(read_requirements, path, environ={})


@given(st.one_of(_lines, _text))
@example("numpy; python_version >= '3.8' and " + "os_name == 'posix' and " * 12)
@example("a" * 300)
@example("a\x00b")
def test_requirement_argument(text: str) -> None:
    """What the command line does with a requirement argument: classify, then parse."""
    origin = Origin(Path("<command line>"))

    def classify() -> object:
        if names_a_distribution(text):
            return parse_line(text, origin)
        if cli._looks_like_path(text):
            return text
        return parse_requirement(text)

    holds(classify)


# --- pyproject.toml ----------------------------------------------------------------------

_PYPROJECT = tomllib.loads((SAMPLE / "pyproject.toml").read_text(encoding="utf-8"))
_PYPROJECT_PATHS = list(leaves(_PYPROJECT))[1:]


def _read_pyproject(path: Path) -> None:
    for groups in ((), ("dev",), ("test",)):
        read_pyproject(path, all_extras=True, groups=groups, build_deps=True)


@given(
    st.dictionaries(
        st.sampled_from(["project", "dependency-groups", "build-system", "tool"]) | _text,
        _values,
        max_size=4,
    )
)
@example({"tool": False})  # found: a TypeError reading [tool] for the poetry note
def test_pyproject_random(data: dict[str, Any]) -> None:
    with written("pyproject.toml", toml_document(data)) as path:
        holds(_read_pyproject, path)


@given(st.sampled_from(_PYPROJECT_PATHS), _values)
def test_pyproject_substituted(where: tuple[object, ...], value: object) -> None:
    with written("pyproject.toml", toml_document(substituted(_PYPROJECT, where, value))) as path:
        holds(_read_pyproject, path)


# --- lock files ----------------------------------------------------------------------------

_LOCKS = ["uv.lock", "poetry.lock", "pdm.lock", "pylock.toml", "Pipfile.lock"]


def _load_sample(name: str) -> Any:
    text = (SAMPLE / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith("Pipfile.lock") else tomllib.loads(text)


_SAMPLES = {name: _load_sample(name) for name in _LOCKS}
_SAMPLE_PATHS = {name: list(leaves(_SAMPLES[name]))[1:] for name in _LOCKS}


def _dump(name: str, data: Any) -> str:
    if name == "Pipfile.lock":
        return json.dumps(data)
    return toml_document(data) if isinstance(data, dict) else toml_document({"x": data})


def _read_lock(path: Path) -> None:
    # Two reads, not more: parsing the sample dominates the time of each example.
    holds(locks.read_lock, path)
    locks.read_lock(path, all_extras=True, groups=("dev",))


@pytest.mark.parametrize("name", _LOCKS)
@given(data=st.data())
def test_lock_substituted(name: str, data: st.DataObject) -> None:
    """One value of a recorded sample lock replaced by a random value of any type."""
    where = data.draw(st.sampled_from(_SAMPLE_PATHS[name]), label="where")
    value = data.draw(_values, label="value")
    with written(name, _dump(name, substituted(_SAMPLES[name], where, value))) as path:
        holds(_read_lock, path)


def test_found_poetry_source_type_of_a_wrong_type() -> None:
    """Found by test_lock_substituted: ``type = []`` in a package's source table was a
    TypeError (an unhashable list tested against a set)."""
    where = ("package", 3, "source", "type")
    with written(
        "poetry.lock", _dump("poetry.lock", substituted(_SAMPLES["poetry.lock"], where, []))
    ) as path:
        holds(_read_lock, path)
        with pytest.raises(WheelcastError, match=r"'source\.type' must be a string"):
            locks.read_lock(path)


@given(
    st.sampled_from(_LOCKS),
    st.dictionaries(
        st.sampled_from(
            [
                "version",
                "package",
                "packages",
                "metadata",
                "manifest",
                "_meta",
                "default",
                "develop",
                "lock-version",
                "requires-python",
                "extras",
            ]
        )
        | _text,
        _values,
        max_size=5,
    ),
)
def test_lock_random(name: str, data: dict[str, Any]) -> None:
    with written(name, _dump(name, data)) as path:
        holds(_read_lock, path)


# --- filenames, targets, --python -----------------------------------------------------------

_NAME_PARTS = [
    "numpy",
    "-",
    "_",
    "1.0",
    ".",
    "cp312",
    "py3",
    "none",
    "any",
    "manylinux_2_17_x86_64",
    ".whl",
    ".tar.gz",
    ".zip",
    ".tar.bz2",
    "+",
    "!",
    "1",
]
_filenames = st.one_of(st.lists(st.sampled_from(_NAME_PARTS), max_size=10).map("".join), _text)


@given(_filenames)
def test_dist_filename(filename: str) -> None:
    def parse() -> object:
        if _dist.is_dist_filename(filename):
            project = _dist.project_of(filename)
            if project is not None:
                return _dist.version_in_filename(filename, project)
        return _dist.is_sdist(filename)

    holds(parse)


_TARGET_PARTS = [
    "linux",
    "-",
    "x86_64",
    "aarch64",
    "manylinux",
    "musllinux",
    "_2_",
    "28",
    "macos",
    "arm64",
    "win",
    "amd64",
    "14",
    ".",
    "0",
    "glibc",
    "cp312",
    "@",
    "3.12",
    "99999999999",
]
_targets = st.one_of(st.lists(st.sampled_from(_TARGET_PARTS), max_size=8).map("".join), _text)
_PY_PARTS = [
    "3",
    ".",
    "12",
    "0",
    "cp",
    "py",
    "pypy",
    "2",
    "7",
    "t",
    "99999999999999999999",
    "-",
    "a1",
]
_pythons = st.one_of(st.lists(st.sampled_from(_PY_PARTS), max_size=6).map("".join), _text)


@given(_targets)
@example("\n")  # found: the message quoted the newline, two lines on stderr
@example("manylinux_2_" + "9" * 5000 + "_x86_64")
def test_target_name(text: str) -> None:
    holds(lambda: parse_target(text, [parse_python("3.12")]))


@given(_pythons)
@example("\n")  # found: as for target names
@example("3." + "9" * 5000)
def test_python_value(text: str) -> None:
    holds(lambda: parse_python(text))
