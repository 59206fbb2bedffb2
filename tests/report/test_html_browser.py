"""The HTML reports in a real browser: this machine's Chromium, driven by Playwright.

One browser for the module. Every page is opened from its file with each request recorded
and anything but the file itself refused, so "no external request" is seen, not assumed;
console messages and script errors are collected the same way. Screenshots go to
``test-output/`` (git-ignored) at the top of the repository.

Skipped, with the reason, when Playwright is not installed or no Chromium is found
(``WHEELCAST_CHROMIUM`` names one; else ``chromium``, ``chromium-browser``, ``google-chrome``
on PATH). ``.ci/run`` installs Debian's ``chromium`` when it is missing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from tests.indexserver import IndexServer, MakeIndexServer
from tests.report.html_pages import README_FIRST, REALISTIC, run, small_index
from tests.report.test_doctor_output import (
    VSWHERE_X64,
    numpy_builds_on_arm,
    story_interpreters,
    story_runner,
)

from wheelcast.doctor.diagnose import diagnose
from wheelcast.report.doctor_html import render_html as doctor_html
from wheelcast.report.page_html import render_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    given = os.environ.get("WHEELCAST_CHROMIUM")
    if given:
        return shutil.which(given)  # a path or a name; None when it is not an executable
    return next((path for name in CHROMIUMS if (path := shutil.which(name))), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
    )
    executable = find_chromium()
    if executable is None:
        pytest.skip(
            "no Chromium found (WHEELCAST_CHROMIUM, or chromium on PATH):"
            " apt-get install chromium, as .ci/run does"
        )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        yield launched
        launched.close()


@dataclass
class Opened:
    page: Page
    console: list[str] = field(default_factory=list)  # "type: text"
    errors: list[str] = field(default_factory=list)  # uncaught script errors
    requests: list[str] = field(default_factory=list)  # every URL the page asked for

    def problems(self) -> list[str]:
        bad = [m for m in self.console if m.split(":", 1)[0] in {"error", "warning"}]
        return bad + self.errors

    def screenshot(self, name: str) -> Path:
        OUTPUT.mkdir(exist_ok=True)
        path = OUTPUT / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Any]:
    pages: list[Page] = []

    def open_(path: Path, *, color_scheme: str = "light") -> Opened:
        page = browser.new_page(viewport={"width": 1280, "height": 860}, color_scheme=color_scheme)  # type: ignore[arg-type]
        pages.append(page)
        opened = Opened(page)
        url = path.resolve().as_uri()

        def route(route: Route) -> None:
            if route.request.url == url:
                route.continue_()
            else:
                route.abort()

        def on_request(request: Request) -> None:
            opened.requests.append(request.url)

        def on_console(message: ConsoleMessage) -> None:
            opened.console.append(f"{message.type}: {message.text}")

        page.route("**/*", route)
        page.on("request", on_request)
        page.on("console", on_console)
        page.on("pageerror", lambda error: opened.errors.append(str(error)))
        page.goto(url)
        page.wait_for_load_state("load")
        return opened

    yield open_
    for page in pages:
        page.close()


@pytest.fixture(scope="module")
def small_report(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """fastlib builds on win-arm64 (C, C++) and is a wheel on win-amd64; purelib is pure.
    Made once for the module (after ``browser``): each test opens it in a page of its own."""
    folder = tmp_path_factory.mktemp("small")
    servers: list[IndexServer] = []

    def start(pages: Path, metadata: Path, files: Path | None = None) -> IndexServer:
        servers.append(IndexServer(pages, metadata, files).start())
        return servers[-1]

    try:
        index = small_index(folder, start)
        report = folder / "small.html"
        code, _ = run(
            ["check", "fastlib", "-p", "3.12", "-t", "win-arm64", "-t", "win-amd64",
             "-i", index.url, "--cache-dir", str(folder / "cache"), "--format", "html",
             "-o", str(report)]
        )  # fmt: skip
        assert code == 1
        yield report
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def realistic(
    browser: Browser, index_server: IndexServer, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The 34 reference requirements on six targets (130 and more packages each); made
    after ``browser``, so that a machine without one skips before the check runs."""
    folder = tmp_path_factory.mktemp("realistic")
    report = folder / "realistic.html"
    code, _ = run(
        [*REALISTIC, "-i", index_server.url, "--cache-dir", str(folder / "cache"),
         "--format", "html", "-o", str(report)]
    )  # fmt: skip
    assert code == 1
    return report


