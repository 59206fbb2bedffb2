"""Every cap on what wheelcast reads, in one place.

An index, an archive or an input file may be hostile or broken; each read is bounded so
that a bad one ends in one error line, never in unbounded memory or time. The README's
"Safety" section lists these values; a test holds the two to the same numbers.
"""

from __future__ import annotations

# --- what the index sends ------------------------------------------------------------

# --- input files: requirements, pyproject, locks ---------------------------------------

# Bytes read from one input file; a longer one (or a device that never ends, such as
# /dev/zero) is refused. The largest real lock files are a few MiB.
MAX_INPUT_FILE_BYTES = 16 * 1024 * 1024

# Nesting of arrays and tables in a TOML or JSON input: real files nest under ten deep;
# a deeper one is refused before (and instead of) the parser's own recursion overflows.
MAX_INPUT_NESTING = 64

# Requirements files open at once through -r/-c (pip has no bound; real chains are 2-3).
MAX_INCLUDE_DEPTH = 32

# PEP 735 {include-group = ...} levels followed from one chosen group.
MAX_GROUP_DEPTH = 32

# Combinations one GitHub Actions job's matrix expands to: GitHub itself refuses more than
# 256, so a larger matrix is a broken workflow, refused before it is expanded.
MAX_MATRIX_COMBINATIONS = 256

# --- sdists and wheels read for their metadata and build needs --------------------------

# Nothing in an sdist or a wheel is ever run: these bound reading them. An sdist over a cap
# is refused (its cell says why); a build file over its cap is listed unread, with a note.
SDIST_MAX_COMPRESSED = 200 * 1024 * 1024  # bytes of one sdist downloaded and read
ARCHIVE_MAX_INFLATED = 2 * 1024 * 1024 * 1024  # bytes inflated from one archive, all members
ARCHIVE_MAX_MEMBERS = 100_000  # members of one archive (the largest real sdists hold ~30,000)
# One PAX extended header or GNU long-name record: it names one member, a few hundred bytes
# at most in practice; it is refused by its declared size, before any of it is read.
TAR_MAX_HEADER_RECORD = 1024 * 1024
# A zip's central directory, checked from its end record before zipfile parses it (and
# keeps some 600 bytes a member): a real sdist's takes ~130 bytes a member, 4 MB for the
# largest; this bounds a hostile one of tiny entries to some 180,000 parsed members.
ZIP_MAX_DIRECTORY = 8 * 1024 * 1024
METADATA_MAX_BYTES = 16 * 1024 * 1024  # one PKG-INFO or METADATA, inflated
BUILD_FILE_MAX_BYTES = 1024 * 1024  # one setup.py, pyproject.toml, CMake or meson file parsed
BUILD_FILES_MAX = 2000  # nested build files read from one sdist (opencv has ~300)
BUILD_TEXT_MAX = 32 * 1024 * 1024  # bytes of nested build files read from one sdist

# --- what messages echo back --------------------------------------------------------------

# Characters of input (a requirement, a line, a value) quoted in one message; the rest is
# cut to "..." and a count, so a 20 MB line gives a one-line error.
MAX_SHOWN_CHARS = 200


def shown(text: object) -> str:
    """``text`` as a message quotes it: control characters escaped (the message stays one
    line) and cut to :data:`MAX_SHOWN_CHARS`, so hostile or huge input
    never floods the error line."""
    value = text if isinstance(text, str) else _repr(text)
    more = len(value) - MAX_SHOWN_CHARS
    value = value[:MAX_SHOWN_CHARS].translate(_CONTROLS)
    return f"{value}... ({more} more characters)" if more > 0 else value


_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(32), 127)}


def _repr(value: object) -> str:
    # repr of a deeply nested value recurses; the message does not need all of it.
    try:
        return repr(value)
    except RecursionError:
        return f"<a deeply nested {type(value).__name__}>"
