"""Command line: arguments -> library calls -> rendering; errors -> exit codes.

Exit codes (documented in the README):
  0  every target installs from wheels
  1  some package needs a build from source
  2  some package is missing or in conflict, or a target cannot be resolved
  3  bad input (requirement, target, option, file)
  4  the index is unreachable or failing
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import functools
import importlib
import io
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, assert_never, cast

from wheelcast._version import __version__
from wheelcast.cache.replay import encode, host_pinned, invocation_key
from wheelcast.errors import (
    CacheError,
    IndexError_,
    InputError,
    InvalidOption,
    WheelcastError,
)
from wheelcast.forecast.annotate_builds import LocalBuild
from wheelcast.forecast.check import (
    CheckResult,
    IndexOptions,
    check,
    check_project,
    remembered_pages,
)
from wheelcast.forecast.resolve import Options
from wheelcast.forecast.select import BinaryPolicy
from wheelcast.forecast.verdict import Forecast, Verdict
from wheelcast.index.config import config_files
from wheelcast.index.store import Cache
from wheelcast.inputs import (
    DirectItem,
    IndexSettings,
    Origin,
    ProjectInput,
    RequirementItem,
    load,
    parse_requirement,
    read_installed,
    read_requirements,
)
from wheelcast.inputs.requirements import format_control, names_a_distribution, parse_line
from wheelcast.report import Reporter
from wheelcast.runtime.limits import note_lines, one_line, shown
from wheelcast.runtime.redact import redact_text
from wheelcast.runtime.stdio import DiagnosticStream, ReportStream, output_closed
from wheelcast.runtime.witness import logging_reads
from wheelcast.targets import (
    DEFAULT_TARGETS,
    PRESETS,
    Python,
    Target,
    host_target,
    parse_python,
    parse_target,
)

if TYPE_CHECKING:
    from wheelcast.doctor._run import Runner
    from wheelcast.doctor.diagnose import ForecastHook
    from wheelcast.doctor.toolchains import Toolchains
    from wheelcast.forecast.observe import Observer
    from wheelcast.targets.declared import DeclaredPythons
    from wheelcast.wheelhouse import Wheelhouse

# Each command imports what only it needs (doctor, explain, rich tables) when it runs: a
# check answered from the cache is mostly interpreter start-up and imports.

EXIT_WHEELS, EXIT_BUILD, EXIT_MISSING, EXIT_INPUT, EXIT_INDEX = 0, 1, 2, 3, 4
# A bug in wheelcast, never a forecast: CI must tell a crash from "something builds".
EXIT_INTERNAL = 5
# As a shell reports a program killed by SIGPIPE: the answer was not all delivered.
EXIT_PIPE_CLOSED = 141


# What --fail-on may name, and the exit code each brings when it occurs.
FAIL_ON = {
    "build": EXIT_BUILD,
    "direct": EXIT_BUILD,
    "missing": EXIT_MISSING,
    "conflict": EXIT_MISSING,
    "unresolvable": EXIT_MISSING,
}

# The codes every command shares, after its own 0 to 3.
_COMMON_EXIT_CODES = f"""\
  {EXIT_INDEX}    the index is unreachable or failing (or --offline and not cached)
  {EXIT_INTERNAL}    internal error: a bug in wheelcast (the traceback is kept in a file)
  130  interrupted
  141  the reader of the output went away (as `| head` does): the output is cut short"""
EXIT_CODES_HELP = f"""\
exit codes:
  {EXIT_WHEELS}    every target installs from wheels (or nothing --fail-on names occurred)
  {EXIT_BUILD}    some package needs a build from source, or is a direct reference
  {EXIT_MISSING}    some package is missing or in conflict, a target cannot be resolved,
       or a build would fail on this machine (--interpreter)
  {EXIT_INPUT}    bad input: requirement, target, option or file (or stdout cannot be written)
{_COMMON_EXIT_CODES}"""
DOCTOR_EXIT_CODES_HELP = f"""\
exit codes:
  {EXIT_WHEELS}    every interpreter installs the requirements from wheels (or none given)
  {EXIT_BUILD}    some interpreter needs a build, and each would succeed here
  {EXIT_MISSING}    something is missing or unresolvable, or a build would fail here
  {EXIT_INPUT}    bad input: requirement, option or file (or stdout cannot be written)
{_COMMON_EXIT_CODES}"""


def exit_status(result: CheckResult, fail_on: frozenset[str] = frozenset(FAIL_ON)) -> int:
    """0 all wheels, 1 something builds, 2 something is missing or unresolvable.

    Only what ``fail_on`` names counts (``--fail-on``; by default everything).
    """
    return max(
        (
            exit_status_of(f.packages, resolvable=f.resolvable, fail_on=fail_on)
            for f in result.forecasts
        ),
        default=EXIT_WHEELS,
    )


def exit_status_of(
    packages: Sequence[Forecast],
    *,
    resolvable: bool,
    fail_on: frozenset[str] = frozenset(FAIL_ON),
) -> int:
    """A build that would fail on this machine counts as missing too: the install fails.

    A direct reference counts as a build: pip builds it unless it is a wheel.
    """
    found = set() if resolvable else {"unresolvable"}
    for package in packages:
        match package.verdict:
            case Verdict.BUILD:
                found.add("build")
                if package.build is not None and package.build.fails_here:
                    found.add("missing")
            case Verdict.DIRECT:
                found.add("direct")
            case Verdict.MISSING:
                found.add("missing")
            case Verdict.CONFLICT:
                found.add("conflict")
            case Verdict.BINARY | Verdict.PURE:
                pass
            case unexpected:
                assert_never(unexpected)
    return max((FAIL_ON[kind] for kind in found & fail_on), default=EXIT_WHEELS)


def parse_fail_on(values: Sequence[str]) -> frozenset[str]:
    """``--fail-on build,missing`` (repeatable); none given: everything, as before."""
    names = {item.strip() for value in values for item in value.split(",") if item.strip()}
    unknown = sorted(names - set(FAIL_ON))
    if unknown:
        import difflib  # noqa: PLC0415 - only on a bad command line

        shown = ", ".join(name[:40] for name in unknown[:5])
        near = difflib.get_close_matches(unknown[0], FAIL_ON, n=1, cutoff=0.6)
        raise InvalidOption(
            f"unknown --fail-on value: {shown}",
            (f"did you mean {near[0]}? " if near else "")
            + f"choose among {', '.join(FAIL_ON)}, comma-separated",
        )
    return frozenset(names) if names else frozenset(FAIL_ON)


def error_status(error: WheelcastError) -> int:
    match error:
        case InputError() | CacheError():
            return EXIT_INPUT
        case IndexError_():
            return EXIT_INDEX
        case _:
            return EXIT_INPUT


def parse_exclude_newer(text: str) -> dt.datetime:
    """The cutoff of ``--exclude-newer`` as uv reads it: files uploaded at or after it are out.

    An RFC 3339 timestamp is that instant; a date includes the whole day, so its cutoff is
    midnight at the start of the next day, in this machine's time zone as uv takes it (a
    timestamp without an offset is local time too, as pip's ``--uploaded-prior-to``).
    """
    hint = "give a date (2023-11-20) or an RFC 3339 timestamp (2023-11-20T00:00:00Z)"
    shown = text if len(text) <= 60 else text[:60] + "..."
    try:
        if len(text) == 10 and text[4:5] == "-" and text[7:8] == "-":
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).astimezone()
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise InvalidOption(f"invalid --exclude-newer '{shown}'", hint) from None
    return when if when.tzinfo else when.astimezone()


class _BinaryOption(argparse.Action):
    """``--only-binary`` / ``--no-binary`` into one list, in the order given: pip applies
    them one after the other, so a later option undoes an earlier one for a name."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        given = list(getattr(namespace, self.dest, None) or [])
        given.append((self.const, str(values)))
        setattr(namespace, self.dest, given)


