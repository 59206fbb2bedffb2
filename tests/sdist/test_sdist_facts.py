from __future__ import annotations

import pytest

from wheelcast.sdist.facts import KINDS, facts_for, load_facts, parse_facts
from wheelcast.targets import Platform, parse_python, parse_target

WIN_ARM64 = Platform("windows", "arm64")
WIN_AMD64 = Platform("windows", "amd64")


class TestShippedFacts:
    def test_every_fact_is_cited_and_dated(self) -> None:
        facts = load_facts()
        assert facts
        for fact in facts:
            assert fact.source.startswith("https://github.com/")
            assert len(fact.date) == 10
            assert fact.kind in KINDS

    def test_grpcio_on_windows_arm64(self) -> None:
        kinds = {f.kind for f in facts_for("grpcio", "1.71.0", WIN_ARM64)}
        assert kinds == {"no-wheels", "does-not-build"}
        assert facts_for("grpcio", "1.71.0", WIN_AMD64) == ()

    @pytest.mark.parametrize(("version", "count"), [("46.0.3", 0), ("46.0.4", 1), ("46.0.7", 1)])
    def test_cryptography_dropped_win_arm64_wheels(self, version: str, count: int) -> None:
        facts = facts_for("Cryptography", version, WIN_ARM64)
        assert len(facts) == count
        if facts:
            assert facts[0].kind == "wheel-dropped"
            assert (
                "(https://github.com/pyca/cryptography/pull/14217, 2026-01-28)" in facts[0].note()
            )

    def test_takes_a_target(self) -> None:
        [target] = parse_target("win-arm64", [parse_python("3.12")])
        assert facts_for("grpcio", "1.0", target)


class TestParseFacts:
    def test_glob_platform(self) -> None:
        facts = parse_facts(
            '[[fact]]\nproject = "Demo_Pkg"\nversions = "<2"\nplatform = "manylinux_*_aarch64"\n'
            'kind = "does-not-build"\ntext = "t"\nsource = "s"\ndate = "2025-01-01"\n'
        )
        linux = Platform("linux", "aarch64", "glibc", (2, 28))
        assert facts_for("demo-pkg", "1.5", linux, facts) == facts
        assert facts_for("demo-pkg", "2.0", linux, facts) == ()
        assert facts_for("demo-pkg", "1.5", WIN_ARM64, facts) == ()

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ('project = "x"\n', "lacks versions, platform, kind, text, source, date"),
            (
                'project = "x"\nversions = ""\nplatform = "*"\nkind = "guess"\ntext = "t"\n'
                'source = "s"\ndate = "d"\n',
                "unknown kind 'guess'",
            ),
            (
                'project = "x"\nversions = "=>1"\nplatform = "*"\nkind = "no-wheels"\n'
                'text = "t"\nsource = "s"\ndate = "d"\n',
                "Invalid specifier",
            ),
        ],
    )
    def test_malformed(self, body: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            parse_facts("[[fact]]\n" + body)
