"""Builders for tiny distributions and a fake HTTP server over ``httpx.MockTransport``."""

from __future__ import annotations

import io
import re
import tarfile
import zipfile
from collections.abc import Callable

import httpx

HOST = "http://127.0.0.1:9"


def metadata_text(name: str, version: str, *extra: str, metadata_version: str = "2.1") -> str:
    lines = [f"Metadata-Version: {metadata_version}", f"Name: {name}", f"Version: {version}"]
    return "\n".join([*lines, *extra]) + "\n\n"


def build_zip(files: dict[str, bytes | str], *, stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", compression=method) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def build_wheel(
    name: str,
    version: str,
    *requires: str,
    before: dict[str, bytes | str] | None = None,
    after: dict[str, bytes | str] | None = None,
) -> bytes:
    """A wheel with METADATA; ``before``/``after`` members sit before/after it in the zip."""
    dist_info = f"{name}-{version}.dist-info"
    files: dict[str, bytes | str] = dict(before or {})
    files[f"{dist_info}/METADATA"] = metadata_text(
        name, version, *(f"Requires-Dist: {r}" for r in requires)
    )
    files[f"{dist_info}/WHEEL"] = "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files.update(after or {})
    files[f"{dist_info}/RECORD"] = ""
    return build_zip(files, stored=True)


def build_tar_gz(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tf:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class FakeServer:
    """Routes a path to a callable or to bytes; file bytes honour Range like a CDN does."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[httpx.Request], httpx.Response]] = {}
        self.requests: list[httpx.Request] = []

    def page(self, path: str, body: str | bytes, content_type: str, **headers: str) -> None:
        data = body.encode() if isinstance(body, str) else body

        def respond(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                200, content=data, headers={"content-type": content_type, **headers}
            )

        self.routes[path] = respond

    def file(self, path: str, data: bytes, *, ranges: bool = True) -> None:
        def respond(request: httpx.Request) -> httpx.Response:
            header = request.headers.get("range")
            match = _RANGE.fullmatch(header or "")
            if not ranges or match is None:
                return httpx.Response(200, content=data)
            first, last = match.groups()
            if not first:
                start, end = max(0, len(data) - int(last)), len(data)
            else:
                start, end = int(first), min(len(data), int(last) + 1 if last else len(data))
            return httpx.Response(
                206,
                content=data[start:end],
                headers={"content-range": f"bytes {start}-{end - 1}/{len(data)}"},
            )

        self.routes[path] = respond

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = self.routes.get(request.url.path)
        if route is None:
            return httpx.Response(404)
        return route(request)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handler))

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]
