"""The README's first example prints exactly what the README shows (against the recorded index)."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path
from typing import Any

import yaml
from tests.indexserver import MakeIndexServer
from tests.seed_index import seed_server

from wheelcast.cli import build_parser, main, parse_fail_on

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"


def test_the_first_example_prints_what_the_readme_shows(
    tmp_path: Path, make_index_server: MakeIndexServer
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"\.venv/bin/wheelcast (check [^\n]*)\n", readme)
    shown = re.search(r"The first command prints:\n\n```\n(.*?)```\n", readme, re.DOTALL)
    assert command is not None
    assert shown is not None
    server = seed_server(tmp_path, make_index_server)
    out = io.StringIO()
    argv = [*shlex.split(command[1]), "-i", server.url, "--cache-dir", str(tmp_path / "c")]
    assert main(argv, out) == 1  # as the README says it exits
    assert out.getvalue() == shown[1]


def _readme_yaml_block(after: str) -> Any:
    """The first ```yaml block of the README that holds ``after``, parsed."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```\n", readme, re.DOTALL)
    (block,) = [b for b in blocks if after in b][:1]
    return yaml.safe_load(block)


class TestCiExamples:
    """The README's GitHub Action and pre-commit examples use what the files declare."""

    def test_the_action_example_names_only_the_actions_inputs(self) -> None:
        (step,) = _readme_yaml_block("uses: OWNER/wheelcast@REF")
        action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
        assert step["uses"] == "OWNER/wheelcast@REF"
        assert set(step["with"]) <= set(action["inputs"])

    def test_the_hook_example_is_the_declared_hook_with_arguments_check_reads(self) -> None:
        (repo,) = _readme_yaml_block("id: wheelcast-check")
        (used,) = repo["hooks"]
        (declared,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
        assert used["id"] == declared["id"]
        # As pre-commit runs it: the entry, then the example's args.
        command = [*shlex.split(declared["entry"])[1:], *used["args"]]
        args = build_parser().parse_args(command)
        assert args.command == "check"
        assert args.targets == ["win-arm64"]
        assert parse_fail_on(args.fail_on) == {"missing", "conflict"}
