"""``python -m wheelcast`` and the ``wheelcast`` command."""

import sys
from collections.abc import Sequence
from typing import TextIO

from wheelcast.runtime.interrupts import forget_handled_interrupt, held

EXIT_INTERRUPTED = 130
EXIT_PIPE_CLOSED = 141  # as wheelcast.cli says


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
        except BrokenPipeError:
            raise
        except Exception:  # a stored answer that cannot be replayed is a miss
            status = None
        if status is None:
            with held():
                from wheelcast.cli import main as run  # noqa: PLC0415 - the full command
            status = run()
        # What is still buffered goes now, while a closed pipe can be answered.
        sys.stdout.flush()
    except KeyboardInterrupt:
        print("wheelcast: interrupted", file=sys.stderr)
        status = EXIT_INTERRUPTED
    except BrokenPipeError as error:
        from wheelcast.runtime.pipe import output_closed  # noqa: PLC0415 - only then

        if output_closed(sys.stdout):
            status = EXIT_PIPE_CLOSED
        else:  # another pipe: a bug, said in one line like any other
            from wheelcast.cli import EXIT_INTERNAL, report_internal_error  # noqa: PLC0415

            report_internal_error(error)
            status = EXIT_INTERNAL
    if status == EXIT_INTERRUPTED:
        forget_handled_interrupt()
    return status


# Guarded: worker processes import the main module (multiprocessing's spawn).
if __name__ == "__main__":
    raise SystemExit(main())
