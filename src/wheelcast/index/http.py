"""An ``IndexSource`` over HTTP: PEP 691 JSON / PEP 503 HTML pages and PEP 658 metadata.

Pages are asked for as JSON first and parsed by the Content-Type of the answer (HTML when
it is anything else). Core metadata of a file is found, cheapest first:

1. PEP 658: ``url + ".metadata"`` when the page says the index serves it;
2. wheels: HTTP range requests for the zip's tail (central directory, usually METADATA
   too) and then exactly the missing ranges, as pip's ``lazy_wheel`` and uv do;
3. the whole file, streamed with a size cap, when the server ignores ranges, and always
   for sdists (only ``<top>/PKG-INFO`` is read, in memory; no code runs).

A ``Fetcher`` makes the requests, blocking, over one ``httpx.Client``, and parses the pages
they bring; a ``FetchService`` runs its calls several at a time, in threads here
(``ThreadedFetch``) or in a process of its own (``wheelcast.index.remote``), and the async
methods of the ``IndexSource`` protocol await them. 429, 5xx, timeouts and connection
errors are retried with exponential backoff.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import email.utils
import functools
import hashlib
import os
import re
import ssl
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

import httpx
from packaging.utils import NormalizedName

from wheelcast.errors import CacheError, IndexPageError, IndexUnreachable, OfflineMiss
from wheelcast.index._deadline import LATE_HEADERS, bound_client, headers_within
from wheelcast.index._dist import (
    check_sha256,
    is_sdist,
    project_of,
    read_sdist_pkg_info,
    read_wheel_metadata,
    to_dist_metadata,
)
from wheelcast.index._lazy_wheel import TAIL_BYTES, SparseFile, metadata_from_ranges
from wheelcast.index.auth import (
    Credentials,
    OriginAuth,
    checked_index_url,
    redact_url,
    sent_user,
    split_credentials,
    with_userinfo,
)
from wheelcast.index.models import DistFile, DistMetadata, PagesRead, ProjectPage
from wheelcast.index.store import Cache, encode_body
from wheelcast.runtime.limits import (
    MAX_BODY_SECONDS,
    MAX_HEADER_SECONDS,
    MAX_METADATA_BYTES,
    MAX_PAGE_BYTES,
    MAX_RANGE_BYTES,
    MAX_REDIRECTS,
    MAX_RETRY_AFTER,
)

__all__ = [
    "ACCEPT",
    "FetchService",
    "FetchSettings",
    "Fetcher",
    "HttpIndex",
    "ThreadedFetch",
    "client_of",
    "default_client",
]

T = TypeVar("T")

ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2,"
    " text/html;q=0.01"
)
_JSON_TYPES = frozenset(
    {"application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json"}
)
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+)")
_UNREACHABLE_HINT = "check the URL and your network, or use --offline with a warm cache"
_OFFLINE_HINT = "run once without --offline to fill the cache"
_TIMEOUT = httpx.Timeout(30.0, connect=15.0)
_USER_AGENT = "wheelcast/0.1 (+forecasting pip installs)"
SDIST_DOWNLOAD_CAP = 100 * 1024 * 1024
_CHUNK = 1024 * 1024
WHEEL_DOWNLOAD_CAP = 4 * 1024 * 1024 * 1024  # spooled to a temporary file past 16 MiB
_SPOOL_IN_MEMORY = 16 * 1024 * 1024


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _RangesIgnored(Exception):
    """The server answered a range request with the whole file (or nonsense)."""


@dataclass(frozen=True, slots=True)
class _Fetched:
    """A page as fetched: encoded for the cache (None: the project is not there, or
    ``stored``: the fetcher put it in the cache itself)."""

    blob: bytes | None
    etag: str | None
    last_modified: str | None
    fetched_at: float
    digest: str
    stored: bool = False


@dataclass(frozen=True, slots=True)
class _Answer:
    """An index's answer to a page request: 200 (with the body), 304, 404 or 410."""

    status: int
    body: bytes
    content_type: str
    final_url: str
    etag: str | None
    last_modified: str | None

    @classmethod
    def of(cls, response: httpx.Response, url: str, body: bytes, *, revalidating: bool) -> _Answer:
        status = response.status_code
        if not (status == 200 or status in (404, 410) or (status == 304 and revalidating)):
            raise _http_error(url, response)
        headers = response.headers
        return cls(
            status,
            body,
            headers.get("content-type", "").split(";", 1)[0],
            str(response.url),
            headers.get("etag"),
            headers.get("last-modified"),
        )