def _binary_options(
    args: argparse.Namespace, settings: IndexSettings
) -> tuple[frozenset[str], frozenset[str]]:
    """pip's FormatControl: the command line's options, then the requirements files'
    (pip parses the files with the finder the command line made)."""
    given = list(getattr(args, "binary_options", None) or [])
    try:
        return format_control([*given, *settings.binary_options])
    except ValueError:
        raise InvalidOption(
            "--no-binary / --only-binary need a value", "e.g. --only-binary=:all:"
        ) from None


def resolve_targets(names: Sequence[str], pythons: Sequence[str]) -> list[Target]:
    parsed_pythons: list[Python] = [parse_python(p) for p in pythons]
    if not parsed_pythons:
        parsed_pythons = [host_target().python]
    targets: list[Target] = []
    for name in names or DEFAULT_TARGETS:
        for target in parse_target(name, parsed_pythons):
            if target not in targets:
                targets.append(target)
    return targets


def command_targets(args: argparse.Namespace) -> tuple[list[Target], dict[str, LocalBuild]]:
    """The targets a command names, and a build check for each real interpreter among them.

    ``--interpreter`` alone checks only those interpreters; with ``--target`` too, both.
    """
    local: dict[str, LocalBuild] = {}
    interpreters: list[Target] = []
    if args.interpreter:
        from wheelcast.doctor._run import SubprocessRunner  # noqa: PLC0415
        from wheelcast.doctor.probe import interpreter_target, probe_interpreter  # noqa: PLC0415
        from wheelcast.doctor.toolchains import find_toolchains  # noqa: PLC0415

        runner = SubprocessRunner()
        toolchains = find_toolchains(runner, windows=sys.platform == "win32")
        for path in args.interpreter:
            probe = probe_interpreter(path, runner)
            target = interpreter_target(probe, name=path)
            interpreters.append(target)
            local[target.id] = functools.partial(
                _can_build, toolchains=toolchains, target=target, headers=probe.python_h
            )
    args.target_notes = [*getattr(args, "target_notes", []), *pin_pythons(args, None)]
    declared, notes = declared_targets(args)
    args.target_notes += notes
    named = (
        resolve_targets(args.targets, args.python)
        if args.targets or not (interpreters or declared)
        else []
    )
    chosen = list(dict.fromkeys([*interpreters, *named, *declared]))
    if getattr(args, "installer", None):
        from wheelcast.targets.installers import parse_installer  # noqa: PLC0415

        installer = parse_installer(args.installer)
        chosen = [dataclasses.replace(t, installer=installer) for t in chosen]
    return chosen, local


def _can_build(
    languages: Sequence[str], *, toolchains: Toolchains, target: Target, headers: bool
) -> tuple[bool, str]:
    from wheelcast.doctor.toolchains import can_build  # noqa: PLC0415

    return can_build(languages, toolchains, target.platform, headers=headers)


def _add_index_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("index")
    group.add_argument("-i", "--index-url", help="base URL of the simple index (pip's default)")
    group.add_argument("--extra-index-url", action="append", default=[], metavar="URL")
    group.add_argument(
        "-f",
        "--find-links",
        action="append",
        default=[],
        metavar="DIR_OR_URL",
        help="a folder or a page of links to distribution files",
    )
    group.add_argument(
        "--no-index", action="store_true", help="use only --find-links, as pip's --no-index"
    )
    group.add_argument("--cache-dir", type=Path, help="where the on-disk cache lives")
    group.add_argument("--offline", action="store_true", help="use only the cache")
    group.add_argument("--refresh", action="store_true", help="revalidate every cached page")
    group.add_argument(
        "--keyring-provider",
        choices=("disabled", "import", "subprocess"),
        default="disabled",
        help="ask a keyring for credentials after a 401, as pip's option (default: disabled)",
    )


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("targets")
    group.add_argument(
        "-t",
        "--target",
        "--python-platform",  # uv's name
        "--platform",  # pip's name: a platform tag (win_arm64, manylinux_2_28_x86_64)
        action="append",
        default=[],
        dest="targets",
        metavar="TARGET",
        help="a preset (win-arm64), platform tag (manylinux_2_17_aarch64), uv triple"
        " (aarch64-pc-windows-msvc) or 'host'; NAME@3.12 sets its Python; repeatable",
    )
    group.add_argument(
        "-p",
        "--python",
        "--python-version",  # pip's and uv's name
        action="append",
        default=[],
        metavar="X.Y",
        help="Python version to check (3.12, 3.13t); repeatable; default: this Python's",
    )
    group.add_argument(
        "--interpreter",
        action="append",
        default=[],
        metavar="PATH",
        help="a real interpreter on this machine as a target (its own tags and markers);"
        " its builds are checked against the compilers found here",
    )
    group.add_argument(
        "--installer",
        default=None,
        metavar="pip==X|uv==Y",
        help="forecast for that pip or uv release: only the wheel tags it knows install"
        " (pip==20.2 has no manylinux_2_x tags)",
    )
    _add_declared_target_options(group)


def _add_declared_target_options(group: argparse._ArgumentGroup) -> None:
    """Targets read from where a project declares them (wheelcast.targets.declared)."""
    group.add_argument(
        "--dockerfile", action="append", default=[], type=Path, metavar="PATH",
        help="the final stage's FROM image as a target (python:3.12-slim: glibc of its"
        " Debian, that CPython; -alpine: musl); repeatable",
    )  # fmt: skip
    group.add_argument(
        "--docker-platform", metavar="OS/ARCH",
        help="docker build --platform for --dockerfile (default linux/amd64; FROM --platform wins)",
    )  # fmt: skip
    group.add_argument(
        "--docker-stage", metavar="NAME",
        help="docker build --target: the stage of --dockerfile to check (default: the last)",
    )  # fmt: skip
    group.add_argument(
        "--docker-build-arg", action="append", default=[], metavar="NAME=VALUE",
        help="docker build --build-arg for --dockerfile: overrides an ARG default; repeatable",
    )  # fmt: skip
    group.add_argument(
        "--github-actions", action="append", default=[], type=Path, metavar="WORKFLOW",
        help="every job's runs-on image crossed with its setup-python versions; repeatable",
    )  # fmt: skip
    group.add_argument(
        "--python-version-file", type=Path, metavar="PATH",
        help="read --python from this .python-version (default: the project folder's,"
        " when no --python is given)",
    )  # fmt: skip


def declared_targets(args: argparse.Namespace) -> tuple[list[Target], list[str]]:
    """The targets of --dockerfile and --github-actions, and the notes saying how each was read.

    The files are read as input files are (capped, witnessed for the replay of an answer).
    """
    if args.docker_platform is not None and not args.dockerfile:
        raise InvalidOption("--docker-platform goes with --dockerfile", "add --dockerfile PATH")
    if args.docker_stage is not None and not args.dockerfile:
        raise InvalidOption("--docker-stage goes with --dockerfile", "add --dockerfile PATH")
    if args.docker_build_arg and not args.dockerfile:
        raise InvalidOption("--docker-build-arg goes with --dockerfile", "add --dockerfile PATH")
    build_args = dict(item.partition("=")[::2] for item in args.docker_build_arg)
    if any("=" not in item for item in args.docker_build_arg):
        raise InvalidOption(
            "--docker-build-arg takes NAME=VALUE", "e.g. --docker-build-arg PYTHON_VERSION=3.12"
        )
    if not args.dockerfile and not args.github_actions:
        return [], []
    from wheelcast.inputs._files import read_text  # noqa: PLC0415
    from wheelcast.targets.declared import dockerfile_targets, workflow_targets  # noqa: PLC0415

    found = [
        dockerfile_targets(
            read_text(path),
            str(path),
            platform=args.docker_platform,
            stage=args.docker_stage,
            build_args=build_args,
        )
        for path in args.dockerfile
    ] + [
        workflow_targets(
            read_text(path), str(path), version_file=functools.partial(_workflow_pins, path)
        )
        for path in args.github_actions
    ]
    targets = list(dict.fromkeys(t for declared in found for t in declared.targets))
    return targets, [note for declared in found for note in declared.notes]


