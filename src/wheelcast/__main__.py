"""``python -m wheelcast`` and the ``wheelcast`` command."""

import sys


def main() -> int:
    """A repeated check is answered from the cache before the rest of wheelcast loads."""
    # Ctrl-C may come while the modules still load (the first few tenths of a second):
    # that is an interrupt like any other, not a traceback.
    try:
        from wheelcast.replay import replay  # noqa: PLC0415 - inside the guard

        status = replay(sys.argv[1:], out=sys.stdout, err=sys.stderr)
        if status is not None:
            return status
        from wheelcast.cli import main as run  # noqa: PLC0415 - the full command

        return run()
    except KeyboardInterrupt:
        print("wheelcast: interrupted", file=sys.stderr)
        return 130


# Guarded: worker processes import the main module (multiprocessing's spawn).
if __name__ == "__main__":
    raise SystemExit(main())
