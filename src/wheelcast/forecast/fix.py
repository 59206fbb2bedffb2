"""What to change so that every target installs from wheels, found by resolving again.

For every target the requirements are resolved as ``check`` resolves them and once more
with wheels required (pip's ``--only-binary :all:``), both by the same resolver. Where the
wheels-only resolution picks other versions, those are the changes: a floor (``numpy>=2.3.0``)
where a newer release has the wheel, a ceiling (``thinc<9.0.0``) where only an older one
has, with what pinning it back costs. Where it finds none, the requirement that blocks is
named (``thinc 8.3.2 requires numpy<2.1.0``) and the requested pins are moved, nearest
first, within what the other requirements allow. What still builds gets the target's
alternatives: another Python, the x64 interpreter under emulation, an extra index, or the
toolchain and the install command. The changes are then checked again, as ``check`` would,
and the result says how many builds remain.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from packaging.markers import Marker
from packaging.metadata import InvalidMetadata
from packaging.requirements import Requirement
from packaging.specifiers import Specifier, SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from wheelcast.errors import WheelcastError
from wheelcast.forecast.check import CheckResult, IndexOptions, check_project, open_repository
from wheelcast.forecast.emulation import SideBySide, emulator, not_from_wheels, side_by_side
from wheelcast.forecast.resolve import (
    REQUESTED,
    Catalog,
    Options,
    Pin,
    Repository,
    Resolution,
    file_environment,
    resolve,
)
from wheelcast.forecast.select import FileKind, Fit, ProjectView
from wheelcast.forecast.verdict import TargetForecast, Verdict, forecast
from wheelcast.inputs import Origin, ProjectInput, RequirementItem
from wheelcast.targets import Python, Target
from wheelcast.targets.environment import environment_of
from wheelcast.targets.markers import evaluate as evaluate_marker

# The Pythons tried on a target that no change of versions fixes.
OTHER_PYTHONS = ((3, 10), (3, 11), (3, 12), (3, 13), (3, 14))
# At most this many versions of a requested package are tried, nearest first.
_TRIES = 8
# How far back a floor is looked for, in releases.
_FLOOR_DEPTH = 400


ViewOf: TypeAlias = Callable[[NormalizedName], ProjectView]


class ChangeKind(enum.Enum):
    RAISE = "raise"  # a newer release has the wheel: a floor
    LOWER = "lower"  # only an older release has: a ceiling
    REPIN = "repin"  # a requested pin moves to the nearest release that installs from wheels
    KEEP = "keep"  # already a wheel; a floor keeps a backtracking resolver off older builds


@dataclass(frozen=True, slots=True)
class Change:
    """One package's new specifier, and why, on which targets."""

    name: NormalizedName
    kind: ChangeKind
    specifier: SpecifierSet
    requested: bool  # the input names it: its line is edited, not only constrained
    why: tuple[str, ...]
    targets: tuple[str, ...]
    cost: str = ""  # for a ceiling: how many releases back and how much older
    # Where the change would cost another target its wheels, it holds only where asked:
    # 'sys_platform == "win32" and platform_machine == "ARM64"'.
    marker: str = ""
    otherwise: str = ""  # for a moved pin held by a marker: where the old pin stays

    @property
    def constraint(self) -> str:
        return f"{self.name}{self.specifier}" + (f"; {self.marker}" if self.marker else "")


@dataclass(frozen=True, slots=True)
class Blocker:
    """A requirement that rules out every release of a package with a wheel for a target."""

    package: NormalizedName
    by: str  # "thinc 8.3.2", "the input", "a constraint"
    requirement: str  # the clauses that exclude the wheels: "numpy<2.1.0"
    text: str
    parent: NormalizedName | None = None  # the package whose requirement it is


@dataclass(frozen=True, slots=True)
class Edit:
    """The change to the input itself: a line, a dependency, or the lock tool's command."""

    kind: str  # "requirement", "pyproject", "command"
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class TargetFix:
    """One target: what kept it from wheels, and what else there is where that remains."""

    target: Target
    before: tuple[str, ...]  # the packages pip would not install from a wheel
    fixed: bool  # a wheels-only resolution exists with the changes
    blockers: tuple[Blocker, ...] = ()
    alternatives: tuple[str, ...] = ()
    emulation: SideBySide | None = None
    toolchain: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (package, advice lines)
    install: str = ""  # the command for what stays a build
    # Where no change brings every package to wheels: the requested packages an older
    # release would still spare a build, each said with its cost and what else builds.
    partial: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FixResult:
    before: CheckResult
    changes: tuple[Change, ...]
    targets: tuple[TargetFix, ...]
    edits: tuple[Edit, ...]
    after: CheckResult
    input_kind: str

    @property
    def constraints(self) -> tuple[Change, ...]:
        """The changes a constraints file can carry: it only narrows, never moves a pin."""
        return tuple(c for c in self.changes if c.kind is not ChangeKind.REPIN)

    def constraints_text(self) -> str:
        lines = ["# wheelcast fix: keeps every target on wheels"]
        lines.extend(f"{c.constraint}  # {'; '.join(c.why)}" for c in self.constraints)
        return "\n".join(lines) + "\n"

    @property
    def builds_after(self) -> int:
        return sum(len(not_from_wheels(f)) for f in self.after.forecasts)


