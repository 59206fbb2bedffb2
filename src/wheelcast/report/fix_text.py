"""``wheelcast fix`` as text: the changes, the edit to the input, what remains, the re-check."""

from __future__ import annotations

from typing import TextIO

from wheelcast.forecast.emulation import not_from_wheels
from wheelcast.forecast.fix import ChangeKind, FixResult, TargetFix
from wheelcast.forecast.verdict import Verdict

_VERBS = {
    ChangeKind.RAISE: "raise",
    ChangeKind.LOWER: "lower",
    ChangeKind.REPIN: "move the pin",
    ChangeKind.KEEP: "keep",
}


def render_text(result: FixResult, out: TextIO, *, constraints_path: str | None = None) -> None:
    problems = [t for t in result.targets if t.before]
    if not problems:
        out.write(f"every target installs from wheels already ({_targets(result)})\n")
    for fix in problems:
        out.write(f"{fix.target.id}: not from wheels: {', '.join(fix.before)}\n")
        for blocker in fix.blockers:
            out.write(f"  blocks: {blocker.text}\n")
        for line in fix.partial:
            out.write(f"  spares a build: {line}\n")
    _changes(result, out, problems=bool(problems))
    _edits(result, out, constraints_path)
    for fix in result.targets:
        _remaining(fix, out)
    out.write(_recheck(result) + "\n")


def _changes(result: FixResult, out: TextIO, *, problems: bool) -> None:
    if result.changes:
        out.write("changes:\n")
        for change in result.changes:
            line = f"  {_VERBS[change.kind]} {change.name}: {change.constraint}"
            out.write(line + "\n")
            for why in change.why:
                out.write(f"    why: {why}\n")
            if change.cost:
                out.write(f"    cost: {change.cost}\n")
    elif problems:
        out.write("changes: none that makes every target install from wheels\n")


def _edits(result: FixResult, out: TextIO, constraints_path: str | None) -> None:
    if result.edits:
        out.write("edit the input:\n")
        for edit in result.edits:
            if edit.kind == "command":
                out.write(f"  {edit.before}: run `{edit.after}`\n")
            elif not edit.before:
                out.write(f"  {edit.kind}: add  {edit.after}\n")
            else:
                after = edit.after.replace(
                    "\n", "\n" + " " * (len(edit.kind) + len(edit.before) + 10)
                )
                out.write(f"  {edit.kind}: {edit.before}  ->  {after}\n")
    if result.constraints:
        where = constraints_path or "a constraints file (-o FILE writes it)"
        out.write(f"constraints ({where}):\n")
        for change in result.constraints:
            out.write(f"  {change.constraint}\n")


def _remaining(fix: TargetFix, out: TextIO) -> None:
    if fix.fixed or not (fix.alternatives or fix.toolchain):
        return
    out.write(f"{fix.target.id} still does not install everything from wheels:\n")
    for alternative in fix.alternatives:
        out.write(f"  instead: {alternative}\n")
    for name, advice in fix.toolchain:
        out.write(f"  to build {name}:\n")
        for line in advice:
            out.write(f"    {line}\n")
    if fix.install:
        out.write(f"  then: {fix.install}\n")


def _targets(result: FixResult) -> str:
    count = len(result.after.forecasts)
    return f"{count} target{'s' if count != 1 else ''}"


def _recheck(result: FixResult) -> str:
    """``with these changes: 0 builds on 6 targets`` (``, 1 missing`` when some are)."""
    missing = sum(
        p.verdict in (Verdict.MISSING, Verdict.CONFLICT)
        for f in result.after.forecasts
        for p in not_from_wheels(f)
    )
    builds = result.builds_after - missing  # a missing package is no build
    noun = "build" if builds == 1 else "builds"
    lead = "with these changes" if result.changes else "as it stands"
    line = (
        f"{lead}: {builds} {noun}{f', {missing} missing' if missing else ''} on {_targets(result)}"
    )
    left = [
        f"{f.target.id}: {', '.join(p.name for p in not_from_wheels(f))}"
        for f in result.after.forecasts
        if not_from_wheels(f)
    ]
    if left:
        line += " (" + "; ".join(left) + ")"
    return line
