"""The check matrix as GitHub Markdown: a table, a summary per target, folded details.

Made for ``$GITHUB_STEP_SUMMARY`` and pull-request comments, so the whole stays under
:data:`~wheelcast.report.shared_markdown.MAX_CHARS`. When it would not, details go first
(from the last), then the rows of packages that install from wheels on every target, then
other rows; a line says what was left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from wheelcast.forecast.check import CheckResult
from wheelcast.forecast.verdict import BuildInfo, Forecast, NearbyWheel, TargetForecast, Verdict
from wheelcast.report.check_text import unlisted
from wheelcast.report.console import LEGEND, STYLE
from wheelcast.report.shared_markdown import (
    MAX_CHARS,
    VERDICT_WORD,
    code,
    details,
    escape,
    inline,
    summary_text,
    table,
)
from wheelcast.sdist.libraries import install_line, library
from wheelcast.targets import Platform

__all__ = ["MarkdownReporter", "build_lines", "detail_block", "markdown", "render_markdown"]

_WHEELS = frozenset({Verdict.BINARY, Verdict.PURE})
# Names listed in a summary cell before "and N more".
_NAMES_SHOWN = 8


def cell(package: Forecast | None) -> str:
    """Glyph and word, so the table reads without colour: ``▲ 1.26.2 build``."""
    if package is None:
        return "· not needed"
    glyph, _ = STYLE[package.verdict]
    word = VERDICT_WORD[package.verdict]
    version = f" {escape(str(package.version))}" if package.version is not None else ""
    match package.verdict:
        case Verdict.BINARY | Verdict.PURE | Verdict.BUILD:
            text = f"{glyph}{version} {word}"
        case Verdict.MISSING | Verdict.CONFLICT | Verdict.DIRECT:
            text = f"{glyph} {word}"
    if package.build is not None and package.build.here is not None:
        text += " (builds here)" if package.build.here[0] else " (fails here)"
    if package.yanked:
        text += " yanked"
    return text


def _names(packages: tuple[Forecast, ...]) -> str:
    shown = ", ".join(escape(p.name) for p in packages[:_NAMES_SHOWN])
    more = len(packages) - _NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _count(packages: tuple[Forecast, ...]) -> str:
    return f"{len(packages)} ({_names(packages)})" if packages else "0"


def _verdict_of(forecast: TargetForecast) -> str:
    """The worst outcome on the target, in words, as the exit code ranks it."""
    if not forecast.resolvable or forecast.with_verdict(Verdict.MISSING):
        return f"{STYLE[Verdict.MISSING][0]} fails"
    if forecast.with_verdict(Verdict.CONFLICT):
        return f"{STYLE[Verdict.CONFLICT][0]} fails"
    if forecast.with_verdict(Verdict.BUILD) or forecast.with_verdict(Verdict.DIRECT):
        return f"{STYLE[Verdict.BUILD][0]} builds from source"
    return f"{STYLE[Verdict.BINARY][0]} wheels only"


def summary_lines(result: CheckResult) -> list[str]:
    """A row per target, then its unresolvable errors and notes as a list."""
    rows = []
    for f in result.forecasts:
        wheels = sum(1 for p in f.packages if p.verdict in _WHEELS)
        target = f.target
        rows.append(
            [
                escape(target.id),
                code(f"{target.python.abi}-{target.platform.tag}", cell=True),
                str(wheels),
                _count(f.with_verdict(Verdict.BUILD)),
                _count(f.with_verdict(Verdict.MISSING)),
                _count(f.with_verdict(Verdict.CONFLICT)),
                _count(f.with_verdict(Verdict.DIRECT)),
                _verdict_of(f),
            ]
        )
    header = ["target", "tags", "wheels", "build", "missing", "conflict", "direct", "result"]
    lines = table(header, rows)
    extra = [
        f"- **{escape(f.target.id)}** {kind}: {escape(text)}"
        for f in result.forecasts
        for kind, texts in (("unresolvable", f.errors), ("note", f.notes))
        for text in texts
    ]
    return [*lines, *(["", *extra] if extra else [])]


def _nearby(label: str, wheel: NearbyWheel | None) -> str | None:
    if wheel is None:
        return None
    text = f"{label} {escape(str(wheel.version))}"
    if wheel.upload_time:
        text += f" (uploaded {escape(wheel.upload_time)})"
    if not wheel.satisfies:
        text += ", outside your requirement"
    return text


def build_lines(build: BuildInfo, platform: Platform) -> list[str]:
    needs = build.needs
    lines = []
    if needs is None:
        lines.append(f"- **build needs**: unknown ({escape(build.unknown)})")
    else:
        lines.append(f"- **build backend**: {escape(needs.backend)} ({code(needs.build_backend)})")
        languages = ", ".join(needs.languages) or "no compiler (pure Python)"
        lines.append(f"- **languages**: {escape(languages)}")
        lines += [f"  - {escape(lang)}: {escape(why)}" for lang, why in needs.evidence]
        if needs.tools:
            lines.append(f"- **build tools**: {escape(', '.join(needs.tools))}")
        for need in needs.libraries:
            entry = library(need.key)
            kind = "required" if need.required else "optional: used when found"
            lines.append(
                f"- **system library**: {escape(entry.name)} ({kind});"
                f" {inline(install_line(entry, platform))}"
            )
        for language, when, _ in needs.optional:
            lines.append(f"- **optional**: {escape(language)} ({escape(when)})")
        lines += [f"- **note**: {escape(note)}" for note in needs.notes]
    lines += [f"- **install**: {inline(line)}" for line in build.advice]
    if build.here is not None:
        ok, detail = build.here
        lines.append(f"- **{'builds' if ok else 'fails'} here**: {escape(detail)}")
    return lines


def detail_block(package: Forecast, forecast: TargetForecast, cutoff: str = "") -> str:
    """What a build, missing, conflict or direct cell means: files, reasons, what to do."""
    target = forecast.target
    version = f" {package.version}" if package.version is not None else ""
    what = {
        Verdict.BUILD: "builds from the sdist",
        Verdict.MISSING: "nothing installs",
        Verdict.CONFLICT: "requirements in conflict",
        Verdict.DIRECT: "direct reference, built from source",
    }.get(package.verdict, VERDICT_WORD[package.verdict])
    summary = summary_text(package.verdict, f"{package.name}{version} on {target.id}: {what}")
    body = []
    if package.file is not None:
        body.append(f"- **file**: {code(package.file.filename)}")
    if package.detail:
        label = "why no wheel" if package.verdict is Verdict.BUILD else "why"
        body.append(f"- **{label}**: {escape(unlisted(package) or package.detail)}")
    body += [f"- **conflict**: {escape(side)}" for side in package.conflict]
    nearby = [
        text
        for text in (
            _nearby("newest older:", package.older_wheel),
            _nearby("oldest newer:", package.newer_wheel),
        )
        if text
    ]
    if nearby:
        body.append(f"- **nearest wheels**: {'; '.join(nearby)}")
    if package.build is not None:
        body += build_lines(package.build, target.platform)
    body += [f"- **fact**: {escape(fact)}" for fact in package.facts]
    if package.required_by:
        body.append(f"- **required by**: {escape(', '.join(package.required_by))}")
    explain = f"wheelcast explain {package.name} --target {target.id}"
    explain += f" --exclude-newer {cutoff}" if cutoff else ""
    body.append(f"- **explain**: {code(explain)}")
    return details(summary, body)


@dataclass(frozen=True, slots=True)
class _Row:
    text: str  # the table line, newline included
    wheels_only: bool  # from wheels (or not needed) on every target


def _rows(result: CheckResult) -> list[_Row]:
    by_target = [{p.name: p for p in f.packages} for f in result.forecasts]
    names = sorted({name for packages in by_target for name in packages})
    rows = []
    for name in names:
        cells = [packages.get(name) for packages in by_target]
        line = "| " + " | ".join([escape(name), *(cell(c) for c in cells)]) + " |\n"
        wheels = all(c is None or c.verdict in _WHEELS for c in cells)
        rows.append(_Row(line, wheels))
    return rows


_REQUIREMENTS_LISTED = 12


def _details(result: CheckResult) -> list[str]:
    cutoff = result.exclude_newer.isoformat() if result.exclude_newer else ""
    return [
        detail_block(package, f, cutoff)
        for f in result.forecasts
        for package in sorted(f.packages, key=lambda p: p.name)
        if package.verdict not in _WHEELS
    ]


def _head(result: CheckResult, header: str = "") -> str:
    """The heading, the input (``header``, as the terminal's first line says it) and the
    requirements, the cutoff."""
    # A file of 500 requirements would spend a tenth of the comment naming them.
    shown = result.requirements[:_REQUIREMENTS_LISTED]
    more = len(result.requirements) - len(shown)
    requirements = ", ".join(code(str(r)) for r in shown) or "none"
    if more > 0:
        requirements += f" and {more} more"
    count = len(result.forecasts)
    targets = f"{count} target{'s' if count != 1 else ''}"
    lines = ["## wheelcast check", ""]
    if header:  # a lock file has no requirements of its own: the input says what was read
        lines.append(f"Input: {escape(header.removeprefix('input: '))}; {targets}.")
        if result.requirements:
            lines.append(f"Requirements: {requirements}.")
    else:
        lines.append(f"Requirements: {requirements}; {targets}.")
    if result.exclude_newer is not None:
        lines.append(f"Files uploaded before {escape(result.exclude_newer.isoformat())} only.")
    return "\n".join(lines) + "\n\n"


def render_markdown(
    result: CheckResult,
    out: TextIO,
    *,
    limit: int = MAX_CHARS,
    header: str = "",
    show_all: bool = True,
) -> None:
    out.write(markdown(result, limit=limit, header=header, show_all=show_all))


def markdown(
    result: CheckResult, *, limit: int = MAX_CHARS, header: str = "", show_all: bool = True
) -> str:
    """The report, at most ``limit`` characters long (see the module's docstring); ``header``
    names the input (``input: uv.lock (lock file, 29 packages)``); without ``show_all``
    (``--show problems``) the rows that install from wheels everywhere are counted only."""
    head = _head(result, header)
    header = "\n".join(table(["package", *(escape(f.target.id) for f in result.forecasts)], []))
    rows = _rows(result)
    tail = f"\n{escape(LEGEND)}\n\n### Summary\n\n" + "\n".join(summary_lines(result)) + "\n"
    hidden = 0 if show_all else sum(r.wheels_only for r in rows)
    if hidden:
        rows = [r for r in rows if not r.wheels_only]
        every = "every target" if len(result.forecasts) > 1 else "its target"
        more = "more " if rows else ""
        tail = f"\n_{hidden} {more}install from wheels on {every} (--show all)._\n" + tail
    blocks = _details(result)

    def compose(kept_rows: list[_Row], kept_blocks: list[str], left_out: str) -> str:
        matrix = header + "\n" + "".join(r.text for r in kept_rows)
        body = head + matrix + tail
        if kept_blocks:
            body += _DETAILS + "\n".join(kept_blocks)
        if left_out:
            body += f"\n_{left_out}_\n"
        return body

    # Sizes add up, so what to leave out is counted, not rendered again and again.
    size = len(compose([], [], "")) + sum(len(r.text) for r in rows)
    if blocks:  # the heading, and the blocks one line apart
        size += len(_DETAILS) + sum(len(b) for b in blocks) + len(blocks) - 1
    kept_blocks = len(blocks)
    wheel_rows = [i for i, r in enumerate(rows) if r.wheels_only]
    other_rows = [i for i, r in enumerate(rows) if not r.wheels_only]
    dropped: set[int] = set()
    dropped_wheels = dropped_rows = 0
    note = ""
    while size + (len(note) + 4 if note else 0) > limit:  # note: \n_..._\n
        if kept_blocks:
            kept_blocks -= 1
            size -= len(blocks[kept_blocks]) + (1 if kept_blocks else len(_DETAILS))
        elif wheel_rows or other_rows:
            index = wheel_rows.pop() if wheel_rows else other_rows.pop()
            if rows[index].wheels_only:
                dropped_wheels += 1
            else:
                dropped_rows += 1
            dropped.add(index)
            size -= len(rows[index].text)
        else:
            break  # nothing left to drop: the head and the summary alone are that long
        note = _left_out(len(blocks) - kept_blocks, dropped_wheels, dropped_rows, limit)
    kept = [r for i, r in enumerate(rows) if i not in dropped]
    return compose(kept, blocks[:kept_blocks], note)


_DETAILS = "\n### Details\n\n"


def _left_out(blocks: int, wheels: int, rows: int, limit: int) -> str:
    parts = []
    if blocks:
        parts.append(f"{blocks} of the details")
    if wheels:
        parts.append(f"{wheels} rows of packages that install from wheels everywhere")
    if rows:
        parts.append(f"{rows} more rows")
    return (
        f"Left out to stay under {limit:,} characters: {', '.join(parts)}."
        " Run wheelcast check with --format json or text for the whole forecast."
    )


class MarkdownReporter:
    def __init__(self, *, limit: int = MAX_CHARS, header: str = "", show_all: bool = True) -> None:
        self.limit = limit
        self.header = header
        self.show_all = show_all

    def render(self, result: CheckResult, out: TextIO) -> None:
        render_markdown(result, out, limit=self.limit, header=self.header, show_all=self.show_all)
