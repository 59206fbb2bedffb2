"""Which files of a project fit a target, why the others do not, and which one pip picks.

This mirrors pip's ``LinkEvaluator`` (is this file a candidate at all?) and
``CandidateEvaluator`` (which candidate is best?) but evaluates for a foreign
target, and keeps every rejection with an ordered reason instead of logging it.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag
from packaging.utils import (
    BuildTag,
    InvalidWheelFilename,
    NormalizedName,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from wheelcast.index._dist import (
    ALL_SDIST_SUFFIXES,
    NULL_VARIANT,
    variant_wheel,
    version_in_filename,
)
from wheelcast.index.models import DistFile, FileGroup, GroupedFiles


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
    note: str = ""
    version: Version | None = None

    @property
    def detail(self) -> str:
        # Formatted on demand: most rejections (old releases, other platforms, files
        # past a cutoff) are never shown, and formatting them all cost more than judging.
        if self.note:
            return self.note
        match self.reason:
            case Reason.UPLOADED_AFTER_CUTOFF if self.file.upload_time:
                return f"uploaded {self.file.upload_time:%Y-%m-%d %H:%M} UTC, after the cutoff"
            case Reason.PLATFORM | Reason.ABI | Reason.PYTHON_TAG:
                return _tag_detail(self.reason, self.file.filename)
            case _:
                return ""


def _tag_detail(reason: Reason, filename: str) -> str:
    tags = parse_wheel_filename(filename)[3]
    match reason:
        case Reason.PLATFORM:
            return "built for " + ", ".join(sorted({t.platform for t in tags}))
        case Reason.ABI:
            return "built for the " + ", ".join(sorted({t.abi for t in tags})) + " ABI"
        case _:
            return "built for " + ", ".join(sorted({t.interpreter for t in tags}))


Evaluation = Fit | Rejection


@dataclass(frozen=True)
class Environment:
    """What file evaluation needs to know about the target and the user's options."""

    tags: Sequence[Tag]
    priorities: Mapping[Tag, int]
    python_version: Version  # e.g. 3.12.0: what requires-python is checked against
    policy: BinaryPolicy = field(default_factory=BinaryPolicy)
    exclude_newer: dt.datetime | None = None
    # tags the target takes but its installer release (--installer) does not, with why
    refused: Mapping[Tag, str] = field(default_factory=dict)

    @functools.cached_property
    def interpreter(self) -> str:
        return self.tags[0].interpreter if self.tags else ""

    @functools.cached_property
    def platforms(self) -> frozenset[str]:
        return frozenset(t.platform for t in self.tags)

    @functools.cached_property
    def interpreter_abis(self) -> frozenset[tuple[str, str]]:
        return frozenset((t.interpreter, t.abi) for t in self.tags)

    @functools.cached_property
    def _allowed(self) -> dict[NormalizedName, frozenset[FileKind]]:
        return {}

    def allowed(self, name: NormalizedName) -> frozenset[FileKind]:
        """``policy.allowed``, asked for every file: answered once per project."""
        found = self._allowed.get(name)
        if found is None:
            found = self._allowed[name] = self.policy.allowed(name)
        return found

    @functools.cached_property
    def _wheel_tags(self) -> dict[frozenset[Tag], tuple[int, Tag] | Reason]:
        # Most wheels of a project share a handful of tag sets (cp312-cp312-win_amd64
        # in every release): judge each set once per target, not once per file.
        return {}

    def wheel_tags(self, file_tags: frozenset[Tag]) -> tuple[int, Tag] | Reason:
        """The best (priority, tag) of a wheel's tags for the target, or why none fits."""
        found = self._wheel_tags.get(file_tags)
        if found is None:
            priorities = self.priorities
            ranked = [(priorities[t], t) for t in file_tags if t in priorities]
            # Ranks are unique, so the minimum is one tag whatever the set's order.
            found = self._wheel_tags[file_tags] = (
                min(ranked, key=lambda m: m[0]) if ranked else _tag_mismatch(file_tags, self)
            )
        return found


