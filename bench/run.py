"""Benchmark wheelcast against uv and pip on this machine (issue 6).

Run by hand, never by the tests (it talks to the real index and takes minutes)::

    python bench/run.py --runs 3              # the realistic set, six targets
    python bench/run.py --scale 500 --runs 1  # the top 500 projects, one target
    python bench/run.py --quick               # smoke test: 1 run, three targets

What it measures, each figure the median of ``--runs`` runs with min and max (a cold run
always starts from a fresh, empty cache folder):

- wheelcast, all targets in one run, as ``python -m wheelcast check`` in a fresh
  virtual environment it is pip-installed into (see ``Bench.wheelcast``): cold, warm (a
  plain second run: pages without validators are still fresh for 10 minutes), warm
  ``--refresh`` (every page revalidated: the real revalidating run) and warm
  ``--offline``; these replay or reuse what the cold run stored while its inputs and
  pages are unchanged, so "warm --offline, resolving" deletes the stored results before
  each run to show what resolving every target again from the cache costs;
- ``uv pip compile``, one target at a time: cold, warm and warm ``--offline``; "uv, one
  target" is win-arm64's median, "uv, six targets" the sum of the per-target medians;
- ``pip install --dry-run --report`` per target with ``--only-binary=:all:`` and the
  target's platform tags (``--pip-runs``, default 1, cold: pip takes a minute or more per
  target). pip 23.2 has no ``--exclude-newer``: it resolves against today's index. A
  target where pip cannot answer is recorded as failed, with pip's first error line.

Every run's wall time, CPU time (user + system) and peak RSS come from ``os.wait4`` on
the child. Results go to ``bench/results/<date>[-scale<N>|-quick].json`` and ``.md``.

pip and uv run with ``PIP_CONFIG_FILE=/dev/null UV_PYTHON_DOWNLOADS=never`` and without
the caller's other PIP_*/UV_* variables (PIP_CERT is kept); uv is also given
``--no-config`` and ``--python <this interpreter>`` (finding an interpreter through
shims such as pyenv's costs uv about a second per run otherwise). The index URL is the
one pip defaults to, asked of pip at run time, unless ``--index-url`` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from wheelcast.targets import parse_python, parse_target
from wheelcast.targets.tags import platform_tags

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
REALISTIC = BENCH / "realistic.in"


def _main_checkout() -> Path:
    """The main checkout, which a git worktree's common folder sits in (else this one)."""
    found = subprocess.run(
        ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return Path(found.stdout.strip()).parent if found.returncode == 0 else REPO


# Beside the main checkout, not this one: a worktree may sit a folder deeper.
TOP_PROJECTS = (
    _main_checkout().parent / "shared" / "data" / "top-pypi-packages-30-days-2026-04-01.csv"
)

EXCLUDE_NEWER = "2025-10-01T00:00:00Z"
PYTHON_VERSION = "3.12"
# wheelcast preset -> uv's --python-platform triple
TARGETS: dict[str, str] = {
    "win-arm64": "aarch64-pc-windows-msvc",
    "win-amd64": "x86_64-pc-windows-msvc",
    "linux-x86_64": "x86_64-manylinux_2_28",
    "linux-aarch64": "aarch64-manylinux_2_28",
    "macos-arm64": "aarch64-apple-darwin",
    "musllinux-aarch64": "aarch64-unknown-linux-musl",
}
QUICK_TARGETS = ("win-arm64", "linux-x86_64", "macos-arm64")
REFERENCE_TARGET = "win-arm64"  # "uv, one target"
SCALE_TARGET = "linux-x86_64"
MB = 1024 * 1024
# wheelcast.index.session's: where a run writes how many pages and metadata it asked for
# and the longest chain of metadata waits a resolver sat out.
STATS_VARIABLE = "WHEELCAST_BENCH_STATS"
MODE_FLAGS: dict[str, tuple[str, ...]] = {
    "cold": (),
    "warm": (),
    "warm --refresh": ("--refresh",),
    "warm --offline": ("--offline",),
    "warm --offline, resolving": ("--offline",),
}
# "resolving": the remembered results are deleted from the cache before each run, so
# the figure is what resolving every target from the cached pages and metadata costs.
WHEELCAST_MODES = ("cold", "warm", "warm --refresh", "warm --offline", "warm --offline, resolving")
UV_MODES = ("cold", "warm", "warm --offline")
SCALE_MODES = ("cold", "warm --offline")

# Exit codes that still mean "answered": wheelcast reports builds (1) and missing
# packages or unresolvable targets (2) as a matrix.
OK_CODES: dict[str, frozenset[int]] = {
    "wheelcast": frozenset({0, 1, 2}),
    "uv": frozenset({0}),
    "pip": frozenset({0}),
}


@dataclass
class Run:
    """One child process: what it cost and whether it answered."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    exit_code: int
    ok: bool
    error: str | None = None  # the first error line when not ok
    packages: int | None = None  # how many packages the answer names (per target)
    # wheelcast only: what its index session counted (see STATS_VARIABLE), which unlike
    # the times does not swing with the shared machine's load.
    requests: dict[str, int] | None = None


def take_report(path: Path) -> Any:
    """A run's JSON report, removed so that the next run must write its own; None if none."""
    try:
        data = json.loads(path.read_text())
        path.unlink()
    except (OSError, ValueError):
        return None
    return data


@dataclass
class Measure:
    """One command measured ``len(runs)`` times."""

    tool: str
    mode: str
    targets: list[str]
    command: str
    runs: list[Run] = field(default_factory=list)

    def times(self) -> list[float]:
        return [r.seconds for r in self.runs if r.ok]

    @property
    def failed(self) -> bool:
        return not self.times()

    def median(self) -> float | None:
        times = self.times()
        return statistics.median(times) if times else None

    def summary(self) -> dict[str, Any]:
        times = self.times()
        errors = [r.error for r in self.runs if not r.ok]
        return {
            "tool": self.tool,
            "mode": self.mode,
            "targets": self.targets,
            "runs": len(self.runs),
            "ok_runs": len(times),
            "median_s": self.median(),
            "min_s": min(times) if times else None,
            "max_s": max(times) if times else None,
            "median_cpu_s": (
                statistics.median(r.cpu_seconds for r in self.runs if r.ok) if times else None
            ),
            "peak_rss_mb": max(r.peak_rss_mb for r in self.runs) if self.runs else None,
            "packages": next((r.packages for r in self.runs if r.packages is not None), None),
            "requests": next((r.requests for r in self.runs if r.requests is not None), None),
            "error": errors[0] if errors else None,
        }


# --- running children ----------------------------------------------------------------


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without PIP_*/UV_* (but PIP_CERT), plus pip's and uv's guards."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith(("PIP_", "UV_")) and k != "PIP_CERT")
    }
    env["PIP_CONFIG_FILE"] = os.devnull
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.update(extra or {})
    return env


