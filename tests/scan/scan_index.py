"""A small index whose pages span years of uploads, for the scan tests.

Each project is a list of (filename, upload time, options); the file entries are PEP 691
with relative URLs (no file is ever downloaded by a scan).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.indexserver import file_entry, write_page

_WIN = "win_arm64"
_LINUX = "manylinux_2_17_x86_64.manylinux2014_x86_64"

# name -> [(filename, upload-time or None, extra entry keys)]
PROJECTS: dict[str, list[tuple[str, str | None, dict[str, Any]]]] = {
    # sdist only, then a Linux abi3 wheel (2020-03), then Windows on Arm too (2021-05); a
    # pre-release in between (not taken: final releases fit); a wholly yanked 2.1.
    "alpha": [
        ("alpha-1.0.tar.gz", "2019-06-10T10:00:00Z", {}),
        ("alpha-1.1.tar.gz", "2020-03-15T08:00:00Z", {}),
        (f"alpha-1.1-cp38-abi3-{_LINUX}.whl", "2020-03-15T09:00:00Z", {}),
        ("alpha-1.2.tar.gz", "2021-05-01T00:00:00Z", {}),
        (f"alpha-1.2-cp38-abi3-{_LINUX}.whl", "2021-05-01T00:10:00Z", {}),
        (f"alpha-1.2-cp38-abi3-{_WIN}.whl", "2021-05-31T23:59:59Z", {}),
        (f"alpha-2.0rc1-cp38-abi3-{_WIN}.whl", "2022-01-10T00:00:00Z", {}),
        ("alpha-2.0.tar.gz", "2022-02-01T00:00:00Z", {}),
        (f"alpha-2.0-cp38-abi3-{_LINUX}.whl", "2022-02-01T00:00:00Z", {}),
        ("alpha-2.1.tar.gz", "2023-01-05T00:00:00Z", {"yanked": "broken"}),
        (f"alpha-2.1-cp38-abi3-{_WIN}.whl", "2023-01-05T00:00:00Z", {"yanked": True}),
    ],
    # pure wheels; 2.0 wants Python 3.13, so Python 3.12 stays on 1.0
    "beta": [
        ("beta-1.0-py3-none-any.whl", "2018-01-01T00:00:00Z", {}),
        ("beta-2.0-py3-none-any.whl", "2024-06-01T00:00:00Z", {"requires_python": ">=3.13"}),
        ("beta-2.0.tar.gz", "2024-06-01T00:00:00Z", {"requires_python": ">=3.13"}),
    ],
    # only a pre-release until 2022-07 (taken: no final release fits), then a final
    # release with a Linux wheel only: Windows still builds the pre-release
    "gamma": [
        ("gamma-0.1a1.tar.gz", "2021-02-20T00:00:00Z", {}),
        (f"gamma-0.1-cp312-cp312-{_LINUX}.whl", "2022-07-04T00:00:00Z", {}),
    ],
    # platform wheels with the abi 'none' (which split("-") trackers misread), and a file
    # the index gives no upload time for (it cannot be dated, so it never counts)
    "delta": [
        ("delta-1.0-py3-none-win_arm64.whl", "2020-08-01T00:00:00Z", {}),
        (f"delta-1.0-py3-none-{_LINUX}.whl", "2020-08-02T00:00:00Z", {}),
        ("delta-0.9.tar.gz", None, {}),
    ],
}
MISSING_PROJECT = "epsilon"  # named in the list, not on the index


def write_index(root: Path) -> tuple[Path, Path]:
    """Write the pages under ``root``; (pages dir, metadata dir)."""
    pages = root / "pages"
    for name, files in PROJECTS.items():
        entries = []
        for filename, uploaded, extra in files:
            entry: Any = file_entry(
                filename,
                filename.encode(),
                requires_python=extra.get("requires_python"),
                yanked=extra.get("yanked", False),
            )
            if uploaded is not None:
                entry["upload-time"] = uploaded
            entries.append(entry)
        write_page(pages, name, entries)
    (root / "metadata").mkdir(parents=True, exist_ok=True)
    return pages, root / "metadata"


def write_list(path: Path) -> Path:
    """A projects list (rank, project, download_count), most-downloaded first."""
    rows = ["rank,project,download_count", "1,gamma,5000", "2,alpha,4000", "3,beta,3000",
            f"4,{MISSING_PROJECT},2000", "5,delta,1000"]  # fmt: skip
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