@dataclass(frozen=True, slots=True)
class _Wheel:
    version: Version
    uploaded: dt.datetime | None


def fix_project(
    project: ProjectInput,
    targets: Sequence[Target],
    *,
    options: Options | None = None,
    index: IndexOptions | None = None,
    try_indexes: Sequence[str] = (),
    build_needs: bool = True,
) -> FixResult:
    """The smallest set of changes that makes every target install from wheels.

    ``try_indexes``: extra index URLs the user names, tried for what no change fixes;
    ``build_needs``: read the sdists that stay builds, for the toolchain they need.
    """
    options = options or Options()
    index = index or IndexOptions()
    before = check_project(project, targets, options=options, index=index, build_needs=build_needs)
    requested = _requested(project)
    wheels_only = _wheels_only(options)
    with open_repository(index) as session:
        resolver = _Resolver(session, Catalog(session), options, wheels_only, requested)
        plans = [_plan(forecast, resolver) for forecast in before.forecasts]
        changes = _merged(plans, resolver)
        emulated = _emulated(plans, resolver)
        others = {
            p.forecast.target: _other_pythons(p.forecast.target, resolver)
            for p in plans
            if not p.fixed
        }
        tried = {
            p.forecast.target: _tried_indexes(p.forecast.target, resolver, index, try_indexes)
            for p in plans
            if not p.fixed and try_indexes
        }
        after = _recheck(project, targets, changes, options, index)
        if any(
            plan.fixed and plan.secondary and not_from_wheels(f)
            for plan, f in zip(plans, after.forecasts, strict=True)
        ):
            # The smallest set was not enough for pip: pin what the wheels-only resolution
            # moved besides (a wheel whose newer release caps a package that builds).
            for plan in plans:
                for name, wanted in plan.secondary.items():
                    plan.wanted.setdefault(name, wanted)
            changes = _merged(plans, resolver)
            after = _recheck(project, targets, changes, options, index)
    fixes = tuple(
        _target_fix(
            plan,
            after_forecast,
            emulated.get(plan.forecast.target),
            _Elsewhere(_shown(requested), others, tried),
        )
        for plan, after_forecast in zip(plans, after.forecasts, strict=True)
    )
    return FixResult(
        before=before,
        changes=changes,
        targets=fixes,
        edits=_edits(project, changes),
        after=after,
        input_kind=project.kind,
    )


def _recheck(
    project: ProjectInput,
    targets: Sequence[Target],
    changes: Sequence[Change],
    options: Options,
    index: IndexOptions,
) -> CheckResult:
    """``check`` of the input with the changes: edited lines, and the rest as constraints.

    A constraint with a marker holds where pip finds its marker true, and the resolver
    applies each constraint only on the targets where it holds: one check serves them all.
    """
    changed = _changed_project(project, changes)
    narrowing = tuple(Requirement(c.constraint) for c in changes if c.kind is not ChangeKind.REPIN)
    after_options = dataclasses.replace(options, constraints=options.constraints + narrowing)
    return check_project(changed, targets, options=after_options, index=index, build_needs=False)


# --- one target ---------------------------------------------------------------------


@dataclass(slots=True)
class _TargetPlan:
    forecast: TargetForecast
    fixed: bool
    # name -> (kind, specifier, why, cost)
    wanted: dict[NormalizedName, tuple[ChangeKind, SpecifierSet, str, str]]
    blockers: list[Blocker]
    # What the wheels-only resolution moved of packages that were wheels already.
    secondary: dict[NormalizedName, tuple[ChangeKind, SpecifierSet, str, str]] = dataclasses.field(
        default_factory=dict
    )
    partial: list[str] = dataclasses.field(default_factory=list)


def _requested(project: ProjectInput) -> tuple[Requirement, ...]:
    if project.kind == "lock":
        # A lock's pins are what the tool would be asked to move.
        return tuple(
            Requirement(f"{p.name}=={p.version}" + (f"; {p.marker}" if p.marker else ""))
            for p in project.locked
            if p.version is not None and p.direct is None
        )
    return tuple(item.requirement for item in project.requirements)


def _wheels_only(options: Options) -> Options:
    # A name the user gave --no-binary stays a build: pip's named option beats :all:.
    policy = dataclasses.replace(
        options.policy, only_binary=frozenset({":all:"}), prefer_binary=False
    )
    return dataclasses.replace(options, policy=policy)


@dataclass(frozen=True, slots=True)
class _Resolver:
    """Resolves for any target, as check does or with wheels required, from one catalog."""

    repository: Repository
    catalog: Catalog
    options: Options
    wheels_only: Options
    requested: tuple[Requirement, ...]

    def normal(
        self, target: Target, requirements: Sequence[Requirement] | None = None
    ) -> Resolution:
        found = self.requested if requirements is None else requirements
        return resolve(target, found, self.repository, self.options, self.catalog)

    def wheels(
        self, target: Target, requirements: Sequence[Requirement] | None = None
    ) -> Resolution:
        found = self.requested if requirements is None else requirements
        return resolve(target, found, self.repository, self.wheels_only, self.catalog)


