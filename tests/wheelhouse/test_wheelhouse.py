"""``wheelcast wheelhouse`` against a tiny index on 127.0.0.1: fetched, verified, built,
resumed, and installed with no index at all."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import Failure, IndexServer, MakeIndexServer, build_wheel
from tests.wheelhouse.wheelhouse_support import TinyIndex, host_tag, make_index

from wheelcast.cli import main
from wheelcast.wheelhouse import download

ARM = "win-arm64@3.12"
ARM_FILES = {
    "alpha-1.0-py3-none-any.whl",
    "beta-1.0-py3-none-any.whl",
    "delta-1.0-cp312-cp312-win_arm64.whl",
    "gamma-1.0.tar.gz",
}


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, out), out.getvalue()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dists(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_file() and p.name.endswith((".whl", ".gz"))}


def file_requests(server: IndexServer) -> dict[str, int]:
    """Downloads of whole files (not their PEP 658 metadata)."""
    return {
        path: count
        for path, count in server.requests.items()
        if path.startswith("/files/") and not path.endswith(".metadata")
    }


class StallingServer(IndexServer):
    """Answers ``stall`` only once :attr:`release` is set: a download that hangs."""

    def __init__(self, *dirs: Path, stall: str) -> None:
        super().__init__(*dirs)
        self.stall = stall
        self.stalled = threading.Event()
        self.release = threading.Event()

    def _record(self, method: str, path: str, headers: Mapping[str, str]) -> Failure | None:
        failure = super()._record(method, path, headers)
        if path == self.stall and not self.release.is_set():
            self.stalled.set()
            self.release.wait(120)
        return failure


@pytest.fixture
def tiny(tmp_path: Path) -> TinyIndex:
    return make_index(tmp_path / "index")


@pytest.fixture
def server(tiny: TinyIndex, make_index_server: MakeIndexServer) -> IndexServer:
    return make_index_server(tiny.pages, tiny.metadata, tiny.files)


def wheelhouse(server: IndexServer, tmp_path: Path, *targets: str, fmt: str = "json") -> list[str]:
    argv = ["wheelhouse", "alpha", "-i", server.url, "--cache-dir", str(tmp_path / "cache")]
    for target in targets:
        argv += ["-t", target]
    return [*argv, "-d", str(tmp_path / "wh"), "--format", fmt]


class TestForeignTarget:
    def test_the_folder_holds_exactly_the_forecast_files_with_the_index_hashes(
        self, server: IndexServer, tiny: TinyIndex, tmp_path: Path
    ) -> None:
        code, out = run(wheelhouse(server, tmp_path, ARM))
        check_code, check_out = run(
            ["check", "alpha", "-i", server.url, "--cache-dir", str(tmp_path / "cache"),
             "-t", ARM, "--format", "json"]
        )  # fmt: skip
        forecast = json.loads(check_out)["results"][0]["packages"]
        expected = {p["file"] for p in forecast}
        assert code == check_code == 1  # gamma is left for pip to build on the target
        folder = tmp_path / "wh" / ARM
        assert dists(folder) == expected == ARM_FILES
        manifest = json.loads((tmp_path / "wh" / "manifest.json").read_text())
        assert manifest == json.loads(out)
        assert manifest["schema"] == "wheelcast.wheelhouse/1"
        entries = {Path(e["file"]).name: e for e in manifest["files"]}
        assert set(entries) == ARM_FILES
        for name, entry in entries.items():
            assert entry["sha256"] == sha256(folder / name) == sha256(tiny.file(name))
            assert entry["url"] == server.file_url(name)
            assert entry["target"] == ARM
        assert entries["gamma-1.0.tar.gz"]["verdict"] == "build"
        assert entries["delta-1.0-cp312-cp312-win_arm64.whl"]["verdict"] == "binary"
        assert entries["alpha-1.0-py3-none-any.whl"]["verdict"] == "pure"
        [target] = manifest["targets"]
        assert target["builds"] == []  # not this machine: nothing is built
        assert target["complete"] is False
        assert (folder / "constraints.txt").read_text().splitlines()[1:] == [
            "alpha==1.0", "beta==1.0", "delta==1.0", "gamma==1.0",
        ]  # fmt: skip
        assert (folder / "requirements.txt").read_text() == "alpha\n"
        assert target["install"] == (
            f"pip install --no-index --find-links {folder} -r {folder}/requirements.txt"
            f" -c {folder}/constraints.txt"
        )

    @pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
    def test_the_files_are_readable_as_the_umask_allows(
        self, server: IndexServer, tmp_path: Path
    ) -> None:
        # A wheelhouse COPY'd into an image is read by pip as another user: 0600 fails there.
        old = os.umask(0o022)
        try:
            run(wheelhouse(server, tmp_path, ARM))
            run(wheelhouse(server, tmp_path, "win-amd64@3.12"))  # the shared files: copies
        finally:
            os.umask(old)
        for target in (ARM, "win-amd64@3.12"):
            folder = tmp_path / "wh" / target
            modes = {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()}
            assert set(modes.values()) == {0o644}, modes

    @pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
    def test_the_umask_is_asked_once_per_folder(
        self, server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        asked: list[Path] = []
        real = download._usual_mode

        def counting(folder: Path) -> int:
            asked.append(folder)
            return real(folder)

        monkeypatch.setattr(download, "_usual_mode", counting)
        run(wheelhouse(server, tmp_path, ARM))
        assert asked == [tmp_path / "wh" / ARM]  # not once per file placed

    def test_a_hash_mismatch_is_an_error_and_leaves_nothing_partial(
        self,
        server: IndexServer,
        tiny: TinyIndex,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        # The index lists one sha256; the file served is another (a bad mirror).
        wheel = tiny.file("delta-1.0-cp312-cp312-win_arm64.whl")
        wheel.write_bytes(wheel.read_bytes() + b"tampered")
        code, _ = run(wheelhouse(server, tmp_path, ARM))
        assert code == 4
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1
        assert "delta-1.0-cp312-cp312-win_arm64.whl: sha256 does not match" in err[0]
        folder = tmp_path / "wh" / ARM
        left = {p.name for p in folder.iterdir()}
        assert wheel.name not in left
        assert not [name for name in left if name.startswith(".")]  # no temporary file
        assert not (tmp_path / "wh" / "manifest.json").exists()
        # What was whole and verified stays, and is not fetched again once the mirror heals.
        assert left <= ARM_FILES
        assert left

    def test_a_file_from_a_find_links_folder_is_copied_from_there(
        self, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        links = tmp_path / "links"
        tiny = make_index(tmp_path / "index", arm_wheel_in=links)
        server = make_index_server(tiny.pages, tiny.metadata, tiny.files)
        code, out = run([*wheelhouse(server, tmp_path, ARM), "-f", str(links)])
        assert code == 1
        folder = tmp_path / "wh" / ARM
        assert dists(folder) == ARM_FILES
        arm = "delta-1.0-cp312-cp312-win_arm64.whl"
        assert sha256(folder / arm) == sha256(links / arm)
        entry = next(e for e in json.loads(out)["files"] if e["file"].endswith(arm))
        assert entry["url"] == (links / arm).resolve().as_uri()

    def test_targets_share_files_and_an_earlier_target_keeps_its_manifest_entries(
        self, server: IndexServer, tmp_path: Path
    ) -> None:
        assert run(wheelhouse(server, tmp_path, ARM))[0] == 1
        server.reset()
        code, out = run(wheelhouse(server, tmp_path, "win-arm64@3.13", ARM))
        assert code == 2  # delta has no wheel for 3.13 on Windows on Arm, nor an sdist
        this_run = json.loads(out)
        [skipped] = this_run["targets"][0]["skipped"]
        assert (skipped["name"], skipped["verdict"]) == ("delta", "missing")
        # 3.13 takes alpha, beta and gamma as 3.12 does: linked from its folder, not fetched.
        assert file_requests(server) == {}
        assert (this_run["downloaded"], this_run["reused"]) == (0, 4)
        new = tmp_path / "wh" / "win-arm64@3.13"
        assert dists(new) == ARM_FILES - {"delta-1.0-cp312-cp312-win_arm64.whl"}
        old = tmp_path / "wh" / ARM / "alpha-1.0-py3-none-any.whl"
        assert (new / old.name).stat().st_ino == old.stat().st_ino  # a hard link
        server.reset()
        assert run(wheelhouse(server, tmp_path, "win-arm64@3.13"))[0] == 2
        manifest = json.loads((tmp_path / "wh" / "manifest.json").read_text())
        assert [t["target"] for t in manifest["targets"]] == [ARM, "win-arm64@3.13"]
        assert {e["target"] for e in manifest["files"]} == {ARM, "win-arm64@3.13"}


class TestResume:
    def test_an_interrupted_run_resumes_without_fetching_verified_files_again(
        self, server: IndexServer, tmp_path: Path
    ) -> None:
        cache = ["-i", server.url, "--cache-dir", str(tmp_path / "cache")]
        assert run(["check", "alpha", *cache, "-t", ARM])[0] == 1  # metadata cached
        server.fail(Failure.CLOSE, prefix="/files/delta-1.0-cp312")  # the network drops
        code, _ = run(wheelhouse(server, tmp_path, ARM))
        assert code == 4
        folder = tmp_path / "wh" / ARM
        assert dists(folder) == ARM_FILES - {"delta-1.0-cp312-cp312-win_arm64.whl"}
        # A run killed mid-download leaves its temporary file: the next run deletes it.
        (folder / ".download-abc-delta-1.0-cp312-cp312-win_arm64.whl").write_bytes(b"half")
        server.reset()
        code, out = run(wheelhouse(server, tmp_path, ARM))
        assert code == 1
        assert file_requests(server) == {"/files/delta-1.0-cp312-cp312-win_arm64.whl": 1}
        manifest = json.loads(out)
        assert (manifest["downloaded"], manifest["reused"]) == (1, 3)
        assert dists(folder) == ARM_FILES
        assert not [p for p in folder.iterdir() if p.name.startswith(".download-")]
        reused = {Path(e["file"]).name for e in manifest["files"] if e["reused"]}
        assert reused == ARM_FILES - {"delta-1.0-cp312-cp312-win_arm64.whl"}

    def test_a_run_killed_mid_download_resumes_without_fetching_verified_files(
        self, tiny: TinyIndex, tmp_path: Path
    ) -> None:
        stalled = "/files/delta-1.0-cp312-cp312-win_arm64.whl"
        with StallingServer(tiny.pages, tiny.metadata, tiny.files, stall=stalled) as server:
            assert run(["check", "alpha", "-i", server.url, "--cache-dir", str(tmp_path / "cache"),
                        "-t", ARM])[0] == 1  # fmt: skip
            argv = wheelhouse(server, tmp_path, ARM, fmt="text")
            process = subprocess.Popen(
                [sys.executable, "-m", "wheelcast", *argv],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            folder = tmp_path / "wh" / ARM
            others = ARM_FILES - {stalled.rpartition("/")[2]}
            try:
                assert server.stalled.wait(120)
                deadline = time.monotonic() + 60
                while (not folder.is_dir() or dists(folder) != others) and (
                    time.monotonic() < deadline
                ):
                    time.sleep(0.05)
            finally:
                process.kill()  # SIGKILL: no clean-up runs
                process.wait(30)
            assert dists(folder) == others  # nothing under the stalled file's name
            server.release.set()
            server.reset()
            code, out = run(argv)
            assert code == 1
            assert file_requests(server) == {stalled: 1}
            assert "1 file(s) downloaded, 3 already there and verified (reused)" in out
            assert dists(folder) == ARM_FILES

    def test_a_distribution_no_longer_forecast_is_removed(
        self, server: IndexServer, tmp_path: Path
    ) -> None:
        assert run(wheelhouse(server, tmp_path, ARM))[0] == 1
        folder = tmp_path / "wh" / ARM
        (folder / "beta-0.9-py3-none-any.whl").write_bytes(b"an older forecast's pick")
        (folder / "NOTES.txt").write_text("not a distribution: kept")
        code, out = run(wheelhouse(server, tmp_path, ARM))
        assert code == 1
        assert json.loads(out)["removed"] == 1
        assert dists(folder) == ARM_FILES
        assert (folder / "NOTES.txt").exists()

    def test_a_damaged_file_in_the_folder_is_fetched_again(
        self, server: IndexServer, tmp_path: Path
    ) -> None:
        assert run(wheelhouse(server, tmp_path, ARM))[0] == 1
        damaged = tmp_path / "wh" / ARM / "beta-1.0-py3-none-any.whl"
        damaged.write_bytes(b"not the wheel")
        server.reset()
        code, out = run(wheelhouse(server, tmp_path, ARM, fmt="text"))
        assert code == 1
        assert file_requests(server) == {"/files/beta-1.0-py3-none-any.whl": 1}
        assert "1 file(s) downloaded, 3 already there and verified (reused)" in out
        assert damaged.read_bytes()[:2] == b"PK"


def _venv(where: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, timeout=300)
    return where / ("Scripts" if os.name == "nt" else "bin") / "python"


def _run(command: list[Any], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )


class TestHost:
    def test_the_host_wheelhouse_installs_with_no_index_and_pip_check_passes(
        self, server: IndexServer, tmp_path: Path
    ) -> None:
        code, out = run(wheelhouse(server, tmp_path, "host", ARM))
        manifest = json.loads(out)
        host = next(t for t in manifest["targets"] if t["target"].startswith("host@"))
        [build] = host["builds"]
        assert (build["name"], build["ok"]) == ("gamma", True)
        assert host["complete"] is True
        assert code == 1  # the win-arm64 folder still has gamma's sdist
        # The build backend came from the same index, for this machine.
        assert server.requests["/files/tinyback-1.0-py3-none-any.whl"] == 1
        # Files both targets take are downloaded once and linked into the other folder.
        assert file_requests(server)["/files/alpha-1.0-py3-none-any.whl"] == 1
        folder = tmp_path / "wh" / host["folder"]
        assert dists(folder) == {
            "alpha-1.0-py3-none-any.whl", "beta-1.0-py3-none-any.whl",
            f"delta-1.0-{host_tag()}.whl", "gamma-1.0.tar.gz", "gamma-1.0-py3-none-any.whl",
        }  # fmt: skip
        built = next(e for e in manifest["files"] if e["verdict"] == "built")
        assert built["url"] is None
        assert built["sha256"] == sha256(tmp_path / "wh" / built["file"])
        python = _venv(tmp_path / "venv")
        env = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        env.pop("PIP_INDEX_URL", None)
        install = [python, "-m", *host["install"].split()]
        server.reset()
        done = _run(install, env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert not server.requests  # the install asked no index
        check = _run([python, "-m", "pip", "check"], env)
        assert check.returncode == 0, check.stdout
        value = _run([python, "-c", "import alpha, beta, delta, gamma; print(gamma.VALUE)"], env)
        assert value.stdout.strip() == "42"

    def test_a_failing_build_is_reported_with_why_and_its_log(
        self, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        tiny = make_index(tmp_path / "index", backend_ok=False)
        server = make_index_server(tiny.pages, tiny.metadata, tiny.files)
        code, out = run(wheelhouse(server, tmp_path, "host"))
        assert code == 2  # pip could not install gamma offline
        [host] = json.loads(out)["targets"]
        [build] = host["builds"]
        assert (build["name"], build["ok"], build["wheel"]) == ("gamma", False, None)
        assert "broken" in build["detail"]
        log = (tmp_path / "wh" / build["log"]).read_text()
        assert "broken" in log
        assert host["complete"] is False

    def test_an_interpreter_on_this_machine_builds_its_sdists(
        self, server: IndexServer, tmp_path: Path
    ) -> None:
        argv = wheelhouse(server, tmp_path, fmt="text")
        code, out = run([*argv, "--interpreter", sys.executable])
        assert code == 0
        [house] = json.loads((tmp_path / "wh" / "manifest.json").read_text())["targets"]
        assert house["target"].startswith(sys.executable)
        assert "/" not in house["folder"]
        assert [b["ok"] for b in house["builds"]] == [True]
        assert "gamma-1.0-py3-none-any.whl" in dists(tmp_path / "wh" / house["folder"])
        assert f"built  gamma 1.0: built by {sys.executable} -m build (isolated)" in out


class TestBadInput:
    def test_help_says_it_runs_the_sdists_build_code(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(["wheelhouse", "--help"])[0] == 0
        text = " ".join(capsys.readouterr().out.split())
        assert "RUNS THE SDISTS' BUILD CODE" in text
        assert "--interpreter" in text
        assert "--exclude-newer" in text

    def test_a_wheelhouse_another_run_is_writing_is_refused(
        self, server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        fcntl = pytest.importorskip("fcntl")
        (tmp_path / "wh").mkdir()
        with (tmp_path / "wh" / ".wheelhouse.lock").open("a+b") as held:
            fcntl.flock(held.fileno(), fcntl.LOCK_EX)
            code, _ = run(wheelhouse(server, tmp_path, ARM, fmt="text"))
        assert code == 3
        [line] = capsys.readouterr().err.strip().splitlines()
        assert "is being written by another wheelcast run" in line
        assert not (tmp_path / "wh" / ARM).exists()

    def test_a_dest_that_is_a_file_is_one_line_and_exit_3(
        self, server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "wh").write_text("a file")
        code, _ = run(wheelhouse(server, tmp_path, ARM, fmt="text"))
        assert code == 3
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1
        assert "cannot write the wheelhouse" in err[0]


class TestDirect:
    def test_a_direct_local_wheel_is_copied_in_and_a_direct_sdist_is_listed(
        self, server: IndexServer, tmp_path: Path
    ) -> None:
        local = build_wheel(tmp_path / "mine", "epsilon", "0.1")
        zeta = tmp_path / "zeta"
        zeta.mkdir()
        (zeta / "pyproject.toml").write_text('[project]\nname = "zeta"\nversion = "0.1"\n')
        argv = wheelhouse(server, tmp_path, ARM)
        argv[2:2] = [str(local), f"zeta @ {zeta.as_uri()}"]
        code, out = run(argv)
        assert code == 1
        folder = tmp_path / "wh" / ARM
        assert dists(folder) == ARM_FILES | {local.name}
        manifest = json.loads(out)
        entry = next(e for e in manifest["files"] if e["name"] == "epsilon")
        assert (entry["sha256"], entry["verdict"]) == (sha256(local), "pure")
        [skipped] = manifest["targets"][0]["skipped"]
        assert (skipped["name"], skipped["verdict"]) == ("zeta", "direct")
