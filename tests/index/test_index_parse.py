from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.utils import canonicalize_name

from wheelcast.errors import IndexPageError
from wheelcast.index.parse import loads_json, parse_html_page, parse_json_page

PAGE = "http://127.0.0.1:9/simple/demo/"
NAME = canonicalize_name("demo")


def json_page(*files: dict[str, object], version: str = "1.1") -> bytes:
    return json.dumps(
        {"meta": {"api-version": version}, "name": "demo", "files": list(files)}
    ).encode()


def entry(filename: str = "demo-1.0-py3-none-any.whl", **extra: object) -> dict[str, object]:
    return {"filename": filename, "url": f"../../files/{filename}", "hashes": {}, **extra}


class TestParseJsonPage:
    def test_full_entry(self) -> None:
        body = json_page(
            entry(
                hashes={"sha256": "ABC", "md5": "def"},
                **{"requires-python": ">=3.8", "upload-time": "2024-01-02T03:04:05.123456Z"},
                size=123,
            )
        )
        page = parse_json_page(body, PAGE, NAME)
        (f,) = page.files
        assert f.url == "http://127.0.0.1:9/files/demo-1.0-py3-none-any.whl"
        assert f.hashes == (("md5", "def"), ("sha256", "abc"))
        assert f.sha256 == "abc"
        assert f.requires_python == ">=3.8"
        assert f.upload_time == dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC)
        assert f.size == 123
        assert f.yanked is None
        assert not f.core_metadata

    @pytest.mark.parametrize(
        ("value", "expected"),
        [(True, ""), (False, None), ("broken build", "broken build"), ("", "")],
        ids=["true", "false", "reason", "empty-string"],
    )
    def test_yanked(self, value: object, expected: str | None) -> None:
        page = parse_json_page(json_page(entry(yanked=value)), PAGE, NAME)
        assert page.files[0].yanked == expected

    @pytest.mark.parametrize(
        ("fields", "expected"),
        [
            ({}, (False, None)),
            ({"core-metadata": True}, (True, None)),
            ({"core-metadata": False}, (False, None)),
            ({"core-metadata": {"sha256": "AB"}}, (True, "ab")),
            ({"dist-info-metadata": {"sha256": "cd"}}, (True, "cd")),
            ({"core-metadata": False, "dist-info-metadata": True}, (False, None)),
            ({"core-metadata": {"sha256": "ef"}, "dist-info-metadata": True}, (True, "ef")),
            ({"core-metadata": {}}, (True, None)),
        ],
        ids=[
            "absent",
            "true",
            "false",
            "hash",
            "old-name",
            "new-wins-false",
            "new-wins",
            "no-hash",
        ],
    )
    def test_core_metadata(
        self, fields: dict[str, object], expected: tuple[bool, str | None]
    ) -> None:
        (f,) = parse_json_page(json_page(entry(**fields)), PAGE, NAME).files
        assert (f.core_metadata, f.core_metadata_sha256) == expected

    @pytest.mark.parametrize(
        "filename",
        ["demo-1.0.win32.exe", "demo-1.0-py2.7.egg", "demo-1.0.msi", "demo-1.0.tar.bz2"],
    )
    def test_ignores_non_distributions(self, filename: str) -> None:
        body = json_page(entry(filename), entry("demo-1.0.tar.gz"), entry("demo-1.0.zip"))
        page = parse_json_page(body, PAGE, NAME)
        assert [f.filename for f in page.files] == ["demo-1.0.tar.gz", "demo-1.0.zip"]

    def test_absolute_url_kept(self) -> None:
        body = json_page(
            {
                "filename": "demo-1.0.tar.gz",
                "url": "http://127.0.0.2/x/demo-1.0.tar.gz#frag",
                "hashes": {},
            }
        )
        assert (
            parse_json_page(body, PAGE, NAME).files[0].url == "http://127.0.0.2/x/demo-1.0.tar.gz"
        )

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            (b"<html>", "not valid JSON"),
            (b"[]", "not an object"),
            (json.dumps({"meta": {"api-version": "1.0"}}).encode(), "no files list"),
            (json_page(version="2.0"), "unsupported simple API version"),
            (json_page({"url": "x.whl"}), "lacks a string filename"),
            (json_page(entry(yanked=3)), "yanked"),
            (json_page(entry(hashes=["sha256"])), "hashes"),
            (json_page(entry(size="12")), "size"),
            (json_page(entry(**{"upload-time": "yesterday"})), "upload-time"),
            (json_page(entry(**{"core-metadata": "yes"})), "core-metadata"),
            (json_page(entry(**{"requires-python": 3})), "requires-python"),
        ],
        ids=[
            "html",
            "list",
            "no-files",
            "v2",
            "no-filename",
            "yanked",
            "hashes",
            "size",
            "upload-time",
            "core-metadata",
            "requires-python",
        ],
    )
    def test_malformed(self, body: bytes, message: str) -> None:
        with pytest.raises(IndexPageError, match=message) as info:
            parse_json_page(body, PAGE, NAME)
        assert info.value.message.startswith(PAGE)
        assert info.value.hint


