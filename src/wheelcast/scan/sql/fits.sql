-- Every dated file that pip could install on each target, with the rank pip gives it:
-- a wheel's best tag for the target (priority 0 is the best), an sdist below every wheel.
-- Portable SQL (DuckDB, BigQuery, ClickHouse): equality joins and window functions only.
CREATE OR REPLACE VIEW fits AS
WITH
wheel_tags AS (
    SELECT
        f.name, f.filename, f.upload_time, f.yanked, f.requires_python,
        r.version, r.version_rank, r.is_prerelease, tt.target, tt.priority, ft.platform,
        ROW_NUMBER() OVER (PARTITION BY f.filename, tt.target ORDER BY tt.priority) AS tag_order
    FROM files AS f
    JOIN releases AS r ON r.name = f.name AND r.version = f.version
    JOIN file_tags AS ft ON ft.filename = f.filename
    JOIN target_tags AS tt
        ON tt.interpreter = ft.interpreter AND tt.abi = ft.abi AND tt.platform = ft.platform
    WHERE f.packagetype = 'bdist_wheel' AND f.upload_time IS NOT NULL
),
candidates AS (
    SELECT
        name, filename, upload_time, yanked, requires_python, version, version_rank,
        is_prerelease, target, priority,
        CASE WHEN platform = 'any' THEN 'pure' ELSE 'binary' END AS verdict
    FROM wheel_tags
    WHERE tag_order = 1
    UNION ALL
    SELECT
        f.name, f.filename, f.upload_time, f.yanked, f.requires_python, r.version,
        r.version_rank, r.is_prerelease, t.target, t.sdist_priority AS priority,
        'build' AS verdict
    FROM files AS f
    JOIN releases AS r ON r.name = f.name AND r.version = f.version
    CROSS JOIN targets AS t
    WHERE f.packagetype = 'sdist' AND f.upload_time IS NOT NULL
)
SELECT
    c.name, c.filename, c.upload_time, c.yanked, c.version, c.version_rank, c.is_prerelease,
    c.target, c.priority, c.verdict
FROM candidates AS c
LEFT JOIN python_fits AS p ON p.requires_python = c.requires_python AND p.target = c.target
-- no row: no requires-python, or one pip cannot parse (and so ignores)
WHERE COALESCE(p.ok, TRUE);