def first_error(text: str) -> str:
    """The line that says what went wrong, as the tool printed it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and any(line.startswith("Traceback") for line in lines):
        return lines[-1]  # a crash: the exception itself
    for i, line in enumerate(lines):
        if line.lower().startswith(("error", "\u00d7 ")) or "error:" in line.lower():
            # uv: "No solution found when resolving dependencies:" then the reason
            reason = lines[i + 1] if line.endswith(":") and i + 1 < len(lines) else ""
            return f"{line} {reason}".strip()
    interesting = [line for line in lines if not line.lower().startswith("warning")]
    return (interesting or lines or ["(no output)"])[0]


def run_child(
    argv: Sequence[str],
    env: Mapping[str, str],
    tool: str,
    timeout: float,
    count: Callable[[str], int | None],
) -> Run:
    """Run ``argv`` once; time it and read its peak RSS with ``os.wait4``.

    ``count`` reads how many packages the answer names; ``None`` means no answer (a
    crash that exits 1 must not pass for wheelcast's "some package needs a build").
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=dict(env), cwd=BENCH)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    ok = code in OK_CODES[tool] and not timed_out.is_set()
    packages = count(stdout) if ok else None
    requests = None
    stats = env.get(STATS_VARIABLE)
    if stats:
        with contextlib.suppress(OSError, ValueError):
            requests = json.loads(Path(stats).read_text())
            Path(stats).unlink()
    error = None
    if timed_out.is_set():
        error = f"timed out after {timeout:.0f} s"
    elif not ok or packages is None:
        ok = False
        error = f"exit {code}: {first_error(stderr or stdout)}"
    return Run(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss * 1024 / MB,  # Linux: kilobytes
        exit_code=code,
        ok=ok,
        error=error,
        packages=packages,
        requests=requests,
    )


