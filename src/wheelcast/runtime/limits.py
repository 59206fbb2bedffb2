"""Every cap on what wheelcast reads, in one place.

An index, an archive or an input file may be hostile or broken; each read is bounded so
that a bad one ends in one error line, never in unbounded memory or time. The README's
"Safety" section lists these values; a test holds the two to the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

# --- what the index sends ------------------------------------------------------------

# A project page, counted as sent and again as inflated (Content-Encoding). The largest
# real PEP 691 pages measured (2026-12) are about 2 MB (botocore 1.99 MB, boto3 1.69 MB,
# tensorflow 0.78 MB, torch 0.42 MB): 30 times that, for projects that publish nightly.
MAX_PAGE_BYTES = 64 * 1024 * 1024
# A PEP 658 ``.metadata`` file, or the METADATA / PKG-INFO member of a distribution file.
MAX_METADATA_BYTES = 16 * 1024 * 1024
# Requires-Dist lines of one core metadata file, counted before it is parsed: parsing
# costs about half a millisecond and 2.5 kB a line (300,000 lines in 14 MB took 150 s and
# 800 MB); real files list tens to hundreds. Beyond it the file's dependencies are unknown.
MAX_REQUIRES_DIST = 5_000
# One range request into a wheel (its central directory, or the METADATA member up to
# the next member); a wheel whose layout asks for more is downloaded whole instead (on
# disk, hash-checked). The largest real central directories are a few MB.
MAX_RANGE_BYTES = 32 * 1024 * 1024
# Seconds one page or ``.metadata`` answer may take from its headers to its last byte:
# the read timeout bounds each pause, this bounds a body dripped slowly.
MAX_BODY_SECONDS = 300.0
# Seconds from sending a request to the last line of its headers (redirects included):
# the read timeout bounds each pause, this bounds headers dripped a line at a time.
MAX_HEADER_SECONDS = 60.0
# Seconds a ``Retry-After`` of a 429 or 5xx is honoured at most (each of the tries).
MAX_RETRY_AFTER = 30.0
# Redirects followed for one request; a loop ends in one error, not in retries.
MAX_REDIRECTS = 20

# --- input files: requirements, pyproject, locks ---------------------------------------

# Bytes read from one input file; a longer one (or a device that never ends, such as
# /dev/zero) is refused. The largest real lock files are a few MiB.
MAX_INPUT_FILE_BYTES = 16 * 1024 * 1024

# Nesting of arrays and tables in a TOML or JSON input: real files nest under ten deep;
# a deeper one is refused before (and instead of) the parser's own recursion overflows.
MAX_INPUT_NESTING = 64

# Values YAML aliases may add to a document as it is loaded (each ``*a`` counts the whole
# of what ``&a`` holds): nine anchors of nine aliases each load as 387 million values in a
# 400-byte file, and walking them took all memory. What a file holds itself is bounded by
# MAX_INPUT_FILE_BYTES; real workflows alias a few dozen values.
MAX_YAML_ALIAS_VALUES = 100_000

# Requirements files open at once through -r/-c (pip has no bound; real chains are 2-3).
MAX_INCLUDE_DEPTH = 32

# PEP 735 {include-group = ...} levels followed from one chosen group.
MAX_GROUP_DEPTH = 32

# Characters one Dockerfile word (an ARG default, a FROM image) may expand to through
# ${VAR} substitutions: each ARG may double the one before (ARG A1=${A0}${A0}), forty of
# them held 2^40 characters (an internal error, MemoryError). An image reference is at
# most a few hundred characters.
MAX_EXPANDED_CHARS = 65_536

# Combinations one GitHub Actions job's matrix expands to: GitHub itself refuses more than
# 256, so a larger matrix is a broken workflow, refused before it is expanded.
MAX_MATRIX_COMBINATIONS = 256

# A failed install's output, read by ``wheelcast diagnose``: kilobytes in practice; more
# is not a log, and reading it would only cost memory.
MAX_LOG_BYTES = 16 * 1024 * 1024

# Characters a log pattern lets stand between two words of one message ("alpine ...
# aarch64"): unbounded, each occurrence of the first word rescans the rest of the line,
# quadratic in a long line.
MAX_LOG_GAP = 1_000

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
BUILD_FILE_MAX_BYTES = 1024 * 1024  # one setup.py, pyproject.toml, CMake or meson file parsed
BUILD_FILES_MAX = 2000  # nested build files read from one sdist (opencv has ~300)
BUILD_TEXT_MAX = 32 * 1024 * 1024  # bytes of nested build files read from one sdist

# --- what messages echo back --------------------------------------------------------------

# Characters of one error line: a line naming a URL 100 kB long (an index's file name)
# keeps its start and its end (the hint) around a count of what was left out.
MAX_MESSAGE_CHARS = 2000

# Characters of input (a requirement, a line, a value) quoted in one message; the rest is
# cut to "..." and a count, so a 20 MB line gives a one-line error.
MAX_SHOWN_CHARS = 200

# Notes said on stderr by one run: a workflow of 100,000 jobs gave a note per job. The
# rest is counted in one line.
MAX_NOTES = 100


def note_lines(notes: Iterable[str]) -> str:
    """``wheelcast: note: ...`` lines, each note once, at most :data:`MAX_NOTES` of them."""
    said = list(dict.fromkeys(notes))
    lines = "".join(f"wheelcast: note: {note}\n" for note in said[:MAX_NOTES])
    if len(said) > MAX_NOTES:
        lines += f"wheelcast: note: and {len(said) - MAX_NOTES} more notes\n"
    return lines


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


def one_line(text: str) -> str:
    """``text`` cut to :data:`MAX_MESSAGE_CHARS` in the middle, for an error line."""
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    keep = (MAX_MESSAGE_CHARS - 48) // 2  # room for the marker's words and count
    return f"{text[:keep]}... ({len(text) - 2 * keep} characters left out) ...{text[-keep:]}"
