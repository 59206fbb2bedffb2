"""Probing an interpreter: run it once with a stdlib-only script, read back JSON.

The script (:data:`SCRIPT`) runs as ``python -I -c SCRIPT``: isolated mode, so neither
``PYTHONPATH`` nor the user's site-packages change what it sees, and it imports nothing
outside the standard library because the interpreter may not have ``packaging``. It
reads the same facts ``packaging.tags.sys_tags()`` and
``packaging.markers.default_environment()`` read (``sysconfig.get_platform()``, glibc
through ``os.confstr``, musl through the ELF interpreter of ``sys.executable`` and its
loader's banner, ``platform.mac_ver()``) and, only if ``packaging`` happens to be
importable there, that interpreter's own ``sys_tags()`` for verification. It is written
for Python 3.6 and newer, so old interpreters are still described.

:func:`interpreter_target` turns an :class:`InterpreterProbe` into a
:class:`~wheelcast.targets.Target` whose tags :func:`wheelcast.targets.tags.compatible_tags`
computes and whose ``environment`` holds the interpreter's real marker values.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, cast

from packaging.tags import Tag

from wheelcast.doctor._run import DEFAULT_TIMEOUT, Runner
from wheelcast.errors import InputError
from wheelcast.targets import Platform, Python, Target
from wheelcast.targets.environment import environment_of

__all__ = [
    "SCRIPT",
    "InterpreterProbe",
    "ProbeError",
    "interpreter_tags",
    "interpreter_target",
    "parse_probe",
    "probe_interpreter",
]

SCHEMA: Final = 1

SCRIPT: Final = r"""
import json, os, platform, struct, subprocess, sys, sysconfig

def full_version(info):
    version = "%d.%d.%d" % (info.major, info.minor, info.micro)
    if info.releaselevel != "final":
        version += info.releaselevel[0] + str(info.serial)
    return version

def glibc():
    try:
        text = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, OSError, ValueError):
        text = None
    if not text:
        try:
            import ctypes
            fn = ctypes.CDLL(None).gnu_get_libc_version
            fn.restype = ctypes.c_char_p
            text = "glibc " + fn().decode("ascii")
        except Exception:
            return None
    parts = text.split()
    return parts[1] if len(parts) == 2 and parts[0] == "glibc" else None

def elf_interpreter(path):
    try:
        with open(path, "rb") as f:
            ident = f.read(16)
            if ident[:4] != b"\x7fELF":
                return None
            bits, order = ident[4], "<" if ident[5] == 1 else ">"
            if bits == 2:
                f.seek(32); (phoff,) = struct.unpack(order + "Q", f.read(8))
                f.seek(54); phentsize, phnum = struct.unpack(order + "HH", f.read(4))
            else:
                f.seek(28); (phoff,) = struct.unpack(order + "I", f.read(4))
                f.seek(42); phentsize, phnum = struct.unpack(order + "HH", f.read(4))
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                header = f.read(phentsize)
                if struct.unpack(order + "I", header[:4])[0] != 3:
                    continue
                if bits == 2:
                    (offset,) = struct.unpack(order + "Q", header[8:16])
                    (size,) = struct.unpack(order + "Q", header[32:40])
                else:
                    (offset,) = struct.unpack(order + "I", header[4:8])
                    (size,) = struct.unpack(order + "I", header[16:20])
                f.seek(offset)
                return f.read(size).rstrip(b"\0").decode("utf-8", "replace")
    except (OSError, struct.error, IndexError):
        return None
    return None

def musl(interpreter):
    if not interpreter or "musl" not in interpreter:
        return None
    try:
        proc = subprocess.Popen([interpreter], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = proc.communicate(timeout=5)[1].decode("utf-8", "replace")
    except Exception:
        return None
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    if len(lines) < 2 or not lines[0].startswith("musl") or not lines[1].startswith("Version "):
        return None
    return lines[1].split()[1]

def mac_version():
    release = platform.mac_ver()[0]
    if release.startswith("10.16"):
        try:
            env = dict(os.environ, SYSTEM_VERSION_COMPAT="0")
            code = "import platform; print(platform.mac_ver()[0])"
            argv = [sys.executable, "-sS", "-c", code]
            out = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE)
            release = out.communicate(timeout=5)[0].decode().strip() or release
        except Exception:
            pass
    return release or None

def packaging_tags():
    try:
        import packaging, packaging.tags
    except Exception:
        return None, None
    try:
        return packaging.__version__, [str(tag) for tag in packaging.tags.sys_tags()]
    except Exception:
        return packaging.__version__, None

