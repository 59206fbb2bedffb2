from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from wheelcast.index.auth import OriginAuth, origin_of, redact_url, split_credentials


class TestSplitCredentials:
    @pytest.mark.parametrize(
        ("url", "clean", "user", "password"),
        [
            ("https://u:t%40k@h.invalid/simple", "https://h.invalid/simple", "u", "t@k"),
            ("https://tok@h.invalid:8443/s/", "https://h.invalid:8443/s/", "tok", ""),
            ("http://u:p@127.0.0.1:9/x", "http://127.0.0.1:9/x", "u", "p"),
        ],
    )
    def test_userinfo_leaves_the_url(self, url: str, clean: str, user: str, password: str) -> None:
        found, credentials = split_credentials(url)
        assert found == clean
        assert credentials is not None
        assert (credentials.username, credentials.password) == (user, password)
        assert credentials.origin == origin_of(clean)
        assert repr(credentials).endswith(", '****')")

    def test_url_without_userinfo_is_unchanged(self) -> None:
        assert split_credentials("https://h.invalid/simple") == ("https://h.invalid/simple", None)


class TestRedactUrl:
    @pytest.mark.parametrize(
        ("url", "shown"),
        [
            ("https://u:tok@h.invalid/s", "https://u:****@h.invalid/s"),
            ("https://tok@h.invalid/s", "https://****@h.invalid/s"),
            ("https://h.invalid/s", "https://h.invalid/s"),
        ],
    )
    def test_as_pip_shows_it(self, url: str, shown: str) -> None:
        assert redact_url(url) == shown


class TestOriginAuth:
    def test_credentials_only_for_their_origin(self) -> None:
        _, credentials = split_credentials("https://u:p@h.invalid/simple")
        assert credentials is not None
        auth = OriginAuth([credentials])
        assert auth.credentials_for("https://h.invalid/files/x.whl") == ("u", "p")
        assert auth.credentials_for("https://h.invalid:444/files/x.whl") is None
        assert auth.credentials_for("http://h.invalid/files/x.whl") is None

    def test_netrc_for_other_origins(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        netrc = tmp_path / "netrc"
        netrc.write_text("machine n.invalid login nu password np\n")
        netrc.chmod(0o600)
        monkeypatch.setenv("NETRC", str(netrc))
        auth = OriginAuth()
        assert auth.credentials_for("https://n.invalid/simple/") == ("nu", "np")
        request = httpx.Request("GET", "https://n.invalid/simple/")
        flowed = next(auth.auth_flow(request))
        assert flowed.headers["authorization"].startswith("Basic ")
        assert auth.credentials_for("https://other.invalid/") is None

    def test_unreadable_netrc_is_no_credentials(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        netrc = tmp_path / "netrc"
        netrc.write_text("machine\n")
        monkeypatch.setenv("NETRC", str(netrc))
        assert OriginAuth().credentials_for("https://n.invalid/") is None