@dataclass(frozen=True, slots=True)
class _Tail:
    start: int
    total: int
    data: bytes


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _content_range(value: str | None) -> tuple[int, int] | None:
    """``(first byte, total size)`` of a ``Content-Range: bytes a-b/n`` header."""
    match = _CONTENT_RANGE.fullmatch((value or "").strip())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(3))


def _raise_if_transient(response: httpx.Response) -> None:
    status = response.status_code
    if status == 429 or status >= 500:
        after = _retry_after(response.headers.get("retry-after"))
        raise _Retry(f"HTTP {status} {response.reason_phrase}", after)


def _too_large(url: str, cap: int) -> IndexPageError:
    return IndexPageError(
        f"{url}: larger than the {cap} byte download cap",
        hint="this file is too large to inspect; its metadata stays unknown",
    )


def _over_cap(url: str, cap: int, what: str) -> IndexPageError:
    return IndexPageError(
        f"{url}: {what} larger than the {cap} byte cap",
        hint="the index sent far more than any real answer holds; check --index-url",
    )


class _Capped:
    """A body gathered under a cap on its inflated size; see :func:`read_capped`."""

    def __init__(self, response: httpx.Response, url: str, cap: int) -> None:
        self.url = url
        self.cap = cap
        # Joined once at the end: a growing bytearray copied a page of megabytes twice.
        self.out: list[bytes] = []
        self.size = 0
        encoding = response.headers.get("content-encoding", "").strip().lower()
        # "deflate" sent without its zlib header is accepted too, as httpx accepts it.
        self.raw_deflate_left = encoding == "deflate"
        self.inflater: Any = None
        if encoding in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.inflater = zlib.decompressobj()
        elif encoding not in ("", "identity"):
            raise IndexPageError(
                f"{url}: unsupported Content-Encoding {encoding[:40]!r}",
                hint="the index answered in an encoding wheelcast did not ask for",
            )

    def _keep(self, data: bytes) -> None:
        self.out.append(data)
        self.size += len(data)
        if self.size > self.cap:
            raise _over_cap(self.url, self.cap, "the answer inflated is")

    def _inflate(self, data: bytes) -> bytes:
        # max_length: a small chunk may inflate to gigabytes; never hold more.
        try:
            return bytes(self.inflater.decompress(data, self.cap + 1 - self.size))
        except zlib.error:
            if not (self.raw_deflate_left and not self.size):
                raise
            self.raw_deflate_left = False
            self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            return bytes(self.inflater.decompress(data, self.cap + 1))

    def add(self, chunk: bytes) -> None:
        if self.inflater is None:
            self._keep(chunk)
            return
        data = chunk
        while data:
            self._keep(self._inflate(data))
            data = self.inflater.unconsumed_tail

    def end(self) -> bytes:
        if self.inflater is not None:
            self._keep(self.inflater.flush())
            if not self.inflater.eof:
                raise zlib.error("the compressed stream ends early")
        return self.out[0] if len(self.out) == 1 else b"".join(self.out)