def tool_environment(folder: Path, project: Path, index: str) -> Path:
    """A fresh virtual environment with ``project`` installed from its folder and its
    dependencies from ``index``, as a user's ``pip install`` makes it; its interpreter."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*install, "--index-url", index, str(project)], env=clean_env(), check=True)
    return python


def fixed(
    argv: list[str], env: Mapping[str, str]
) -> Callable[[], tuple[list[str], Mapping[str, str]]]:
    """The same command for every run (the warm runs)."""
    return lambda: (argv, env)


def forgetting(
    cache: Path, argv: list[str], env: Mapping[str, str]
) -> Callable[[], tuple[list[str], Mapping[str, str]]]:
    """The same command, run after deleting the results wheelcast remembers in ``cache``."""

    def prepare() -> tuple[list[str], Mapping[str, str]]:
        with contextlib.closing(sqlite3.connect(cache / "wheelcast.sqlite3")) as conn:
            conn.execute("DELETE FROM results")
            conn.commit()
        return argv, env

    return prepare


def progress(label: str, run: Run) -> None:
    state = "ok" if run.ok else run.error
    print(f"  {label}: {run.seconds:7.2f} s  {run.peak_rss_mb:6.0f} MB  {state}", flush=True)


# --- the three tools --------------------------------------------------------------------


@dataclass
class Bench:
    """Shared settings of one bench invocation."""

    requirements: Path
    targets: list[str]
    runs: int
    pip_runs: int
    index_url: str
    work: Path
    timeout: float
    measures: list[Measure] = field(default_factory=list)

    def fresh_dir(self, prefix: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.work))

    def measure(
        self,
        measure: Measure,
        argv: Callable[[], tuple[list[str], Mapping[str, str]]],
        count: Callable[[str], int | None],
        runs: int | None = None,
    ) -> Measure:
        """Run ``argv()`` (called anew per run, for fresh caches) ``runs`` times."""
        print(f"{measure.tool} {measure.mode} [{', '.join(measure.targets)}]", flush=True)
        for i in range(self.runs if runs is None else runs):
            args, env = argv()
            run = run_child(args, env, measure.tool, self.timeout, count)
            progress(f"run {i + 1}", run)
            measure.runs.append(run)
        self.measures.append(measure)
        return measure

    # wheelcast: every target in one process

    def wheelcast_argv(
        self, python: str | Path, cache: Path, report: Path, *flags: str
    ) -> list[str]:
        argv = [str(python), "-m", "wheelcast", "check", "-r", str(self.requirements)]
        for target in self.targets:
            argv += ["-t", target]
        argv += ["--python", PYTHON_VERSION, "--exclude-newer", EXCLUDE_NEWER]
        argv += ["--index-url", self.index_url, "--cache-dir", str(cache)]
        argv += ["--format", "json", "-o", str(report), *flags]
        return argv

    def wheelcast(self, modes: Sequence[str]) -> None:
        """Cold runs first; the warm ones reuse the last cold run's cache.

        wheelcast is installed, from a copy of the project taken when the bench starts (so
        that edits made during a long bench do not mix versions within one result), into
        a fresh virtual environment with its dependencies from the index, as a user's
        ``pip install`` (or pipx, or ``uv tool``) makes one; pip byte-compiles it. It runs
        with bytecode caching on even where the caller's environment turns it off. (Not
        under this interpreter's own site-packages: they hold a ``.pth`` file that imports
        certifi at every start, 40 ms, and unrelated packages that httpcore imports when
        present, such as trio.)
        """
        report = self.work / "wheelcast.json"
        project = self.work / "project"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(REPO / "src", project / "src", ignore=ignore)
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(REPO / name, project / name)
        python = tool_environment(self.work / "wheelcast-venv", project, self.index_url)
        env = clean_env({STATS_VARIABLE: str(self.work / "wheelcast-stats.json")})
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cache = self.work / "wheelcast-cache"

        def count(_stdout: str) -> int | None:
            data = take_report(report)
            if data is None:
                return None
            return max((len(r["packages"]) for r in data["results"]), default=None)

        def cold() -> tuple[list[str], Mapping[str, str]]:
            nonlocal cache
            cache = self.fresh_dir("wheelcast-cache-")
            return self.wheelcast_argv(python, cache, report), env

        for mode in modes:
            flags = MODE_FLAGS[mode]
            shown = shlex.join(
                self.wheelcast_argv("VENV/bin/python", Path("CACHE"), Path("REPORT.json"), *flags)
            )
            measure = Measure("wheelcast", mode, self.targets, shown)
            if mode == "cold":
                self.measure(measure, cold, count)
            elif mode.endswith("resolving"):
                argv = self.wheelcast_argv(python, cache, report, *flags)
                self.measure(measure, forgetting(cache, argv, env), count)
            else:
                argv = self.wheelcast_argv(python, cache, report, *flags)
                self.measure(measure, fixed(argv, env), count)

    # uv: one target per process

    def uv_argv(self, target: str, *flags: str) -> list[str]:
        return [
            "uv",
            "--no-config",
            "pip",
            "compile",
            str(self.requirements),
            "--python",
            sys.executable,
            "--python-platform",
            TARGETS[target],
            "--python-version",
            PYTHON_VERSION,
            "--exclude-newer",
            EXCLUDE_NEWER,
            "--no-header",
            "--index-url",
            self.index_url,
            *flags,
        ]

    def uv(self, target: str, modes: Sequence[str]) -> None:
        """Cold runs first; the warm ones reuse the last cold run's cache."""
        cache = self.work / f"uv-cache-{target}"

        def count(stdout: str) -> int | None:
            return sum(1 for line in stdout.splitlines() if "==" in line and line[:1].isalnum())

        def cold() -> tuple[list[str], Mapping[str, str]]:
            nonlocal cache
            cache = self.fresh_dir(f"uv-cache-{target}-")
            return self.uv_argv(target), clean_env({"UV_CACHE_DIR": str(cache)})

        for mode in modes:
            argv = self.uv_argv(target, *MODE_FLAGS[mode])
            measure = Measure("uv", mode, [target], "UV_CACHE_DIR=CACHE " + shlex.join(argv))
            if mode == "cold":
                self.measure(measure, cold, count)
            else:
                env = clean_env({"UV_CACHE_DIR": str(cache)})
                self.measure(measure, fixed(argv, env), count)

    # pip: one target per process, its platform tags given as --platform

    def pip_argv(self, target: str, cache: Path, report: Path, dest: Path) -> list[str]:
        (parsed,) = parse_target(target, [parse_python(PYTHON_VERSION)])
        platforms = [p for p in platform_tags(parsed.platform) if not p.startswith("linux_")]
        argv = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed"]
        # pip 23.2 accepts --platform only together with --target, even for a dry run.
        argv += ["--target", str(dest), "--report", str(report), "--only-binary=:all:"]
        for tag in platforms:
            argv += ["--platform", tag]
        argv += ["--python-version", PYTHON_VERSION, "--implementation", "cp"]
        argv += ["-r", str(self.requirements), "--index-url", self.index_url]
        argv += ["--cache-dir", str(cache), "--disable-pip-version-check", "--quiet"]
        return argv

    def pip(self, target: str) -> None:
        report = self.work / f"pip-{target}.json"

        def count(_stdout: str) -> int | None:
            data = take_report(report)
            return None if data is None else len(data["install"])

        def cold() -> tuple[list[str], Mapping[str, str]]:
            cache = self.fresh_dir(f"pip-cache-{target}-")
            return self.pip_argv(target, cache, report, self.work / "pip-target"), clean_env()

        shown = self.pip_argv(target, Path("CACHE"), Path("REPORT.json"), Path("DEST"))
        measure = Measure("pip", "cold", [target], shlex.join(shown))
        self.measure(measure, cold, count, runs=self.pip_runs)


