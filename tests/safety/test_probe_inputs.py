"""The hidden probe, inputs family: encodings pip reads, lines pip's own regex chokes on.

pip reads a requirements file with ``auto_decode``: a byte-order mark (UTF-8, UTF-16,
UTF-32) or a PEP 263 coding line in the first two lines names the encoding. wheelcast
reads what pip reads; what pip cannot read is one error line, exit 3.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from wheelcast.cli import main
from wheelcast.errors import InvalidInputFile
from wheelcast.inputs.requirements import read_requirements

TEXT = "alpha>=1  # café\nbeta ; python_version >= '3'\n"


def names(path: Path) -> list[str]:
    return [item.requirement.name for item in read_requirements(path).requirements]


class TestEncodings:
    @pytest.mark.parametrize(
        "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
    )
    def test_a_byte_order_mark_names_the_encoding(self, encoding: str, tmp_path: Path) -> None:
        path = tmp_path / "requirements.txt"
        bom = "" if encoding in ("utf-16", "utf-32") else "\ufeff"  # those two write one
        path.write_bytes((bom + TEXT).encode(encoding))
        assert names(path) == ["alpha", "beta"]

    def test_a_pep_263_coding_line(self, tmp_path: Path) -> None:
        path = tmp_path / "requirements.txt"
        path.write_bytes(("# -*- coding: latin-1 -*-\n" + TEXT).encode("latin-1"))
        assert names(path) == ["alpha", "beta"]

    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            # No mark: UTF-8, as pip reads it where the locale is UTF-8 (CI's).
            (TEXT.encode("utf-16-le"), "requirements.txt:1: not UTF-8 text"),
            (TEXT.encode("latin-1"), "requirements.txt:1: not UTF-8 text"),
            (b"# coding: no-such-codec\nalpha\n", "unknown encoding 'no-such-codec'"),
            (b"\xff\xfe" + b"\x00\xd8", "not UTF-16-LE text"),  # a lone surrogate
        ],
    )
    def test_what_pip_cannot_read_is_one_error_line(
        self, data: bytes, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "requirements.txt"
        path.write_bytes(data)
        with pytest.raises(InvalidInputFile, match=expected):
            read_requirements(path)
        code = main(["check", "-r", str(path), "--no-index", "--offline"], io.StringIO())
        err = capsys.readouterr().err
        assert code == 3
        assert len(err.strip().splitlines()) == 1, err


class TestLongLines:
    @pytest.mark.parametrize("spaces", [50_000, 2_000_000])
    def test_spaces_before_a_marker_read_in_linear_time(self, spaces: int, tmp_path: Path) -> None:
        # pip's COMMENT_RE backtracks over each space: 50,000 took 45 s (pip alike).
        path = tmp_path / "requirements.txt"
        path.write_text("alpha" + " " * spaces + "; python_version >= '3'\n# c\nbeta  # x\n")
        started = time.monotonic()
        assert names(path) == ["alpha", "beta"]
        assert time.monotonic() - started < 5

    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            ("alpha # comment", "alpha"),
            ("alpha#not-a-comment", "alpha#not-a-comment"),
            ("#whole line", ""),
            ("alpha\t# tab comment # more", "alpha"),
            ("alpha @ https://host/x.whl#sha256=ab # c", "alpha @ https://host/x.whl#sha256=ab"),
        ],
    )
    def test_comments_are_cut_as_pip_cuts_them(self, line: str, expected: str) -> None:
        import re  # noqa: PLC0415 - pip's regex, the reference

        from wheelcast.inputs.requirements import _without_comment  # noqa: PLC0415

        assert _without_comment(line).strip() == expected
        assert re.sub(r"(^|\s+)#.*$", "", line).strip() == expected