def _plan(forecast: TargetForecast, resolver: _Resolver) -> _TargetPlan:
    target = forecast.target
    requested, options = resolver.requested, resolver.options
    plan = _TargetPlan(forecast, fixed=True, wanted={}, blockers=[])
    names = {canonicalize_name(r.name) for r in requested}
    normal = resolver.normal(target)
    binary = resolver.wheels(target)
    env = file_environment(target, options)
    views: dict[NormalizedName, ProjectView] = {}

    def view(name: NormalizedName) -> ProjectView:
        if name not in views:
            views[name] = ProjectView(resolver.catalog.releases(name), env)
        return views[name]

    if not binary.errors:
        _compare(plan, (normal, binary), view, names, options)
        return plan
    # No wheels-only resolution: say what blocks, then move the requested pins.
    pins = {p.name: p for p in normal.pins}
    for pin in normal.pins:
        if pin.fit is not None and pin.fit.kind is FileKind.WHEEL:
            continue
        if pin.direct is not None:
            continue
        plan.blockers.extend(
            _blockers(pin, pins, target, view(pin.name), requested=requested, options=options)
        )
    # Only what keeps a package from its wheels moves: the package itself, or the
    # package whose requirement blocks (freeing every pin of a long file would not be
    # the smallest change, and would cost a resolution per pin).
    implicated = {b.package for b in plan.blockers} | {
        b.parent for b in plan.blockers if b.parent is not None
    }
    moved = _moved(target, normal, resolver, view, implicated)
    if moved is None:
        plan.fixed = False
        plan.partial = _partial(target, normal, resolver, view, names)
        return plan
    for name, (version, original) in moved.items():
        if original is not None and _is_pin(original):
            why = f"{name}=={version} is the nearest release that installs from wheels"
            plan.wanted[name] = (ChangeKind.REPIN, SpecifierSet(f"=={version}"), why, "")
        else:
            why = f"{name} {version} installs from wheels"
            plan.wanted[name] = (ChangeKind.RAISE, SpecifierSet(f">={version}"), why, "")
    return plan


def _compare(
    plan: _TargetPlan,
    resolutions: tuple[Resolution, Resolution],
    view: ViewOf,
    names: set[NormalizedName],
    options: Options,
) -> None:
    """The changes that turn ``normal``'s picks into ``binary``'s, and the floors that keep
    the requested binary packages on wheels."""
    normal, binary = resolutions
    target = plan.forecast.target
    where = _wheel_words(target)
    before = {p.name: p for p in normal.pins}
    for pin in binary.pins:
        if pin.version is None or pin.fit is None:
            continue
        old = before.get(pin.name)
        old_version = old.version if old is not None else None
        was_wheel = old is not None and old.fit is not None and old.fit.kind is FileKind.WHEEL
        if was_wheel and pin.version != old_version:
            # A wheel either way, moved only because another package moved: pip finds it
            # again by itself (pinned only if the re-check shows it does not).
            plan.secondary[pin.name] = (
                ChangeKind.RAISE
                if old_version is None or pin.version > old_version
                else ChangeKind.LOWER,
                SpecifierSet(f"=={pin.version}"),
                f"{pin.name} {pin.version} goes with the other changes",
                "",
            )
            continue
        if old_version is not None and pin.version > old_version:
            floor = old.newer_wheel.version if old is not None and old.newer_wheel else pin.version
            why = f"{pin.name} {old_version} has no {where}; {floor} is the first that has"
            plan.wanted[pin.name] = (ChangeKind.RAISE, SpecifierSet(f">={floor}"), why, "")
        elif old_version is not None and pin.version < old_version:
            ceiling, cost = _ceiling(view(pin.name), pin, old_version, options)
            why = (
                f"{pin.name} {old_version} has no {where}; {pin.version} is the"
                " newest release that has"
            )
            plan.wanted[pin.name] = (ChangeKind.LOWER, ceiling, why, cost)
        elif pin.name in names and pin.fit.tag is not None and pin.fit.tag.platform != "any":
            kept = _floor(view(pin.name), pin, options)
            if kept is not None:
                floor, below = kept
                why = (
                    f"{pin.name} {below}, the release before {floor}, has no {where}:"
                    " a resolver that backtracks below it builds"
                )
                plan.wanted[pin.name] = (ChangeKind.KEEP, SpecifierSet(f">={floor}"), why, "")


def _wheel_words(target: Target) -> str:
    """``cp312 win_arm64 wheel``: what the target needs."""
    return f"{_interpreter(target)} {target.platform.tag} wheel"


def _final_indexes(view: ProjectView, specifier: SpecifierSet, options: Options) -> tuple[int, ...]:
    matching, finals = view.releases.matching(specifier, options.exclude_newer)
    return matching if options.pre else finals


def _has_wheel(view: ProjectView, index: int) -> Fit | None:
    return view.first_wheel([index])


