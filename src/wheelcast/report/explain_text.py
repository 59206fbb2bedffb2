"""How ``wheelcast explain`` shows one package on one target in a terminal."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from wheelcast.forecast.explanation import Explanation, FileVerdict, PlatformGap
from wheelcast.forecast.verdict import BuildInfo, Forecast, NearbyWheel
from wheelcast.report.check_text import unlisted
from wheelcast.report.console import STYLE, terminal
from wheelcast.sdist import BuildNeeds
from wheelcast.sdist.libraries import library


def gap_text(name: str, gap: PlatformGap) -> str:
    """The platform as the reason: "no grpcio release has a wheel for win_arm64; ..."."""
    if gap.after_cutoff is not None:
        text = (
            f"no {name} release before the --exclude-newer cutoff has a wheel for"
            f" {gap.platform} (the first, {gap.after_cutoff}, came after it)"
        )
    else:
        text = f"no {name} release has a wheel for {gap.platform}"
    if gap.nearest:
        shown = ", ".join(gap.nearest[:3])
        more = f" and {len(gap.nearest) - 3} more" if len(gap.nearest) > 3 else ""
        text += f"; the nearest platform wheels are {shown}{more} ({name} {gap.version})"
    return text


def _nearby_text(label: str, wheel: NearbyWheel | None) -> Text:
    line = Text(f"  {label}: ", style="bold")
    if wheel is None:
        line.append("none", style="dim")
        return line
    line.append(str(wheel.version), style="green")
    if wheel.upload_time:
        line.append(f" (uploaded {wheel.upload_time})", style="dim")
    if not wheel.satisfies:
        line.append(" — outside your requirement", style="yellow")
    return line


def target_tag(explanation: Explanation) -> str:
    """The target's own interpreter-platform pair, as users read it: cp312-win_arm64."""
    target = explanation.target
    return f"{target.python.abi}-{target.platform.tag}"


def _file_lines(files: tuple[FileVerdict, ...]) -> list[Text]:
    """One line a file: lines, not a table, so long wheel names never wrap mid-name."""
    lines = []
    for verdict in files:
        if verdict.fits:
            line = Text("→ " if verdict.chosen else "✓ ", style="green")
            line.append(verdict.file.filename)
            why = (
                f"fits: {verdict.tag} (tag rank {verdict.priority})"
                if verdict.tag
                else "fits: sdist (a build)"
            )
            line.append(f"  {why}", style="green")
            if verdict.chosen:
                line.append("  ← pip's pick", style="bold")
        else:
            line = Text("✗ ", style="red")
            line.append(verdict.file.filename)
            reason = verdict.reason.label if verdict.reason else ""
            line.append(f"  {reason}: {verdict.detail}", style="dim")
        lines.append(line)
    return lines


def _print_conditional(console: Console, needs: BuildNeeds) -> None:
    """Languages a default build leaves out, and the system libraries it looks for."""
    for language, when, why in needs.optional:
        console.print(f"  optional: {language} ({when}), not used by a default build")
        console.print(Text(f"    {language}: {why}", style="dim"))
    for language, oses, why in needs.only_on:
        if language not in needs.languages:
            console.print(f"  on {oses.replace(',', ', ')} only: {language}")
            console.print(Text(f"    {language}: {why}", style="dim"))
    for need in needs.libraries:
        kind = "" if need.required else " (optional: used when found)"
        console.print(f"  system library: {library(need.key).name}{kind}")
        console.print(Text(f"    {need.evidence}", style="dim"))


def _print_build(console: Console, build: BuildInfo) -> None:
    console.print(Text("Building it from source needs:", style="bold"))
    needs = build.needs
    if needs is None:
        console.print(f"  unknown: {build.unknown}")
    else:
        languages = ", ".join(needs.languages) or "no compiler (pure Python)"
        console.print(f"  build backend: {needs.backend} ({needs.build_backend})")
        console.print(f"  languages: {languages}")
        for language, why in needs.evidence:
            console.print(Text(f"    {language}: {why}", style="dim"))
        _print_conditional(console, needs)
        if needs.tools:
            console.print(f"  build tools: {', '.join(needs.tools)}")
        for note in needs.notes:
            console.print(Text(f"  note: {note}", style="dim"))
    for line in build.advice:
        console.print(f"  install: {line}")
    if build.here is not None:
        ok, detail = build.here
        console.print(Text(f"  here: {detail}", style="green" if ok else "bold red"))


def render_text(
    explanation: Explanation,
    out: TextIO,
    *,
    width: int | None = None,
    color: bool | None = None,
    quiet: int = 0,
) -> None:
    """The explanation; ``quiet`` 1: its first lines only (what pip picks), 2: nothing."""
    if quiet >= 2:  # -qq
        return
    console = terminal(out, color=color, width=width)
    target = explanation.target
    console.print(
        Text(f"{explanation.requirement} on {target.id} ({target.platform.tag})", style="bold")
    )
    package = explanation.package
    if package is None:
        console.print(explanation.why)
        return
    glyph, style = STYLE[package.verdict]
    headline = Text(f"{glyph} ", style=style)
    gap = explanation.platform_gap
    if package.version is None:
        # With no release for the platform, the closest file is no near miss: say so.
        why = unlisted(package) or (gap_text(explanation.name, gap) if gap else package.detail)
        headline.append(f"{explanation.name}: nothing installs here ({why})")
    else:
        chosen = package.file.filename if package.file else "?"
        headline.append(f"pip picks {explanation.name} {package.version}: {chosen}")
        headline.append(f"  [{package.verdict.value}]", style=style)
    console.print(headline)
    if quiet:
        return
    if explanation.installer_refusal is not None:  # before the gap: a wheel is there
        console.print(f"  the wheel for this target is refused: {explanation.installer_refusal}")
    elif gap is not None and package.version is not None:
        console.print(f"  {gap_text(explanation.name, gap)}")
    elif explanation.other_platforms and package.version is not None:
        first_tag = target_tag(explanation)
        console.print(
            f"  {explanation.name} {package.version} has no wheel for {first_tag};"
            f" its wheels for this Python are for {', '.join(explanation.other_platforms)}"
        )
    console.print(Text(f"  {explanation.why}", style="dim"))
    if explanation.files:
        console.print(Text(f"Files of {explanation.name} {package.version}:", style="bold"))
        for line in _file_lines(explanation.files):
            console.print(line, overflow="ignore", crop=False, soft_wrap=True)
    if explanation.skipped:
        console.print(Text("Newer versions pip passes over:", style="bold"))
        for run in explanation.skipped:
            versions = (
                str(run.newest)
                if run.count == 1
                else f"{run.oldest} … {run.newest} ({run.count} versions)"
            )
            console.print(f"  {versions}: {run.why}")
    console.print(Text("Versions with a wheel for this target:", style="bold"))
    console.print(_nearby_text("newest older", explanation.older_wheel))
    console.print(_nearby_text("oldest newer", explanation.newer_wheel))
    console.print(_nearby_text("first ever", explanation.first_wheel))
    _print_advice(console, explanation, package)


def _print_advice(console: Console, explanation: Explanation, package: Forecast) -> None:
    if package.build is not None:
        _print_build(console, package.build)
    if package.facts:
        console.print(Text("Known facts:", style="bold"))
        for fact in package.facts:
            console.print(f"  {fact}")
    if explanation.emulation:
        console.print(Text("Alternative:", style="bold"))
        console.print(f"  {explanation.emulation}")
    for error in explanation.errors:
        console.print(Text(f"unresolvable: {error}", style="red"))
    for note in explanation.notes:
        console.print(Text(f"note: {note}", style="dim"))
