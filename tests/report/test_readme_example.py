"""The README's first example prints exactly what the README shows (against the recorded index)."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

from tests.indexserver import MakeIndexServer
from tests.seed_index import seed_server

from wheelcast.cli import main

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