@functools.lru_cache(maxsize=1 << 12)
def _tag_set(tag_text: str) -> frozenset[Tag]:
    # packaging's own check, on a stand-in name and version; an invalid set raises.
    return parse_wheel_filename(f"x-0-{tag_text}.whl")[3]


def _parse_wheel_filename(
    filename: str,
) -> tuple[NormalizedName, Version, BuildTag, frozenset[Tag]]:
    """packaging's ``parse_wheel_filename``, each distinct tag set parsed once.

    A scan reads hundreds of thousands of wheel names but only a few thousand distinct
    tag sets; parsing them was most of the time spent reading filenames.
    """
    parts = filename[:-4].rsplit("-", 3)
    if len(parts) != 4:
        return parse_wheel_filename(filename)  # malformed: packaging says how
    name, version, build, _ = parse_wheel_filename(f"{parts[0]}-py3-none-any.whl")
    return name, version, build, _tag_set("-".join(parts[1:]))


# Pages list the same files for every target of a run: parse each name once.
@functools.lru_cache(maxsize=1 << 17)
def file_kind_and_version(  # noqa: PLR0911 - one return per filename form pip tells apart
    filename: str, name: NormalizedName
) -> tuple[FileKind, Version, frozenset[Tag], tuple[int, str] | tuple[()]] | str:
    """Parse a distribution filename, or say why it cannot be used for ``name``."""
    if filename.endswith(".whl"):
        try:
            wheel_name, version, build, tags = _parse_wheel_filename(filename)
        except (InvalidWheelFilename, InvalidVersion):
            if variant := variant_wheel(filename):
                return (
                    f"a variant wheel (label '{variant[1]}', PEP 825 draft): pip takes a"
                    " variant label for an invalid filename and skips it"
                )
            return "invalid wheel filename"
        if wheel_name != name:
            return f"wrong project name (not {name})"
        return FileKind.WHEEL, version, tags, build
    if not filename.lower().endswith(ALL_SDIST_SUFFIXES):
        return "not a wheel or source archive"
    text = version_in_filename(filename, name)
    if not text:
        return f"wrong project name (not {name})"
    try:
        return FileKind.SDIST, Version(text), frozenset(), ()
    except InvalidVersion:
        return f"invalid version in '{filename}'"


@functools.lru_cache(maxsize=4096)
def _requires_python_ok(spec: str | None, python_version: Version) -> bool:
    if not spec:
        return True
    try:
        return SpecifierSet(spec).contains(python_version, prereleases=True)
    except InvalidSpecifier:
        # pip ignores an unparsable data-requires-python rather than rejecting the file.
        return True


def _tag_mismatch(file_tags: Iterable[Tag], env: Environment) -> Reason:
    """Which part of a wheel's tags keeps it off the target: the closest one."""
    pairs = env.interpreter_abis
    file_tags = list(file_tags)
    if any((t.interpreter, t.abi) in pairs for t in file_tags):
        return Reason.PLATFORM
    if any(t.interpreter == env.interpreter for t in file_tags):
        return Reason.ABI
    return Reason.PYTHON_TAG


def _after_cutoff(
    file: DistFile, version: Version, exclude_newer: dt.datetime | None
) -> Rejection | None:
    if exclude_newer is None:
        return None
    if file.upload_time is None:
        # uv's rule: a file with no upload time (PEP 503 HTML pages have none) cannot be
        # shown to predate the cutoff, so it is left out rather than silently admitted.
        note = "the index gives no upload time, so --exclude-newer cannot admit it"
        return Rejection(file, Reason.UPLOADED_AFTER_CUTOFF, note, version)
    if file.upload_time < exclude_newer:  # uv and pip: only what came before the cutoff
        return None
    return Rejection(file, Reason.UPLOADED_AFTER_CUTOFF, "", version)


