"""Which files of a project fit a target, why the others do not, and which one pip picks.

This mirrors pip's ``LinkEvaluator`` (is this file a candidate at all?) and
``CandidateEvaluator`` (which candidate is best?) but evaluates for a foreign
target, and keeps every rejection with an ordered reason instead of logging it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag
from packaging.utils import (
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from wheelcast.index.models import DistFile

# pip accepts these archive forms as sdists; packaging's parse_sdist_filename knows only two.
SDIST_EXTENSIONS = (".tar.gz", ".zip", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".tgz")


class Reason(enum.IntEnum):
    """Why a file does not fit, ordered from the farthest miss to the closest.

    The closest miss of a set of files is ``max`` of their reasons: a wheel whose
    only fault is its platform is closer than one built for another Python.
    """

    NOT_A_DISTRIBUTION = 0
    INVALID_FILENAME = 1
    UPLOADED_AFTER_CUTOFF = 2
    PYTHON_TAG = 3
    ABI = 4
    PLATFORM = 5
    REQUIRES_PYTHON = 6
    FORMAT_NOT_ALLOWED = 7
    YANKED = 8

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


class FileKind(enum.Enum):
    WHEEL = "wheel"
    SDIST = "sdist"


@dataclass(frozen=True, slots=True)
class BinaryPolicy:
    """pip's ``--only-binary`` / ``--no-binary`` / ``--prefer-binary`` (``:all:`` allowed)."""

    only_binary: frozenset[str] = frozenset()
    no_binary: frozenset[str] = frozenset()
    prefer_binary: bool = False

    def allowed(self, name: NormalizedName) -> frozenset[FileKind]:
        # pip's FormatControl.get_allowed_formats: a named package beats ":all:".
        kinds = {FileKind.WHEEL, FileKind.SDIST}
        if name in self.only_binary:
            kinds.discard(FileKind.SDIST)
        elif name in self.no_binary:
            kinds.discard(FileKind.WHEEL)
        elif ":all:" in self.only_binary:
            kinds.discard(FileKind.SDIST)
        elif ":all:" in self.no_binary:
            kinds.discard(FileKind.WHEEL)
        return frozenset(kinds)


@dataclass(frozen=True, slots=True)
class Fit:
    """A file that could be installed on the target."""

    file: DistFile
    kind: FileKind
    version: Version
    tag: Tag | None  # the wheel's best tag for the target; None for an sdist
    priority: int  # index of ``tag`` in the target's tag list; len(tags) for an sdist
    build_tag: tuple[int, str] | tuple[()] = ()

    @property
    def yanked(self) -> bool:
        return self.file.yanked is not None


@dataclass(frozen=True, slots=True)
class Rejection:
    """A file that cannot be installed on the target, and the closest reason why."""

    file: DistFile
    reason: Reason
    detail: str
    version: Version | None = None


Evaluation = Fit | Rejection


@dataclass(frozen=True, slots=True)
class Environment:
    """What file evaluation needs to know about the target and the user's options."""

    tags: Sequence[Tag]
    priorities: Mapping[Tag, int]
    python_version: Version  # e.g. 3.12.0: what requires-python is checked against
    policy: BinaryPolicy = field(default_factory=BinaryPolicy)
    exclude_newer: dt.datetime | None = None


def file_kind_and_version(  # noqa: PLR0911 - one return per filename form pip tells apart
    filename: str, name: NormalizedName
) -> tuple[FileKind, Version, frozenset[Tag], tuple[int, str] | tuple[()]] | str:
    """Parse a distribution filename, or say why it cannot be used for ``name``."""
    if filename.endswith(".whl"):
        try:
            wheel_name, version, build, tags = parse_wheel_filename(filename)
        except (InvalidWheelFilename, InvalidVersion):
            return "invalid wheel filename"
        if wheel_name != name:
            return f"wrong project name (not {name})"
        return FileKind.WHEEL, version, tags, build
    ext = next((e for e in SDIST_EXTENSIONS if filename.lower().endswith(e)), None)
    if ext is None:
        return "not a wheel or source archive"
    stem = filename[: -len(ext)]
    # pip's _extract_version_from_fragment: the name part is matched canonically.
    for i, char in enumerate(stem):
        if char == "-" and canonicalize_name(stem[:i]) == name:
            try:
                return FileKind.SDIST, Version(stem[i + 1 :]), frozenset(), ()
            except InvalidVersion:
                return f"invalid version in '{filename}'"
    return f"wrong project name (not {name})"


