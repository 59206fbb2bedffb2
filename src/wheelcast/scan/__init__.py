"""``wheelcast scan``: the ecosystem's wheel coverage per platform, month by month.

Each project's one PEP 691 page is read (through the index cache), its files judged for
each target with the same tag ladders and file selection a check uses, and the version pip
would have taken at each month's end rebuilt from the files' upload times
(:mod:`wheelcast.scan.history`). The files and their tags are stored in DuckDB in the
columns of the public PyPI metadata datasets, and the coverage is computed there by the
portable SQL in ``scan/sql/`` (:mod:`wheelcast.scan.coverage_db`), which the Python
verdicts check.
"""