def main():
    include = sysconfig.get_paths().get("include") or ""
    interpreter = elf_interpreter(sys.executable) if sys.platform.startswith("linux") else None
    packaging_version, tags = packaging_tags()
    print(json.dumps({
        "schema": 1,
        "executable": sys.executable,
        "realpath": os.path.realpath(sys.executable),
        "prefix": sys.prefix,
        "base_prefix": getattr(sys, "base_prefix", sys.prefix),
        "version": list(sys.version_info[:3]),
        "releaselevel": sys.version_info.releaselevel,
        "implementation": sys.implementation.name,
        "abiflags": getattr(sys, "abiflags", ""),
        "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "pointer_bits": 64 if sys.maxsize > 2 ** 32 else 32,
        "system": platform.system(),
        "machine": platform.machine(),
        "sysconfig_platform": sysconfig.get_platform(),
        "glibc": glibc() if sys.platform.startswith("linux") else None,
        "elf_interpreter": interpreter,
        "musl": musl(interpreter),
        "mac_version": mac_version() if sys.platform == "darwin" else None,
        "environment": {
            "implementation_name": sys.implementation.name,
            "implementation_version": full_version(sys.implementation.version),
            "os_name": os.name,
            "platform_machine": platform.machine(),
            "platform_release": platform.release(),
            "platform_system": platform.system(),
            "platform_version": platform.version(),
            "python_full_version": platform.python_version(),
            "platform_python_implementation": platform.python_implementation(),
            "python_version": ".".join(platform.python_version_tuple()[:2]),
            "sys_platform": sys.platform,
        },
        "include_dir": include,
        "python_h": bool(include) and os.path.isfile(os.path.join(include, "Python.h")),
        "packaging_version": packaging_version,
        "packaging_tags": tags,
    }))

main()
"""
"""The probe, run as ``python -I -c SCRIPT``; prints one JSON object (schema 1)."""

_MARKER_KEYS: Final = frozenset(
    {
        "implementation_name",
        "implementation_version",
        "os_name",
        "platform_machine",
        "platform_release",
        "platform_system",
        "platform_version",
        "python_full_version",
        "platform_python_implementation",
        "python_version",
        "sys_platform",
    }
)
_WINDOWS_ARCH: Final[Mapping[str, str]] = {
    "win-amd64": "amd64",
    "win-arm64": "arm64",
    "win32": "x86",
}


class ProbeError(InputError):
    """An interpreter could not be run, or its probe's output is not what doctor expects."""

    reference = "interpreter-probe-failed"


@dataclass(frozen=True, slots=True)
class InterpreterProbe:
    """What one interpreter said about itself, as plain values.

    ``path`` is the path it was run by (a symlink, a venv's ``bin/python``);
    ``executable`` and ``realpath`` are its ``sys.executable`` and that path resolved.
    Two probes are the same installation when ``(realpath, prefix)`` agree: a venv
    shares its base's binary but not its ``sys.prefix``. ``packaging_tags`` is that
    interpreter's own ``packaging.tags.sys_tags()`` when it has packaging, for
    verification only; wheelcast computes the tags itself (:func:`interpreter_tags`).
    """

    path: str
    executable: str
    realpath: str
    prefix: str
    base_prefix: str
    version: tuple[int, int, int]
    releaselevel: str
    implementation: str
    abiflags: str
    free_threaded: bool
    pointer_bits: int
    system: str
    machine: str
    sysconfig_platform: str
    glibc: tuple[int, int] | None
    musl: tuple[int, int] | None
    mac_version: tuple[int, int] | None
    environment: tuple[tuple[str, str], ...]
    include_dir: str
    python_h: bool
    packaging_version: str | None = None
    packaging_tags: tuple[str, ...] | None = None

    @property
    def is_venv(self) -> bool:
        return self.prefix != self.base_prefix

    @property
    def short_version(self) -> str:
        """``3.12.4``, ``3.13.0t`` for a free-threaded build."""
        return ".".join(map(str, self.version)) + ("t" if self.free_threaded else "")

    @property
    def key(self) -> tuple[str, str]:
        """Identity for deduplication: the resolved binary and the environment's prefix."""
        return (os.path.normcase(self.realpath), os.path.normcase(self.prefix))


def _fail(path: str, why: str) -> ProbeError:
    return ProbeError(
        f"cannot read interpreter {path}: {why}",
        "check that the path is a Python 3 interpreter that runs on this machine",
    )


def _str(data: Mapping[str, object], key: str, path: str, *, optional: bool = False) -> str:
    value = data.get(key)
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise _fail(path, f"probe field {key!r} is not a string")
    return value


def _pair(text: object, path: str, key: str) -> tuple[int, int] | None:
    """``"2.36"`` -> ``(2, 36)``; ``"14.2.1"`` -> ``(14, 2)``; ``"15"`` -> ``(15, 0)``."""
    if text is None or text == "":
        return None
    if not isinstance(text, str):
        raise _fail(path, f"probe field {key!r} is not a version string")
    parts = text.split(".")
    try:
        numbers = [int(part) for part in parts[:2]]
    except ValueError:
        raise _fail(path, f"probe field {key!r} is not a version: {text!r}") from None
    major, minor = (*numbers, 0)[:2]
    return major, minor


