"""wheelcast diagnose: reading real failure logs, and the re-forecast against the recorded index."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tarfile
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer, build_wheel

import wheelcast
from wheelcast.failure_log import SIGNATURES, NothingRecognised, diagnose, read_log
from wheelcast.report.diagnose_json import diagnosis_document, render_json
from wheelcast.report.diagnose_text import render_text

LOGS = Path(__file__).parent.parent / "data" / "logs"
FIXTURES = sorted(LOGS.glob("*.txt"))
SEED = LOGS / "seed-numpy-win-arm64.txt"


def log_text(path: Path) -> str:
    """The log without its first line, which names the bug report it came from."""
    header, _, text = path.read_text(encoding="utf-8").partition("\n")
    assert header.startswith("# source: ")
    return text


def expected(path: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return result


def index(server: IndexServer, cache: Path) -> wheelcast.IndexOptions:
    return wheelcast.IndexOptions(index_url=server.url, cache_dir=cache)


def cutoff(day: str) -> wheelcast.Options:
    return wheelcast.Options(exclude_newer=dt.datetime.fromisoformat(day + "T00:00:00+00:00"))


class TestFixtures:
    def test_there_are_at_least_twenty_real_logs(self) -> None:
        assert len(FIXTURES) >= 20
        sources = {p.read_text(encoding="utf-8").partition("\n")[0] for p in FIXTURES}
        assert len(sources) == len(FIXTURES)

    @pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
    def test_no_registry_host_or_user_name_is_committed(self, path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"pypi\.org|pythonhosted\.org|\bpypi\.python\.org", text)
        # Every URL's host is reserved.
        for host in re.findall(r"https?://([^/\s\"']+)", text):
            assert host.endswith(".invalid"), host
        # (Termux keeps its home under /data/data/com.termux/files/home: no user name there.)
        for home in re.findall(r"(?:(?<!files)/home/|/Users/|\\Users\\)([A-Za-z0-9._-]+)", text):
            assert home == "user", home


class TestReadLog:
    @pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
    @pytest.mark.parametrize(
        "field", ["package", "version", "python", "platform", "missing_tool", "installer"]
    )
    def test_each_expected_field(self, path: Path, field: str) -> None:
        facts = read_log(log_text(path))
        got = {
            "package": facts.package,
            "version": facts.version,
            "python": facts.python,
            "platform": facts.platform,
            "missing_tool": facts.tool.key if facts.tool else None,
            "installer": facts.installer,
        }
        assert got[field] == expected(path)[field]

    def test_the_seed_names_its_sdist_and_cites_its_evidence(self) -> None:
        facts = read_log(log_text(SEED))
        assert facts.sdist == "numpy-1.26.2.tar.gz"
        assert any("Unknown compiler(s)" in line for line in facts.evidence)
        assert any("Python312-arm64" in line for line in facts.evidence)

    @pytest.mark.parametrize(
        "text",
        ["", "hello\nworld\n", "Successfully installed numpy-2.3.0\n", "\x00\x01\x02" * 50],
    )
    def test_nothing_recognisable_is_an_input_error(self, text: str) -> None:
        with pytest.raises(NothingRecognised) as caught:
            read_log(text)
        assert isinstance(caught.value, wheelcast.InputError)
        assert caught.value.hint

    def test_a_header_deeper_than_the_compiler_wins(self) -> None:
        # portaudio.h missing next to "command 'gcc' failed": gcc ran, the header is absent.
        text = (
            "  Building wheel for pyaudio (setup.py) ... error\n"
            "  src/_portaudiomodule.c:29:10: fatal error: portaudio.h: No such file or directory\n"
            "  error: command 'gcc' failed with exit status 1\n"
        )
        tool = read_log(text).tool
        assert tool is not None
        assert tool.key == "portaudio-headers"

    def test_an_abi3_wheel_does_not_name_the_interpreter(self) -> None:
        text = (
            "Collecting cryptography\n"
            "  Downloading cryptography-36.0.0-cp36-abi3-musllinux_1_1_x86_64.whl (3.8 MB)\n"
            "  Building wheel for cffi (setup.py) ... error\n"
        )
        assert read_log(text).python is None


class TestSignatures:
    def test_keys_are_unique_and_every_row_says_what_to_install(self) -> None:
        keys = [s.key for s in SIGNATURES]
        assert len(keys) == len(set(keys))
        for signature in SIGNATURES:
            assert signature.patterns
            assert signature.meaning
            assert signature.install_for("debian") or signature.install_for("macos")

    def test_a_compiler_on_windows_on_arm_needs_the_arm64_build_tools(self) -> None:
        compilers = [s for s in SIGNATURES if s.compiler]
        assert compilers
        for signature in compilers:
            assert "ARM64 build tools" in signature.install_for("windows-arm64")
            assert "ARM64" not in signature.install_for("windows")


class TestDiagnoseSeed:
    """The seed's log, forecast again against the recorded index on 127.0.0.1."""

    def test_names_the_build_the_wheel_release_the_emulator_and_the_toolchain(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        diagnosis = diagnose(
            log_text(SEED), options=cutoff("2025-07-01"), index=index(index_server, tmp_path)
        )
        assert diagnosis.target == "win-arm64@3.12"
        forecast = diagnosis.forecast
        assert forecast is not None
        assert (forecast.verdict, forecast.version) == ("build", "1.26.2")
        assert forecast.newer_wheel == "2.3.0"
        assert diagnosis.emulated is not None
        assert diagnosis.emulated.target == "win-amd64@3.12"
        assert diagnosis.emulated.verdict == "binary"
        assert diagnosis.toolchain is not None
        assert "MSVC ARM64 build tools" in diagnosis.toolchain
        text = render_text(diagnosis)
        for needle in (
            "numpy 1.26.2",
            "numpy-1.26.2.tar.gz",
            "win-arm64@3.12",
            "a C compiler",
            "numpy>=2.3.0",
            "py -3.12-64",
            "MSVC ARM64 build tools",
        ):
            assert needle in text, needle
        assert "has no cp312 wheel for win_arm64" in text
        assert "win_amd64" in text  # the closest miss: the wheel is there, for x64
        assert (forecast.interpreter, forecast.platform_tag) == ("cp312", "win_arm64")

    def test_without_a_date_the_newest_record_still_names_2_3_0(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        diagnosis = diagnose(log_text(SEED), index=index(index_server, tmp_path))
        assert diagnosis.forecast is not None
        assert diagnosis.forecast.newer_wheel == "2.3.0"

    def test_a_date_before_2_3_0_knows_no_release_with_a_wheel(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        diagnosis = diagnose(
            log_text(SEED), options=cutoff("2025-01-01"), index=index(index_server, tmp_path)
        )
        assert diagnosis.forecast is not None
        assert diagnosis.forecast.verdict == "build"
        assert diagnosis.forecast.newer_wheel is None
        assert not any("2.3.0" in fix for fix in diagnosis.fixes)
        assert any("emulation" in fix for fix in diagnosis.fixes)

    def test_the_target_option_overrides_what_the_log_implies(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        diagnosis = diagnose(
            log_text(SEED), target="win-amd64@3.12", index=index(index_server, tmp_path)
        )
        assert diagnosis.forecast is not None
        assert diagnosis.forecast.verdict == "binary"
        assert diagnosis.emulated is None
        assert "has a wheel for win-amd64@3.12" in render_text(diagnosis)
        assert diagnosis.toolchain is not None
        assert "ARM64" not in diagnosis.toolchain

    def test_a_target_without_python_keeps_the_logs_python(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        diagnosis = diagnose(
            log_text(SEED), target="win-amd64", index=index(index_server, tmp_path)
        )
        assert diagnosis.target == "win-amd64@3.12"
        assert diagnosis.forecast is not None

    def test_the_json_document(self, index_server: IndexServer, tmp_path: Path) -> None:
        diagnosis = diagnose(
            log_text(SEED), options=cutoff("2025-07-01"), index=index(index_server, tmp_path)
        )
        document = json.loads(render_json(diagnosis))
        assert document == diagnosis_document(diagnosis)
        assert document["schema"] == "wheelcast.diagnose/1"
        assert document["package"] == "numpy"
        assert document["missing_tool"]["key"] == "c-compiler"
        assert document["forecast"]["newer_wheel"] == "2.3.0"
        assert document["emulated"]["verdict"] == "binary"


def _tiny_sdist(folder: Path, name: str, version: str) -> None:
    top = f"{name}-{version}"
    data = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n".encode()
    with tarfile.open(folder / f"{top}.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo(f"{top}/PKG-INFO")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))


class TestOtherPythons:
    """A release without a wheel for the log's Python, with wheels for the ones before it."""

    LOG = (
        "Collecting demo==1.0\n"
        "  Using cached demo-1.0.tar.gz (10 kB)\n"
        "Building wheels for collected packages: demo\n"
        "  Building wheel for demo (pyproject.toml) ... error\n"
        "  creating build\\lib.win-amd64-cpython-313\\demo\n"
        "  error: Microsoft Visual C++ 14.0 or greater is required.\n"
    )

    def folder(self, tmp_path: Path) -> wheelcast.IndexOptions:
        links = tmp_path / "links"
        links.mkdir()
        for tag in ("cp311-cp311-win_amd64", "cp312-cp312-win_amd64"):
            build_wheel(links, "demo", "1.0", tag=tag)
        _tiny_sdist(links, "demo", "1.0")
        return wheelcast.IndexOptions(
            find_links=(str(links),), no_index=True, cache_dir=tmp_path / "cache"
        )

    def test_the_pythons_with_a_wheel_are_a_fix(self, tmp_path: Path) -> None:
        diagnosis = diagnose(self.LOG, index=self.folder(tmp_path))
        assert diagnosis.target == "win-amd64@3.13"
        assert diagnosis.forecast is not None
        assert diagnosis.forecast.verdict == "build"
        assert diagnosis.other_pythons == ("3.11", "3.12")
        assert (
            diagnosis.fixes[0]
            == "use Python 3.11 or 3.12: demo 1.0 has a wheel for them on win-amd64"
        )
        # Only the fixes after the first are alternatives.
        assert diagnosis.fixes[1].startswith("or to build it, install")

    def test_a_python_that_builds_too_is_not_offered(self, tmp_path: Path) -> None:
        log = self.LOG.replace("cpython-313", "cpython-310")
        diagnosis = diagnose(log, index=self.folder(tmp_path))
        assert diagnosis.target == "win-amd64@3.10"
        assert "3.10" not in diagnosis.other_pythons
        assert "3.13" not in diagnosis.other_pythons


def test_a_log_without_the_python_version_is_not_forecast() -> None:
    path = LOGS / "psycopg2-pg-config-linux.txt"
    diagnosis = diagnose(log_text(path))  # no index given: it must not be asked
    assert diagnosis.forecast is None
    assert diagnosis.toolchain is not None
    assert "libpq-dev" in diagnosis.toolchain
    assert "pass --target" in render_text(diagnosis)


class TestUvManagedPythons:
    @pytest.mark.parametrize(
        ("path", "platform", "python"),
        [
            ("cpython-3.12.0-windows-aarch64-none", "win-arm64", "3.12"),
            ("cpython-3.13.1-macos-aarch64-none", "macos-arm64", "3.13"),
            ("cpython-3.11.9-linux-x86_64-musl", "musllinux-x86_64", "3.11"),
        ],
    )
    def test_the_interpreter_folder_names_platform_and_python(
        self, path: str, platform: str, python: str
    ) -> None:
        text = (
            f"Using CPython interpreter at: /home/user/.local/share/uv/python/{path}/bin/python3\n"
            "  x Failed to build `numpy==1.26.2`\n"
        )
        facts = read_log(text)
        assert (facts.platform, facts.python, facts.installer) == (platform, python, "uv")


class TestLogDate:
    def test_timestamps_date_the_forecast(self, index_server: IndexServer, tmp_path: Path) -> None:
        # The same log from a CI run of January 2024: numpy 2.3.0 did not exist yet.
        stamped = "".join(
            f"2024-01-15T10:20:{n % 60:02d}.1234567Z {line}\n"
            for n, line in enumerate(log_text(SEED).splitlines())
        )
        diagnosis = diagnose(stamped, index=index(index_server, tmp_path))
        assert diagnosis.facts.date == "2024-01-15"
        assert diagnosis.forecast is not None
        assert diagnosis.forecast.verdict == "build"
        assert diagnosis.forecast.newer_wheel is None
        assert "as of:   2024-01-15" in render_text(diagnosis)

    def test_the_option_wins_over_the_log(self, index_server: IndexServer, tmp_path: Path) -> None:
        stamped = "".join(f"2024-01-15T10:20:00Z {line}\n" for line in log_text(SEED).splitlines())
        diagnosis = diagnose(
            stamped, options=cutoff("2025-07-01"), index=index(index_server, tmp_path)
        )
        assert diagnosis.forecast is not None
        assert diagnosis.forecast.newer_wheel == "2.3.0"


@pytest.mark.parametrize(
    ("line", "key"),
    [
        (
            "psycopg/psycopg.h:36:10: fatal error: libpq-fe.h: No such file or directory",
            "pg-config",
        ),
        ("_mysql.c:44:10: fatal error: mysql.h: No such file or directory", "mysql-config"),
        ("Package libffi was not found in the pkg-config search path.", "ffi-headers"),
        (
            "Modules/LDAPObject.c:16:10: fatal error: sasl/sasl.h: No such file or directory",
            "ldap-headers",
        ),
        (
            "src/libImaging/ZipDecode.c:17:10: fatal error: zlib.h: No such file or directory",
            "zlib-headers",
        ),
        ("fatal error: 'hdf5.h' file not found", "hdf5-headers"),
        ("src/foo.c:3:10: fatal error: yaml.h: No such file or directory", "c-headers"),
        (
            "x86_64-linux-gnu-gcc: error trying to exec 'cc1plus': execvp: No such file",
            "c-compiler",
        ),
        (
            "ERROR: Unknown compiler(s): [['c++'], ['g++'], ['clang++'], ['nvc++'], ['pgc++']]",
            "c-compiler",
        ),
        (
            "error: Microsoft Visual C++ 9.0 is required. Get it from http://aka.invalid/vcpython27",
            "msvc",
        ),
        ("error: failed to run custom build command for `openssl-sys v0.9.80`", "openssl-headers"),
    ],
)
def test_a_signature_line_names_its_tool(line: str, key: str) -> None:
    tool = read_log("  Building wheel for demo (pyproject.toml) ... error\n" + line + "\n").tool
    assert tool is not None
    assert tool.key == key
