"""Record the lock files under ``tests/data/inputs/sample/`` with the real tools.

Run by hand, never by the tests::

    python tools/record_inputs.py --tools /tmp/lt-venv/bin --out tests/data/inputs/sample

``--tools`` is a folder holding ``poetry``, ``pdm``, ``pipenv`` and a ``pip`` >= 25.1
(install them into a throwaway venv, never into the project's environment); ``uv`` is
taken from PATH. The script writes one sample project into a temporary folder (see
``PYPROJECT`` and ``PIPFILE``), locks it with each tool against the real index (found
at run time from the pip installed here, pip's configuration files ignored), rewrites
every URL host in the results to the reserved ``.invalid`` domain
(``index.example.invalid`` for index pages, ``files.example.invalid`` for files) and
copies them to ``--out`` with the pyproject and Pipfile they came from. It prints each
tool's version for the README.

Last run: 2026-11-25, uv 0.13.9, poetry 2.5.1, pdm 2.29.4, pipenv 2026.10.3, pip 26.3.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

PYPROJECT = """\
[project]
name = "sample"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = [
    "requests",
    "rich>=13",
    "uvicorn[standard]",
]

[project.optional-dependencies]
fast = ["orjson"]

[dependency-groups]
test = ["pytest"]

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
bypass-selection = true
"""

PIPFILE = """\
[[source]]
url = "{index}"
verify_ssl = true
name = "main"

[packages]
requests = "*"
rich = ">=13"
uvicorn = {{version = "*", extras = ["standard"]}}
orjson = "*"

[dev-packages]
pytest = "*"

[requires]
python_version = "3.11"
"""

POETRY_SOURCE = """
[[tool.poetry.source]]
name = "simple"
url = "{index}"
priority = "primary"
"""

_URL = re.compile(r"https?://[^/\s\"']+(/[^\s\"']*)?")


def _index_url() -> str:
    from pip._internal.models.index import PyPI  # noqa: PLC0415 - pip is only needed here

    return str(PyPI.simple_url)


def _rewrite(text: str, index_url: str) -> str:
    """Move every URL to the ``.invalid`` domain; keep paths so filenames stay visible."""
    index_path = urlsplit(index_url).path.rstrip("/")

    def swap(match: re.Match[str]) -> str:
        path = match.group(1) or ""
        if urlsplit(match.group(0)).hostname in {"index.example.invalid", "files.example.invalid"}:
            return match.group(0)
        host = "index.example.invalid" if path.startswith(index_path) else "files.example.invalid"
        return f"https://{host}{path}"

    return _URL.sub(swap, text)


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    print("$", " ".join(command), flush=True)
    done = subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return (done.stdout + done.stderr).strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, required=True, help="bin folder of the tools venv")
    parser.add_argument("--out", type=Path, default=Path("tests/data/inputs/sample"))
    args = parser.parse_args()
    tools: Path = args.tools
    index = _index_url()
    env = dict(os.environ, PIP_CONFIG_FILE=os.devnull, UV_PYTHON_DOWNLOADS="never")
    env.pop("PIP_FIND_LINKS", None)
    env["POETRY_VIRTUALENVS_CREATE"] = "false"
    env["PIPENV_IGNORE_VIRTUALENVS"] = "1"
    env["PIPENV_VENV_IN_PROJECT"] = "1"
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wheelcast-record-") as tmp:
        root = Path(tmp)
        projects = {tool: root / tool for tool in ("uv", "poetry", "pdm", "pip", "pipenv")}
        for folder in projects.values():
            folder.mkdir()
            (folder / "pyproject.toml").write_text(PYPROJECT)
        (projects["pipenv"] / "pyproject.toml").unlink()
        (projects["pipenv"] / "Pipfile").write_text(PIPFILE.format(index=index))

        versions = {
            "uv": _run(["uv", "--version"], root, env),
            "poetry": _run([str(tools / "poetry"), "--version"], root, env),
            "pdm": _run([str(tools / "pdm"), "--version"], root, env),
            "pip": _run([str(tools / "pip"), "--version"], root, env).split(" from ")[0],
            "pipenv": _run([str(tools / "pipenv"), "--version"], root, env),
        }
        _run(["uv", "lock", "--no-config", "--default-index", index], projects["uv"], env)
        _run(
            ["uv", "export", "--no-config", "--default-index", index, "--all-extras",
             "--all-groups", "--format", "pylock.toml", "-o", "pylock.uv.toml"],
            projects["uv"], env,
        )  # fmt: skip
        # The index here serves only the simple API (poetry's PyPI source reads the JSON
        # API), so poetry locks against the same index declared as a simple source.
        with (projects["poetry"] / "pyproject.toml").open("a") as file:
            file.write(POETRY_SOURCE.format(index=index))
        _run([str(tools / "poetry"), "lock"], projects["poetry"], env)
        _run([str(tools / "pdm"), "lock", "-G", ":all"], projects["pdm"], env)
        _run(
            [str(tools / "pip"), "lock", "--index-url", index, ".[fast]", "--group", "test",
             "-o", "pylock.toml"],
            projects["pip"], env,
        )  # fmt: skip
        _run([str(tools / "pipenv"), "lock"], projects["pipenv"], env)

        outputs = {
            "uv.lock": projects["uv"] / "uv.lock",
            "pylock.uv.toml": projects["uv"] / "pylock.uv.toml",
            "poetry.lock": projects["poetry"] / "poetry.lock",
            "pdm.lock": projects["pdm"] / "pdm.lock",
            "pylock.toml": projects["pip"] / "pylock.toml",
            "Pipfile.lock": projects["pipenv"] / "Pipfile.lock",
        }
        for name, source in outputs.items():
            (args.out / name).write_text(_rewrite(source.read_text(), index))
        (args.out / "pyproject.toml").write_text(PYPROJECT)
        (args.out / "Pipfile").write_text(_rewrite(PIPFILE.format(index=index), index))
        shutil.rmtree(root / "pipenv" / ".venv", ignore_errors=True)
    for tool, version in versions.items():
        print(f"{tool}: {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