def _floor(view: ProjectView, pin: Pin, options: Options) -> tuple[Version, Version] | None:
    """The oldest release of the unbroken run of releases with a wheel that ends at the
    pick, and the release below it, when that one (allowed by the requirements) would be
    a build."""
    assert pin.version is not None  # noqa: S101 - only picks with a file come here
    releases = view.releases.releases
    floor = pin.version
    walked = 0
    for i in _final_indexes(view, pin.specifier, options):
        if releases[i].version > pin.version:
            continue
        walked += 1
        if walked > _FLOOR_DEPTH:
            return None
        if _has_wheel(view, i) is not None:
            floor = releases[i].version
            continue
        fits, _ = view.release(i)
        if any(f.kind is FileKind.SDIST and not f.yanked for f in fits):
            return floor, releases[i].version  # pip would build this one
    return None


def _ceiling(
    view: ProjectView, pin: Pin, newest: Version, options: Options
) -> tuple[SpecifierSet, str]:
    """``<first newer release`` than the wheel pick, and what holding it back costs."""
    assert pin.version is not None  # noqa: S101 - only picks with a file come here
    releases = view.releases.releases
    newer = [
        releases[i]
        for i in _final_indexes(view, SpecifierSet(), options)
        if pin.version < releases[i].version <= newest
    ]
    if not newer:
        return SpecifierSet(f"<={pin.version}"), ""
    first = min(r.version for r in newer)
    span = f"{first} to {newest}" if first != newest else str(first)
    cost = f"{len(newer)} release{'s' if len(newer) != 1 else ''} back ({span})"
    picked = pin.fit.file.upload_time if pin.fit is not None else None
    latest = _uploaded(releases[view.releases.index[newest]].files)
    if picked is not None and latest is not None:
        days = (latest - picked).days
        if days >= 0:
            cost += f", {pin.version} is {_age(days)} older than {newest}"
        else:
            cost += f", though {pin.version} is newer by upload date"
    return SpecifierSet(f"<{first}"), cost


def _uploaded(files: Sequence[object]) -> dt.datetime | None:
    times = [t for f in files if (t := getattr(f, "upload_time", None)) is not None]
    return min(times) if times else None


def _age(days: int) -> str:
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''}"
    months = round(days / 30.4)
    if months < 24:
        return f"{months} months"
    return f"{days / 365.25:.1f} years"


def _wheel_releases(view: ProjectView, options: Options) -> list[_Wheel]:
    """Every release (final unless ``pre``) with a wheel for the target, newest first."""
    found = []
    releases = view.releases.releases
    for i in _final_indexes(view, SpecifierSet(), options):
        fit = _has_wheel(view, i)
        if fit is not None:
            found.append(_Wheel(releases[i].version, fit.file.upload_time))
    return found


def _requirements_on(
    pin: Pin,
    pins: Mapping[NormalizedName, Pin],
    target: Target,
    *,
    requested: tuple[Requirement, ...],
    options: Options,
) -> Iterator[tuple[str, NormalizedName | None, Requirement]]:
    """Who asks for ``pin``'s package on ``target`` (the parent package, if one does),
    and with what requirement."""
    name = pin.name
    markers = environment_of(target).markers
    for parent in pin.required_by:
        if parent == REQUESTED:
            for req in requested:
                if canonicalize_name(req.name) == name and _holds(req, markers):
                    yield "the input", None, req
            continue
        parent_pin = pins.get(canonicalize_name(parent))
        if parent_pin is None or parent_pin.metadata is None:
            continue
        try:
            declared = list(parent_pin.metadata.metadata.requires_dist or [])
        except InvalidMetadata:
            continue
        for req in declared:
            if canonicalize_name(req.name) == name and _holds(req, markers):
                yield f"{parent_pin.name} {parent_pin.version}", parent_pin.name, req
    for constraint in options.constraints:
        if canonicalize_name(constraint.name) == name and _holds(constraint, markers):
            yield "a constraint", None, constraint


def _holds(req: Requirement, markers: Mapping[str, str]) -> bool:
    return req.marker is None or evaluate_marker(req.marker, {**markers, "extra": ""})


def _blockers(
    pin: Pin,
    pins: Mapping[NormalizedName, Pin],
    target: Target,
    view: ProjectView,
    *,
    requested: tuple[Requirement, ...],
    options: Options,
) -> list[Blocker]:
    name = pin.name
    wheel = f"{_interpreter(target)} {target.platform.tag} wheel"
    wheels = _wheel_releases(view, options)
    if not wheels:
        cutoff = " before the --exclude-newer cutoff" if options.exclude_newer else ""
        text = f"no {name} release{cutoff} has a {wheel}"
        return [Blocker(name, "the index", "", text)]
    found = []
    for who, parent, req in _requirements_on(
        pin, pins, target, requested=requested, options=options
    ):
        if any(req.specifier.contains(w.version, prereleases=True) for w in wheels):
            continue
        clauses = [
            c
            for c in req.specifier
            if not any(c.contains(w.version, prereleases=True) for w in wheels)
        ]
        excluding = ",".join(str(c) for c in clauses) or str(req.specifier)
        described = " and ".join(_described(c) for c in clauses) or f"matching {req.specifier}"
        first = min(wheels, key=lambda w: w.version)
        newest = wheels[0]
        nearest = _nearest_wheel(wheels, clauses)
        text = (
            f"{who} requires {name}{excluding}, and no {name} {described} has a {wheel}"
            f" ({nearest or first.version} is the {'nearest' if nearest else 'first'} that has"
            + (
                f", {newest.version} the newest"
                if newest.version != (nearest or first.version)
                else ""
            )
            + ")"
        )
        found.append(Blocker(name, who, f"{name}{excluding}", text, parent))
    return found


