"""What every Markdown renderer shares: escaping, tables, folded details, GitHub's size cap.

The output is GitHub-flavoured Markdown for a job summary (``$GITHUB_STEP_SUMMARY``) or a
pull-request comment. Text that comes from outside (requirements, error messages, file
names) is escaped so it can never open a link, a tag or a new table column.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from wheelcast.forecast.verdict import Verdict
from wheelcast.report.console import STYLE

__all__ = [
    "MAX_CHARS",
    "VERDICT_WORD",
    "code",
    "details",
    "escape",
    "inline",
    "summary_text",
    "table",
]

# GitHub refuses a comment (and an issue or PR body) longer than this many characters.
MAX_CHARS = 65_536

VERDICT_WORD: dict[Verdict, str] = {
    Verdict.BINARY: "binary",
    Verdict.PURE: "pure",
    Verdict.BUILD: "build",
    Verdict.MISSING: "missing",
    Verdict.CONFLICT: "conflict",
    Verdict.DIRECT: "direct",
}

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the
# ones that can start emphasis, a link, an HTML tag or entity, a strike-through, a code
# span or (in a table) a new cell.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")
_BACKTICKS = re.compile(r"`+")


def _one_line(text: str) -> str:
    # A line break inside a table cell or a list item would end it.
    return " ".join(text.split())


def escape(text: str) -> str:
    """``text`` shown literally, on one line, safe in a table cell too."""
    return _SPECIAL.sub(r"\\\1", _one_line(text))


def code(text: str, *, cell: bool = False) -> str:
    """``text`` as a code span, whatever backticks it holds (CommonMark's longer fence)."""
    text = _one_line(text)
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    if cell:
        # GitHub splits a table row on | before it reads code spans.
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def inline(text: str, *, cell: bool = False) -> str:
    """wheelcast's own prose (advice, install lines): its `code spans` kept, the rest escaped."""
    parts = _one_line(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no code span to keep
        return escape(text)
    return "".join(
        code(part, cell=cell) if i % 2 else _SPECIAL.sub(r"\\\1", part)
        for i, part in enumerate(parts)
    )


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GitHub table, one line a row; every cell is already escaped Markdown."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def summary_text(verdict: Verdict, text: str) -> str:
    """A ``<summary>`` line: inside an HTML block Markdown is not read, so HTML escapes."""
    glyph, _ = STYLE[verdict]
    return html.escape(f"{glyph} {_one_line(text)}", quote=False)


def details(summary: str, body: Sequence[str]) -> str:
    """A folded block: ``summary`` (HTML-escaped already) and Markdown lines inside.

    The blank lines around the body make GitHub read it as Markdown, not HTML.
    """
    return f"<details><summary>{summary}</summary>\n\n" + "\n".join(body) + "\n\n</details>\n"