def _requires_python_ok(spec: str | None, python_version: Version) -> bool:
    if not spec:
        return True
    try:
        return SpecifierSet(spec).contains(python_version, prereleases=True)
    except InvalidSpecifier:
        # pip ignores an unparsable data-requires-python rather than rejecting the file.
        return True


def _tag_mismatch(file_tags: Iterable[Tag], env: Environment) -> tuple[Reason, str]:
    own = env.tags[0].interpreter if env.tags else ""
    pairs = {(t.interpreter, t.abi) for t in env.tags}
    file_tags = sorted(file_tags, key=str)
    shown = ", ".join(str(t) for t in file_tags)
    if any((t.interpreter, t.abi) in pairs for t in file_tags):
        platforms = ", ".join(sorted({t.platform for t in file_tags}))
        return Reason.PLATFORM, f"built for {platforms}, not for this target ({shown})"
    if any(t.interpreter == own for t in file_tags):
        abis = ", ".join(sorted({t.abi for t in file_tags}))
        return Reason.ABI, f"ABI {abis} does not fit ({shown})"
    pythons = ", ".join(sorted({t.interpreter for t in file_tags}))
    return Reason.PYTHON_TAG, f"built for {pythons} ({shown})"


def evaluate(file: DistFile, name: NormalizedName, env: Environment) -> Evaluation:
    """Decide whether ``file`` can be installed on the target, as pip's LinkEvaluator does."""
    parsed = file_kind_and_version(file.filename, name)
    if isinstance(parsed, str):
        reason = (
            Reason.NOT_A_DISTRIBUTION
            if parsed.startswith(("not a", "wrong"))
            else Reason.INVALID_FILENAME
        )
        return Rejection(file, reason, parsed)
    kind, version, file_tags, build = parsed
    if (
        env.exclude_newer is not None
        and file.upload_time is not None
        and file.upload_time > env.exclude_newer
    ):
        when = file.upload_time.strftime("%Y-%m-%d %H:%M")
        return Rejection(file, Reason.UPLOADED_AFTER_CUTOFF, f"uploaded {when} UTC", version)
    if kind not in env.policy.allowed(name):
        what = "binaries" if kind is FileKind.WHEEL else "sources"
        return Rejection(file, Reason.FORMAT_NOT_ALLOWED, f"no {what} allowed for {name}", version)
    priority = len(env.tags)
    best: Tag | None = None
    if kind is FileKind.WHEEL:
        matches = [(env.priorities[t], t) for t in file_tags if t in env.priorities]
        if not matches:
            reason, detail = _tag_mismatch(file_tags, env)
            return Rejection(file, reason, detail, version)
        priority, best = min(matches, key=lambda m: m[0])
    if not _requires_python_ok(file.requires_python, env.python_version):
        return Rejection(
            file,
            Reason.REQUIRES_PYTHON,
            f"requires Python {file.requires_python}, not {env.python_version}",
            version,
        )
    return Fit(file, kind, version, best, priority, build)


def sort_key(fit: Fit, policy: BinaryPolicy) -> tuple[object, ...]:
    """pip's CandidateEvaluator._sort_key: the largest key is the best file.

    (not yanked, binary preference, version, tag priority, build tag). An sdist's
    priority is below every wheel's, so a newer sdist still beats an older wheel
    unless --prefer-binary puts binary preference ahead of the version.
    """
    binary = int(policy.prefer_binary and fit.kind is FileKind.WHEEL)
    return (-int(fit.yanked), binary, fit.version, -fit.priority, fit.build_tag)


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


def is_pinned(specifier: SpecifierSet) -> bool:
    """pip's rule for PEP 592: '==' (not a wildcard) or '===' pins a version."""
    for spec in specifier:
        if spec.operator == "===":
            return True
        if spec.operator == "==" and not spec.version.endswith(".*"):
            return True
    return False


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
