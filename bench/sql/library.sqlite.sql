-- library.sqlite.sql — one library query for the sqlite3 shell (FTS5 external content), the same
-- as library.pgbench; bench/run replaces :word, :type and :lang with each line of queries.tsv.
WITH q AS (SELECT '":word"*' AS mq, ':type' AS type, ':lang' AS lang),
m AS MATERIALIZED (SELECT d.id, d.type, d.country, d.level, d.year, d.stage, d.themes, d.sort_at, d.title
                     FROM lib_docs d WHERE d.n IN (SELECT rowid FROM lib_fts WHERE lib_fts MATCH (SELECT mq FROM q))
                      AND d.status = 'published' AND d.language = (SELECT lang FROM q)),
f AS MATERIALIZED (SELECT * FROM m WHERE type = (SELECT type FROM q))
SELECT 'type', type, count(*) FROM m GROUP BY type
UNION ALL SELECT 'country', country, count(*) FROM f GROUP BY country
UNION ALL SELECT 'level', level, count(*) FROM f GROUP BY level
UNION ALL SELECT 'year', year, count(*) FROM f GROUP BY year
UNION ALL SELECT 'stage', stage, count(*) FROM f GROUP BY stage
UNION ALL SELECT 'theme', t.value, count(*) FROM f, json_each('["' || replace(f.themes, ' ', '","') || '"]') t WHERE f.themes <> '' GROUP BY t.value
UNION ALL SELECT * FROM (SELECT 'doc', id || ' ' || title, sort_at FROM f ORDER BY sort_at DESC LIMIT 20);
