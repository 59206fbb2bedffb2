"""``--installed``: what an environment holds; what came from a URL or path is direct."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from wheelcast.cli import main
from wheelcast.inputs import read_installed


def environment(tmp_path: Path, distributions: dict[str, dict[str, object] | None]) -> Path:
    """A venv (no pip) holding ``name-version`` dist-infos, with the given direct_url.json."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    site = Path(
        subprocess.run(
            [str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    for spec, direct_url in distributions.items():
        name, version = spec.split("-")
        info = site / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n"
        )
        if direct_url is not None:
            (info / "direct_url.json").write_text(json.dumps(direct_url))
    return python


class TestDirectUrl:
    @pytest.fixture
    def python(self, tmp_path: Path) -> Path:
        project = (tmp_path / "myproject").as_uri()
        return environment(
            tmp_path,
            {
                "myproject-0.1": {"url": project, "dir_info": {"editable": True}},
                "helper-2.0": {
                    "url": "https://git.example.invalid/helper",
                    "vcs_info": {"vcs": "git", "commit_id": "abc123"},
                },
                "localpkg-1.0": {"url": project, "dir_info": {}},
                "attrs-23.1.0": None,
                "broken-1.0": {"no": "url"},
            },
        )

    def test_an_editable_project_is_direct_not_a_pin(self, python: Path, tmp_path: Path) -> None:
        project = read_installed(python)
        direct = {item.name: item for item in project.direct}
        pins = {item.requirement.name for item in project.requirements}
        assert "myproject" not in pins
        assert direct["myproject"].editable
        assert direct["myproject"].url_or_path == (tmp_path / "myproject").as_uri()

    def test_vcs_and_folder_installs_are_direct_as_pip_freeze_writes_them(
        self, python: Path
    ) -> None:
        direct = {item.name: item for item in read_installed(python).direct}
        assert direct["helper"].url_or_path == "git+https://git.example.invalid/helper@abc123"
        assert not direct["helper"].editable
        assert not direct["localpkg"].editable

    def test_index_installs_and_unreadable_records_stay_pins(self, python: Path) -> None:
        project = read_installed(python)
        pins = {str(item.requirement) for item in project.requirements}
        assert {"attrs==23.1.0", "broken==1.0"} <= pins
        assert {item.name for item in project.direct} == {"myproject", "helper", "localpkg"}


class TestCheckInstalled:
    def test_the_users_editable_project_is_direct_not_missing(self, tmp_path: Path) -> None:
        project = (tmp_path / "myproject").as_uri()
        python = environment(
            tmp_path, {"myproject-0.1": {"url": project, "dir_info": {"editable": True}}}
        )
        links = tmp_path / "links"
        links.mkdir()
        out = io.StringIO()
        code = main(
            ["check", "--installed", str(python), "-t", "linux-x86_64", "--no-index",
             "-f", str(links), "--cache-dir", str(tmp_path / "cache"), "--format", "json"],
            out,
        )  # fmt: skip
        (package,) = json.loads(out.getvalue())["results"][0]["packages"]
        assert (package["name"], package["verdict"]) == ("myproject", "direct")
        assert code == 1  # pip builds it: as README's exit codes have it
