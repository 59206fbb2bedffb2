"""The default index URL, found the way ``pip install`` finds it.

Only the default index is taken from pip's settings: ``extra-index-url`` and ``find-links``
in pip's configuration are deliberately not added, so that a forecast depends on the
sources named on wheelcast's command line plus the one index pip would start from.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from wheelcast.errors import InvalidOption
from wheelcast.runtime.witness import saw_folder

__all__ = ["config_files", "default_index_url"]

_SECTIONS = ("global", "install")  # pip reads [global], then the command's section overrides it


def _basename() -> str:
    return "pip.ini" if sys.platform == "win32" else "pip.conf"


def _site_config_dirs(environ: Mapping[str, str]) -> list[Path]:
    if sys.platform == "win32":
        return [Path(environ.get("PROGRAMDATA", r"C:\ProgramData")) / "pip"]
    if sys.platform == "darwin":
        return [Path("/Library/Application Support/pip")]
    xdg = environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    return [Path(d) / "pip" for d in xdg.split(os.pathsep) if d] + [Path("/etc")]


def _user_config_files(environ: Mapping[str, str]) -> list[Path]:
    home = Path(environ.get("HOME") or Path.home())
    if sys.platform == "win32":
        appdata = Path(environ.get("APPDATA") or home / "AppData" / "Roaming")
        return [home / "pip" / "pip.ini", appdata / "pip" / "pip.ini"]
    legacy = home / ".pip" / "pip.conf"
    if sys.platform == "darwin":
        new = home / "Library" / "Application Support" / "pip"
        # Which of the two is read depends on which exists: both are witnessed.
        saw_folder(new)
        saw_folder(home / ".config" / "pip")
        if not new.is_dir() and (home / ".config" / "pip").is_dir():
            new = home / ".config" / "pip"
        return [legacy, new / "pip.conf"]
    xdg_home = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    return [legacy, xdg_home / "pip" / "pip.conf"]


def config_files(environ: Mapping[str, str] | None = None) -> Iterator[Path]:
    """pip's configuration files in load order (a later file overrides an earlier one).

    Global, then user (skipped when ``PIP_CONFIG_FILE`` names an existing file), then the
    environment's ``sys.prefix``, then ``PIP_CONFIG_FILE``; ``PIP_CONFIG_FILE=os.devnull``
    disables them all, as in pip.
    """
    env = os.environ if environ is None else environ
    env_file = env.get("PIP_CONFIG_FILE")
    if env_file == os.devnull:
        return
    for directory in _site_config_dirs(env):
        yield directory / _basename()
    if not (env_file and Path(env_file).exists()):
        yield from _user_config_files(env)
    yield Path(sys.prefix) / _basename()
    if env_file:
        yield Path(env_file)


def _problem(exc: configparser.Error | UnicodeDecodeError) -> str:
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return f"line {exc.lineno}: a setting before any [section] header"
    if isinstance(exc, configparser.ParsingError):
        lines = ", ".join(str(number) for number, _ in exc.errors)
        return f"cannot parse line {lines}"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 (byte {exc.start})"
    if isinstance(exc, configparser.DuplicateOptionError | configparser.DuplicateSectionError):
        what = exc.option if isinstance(exc, configparser.DuplicateOptionError) else exc.section
        return f"line {exc.lineno}: {what!r} given twice"
    return type(exc).__name__


def _index_url_in(path: Path) -> str | None:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        # configparser quotes the offending lines, an index URL's token among them: the
        # message names line numbers only (and stays one line).
        raise InvalidOption(
            f"cannot read pip's configuration file {path}: {_problem(exc)}",
            hint="fix the file, set PIP_CONFIG_FILE, or pass --index-url",
        ) from exc
    found = None
    for section in _SECTIONS:
        if not parser.has_section(section):
            continue
        for key, value in parser.items(section):
            if key.replace("_", "-").lstrip("-") == "index-url" and value.strip():
                found = value.strip()
    return found


def default_index_url(environ: Mapping[str, str] | None = None) -> str:
    """The index pip would use: ``PIP_INDEX_URL``, pip's configuration, then pip's default."""
    env = os.environ if environ is None else environ
    from_env = (env.get("PIP_INDEX_URL") or "").strip()
    if from_env:
        return from_env
    found = None
    for path in config_files(env):
        if path.is_file():
            found = _index_url_in(path) or found
    if found:
        return found
    try:
        from pip._internal.models.index import PyPI  # noqa: PLC0415 - pip is optional
    except ImportError as exc:
        raise InvalidOption(
            "no index URL configured and pip is not importable to supply its default",
            hint="pass --index-url",
        ) from exc
    return str(PyPI.simple_url)
