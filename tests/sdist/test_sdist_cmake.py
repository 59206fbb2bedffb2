from __future__ import annotations

import pytest
from tests.sdist.sdist_support import listing

from wheelcast.sdist.cmake import MAX_FILES, commands, scan_cmake
from wheelcast.sdist.needs import BuildNeeds, analyze

SKBUILD = (
    '[build-system]\nrequires = ["scikit-build-core"]\nbuild-backend = "scikit_build_core.build"\n'
)


def needs_of(files: dict[str, str], pyproject: str = SKBUILD) -> BuildNeeds:
    return analyze(listing({"pyproject.toml": pyproject, **files}))


def optional(needs: BuildNeeds) -> dict[str, str]:
    return {language: when for language, when, _ in needs.optional}


class TestCommands:
    def test_arguments_comments_quotes_and_brackets(self) -> None:
        text = (
            '#[[ project(hidden) ]]\nproject(demo # a comment )\n  LANGUAGES "CXX" C)\n'
            "message([=[ ) enable_language(CUDA) ]=])\nif((A OR B) AND NOT C)\nendif()\n"
        )
        found = [(c.name, c.args) for c in commands(text)]
        assert found == [
            ("project", ("demo", "LANGUAGES", "CXX", "C")),
            ("message", (" ) enable_language(CUDA) ",)),
            ("if", ("(", "A", "OR", "B", ")", "AND", "NOT", "C")),
            ("endif", ()),
        ]

    def test_an_unterminated_string_ends_the_commands(self) -> None:
        assert [c.name for c in commands('project(x)\nmessage("open\nproject(y)\n')] == ["project"]

    @pytest.mark.parametrize(
        "text",
        [
            "project(" * 250_000,  # unclosed calls, 2 MB (the old reader never finished)
            "project(x)\n" * 120_000,  # 1.3 MB of calls
            'project("(' * 150_000,  # quotes that never close
            "#[[" * 400_000 + "[=[" * 300_000,
            "if(" + "(" * 500_000 + ")" * 500_000 + ")\nendif()\n",
            "if(X)\nproject(x)\n" * 30_000,
            "if(A)\n" + "elseif(B)\n" * 30_000 + "enable_language(C)\n",
        ],
    )
    def test_large_malformed_scripts_are_read_in_one_pass(self, text: str) -> None:
        # The old reader searched the rest of the file again from every "project(":
        # quadratic, it never finished on the first of these.
        scan = scan_cmake({"CMakeLists.txt": text}.get)
        assert not scan.missing

    def test_many_balanced_calls_are_all_read(self) -> None:
        assert sum(1 for _ in commands("project(x)\n" * 120_000)) == 120_000


class TestFollowing:
    def test_a_languages_none_top_adds_the_cpp_project(self) -> None:
        # xgboost's layout: the top project compiles nothing, cpp_src is C++ and C.
        needs = needs_of(
            {
                "CMakeLists.txt": "project(xgboost-py LANGUAGES NONE)\nadd_subdirectory(cpp_src)\n",
                "cpp_src/CMakeLists.txt": (
                    "project(xgboost LANGUAGES CXX C VERSION 3.4.1)\n"
                    'option(USE_CUDA "Build with GPU acceleration" OFF)\n'
                    "if(USE_CUDA)\n  enable_language(CUDA)\nendif()\n"
                ),
            }
        )
        assert needs.languages == ("C", "C++")
        assert dict(needs.evidence)["C++"].startswith("cpp_src/CMakeLists.txt: project(xgboost")
        assert optional(needs) == {"CUDA": "USE_CUDA"}

    def test_include_of_an_in_tree_file_and_a_module_path(self) -> None:
        needs = needs_of(
            {
                "CMakeLists.txt": (
                    "project(x LANGUAGES C)\ninclude(${CMAKE_CURRENT_SOURCE_DIR}/cmake/F.cmake)\n"
                    'list(APPEND CMAKE_MODULE_PATH "${PROJECT_SOURCE_DIR}/cmake/modules")\n'
                    "include(Cuda)\ninclude(CheckLanguage)\n"
                ),
                "cmake/F.cmake": "enable_language(Fortran)\n",
                "cmake/modules/Cuda.cmake": "enable_language(CUDA)\n",
            }
        )
        assert needs.languages == ("C", "Fortran", "CUDA")

    def test_a_subdirectory_inside_an_off_option_is_optional(self) -> None:
        needs = needs_of(
            {
                "CMakeLists.txt": (
                    'project(x C)\noption(WITH_F "" OFF)\n'
                    "if(WITH_F)\n  add_subdirectory(f)\nendif()\n"
                ),
                "f/CMakeLists.txt": "project(f LANGUAGES Fortran)\n",
            }
        )
        assert needs.languages == ("C",)
        assert optional(needs) == {"Fortran": "WITH_F"}

    def test_cycles_and_depth_are_bounded(self) -> None:
        files = {"CMakeLists.txt": "project(x C)\nadd_subdirectory(d0)\ninclude(loop.cmake)\n"}
        files["loop.cmake"] = "include(loop.cmake)\ninclude(CMakeLists.txt)\n"
        for i in range(MAX_FILES + 10):
            files[f"{'/'.join(f'd{j}' for j in range(i + 1))}/CMakeLists.txt"] = (
                f"add_subdirectory(d{i + 1})\n"
            )
        needs = needs_of(files)
        assert needs.languages == ("C",)
        assert any("were not read" in note for note in needs.notes)

    def test_function_bodies_run_only_when_called(self) -> None:
        text = "project(x C)\nfunction(cuda_bits)\n  enable_language(CUDA)\nendfunction()\n"
        assert needs_of({"CMakeLists.txt": text}).languages == ("C",)


