"""A recorded package index served over real HTTP on 127.0.0.1, for tests.

Layout of an index directory::

    pages/<normalized-name>.json    PEP 691 project page, file urls relative
                                    ("../../files/<filename>")
    metadata/<filename>.metadata    core metadata (PEP 658)

Routes, modelled on the real index:

- ``GET /simple/`` lists the projects that have a page.
- ``GET /simple/<name>/`` answers the page. The ``Accept`` header picks the
  form: ``application/vnd.pypi.simple.v1+json`` gets the JSON as stored;
  ``text/html``, ``application/vnd.pypi.simple.v1+html``, ``*/*`` or no header
  get PEP 503 HTML generated from the JSON; anything else gets 406.
  ``/simple/<name>`` and non-normalized names redirect (301) to the canonical
  URL; an unknown project is 404.
- ``GET /files/<filename>.metadata`` answers the metadata file.
- ``GET /files/<filename>`` answers a file from ``files_dir``, honouring
  ``Range: bytes=a-b``, ``bytes=a-`` and ``bytes=-n`` with 206 unless
  :attr:`IndexServer.ignore_range` is set.

Every request is counted per path in :attr:`IndexServer.requests` and logged in
:attr:`IndexServer.log`, failed ones included. :meth:`IndexServer.fail` makes
requests fail with a 500 or a dropped connection, for retry and error tests.
"""

from __future__ import annotations

import collections
import enum
import hashlib
import html
import io
import json
import re
import sys
import threading
import urllib.parse
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, TypedDict

__all__ = [
    "JSON_TYPE",
    "Failure",
    "FileEntry",
    "IndexServer",
    "LoggedRequest",
    "MakeIndexServer",
    "build_wheel",
    "file_entry",
    "normalize",
    "render_html",
    "wheel_metadata",
    "write_page",
]

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPE = "application/vnd.pypi.simple.v1+html"
_JSON_LATEST = "application/vnd.pypi.simple.latest+json"
_HTML_LATEST = "application/vnd.pypi.simple.latest+html"
_API_VERSION = "1.1"

FileEntry = TypedDict(
    "FileEntry",
    {
        "filename": str,
        "url": str,
        "hashes": dict[str, str],
        "requires-python": str | None,
        "core-metadata": bool | dict[str, str],
        "data-dist-info-metadata": bool | dict[str, str],
        "yanked": bool | str,
        "size": int,
        "upload-time": str,
    },
    total=False,
)


class Failure(enum.Enum):
    """How a failing request fails."""

    STATUS = "500"  # answer 500 Internal Server Error
    CLOSE = "close"  # drop the connection without answering


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    headers: Mapping[str, str]


MakeIndexServer = Callable[..., "IndexServer"]
"""Type of the ``make_index_server`` fixture: (pages_dir, metadata_dir, files_dir=None)."""


