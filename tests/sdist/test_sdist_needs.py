from __future__ import annotations

import pytest
from tests.sdist.sdist_support import listing, recorded

from wheelcast.sdist.needs import LEGACY_BACKEND, NO_COMPILER, BuildNeeds, analyze, census


class TestRecordedSdists:
    def test_numpy_is_meson_c_cpp_without_fortran(self) -> None:
        needs = analyze(recorded("numpy-1.26.2"))
        assert needs.backend == "meson-python"
        assert needs.build_backend == "mesonpy"
        assert {"C", "C++"} <= set(needs.languages)
        assert "Fortran" not in needs.languages
        assert needs.languages == ("C", "C++", "Cython")
        assert dict(needs.evidence)["C++"] == "meson.build: project(... 'c', 'cpp', 'cython')"
        assert needs.tools[:2] == ("meson", "ninja")
        # the f2py example under doc/ adds Fortran; it is not part of the build
        assert not any("doc/" in why for _, why in needs.evidence)

    def test_scipy_needs_fortran(self) -> None:
        needs = analyze(recorded("scipy-1.11.4"))
        assert needs.backend == "meson-python"
        assert needs.languages == ("C", "C++", "Fortran", "Cython")
        assert dict(needs.evidence)["Fortran"] == (
            "meson.build: add_languages('fortran', native: false)"
        )
        assert dict(needs.sources)["Fortran"] > 100

    def test_cryptography_is_maturin_rust_and_c(self) -> None:
        needs = analyze(recorded("cryptography-46.0.4"))
        assert needs.backend == "maturin"
        assert needs.languages == ("C", "Rust")
        assert dict(needs.evidence)["C"] == (
            "src/rust/cryptography-cffi/Cargo.toml: [build-dependencies] cc"
        )
        assert "cargo" in needs.tools
        assert any(note.startswith("openssl-sys") for note in needs.notes)

    def test_pyyaml_is_setuptools_cython_and_c(self) -> None:
        needs = analyze(recorded("pyyaml-6.0.2"))
        assert needs.backend == "setuptools"
        assert needs.build_backend == "_pyyaml_pep517"
        assert needs.languages == ("C", "Cython")
        assert dict(needs.evidence)["Cython"] == "setup.py: Extension(..., 'yaml/_yaml.pyx', ...)"
        assert any("in-tree backend" in note for note in needs.notes)

    def test_six_is_pure(self) -> None:
        needs = analyze(recorded("six-1.16.0"))
        assert needs.backend == "setuptools"
        assert needs.build_backend == LEGACY_BACKEND
        assert needs.requires == ("setuptools>=40.8.0",)
        assert needs.languages == ()
        assert not needs.needs_compiler
        assert NO_COMPILER in needs.notes

    @pytest.mark.parametrize(
        "stem",
        ["numpy-1.26.2", "scipy-1.11.4", "cryptography-46.0.4", "pyyaml-6.0.2", "six-1.16.0"],
    )
    def test_round_trips_through_a_dict(self, stem: str) -> None:
        needs = analyze(recorded(stem))
        assert BuildNeeds.from_dict(needs.to_dict()) == needs


def pyproject(backend: str, *requires: str, extra: str = "") -> str:
    quoted = ", ".join(f'"{r}"' for r in requires)
    return f'[build-system]\nrequires = [{quoted}]\nbuild-backend = "{backend}"\n{extra}'


