"""``wheelcast scan --html``: one self-contained page, its chart an inline SVG.

The check report's page (``page_html.py``) is drawn at view time by ``report.js`` from a
JSON document; a scan's page is a chart and tables, drawn here once, so it needs no
script at all and shows the same in any browser, mail reader or CI artifact viewer.
Nothing in it loads from anywhere (the Content-Security-Policy forbids it).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TextIO

from wheelcast.scan.lags import LagReport
from wheelcast.scan.tally import MissingProject, ScanTally, TargetSeries

__all__ = ["render_html"]

_WIDTH, _HEIGHT, _LEFT, _BOTTOM, _TOP, _RIGHT = 860, 320, 48, 28, 12, 12
# Okabe-Ito: told apart by most colour-blind readers too
_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000")
_SHOWN = 50  # missing projects listed per target

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem auto;max-width:60rem;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.2rem .4rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}.num{text-align:right}
svg text{font-size:11px;fill:currentColor}.grid{stroke:#ccc;stroke-width:1}
.legend span{display:inline-block;margin-right:1rem}.swatch{display:inline-block;width:1rem;
height:.25rem;vertical-align:middle;margin-right:.3rem}
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}th{background:#222}}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _points(series: TargetSeries, count: int, *, weighted: bool) -> str:
    width = _WIDTH - _LEFT - _RIGHT
    height = _HEIGHT - _TOP - _BOTTOM
    step = width / max(1, count - 1)
    points = []
    for i, month in enumerate(series.months):
        share = month.weighted_share if weighted else month.wheel_share
        if share is not None:
            points.append(f"{_LEFT + i * step:.1f},{_TOP + (1 - share) * height:.1f}")
    return " ".join(points)


def _chart(tally: ScanTally) -> str:
    count = len(tally.months)
    height = _HEIGHT - _TOP - _BOTTOM
    parts = [
        f'<svg role="img" viewBox="0 0 {_WIDTH} {_HEIGHT}" width="100%"'
        ' aria-labelledby="chart-title"><title id="chart-title">Share of listed projects'
        " that install from a wheel, per target, by month</title>"
    ]
    for tenth in range(0, 11, 2):
        y = _TOP + (1 - tenth / 10) * height
        parts.append(
            f'<line class="grid" x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tenth * 10}%</text>'
        )
    step = (_WIDTH - _LEFT - _RIGHT) / max(1, count - 1)
    for i, month in enumerate(tally.months):
        if month.month == 1 or count <= 12:
            x = _LEFT + i * step
            label = f"{month:%Y}" if count > 12 else f"{month:%Y-%m}"
            parts.append(f'<text x="{x:.1f}" y="{_HEIGHT - 8}" text-anchor="middle">{label}</text>')
    for n, series in enumerate(tally.series):
        colour = _COLOURS[n % len(_COLOURS)]
        for weighted in (False, True):
            points = _points(series, count, weighted=weighted)
            if not points:
                continue
            dash = ' stroke-dasharray="4 3"' if weighted else ""
            what = "weighted by downloads" if weighted else "projects"
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash}'
                f' points="{points}"><title>{_e(series.target)} ({what})</title></polyline>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _legend(tally: ScanTally) -> str:
    items = [
        f'<span><i class="swatch" style="background:{_COLOURS[n % len(_COLOURS)]}"></i>'
        f"{_e(s.target)}</span>"
        for n, s in enumerate(tally.series)
    ]
    return f'<p class="legend">{"".join(items)} (dashed: weighted by downloads)</p>'


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.1%}"


def _shares_table(tally: ScanTally) -> str:
    rows = []
    for series in tally.series:
        last = series.months[-1]
        counts = ", ".join(f"{_e(v)} {n}" for v, n in sorted(last.counts.items()))
        rows.append(
            f"<tr><td>{_e(series.target)}</td><td class=num>{_percent(last.wheel_share)}</td>"
            f"<td class=num>{_percent(last.weighted_share)}</td><td>{counts}</td></tr>"
        )
    return (
        "<table><thead><tr><th>target</th><th>wheel share</th><th>weighted</th>"
        f"<th>verdicts</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _missing_table(target: str, missing: Sequence[MissingProject]) -> str:
    rows = []
    for m in missing[:_SHOWN]:
        elsewhere = "; ".join(
            f"{_e(t)} {d:%Y-%m-%d}" if d is not None else f"{_e(t)} never"
            for t, d in m.first_wheels
        )
        rows.append(
            f"<tr><td class=num>{m.rank}</td><td>{_e(m.name)}</td>"
            f"<td class=num>{'' if m.downloads is None else f'{m.downloads:,}'}</td>"
            f"<td>{_e(m.verdict)}</td><td>{_e(m.last_sdist_only or '')}</td>"
            f"<td>{elsewhere}</td></tr>"
        )
    more = f"<p>and {len(missing) - _SHOWN} more</p>" if len(missing) > _SHOWN else ""
    return (
        f'<h3 id="missing-{_e(target)}">{_e(target)}: {len(missing)} without a wheel</h3>'
        "<table><thead><tr><th>rank</th><th>project</th><th>downloads</th><th>verdict</th>"
        "<th>last sdist-only version</th><th>first wheel elsewhere</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{more}"
    )


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _hit_rate(hits: int, predictions: int) -> str:
    if not predictions:
        return "no past release to judge yet"
    return f"{hits} of {predictions} ({hits / predictions:.1%})"


def _lags_section(lags: LagReport | None) -> str:
    if lags is None or not lags.summaries:
        return ""
    parts = [
        "<h2>Days from each CPython's release to a project's first wheel for it</h2>"
        "<p>Per target: the projects on the index before the release that ship binary"
        " wheels for the platform, the days until the first fitting wheel of a final"
        " release (0 when it came before). A project still without one is expected on the"
        " release date plus the median of its own last three lags on the platform, or,"
        " with none, of every project's lags there on earlier releases. Backtest: the same"
        " estimate for each past release, made from the releases before it alone; a hit"
        " is a first wheel by the estimated date, a project with no wheel once that date"
        f" has passed is a miss. As of {lags.as_of:%Y-%m-%d}, all platforms:"
        f" {_hit_rate(lags.overall.hits, lags.overall.predictions)}.</p>"
    ]
    tests = {b.platform: b for b in lags.backtests}
    for platform, test in tests.items():
        rows = "".join(
            f"<tr><td>{_e(s.python)}</td><td>{s.released:%Y-%m-%d}</td>"
            f"<td class=num>{s.shipped}</td><td class=num>{s.waiting}</td>"
            f"<td class=num>{_days(s.median)}</td><td class=num>{_days(s.p75)}</td></tr>"
            for s in lags.summaries
            if s.platform == platform
        )
        parts.append(
            f'<h3 id="lags-{_e(platform)}">{_e(platform)}: came by the estimated date'
            f" {_hit_rate(test.hits, test.predictions)}</h3>"
            "<table><thead><tr><th>CPython</th><th>released</th><th>with a wheel</th>"
            "<th>waiting</th><th>median days</th><th>p75 days</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
        for target, estimates in lags.estimates.items():
            if not target.startswith(f"{platform}@"):
                continue
            shown = "".join(
                f"<tr><td class=num>{e.rank}</td><td>{_e(e.name)}</td>"
                f"<td>{e.expected:%Y-%m-%d}</td><td class=num>{e.days}</td>"
                f"<td>{'its own lags' if e.own else 'every project'}</td></tr>"
                for e in estimates[:_SHOWN]
            )
            more = f"<p>and {len(estimates) - _SHOWN} more</p>" if len(estimates) > _SHOWN else ""
            parts.append(
                f"<p>{_e(target)}: {len(estimates)} still without a wheel, expected</p>"
                "<table><thead><tr><th>rank</th><th>project</th><th>expected</th>"
                "<th>days after release</th><th>from</th></tr></thead>"
                f"<tbody>{shown}</tbody></table>{more}"
            )
    return "".join(parts)


def render_html(tally: ScanTally, out: TextIO) -> None:
    first = f"{tally.months[0]:%Y-%m}" if tally.months else ""
    last = f"{tally.months[-1]:%Y-%m}" if tally.months else ""
    title = f"Wheel coverage of {tally.projects} projects, {first} to {last}"
    missing = "".join(
        _missing_table(series.target, tally.missing[series.target])
        for series in tally.series
        if tally.missing.get(series.target)
    )
    out.write(
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none';"
        " style-src 'unsafe-inline'\">"
        f'<meta name="generator" content="wheelcast"><title>{_e(title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{_e(title)}</h1>"
        "<p>The verdict of the version pip would have installed at each month's end, each"
        " project alone, from the upload times of its files. Shares count the projects"
        " already on the index that month.</p>"
        f"<h2>Share installing from a wheel</h2>{_chart(tally)}{_legend(tally)}"
        f"<h2>At {last}</h2>{_shares_table(tally)}"
        f"<h2>Still without a wheel at {last}, most-downloaded first</h2>"
        f"{missing or '<p>none</p>'}{_lags_section(tally.lags)}</body></html>\n"
    )
