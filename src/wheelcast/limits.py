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

# --- sdists and wheels read for their metadata and build needs --------------------------

# --- what messages echo back --------------------------------------------------------------

# Characters of input (a requirement, a line, a value) quoted in one message; the rest is
# cut to "..." and a count, so a 20 MB line gives a one-line error.
MAX_SHOWN_CHARS = 200