class TestMeson:
    def test_optional_language_is_a_note(self) -> None:
        needs = analyze(
            listing(
                {
                    "pyproject.toml": pyproject("mesonpy", "meson-python"),
                    "meson.build": "project('x', 'c')\nadd_languages('fortran', required: false)\n",
                }
            )
        )
        assert needs.languages == ("C",)
        assert [o[:2] for o in needs.optional] == [("Fortran", "a Fortran compiler is found")]

    def test_conditional_language_is_a_note(self) -> None:
        text = "project('x', ['c'])\nif get_option('f')\n  add_languages('cpp')\nendif\n"
        needs = analyze(listing({"pyproject.toml": pyproject("mesonpy"), "meson.build": text}))
        assert needs.languages == ("C",)
        assert [o[:2] for o in needs.optional] == [("C++", "inside an if block")]

    def test_nested_add_languages_and_comments(self) -> None:
        needs = analyze(
            listing(
                {
                    "pyproject.toml": pyproject("mesonpy"),
                    "meson.build": "project('x', 'c') # add_languages('cuda')\nsubdir('pkg')\n",
                    "pkg/meson.build": "add_languages('fortran', native: false)\n",
                    "tests/meson.build": "add_languages('rust')\n",
                }
            )
        )
        assert needs.languages == ("C", "Fortran")

    def test_pure_meson_project(self) -> None:
        needs = analyze(
            listing({"pyproject.toml": pyproject("mesonpy"), "meson.build": "project('x')\n"})
        )
        assert needs.languages == ()
        assert NO_COMPILER in needs.notes


class TestOtherBackends:
    @pytest.mark.parametrize(
        ("cmake", "expected"),
        [
            ("project(x LANGUAGES CXX)\n", ("C++",)),
            ("project(x VERSION 1.0 LANGUAGES C Fortran)\n", ("C", "Fortran")),
            ("project(x)\n", ("C", "C++")),
            ("project(x C)\nenable_language(CUDA)\n", ("C", "CUDA")),
        ],
    )
    def test_scikit_build_core(self, cmake: str, expected: tuple[str, ...]) -> None:
        files = {
            "pyproject.toml": pyproject("scikit_build_core.build", "scikit-build-core"),
            "CMakeLists.txt": cmake,
        }
        needs = analyze(listing(files))
        assert needs.backend == "scikit-build-core"
        assert needs.languages == expected
        assert "cmake" in needs.tools

    def test_maturin_pure_rust(self) -> None:
        files = {
            "pyproject.toml": pyproject("maturin", "maturin>=1"),
            "Cargo.toml": '[package]\nname = "x"\n[dependencies]\npyo3 = "0.22"\n',
        }
        needs = analyze(listing(files, members=["src/lib.rs", "tests/helper.c"]))
        assert needs.languages == ("Rust",)

    def test_maturin_with_c_sources_in_the_package(self) -> None:
        files = {"pyproject.toml": pyproject("maturin"), "Cargo.toml": "[package]\n"}
        needs = analyze(listing(files, members=["src/lib.rs", "csrc/fast.c"]))
        assert needs.languages == ("C", "Rust")

    def test_hatchling_pure_despite_c_in_tests(self) -> None:
        files = {"pyproject.toml": pyproject("hatchling.build", "hatchling")}
        needs = analyze(listing(files, members=["src/x/__init__.py", "tests/data/ext.c"]))
        assert needs.languages == ()

    def test_hatchling_c_outside_tests_is_noted_not_needed(self) -> None:
        files = {"pyproject.toml": pyproject("hatchling.build", "hatchling")}
        needs = analyze(listing(files, members=["src/x/data/demo.c"]))
        assert needs.languages == ()
        assert any("the build compiles none" in n for n in needs.notes)

    def test_hatch_mypyc_hook(self) -> None:
        extra = "[tool.hatch.build.targets.wheel.hooks.mypyc]\ndependencies = ['hatch-mypyc']\n"
        files = {"pyproject.toml": pyproject("hatchling.build", "hatchling", extra=extra)}
        assert analyze(listing(files)).languages == ("C",)

    def test_hatch_custom_hook_falls_back_to_the_census(self) -> None:
        extra = "[tool.hatch.build.hooks.custom]\n"
        files = {"pyproject.toml": pyproject("hatchling.build", "hatchling", extra=extra)}
        needs = analyze(listing(files, members=["src/x/_speedups.c", "tests/t.cpp"]))
        assert needs.languages == ("C",)
        assert any("custom hatch build hook" in n for n in needs.notes)

    def test_poetry_build_script(self) -> None:
        extra = '[tool.poetry]\nbuild = "build.py"\n'
        files = {"pyproject.toml": pyproject("poetry.core.masonry.api", extra=extra)}
        needs = analyze(listing(files, members=["x/_ext.pyx", "x/_ext.c"]))
        assert needs.languages == ("C", "Cython")

    def test_flit_is_pure(self) -> None:
        files = {"pyproject.toml": pyproject("flit_core.buildapi", "flit_core", "cython")}
        needs = analyze(listing(files, members=["x/a.c"]))
        assert (needs.backend, needs.languages) == ("flit", ())

    def test_unknown_backend_uses_the_census(self) -> None:
        files = {"pyproject.toml": pyproject("whatever.api", "whatever")}
        needs = analyze(listing(files, members=["src/a.cpp"]))
        assert needs.backend == "unknown"
        assert needs.languages == ("C++",)


