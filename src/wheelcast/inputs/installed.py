"""``--installed [PYTHON]``: the distributions installed in an environment.

The interpreter is run in isolated mode (``-I``) with a stdlib-only script that prints
the installed distributions as JSON; nothing of that environment is imported into
wheelcast's own process. Each becomes a pin ``name==version``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from wheelcast.errors import InputError
from wheelcast.inputs.model import Origin, ProjectInput, RequirementItem

_SCRIPT = """\
import importlib.metadata as m, json, sys
seen = {}
for d in m.distributions():
    name = d.metadata["Name"]
    if name and name.lower() not in seen:
        seen[name.lower()] = (name, d.version)
v = sys.version_info
print(json.dumps({"python": "%d.%d" % (v[0], v[1]), "distributions": sorted(seen.values())}))
"""
_TIMEOUT = 60.0


def read_installed(python: str | Path | None = None) -> ProjectInput:
    """Pins for every distribution installed for ``python`` (default: this interpreter)."""
    interpreter = str(python or sys.executable)
    try:
        done = subprocess.run(
            [interpreter, "-I", "-c", _SCRIPT],
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(
            f"cannot run the interpreter '{interpreter}': {exc}",
            "give --installed the path of a Python interpreter",
        ) from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise InputError(
            f"the interpreter '{interpreter}' failed: {last}",
            "give --installed a working Python 3.8+ interpreter",
        )
    try:
        report = json.loads(done.stdout)
        distributions = [(str(n), str(v)) for n, v in report["distributions"]]
    except (ValueError, KeyError, TypeError):
        raise InputError(
            f"the interpreter '{interpreter}' did not list its distributions",
            "give --installed a CPython or PyPy interpreter",
        ) from None
    origin = Origin(Path(interpreter))
    items = []
    notes = []
    for name, version in distributions:
        try:
            requirement = Requirement(f"{canonicalize_name(name)}=={version}")
        except InvalidRequirement:
            notes.append(f"{interpreter}: skipped '{name}' {version}: not a valid pin")
            continue
        items.append(RequirementItem(requirement, origin))
    return ProjectInput(
        kind="installed",
        path=Path(interpreter),
        requirements=tuple(items),
        pythons=(str(report.get("python")),) if report.get("python") else (),
        notes=tuple(notes),
    )
