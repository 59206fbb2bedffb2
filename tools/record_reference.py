"""Record what uv and pip resolve, as the reference for wheelcast's acceptance tests.

Run by hand, never by the tests (it talks to the real index)::

    python tools/record_reference.py --out tests/data/reference

It writes into ``--out``:

- ``realistic.in``: the realistic requirement set (defined below);
  ``realistic-host.in``: the same set as given to pip on this host.
- ``uv-<target>.txt`` for each target in TARGETS: the output of
  ``uv pip compile realistic.in --python-platform <triple> --python-version 3.12
  --exclude-newer 2025-10-01T00:00:00Z --no-header --no-annotate --index-url <index>``.
- ``uv-seed-<case>-<target>.txt``: the small seed cases (SEEDS).
- ``pip-host.json``: ``pip install --dry-run --ignore-installed --report`` for
  ``realistic-host.in`` on this interpreter, trimmed to name, version, chosen
  file and requires_python per package (pip 23.2 has no --exclude-newer, so
  this one is "as of the recording date").

Every uv file starts with one comment line giving the command, the uv version
and the date. Each uv resolution is also checked with ``--only-binary :all:``: every
pinned version has a wheel on every target but win-arm64, where some must be
built; a difference is reported on stdout (not stored).

The real index URL is asked of pip at run time and written as ``<index>``;
pip and uv run with ``PIP_CONFIG_FILE=/dev/null UV_PYTHON_DOWNLOADS=never`` and
without the caller's other PIP_*/UV_* settings (find-links, extra indexes and
constraints would distort the answer).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXCLUDE_NEWER = "2025-10-01T00:00:00Z"
PYTHON_VERSION = "3.12"

# A realistic set that uv resolves on every target. On Windows ARM64 some pins
# have no wheel as of EXCLUDE_NEWER (pandas, scikit-learn, pyarrow, aiohttp,
# httptools via uvicorn[standard], pywinpty via jupyterlab): pip would build them,
# which is what wheelcast must say; on the other targets every pin has a wheel.
REALISTIC: tuple[str, ...] = (
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "matplotlib",
    "pillow",
    "lxml",
    "cryptography",
    "psutil",
    "pyarrow",
    "pydantic",
    "orjson",
    'uvloop; sys_platform != "win32"',
    "jupyterlab",
    "requests",
    "sqlalchemy",
    "pyyaml",
    "aiohttp",
    "fastapi",
    "uvicorn",
    "uvicorn[standard]",
    "httpx",
    "rich",
    "click",
    "boto3",
    "sphinx",
    "pytest",
    "black",
    "mypy",
    "sympy",
    "networkx",
    "beautifulsoup4",
    "tqdm",
    "openpyxl",
)

REALISTIC_BUILDS_ON = frozenset({"win-arm64"})

# pip answers the whole set on this host (CPython 3.11, Linux x86_64, glibc).
HOST_EXCLUDED: frozenset[str] = frozenset()
HOST: tuple[str, ...] = tuple(r for r in REALISTIC if r not in HOST_EXCLUDED)

TARGETS: Mapping[str, str] = {
    "win-arm64": "aarch64-pc-windows-msvc",
    "win-amd64": "x86_64-pc-windows-msvc",
    "linux-aarch64": "aarch64-manylinux_2_28",
    "macos-arm64": "aarch64-apple-darwin",
    "linux-x86_64": "x86_64-manylinux_2_28",
}


@dataclass(frozen=True)
class Seed:
    """A small case: one requirement set, a date, some targets."""

    name: str
    requirements: tuple[str, ...]
    exclude_newer: str
    targets: tuple[str, ...]
    builds_on: tuple[str, ...] = ()  # targets where some pin has no wheel, on purpose


SEEDS: tuple[Seed, ...] = (
    # numpy 1.26.2 has no win_arm64 wheel: a build on win-arm64, a wheel on win-amd64.
    Seed(
        "numpy",
        ("numpy",),
        "2023-11-20T00:00:00Z",
        ("win-arm64", "win-amd64"),
        builds_on=("win-arm64",),
    ),
    # uvloop only on Linux (its marker), httptools and watchfiles have wheels on both.
    Seed("uvicorn", ("uvicorn[standard]",), EXCLUDE_NEWER, ("linux-x86_64", "win-amd64")),
)

# Kept from the caller's environment; every other PIP_*/UV_* variable is dropped.
_KEPT_SETTINGS = frozenset({"PIP_CERT", "PIP_DEFAULT_TIMEOUT", "PIP_DISABLE_PIP_VERSION_CHECK"})
_FIXED_SETTINGS = {"PIP_CONFIG_FILE": "/dev/null", "UV_PYTHON_DOWNLOADS": "never"}
# Host details of the kernel build: no marker of the set uses them and they churn.
_DROPPED_MARKERS = frozenset({"platform_release", "platform_version"})


def clean_env() -> dict[str, str]:
    """The environment for pip and uv: no local index settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "UV_")) or key in _KEPT_SETTINGS
    }
    env.update(_FIXED_SETTINGS)
    return env


def default_index_url(python: str) -> str:
    """The default index URL, from pip (so it is never written in this file)."""
    code = "from pip._internal.models.index import PyPI; print(PyPI.simple_url)"
    result = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def shown(command: Sequence[str], index: str) -> str:
    """The command as recorded: fixed settings first, the index as ``<index>``."""
    settings = " ".join(f"{k}={v}" for k, v in _FIXED_SETTINGS.items())
    return f"{settings} {shlex.join(command).replace(index, '<index>')}"


