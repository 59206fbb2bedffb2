"""Compare ``wheelcast scan``'s win_arm64 coverage with a public tracker's daily history.

Run by hand, never by the tests (the scan reads the real index). The tracker is a GitHub
project (tonybaloney/windows-arm64-wheels) whose ``gh-pages`` branch holds one
``results.json`` per day. Its rule (its ``utils.py``, ``annotate_wheels``): the project's
latest release only (the JSON API's ``urls``), each wheel name split on ``-``; covered
when any wheel's platform part contains ``win_arm64``, for any Python, or any wheel's
ABI part is ``none`` (so ``py3-none-win_amd64`` counts).

    git clone --branch gh-pages <the tracker's repository> tracker
    python tools/compare_tracker.py projects --tracker tracker -o tracker-projects.csv
    wheelcast scan --projects tracker-projects.csv --top 2000 -t win-arm64 -p 3.12 -p 3.13 \\
        --since 2025-01 --until 2025-07 --db tracker.duckdb
    python tools/compare_tracker.py compare --tracker tracker --db tracker.duckdb

``compare`` prints, for each month end the tracker has a snapshot for, a Markdown table:
the tracker's share; its rule recomputed from the scan's ``files`` table at that date
(so the two data sources are checked against each other); wheelcast's share per Python
(the verdict pip would give: the newest version with a fitting file, requires-python
honoured); then one line per kind of difference with the projects in it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
from packaging.utils import canonicalize_name

COVERED = {"binary", "pure"}
TARGET_PLATFORM = "win-arm64"


@dataclass(frozen=True)
class Snapshot:
    day: dt.date
    covered: dict[str, bool]  # normalized name -> the tracker's verdict


def _git(tracker: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(tracker), *args], capture_output=True, text=True, check=True
    ).stdout


def snapshots(tracker: Path, ref: str) -> list[Snapshot]:
    """The last snapshot of each day, oldest first."""
    by_day: dict[dt.date, str] = {}
    for line in _git(tracker, "log", ref, "--format=%H %cs", "--", "results.json").splitlines():
        commit, day = line.split()
        by_day.setdefault(dt.date.fromisoformat(day), commit)  # newest first: the day's last
    found = []
    for day, commit in sorted(by_day.items()):
        try:
            data = json.loads(_git(tracker, "show", f"{commit}:results.json"))
        except (subprocess.CalledProcessError, json.JSONDecodeError):
            continue
        covered = {canonicalize_name(p["name"]): bool(p.get("wheel")) for p in data["data"]}
        found.append(Snapshot(day, covered))
    return found


def month_ends(found: Sequence[Snapshot]) -> list[Snapshot]:
    """The snapshot taken on each month's last day (months without one are left out)."""
    days = {s.day: s for s in found}
    ends = []
    for snapshot in found:
        following = snapshot.day + dt.timedelta(days=1)
        if following.month != snapshot.day.month and snapshot.day in days:
            ends.append(snapshot)
    return ends


def write_projects(found: Sequence[Snapshot], out: Path) -> int:
    """Every name any snapshot lists, as ``wheelcast scan --projects`` reads them."""
    names = sorted({name for s in found for name in s.covered})
    with out.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["project", "rank"])
        writer.writerows([name, rank] for rank, name in enumerate(names, 1))
    return len(names)


def tracker_rule(filenames: Iterable[str]) -> bool:
    """The tracker's test on the latest release's files, as its code does it."""
    for filename in filenames:
        if not filename.endswith(".whl"):
            continue
        parts = filename.removesuffix(".whl").split("-")
        if parts[-2] == "none" or "win_arm64" in parts[-1]:
            return True
    return False


@dataclass(frozen=True)
class Latest:
    version: str
    filenames: tuple[str, ...]


