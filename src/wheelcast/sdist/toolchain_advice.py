"""What to install on a target so that pip can build an sdist there: one line per step.

:func:`toolchain_advice` is a pure function of the build needs and the target platform.
Compilers and system packages come from the operating system; meson, ninja, cmake and
Cython come from the build requirements, which pip installs into the isolated build
environment by itself; cargo and rustc come from rustup, never from pip.
"""

from __future__ import annotations

from wheelcast.sdist.libraries import install_line, library
from wheelcast.sdist.needs import NO_COMPILER, REQUIRE_TOOLS, BuildNeeds, requirement_name
from wheelcast.targets import Platform

__all__ = ["toolchain_advice"]

_BACKEND_TOOLS = {"meson-python": {"meson", "ninja"}, "scikit-build-core": {"cmake", "ninja"}}
_C_FAMILY = frozenset({"C", "C++", "Cython", "Objective-C", "Objective-C++", "Assembly"})
_MSVC = {
    "arm64": "Visual Studio 2022 Build Tools with the 'MSVC v143 ARM64 build tools' component",
    "amd64": "Visual Studio 2022 Build Tools with the 'MSVC v143 - VS 2022 C++ x64/x86 build"
    " tools' component",
    "x86": "Visual Studio 2022 Build Tools with the 'MSVC v143 - VS 2022 C++ x64/x86 build"
    " tools' component (x86 target)",
}
_RUST_TARGETS = {
    ("windows", "arm64"): "aarch64-pc-windows-msvc",
    ("windows", "amd64"): "x86_64-pc-windows-msvc",
    ("windows", "x86"): "i686-pc-windows-msvc",
}


def _windows(arch: str, languages: set[str]) -> list[str]:
    lines = []
    if languages & (_C_FAMILY | {"Fortran", "Rust", "CUDA"}):
        # Rust on Windows links with MSVC's linker, so it needs the build tools too.
        lines.append(f"C/C++ compiler and linker: {_MSVC[arch]}")
    if "Fortran" in languages:
        if arch == "arm64":
            lines.append(
                "Fortran: MSVC has none; install LLVM flang built for Windows on Arm (e.g. from"
                " conda-forge) and put flang-new on PATH"
            )
        else:
            lines.append(
                "Fortran: MSVC has none; install Intel ifx or MinGW-w64 gfortran"
                " (e.g. from conda-forge or MSYS2)"
            )
    if "Rust" in languages:
        lines.append(
            "Rust: install rustup, then `rustup target add "
            + _RUST_TARGETS[("windows", arch)]
            + "`"
        )
    if "CUDA" in languages:
        lines.append("CUDA: the NVIDIA CUDA toolkit (nvcc) matching the build's requirements")
    return lines


def _linux(platform: Platform, languages: set[str]) -> list[str]:
    musl = platform.libc == "musl"
    lines = []
    packages = []
    if languages & (_C_FAMILY | {"Fortran", "Rust", "CUDA"}):
        packages.append("gcc")
    if languages & {"C++", "Objective-C++", "CUDA"}:
        packages.append("g++")
    if "Fortran" in languages:
        packages.append("gfortran")
    if packages:
        if musl:
            lines.append(
                f"compilers: {', '.join(packages)} (Alpine: `apk add build-base"
                f"{' gfortran' if 'gfortran' in packages else ''} python3-dev`)"
            )
        else:
            debian = ["build-essential", *(["gfortran"] if "gfortran" in packages else [])]
            fedora = [
                p.replace("g++", "gcc-c++").replace("gfortran", "gcc-gfortran") for p in packages
            ]
            lines.append(
                f"compilers: {', '.join(packages)} (Debian/Ubuntu: `apt install"
                f" {' '.join(debian)}`; Fedora/RHEL: `dnf install {' '.join(fedora)}`)"
            )
        lines.append(
            "Python headers for the target Python: python3-dev (Debian/Ubuntu, Alpine) or"
            " python3-devel (Fedora/RHEL)"
        )
    if "Rust" in languages:
        lines.append("Rust: install rustup (distribution rustc is often older than crates need)")
    if "CUDA" in languages:
        lines.append("CUDA: the NVIDIA CUDA toolkit (nvcc) matching the build's requirements")
    return lines


def _macos(languages: set[str]) -> list[str]:
    lines = []
    if languages & (_C_FAMILY | {"Fortran", "Rust", "Swift"}):
        lines.append("C/C++ compiler: Xcode command line tools, `xcode-select --install`")
    if "Fortran" in languages:
        lines.append("Fortran: gfortran from Homebrew, `brew install gcc`")
    if "Rust" in languages:
        lines.append("Rust: install rustup")
    if "CUDA" in languages:
        lines.append("CUDA: not available on macOS; this sdist cannot build there")
    return lines


# Mobile and browser wheels are never built on the device: pip there has no compiler.
_CROSS_BUILDS = {
    "ios": "cross build: on macOS with Xcode, e.g. `cibuildwheel --platform ios`",
    "android": "cross build: with the Android NDK, e.g. `cibuildwheel --platform android`",
    "emscripten": "cross build: with pyodide-build and the Emscripten SDK (`pyodide build`)",
}


def toolchain_advice(needs: BuildNeeds, platform: Platform) -> tuple[str, ...]:
    """One-line instructions to install what building ``needs`` takes on ``platform``.

    Languages only a non-default option enables are named as optional, never as something
    to install; system libraries come with the command that installs them there.
    """
    needs = needs.for_os(platform.os)
    languages = set(needs.languages)
    if not languages:
        return (f"{NO_COMPILER}: pip builds it with its build requirements alone",)
    match platform.os:
        case "windows":
            lines = _windows(platform.arch, languages)
        case "linux":
            lines = _linux(platform, languages)
        case "macos":
            lines = _macos(languages)
        case "ios" | "android" | "emscripten":
            lines = [_CROSS_BUILDS[platform.os]]
    provided = {
        REQUIRE_TOOLS[name]
        for requirement in needs.requires
        if (name := requirement_name(requirement)) in REQUIRE_TOOLS
    }
    # meson-python and scikit-build-core ask pip for their tools (or vendor them, as
    # numpy vendors meson) when they are not on PATH.
    provided |= _BACKEND_TOOLS.get(needs.backend, set())
    tools = [t for t in needs.tools if t in ("meson", "ninja", "cmake")]
    from_pip = [t for t in tools if t in provided]
    if "Cython" in languages:
        from_pip.append("Cython")
    if from_pip:
        lines.append(
            f"{', '.join(from_pip)}: installed by pip from the build requirements, nothing to do"
        )
    on_path = [t for t in tools if t not in provided]
    if on_path:
        lines.append(
            f"{', '.join(on_path)}: not a build requirement, the build runs it from PATH:"
            f" install it (`pip install {' '.join(on_path)}` in the environment pip runs in)"
        )
    if "cargo" in needs.tools and "Rust" not in languages:
        lines.append("cargo: install rustup")
    lines.extend(_library_lines(needs, platform))
    lines.extend(
        f"also: {note}" for note in needs.notes if "needs" in note or "links against" in note
    )
    lines.extend(
        f"optional: {language} ({when}): not used by a default build, nothing to install"
        for language, when, _ in needs.optional
    )
    return tuple(lines)


def _library_lines(needs: BuildNeeds, platform: Platform) -> list[str]:
    lines = []
    for need in sorted(needs.libraries, key=lambda n: not n.required):
        entry = library(need.key)
        when = "" if need.required else " (optional: used when found)"
        lines.append(f"{entry.name}{when}: {install_line(entry, platform)}")
    return lines