class TestConditions:
    def test_an_off_option_default_turned_on_by_the_backend(self) -> None:
        # lightgbm passes its own -D values from [tool.scikit-build.cmake.define]
        files = {
            "CMakeLists.txt": (
                'option(USE_CUDA "" OFF)\nproject(l LANGUAGES C CXX)\n'
                "if(USE_CUDA)\n  enable_language(CUDA)\nendif()\n"
            )
        }
        assert optional(needs_of(files)) == {"CUDA": "USE_CUDA"}
        defined = SKBUILD + '[tool.scikit-build.cmake.define]\nUSE_CUDA = "ON"\n'
        assert needs_of(files, defined).languages == ("C", "C++", "CUDA")
        from_env = (
            SKBUILD + '[tool.scikit-build.cmake.define]\nUSE_CUDA = {env = "X", default = true}\n'
        )
        assert needs_of(files, from_env).languages == ("C", "C++", "CUDA")
        as_args = SKBUILD + '[tool.scikit-build.cmake]\nargs = ["-DUSE_CUDA:BOOL=ON"]\n'
        assert needs_of(files, as_args).languages == ("C", "C++", "CUDA")

    def test_a_platform_block_is_a_need_there_alone(self) -> None:
        text = (
            "project(x LANGUAGES C CXX)\nif(APPLE)\n  enable_language(OBJCXX)\n"
            'elseif(CMAKE_SYSTEM_NAME STREQUAL "Windows")\n  enable_language(ASM_MASM)\n'
            "else()\n  enable_language(Fortran)\nendif()\n"
        )
        needs = needs_of({"CMakeLists.txt": text})
        assert needs.languages == ("C", "C++")
        assert [(lang, oses) for lang, oses, _ in needs.only_on] == [
            ("Fortran", "linux"),
            ("Objective-C++", "macos"),
            ("Assembly", "windows"),
        ]
        assert needs.for_os("windows").languages == ("C", "C++", "Assembly")
        assert needs.for_os("macos").languages == ("C", "C++", "Objective-C++")
        assert needs.for_os("linux").languages == ("C", "C++", "Fortran")
        assert not optional(needs)

    def test_not_and_or_and_nesting(self) -> None:
        text = (
            'project(x C)\noption(USE_GPU "" OFF)\noption(USE_OMP "" ON)\n'
            "if(NOT WIN32 AND (USE_OMP OR USE_GPU))\n  enable_language(CXX)\nendif()\n"
            "if(USE_GPU)\nelse()\n  if(USE_OMP)\n    enable_language(Fortran)\n  endif()\nendif()\n"
        )
        needs = needs_of({"CMakeLists.txt": text})
        assert needs.languages == ("C", "Fortran")
        assert [(lang, oses) for lang, oses, _ in needs.only_on] == [("C++", "linux,macos")]

    def test_a_compiler_check_is_optional(self) -> None:
        text = (
            "project(x C)\ninclude(CheckLanguage)\ncheck_language(CUDA)\n"
            "if(CMAKE_CUDA_COMPILER)\n  enable_language(CUDA)\nendif()\n"
        )
        assert optional(needs_of({"CMakeLists.txt": text})) == {"CUDA": "a CUDA compiler is found"}

    def test_matches_runs_the_sdists_pattern_on_short_subjects_only(self) -> None:
        text = (
            'project(x C)\nif(CMAKE_SYSTEM_NAME MATCHES "^(Darwin|Linux)$")\n'
            "  enable_language(Fortran)\nendif()\n"
            f'set(LONG "{"a" * 40}")\nif(LONG MATCHES "^(a+)+$")\n'
            "  enable_language(CUDA)\nendif()\n"
        )
        needs = needs_of({"CMakeLists.txt": text})
        assert [(lang, oses) for lang, oses, _ in needs.only_on] == [("Fortran", "linux,macos")]
        # a catastrophic pattern over 40 characters is not run: cannot tell, so it counts
        assert needs.languages == ("C", "CUDA")

    def test_a_condition_that_cannot_be_told_still_counts(self) -> None:
        text = "project(x C)\nif(SOMETHING_SET_ELSEWHERE)\n  enable_language(Fortran)\nendif()\n"
        assert needs_of({"CMakeLists.txt": text}).languages == ("C", "Fortran")


class TestPackages:
    def test_find_package_and_pkg_config(self) -> None:
        text = (
            'project(x C)\noption(USE_GPU "" OFF)\nfind_package(ZLIB REQUIRED)\n'
            "find_package(PNG)\nfind_package(Python COMPONENTS Interpreter)\n"
            "if(USE_GPU)\n  find_package(OpenSSL REQUIRED)\nendif()\n"
            "if(APPLE)\n  find_package(OpenMP REQUIRED)\nendif()\n"
            "pkg_check_modules(PA REQUIRED IMPORTED_TARGET portaudio-2.0>=19)\n"
        )
        needs = needs_of({"CMakeLists.txt": text})
        found = {lib.key: (lib.required, lib.oses) for lib in needs.libraries}
        assert found == {
            "zlib": (True, ()),
            "libpng": (False, ()),
            "openmp": (True, ("macos",)),
            "portaudio": (True, ()),
        }
        assert [lib.key for lib in needs.for_os("windows").libraries] == [
            "zlib",
            "libpng",
            "portaudio",
        ]