HTML = """<!DOCTYPE html><html><head>{base}</head><body>
<a href="../../files/demo-1.0-py3-none-any.whl#sha256=ABCD"
   data-requires-python="&gt;=3.8,&lt;4">w</a>
<a href="demo-1.0.tar.gz" data-yanked="">s</a>
<a href="demo-0.9.zip" data-yanked="bad &amp; old" data-core-metadata="sha256=FF">z</a>
<a href="demo-0.8.tar.gz" data-dist-info-metadata="true">old</a>
<a href="demo-0.7.tar.gz" data-core-metadata="false">no</a>
<a href="demo-0.1.win32.exe">exe</a>
<a name="anchor-without-href">x</a>
</body></html>"""


class TestParseHtmlPage:
    def test_links(self) -> None:
        page = parse_html_page(HTML.format(base="").encode(), PAGE, NAME)
        names = [f.filename for f in page.files]
        assert names == [
            "demo-1.0-py3-none-any.whl",
            "demo-1.0.tar.gz",
            "demo-0.9.zip",
            "demo-0.8.tar.gz",
            "demo-0.7.tar.gz",
        ]
        wheel, sdist, zipped, old, no = page.files
        assert wheel.url == "http://127.0.0.1:9/files/demo-1.0-py3-none-any.whl"
        assert wheel.hashes == (("sha256", "abcd"),)
        assert wheel.requires_python == ">=3.8,<4"
        assert wheel.yanked is None
        assert sdist.url == PAGE + "demo-1.0.tar.gz"
        assert sdist.yanked == ""
        assert zipped.yanked == "bad & old"
        assert (zipped.core_metadata, zipped.core_metadata_sha256) == (True, "ff")
        assert (old.core_metadata, old.core_metadata_sha256) == (True, None)
        assert not no.core_metadata

    def test_base_href(self) -> None:
        body = HTML.format(base='<base href="http://127.0.0.3/mirror/">').encode()
        page = parse_html_page(body, PAGE, NAME)
        assert page.files[1].url == "http://127.0.0.3/mirror/demo-1.0.tar.gz"
        assert page.files[0].url == "http://127.0.0.3/files/demo-1.0-py3-none-any.whl"

    def test_quoted_filename(self) -> None:
        page = parse_html_page(b'<a href="demo%2Bx-1.0.tar.gz">d</a>', PAGE, NAME)
        assert page.files[0].filename == "demo+x-1.0.tar.gz"

    def test_not_utf8(self) -> None:
        with pytest.raises(IndexPageError, match="not UTF-8"):
            parse_html_page(b"<a href='\xff.whl'>", PAGE, NAME)


class TestLoads:
    """The fast decoder gives json's value for every body json accepts, else json's error."""

    @staticmethod
    def _outcome(load: Callable[[bytes], object], body: bytes) -> tuple[str, object]:
        try:
            return "ok", load(body)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            return type(exc).__name__, str(exc)

    _JSON = st.recursive(
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**70), max_value=2**70)
        | st.floats(allow_nan=False)
        | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )

    @settings(max_examples=300, deadline=None)
    @given(value=_JSON, encoding=st.sampled_from(["utf-8", "utf-16", "utf-32"]))
    def test_valid_json_decodes_as_json_does(self, value: object, encoding: str) -> None:
        body = json.dumps(value).encode(encoding)
        assert loads_json(body) == json.loads(body)

    @settings(max_examples=300, deadline=None)
    @given(body=st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
    def test_any_body_gives_json_s_value_or_error(self, body: bytes) -> None:
        assert self._outcome(loads_json, body) == self._outcome(json.loads, body)

    @pytest.mark.parametrize(
        "body",
        [
            b"NaN",
            b'{"a": 1, "a": 2}',
            b"[" * 5000 + b"]" * 5000,
            b'"\\ud800"',
            b"\xef\xbb\xbf{}",
            b"123456789012345678901234567890",
        ],
    )
    def test_edge_bodies_match_json(self, body: bytes) -> None:
        assert self._outcome(loads_json, body) == self._outcome(json.loads, body)
