/* demo.c — the demo data's marks and their removal (demo.h). */
#include "store/demo.h"

#include <stddef.h>

#include "store/engine.h"
#include "store/rows.h"

#define COUNT_COL(field)                                                                           \
    {.type = HY_COL_I64, .off = offsetof(struct hy_demo_counts, field), .present = -1}

static const struct hy_col count_cols[] = {
    COUNT_COL(groups),   COUNT_COL(groups_edited), COUNT_COL(documents), COUNT_COL(documents_edited),
    COUNT_COL(accounts), COUNT_COL(requests),      COUNT_COL(places),    COUNT_COL(released),
    COUNT_COL(datasets), COUNT_COL(datasets_edited),
};
static const struct hy_row_spec count_row = {count_cols, sizeof count_cols / sizeof count_cols[0],
                                             sizeof(struct hy_demo_counts), -1};

int hy_demo_mark_user(hy_store *s, const char *user_id) {
    return hy_st_exec(s, HY_Q_DEMO_MARK_USER, HY_ARGS(hy_arg_text(user_id)));
}

int hy_demo_mark_request(hy_store *s, const char *request_id) {
    return hy_st_exec(s, HY_Q_DEMO_MARK_REQUEST, HY_ARGS(hy_arg_text(request_id)));
}

int hy_demo_operator_places(hy_store *s, int64_t *ret_count) {
    return hy_st_i64(s, HY_Q_DEMO_COUNT_OPERATOR_PLACES, HY_NO_ARGS, ret_count);
}

int hy_demo_mark_places(hy_store *s) {
    int r = hy_st_exec(s, HY_Q_DEMO_MARK_PLACES, HY_NO_ARGS);
    return r < 0 ? r : HY_DB_ONE;
}

int hy_demo_count(hy_store *s, bool keep_edited, struct hy_demo_counts *ret) {
    struct hy_demo_counts c;
    int r = hy_st_one(s, HY_Q_DEMO_COUNT, HY_NO_ARGS, &count_row, NULL, &c);
    if (r <= 0) return r < 0 ? r : HY_DB_HARD;
    if (keep_edited) {
        c.groups -= c.groups_edited;
        c.documents -= c.documents_edited;
        c.datasets -= c.datasets_edited;
    }
    *ret = c;
    return HY_DB_ONE;
}

int hy_demo_remove(hy_store *s, bool keep_edited, int64_t now, struct hy_demo_counts *ret) {
    struct hy_demo_counts c;
    int r = hy_demo_count(s, keep_edited, &c);
    if (r < 0) return r;
    if (keep_edited) {
        if ((r = hy_st_exec(s, HY_Q_DEMO_KEEP_GROUPS, HY_NO_ARGS)) < 0) return r;
        if ((r = hy_st_exec(s, HY_Q_DEMO_KEEP_DOCS, HY_NO_ARGS)) < 0) return r;
        if ((r = hy_st_exec(s, HY_Q_DEMO_KEEP_DATASETS, HY_NO_ARGS)) < 0) return r;
    }
    static const int steps[] = {HY_Q_CH_DEMO_DELETE, HY_Q_DEMO_RELEASE_EVENTS,  HY_Q_DEMO_RELEASE,
                                HY_Q_DEMO_DELETE_REQUESTS, HY_Q_DEMO_DELETE_USERS,
                                HY_Q_DEMO_DELETE_GROUPS,   HY_Q_DEMO_DELETE_DOCS,
                                HY_Q_DEMO_DELETE_PLACE_NAMES, HY_Q_DEMO_DELETE_PLACES,
                                HY_Q_DEMO_DELETE_DATASET_VALUES, HY_Q_DEMO_DELETE_DATASET_TOTALS,
                                HY_Q_DEMO_DELETE_DATASET_DAYS, HY_Q_DEMO_DELETE_DATASET_SERIES,
                                HY_Q_DEMO_DELETE_DATASET_VERSIONS, HY_Q_DEMO_DELETE_DATASETS,
                                HY_Q_SKILLS_DEMO_DELETE_NEEDS, HY_Q_SKILLS_DEMO_DELETE_ORGS};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        bool timed = steps[i] == HY_Q_DEMO_RELEASE_EVENTS || steps[i] == HY_Q_DEMO_RELEASE;
        r = timed ? hy_st_exec(s, steps[i], HY_ARGS(hy_arg_i64(now)))
                  : hy_st_exec(s, steps[i], HY_NO_ARGS);
        if (r < 0) return r;
    }
    *ret = c;
    return HY_DB_ONE;
}