def _workflow_pins(workflow: Path, name: str) -> DeclaredPythons:
    """A setup step's python-version-file, relative to the repository the workflow is in."""
    from wheelcast.inputs._files import read_text  # noqa: PLC0415
    from wheelcast.targets.declared import python_version_pins  # noqa: PLC0415

    root = next((p.parent for p in workflow.parents if p.name == ".github"), Path())
    return python_version_pins(read_text(root / name), str(root / name))


def pin_pythons(args: argparse.Namespace, folder: Path | None) -> list[str]:
    """With no --python (nor --interpreter), the versions ``.python-version`` pins become
    --python: the file --python-version-file names, else the one in ``folder``. The notes
    say so."""
    if getattr(args, "pythons_pinned", False):
        return []
    args.pythons_pinned = True
    if args.python or args.interpreter:
        return []
    if (args.dockerfile or args.github_actions) and not args.targets:
        return []  # every target is declared with its own Python
    from wheelcast.inputs._files import read_text  # noqa: PLC0415
    from wheelcast.runtime.witness import saw_absent  # noqa: PLC0415
    from wheelcast.targets.declared import PYTHON_VERSION_FILES, python_version_pins  # noqa: PLC0415

    path = args.python_version_file
    if path is None:
        base = folder if folder is not None and folder.is_dir() else Path()
        for candidate in (base / name for name in PYTHON_VERSION_FILES):
            if candidate.is_file():
                path = candidate
                break
            saw_absent(candidate)  # its arrival changes the answer
    if path is None:
        return []
    pins = python_version_pins(read_text(path), str(path))
    args.python = [
        ".".join(map(str, p.version)) + ("t" if p.free_threaded else "") for p in pins.pythons
    ]
    said = ", ".join(p.short for p in pins.pythons) or "nothing wheelcast can take"
    return [*pins.notes, f"Python {said} from {path} (pass --python to choose others)"]


def _add_color_option(group: argparse._ActionsContainer) -> None:
    group.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour in text output (auto: on a terminal, unless NO_COLOR is set or"
        " FORCE_COLOR asks for it)",
    )


def _add_verbosity_options(group: argparse._ActionsContainer, *, verbose: bool = True) -> None:
    group.add_argument(
        "-q",
        "--quiet",
        action="count",
        default=0,
        help="text: only the answer (check: its summary lines); -qq: nothing but the exit code",
    )
    if not verbose:
        return
    group.add_argument(
        "-v", "--verbose", action="store_true", help="text: every note and detail, and timing"
    )


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad usage; wheelcast's code for bad input is 3."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        # The top parser reports what a subcommand left over: it needs to know which one.
        self._command: str | None = getattr(parsed, "command", None)
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        command = self._subcommand()
        scope = self if command is None else command
        near = _did_you_mean(scope, message)
        hint = f"did you mean {near}? " if near else _taken_by_others(self, scope, message)
        raise UsageError(message, f"{hint}see '{scope.prog} --help'")

    def _subcommand(self) -> argparse.ArgumentParser | None:
        """The subcommand's parser when this, the top parser, refuses what it left over."""
        name = getattr(self, "_command", None)
        for action in self._actions if name else ():
            if isinstance(action, argparse._SubParsersAction) and name in action.choices:
                return action.choices[name]  # type: ignore[no-any-return]
        return None


def _unrecognized(message: str) -> list[str]:
    """The options in argparse's "unrecognized arguments: ..." message (the word before any =)."""
    if not message.startswith("unrecognized arguments: "):
        return []
    words = message.removeprefix("unrecognized arguments: ").split()
    return [w.partition("=")[0] for w in words if w.startswith("--")]


def _long_options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings if o.startswith("--")}


def _did_you_mean(parser: argparse.ArgumentParser, message: str) -> str | None:
    """The option or choice of ``parser`` closest to the one argparse refused (argparse says
    none before Python 3.14); never one the command does not take."""
    import difflib  # noqa: PLC0415 - only on a bad command line
    import re  # noqa: PLC0415

    if choice := re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message):
        choices = re.findall(r"'([^']*)'", choice[2])
        close = difflib.get_close_matches(choice[1], choices, n=1, cutoff=0.6)
        return close[0] if close else None
    # Compared without the dashes, which every option shares (--bogus is not --verbose).
    options = {o.removeprefix("--"): o for o in _long_options(parser)}
    for word in _unrecognized(message):
        close = difflib.get_close_matches(word.removeprefix("--"), options, n=1, cutoff=0.7)
        if close:
            return options[close[0]]
    return None


def _taken_by_others(
    top: argparse.ArgumentParser, command: argparse.ArgumentParser, message: str
) -> str:
    """For an option given to a command that lacks it, which other commands take it:
    "doctor has no --exclude-newer; check, explain take it; " ("" when none does)."""
    if command is top:
        return ""
    others = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    for word in _unrecognized(message):
        takers = sorted(n for n, p in others.choices.items() if word in _long_options(p))
        if takers:
            name = command.prog.rpartition(" ")[2]
            takes = "takes" if len(takers) == 1 else "take"
            return f"{name} has no {word}; {', '.join(takers)} {takes} it; "
    return ""


class UsageError(InvalidOption):
    """A command line argparse cannot read; raised from the parser, reported by main."""


def _add_resolution_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("resolution (as pip defines them)")
    group.add_argument(
        "--exclude-newer",
        metavar="DATE",
        help="ignore files uploaded after DATE (uv's option: a date includes that whole day)",
    )
    group.add_argument("--pre", action="store_true", help="allow pre-releases")
    group.add_argument("--prefer-binary", action="store_true")
    for flag in ("--only-binary", "--no-binary"):
        group.add_argument(
            flag, action=_BinaryOption, const=flag[2:], dest="binary_options", default=[],
            metavar="NAMES", help="names or :all: / :none:, as pip's; the later option wins",
        )  # fmt: skip
    group.add_argument(
        "--no-build-needs",
        action="store_true",
        help="do not download sdists that would be built to read what their build needs",
    )
    group.add_argument(
        "-c",
        "--constraint",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        dest="constraint_files",
    )


def _options(args: argparse.Namespace, settings: IndexSettings | None = None) -> Options:
    """pip's resolution options from the command line, over those a requirements file set."""
    settings = settings or IndexSettings()
    constraints = [
        item.requirement
        for path in args.constraint_files
        for item in read_requirements(path, constraint=True).constraints
    ]
    only_binary, no_binary = _binary_options(args, settings)
    return Options(
        policy=BinaryPolicy(
            only_binary=only_binary,
            no_binary=no_binary,
            prefer_binary=args.prefer_binary or settings.prefer_binary,
        ),
        pre=args.pre or settings.pre,
        exclude_newer=(
            parse_exclude_newer(args.exclude_newer) if args.exclude_newer is not None else None
        ),
        constraints=tuple(constraints),
    )


def _index(args: argparse.Namespace, settings: IndexSettings | None = None) -> IndexOptions:
    """Index options from the command line, over those a requirements file set."""
    settings = settings or IndexSettings()
    return IndexOptions(
        index_url=args.index_url or settings.index_url,
        extra_index_urls=(*settings.extra_index_urls, *args.extra_index_url),
        find_links=(*settings.find_links, *args.find_links),
        cache_dir=args.cache_dir,
        offline=args.offline,
        refresh=args.refresh,
        no_index=args.no_index or settings.no_index,
        workers=True,  # this program's main module is import-safe
        keyring_provider=getattr(args, "keyring_provider", "disabled"),
    )


# Every report command writes each of these (fix and diagnose: text and json).
REPORT_FORMATS = ("text", "json", "markdown", "html")