def normalize(name: str) -> str:
    """PEP 503 normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up early (a cancelled prefetch) is normal, not a test failure."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            super().handle_error(request, client_address)


class IndexServer:
    """A threaded HTTP server on 127.0.0.1 serving an index directory.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    The knobs (:attr:`ignore_range`, :meth:`fail`) and the counters may be
    changed while it runs; :meth:`reset` puts them back.
    """

    def __init__(self, pages_dir: Path, metadata_dir: Path, files_dir: Path | None = None) -> None:
        self.pages_dir = Path(pages_dir)
        self.metadata_dir = Path(metadata_dir)
        self.files_dir = None if files_dir is None else Path(files_dir)
        self.requests: collections.Counter[str] = collections.Counter()
        self.log: list[LoggedRequest] = []
        self.ignore_range = False
        self.html_only = False  # behave like an index that only knows PEP 503 HTML
        self._failure: Failure | None = None
        self._failures_left: int | None = None
        self._fail_prefix = "/"
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> IndexServer:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        if self._httpd is not None:
            return self
        handler = type("_BoundHandler", (_Handler,), {"index": self})
        httpd = _QuietServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.02},  # stop() waits for one poll
            name="index-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> IndexServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses ---------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` without a trailing slash."""
        if self._httpd is None:
            raise RuntimeError("the index server is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        """The simple index URL, ``http://127.0.0.1:<port>/simple/``."""
        return f"{self.base_url}/simple/"

    def page_url(self, name: str) -> str:
        """Canonical URL of a project page."""
        return f"{self.url}{normalize(name)}/"

    def file_url(self, filename: str) -> str:
        """URL of a file (or of ``<file>.metadata``)."""
        return f"{self.base_url}/files/{urllib.parse.quote(filename)}"

    # -- knobs -------------------------------------------------------------

    def fail(
        self, how: Failure = Failure.STATUS, *, times: int | None = None, prefix: str = "/"
    ) -> None:
        """Fail requests whose path starts with ``prefix``.

        ``times`` failures then normal service again; ``None`` fails until
        :meth:`heal` or :meth:`reset`.
        """
        with self._lock:
            self._failure = how
            self._failures_left = times
            self._fail_prefix = prefix

    def heal(self) -> None:
        """Stop failing requests."""
        with self._lock:
            self._failure = None
            self._failures_left = None
            self._fail_prefix = "/"

    def reset(self) -> None:
        """Clear the counters and the log, serve Range and stop failing."""
        self.heal()
        with self._lock:
            self.requests.clear()
            self.log.clear()
        self.ignore_range = False
        self.html_only = False

    # -- used by the handler -----------------------------------------------

    def _record(self, method: str, path: str, headers: Mapping[str, str]) -> Failure | None:
        """Count a request; answer how it must fail, if it must."""
        with self._lock:
            self.requests[path] += 1
            self.log.append(LoggedRequest(method, path, dict(headers)))
            if self._failure is None or not path.startswith(self._fail_prefix):
                return None
            how = self._failure
            if self._failures_left is not None:
                self._failures_left -= 1
                if self._failures_left <= 0:
                    self._failure = None
                    self._failures_left = None
            return how

    def _page(self, name: str) -> bytes | None:
        path = self.pages_dir / f"{name}.json"
        return path.read_bytes() if path.is_file() else None

    def _projects(self) -> list[str]:
        if not self.pages_dir.is_dir():
            return []
        return sorted(p.stem for p in self.pages_dir.glob("*.json"))

    def _file(self, filename: str) -> Path | None:
        if "/" in filename or "\\" in filename or filename.startswith("."):
            return None
        dirs = [self.files_dir] if self.files_dir is not None else []
        if filename.endswith(".metadata"):
            dirs.insert(0, self.metadata_dir)
        for directory in dirs:
            if directory is not None and (directory / filename).is_file():
                return directory / filename
        return None


# -- negotiation and rendering ------------------------------------------------


def _accepted(header: str | None) -> str | None:
    """Pick ``"json"``/``"html"`` from an Accept header, or None (406)."""
    if not header:
        return "html"
    offers: dict[str, float] = {}
    for item in header.split(","):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media in {JSON_TYPE, _JSON_LATEST}:
            kind = "json"
        elif media in {HTML_TYPE, _HTML_LATEST, "text/html", "*/*", "text/*"}:
            kind = "html"
        else:
            continue
        offers[kind] = max(q, offers.get(kind, 0.0))
    offers = {k: q for k, q in offers.items() if q > 0}
    if not offers:
        return None
    # On a tie the server prefers JSON, as the real index does.
    return max(offers, key=lambda k: (offers[k], k == "json"))


def _hash_attr(value: object) -> str | None:
    if value is True:
        return "true"
    if isinstance(value, dict) and value:
        algo, digest = next(iter(sorted(value.items())))
        return f"{algo}={digest}"
    return None


def render_html(page: Mapping[str, Any]) -> str:
    """PEP 503 HTML for a PEP 691 JSON project page."""
    name = html.escape(str(page.get("name", "")))
    lines = [
        "<!DOCTYPE html>",
        "<html>",
        "  <head>",
        f'    <meta name="pypi:repository-version" content="{_API_VERSION}">',
        f"    <title>Links for {name}</title>",
        "  </head>",
        "  <body>",
        f"    <h1>Links for {name}</h1>",
    ]
    for entry in page.get("files", []):
        href = str(entry["url"])
        sha256 = entry.get("hashes", {}).get("sha256")
        if sha256:
            href = f"{href}#sha256={sha256}"
        attrs = [f'href="{html.escape(href)}"']
        requires_python = entry.get("requires-python")
        if requires_python:
            attrs.append(f'data-requires-python="{html.escape(requires_python)}"')
        metadata = _hash_attr(entry.get("core-metadata", entry.get("data-dist-info-metadata")))
        if metadata is not None:
            # The real index writes both spellings (PEP 714).
            attrs.append(f'data-dist-info-metadata="{html.escape(metadata)}"')
            attrs.append(f'data-core-metadata="{html.escape(metadata)}"')
        yanked = entry.get("yanked", False)
        if yanked is not False:
            reason = yanked if isinstance(yanked, str) else ""
            attrs.append(f'data-yanked="{html.escape(reason)}"')
        filename = html.escape(str(entry["filename"]))
        lines.append(f"    <a {' '.join(attrs)}>{filename}</a><br />")
    lines += ["  </body>", "</html>", ""]
    return "\n".join(lines)


def _render_root(projects: Sequence[str], kind: str) -> tuple[bytes, str]:
    if kind == "json":
        body = {"meta": {"api-version": _API_VERSION}, "projects": [{"name": p} for p in projects]}
        return json.dumps(body).encode(), JSON_TYPE
    links = "\n".join(f'    <a href="{p}/">{p}</a>' for p in projects)
    text = (
        "<!DOCTYPE html>\n<html>\n  <head>\n"
        f'    <meta name="pypi:repository-version" content="{_API_VERSION}">\n'
        "    <title>Simple index</title>\n  </head>\n  <body>\n"
        f"{links}\n  </body>\n</html>\n"
    )
    return text.encode(), "text/html; charset=utf-8"


class _UnsatisfiableRangeError(Exception):
    """The Range header asks for bytes the file does not have (416)."""


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` of one byte range, or None to answer the whole file."""
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if match is None or match.group(1) == match.group(2) == "":
        return None  # several ranges or garbage: answer the whole file, as servers may
    first_s, last_s = match.groups()
    if first_s == "":
        suffix = int(last_s)
        if suffix == 0 or size == 0:
            raise _UnsatisfiableRangeError
        return max(size - suffix, 0), size - 1
    first = int(first_s)
    last = size - 1 if last_s == "" else min(int(last_s), size - 1)
    if first >= size or first > last:
        raise _UnsatisfiableRangeError
    return first, last


class _Handler(BaseHTTPRequestHandler):
    index: IndexServer  # set on the subclass made by IndexServer.start
    protocol_version = "HTTP/1.1"
    server_version = "wheelcast-test-index/1"

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    # -- dispatch ----------------------------------------------------------

    def _serve(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        failure = self.index._record(self.command, path, dict(self.headers.items()))
        if failure is Failure.CLOSE:
            self.close_connection = True
            return
        if failure is Failure.STATUS:
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"failing on purpose\n", "text/plain")
            return
        parts = path.split("/")
        if path == "/simple":
            self._redirect("/simple/")
        elif path == "/simple/":
            self._root()
        elif parts[1:2] == ["simple"] and parts[2:3] != [""] and parts[3:] in ([], [""]):
            self._project(urllib.parse.unquote(parts[2]), trailing=len(parts) == 4)
        elif parts[1:2] == ["files"] and len(parts) == 3 and parts[2]:
            self._file(urllib.parse.unquote(parts[2]))
        else:
            self._send(HTTPStatus.NOT_FOUND, b"404 Not Found\n", "text/plain")

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", {"Location": location})

    def _root(self) -> None:
        kind = "html" if self.index.html_only else _accepted(self.headers.get("Accept"))
        if kind is None:
            self._send(HTTPStatus.NOT_ACCEPTABLE, b"not acceptable\n", "text/plain")
            return
        body, content_type = _render_root(self.index._projects(), kind)
        self._send(HTTPStatus.OK, body, content_type, {"Vary": "Accept"})

    def _project(self, name: str, *, trailing: bool) -> None:
        canonical = normalize(name)
        if canonical != name or not trailing:
            self._redirect(f"/simple/{canonical}/")
            return
        page = self.index._page(canonical)
        if page is None:
            self._send(HTTPStatus.NOT_FOUND, b"404 Not Found\n", "text/plain")
            return
        kind = "html" if self.index.html_only else _accepted(self.headers.get("Accept"))
        if kind is None:
            self._send(HTTPStatus.NOT_ACCEPTABLE, b"not acceptable\n", "text/plain")
            return
        if kind == "json":
            body = page  # as stored, byte for byte
            content_type = JSON_TYPE
        else:
            body = render_html(json.loads(page)).encode()
            asked = (self.headers.get("Accept") or "").lower()
            content_type = HTML_TYPE if HTML_TYPE in asked else "text/html; charset=utf-8"
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        extra = {"Vary": "Accept", "ETag": etag, "Cache-Control": "max-age=600, public"}
        if self.headers.get("If-None-Match") == etag:
            self._send(HTTPStatus.NOT_MODIFIED, b"", None, extra)
            return
        self._send(HTTPStatus.OK, body, content_type, extra)

    def _file(self, filename: str) -> None:
        path = self.index._file(filename)
        if path is None:
            self._send(HTTPStatus.NOT_FOUND, b"404 Not Found\n", "text/plain")
            return
        data = path.read_bytes()
        content_type = "application/octet-stream"
        header = self.headers.get("Range")
        if self.index.ignore_range or header is None:
            extra = {} if self.index.ignore_range else {"Accept-Ranges": "bytes"}
            self._send(HTTPStatus.OK, data, content_type, extra)
            return
        try:
            span = _parse_range(header, len(data))
        except _UnsatisfiableRangeError:
            extra = {"Content-Range": f"bytes */{len(data)}"}
            self._send(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, b"", None, extra)
            return
        if span is None:
            self._send(HTTPStatus.OK, data, content_type, {"Accept-Ranges": "bytes"})
            return
        first, last = span
        extra = {"Accept-Ranges": "bytes", "Content-Range": f"bytes {first}-{last}/{len(data)}"}
        self._send(HTTPStatus.PARTIAL_CONTENT, data[first : last + 1], content_type, extra)

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


# -- building small indexes in tmp_path -----------------------------------------


def file_entry(
    filename: str,
    content: bytes,
    *,
    requires_python: str | None = None,
    yanked: bool | str = False,
    metadata: bytes | None = None,
) -> FileEntry:
    """A PEP 691 file entry with a relative url and real hashes."""
    entry: FileEntry = {
        "filename": filename,
        "url": f"../../files/{urllib.parse.quote(filename)}",
        "hashes": {"sha256": hashlib.sha256(content).hexdigest()},
        "requires-python": requires_python,
        "yanked": yanked,
        "size": len(content),
    }
    if metadata is not None:
        entry["core-metadata"] = {"sha256": hashlib.sha256(metadata).hexdigest()}
        entry["data-dist-info-metadata"] = entry["core-metadata"]
    else:
        entry["core-metadata"] = False
        entry["data-dist-info-metadata"] = False
    return entry


def write_page(pages_dir: Path, name: str, files: Iterable[FileEntry]) -> Path:
    """Write ``pages_dir/<normalized>.json`` for ``name`` and return it."""
    entries = list(files)
    versions: list[str] = []
    page = {
        "meta": {"api-version": _API_VERSION},
        "name": normalize(name),
        "files": entries,
        "versions": versions,
    }
    pages_dir.mkdir(parents=True, exist_ok=True)
    path = pages_dir / f"{normalize(name)}.json"
    path.write_text(json.dumps(page, indent=1) + "\n", encoding="utf-8")
    return path


def _metadata_text(
    name: str, version: str, requires_python: str | None, requires_dist: Iterable[str]
) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if requires_python is not None:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Requires-Dist: {req}" for req in requires_dist]
    return "\n".join(lines) + "\n\n"


def build_wheel(
    directory: Path,
    name: str,
    version: str,
    *,
    tag: str = "py3-none-any",
    requires_python: str | None = None,
    requires_dist: Iterable[str] = (),
    files: Mapping[str, bytes | str] | None = None,
) -> Path:
    """Write a small valid wheel built from a dict of file contents; return its path."""
    dist = re.sub(r"[-_.]+", "_", name).lower()
    dist_info = f"{dist}-{version}.dist-info"
    contents: dict[str, bytes] = {
        key: value.encode() if isinstance(value, str) else value
        for key, value in (files or {f"{dist}/__init__.py": b""}).items()
    }
    contents[f"{dist_info}/METADATA"] = _metadata_text(
        name, version, requires_python, requires_dist
    ).encode()
    wheel_text = (
        f"Wheel-Version: 1.0\nGenerator: wheelcast-tests\nRoot-Is-Purelib: true\nTag: {tag}\n"
    )
    contents[f"{dist_info}/WHEEL"] = wheel_text.encode()
    record = io.StringIO()
    for arcname, data in contents.items():
        digest = hashlib.sha256(data).hexdigest()
        record.write(f"{arcname},sha256={digest},{len(data)}\n")
    record.write(f"{dist_info}/RECORD,,\n")
    contents[f"{dist_info}/RECORD"] = record.getvalue().encode()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{dist}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, data in contents.items():
            archive.writestr(arcname, data)
    return path


def wheel_metadata(path: Path) -> bytes:
    """The METADATA member of a wheel, as a ``.metadata`` file holds it."""
    with zipfile.ZipFile(path) as archive:
        member = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return archive.read(member)
