"""The terminal matrix: packages down, targets across, one glyph and colour per verdict.

The table is laid out to fit the console's width without wrapping a cell: each cell is
one line (a glyph, the version, a ``[n]`` footnote mark) and whatever a cell could say
beyond that (what a build needs, why a newer release is passed over) is a numbered line
below the table. When the natural table is too wide, it is made narrower step by step,
each step only if the one before did not fit: the version a row shares across targets
moves to a column of its own; target headers break at the dash (``win`` / ``arm64`` /
``3.12``); targets become letters with a legend; last, long package names are cut.
"""

from __future__ import annotations

import enum
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from wheelcast.forecast.check import CheckResult
from wheelcast.forecast.emulation import SideBySide
from wheelcast.forecast.verdict import Forecast, TargetForecast, Verdict
from wheelcast.inputs import ProjectInput
from wheelcast.report.console import LEGEND, STYLE, terminal

__all__ = [
    "IMPORT_NAMES",
    "PROBLEMS",
    "UNLISTED",
    "Show",
    "TextReporter",
    "cell",
    "details",
    "input_header",
    "summary",
    "unlisted",
]


class Show(enum.Enum):
    """``--show``: which rows the matrix lists."""

    PROBLEMS = "problems"  # a row with a build, missing, direct or conflict somewhere
    ALL = "all"


PROBLEMS = frozenset({Verdict.BUILD, Verdict.MISSING, Verdict.CONFLICT, Verdict.DIRECT})

# verdict.py's closest miss for a project the index has no page (or no file) for.
UNLISTED = "the index lists no files for this project"
# Import names people write as requirements, with the project that installs them: known
# without asking the index (a guess at other spellings would cost a request each). Shown
# only when the index has no such project (some of these names are other projects).
IMPORT_NAMES = {
    "bs4": "beautifulsoup4",
    "crypto": "pycryptodome",
    "cv2": "opencv-python",
    "dateutil": "python-dateutil",
    "docx": "python-docx",
    "dotenv": "python-dotenv",
    "gi": "pygobject",
    "jwt": "pyjwt",
    "magic": "python-magic",
    "pil": "pillow",
    "pptx": "python-pptx",
    "serial": "pyserial",
    "skimage": "scikit-image",
    "usb": "pyusb",
    "win32api": "pywin32",
    "win32com": "pywin32",
    "yaml": "pyyaml",
    "zmq": "pyzmq",
}

_WORD = {Verdict.MISSING: "missing", Verdict.CONFLICT: "conflict", Verdict.DIRECT: "direct"}


def unlisted(package: Forecast) -> str | None:
    """For a project the index does not have: that, and the project of an import name."""
    if package.verdict is not Verdict.MISSING or package.detail != UNLISTED:
        return None
    meant = IMPORT_NAMES.get(package.name)
    if meant:
        return f"not on the index; did you mean {meant}? ({package.name} is its import name)"
    return "not on the index: check the name (-, _ and . are the same to pip)"


def details(package: Forecast, *, verbose: bool = False) -> str:
    """What a cell has to say beyond its glyph and version, as one footnote ("" if nothing)."""
    parts: list[str] = []
    match package.verdict:
        case Verdict.BUILD:
            parts.append(_build_details(package, verbose=verbose))
        case Verdict.BINARY | Verdict.PURE:
            if package.skipped_newer is not None:
                parts.append(package.skipped_newer.text)
        case Verdict.MISSING if (unknown := unlisted(package)) is not None:
            parts.append(unknown)
        case Verdict.MISSING | Verdict.CONFLICT | Verdict.DIRECT:
            if verbose and package.detail:
                parts.append(package.detail)
    if package.yanked:
        parts.append("yanked")
    return "; ".join(p for p in parts if p)


def _build_details(package: Forecast, *, verbose: bool) -> str:
    """Languages and libraries, this machine, the nearest wheel (and with -v the toolchain)."""
    text = "build"
    build = package.build
    if build is not None and build.needs is not None:
        text += f": {', '.join(build.languages) or 'no compiler'}"
        libraries = [n.key for n in build.needs.libraries if n.required]
        if libraries and build.languages:
            text += f" + {', '.join(libraries)}"
    elif verbose and build is not None and build.unknown:
        text += f" (needs unknown: {build.unknown})"
    if build is not None and build.here is not None:
        text += " (builds here)" if build.here[0] else " (fails here)"
    if package.newer_wheel is not None:
        text += f"; {package.newer_wheel.version}+ has a wheel"
    elif package.older_wheel is not None:
        text += f"; {package.older_wheel.version} has a wheel"
    if verbose and build is not None and build.advice:
        text += "; " + "; ".join(build.advice)
    return "" if text == "build" else text  # nothing the glyph does not say