def _nearest_wheel(wheels: Sequence[_Wheel], clauses: Sequence[Specifier]) -> Version | None:
    """For an upper bound, the oldest release with a wheel above it."""
    if any(c.operator in ("<", "<=") for c in clauses):
        return min(w.version for w in wheels)
    return None


def _described(clause: Specifier) -> str:
    match clause.operator:
        case "<":
            return f"below {clause.version}"
        case "<=":
            return f"up to {clause.version}"
        case ">":
            return f"above {clause.version}"
        case ">=":
            return f"from {clause.version} on"
        case "==" | "===":
            return clause.version
        case _:
            return f"matching {clause}"


def _interpreter(target: Target) -> str:
    env = environment_of(target)
    return env.tags[0].interpreter if env.tags else target.python.abi


def _is_pin(req: Requirement) -> bool:
    return any(c.operator in ("==", "===") and "*" not in c.version for c in req.specifier)


def _relaxed(
    requested: tuple[Requirement, ...],
    names: set[NormalizedName],
    pins: Mapping[NormalizedName, str] | None = None,
) -> tuple[Requirement, ...]:
    """``requested`` with the specifiers of ``names`` dropped, or set from ``pins``."""
    out = []
    for req in requested:
        name = canonicalize_name(req.name)
        if name in names:
            new = Requirement(str(req))
            new.specifier = SpecifierSet((pins or {}).get(name, ""))
            out.append(new)
        else:
            out.append(req)
    return tuple(out)


def _moved(
    target: Target,
    normal: Resolution,
    resolver: _Resolver,
    view: ViewOf,
    implicated: set[NormalizedName],
) -> dict[NormalizedName, tuple[Version, Requirement | None]] | None:
    """New versions for the requested packages with which a wheels-only resolution exists
    on ``target``, each nearest to what was picked; None when freeing them is not enough."""
    requested, wheels_only = resolver.requested, resolver.wheels_only
    movable = {canonicalize_name(r.name) for r in requested if r.specifier} & implicated
    if not movable:
        return None
    free = resolver.wheels(target, _relaxed(requested, movable))
    if free.errors:
        return None
    picked = {p.name: p.version for p in normal.pins}
    freed = {p.name: p.version for p in free.pins}
    originals = {canonicalize_name(r.name): r for r in requested}
    moved: dict[NormalizedName, tuple[Version, Requirement | None]] = {}
    for name in sorted(movable):
        original = originals[name]
        new = freed.get(name)
        if new is None or original.specifier.contains(new, prereleases=True):
            continue
        old = picked.get(name)
        version = new
        if old is not None:
            wheels = [w.version for w in _wheel_releases(view(name), wheels_only)]
            # Nearest first: the releases above the old pick upwards, then below it downwards.
            order = sorted(
                (v for v in wheels if v != new),
                key=lambda v: (v < old, v if v > old else -_ordinal(wheels, v)),
            )
            others = movable - {name}
            for candidate in order[:_TRIES]:
                trial = _relaxed(requested, others | {name}, {name: f"=={candidate}"})
                if not resolver.wheels(target, trial).errors:
                    version = candidate
                    break
        moved[name] = (version, original)
    return moved


def _partial(
    target: Target,
    normal: Resolution,
    resolver: _Resolver,
    view: ViewOf,
    names: set[NormalizedName],
) -> list[str]:
    """For each requested package that builds though an older release has the wheel: what
    holding it back would spare and cost, checked by resolving with that bound, as pip
    would; said even though other packages still build, since it is one build fewer."""
    where = _wheel_words(target)
    found = []
    for pin in normal.pins:
        fit = pin.fit
        if pin.name not in names or pin.version is None or pin.direct is not None:
            continue
        if fit is None or fit.kind is FileKind.WHEEL:
            continue
        older = [
            w.version for w in _wheel_releases(view(pin.name), resolver.options)
            if w.version < pin.version
        ]  # fmt: skip
        if not older:
            continue
        bounded = tuple(
            _bounded(req, max(older)) if canonicalize_name(req.name) == pin.name else req
            for req in resolver.requested
        )
        trial = resolver.normal(target, bounded)
        moved = next((p for p in trial.pins if p.name == pin.name), None)
        if trial.errors or moved is None or moved.fit is None or moved.version is None:
            continue
        if moved.fit.kind is not FileKind.WHEEL:
            continue
        ceiling, cost = _ceiling(view(pin.name), moved, pin.version, resolver.options)
        still = sorted(
            p.name for p in trial.pins if p.fit is not None and p.fit.kind is not FileKind.WHEEL
        )
        text = (
            f"{pin.name} {pin.version} has no {where}; {pin.name}{ceiling} takes {moved.version},"
            f" which has: one build fewer"
        )
        if cost:
            text += f", at {cost}"
        if still:
            text += f"; {', '.join(still)} still build{'s' if len(still) == 1 else ''}"
        found.append(text)
    return found