def read_capped(response: httpx.Response, url: str, cap: int, deadline: float) -> bytes:
    """The body of ``response``, inflated, refused past ``cap`` bytes as sent or as
    inflated, or past ``deadline`` seconds: never more than ``cap`` bytes in memory."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _over_cap(url, cap, "the answer is")
    if response.is_stream_consumed:  # a transport that read it already (MockTransport)
        if len(response.content) > cap:
            raise _over_cap(url, cap, "the answer is")
        return response.content
    body = _Capped(response, url, cap)
    ends = time.monotonic() + deadline
    sent = 0
    try:
        # As the socket delivers them (64 KiB reads): httpx re-chunking copied every body.
        for chunk in response.iter_raw():
            sent += len(chunk)
            if sent > cap:
                raise _over_cap(url, cap, "the answer is")
            if time.monotonic() > ends:
                raise _too_slow(url, deadline)
            body.add(chunk)
        return body.end()
    except zlib.error as exc:
        raise IndexPageError(
            f"{url}: the compressed answer is corrupt or cut short: {exc}",
            hint="the index or a proxy broke the answer; retry later",
        ) from exc


def _too_slow(url: str, deadline: float) -> IndexPageError:
    return IndexPageError(
        f"{url}: the answer took longer than the {deadline:g} second cap",
        hint="the index sends too slowly; retry later",
    )


class _Sink:
    """Writes a body to ``spool`` under a size cap; :meth:`check` compares its sha256."""

    def __init__(self, spool: IO[bytes], url: str, cap: int, sha256: str | None) -> None:
        self.spool = spool
        self.url = url
        self.cap = cap
        self.sha256 = sha256
        self.total = 0
        self.digest = hashlib.sha256()

    def write(self, chunk: bytes) -> None:
        self.total += len(chunk)
        if self.total > self.cap:
            raise _too_large(self.url, self.cap)
        self.spool.write(chunk)
        self.digest.update(chunk)

    def check(self) -> None:
        if self.sha256 is not None and self.digest.hexdigest() != self.sha256.lower():
            raise IndexPageError(
                f"{self.url}: sha256 does not match the one the index lists",
                hint="a proxy or mirror served a different file; retry with --refresh",
            )


def _copy(
    response: httpx.Response, spool: IO[bytes], url: str, cap: int, sha256: str | None
) -> None:
    sink = _Sink(spool, url, cap, sha256)
    # Raw bytes, as pip hashes them: a Content-Encoding on an archive is not undone. A
    # transport that hands over an already-read response (MockTransport) has only content.
    whole = response.is_stream_consumed
    for chunk in (response.content,) if whole else response.iter_raw(_CHUNK):
        sink.write(chunk)
    sink.check()


@contextlib.contextmanager
def _fresh_file(dest: Path, filename: str) -> Iterator[tuple[IO[bytes], Path]]:
    """A new file in ``dest`` named after ``filename``'s last part; deleted on failure."""
    # Only the last path part of the name, and under a fresh name: never outside dest.
    suffix = "-" + os.path.basename(filename.replace("\\", "/"))
    fd, name = tempfile.mkstemp(dir=dest, prefix=".download-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out, Path(name)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _failed(url: str, exc: Exception, delay: float, max_wait: float) -> tuple[str, float]:
    """Why an attempt failed and how long to wait before the next; a URL that can never
    work raises at once."""
    if isinstance(exc, _Retry):
        return exc.reason, delay if exc.retry_after is None else min(exc.retry_after, max_wait)
    if isinstance(exc, httpx.InvalidURL | httpx.TooManyRedirects | httpx.UnsupportedProtocol):
        # No retry makes these work: a redirect loop stays a loop.
        raise IndexUnreachable(f"cannot reach {url}: {exc}", _UNREACHABLE_HINT) from exc
    if isinstance(exc, httpx.TimeoutException):
        late = str(exc) == LATE_HEADERS  # the header deadline, not one pause
        return (LATE_HEADERS if late else f"timed out ({type(exc).__name__})"), delay
    return str(exc) or type(exc).__name__, delay


def _page_digest(body: bytes, content_type: str, final_url: str) -> str:
    # The URL the page came from resolves its relative links, so it is part of the page.
    digest = hashlib.sha256(body)
    digest.update(b"\0" + content_type.strip().lower().encode() + b"\0" + final_url.encode())
    return digest.hexdigest()


def _check_download(response: httpx.Response, url: str, max_bytes: int) -> None:
    if response.status_code != 200:
        raise _http_error(url, response)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(url, max_bytes)


def _http_error(url: str, response: httpx.Response) -> IndexUnreachable:
    status = response.status_code
    if status not in (401, 403):
        return IndexUnreachable(
            f"cannot fetch {url}: HTTP {status} {response.reason_phrase}", _UNREACHABLE_HINT
        )
    # Say whether credentials went with the request, as pip shows them: user:****@.
    user = sent_user(response.request.headers.get("authorization"))
    shown = url if user is None else redact_url(with_userinfo(url, user))
    return IndexUnreachable(
        f"cannot fetch {shown}: HTTP {status} {response.reason_phrase}",
        "the index refused access: check the credentials in the URL or ~/.netrc",
    )


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How a ``Fetcher`` retries and caps, and how many of its calls run at once."""

    tries: int = 3
    backoff: float = 0.5  # seconds before the first retry, doubled for each next one
    max_retry_after: float = MAX_RETRY_AFTER
    body_seconds: float = MAX_BODY_SECONDS
    header_seconds: float = MAX_HEADER_SECONDS
    sdist_cap: int = SDIST_DOWNLOAD_CAP
    wheel_cap: int = WHEEL_DOWNLOAD_CAP
    max_concurrency: int = 16
    # Travel with the settings to a fetch process (wheelcast.index.remote), never stored.
    credentials: tuple[Credentials, ...] = ()
    keyring_provider: str = "disabled"  # asked after a 401 (wheelcast.index.auth)
    index_urls: tuple[str, ...] = ()  # the keyring's service names, as pip's
    # A fetcher in a process of its own stores the pages it fetches in this cache: a page
    # of megabytes sent over the pipe held every other answer up behind it.
    cache_dir: str | None = None


class Fetcher:
    """The requests of an ``HttpIndex``, blocking: GET with retries, pages as served, core
    metadata from ranges or whole files, downloads.

    Holds a client, and a cache only when ``settings.cache_dir`` names one, so that it
    can work in a process of its own (``wheelcast.index.remote``): there it stores the
    pages it fetches; otherwise the index stores what it answers.
    """

    def __init__(self, client: httpx.Client, settings: FetchSettings | None = None) -> None:
        self._client = client
        settings = settings or FetchSettings()
        self._tries = max(1, settings.tries)
        self._backoff = settings.backoff
        self._max_retry_after = settings.max_retry_after
        self._body_seconds = settings.body_seconds
        self._header_seconds = settings.header_seconds
        self._sdist_cap = settings.sdist_cap
        self._wheel_cap = settings.wheel_cap
        self._cache_dir = settings.cache_dir
        self._cache: Cache | None = None  # opened with the first page it stores
        self._cache_lock = threading.Lock()

    def close(self) -> None:
        self._client.close()
        with self._cache_lock:
            if self._cache is not None:
                self._cache.close()

    def _store(self) -> Cache:
        with self._cache_lock:
            if self._cache is None:
                self._cache = Cache(self._cache_dir)
            return self._cache

    def get(self, url: str, headers: dict[str, str], handle: Callable[[httpx.Response], T]) -> T:
        """GET ``url`` and hand the streamed response to ``handle``, retrying transient faults."""
        reason = "no attempt made"
        for attempt in range(self._tries):
            delay = self._backoff * 2**attempt
            try:
                with contextlib.ExitStack() as stack:
                    with headers_within(self._header_seconds):  # a slowloris is bounded too
                        response = stack.enter_context(
                            self._client.stream("GET", url, headers=headers)
                        )
                    _raise_if_transient(response)
                    return handle(response)
            except (_Retry, httpx.InvalidURL, httpx.RequestError) as exc:
                reason, delay = _failed(url, exc, delay, self._max_retry_after)
            if attempt + 1 < self._tries:
                time.sleep(delay)
        raise IndexUnreachable(
            f"cannot reach {url}: {reason} (after {self._tries} tries)", _UNREACHABLE_HINT
        )

    def _spool(self, response: httpx.Response, url: str, cap: int, sha256: str | None) -> IO[bytes]:
        """The raw body of ``response`` in a rewound temporary file, capped and hash-checked."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _too_large(url, cap)
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 - returned open
        try:
            _copy(response, spool, url, cap, sha256)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool

    def page(
        self,
        url: str,
        headers: dict[str, str],
        name: NormalizedName,
        *,
        revalidating: bool,
        cached_digest: str | None,
    ) -> _Fetched | None:
        """The page at ``url``, encoded as the cache stores it; None when the cached page
        (``revalidating``, with ``cached_digest``) stands: a 304, or the same bytes again.

        Parsing here keeps the largest CPU cost of a cold run in the fetch process.
        """

        def read(response: httpx.Response) -> _Answer:
            # Only a 200 has a body worth reading.
            ok = response.status_code == 200
            body = read_capped(response, url, MAX_PAGE_BYTES, self._body_seconds) if ok else b""
            return _Answer.of(response, url, body, revalidating=revalidating)

        answer = self.get(url, headers, read)
        status = answer.status
        if status == 304:
            return None
        if status in (404, 410):
            return _Fetched(None, None, None, time.time(), f"HTTP {status}")
        digest = _page_digest(answer.body, answer.content_type, answer.final_url)
        if cached_digest is not None and digest == cached_digest:
            # An index without validators answers every revalidation in full: the same
            # bytes need no parsing, only the new fetch time.
            return None
        is_json = answer.content_type.strip().lower() in _JSON_TYPES
        blob = encode_body(answer.body, is_json=is_json, page_url=answer.final_url, name=name)
        fetched_at = time.time()
        if self._cache_dir is None:
            return _Fetched(blob, answer.etag, answer.last_modified, fetched_at, digest)
        self._store().store_encoded(
            url,
            blob,
            etag=answer.etag,
            last_modified=answer.last_modified,
            fetched_at=fetched_at,
            digest=digest,
        )
        return _Fetched(None, answer.etag, answer.last_modified, fetched_at, digest, stored=True)

    def metadata(self, file: DistFile) -> tuple[bytes, str]:
        """The raw core metadata of ``file`` and how it was read; see the module docstring."""
        if file.core_metadata:
            raw = self._metadata_file(file)
            if raw is not None:
                return raw, "metadata-file"
        if file.is_wheel:
            return self._wheel_metadata(file)
        if is_sdist(file.filename):
            with self._download(file.url, self._sdist_cap, file.sha256) as spool:
                return read_sdist_pkg_info(spool, file.filename, file.url), "pkg-info"
        raise IndexPageError(
            f"{file.url}: {file.filename} is neither a wheel nor an sdist",
            hint="only wheels and .tar.gz/.zip sdists carry readable metadata",
        )

    def _metadata_file(self, file: DistFile) -> bytes | None:
        """PEP 658 metadata, or None when the index does not actually serve it."""
        url = file.url + ".metadata"

        def handle(response: httpx.Response) -> bytes | None:
            if response.status_code in (404, 410):
                return None
            if response.status_code != 200:
                raise _http_error(url, response)
            # Capped as it inflates: the hash below is checked only after.
            return read_capped(response, url, MAX_METADATA_BYTES, self._body_seconds)

        raw = self.get(url, {}, handle)
        if raw is not None:
            check_sha256(raw, file.core_metadata_sha256, url)
        return raw

    def _download(self, url: str, cap: int, sha256: str | None) -> IO[bytes]:
        def handle(response: httpx.Response) -> IO[bytes]:
            if response.status_code != 200:
                raise _http_error(url, response)
            return self._spool(response, url, cap, sha256)

        return self.get(url, {"Accept-Encoding": "identity"}, handle)

    def _wheel_metadata(self, file: DistFile) -> tuple[bytes, str]:
        url = file.url

        def handle_tail(response: httpx.Response) -> _Tail | IO[bytes] | None:
            if response.status_code == 206:
                parsed = _content_range(response.headers.get("content-range"))
                if parsed is None or parsed[1] - parsed[0] > TAIL_BYTES:
                    return None  # not the tail asked for: read the whole file instead
                with contextlib.suppress(IndexPageError):
                    data = read_capped(response, url, TAIL_BYTES, self._body_seconds)
                    if parsed[0] + len(data) == parsed[1]:  # exactly the tail, as it says
                        return _Tail(parsed[0], parsed[1], data)
                return None
            if response.status_code == 200:  # ranges ignored: this is the whole wheel
                return self._spool(response, url, self._wheel_cap, file.sha256)
            if response.status_code == 416:
                return None
            raise _http_error(url, response)

        headers = {"Range": f"bytes=-{TAIL_BYTES}", "Accept-Encoding": "identity"}
        tail = self.get(url, headers, handle_tail)
        if isinstance(tail, _Tail):
            sparse = SparseFile(tail.total)
            sparse.add(tail.start, tail.data)
            try:
                raw = metadata_from_ranges(sparse, self._range_fetcher(url), file.filename, url)
            except _RangesIgnored:
                pass
            else:
                return raw, "range"
            tail = None
        spool = tail if tail is not None else self._download(url, self._wheel_cap, file.sha256)
        with spool:
            return read_wheel_metadata(spool, file.filename, url), "download"

    def _range_fetcher(self, url: str) -> Callable[[int, int], bytes]:
        def fetch(start: int, end: int) -> bytes:
            if end - start > MAX_RANGE_BYTES:  # a directory that spans gigabytes
                raise _RangesIgnored

            def handle(response: httpx.Response) -> bytes:
                if response.status_code != 206:
                    raise _RangesIgnored
                parsed = _content_range(response.headers.get("content-range"))
                # Exactly the range, or one starting a little early: never a whole file.
                if parsed is None or parsed[0] > start or start - parsed[0] > TAIL_BYTES:
                    raise _RangesIgnored
                try:
                    data = read_capped(response, url, end - parsed[0], self._body_seconds)
                except IndexPageError:
                    raise _RangesIgnored from None
                if len(data) != end - parsed[0]:  # not the bytes the range names
                    raise _RangesIgnored
                return data[start - parsed[0] :]

            headers = {"Range": f"bytes={start}-{end - 1}", "Accept-Encoding": "identity"}
            return self.get(url, headers, handle)

        return fetch

    def download(self, file: DistFile, dest: Path, max_bytes: int) -> Path:
        """Stream ``file`` into a fresh file in ``dest``, capped and hash-checked."""
        url = file.url

        def handle(response: httpx.Response) -> Path:
            _check_download(response, url, max_bytes)
            with _fresh_file(dest, file.filename) as (out, path):
                _copy(response, out, url, max_bytes, file.sha256)
            return path

        return self.get(url, {"Accept-Encoding": "identity"}, handle)


class FetchService(Protocol):
    """Runs calls on a ``Fetcher``, several at a time: in threads here, or in another
    process (``wheelcast.index.remote``)."""

    def submit(self, call: Callable[[Fetcher], T]) -> concurrent.futures.Future[T]: ...

    def close(self) -> None: ...


class ThreadedFetch:
    """A ``FetchService`` in this process: ``max_concurrency`` threads over one fetcher."""

    def __init__(self, fetcher: Fetcher, max_concurrency: int = 16) -> None:
        self._fetcher = fetcher
        self._pool = ThreadPoolExecutor(max_concurrency, thread_name_prefix="http")

    def submit(self, call: Callable[[Fetcher], T]) -> concurrent.futures.Future[T]:
        return self._pool.submit(call, self._fetcher)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._fetcher.close()


def client_of(settings: FetchSettings, verify: ssl.SSLContext | None = None) -> httpx.Client:
    """:func:`default_client` with the credentials and keyring of ``settings``."""
    return default_client(
        settings.credentials,
        keyring_provider=settings.keyring_provider,
        index_urls=settings.index_urls,
        verify=verify,
    )


def trust_context() -> ssl.SSLContext:
    """The TLS context clients verify with (loading a CA bundle takes about 50 ms, so a
    run makes one); PIP_CERT names a CA bundle for pip, honoured so both trust the same."""
    cafile = os.environ.get("PIP_CERT")
    if cafile and Path(cafile).is_file():
        return ssl.create_default_context(cafile=cafile)
    return httpx.create_ssl_context()  # httpx's own default


def default_client(
    credentials: tuple[Credentials, ...] = (),
    *,
    keyring_provider: str = "disabled",
    index_urls: tuple[str, ...] = (),
    verify: ssl.SSLContext | None = None,
) -> httpx.Client:
    """The client the HTTP sources of a run share, over one TLS context (``verify``, else
    :func:`trust_context`); it alone holds the credentials (``wheelcast.index.auth``)."""
    client = httpx.Client(
        timeout=_TIMEOUT,
        follow_redirects=True,
        verify=verify or trust_context(),
        # Only what read_capped inflates under its cap.
        headers={"User-Agent": _USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        auth=OriginAuth(credentials, keyring_provider=keyring_provider, index_urls=index_urls),
        max_redirects=MAX_REDIRECTS,
    )
    return bound_client(client)


class HttpIndex:
    """A simple repository (PEP 503/691) at ``index_url``; see the module docstring.

    ``offline`` answers from ``cache`` only; ``refresh`` ignores page freshness and
    revalidates. ``flat`` treats ``index_url`` as one page of links for every project
    (an HTTP ``--find-links`` page) and keeps the links whose filename names the project.
    Requests (and the parsing of the pages they bring) go to ``requests`` when given (the
    index closes it), else to threads over ``client`` as ``settings`` say.
    """

    def __init__(
        self,
        index_url: str,
        cache: Cache,
        client: httpx.Client | None = None,
        *,
        offline: bool = False,
        refresh: bool = False,
        flat: bool = False,
        settings: FetchSettings | None = None,
        requests: FetchService | None = None,
    ) -> None:
        # The boundary: no URL past this point carries credentials (wheelcast.index.auth).
        index_url, credentials = split_credentials(checked_index_url(index_url, flat=flat))
        self.index_url = index_url if flat else index_url.rstrip("/") + "/"
        self._cache = cache
        self._offline = offline
        self._refresh = refresh
        self._flat = flat
        if requests is None and not offline:  # offline, nothing is ever asked of the index
            # Blocking requests in threads, not httpx's async stack on the event loop:
            # that spends about 1.7 times the interpreter time per byte and some
            # milliseconds per request (its pool asks anyio about every connection each
            # time), on the loop the read-ahead needs.
            settings = settings or FetchSettings()
            own = (*settings.credentials, *(() if credentials is None else (credentials,)))
            settings = dataclasses.replace(settings, credentials=own)
            fetcher = Fetcher(client or client_of(settings), settings)
            requests = ThreadedFetch(fetcher, settings.max_concurrency)
        self._requests = requests
        self._pages: dict[str, asyncio.Task[ProjectPage]] = {}
        self._names: dict[str, NormalizedName] = {}
        self._settled: set[str] = set()  # pages released after being read this run
        self._digests: dict[str, str | None] = {}

    def page_url(self, name: NormalizedName) -> str:
        return self.index_url if self._flat else f"{self.index_url}{name}/"

    async def _fetch(self, call: Callable[[Fetcher], T]) -> T:
        assert self._requests is not None  # noqa: S101 - every caller checks offline first
        return await asyncio.wrap_future(self._requests.submit(call))

    # -- pages ------------------------------------------------------------------------------

    async def project_page(self, name: NormalizedName) -> ProjectPage:
        url = self.page_url(name)
        task = self._pages.get(url)
        if task is None:
            self._names[url] = name
            task = asyncio.ensure_future(self._load_page(url, name))
            self._pages[url] = task
        page = await asyncio.shield(task)
        if not self._flat:
            return page
        files = tuple(f for f in page.files if project_of(f.filename) == name)
        return ProjectPage(name=name, url=url, files=files)

    def release_pages(self) -> None:
        """Drop the pages read so far; asked again, they come from the cache as they were."""
        for url, task in list(self._pages.items()):
            if task.done() and not task.cancelled() and task.exception() is None:
                del self._pages[url]
                self._settled.add(url)

    async def _load_page(self, url: str, name: NormalizedName) -> ProjectPage:
        cached = self._cache.get_page(url)
        if cached is not None and url in self._settled:
            return cached.page  # read once this run already: the same answer, no request
        if self._offline:
            if cached is None:
                raise OfflineMiss(
                    f"offline: no cached index page for {name} ({url})", _OFFLINE_HINT
                )
            self._digests[url] = cached.digest
            return cached.page
        if cached is not None and not self._refresh and cached.is_fresh():
            self._digests[url] = cached.digest
            return cached.page
        headers = {"Accept": ACCEPT}
        if self._refresh:
            headers["Cache-Control"] = "max-age=0"
        # --refresh takes nothing on trust: no 304, no "same bytes" shortcut, so a damaged
        # but decodable cached page is replaced by what the index serves now.
        trusted = None if self._refresh else cached
        if trusted is not None and trusted.etag:
            headers["If-None-Match"] = trusted.etag
        if trusted is not None and trusted.last_modified:
            headers["If-Modified-Since"] = trusted.last_modified

        fetched = await self._fetch(
            functools.partial(
                Fetcher.page,
                url=url,
                headers=headers,
                name=name,
                revalidating=trusted is not None,
                cached_digest=None if trusted is None else trusted.digest,
            )
        )
        if fetched is None:
            assert cached is not None  # noqa: S101 - only then is the cached page kept
            self._cache.touch_page(url)
            self._digests[url] = cached.digest
            return cached.page
        return self._fetched_page(url, name, fetched)

    def _fetched_page(self, url: str, name: NormalizedName, fetched: _Fetched) -> ProjectPage:
        """The page ``fetched`` brought, stored (unless the fetcher stored it already)."""
        self._digests[url] = fetched.digest
        if fetched.stored:  # by the fetch process, in the cache this index reads
            stored = self._cache.get_page(url)
            if stored is None:
                raise CacheError(
                    f"the page {url} the HTTP process stored is gone from {self._cache.path}",
                    hint="another program may be clearing the cache; retry or pass --cache-dir",
                )
            self._digests[url] = stored.digest
            return stored.page
        if fetched.blob is None:  # the project does not exist there
            page = ProjectPage(name, url, ())
            return self._cache.put_page(
                url, page, fetched_at=fetched.fetched_at, digest=fetched.digest
            )
        # The stored form is what the run keeps: its groups decode when read, so the
        # thousands of old files a popular page lists do not stay in memory.
        return self._cache.put_encoded(
            url,
            fetched.blob,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            fetched_at=fetched.fetched_at,
            digest=fetched.digest,
        )

    def pages_read(self, project: NormalizedName | None = None) -> PagesRead:
        """Each page URL this source has answered, with its project and its digest."""
        if project is not None:
            url = self.page_url(project)
            return {url: (project, self._digests[url])} if url in self._digests else {}
        return {url: (self._names[url], digest) for url, digest in self._digests.items()}

    # -- metadata ---------------------------------------------------------------------------

    def _metadata_key(self, file: DistFile, project: NormalizedName | None) -> str:
        """Where ``file``'s metadata is cached: what that URL served, under that claim.

        Never the claimed sha256 alone: another index could list its own file under the
        hash of this one's and so choose the dependencies every later run reads. Without
        a hash, the digest of the page that listed the file stands for its version: a
        page that changed re-reads the metadata of the files it lists.
        """
        # A direct reference's URL keeps its userinfo to be fetched: the key never does.
        url = split_credentials(file.url)[0]
        if file.sha256:
            return f"{url}#sha256={file.sha256}"
        page = self.index_url if self._flat or project is None else self.page_url(project)
        return f"{url}#page={self._digests.get(page) or ''}"

    def _trusted(self, file: DistFile, raw: bytes, source: str) -> bool:
        """Whether cached bytes may stand without asking the index again."""
        if file.core_metadata_sha256 and source == "metadata-file":
            # Checked on every read: a damaged but decodable entry is refetched.
            return hashlib.sha256(raw).hexdigest() == file.core_metadata_sha256
        return not self._refresh or self._offline

    async def metadata(self, file: DistFile) -> DistMetadata:
        project = project_of(file.filename)
        key = self._metadata_key(file, project)
        from_sdist = is_sdist(file.filename)
        hit = self._cache.get_metadata(key)
        if hit is not None and self._trusted(file, *hit):
            raw, source = hit
            return to_dist_metadata(
                raw,
                source,
                from_sdist=from_sdist,
                url=file.url,
                project=project,
                filename=file.filename,
            )
        if self._offline:
            raise OfflineMiss(f"offline: no cached metadata for {file.filename}", _OFFLINE_HINT)
        raw, source = await self._fetch(functools.partial(Fetcher.metadata, file=file))
        # Checked before it is stored: bytes that are not this project's metadata never are.
        result = to_dist_metadata(
            raw,
            source,
            from_sdist=from_sdist,
            url=file.url,
            project=project,
            filename=file.filename,
        )
        self._cache.put_metadata(key, raw, source)
        return result

    # -- whole files ------------------------------------------------------------------------

    async def download(self, file: DistFile, dest: Path, *, max_bytes: int) -> Path:
        """Stream ``file`` into a fresh file in ``dest``, capped and hash-checked."""
        if self._offline:
            raise OfflineMiss(f"offline: cannot download {file.filename}", _OFFLINE_HINT)
        return await self._fetch(
            functools.partial(Fetcher.download, file=file, dest=dest, max_bytes=max_bytes)
        )

    async def aclose(self) -> None:
        for task in self._pages.values():
            task.cancel()
        if self._requests is not None:
            self._requests.close()
