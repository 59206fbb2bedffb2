"""What a missing build tool looks like in a build's output, and what to install.

One table, data only: each row is the text a tool's absence prints (as regular
expressions, matched case-insensitively line by line), the tool it means, and the install
command per platform family. The rows are ordered most specific first: a log that says
both "portaudio.h: No such file" and "command 'gcc' failed" lacks the header, not gcc.
"""

# ruff: noqa: E501 - tables of log messages read better one message a line
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final, Literal

from wheelcast.runtime.limits import MAX_LOG_GAP

Family = Literal["windows", "windows-arm64", "macos", "debian", "alpine", "rhel"]

__all__ = ["SIGNATURES", "Family", "ToolSignature"]


@dataclass(frozen=True, slots=True)
class ToolSignature:
    key: str  # stable id, used in the JSON document and the fixtures
    tool: str  # what is missing, in a few words
    meaning: str  # what the message means
    patterns: tuple[re.Pattern[str], ...]
    install: tuple[tuple[Family, str], ...] = field(default=())
    compiler: bool = False  # a C/C++ compiler: on Windows, the MSVC build tools

    def install_for(self, family: Family) -> str:
        table = dict(self.install)
        if family == "windows-arm64" and family not in table:
            family = "windows"
        return table.get(family, "")


def _rx(*texts: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(t, re.IGNORECASE) for t in texts)


_MSVC = (
    "Visual Studio Build Tools with the 'Desktop development with C++' workload"
    " (winget install Microsoft.VisualStudio.2022.BuildTools)"
)
_MSVC_ARM64 = (
    "Visual Studio Build Tools with the 'Desktop development with C++' workload and the"
    " 'MSVC ARM64 build tools' component (winget install Microsoft.VisualStudio.2022.BuildTools"
    ' --override "--add Microsoft.VisualStudio.Workload.VCTools'
    ' --add Microsoft.VisualStudio.Component.VC.Tools.ARM64")'
)
_C: tuple[tuple[Family, str], ...] = (
    ("windows", _MSVC),
    ("windows-arm64", _MSVC_ARM64),
    ("macos", "xcode-select --install"),
    ("debian", "apt-get install build-essential python3-dev"),
    ("alpine", "apk add build-base python3-dev"),
    ("rhel", "dnf install gcc gcc-c++ python3-devel"),
)

