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
from wheelcast.runtime.lazy import attribute_loader

# typing's flag without importing typing, which costs more than a replayed answer (mypy
# takes any name TYPE_CHECKING as true).
TYPE_CHECKING = False

if TYPE_CHECKING:
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
        OutputUnwritable,
        UnknownTarget,
        UnsafeArchive,
        WheelcastError,
    )
    from wheelcast.forecast.check import CheckResult, IndexOptions, check
    from wheelcast.forecast.resolve import Options
    from wheelcast.forecast.select import BinaryPolicy, Reason
    from wheelcast.forecast.verdict import Forecast, NearbyWheel, TargetForecast, Verdict
    from wheelcast.targets import Platform, Python, Target, host_target, parse_python, parse_target

# Loaded on first use (PEP 562): ``python -m wheelcast`` and the command answer a repeated
# check from the cache before any of this is imported.
_HOMES = {
    "wheelcast.forecast.check": ("CheckResult", "IndexOptions", "check"),
    "wheelcast.errors": (
        "ArchiveError",
        "CacheError",
        "IndexError_",
        "IndexPageError",
        "IndexUnreachable",
        "InputError",
        "InvalidInputFile",
        "InvalidOption",
        "InvalidRequirement",
        "OfflineMiss",
        "OutputUnwritable",
        "UnknownTarget",
        "UnsafeArchive",
        "WheelcastError",
    ),
    "wheelcast.forecast.resolve": ("Options",),
    "wheelcast.forecast.select": ("BinaryPolicy", "Reason"),
    "wheelcast.targets": (
        "Platform",
        "Python",
        "Target",
        "host_target",
        "parse_python",
        "parse_target",
    ),
    "wheelcast.forecast.verdict": ("Forecast", "NearbyWheel", "TargetForecast", "Verdict"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


__getattr__ = attribute_loader(globals(), _HOME_OF)


def __dir__() -> list[str]:
    return sorted(__all__)


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
    "OutputUnwritable",
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