class TestSetuptools:
    @pytest.mark.parametrize(
        ("setup_py", "expected"),
        [
            ("from setuptools import setup\nsetup(name='x')\n", ()),
            ("setup(ext_modules=[])\n", ()),
            ("setup(ext_modules=[Extension('x', ['x.c'])])\n", ("C",)),
            ("setup(ext_modules=[Extension('x', ['x.cpp'])])\n", ("C++",)),
            ("setup(ext_modules=[Extension('x', ['x.c'], language='c++')])\n", ("C", "C++")),
            (
                "from pybind11.setup_helpers import Pybind11Extension\n"
                "setup(ext_modules=[Pybind11Extension('x', ['x.cpp'])])\n",
                ("C++",),
            ),
            ("setup(ext_modules=cythonize('x/*.pyx'))\n", ("C", "Cython")),
            ("setup(cffi_modules=['build.py:ffi'])\n", ("C",)),
            ("setup(rust_extensions=[RustExtension('x.y')])\n", ("Rust",)),
            ("print 'python 2'\nsetup(ext_modules=[Extension('x', ['x.c'])])\n", ("C",)),
        ],
    )
    def test_setup_py(self, setup_py: str, expected: tuple[str, ...]) -> None:
        needs = analyze(listing({"setup.py": setup_py}))
        assert needs.backend == "setuptools"
        assert needs.build_backend == LEGACY_BACKEND
        assert needs.languages == expected

    def test_never_executes_setup_py(self, tmp_path: object) -> None:
        setup_py = "raise SystemExit('executed')\nsetup(ext_modules=[Extension('x', ['x.c'])])\n"
        assert analyze(listing({"setup.py": setup_py})).languages == ("C",)

    def test_computed_sources_fall_back_to_the_census(self) -> None:
        setup_py = "import glob\nsetup(ext_modules=[Extension('x', glob.glob('src/*.c'))])\n"
        needs = analyze(listing({"setup.py": setup_py}, members=["src/a.c", "tests/b.cpp"]))
        assert needs.languages == ("C",)

    def test_pybind11_requirement_means_cpp(self) -> None:
        files = {
            "pyproject.toml": pyproject("setuptools.build_meta", "setuptools", "pybind11"),
            "setup.py": "setup(ext_modules=get_extensions())\n",
        }
        assert analyze(listing(files)).languages == ("C++",)

    def test_pyproject_ext_modules(self) -> None:
        extra = '[tool.setuptools]\next-modules = [{name = "x", sources = ["x.c"]}]\n'
        files = {"pyproject.toml": pyproject("setuptools.build_meta", "setuptools", extra=extra)}
        assert analyze(listing(files)).languages == ("C",)


class TestCensus:
    def test_counts_package_sources_only(self) -> None:
        members = ["a.c", "b.C", "x/y.cpp", "f.F90", "tests/t.c", "docs/d.c", "z.pxd", "w.pyx"]
        assert census(listing({}, members=members)) == (
            ("C", 2),
            ("C++", 1),
            ("Fortran", 1),
            ("Cython", 1),
        )
