"""The hidden probe, HTTP faults and bombs family: what a misbehaving index can send.

Each case asserts the outcome: the answer, or one error line naming the URL and exit 4.
"""

from __future__ import annotations

import gzip
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name
from tests.faultserver import (
    JSON_TYPE,
    FaultServer,
    Handler,
    drip_headers,
    json_page,
    metadata_bytes,
    raw_answer,
    wheel_entry,
)

from wheelcast.cli import main
from wheelcast.errors import IndexUnreachable
from wheelcast.index.http import ACCEPT, Fetcher, FetchSettings, default_client

WHEEL = "demo-1.0-py3-none-any.whl"
METADATA = metadata_bytes("demo", "1.0")
PAGE = json_page([wheel_entry(WHEEL, f"/files/{WHEEL}", "ab" * 32, METADATA)])


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        running.static(f"/files/{WHEEL}.metadata", METADATA, "application/octet-stream")
        yield running


def check(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    out = io.StringIO()
    argv = ["check", "demo", "-i", f"{server.base}/simple", "--cache-dir", str(tmp_path / "c")]
    code = main([*argv, "-p", "3.12", "-t", "linux-x86_64"], out)
    return code, out.getvalue(), capsys.readouterr().err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("wheelcast: error: "), err
    return lines[0]


def _headed(head: bytes, body: bytes = PAGE) -> bytes:
    return head + b"Content-Type: " + JSON_TYPE.encode() + b"\r\n" + body


ANSWERS: dict[str, tuple[Callable[[Handler], None], int, str]] = {
    # A 100 Continue and a 103 Early Hints before the answer: httpx skips them, as pip does.
    "1xx": (
        raw_answer(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
            + b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
            % (JSON_TYPE.encode(), len(PAGE))
            + PAGE
        ),
        0,
        "",
    ),
    "bad chunk size": (
        raw_answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
        4,
        "illegal chunk header",
    ),
    "chunk longer than sent": (
        raw_answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffff\r\nabc"),
        4,
        "incomplete chunked read",
    ),
    "closed after the headers": (
        raw_answer(b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\n\r\n" % JSON_TYPE.encode()),
        4,
        "not valid JSON",
    ),
    "304 with nothing cached": (lambda h: h.send_answer(304, b""), 4, "HTTP 304"),
    "garbage status line": (raw_answer(b"HTTZ/9 xx\r\n\r\n"), 4, "illegal status line"),
    "a 2 MiB header line": (
        raw_answer(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (2 << 20) + b"\r\n\r\n"),
        4,
        "cannot reach",
    ),
    "200,000 headers": (
        raw_answer(b"HTTP/1.1 200 OK\r\n" + b"X: a\r\n" * 200_000 + b"\r\n"),
        4,
        "cannot reach",
    ),
    "brotli, not asked for": (
        lambda h: h.send_answer(200, b"\x0b\x02\x80{}\x03", headers={"Content-Encoding": "br"}),
        4,
        "unsupported Content-Encoding 'br'",
    ),
    "zstd, not asked for": (
        lambda h: h.send_answer(200, b"(\xb5/\xfd", headers={"Content-Encoding": "zstd"}),
        4,
        "unsupported Content-Encoding 'zstd'",
    ),
    "gzip twice, named twice": (
        lambda h: h.send_answer(
            200, gzip.compress(gzip.compress(PAGE)), headers={"Content-Encoding": "gzip, gzip"}
        ),
        4,
        "unsupported Content-Encoding 'gzip, gzip'",
    ),
    "gzip twice, named once": (
        lambda h: h.send_answer(
            200, gzip.compress(gzip.compress(PAGE)), headers={"Content-Encoding": "gzip"}
        ),
        4,
        "not valid JSON",
    ),
    "HTML without links for a JSON Accept": (
        lambda h: h.send_answer(200, b"<html><body>maintenance</body></html>", "text/html"),
        2,  # pip reads the page as listing no file: demo is missing, as pip says
        "",
    ),
    "HTML labelled as JSON": (
        lambda h: h.send_answer(200, b"<html><body>maintenance</body></html>", JSON_TYPE),
        4,
        "not valid JSON",
    ),
    # JSON in UTF-16 with a BOM is JSON (RFC 8259 readers detect it; pip's json.loads does).
    "a JSON page in UTF-16": (
        lambda h: h.send_answer(200, PAGE.decode().encode("utf-16")),
        0,
        "",
    ),
}


class TestAnswers:
    @pytest.mark.parametrize("case", ANSWERS)
    def test_an_answer_or_one_error_line(
        self, case: str, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        respond, expected_code, expected = ANSWERS[case]
        server.route("/simple/demo/", respond)
        code, out, err = check(server, tmp_path, capsys)
        assert code == expected_code, err
        if expected_code == 4:
            line = one_error_line(err)
            assert expected in line
            assert f"{server.base}/simple/demo/" in line
        else:
            assert err == ""
            assert "demo" in out


class TestSlowloris:
    def test_headers_dripped_a_line_at_a_time_end_at_the_header_deadline(
        self, server: FaultServer
    ) -> None:
        # Each pause (0.5 s) is far under the read timeout; only the deadline ends it.
        server.route("/simple/demo/", drip_headers(0.5, 1000))
        fetcher = Fetcher(default_client(), FetchSettings(backoff=0.0, header_seconds=2.0))
        started = time.monotonic()
        try:
            with pytest.raises(IndexUnreachable, match="headers took too long"):
                fetcher.page(
                    f"{server.base}/simple/demo/",
                    {"Accept": ACCEPT},
                    canonicalize_name("demo"),
                    revalidating=False,
                    cached_digest=None,
                )
        finally:
            fetcher.close()
        assert time.monotonic() - started < 3 * 2.0 + 5  # three tries, each at the deadline

    def test_headers_dripped_within_the_deadline_are_read(self, server: FaultServer) -> None:
        server.route("/simple/demo/", drip_headers(0.05, 5))
        fetcher = Fetcher(default_client(), FetchSettings(backoff=0.0, header_seconds=5.0))
        try:
            fetched = fetcher.page(
                f"{server.base}/simple/demo/",
                {"Accept": ACCEPT},
                canonicalize_name("demo"),
                revalidating=False,
                cached_digest=None,
            )
        finally:
            fetcher.close()
        assert fetched is not None  # an empty 200: not a page, but read, not timed out
