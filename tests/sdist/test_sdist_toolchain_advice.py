from __future__ import annotations

from tests.sdist.sdist_support import recorded

from wheelcast.sdist.needs import analyze
from wheelcast.sdist.toolchain_advice import toolchain_advice
from wheelcast.targets import PRESETS, Platform

WIN_ARM64 = Platform("windows", "arm64")
WIN_AMD64 = Platform("windows", "amd64")
LINUX = Platform("linux", "x86_64", "glibc", (2, 28))
MUSL = Platform("linux", "aarch64", "musl", (1, 2))
MACOS = Platform("macos", "arm64", macos_version=(13, 0))


def text(stem: str, platform: Platform) -> str:
    return "\n".join(toolchain_advice(analyze(recorded(stem)), platform))


class TestToolchainAdvice:
    def test_pure_needs_no_compiler(self) -> None:
        for platform in (WIN_ARM64, LINUX, MACOS):
            advice = toolchain_advice(analyze(recorded("six-1.16.0")), platform)
            assert len(advice) == 1
            assert advice[0].startswith("no compiler needed")

    def test_numpy_on_windows_arm64(self) -> None:
        advice = text("numpy-1.26.2", WIN_ARM64)
        assert "'MSVC v143 ARM64 build tools'" in advice
        assert "Fortran" not in advice
        assert "meson, ninja, Cython: installed by pip" in advice

    def test_cryptography_on_windows_arm64(self) -> None:
        advice = text("cryptography-46.0.4", WIN_ARM64)
        assert "rustup target add aarch64-pc-windows-msvc" in advice
        assert "'MSVC v143 ARM64 build tools'" in advice
        assert "OpenSSL" in advice

    def test_windows_x64(self) -> None:
        advice = text("numpy-1.26.2", WIN_AMD64)
        assert "x64/x86 build tools" in advice
        assert "ARM64" not in advice

    def test_scipy_on_linux(self) -> None:
        advice = text("scipy-1.11.4", LINUX)
        assert "gcc, g++, gfortran" in advice
        assert "apt install build-essential gfortran" in advice
        assert "python3-dev" in advice

    def test_scipy_on_musl(self) -> None:
        assert "apk add build-base gfortran python3-dev" in text("scipy-1.11.4", MUSL)

    def test_scipy_on_macos(self) -> None:
        advice = text("scipy-1.11.4", MACOS)
        assert "xcode-select --install" in advice
        assert "brew install gcc" in advice

    def test_every_preset_gets_advice(self) -> None:
        needs = analyze(recorded("cryptography-46.0.4"))
        for platform in PRESETS.values():
            assert toolchain_advice(needs, platform)
