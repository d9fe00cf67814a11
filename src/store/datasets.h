/* datasets.h — the store's part of the open-data portal: datasets, their versions and values,
 * and the aggregates computed by the store (daily sums with 7-day averages, totals and latest
 * values per area).
 *
 * A version is loaded in steps: version_begin() reserves the next number (not ready), any
 * number of values_insert() calls in transactions of their own (so a long load never holds the
 * writers' lock for long), then version_commit() marks it ready and puts it in force in one
 * short transaction — readers see the old version or the new one, never half of it. A load
 * that fails is undone by version_discard(). Both backends answer alike (tests/store). */
#ifndef HY_STORE_DATASETS_H
#define HY_STORE_DATASETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/dataset.h"
#include "store/store.h"

/* The most datasets listed, versions listed and cells read at once. */
#define HY_DS_LIST_MAX 1000
#define HY_DS_VERSIONS_MAX 1000
#define HY_DS_CELLS_PAGE_MAX 100000

struct hy_dataset_ops {
    /* Inserts a dataset's description or replaces it (version and creation stay). */
    int (*put)(hy_store *s, const struct hy_dataset *d, int64_t now);
    /* The description with the columns of the version in force. HY_DB_NONE for an unknown id. */
    int (*get)(hy_store *s, const char *id, hy_arena *a, struct hy_dataset *ret);
    /* Every dataset, by id (at most HY_DS_LIST_MAX). Returns the count. */
    int (*list)(hy_store *s, hy_arena *a, struct hy_dataset **ret);
    /* Reserves the next version of dataset `id` for v (ready false) and sets *ret_version. */
    int (*version_begin)(hy_store *s, const char *id, const struct hy_dataset_version *v,
                         int64_t *ret_version);
    /* Adds cells to a version: `json` is an array of [seq, day, area, col, value|null]. */
    int (*values_insert)(hy_store *s, const char *id, int64_t version, const char *json);
    /* Marks the version ready and puts it in force (unless a later one already is). */
    int (*version_commit)(hy_store *s, const char *id, int64_t version, int64_t now);
    /* Removes a version that is not ready, with its values. */
    int (*version_discard)(hy_store *s, const char *id, int64_t version);
    /* The versions, newest first. Returns the count. */
    int (*versions)(hy_store *s, const char *id, hy_arena *a, struct hy_dataset_version **ret);
    int (*version_get)(hy_store *s, const char *id, int64_t version, hy_arena *a,
                       struct hy_dataset_version *ret);
    /* Cells of a version in file order (by seq, then column) from row `from_seq`, of `area`
     * (NULL: every area) and days from_day … to_day; at most `limit` (<= HY_DS_CELLS_PAGE_MAX).
     * Returns the count. */
    int (*cells)(hy_store *s, const char *id, int64_t version, int64_t from_seq, const char *area,
                 int32_t from_day, int32_t to_day, size_t limit, hy_arena *a,
                 struct hy_dataset_cell **ret);
    /* Daily sums of column `col` (-1: every column) over `area` (NULL: all), by day then
     * column, from_day … to_day (at most 20,000 days). Returns the count. */
    int (*daily)(hy_store *s, const char *id, int64_t version, const char *area, int col,
                 int32_t from_day, int32_t to_day, hy_arena *a, struct hy_dataset_day **ret);
    /* Per area and column over from_day … to_day, by area then column. Returns the count. */
    int (*areas)(hy_store *s, const char *id, int64_t version, int32_t from_day, int32_t to_day,
                 hy_arena *a, struct hy_dataset_area **ret);
    /* daily() and areas() read summaries written as a version is put in force; these compute
     * the same answers from the cells themselves (slow: for checking the summaries). */
    int (*daily_scan)(hy_store *s, const char *id, int64_t version, const char *area, int col,
                      int32_t from_day, int32_t to_day, hy_arena *a, struct hy_dataset_day **ret);
    int (*areas_scan)(hy_store *s, const char *id, int64_t version, int32_t from_day,
                      int32_t to_day, hy_arena *a, struct hy_dataset_area **ret);
};

extern const struct hy_dataset_ops hy_dataset_ops_shared;

#endif
