"""pip's candidate selection written plainly, as the reference the lazy version must match.

``wheelcast.forecast.select.ProjectView.candidates`` evaluates one version at a time for speed;
these functions evaluate every file first, exactly as pip's CandidateEvaluator does, and
the tests check that both give the same candidates in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName
from packaging.version import Version

from wheelcast.forecast.select import Environment, Fit, Rejection, evaluate, is_pinned, sort_key
from wheelcast.index.models import DistFile


@dataclass(frozen=True, slots=True)
class ProjectFiles:
    """Every file of one project evaluated for one target."""

    name: NormalizedName
    fits: tuple[Fit, ...]  # ascending by sort_key: the last is the best
    rejections: tuple[Rejection, ...]


def evaluate_project(
    name: NormalizedName, files: Iterable[DistFile], env: Environment
) -> ProjectFiles:
    fits: list[Fit] = []
    rejections: list[Rejection] = []
    for file in files:
        result = evaluate(file, name, env)
        (fits if isinstance(result, Fit) else rejections).append(result)  # type: ignore[arg-type]
    fits.sort(key=lambda f: sort_key(f, env.policy))
    return ProjectFiles(name, tuple(fits), tuple(rejections))


def applicable(
    project: ProjectFiles,
    specifier: SpecifierSet,
    *,
    allow_prereleases: bool,
) -> list[Fit]:
    """The best file of each allowed version, best version first: pip's candidate order.

    Versions are filtered as pip's CandidateEvaluator does (prereleases only when
    asked for, named by the specifier, or when nothing else matches); yanked files
    are skipped unless every applicable file is yanked and the specifier pins one.
    """
    versions = {fit.version for fit in project.fits}
    allowed = set(specifier.filter(versions, prereleases=allow_prereleases or None))
    fits = [fit for fit in project.fits if fit.version in allowed]
    all_yanked = bool(fits) and all(fit.yanked for fit in fits)
    keep_yanked = all_yanked and is_pinned(specifier)
    chosen: list[Fit] = []
    seen: set[Version] = set()
    for fit in reversed(fits):
        if fit.yanked and not keep_yanked:
            continue
        if fit.version in seen:
            continue
        seen.add(fit.version)
        chosen.append(fit)
    return chosen
