"""System libraries a build may need, how an sdist names them, and how to install them.

One table, :data:`LIBRARIES`: each entry says how a build script or a source file names the
library (a CMake ``find_package`` name, a pkg-config or meson ``dependency`` name, a linker
name in ``libraries=[...]``, a header it includes, a program setup.py runs) and the package
holding its development files on each target: Debian/Ubuntu (apt), Alpine (apk), Homebrew,
and on Windows vcpkg (or winget where a vendor installer is the usual way). A ``None`` there
means no package is known; ``bundled`` lists the systems whose compiler already ships it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from wheelcast.targets import Platform

__all__ = ["HEADERS", "LIBRARIES", "Library", "install_line", "library", "lookup"]


@dataclass(frozen=True, slots=True)
class Library:
    key: str  # wheelcast's name for it
    name: str  # how people call it
    cmake: tuple[str, ...] = ()  # find_package names
    pkgconfig: tuple[str, ...] = ()  # pkg-config modules, meson dependency() names
    link: tuple[str, ...] = ()  # -l names, setup.py libraries=[...]
    headers: tuple[str, ...] = ()  # include names; "libxml/" stands for a folder
    programs: tuple[str, ...] = ()  # programs a setup script runs to find it
    apt: str | None = None
    apk: str | None = None
    brew: str | None = None
    vcpkg: str | None = None
    winget: str | None = None
    bundled: tuple[str, ...] = ()  # "linux", "macos", "windows": the toolchain provides it


LIBRARIES: Final = (
    Library(
        "zlib",
        "zlib",
        ("ZLIB",),
        ("zlib",),
        ("z", "zlib"),
        ("zlib.h",),
        apt="zlib1g-dev",
        apk="zlib-dev",
        brew="zlib",
        vcpkg="zlib",
    ),
    Library(
        "libjpeg",
        "libjpeg (libjpeg-turbo)",
        ("JPEG", "libjpeg-turbo"),
        ("libjpeg", "libturbojpeg"),
        ("jpeg", "turbojpeg"),
        ("jpeglib.h", "turbojpeg.h"),
        apt="libjpeg-dev",
        apk="libjpeg-turbo-dev",
        brew="jpeg-turbo",
        vcpkg="libjpeg-turbo",
    ),
    Library(
        "libpng",
        "libpng",
        ("PNG",),
        ("libpng", "libpng16"),
        ("png", "png16"),
        ("png.h",),
        apt="libpng-dev",
        apk="libpng-dev",
        brew="libpng",
        vcpkg="libpng",
    ),
    Library(
        "libtiff",
        "libtiff",
        ("TIFF",),
        ("libtiff-4",),
        ("tiff",),
        ("tiffio.h",),
        apt="libtiff-dev",
        apk="tiff-dev",
        brew="libtiff",
        vcpkg="tiff",
    ),
    Library(
        "libwebp",
        "libwebp",
        ("WebP",),
        ("libwebp",),
        ("webp",),
        ("webp/",),
        apt="libwebp-dev",
        apk="libwebp-dev",
        brew="webp",
        vcpkg="libwebp",
    ),
    Library(
        "freetype",
        "FreeType",
        ("Freetype",),
        ("freetype2", "freetype"),
        ("freetype",),
        ("ft2build.h",),
        apt="libfreetype-dev",
        apk="freetype-dev",
        brew="freetype",
        vcpkg="freetype",
    ),
    Library(
        "openssl",
        "OpenSSL",
        ("OpenSSL",),
        ("openssl", "libssl", "libcrypto"),
        ("ssl", "crypto", "libssl", "libcrypto"),
        ("openssl/",),
        apt="libssl-dev",
        apk="openssl-dev",
        brew="openssl@3",
        vcpkg="openssl",
    ),
    Library(
        "libffi",
        "libffi",
        ("FFI", "LibFFI"),
        ("libffi",),
        ("ffi",),
        ("ffi.h",),
        apt="libffi-dev",
        apk="libffi-dev",
        brew="libffi",
        vcpkg="libffi",
    ),
    Library(
        "libpq",
        "PostgreSQL client library (libpq)",
        ("PostgreSQL",),
        ("libpq",),
        ("pq",),
        ("libpq-fe.h",),
        ("pg_config",),
        apt="libpq-dev",
        apk="libpq-dev",
        brew="libpq",
        vcpkg="libpq",
        winget="PostgreSQL.PostgreSQL",
    ),
    Library(
        "mysqlclient",
        "MySQL/MariaDB client library",
        ("MySQL",),
        ("mysqlclient", "libmariadb", "mariadb"),
        ("mysqlclient",),
        ("mysql.h",),
        ("mysql_config", "mariadb_config"),
        apt="default-libmysqlclient-dev",
        apk="mariadb-connector-c-dev",
        brew="mysql-client",
        vcpkg="libmysql",
    ),
    Library(
        "portaudio",
        "PortAudio",
        ("portaudio",),
        ("portaudio-2.0", "portaudio"),
        ("portaudio",),
        ("portaudio.h",),
        apt="portaudio19-dev",
        apk="portaudio-dev",
        brew="portaudio",
        vcpkg="portaudio",
    ),
    Library(
        "libxml2",
        "libxml2",
        ("LibXml2",),
        ("libxml-2.0", "libxml2"),
        ("xml2",),
        ("libxml/",),
        ("xml2-config",),
        apt="libxml2-dev",
        apk="libxml2-dev",
        brew="libxml2",
        vcpkg="libxml2",
    ),
    Library(
        "libxslt",
        "libxslt",
        ("LibXslt",),
        ("libxslt", "libexslt"),
        ("xslt", "exslt"),
        ("libxslt/", "libexslt/"),
        ("xslt-config",),
        apt="libxslt1-dev",
        apk="libxslt-dev",
        brew="libxslt",
        vcpkg="libxslt",
    ),
    Library(
        "libyaml",
        "LibYAML",
        ("yaml",),
        ("yaml-0.1",),
        ("yaml",),
        ("yaml.h",),
        apt="libyaml-dev",
        apk="yaml-dev",
        brew="libyaml",
        vcpkg="libyaml",
    ),
    Library(
        "sqlite3",
        "SQLite",
        ("SQLite3",),
        ("sqlite3",),
        ("sqlite3",),
        ("sqlite3.h",),
        apt="libsqlite3-dev",
        apk="sqlite-dev",
        brew="sqlite",
        vcpkg="sqlite3",
    ),
    Library(
        "bzip2",
        "bzip2",
        ("BZip2",),
        ("bzip2",),
        ("bz2",),
        ("bzlib.h",),
        apt="libbz2-dev",
        apk="bzip2-dev",
        brew="bzip2",
        vcpkg="bzip2",
    ),
    Library(
        "liblzma",
        "liblzma (xz)",
        ("LibLZMA",),
        ("liblzma",),
        ("lzma",),
        ("lzma.h",),
        apt="liblzma-dev",
        apk="xz-dev",
        brew="xz",
        vcpkg="liblzma",
    ),
    Library(
        "libcurl",
        "libcurl",
        ("CURL",),
        ("libcurl",),
        ("curl",),
        ("curl/",),
        ("curl-config",),
        apt="libcurl4-openssl-dev",
        apk="curl-dev",
        brew="curl",
        vcpkg="curl",
    ),
    Library(
        "hdf5",
        "HDF5",
        ("HDF5",),
        ("hdf5",),
        ("hdf5",),
        ("hdf5.h",),
        ("h5cc",),
        apt="libhdf5-dev",
        apk="hdf5-dev",
        brew="hdf5",
        vcpkg="hdf5",
    ),
    Library(
        "gmp",
        "GMP",
        ("GMP",),
        ("gmp",),
        ("gmp",),
        ("gmp.h",),
        apt="libgmp-dev",
        apk="gmp-dev",
        brew="gmp",
        vcpkg="gmp",
    ),
    Library(
        "cairo",
        "cairo",
        ("Cairo",),
        ("cairo",),
        ("cairo",),
        ("cairo.h",),
        apt="libcairo2-dev",
        apk="cairo-dev",
        brew="cairo",
        vcpkg="cairo",
    ),
    Library(
        "libgit2",
        "libgit2",
        ("libgit2",),
        ("libgit2",),
        ("git2",),
        ("git2.h",),
        apt="libgit2-dev",
        apk="libgit2-dev",
        brew="libgit2",
        vcpkg="libgit2",
    ),
    Library(
        "blas",
        "BLAS/LAPACK (OpenBLAS)",
        ("BLAS", "LAPACK", "OpenBLAS"),
        ("openblas", "blas", "lapack", "cblas"),
        ("openblas", "blas", "lapack", "cblas"),
        ("cblas.h",),
        apt="libopenblas-dev",
        apk="openblas-dev",
        brew="openblas",
        vcpkg="openblas",
    ),
    Library(
        "boost",
        "Boost",
        ("Boost",),
        (),
        (),
        ("boost/",),
        apt="libboost-all-dev",
        apk="boost-dev",
        brew="boost",
        vcpkg="boost",
    ),
    Library(
        "libzmq",
        "ZeroMQ (libzmq)",
        ("ZeroMQ", "ZMQ"),
        ("libzmq",),
        ("zmq",),
        ("zmq.h",),
        apt="libzmq3-dev",
        apk="zeromq-dev",
        brew="zeromq",
        vcpkg="zeromq",
    ),
    Library(
        "openmp",
        "OpenMP",
        ("OpenMP",),
        ("openmp",),
        ("gomp", "omp"),
        (),
        brew="libomp",
        bundled=("linux", "windows"),
    ),
)

_INDEX: Final = {
    (kind, name.lower()): entry
    for entry in LIBRARIES
    for kind, names in (
        ("cmake", entry.cmake),
        ("pkgconfig", entry.pkgconfig),
        ("link", entry.link),
        ("header", entry.headers),
        ("program", entry.programs),
    )
    for name in names
}
_BY_KEY: Final = {entry.key: entry for entry in LIBRARIES}
_TRIPLETS: Final = {"amd64": "x64-windows", "arm64": "arm64-windows", "x86": "x86-windows"}
HEADERS: Final = frozenset(h for entry in LIBRARIES for h in entry.headers)


def lookup(kind: str, name: str) -> Library | None:
    """The library a ``kind`` (cmake, pkgconfig, link, header, program) name stands for."""
    found = _INDEX.get((kind, name.lower()))
    if found is None and kind == "header" and "/" in name:
        found = _INDEX.get((kind, name.split("/", 1)[0].lower() + "/"))
    return found


def library(key: str) -> Library:
    return _BY_KEY[key]


def install_line(entry: Library, platform: Platform) -> str:
    """How to install ``entry``'s development files on ``platform``, in one clause."""
    if platform.os in entry.bundled:
        return "ships with the compiler toolchain, nothing to install"
    match platform.os:
        case "linux" if platform.libc == "musl":
            return f"Alpine: `apk add {entry.apk}`" if entry.apk else "no Alpine package known"
        case "linux":
            return (
                f"Debian/Ubuntu: `apt install {entry.apt}`"
                if entry.apt
                else "no Debian package known"
            )
        case "macos":
            return (
                f"Homebrew: `brew install {entry.brew}`"
                if entry.brew
                else "no Homebrew formula known"
            )
        case "ios" | "android" | "emscripten":
            return "cross-compiled for the target with the package; no system package has it"
        case _:
            ways = []
            if entry.vcpkg:
                triplet = _TRIPLETS.get(platform.arch, "x64-windows")
                ways.append(f"vcpkg: `vcpkg install {entry.vcpkg}:{triplet}`")
            if entry.winget:
                ways.append(f"winget: `winget install {entry.winget}`")
            return "; ".join(ways) or "no Windows package known"
