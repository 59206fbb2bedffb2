from __future__ import annotations

import pytest
from tests.sdist.sdist_support import listing

from wheelcast.sdist.meson import calls, parse_options, scan_meson
from wheelcast.sdist.needs import BuildNeeds, analyze

MESONPY = '[build-system]\nrequires = ["meson-python"]\nbuild-backend = "mesonpy"\n'


def needs_of(files: dict[str, str]) -> BuildNeeds:
    return analyze(listing({"pyproject.toml": MESONPY, **files}))


def optional(needs: BuildNeeds) -> dict[str, str]:
    return {language: when for language, when, _ in needs.optional}


class TestCalls:
    def test_calls_with_their_if_frames(self) -> None:
        text = (
            "project('x', 'c') # add_languages('cuda')\n"
            "if get_option('a')\n  add_languages('cpp')\nelif not get_option('b')\n"
            "  add_languages('fortran')\nelse\n  x = '''add_languages('rust')'''\nendif\n"
        )
        found = [(c.name, c.args, c.conditions) for c in calls(text) if c.name != "get_option"]
        assert found == [
            ("project", "'x', 'c'", ()),
            ("add_languages", "'cpp'", (("get_option('a')", ()),)),
            ("add_languages", "'fortran'", (("not get_option('b')", ("get_option('a')",)),)),
        ]

    @pytest.mark.parametrize(
        "text",
        [
            "project(" * 250_000,  # unclosed calls, 2 MB (the old reader never finished)
            "project('x', 'c')\n" * 120_000,
            "if x\n" * 300_000,
            "if x\nf()\n" * 40_000,
            "if a\n" + "elif b\n" * 40_000 + "add_languages('c')\n",
            "if " * 400_000,
            "'" * 1_100_000,
        ],
    )
    def test_large_malformed_files_are_read_in_one_pass(self, text: str) -> None:
        # The old reader searched the rest of the file from every "project(" again and
        # counted every earlier line for each call's if-depth: quadratic, both.
        scan = scan_meson({"meson.build": text}.get, ("meson.build",))
        assert len(scan.files) == 1

    def test_options(self) -> None:
        text = (
            "option('cuda', type: 'boolean', value: false)\n"
            "option('omp', type : 'boolean')\n"
            "option('blas', type: 'feature', value: 'disabled', description: 'x, y')\n"
            "option('png', type: 'feature')\n"
        )
        assert parse_options(text) == {
            "cuda": "false",
            "omp": "true",
            "blas": "disabled",
            "png": "auto",
        }


class TestLanguages:
    def test_a_false_boolean_option_makes_a_language_optional(self) -> None:
        needs = needs_of(
            {
                "meson.options": "option('cuda', type: 'boolean', value: false)\n",
                "meson.build": (
                    "project('x', 'c')\nif get_option('cuda')\n  add_languages('cuda')\nendif\n"
                ),
            }
        )
        assert needs.languages == ("C",)
        assert optional(needs) == {"CUDA": "cuda"}

    def test_a_true_option_or_its_negation_is_a_need(self) -> None:
        needs = needs_of(
            {
                "meson_options.txt": "option('_without-fortran', type: 'boolean', value: false)\n",
                "meson.build": (
                    "project('x', 'c')\nif not get_option('_without-fortran')\n"
                    "  add_languages('fortran', native: false)\nendif\n"
                ),
            }
        )
        assert needs.languages == ("C", "Fortran")

    def test_a_subdir_inside_an_off_option(self) -> None:
        needs = needs_of(
            {
                "meson.options": "option('gpu', type: 'feature', value: 'disabled')\n",
                "meson.build": (
                    "project('x', 'cpp')\nif get_option('gpu').enabled()\n  subdir('gpu')\nendif\n"
                ),
                "gpu/meson.build": "add_languages('cuda')\nsubdir('deeper')\n",
                "gpu/deeper/meson.build": "add_languages('fortran')\n",
            }
        )
        assert needs.languages == ("C++",)
        assert optional(needs) == {"CUDA": "gpu", "Fortran": "gpu"}

    def test_host_machine_blocks(self) -> None:
        needs = needs_of(
            {
                "meson.build": (
                    "project('x', 'c')\nif host_machine.system() == 'darwin'\n"
                    "  add_languages('objcpp')\nendif\n"
                    "if host_machine.system() != 'windows'\n  add_languages('fortran')\nendif\n"
                )
            }
        )
        assert needs.languages == ("C",)
        assert [(lang, oses) for lang, oses, _ in needs.only_on] == [
            ("Fortran", "linux,macos"),
            ("Objective-C++", "macos"),
        ]
        assert needs.for_os("windows").languages == ("C",)

    def test_a_disabled_feature_as_required_adds_nothing(self) -> None:
        needs = needs_of(
            {
                "meson.options": "option('f', type: 'feature', value: 'disabled')\n",
                "meson.build": (
                    "project('x', 'c')\nadd_languages('fortran', required: get_option('f'))\n"
                ),
            }
        )
        assert needs.languages == ("C",)
        assert not needs.optional

    def test_subdir_depth_and_cycles_are_bounded(self) -> None:
        files = {"meson.build": "project('x', 'c')\nsubdir('d')\nsubdir('..')\nsubdir('.')\n"}
        path = "d"
        for _ in range(300):
            files[f"{path}/meson.build"] = "subdir('d')\n"
            path += "/d"
        files[f"{path}/meson.build"] = "add_languages('fortran')\n"
        needs = needs_of(files)
        assert needs.languages[0] == "C"
        assert any("were not read" in note for note in needs.notes)


class TestDependencies:
    def test_dependency_required_optional_and_off(self) -> None:
        needs = needs_of(
            {
                "meson.options": "option('jpeg', type: 'feature', value: 'disabled')\n",
                "meson.build": (
                    "project('x', 'c')\nzlib = dependency('zlib')\n"
                    "png = dependency('libpng', required: false)\n"
                    "jpeg = dependency('libjpeg', required: get_option('jpeg'))\n"
                    "thing = dependency('not-a-known-library')\n"
                ),
            }
        )
        assert {lib.key: lib.required for lib in needs.libraries} == {
            "zlib": True,
            "libpng": False,
        }

    def test_vendored_subprojects_are_not_read(self) -> None:
        needs = needs_of(
            {
                "meson.build": "project('x', 'c')\n",
                "subprojects/highs/meson.build": "dependency('zlib')\n",
            }
        )
        assert not needs.libraries
