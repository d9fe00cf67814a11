/* trees.c — the decision trees' store functions (store/trees.h), written once for both
 * backends over store/sql/trees.def. */
#include "store/trees.h"

#include "store/engine.h"

static int tree_insert(hy_store *s, const struct hy_tree_rec *t) {
    return hy_st_exec(
        s, HY_Q_TREE_INSERT,
        HY_ARGS(hy_arg_text(t->id), hy_arg_text(t->language), hy_arg_text(t->title),
                hy_arg_i64(t->version), hy_arg_text(t->reviewed_at), hy_arg_text(t->source_url),
                hy_arg_bool(t->published), hy_arg_text(t->doc), hy_arg_text(t->created_by),
                hy_arg_i64(t->created_at), hy_arg_text(t->updated_by), hy_arg_i64(t->updated_at),
                hy_arg_i64_nonzero(t->published_at)));
}

static int tree_update(hy_store *s, const struct hy_tree_rec *t, int64_t expected_version) {
    return hy_st_exec(s, HY_Q_TREE_UPDATE,
                      HY_ARGS(hy_arg_text(t->id), hy_arg_text(t->language), hy_arg_text(t->title),
                              hy_arg_i64(t->version), hy_arg_text(t->reviewed_at),
                              hy_arg_text(t->source_url), hy_arg_text(t->doc),
                              hy_arg_text(t->updated_by), hy_arg_i64(t->updated_at),
                              hy_arg_i64(expected_version)));
}

static int tree_get(hy_store *s, const char *id, const char *language, hy_arena *a,
                    struct hy_tree_rec *ret) {
    return hy_st_one(s, HY_Q_TREE_GET, HY_ARGS(hy_arg_text(id), hy_arg_text(language)),
                     &hy_row_tree, a, ret);
}

static int tree_list(hy_store *s, const char *language, bool published_only, hy_arena *a,
                     struct hy_tree_rec **ret) {
    return hy_st_list(s, HY_Q_TREE_LIST,
                      HY_ARGS(hy_arg_text(language), hy_arg_bool(published_only),
                              hy_arg_size(HY_TREES_LIST_MAX)),
                      &hy_row_tree, HY_TREES_LIST_MAX, a, ret);
}

static int tree_set_published(hy_store *s, const char *id, const char *language, bool published,
                              int64_t now) {
    return hy_st_exec(s, HY_Q_TREE_PUBLISH,
                      HY_ARGS(hy_arg_text(id), hy_arg_text(language), hy_arg_bool(published),
                              hy_arg_i64(now)));
}

static int revision_insert(hy_store *s, const struct hy_tree_revision *r) {
    return hy_st_exec(s, HY_Q_TREE_REV_INSERT,
                      HY_ARGS(hy_arg_text(r->tree_id), hy_arg_text(r->language),
                              hy_arg_i64(r->version), hy_arg_i64(r->at),
                              hy_arg_text(r->author_id), hy_arg_text(r->action),
                              hy_arg_text(r->doc)));
}

static int revision_list(hy_store *s, const char *id, const char *language, size_t limit,
                         hy_arena *a, struct hy_tree_revision **ret) {
    if (limit == 0 || limit > 10000) return HY_DB_HARD;
    return hy_st_list(s, HY_Q_TREE_REV_LIST,
                      HY_ARGS(hy_arg_text(id), hy_arg_text(language), hy_arg_size(limit)),
                      &hy_row_tree_revision, limit, a, ret);
}

static int revision_get(hy_store *s, const char *id, const char *language, int64_t version,
                        hy_arena *a, struct hy_tree_revision *ret) {
    return hy_st_one(s, HY_Q_TREE_REV_GET,
                     HY_ARGS(hy_arg_text(id), hy_arg_text(language), hy_arg_i64(version)),
                     &hy_row_tree_revision, a, ret);
}

static int outcome_add(hy_store *s, const char *id, const char *language, const char *node,
                       int64_t n) {
    int r = hy_st_write(s, HY_Q_TREE_OUTCOME_LOCK, HY_ARGS(hy_arg_text(id)));
    if (r < 0) return r;
    return hy_st_exec(s, HY_Q_TREE_OUTCOME_ADD,
                      HY_ARGS(hy_arg_text(id), hy_arg_text(language), hy_arg_text(node),
                              hy_arg_i64(n)));
}

/* A tree has at most HY_TREE_NODES_MAX nodes, so at most that many counts. */
static int outcome_list(hy_store *s, const char *id, const char *language, hy_arena *a,
                        struct hy_row_count **ret) {
    return hy_st_list(s, HY_Q_TREE_OUTCOME_LIST, HY_ARGS(hy_arg_text(id), hy_arg_text(language)),
                      &hy_row_count, SIZE_MAX, a, ret);
}

const struct hy_tree_ops hy_st_tree_ops = {
    .insert = tree_insert,
    .update = tree_update,
    .get = tree_get,
    .list = tree_list,
    .set_published = tree_set_published,
    .revision_insert = revision_insert,
    .revision_list = revision_list,
    .revision_get = revision_get,
    .outcome_add = outcome_add,
    .outcome_list = outcome_list,
};