# --- the report -------------------------------------------------------------------------


def tool_version(argv: Sequence[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, env=clean_env(), check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"unavailable ({exc})"
    return out.stdout.strip().splitlines()[0]


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    memory = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    git = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
        "wheelcast": tool_version([sys.executable, "-m", "wheelcast", "--version"]),
        "wheelcast_tree": git.stdout.strip() or None,
        "uv": tool_version(["uv", "--version"]),
        "pip": tool_version([sys.executable, "-m", "pip", "--version"]).split(" from ")[0],
    }


def index_url() -> str:
    """The index pip uses by default, asked of pip (never written into this file)."""
    code = "from pip._internal.models.index import PyPI; print(PyPI.simple_url)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(), check=True
    )
    return out.stdout.strip()


def find(measures: Sequence[Measure], tool: str, mode: str, target: str | None = None) -> Measure:
    for m in measures:
        if m.tool == tool and m.mode == mode and (target is None or m.targets == [target]):
            return m
    raise LookupError(f"no measure {tool} {mode} {target}")


def uv_sum(measures: Sequence[Measure], mode: str, targets: Sequence[str]) -> float | None:
    medians = [find(measures, "uv", mode, t).median() for t in targets]
    return None if None in medians else sum(m for m in medians if m is not None)


def ratios(measures: Sequence[Measure], targets: Sequence[str]) -> list[dict[str, Any]]:
    """The ratios issue 6 asks for, each against its bar."""
    if REFERENCE_TARGET not in targets:
        return []

    def ratio(num: float | None, den: float | None) -> float | None:
        return None if num is None or den is None or den == 0 else num / den

    def wc(mode: str) -> float | None:
        return find(measures, "wheelcast", mode).median()

    def uv1(mode: str) -> float | None:
        return find(measures, "uv", mode, REFERENCE_TARGET).median()

    n = len(targets)
    rows = [
        (f"wheelcast cold ({n} targets) / uv cold (one target)", wc("cold"), uv1("cold"), 1.0),
        (
            f"wheelcast warm --offline ({n} targets) / uv warm --offline (one target)",
            wc("warm --offline"),
            uv1("warm --offline"),
            1.0,
        ),
        (
            f"wheelcast warm --refresh ({n} targets) / uv warm (one target)",
            wc("warm --refresh"),
            uv1("warm"),
            1.5,
        ),
        (
            f"wheelcast warm --offline, resolving ({n} targets) / uv warm --offline (one target)",
            wc("warm --offline, resolving"),
            uv1("warm --offline"),
            None,
        ),
        (
            f"wheelcast warm, pages still fresh ({n} targets) / uv warm (one target)",
            wc("warm"),
            uv1("warm"),
            None,
        ),
        (
            f"wheelcast cold ({n} targets) / uv cold (sum over {n} targets)",
            wc("cold"),
            uv_sum(measures, "cold", targets),
            None,
        ),
    ]
    out: list[dict[str, Any]] = []
    for name, num, den, bar in rows:
        value = ratio(num, den)
        met = None if value is None or bar is None else value <= bar
        out.append({"name": name, "value": value, "bar": bar, "met": met})
    rss = find(measures, "wheelcast", "cold").summary()["peak_rss_mb"]
    peak = max(
        (m.summary()["peak_rss_mb"] or 0.0 for m in measures if m.tool == "wheelcast"),
        default=rss,
    )
    out.append(
        {
            "name": f"peak RSS of the {n}-target wheelcast run, MB (worst mode)",
            "value": peak,
            "bar": 250.0,
            "met": None if peak is None else peak <= 250.0,
        }
    )
    return out


