"""Finding the interpreters on this machine, the way a user would reach them.

Sources, in the order they are listed (:data:`SOURCES`):

* ``venv``: the active virtual environment (``$VIRTUAL_ENV``);
* ``PATH``: ``python``, ``python3``, ``python3.N`` and every other ``python3.*``
  program in each ``PATH`` folder (pyenv's shims are skipped: pyenv's versions are
  listed directly, and a shim for a version that is not selected only fails);
* ``pyenv``: ``$PYENV_ROOT/versions/*`` (default ``~/.pyenv``);
* ``uv``: ``uv python list --only-installed --output-format json`` when ``uv`` is on
  ``PATH``, and uv's install folder (``$UV_PYTHON_INSTALL_DIR``, else
  ``~/.local/share/uv/python`` or ``%APPDATA%\\uv\\python``);
* ``conda``: ``$CONDA_PREFIX``, ``~/miniconda3``, ``~/anaconda3``, ``~/miniforge3`` and
  their ``envs/*``, and ``conda env list --json`` when ``conda`` is on ``PATH``;
* Windows only, ``py``: the Python install manager's ``py list -f json``, else the
  classic launcher's ``py --list-paths``, else the PEP 514 registry keys
  (``HKCU``/``HKLM\\Software\\Python\\<Company>\\<Tag>\\InstallPath``) read through a
  :class:`RegistryReader`.

Candidates are deduplicated by their normalized path here; after probing,
:func:`wheelcast.doctor.find_interpreters` merges those that are the same installation
(same resolved binary and same ``sys.prefix``). Commands go through a
:class:`~wheelcast.doctor._run.Runner`; one that is missing or fails adds a note and
discovery goes on.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, Protocol

from wheelcast.doctor._run import Runner

__all__ = [
    "SOURCES",
    "Candidate",
    "Discovery",
    "RegistryReader",
    "WinregReader",
    "discover",
    "parse_py_list_json",
    "parse_py_list_paths",
    "read_pep514",
]

SOURCES: Final = ("venv", "PATH", "pyenv", "uv", "conda", "py", "registry")

_PATH_NAME = re.compile(r"python(?:3(?:\.\d+t?)?)?(?:\.exe)?", re.IGNORECASE)
# ` -V:3.12-arm64 *        C:\...\python.exe` (install manager and launcher >= 3.11),
# ` -3.12-64 *             C:\...\python.exe` (older launchers), `  *   C:\venv\...` (venv).
_LIST_PATHS_LINE = re.compile(r"^\s*(?:-V:(?P<tag>\S+)|-(?P<old>\d\S*))?\s*\*?\s+(?P<path>\S.*)$")
_PEP514_ROOTS: Final = (
    r"HKEY_CURRENT_USER\Software\Python",
    r"HKEY_LOCAL_MACHINE\Software\Python",
    r"HKEY_LOCAL_MACHINE\Software\WOW6432Node\Python",
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A path that may be an interpreter, and how it was found (``source`` from
    :data:`SOURCES`; ``label`` is what that source calls it, like ``3.12-arm64``).
    ``also`` lists the other sources that found the same path."""

    path: str
    source: str
    label: str = ""
    also: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.source, *self.also)))


@dataclass(frozen=True, slots=True)
class Discovery:
    candidates: tuple[Candidate, ...]
    notes: tuple[str, ...] = field(default=())


class RegistryReader(Protocol):
    """Read-only access to the Windows registry, for PEP 514.

    Keys are full paths with the hive spelled out (``HKEY_CURRENT_USER\\Software\\Python``).
    Contract: a missing key or value answers ``[]`` / ``None``, never raises; ``name=""``
    is the key's default value; only string values are returned.
    """

    def subkeys(self, key: str) -> list[str]:
        """The names of the direct subkeys of ``key``."""
        ...

    def value(self, key: str, name: str = "") -> str | None:
        """The string value ``name`` of ``key``."""
        ...


class WinregReader:
    """The real registry, through :mod:`winreg` (Windows only; elsewhere it is empty)."""

    def subkeys(self, key: str) -> list[str]:
        if sys.platform != "win32":
            return []
        import winreg  # noqa: PLC0415 - Windows only

        hive, _, sub = key.partition("\\")
        names: list[str] = []
        try:
            with winreg.OpenKey(getattr(winreg, hive), sub) as handle:
                for index in range(winreg.QueryInfoKey(handle)[0]):
                    names.append(winreg.EnumKey(handle, index))  # noqa: PERF401 - a handle
        except (OSError, AttributeError, TypeError):
            return names
        return names

    def value(self, key: str, name: str = "") -> str | None:
        if sys.platform != "win32":
            return None
        import winreg  # noqa: PLC0415 - Windows only

        hive, _, sub = key.partition("\\")
        try:
            with winreg.OpenKey(getattr(winreg, hive), sub) as handle:
                data, kind = winreg.QueryValueEx(handle, name)
        except (OSError, AttributeError, TypeError):
            return None
        return data if kind in (winreg.REG_SZ, winreg.REG_EXPAND_SZ) else None


