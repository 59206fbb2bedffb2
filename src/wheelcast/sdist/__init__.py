"""What building an sdist needs, read statically and safely; nothing is ever executed.

``read_sdist`` lists an sdist without extracting it, ``analyze`` turns the listing into
``BuildNeeds`` (backend, languages, tools), ``toolchain_advice`` says what to install on a
target, ``facts_for`` adds cited facts static reading cannot see, and ``build_needs`` ties
them to the index and the cache.
"""

from __future__ import annotations

from wheelcast.sdist.archive import SdistListing, is_ancillary, read_sdist
from wheelcast.sdist.facts import Fact, facts_for, load_facts
from wheelcast.sdist.needs import NO_COMPILER, BuildNeeds, analyze, census
from wheelcast.sdist.service import build_needs
from wheelcast.sdist.toolchain_advice import toolchain_advice

__all__ = [
    "NO_COMPILER",
    "BuildNeeds",
    "Fact",
    "SdistListing",
    "analyze",
    "build_needs",
    "census",
    "facts_for",
    "is_ancillary",
    "load_facts",
    "read_sdist",
    "toolchain_advice",
]