def write_lines(path: Path, lines: Sequence[str]) -> None:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


class Recorder:
    """Runs the commands and writes the files; collects problems instead of stopping."""

    def __init__(self, out: Path, uv: str, python: str, index: str) -> None:
        self.out = out
        self.uv = uv
        self.python = python
        self.index = index
        self.env = clean_env()
        self.today = dt.datetime.now(dt.UTC).date().isoformat()
        self.problems: list[str] = []
        self.uv_version = self._run([uv, "--version"]).stdout.strip()

    def _run(
        self, command: Sequence[str], *, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=self.out, env=self.env, capture_output=True, text=True, check=check
        )

    def compile(
        self, source: str, target: str, exclude_newer: str, dest: str, *, builds: bool = False
    ) -> int:
        """``uv pip compile`` one input for one target; return the number of pins.

        ``builds`` says that some pin is expected to have no wheel for the target.
        """
        command = [
            self.uv, "pip", "compile", source,
            "--python-platform", TARGETS[target],
            "--python-version", PYTHON_VERSION,
            "--exclude-newer", exclude_newer,
            "--no-header", "--no-annotate",
            "--index-url", self.index,
        ]  # fmt: skip
        print(f"$ {shown(command, self.index)}", flush=True)
        result = self._run(command, check=False)
        if result.returncode != 0:
            self.problems.append(f"{dest}: uv failed: {result.stderr.strip()}")
            print(result.stderr, file=sys.stderr)
            return 0
        pins = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
        header = f"# {self.uv_version}, recorded {self.today}: {shown(command, self.index)}"
        write_lines(self.out / dest, [header, *pins])
        wheels_only = self._run([*command, "--only-binary", ":all:"], check=False)
        all_wheels = wheels_only.returncode == 0 and wheels_only.stdout == result.stdout
        if all_wheels == builds:
            expected = "a build" if builds else "a wheel for every pin"
            self.problems.append(f"{dest}: expected {expected} on {target}")
        return len(pins)

    def pip_report(self, source: str, dest: str) -> int:
        """``pip install --dry-run --report`` on this host, trimmed; return the count."""
        with tempfile.TemporaryDirectory() as tmp:
            report_path = Path(tmp) / "report.json"
            command = [
                self.python, "-m", "pip", "install",
                "--dry-run", "--ignore-installed", "--quiet",
                "--report", str(report_path),
                "-r", source,
                "--index-url", self.index,
            ]  # fmt: skip
            print(f"$ {shown(command, self.index)}", flush=True)
            result = self._run(command, check=False)
            if result.returncode != 0:
                self.problems.append(f"{dest}: pip failed: {result.stderr.strip()}")
                print(result.stderr, file=sys.stderr)
                return 0
            report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
        shown_command = shown(command, self.index).replace(str(report_path), "report.json")
        shown_command = shown_command.replace(self.python, "python")
        installs = sorted(
            (
                {
                    "name": item["metadata"]["name"],
                    "version": item["metadata"]["version"],
                    "file": item["download_info"]["url"].rsplit("/", 1)[-1],
                    "requires_python": item["metadata"].get("requires_python"),
                }
                for item in report["install"]
            ),
            key=lambda entry: str(entry["name"]).lower(),
        )
        environment = {
            key: value
            for key, value in report["environment"].items()
            if key not in _DROPPED_MARKERS
        }
        recorded = {
            "command": shown_command,
            "date": self.today,
            "pip_version": report["pip_version"],
            "report_version": report["version"],
            "environment": environment,
        }
        text = json.dumps({"recorded": recorded, "install": installs}, indent=1)
        (self.out / dest).write_text(text + "\n", encoding="utf-8")
        return len(installs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path("tests/data/reference"))
    parser.add_argument("--uv", default="uv", help="the uv executable (default: uv on PATH)")
    parser.add_argument("--python", default=sys.executable, help="interpreter whose pip to run")
    parser.add_argument("--no-uv", action="store_true", help="skip the uv recordings")
    parser.add_argument("--no-pip", action="store_true", help="skip the pip recording")
    args = parser.parse_args(argv)

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    index = default_index_url(args.python)
    recorder = Recorder(out, args.uv, args.python, index)

    write_lines(out / "realistic.in", REALISTIC)
    write_lines(out / "realistic-host.in", HOST)
    counts: dict[str, int] = {}
    if not args.no_uv:
        for target in TARGETS:
            dest = f"uv-{target}.txt"
            counts[dest] = recorder.compile(
                "realistic.in", target, EXCLUDE_NEWER, dest, builds=target in REALISTIC_BUILDS_ON
            )
        for seed in SEEDS:
            source = f"seed-{seed.name}.in"
            write_lines(out / source, seed.requirements)
            for target in seed.targets:
                dest = f"uv-seed-{seed.name}-{target}.txt"
                builds = target in seed.builds_on
                counts[dest] = recorder.compile(
                    source, target, seed.exclude_newer, dest, builds=builds
                )
    if not args.no_pip:
        counts["pip-host.json"] = recorder.pip_report("realistic-host.in", "pip-host.json")

    for dest, count in counts.items():
        print(f"{dest}: {count} packages")
    for problem in recorder.problems:
        print(f"problem: {problem}")
    return 1 if recorder.problems else 0


if __name__ == "__main__":
    sys.exit(main())
