"""Where the cache file lives and when a cached page is fresh, in the standard library alone.

``wheelcast.index.store`` owns the file; ``wheelcast.cache.replay`` reads two of its tables
before the rest of wheelcast (and platformdirs, whose import alone takes longer than a
replayed answer) is loaded. Both take these rules from here, so they cannot disagree.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping

__all__ = ["FILENAME", "PAGE_MAX_AGE", "PAGE_STATES", "default_cache_dir", "is_fresh"]

FILENAME = "wheelcast.sqlite3"
PAGE_MAX_AGE = 600.0  # seconds; pip's HTTP cache keeps index pages for 10 minutes
# Only "?" marks are formatted into it. The index holds every column asked (see index/store.py).
PAGE_STATES = (
    "SELECT url, etag, last_modified, fetched_at, digest FROM pages INDEXED BY page_states"
    " WHERE url IN ({marks})"
)


def default_cache_dir(environ: Mapping[str, str] | None = None) -> str:
    """``platformdirs.user_cache_dir("wheelcast")``.

    On Linux its rule (XDG's) is written out here; elsewhere platformdirs is asked.
    """
    env = os.environ if environ is None else environ
    android = env.get("ANDROID_DATA") == "/data" and env.get("ANDROID_ROOT") == "/system"
    if sys.platform.startswith("linux") and not android:
        base = env.get("XDG_CACHE_HOME", "")
        if not base.strip():
            base = os.path.join(env.get("HOME") or os.path.expanduser("~"), ".cache")
        return os.path.join(base, "wheelcast")
    import platformdirs  # noqa: PLC0415 - elsewhere its rules are many

    return platformdirs.user_cache_dir("wheelcast")


def is_fresh(fetched_at: float, now: float | None = None, *, has_validators: bool) -> bool:
    """Usable without asking the index: no validators to revalidate with, and young."""
    age = (time.time() if now is None else now) - fetched_at
    return not has_validators and 0 <= age < PAGE_MAX_AGE
