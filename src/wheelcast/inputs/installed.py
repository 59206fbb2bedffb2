"""``--installed [PYTHON]``: the distributions installed in an environment.

The interpreter is run in isolated mode (``-I``) with a stdlib-only script that prints
the installed distributions as JSON; nothing of that environment is imported into
wheelcast's own process. Each becomes a pin ``name==version``, except what was installed
from a URL or a path (PEP 610 ``direct_url.json``: an editable project, a VCS checkout, a
local folder or archive), which pip freeze writes ``name @ url`` and which is ``direct``
here too: no index has the user's own project.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from wheelcast.errors import InputError
from wheelcast.inputs.model import DirectItem, Origin, ProjectInput, RequirementItem

_SCRIPT = """\
import importlib.metadata as m, json, sys
seen = {}
for d in m.distributions():
    name = d.metadata["Name"]
    if name and name.lower() not in seen:
        seen[name.lower()] = (name, d.version, d.read_text("direct_url.json"))
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
        distributions = [(str(n), str(v), d) for n, v, d in report["distributions"]]
    except (ValueError, KeyError, TypeError):
        raise InputError(
            f"the interpreter '{interpreter}' did not list its distributions",
            "give --installed a CPython or PyPy interpreter",
        ) from None
    origin = Origin(Path(interpreter))
    items = []
    direct = []
    notes = []
    for name, version, direct_url in distributions:
        found = _direct(name, direct_url, origin)
        if found is not None:
            direct.append(found)
            continue
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
        direct=tuple(direct),
        pythons=(str(report.get("python")),) if report.get("python") else (),
        notes=tuple(notes),
    )


def _direct(name: str, direct_url: object, origin: Origin) -> DirectItem | None:
    """The direct reference PEP 610's ``direct_url.json`` records, or None (from an index)."""
    if not isinstance(direct_url, str):
        return None
    try:
        record = json.loads(direct_url)
        url = record["url"]
    except (ValueError, KeyError, TypeError):
        return None  # unreadable: pip freeze falls back to the pin too
    if not isinstance(record, dict) or not isinstance(url, str):
        return None
    dir_info = record.get("dir_info")
    editable = isinstance(dir_info, dict) and dir_info.get("editable") is True
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict) and isinstance(vcs.get("vcs"), str):
        # pip freeze's form: the checkout's commit, so what is installed is what is named.
        commit = vcs.get("commit_id")
        url = f"{vcs['vcs']}+{url}" + (f"@{commit}" if isinstance(commit, str) else "")
    return DirectItem(canonicalize_name(name), url, origin, editable=editable)
