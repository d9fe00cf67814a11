/* faq.c — search synonyms and FAQ feedback in the store (faq.h), once for both backends. */
#include "store/faq.h"

#include "store/shared.h"

static int synonyms_get(hy_store *s, hy_arena *a, const char **ret_json, int64_t *ret_at,
                        const char **ret_by) {
    struct hy_row_faq_synonyms row = {0};
    int r = hy_st_one(s, HY_Q_FAQ_SYN_GET, HY_NO_ARGS, &hy_row_faq_synonyms, a, &row);
    if (r != HY_DB_ONE) return r;
    *ret_json = row.list;
    if (ret_at) *ret_at = row.at;
    if (ret_by) *ret_by = row.by;
    return HY_DB_ONE;
}

static int synonyms_put(hy_store *s, const char *json, int64_t now, const char *by) {
    int r = hy_st_exec(s, HY_Q_FAQ_SYN_PUT,
                       HY_ARGS(hy_arg_text(json), hy_arg_i64(now), hy_arg_text(by)));
    if (r < 0) return r;
    r = hy_st_exec(s, HY_Q_FAQ_VERSION_BUMP, HY_NO_ARGS);
    return r < 0 ? r : HY_DB_ONE;
}

static int feedback_add(hy_store *s, const char *doc_id, bool helped) {
    int n = hy_st_changes(s, HY_Q_FAQ_FEEDBACK_ADD,
                          HY_ARGS(hy_arg_text(doc_id), hy_arg_bool(helped)));
    if (n < 0) return n;
    return n ? HY_DB_ONE : HY_DB_NONE;
}

static int feedback_get(hy_store *s, const char *doc_id, int64_t *ret_helped,
                        int64_t *ret_not_helped) {
    struct hy_row_i64x2 v = {{0, 0}};
    int r = hy_st_one(s, HY_Q_FAQ_FEEDBACK_GET, HY_ARGS(hy_arg_text(doc_id)), &hy_row_i64x2, NULL,
                      &v);
    if (r < 0) return r;
    *ret_helped = v.v[0];
    *ret_not_helped = v.v[1];
    return HY_DB_ONE;
}

const struct hy_faq_ops hy_st_faq_ops = {
    .synonyms_get = synonyms_get,
    .synonyms_put = synonyms_put,
    .feedback_add = feedback_add,
    .feedback_get = feedback_get,
};
