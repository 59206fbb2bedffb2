from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from wheelcast.errors import InvalidOption
from wheelcast.index import config
from wheelcast.index.config import config_files, default_index_url


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    # The real /etc must not leak into the tests: site folders move under tmp_path.
    real = config._site_config_dirs
    monkeypatch.setattr(
        config,
        "_site_config_dirs",
        lambda env: [p if p != Path("/etc") else tmp_path / "etc" for p in real(env)],
    )
    return {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_DIRS": str(tmp_path / "etc-xdg"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
    }


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Linux file locations")
class TestDefaultIndexUrl:
    def test_environment_wins(self, home: dict[str, str]) -> None:
        write(
            Path(home["XDG_CONFIG_HOME"]) / "pip" / "pip.conf",
            "[global]\nindex-url = http://127.0.0.1:1/a\n",
        )
        env = {**home, "PIP_INDEX_URL": "http://127.0.0.1:2/env"}
        assert default_index_url(env) == "http://127.0.0.1:2/env"

    def test_later_files_override(self, home: dict[str, str], tmp_path: Path) -> None:
        write(
            tmp_path / "etc-xdg" / "pip" / "pip.conf",
            "[global]\nindex-url = http://127.0.0.1:1/site\n",
        )
        assert default_index_url(home) == "http://127.0.0.1:1/site"
        write(tmp_path / "etc" / "pip.conf", "[global]\nindex-url = http://127.0.0.1:1/etc\n")
        assert default_index_url(home) == "http://127.0.0.1:1/etc"
        write(
            Path(home["HOME"]) / ".pip" / "pip.conf",
            "[global]\nindex_url = http://127.0.0.1:1/legacy\n",
        )
        assert default_index_url(home) == "http://127.0.0.1:1/legacy"
        write(
            Path(home["XDG_CONFIG_HOME"]) / "pip" / "pip.conf",
            "[global]\nindex-url = http://127.0.0.1:1/user\n",
        )
        assert default_index_url(home) == "http://127.0.0.1:1/user"
        write(Path(sys.prefix) / "pip.conf", "[global]\nindex-url = http://127.0.0.1:1/venv\n")
        assert default_index_url(home) == "http://127.0.0.1:1/venv"

    def test_install_section_overrides_global(self, home: dict[str, str]) -> None:
        write(
            Path(home["XDG_CONFIG_HOME"]) / "pip" / "pip.conf",
            "[install]\nindex-url = http://127.0.0.1:1/install\n[global]\nindex-url = http://127.0.0.1:1/g\n",
        )
        assert default_index_url(home) == "http://127.0.0.1:1/install"

    def test_pip_config_file_replaces_user_files(
        self, home: dict[str, str], tmp_path: Path
    ) -> None:
        write(
            Path(home["XDG_CONFIG_HOME"]) / "pip" / "pip.conf",
            "[global]\nindex-url = http://127.0.0.1:1/user\n",
        )
        env_file = write(tmp_path / "custom.conf", "[global]\ntimeout = 3\n")
        env = {**home, "PIP_CONFIG_FILE": str(env_file)}
        assert Path(home["XDG_CONFIG_HOME"]) / "pip" / "pip.conf" not in list(config_files(env))
        assert default_index_url(env) != "http://127.0.0.1:1/user"

    def test_devnull_disables_files(self, home: dict[str, str]) -> None:
        write(
            Path(home["XDG_CONFIG_HOME"]) / "pip" / "pip.conf",
            "[global]\nindex-url = http://127.0.0.1:1/user\n",
        )
        env = {**home, "PIP_CONFIG_FILE": os.devnull}
        assert list(config_files(env)) == []
        from pip._internal.models.index import PyPI  # noqa: PLC0415

        assert default_index_url(env) == PyPI.simple_url

    def test_without_pip(self, home: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "pip._internal.models.index", None)
        with pytest.raises(InvalidOption, match="pip is not importable") as info:
            default_index_url(home)
        assert "--index-url" in info.value.hint

    def test_broken_file(self, home: dict[str, str]) -> None:
        write(Path(home["XDG_CONFIG_HOME"]) / "pip" / "pip.conf", "index-url = no section\n")
        with pytest.raises(InvalidOption, match="pip's configuration file"):
            default_index_url(home)