def cell(package: Forecast | None, *, version: bool = True, mark: str = "") -> Text:
    """One line: the glyph, the version (unless the row's version column holds it), the mark."""
    if package is None:
        return Text("·", style="dim")
    glyph, style = STYLE[package.verdict]
    match package.verdict:
        case Verdict.BINARY | Verdict.PURE | Verdict.BUILD:
            shown = str(package.version) if version and package.version is not None else ""
        case Verdict.MISSING | Verdict.CONFLICT | Verdict.DIRECT:
            shown = _WORD[package.verdict] if version else ""
    text = Text(f"{glyph} {shown}".rstrip(), style=style)
    if mark:
        text.append(f" {mark}", style="dim")
    return text


def summary(
    forecast: TargetForecast, emulated: SideBySide | None = None, *, notes: bool = True
) -> Text:
    """One line per target, e.g. ``win-arm64 (cp312): 1 needs a build (numpy), 0 missing``;
    direct references pip builds are counted apart (``1 direct (builds from source: x)``).
    ``emulated``: what the x64 interpreter under emulation installs from wheels instead."""
    target = forecast.target
    builds = forecast.with_verdict(Verdict.BUILD)
    missing = forecast.with_verdict(Verdict.MISSING)
    line = Text(f"{target.name} ({target.python.abi}): ", style="bold")
    needs = "needs" if len(builds) == 1 else "need"
    line.append(
        f"{len(builds)} {needs} a build" + (f" ({_names(builds)})" if builds else ""),
        style="yellow" if builds else "",
    )
    line.append(", ")
    line.append(
        f"{len(missing)} missing" + (f" ({_names(missing)})" if missing else ""),
        style="red" if missing else "",
    )
    conflicts = forecast.with_verdict(Verdict.CONFLICT)
    if conflicts:
        line.append(", ")
        line.append(f"{len(conflicts)} in conflict ({_names(conflicts)})", style="red")
    direct = forecast.with_verdict(Verdict.DIRECT)
    if direct:
        # Counted apart: pip builds them (exit 1) though no index was asked.
        line.append(", ")
        line.append(f"{len(direct)} direct (builds from source: {_names(direct)})", style="magenta")
    wheels = len(forecast.packages) - len(builds) - len(missing) - len(conflicts) - len(direct)
    line.append(f", {wheels} from wheels", style="dim")
    for package in conflicts:
        line.append(f"\n  conflict: {package.detail}", style="red")
    for error in forecast.errors:
        line.append(f"\n  unresolvable: {error}", style="red")
    if notes:
        for note in forecast.notes:
            line.append(f"\n  note: {note}", style="dim")
    if emulated is not None:
        line.append(f"\n  {emulated.text}", style="cyan")
    return line


def _names(packages: tuple[Forecast, ...]) -> str:
    return ", ".join(p.name for p in packages)


class _Headers(enum.Enum):
    TWO_ROWS = "two"  # win-arm64 / 3.12
    THREE_ROWS = "three"  # win / arm64 / 3.12
    LETTERS = "letters"  # A, B, ... with a legend


@dataclass(frozen=True, slots=True)
class _Layout:
    version_column: bool
    headers: _Headers


_LAYOUTS = (
    _Layout(version_column=False, headers=_Headers.TWO_ROWS),
    _Layout(version_column=True, headers=_Headers.TWO_ROWS),
    _Layout(version_column=True, headers=_Headers.THREE_ROWS),
    _Layout(version_column=True, headers=_Headers.LETTERS),
)
_GAP = 2  # rich's padding between two columns (none at the edges)
_PACKAGE_FLOOR = 12  # a cut package name keeps at least this much


def _header(forecast: TargetForecast, headers: _Headers, index: int) -> str:
    name, python = forecast.target.name, forecast.target.python.short
    match headers:
        case _Headers.TWO_ROWS:
            return f"{name}\n{python}"
        case _Headers.THREE_ROWS:
            first, dash, rest = name.partition("-")
            return f"{first}\n{rest}\n{python}" if dash else f"{name}\n\n{python}"
        case _Headers.LETTERS:
            return _letter(index)


def _letter(index: int) -> str:
    # A..Z, then AA, AB, ...: as many as there are targets.
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def _row_version(packages: Sequence[Forecast | None]) -> str:
    """The version most targets of a row take (the first such, on a tie); "" if none."""
    versions = Counter(
        str(p.version)
        for p in packages
        if p is not None and p.version is not None and p.verdict not in _WORD
    )
    return versions.most_common(1)[0][0] if versions else ""