def evaluate(file: DistFile, name: NormalizedName, env: Environment) -> Evaluation:
    """Decide whether ``file`` can be installed on the target, as pip's LinkEvaluator does."""
    return _evaluate(file, name, env, screened=False)


def _evaluate(
    file: DistFile, name: NormalizedName, env: Environment, *, screened: bool
) -> Evaluation:
    """``evaluate``; with ``screened``, the cutoff was already checked (``Release.screened``)."""
    parsed = file_kind_and_version(file.filename, name)
    if isinstance(parsed, str):
        reason = (
            Reason.NOT_A_DISTRIBUTION
            if parsed.startswith(("not a", "wrong"))
            else Reason.INVALID_FILENAME
        )
        return Rejection(file, reason, parsed + _null_variant_fit(file.filename, name, env))
    kind, version, file_tags, build = parsed
    too_new = None if screened else _after_cutoff(file, version, env.exclude_newer)
    if too_new is not None:
        return too_new
    if kind not in env.allowed(name):
        what = "binaries" if kind is FileKind.WHEEL else "sources"
        return Rejection(file, Reason.FORMAT_NOT_ALLOWED, f"no {what} allowed for {name}", version)
    priority = len(env.tags)
    best: Tag | None = None
    if kind is FileKind.WHEEL:
        match = env.wheel_tags(file_tags)
        if isinstance(match, Reason):
            note = min((env.refused[t] for t in file_tags if t in env.refused), default="")
            return Rejection(file, Reason.PLATFORM if note else match, note, version)
        priority, best = match
    if not _requires_python_ok(file.requires_python, env.python_version):
        return Rejection(
            file,
            Reason.REQUIRES_PYTHON,
            f"requires Python {file.requires_python}, not {env.python_version}",
            version,
        )
    return Fit(file, kind, version, best, priority, build)


def _null_variant_fit(filename: str, name: NormalizedName, env: Environment) -> str:
    """For PEP 825's null variant (no properties): whether it would fit this target."""
    variant = variant_wheel(filename)
    if variant is None or variant[1] != NULL_VARIANT:
        return ""
    parsed = file_kind_and_version(variant[0], name)
    if isinstance(parsed, str):
        return ""
    fits = not isinstance(env.wheel_tags(parsed[2]), Reason)
    return (
        "; it is the null variant and its tags fit: a variant-aware installer would take it"
        if fits
        else "; it is the null variant, and its tags do not fit either"
    )


def sort_key(fit: Fit, policy: BinaryPolicy) -> tuple[object, ...]:
    """pip's CandidateEvaluator._sort_key: the largest key is the best file.

    (not yanked, binary preference, version, tag priority, build tag). An sdist's
    priority is below every wheel's, so a newer sdist still beats an older wheel
    unless --prefer-binary puts binary preference ahead of the version.
    """
    binary = int(policy.prefer_binary and fit.kind is FileKind.WHEEL)
    return (-int(fit.yanked), binary, fit.version, -fit.priority, fit.build_tag)


def is_pinned(specifier: SpecifierSet) -> bool:
    """pip's rule for PEP 592: '==' (not a wildcard) or '===' pins a version."""
    for spec in specifier:
        if spec.operator == "===":
            return True
        if spec.operator == "==" and not spec.version.endswith(".*"):
            return True
    return False


# --- lazy evaluation ---------------------------------------------------------------
# A popular project lists thousands of files; the resolver usually needs the newest
# one or two versions. Files are grouped by version once per page and evaluated one
# version at a time, per target, only when the resolver walks that far.


@dataclass(frozen=True, slots=True)
class Screened:
    """A release's files against one cutoff, the same for every target."""

    items: tuple[DistFile | Rejection, ...]  # each file, or its rejection for being too new
    too_new: tuple[Rejection, ...]  # the rejections among ``items``, in order


@dataclass(frozen=True, slots=True)
class Release:
    """The files of one version of a project, as the page lists them."""

    version: Version
    groups: tuple[FileGroup, ...]  # more than one when "1.0" and "1.0.0" both appear
    # exclude_newer -> ``screened``'s answer. Every target judges the same files against
    # the same cutoff, and comparing thousands of upload times per target adds up.
    _screened: dict[dt.datetime | None, Screened] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    @property
    def files(self) -> tuple[DistFile, ...]:
        # Decoded on first use: a run reads the newest releases of most projects only.
        if len(self.groups) == 1:
            return self.groups[0].files
        return tuple(f for group in self.groups for f in group.files)

    def screened(self, exclude_newer: dt.datetime | None) -> Screened:
        """Each file, in order, or its rejection if it was uploaded after ``exclude_newer``."""
        found = self._screened.get(exclude_newer)
        if found is None:
            items = tuple(
                _after_cutoff(file, self.version, exclude_newer) or file for file in self.files
            )
            too_new = tuple(item for item in items if isinstance(item, Rejection))
            # Computed twice at worst when two targets race: both answers are equal.
            found = self._screened[exclude_newer] = Screened(items, too_new)
        return found

    def wholly_after(self, exclude_newer: dt.datetime | None) -> bool:
        """True when every file is known, without decoding any, to be newer than the cutoff."""
        if exclude_newer is None:
            return False
        # A second's margin: stored times are floats, the cutoff exact to the microsecond.
        cutoff = exclude_newer.timestamp() + 1.0
        return all(g.earliest is not None and g.earliest > cutoff for g in self.groups)


@dataclass(frozen=True, slots=True)
class Releases:
    """A project page grouped by version, newest first; shared by every target."""

    name: NormalizedName
    releases: tuple[Release, ...]
    unusable: tuple[DistFile, ...]  # no version can be read from the filename
    index: Mapping[Version, int]  # where each version stands in ``releases``
    # (specifier text, cutoff) -> ``matching``'s answer. Every target asks the same few
    # specifiers of the same page again and again, each answer costing a Version
    # comparison per release; the answers hold for every target, so they are shared.
    _matching: dict[tuple[str, dt.datetime | None], tuple[tuple[int, ...], tuple[int, ...]]] = (
        field(default_factory=dict, init=False, compare=False, repr=False)
    )

    def matching(
        self, specifier: SpecifierSet, exclude_newer: dt.datetime | None = None
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Indexes of the releases ``specifier`` contains (pre-releases included), and of
        the final releases among them; without those wholly uploaded after
        ``exclude_newer`` (they have no file to offer)."""
        key = (str(specifier), exclude_newer)
        found = self._matching.get(key)
        if found is None:
            contained = tuple(
                i
                for i, release in enumerate(self.releases)
                if specifier.contains(release.version, prereleases=True)
                and not release.wholly_after(exclude_newer)
            )
            finals = tuple(i for i in contained if not self.releases[i].version.is_prerelease)
            # Computed twice at worst when two targets race: both answers are equal.
            found = self._matching[key] = (contained, finals)
        return found


@functools.lru_cache(maxsize=1 << 14)
def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def group_releases(name: NormalizedName, files: Sequence[DistFile]) -> Releases:
    """Group files by the version in their names, without parsing their tags.

    A page read from the cache comes grouped already, each group still undecoded.
    """
    if isinstance(files, GroupedFiles):
        groups = files.groups
    else:
        by_text: dict[str, list[DistFile]] = {}
        for file in files:
            by_text.setdefault(version_in_filename(file.filename, name), []).append(file)
        groups = tuple(FileGroup(text, files=tuple(found)) for text, found in by_text.items())
    by_version: dict[Version, list[FileGroup]] = {}
    unusable: list[DistFile] = []
    for group in groups:
        version = _version(group.version) if group.version else None
        if version is None:
            unusable.extend(group.files)
        else:
            by_version.setdefault(version, []).append(group)
    releases = tuple(Release(v, tuple(by_version[v])) for v in sorted(by_version, reverse=True))
    index = {release.version: i for i, release in enumerate(releases)}
    return Releases(name, releases, tuple(unusable), index)


def os_family(platform: str) -> str:
    """``windows``, ``macos`` or ``linux`` for a platform tag (the tag itself otherwise)."""
    if platform.startswith("win"):
        return "windows"
    if platform.startswith("macosx"):
        return "macos"
    return "linux" if "linux" in platform else platform


def _is_64bit(platform: str) -> bool:
    return any(arch in platform for arch in ("64", "universal2"))


class ProjectView:
    """One project seen from one target, evaluated a version at a time.

    ``candidates`` yields exactly what ``applicable(evaluate_project(...))`` returns,
    in the same order, but stops evaluating as soon as the caller stops asking.
    """

    def __init__(self, releases: Releases, env: Environment) -> None:
        self.releases = releases
        self.env = env
        self._evaluated: dict[int, tuple[list[Fit], list[Rejection]]] = {}

    @property
    def name(self) -> NormalizedName:
        return self.releases.name

    def release(self, index: int) -> tuple[list[Fit], list[Rejection]]:
        """Fits (ascending by pip's sort key) and rejections of the index-th newest version."""
        found = self._evaluated.get(index)
        if found is None:
            fits: list[Fit] = []
            rejections: list[Rejection] = []
            screened = self.releases.releases[index].screened(self.env.exclude_newer)
            if len(screened.too_new) == len(screened.items):
                # The newest releases are often wholly past a cutoff: nothing to judge.
                rejections.extend(screened.too_new)
            else:
                for file in screened.items:
                    result = (
                        file
                        if isinstance(file, Rejection)
                        else _evaluate(file, self.name, self.env, screened=True)
                    )
                    if isinstance(result, Fit):
                        fits.append(result)
                    else:
                        rejections.append(result)
            fits.sort(key=lambda f: sort_key(f, self.env.policy))
            found = self._evaluated[index] = (fits, rejections)
        return found

    def wheels_beside(
        self, version: Version | None, *, prereleases: bool = False
    ) -> tuple[Fit | None, Fit | None]:
        """The newest older and the oldest newer release with a wheel for this target.

        With no version (nothing installable), the newest release with a wheel at all.
        Pre-releases count only when ``prereleases``: pip would not take them otherwise.
        """
        releases = self.releases.releases
        wanted = [i for i, r in enumerate(releases) if prereleases or not r.version.is_prerelease]
        older = [i for i in wanted if version is None or releases[i].version < version]
        newer = [i for i in wanted if version is not None and releases[i].version > version]
        return self.first_wheel(older), self.first_wheel(reversed(newer))

    def first_wheel(self, indexes: Iterable[int]) -> Fit | None:
        """The best wheel of the first release, in ``indexes`` order, that has one.

        A release none of whose wheel names carries a tag of the target is passed over
        without decoding or judging its files: most of a long history is.
        """
        releases = self.releases.releases
        for i in indexes:
            if releases[i].wholly_after(self.env.exclude_newer) or not self._may_have_wheel(i):
                continue
            wheels = [f for f in self.release(i)[0] if f.kind is FileKind.WHEEL and not f.yanked]
            if wheels:
                return wheels[-1]
        return None

    def _may_have_wheel(self, index: int) -> bool:
        priorities = self.env.priorities
        platforms = self.env.platforms
        for group in self.releases.releases[index].groups:
            for filename in group.filenames:
                # The platform tags end the name: most wheels of a long history are
                # ruled out by that alone, without parsing their tags.
                if not filename.endswith(".whl") or platforms.isdisjoint(
                    filename[:-4].rpartition("-")[2].split(".")
                ):
                    continue
                parsed = file_kind_and_version(filename, self.name)
                if not isinstance(parsed, str) and any(t in priorities for t in parsed[2]):
                    return True
        return False

    def misses(
        self, version: Version | None, specifier: SpecifierSet, *, prereleases: bool = False
    ) -> tuple[Version | None, tuple[Rejection, ...]]:
        """The rejected files of ``version``, or of the newest release pip would have
        looked at: one ``specifier`` allows, not wholly past the cutoff (its files say
        nothing about the target) unless all are, final unless ``prereleases`` or there
        is none.

        Sorted from the farthest miss to the closest.
        """
        if version is not None:
            i = self.releases.index.get(version)
        else:
            contained = self.releases.matching(specifier)[0]
            before = (j for j in contained if not self._past_cutoff(j))  # decoded as needed
            i = next(before, None)
            if (
                i is not None
                and not prereleases
                and self.releases.releases[i].version.is_prerelease
            ):
                # packaging's rule: a pre-release only when no final release is there.
                finals = (j for j in before if not self.releases.releases[j].version.is_prerelease)
                i = next(finals, i)
            if i is None:
                # Nothing before the cutoff: the newest release, to say it came after it.
                i = next(iter(contained), None)
        if i is None:
            return None, ()
        release = self.releases.releases[i]
        return release.version, tuple(sorted(self.release(i)[1], key=self.closeness))

    def _past_cutoff(self, index: int) -> bool:
        release = self.releases.releases[index]
        if release.wholly_after(self.env.exclude_newer):
            return True
        screened = release.screened(self.env.exclude_newer)
        return len(screened.too_new) == len(screened.items)

    def closeness(self, rejection: Rejection) -> tuple[bool, Reason, bool, bool]:
        """A sort key: the larger, the closer the file came to fitting."""
        # A wheel the target takes but its installer release refuses (--installer) is the
        # closest miss of all, before an sdist that --only-binary keeps out. Among wheels
        # built for another platform, one for the target's own OS is the closer miss, and
        # a 64-bit one closer still: win_amd64 for win_arm64, which the user may run under
        # emulation, before win32.
        own = os_family(self.env.tags[0].platform) if self.env.tags else ""
        parsed = file_kind_and_version(rejection.file.filename, self.name)
        tags = parsed[2] if not isinstance(parsed, str) else frozenset()
        refused = any(t in self.env.refused for t in tags)
        same_os = [t for t in tags if os_family(t.platform) == own]
        return (
            refused,
            rejection.reason,
            bool(same_os),
            any(_is_64bit(t.platform) for t in same_os),
        )

    def candidates(self, specifier: SpecifierSet, *, allow_prereleases: bool) -> Iterator[Fit]:
        explicit = allow_prereleases or bool(specifier.prereleases)
        matching, finals = self.releases.matching(specifier, self.env.exclude_newer)
        if explicit:
            finals = matching
        yielded = False
        any_fit = False
        for i in finals:
            fits, _ = self.release(i)
            any_fit = any_fit or bool(fits)
            yield from self._best(fits, first_pass=True)
            yielded = yielded or any(not f.yanked for f in fits)
        allowed = finals
        if not explicit and not any_fit:
            # packaging's rule: pre-releases count when no final version fits.
            allowed = matching
            for i in matching:
                if self.releases.releases[i].version.is_prerelease:
                    fits, _ = self.release(i)
                    yield from self._best(fits, first_pass=True)
                    yielded = yielded or any(not f.yanked for f in fits)
        if self.env.policy.prefer_binary:
            for i in allowed:
                yield from self._best(self.release(i)[0], first_pass=False)
        if not yielded and is_pinned(specifier):
            for i in allowed:
                yanked = [f for f in self.release(i)[0] if f.yanked]
                if yanked:
                    yield yanked[-1]

    def _best(self, fits: list[Fit], *, first_pass: bool) -> Iterator[Fit]:
        usable = [f for f in fits if not f.yanked]
        if not usable:
            return
        best = usable[-1]
        if not self.env.policy.prefer_binary:
            if first_pass:
                yield best
            return
        # --prefer-binary: versions with a wheel first, then sdist-only versions.
        if (best.kind is FileKind.WHEEL) is first_pass:
            yield best
