"""``python -m wheelcast`` and the ``wheelcast`` command."""

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from wheelcast.runtime.interrupts import forget_handled_interrupt, held

EXIT_INTERRUPTED = 130
EXIT_PIPE_CLOSED = 141  # as wheelcast.cli says
EXIT_INPUT = 3


def replay(argv: Sequence[str], *, out: TextIO, err: TextIO) -> int | None:
    """:func:`wheelcast.cache.replay.replay`, loaded when first called (inside ``main``'s guard)."""
    from wheelcast.cache.replay import replay as stored  # noqa: PLC0415

    return stored(argv, out=out, err=err)


# The commands that read an index over the network, and the options that say they will not.
_FETCHING = frozenset({"check", "explain", "fix"})
_NO_REQUESTS = ("--offline", "--no-index", "--help")


def will_fetch(argv: Sequence[str]) -> bool:
    """Whether a run of ``argv`` (not replayed) will make requests, told before wheelcast
    loads: the command is the first word, and argparse takes a long option's prefix."""
    if not argv or argv[0] not in _FETCHING:
        return False
    for word in argv[1:]:
        if word == "--":
            break
        option = word.partition("=")[0]
        if word == "-h" or (
            len(option) > 2
            and option.startswith("--")
            and any(known.startswith(option) for known in _NO_REQUESTS)
        ):
            return False
    return True


def main() -> int:
    """A repeated check is answered from the cache before the rest of wheelcast loads."""
    if sys.stderr is None:  # started with it closed (2>&-): what it would say is dropped
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process
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
            if will_fetch(sys.argv[1:]):
                with held():
                    from wheelcast.index.remote import start_early  # noqa: PLC0415

                start_early()  # it loads the HTTP stack while this process loads the rest
            with held():
                from wheelcast.cli import main as run  # noqa: PLC0415 - the full command
            status = run()
        # What is still buffered goes now, while a closed pipe can be answered.
        if sys.stdout is not None:
            sys.stdout.flush()
    except KeyboardInterrupt:
        print("wheelcast: interrupted", file=sys.stderr)
        status = EXIT_INTERRUPTED
    except BrokenPipeError as error:
        from wheelcast.runtime.stdio import output_closed  # noqa: PLC0415 - only then

        if output_closed(sys.stdout):
            status = EXIT_PIPE_CLOSED
        else:  # another pipe: a bug, said in one line like any other
            from wheelcast.cli import EXIT_INTERNAL, report_internal_error  # noqa: PLC0415

            report_internal_error(error)
            status = EXIT_INTERNAL
    except OSError as error:  # the stored answer's last bytes met a full disk
        print(f"wheelcast: error: cannot write the report to standard output: {error.strerror}"
              " (hint: send it where it can be written, or write it to a file with -o FILE)",
              file=sys.stderr)  # fmt: skip
        status = EXIT_INPUT
    if status == EXIT_INTERRUPTED:
        forget_handled_interrupt()
    return status


# Guarded: worker processes import the main module (multiprocessing's spawn).
if __name__ == "__main__":
    raise SystemExit(main())