def _bounded(req: Requirement, newest: Version) -> Requirement:
    """``req`` held at ``newest`` or below (its own clauses kept)."""
    new = Requirement(str(req))
    new.specifier = req.specifier & SpecifierSet(f"<={newest}")
    return new


def _ordinal(versions: Sequence[Version], version: Version) -> int:
    # versions are newest first: the larger, the older
    return len(versions) - versions.index(version)


# --- all targets ----------------------------------------------------------------------


def _merged(plans: Sequence[_TargetPlan], resolver: _Resolver) -> tuple[Change, ...]:
    """One change per package, holding on every target that asked for one, and on the
    others unless it would leave one of them without a wheel of the package."""
    names = {canonicalize_name(r.name) for r in resolver.requested}
    by_name: dict[NormalizedName, list[tuple[str, ChangeKind, SpecifierSet, str, str]]] = {}
    for plan in plans:
        for name, (kind, spec, why, cost) in plan.wanted.items():
            by_name.setdefault(name, []).append((plan.forecast.target.id, kind, spec, why, cost))
    changes = []
    for name in sorted(by_name):
        wanted = by_name[name]
        kinds = {k for _, k, _, _, _ in wanted}
        kind = next(
            k
            for k in (ChangeKind.REPIN, ChangeKind.RAISE, ChangeKind.LOWER, ChangeKind.KEEP)
            if k in kinds
        )
        specifier = _combined(
            [s for _, k, s, _, _ in wanted if k is kind or kind is not ChangeKind.REPIN]
        )
        # The targets whose bound is the one kept say why; the others' are implied by it.
        binding = [w for w in wanted if w[2] == specifier] or wanted
        asked = {t for t, _, _, _, _ in wanted}
        hurt = [
            p.forecast.target
            for p in plans
            if p.forecast.target.id not in asked
            and any(pk.name == name for pk in p.forecast.packages)
            and not _wheel_within(p.forecast.target, name, specifier, resolver)
        ]
        if kind is ChangeKind.REPIN:
            hurt = [p.forecast.target for p in plans if _costs_wheels(p, name, specifier, resolver)]
        mine = [p.forecast.target for p in plans if p.forecast.target.id in asked]
        marker = _marker_of(mine, plans) if hurt else ""
        otherwise = _complement_of(mine, plans) if hurt and kind is ChangeKind.REPIN else ""
        changes.append(
            Change(
                name=name,
                kind=kind,
                specifier=specifier,
                requested=name in names,
                why=_why_on(binding),
                targets=tuple(t for t, _, _, _, _ in wanted),
                cost="; ".join(dict.fromkeys(c for _, _, _, _, c in wanted if c)),
                marker=marker,
                otherwise=otherwise,
            )
        )
    return tuple(changes)


def _why_on(wanted: Sequence[tuple[str, ChangeKind, SpecifierSet, str, str]]) -> tuple[str, ...]:
    """Each reason once, with the targets it holds on: ``... (win-arm64@3.12, win-arm64@3.13)``."""
    targets: dict[str, list[str]] = {}
    for target, _, _, why, _ in wanted:
        targets.setdefault(why, []).append(target)
    return tuple(f"{why} ({', '.join(found)})" for why, found in targets.items())


def _wheel_within(
    target: Target, name: NormalizedName, specifier: SpecifierSet, resolver: _Resolver
) -> bool:
    """Whether some release ``specifier`` allows has a wheel for ``target``."""
    view = ProjectView(resolver.catalog.releases(name), file_environment(target, resolver.options))
    return any(
        view.first_wheel([i]) is not None for i in _final_indexes(view, specifier, resolver.options)
    )


def _costs_wheels(
    plan: _TargetPlan, name: NormalizedName, specifier: SpecifierSet, resolver: _Resolver
) -> bool:
    """Whether moving ``name``'s pin to ``specifier`` leaves ``plan``'s target, which had
    every package from wheels, without a wheels-only resolution."""
    if not_from_wheels(plan.forecast) or name in plan.wanted:
        return False
    pins = {name: str(specifier)}
    trial = _relaxed(resolver.requested, {name}, pins)
    return bool(resolver.wheels(plan.forecast.target, trial).errors)


def _complement_of(targets: Sequence[Target], plans: Sequence[_TargetPlan]) -> str:
    """A marker true wherever :func:`_marker_of` ``targets`` is false (De Morgan: PEP 508
    has no ``not``)."""
    pythons = {p.forecast.target.python for p in plans}
    parts = []
    for target in targets:
        env = environment_of(target).markers
        clauses = [
            f'sys_platform != "{env["sys_platform"]}"',
            f'platform_machine != "{env["platform_machine"]}"',
        ]
        if len(pythons) > 1:
            clauses.append(f'python_version != "{env["python_version"]}"')
        parts.append(" or ".join(clauses))
    unique = list(dict.fromkeys(parts))
    return unique[0] if len(unique) == 1 else " and ".join(f"({p})" for p in unique)


