/* datasets_sums.h — the summaries of a dataset version the aggregates read, as SQL text shared
 * by the statement list (store/sql/datasets.def, for one version as it is put in force) and
 * the migration that adds them (for every version already stored). `WHERE` restricts the
 * cells read from dataset_values ("" for all); the text is the same on both backends.
 *
 * dataset_totals: per version, day and column, the sum over every area and its count of values.
 * dataset_days:   per version, area, column and day, the sum and counts, and running totals in
 *                 day order (so a period's total is two lookups) with the latest day having a
 *                 value up to that day and its sum.
 * dataset_series: the (area, column) pairs of a version. */
#ifndef HY_STORE_SQL_DATASETS_SUMS_H
#define HY_STORE_SQL_DATASETS_SUMS_H

#define HY_DS_SUMS_TOTALS(WHERE)                                                                   \
    "INSERT INTO dataset_totals(dataset_id, version, day, col, total, n) "                        \
    "SELECT dataset_id, version, day, col, sum(value), count(value) FROM dataset_values " WHERE    \
    " GROUP BY dataset_id, version, day, col"

#define HY_DS_SUMS_DAYS(WHERE)                                                                     \
    "INSERT INTO dataset_days(dataset_id, version, area, col, day, total, n, cells, cum_total, "  \
    "cum_n, cum_cells, last_day, last_value) SELECT dataset_id, version, area, col, day, total, " \
    "n, cells, cum_total, cum_n, cum_cells, last_day, first_value(total) OVER (PARTITION BY "     \
    "dataset_id, version, area, col, last_day ORDER BY day) FROM (SELECT dataset_id, version, "   \
    "area, col, day, total, n, cells, sum(coalesce(total, 0)) OVER w AS cum_total, "              \
    "sum(n) OVER w AS cum_n, sum(cells) OVER w AS cum_cells, "                                     \
    "max(CASE WHEN n > 0 THEN day END) OVER w AS last_day FROM (SELECT dataset_id, version, "     \
    "area, col, day, sum(value) AS total, count(value) AS n, count(*) AS cells "                  \
    "FROM dataset_values " WHERE " GROUP BY dataset_id, version, area, col, day) g "              \
    "WINDOW w AS (PARTITION BY dataset_id, version, area, col ORDER BY day "                      \
    "ROWS UNBOUNDED PRECEDING)) c"

#define HY_DS_SUMS_SERIES(WHERE)                                                                   \
    "INSERT INTO dataset_series(dataset_id, version, area, col) "                                 \
    "SELECT DISTINCT dataset_id, version, area, col FROM dataset_days " WHERE

#endif