def parse_probe(text: str, path: str) -> InterpreterProbe:
    """Parse the probe script's output; ``path`` is what was run. Raises :class:`ProbeError`."""
    try:
        data = json.loads(text.strip().splitlines()[-1] if text.strip() else "")
    except (json.JSONDecodeError, IndexError):
        raise _fail(path, "the probe printed no JSON") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise _fail(path, "the probe printed an unexpected document")
    data = cast("dict[str, object]", data)
    version = data.get("version")
    if (
        not isinstance(version, list)
        or len(version) != 3
        or not all(isinstance(part, int) for part in version)
    ):
        raise _fail(path, "probe field 'version' is not three integers")
    environment = data.get("environment")
    if not isinstance(environment, dict) or set(environment) != _MARKER_KEYS:
        raise _fail(path, "probe field 'environment' is not a marker environment")
    if not all(isinstance(value, str) for value in environment.values()):
        raise _fail(path, "probe field 'environment' has a value that is not a string")
    tags = data.get("packaging_tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        raise _fail(path, "probe field 'packaging_tags' is not a list of strings")
    bits = data.get("pointer_bits")
    if not isinstance(bits, int) or bits not in {32, 64}:
        raise _fail(path, "probe field 'pointer_bits' is not 32 or 64")
    packaging_version = data.get("packaging_version")
    return InterpreterProbe(
        path=path,
        executable=_str(data, "executable", path),
        realpath=_str(data, "realpath", path),
        prefix=_str(data, "prefix", path),
        base_prefix=_str(data, "base_prefix", path),
        version=(version[0], version[1], version[2]),
        releaselevel=_str(data, "releaselevel", path),
        implementation=_str(data, "implementation", path),
        abiflags=_str(data, "abiflags", path, optional=True),
        free_threaded=data.get("gil_disabled") is True,
        pointer_bits=bits,
        system=_str(data, "system", path),
        machine=_str(data, "machine", path),
        sysconfig_platform=_str(data, "sysconfig_platform", path),
        glibc=_pair(data.get("glibc"), path, "glibc"),
        musl=_pair(data.get("musl"), path, "musl"),
        mac_version=_pair(data.get("mac_version"), path, "mac_version"),
        environment=tuple(sorted(cast("dict[str, str]", environment).items())),
        include_dir=_str(data, "include_dir", path, optional=True),
        python_h=data.get("python_h") is True,
        packaging_version=packaging_version if isinstance(packaging_version, str) else None,
        packaging_tags=tuple(tags) if tags is not None else None,
    )


def probe_interpreter(
    path: str, runner: Runner, *, timeout: float = DEFAULT_TIMEOUT
) -> InterpreterProbe:
    """Run ``path -I -c SCRIPT`` once and parse what it prints. Raises :class:`ProbeError`.

    When that fails, the error says which way in one line, never echoing the script
    (a program that is not Python may print its arguments back): no such file, not
    executable, not a Python interpreter, Python 2, or a Python 3 whose probe failed.
    Only then is ``path -V`` run, to tell a Python from another program.
    """
    started = time.monotonic()
    done = runner.run([path, "-I", "-c", SCRIPT], timeout=timeout)
    if done is None:
        raise _not_run(path, runner, timeout, time.monotonic() - started)
    if done.ok:
        try:
            return parse_probe(done.stdout, path)
        except ProbeError as exc:
            failure: ProbeError | None = exc
    else:
        failure = None
    python = _python_version(path, runner, timeout)
    if python is None:  # `-V` gave nothing back either: say what the probe did
        if failure is not None:
            raise failure
        raise ProbeError(
            f"{path} could not run wheelcast's probe"
            f" (it exited {done.returncode}: {_last_line(done.stderr)})",
            _INTERPRETER_HINT,
        )
    if not python:
        how = f"it exited {done.returncode}" if not done.ok else "it printed no probe result"
        raise ProbeError(
            f"{path} is not a Python interpreter ({how} when run as `{path} -I -c <probe>`)",
            _INTERPRETER_HINT,
        )
    if not python.startswith("3."):
        raise ProbeError(
            f"Python {python} at {path} is not supported: wheelcast forecasts for Python 3",
            _INTERPRETER_HINT,
        )
    if failure is not None:
        raise failure
    raise ProbeError(
        f"Python {python} at {path} could not run wheelcast's probe"
        f" (it exited {done.returncode}: {_last_line(done.stderr)})",
        "wheelcast reads interpreters from Python 3.6 on, run as `python -I`;"
        f" check that `{path} -I -c pass` runs",
    )


_INTERPRETER_HINT: Final = (
    "pass the path of a Python 3 interpreter, e.g. /usr/bin/python3, a venv's bin/python"
    " or python.exe"
)
_PYTHON_V: Final = re.compile(r"Python (\d+\.\d+\.\d+\S*)")
_MAX_DETAIL: Final = 160


def _last_line(text: str) -> str:
    """The last line of ``text``, cut to :data:`_MAX_DETAIL` characters."""
    last = (text.strip().splitlines() or ["no output"])[-1].strip()
    return last if len(last) <= _MAX_DETAIL else last[: _MAX_DETAIL - 3] + "..."


def _python_version(path: str, runner: Runner, timeout: float) -> str | None:
    """``2.7.18`` when ``path -V`` answers as a Python does (Python 2 on stderr), ``""``
    when it answers otherwise, ``None`` when it did not run to the end."""
    done = runner.run([path, "-V"], timeout=timeout)
    if done is None:
        return None
    m = _PYTHON_V.fullmatch(done.stdout.strip() or done.stderr.strip())
    return m[1] if m and done.ok else ""


def _not_run(path: str, runner: Runner, timeout: float, elapsed: float) -> ProbeError:
    """Why ``path`` gave nothing back: missing, not executable, too slow, or unstartable."""
    if runner.which(path) is None:
        bare = os.sep not in path and (os.altsep is None or os.altsep not in path)
        if bare:
            return ProbeError(f"{path}: no such program on PATH", _INTERPRETER_HINT)
        if not os.path.exists(path):
            return ProbeError(f"{path}: no such file", _INTERPRETER_HINT)
        if os.path.isdir(path):
            return ProbeError(f"{path} is a directory, not a Python interpreter", _INTERPRETER_HINT)
        return ProbeError(f"{path} is not executable", _INTERPRETER_HINT)
    if elapsed >= timeout:
        return ProbeError(
            f"{path} did not finish wheelcast's probe within {timeout:g} s",
            f"check that `{path} -c pass` runs and returns",
        )
    return ProbeError(
        f"{path} could not be started (not a program this machine runs)", _INTERPRETER_HINT
    )


def _linux_arch(probe: InterpreterProbe) -> str:
    # The same steps as wheelcast.targets._host._linux_arch, on the probed values.
    plat = probe.sysconfig_platform.replace(".", "_").replace("-", "_").replace(" ", "_")
    arch = plat.split("_", 1)[1] if plat.startswith("linux_") else probe.machine
    if probe.pointer_bits == 32:
        arch = {"x86_64": "i686", "aarch64": "armv7l"}.get(arch, arch)
    return arch


def _platform(probe: InterpreterProbe) -> Platform:
    if probe.system == "Windows":
        arch = _WINDOWS_ARCH.get(probe.sysconfig_platform, probe.machine.lower())
        return Platform("windows", arch)
    if probe.system == "Darwin":
        if probe.mac_version is None:
            raise ValueError("the macOS version is unknown")
        # packaging reads the arch from platform.mac_ver()[2]; under Rosetta a x86_64
        # Python says x86_64 there, as sysconfig's platform does.
        arch = probe.sysconfig_platform.rsplit("-", 1)[-1]
        arch = probe.machine if arch in {"universal2", "intel", "fat"} else arch
        return Platform("macos", arch, macos_version=probe.mac_version)
    if probe.system == "Linux":
        libc: Literal["glibc", "musl"] | None = None
        libc_version = None
        if probe.glibc is not None:
            libc, libc_version = "glibc", probe.glibc
        elif probe.musl is not None:
            libc, libc_version = "musl", probe.musl
        return Platform("linux", _linux_arch(probe), libc, libc_version)
    raise ValueError(f"the system {probe.system!r} is not one wheelcast models")


def interpreter_target(probe: InterpreterProbe, name: str | None = None) -> Target:
    """The target ``pip install`` run by this interpreter sees: its platform, its Python
    and its real marker environment. ``name`` defaults to the path it was run by.

    Raises :class:`ProbeError` for an interpreter wheelcast cannot model (not CPython 3,
    an operating system other than Linux, Windows or macOS).
    """
    if probe.implementation != "cpython":
        raise _fail(probe.path, f"it is {probe.implementation}; wheelcast models CPython only")
    try:
        python = Python(version=probe.version, free_threaded=probe.free_threaded)
        platform = _platform(probe)
    except ValueError as exc:
        raise _fail(probe.path, str(exc)) from exc
    return Target(name or probe.path, platform, python, probe.environment)


def interpreter_tags(probe: InterpreterProbe) -> tuple[Tag, ...]:
    """The interpreter's compatible tags, best first, computed by wheelcast (not by the
    interpreter, which may lack packaging). Raises :class:`ProbeError` like
    :func:`interpreter_target`."""
    return environment_of(interpreter_target(probe)).tags