def rows(opened: Opened) -> list[str]:
    """The package names of the matrix rows the reader sees."""
    names: list[str] = opened.page.eval_on_selector_all(
        "table.matrix tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.name)"
    )
    return names


def assert_focused(opened: Opened, label: str | None = None, *, element_id: str = "") -> None:
    """Focus lands on the cell ``label`` (or the element ``element_id``), waited for: the
    page moves focus in event handlers, which a loaded machine runs a little later."""
    script = (
        "([label, id]) => { const e = document.activeElement;"
        " return !!e && (id ? e.id === id : e.getAttribute('aria-label') === label); }"
    )
    try:
        opened.page.wait_for_function(script, arg=[label, element_id], timeout=10_000)
    except Exception:
        assert focused_label(opened) == label, element_id
        raise


def focused_label(opened: Opened) -> str | None:
    label: str | None = opened.page.evaluate(
        "() => document.activeElement && document.activeElement.getAttribute('aria-label')"
    )
    return label


class TestLoads:
    def test_a_130_package_six_target_check(self, open_page: Any, realistic: Path) -> None:
        report = realistic
        opened = open_page(report)
        assert opened.problems() == []
        assert opened.requests == [report.resolve().as_uri()]
        assert len(rows(opened)) >= 130
        assert opened.page.locator("table.matrix thead th").count() == 7
        assert opened.page.locator("#coverage li").count() == 6
        assert opened.screenshot("check-realistic").stat().st_size > 0

    def test_the_readme_first_example(
        self, open_page: Any, index_server: IndexServer, tmp_path: Path
    ) -> None:
        report = tmp_path / "numpy.html"
        run([*README_FIRST, "-i", index_server.url, "--cache-dir", str(tmp_path),
             "--format", "html", "-o", str(report)])  # fmt: skip
        opened = open_page(report)
        assert opened.problems() == []
        assert opened.requests == [report.resolve().as_uri()]
        build = opened.page.get_by_role(
            "button", name="numpy on win-arm64@3.12: build from sdist 1.26.2"
        )
        assert build.is_visible()
        opened.screenshot("check-readme")

    def test_the_headers_stay_in_view_when_the_matrix_scrolls(
        self, open_page: Any, realistic: Path
    ) -> None:
        page = open_page(realistic).page
        wrap = page.locator("#matrix-wrap")
        header = page.locator("table.matrix thead th").nth(1)
        name = page.locator("table.matrix tbody th").nth(20)
        wrap.evaluate("node => { node.scrollTop = 2000; node.scrollLeft = 2000; }")
        frame, top, side = wrap.bounding_box(), header.bounding_box(), name.bounding_box()
        assert frame is not None
        assert top is not None
        assert side is not None
        # Scrolled down and right, the target names stay at the top and the package
        # names at the left edge of the matrix.
        assert abs(top["y"] - frame["y"]) <= 2
        assert abs(side["x"] - frame["x"]) <= 2

    def test_a_lock_file_is_counted_in_packages(
        self, open_page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        lock = Path(__file__).parents[1] / "data" / "inputs" / "sample" / "uv.lock"
        monkeypatch.chdir(lock.parent)
        report = tmp_path / "lock.html"
        run(["check", str(lock), "-t", "win-arm64", "-p", "3.12", "--no-build-needs",
             "--cache-dir", str(tmp_path / "c"), "--format", "html",
             "-o", str(report)])  # fmt: skip
        opened = open_page(report)
        assert opened.problems() == []
        page = opened.page
        assert page.inner_text("#title") == "wheelcast check: uv.lock (lock file, 29 packages)"
        assert page.inner_text("#meta").startswith(f"{len(rows(opened))} packages on 1 target")
        assert "requirement" not in page.inner_text("#meta")

    def test_dark(self, open_page: Any, small_report: Path) -> None:
        light = open_page(small_report)
        dark = open_page(small_report, color_scheme="dark")
        background = "() => getComputedStyle(document.body).backgroundColor"
        assert light.page.evaluate(background) == "rgb(255, 255, 255)"
        assert dark.page.evaluate(background) != light.page.evaluate(background)
        assert dark.problems() == []
        dark.screenshot("check-dark")


class TestMatrix:
    def test_cells_have_glyphs_and_names_for_a_screen_reader(
        self, open_page: Any, small_report: Path
    ) -> None:
        page = open_page(small_report).page
        build = page.get_by_role("button", name="fastlib on win-arm64@3.12: build from sdist 1.0")
        wheel = page.get_by_role("button", name="fastlib on win-amd64@3.12: binary wheel 1.0")
        assert "▲" in build.inner_text()
        assert "●" in wheel.inner_text()
        assert page.get_by_role("columnheader", name="win-arm64@3.12").count() == 1
        assert page.get_by_role("rowheader", name="purelib").count() == 1
        coverage = page.get_by_role("img", name="win-arm64@3.12: 1 pure wheel, 1 build from sdist")
        assert coverage.count() == 1

    def test_filtering_by_verdict_hides_rows(self, open_page: Any, small_report: Path) -> None:
        opened = open_page(small_report)
        assert rows(opened) == ["fastlib", "purelib"]
        opened.page.get_by_role("checkbox", name="pure wheel", exact=True).uncheck()
        assert rows(opened) == ["fastlib"]
        assert "Showing 1 of 2 packages" in opened.page.inner_text("#shown")
        opened.page.get_by_role("checkbox", name="binary wheel", exact=True).uncheck()
        opened.page.get_by_role("checkbox", name="build from sdist", exact=True).uncheck()
        assert rows(opened) == []

    def test_filtering_by_name(self, open_page: Any, small_report: Path) -> None:
        opened = open_page(small_report)
        opened.page.get_by_label("Name").fill("PURE")
        assert rows(opened) == ["purelib"]
        opened.page.get_by_label("Name").fill("")
        assert rows(opened) == ["fastlib", "purelib"]

    def test_filtering_by_target_hides_its_column_and_rows(
        self, open_page: Any, small_report: Path
    ) -> None:
        opened = open_page(small_report)
        page = opened.page
        page.get_by_role("checkbox", name="build from sdist", exact=True).uncheck()
        assert rows(opened) == ["fastlib", "purelib"]  # fastlib is a wheel on win-amd64
        page.get_by_role("checkbox", name="win-amd64@3.12", exact=True).uncheck()
        assert rows(opened) == ["purelib"]
        assert not page.get_by_role("columnheader", name="win-amd64@3.12").is_visible()
        opened.screenshot("check-filtered")

    def test_clicking_a_build_cell_shows_its_toolchain(
        self, open_page: Any, small_report: Path
    ) -> None:
        opened = open_page(small_report)
        page = opened.page
        page.get_by_role("button", name="fastlib on win-arm64@3.12: build from sdist 1.0").click()
        dialog = page.get_by_role("dialog", name="fastlib 1.0 on win-arm64@3.12")
        assert dialog.is_visible()
        text = dialog.inner_text()
        assert "meson-python" in text
        assert "C, C++" in text
        toolchain = dialog.locator("ul.toolchain").inner_text()
        assert "ARM64 build tools" in toolchain
        assert "pip install 'fastlib==1.0'" in text
        opened.screenshot("check-build-cell")
        dialog.get_by_role("button", name="Close details").click()
        assert not dialog.is_visible()
        assert opened.problems() == []

    def test_keyboard(self, open_page: Any, small_report: Path) -> None:
        opened = open_page(small_report)
        page = opened.page
        page.get_by_label("Name").focus()
        page.keyboard.press("Tab")  # the matrix is one tab stop: its first cell
        assert_focused(opened, "fastlib on win-arm64@3.12: build from sdist 1.0")
        page.keyboard.press("ArrowRight")
        assert_focused(opened, "fastlib on win-amd64@3.12: binary wheel 1.0")
        page.keyboard.press("ArrowDown")
        assert_focused(opened, "purelib on win-amd64@3.12: pure wheel 2.0")
        page.keyboard.press("Home")
        assert_focused(opened, "purelib on win-arm64@3.12: pure wheel 2.0")
        page.keyboard.press("ArrowUp")
        assert_focused(opened, "fastlib on win-arm64@3.12: build from sdist 1.0")
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="fastlib 1.0 on win-arm64@3.12")
        dialog.wait_for(state="visible", timeout=10_000)
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden", timeout=10_000)
        # back where the reader was, and still the matrix's one tab stop
        assert_focused(opened, "fastlib on win-arm64@3.12: build from sdist 1.0")
        page.keyboard.press("Shift+Tab")
        assert_focused(opened, element_id="filter-name")
        assert opened.problems() == []

    def test_a_late_close_event_leaves_focus_where_the_reader_went(
        self, open_page: Any, small_report: Path
    ) -> None:
        """The browser dispatches "close" a task after the dialog closes; a reader may tab on
        first. Fired by hand after focus moved, in one script, the order is certain."""
        opened = open_page(small_report)
        page = opened.page
        page.get_by_role("button", name="fastlib on win-arm64@3.12: build from sdist 1.0").click()
        page.locator("#detail").wait_for(state="visible", timeout=10_000)
        focused = page.evaluate(
            """() => {
              const dialog = document.getElementById("detail");
              dialog.close();
              document.getElementById("filter-name").focus();  // the reader tabbed on
              dialog.dispatchEvent(new Event("close"));  // then the close event arrives
              return document.activeElement.id;
            }"""
        )
        assert focused == "filter-name"
        page.wait_for_timeout(100)  # the browser's own close event, a task later
        assert page.evaluate("() => document.activeElement.id") == "filter-name"
        # Closed with nothing focused (Esc), the close event returns focus to the cell.
        page.get_by_role("button", name="fastlib on win-arm64@3.12: build from sdist 1.0").click()
        page.locator("#detail").wait_for(state="visible", timeout=10_000)
        page.evaluate(
            """() => {
              const dialog = document.getElementById("detail");
              dialog.close();
              document.activeElement.blur();
              dialog.dispatchEvent(new Event("close"));
            }"""
        )
        assert focused_label(opened) == "fastlib on win-arm64@3.12: build from sdist 1.0"
        assert opened.problems() == []


