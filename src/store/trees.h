/* trees.h — the decision trees' store functions: one row per tree and language (the JSON
 * document and what lists show of it), a revision for every save, and anonymous counts of the
 * results walks ended in (per result node, never a person's answers).
 *
 * Written once for both backends (store/trees.c over store/sql/trees.def); both backends hang
 * the same table off struct hy_store_ops. tests/store/store_trees.c checks that they answer
 * alike. Strings in records point into the arena passed to the function that filled them. */
#ifndef HY_STORE_TREES_H
#define HY_STORE_TREES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/tree.h"
#include "store/rows.h"
#include "store/store.h"

/* The most trees (tree × language) a list returns. */
#define HY_TREES_LIST_MAX 1000

struct hy_tree_ops {
    /* Inserts one language of a tree (every field of t). HY_DB_NONE when (id, language)
     * exists. */
    int (*insert)(hy_store *s, const struct hy_tree_rec *t);
    /* Replaces the document of (t->id, t->language): title, version, reviewed_at, source_url,
     * doc, updated_by, updated_at; only while its stored version is `expected_version`
     * (optimistic locking: two editors cannot overwrite each other). HY_DB_NONE when the tree
     * is absent or its version differs. */
    int (*update)(hy_store *s, const struct hy_tree_rec *t, int64_t expected_version);
    /* One language of a tree, with its document. */
    int (*get)(hy_store *s, const char *id, const char *language, hy_arena *a,
               struct hy_tree_rec *ret);
    /* Trees without their documents, in (id, language) order, at most HY_TREES_LIST_MAX:
     * of one language (NULL: all) and only published ones when `published_only`. Returns the
     * count; *ret is an arena array. */
    int (*list)(hy_store *s, const char *language, bool published_only, hy_arena *a,
                struct hy_tree_rec **ret);
    /* Publishes or withdraws one language of a tree (publishing sets published_at to `now`).
     * HY_DB_NONE when it does not exist. */
    int (*set_published)(hy_store *s, const char *id, const char *language, bool published,
                         int64_t now);

    int (*revision_insert)(hy_store *s, const struct hy_tree_revision *r);
    /* A tree's revisions without their documents, newest first, at most `limit`. Returns the
     * count. */
    int (*revision_list)(hy_store *s, const char *id, const char *language, size_t limit,
                         hy_arena *a, struct hy_tree_revision **ret);
    /* The revision that saved `version`, with its document. */
    int (*revision_get)(hy_store *s, const char *id, const char *language, int64_t version,
                        hy_arena *a, struct hy_tree_revision *ret);

    /* Adds `n` to the count of walks of (id, language) that ended at result node `node`. */
    int (*outcome_add)(hy_store *s, const char *id, const char *language, const char *node,
                       int64_t n);
    /* The counts of a tree's results, in node id order (key = node id). Returns the count of
     * rows; *ret is an arena array. */
    int (*outcome_list)(hy_store *s, const char *id, const char *language, hy_arena *a,
                        struct hy_row_count **ret);
};

/* The one table, for both backends (the statements are the same). */
extern const struct hy_tree_ops hy_st_tree_ops;

#endif