def _add_project_options(
    parser: argparse.ArgumentParser, *, installed: bool, build_deps: bool
) -> None:
    """What to read, as check reads it: requirements or a path, -r, extras, groups (and
    where the command takes them, --build-deps and --installed)."""
    parser.add_argument(
        "requirements",
        nargs="*",
        metavar="REQUIREMENT_OR_PATH",
        help="PEP 508 requirements, or a project folder, requirements file, pyproject.toml"
        " or lock file (default: the current folder)",
    )
    parser.add_argument(
        "-r", "--requirement", action="append", default=[], type=Path, metavar="FILE",
        dest="requirement_files",
    )  # fmt: skip
    project = parser.add_argument_group("project")
    project.add_argument(
        "--extra", action="append", default=[], metavar="NAME",
        help="an optional-dependencies extra to include; repeatable",
    )  # fmt: skip
    project.add_argument("--all-extras", action="store_true")
    project.add_argument(
        "--group", action="append", default=[], metavar="NAME",
        help="a PEP 735 dependency group to include; repeatable",
    )  # fmt: skip
    if build_deps:
        project.add_argument(
            "--build-deps", action="store_true",
            help="check pyproject's [build-system] requires too",
        )  # fmt: skip
    else:
        parser.set_defaults(build_deps=False)
    if installed:
        project.add_argument(
            "--installed", nargs="?", const=sys.executable, metavar="PYTHON",
            help="check what is installed in PYTHON's environment (default: this one)",
        )  # fmt: skip
    else:
        parser.set_defaults(installed=None)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wheelcast",
        description="Forecast what pip install will do on every platform, before you run it.",
    )
    parser.add_argument("--version", action="version", version=f"wheelcast {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check_parser = commands.add_parser(
        "check",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="forecast requirements on many targets",
        description="Forecast, for each requirement and target: binary wheel, pure wheel,"
        " build from source, or missing.",
    )
    _add_project_options(check_parser, installed=True, build_deps=True)
    _add_target_options(check_parser)
    _add_index_options(check_parser)
    _add_resolution_options(check_parser)
    output = check_parser.add_argument_group("output")
    output.add_argument("--format", choices=REPORT_FORMATS, default="text")
    _add_color_option(output)
    output.add_argument("-o", "--output", type=Path, help="write the report to FILE")
    output.add_argument(
        "--fail-on",
        action="append",
        default=[],
        metavar="KINDS",
        help=f"exit non-zero only for these, comma-separated: {', '.join(FAIL_ON)} (default: all)",
    )
    _add_verbosity_options(output)
    output.add_argument(
        "--show",
        choices=("problems", "all"),
        default=None,  # problems in a terminal, all in Markdown
        help="the table's rows: those with a build, missing, direct or conflict on some"
        " target (default; Markdown: all), or every package",
    )

    explain_parser = commands.add_parser(
        "explain",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="one package on one target: every file and why",
        description="Explain what pip install does for one requirement on one target: the"
        " version it picks and why, every file of it, and the nearest versions with a wheel.",
    )
    explain_parser.add_argument("requirement", metavar="NAME[SPEC]")
    _add_target_options(explain_parser)
    _add_index_options(explain_parser)
    _add_resolution_options(explain_parser)
    explain_output = explain_parser.add_argument_group("output")
    explain_output.add_argument("--format", choices=REPORT_FORMATS, default="text")
    _add_color_option(explain_output)
    explain_output.add_argument("-o", "--output", type=Path, help="write the report to FILE")
    _add_verbosity_options(explain_output, verbose=False)  # after the others in --help

    doctor_parser = commands.add_parser(
        "doctor",
        help="list this machine's interpreters and build toolchains",
        description="Every interpreter found (PATH, pyenv, uv, conda, venv, py launcher)"
        "\nwith its tags and markers, and the compilers and build tools present; given"
        "\nrequirements, which interpreters install them from wheels and which would"
        "\nbuild from source, and fail for want of a compiler.",  # kept as broken: raw formatter
        epilog=DOCTOR_EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    doctor_parser.add_argument("requirements", nargs="*", metavar="REQUIREMENT")
    doctor_parser.add_argument("--format", choices=REPORT_FORMATS, default="text")
    _add_color_option(doctor_parser)
    doctor_parser.add_argument("-o", "--output", type=Path, help="write the report to FILE")
    doctor_parser.add_argument(
        "-v", "--verbose", action="store_true", help="every tag and marker value (text)"
    )
    _add_index_options(doctor_parser)

    _add_diagnose_parser(commands)
    _add_fix_parser(commands)
    _add_wheelhouse_parser(commands)
    _add_scan_parser(commands)

    targets_parser = commands.add_parser(
        "targets", help="list target presets, their first tags and marker values"
    )
    targets_parser.add_argument("-p", "--python", default=None, metavar="X.Y")
    targets_parser.add_argument("--tags", type=int, default=3, help="how many tags to show")
    targets_parser.add_argument("--format", choices=("text", "json"), default="text")
    _add_color_option(targets_parser)
    return parser


def run_check(
    args: argparse.Namespace, out: TextIO, command_line: Sequence[str] | None = None
) -> int:
    """``check``; with ``command_line``, an answer that may be replayed is stored for it."""
    environ = dict(os.environ)  # as the command found it (its key), before anything runs
    fail_on = parse_fail_on(args.fail_on)
    _html_destination(args, out)
    with logging_reads() as reads:
        reads.observe("folder", os.getcwd())
        for path in config_files():  # read for the default index URL during the run
            reads.observe("file", str(path))
        sources = project_inputs(args)
        project = sources[0] if len(sources) == 1 else _merge(sources)
        if not (project.requirements or project.direct or project.locked):
            raise InvalidOption(
                f"nothing to check in {project.path}"
                if args.requirements
                else "no requirements given",
                "name packages (wheelcast check numpy 'pandas>=2'), a file or folder"
                " (wheelcast check requirements.txt), or -r requirements.txt",
            )
        args.target_notes = pin_pythons(
            args, project.path.parent if project.path.is_file() else project.path
        )
        if not args.python and project.pythons and not args.interpreter:
            args.python = list(project.pythons)
        options = _options(args, project.settings)
        index = _index(args, project.settings)
        targets, local = command_targets(args)  # reads --dockerfile and --github-actions
    build_needs = not args.no_build_needs
    started = time.monotonic()
    with progress_line(args) as progress:
        result = check_project(
            project,
            targets,
            options=options,
            index=index,
            build_needs=build_needs,
            local=local,
            progress=progress,
        )
    if args.verbose:
        packages = len({p.name for f in result.forecasts for p in f.packages})
        seconds = time.monotonic() - started
        sys.stderr.write(
            f"wheelcast: {packages} packages on {len(targets)} targets in {seconds:.1f} s\n"
        )
    reporter = _check_reporter(args, sources)
    emulated = _emulated_beside(reporter, result, project, options, index)
    writes = _report(reporter, result, args.output, out)
    notes = "" if args.quiet else _say_notes((*project.notes, *args.target_notes))
    status = exit_status(result, fail_on)
    replayable = (
        command_line is not None
        and writes is not None
        and not local  # this machine's compilers are not witnessed
        and not args.installed  # nor an environment's packages
        and not project.direct  # nor a local path's contents
        and not emulated  # nor the x64 targets' pages, read beside the check
        and (host_pinned() or all(t.id != "host" for t in targets))
    )
    if replayable:
        pages = remembered_pages(
            project, targets, options=options, index=index, build_needs=build_needs
        )
        if pages is not None:
            answer = ((writes or ()), notes, status)
            stored = encode(
                answer, reads.observations, offline=index.offline, refresh=index.refresh
            )
            key = invocation_key(command_line or (), environ, os.getcwd())
            with contextlib.suppress(CacheError), Cache(index.cache_dir) as cache:
                # Only a shortcut for next time: the answer is given already.
                cache.put_result(key, stored, pages)
    return status


def _say_notes(notes: Sequence[str]) -> str:
    """The notes on stderr: each once, capped, credentials in a URL masked (as errors are);
    what was said (a stored answer replays it)."""
    said = redact_text(note_lines(notes))
    sys.stderr.write(said)
    return said


def _check_reporter(args: argparse.Namespace, sources: Sequence[ProjectInput]) -> Reporter:
    """``check``'s reporter: the text one told what to show (-q, -v, --show, the input);
    Markdown and HTML name the input too."""
    from wheelcast.report.check_text import Show, TextReporter, input_header  # noqa: PLC0415
    from wheelcast.report.console import color_wanted  # noqa: PLC0415

    header = input_header(
        sources,
        extras=args.extra,
        all_extras=args.all_extras,
        groups=args.group,
        build_deps=args.build_deps,
    )
    if args.format == "markdown":
        from wheelcast.report.check_markdown import MarkdownReporter  # noqa: PLC0415

        # A summary lists every package; --show problems keeps a PR comment to the few.
        return MarkdownReporter(header=header, show_all=args.show != "problems")
    if args.format == "html":
        from wheelcast.report.check_html import HtmlReporter  # noqa: PLC0415

        return HtmlReporter(header=header)
    if args.format != "text":
        return _reporter(args.format, args.color)
    return TextReporter(
        color=color_wanted(args.color),
        show=Show(args.show or "problems"),
        quiet=args.quiet,
        verbose=args.verbose,
        header=header,
    )


@contextlib.contextmanager
def progress_line(args: argparse.Namespace, *, wanted: bool = True) -> Iterator[Observer | None]:
    """A progress line on stderr, for the text format on a terminal only (not with -q)."""
    quiet = getattr(args, "quiet", 0)
    if not wanted or args.format != "text" or quiet or not sys.stderr.isatty():
        yield None
        return
    from wheelcast.report.console import color_wanted  # noqa: PLC0415
    from wheelcast.report.progress import ProgressLine  # noqa: PLC0415

    with ProgressLine(sys.stderr, color=color_wanted(args.color)) as line:
        yield line


def _emulated_beside(
    reporter: Reporter,
    result: CheckResult,
    project: ProjectInput,
    options: Options,
    index: IndexOptions,
) -> bool:
    """Give a text report what the x64 interpreter under emulation installs beside each
    Windows on Arm target that builds; whether there was any."""
    from wheelcast.report.check_text import TextReporter  # noqa: PLC0415

    if not isinstance(reporter, TextReporter):
        return False
    from wheelcast.forecast.emulation import emulations  # noqa: PLC0415

    try:
        reporter.emulated = emulations(result, project, options=options, index=index)
    except WheelcastError:
        return False  # a line beside the answer, never a reason to fail it (--offline, say)
    return bool(reporter.emulated)


def _report(
    reporter: Reporter, result: CheckResult, output: Path | None, out: TextIO
) -> tuple[tuple[str, str], ...] | None:
    """Write the report; what was written where, or None when it went to a terminal."""
    if output is None and out.isatty():
        # Colour and width for this screen: not stored (``out`` masks credentials).
        reporter.render(result, out)
        return None
    # For a file or a pipe the report does not depend on where it goes.
    buffer = io.StringIO()
    reporter.render(result, buffer)
    text = redact_text(buffer.getvalue())  # a requirement's URL is quoted as typed
    if output is None:
        out.write(text)
        return (("", text),)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidOption(
            f"cannot write the report to {output}: {exc.strerror}",
            "check that its folder exists and is writable",
        ) from None
    return ((os.path.abspath(output), text),)


def project_input(args: argparse.Namespace) -> ProjectInput:
    """What ``check`` was asked about: requirement strings, files, folders, an environment.

    A path argument is read as its kind (folder, lock file, pyproject, requirements); a
    lock file is checked on its own; with nothing given, the current folder.
    """
    inputs = project_inputs(args)
    return inputs[0] if len(inputs) == 1 else _merge(inputs)


def project_inputs(args: argparse.Namespace) -> list[ProjectInput]:
    """:func:`project_input`'s inputs, one per file, folder or environment, before merging."""
    selection = {
        "extras": tuple(args.extra),
        "all_extras": args.all_extras,
        "groups": tuple(args.group),
        "build_deps": args.build_deps,
    }
    inputs: list[ProjectInput] = []
    strings: list[RequirementItem] = []
    direct: list[DirectItem] = []
    command_line = Origin(Path("<command line>"))
    for text in args.requirements:
        if names_a_distribution(text):
            # A wheel or sdist by URL or path, as pip takes it: a direct reference.
            item = parse_line(text, command_line)
            if isinstance(item, DirectItem):
                direct.append(item)
            else:
                strings.append(item)
        elif _looks_like_path(text):
            inputs.append(load(Path(text), **selection))
        else:
            strings.append(RequirementItem(parse_requirement(text), command_line))
    inputs += [read_requirements(path) for path in args.requirement_files]
    if args.installed:
        inputs.append(read_installed(args.installed))
    if not inputs and not strings and not direct:
        inputs.append(load(None, **selection))
    if strings or direct:
        inputs.append(
            ProjectInput("requirements", command_line.path, tuple(strings), direct=tuple(direct))
        )
    locks = [i for i in inputs if i.kind == "lock"]
    if locks and len(inputs) > 1:
        raise InvalidOption(
            f"a lock file is checked on its own: {locks[0].path}",
            "run wheelcast check LOCKFILE alone; a lock already pins every package",
        )
    return inputs


def _looks_like_path(text: str) -> bool:
    # A requirement never contains a path separator outside "name @ url"; files exist.
    if " @ " in text:
        return False
    if "/" in text or os.sep in text:
        return True
    try:
        return Path(text).exists()
    except (OSError, ValueError):  # too long a name, or a NUL: a requirement, not a file
        return False


def _merge(inputs: Sequence[ProjectInput]) -> ProjectInput:
    first = inputs[0]
    return dataclasses.replace(
        first,
        requirements=tuple(r for i in inputs for r in i.requirements),
        constraints=tuple(c for i in inputs for c in i.constraints),
        direct=tuple(d for i in inputs for d in i.direct),
        settings=functools.reduce(_merge_settings, (i.settings for i in inputs)),
        pythons=next((i.pythons for i in inputs if i.pythons), ()),
        notes=tuple(n for i in inputs for n in i.notes),
    )


def _merge_settings(a: IndexSettings, b: IndexSettings) -> IndexSettings:
    # Each file's binary options after the one before, as pip reads them one after another.
    only_binary, no_binary = format_control(b.binary_options, a.only_binary, a.no_binary)
    return IndexSettings(
        index_url=b.index_url or a.index_url,
        extra_index_urls=a.extra_index_urls + b.extra_index_urls,
        find_links=a.find_links + b.find_links,
        no_index=a.no_index or b.no_index,
        only_binary=only_binary,
        no_binary=no_binary,
        binary_options=a.binary_options + b.binary_options,
        prefer_binary=a.prefer_binary or b.prefer_binary,
        pre=a.pre or b.pre,
        require_hashes=a.require_hashes or b.require_hashes,
        hashes=a.hashes + b.hashes,
    )


def _reporter(kind: str, color: str = "auto") -> Reporter:
    if kind == "html":
        from wheelcast.report.check_html import HtmlReporter  # noqa: PLC0415

        return HtmlReporter()
    if kind == "json":
        from wheelcast.report.check_json import JsonReporter  # noqa: PLC0415

        return JsonReporter()
    if kind == "markdown":
        from wheelcast.report.check_markdown import MarkdownReporter  # noqa: PLC0415

        return MarkdownReporter()
    from wheelcast.report.check_text import TextReporter  # noqa: PLC0415
    from wheelcast.report.console import color_wanted  # noqa: PLC0415

    return TextReporter(color=color_wanted(color))


def _html_destination(args: argparse.Namespace, out: TextIO) -> None:
    """An HTML report goes to ``-o FILE`` or to a pipe (``> report.html``), never a screen;
    ``-o FILE`` of any format goes into a folder that exists.

    Checked before the run, so a long check does not end in a page of markup on a terminal,
    nor in an error after it.
    """
    if args.format == "html" and args.output is None and out.isatty():
        raise InvalidOption(
            "--format html writes a file, not a terminal page",
            "add -o report.html (or redirect: > report.html)",
        )
    if args.output is not None and not args.output.parent.is_dir():
        raise InvalidOption(
            f"cannot write the report to {args.output}: no such folder {args.output.parent}",
            "check that its folder exists and is writable",
        )


def _renderer(
    command: str, value: object, args: argparse.Namespace, **text_options: object
) -> Callable[[TextIO], None]:
    """What writes ``value`` in ``--format``: ``report/<command>_<format>.py``'s
    ``render_<format>`` (the text one also told the colour and ``text_options``)."""

    def render(stream: TextIO) -> None:
        module = importlib.import_module(f"wheelcast.report.{command}_{args.format}")
        write = getattr(module, f"render_{args.format}")
        if args.format == "text":
            from wheelcast.report.console import color_wanted  # noqa: PLC0415

            write(value, stream, color=color_wanted(args.color), **text_options)
        else:
            write(value, stream)

    return render


def _write_report(render: Callable[[TextIO], None], output: Path | None, out: TextIO) -> None:
    """``render`` into ``output`` (one error line when it cannot be written), else ``out``;
    credentials in a URL the user typed are masked in either, as in check's report."""
    if output is None:
        render(out)  # a ReportStream: it masks them
        return
    buffer = io.StringIO()
    render(buffer)
    try:
        output.write_text(redact_text(buffer.getvalue()), encoding="utf-8")
    except OSError as exc:
        raise InvalidOption(
            f"cannot write the report to {output}: {exc.strerror}",
            "check that its folder exists and is writable",
        ) from None


def run_explain(args: argparse.Namespace, out: TextIO) -> int:
    direct = names_a_distribution(args.requirement)
    requirement = None if direct else parse_requirement(args.requirement)
    if requirement is None or requirement.url:
        raise InvalidOption(
            f"explain lists an index's files: '{args.requirement}' is a direct reference",
            "run wheelcast check on it: a direct wheel is judged by its tags there",
        )
    targets, local = command_targets(args)
    _say_notes(args.target_notes)
    if len(targets) != 1:
        names = ", ".join(t.id for t in targets) if args.targets else "none given"
        raise InvalidOption(
            f"explain takes exactly one target ({names})",
            "pass one --target and at most one --python, e.g. --target win-arm64 --python 3.12",
        )
    _html_destination(args, out)
    from wheelcast.forecast.explanation import explain  # noqa: PLC0415

    with progress_line(args) as progress:
        explanation = explain(
            requirement,
            targets[0],
            options=_options(args),
            index=_index(args),
            build_needs=not args.no_build_needs,
            local=local.get(targets[0].id),
            progress=progress,
        )
    _write_report(_renderer("explain", explanation, args, quiet=args.quiet), args.output, out)
    package = explanation.package
    if package is None:
        return EXIT_WHEELS
    return exit_status_of([package], resolvable=not explanation.errors)


def run_doctor(
    args: argparse.Namespace,
    out: TextIO,
    *,
    forecast: ForecastHook | None = None,
    runner: Runner | None = None,
) -> int:
    """Run ``wheelcast doctor``: the report, rendered, and its exit status
    (:func:`wheelcast.doctor.diagnose.exit_status`). ``forecast`` is the per-interpreter
    check of the requirements (by default ``check`` with this command's index options)."""
    # Loaded only for doctor: the other commands never pay for its probes or renderers.
    from wheelcast.doctor.diagnose import diagnose, exit_status  # noqa: PLC0415

    _html_destination(args, out)
    with progress_line(args, wanted=bool(args.requirements)) as progress:
        hook = forecast if forecast is not None else _doctor_forecast(args, progress)
        report = diagnose(args.requirements, runner=runner, forecast=hook)
    _write_report(_renderer("doctor", report, args, verbose=args.verbose), args.output, out)
    return exit_status(report)


def _doctor_forecast(args: argparse.Namespace, progress: Observer | None = None) -> ForecastHook:
    """doctor's per-interpreter check: ``check`` with the index options and build needs."""

    from wheelcast.doctor.diagnose import Build, Outcome  # noqa: PLC0415

    def forecast(requirements: Sequence[str], targets: Sequence[Target]) -> list[Outcome]:
        result = check(requirements, targets, index=_index(args), progress=progress)
        return [
            Outcome(
                target=f.target,
                builds=tuple(
                    Build(p.name, p.build.languages if p.build else ())
                    for p in f.with_verdict(Verdict.BUILD)
                ),
                missing=tuple(
                    p.name
                    for p in (*f.with_verdict(Verdict.MISSING), *f.with_verdict(Verdict.CONFLICT))
                ),
                errors=f.errors,
            )
            for f in result.forecasts
        ]

    return forecast


def run_diagnose(args: argparse.Namespace, out: TextIO) -> int:
    from wheelcast.failure_log import NothingRecognised, diagnose, read_log_input  # noqa: PLC0415

    options = Options(
        exclude_newer=(
            parse_exclude_newer(args.exclude_newer) if args.exclude_newer is not None else None
        )
    )
    text = read_log_input(args.log)
    try:
        diagnosis = diagnose(text, target=args.log_target, options=options, index=_index(args))
    except NothingRecognised as error:
        shown = "standard input" if args.log == "-" else args.log
        raise NothingRecognised(f"{shown}: {error.message}", error.hint) from None
    if args.format == "json":
        from wheelcast.report.diagnose_json import render_json  # noqa: PLC0415

        out.write(render_json(diagnosis))
    else:
        from wheelcast.report.diagnose_text import render_text  # noqa: PLC0415

        out.write(render_text(diagnosis))
    return 0


def _add_diagnose_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    diagnose_parser = commands.add_parser(
        "diagnose",
        help="what a failed pip/uv install log means, and what would install instead",
        description="Read the output of a failed pip install or uv pip install: the package"
        " built from which sdist, on which interpreter and platform, the missing tool, why no"
        " wheel fit (forecast again), and the fix.",
    )
    diagnose_parser.add_argument("log", metavar="LOG", help="the log file, or - for stdin")
    diagnose_parser.add_argument(
        "-t", "--target", dest="log_target", metavar="TARGET",
        help="the target (win-arm64@3.12) when the log does not show it, or shows it wrongly",
    )  # fmt: skip
    diagnose_parser.add_argument(
        "--exclude-newer", metavar="DATE", help="forecast as of DATE (when the install failed)"
    )
    diagnose_parser.add_argument("--format", choices=("text", "json"), default="text")
    _add_index_options(diagnose_parser)


def _add_fix_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    fix_parser = commands.add_parser(
        "fix",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="what to change so that every target installs from wheels",
        description="Resolve again with wheels required and propose the smallest change:"
        " raise or lower a pin, name the requirement that blocks, and for what still"
        " builds the alternatives (another Python, x64 emulation, an extra index, the"
        " toolchain); the changes are re-checked. The exit code is the re-check's.",
    )
    _add_project_options(fix_parser, installed=False, build_deps=True)
    _add_target_options(fix_parser)
    _add_index_options(fix_parser)
    _add_resolution_options(fix_parser)
    fix_parser.add_argument(
        "--try-index", action="append", default=[], metavar="URL",
        help="an extra index to try for what no change of versions fixes; repeatable",
    )  # fmt: skip
    output = fix_parser.add_argument_group("output")
    output.add_argument("--format", choices=("text", "json"), default="text")
    _add_color_option(output)
    output.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write the constraints file to FILE"
    )


