"""Credentials in free text, shown as pip shows them: the last guard at every output.

URLs wheelcast makes carry no userinfo (``wheelcast.index.auth`` takes it out where a
source is made); a URL the user typed may still be quoted whole, in a requirement
(``name @ https://user:TOKEN@host/x.whl``), an error, a report or a traceback. Each of
those passes through :func:`redact_text` before it is written. No httpx here: the CLI
imports this on every run, a replayed answer included.
"""

from __future__ import annotations

import re

__all__ = ["redact_text"]

# A URL's scheme and userinfo inside free text: the userinfo runs to the last "@" before
# the path (as urlsplit takes the netloc's last "@"), so a password holding "@" is covered.
# No word boundary before the scheme: a terminal's escape code ("\x1b[1mhttps://") glues a
# letter to it, and the scheme kept as matched keeps that letter.
_USERINFO_IN_TEXT = re.compile(r"(?i)([a-z][a-z0-9+.-]*://)([^/?#\s@]*(?:@[^/?#\s@]*)*)@")


def _shown_userinfo(match: re.Match[str]) -> str:
    user, colon, _ = match.group(2).partition(":")
    return f"{match.group(1)}{user}:****@" if colon else f"{match.group(1)}****@"


def redact_text(text: str) -> str:
    """``text`` with the userinfo of every URL in it shown as pip shows it (``user:****@``)."""
    return _USERINFO_IN_TEXT.sub(_shown_userinfo, text) if "@" in text else text
