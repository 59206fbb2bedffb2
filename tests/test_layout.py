"""The package layout shows the flow: stages in order, no import circle, one name per module.

Imports are read from the source (``ast``), not by importing: every ``import`` and
``from ... import`` of ``wheelcast`` counts wherever it stands (module level, inside a
function, under ``if TYPE_CHECKING:``), relative ones resolved against the importing
module. TYPE_CHECKING-only imports count too: they never run, but a type named from a
later stage couples the two stages as much as a call does, and a circle through them is
one refactor away from a real one. Importing ``wheelcast.a.b`` also runs ``wheelcast.a``
(its ``__init__``), so that edge is added, except for packages the importer sits inside
(they are loaded before it). A string that is exactly a submodule's name counts as an import
of it: that is how ``importlib.import_module``, the lazy maps and worker preloads name
what they load.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

# The flow, earliest first. A module may import from its own stage or an earlier one only.
# Read from the imports, these orders are forced: runtime and targets before inputs (inputs
# witness what they read, lock files evaluate markers); index before sdist and cache (both
# read through the store); sdist and cache before forecast (build needs, remembered
# results); forecast before doctor and failure_log (they diagnose with a check); those
# before report; wheelhouse after forecast and doctor (it fetches what a check picked, with
# doctor's toolchains) and before report; scan after forecast (it judges files as a check
# does) and before report (which renders its tally); report before the entry points. No
# import orders errors against runtime, inputs against index, or sdist against cache: those
# are placed to read as the flow.
STAGES: tuple[tuple[str, ...], ...] = (
    ("wheelcast.errors", "wheelcast._version"),
    ("wheelcast.runtime",),
    ("wheelcast.targets",),
    ("wheelcast.inputs",),
    ("wheelcast.index",),
    ("wheelcast.sdist",),
    ("wheelcast.cache",),
    ("wheelcast.forecast",),
    ("wheelcast.doctor", "wheelcast.failure_log"),
    ("wheelcast.wheelhouse",),
    ("wheelcast.scan",),
    ("wheelcast.report",),
    ("wheelcast.cli", "wheelcast.__main__", "wheelcast"),
)

TOP_FILES = {"__init__.py", "__main__.py", "cli.py", "errors.py", "_version.py", "py.typed"}


def modules(src: Path, package: str = "wheelcast") -> dict[str, tuple[Path, bool]]:
    """Every module of ``package`` under ``src``: dotted name -> (file, is a package)."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def imports(src: Path, package: str = "wheelcast") -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports (see the module docstring)."""
    known = modules(src, package)

    def owner(name: str) -> str:
        # ``from wheelcast.a import Thing`` names a module's attribute: the module is ``a``.
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name

    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in known.items():
        here = name if is_package else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                # Not a package holding this module (loaded before it, as for
                # importlib.resources), so never "wheelcast", also a JSON key and a word.
                inside = name.startswith(node.value + ".")
                if node.value in known and node.value != name and not inside:
                    targets.add(node.value)
            elif isinstance(node, ast.Import):
                targets.update(owner(alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    parent = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    parent = node.module or ""
                for alias in node.names:
                    full = f"{parent}.{alias.name}"
                    targets.add(full if full in known else owner(parent))
        edges: set[str] = set()
        for target in targets - {""}:
            if not (target == package or target.startswith(package + ".")):
                continue
            edges.add(target)
            ancestor = target.rpartition(".")[0]
            while ancestor and not (name == ancestor or name.startswith(ancestor + ".")):
                edges.add(ancestor)
                ancestor = ancestor.rpartition(".")[0]
        edges.discard(name)
        graph[name] = edges
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One import circle per strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def stage_of(module: str, stages: tuple[tuple[str, ...], ...] = STAGES) -> int:
    """The stage of ``module``: the one declaring its longest prefix."""
    best, length = -1, -1
    for number, prefixes in enumerate(stages):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > length:
                best, length = number, len(prefix)
    if best < 0:
        raise AssertionError(f"{module} is in no declared stage")
    return best


def upward(graph: dict[str, set[str]], stages: tuple[tuple[str, ...], ...] = STAGES) -> list[str]:
    return sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        for target in targets
        if stage_of(target, stages) > stage_of(module, stages)
    )


class TestWheelcast:
    def test_no_import_circle(self) -> None:
        assert circles(imports(SRC)) == []

    def test_no_module_imports_from_a_later_stage(self) -> None:
        assert upward(imports(SRC)) == []

    def test_no_two_modules_share_a_file_name(self) -> None:
        seen: dict[str, list[str]] = {}
        for path in (SRC / "wheelcast").rglob("*.py"):
            if path.name not in {"__init__.py", "__main__.py"}:
                seen.setdefault(path.name, []).append(str(path.relative_to(SRC)))
        assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}

    def test_the_package_top_holds_the_entry_points_and_the_stage_packages(self) -> None:
        top = SRC / "wheelcast"
        files = {p.name for p in top.iterdir() if p.is_file()}
        folders = {p.name for p in top.iterdir() if p.is_dir() and p.name != "__pycache__"}
        assert files <= TOP_FILES
        declared = {prefix.split(".")[1] for stage in STAGES for prefix in stage if "." in prefix}
        assert folders == {name for name in declared if (top / name).is_dir()}
        assert all((top / name / "__init__.py").is_file() for name in folders)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


class TestWalker:
    """The walker itself: each kind of import it must see, on a tiny package in tmp_path."""

    @pytest.fixture
    def tree(self, tmp_path: Path) -> Path:
        return write(
            tmp_path,
            {
                "__init__.py": "",
                "low/__init__.py": "",
                "low/a.py": "from . import b\n",
                "low/b.py": "def f():\n    from pkg.high.c import thing\n",
                "low/d.py": "import importlib\nimportlib.import_module('pkg.high.c')\n",
                "high/__init__.py": "",
                "high/c.py": (
                    "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    from ..low.a import x\n"
                    "import pkg.low.b\nimport os\n"
                ),
            },
        )

    def test_relative_function_local_and_type_checking_imports_are_edges(self, tree: Path) -> None:
        graph = imports(tree, "pkg")
        assert graph["pkg.low.a"] == {"pkg.low.b"}
        assert graph["pkg.low.b"] == {"pkg.high.c", "pkg.high"}
        assert graph["pkg.high.c"] == {"pkg.low.a", "pkg.low.b", "pkg.low"}
        assert graph["pkg.low.d"] == {"pkg.high.c", "pkg.high"}

    def test_a_circle_and_an_upward_import_are_found(self, tree: Path) -> None:
        graph = imports(tree, "pkg")
        assert circles(graph) == [["pkg.high.c", "pkg.low.a", "pkg.low.b"]]
        stages = (("pkg.low",), ("pkg.high", "pkg"))
        assert upward(graph, stages) == [
            "pkg.low.b -> pkg.high",
            "pkg.low.b -> pkg.high.c",
            "pkg.low.d -> pkg.high",
            "pkg.low.d -> pkg.high.c",
        ]

    def test_a_clean_tree_passes(self, tmp_path: Path) -> None:
        files = {"__init__.py": "", "a.py": "import pkg.b\n", "b.py": "from . import c\n"}
        graph = imports(write(tmp_path, {**files, "c.py": ""}), "pkg")
        assert circles(graph) == []
        assert upward(graph, (("pkg.c",), ("pkg.b",), ("pkg.a", "pkg"))) == []
