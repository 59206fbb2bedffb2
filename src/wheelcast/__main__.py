"""``python -m wheelcast`` and the ``wheelcast`` command."""

import sys
from collections.abc import Sequence
from typing import TextIO

from wheelcast.runtime.interrupts import forget_handled_interrupt, held

EXIT_INTERRUPTED = 130


def replay(argv: Sequence[str], *, out: TextIO, err: TextIO) -> int | None:
    """:func:`wheelcast.cache.replay.replay`, loaded when first called (inside ``main``'s guard)."""
    from wheelcast.cache.replay import replay as stored  # noqa: PLC0415

    return stored(argv, out=out, err=err)


def main() -> int:
    """A repeated check is answered from the cache before the rest of wheelcast loads."""
    try:
        # Ctrl-C in the first tenths of a second, while the modules load, waits for the
        # end of the import (see wheelcast.runtime.interrupts) and is answered like any other.
        with held():
            import wheelcast.cache.replay  # noqa: F401, PLC0415 - loaded inside the guard
        try:
            status = replay(sys.argv[1:], out=sys.stdout, err=sys.stderr)
        except Exception:  # a stored answer that cannot be replayed is a miss
            status = None
        if status is None:
            with held():
                from wheelcast.cli import main as run  # noqa: PLC0415 - the full command
            status = run()
    except KeyboardInterrupt:
        print("wheelcast: interrupted", file=sys.stderr)
        status = EXIT_INTERRUPTED
    if status == EXIT_INTERRUPTED:
        forget_handled_interrupt()
    return status


# Guarded: worker processes import the main module (multiprocessing's spawn).
if __name__ == "__main__":
    raise SystemExit(main())