@dataclass(frozen=True, slots=True)
class _Row:
    name: str
    version: str  # shared by most of its targets
    packages: tuple[Forecast | None, ...]
    marks: tuple[str, ...]


class TextReporter:
    """The matrix, its footnotes and one summary line per target.

    ``quiet`` 1 keeps the summary lines only, 2 writes nothing; ``verbose`` adds each
    missing package's closest miss and each build's toolchain advice to the footnotes.
    ``header`` (the input the forecast read) is the first line.
    """

    def __init__(
        self,
        *,
        color: bool | None = None,
        width: int | None = None,
        show: Show = Show.PROBLEMS,
        quiet: int = 0,
        verbose: bool = False,
        header: str = "",
    ) -> None:
        self.color = color
        self.width = width
        self.show = show
        self.quiet = quiet
        self.verbose = verbose
        self.header = header
        self.emulated: dict[str, SideBySide] = {}  # by target id: see summary

    def render(self, result: CheckResult, out: TextIO) -> None:
        if self.quiet >= 2:  # -qq
            return
        console = terminal(out, color=self.color, width=self.width)
        if self.quiet:  # the counts alone: no footnote, note or emulation line
            for f in result.forecasts:
                console.print(summary(f, notes=False))
            return
        if self.header:
            console.print(Text(self.header, style="bold"))
        rows, notes, hidden = self._rows(result)
        if rows:
            self._print_table(console, result.forecasts, rows)
            for text in _packed(LEGEND.split(_SEPARATOR), console.width):
                console.print(Text(text, style="dim"))
        if hidden:
            every = "every target" if len(result.forecasts) > 1 else "its target"
            more = "more " if rows else ""
            console.print(
                Text(f"{hidden} {more}install from wheels on {every} (--show all)", style="dim")
            )
        for number, text in enumerate(notes, 1):
            console.print(Text(f"[{number}] {text}"))
        for f in result.forecasts:
            console.print(summary(f, self.emulated.get(f.target.id), notes=False))
        for note in _distinct_notes(result.forecasts):
            console.print(Text(f"note: {note}", style="dim"))

    def _rows(self, result: CheckResult) -> tuple[list[_Row], list[str], int]:
        """The rows shown, the footnotes their marks number, and how many rows are hidden."""
        by_target = [{p.name: p for p in f.packages} for f in result.forecasts]
        names = sorted({name for packages in by_target for name in packages})
        rows: list[_Row] = []
        notes: dict[str, int] = {}
        hidden = 0
        for name in names:
            packages = tuple(packages.get(name) for packages in by_target)
            problem = any(p is not None and p.verdict in PROBLEMS for p in packages)
            if self.show is Show.PROBLEMS and not problem:
                hidden += 1
                continue
            marks = []
            for package in packages:
                text = details(package, verbose=self.verbose) if package is not None else ""
                if package is None or not text:
                    marks.append("")
                    continue
                version = f" {package.version}" if package.version is not None else ""
                note = f"{name}{version}: {text}"
                number = notes.setdefault(note, len(notes) + 1)
                marks.append(f"[{number}]")
            rows.append(_Row(name, _row_version(packages), packages, tuple(marks)))
        return rows, list(notes), hidden

    def _print_table(
        self, console: Console, forecasts: Sequence[TargetForecast], rows: list[_Row]
    ) -> None:
        width = console.width
        for layout in _LAYOUTS:
            columns = self._columns(forecasts, rows, layout)
            if _width(columns) <= width:
                break
        widths = [_widest(c) for c in columns]
        if _width(columns) > width:
            # Nothing narrower is left but the names: cut them, never a cell.
            widths[0] = min(widths[0], max(_PACKAGE_FLOOR, width - (_width(columns) - widths[0])))
        headers = [header.split("\n") for header, _ in columns]
        for line in range(max(len(h) for h in headers)):
            texts = [Text(h[line] if line < len(h) else "", style="bold") for h in headers]
            console.print(_line(texts, widths), no_wrap=True, overflow="ellipsis")
        for index in range(len(rows)):
            texts = [cells[index] for _, cells in columns]
            console.print(_line(texts, widths), no_wrap=True, overflow="ellipsis")
        if layout.headers is _Headers.LETTERS:
            legend = [f"{_letter(i)} {f.target.id}" for i, f in enumerate(forecasts)]
            for text in _packed(legend, width):
                console.print(Text(text, style="dim"))

    def _columns(
        self, forecasts: Sequence[TargetForecast], rows: list[_Row], layout: _Layout
    ) -> list[tuple[str, list[Text]]]:
        columns: list[tuple[str, list[Text]]] = [("package", [Text(r.name) for r in rows])]
        if layout.version_column:
            columns.append(("version", [Text(r.version) for r in rows]))
        for index, forecast in enumerate(forecasts):
            cells = []
            for row in rows:
                package, mark = row.packages[index], row.marks[index]
                # With a version column, a cell names only a version of its own; a
                # missing package's word is the legend's.
                own = not layout.version_column or (
                    package is not None
                    and package.verdict not in _WORD
                    and str(package.version) != row.version
                )
                cells.append(cell(package, version=own, mark=mark))
            columns.append((_header(forecast, layout.headers, index), cells))
        return columns