class TestHostileData:
    def test_script_text_in_the_data_stays_text(
        self, open_page: Any, small_report: Path, tmp_path: Path
    ) -> None:
        """Strings that would close the script element, or open markup, show as written."""
        # The small check's own document, with a detail no index would serve.
        page_text = small_report.read_text(encoding="utf-8")
        start = page_text.index('id="wheelcast-data">') + len('id="wheelcast-data">')
        doc = json.loads(page_text[start : page_text.index("</script>", start)])
        hostile = "</script><script>window.pwned = 1</script><!-- <img src=x onerror=pwned=2>"
        fastlib = doc["results"][0]["packages"][0]
        assert fastlib["name"] == "fastlib"
        fastlib["detail"] = hostile
        report = tmp_path / "hostile.html"
        with report.open("w", encoding="utf-8") as out:
            render_page("check.html.j2", doc, out, title=hostile)
        opened = open_page(report)
        page = opened.page
        assert page.evaluate("() => window.pwned === undefined")
        assert page.title() == hostile
        page.get_by_role("button", name="fastlib on win-arm64@3.12: build from sdist 1.0").click()
        assert hostile in page.get_by_role("dialog").inner_text()
        assert page.locator("img").count() == 0
        assert opened.requests == [report.resolve().as_uri()]
        assert opened.problems() == []