def run_fix(args: argparse.Namespace, out: TextIO) -> int:
    from wheelcast.forecast.fix import fix_project  # noqa: PLC0415
    from wheelcast.report.fix_json import render_json  # noqa: PLC0415
    from wheelcast.report.fix_text import render_text  # noqa: PLC0415

    project = project_input(args)
    if not (project.requirements or project.locked) and project.direct:
        # pip builds a direct reference from its source, whatever the index holds.
        names = ", ".join(shown(d.name or d.url_or_path) for d in project.direct)
        raise InvalidOption(
            f"nothing to fix: {names}: a direct reference, which pip builds from its URL or path",
            "name the package without '@ URL' for fix to find a release with a wheel;"
            " wheelcast check says what its build needs",
        )
    if not (project.requirements or project.locked):
        raise InvalidOption(
            f"nothing to fix in {project.path}" if args.requirements else "no requirements given",
            "name packages (wheelcast fix numpy), a file or folder, or -r requirements.txt",
        )
    if not args.python and project.pythons and not args.interpreter:
        args.python = list(project.pythons)
    options = _options(args, project.settings)
    index = _index(args, project.settings)
    targets, _ = command_targets(args)
    result = fix_project(
        project,
        targets,
        options=options,
        index=index,
        try_indexes=tuple(args.try_index),
        build_needs=not args.no_build_needs,
    )
    if args.output is not None:
        try:
            args.output.write_text(redact_text(result.constraints_text()), encoding="utf-8")
        except OSError as exc:
            raise InvalidOption(
                f"cannot write the constraints to {args.output}: {exc.strerror}",
                "check that its folder exists and is writable",
            ) from None
    if args.format == "json":
        render_json(result, out)
    else:
        render_text(result, out, constraints_path=str(args.output) if args.output else None)
    return exit_status(result.after)


