"""wheelcast: forecast what ``pip install`` will do on every platform you care about.

The library API; the ``wheelcast`` command is a thin layer over it::

    import wheelcast
    targets = wheelcast.parse_target("win-arm64", [wheelcast.parse_python("3.12")])
    result = wheelcast.check(["numpy"], targets)
    for forecast in result.forecasts:
        for package in forecast.packages:
            print(forecast.target.id, package.name, package.version, package.verdict.value)
"""

from __future__ import annotations

from wheelcast._version import __version__
from wheelcast.check import CheckResult, IndexOptions, check
from wheelcast.errors import (
    ArchiveError,
    CacheError,
    IndexError_,
    IndexPageError,
    IndexUnreachable,
    InputError,
    InvalidInputFile,
    InvalidOption,
    InvalidRequirement,
    OfflineMiss,
    UnknownTarget,
    UnsafeArchive,
    WheelcastError,
)
from wheelcast.resolve import Options
from wheelcast.select import BinaryPolicy, Reason
from wheelcast.targets import Platform, Python, Target, host_target, parse_python, parse_target
from wheelcast.verdict import Forecast, NearbyWheel, TargetForecast, Verdict

__all__ = [
    "ArchiveError",
    "BinaryPolicy",
    "CacheError",
    "CheckResult",
    "Forecast",
    "IndexError_",
    "IndexOptions",
    "IndexPageError",
    "IndexUnreachable",
    "InputError",
    "InvalidInputFile",
    "InvalidOption",
    "InvalidRequirement",
    "NearbyWheel",
    "OfflineMiss",
    "Options",
    "Platform",
    "Python",
    "Reason",
    "Target",
    "TargetForecast",
    "UnknownTarget",
    "UnsafeArchive",
    "Verdict",
    "WheelcastError",
    "__version__",
    "check",
    "host_target",
    "parse_python",
    "parse_target",
]
