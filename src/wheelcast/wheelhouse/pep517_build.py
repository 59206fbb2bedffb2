"""Building an sdist into a wheel with an isolated PEP 517 build, for this machine.

This runs the sdist's build backend, third-party code: the only place wheelcast does.
The sdist is unpacked (tar members through the ``data`` filter: no absolute paths, links
out of the tree or devices) into a fresh folder, and ``INTERPRETER -m build --wheel``
builds it in a subprocess with an isolated environment, its build dependencies installed
by pip from the same index the forecast read (pip's own configuration files are not read,
so that a pip.conf cannot send them elsewhere). The output is kept in a log file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import (
    InvalidWheelFilename,
    canonicalize_name,
    parse_wheel_filename,
)

from wheelcast.wheelhouse.download import BUILD_PREFIX

__all__ = ["BUILD_TIMEOUT", "BuildResult", "build_environment", "build_wheel"]

BUILD_TIMEOUT = 30 * 60.0  # seconds: a large C++ extension builds for minutes, not hours
_ERROR_LINE_CAP = 200


@dataclass(frozen=True, slots=True)
class BuildResult:
    wheel: Path | None  # the wheel, moved into the output folder; None when it failed
    why: str  # how it failed, in one line ("" when it built)
    output: str  # everything the build printed


def build_environment(
    environ: Mapping[str, str],
    *,
    index_url: str | None,
    extra_index_urls: Sequence[str],
    find_links: Sequence[str],
    no_index: bool,
) -> dict[str, str]:
    """``environ`` for a build whose dependencies pip takes from these sources only."""
    env = {k: v for k, v in environ.items() if not k.startswith("PIP_") or k == "PIP_CERT"}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if no_index or index_url is None:
        env["PIP_NO_INDEX"] = "1"
    else:
        env["PIP_INDEX_URL"] = index_url
    if extra_index_urls and not no_index:
        env["PIP_EXTRA_INDEX_URL"] = " ".join(extra_index_urls)
    if find_links:
        env["PIP_FIND_LINKS"] = " ".join(find_links)
    return env


def _unpack(sdist: Path, into: Path) -> Path:
    """The sdist's tree under ``into``: its one top folder (or ``into`` itself)."""
    if sdist.name.endswith(".zip"):
        with zipfile.ZipFile(sdist) as archive:
            for member in archive.namelist():
                parts = Path(member).parts
                if member.startswith(("/", "\\")) or ".." in parts or ":" in member:
                    raise ValueError(f"the sdist holds a path outside its tree: {member[:80]}")
            archive.extractall(into)  # noqa: S202 - every name checked above
    else:
        with tarfile.open(sdist) as archive:
            archive.extractall(into, filter="data")
    entries = [p for p in into.iterdir() if p.name != "pax_global_header"]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else into


# What ``python -m build`` itself prints (its progress, tips and final error), as opposed
# to what the backend and pip print.
_BUILD_OWN = ("* ", "- ", "TIP ", "ERROR ", "WARNING ")


def _last_error(output: str) -> str:
    """What went wrong, in one line: the backend's last error and build's verdict on it."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    verdict = next((ln[6:] for ln in reversed(lines) if ln.startswith("ERROR ")), "")
    backend = [ln for ln in lines if not ln.startswith(_BUILD_OWN)]
    said = next((ln for ln in reversed(backend) if "error" in ln.lower()), "")
    said = said or (backend[-1] if backend else "")
    if said and verdict:
        return f"{said[:_ERROR_LINE_CAP]} ({verdict[:_ERROR_LINE_CAP]})"
    return (said or verdict or "the build failed and printed nothing")[:_ERROR_LINE_CAP]


def _interpreter_lacks_build(output: str) -> bool:
    return "No module named build" in output or "No module named 'build'" in output


def build_wheel(  # noqa: PLR0911 - one answer per way a build ends
    sdist: Path,
    out_dir: Path,
    interpreter: str,
    *,
    name: str,
    environ: Mapping[str, str],
    timeout: float = BUILD_TIMEOUT,
) -> BuildResult:
    """Build ``sdist`` (of project ``name``) into a wheel in ``out_dir`` with ``interpreter``."""
    with tempfile.TemporaryDirectory(prefix=BUILD_PREFIX, dir=out_dir) as scratch:
        work = Path(scratch)
        try:
            tree = _unpack(sdist, work / "src")
        except (OSError, ValueError, tarfile.TarError, zipfile.BadZipFile) as exc:
            return BuildResult(None, f"the sdist cannot be unpacked: {exc}", "")
        dist = work / "dist"
        command = [interpreter, "-m", "build", "--wheel", "--outdir", str(dist), str(tree)]
        try:
            done = subprocess.run(
                command,
                cwd=tree,
                env=dict(environ),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            output = _text(exc.output)
            return BuildResult(None, f"the build took longer than {timeout:.0f} s", output)
        except OSError as exc:
            return BuildResult(None, f"cannot run {interpreter}: {exc.strerror or exc}", "")
        output = _text(done.stdout)
        if done.returncode != 0:
            if _interpreter_lacks_build(output):
                why = f"the build package is not installed for {interpreter}"
                return BuildResult(None, f"{why}: run {interpreter} -m pip install build", output)
            return BuildResult(None, _last_error(output), output)
        wheels = sorted(dist.glob("*.whl")) if dist.is_dir() else []
        fitting = [w for w in wheels if _names(w, name)]
        if len(fitting) != 1:
            return BuildResult(None, f"the build made {len(wheels)} wheels, none of {name}", output)
        final = out_dir / fitting[0].name
        shutil.move(fitting[0], final)
        return BuildResult(final, "", output)


def _names(wheel: Path, name: str) -> bool:
    try:
        return parse_wheel_filename(wheel.name)[0] == canonicalize_name(name)
    except InvalidWheelFilename:
        return False


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")