def latest_releases(db: duckdb.DuckDBPyConnection, day: dt.date) -> dict[str, Latest]:
    """Each project's latest release at the end of ``day`` as the JSON API names it: the
    highest final version with a file not yanked (a pre-release only if all are)."""
    cutoff = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    rows = db.execute(
        "SELECT f.name, f.version, f.filename, f.yanked, r.version_rank, r.is_prerelease"
        " FROM files AS f JOIN releases AS r ON r.name = f.name AND r.version = f.version"
        " WHERE f.upload_time < ?",
        [cutoff],
    ).fetchall()
    releases: dict[str, dict[str, list[tuple[str, bool, int, bool]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for name, version, filename, yanked, rank, pre in rows:
        releases[name][version].append((filename, bool(yanked), rank, bool(pre)))
    latest = {}
    for name, versions in releases.items():
        live = {v: files for v, files in versions.items() if not all(f[1] for f in files)}
        if not live:
            continue
        finals = {v: files for v, files in live.items() if not files[0][3]} or live
        version = max(finals, key=lambda v: finals[v][0][2])
        latest[name] = Latest(version, tuple(f[0] for f in finals[version]))
    return latest


def wheelcast_verdicts(
    db: duckdb.DuckDBPyConnection, month: dt.date
) -> dict[str, dict[str, tuple[str, str | None]]]:
    """python -> name -> (verdict, version) at the end of ``month``."""
    rows = db.execute(
        "SELECT t.python, c.name, c.verdict, c.version FROM coverage AS c"
        " JOIN targets AS t ON t.target = c.target"
        " WHERE t.platform = ? AND c.month = ?",
        [TARGET_PLATFORM, month.replace(day=1)],
    ).fetchall()
    verdicts: dict[str, dict[str, tuple[str, str | None]]] = defaultdict(dict)
    for python, name, verdict, version in rows:
        verdicts[python][name] = (verdict, version)
    return verdicts


PICK = "pip's pick is another version than the latest (requires-python, or a pre-release)"


def _why(latest: Latest | None, verdict: tuple[str, str | None], *, tracker_says: bool) -> str:
    """One kind of difference between the tracker's verdict and wheelcast's."""
    kind, version = verdict
    if latest is None:
        return "no file on the index by that date"
    if not tracker_says:
        return PICK if version not in (None, latest.version) else f"wheelcast says {kind}"
    wheels = [f.removesuffix(".whl").split("-") for f in latest.filenames if f.endswith(".whl")]
    if not any("win_arm64" in parts[-1] for parts in wheels):
        return "its abi-none wheels do not install there (py3-none-win_amd64, pp39/py2-none-any)"
    if version not in (None, latest.version):
        return PICK
    return "a win_arm64 wheel, but not for this Python (the tracker counts any Python)"


def compare(tracker: Path, ref: str, database: Path, out: list[str]) -> None:
    found = snapshots(tracker, ref)
    db = duckdb.connect(str(database), read_only=True)
    pythons = [r[0] for r in db.execute(
        "SELECT DISTINCT python FROM targets WHERE platform = ? ORDER BY 1", [TARGET_PLATFORM]
    ).fetchall()]  # fmt: skip
    months = {r[0] for r in db.execute("SELECT month FROM coverage").fetchall()}
    header = ["month end", "listed", "tracker", "its rule on the scan's files", "rule agrees"]
    header += [f"wheelcast {p}" for p in pythons]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + " --- |" * len(header))
    differences: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    for snapshot in month_ends(found):
        if snapshot.day.replace(day=1) not in months:
            continue
        latest = latest_releases(db, snapshot.day)
        verdicts = wheelcast_verdicts(db, snapshot.day)
        names = sorted(snapshot.covered)
        tracker_share = sum(snapshot.covered.values())
        rule = {n: tracker_rule(latest[n].filenames) for n in names if n in latest}
        agrees = sum(rule[n] == snapshot.covered[n] for n in rule)
        row = [
            snapshot.day.isoformat(),
            str(len(names)),
            f"{tracker_share} ({100 * tracker_share / len(names):.1f}%)",
            f"{sum(rule.values())} of {len(rule)} ({100 * sum(rule.values()) / len(rule):.1f}%)",
            f"{agrees} of {len(rule)}",
        ]
        for python in pythons:
            mine = verdicts[python]
            share = sum(mine.get(n, ("missing", None))[0] in COVERED for n in names)
            row.append(f"{share} ({100 * share / len(names):.1f}%)")
            for name in names:
                verdict = mine.get(name, ("missing", None))
                ours = verdict[0] in COVERED
                if ours != snapshot.covered[name]:
                    kind = _why(latest.get(name), verdict, tracker_says=snapshot.covered[name])
                    side = "only wheelcast covers it" if ours else "only the tracker covers it"
                    key = (python, f"{side}: {kind}")
                    differences[key][snapshot.day.isoformat()] += 1
                    if name not in examples[key]:
                        examples[key].append(name)
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    for (python, kind), per_day in sorted(differences.items()):
        counts = ", ".join(f"{day}: {n}" for day, n in sorted(per_day.items()))
        names = examples[(python, kind)]
        listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        out.append(f"- {python}, {kind} ({counts}); e.g. {listed}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    projects = commands.add_parser("projects", help="write the snapshots' names as a CSV")
    projects.add_argument("--tracker", type=Path, required=True, help="a clone of the tracker")
    projects.add_argument("--ref", default="gh-pages")
    projects.add_argument("-o", "--output", type=Path, required=True)
    versus = commands.add_parser("compare", help="the table and the differences")
    versus.add_argument("--tracker", type=Path, required=True, help="a clone of the tracker")
    versus.add_argument("--ref", default="gh-pages")
    versus.add_argument("--db", type=Path, required=True, help="the scan's DuckDB file")
    args = parser.parse_args(argv)
    if args.command == "projects":
        count = write_projects(snapshots(args.tracker, args.ref), args.output)
        print(f"{count} projects written to {args.output}")
        return 0
    lines: list[str] = []
    compare(args.tracker, args.ref, args.db, lines)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