def run_targets(args: argparse.Namespace, out: TextIO) -> int:
    from wheelcast.report.targets_text import render_text  # noqa: PLC0415

    if args.tags < 0:  # a slice would take it as "all but the last"
        raise InvalidOption(f"--tags {args.tags}: not a count", "give 0 or more, e.g. --tags 3")
    # -p '' is refused as any bad version is, not read as "no -p" (the host's Python).
    python = parse_python(args.python) if args.python is not None else host_target().python
    targets = [parse_target(name, [python])[0] for name in ("host", *PRESETS)]
    from wheelcast.report.console import color_wanted  # noqa: PLC0415

    if args.format == "json":
        from wheelcast.report.targets_json import render_json  # noqa: PLC0415

        render_json(targets, out, tags=args.tags)
        return 0
    render_text(targets, out, tags=args.tags, color=color_wanted(args.color))
    return 0


def _add_wheelhouse_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    parser = commands.add_parser(
        "wheelhouse",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="fetch (and for this machine build) every file a target needs, for an offline install",
        description="Download, per target, the files the forecast picked into DIR/TARGET,"
        " each checked against the index's sha256 (files already there and intact are kept),"
        " and write manifest.json, requirements.txt and constraints.txt. For a target that is"
        " this machine (host, --interpreter) every sdist is built into a wheel with an isolated"
        " PEP 517 build: this RUNS THE SDISTS' BUILD CODE, the only wheelcast command that"
        " executes third-party code.",
    )
    _add_project_options(parser, installed=False, build_deps=False)
    parser.add_argument("-d", "--dest", type=Path, default=Path("wheelhouse"), metavar="DIR",
                        help="the wheelhouse folder (default: ./wheelhouse)")  # fmt: skip
    _add_target_options(parser)
    _add_index_options(parser)
    _add_resolution_options(parser)
    output = parser.add_argument_group("output")
    output.add_argument("--format", choices=("text", "json"), default="text")
    _add_color_option(output)


