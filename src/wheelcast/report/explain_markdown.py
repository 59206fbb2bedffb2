"""``wheelcast explain`` as GitHub Markdown: the pick, a table of files, what to do.

Reads the same :class:`~wheelcast.forecast.explanation.Explanation` as the text and JSON
renderers. Over :data:`~wheelcast.report.shared_markdown.MAX_CHARS`, the file rows go from
the last (the farthest misses) and a line says how many.
"""

from __future__ import annotations

from typing import TextIO

from wheelcast.forecast.explanation import Explanation, FileVerdict
from wheelcast.forecast.verdict import NearbyWheel
from wheelcast.report.check_markdown import build_lines
from wheelcast.report.check_text import unlisted
from wheelcast.report.console import STYLE
from wheelcast.report.explain_text import gap_text, target_tag
from wheelcast.report.shared_markdown import MAX_CHARS, VERDICT_WORD, code, escape, table

__all__ = ["markdown", "render_markdown"]


def _file_row(verdict: FileVerdict) -> list[str]:
    name = code(verdict.file.filename, cell=True)
    if verdict.fits:
        why = (
            f"{code(str(verdict.tag), cell=True)} (rank {verdict.priority})"
            if verdict.tag
            else ("sdist (a build)")
        )
        return [name, "→ pip's pick" if verdict.chosen else "✓ fits", why]
    reason = verdict.reason.label if verdict.reason else ""
    return [name, "✗ " + escape(reason), escape(verdict.detail)]


def _nearby(label: str, wheel: NearbyWheel | None) -> str:
    if wheel is None:
        return f"- **{label}**: none"
    text = f"- **{label}**: {escape(str(wheel.version))}"
    if wheel.upload_time:
        text += f" (uploaded {escape(wheel.upload_time)})"
    if not wheel.satisfies:
        text += ", outside your requirement"
    return text


def _head(explanation: Explanation) -> list[str]:
    target = explanation.target
    lines = [
        f"## wheelcast explain {code(str(explanation.requirement))} on {escape(target.id)}",
        "",
    ]
    package = explanation.package
    if package is None:
        return [*lines, escape(explanation.why)]
    glyph, _ = STYLE[package.verdict]
    gap = explanation.platform_gap
    if package.version is None:
        why = unlisted(package) or (gap_text(explanation.name, gap) if gap else package.detail)
        name = escape(explanation.name)
        lines.append(f"{glyph} **{name}**: nothing installs here ({escape(why)})")
    else:
        chosen = code(package.file.filename) if package.file else "?"
        lines.append(
            f"{glyph} pip picks **{escape(explanation.name)} {escape(str(package.version))}**:"
            f" {chosen} ({VERDICT_WORD[package.verdict]})"
        )
    lines.append("")
    if gap is not None and package.version is not None:
        lines.append(f"- {escape(gap_text(explanation.name, gap))}")
    elif explanation.other_platforms and package.version is not None:
        lines.append(
            f"- {escape(explanation.name)} {escape(str(package.version))} has no wheel for"
            f" {code(target_tag(explanation))}; its wheels for this Python are for"
            f" {escape(', '.join(explanation.other_platforms))}"
        )
    lines.append(f"- {escape(explanation.why)}")
    return lines


def _tail(explanation: Explanation) -> list[str]:
    lines = []
    if explanation.skipped:
        lines += ["", "### Newer versions pip passes over", ""]
        for run in explanation.skipped:
            versions = (
                str(run.newest)
                if run.count == 1
                else f"{run.oldest} … {run.newest} ({run.count} versions)"
            )
            lines.append(f"- {escape(versions)}: {escape(run.why)}")
    lines += [
        "",
        "### Versions with a wheel for this target",
        "",
        _nearby("newest older", explanation.older_wheel),
        _nearby("oldest newer", explanation.newer_wheel),
        _nearby("first ever", explanation.first_wheel),
    ]
    package = explanation.package
    if package is not None and package.build is not None:
        lines += ["", "### Building it from source", ""]
        lines += build_lines(package.build, explanation.target.platform)
    if package is not None and package.facts:
        lines += ["", "### Known facts", ""]
        lines += [f"- {escape(fact)}" for fact in package.facts]
    if explanation.emulation:
        lines += ["", "### Alternative", "", f"- {escape(explanation.emulation)}"]
    extra = [f"- unresolvable: {escape(error)}" for error in explanation.errors]
    extra += [f"- note: {escape(note)}" for note in explanation.notes]
    return [*lines, *(["", *extra] if extra else [])]


def markdown(explanation: Explanation, *, limit: int = MAX_CHARS) -> str:
    head = "\n".join(_head(explanation)) + "\n"
    package = explanation.package
    if package is None:  # the requirement does not apply to the target: nothing more
        return head
    tail = "\n".join(_tail(explanation)) + "\n"
    rows = [_file_row(f) for f in explanation.files]
    if not rows:
        return head + tail
    title = f"\n### Files of {escape(explanation.name)} {escape(str(package.version))}\n\n"
    lines = [line + "\n" for line in table(["file", "verdict", "tag or reason"], rows)]
    size = len(head) + len(title) + sum(len(line) for line in lines) + len(tail)
    kept = len(lines)
    note = ""
    while size + len(note) > limit and kept > 2:  # the header and the rule stay
        kept -= 1
        size -= len(lines[kept])
        note = (
            f"\n_Left out to stay under {limit:,} characters: {len(lines) - kept} files."
            " Run wheelcast explain with --format json for every file._\n"
        )
    return head + title + "".join(lines[:kept]) + note + tail


def render_markdown(explanation: Explanation, out: TextIO, *, limit: int = MAX_CHARS) -> None:
    out.write(markdown(explanation, limit=limit))
