-- The scan's tables. `files` has the columns of the public PyPI metadata datasets
-- (BigQuery's and ClickHouse's); the others are derived by wheelcast from them.
CREATE TABLE IF NOT EXISTS files (
    name VARCHAR,             -- normalized project name
    version VARCHAR,          -- the version in the filename, normalized; NULL if unreadable
    filename VARCHAR,
    packagetype VARCHAR,      -- bdist_wheel, sdist, bdist_egg, ...
    upload_time TIMESTAMP,    -- UTC
    requires_python VARCHAR,
    yanked BOOLEAN
);
-- one row per wheel file x tag triple, as packaging reads the filename (compressed tag sets expanded)
CREATE TABLE IF NOT EXISTS file_tags (filename VARCHAR, interpreter VARCHAR, abi VARCHAR, platform VARCHAR);
-- each project's versions ordered as PEP 440 orders them (equal versions share a rank)
CREATE TABLE IF NOT EXISTS releases (name VARCHAR, version VARCHAR, version_rank INTEGER, is_prerelease BOOLEAN);
-- the projects scanned (rank and downloads from the list given)
CREATE TABLE IF NOT EXISTS projects (name VARCHAR, project_rank INTEGER, downloads BIGINT, page_digest VARCHAR, run_id INTEGER);
CREATE TABLE IF NOT EXISTS runs (run_id INTEGER, started TIMESTAMP, finished TIMESTAMP);
-- the targets, their tags best first (priority 0 is the best), and which requires-python each accepts
CREATE TABLE IF NOT EXISTS targets (target VARCHAR, platform VARCHAR, python VARCHAR, sdist_priority INTEGER);
CREATE TABLE IF NOT EXISTS target_tags (target VARCHAR, interpreter VARCHAR, abi VARCHAR, platform VARCHAR, priority INTEGER);
CREATE TABLE IF NOT EXISTS python_fits (requires_python VARCHAR, target VARCHAR, ok BOOLEAN);
-- each month (its first day), and year * 12 + month - 1: what an upload's EXTRACTs give
CREATE TABLE IF NOT EXISTS months (month DATE, month_index BIGINT);
