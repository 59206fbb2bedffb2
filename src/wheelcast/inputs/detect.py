"""Find and read what a project folder (or file) declares.

A folder is searched in this order, and the first kind found is read:

1. a lock file: ``pylock.toml``, then ``pylock.<name>.toml`` (sorted; more than one is
   an error naming them), ``uv.lock``, ``poetry.lock``, ``pdm.lock``, ``Pipfile.lock``;
2. ``pyproject.toml`` (its ``[project]`` table), unless the folder is a member of a uv
   workspace: the nearest ``uv.lock`` above it lists its project among its members.
   Then that lock is read from this member, as uv does in the member's folder;
3. requirements files: ``requirements.txt``, else the single ``requirements*.txt``
   (more than one is an error naming them: pass the one you mean).

A file is read by its name: a lock file name above, ``pyproject.toml``, else (any other
name, e.g. ``requirements/dev.txt`` or ``constraints.in``) as a requirements file.
``None`` means the current folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from packaging.utils import canonicalize_name

from wheelcast.errors import InvalidInputFile
from wheelcast.inputs import _files
from wheelcast.inputs.locks import is_lock_file, read_lock, read_uv_lock
from wheelcast.inputs.model import Origin, ProjectInput
from wheelcast.inputs.pyproject import read_pyproject
from wheelcast.inputs.requirements import read_requirements
from wheelcast.runtime.limits import shown
from wheelcast.runtime.witness import saw_absent, saw_folder

_LOCKS_IN_ORDER = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")


def find_input(folder: Path) -> Path:
    """The file :func:`load` reads in ``folder`` (see the module docstring)."""
    if (folder / "pylock.toml").is_file():
        return folder / "pylock.toml"
    named = sorted(p for p in folder.glob("pylock.*.toml") if p.is_file())
    if len(named) > 1:
        raise InvalidInputFile(
            f"{folder}: several lock files: {', '.join(p.name for p in named)}",
            "pass the one to check: wheelcast check FOLDER/pylock.NAME.toml",
        )
    if named:
        return named[0]
    for name in _LOCKS_IN_ORDER:
        if (folder / name).is_file():
            return folder / name
    if (folder / "pyproject.toml").is_file():
        return folder / "pyproject.toml"
    if (folder / "requirements.txt").is_file():
        return folder / "requirements.txt"
    found = sorted(p for p in folder.glob("requirements*.txt") if p.is_file())
    if len(found) == 1:
        return found[0]
    if found:
        raise InvalidInputFile(
            f"{folder}: several requirements files: {', '.join(p.name for p in found)}",
            "pass the one to check: wheelcast check FOLDER/requirements-NAME.txt",
        )
    raise InvalidInputFile(
        f"{folder}: no lock file, pyproject.toml or requirements*.txt",
        "pass a file, or run in the project's folder",
    )


def _workspace_lock(pyproject: Path) -> tuple[Path, str] | None:
    """The uv.lock of the workspace this project is a member of, and its name; None when
    it is in none (uv looks upward for the workspace root the same way)."""
    try:
        data, _ = _files.load_toml(pyproject)
    except InvalidInputFile:
        return None  # read_pyproject says what is wrong with it
    project = data.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    if not isinstance(name, str):
        return None
    for folder in pyproject.resolve().parent.parents:
        lock = folder / "uv.lock"
        if not lock.is_file():
            saw_absent(lock)  # a lock made there later changes the answer
            continue
        data, text = _files.load_toml(lock)
        manifest = _files.typed(
            data, "manifest", dict, {}, Origin(lock, _files.line_of(text, "manifest"))
        )
        members = _files.strings(
            manifest.get("members", []),
            Origin(lock, _files.line_of(text, "members")),
            "manifest.members",
        )
        listed = {canonicalize_name(m) for m in members}
        return (lock, name) if canonicalize_name(name) in listed else None
    return None


def load(
    path: Path | None,
    *,
    extras: Sequence[str] = (),
    all_extras: bool = False,
    groups: Sequence[str] = (),
    build_deps: bool = False,
) -> ProjectInput:
    """Read the project at ``path`` (a folder or a file; None: the current folder)."""
    path = Path.cwd() if path is None else path
    try:
        is_dir, exists = path.is_dir(), path.exists()
    except (OSError, ValueError):  # a name too long or holding NUL
        raise InvalidInputFile(
            f"{shown(str(path))}: not a usable file or folder name", "check the path"
        ) from None
    if is_dir:
        saw_folder(path)
        path = find_input(path)
        workspace = _workspace_lock(path) if path.name == "pyproject.toml" else None
        if workspace is not None:
            lock, member = workspace
            if build_deps:
                return read_pyproject(path, extras=extras, all_extras=all_extras,
                                      groups=groups, build_deps=build_deps)  # fmt: skip
            return read_uv_lock(
                lock, extras=extras, all_extras=all_extras, groups=groups, package=member
            )
    elif not exists:
        raise InvalidInputFile(f"{shown(str(path))}: no such file or folder", "check the path")
    if is_lock_file(path):
        if build_deps:
            raise InvalidInputFile(
                f"{path}: a lock file holds no build requirements",
                "pass pyproject.toml to check [build-system] requires",
            )
        return read_lock(path, extras=extras, all_extras=all_extras, groups=groups)
    if path.name == "pyproject.toml":
        return read_pyproject(
            path, extras=extras, all_extras=all_extras, groups=groups, build_deps=build_deps
        )
    if extras or all_extras or groups or build_deps:
        raise InvalidInputFile(
            f"{path}: a requirements file has no extras, groups or build requirements",
            "pass pyproject.toml or a lock file for --extra, --group and --build-deps",
        )
    return read_requirements(path)
