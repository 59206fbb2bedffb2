-- The verdict pip would give for each project, target and month: the best fit uploaded
-- before the month's cutoff, yanked files passed over, pre-releases only when no final
-- release fits. `listed`: the project had a file on the index by then.
-- Portable SQL (DuckDB, BigQuery, ClickHouse); reads the view of fits.sql.
WITH
dated AS (
    SELECT
        m.month, fi.name, fi.target, fi.version, fi.version_rank, fi.priority, fi.verdict,
        fi.yanked, fi.is_prerelease,
        MAX(CASE WHEN fi.is_prerelease THEN 0 ELSE 1 END)
            OVER (PARTITION BY m.month, fi.name, fi.target) AS any_final
    FROM fits AS fi
    CROSS JOIN months AS m
    WHERE fi.upload_time < m.cutoff
),
ranked AS (
    SELECT
        month, name, target, version, verdict,
        ROW_NUMBER() OVER (
            PARTITION BY month, name, target ORDER BY version_rank DESC, priority ASC
        ) AS choice
    FROM dated
    WHERE NOT yanked AND (any_final = 0 OR NOT is_prerelease)
),
listed AS (
    SELECT name, MIN(upload_time) AS first_upload FROM files GROUP BY name
)
SELECT
    p.name, t.target, m.month,
    COALESCE(r.verdict, 'missing') AS verdict,
    r.version,
    COALESCE(l.first_upload < m.cutoff, FALSE) AS listed
FROM projects AS p
CROSS JOIN targets AS t
CROSS JOIN months AS m
LEFT JOIN listed AS l ON l.name = p.name
LEFT JOIN ranked AS r
    ON r.name = p.name AND r.target = t.target AND r.month = m.month AND r.choice = 1
ORDER BY p.name, t.target, m.month;
