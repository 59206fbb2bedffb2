"""Credentials for HTTP indexes: kept in the client, never in a URL wheelcast stores or shows.

An index URL such as ``https://user:TOKEN@host/simple`` is split where a source is made
(:func:`split_credentials`): everything downstream (page and file URLs, the cache, the
reports, error messages) sees ``https://host/simple`` only. The user name and password go
to an :class:`OriginAuth` on the HTTP client, which adds them to requests for the same
origin (scheme, host, port), as pip's ``MultiDomainBasicAuth`` does by host. A request to
an origin with no credentials from a URL takes them from the netrc file (``NETRC`` or
``~/.netrc``, as pip's requests and uv read it). httpx drops the ``Authorization`` header
on a redirect to another origin, so credentials never travel beyond their origin.

With ``--keyring-provider`` (pip's option; ``disabled`` by default, as in uv), a request
refused with a 401 asks a keyring, as pip's ``handle_401`` does, for the index URL and
then the host (``host:port``), with the user name the URL gave: ``subprocess`` runs
``keyring get SERVICE USERNAME`` (pip's way; it needs the user name in the URL) under a
timeout, ``import`` calls the ``keyring`` module's ``get_credential``. The password it
gives is kept as the URL's would be, and the request is sent again once.

For a message that must name a URL as the user typed it, :func:`redact_url` shows it the
way pip does: ``https://user:****@host/simple``; ``wheelcast.runtime.redact`` does the
same to every URL inside a text (a report, an error line, a traceback) at each output.

An HTTP index URL wheelcast cannot take apart (a port that is not a number, a broken IPv6
literal) or one with a query string (pip appends the project to the path, so the query
would be lost or sent to the wrong page) is refused by :func:`checked_index_url` before
anything uses it, with the URL redacted in the message.
"""

from __future__ import annotations

import base64
import importlib
import importlib.util
import netrc
import os
import shutil
import subprocess
import threading
import urllib.parse
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol

import httpx

from wheelcast.errors import InvalidOption
from wheelcast.runtime.limits import shown
from wheelcast.runtime.redact import redact_text

__all__ = [
    "KEYRING_PROVIDERS",
    "KEYRING_SECONDS",
    "Credentials",
    "Keyring",
    "OriginAuth",
    "checked_index_url",
    "keyring_of",
    "origin_of",
    "redact_url",
    "sent_user",
    "split_credentials",
    "with_userinfo",
]


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user name and password for every request to ``origin``."""

    origin: str  # scheme://host[:port], lower case
    username: str
    password: str

    def __repr__(self) -> str:  # never the password, even in a traceback
        return f"Credentials({self.origin!r}, {self.username!r}, '****')"


def origin_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    suffix = f":{port}" if port is not None and port != default else ""
    return f"{parts.scheme.lower()}://{host}{suffix}"


def _without_userinfo(parts: urllib.parse.SplitResult) -> str:
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def split_credentials(url: str) -> tuple[str, Credentials | None]:
    """``url`` without its userinfo, and the credentials it carried (None if none)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return url, None
    if "@" not in parts.netloc:
        return url, None
    userinfo = parts.netloc.rpartition("@")[0]
    user, _, password = userinfo.partition(":")
    clean = _without_userinfo(parts)
    return clean, Credentials(
        origin_of(clean), urllib.parse.unquote(user), urllib.parse.unquote(password)
    )


def redact_url(url: str) -> str:
    """``url`` as pip shows it: a password replaced by ``****`` (a lone user name is kept,
    as pip keeps it: a token given as the user name is replaced too)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    shown = f"{user}:****" if colon else "****"
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{shown}@{host}"))


def checked_index_url(url: str, *, flat: bool = False) -> str:
    """``url`` if an HTTP index (a find-links page when ``flat``) can be made of it; else
    one error that shows it redacted."""
    quoted = redact_text(url)
    problem = None
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError as exc:
        problem = str(exc)
    else:
        if any(c.isspace() or not c.isprintable() for c in url):
            problem = "it holds a space or a control character"
        elif not parts.hostname:
            problem = "it names no host"
        elif parts.query and not flat:
            problem = "it has a query string (the project name is appended to its path)"
            quoted = redact_text(urllib.parse.urlunsplit(parts._replace(query="****")))
    if problem is None:
        return url
    raise InvalidOption(
        f"invalid index URL '{shown(quoted)}': {problem}",
        hint="give scheme://host[:port]/path; put credentials in the URL's user info or ~/.netrc",
    )


def sent_user(authorization: str | None) -> str | None:
    """The user name (with an empty password: the token) a Basic header carried."""
    if not authorization or not authorization.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:], validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    user, _, password = decoded.partition(":")
    # pip's display: a password is shown as ****; a lone user name may be the token.
    return f"{user}:x" if password else "x"


def with_userinfo(url: str, userinfo: str) -> str:
    """``url`` with ``userinfo`` (``user:password``) put back, only for redact_url."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{userinfo}@{parts.netloc}"))


def _netrc_path() -> Path:
    named = os.environ.get("NETRC")
    return Path(named) if named else Path.home() / ".netrc"


KEYRING_PROVIDERS = ("disabled", "import", "subprocess")
KEYRING_SECONDS = 30.0  # one `keyring get`: a keyring waiting on a locked store ends here


