-- For each project and target: when it first shipped a fitting wheel (a final release,
-- not yanked), and the newest final release with a fitting sdist but no fitting wheel.
-- Portable SQL (DuckDB, BigQuery, ClickHouse); reads the view of fits.sql.
WITH
wheels AS (
    SELECT name, target, MIN(upload_time) AS first_wheel
    FROM fits
    WHERE verdict <> 'build' AND NOT yanked AND NOT is_prerelease
    GROUP BY name, target
),
release_kinds AS (
    SELECT
        name, target, version_rank, MAX(version) AS version,
        MAX(CASE WHEN verdict = 'build' THEN 1 ELSE 0 END) AS has_sdist,
        MAX(CASE WHEN verdict = 'build' THEN 0 ELSE 1 END) AS has_wheel
    FROM fits
    WHERE NOT yanked AND NOT is_prerelease
    GROUP BY name, target, version_rank
),
sdist_only AS (
    SELECT
        name, target, version,
        ROW_NUMBER() OVER (PARTITION BY name, target ORDER BY version_rank DESC) AS n
    FROM release_kinds
    WHERE has_sdist = 1 AND has_wheel = 0
)
SELECT p.name, t.target, w.first_wheel, s.version AS last_sdist_only
FROM projects AS p
CROSS JOIN targets AS t
LEFT JOIN wheels AS w ON w.name = p.name AND w.target = t.target
LEFT JOIN sdist_only AS s ON s.name = p.name AND s.target = t.target AND s.n = 1
ORDER BY p.name, t.target;
