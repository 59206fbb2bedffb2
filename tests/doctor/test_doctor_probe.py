"""Probing interpreters: parsing the probe's JSON, targets from probes, and on this
machine, tags equal to what packaging computes inside each interpreter."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import packaging
import pytest
from packaging.markers import default_environment
from packaging.tags import sys_tags
from packaging.version import Version
from tests.doctor.fakes import FakeRunner
from tests.doctor.probes import probe_document, probe_of

from wheelcast.cli import main
from wheelcast.doctor import (
    Completed,
    ProbeError,
    SubprocessRunner,
    discover,
    find_interpreters,
    interpreter_tags,
    interpreter_target,
    probe_interpreter,
)
from wheelcast.doctor.probe import SCRIPT, parse_probe
from wheelcast.errors import InputError
from wheelcast.targets import Platform
from wheelcast.targets.tags import compatible_tags


class TestParseProbe:
    def test_windows_arm64(self) -> None:
        probe = probe_of()
        assert probe.version == (3, 12, 10)
        assert probe.sysconfig_platform == "win-arm64"
        assert not probe.is_venv
        assert probe.short_version == "3.12.10"
        assert dict(probe.environment)["platform_machine"] == "ARM64"

    @pytest.mark.parametrize(
        ("text", "match"),
        [
            ("", "no JSON"),
            ("Traceback (most recent call last):", "no JSON"),
            ("[1, 2]", "unexpected document"),
            (json.dumps(probe_document(schema=2)), "unexpected document"),
            (json.dumps(probe_document(version=[3, 12])), "'version'"),
            (json.dumps(probe_document(environment={"os_name": "nt"})), "'environment'"),
            (json.dumps(probe_document(executable=3)), "'executable'"),
            (json.dumps(probe_document(glibc="two")), "'glibc'"),
            (json.dumps(probe_document(pointer_bits=16)), "'pointer_bits'"),
            (json.dumps(probe_document(packaging_tags=[1])), "'packaging_tags'"),
        ],
        ids=[
            "empty",
            "traceback",
            "list",
            "schema",
            "version",
            "environment",
            "executable",
            "glibc",
            "bits",
            "tags",
        ],
    )
    def test_malformed_is_a_clear_error(self, text: str, match: str) -> None:
        with pytest.raises(ProbeError, match=match) as info:
            parse_probe(text, "C:\\py.exe")
        assert isinstance(info.value, InputError)
        assert "C:\\py.exe" in str(info.value)
        assert info.value.hint

    def test_last_line_is_the_document(self) -> None:
        text = "a sitecustomize said hello\n" + json.dumps(probe_document())
        assert parse_probe(text, "p").version == (3, 12, 10)


def _probe_error(path: str, runner: Any, timeout: float = 10.0) -> ProbeError:
    with pytest.raises(ProbeError) as info:
        probe_interpreter(path, runner, timeout=timeout)
    error = info.value
    # one line naming the input, with a hint, never the probe script
    assert "\n" not in error.message
    assert len(error.message) < 300
    assert "import json" not in error.message
    assert path in error.message
    assert error.hint
    return error


class TestProbeInterpreter:
    def test_runs_isolated_with_the_script(self) -> None:
        probe = json.dumps(probe_document())
        runner = FakeRunner(outputs={("py", "-I", "-c", SCRIPT): Completed(0, probe)})
        assert probe_interpreter("py", runner).version == (3, 12, 10)
        assert runner.calls == [("py", "-I", "-c", SCRIPT)]

    def test_python2_is_named_unsupported(self) -> None:
        failed = Completed(2, "", "Unknown option: -I\nTry `python -h' for more information.\n")
        runner = FakeRunner(
            outputs={
                ("python2", "-I", "-c", SCRIPT): failed,
                ("python2", "-V"): Completed(0, "", "Python 2.7.18\n"),
            }
        )
        error = _probe_error("python2", runner)
        assert error.message == (
            "Python 2.7.18 at python2 is not supported: wheelcast forecasts for Python 3"
        )

    def test_program_that_echoes_its_arguments_is_not_python(self) -> None:
        echoed = f"/bin/ls: cannot access '{SCRIPT}': No such file or directory\n"
        runner = FakeRunner(
            outputs={
                ("/bin/ls", "-I", "-c", SCRIPT): Completed(2, "", echoed),
                ("/bin/ls", "-V"): Completed(2, "", "/bin/ls: invalid option -- 'V'\n"),
            }
        )
        error = _probe_error("/bin/ls", runner)
        assert error.message.startswith("/bin/ls is not a Python interpreter (it exited 2")

    def test_program_that_prints_no_document_is_not_python(self) -> None:
        runner = FakeRunner(
            outputs={
                ("/bin/echo", "-I", "-c", SCRIPT): Completed(0, f"-I -c {SCRIPT}\n"),
                ("/bin/echo", "-V"): Completed(0, "-V\n"),
            }
        )
        error = _probe_error("/bin/echo", runner)
        assert error.message.startswith("/bin/echo is not a Python interpreter (it printed no")

    def test_python3_whose_probe_fails_names_the_last_stderr_line(self) -> None:
        crash = "Traceback (most recent call last):\n  ...\nOSError: " + "x" * 500 + "\n"
        runner = FakeRunner(
            outputs={
                ("py", "-I", "-c", SCRIPT): Completed(1, "", crash),
                ("py", "-V"): Completed(0, "Python 3.12.1\n"),
            }
        )
        error = _probe_error("py", runner)
        assert error.message.startswith(
            "Python 3.12.1 at py could not run wheelcast's probe (it exited 1: OSError: xxx"
        )

    def test_python3_printing_junk_keeps_the_parse_error(self) -> None:
        runner = FakeRunner(
            outputs={
                ("py", "-I", "-c", SCRIPT): Completed(0, "hello from sitecustomize\n"),
                ("py", "-V"): Completed(0, "Python 3.12.1\n"),
            }
        )
        assert "the probe printed no JSON" in _probe_error("py", runner).message

    def test_no_answer_to_version_names_the_last_stderr_line(self) -> None:
        failed = Completed(2, "", "Unknown option: -I\nTry `python -h' for more information.\n")
        runner = FakeRunner(outputs={("python2", "-I", "-c", SCRIPT): failed})
        assert _probe_error("python2", runner).message == (
            "python2 could not run wheelcast's probe"
            " (it exited 2: Try `python -h' for more information.)"
        )

    def test_program_not_on_path(self) -> None:
        error = _probe_error("python3.99", FakeRunner())
        assert error.message == "python3.99: no such program on PATH"

    def test_found_but_not_started(self) -> None:
        runner = FakeRunner(programs={"py": "/usr/bin/py"})
        assert _probe_error("py", runner).message == (
            "py could not be started (not a program this machine runs)"
        )

    def test_no_such_file(self, tmp_path: Path) -> None:
        missing = str(tmp_path / "nonexistent")
        error = _probe_error(missing, SubprocessRunner())
        assert error.message == f"{missing}: no such file"

    def test_a_directory(self, tmp_path: Path) -> None:
        error = _probe_error(str(tmp_path), SubprocessRunner())
        assert error.message == f"{tmp_path} is a directory, not a Python interpreter"

    @pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and scripts")
    def test_not_executable(self, tmp_path: Path) -> None:
        plain = tmp_path / "python"
        plain.write_text("print(1)\n")
        assert _probe_error(str(plain), SubprocessRunner()).message == f"{plain} is not executable"

    @pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and scripts")
    def test_echoing_script_on_this_machine(self, tmp_path: Path) -> None:
        echo = tmp_path / "ls"
        echo.write_text('#!/bin/sh\necho "$0: cannot access $*" >&2\nexit 2\n')
        echo.chmod(0o755)
        error = _probe_error(str(echo), SubprocessRunner())
        assert error.message == (
            f"{echo} is not a Python interpreter (it exited 2 when run as `{echo} -I -c <probe>`)"
        )

    @pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and scripts")
    def test_too_slow(self, tmp_path: Path) -> None:
        slow = tmp_path / "python"
        slow.write_text("#!/bin/sh\nexec sleep 30\n")
        slow.chmod(0o755)
        error = _probe_error(str(slow), SubprocessRunner(), timeout=0.2)
        assert error.message == f"{slow} did not finish wheelcast's probe within 0.2 s"


class TestInterpreterOption:
    """`check --interpreter` with something that is no Python 3: one line, exit 3."""

    def test_missing_path(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        missing = tmp_path / "nonexistent"
        assert main(["check", "six", "--interpreter", str(missing)], io.StringIO()) == 3
        (line,) = capsys.readouterr().err.splitlines()
        assert line.startswith(f"wheelcast: error: {missing}: no such file (hint: ")

    def test_python2(self, capsys: pytest.CaptureFixture[str]) -> None:
        python2 = Path("/root/.pyenv/versions/2.7.18/bin/python")
        if not python2.is_file():
            pytest.skip("no Python 2.7.18 here")
        assert main(["check", "six", "--interpreter", str(python2)], io.StringIO()) == 3
        (line,) = capsys.readouterr().err.splitlines()
        assert f"Python 2.7.18 at {python2} is not supported" in line


class TestInterpreterTarget:
    @pytest.mark.parametrize(
        ("changes", "platform"),
        [
            ({}, Platform("windows", "arm64")),
            ({"sysconfig_platform": "win-amd64", "machine": "AMD64"}, Platform("windows", "amd64")),
            ({"sysconfig_platform": "win32", "pointer_bits": 32}, Platform("windows", "x86")),
            (
                {"system": "Linux", "sysconfig_platform": "linux-x86_64", "glibc": "2.36"},
                Platform("linux", "x86_64", "glibc", (2, 36)),
            ),
            (
                {
                    "system": "Linux",
                    "sysconfig_platform": "linux-x86_64",
                    "pointer_bits": 32,
                    "glibc": "2.31",
                },
                Platform("linux", "i686", "glibc", (2, 31)),
            ),
            (
                {"system": "Linux", "sysconfig_platform": "linux-aarch64", "musl": "1.2.4"},
                Platform("linux", "aarch64", "musl", (1, 2)),
            ),
            (
                {"system": "Linux", "sysconfig_platform": "linux-riscv64"},
                Platform("linux", "riscv64"),
            ),
            (
                {
                    "system": "Darwin",
                    "sysconfig_platform": "macosx-11.0-arm64",
                    "mac_version": "14.2.1",
                    "machine": "arm64",
                },
                Platform("macos", "arm64", macos_version=(14, 2)),
            ),
            (
                {
                    "system": "Darwin",
                    "sysconfig_platform": "macosx-10.9-universal2",
                    "mac_version": "15",
                    "machine": "x86_64",
                },
                Platform("macos", "x86_64", macos_version=(15, 0)),
            ),
        ],
        ids=["win-arm64", "win-amd64", "win32", "glibc", "i686", "musl", "bare", "mac", "u2"],
    )
    def test_platform(self, changes: dict[str, Any], platform: Platform) -> None:
        target = interpreter_target(probe_of(**changes))
        assert target.platform == platform

    def test_python_name_and_markers(self) -> None:
        target = interpreter_target(probe_of("C:\\x\\python.exe"))
        assert target.id == "C:\\x\\python.exe@3.12"
        assert target.python.version == (3, 12, 10)
        assert dict(target.environment or ())["platform_machine"] == "ARM64"
        assert interpreter_target(probe_of(), "py-3.12-arm64").name == "py-3.12-arm64"

    def test_free_threaded(self) -> None:
        probe = probe_of(version=[3, 13, 1], gil_disabled=True, abiflags="t")
        assert probe.short_version == "3.13.1t"
        assert str(interpreter_tags(probe)[0]) == "cp313-cp313t-win_arm64"

    def test_windows_tags_start_with_the_platform(self) -> None:
        tags = [str(t) for t in interpreter_tags(probe_of())]
        assert tags[:3] == ["cp312-cp312-win_arm64", "cp312-abi3-win_arm64", "cp312-none-win_arm64"]
        assert tags[-1] == "py30-none-any"

    @pytest.mark.parametrize(
        ("changes", "match"),
        [
            ({"implementation": "pypy"}, "CPython only"),
            ({"system": "FreeBSD"}, "FreeBSD"),
            ({"system": "Darwin", "sysconfig_platform": "macosx-11.0-arm64"}, "macOS version"),
            ({"sysconfig_platform": "mingw_x86_64", "machine": "riscv"}, "arch"),
        ],
        ids=["pypy", "freebsd", "mac-without-version", "odd-arch"],
    )
    def test_not_modelled(self, changes: dict[str, Any], match: str) -> None:
        with pytest.raises(ProbeError, match=match):
            interpreter_target(probe_of(**changes))


# -- on this machine -----------------------------------------------------------------


PACKAGING_DIR = str(Path(packaging.__file__).parent.parent)
# packaging's own sys_tags() run inside another interpreter, with the packaging
# wheelcast runs with put first on its path (it needs Python 3.10 or newer).
SYS_TAGS = (
    "import json, sys; sys.path.insert(0, sys.argv[1]); from packaging.tags import sys_tags;"
    " print(json.dumps([str(t) for t in sys_tags()]))"
)


class TestOnThisMachine:
    def test_running_python_tags_equal_sys_tags(self) -> None:
        probe = probe_interpreter(sys.executable, SubprocessRunner())
        assert [str(t) for t in interpreter_tags(probe)] == [str(t) for t in sys_tags()]
        assert probe.packaging_tags == tuple(str(t) for t in sys_tags())

    def test_running_python_markers_equal_default_environment(self) -> None:
        probe = probe_interpreter(sys.executable, SubprocessRunner())
        assert dict(probe.environment) == default_environment()
        assert probe.version == tuple(sys.version_info[:3])
        assert probe.python_h == Path(probe.include_dir, "Python.h").is_file()

    def test_isolated_from_pythonpath(self, tmp_path: Path) -> None:
        (tmp_path / "json.py").write_text("raise SystemExit('shadowed')\n")
        runner = SubprocessRunner({**os.environ, "PYTHONPATH": str(tmp_path)})
        assert probe_interpreter(sys.executable, runner).version == tuple(sys.version_info[:3])

    def test_every_interpreter_found_agrees_with_packaging(self) -> None:
        runner = SubprocessRunner()
        found = find_interpreters(discover(runner).candidates, runner)
        compared = 0
        for interpreter in found:
            probe = interpreter.probe
            if probe is None or probe.implementation != "cpython" or probe.version < (3, 10, 0):
                continue
            # The interpreter's own packaging may be older, and packaging's tag order has
            # changed between releases (26.3 put linux_<arch> first): compare like with
            # like, with wheelcast's packaging run inside it and its site-packages unread.
            done = runner.run([probe.path, "-I", "-S", "-c", SYS_TAGS, PACKAGING_DIR])
            assert done is not None
            assert done.ok, done.stderr
            theirs = json.loads(done.stdout)
            assert [str(t) for t in interpreter_tags(probe)] == theirs, probe.path
            compared += 1
        assert compared >= 1

    def test_interpreters_too_old_for_our_packaging_agree_with_their_pip(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # wheelcast's packaging needs 3.10; older interpreters (3.7 and 3.6 with the m ABI)
        # are held to what their own pip lists in `pip debug --verbose` (pip >= 19.2), with
        # linux_<arch> placed where that pip's vendored packaging places it.
        runner = SubprocessRunner()
        found = find_interpreters(discover(runner).candidates, runner)
        compared = []
        for interpreter in found:
            probe = interpreter.probe
            if probe is None or probe.implementation != "cpython" or probe.version >= (3, 10):
                continue
            done = runner.run([probe.path, "-I", "-m", "pip", "debug", "--verbose"], timeout=60)
            if done is None or not done.ok or "Compatible tags:" not in done.stdout:
                continue  # no pip, or one older than `pip debug`
            head, _, listed = done.stdout.partition("Compatible tags:")
            vendored = next(
                line.strip().split("==")[1]
                for line in head.splitlines()
                if line.strip().startswith("packaging==")
            )
            if Version(vendored) < Version("21.3"):
                # Older packaging knew no manylinux_2_x or musllinux ladders: not like with like.
                continue
            theirs = [line.strip() for line in listed.splitlines()[1:] if line.startswith(" ")]
            native_first = Version(vendored) >= Version("26.3")
            monkeypatch.setattr("wheelcast.targets.tags.NATIVE_LINUX_FIRST", native_first)
            compatible_tags.cache_clear()
            try:
                assert [str(t) for t in interpreter_tags(probe)] == theirs, probe.path
            finally:
                compatible_tags.cache_clear()
            compared.append(probe.version)
        if not compared:
            pytest.skip("no CPython older than 3.10 with a pip vendoring packaging >= 21.3 here")
