"""The terminal matrix: packages down, targets across, one glyph and colour per verdict."""

from __future__ import annotations

from typing import TextIO

from rich.table import Table
from rich.text import Text

from wheelcast.forecast.check import CheckResult
from wheelcast.forecast.emulation import SideBySide
from wheelcast.forecast.verdict import Forecast, TargetForecast, Verdict
from wheelcast.report.console import LEGEND, STYLE, terminal


def cell(package: Forecast | None) -> Text:
    if package is None:
        return Text("·", style="dim")
    glyph, style = STYLE[package.verdict]
    version = str(package.version) if package.version is not None else ""
    match package.verdict:
        case Verdict.BINARY | Verdict.PURE:
            text = Text(f"{glyph} {version}", style=style)
            if package.skipped_newer is not None:
                text.append(f" ({package.skipped_newer.text})", style="dim")
        case Verdict.BUILD:
            text = _build_cell(Text(f"{glyph} {version} build", style=style), package, style)
        case Verdict.MISSING:
            text = Text(f"{glyph} missing", style=style)
        case Verdict.CONFLICT:
            text = Text(f"{glyph} conflict", style=style)
        case Verdict.DIRECT:
            text = Text(f"{glyph} direct", style=style)
    if package.yanked:
        text.append(" yanked", style="magenta")
    return text


def _build_cell(text: Text, package: Forecast, style: str) -> Text:
    """A build cell's detail: languages and libraries, this machine, the nearest wheel."""
    build = package.build
    if build is not None and build.needs is not None:
        what = ", ".join(build.languages) or "no compiler"
        text.append(f": {what}", style=style)
        libraries = [n.key for n in build.needs.libraries if n.required]
        if libraries and build.languages:
            text.append(f" + {', '.join(libraries)}", style=style)
    if build is not None and build.here is not None:
        ok = build.here[0]
        text.append(
            f" ({'builds here' if ok else 'fails here'})",
            style="green" if ok else "bold red",
        )
    if package.newer_wheel is not None:
        text.append(f" ({package.newer_wheel.version}+ has a wheel)", style="dim")
    elif package.older_wheel is not None:
        text.append(f" ({package.older_wheel.version} has a wheel)", style="dim")
    return text


def summary(forecast: TargetForecast, emulated: SideBySide | None = None) -> Text:
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
    for note in forecast.notes:
        line.append(f"\n  note: {note}", style="dim")
    if emulated is not None:
        line.append(f"\n  {emulated.text}", style="cyan")
    return line


def _names(packages: tuple[Forecast, ...]) -> str:
    return ", ".join(p.name for p in packages)


class TextReporter:
    def __init__(self, *, color: bool | None = None, width: int | None = None) -> None:
        self.color = color
        self.width = width
        self.emulated: dict[str, SideBySide] = {}  # by target id: see summary

    def render(self, result: CheckResult, out: TextIO) -> None:
        console = terminal(out, color=self.color, width=self.width)
        by_target = [{p.name: p for p in f.packages} for f in result.forecasts]
        names = sorted({name for packages in by_target for name in packages})
        table = Table(title=None, show_edge=False, pad_edge=False, box=None, header_style="bold")
        table.add_column("package", no_wrap=True)
        for f in result.forecasts:
            table.add_column(f.target.id, overflow="fold")
        for name in names:
            table.add_row(name, *(cell(packages.get(name)) for packages in by_target))
        console.print(table)
        console.print(Text(LEGEND, style="dim"))
        for f in result.forecasts:
            console.print(summary(f, self.emulated.get(f.target.id)))
