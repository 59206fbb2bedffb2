"""``pyproject.toml``: what a project declares it needs, read statically.

- ``[project] dependencies``, plus ``[project.optional-dependencies]`` for the chosen
  extras (``extras``, or every one with ``all_extras``); a project naming itself with
  extras (``all = ["sample[fast,test]"]``) gets those extras' requirements instead;
- PEP 735 ``[dependency-groups]`` chosen with ``groups``, ``{include-group = "..."}``
  followed (a cycle or an unknown group is an error);
- ``[build-system] requires`` too with ``build_deps`` (PEP 518's default
  ``setuptools>=40.8.0`` when the table is missing);
- ``requires-python`` gives the default Pythons to check: the lowest and the highest
  released CPython minor it allows (:data:`RELEASED_PYTHONS`).

A ``name @ url`` dependency is a direct reference (:class:`DirectItem`), as in a
requirements file. Dependencies listed in ``dynamic`` cannot be read without running
the build backend: they give a note (an error when extras are asked for and they are
dynamic).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from wheelcast.inputs import _files
from wheelcast.inputs.model import Origin, ProjectInput, RequirementItem
from wheelcast.runtime.limits import MAX_GROUP_DEPTH, shown

# CPython minors with a final release, as of 2026-11-25. 3.15.0 was scheduled for
# 2026-10-01 (PEP 790) and is taken as released; 3.16 is not (due 2027-10).
RELEASED_PYTHONS: tuple[str, ...] = (
    "3.8",
    "3.9",
    "3.10",
    "3.11",
    "3.12",
    "3.13",
    "3.14",
    "3.15",
)

_SPEC = "see the pyproject.toml specification"
_END = object()  # the end of a group's entries
_DEFAULT_BUILD_REQUIRES = "setuptools>=40.8.0"  # PEP 518, when [build-system] is missing


def default_pythons(requires_python: str, origin: Origin | None = None) -> tuple[str, ...]:
    """The lowest and the highest released minor ``requires_python`` allows (one if equal).

    A minor counts when its first or a late patch release is allowed, so ``>=3.10.2``
    keeps 3.10. Empty when no released minor fits.
    """
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier as exc:
        where = origin or Origin(Path("pyproject.toml"))
        raise where.error(
            f"invalid requires-python '{shown(requires_python)}': {shown(str(exc))}",
            "write it as e.g. '>=3.10'",
        ) from None
    allowed = [
        minor
        for minor in RELEASED_PYTHONS
        if any(spec.contains(f"{minor}.{patch}", prereleases=True) for patch in (0, 99))
    ]
    return tuple(dict.fromkeys((allowed[0], allowed[-1]))) if allowed else ()


def read_pyproject(
    path: Path,
    *,
    extras: Sequence[str] = (),
    all_extras: bool = False,
    groups: Sequence[str] = (),
    build_deps: bool = False,
) -> ProjectInput:
    """Read the requirements ``path`` declares; see the module docstring."""
    data, text = _files.load_toml(path)
    reader = _Pyproject(path, data, text)
    return reader.read(extras, all_extras=all_extras, groups=groups, build_deps=build_deps)


class _Pyproject:
    def __init__(self, path: Path, data: dict[str, Any], text: str) -> None:
        self.path = path
        self.data = data
        self.text = text
        self.lines = _files.Lines(text)
        self.notes: list[str] = []

    def origin(self, *needles: str) -> Origin:
        if len(needles) == 1 and (line := self.lines.quoted(needles[0])) is not None:
            return Origin(self.path, line)
        for quote in ('"', "'"):
            line = _files.line_of(self.text, *(f"{quote}{n}{quote}" for n in needles))
            if line is not None:
                return Origin(self.path, line)
        return Origin(self.path, _files.line_of(self.text, *needles))

    def table(self, value: object, name: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.origin(name.rsplit(".", 1)[-1]).error(
                f"'{shown(name)}' must be a table", "see the pyproject.toml specification"
            )
        return value

    def strings(self, value: object, name: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.origin(name.rsplit(".", 1)[-1]).error(
                f"'{shown(name)}' must be an array of strings", 'write e.g. ["requests>=2"]'
            )
        return list(value)

    def requirements(self, texts: Iterable[str]) -> list[RequirementItem]:
        items = []
        for text in texts:
            # Found in one pass over the file, never searched for again per requirement.
            line = self.lines.quoted(text)
            origin = Origin(self.path, line) if line is not None else self.origin(text)
            items.append(RequirementItem(_files.requirement(text, origin), origin))
        return items

    def read(
        self, extras: Sequence[str], *, all_extras: bool, groups: Sequence[str], build_deps: bool
    ) -> ProjectInput:
        project = self.table(self.data.get("project", {}), "project")
        if not project:
            poetry = (
                " (poetry's [tool.poetry] is not read: check poetry.lock)"
                if "poetry"
                in _files.typed(self.data, "tool", dict, {}, self.origin("tool"), hint=_SPEC)
                else ""
            )
            self.notes.append(
                f"{self.path}: no [project] table: no dependencies declared in the standard way"
                + poetry
            )
        dynamic = set(self.strings(project.get("dynamic", []), "project.dynamic"))
        if "dependencies" in dynamic:
            self.notes.append(
                f"{self.origin('dynamic')}: dependencies are dynamic: they cannot be read"
                " without running the build backend; check a lock or requirements file"
            )
        requirements = self.requirements(
            self.strings(project.get("dependencies", []), "project.dependencies")
        )
        requirements += self.extras(project, dynamic, extras, all_extras=all_extras)
        requirements += self.groups(groups)
        if build_deps:
            requirements += self.build_requires()
        pythons: tuple[str, ...] = ()
        requires_python = project.get("requires-python")
        if requires_python is not None:
            if not isinstance(requires_python, str):
                raise self.origin("requires-python").error(
                    "'requires-python' must be a string", "write it as e.g. '>=3.10'"
                )
            pythons = default_pythons(requires_python, self.origin(requires_python))
            if not pythons:
                self.notes.append(
                    f"{self.origin(requires_python)}: requires-python '{shown(requires_python)}'"
                    " allows no released CPython"
                )
        return ProjectInput(
            kind="pyproject",
            path=self.path,
            requirements=tuple(requirements),
            pythons=pythons,
            notes=tuple(self.notes),
        ).urls_as_direct()

    def extras(
        self,
        project: Mapping[str, Any],
        dynamic: set[str],
        wanted: Sequence[str],
        *,
        all_extras: bool,
    ) -> list[RequirementItem]:
        if not wanted and not all_extras:
            return []
        if "optional-dependencies" in dynamic:
            raise self.origin("dynamic").error(
                "optional-dependencies are dynamic: extras cannot be read statically",
                "check a lock file, or list the extras' requirements on the command line",
            )
        table = self.table(
            project.get("optional-dependencies", {}), "project.optional-dependencies"
        )
        declared: dict[str, str] = {canonicalize_name(k): k for k in table}
        chosen = list(declared) if all_extras else [canonicalize_name(e) for e in wanted]
        self_name = canonicalize_name(str(project.get("name", "")))
        items: list[RequirementItem] = []
        seen: set[str] = set()
        while chosen:
            extra = chosen.pop(0)
            if extra in seen:
                continue
            seen.add(extra)
            if extra not in declared:
                known = ", ".join(sorted(declared)) or "none"
                raise Origin(self.path, _files.line_of(self.text, "optional-dependencies")).error(
                    f"unknown extra '{shown(extra)}' (declared: {shown(known)})",
                    "pick one of the declared extras",
                )
            key = declared[extra]
            for item in self.requirements(
                self.strings(table[key], f"project.optional-dependencies.{key}")
            ):
                if self_name and canonicalize_name(item.requirement.name) == self_name:
                    chosen.extend(sorted(canonicalize_name(e) for e in item.requirement.extras))
                else:
                    items.append(item)
        return items

    def groups(self, wanted: Sequence[str]) -> list[RequirementItem]:
        if not wanted:
            return []
        table = self.table(self.data.get("dependency-groups", {}), "dependency-groups")
        declared: dict[str, str] = {canonicalize_name(k): k for k in table}
        items: list[RequirementItem] = []
        for group in wanted:
            items += self.group(table, declared, canonicalize_name(group))
        return items

    def group(
        self, table: Mapping[str, Any], declared: Mapping[str, str], name: str
    ) -> list[RequirementItem]:
        """The group's requirements, includes followed depth first in order, with an
        explicit stack: a long include chain meets :data:`MAX_GROUP_DEPTH`, a cycle is
        named, and neither reaches the interpreter's recursion limit."""
        items: list[RequirementItem] = []
        chain: list[str] = []
        frames: list[Iterator[object]] = []

        def enter(group: str) -> None:
            if group in chain:
                cycle = " -> ".join((*chain, group))
                raise self.origin("include-group", declared.get(group, group)).error(
                    f"dependency group cycle: {shown(cycle)}",
                    "remove one of the include-group entries",
                )
            if len(chain) >= MAX_GROUP_DEPTH:
                raise self.origin("include-group", declared.get(group, group)).error(
                    f"dependency groups include each other deeper than {MAX_GROUP_DEPTH} levels",
                    "include the groups from one group instead",
                )
            frames.append(iter(self.entries(table, declared, group)))
            chain.append(group)

        enter(name)
        while frames:
            entry = next(frames[-1], _END)
            if entry is _END:
                frames.pop()
                chain.pop()
            elif isinstance(entry, str):
                items += self.requirements([entry])
            elif isinstance(entry, dict) and set(entry) == {"include-group"}:
                included = entry["include-group"]
                if not isinstance(included, str):
                    raise self.origin("include-group").error(
                        f"dependency group '{shown(chain[-1])}': include-group must be a string",
                        'write it as {include-group = "name"} (PEP 735)',
                    )
                enter(canonicalize_name(included))
            else:
                keys = [str(k) for k in entry] if isinstance(entry, dict) else [shown(entry)]
                raise Origin(self.path, _files.line_of(self.text, *keys)).error(
                    f"dependency group '{shown(chain[-1])}' holds {shown(entry)}",
                    'entries are requirement strings or {include-group = "name"} (PEP 735)',
                )
        return items

    def entries(
        self, table: Mapping[str, Any], declared: Mapping[str, str], name: str
    ) -> list[object]:
        if name not in declared:
            known = shown(", ".join(sorted(declared)) or "none")
            raise Origin(self.path, _files.line_of(self.text, "dependency-groups")).error(
                f"unknown dependency group '{shown(name)}' (declared: {known})",
                "pick one of the groups in [dependency-groups]",
            )
        entries = table[declared[name]]
        if not isinstance(entries, list):
            raise self.origin(declared[name]).error(
                f"dependency group '{shown(name)}' must be an array", "see PEP 735"
            )
        return entries

    def build_requires(self) -> list[RequirementItem]:
        build_system = self.data.get("build-system")
        if build_system is None:
            self.notes.append(
                f"{self.path}: no [build-system]: pip builds with '{_DEFAULT_BUILD_REQUIRES}'"
            )
            origin = Origin(self.path)
            return [RequirementItem(_files.requirement(_DEFAULT_BUILD_REQUIRES, origin), origin)]
        table = self.table(build_system, "build-system")
        return self.requirements(self.strings(table.get("requires", []), "build-system.requires"))
