-- For each project, target and CPython release (python_releases): the days from the
-- release to the project's first fitting binary wheel of a final release, not yanked; 0
-- when it came before (built against a release candidate, or abi3); NULL: none yet.
-- Counted: projects on the index before the release that ship binary wheels for the
-- target's platform under some scanned Python (a pure project lags no CPython).
-- Portable SQL (DuckDB, BigQuery, ClickHouse): day counts come from the `days` table by
-- an equality join, as date arithmetic is spelled differently by each engine; reads the
-- view of fits.sql.
WITH
first_binary AS (
    SELECT name, target, MIN(upload_time) AS first_wheel
    FROM fits
    WHERE verdict = 'binary' AND NOT yanked AND NOT is_prerelease
    GROUP BY name, target
),
binary_platforms AS (
    SELECT fb.name, t.platform, COUNT(*) AS n
    FROM first_binary AS fb
    JOIN targets AS t ON t.target = fb.target
    GROUP BY fb.name, t.platform
),
first_uploads AS (
    SELECT name, MIN(upload_time) AS first_upload FROM files GROUP BY name
)
SELECT
    p.name, p.project_rank, t.target, t.platform, t.python, r.released, w.first_wheel,
    CASE
        WHEN w.first_wheel IS NULL THEN NULL
        WHEN w.first_wheel < r.released THEN 0
        ELSE d.day_number - r.day_number
    END AS lag_days
FROM projects AS p
JOIN first_uploads AS u ON u.name = p.name
CROSS JOIN targets AS t
JOIN python_releases AS r ON r.python = t.python
JOIN binary_platforms AS bp ON bp.name = p.name AND bp.platform = t.platform
LEFT JOIN first_binary AS w ON w.name = p.name AND w.target = t.target
LEFT JOIN days AS d ON d.day = CAST(w.first_wheel AS DATE)
WHERE u.first_upload < r.released
ORDER BY p.name, t.platform, r.released;
