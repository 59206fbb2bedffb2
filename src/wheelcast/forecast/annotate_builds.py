"""What each ``build`` verdict needs, and the cited facts about each package.

After resolution, every sdist that some target would build is read once (statically,
never executed; cached by its sha256) and its ``BuildNeeds`` are attached to the
forecasts that build it, with the toolchain to install on that target. Targets that
are real interpreters on this machine also learn whether the build would succeed
here, with the toolchains found. A sdist that cannot be read leaves a note, not an
error: the verdict stands without its details.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

from wheelcast.errors import WheelcastError
from wheelcast.forecast.verdict import BuildInfo, Forecast, TargetForecast, Verdict
from wheelcast.index.models import DistFile
from wheelcast.sdist import BuildNeeds, facts_for, toolchain_advice

Analyzer = Callable[[DistFile], BuildNeeds]
"""Reads one sdist's build needs (``wheelcast.sdist.build_needs`` bound to a session)."""

LocalBuild = Callable[[Sequence[str]], tuple[bool, str]]
"""For a target that is this machine: can a build needing these languages succeed here?"""

# sdists are downloaded to be read: a few at a time keeps memory and bandwidth modest.
READERS = 4
MAX_DETAIL = 200  # characters of an unexpected error's text kept in the note


def annotate(
    forecasts: Sequence[TargetForecast],
    analyze: Analyzer | None,
    local: Mapping[str, LocalBuild] | None = None,
) -> tuple[TargetForecast, ...]:
    """Attach build needs, toolchain advice, local build checks and facts."""
    local = local or {}
    sdists = {
        p.file.url: p.file
        for f in forecasts
        for p in f.packages
        if p.verdict is Verdict.BUILD and p.file is not None
    }
    needs = _read_all(list(sdists.values()), analyze) if analyze else {}
    return tuple(
        dataclasses.replace(
            forecast,
            packages=tuple(
                _annotate(p, forecast, needs, local.get(forecast.target.id))
                for p in forecast.packages
            ),
        )
        for forecast in forecasts
    )


def _read_all(files: list[DistFile], analyze: Analyzer) -> dict[str, BuildNeeds | str]:
    def read(file: DistFile) -> BuildNeeds | str:
        try:
            return analyze(file)
        except WheelcastError as error:
            return f"could not read {file.filename}: {error.message}"
        except Exception as error:
            # A reader's bug or a limit of the interpreter (a RecursionError, a MemoryError)
            # costs this package its build details, never the rest of the forecast.
            detail = f"{type(error).__name__}: {error}"[:MAX_DETAIL]
            return f"could not read the build needs of {file.filename}: {detail}"

    if not files:
        return {}
    # Largest first: the longest download starts at once instead of ending the run alone.
    files = sorted(files, key=lambda f: -(f.size or 0))
    with ThreadPoolExecutor(max_workers=min(READERS, len(files))) as pool:
        return dict(zip((f.url for f in files), pool.map(read, files), strict=True))


def _annotate(
    package: Forecast,
    forecast: TargetForecast,
    needs: Mapping[str, BuildNeeds | str],
    local: LocalBuild | None,
) -> Forecast:
    target = forecast.target
    facts: tuple[str, ...] = ()
    if package.version is not None:
        facts = tuple(f.note() for f in facts_for(package.name, package.version, target))
    build: BuildInfo | None = None
    if package.verdict is Verdict.BUILD and package.file is not None:
        found = needs.get(package.file.url)
        if isinstance(found, BuildNeeds):
            # This target's languages: a block for another system (``if(APPLE)``) adds none.
            found = found.for_os(target.platform.os)
            advice = toolchain_advice(found, target.platform)
            here = local(found.languages) if local else None
            build = BuildInfo(needs=found, advice=advice, here=here)
        elif found is not None or local is not None:
            here = local(()) if local else None  # unknown needs: taken as C
            unknown = found or "the sdist was not read (--no-build-needs)"
            build = BuildInfo(needs=None, unknown=unknown, here=here)
    if not facts and build is None:
        return package
    return dataclasses.replace(package, facts=facts, build=build)
