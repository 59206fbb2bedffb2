"""Every cap on what wheelcast reads, in one place.

An index, an archive or an input file may be hostile or broken; each read is bounded so
that a bad one ends in one error line, never in unbounded memory or time. The README's
"Safety" section lists these values; a test holds the two to the same numbers.
"""

from __future__ import annotations

# --- what the index sends ------------------------------------------------------------

# --- input files: requirements, pyproject, locks ---------------------------------------

# --- sdists and wheels read for their metadata and build needs --------------------------

# --- what messages echo back --------------------------------------------------------------
