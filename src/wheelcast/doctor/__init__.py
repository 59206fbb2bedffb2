"""``wheelcast doctor``: which of this machine's interpreters can install what, and which
would try to build from source and fail for want of a compiler.

The pieces, each usable alone:

* :mod:`~wheelcast.doctor.discover`: candidate interpreters (PATH, pyenv, uv, conda,
  the active venv, and on Windows the ``py`` launcher or the PEP 514 registry);
* :mod:`~wheelcast.doctor.probe`: run an interpreter once with a stdlib-only script and
  turn what it says into a :class:`~wheelcast.targets.Target` (real tags and markers);
* :mod:`~wheelcast.doctor.toolchains`: compilers and build tools with versions, and
  :func:`~wheelcast.doctor.toolchains.can_build`;
* its report is rendered by :mod:`wheelcast.report.doctor_text` and
  :mod:`wheelcast.report.doctor_json`, and run by ``wheelcast.cli.run_doctor``.

Nothing here prints; every program is run through a
:class:`~wheelcast.doctor._run.Runner` so tests replay recorded outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from wheelcast.doctor._run import DEFAULT_TIMEOUT, Completed, Runner, SubprocessRunner
from wheelcast.doctor.discover import Candidate, Discovery, RegistryReader, discover
from wheelcast.doctor.probe import (
    InterpreterProbe,
    ProbeError,
    interpreter_tags,
    interpreter_target,
    probe_interpreter,
)
from wheelcast.doctor.toolchains import MsvcInstall, Tool, Toolchains, can_build, find_toolchains

__all__ = [
    "Candidate",
    "Completed",
    "Discovery",
    "Interpreter",
    "InterpreterProbe",
    "MsvcInstall",
    "ProbeError",
    "RegistryReader",
    "Runner",
    "SubprocessRunner",
    "Tool",
    "Toolchains",
    "can_build",
    "discover",
    "find_interpreters",
    "find_toolchains",
    "interpreter_tags",
    "interpreter_target",
    "probe_interpreter",
]


@dataclass(frozen=True, slots=True)
class Interpreter:
    """One installation, with every way it was found (``found_as``, first is the one
    probed). ``probe`` is ``None`` and ``error`` says why when it could not be run."""

    found_as: tuple[Candidate, ...]
    probe: InterpreterProbe | None
    error: str = ""

    @property
    def path(self) -> str:
        return self.found_as[0].path

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for c in self.found_as for s in c.sources))


def find_interpreters(
    candidates: Iterable[Candidate],
    runner: Runner,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int = 8,
) -> list[Interpreter]:
    """Probe every candidate (concurrently, each once) and merge those that are one
    installation: same resolved ``sys.executable`` and same ``sys.prefix``, so a venv
    stays apart from the interpreter it was made from. Order follows ``candidates``;
    failures are kept, with their error, at the end."""
    ordered: Sequence[Candidate] = list(candidates)

    def attempt(candidate: Candidate) -> InterpreterProbe | ProbeError:
        try:
            return probe_interpreter(candidate.path, runner, timeout=timeout)
        except ProbeError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(ordered) or 1))) as pool:
        results = list(pool.map(attempt, ordered))
    merged: dict[tuple[str, str], list[Candidate]] = {}
    probes: dict[tuple[str, str], InterpreterProbe] = {}
    failed: list[Interpreter] = []
    for candidate, result in zip(ordered, results, strict=True):
        if isinstance(result, ProbeError):
            failed.append(Interpreter((candidate,), None, result.message))
            continue
        merged.setdefault(result.key, []).append(candidate)
        probes.setdefault(result.key, result)
    found = [Interpreter(tuple(cands), probes[key]) for key, cands in merged.items()]
    return found + failed
