/* datasets.c — the open-data portal's store functions (store/datasets.h), written once for
 * every backend; the statements are store/sql/datasets.def. */
#include "store/datasets.h"

#include "store/engine.h"

static int ds_put(hy_store *s, const struct hy_dataset *d, int64_t now) {
    return hy_st_exec(s, HY_Q_DS_PUT,
                      HY_ARGS(hy_arg_text(d->id), hy_arg_text_or(d->title_fa, ""),
                              hy_arg_text_or(d->title_en, ""),
                              hy_arg_text_or(d->description_fa, ""),
                              hy_arg_text_or(d->description_en, ""),
                              hy_arg_text_or(d->source, ""), hy_arg_text_or(d->licence, ""),
                              hy_arg_text_or(d->contact, ""), hy_arg_text_or(d->cutoff, ""),
                              hy_arg_text(d->created_by), hy_arg_i64(now), hy_arg_bool(d->demo)));
}

static int ds_get(hy_store *s, const char *id, hy_arena *a, struct hy_dataset *ret) {
    return hy_st_one(s, HY_Q_DS_GET, HY_ARGS(hy_arg_text(id)), &hy_row_dataset, a, ret);
}

static int ds_list(hy_store *s, hy_arena *a, struct hy_dataset **ret) {
    return hy_st_list(s, HY_Q_DS_LIST, HY_ARGS(hy_arg_size(HY_DS_LIST_MAX)), &hy_row_dataset,
                      HY_DS_LIST_MAX, a, ret);
}

static int ds_version_begin(hy_store *s, const char *id, const struct hy_dataset_version *v,
                            int64_t *ret_version) {
    int64_t next;
    int r = hy_st_i64(s, HY_Q_DS_VERSION_NEXT, HY_ARGS(hy_arg_text(id)), &next);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    r = hy_st_exec(s, HY_Q_DS_VERSION_INSERT,
                   HY_ARGS(hy_arg_text(id), hy_arg_i64(next), hy_arg_i64(v->rows),
                           hy_arg_text_or(v->columns, "[]"), hy_arg_text_or(v->date_column, ""),
                           hy_arg_text_or(v->area_column, ""), hy_arg_text_or(v->date_hxl, ""),
                           hy_arg_text_or(v->area_hxl, ""), hy_arg_i64(v->min_day),
                           hy_arg_i64(v->max_day), hy_arg_bool(false), hy_arg_text(v->created_by),
                           hy_arg_i64(v->created_at)));
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    *ret_version = next;
    return HY_DB_ONE;
}

static int ds_values_insert(hy_store *s, const char *id, int64_t version, const char *json) {
    int r = hy_st_exec(s, HY_Q_DS_VALUES_INSERT,
                       HY_ARGS(hy_arg_text(id), hy_arg_i64(version), hy_arg_text(json)));
    return r < 0 ? r : HY_DB_ONE;
}

/* The summaries the aggregates read (store/sql/datasets_sums.h), in the transaction that puts
 * the version in force: a version is never in force without them. */
static int ds_version_commit(hy_store *s, const char *id, int64_t version, int64_t now) {
    static const enum hy_stmt sums[] = {HY_Q_DS_SUMS_TOTALS, HY_Q_DS_SUMS_DAYS,
                                        HY_Q_DS_SUMS_SERIES};
    for (size_t i = 0; i < sizeof sums / sizeof sums[0]; i++) {
        int r = hy_st_exec(s, sums[i], HY_ARGS(hy_arg_text(id), hy_arg_i64(version)));
        if (r < 0) return r;
    }
    int r = hy_st_exec(s, HY_Q_DS_VERSION_READY,
                       HY_ARGS(hy_arg_text(id), hy_arg_i64(version), hy_arg_bool(true)));
    if (r <= 0) return r;
    r = hy_st_exec(s, HY_Q_DS_SET_VERSION,
                   HY_ARGS(hy_arg_text(id), hy_arg_i64(version), hy_arg_i64(now)));
    return r < 0 ? r : HY_DB_ONE;
}

static int ds_version_discard(hy_store *s, const char *id, int64_t version) {
    static const enum hy_stmt deletes[] = {HY_Q_DS_VALUES_DELETE, HY_Q_DS_SUMS_DELETE_TOTALS,
                                           HY_Q_DS_SUMS_DELETE_DAYS, HY_Q_DS_SUMS_DELETE_SERIES};
    for (size_t i = 0; i < sizeof deletes / sizeof deletes[0]; i++) {
        int r = hy_st_exec(s, deletes[i], HY_ARGS(hy_arg_text(id), hy_arg_i64(version)));
        if (r < 0) return r;
    }
    return hy_st_exec(s, HY_Q_DS_VERSION_DELETE, HY_ARGS(hy_arg_text(id), hy_arg_i64(version)));
}

