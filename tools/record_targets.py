"""Record what uv and pip choose on the mobile, web, PyPy/GraalPy and other Linux targets.

Run by hand, never by the tests (it talks to the real index)::

    python tools/record_targets.py --tools <venv>/bin --out tests/data/targets

For every case in CASES it writes, into ``--out/reference.json``, the version uv 0.13.9
pins (``PIP_CONFIG_FILE=/dev/null UV_PYTHON_DOWNLOADS=never uv pip compile -
--python-platform <triple> --python-version <python> --no-build --exclude-newer <cutoff>
--no-header --no-annotate``; or its error's first line) where uv has a triple for the
target, and the file pip 26.3 picks (``pip install --dry-run --ignore-installed --report
--only-binary=:all: --target <tmp> --platform <tag>... --python-version <python>
--implementation <cp|pp|graalpy> --abi <abi> --uploaded-prior-to <cutoff>``; ``null``
when pip finds none). The index pages and metadata those cases read are recorded
into ``--out/pages`` and ``--out/metadata`` by tools/record_index.py's machinery, with
this file's CASES, resolved ``--only-binary :all:`` as pip and uv were. ``uv`` and
``pip`` are taken from ``--tools``, a venv's bin folder (required).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import record_index
from wheelcast.forecast.resolve import Options
from wheelcast.forecast.select import BinaryPolicy
from wheelcast.targets import parse_python, parse_target
from wheelcast.targets.tags import platform_tags

CUTOFF = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
MOBILE = [
    ("ios-arm64", "arm64-apple-ios"),
    ("ios-simulator-arm64", "arm64-apple-ios-simulator"),
    ("ios-simulator-x86_64", "x86_64-apple-ios-simulator"),
    ("android-arm64_v8a", "aarch64-linux-android"),
    ("android-x86_64", "x86_64-linux-android"),
    ("android-armeabi_v7a", None),
    ("android-x86", None),
]
LINUX = [
    ("linux-armv7l", None),
    ("musllinux-armv7l", None),
    ("linux-ppc64le", None),
    ("linux-s390x", None),
    ("linux-riscv64", "riscv64-unknown-linux"),
    ("linux-i686", None),
]
# (requirement, [(wheelcast target, uv triple or None)], python)
CASES: list[tuple[str, list[tuple[str, str | None]], str]] = [
    ("markupsafe", MOBILE, "3.13"),
    ("markupsafe", LINUX, "3.12"),
    ("msgpack", [("pyodide-2025", "wasm32-pyodide2025")], "3.13"),
    ("msgpack", [("pyodide-2024", "wasm32-pyodide2024")], "3.12"),
    ("msgpack", [("pyemscripten-2026", None)], "3.14"),
    ("numpy", [("linux-x86_64", None), ("macos-arm64", None)], "pp311"),
    ("pydantic-core", [("linux-x86_64", None), ("macos-arm64", None)], "graalpy3.11"),
]
_PIP_IMPLEMENTATION = {"cpython": "cp", "pypy": "pp", "graalpy": "graalpy"}


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    return env | {"PIP_CONFIG_FILE": os.devnull, "UV_PYTHON_DOWNLOADS": "never"}


def uv_pin(tools: Path, requirement: str, triple: str, python: str) -> str:
    done = subprocess.run(
        [str(tools / "uv"), "pip", "compile", "-", "--python-platform", triple,
         "--python-version", python, "--no-build", "--exclude-newer",
         CUTOFF.strftime("%Y-%m-%dT%H:%M:%SZ"), "--no-header", "--no-annotate", "-q"],
        input=requirement, capture_output=True, text=True, env=_clean_env(), check=False,
    )  # fmt: skip
    if done.returncode == 0:
        return done.stdout.strip()
    return "error: " + done.stderr.strip().splitlines()[0]


def pip_file(tools: Path, requirement: str, target_name: str, python_text: str) -> str | None:
    (target,) = parse_target(target_name, [parse_python(python_text)])
    python = target.python
    platforms = [arg for tag in platform_tags(target.platform) for arg in ("--platform", tag)]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        done = subprocess.run(
            [str(tools / "pip"), "install", "-q", "--dry-run", "--ignore-installed",
             "--report", str(report), "--only-binary=:all:", "--no-deps",
             "--target", str(Path(tmp) / "t"), *platforms,
             "--python-version", f"{python.version[0]}.{python.version[1]}",
             "--implementation", _PIP_IMPLEMENTATION[python.implementation],
             "--abi", python.abi, "--uploaded-prior-to", CUTOFF.strftime("%Y-%m-%dT%H:%M:%SZ"),
             requirement],
            capture_output=True, text=True, env=_clean_env(), check=False,
        )  # fmt: skip
        if done.returncode != 0:
            return None
        installed = json.loads(report.read_text())["install"]
        url: str = installed[0]["download_info"]["url"]
        return url.rsplit("/", 1)[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("tests/data/targets"))
    parser.add_argument("--tools", type=Path, required=True, help="bin folder with uv, pip")
    args = parser.parse_args()
    cases = []
    for requirement, targets, python in CASES:
        for name, triple in targets:
            uv = uv_pin(args.tools, requirement, triple, python) if triple else None
            pip = pip_file(args.tools, requirement, name, python)
            print(f"{requirement} {name}@{python}: uv {uv}, pip {pip}")
            cases.append(
                {"requirement": requirement, "target": name, "uv_triple": triple,
                 "python": python, "uv": uv, "pip": pip}
            )  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    recorded = {
        "recorded": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "cutoff": CUTOFF.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cases": cases,
    }
    (args.out / "reference.json").write_text(json.dumps(recorded, indent=1) + "\n")
    record_index.CASES = [
        (requirement, [name for name, _ in targets], python, CUTOFF)
        for requirement, targets, python in CASES
    ]
    # The cases are judged --only-binary, as pip and uv were run: record what that reads.
    only_binary = BinaryPolicy(only_binary=frozenset({":all:"}))
    record_index.Options = functools.partial(Options, policy=only_binary)  # type: ignore[assignment]
    sys.argv = [sys.argv[0], "--out", str(args.out)]
    return record_index.main()


if __name__ == "__main__":
    raise SystemExit(main())
