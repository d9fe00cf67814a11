/* news.h — the store functions of official news and fact checks. Their documents are library
 * documents (store/library.h: insert, update, status, revisions, attachments); this table adds
 * the list of one type and the institutions that issue news. One table serves both backends
 * (the statements are written once, store/sql/news.def). */
#ifndef HY_STORE_NEWS_H
#define HY_STORE_NEWS_H

#include <stddef.h>

#include "domain/library.h"
#include "domain/news.h"
#include "store/store.h"

/* The most documents of one type a list reads: news and fact checks are filtered, counted and
 * ranked in C over at most this many of the newest. */
#define HY_NEWS_LIST_MAX 2000

struct hy_news_ops {
    /* Inserts or replaces (by slug) an institution. */
    int (*inst_put)(hy_store *s, const struct hy_news_inst *in);
    int (*inst_get)(hy_store *s, const char *slug, hy_arena *a, struct hy_news_inst *ret);
    /* Every institution, in slug order (at most 500). Returns the count. */
    int (*inst_list)(hy_store *s, hy_arena *a, struct hy_news_inst **ret);
    /* Documents of type `type` with status `status` (NULL = any), newest first (sort_at, then
     * id), at most `limit` (≤ HY_NEWS_LIST_MAX). Returns the count. */
    int (*doc_list)(hy_store *s, const char *type, const char *status, size_t limit, hy_arena *a,
                    struct hy_lib_doc **ret);
    /* Stores a claim sent to be checked. */
    int (*claim_insert)(hy_store *s, const struct hy_fc_claim *c);
    /* The newest claims, at most `limit` (≤ HY_NEWS_LIST_MAX). Returns the count. */
    int (*claim_list)(hy_store *s, size_t limit, hy_arena *a, struct hy_fc_claim **ret);
};

extern const struct hy_news_ops hy_st_news_ops;

#endif