def run_wheelhouse(args: argparse.Namespace, out: TextIO) -> int:
    """``wheelhouse``: check, then fetch into one folder per target, then build here."""
    project = project_input(args)
    if not (project.requirements or project.direct or project.locked):
        raise InvalidOption(
            "no requirements given",
            "name packages, a file or folder, or -r requirements.txt, as for check",
        )
    if not args.python and project.pythons and not args.interpreter:
        args.python = list(project.pythons)
    if not args.targets and not args.interpreter:
        args.targets = ["host"]  # a wheelhouse for every default target is rarely meant
    options = _options(args, project.settings)
    index = _index(args, project.settings)
    targets, local = command_targets(args)
    interpreters = dict(zip((t.id for t in targets), args.interpreter, strict=False))
    running = host_target()
    for target in targets:
        if target.name == "host" and target.python == running.python:
            interpreters[target.id] = sys.executable
            local.setdefault(target.id, _host_build_check(target))
    with progress_line(args) as checking:
        result = check_project(
            project, targets, options=options, index=index,
            build_needs=not args.no_build_needs, local=local, progress=checking,
        )  # fmt: skip
    from wheelcast.report.console import color_wanted  # noqa: PLC0415
    from wheelcast.report.wheelhouse_json import render_json, write_manifest  # noqa: PLC0415
    from wheelcast.report.wheelhouse_text import BarProgress, render_text  # noqa: PLC0415
    from wheelcast.wheelhouse import make_wheelhouse  # noqa: PLC0415

    color = color_wanted(args.color)
    # As check's line: for the text report on a terminal only (JSON readers get none).
    drawn = args.format == "text" and sys.stderr.isatty()
    progress = BarProgress(sys.stderr, color=color) if drawn else None
    house = make_wheelhouse(
        result, project, args.dest, index=index, interpreters=interpreters, progress=progress
    )
    write_manifest(house)
    if args.format == "json":
        render_json(house, out)
    else:
        render_text(house, out, color=color)
    _say_notes(project.notes)
    return _wheelhouse_status(house)


def _add_scan_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    parser = commands.add_parser(
        "scan",
        help="wheel coverage of the most-downloaded projects per target, month by month",
        description="For each project, target and Python: the verdict of the version pip would"
        " have taken at each month's end (from the files' upload times on its index page, each"
        " project alone), the date it first shipped a fitting wheel and its last sdist-only"
        " version. Stored in a DuckDB file, computed by the SQL shipped in wheelcast/scan/sql."
        " A second run asks only whether each page changed (conditional requests) and"
        " decodes only those that did; an interrupted run resumes.",
    )
    which = parser.add_argument_group("projects")
    which.add_argument(
        "--top",
        type=int,
        default=None,
        metavar="N",
        help="the N most-downloaded projects of the list (default: 100 of the shipped"
        " list, all of a --projects list)",
    )
    which.add_argument(
        "--projects",
        type=Path,
        metavar="FILE",
        help="a CSV list with a 'project' column (and 'rank', 'download_count');"
        " default: the top 5000 wheelcast ships",
    )
    which.add_argument(
        "-r",
        "--requirement",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        dest="requirement_files",
        help="scan the projects a requirements file names",
    )
    group = parser.add_argument_group("targets")
    group.add_argument(
        "-t",
        "--target",
        action="append",
        default=[],
        dest="targets",
        metavar="TARGET",
        help="as for check; repeatable (default: presets)",
    )
    group.add_argument(
        "-p",
        "--python",
        action="append",
        default=[],
        metavar="X.Y",
        help="repeatable; default: this Python's",
    )
    group.add_argument(
        "--since", default="2020-01", metavar="YYYY-MM", help="the first month (default: 2020-01)"
    )
    group.add_argument(
        "--until", default=None, metavar="YYYY-MM", help="the last month (default: this month)"
    )
    _add_index_options(parser)
    run = parser.add_argument_group("run and output")
    run.add_argument(
        "--db",
        type=Path,
        default=Path("wheelcast-scan.duckdb"),
        metavar="FILE",
        help="the scan database (default: ./wheelcast-scan.duckdb)",
    )
    run.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=8,
        metavar="N",
        help="pages asked for at once, at most 32 (default: 8)",
    )
    run.add_argument(
        "--export",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="write the monthly verdicts to a .csv, .json or .parquet file",
    )
    run.add_argument(
        "--html", type=Path, metavar="FILE", help="write a self-contained HTML dashboard"
    )


