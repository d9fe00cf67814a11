/* trees.h — what the decision trees' JSON API (trees.c) and their pages (trees_page.c) share:
 * loading a stored tree, evaluating answers against it, counting an outcome, and the JSON of a
 * node as both show it. */
#ifndef HY_API_TREES_H
#define HY_API_TREES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/tree.h"
#include "http/http.h"

/* A tree loaded for walking: its stored row and the parsed document (both in the request's
 * arena). */
struct hy_api_tree {
    struct hy_tree_rec rec;
    struct hy_tree *tree;
};

/* True when `lang` is a language tag a tree may have (letters, digits and '-', 2–16 bytes). */
bool hy_api_tree_lang_ok(const char *lang);

/* Loads tree `id` in `lang` (NULL: the first language it has, Persian first), published ones
 * only unless `drafts`. HY_DB_ONE, HY_DB_NONE (no such tree for the caller) or a negative store
 * status; -EINVAL when the stored document does not parse (answered as internal). */
int hy_api_tree_load(hy_req *req, const char *id, const char *lang, bool drafts,
                     struct hy_api_tree *ret);

/* Trees without their documents (store/trees.h, list): of `lang` (NULL: all), drafts too when
 * `all`. Returns the count and an arena array in *ret, or a negative store status. */
int hy_api_tree_list(hy_req *req, const char *lang, bool all, struct hy_tree_rec **ret);

/* Answers `status` with the bytes given (kept alive by the caller, e.g. in the request's
 * arena) once the walk of a published tree that ended at result node `node` has been counted
 * (the store's group commit: the request waits, suspended, for the shared commit). A draft's
 * walk (an editor's preview) is answered at once and not counted. */
hy_result hy_api_tree_reply_counted(hy_req *req, const struct hy_api_tree *t, int node,
                                    unsigned status, const char *type, const char *body,
                                    size_t len);

/* Today as a day number (the server's time zone), for date bounds and days_ago tests. */
int32_t hy_api_tree_today(void);

/* The node as the API answers it: texts with their HTML, options, bounds resolved for
 * `today`, a contact's details. New reference; NULL when out of memory. */
json_t *hy_api_tree_node_json(hy_req *req, const struct hy_tree *t, int node, int32_t today);

#endif