def scrub(text: str, index: str) -> str:
    """``text`` with the index URL as ``<index>``, every other URL's host as ``<host>``
    (error lines name file URLs), this interpreter as ``python`` and the repository's
    paths relative to it."""
    text = text.replace(index.rstrip("/"), "<index>").replace(f"{REPO}{os.sep}", "")
    text = re.sub(r"\b([a-z][a-z0-9+.-]*://)[^/\s`'\"<>]+", r"\1<host>", text)
    return text.replace(sys.executable, "python")


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def markdown(data: Mapping[str, Any], measures: Sequence[Measure]) -> str:
    m = data["machine"]
    lines = [
        f"# wheelcast bench, {data['date']}",
        "",
        f"{data['requirements_name']} ({data['requirement_count']} requirements), "
        f"Python {PYTHON_VERSION} targets, `--exclude-newer {EXCLUDE_NEWER}` "
        f"(pip: none, it has no such option); {data['runs']} run(s) per figure, "
        "median (min-max); peak RSS is the largest of the runs.",
        "",
        f"Machine: {m['cpu_count']} CPUs ({m['cpu']}), {m['memory_gb']} GB, {m['os']}; "
        f"{m['python']}; {m['wheelcast']} (tree {m['wheelcast_tree']}); {m['uv']}; {m['pip']}.",
        "",
        "| tool | mode | targets | packages | wall s, median (min-max) | CPU s | peak RSS MB |",
        "| --- | --- | --- | ---: | --- | ---: | ---: |",
    ]
    for measure in measures:
        s = measure.summary()
        wall = (
            f"failed: {s['error']}"
            if measure.failed
            else f"{fmt(s['median_s'])} ({fmt(s['min_s'])}-{fmt(s['max_s'])})"
        )
        targets = ", ".join(s["targets"])
        lines.append(
            f"| {s['tool']} | {s['mode']} | {targets} | {s['packages'] or '—'} | {wall} "
            f"| {fmt(s['median_cpu_s'], 1)} | {fmt(s['peak_rss_mb'], 0)} |"
        )
    counted = [(m, m.summary()["requests"]) for m in measures if m.tool == "wheelcast"]
    if any(requests for _m, requests in counted):
        lines += [
            "",
            "| wheelcast mode | page requests | metadata requests | resolver metadata waits "
            "| longest serial chain of waits |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for m, r in counted:
            if r:
                lines.append(
                    f"| {m.mode} | {r['page_requests']} | {r['metadata_requests']} "
                    f"| {r['metadata_waits']} | {r['longest_serial_metadata_waits']} |"
                )
    if len(data["targets"]) > 1:
        lines += ["", f"| uv, sum over the {len(data['targets'])} targets | seconds |"]
        lines.append("| --- | ---: |")
        for mode in UV_MODES:
            lines.append(f"| {mode} | {fmt(uv_sum(measures, mode, data['targets']))} |")
    if data["ratios"]:
        lines += ["", "| ratio (issue 6) | value | bar | met |", "| --- | ---: | ---: | --- |"]
        for r in data["ratios"]:
            met = {True: "yes", False: "**no**", None: "—"}[r["met"]]
            bar = "—" if r["bar"] is None else f"≤ {r['bar']:.1f}"
            lines.append(f"| {r['name']} | {fmt(r['value'])} | {bar} | {met} |")
    lines += ["", "Commands (`CACHE`, `REPORT.json`, `DEST`: fresh temporary paths):", ""]
    seen: set[str] = set()
    for measure in measures:
        key = f"{measure.tool} {measure.mode}"
        if measure.tool != "wheelcast" and measure.targets[0] != data["targets"][0]:
            continue
        if key not in seen:
            seen.add(key)
            lines.append(f"- {key}: `{measure.command}`")
    lines += ["", *[f"Note: {note}" for note in data["notes"]]]
    return "\n".join(lines).rstrip() + "\n"


# --- the command line ---------------------------------------------------------------------


def top_projects(count: int) -> list[str]:
    if not TOP_PROJECTS.is_file():
        raise SystemExit(
            f"bench: --scale needs {TOP_PROJECTS} (the top projects by downloads, "
            "columns rank,project,download_count); it is missing"
        )
    with TOP_PROJECTS.open(newline="") as f:
        rows = list(csv.DictReader(f))
    return [row["project"] for row in rows[:count]]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument(
        "--pip-runs", type=int, default=1, help="runs per pip target (default 1; pip is slow)"
    )
    parser.add_argument(
        "--scale",
        type=int,
        metavar="N",
        help="the top N projects of the download list, one target (linux-x86_64)",
    )
    parser.add_argument("--quick", action="store_true", help="smoke test: 1 run, three targets")
    parser.add_argument("--no-pip", action="store_true", help="leave pip out")
    parser.add_argument("--index-url", help="default: the index pip uses by default")
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds before a run is killed (default 900)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="default: bench/results")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("uv") is None:
        raise SystemExit("bench: uv is not on PATH")
    date = dt.datetime.now(dt.UTC).date().isoformat()
    args.out.mkdir(parents=True, exist_ok=True)
    notes = [
        "pip 23.2 has no --exclude-newer: pip resolves against the index as it is today, "
        'and its host-marker evaluation applies (it keeps `uvloop; sys_platform != "win32"` '
        "on Windows targets).",
        "uv warm runs revalidate what the cache holds; wheelcast `warm` reuses pages "
        "without validators for 10 minutes, `warm --refresh` revalidates every page.",
    ]
    if args.scale:
        stem = f"{date}-scale{args.scale}"
        requirements = args.out / f"top-{args.scale}.in"
        projects = top_projects(args.scale)
        requirements.write_text(
            f"# The top {args.scale} projects by downloads "
            f"({TOP_PROJECTS.name}), for bench/run.py --scale.\n" + "\n".join(projects) + "\n"
        )
        targets = [SCALE_TARGET]
        notes.append(
            "Scale run: one target; some projects of the list may not resolve together "
            "(wheelcast still answers with a matrix, exit 2; uv stops at the first conflict)."
        )
    else:
        stem = f"{date}-quick" if args.quick else date
        requirements = REALISTIC
        targets = list(QUICK_TARGETS if args.quick else TARGETS)
    runs = 1 if args.quick else args.runs
    about = machine()  # now: the tree as the copy of src/ is taken, not as it is at the end
    with tempfile.TemporaryDirectory(prefix="wheelcast-bench-") as work:
        bench = Bench(
            requirements=requirements,
            targets=targets,
            runs=runs,
            pip_runs=1 if args.quick else args.pip_runs,
            index_url=args.index_url or index_url(),
            work=Path(work),
            timeout=args.timeout,
        )
        bench.wheelcast(SCALE_MODES if args.scale else WHEELCAST_MODES)
        for target in targets:
            bench.uv(target, SCALE_MODES if args.scale else UV_MODES)
        if not args.no_pip and not args.scale and args.pip_runs > 0:
            for target in targets:
                bench.pip(target)
    measures = bench.measures
    requirement_count = sum(
        1
        for line in requirements.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    data: dict[str, Any] = {
        "schema": "wheelcast.bench/1",
        "date": date,
        "machine": about,
        "requirements_name": (
            requirements.relative_to(REPO).as_posix()
            if requirements.is_relative_to(REPO)
            else requirements.name  # --out elsewhere
        ),
        "requirement_count": requirement_count,
        "targets": targets,
        "python": PYTHON_VERSION,
        "exclude_newer": EXCLUDE_NEWER,
        "runs": runs,
        "measures": [m.summary() | {"command": m.command} for m in measures],
        "raw": [asdict(m) for m in measures],
        "ratios": ratios(measures, targets),
        "notes": notes,
    }
    # The index's address stays out of the results: commands and errors say <index>.
    table = scrub(markdown(data, measures), bench.index_url)
    (args.out / f"{stem}.json").write_text(
        scrub(json.dumps(data, indent=2, ensure_ascii=False), bench.index_url) + "\n"
    )
    (args.out / f"{stem}.md").write_text(table)
    print()
    print(table)
    print(f"wrote {args.out / stem}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