static int ds_versions(hy_store *s, const char *id, hy_arena *a, struct hy_dataset_version **ret) {
    return hy_st_list(s, HY_Q_DS_VERSIONS,
                      HY_ARGS(hy_arg_text(id), hy_arg_size(HY_DS_VERSIONS_MAX)),
                      &hy_row_dataset_version, HY_DS_VERSIONS_MAX, a, ret);
}

static int ds_version_get(hy_store *s, const char *id, int64_t version, hy_arena *a,
                          struct hy_dataset_version *ret) {
    return hy_st_one(s, HY_Q_DS_VERSION_GET, HY_ARGS(hy_arg_text(id), hy_arg_i64(version)),
                     &hy_row_dataset_version, a, ret);
}

static int ds_cells(hy_store *s, const char *id, int64_t version, int64_t from_seq,
                    const char *area, int32_t from_day, int32_t to_day, size_t limit, hy_arena *a,
                    struct hy_dataset_cell **ret) {
    if (limit == 0 || limit > HY_DS_CELLS_PAGE_MAX) return HY_DB_HARD;
    return hy_st_list(s, HY_Q_DS_CELLS,
                      HY_ARGS(hy_arg_text(id), hy_arg_i64(version), hy_arg_i64(from_seq),
                              hy_arg_text(area), hy_arg_i64(from_day), hy_arg_i64(to_day),
                              hy_arg_size(limit)),
                      &hy_row_dataset_cell, limit, a, ret);
}

/* Days of one daily answer, per column. */
#define DAYS_MAX 20000

static int daily(hy_store *s, bool scan, const char *id, int64_t version, const char *area,
                 int col, int32_t from_day, int32_t to_day, hy_arena *a,
                 struct hy_dataset_day **ret) {
    if (to_day < from_day || (int64_t)to_day - from_day >= DAYS_MAX) return HY_DB_HARD;
    size_t cols = col >= 0 ? 1 : HY_DS_COLUMNS_MAX;
    enum hy_stmt q = scan ? HY_Q_DS_DAILY_SCAN : area ? HY_Q_DS_DAILY_AREA : HY_Q_DS_DAILY;
    struct hy_arg args[] = {hy_arg_text(id),
                            hy_arg_i64(version),
                            hy_arg_i64(from_day),
                            hy_arg_i64(to_day),
                            col >= 0 ? hy_arg_i64(col) : hy_arg_null(),
                            hy_arg_text(area)};
    size_t nargs = q == HY_Q_DS_DAILY ? 5 : 6;
    return hy_st_list(s, q, args, nargs, &hy_row_dataset_day,
                      (size_t)(to_day - from_day + 1) * cols, a, ret);
}

static int ds_daily(hy_store *s, const char *id, int64_t version, const char *area, int col,
                    int32_t from_day, int32_t to_day, hy_arena *a, struct hy_dataset_day **ret) {
    return daily(s, false, id, version, area, col, from_day, to_day, a, ret);
}

static int ds_daily_scan(hy_store *s, const char *id, int64_t version, const char *area, int col,
                         int32_t from_day, int32_t to_day, hy_arena *a,
                         struct hy_dataset_day **ret) {
    return daily(s, true, id, version, area, col, from_day, to_day, a, ret);
}

/* Areas of one answer, times the columns. */
#define AREAS_MAX (5000 * HY_DS_COLUMNS_MAX)

static int areas(hy_store *s, enum hy_stmt q, const char *id, int64_t version, int32_t from_day,
                 int32_t to_day, hy_arena *a, struct hy_dataset_area **ret) {
    return hy_st_list(s, q,
                      HY_ARGS(hy_arg_text(id), hy_arg_i64(version), hy_arg_i64(from_day),
                              hy_arg_i64(to_day)),
                      &hy_row_dataset_area, AREAS_MAX, a, ret);
}

static int ds_areas(hy_store *s, const char *id, int64_t version, int32_t from_day,
                    int32_t to_day, hy_arena *a, struct hy_dataset_area **ret) {
    return areas(s, HY_Q_DS_AREAS, id, version, from_day, to_day, a, ret);
}

static int ds_areas_scan(hy_store *s, const char *id, int64_t version, int32_t from_day,
                         int32_t to_day, hy_arena *a, struct hy_dataset_area **ret) {
    return areas(s, HY_Q_DS_AREAS_SCAN, id, version, from_day, to_day, a, ret);
}

const struct hy_dataset_ops hy_dataset_ops_shared = {
    .put = ds_put,
    .get = ds_get,
    .list = ds_list,
    .version_begin = ds_version_begin,
    .values_insert = ds_values_insert,
    .version_commit = ds_version_commit,
    .version_discard = ds_version_discard,
    .versions = ds_versions,
    .version_get = ds_version_get,
    .cells = ds_cells,
    .daily = ds_daily,
    .areas = ds_areas,
    .daily_scan = ds_daily_scan,
    .areas_scan = ds_areas_scan,
};