SIGNATURES: Final[tuple[ToolSignature, ...]] = (
    ToolSignature(
        "portaudio-headers",
        "PortAudio headers (portaudio.h)",
        "the C extension includes portaudio.h, which is not installed",
        _rx(
            r"portaudio\.h['\"]?:? (?:No such file|file not found)",
            r"Cannot open include file: 'portaudio\.h'",
        ),
        (
            (
                "windows",
                "no build needed on a Python with a PyAudio wheel; else vcpkg install portaudio",
            ),
            ("macos", "brew install portaudio"),
            ("debian", "apt-get install portaudio19-dev"),
            ("alpine", "apk add portaudio-dev"),
            ("rhel", "dnf install portaudio-devel"),
        ),
    ),
    ToolSignature(
        "pg-config",
        "PostgreSQL client development files (pg_config)",
        "psycopg2 builds against libpq and finds it through pg_config, which is not on PATH",
        _rx(
            r"pg_config executable not found",
            r"pg_config is required to build",
            r"libpq-fe\.h['\"]?:? (?:No such file|file not found)",
        ),
        (
            (
                "windows",
                "install PostgreSQL and add its bin folder to PATH, or use psycopg2-binary",
            ),
            ("macos", "brew install libpq (or use psycopg2-binary)"),
            ("debian", "apt-get install libpq-dev (or use psycopg2-binary)"),
            ("alpine", "apk add postgresql-dev"),
            ("rhel", "dnf install libpq-devel"),
        ),
    ),
    ToolSignature(
        "mysql-config",
        "MySQL/MariaDB client development files (mysql_config)",
        "mysqlclient finds the client library through mysql_config or pkg-config",
        _rx(
            r"mysql_config:? (?:not found|command not found)",
            r"mysql_config not found",
            r"mysql\.h['\"]?:? (?:No such file|file not found)",
            rf"Can not find valid pkg-config name.{{0,{MAX_LOG_GAP}}}mysql",
            r"pkg-config --exists mysqlclient' returned non-zero exit status 1\.",
        ),
        (
            ("macos", "brew install mysql-client pkg-config"),
            ("debian", "apt-get install default-libmysqlclient-dev pkg-config"),
            ("alpine", "apk add mariadb-dev"),
            ("rhel", "dnf install mysql-devel"),
        ),
    ),
    ToolSignature(
        "libxml2-xslt",
        "libxml2 and libxslt development files",
        "lxml builds against libxml2/libxslt and finds them through xslt-config/xml2-config",
        _rx(
            r"xslt-config",
            r"xml2-config",
            r"libxml/\w+\.h['\"]?:? (?:No such file|file not found)",
            r"Please make sure the libxml2 and libxslt development packages are installed",
        ),
        (
            ("macos", "brew install libxml2 libxslt"),
            ("debian", "apt-get install libxml2-dev libxslt1-dev"),
            ("alpine", "apk add libxml2-dev libxslt-dev"),
            ("rhel", "dnf install libxml2-devel libxslt-devel"),
        ),
    ),
    ToolSignature(
        "ffi-headers",
        "libffi development files (ffi.h)",
        "cffi's C extension includes ffi.h, which is not installed",
        _rx(
            r"ffi\.h['\"]?:? (?:No such file|file not found)",
            r"Package libffi was not found in the pkg-config search path",
        ),
        (
            ("macos", "brew install libffi"),
            ("debian", "apt-get install libffi-dev"),
            ("alpine", "apk add libffi-dev"),
            ("rhel", "dnf install libffi-devel"),
        ),
    ),
    ToolSignature(
        "openssl-headers",
        "OpenSSL development files",
        "the build includes OpenSSL's headers, which are not installed",
        _rx(
            r"openssl/\w+\.h['\"]?:? (?:No such file|file not found)",
            r"Could not find (?:directory of )?OpenSSL",
            r"failed to run custom build command for .openssl-sys",
        ),
        (
            ("windows", "vcpkg install openssl, and set OPENSSL_DIR"),
            ("macos", "brew install openssl@3"),
            ("debian", "apt-get install libssl-dev pkg-config"),
            ("alpine", "apk add openssl-dev"),
            ("rhel", "dnf install openssl-devel"),
        ),
    ),
    ToolSignature(
        "zlib-headers",
        "zlib development files (zlib.h)",
        "the build includes zlib.h, which is not installed",
        _rx(
            r"zlib\.h['\"]?:? (?:No such file|file not found)",
        ),
        (
            ("macos", "xcode-select --install"),
            ("debian", "apt-get install zlib1g-dev"),
            ("alpine", "apk add zlib-dev"),
            ("rhel", "dnf install zlib-devel"),
        ),
    ),
    ToolSignature(
        "jpeg-headers",
        "libjpeg development files (jpeglib.h)",
        "the build includes jpeglib.h (Pillow and friends), which is not installed",
        _rx(
            r"jpeglib\.h['\"]?:? (?:No such file|file not found)",
        ),
        (
            ("macos", "brew install jpeg"),
            ("debian", "apt-get install libjpeg-dev"),
            ("alpine", "apk add jpeg-dev"),
            ("rhel", "dnf install libjpeg-turbo-devel"),
        ),
    ),
    ToolSignature(
        "ldap-headers",
        "OpenLDAP and SASL development files (lber.h, sasl.h)",
        "python-ldap includes OpenLDAP's and Cyrus SASL's headers, which are not installed",
        _rx(
            r"lber\.h['\"]?:? (?:No such file|file not found)",
            r"ldap\.h['\"]?:? (?:No such file|file not found)",
            r"sasl/sasl\.h['\"]?:? (?:No such file|file not found)",
        ),
        (
            ("macos", "brew install openldap cyrus-sasl"),
            ("debian", "apt-get install libldap2-dev libsasl2-dev"),
            ("alpine", "apk add openldap-dev cyrus-sasl-dev"),
            ("rhel", "dnf install openldap-devel cyrus-sasl-devel"),
        ),
    ),
    ToolSignature(
        "krb5-headers",
        "Kerberos development files (krb5.h, gssapi.h)",
        "the build includes the Kerberos headers, which are not installed",
        _rx(
            r"krb5\.h['\"]?:? (?:No such file|file not found)",
            r"gssapi/gssapi\.h['\"]?:? (?:No such file|file not found)",
            r"gssapi\.h['\"]?:? (?:No such file|file not found)",
        ),
        (
            ("macos", "brew install krb5"),
            ("debian", "apt-get install libkrb5-dev"),
            ("alpine", "apk add krb5-dev"),
            ("rhel", "dnf install krb5-devel"),
        ),
    ),
    ToolSignature(
        "hdf5-headers",
        "HDF5 development files (hdf5.h)",
        "h5py or tables builds against HDF5, which is not installed",
        _rx(
            r"hdf5\.h['\"]?:? (?:No such file|file not found)",
        ),
        (
            ("macos", "brew install hdf5"),
            ("debian", "apt-get install libhdf5-dev"),
            ("alpine", "apk add hdf5-dev"),
            ("rhel", "dnf install hdf5-devel"),
        ),
    ),
    ToolSignature(
        "cairo-headers",
        "cairo development files (cairo.h)",
        "the build includes cairo.h (pycairo), which is not installed",
        _rx(
            r"cairo\.h['\"]?:? (?:No such file|file not found)",
        ),
        (
            ("macos", "brew install cairo pkg-config"),
            ("debian", "apt-get install libcairo2-dev pkg-config"),
            ("alpine", "apk add cairo-dev pkgconf"),
            ("rhel", "dnf install cairo-devel pkgconf-pkg-config"),
        ),
    ),
    ToolSignature(
        "python-headers",
        "Python development headers (Python.h)",
        "a compiler ran but this Python's headers are not installed",
        _rx(
            r"Python\.h['\"]?:? (?:No such file|file not found)",
            r"Cannot open include file: 'Python\.h'",
        ),
        (
            ("macos", "use a Python from python.org, Homebrew or uv (they ship headers)"),
            ("debian", "apt-get install python3-dev (python3.X-dev for the Python in use)"),
            ("alpine", "apk add python3-dev"),
            ("rhel", "dnf install python3-devel"),
        ),
    ),
    ToolSignature(
        "c-headers",
        "the development files of a C library",
        "the build includes a header no installed package provides: install the library's -dev/-devel package",
        _rx(
            r"fatal error: [\w/.+-]+\.h['\"]?:? (?:No such file|file not found)",
            r"Cannot open include file: '[\w/.+-]+\.h'",
        ),
        (
            ("macos", "brew install the library the header belongs to"),
            ("debian", "apt-get install the library's -dev package (apt-file search HEADER.h)"),
            ("alpine", "apk add the library's -dev package"),
            ("rhel", "dnf install the library's -devel package (dnf provides '*/HEADER.h')"),
        ),
    ),
    ToolSignature(
        "rust",
        "a Rust compiler (rustc and cargo)",
        "the package has a Rust extension (setuptools-rust or maturin) and no Rust toolchain is on PATH",
        _rx(
            r"can'?t find Rust compiler",
            r"cargo:? (?:command )?not found",
            r"Cargo, the Rust package manager, is not installed",
            r"could not find `cargo`",
            r"rustc:? (?:command )?not found",
            r"Cargo metadata failed\. Do you have cargo in your PATH",  # maturin's
        ),
        (
            ("windows", "winget install Rustlang.Rustup (then rustup default stable)"),
            ("macos", "rustup (https://rustup.rs), or brew install rust"),
            ("debian", "apt-get install rustc cargo, or rustup"),
            ("alpine", "apk add rust cargo"),
            ("rhel", "dnf install rust cargo"),
        ),
    ),
    ToolSignature(
        "fortran",
        "a Fortran compiler",
        "the build needs a Fortran compiler (gfortran, flang, ifort) and none was found",
        _rx(
            r"No Fortran compiler found",
            r"Unknown compiler\(s\): \[\['(?:ifort|gfortran)'\]",
            r"gfortran:? (?:command )?not found",
            rf"Fortran compiler .{{0,{MAX_LOG_GAP}}}not found",
        ),
        (
            ("windows", "conda install -c conda-forge gfortran, or MSYS2/mingw-w64 gfortran"),
            ("macos", "brew install gcc (provides gfortran)"),
            ("debian", "apt-get install gfortran"),
            ("alpine", "apk add gfortran"),
            ("rhel", "dnf install gcc-gfortran"),
        ),
    ),
    ToolSignature(
        "cmake",
        "CMake",
        "the build runs CMake and it is not installed (or not on PATH)",
        _rx(
            r"CMake must be installed",
            r"cmake:? (?:command )?not found",
            r"Could not find CMake",
            r"No such file or directory: 'cmake'",
            r"CMake is not installed",
            r"Problem with the CMake installation",
        ),
        (
            ("windows", "winget install Kitware.CMake (or pip install cmake)"),
            ("macos", "brew install cmake"),
            ("debian", "apt-get install cmake"),
            ("alpine", "apk add cmake"),
            ("rhel", "dnf install cmake"),
        ),
    ),
    ToolSignature(
        "pkg-config",
        "pkg-config",
        "the build looks up a system library through pkg-config, which is not installed",
        _rx(
            r"pkg-config:? (?:command )?not found",
            r"Did not find pkg-config",
            r"pkg-config (?:binary|executable) (?:not found|could not be found)",
            r"Found pkg-config: NO",
        ),
        (
            ("windows", "choco install pkgconfiglite"),
            ("macos", "brew install pkg-config"),
            ("debian", "apt-get install pkg-config"),
            ("alpine", "apk add pkgconf"),
            ("rhel", "dnf install pkgconf-pkg-config"),
        ),
    ),
    ToolSignature(
        "msvc",
        "the Microsoft C/C++ build tools (MSVC)",
        "no Microsoft C/C++ compiler is installed for this Python's architecture",
        _rx(
            r"Microsoft Visual C\+\+ \d+\.\d+(?: or greater)? is required",
            r"Unable to find vcvarsall\.bat",
        ),
        _C,
        compiler=True,
    ),
    ToolSignature(
        "c-compiler",
        "a C compiler",
        "the build needs a C compiler and none was found on PATH",
        _rx(
            r"Unknown compiler\(s\): \[\['(?:icl|cl|cc|gcc|clang|c\+\+|g\+\+|clang\+\+)'\]",
            r"error trying to exec 'cc1plus'",
            r"(?:gcc|cc|clang|x86_64-linux-gnu-gcc|aarch64-linux-gnu-gcc):? (?:command )?not found",
            r"unable to execute '?(?:gcc|cc|clang|x86_64-linux-gnu-gcc)'?: No such file or directory",
            r"error: command '[^']*(?:gcc|cc|clang)' failed: No such file or directory",
            r"No such file or directory: '(?:gcc|cc|clang)'",
            r"psutil could not be installed from sources because gcc is not installed",
            r"xcrun: error: invalid active developer path",
            r"CMAKE_C_COMPILER not set",
            r"Failed to activate VS environment",
        ),
        _C,
        compiler=True,
    ),
    ToolSignature(
        "build-requirement",
        "a Python package the build imports",
        "the build backend imports a package its build environment lacks (undeclared in"
        " build-system.requires, or build isolation is off)",
        _rx(
            r"ModuleNotFoundError: No module named '(?:pybind11|numpy|Cython|setuptools|skbuild|torch|wheel)'"
        ),
        (
            ("windows", "pip install the named module, then retry with --no-build-isolation"),
            ("macos", "pip install the named module, then retry with --no-build-isolation"),
            ("debian", "pip install the named module, then retry with --no-build-isolation"),
            ("alpine", "pip install the named module, then retry with --no-build-isolation"),
        ),
    ),
)
"""Most specific first: the first row any line matches is the diagnosis."""