class Keyring(Protocol):
    """A credential store asked after a 401, as pip asks its keyring provider."""

    def get(self, service: str, username: str | None) -> tuple[str, str] | None:
        """The user name and password stored for ``service`` (None: nothing stored)."""
        ...


class _SubprocessKeyring:
    """pip's ``subprocess`` provider: ``keyring get SERVICE USERNAME`` on PATH."""

    def __init__(self, command: str, seconds: float = KEYRING_SECONDS) -> None:
        self._command = command
        self._seconds = seconds

    def get(self, service: str, username: str | None) -> tuple[str, str] | None:
        if username is None:  # keyring's command line needs one, as pip says
            return None
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        try:
            # The user's own keyring command, found on PATH by its name, as pip runs it.
            done = subprocess.run(
                [self._command, "get", service, username],
                stdin=subprocess.DEVNULL,
                capture_output=True,  # its stderr is never shown: it may echo a secret
                env=env,
                timeout=self._seconds,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        password = done.stdout.decode("utf-8", "replace").strip("\r\n")
        return (username, password) if done.returncode == 0 and password else None


class _ImportKeyring:
    """pip's ``import`` provider: the ``keyring`` module wheelcast's Python can import."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module

    def get(self, service: str, username: str | None) -> tuple[str, str] | None:
        try:
            found = self._module.get_credential(service, username)
        except Exception:  # a broken backend gives no credentials, as in pip
            return None
        if found is None or not found.password:
            return None
        return str(found.username or username or ""), str(found.password)


def keyring_of(provider: str) -> Keyring | None:
    """The keyring ``--keyring-provider`` names (None for ``disabled``); one error if it
    names one that is not there."""
    if provider == "disabled":
        return None
    if provider == "subprocess":
        command = shutil.which("keyring")
        if command is None:
            raise InvalidOption(
                "--keyring-provider subprocess: no 'keyring' command on PATH",
                hint="install keyring (pipx install keyring) or drop --keyring-provider",
            )
        return _SubprocessKeyring(command)
    if provider == "import":
        if importlib.util.find_spec("keyring") is None:
            raise InvalidOption(
                "--keyring-provider import: the keyring module is not importable here",
                hint="install keyring next to wheelcast, or use --keyring-provider subprocess",
            )
        return _ImportKeyring(importlib.import_module("keyring"))
    raise InvalidOption(
        f"unknown --keyring-provider {shown(provider)!r}",
        hint=f"choose one of {', '.join(KEYRING_PROVIDERS)}",
    )


class OriginAuth(httpx.Auth):
    """Basic auth per origin: from index URLs first, then the netrc file (read once), then
    (after a 401) the keyring."""

    def __init__(
        self,
        credentials: Iterable[Credentials] = (),
        *,
        keyring_provider: str = "disabled",
        index_urls: Iterable[str] = (),
    ) -> None:
        self._by_origin = {c.origin: c for c in credentials}
        self._keyring = keyring_of(keyring_provider)
        # Longest first: a request belongs to the most specific index it is under.
        self._index_urls = sorted((u.rstrip("/") + "/" for u in index_urls), key=len, reverse=True)
        self._asked: set[str] = set()  # origins the keyring was asked for, once a run
        self._lock = threading.Lock()
        self._netrc: netrc.netrc | None = None
        self._netrc_read = False

    def _from_netrc(self, host: str) -> tuple[str, str] | None:
        with self._lock:
            if not self._netrc_read:
                self._netrc_read = True
                try:
                    self._netrc = netrc.netrc(_netrc_path())
                except (OSError, netrc.NetrcParseError):
                    # pip's requests ignores a missing or unreadable netrc in the same way.
                    self._netrc = None
            found = self._netrc.authenticators(host) if self._netrc is not None else None
        if found is None:
            return None
        login, _, password = found
        return login, password or ""

    def credentials_for(self, url: str) -> tuple[str, str] | None:
        origin = origin_of(url)
        given = self._by_origin.get(origin)
        if given is not None:
            return given.username, given.password
        host = urllib.parse.urlsplit(url).hostname
        return self._from_netrc(host) if host else None

    def _from_keyring(self, url: str) -> tuple[str, str] | None:
        """pip's ``handle_401``: the keyring, for the index URL, then ``host:port``."""
        origin = origin_of(url)
        with self._lock:
            if self._keyring is None or origin in self._asked:
                return None
            self._asked.add(origin)
        given = self._by_origin.get(origin)
        username = given.username if given is not None and given.username else None
        parts = urllib.parse.urlsplit(url)
        # pip's _get_index_url: the index the URL is under, else one on the same host.
        index = next((i for i in self._index_urls if url.startswith(i)), None) or next(
            (i for i in self._index_urls if origin_of(i) == origin), None
        )
        services = [s for s in (index, parts.netloc.rpartition("@")[2]) if s]
        found = next(filter(None, (self._keyring.get(s, username) for s in services)), None)
        if found is not None:
            with self._lock:
                self._by_origin[origin] = Credentials(origin, *found)
        return found

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "authorization" not in request.headers:
            found = self.credentials_for(str(request.url))
            if found is not None:
                request.headers["Authorization"] = _basic(found)
        response = yield request
        if response.status_code == 401 and self._keyring is not None:
            found = self._from_keyring(str(request.url))
            if found is not None:
                request.headers["Authorization"] = _basic(found)
                yield request


def _basic(found: tuple[str, str]) -> str:
    return "Basic " + base64.b64encode(":".join(found).encode("utf-8")).decode("ascii")
