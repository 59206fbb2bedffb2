"""After the forecast: the files each target needs, fetched, verified and (here) built.

``make_wheelhouse`` takes a check's result and fills one folder per target with the
files the forecast picked (a file several targets share is downloaded once, then hard
linked or copied), each verified against the index's sha256 and renamed into place only
then. For a target that is this machine, every ``build`` cell is built into a wheel with
an isolated PEP 517 build: the one place wheelcast runs third-party code. Nothing here
prints: progress goes to a ``Progress``, and ``wheelcast.report`` renders the result.
"""

from __future__ import annotations

from wheelcast.wheelhouse.assemble import make_wheelhouse
from wheelcast.wheelhouse.contents import (
    Built,
    NoProgress,
    Placed,
    Progress,
    Skipped,
    TargetHouse,
    Wheelhouse,
)

__all__ = [
    "Built",
    "NoProgress",
    "Placed",
    "Progress",
    "Skipped",
    "TargetHouse",
    "Wheelhouse",
    "make_wheelhouse",
]
