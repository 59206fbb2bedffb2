"""``build_source``: the sources pip would consult, over one HTTP client and one cache."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import httpx

from wheelcast.index.auth import checked_index_url, keyring_of, split_credentials
from wheelcast.index.config import default_index_url
from wheelcast.index.http import FetchService, FetchSettings, HttpIndex, client_of
from wheelcast.index.local import FindLinks, LocalIndex
from wheelcast.index.models import IndexSource
from wheelcast.index.multi import MultiIndex
from wheelcast.index.store import Cache
from wheelcast.runtime.workers import Workers

__all__ = ["build_source", "requests_in_own_process"]


def _remote(settings: FetchSettings) -> FetchService:
    # Imported here: multiprocessing only when a run may spawn.
    from wheelcast.index.remote import RemoteFetch  # noqa: PLC0415

    return RemoteFetch(settings)


def requests_in_own_process(*, offline: bool, workers: Workers | None) -> bool:
    """Whether ``build_source`` makes the HTTP requests in a process of their own."""
    return workers is not None and not offline


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def build_source(
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    find_links: Sequence[str] = (),
    cache_dir: Path | str | None = None,
    *,
    offline: bool = False,
    refresh: bool = False,
    no_index: bool = False,
    workers: Workers | None = None,
    keyring_provider: str = "disabled",
) -> IndexSource:
    """One source over the index (pip's default when None), extra indexes and find-links.

    HTTP indexes share one client and one cache in ``cache_dir`` (the user cache folder
    when None). ``file://`` indexes and find-links folders are read from disk. With
    ``workers`` (the caller's main module is safe to import), the requests and the
    parsing of the pages they bring are done in a process of their own, which the
    sources close. ``keyring_provider`` is pip's ``--keyring-provider``
    (``wheelcast.index.auth``).
    """
    # Made only when an HTTP source needs them; with workers, requests are made in a
    # process of their own (wheelcast.index.remote), so this one needs no client at all.
    client: httpx.Client | None = None
    remote: FetchService | None = None
    sources: list[IndexSource] = []
    # pip's --no-index: only find-links (and no need to look for a default index).
    urls = [] if no_index else [index_url or default_index_url(), *extra_index_urls]
    http = [(url, False) for url in urls] + [(location, True) for location in find_links]
    # Credentials leave the URLs here, for the client alone (wheelcast.index.auth).
    split = [
        (
            split_credentials(checked_index_url(loc, flat=flat)) if _is_http(loc) else (loc, None),
            flat,
        )
        for loc, flat in http
    ]
    credentials = tuple(c for (_, c), _ in split if c is not None)
    keyring_of(keyring_provider)  # an unknown or absent keyring: one error, here
    indexes = tuple(loc for (loc, _), flat in split if not flat and _is_http(loc))
    settings = FetchSettings(
        credentials=credentials, keyring_provider=keyring_provider, index_urls=indexes
    )
    cache = Cache(cache_dir)  # opened once every argument is known to be usable
    if requests_in_own_process(offline=offline, workers=workers):
        settings = dataclasses.replace(settings, cache_dir=str(cache.directory))
    for (location, _), flat in split:
        if not _is_http(location):
            sources.append(FindLinks(location) if flat else LocalIndex(location))
            continue
        if requests_in_own_process(offline=offline, workers=workers):
            remote = remote or _remote(settings)
        elif not offline:  # offline, it asks nothing of the network: no client either
            client = client or client_of(settings)
        sources.append(
            HttpIndex(
                location,
                cache,
                client,
                offline=offline,
                refresh=refresh,
                flat=flat,
                requests=remote,
            )
        )
    return MultiIndex(sources, cache=cache)
