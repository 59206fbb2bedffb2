from wheelcast.cli import main

# Guarded: worker processes import the main module (multiprocessing's spawn).
if __name__ == "__main__":
    raise SystemExit(main())