# -- parsers for recorded outputs -------------------------------------------------------


def parse_py_list_json(text: str) -> list[Candidate]:
    """``py list -f json`` of the Python install manager: ``{"versions": [...]}`` where
    each install has ``executable``, ``tag`` and ``company``. Raises ``ValueError``."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("versions"), list):
        raise ValueError("expected an object with a 'versions' list")  # noqa: TRY004 - as json
    found: list[Candidate] = []
    for install in data["versions"]:
        if not isinstance(install, dict):
            continue
        executable = install.get("executable")
        if not isinstance(executable, str) or not executable:
            continue
        tag = install.get("tag")
        company = install.get("company")
        label = tag if isinstance(tag, str) else ""
        if isinstance(company, str) and company not in {"PythonCore", "---", ""}:
            label = f"{company}\\{label}"
        found.append(Candidate(executable, "py", label))
    return found


def parse_py_list_paths(text: str) -> list[Candidate]:
    """``py --list-paths`` (``py -0p``): one install per line, tag then path."""
    found: list[Candidate] = []
    for line in text.splitlines():
        m = _LIST_PATHS_LINE.match(line)
        if m is None or not m["path"].strip().lower().endswith(".exe"):
            continue
        label = m["tag"] or m["old"] or "(venv)"
        found.append(Candidate(m["path"].strip(), "py", label))
    return found


def read_pep514(registry: RegistryReader) -> list[Candidate]:
    """Every PEP 514 install: ``ExecutablePath``, else ``InstallPath``'s default value
    joined with ``python.exe``. The ``PyLauncher`` company is not an install."""
    found: list[Candidate] = []
    for root in _PEP514_ROOTS:
        for company in registry.subkeys(root):
            if company.lower() == "pylauncher":
                continue
            for tag in registry.subkeys(f"{root}\\{company}"):
                key = f"{root}\\{company}\\{tag}\\InstallPath"
                executable = registry.value(key, "ExecutablePath")
                if not executable:
                    folder = registry.value(key)
                    if not folder:
                        continue
                    executable = folder.rstrip("\\") + "\\python.exe"
                arch = registry.value(f"{root}\\{company}\\{tag}", "SysArchitecture") or ""
                label = f"{company}\\{tag}" + (f" ({arch})" if arch else "")
                found.append(Candidate(executable, "registry", label))
    return found


# -- the sources --------------------------------------------------------------------------


def _bin(prefix: Path, *, windows: bool) -> list[Path]:
    if windows:
        return [prefix / "python.exe", prefix / "Scripts" / "python.exe"]
    return [prefix / "bin" / "python3", prefix / "bin" / "python"]


def _first_file(paths: Iterable[Path]) -> Path | None:
    return next((p for p in paths if p.is_file()), None)


def _from_venv(env: Mapping[str, str], *, windows: bool) -> Iterator[Candidate]:
    if venv := env.get("VIRTUAL_ENV"):
        names = ["Scripts/python.exe"] if windows else ["bin/python", "bin/python3"]
        if found := _first_file(Path(venv) / name for name in names):
            yield Candidate(str(found), "venv", Path(venv).name)


def _from_path(env: Mapping[str, str], pyenv_root: Path) -> Iterator[Candidate]:
    shims = pyenv_root / "shims"
    for folder in env.get("PATH", "").split(os.pathsep):
        if not folder or Path(folder) == shims or Path(folder).name == "WindowsApps":
            # pyenv shims and the Microsoft Store's app-execution aliases only forward.
            continue
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if not _PATH_NAME.fullmatch(entry.name):
                continue
            if entry.is_file() and os.access(entry.path, os.X_OK):
                yield Candidate(entry.path, "PATH", entry.name)


def _from_pyenv(pyenv_root: Path, *, windows: bool) -> Iterator[Candidate]:
    versions = pyenv_root / "versions"
    if not versions.is_dir():
        return
    for version in sorted(versions.iterdir()):
        if found := _first_file(_bin(version, windows=windows)):
            yield Candidate(str(found), "pyenv", version.name)


def _uv_list(runner: Runner, notes: list[str]) -> Iterator[Candidate]:
    uv = runner.which("uv")
    if uv is None:
        return
    done = runner.run([uv, "python", "list", "--only-installed", "--output-format", "json"])
    try:
        entries = json.loads(done.stdout) if done is not None and done.ok else None
    except ValueError:
        entries = None
    if not isinstance(entries, list):
        notes.append("uv python list: skipped (the command failed or printed no JSON list)")
        return
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            yield Candidate(entry["path"], "uv", str(entry.get("key", "")))


def _from_uv(
    runner: Runner, env: Mapping[str, str], home: Path, notes: list[str], *, windows: bool
) -> Iterator[Candidate]:
    yield from _uv_list(runner, notes)
    if configured := env.get("UV_PYTHON_INSTALL_DIR"):
        root = Path(configured)
    elif windows:
        root = Path(env.get("APPDATA", str(home / "AppData" / "Roaming"))) / "uv" / "python"
    else:
        data = env.get("XDG_DATA_HOME") or str(home / ".local" / "share")
        root = Path(data) / "uv" / "python"
    if root.is_dir():
        for install in sorted(root.iterdir()):
            if found := _first_file(_bin(install, windows=windows)):
                yield Candidate(str(found), "uv", install.name)


def _conda_prefixes(
    runner: Runner, env: Mapping[str, str], home: Path, notes: list[str]
) -> Iterator[Path]:
    if prefix := env.get("CONDA_PREFIX"):
        yield Path(prefix)
    for name in ("miniconda3", "anaconda3", "miniforge3"):
        base = home / name
        if base.is_dir():
            yield base
            if (base / "envs").is_dir():
                yield from sorted((base / "envs").iterdir())
    if conda := runner.which("conda"):
        done = runner.run([conda, "env", "list", "--json"], timeout=30)
        try:
            if done is None or not done.ok:
                raise ValueError("the command failed")  # noqa: TRY301 - one note for both
            envs = json.loads(done.stdout).get("envs", [])
        except (ValueError, AttributeError) as exc:
            notes.append(f"conda env list: skipped ({exc})")
        else:
            yield from (Path(e) for e in envs if isinstance(e, str))


def _from_conda(
    runner: Runner, env: Mapping[str, str], home: Path, notes: list[str], *, windows: bool
) -> Iterator[Candidate]:
    for prefix in _conda_prefixes(runner, env, home, notes):
        if found := _first_file(_bin(prefix, windows=windows)):
            yield Candidate(str(found), "conda", prefix.name)


def _from_py_launcher(
    runner: Runner, registry: RegistryReader | None, notes: list[str]
) -> Iterator[Candidate]:
    py = runner.which("py")
    if py is not None:
        done = runner.run([py, "list", "-f", "json"])
        if done is not None and done.ok:
            try:
                yield from parse_py_list_json(done.stdout)
            except ValueError as exc:
                notes.append(f"py list -f json: unreadable output ({exc})")
            else:
                return
        done = runner.run([py, "--list-paths"])
        if done is not None and done.ok:
            yield from parse_py_list_paths(done.stdout)
            return
        notes.append("py launcher: neither 'py list -f json' nor 'py --list-paths' answered")
    else:
        notes.append("py launcher: not found; reading the PEP 514 registry keys")
    if registry is not None:
        yield from read_pep514(registry)


def discover(
    runner: Runner,
    *,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    windows: bool | None = None,
    registry: RegistryReader | None = None,
) -> Discovery:
    """Every candidate interpreter, deduplicated by normalized absolute path.

    ``env`` (default ``os.environ``), ``home`` and ``windows`` (default: this machine)
    say which machine to look at, so tests can describe another one; ``registry``
    defaults to :class:`WinregReader` on Windows.
    """
    env = dict(os.environ) if env is None else env
    home = Path.home() if home is None else home
    windows = sys.platform == "win32" if windows is None else windows
    if registry is None and windows and sys.platform == "win32":
        registry = WinregReader()
    notes: list[str] = []
    pyenv_root = Path(env.get("PYENV_ROOT") or home / ".pyenv")
    sources: list[Iterable[Candidate]] = [
        _from_venv(env, windows=windows),
        _from_path(env, pyenv_root),
        _from_pyenv(pyenv_root, windows=windows),
        _from_uv(runner, env, home, notes, windows=windows),
        _from_conda(runner, env, home, notes, windows=windows),
    ]
    if windows:
        sources.append(_from_py_launcher(runner, registry, notes))
    by_path: dict[str, Candidate] = {}
    for source in sources:
        for candidate in source:
            key = os.path.normcase(os.path.abspath(candidate.path))
            if (first := by_path.get(key)) is None:
                by_path[key] = candidate
            elif candidate.source not in first.sources:
                by_path[key] = replace(first, also=(*first.also, candidate.source))
    return Discovery(tuple(by_path.values()), tuple(notes))