def _marker_of(targets: Sequence[Target], plans: Sequence[_TargetPlan]) -> str:
    """A PEP 508 marker true on ``targets`` (by OS and machine; by Python too when the run
    checks more than one)."""
    pythons = {p.forecast.target.python for p in plans}
    parts = []
    for target in targets:
        env = environment_of(target).markers
        clauses = [
            f'sys_platform == "{env["sys_platform"]}"',
            f'platform_machine == "{env["platform_machine"]}"',
        ]
        if len(pythons) > 1:
            clauses.append(f'python_version == "{env["python_version"]}"')
        parts.append(" and ".join(clauses))
    unique = list(dict.fromkeys(parts))
    return unique[0] if len(unique) == 1 else " or ".join(f"({p})" for p in unique)


def _combined(specifiers: Sequence[SpecifierSet]) -> SpecifierSet:
    """The tightest floor, the lowest ceiling, the highest pin."""
    floors = [Version(c.version) for s in specifiers for c in s if c.operator == ">="]
    ceilings = [c for s in specifiers for c in s if c.operator in ("<", "<=")]
    pins = [Version(c.version) for s in specifiers for c in s if c.operator == "=="]
    if pins:
        return SpecifierSet(f"=={max(pins)}")
    parts = []
    if floors:
        parts.append(f">={max(floors)}")
    if ceilings:
        lowest = min(ceilings, key=lambda c: (Version(c.version), c.operator == "<="))
        parts.append(str(lowest))
    return SpecifierSet(",".join(parts))


def _changed_project(project: ProjectInput, changes: Sequence[Change]) -> ProjectInput:
    """``project`` with the requested lines changes name moved (a lock: as requirements)."""
    # A narrowing scoped by a marker stays a constraint: the line itself holds everywhere.
    by_name = {
        c.name: c for c in changes if c.requested and (not c.marker or c.kind is ChangeKind.REPIN)
    }
    if project.kind == "lock":
        origin = Origin(project.path)
        items = tuple(
            RequirementItem(line, origin)
            for req in _requested(project)
            for line in _edited_lines(req, by_name.get(canonicalize_name(req.name)))
        )
        return ProjectInput("requirements", project.path, items, settings=project.settings)
    items = tuple(
        dataclasses.replace(item, requirement=line)
        for item in project.requirements
        for line in _edited_lines(
            item.requirement, by_name.get(canonicalize_name(item.requirement.name))
        )
    )
    return dataclasses.replace(project, requirements=items)


def _edited_lines(req: Requirement, change: Change | None) -> tuple[Requirement, ...]:
    """The line(s) ``req`` becomes: a pin moved only where a marker says is two lines,
    the new pin there and the old one everywhere else."""
    if change is None or not (change.kind is ChangeKind.REPIN and change.marker):
        return (_edited(req, change),)
    moved, kept = _edited(req, change), Requirement(str(req))
    moved.marker = Marker(_and(req.marker, change.marker))
    kept.marker = Marker(_and(req.marker, change.otherwise))
    return moved, kept


def _and(marker: Marker | None, text: str) -> str:
    return text if marker is None else f"({marker}) and ({text})"


def _edited(req: Requirement, change: Change | None) -> Requirement:
    if change is None:
        return req
    new = Requirement(str(req))
    if change.kind is ChangeKind.REPIN or not _compatible(req.specifier, change.specifier):
        new.specifier = change.specifier
    else:
        new.specifier = req.specifier & change.specifier
    return new


def _compatible(a: SpecifierSet, b: SpecifierSet) -> bool:
    """Whether a version allowed by ``b``'s bounds is allowed by ``a`` too (on the bounds)."""
    bounds = [Version(c.version) for c in b if c.operator in ("==", ">=", "<=")]
    return not bounds or any(a.contains(v, prereleases=True) for v in bounds) or not a


_LOCK_TOOLS = {
    "uv.lock": "uv lock --upgrade-package {name}",
    "poetry.lock": "poetry update {name}",
    "pdm.lock": "pdm update {name}",
}


