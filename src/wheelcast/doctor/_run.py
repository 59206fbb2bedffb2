"""The one seam through which doctor runs programs and looks them up on ``PATH``.

Every external command (an interpreter probe, ``gcc --version``, ``py list``,
``vswhere``) goes through a :class:`Runner`, so tests replay recorded outputs with a
fake one. A command that is missing, fails to start, or outlives its timeout gives
``None``: callers turn that into a note, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["DEFAULT_TIMEOUT", "Completed", "Runner", "SubprocessRunner"]

DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Completed:
    """What a finished command gave back."""

    returncode: int
    stdout: str
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class Runner(Protocol):
    """Runs commands and finds programs; the only way doctor touches other programs.

    Contract: :meth:`run` never raises for a command that cannot be started, fails or
    times out: it returns ``None`` when nothing ran to completion and a
    :class:`Completed` (whatever its return code) otherwise. Output is decoded as
    UTF-8 with replacement. :meth:`which` answers like :func:`shutil.which` against the
    runner's own ``PATH``.
    """

    def run(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT) -> Completed | None:
        """Run ``argv`` (no shell) and wait at most ``timeout`` seconds."""
        ...

    def which(self, name: str) -> str | None:
        """The full path of program ``name`` on this runner's ``PATH``, or ``None``."""
        ...


class SubprocessRunner:
    """The real runner. ``env`` (default: ``os.environ``) is the child's environment
    and its ``PATH`` is the one :meth:`which` searches."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = dict(os.environ if env is None else env)

    def run(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT) -> Completed | None:
        try:
            proc = subprocess.run(
                list(argv),
                capture_output=True,
                timeout=timeout,
                env=self.env,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.SubprocessError, ValueError):
            return None
        return Completed(
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    def which(self, name: str) -> str | None:
        return shutil.which(name, path=self.env.get("PATH", ""))
