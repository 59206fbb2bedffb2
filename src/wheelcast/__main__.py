"""``python -m wheelcast`` and the ``wheelcast`` command."""

import sys

from wheelcast.replay import replay


def main() -> int:
    """A repeated check is answered from the cache before the rest of wheelcast loads."""
    try:
        status = replay(sys.argv[1:], out=sys.stdout, err=sys.stderr)
    except Exception:  # a stored answer that cannot be replayed is a miss
        status = None
    if status is not None:
        return status
    from wheelcast.cli import main as run  # noqa: PLC0415 - the full command

    return run()


# Guarded: worker processes import the main module (multiprocessing's spawn).
if __name__ == "__main__":
    raise SystemExit(main())