def _edits(project: ProjectInput, changes: Sequence[Change]) -> tuple[Edit, ...]:
    requested = [c for c in changes if c.requested]
    if project.kind == "lock":
        template = _LOCK_TOOLS.get(project.path.name)
        edits = []
        for change in requested:
            pin = next((p for p in project.locked if p.name == change.name), None)
            before = f"{change.name}=={pin.version}" if pin is not None else change.name
            if template is None:
                after = (
                    f"lock {change.constraint} again with the tool that wrote {project.path.name}"
                )
            else:
                # uv takes the version too; the others take it from the project's
                # requirements, where the constraint goes first.
                moved = change.kind is ChangeKind.REPIN and project.path.name == "uv.lock"
                after = template.format(name=f'"{change.constraint}"' if moved else change.name)
                if change.kind is not ChangeKind.KEEP and not moved:
                    after += f"  (with {change.constraint} in the project's requirements)"
            edits.append(Edit("command", before, after))
        return tuple(edits)
    kind = "pyproject" if project.kind == "pyproject" else "requirement"
    # A narrowing held by a marker is a line added; a pin moved by one, two lines.
    edits = [
        Edit(kind, "", c.constraint)
        for c in requested
        if c.marker and c.kind is not ChangeKind.REPIN
    ]
    for item in project.requirements:
        name = canonicalize_name(item.requirement.name)
        found = next(
            (
                c
                for c in requested
                if c.name == name and (not c.marker or c.kind is ChangeKind.REPIN)
            ),
            None,
        )
        if found is not None:
            lines = _edited_lines(item.requirement, found)
            edits.append(Edit(kind, str(item.requirement), "\n".join(map(str, lines))))
    return tuple(edits)


# --- what remains ------------------------------------------------------------------


def _emulated(plans: Sequence[_TargetPlan], resolver: _Resolver) -> dict[Target, SideBySide]:
    """For each Arm target left with builds: what the x64 interpreter there installs."""
    found: dict[Target, SideBySide] = {}
    for plan in plans:
        native = plan.forecast
        if not not_from_wheels(native):
            continue
        emulated = emulator(native.target)
        if emulated is None:
            continue
        try:
            resolution = resolver.normal(emulated.target)
        except WheelcastError:
            continue  # an alternative, not the answer: offline without its pages, say
        shown = side_by_side(native, forecast(resolution), emulated)
        if shown is not None:
            found[native.target] = shown
    return found


def _other_pythons(target: Target, resolver: _Resolver) -> tuple[str, ...]:
    """The other Pythons with which every package installs from wheels on the platform."""
    good = []
    for version in OTHER_PYTHONS:
        if version == target.python.version[:2] and not target.python.free_threaded:
            continue
        other = Target(target.name, target.platform, Python(version=version))
        try:
            found = resolver.wheels(other)
        except WheelcastError:
            continue  # an alternative, not the answer: offline without its pages, say
        if not found.errors:
            good.append(other.python.short)
    return tuple(good)


def _tried_indexes(
    target: Target, resolver: _Resolver, index: IndexOptions, urls: Sequence[str]
) -> tuple[str, ...]:
    """The extra indexes with which a wheels-only resolution exists on ``target``."""
    good = []
    for url in urls:
        extended = dataclasses.replace(index, extra_index_urls=(*index.extra_index_urls, url))
        with open_repository(extended) as session:
            if not resolve(target, resolver.requested, session, resolver.wheels_only).errors:
                good.append(url)
    return tuple(good)


@dataclass(frozen=True, slots=True)
class _Elsewhere:
    requested: str  # the requirements, as a shell takes them
    pythons: Mapping[Target, tuple[str, ...]]
    indexes: Mapping[Target, tuple[str, ...]]


def _target_fix(
    plan: _TargetPlan, after: TargetForecast, emulation: SideBySide | None, elsewhere: _Elsewhere
) -> TargetFix:
    native = plan.forecast
    others, tried, requested = elsewhere.pythons, elsewhere.indexes, elsewhere.requested
    target = native.target
    before = tuple(p.name for p in not_from_wheels(native))
    remaining = not_from_wheels(after)
    alternatives: list[str] = []
    if remaining:
        pythons = others.get(target, ())
        if pythons:
            alternatives.append(
                f"Python {', '.join(pythons)} on {target.name} installs every package from wheels"
            )
        if emulation is not None:
            alternatives.append(
                emulation.text if emulation.still else f"{emulation.text}, and nothing else builds"
            )
        alternatives.extend(
            f"with --extra-index-url {url}, every package installs from wheels"
            for url in tried.get(target, ())
        )
    by_name = {p.name: p for p in native.packages}
    toolchain = []
    for package in remaining:
        if package.verdict is not Verdict.BUILD:
            continue
        known = by_name.get(package.name)
        build = known.build if known is not None else None
        if build is not None and build.advice:
            toolchain.append((package.name, build.advice))
        elif build is not None and build.unknown:
            toolchain.append((package.name, (f"what its build needs is unknown: {build.unknown}",)))
        else:
            toolchain.append((package.name, ("what its build needs was not read",)))
    install = ""
    if toolchain:
        launcher = (
            f"py -{target.python.short}"
            if target.platform.os == "windows"
            else f"python{target.python.short}"
        )
        install = f"{launcher} -m pip install {requested}"
    return TargetFix(
        target=target,
        before=before,
        fixed=plan.fixed and not remaining,
        blockers=tuple(plan.blockers),
        alternatives=tuple(alternatives),
        emulation=emulation,
        toolchain=tuple(toolchain),
        install=install,
        partial=tuple(plan.partial),
    )


def _shown(requested: Sequence[Requirement]) -> str:
    """The requirements as a shell takes them: quoted where a character needs it."""
    return " ".join(
        str(r)
        if str(r).replace(".", "").replace("-", "").replace("_", "").replace("=", "").isalnum()
        else f'"{r}"'
        for r in requested
    )
