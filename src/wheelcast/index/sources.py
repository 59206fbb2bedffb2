"""``build_source``: the sources pip would consult, over one HTTP client and one cache."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import httpx

from wheelcast._workers import Workers
from wheelcast.index.cache import Cache
from wheelcast.index.config import default_index_url
from wheelcast.index.http import HttpIndex, default_client
from wheelcast.index.local import FindLinks, LocalIndex
from wheelcast.index.models import IndexSource
from wheelcast.index.multi import MultiIndex

__all__ = ["build_source"]


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
) -> IndexSource:
    """One source over the index (pip's default when None), extra indexes and find-links.

    HTTP indexes share one client and one cache in ``cache_dir`` (the user cache folder
    when None). ``file://`` indexes and find-links folders are read from disk. Large
    pages are parsed in ``workers`` when given (their owner shuts them down).
    """
    cache = Cache(cache_dir)
    client: httpx.Client | None = None  # made only when needed
    parsers = None if offline else workers
    sources: list[IndexSource] = []
    # pip's --no-index: only find-links (and no need to look for a default index).
    urls = [] if no_index else [index_url or default_index_url(), *extra_index_urls]
    http = [(url, False) for url in urls] + [(location, True) for location in find_links]
    for location, flat in http:
        if not _is_http(location):
            sources.append(FindLinks(location) if flat else LocalIndex(location))
            continue
        client = client or default_client()
        sources.append(
            HttpIndex(
                location,
                cache,
                client,
                offline=offline,
                refresh=refresh,
                flat=flat,
                parsers=parsers,
            )
        )
    return MultiIndex(sources, cache=cache)
