"""``python -m wheelcast`` and the ``wheelcast`` command."""

import sys

from wheelcast._interrupts import forget_handled_interrupt, held

EXIT_INTERRUPTED = 130


def main() -> int:
    """A repeated check is answered from the cache before the rest of wheelcast loads."""
    try:
        # Ctrl-C in the first tenths of a second, while the modules load, waits for the
        # end of the import (see wheelcast._interrupts) and is answered like any other.
        with held():
            from wheelcast.replay import replay  # noqa: PLC0415 - inside the guard
        status = replay(sys.argv[1:], out=sys.stdout, err=sys.stderr)
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
