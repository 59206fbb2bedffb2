"""The GitHub Action (action.yml, tools/github_action.py) and the pre-commit hook.

The action's script runs as GitHub runs it: a fresh process with ``INPUT_*`` variables, a
fake ``$GITHUB_STEP_SUMMARY`` and ``$GITHUB_OUTPUT``, the recorded index on 127.0.0.1, and
a fake ``gh`` on ``PATH`` that writes down the comment it was asked to post.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.indexserver import IndexServer

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "tools" / "github_action.py"
NUMPY_SEED = {
    "INPUT_REQUIREMENTS": "numpy",
    "INPUT_TARGETS": "win-arm64, win-amd64",
    "INPUT_PYTHON": "3.12",
    "INPUT_EXCLUDE_NEWER": "2023-11-20",
}

FAKE_GH = """\
#!{python}
import json, sys
args = sys.argv[1:]
body = open(args[args.index("--body-file") + 1], encoding="utf-8").read()
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps({{"args": args, "body": body}}) + "\\n")
sys.exit({status})
"""


def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text())
    return loaded


class Run:
    """One run of the action's script in a GitHub-like environment under ``tmp_path``."""

    def __init__(self, tmp_path: Path, server: IndexServer) -> None:
        self.tmp = tmp_path
        self.summary = tmp_path / "summary.md"
        self.summary.write_text("# earlier step\n", encoding="utf-8")
        self.output = tmp_path / "output.txt"
        self.gh_log = tmp_path / "gh.jsonl"
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.fake_gh(status=0)
        self.args = f"--index-url {server.url} --cache-dir {tmp_path / 'cache'} --no-build-needs"

    def fake_gh(self, status: int) -> None:
        gh = self.bin / "gh"
        gh.write_text(FAKE_GH.format(python=sys.executable, log=str(self.gh_log), status=status))
        gh.chmod(0o755)

    def __call__(self, **variables: str) -> subprocess.CompletedProcess[str]:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
        environ |= {
            "PATH": f"{self.bin}{os.pathsep}{environ.get('PATH', '')}",
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_REPOSITORY": "octo/project",
            "GITHUB_EVENT_NAME": "push",
            "INPUT_ARGS": self.args,
            "NO_COLOR": "1",
        }
        environ |= variables
        return subprocess.run(
            [sys.executable, str(SCRIPT)],
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=self.tmp,
        )

    def pull_request(self, number: int) -> dict[str, str]:
        event = self.tmp / "event.json"
        event.write_text(json.dumps({"pull_request": {"number": number}}))
        return {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}

    def comments(self) -> list[dict[str, Any]]:
        if not self.gh_log.exists():
            return []
        return [json.loads(line) for line in self.gh_log.read_text().splitlines()]


@pytest.fixture
def run(tmp_path: Path, index_server: IndexServer) -> Run:
    return Run(tmp_path, index_server)


class TestActionFile:
    def test_is_a_composite_action_with_the_documented_inputs(self) -> None:
        spec = action()
        assert spec["runs"]["using"] == "composite"
        assert set(spec["inputs"]) == {
            "requirements", "targets", "python", "fail-on", "exclude-newer", "comment", "args",
        }  # fmt: skip
        assert spec["inputs"]["comment"]["default"] == "false"

    def test_every_input_reaches_the_script_under_the_name_it_reads(self) -> None:
        sys.path.insert(0, str(SCRIPT.parent))
        try:
            import github_action  # noqa: PLC0415
        finally:
            sys.path.remove(str(SCRIPT.parent))
        (check,) = [step for step in action()["runs"]["steps"] if step.get("id") == "check"]
        passed = {k: v for k, v in check["env"].items() if k.startswith("INPUT_")}
        assert github_action.inputs_of(passed) == {
            name: f"${{{{ inputs.{name} }}}}" for name in action()["inputs"]
        }
        assert "tools/github_action.py" in check["run"]

    def test_installs_wheelcast_from_the_actions_own_folder(self) -> None:
        (install,) = [step for step in action()["runs"]["steps"] if step.get("id") == "install"]
        assert (
            'pip install --disable-pip-version-check --quiet "$GITHUB_ACTION_PATH"'
            in (install["run"])
        )


