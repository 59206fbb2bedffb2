"""The errors wheelcast raises, all under one root.

::

    WheelcastError
    ├── InputError              bad input from the user: fix the command or file
    │   ├── InvalidRequirement
    │   ├── UnknownTarget
    │   ├── InvalidOption
    │   └── InvalidInputFile    a requirements, pyproject or lock file that cannot be read
    ├── IndexError_             the index could not answer
    │   ├── IndexUnreachable    network fault, timeout, too many retries
    │   ├── IndexPageError      a page that is not valid PEP 691 JSON or PEP 503 HTML
    │   └── OfflineMiss         --offline and the cache does not hold what is needed
    ├── CacheError              the on-disk cache cannot be opened or written
    └── ArchiveError            an sdist that cannot be read
        └── UnsafeArchive       an sdist refused: unsafe paths, links, devices or sizes

Each error carries a one-line ``message`` and a ``hint`` saying what to do, and a
kebab-case ``reference`` in pip's manner. The library never prints: the CLI turns
these into one line on stderr and an exit code.
"""

from __future__ import annotations


class WheelcastError(Exception):
    """Root of every error wheelcast raises on purpose."""

    reference = "wheelcast-error"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


class InputError(WheelcastError):
    """The user's input (a requirement, a target, an option, a file) is not usable."""

    reference = "bad-input"


class InvalidRequirement(InputError):
    reference = "invalid-requirement"


class UnknownTarget(InputError):
    reference = "unknown-target"


class InvalidOption(InputError):
    reference = "invalid-option"


class OutputUnwritable(InputError):
    """Standard output cannot take the report (closed, or its disk full): where it goes is
    the user's to fix, like an ``-o`` file that cannot be written."""

    reference = "output-unwritable"


class InvalidInputFile(InputError):
    """A requirements, pyproject or lock file is malformed; the message starts ``file:line:``."""

    reference = "invalid-input-file"


class IndexError_(WheelcastError):  # noqa: N801 - the underscore avoids the builtin
    """The package index could not give an answer."""

    reference = "index-error"


class IndexUnreachable(IndexError_):
    reference = "index-unreachable"


class IndexPageError(IndexError_):
    reference = "index-page-invalid"


class OfflineMiss(IndexError_):
    reference = "offline-cache-miss"


class CacheError(WheelcastError):
    reference = "cache-error"


class ArchiveError(WheelcastError):
    """An sdist that cannot be read: an unknown format or a damaged archive."""

    reference = "sdist-unreadable"


class UnsafeArchive(ArchiveError):
    """An sdist refused before anything is read from it: it escapes, links, or is too large."""

    reference = "unsafe-sdist"
