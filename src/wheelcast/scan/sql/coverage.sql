-- The verdict pip would give for each project, target and month: the best fit uploaded
-- before the month's end, yanked files passed over, pre-releases only when no final
-- release fits. `listed`: the project had a file on the index by then.
-- Portable SQL (DuckDB, BigQuery, ClickHouse): equality joins, EXTRACT, window functions;
-- reads the view of fits.sql. The grid (project x target x month) is the output's size:
-- each fit is counted once, in the month of its upload, and carried forward by a running
-- MAX over the months, rather than joined to every later month.
WITH
span AS (
    SELECT MIN(month_index) AS first_index FROM months
),
keyed AS (
    SELECT
        fi.name, fi.target, fi.yanked, fi.is_prerelease,
        -- pip's order among fits: the newer version, then the better tag
        CAST(fi.version_rank AS BIGINT) * 100000 + (99999 - fi.priority) AS pick_key,
        -- what was uploaded before the first month counts from the first month
        GREATEST(
            CAST(EXTRACT(YEAR FROM fi.upload_time) AS BIGINT) * 12
            + CAST(EXTRACT(MONTH FROM fi.upload_time) AS BIGINT) - 1,
            s.first_index
        ) AS month_index
    FROM fits AS fi
    CROSS JOIN span AS s
),
arrivals AS (
    SELECT
        name, target, month_index,
        MAX(CASE WHEN NOT yanked AND NOT is_prerelease THEN pick_key END) AS final_key,
        MAX(CASE WHEN NOT yanked AND is_prerelease THEN pick_key END) AS pre_key,
        MAX(CASE WHEN is_prerelease THEN 0 ELSE 1 END) AS any_final
    FROM keyed
    GROUP BY name, target, month_index
),
first_uploads AS (
    SELECT
        name,
        MIN(
            CAST(EXTRACT(YEAR FROM upload_time) AS BIGINT) * 12
            + CAST(EXTRACT(MONTH FROM upload_time) AS BIGINT) - 1
        ) AS first_index
    FROM files
    GROUP BY name
),
grid AS (
    SELECT p.name, t.target, m.month, m.month_index
    FROM projects AS p
    CROSS JOIN targets AS t
    CROSS JOIN months AS m
),
carried AS (
    SELECT
        g.name, g.target, g.month, g.month_index,
        MAX(a.final_key) OVER (
            PARTITION BY g.name, g.target ORDER BY g.month_index
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS final_key,
        MAX(a.pre_key) OVER (
            PARTITION BY g.name, g.target ORDER BY g.month_index
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS pre_key,
        MAX(a.any_final) OVER (
            PARTITION BY g.name, g.target ORDER BY g.month_index
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS any_final
    FROM grid AS g
    LEFT JOIN arrivals AS a
        ON a.name = g.name AND a.target = g.target AND a.month_index = g.month_index
),
picked AS (
    SELECT
        name, target, month, month_index,
        CASE WHEN any_final = 1 THEN final_key ELSE pre_key END AS pick_key
    FROM carried
),
choices AS (
    -- a key names one (version, tag rank): equal versions spelled apart ("1.0", "1.0.0")
    -- share it, and files of the same tag rank have the same verdict
    SELECT
        name, target,
        CAST(version_rank AS BIGINT) * 100000 + (99999 - priority) AS pick_key,
        MAX(version) AS version, MAX(verdict) AS verdict
    FROM fits
    GROUP BY name, target, version_rank, priority
)
SELECT
    pk.name, pk.target, pk.month,
    COALESCE(c.verdict, 'missing') AS verdict,
    c.version,
    COALESCE(fu.first_index <= pk.month_index, FALSE) AS listed
FROM picked AS pk
LEFT JOIN choices AS c
    ON c.name = pk.name AND c.target = pk.target AND c.pick_key = pk.pick_key
LEFT JOIN first_uploads AS fu ON fu.name = pk.name
ORDER BY pk.name, pk.target, pk.month;
