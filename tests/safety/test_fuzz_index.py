"""Property-based fuzzing of the index parsers: a value, or one bounded WheelcastError.

PEP 691 JSON pages (random structures, and a valid page with one value of another type),
PEP 503 HTML pages (random markup around anchors), core metadata (random headers and
bytes), the ``Retry-After`` and ``Content-Range`` headers, and the lazy-wheel zip reader
fed a real wheel's tail with bytes flipped, cut or inserted (its range fetcher serving the
same damaged file). Bounded and derandomized by the ``wheelcast`` profile (tests/conftest.py).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import msgspec
from hypothesis import example, given
from hypothesis import strategies as st
from packaging.utils import canonicalize_name
from tests.sdist.sdist_support import tar_bytes
from tests.test_fuzz_inputs import holds

from wheelcast.errors import IndexPageError
from wheelcast.index import http
from wheelcast.index._dist import read_sdist_pkg_info, read_wheel_metadata, to_dist_metadata
from wheelcast.index._lazy_wheel import SparseFile, metadata_from_ranges
from wheelcast.index.models import DistFile
from wheelcast.index.parse import (
    FileEntry,
    file_entry,
    file_of,
    json_entries,
    json_files,
    parse_html_page,
    parse_json_page,
)
from wheelcast.index.store import _decode_page, encode_body

PAGE_URL = "https://index.invalid/simple/demo/"
NAME = canonicalize_name("demo")
WHEEL = "demo-1.0-py3-none-any.whl"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
VALID_ENTRY: dict[str, Any] = {
    "filename": WHEEL,
    "url": "../../files/demo-1.0-py3-none-any.whl",
    "hashes": {"sha256": "ab" * 32},
    "requires-python": ">=3.8",
    "core-metadata": {"sha256": "cd" * 32},
    "yanked": False,
    "size": 1000,
    "upload-time": "2025-01-01T00:00:00.000000Z",
}
urls = (
    st.sampled_from(
        [
            "http://[::1/x.whl",
            "http://h:99999/x.whl",
            "http://u:p@h/demo-1.0.tar.gz",
            "//h/x.whl",
            "demo-1.0.zip#sha256=zz",
            "",
            "\x00",
            "http://h/" + "a" * 3000 + ".whl",
        ]
    )
    | st.text()
)


def _read_page(body: bytes, *, is_json: bool) -> None:
    """Parse a page as the fetcher does, then every file in it as a run reads them."""
    page = (parse_json_page if is_json else parse_html_page)(body, PAGE_URL, NAME)
    list(page.files)
    blob = encode_body(body, is_json=is_json, page_url=PAGE_URL, name=NAME)
    assert isinstance(blob, bytes)


class TestJsonPage:
    @given(json_values)
    def test_any_json(self, data: object) -> None:
        holds(_read_page, json.dumps(data).encode(), is_json=True)

    @given(st.sampled_from(sorted(VALID_ENTRY)), json_values | urls)
    @example("url", "http://[::1/x.whl")
    @example("url", "http://h:99999/x.whl")
    def test_a_valid_page_with_one_value_of_another_type(self, key: str, value: object) -> None:
        entry = {**VALID_ENTRY, key: value}
        body = json.dumps({"meta": {"api-version": "1.1"}, "files": [entry]}).encode()
        holds(_read_page, body, is_json=True)
        holds(file_of, entry, PAGE_URL)

    @given(st.binary(max_size=300))
    def test_any_bytes(self, body: bytes) -> None:
        holds(_read_page, body, is_json=True)


def _outcome(read: Any, *args: Any) -> object:
    """What ``read`` returns, or the message of the IndexPageError it raises."""
    try:
        return read(*args)
    except IndexPageError as exc:
        return ("error", str(exc))


def _as_entries(entries: list[FileEntry]) -> list[object]:
    return [json.loads(msgspec.json.encode(entry)) for entry in entries]


def _stored_files(body: bytes) -> tuple[DistFile, ...]:
    page = _decode_page(encode_body(body, is_json=True, page_url=PAGE_URL, name=NAME))
    assert page is not None
    return tuple(page.files)


class TestStoredPage:
    """The typed decoding the cache uses keeps what json keeps, and reads back as parsed."""

    @given(json_values)
    def test_typed_entries_are_the_checked_ones(self, data: object) -> None:
        body = json.dumps(data).encode()
        typed = _outcome(lambda: _as_entries(json_files(body, PAGE_URL)))
        checked = _outcome(
            lambda: _as_entries([file_entry(e) for e in json_entries(body, PAGE_URL)])
        )
        assert typed == checked

    @given(st.sampled_from(sorted(VALID_ENTRY)), json_values | urls)
    @example("size", 2**70)  # past msgspec's integers: json's path keeps it
    @example("url", "http://u:p@h/demo-1.0-py3-none-any.whl")
    def test_a_stored_page_reads_back_as_parsing_it(self, key: str, value: object) -> None:
        other = {**VALID_ENTRY, "filename": "demo-2.0.tar.gz", "url": "demo-2.0.tar.gz"}
        body = json.dumps(
            {"meta": {"api-version": "1.1"}, "files": [{**VALID_ENTRY, key: value}, other]}
        ).encode()
        parsed = _outcome(lambda: parse_json_page(body, PAGE_URL, NAME).files)
        assert _outcome(_stored_files, body) == parsed


class TestHtmlPage:
    @given(
        st.lists(
            st.tuples(
                urls, st.sampled_from(["", ' data-core-metadata="sha256=ab"', " data-yanked"])
            ),
            max_size=5,
        ),
        st.text(max_size=100),
    )
    @example([("http://[::1/demo-1.0.tar.gz", "")], "")
    def test_random_anchors(self, anchors: list[tuple[str, str]], noise: str) -> None:
        links = "".join(f'<a href="{href}"{extra}>{noise}</a>' for href, extra in anchors)
        body = f"<html><base href='{noise}'>{noise}{links}</html>".encode()
        holds(_read_page, body, is_json=False)

    @given(st.binary(max_size=300))
    def test_any_bytes(self, body: bytes) -> None:
        holds(_read_page, body, is_json=False)


header_names = st.sampled_from(
    [
        "Metadata-Version",
        "Name",
        "Version",
        "Requires-Dist",
        "Requires-Python",
        "Provides-Extra",
        "Dynamic",
        "Summary",
        "X-Other",
    ]
)


class TestCoreMetadata:
    @given(st.lists(st.tuples(header_names, st.text(max_size=40)), max_size=12), st.text())
    @example([("Name", "demo"), ("Version", "1.0"), ("Requires-Dist", "x; extra ==")], "")
    def test_random_headers(self, headers: list[tuple[str, str]], body: str) -> None:
        raw = "".join(f"{k}: {v}\n" for k, v in headers) + "\n" + body
        for from_sdist in (False, True):
            holds(
                to_dist_metadata,
                raw.encode("utf-8", "surrogatepass"),
                "metadata-file",
                from_sdist=from_sdist,
                url=PAGE_URL,
                project=NAME,
            )

    @given(st.binary(max_size=400))
    def test_any_bytes(self, raw: bytes) -> None:
        holds(to_dist_metadata, raw, "pkg-info", from_sdist=True, url=PAGE_URL, project=NAME)


class TestHeaders:
    @given(
        st.text(max_size=60)
        | st.sampled_from(
            [
                "",
                "10",
                " 5 ",
                "-1",
                "1e9",
                "Wed, 21 Oct 2015 07:28:00 GMT",
                "Mon, 99 Foo 9999 99:99:99 GMT",
            ]
        )
    )
    def test_retry_after(self, value: str) -> None:
        found = http._retry_after(value)
        assert found is None or found >= 0.0

    @given(
        st.text(max_size=60)
        | st.builds(
            "bytes {}-{}/{}".format,
            st.integers(-5, 10**20),
            st.integers(-5, 10**20),
            st.integers(-5, 10**20) | st.just("*"),
        )
    )
    def test_content_range(self, value: str) -> None:
        found = http._content_range(value)
        assert found is None or (found[0] >= 0 and found[1] >= 0)


def _wheel() -> bytes:
    members = {
        "demo/__init__.py": b"x = 1\n" * 50,
        "demo-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n",
        "demo-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\n",
        "demo-1.0.dist-info/RECORD": b"",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():  # a fixed date: the same bytes on every run
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


WHEEL_BYTES = _wheel()
SDIST_BYTES = tar_bytes(
    [
        ("demo-1.0/PKG-INFO", b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"),
        ("demo-1.0/setup.py", b""),
    ]
)


class TestLazyWheel:
    @given(
        st.lists(st.tuples(st.integers(0, len(WHEEL_BYTES) - 1), st.integers(0, 255)), max_size=6),
        st.integers(0, len(WHEEL_BYTES)),
        st.binary(max_size=30),
        st.integers(1, len(WHEEL_BYTES)),
    )
    @example([(115, 0)], 0, b"", 1)  # a damaged deflate stream (zlib.error)
    def test_a_damaged_wheel_tail(
        self, flips: list[tuple[int, int]], cut: int, inserted: bytes, tail: int
    ) -> None:
        data = bytearray(WHEEL_BYTES)
        for position, value in flips:
            data[position] = value
        damaged = bytes(data[:cut]) + inserted + bytes(data[cut:])

        def fetch(start: int, end: int) -> bytes:
            return damaged[start:end]

        sparse = SparseFile(len(damaged))
        sparse.add(max(0, len(damaged) - tail), damaged[-tail:])
        holds(metadata_from_ranges, sparse, fetch, WHEEL, PAGE_URL)

    @given(
        st.lists(st.tuples(st.integers(0, len(WHEEL_BYTES) - 1), st.integers(0, 255)), max_size=6),
        st.integers(0, len(WHEEL_BYTES)),
    )
    @example([(115, 0)], 0)
    def test_a_damaged_wheel_read_whole(self, flips: list[tuple[int, int]], cut: int) -> None:
        data = bytearray(WHEEL_BYTES)
        for position, value in flips:
            data[position] = value
        holds(read_wheel_metadata, io.BytesIO(bytes(data[:cut])), WHEEL, PAGE_URL)
        holds(read_wheel_metadata, io.BytesIO(bytes(data)), WHEEL, PAGE_URL)

    @given(
        st.lists(st.tuples(st.integers(0, len(SDIST_BYTES) - 1), st.integers(0, 255)), max_size=6),
        st.integers(0, len(SDIST_BYTES)),
    )
    def test_a_damaged_sdist_s_pkg_info(self, flips: list[tuple[int, int]], cut: int) -> None:
        data = bytearray(SDIST_BYTES)
        for position, value in flips:
            data[position] = value
        for damaged in (bytes(data[:cut]), bytes(data)):
            holds(read_sdist_pkg_info, io.BytesIO(damaged), "demo-1.0.tar.gz", PAGE_URL)

    def test_the_undamaged_wheel_reads(self) -> None:
        sparse = SparseFile(len(WHEEL_BYTES))
        sparse.add(0, WHEEL_BYTES)
        raw = metadata_from_ranges(sparse, lambda s, e: WHEEL_BYTES[s:e], WHEEL, PAGE_URL)
        assert b"Name: demo" in raw
