"""Command line: arguments -> library calls -> rendering; errors -> exit codes.

Exit codes (documented in the README):
  0  every target installs from wheels
  1  some package needs a build from source
  2  some package is missing, or a target cannot be resolved
  3  bad input (requirement, target, option, file)
  4  the index is unreachable or failing
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from packaging.utils import canonicalize_name
from rich.console import Console
from rich.table import Table

from wheelcast._version import __version__
from wheelcast.check import CheckResult, IndexOptions, check
from wheelcast.doctor import command as doctor_command
from wheelcast.doctor._run import SubprocessRunner
from wheelcast.doctor.diagnose import Build, ForecastHook, Outcome
from wheelcast.doctor.probe import interpreter_target, probe_interpreter
from wheelcast.doctor.toolchains import Toolchains, can_build, find_toolchains
from wheelcast.errors import (
    CacheError,
    IndexError_,
    InputError,
    InvalidOption,
    WheelcastError,
)
from wheelcast.explain import explain
from wheelcast.inputs import parse_requirement, read_requirements_file
from wheelcast.needs import LocalBuild
from wheelcast.report import Reporter
from wheelcast.report.explain import render_json as render_explain_json
from wheelcast.report.explain import render_text as render_explain_text
from wheelcast.report.json import JsonReporter
from wheelcast.report.text import TextReporter
from wheelcast.resolve import Options
from wheelcast.select import BinaryPolicy
from wheelcast.tags import compatible_tags
from wheelcast.targets import (
    DEFAULT_TARGETS,
    PRESETS,
    Python,
    Target,
    host_target,
    marker_environment,
    parse_python,
    parse_target,
)
from wheelcast.verdict import Forecast, Verdict

EXIT_WHEELS, EXIT_BUILD, EXIT_MISSING, EXIT_INPUT, EXIT_INDEX = 0, 1, 2, 3, 4


def exit_status(result: CheckResult) -> int:
    """0 all wheels, 1 something builds, 2 something is missing or unresolvable."""
    return max(
        (exit_status_of(f.packages, resolvable=f.resolvable) for f in result.forecasts),
        default=EXIT_WHEELS,
    )


def exit_status_of(packages: Sequence[Forecast], *, resolvable: bool) -> int:
    """A build that would fail on this machine counts as missing: the install fails."""
    verdicts = {p.verdict for p in packages}
    fails_here = any(p.build is not None and p.build.fails_here for p in packages)
    if not resolvable or Verdict.MISSING in verdicts or fails_here:
        return EXIT_MISSING
    return EXIT_BUILD if Verdict.BUILD in verdicts else EXIT_WHEELS


def error_status(error: WheelcastError) -> int:
    match error:
        case InputError() | CacheError():
            return EXIT_INPUT
        case IndexError_():
            return EXIT_INDEX
        case _:
            return EXIT_INPUT


def parse_exclude_newer(text: str) -> dt.datetime:
    """An RFC 3339 timestamp, or a date meaning midnight UTC at its start."""
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidOption(
            f"invalid --exclude-newer '{text}'",
            "give a date (2023-11-20) or an RFC 3339 timestamp (2023-11-20T00:00:00Z)",
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _names(values: Sequence[str]) -> frozenset[str]:
    names = set()
    for value in values:
        for raw in value.split(","):
            item = raw.strip()
            if item:
                names.add(item if item in (":all:", ":none:") else canonicalize_name(item))
    if ":none:" in names:
        return frozenset()
    return frozenset(names)


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
        runner = SubprocessRunner()
        toolchains = find_toolchains(runner, windows=sys.platform == "win32")
        for path in args.interpreter:
            probe = probe_interpreter(path, runner)
            target = interpreter_target(probe, name=path)
            interpreters.append(target)
            local[target.id] = functools.partial(
                _can_build, toolchains=toolchains, target=target, headers=probe.python_h
            )
    named = resolve_targets(args.targets, args.python) if args.targets or not interpreters else []
    return [*interpreters, *named], local


def _can_build(
    languages: Sequence[str], *, toolchains: Toolchains, target: Target, headers: bool
) -> tuple[bool, str]:
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


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("targets")
    group.add_argument(
        "-t",
        "--target",
        "--python-platform",
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


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad usage; wheelcast's code for bad input is 3."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"wheelcast: error: {message} (see '{self.prog} --help')\n")


def _add_resolution_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("resolution (as pip defines them)")
    group.add_argument(
        "--exclude-newer", metavar="DATE", help="ignore files uploaded after DATE (uv's option)"
    )
    group.add_argument("--pre", action="store_true", help="allow pre-releases")
    group.add_argument("--prefer-binary", action="store_true")
    group.add_argument("--only-binary", action="append", default=[], metavar="NAMES")
    group.add_argument("--no-binary", action="append", default=[], metavar="NAMES")
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


def _options(args: argparse.Namespace) -> Options:
    constraints = [c for path in args.constraint_files for c in read_requirements_file(path)]
    return Options(
        policy=BinaryPolicy(
            only_binary=_names(args.only_binary),
            no_binary=_names(args.no_binary),
            prefer_binary=args.prefer_binary,
        ),
        pre=args.pre,
        exclude_newer=parse_exclude_newer(args.exclude_newer) if args.exclude_newer else None,
        constraints=tuple(constraints),
    )


def _index(args: argparse.Namespace) -> IndexOptions:
    return IndexOptions(
        index_url=args.index_url,
        extra_index_urls=tuple(args.extra_index_url),
        find_links=tuple(args.find_links),
        cache_dir=args.cache_dir,
        offline=args.offline,
        refresh=args.refresh,
        no_index=args.no_index,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wheelcast",
        description="Forecast what pip install will do on every platform, before you run it.",
    )
    parser.add_argument("--version", action="version", version=f"wheelcast {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check_parser = commands.add_parser(
        "check",
        help="forecast requirements on many targets",
        description="Forecast, for each requirement and target: binary wheel, pure wheel,"
        " build from source, or missing.",
    )
    check_parser.add_argument("requirements", nargs="*", metavar="REQUIREMENT")
    check_parser.add_argument(
        "-r",
        "--requirement",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        dest="requirement_files",
    )
    _add_target_options(check_parser)
    _add_index_options(check_parser)
    _add_resolution_options(check_parser)
    output = check_parser.add_argument_group("output")
    output.add_argument("--format", choices=("text", "json"), default="text")
    output.add_argument("-o", "--output", type=Path, help="write the report to FILE")

    explain_parser = commands.add_parser(
        "explain",
        help="one package on one target: every file and why",
        description="Explain what pip install does for one requirement on one target: the"
        " version it picks and why, every file of it, and the nearest versions with a wheel.",
    )
    explain_parser.add_argument("requirement", metavar="NAME[SPEC]")
    _add_target_options(explain_parser)
    _add_index_options(explain_parser)
    _add_resolution_options(explain_parser)
    explain_output = explain_parser.add_argument_group("output")
    explain_output.add_argument("--format", choices=("text", "json"), default="text")

    doctor_command.add_parser(commands)
    _add_index_options(commands.choices["doctor"])

    targets_parser = commands.add_parser(
        "targets", help="list target presets, their first tags and marker values"
    )
    targets_parser.add_argument("-p", "--python", default=None, metavar="X.Y")
    targets_parser.add_argument("--tags", type=int, default=3, help="how many tags to show")
    return parser


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    requirements = [parse_requirement(text) for text in args.requirements]
    for path in args.requirement_files:
        requirements.extend(read_requirements_file(path))
    if not requirements:
        raise InvalidOption(
            "no requirements given",
            "name packages (wheelcast check numpy 'pandas>=2') or pass -r requirements.txt",
        )
    targets, local = command_targets(args)
    result = check(
        requirements,
        targets,
        options=_options(args),
        index=_index(args),
        build_needs=not args.no_build_needs,
        local=local,
    )
    reporter: Reporter = JsonReporter() if args.format == "json" else TextReporter()
    if args.output:
        with args.output.open("w", encoding="utf-8") as handle:
            reporter.render(result, handle)
    else:
        reporter.render(result, out)
    return exit_status(result)


def run_explain(args: argparse.Namespace, out: TextIO) -> int:
    requirement = parse_requirement(args.requirement)
    targets, local = command_targets(args)
    if len(targets) != 1:
        names = ", ".join(t.id for t in targets) if args.targets else "none given"
        raise InvalidOption(
            f"explain takes exactly one target ({names})",
            "pass one --target and at most one --python, e.g. --target win-arm64 --python 3.12",
        )
    explanation = explain(
        requirement,
        targets[0],
        options=_options(args),
        index=_index(args),
        build_needs=not args.no_build_needs,
        local=local.get(targets[0].id),
    )
    if args.format == "json":
        render_explain_json(explanation, out)
    else:
        render_explain_text(explanation, out)
    package = explanation.package
    if package is None:
        return EXIT_WHEELS
    return exit_status_of([package], resolvable=not explanation.errors)


def run_doctor(args: argparse.Namespace, out: TextIO) -> int:
    return doctor_command.run(args, out, forecast=_doctor_forecast(args))


def _doctor_forecast(args: argparse.Namespace) -> ForecastHook:
    """doctor's per-interpreter check: ``check`` with the index options and build needs."""

    def forecast(requirements: Sequence[str], targets: Sequence[Target]) -> list[Outcome]:
        result = check(requirements, targets, index=_index(args))
        return [
            Outcome(
                target=f.target,
                builds=tuple(
                    Build(p.name, p.build.languages if p.build else ())
                    for p in f.with_verdict(Verdict.BUILD)
                ),
                missing=tuple(p.name for p in f.with_verdict(Verdict.MISSING)),
                errors=f.errors,
            )
            for f in result.forecasts
        ]

    return forecast


def run_targets(args: argparse.Namespace, out: TextIO) -> int:
    python = parse_python(args.python) if args.python else host_target().python
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("target", "first tags", "platform_machine", "sys_platform"):
        table.add_column(column)
    for name in ("host", *PRESETS):
        target = parse_target(name, [python])[0]
        env = marker_environment(target)
        tags = ", ".join(str(t) for t in compatible_tags(target)[: args.tags])
        table.add_row(target.id, tags, env["platform_machine"], env["sys_platform"])
    Console(file=out, highlight=False).print(table)
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error already printed
        return exit_.code if isinstance(exit_.code, int) else EXIT_INPUT
    commands: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
        "check": run_check,
        "explain": run_explain,
        "doctor": run_doctor,
        "targets": run_targets,
    }
    try:
        return commands[args.command](args, out)
    except WheelcastError as error:
        print(f"wheelcast: error: {error}", file=sys.stderr)
        return error_status(error)
    except KeyboardInterrupt:
        print("wheelcast: interrupted", file=sys.stderr)
        return 130
