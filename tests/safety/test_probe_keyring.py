"""``--keyring-provider``: pip's keyring, asked after a 401, whose password reaches no output.

A fake ``keyring`` command on PATH (a Python script) stands for the real one: it answers
``keyring get SERVICE USERNAME`` from a table and logs every call.
"""

from __future__ import annotations

import io
import json
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.faultserver import FaultServer, json_page, metadata_bytes, wheel_entry

from wheelcast.cli import main
from wheelcast.index import auth

TOKEN = "k3yr1ng-T0KEN-77c1"  # noqa: S105 - the secret whose leaks are looked for
WHEEL = "demo-1.0-py3-none-any.whl"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        metadata = metadata_bytes("demo", "1.0")
        entry = wheel_entry(WHEEL, f"/files/{WHEEL}", "ab" * 32, metadata)
        running.static("/simple/demo/", json_page([entry]))
        running.static(f"/files/{WHEEL}.metadata", metadata, "application/octet-stream")
        running.require_basic_auth("user", TOKEN)
        yield running


def fake_keyring(folder: Path, stored: dict[str, str], *, sleep: float = 0.0) -> Path:
    """A ``keyring`` command in ``folder`` answering ``get SERVICE USER`` from ``stored``
    (keyed ``SERVICE USER``); each call is logged to ``folder/calls``."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "keyring"
    script.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(f"""
            import json, sys, time
            with open({str(folder / "calls")!r}, "a") as log:
                log.write(json.dumps(sys.argv[1:]) + "\\n")
            time.sleep({sleep})
            found = {stored!r}.get(" ".join(sys.argv[2:4]))
            if sys.argv[1] != "get" or found is None:
                sys.exit(1)
            print(found)
        """)
    )
    script.chmod(0o755)
    return folder / "calls"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NETRC", raising=False)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    return tmp_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(argv, out)
    return code, out.getvalue(), capsys.readouterr().err


def check(server: FaultServer, home: Path, *extra: str, user: str = "user@") -> list[str]:
    host = server.base.removeprefix("http://")
    return [
        "check",
        "demo",
        "-i",
        f"http://{user}{host}/simple",
        "--cache-dir",
        str(home / "cache"),
        "-p",
        "3.12",
        "--format",
        "json",
        *extra,
    ]


def token_anywhere(home: Path, *texts: str) -> list[str]:
    found = ["output" for text in texts if TOKEN in text]
    mine = ("bin", "modules")  # the fake keyrings hold the token themselves
    files = [p for p in home.rglob("*") if p.is_file() and p.parent.name not in mine]
    return found + [str(p) for p in files if TOKEN.encode() in p.read_bytes()]


class TestSubprocess:
    @pytest.mark.parametrize("service", ["index", "host"])
    def test_the_keyring_answers_the_401_and_its_password_is_never_shown(
        self,
        service: str,
        server: FaultServer,
        home: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        host = server.base.removeprefix("http://")
        name = f"{server.base}/simple/" if service == "index" else host
        calls = fake_keyring(home / "bin", {f"{name} user": TOKEN})
        code, out, err = run(check(server, home, "--keyring-provider", "subprocess"), capsys)
        assert code == 0, err
        assert json.loads(out)["results"][0]["packages"][0]["name"] == "demo"
        asked = [json.loads(line) for line in calls.read_text().splitlines()]
        # pip's order: the index URL, then host:port; asked once for the run.
        expected = [["get", f"{server.base}/simple/", "user"], ["get", host, "user"]]
        assert asked == expected[: 1 if service == "index" else 2]
        assert token_anywhere(home, out, err) == []

    def test_disabled_by_default(
        self, server: FaultServer, home: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        calls = fake_keyring(home / "bin", {f"{server.base}/simple/ user": TOKEN})
        code, _, err = run(check(server, home), capsys)
        assert code == 4
        assert "HTTP 401" in err
        assert not calls.exists()

    def test_without_a_user_name_in_the_url_it_is_not_asked(
        self, server: FaultServer, home: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # keyring's command line needs a user name: pip asks nothing either.
        calls = fake_keyring(home / "bin", {f"{server.base}/simple/ user": TOKEN})
        argv = check(server, home, "--keyring-provider", "subprocess", user="")
        code, _, err = run(argv, capsys)
        assert code == 4
        assert "HTTP 401" in err
        assert not calls.exists()

    def test_no_keyring_on_path_is_one_error_line(
        self, server: FaultServer, home: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _, err = run(check(server, home, "--keyring-provider", "subprocess"), capsys)
        assert code == 3
        assert err.strip().splitlines() == [
            "wheelcast: error: --keyring-provider subprocess: no 'keyring' command on PATH"
            " (hint: install keyring (pipx install keyring) or drop --keyring-provider)"
        ]
        assert server.log == []

    def test_a_keyring_that_hangs_is_given_up_at_its_timeout(self, home: Path) -> None:
        fake_keyring(home / "bin", {"svc user": TOKEN}, sleep=30)
        keyring = auth._SubprocessKeyring(str(home / "bin" / "keyring"), seconds=1.0)
        started = time.monotonic()
        assert keyring.get("svc", "user") is None
        assert time.monotonic() - started < 10


class TestImport:
    def test_the_keyring_module_answers(
        self,
        server: FaultServer,
        home: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        module = home / "modules"
        module.mkdir()
        (module / "keyring.py").write_text(
            textwrap.dedent(f"""
                import types
                def get_credential(service, username):
                    if service == {server.base + "/simple/"!r} and username == "user":
                        return types.SimpleNamespace(username="user", password={TOKEN!r})
                    return None
            """)
        )
        monkeypatch.syspath_prepend(str(module))
        monkeypatch.delitem(sys.modules, "keyring", raising=False)
        code, out, err = run(check(server, home, "--keyring-provider", "import"), capsys)
        assert code == 0, err
        assert token_anywhere(home, out, err) == []
        assert any(e.headers.get("authorization") == server.auth for e in server.log)

    def test_no_keyring_module_is_one_error_line(
        self,
        server: FaultServer,
        home: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.delitem(sys.modules, "keyring", raising=False)
        code, _, err = run(check(server, home, "--keyring-provider", "import"), capsys)
        assert code == 3
        assert "the keyring module is not importable here" in err
        assert len(err.strip().splitlines()) == 1
