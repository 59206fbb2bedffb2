"""The GitHub Action's logic (action.yml): check, write the job summary, comment on the PR.

Run by action.yml with the Python wheelcast was installed into; it reads the action's
inputs from ``INPUT_*`` variables (set by action.yml), and GitHub's own variables:
``GITHUB_STEP_SUMMARY``, ``GITHUB_OUTPUT``, ``GITHUB_EVENT_NAME``, ``GITHUB_EVENT_PATH``,
``GITHUB_REPOSITORY``. Its exit code is wheelcast's, so ``fail-on`` decides the step's
outcome; the comment goes through ``gh pr comment`` (``GH_TOKEN`` set by action.yml).

Standard library only: it runs before anything else is known to be installed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

# Exit codes of wheelcast that mean no forecast was made (bad input, index, a bug).
NO_FORECAST = {3: "bad input", 4: "the index failed", 5: "an internal error"}
TRUE, FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off", ""}


class ActionError(Exception):
    """A wrong input: one line in the log, exit 3 as wheelcast gives for bad input."""


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s,]+", text) if word]


def requirement_args(text: str) -> list[str]:
    """One argument a line when the line is a requirement with a marker or URL
    (``numpy; python_version < '3.13'``), else each word: ``numpy "pandas>=2"``."""
    found: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if ";" in line or " @ " in line:
            found.append(line)
        else:
            found += _split("requirements", line)
    return found


def _split(name: str, text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError as error:  # an unclosed quote
        raise ActionError(f"input '{name}' cannot be read as arguments: {error}") from None


def check_command(inputs: Mapping[str, str], report: Path) -> list[str]:
    """``wheelcast check`` with the action's inputs, writing Markdown to ``report``."""
    command = [sys.executable, "-m", "wheelcast", "check"]
    command += requirement_args(inputs.get("requirements", ""))
    for target in _words(inputs.get("targets", "")):
        command += ["--target", target]
    for python in _words(inputs.get("python", "")):
        command += ["--python", python]
    if inputs.get("fail-on", "").strip():
        command += ["--fail-on", ",".join(_words(inputs["fail-on"]))]
    if inputs.get("exclude-newer", "").strip():
        command += ["--exclude-newer", inputs["exclude-newer"].strip()]
    command += _split("args", inputs.get("args", ""))
    return [*command, "--format", "markdown", "--output", str(report)]


def flag(inputs: Mapping[str, str], name: str) -> bool:
    value = inputs.get(name, "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ActionError(f"input '{name}' must be true or false, not '{value[:40]}'")


def pull_request(environ: Mapping[str, str]) -> int | None:
    """The pull request's number when the workflow runs for one."""
    if not environ.get("GITHUB_EVENT_NAME", "").startswith("pull_request"):
        return None
    try:
        event = json.loads(Path(environ["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        number = event["pull_request"]["number"]
    except (KeyError, OSError, ValueError, TypeError):
        return None
    return number if isinstance(number, int) else None


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(text)


def run(inputs: Mapping[str, str], environ: Mapping[str, str]) -> int:
    comment = flag(inputs, "comment")
    with tempfile.TemporaryDirectory(prefix="wheelcast-action-") as folder:
        report = Path(folder) / "wheelcast.md"
        command = check_command(inputs, report)  # bad inputs stop here, before any run
        print("wheelcast:", shlex.join(command[1:]), flush=True)
        status = subprocess.run(command, check=False).returncode
        if status in NO_FORECAST or not report.exists():
            text = (
                f"## wheelcast check\n\nNo forecast: wheelcast exited with {status}"
                f" ({NO_FORECAST.get(status, 'no report')}); its error is in the step's log.\n"
            )
        else:
            text = report.read_text(encoding="utf-8")
        summary = environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            _append(summary, text)
        else:  # outside GitHub: the report in the log
            print(text)
        _append(environ.get("GITHUB_OUTPUT"), f"exit-code={status}\n")
        if comment:
            number = pull_request(environ)
            if number is None:
                print("wheelcast: comment: not a pull request, no comment written")
            else:
                report.write_text(text, encoding="utf-8")
                try:
                    _comment(number, report, environ)
                except ActionError as error:
                    # The summary is written; the step still fails, with the forecast's
                    # exit code when it has one.
                    print(f"::error::wheelcast action: {error}", flush=True)
                    return status or 3
    return status


def _comment(number: int, body: Path, environ: Mapping[str, str]) -> None:
    command = ["gh", "pr", "comment", str(number), "--body-file", str(body)]
    if environ.get("GITHUB_REPOSITORY"):
        command += ["--repo", environ["GITHUB_REPOSITORY"]]
    try:
        done = subprocess.run(command, check=False)
    except OSError as error:
        raise ActionError(f"cannot run gh to comment on the pull request: {error}") from None
    if done.returncode != 0:
        raise ActionError(
            f"gh pr comment failed with {done.returncode}: give the workflow"
            " 'permissions: pull-requests: write'"
        )


def inputs_of(environ: Mapping[str, str]) -> dict[str, str]:
    """The action's inputs as action.yml passes them: ``INPUT_FAIL_ON`` is ``fail-on``."""
    return {
        key[len("INPUT_") :].lower().replace("_", "-"): value
        for key, value in environ.items()
        if key.startswith("INPUT_")
    }


def main(argv: Sequence[str] | None = None) -> int:
    del argv  # everything comes from the environment, as GitHub passes it
    try:
        return run(inputs_of(os.environ), os.environ)
    except ActionError as error:
        print(f"::error::wheelcast action: {error}", flush=True)
        return 3


if __name__ == "__main__":
    sys.exit(main())
