"""wheelcast: forecast what ``pip install`` will do on every platform you care about."""

from __future__ import annotations

__all__: list[str] = []
