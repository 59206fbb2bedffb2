"""The README's Safety table states every cap in wheelcast.runtime.limits, at its value."""

from __future__ import annotations

import re
from pathlib import Path

from wheelcast.runtime import limits

README = Path(__file__).parent.parent / "README.md"
_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \| ([^|]+?) \|", re.MULTILINE)
_UNITS = {
    "": 1,
    "B": 1,
    "bytes": 1,
    "KiB": 1024,
    "MiB": 1024**2,
    "GiB": 1024**3,
    "s": 1,
    "seconds": 1,
}


def _value(text: str) -> float:
    match = re.fullmatch(r"([0-9][0-9_,.]*)\s*([A-Za-z]*)", text.strip())
    assert match is not None, f"cannot read the README value {text!r}"
    number, unit = match.groups()
    assert unit in _UNITS or unit.isalpha(), unit
    return float(number.replace(",", "").replace("_", "")) * _UNITS.get(unit, 1)


def test_every_cap_is_in_the_readme_at_its_value() -> None:
    safety = README.read_text(encoding="utf-8").split("\n## Safety\n", 1)[1].split("\n## ", 1)[0]
    rows = dict(_ROW.findall(safety))
    caps = {
        name: value
        for name, value in vars(limits).items()
        if name.isupper() and isinstance(value, int | float)
    }
    assert caps, "limits.py states no cap"
    assert set(caps) <= set(rows), sorted(set(caps) - set(rows))
    for name, value in caps.items():
        assert _value(rows[name]) == value, (name, rows[name], value)
    unknown = set(rows) - set(caps)
    assert not unknown, unknown
