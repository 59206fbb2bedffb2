"""Every cap on what wheelcast reads, in one place.

An index, an archive or an input file may be hostile or broken; each read is bounded so
that a bad one ends in one error line, never in unbounded memory or time. The README's
"Safety" section lists these values; a test holds the two to the same numbers.
"""

from __future__ import annotations

# --- what the index sends ------------------------------------------------------------

# A project page, counted as sent and again as inflated (Content-Encoding). The largest
# real PEP 691 pages measured (2026-12) are about 2 MB (botocore 1.99 MB, boto3 1.69 MB,
# tensorflow 0.78 MB, torch 0.42 MB): 30 times that, for projects that publish nightly.
MAX_PAGE_BYTES = 64 * 1024 * 1024
# A PEP 658 ``.metadata`` file, or the METADATA / PKG-INFO member of a distribution file.
MAX_METADATA_BYTES = 16 * 1024 * 1024
# One range request into a wheel (its central directory, or the METADATA member up to
# the next member); a wheel whose layout asks for more is downloaded whole instead (on
# disk, hash-checked). The largest real central directories are a few MB.
MAX_RANGE_BYTES = 32 * 1024 * 1024
# Seconds one page or ``.metadata`` answer may take from its headers to its last byte:
# the read timeout bounds each pause, this bounds a body dripped slowly.
MAX_BODY_SECONDS = 300.0
# Seconds a ``Retry-After`` of a 429 or 5xx is honoured at most (each of the tries).
MAX_RETRY_AFTER = 30.0
# Redirects followed for one request; a loop ends in one error, not in retries.
MAX_REDIRECTS = 20

# --- input files: requirements, pyproject, locks ---------------------------------------

# --- sdists and wheels read for their metadata and build needs --------------------------

# --- what messages echo back --------------------------------------------------------------