_SEPARATOR = "  "


def _packed(items: Sequence[str], width: int) -> list[str]:
    """``items`` joined two spaces apart into lines of ``width``, an item never broken."""
    lines: list[str] = []
    for item in items:
        if lines and cell_len(lines[-1]) + len(_SEPARATOR) + cell_len(item) <= width:
            lines[-1] += _SEPARATOR + item
        else:
            lines.append(item)
    return lines


def _line(texts: list[Text], widths: list[int]) -> Text:
    """One line of the table: each text padded (or cut with an ellipsis) to its column."""
    line = Text()
    for number, (given, width) in enumerate(zip(texts, widths, strict=True)):
        if number:
            line.append(" " * _GAP)
        text = given.copy()
        if text.cell_len > width:
            text.truncate(width, overflow="ellipsis")
        elif number < len(texts) - 1:
            text.pad_right(width - text.cell_len)
        line.append_text(text)
    line.rstrip()
    return line


def _widest(column: tuple[str, list[Text]]) -> int:
    header, cells = column
    lines = [cell_len(line) for line in header.split("\n")]
    return max([*lines, *(c.cell_len for c in cells)])


def _width(columns: list[tuple[str, list[Text]]]) -> int:
    return sum(_widest(c) for c in columns) + _GAP * (len(columns) - 1)


def _distinct_notes(forecasts: Sequence[TargetForecast]) -> list[str]:
    """Each target's notes once, the ones about some targets only naming them."""
    where: dict[str, list[str]] = {}
    for f in forecasts:
        for note in f.notes:
            where.setdefault(note, []).append(f.target.id)
    everywhere = len(forecasts)
    return [
        note if len(ids) == everywhere or everywhere == 1 else f"{', '.join(ids)}: {note}"
        for note, ids in where.items()
    ]


_LISTED = 3  # command-line requirements named one by one up to this many


def input_header(
    inputs: Sequence[ProjectInput],
    *,
    extras: Sequence[str] = (),
    all_extras: bool = False,
    groups: Sequence[str] = (),
    build_deps: bool = False,
) -> str:
    """``input: requirements.txt (12 requirements), numpy (command line); groups: dev``."""
    parts = [_source(i) for i in inputs]
    chosen = []
    if all_extras:
        chosen.append("all extras")
    elif extras:
        chosen.append(f"extras: {', '.join(extras)}")
    if groups:
        chosen.append(f"groups: {', '.join(groups)}")
    if build_deps:
        chosen.append("with [build-system] requires")
    return "input: " + "; ".join([", ".join(parts), *chosen])


def _source(project: ProjectInput) -> str:
    count = len(project.requirements) + len(project.direct)
    match project.kind:
        case "requirements" if project.path == Path("<command line>"):
            items = [str(i.requirement) for i in project.requirements]
            items += [d.url_or_path for d in project.direct]
            if len(items) <= _LISTED:
                return f"{' '.join(items)} (command line)"
            return f"{count} requirements (command line)"
        case "requirements":
            return f"{_shown(project.path)} ({_count(count, 'requirement')})"
        case "pyproject":
            return f"{_shown(project.path)} ({_count(count, 'dependency', 'dependencies')})"
        case "lock":
            root = next(filter(None, (_ROOT.match(n) for n in project.notes)), None)
            shown = f"; {root[1]}" if root else ""
            return (
                f"{_shown(project.path)}"
                f" (lock file, {_count(len(project.locked), 'package')}{shown})"
            )
        case "installed":
            return f"the environment of {project.path} ({_count(count, 'package')})"


# The project a uv.lock's packages are counted from, as inputs/locks.py's note names it.
_ROOT = re.compile(r".*?: (workspace (?:root|member) [^;]+);")


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def _shown(path: Path) -> str:
    """A path under the working folder relative to it, as the user would type it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative
