"""Read core metadata out of distribution files without installing or running anything.

Shared by the HTTP and the local sources: a wheel's ``*.dist-info/METADATA`` member, an
sdist's top-level ``PKG-INFO``, and the ``DistMetadata`` built from the raw bytes.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import re
import struct
import tarfile
import zipfile
import zlib
from typing import IO, Any

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from wheelcast.errors import IndexPageError
from wheelcast.index.models import DistMetadata
from wheelcast.runtime import limits

SDIST_SUFFIXES = (".tar.gz", ".zip")
# Every archive form pip takes as an sdist (older projects uploaded .tar.bz2 and more).
ALL_SDIST_SUFFIXES = (".tar.gz", ".zip", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".tgz")
# A PKG-INFO or METADATA larger than this is not metadata: refuse it rather than inflate it.
MAX_METADATA_BYTES = limits.MAX_METADATA_BYTES
_BAD_FILE_HINT = "the index serves a broken distribution file; report it to the project"


DIST_SUFFIXES = (".whl", *SDIST_SUFFIXES)


def is_dist_filename(filename: str) -> bool:
    """True for the files pip considers: wheels and ``.tar.gz`` / ``.zip`` sdists."""
    return filename.endswith(DIST_SUFFIXES)


def version_in_filename(filename: str, name: NormalizedName) -> str:
    """The version as a wheel's or sdist's filename spells it, unparsed; "" if none.

    pip's rule for sdists: the name part is matched canonically, at each dash in turn
    (most names keep their length when normalized, so that dash is tried first).
    """
    if filename.endswith(".whl"):
        parts = filename.split("-")
        return parts[1] if len(parts) >= 5 else ""
    lower = filename.lower()
    if not lower.endswith(ALL_SDIST_SUFFIXES):
        return ""
    suffix = next(s for s in ALL_SDIST_SUFFIXES if lower.endswith(s))
    stem = filename[: -len(suffix)]
    dashes = [i for i, char in enumerate(stem) if char == "-"]
    if len(name) in dashes:
        dashes.remove(len(name))
        dashes.insert(0, len(name))
    for i in dashes:
        if _canonical(stem[:i]) == name:
            return stem[i + 1 :]
    return ""


# A page's sdists spell their project's name the same few ways: normalize each once.
_canonical = functools.lru_cache(maxsize=1024)(canonicalize_name)


def is_sdist(filename: str) -> bool:
    return filename.endswith(SDIST_SUFFIXES)


# PEP 825 (draft): a variant wheel's filename ends in a label of these characters.
_VARIANT_LABEL_RE = re.compile(r"[0-9a-z_.]+")
NULL_VARIANT = "null"
"""The label PEP 825 reserves for the variant with no properties."""


def variant_wheel(filename: str) -> tuple[str, str] | None:
    """(the filename without its label, the label) of a PEP 825 variant wheel, else None.

    The label is one more dash-separated part after the platform tag. With a build tag
    too, the name has seven parts; without, six whose third (a Python tag) does not start
    with a digit, which tells it from a build tag. Installers that predate variants reject
    both forms as invalid, as PEP 825 intends; this names them instead.
    """
    if not filename.endswith(".whl"):
        return None
    parts = filename[:-4].split("-")
    seven = len(parts) == 7  # name, version, build, three tags, label
    six = len(parts) == 6 and not parts[2][:1].isdigit()  # no build tag
    if not (seven or six) or not _VARIANT_LABEL_RE.fullmatch(parts[-1]):
        return None
    base = "-".join(parts[:-1]) + ".whl"
    try:
        parse_wheel_filename(base)
    except (InvalidWheelFilename, InvalidVersion):
        return None
    return base, parts[-1]


def project_of(filename: str) -> NormalizedName | None:
    """The normalized project name in a wheel or sdist filename, or None if it has none."""
    try:
        if filename.endswith(".whl"):
            # A variant wheel belongs to its project's page, to be named there as one.
            variant = variant_wheel(filename)
            return parse_wheel_filename(variant[0] if variant else filename)[0]
        if is_sdist(filename):
            return parse_sdist_filename(filename)[0]
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    return None


def check_sha256(data: bytes, expected: str | None, url: str) -> None:
    if expected is not None and hashlib.sha256(data).hexdigest() != expected.lower():
        raise IndexPageError(
            f"{url}: sha256 does not match the one the index lists",
            hint="a proxy or mirror served a different file; retry with --refresh",
        )


def wheel_metadata_name(names: list[str], filename: str, url: str) -> str:
    """The ``<name>-<version>.dist-info/METADATA`` member of a wheel, as pip chooses it."""
    candidates = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
    if len(candidates) > 1:
        project = project_of(filename)
        matching = [n for n in candidates if canonicalize_name(n.split("-", 1)[0]) == project]
        candidates = matching or candidates
    if len(candidates) != 1:
        raise IndexPageError(
            f"{url}: expected one .dist-info/METADATA in the wheel, found {len(candidates)}",
            hint=_BAD_FILE_HINT,
        )
    return candidates[0]


def zip_directory_problem(fileobj: IO[bytes], max_members: int, max_bytes: int) -> str | None:
    """Why a zip's central directory is too large to parse (None: it is not), from its end
    record alone: ``zipfile.ZipFile`` parses and keeps the whole directory on opening."""
    # zipfile's own reader of the end records (ZIP64 included), so both agree on them.
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:  # pragma: no cover - present in every CPython since 2.x
        return None
    try:
        record: Any = end_record(fileobj)
    except OSError:
        return None  # zipfile words the error
    finally:
        fileobj.seek(0)
    if not record:
        return None
    entries, size = int(record[4]), int(record[5])
    if entries > max_members:
        return f"more than {max_members} members ({entries} listed)"
    if size > max_bytes:
        return f"a central directory of {size} bytes, over the {max_bytes} byte cap"
    return None


def _check_zip(fileobj: IO[bytes], url: str) -> None:
    problem = zip_directory_problem(fileobj, limits.ARCHIVE_MAX_MEMBERS, limits.ZIP_MAX_DIRECTORY)
    if problem is not None:
        raise IndexPageError(f"{url}: refused: {problem}", hint=_BAD_FILE_HINT)


class _CappedStream(io.RawIOBase):
    """The inflated bytes of an archive, refused past ``limits.ARCHIVE_MAX_INFLATED``."""

    def __init__(self, inner: gzip.GzipFile, url: str) -> None:
        self._inner = inner
        self._url = url
        self._total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        self._total += len(data)
        if self._total > limits.ARCHIVE_MAX_INFLATED:
            raise IndexPageError(
                f"{self._url}: refused: inflates past {limits.ARCHIVE_MAX_INFLATED} bytes"
                " before its PKG-INFO",
                hint=_BAD_FILE_HINT,
            )
        buffer[: len(data)] = data
        return len(data)


class RefusedHeader(Exception):
    """A tar header :class:`CappedTarInfo` refuses; ``problem`` says why."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


# The header types whose data tarfile reads whole, into memory, to name the next member.
_RECORD_TYPES = frozenset(
    {tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE, tarfile.GNUTYPE_LONGNAME}
    | {tarfile.GNUTYPE_LONGLINK}
)
_GNU_SPARSE = tarfile.GNUTYPE_SPARSE
_SPARSE = "a sparse file (its map grows with the stream): no sdist tool writes one"


class CappedTarInfo(tarfile.TarInfo):
    """A ``TarInfo`` that refuses, before tarfile reads them into memory, a PAX or GNU
    long-name record over ``limits.TAR_MAX_HEADER_RECORD`` (by its declared size) and a
    sparse member, whose chained map tarfile would collect without bound."""

    def _proc_member(self, tarfile: tarfile.TarFile) -> tarfile.TarInfo:
        if self.type in _RECORD_TYPES and self.size > limits.TAR_MAX_HEADER_RECORD:
            raise RefusedHeader(
                f"a tar header record of {self.size} bytes, over the"
                f" {limits.TAR_MAX_HEADER_RECORD} byte cap"
            )
        if self.type == _GNU_SPARSE:
            raise RefusedHeader(f"member {self.name!r} is {_SPARSE}")
        return super()._proc_member(tarfile)  # type: ignore[misc, no-any-return]

    # PAX spellings of a sparse map (GNU tar 1.14 to 1.28): refused alike.
    def _proc_gnusparse_00(self, *args: object) -> None:
        raise RefusedHeader(f"member {self.name!r} is {_SPARSE}")

    _proc_gnusparse_01 = _proc_gnusparse_00
    _proc_gnusparse_10 = _proc_gnusparse_00


def read_wheel_metadata(fileobj: IO[bytes], filename: str, url: str) -> bytes:
    """The METADATA bytes of a complete wheel given as a seekable file object."""
    try:
        _check_zip(fileobj, url)
        with zipfile.ZipFile(fileobj) as zf:
            name = wheel_metadata_name(zf.namelist(), filename, url)
            if zf.getinfo(name).file_size > MAX_METADATA_BYTES:
                raise IndexPageError(f"{url}: {name} is implausibly large", hint=_BAD_FILE_HINT)
            return zf.read(name)
    # zlib.error: a member whose deflate stream is damaged; NotImplementedError: another
    # compression; ValueError/struct.error: header fields zipfile cannot take.
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        zlib.error,
        NotImplementedError,
        ValueError,
        struct.error,
    ) as exc:
        raise IndexPageError(f"{url}: not a readable wheel: {exc}", hint=_BAD_FILE_HINT) from exc


def _is_top_pkg_info(name: str) -> bool:
    # Only ``<top>/PKG-INFO``; absolute paths and ``..`` parts are never trusted.
    parts = name.split("/")
    return (
        len(parts) == 2
        and parts[1] == "PKG-INFO"
        and not name.startswith("/")
        and parts[0] not in ("", ".", "..")
        and "\\" not in name
    )


def read_sdist_pkg_info(fileobj: IO[bytes], filename: str, url: str) -> bytes:
    """The ``<top>/PKG-INFO`` bytes of an sdist, read in memory without extracting anything."""
    try:
        if filename.endswith(".zip"):
            _check_zip(fileobj, url)
            with zipfile.ZipFile(fileobj) as zf:
                for info in zf.infolist():
                    if _is_top_pkg_info(info.filename) and not info.is_dir():
                        if info.file_size > MAX_METADATA_BYTES:
                            break
                        return zf.read(info)
        else:
            # Stream mode: no seeking, members are visited once, nothing touches the disk;
            # the inflated bytes, the members and each header record are capped.
            unzipped = gzip.GzipFile(fileobj=fileobj, mode="rb")
            inflated = io.BufferedReader(_CappedStream(unzipped, url))
            with unzipped, tarfile.open(fileobj=inflated, mode="r|", tarinfo=CappedTarInfo) as tf:
                for count, member in enumerate(tf, 1):
                    tf.members.clear()  # type: ignore[attr-defined] # kept for random access, which a stream has not
                    if count > limits.ARCHIVE_MAX_MEMBERS:
                        raise IndexPageError(
                            f"{url}: refused: more than {limits.ARCHIVE_MAX_MEMBERS} members",
                            hint=_BAD_FILE_HINT,
                        )
                    if _is_top_pkg_info(member.name) and member.isfile():
                        if member.size > MAX_METADATA_BYTES:
                            break
                        extracted = tf.extractfile(member)
                        if extracted is not None:
                            return extracted.read(MAX_METADATA_BYTES)
    except RefusedHeader as exc:
        raise IndexPageError(f"{url}: refused: {exc.problem}", hint=_BAD_FILE_HINT) from None
    except (
        zipfile.BadZipFile,
        tarfile.TarError,
        OSError,
        EOFError,
        zlib.error,
        NotImplementedError,
        ValueError,
        struct.error,
    ) as exc:
        raise IndexPageError(f"{url}: not a readable sdist: {exc}", hint=_BAD_FILE_HINT) from exc
    raise IndexPageError(f"{url}: the sdist has no top-level PKG-INFO", hint=_BAD_FILE_HINT)


def dependencies_known(raw: bytes) -> bool:
    """PEP 643: an sdist's Requires-Dist is final when Metadata-Version >= 2.2 and not Dynamic."""
    from packaging.metadata import parse_email  # noqa: PLC0415 - email loads on use

    fields, _ = parse_email(raw)
    try:
        version = Version(fields.get("metadata_version", "1.0"))
    except InvalidVersion:
        return False
    dynamic = {d.lower() for d in fields.get("dynamic", [])}
    return version >= Version("2.2") and "requires-dist" not in dynamic


def _check_version(claimed: Version, spelled: str, url: str) -> None:
    try:
        named = Version(spelled)
    except InvalidVersion:
        return  # a file name pip would not parse either: nothing to compare
    if claimed != named:
        raise IndexPageError(
            f"{url}: core metadata is of version {limits.shown(str(claimed))}, the file name says"
            f" {limits.shown(spelled)} (pip drops such a file)",
            hint=_BAD_FILE_HINT,
        )


def to_dist_metadata(
    raw: bytes,
    source: str,
    *,
    from_sdist: bool,
    url: str,
    project: NormalizedName | None = None,
    filename: str | None = None,
) -> DistMetadata:
    """Parse METADATA / PKG-INFO bytes into a ``DistMetadata``.

    Bytes that are not core metadata of ``project`` (no Name, or another project's, as
    pip's "inconsistent name" check finds) raise ``IndexPageError``: taken as they are,
    they would read as a file without dependencies. So does metadata of another version
    than ``filename`` names (pip's "inconsistent version": it drops the file), whose
    dependencies would be read as this version's.
    """
    from packaging.metadata import Metadata  # noqa: PLC0415 - email loads on use

    head = raw.partition(b"\n\n")[0].lower()  # the body (a description) lists nothing
    requires = head.count(b"\nrequires-dist:")
    if requires > limits.MAX_REQUIRES_DIST:
        raise IndexPageError(
            f"{url}: core metadata lists {requires} Requires-Dist lines,"
            f" over the {limits.MAX_REQUIRES_DIST} cap",
            hint=_BAD_FILE_HINT,
        )
    try:
        # validate=False: real-world metadata has minor errors that pip tolerates too.
        metadata = Metadata.from_email(raw, validate=False)
        name = metadata.name  # required even unvalidated: raises if absent
        metadata.version  # noqa: B018 - likewise required; raises if absent
    except (ValueError, LookupError) as exc:
        raise IndexPageError(
            f"{url}: unreadable core metadata: {exc}", hint=_BAD_FILE_HINT
        ) from exc
    if project is not None and canonicalize_name(name) != project:
        raise IndexPageError(
            f"{url}: core metadata names {name!r}, not {project!r}", hint=_BAD_FILE_HINT
        )
    if project is not None and filename is not None:
        _check_version(metadata.version, version_in_filename(filename, project), url)
    known = dependencies_known(raw) if from_sdist else True
    return DistMetadata(metadata=metadata, source=source, dependencies_known=known)
