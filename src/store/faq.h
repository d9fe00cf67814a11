/* faq.h — the store's part of search synonyms and of the FAQ assistant: the one synonym list
 * editors keep (domain/synonyms.h) and the anonymous "this helped / did not help" counts per
 * library document. Written once for both stores (store/faq.c, store/sql/faq.def). */
#ifndef HY_STORE_FAQ_H
#define HY_STORE_FAQ_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/arena.h"

struct hy_faq_ops {
    /* The synonym list as saved (JSON, in the arena) with when and by whom (NULL: the
     * system); HY_DB_NONE when it was never saved (the default list is in force). */
    int (*synonyms_get)(hy_store *s, hy_arena *a, const char **ret_json, int64_t *ret_at,
                        const char **ret_by);
    /* Saves the list and raises the library version in the same transaction (searches and
     * their cached answers depend on it). HY_DB_ONE or a negative status. */
    int (*synonyms_put)(hy_store *s, const char *json, int64_t now, const char *by);
    /* Counts one "helped" (or "did not help") for document doc_id. HY_DB_ONE, HY_DB_NONE when
     * no published document has that id. */
    int (*feedback_add)(hy_store *s, const char *doc_id, bool helped);
    /* The counts of document doc_id (0 and 0 when none). HY_DB_ONE or a negative status. */
    int (*feedback_get)(hy_store *s, const char *doc_id, int64_t *ret_helped,
                        int64_t *ret_not_helped);
};
extern const struct hy_faq_ops hy_st_faq_ops;

#endif
