"""Project pages of a simple repository: PEP 691 JSON and PEP 503 HTML, into ``ProjectPage``.

Pure functions of the response body and its URL. Only wheels and ``.tar.gz`` / ``.zip``
sdists are kept (``.exe``, ``.egg``, ``.msi`` and other legacy files are skipped, as pip's
finder never selects them). Relative links resolve against the page URL (or the HTML
``<base href>``). A page that is not valid raises ``IndexPageError``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import urllib.parse
from html.parser import HTMLParser
from typing import Any

import msgspec
from packaging.utils import NormalizedName

from wheelcast.errors import IndexPageError
from wheelcast.index._dist import DIST_SUFFIXES, is_dist_filename
from wheelcast.index.models import DistFile, ProjectPage
from wheelcast.runtime.limits import shown

__all__ = [
    "FileEntry",
    "entry_of",
    "file_entry",
    "file_of",
    "json_entries",
    "json_files",
    "loads_json",
    "parse_html_page",
    "parse_json_page",
    "upload_timestamp",
]

_HINT = "the index answered with a page that is not a PEP 503/691 simple page; check --index-url"
_HASH_FRAGMENT = re.compile(r"(sha1|sha224|sha384|sha256|sha512|md5)=([0-9a-fA-F]+)")
_SUPPORTED_MAJOR = 1
_MSGSPEC_DECODE = msgspec.json.Decoder().decode


def _error(page_url: str, detail: str) -> IndexPageError:
    # A detail quotes what the page holds (a value, a file name): cut, on one line.
    return IndexPageError(f"{page_url}: {shown(detail)}", hint=_HINT)


def _split_url(url: str) -> tuple[str, str]:
    """The URL without its fragment, and the fragment."""
    without, _, fragment = url.partition("#")
    return without, fragment


def _without_userinfo(url: str) -> str:
    """``url`` without user name and password: credentials a page writes into its links
    are never stored or shown (requests to that origin carry the index's own, if any)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _userinfo_dropped(url: str) -> str:
    try:
        return _without_userinfo(url)
    except ValueError:
        return url  # file_of reports it as no URL


def _absolute(url: str, page_url: str) -> str:
    """The file URL, absolute, without its fragment and userinfo; ValueError if it is none."""
    # Large pages list thousands of absolute URLs: urljoin on each dominated parsing.
    if url.startswith(("https://", "http://")) and "#" not in url and "@" not in url:
        return url
    return _without_userinfo(_split_url(urllib.parse.urljoin(page_url, url))[0])


def _checked_absolute(url: str, page_url: str, filename: str) -> str:
    try:
        return _absolute(url, page_url)
    except ValueError as exc:  # a port that is no number, a broken IPv6 literal
        raise _error(page_url, f"{filename}: its url is not a URL ({exc})") from None


def _filename_of(url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    return urllib.parse.unquote(path.rsplit("/", 1)[-1])


def _hashes(raw: dict[str, Any], page_url: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for algorithm, digest in raw.items():
        if not isinstance(digest, str):
            raise _error(page_url, f"hash {algorithm!r} is not a string")
        pairs.append((algorithm.lower(), digest.lower()))
    return tuple(sorted(pairs))


def _utc(stamp: str) -> dt.datetime:
    """A PEP 700 ``upload-time``, timezone-aware UTC; ValueError if it is not ISO 8601."""
    parsed = dt.datetime.fromisoformat(stamp)
    if parsed.tzinfo is None:  # PEP 700 demands UTC; a naive stamp can only mean UTC
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _upload_time(value: object, page_url: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _error(page_url, "upload-time is not a string")
    try:
        return _utc(value)
    except ValueError as exc:
        raise _error(page_url, f"upload-time {value!r} is not ISO 8601") from exc


def upload_timestamp(value: object) -> float:
    """A PEP 700 ``upload-time`` as seconds since the epoch; TypeError or ValueError if none."""
    if not isinstance(value, str):
        raise TypeError(value)
    return _utc(value).timestamp()


def _json_core_metadata(entry: dict[str, Any], page_url: str) -> tuple[bool, str | None]:
    # PEP 714: "core-metadata" is the name; "dist-info-metadata" the older one.
    value = entry.get("core-metadata", entry.get("dist-info-metadata", False))
    if isinstance(value, bool):
        return value, None
    if isinstance(value, dict):
        sha = value.get("sha256")
        if sha is not None and not isinstance(sha, str):
            raise _error(page_url, "core-metadata sha256 is not a string")
        return True, sha.lower() if sha else None
    raise _error(page_url, "core-metadata is neither a boolean nor a hash table")


def file_of(entry: object, page_url: str) -> DistFile:
    """The file a PEP 691 ``files`` entry describes, checked; see :func:`json_entries`."""
    if not isinstance(entry, dict):
        raise _error(page_url, "a files entry is not an object")
    filename, url = entry.get("filename"), entry.get("url")
    if not isinstance(filename, str) or not isinstance(url, str):
        raise _error(page_url, "a files entry lacks a string filename or url")
    hashes = entry.get("hashes", {})
    if not isinstance(hashes, dict):
        raise _error(page_url, f"{filename}: hashes is not an object")
    requires_python = entry.get("requires-python")
    if requires_python is not None and not isinstance(requires_python, str):
        raise _error(page_url, f"{filename}: requires-python is not a string")
    yanked_value = entry.get("yanked", False)
    if isinstance(yanked_value, str):
        yanked: str | None = yanked_value
    elif isinstance(yanked_value, bool):
        yanked = "" if yanked_value else None
    else:
        raise _error(page_url, f"{filename}: yanked is neither a boolean nor a string")
    size = entry.get("size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int)):
        raise _error(page_url, f"{filename}: size is not an integer")
    core_metadata, core_sha = _json_core_metadata(entry, page_url)
    return DistFile(
        filename=filename,
        url=_checked_absolute(url, page_url, filename),
        hashes=_hashes(hashes, page_url),
        requires_python=requires_python or None,
        yanked=yanked,
        upload_time=_upload_time(entry.get("upload-time"), page_url),
        size=size,
        core_metadata=core_metadata,
        core_metadata_sha256=core_sha,
    )


def entry_of(file: DistFile) -> dict[str, Any]:
    """The PEP 691 ``files`` entry :func:`file_of` reads back as ``file``."""
    core: bool | dict[str, str] = (
        {"sha256": file.core_metadata_sha256} if file.core_metadata_sha256 else file.core_metadata
    )
    return {
        "filename": file.filename,
        "url": file.url,
        "hashes": dict(file.hashes),
        "requires-python": file.requires_python,
        "yanked": False if file.yanked is None else file.yanked,
        "upload-time": file.upload_time.isoformat() if file.upload_time else None,
        "size": file.size,
        "core-metadata": core,
    }


def loads_json(body: bytes) -> Any:
    """``json.loads(body)``, decoded by msgspec where it can (2-3x faster on big pages).

    Anything msgspec rejects (bad JSON, UTF-16 bodies, NaN, integers past 64 bits, deep
    nesting) goes to json itself, so a page's value and its error stay json's exactly.
    """
    try:
        return _MSGSPEC_DECODE(body)
    except (msgspec.DecodeError, RecursionError):
        return json.loads(body)


def json_entries(body: bytes, page_url: str) -> list[dict[str, Any]]:
    """The ``files`` entries of a PEP 691 ``application/vnd.pypi.simple.v1+json`` page.

    Only wheel and sdist entries are kept, as they are: each is checked as far as telling
    its filename and URL, and fully by :func:`file_of` when read. A page of a popular
    project lists thousands of files of which a run reads a few dozen, and building each
    file up front was most of the cost of a cold run.
    """
    try:
        data = loads_json(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _error(page_url, f"not valid JSON: {exc}") from exc
    except RecursionError as exc:
        # json's decoder bounds nesting by the interpreter's recursion limit; a simple
        # page nests four deep.
        raise _error(page_url, f"JSON nested deeper than {sys.getrecursionlimit()}") from exc
    if not isinstance(data, dict):
        raise _error(page_url, "the JSON page is not an object")
    meta = data.get("meta", {})
    api_version = meta.get("api-version", "1.0") if isinstance(meta, dict) else None
    if not isinstance(api_version, str):
        raise _error(page_url, "meta.api-version is missing or not a string")
    major = api_version.split(".", 1)[0]
    if not major.isdigit() or int(major) > _SUPPORTED_MAJOR:
        raise _error(page_url, f"unsupported simple API version {api_version!r}")
    files = data.get("files")
    if not isinstance(files, list):
        raise _error(page_url, "the JSON page has no files list")
    kept: list[dict[str, Any]] = []
    keep = kept.append
    for entry in files:  # thousands per page: the checks stay inline
        if type(entry) is not dict:
            raise _error(page_url, "a files entry is not an object")
        filename = entry.get("filename")
        if type(filename) is not str or type(entry.get("url")) is not str:
            raise _error(page_url, "a files entry lacks a string filename or url")
        if filename.endswith(DIST_SUFFIXES):
            if "@" in entry["url"]:  # credentials in a link are never stored (file_of)
                entry["url"] = _userinfo_dropped(entry["url"])
            keep(entry)
    return kept


_ABSENT = msgspec.Raw(b"")  # a field the entry does not have: never written back


class FileEntry(msgspec.Struct, omit_defaults=True, rename="kebab"):
    """A PEP 691 ``files`` entry as the cache keeps it: the fields :func:`file_of` reads,
    each as the page wrote it (checked when read), the others left behind."""

    filename: str
    url: str
    hashes: msgspec.Raw = _ABSENT
    requires_python: msgspec.Raw = _ABSENT
    yanked: msgspec.Raw = _ABSENT
    upload_time: msgspec.Raw = _ABSENT
    size: msgspec.Raw = _ABSENT
    core_metadata: msgspec.Raw = _ABSENT
    dist_info_metadata: msgspec.Raw = _ABSENT


class _Meta(msgspec.Struct, frozen=True):
    api_version: str = msgspec.field(default="1.0", name="api-version")


class _JsonPage(msgspec.Struct):
    files: list[FileEntry]
    meta: _Meta = _Meta()


_PAGE_DECODE = msgspec.json.Decoder(_JsonPage).decode
_ENTRY_FIELDS = tuple(
    zip(FileEntry.__struct_fields__, FileEntry.__struct_encode_fields__, strict=True)
)


def file_entry(entry: dict[str, Any]) -> FileEntry:
    """``entry`` (a files entry with a string filename and url) as :class:`FileEntry`."""
    # json, not msgspec: it writes what json read (integers past 64 bits, NaN) back as is.
    fields = {
        field: msgspec.Raw(json.dumps(entry[key]).encode())
        for field, key in _ENTRY_FIELDS[2:]
        if key in entry
    }
    return FileEntry(entry["filename"], entry["url"], **fields)


def json_files(body: bytes, page_url: str) -> list[FileEntry]:
    """The wheel and sdist entries of a PEP 691 page, as :func:`json_entries` keeps them.

    Decoded into typed structs, which skip the fields no forecast reads: half the cost of
    building a dict per entry, on pages of thousands of entries. A page msgspec cannot
    decode so (bad JSON, a field of another type, a newer API version) is read by
    :func:`json_entries`, so that its value and its error stay exactly json's.
    """
    try:
        page = _PAGE_DECODE(body)
    except (msgspec.DecodeError, RecursionError):  # ValidationError is a DecodeError
        return [file_entry(entry) for entry in json_entries(body, page_url)]
    major = page.meta.api_version.split(".", 1)[0]
    if not major.isdigit() or int(major) > _SUPPORTED_MAJOR:
        return [file_entry(entry) for entry in json_entries(body, page_url)]
    kept = [entry for entry in page.files if entry.filename.endswith(DIST_SUFFIXES)]
    for entry in kept:
        if "@" in entry.url:  # credentials in a link are never stored (file_of)
            entry.url = _userinfo_dropped(entry.url)
    return kept


def parse_json_page(body: bytes, page_url: str, name: NormalizedName) -> ProjectPage:
    """A PEP 691 ``application/vnd.pypi.simple.v1+json`` project page."""
    files = tuple(file_of(entry, page_url) for entry in json_entries(body, page_url))
    return ProjectPage(name=name, url=page_url, files=files)


class _LinkCollector(HTMLParser):
    """Anchors and the first ``<base href>`` of a PEP 503 page.

    The stdlib parser: no maintained small HTML parser is a dependency already, and PEP 503
    pages need no more than start tags and their (already unescaped) attributes.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.anchors: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(dict(attrs))
        elif tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")


def _html_core_metadata(anchor: dict[str, str | None]) -> tuple[bool, str | None]:
    key = "data-core-metadata" if "data-core-metadata" in anchor else "data-dist-info-metadata"
    if key not in anchor:
        return False, None
    value = (anchor[key] or "").strip()
    if value.lower() == "false":
        return False, None
    algorithm, _, digest = value.partition("=")
    if algorithm.lower() == "sha256" and digest:
        return True, digest.lower()
    return True, None


def _html_file(anchor: dict[str, str | None], base_url: str) -> DistFile | None:
    href = anchor.get("href")
    if not href:
        return None
    try:
        _, fragment = _split_url(href.strip())
        url = _absolute(href.strip(), base_url)
        filename = _filename_of(url)
    except ValueError:
        return None  # an href that is no URL links to no file, as one with no href
    if not is_dist_filename(filename):
        return None
    hashes = tuple(
        (m.group(1).lower(), m.group(2).lower())
        for m in (_HASH_FRAGMENT.fullmatch(fragment),)
        if m is not None
    )
    core_metadata, core_sha = _html_core_metadata(anchor)
    yanked = anchor["data-yanked"] or "" if "data-yanked" in anchor else None
    return DistFile(
        filename=filename,
        url=url,
        hashes=hashes,
        requires_python=(anchor.get("data-requires-python") or "").strip() or None,
        yanked=yanked,
        core_metadata=core_metadata,
        core_metadata_sha256=core_sha,
    )


def parse_html_page(body: bytes, page_url: str, name: NormalizedName) -> ProjectPage:
    """A PEP 503 HTML project page (also a flat find-links page: every link is kept)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _error(page_url, f"the HTML page is not UTF-8: {exc}") from exc
    collector = _LinkCollector()
    collector.feed(text)
    collector.close()
    base_url = urllib.parse.urljoin(page_url, collector.base) if collector.base else page_url
    parsed = (_html_file(anchor, base_url) for anchor in collector.anchors)
    return ProjectPage(name=name, url=page_url, files=tuple(f for f in parsed if f is not None))