class TestActionScript:
    def test_writes_the_markdown_summary_and_exits_as_wheelcast(self, run: Run) -> None:
        done = run(**NUMPY_SEED)
        assert done.returncode == 1, done.stderr  # numpy builds on Windows on Arm
        summary = run.summary.read_text(encoding="utf-8")
        assert summary.startswith("# earlier step\n## wheelcast check\n")  # appended
        assert "| numpy | ▲ 1.26.2 build | ● 1.26.2 binary |" in summary
        assert "<summary>▲ numpy 1.26.2 on win-arm64@3.12" in summary
        assert run.output.read_text() == "exit-code=1\n"
        assert run.comments() == []  # comment defaults to false

    def test_fail_on_decides_the_outcome(self, run: Run) -> None:
        done = run(**NUMPY_SEED, INPUT_FAIL_ON="missing, conflict")
        assert done.returncode == 0
        assert "--fail-on missing,conflict" in done.stdout

    def test_a_requirement_with_a_marker_is_one_argument(self, run: Run) -> None:
        done = run(
            **NUMPY_SEED | {"INPUT_REQUIREMENTS": "numpy; sys_platform == 'darwin'\n# a note\n"}
        )
        assert done.returncode == 0, done.stderr  # the marker is false on Windows
        assert """'numpy; sys_platform == '"'"'darwin'"'"''""" in done.stdout

    def test_comments_on_the_pull_request_when_asked(self, run: Run) -> None:
        done = run(**NUMPY_SEED, INPUT_COMMENT="true", **run.pull_request(42))
        assert done.returncode == 1, done.stderr
        (comment,) = run.comments()
        assert comment["args"][:3] == ["pr", "comment", "42"]
        assert comment["args"][-2:] == ["--repo", "octo/project"]
        assert comment["body"] == run.summary.read_text(encoding="utf-8").removeprefix(
            "# earlier step\n"
        )

    def test_no_comment_outside_a_pull_request(self, run: Run) -> None:
        done = run(**NUMPY_SEED, INPUT_COMMENT="true")
        assert run.comments() == []
        assert "not a pull request" in done.stdout
        assert done.returncode == 1

    def test_a_failed_comment_fails_the_step_with_one_error(self, run: Run) -> None:
        run.fake_gh(status=1)
        done = run(
            **NUMPY_SEED, INPUT_FAIL_ON="missing", INPUT_COMMENT="yes", **run.pull_request(7)
        )
        assert done.returncode == 3
        errors = [line for line in done.stdout.splitlines() if line.startswith("::error::")]
        assert errors == [
            "::error::wheelcast action: gh pr comment failed with 1: give the workflow"
            " 'permissions: pull-requests: write'"
        ]
        assert "## wheelcast check" in run.summary.read_text(encoding="utf-8")  # written first

    def test_bad_input_is_said_in_the_summary_with_wheelcasts_code(self, run: Run) -> None:
        done = run(**NUMPY_SEED | {"INPUT_TARGETS": "win-arm65"})
        assert done.returncode == 3
        assert done.stderr.count("wheelcast: error:") == 1
        assert "No forecast: wheelcast exited with 3 (bad input)" in run.summary.read_text()
        assert run.output.read_text() == "exit-code=3\n"

    @pytest.mark.parametrize(
        ("variables", "error"),
        [
            (
                {"INPUT_COMMENT": "sometimes"},
                "input 'comment' must be true or false, not 'sometimes'",
            ),
            (
                {"INPUT_REQUIREMENTS": "'numpy"},
                "input 'requirements' cannot be read as arguments: No closing quotation",
            ),
        ],
    )
    def test_an_input_it_cannot_read_is_one_error(
        self, run: Run, variables: dict[str, str], error: str
    ) -> None:
        done = run(**NUMPY_SEED | variables)
        assert done.returncode == 3
        assert done.stdout.strip() == f"::error::wheelcast action: {error}"
        assert done.stderr == ""
        assert run.summary.read_text() == "# earlier step\n"  # nothing was run


def hook() -> dict[str, Any]:
    (only,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert isinstance(only, dict)
    return only


class TestPreCommitHook:
    @pytest.mark.parametrize(
        "path",
        [
            "requirements.txt",
            "requirements-dev.txt",
            "sub/requirements_test.txt",
            "requirements/base.txt",
            "pyproject.toml",
            "packages/app/pyproject.toml",
            "uv.lock",
            "poetry.lock",
            "pdm.lock",
            "Pipfile.lock",
            "pylock.toml",
            "pylock.dev.toml",
        ],
    )
    def test_runs_when_requirements_pyproject_or_a_lock_changes(self, path: str) -> None:
        # pre-commit matches `files` with re.search against each staged path.
        assert re.search(hook()["files"], path)

    @pytest.mark.parametrize(
        "path",
        [
            "setup.py",
            "README.md",
            "requirements.in",
            "requirements.txt.bak",
            "pyproject.toml.orig",
            "docs/requirements.rst",
            "Cargo.lock",
            "package-lock.json",
            "mypylock.toml",
            "src/uv.lock.py",
        ],
    )
    def test_not_on_other_files(self, path: str) -> None:
        assert not re.search(hook()["files"], path)

    def test_is_the_installed_command(self) -> None:
        spec = hook()
        assert spec["id"] == "wheelcast-check"
        assert spec["language"] == "python"  # pre-commit installs this repository
        scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
        assert shlex.split(spec["entry"])[0] in scripts

    @pytest.mark.parametrize(("target", "status"), [("win-amd64", 0), ("win-arm64", 1)])
    def test_its_entry_checks_the_project_folder(
        self, target: str, status: int, tmp_path: Path, index_server: IndexServer
    ) -> None:
        project = tmp_path / "project"
        project.mkdir()
        (project / "requirements.txt").write_text("numpy\n")
        program, *rest = shlex.split(hook()["entry"])
        # As pre-commit runs it: the entry, then the user's args, in the repository's root.
        command = [str(Path(sys.executable).parent / program), *rest]
        args = ["--target", target, "--python", "3.12", "--exclude-newer", "2023-11-20",
                "-i", index_server.url, "--cache-dir", str(tmp_path / "c"),
                "--no-build-needs"]  # fmt: skip
        done = subprocess.run(
            [*command, *args],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=os.environ | {"NO_COLOR": "1"},
        )
        assert done.returncode == status, done.stderr
        assert "input: requirements.txt (1 requirement)" in done.stdout
        needs = "1 needs a build (numpy)" if status else "0 need a build"
        assert f"{target} (cp312): {needs}" in done.stdout