def _scan_month(option: str, text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").replace(tzinfo=dt.UTC).date()
    except ValueError:
        raise InvalidOption(
            f"{option} {text!r}: not a month", "write it as YYYY-MM, e.g. 2020-01"
        ) from None


def run_scan(args: argparse.Namespace, out: TextIO) -> int:
    """``scan``: read the projects' pages into the database, compute, render."""
    import asyncio  # noqa: PLC0415

    from wheelcast.index.sources import build_source  # noqa: PLC0415
    from wheelcast.report.scan_text import ScanProgress, render_text  # noqa: PLC0415
    from wheelcast.scan import project_list  # noqa: PLC0415
    from wheelcast.scan.coverage_db import EXPORT_FORMATS, ScanDatabase  # noqa: PLC0415
    from wheelcast.scan.history import month_starts  # noqa: PLC0415
    from wheelcast.scan.survey import SurveyCounts, survey  # noqa: PLC0415
    from wheelcast.scan.tally import tally  # noqa: PLC0415

    if not 1 <= args.jobs <= 32:
        raise InvalidOption(f"--jobs {args.jobs}: must be from 1 to 32", "e.g. --jobs 8")
    for path in args.export:
        if path.suffix.lower() not in EXPORT_FORMATS:
            raise InvalidOption(
                f"--export {path}: unknown format", "name a .csv, .json or .parquet file"
            )
    since = _scan_month("--since", args.since)
    until = _scan_month("--until", args.until) if args.until else dt.datetime.now(dt.UTC).date()
    if until < since:
        raise InvalidOption(f"--until {args.until}: before --since {args.since}", "swap them")
    if args.requirement_files:
        if args.top is not None or args.projects is not None:
            raise InvalidOption("-r with --top or --projects", "give one list of projects")
        projects = project_list.requirement_projects(args.requirement_files)
    else:
        listed = (
            project_list.read_project_list(args.projects) if args.projects
            else project_list.shipped_projects()
        )  # fmt: skip
        where = str(args.projects) if args.projects else "the shipped list"
        # A list the user made is theirs whole; the shipped one is cut to a first look.
        count = args.top if args.top is not None or args.projects else 100
        projects = project_list.top(listed, count, where)
    targets = resolve_targets(args.targets, args.python)
    source = build_source(
        args.index_url, args.extra_index_url, args.find_links, args.cache_dir,
        offline=args.offline, refresh=args.refresh, no_index=args.no_index,
    )  # fmt: skip
    progress = ScanProgress(sys.stderr) if sys.stderr.isatty() else None

    async def scan() -> SurveyCounts:
        try:
            return await survey(projects, source, db, jobs=args.jobs, progress=progress)
        finally:
            await source.aclose()

    with ScanDatabase(args.db) as db:
        try:
            counts = asyncio.run(scan())
        finally:
            if progress is not None:
                progress.close()
        db.set_targets(targets, month_starts(since, until))
        db.compute()
        for path in args.export:
            db.export(path)
        summary = tally(db)
    if args.html:
        from wheelcast.report.scan_html import render_html  # noqa: PLC0415

        _write_report(functools.partial(render_html, summary), args.html, out)
    render_text(summary, counts, out)
    return EXIT_WHEELS


def _host_build_check(target: Target) -> LocalBuild:
    import sysconfig  # noqa: PLC0415

    from wheelcast.doctor._run import SubprocessRunner  # noqa: PLC0415
    from wheelcast.doctor.toolchains import find_toolchains  # noqa: PLC0415

    toolchains = find_toolchains(SubprocessRunner(), windows=sys.platform == "win32")
    headers = Path(sysconfig.get_paths()["include"], "Python.h").is_file()
    return functools.partial(_can_build, toolchains=toolchains, target=target, headers=headers)


def _wheelhouse_status(house: Wheelhouse) -> int:
    """2: a package has no file (or its build failed here); 1: an sdist is left to build."""
    status = EXIT_WHEELS
    for target in house.targets:
        if (
            not target.resolvable
            or any(b.wheel is None for b in target.builds)
            or any(s.verdict != "direct" for s in target.skipped)
        ):
            return EXIT_MISSING
        if target.sdists_left or target.skipped:
            status = EXIT_BUILD
    return status


def _fewer_malloc_arenas() -> None:
    """Ask glibc for at most two malloc arenas (as MALLOC_ARENA_MAX=2 would).

    A run's threads (resolvers, the read-ahead, sdist readers) each got an arena of
    their own, and memory freed in one is not reused by another: about 25 MB of a
    six-target run's peak. Elsewhere (musl, macOS, Windows) there is nothing to do.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # noqa: PLC0415 - Linux only

    try:
        # The running program's symbols, libc's among them (no library search).
        mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    except OSError:
        return
    if mallopt is not None:
        mallopt(-8, 2)  # M_ARENA_MAX


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """The command: the report to ``out`` (standard output), notes and errors to stderr.

    Whatever the two streams are attached to (a closed pipe, ``>&-``, a full disk), a
    failed write is one error line or dropped, never a traceback (``runtime.stdio``).
    """
    stderr = sys.stderr
    sys.stderr = cast("TextIO", DiagnosticStream(stderr))
    try:
        report = cast("TextIO", ReportStream(out if out is not None else sys.stdout))
        return _main(list(sys.argv[1:] if argv is None else argv), report)
    finally:
        sys.stderr = stderr


def _main(argv: list[str], out: TextIO) -> int:
    _fewer_malloc_arenas()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help or --version, already printed
        return exit_.code if isinstance(exit_.code, int) else EXIT_INPUT
    except UsageError as error:
        return _failed(error, EXIT_INPUT, out, json_wanted=_asks_json(argv))
    commands: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
        "check": functools.partial(run_check, command_line=argv),
        "explain": run_explain,
        "doctor": run_doctor,
        "diagnose": run_diagnose,
        "fix": run_fix,
        "targets": run_targets,
        "wheelhouse": run_wheelhouse,
        "scan": run_scan,
    }
    json_wanted = getattr(args, "format", None) == "json"
    try:
        # ``out`` masks credentials in all a command writes (fix quoted a --try-index URL whole).
        status = commands[args.command](args, out)
        out.flush()  # a full disk says so now, as an error line, not at the exit
    except WheelcastError as error:
        return _failed(error, error_status(error), out, json_wanted=json_wanted)
    except KeyboardInterrupt:
        print("wheelcast: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the last resort: one line, not a traceback
        return _internal_error(error, out, json_wanted=json_wanted)
    return status


def _internal_error(error: Exception, out: TextIO, *, json_wanted: bool) -> int:
    if isinstance(error, BrokenPipeError) and output_closed(out):
        return EXIT_PIPE_CLOSED  # `| head` read what it wanted: not a bug, nothing to say
    line = report_internal_error(error)
    if json_wanted:
        _write_error_document(out, "internal-error", line, "", EXIT_INTERNAL)
    return EXIT_INTERNAL


def _asks_json(argv: Sequence[str]) -> bool:
    """Whether a command line argparse could not read still asked for ``--format json``."""
    pairs = zip(argv, [*argv[1:], ""], strict=True)
    return any(a == "--format=json" or (a == "--format" and b == "json") for a, b in pairs)


def _failed(error: WheelcastError, status: int, out: TextIO, *, json_wanted: bool) -> int:
    """One line on stderr; with ``--format json``, the error as a document on stdout too."""
    print(one_line(redact_text(f"wheelcast: error: {error}")), file=sys.stderr)
    if json_wanted:
        message, hint = one_line(redact_text(error.message)), redact_text(error.hint)
        _write_error_document(out, error.reference, message, hint, status)
    return status


def _write_error_document(out: TextIO, kind: str, message: str, hint: str, status: int) -> None:
    # CI parsing the report finds a document either way: the forecast, or why there is none.
    import json  # noqa: PLC0415 - only on an error

    document = {
        "schema": "wheelcast.error/1",
        "wheelcast": __version__,
        "error": {"kind": kind, "message": message, "hint": hint, "exit_code": status},
    }
    # The output that failed (closed, full, its reader gone) cannot take this either: the
    # line on stderr and the exit status say it.
    with contextlib.suppress(WheelcastError, OSError):
        out.write(json.dumps(document, indent=2) + "\n")
        out.flush()


def report_internal_error(error: BaseException) -> str:
    """One line on stderr naming the error, with its traceback kept in a file; the line."""
    import tempfile  # noqa: PLC0415 - only after a crash
    import traceback  # noqa: PLC0415

    text = "".join(traceback.format_exception(error))
    try:
        fd, path = tempfile.mkstemp(prefix="wheelcast-internal-error-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(f"wheelcast {__version__}, Python {sys.version.split()[0]}\n")
            # A URL typed with its token is quoted, as anywhere else, without it.
            file.write(redact_text(f"command: wheelcast {' '.join(sys.argv[1:])}\n\n{text}"))
        where = f"the traceback is in {path}"
    except OSError:
        where = "the traceback could not be written to a file"
    summary = redact_text(f"{type(error).__name__}: {error}")
    if len(summary) > 300:
        summary = summary[:300] + "..."
    line = (
        f"internal error: {summary} (hint: this is a bug in wheelcast, not in"
        f" your input; please report it with the file: {where})"
    )
    print(f"wheelcast: {line}", file=sys.stderr)
    return line