class TestExplainAndDoctor:
    def test_explain(
        self, open_page: Any, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        index = small_index(tmp_path, make_index_server)
        report = tmp_path / "explain.html"
        code, _ = run(
            ["explain", "fastlib", "-p", "3.12", "-t", "win-arm64", "-i", index.url,
             "--cache-dir", str(tmp_path / "cache"), "--format", "html", "-o", str(report)]
        )  # fmt: skip
        assert code == 1
        opened = open_page(report)
        assert opened.problems() == []
        assert opened.requests == [report.resolve().as_uri()]
        page = opened.page
        assert "pip picks fastlib 1.0: fastlib-1.0.tar.gz" in page.inner_text("#verdict")
        files = page.get_by_role("table").inner_text()
        assert "fastlib-1.0-cp312-cp312-win_amd64.whl" in files
        assert "✗ no" in files
        assert "ARM64 build tools" in page.inner_text("#explanation")
        opened.screenshot("explain")

    def test_doctor(self, open_page: Any, tmp_path: Path) -> None:
        report = diagnose(
            ["numpy"],
            runner=story_runner(),
            forecast=numpy_builds_on_arm,
            interpreters=story_interpreters(),
            toolchains=VSWHERE_X64,
        )
        path = tmp_path / "doctor.html"
        with path.open("w", encoding="utf-8") as out:
            doctor_html(report, out)
        opened = open_page(path)
        assert opened.problems() == []
        page = opened.page
        results = page.inner_text("#results")
        assert "installs everything from wheels" in results
        assert "✗ numpy (C, C++): no MSVC" in results
        page.get_by_role(
            "button", name="tags and markers of C:\\Python312-arm64\\python.exe"
        ).click()
        assert "cp312-cp312-win_arm64" in page.get_by_role("dialog").inner_text()
        opened.screenshot("doctor")
