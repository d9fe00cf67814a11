/* library.h — the knowledge library's store functions: documents, their search
 * tokens, revisions, attachments, and the civic-tech communities directory.
 *
 * Both backends fill one `struct hy_library_ops`; tests/store/store_library.c checks that they
 * answer alike. Strings in records point into the arena passed to the function that filled
 * them. Search is split so that both stores give identical answers: the store only finds the
 * candidate documents (status + full-text match, FTS5 in SQLite, a GIN-indexed tsvector in
 * PostgreSQL, both over the same token string written by domain/library.c) and hands back
 * their facet columns; filtering, facet counts, ranking and ordering happen in C
 * (hy_lib_search() in domain/library.h), the same code for both stores. */
#ifndef HY_STORE_LIBRARY_H
#define HY_STORE_LIBRARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/library.h"
#include "store/store.h"

struct hy_library_ops {
    /* Inserts a document (every field, tokens included). HY_DB_NONE when the id exists. */
    int (*doc_insert)(hy_store *s, const struct hy_lib_doc *d);
    /* Replaces every stored field of document d->id (id, created_at and created_by stay).
     * HY_DB_NONE for an unknown id. */
    int (*doc_update)(hy_store *s, const struct hy_lib_doc *d);
    int (*doc_get)(hy_store *s, const char *id, hy_arena *a, struct hy_lib_doc *ret);
    /* The documents whose ids are listed (any order; unknown ids are left out). Returns the
     * count found; *ret is an arena array. At most 200 ids. */
    int (*doc_get_many)(hy_store *s, const char *const *ids, size_t n, hy_arena *a,
                        struct hy_lib_doc **ret);
    /* Moves a document from status `from` to `to`; HY_DB_NONE when it is not in `from` (or
     * does not exist). Publishing sets published_at and sort_at to `now`. */
    int (*doc_set_status)(hy_store *s, const char *id, const char *from, const char *to,
                          int64_t now);
    /* Documents with status `status` (NULL = any) and id > after (NULL = from the start), in
     * id order, at most `limit`. For exports, feeds and the sitemap. Returns the count. */
    int (*doc_list)(hy_store *s, const char *status, const char *after, size_t limit,
                    hy_arena *a, struct hy_lib_doc **ret);
    /* The translations in a group: id, language, title and status only. Returns the count. */
    int (*doc_group)(hy_store *s, const char *group, hy_arena *a, struct hy_lib_doc **ret);
    /* Number of documents (any status) and the newest updated_at (0 when empty). */
    int (*doc_count)(hy_store *s, int64_t *ret_count, int64_t *ret_newest);
    /* The search candidates (see struct hy_lib_scan), in id order. *ret is an arena array. */
    int (*scan)(hy_store *s, const struct hy_lib_scan *q, hy_arena *a, struct hy_lib_row **ret,
                size_t *ret_n);
    /* The library's version: a number that every committed change to the documents raises
     * (triggers of migration 6, whatever the writer), so equal versions mean equal documents.
     * One statement: fine under HY_TX_SINGLE. */
    int (*version)(hy_store *s, int64_t *ret);
    /* Published documents with id > after (NULL = from the start), in id order, at most
     * `limit` (1 … 10000), as search rows with every token field set (tok_title, tok_summary,
     * tok_tags, tokens); status is NULL. For the in-memory search index (domain/libindex.h):
     * read the pages and the version in one HY_TX_READ. Returns the count. */
    int (*index_rows)(hy_store *s, const char *after, size_t limit, hy_arena *a,
                      struct hy_lib_row **ret);
    /* doc_get_many (n may be 0) and the library version, read by ONE statement, so the pair
     * is consistent without a transaction (HY_TX_SINGLE): the search's fast path checks that
     * the index it answered from is still current. Returns the count of documents. */
    int (*doc_get_many_at)(hy_store *s, const char *const *ids, size_t n, hy_arena *a,
                           struct hy_lib_doc **ret, int64_t *ret_version);

    int (*revision_insert)(hy_store *s, const struct hy_lib_revision *r);
    /* A document's revisions, newest first, at most `limit`. Returns the count. */
    int (*revision_list)(hy_store *s, const char *doc_id, size_t limit, hy_arena *a,
                         struct hy_lib_revision **ret);

    int (*attachment_insert)(hy_store *s, const struct hy_lib_attachment *att);
    /* One attachment with its bytes (copied into the arena). */
    int (*attachment_get)(hy_store *s, const char *id, hy_arena *a, struct hy_lib_attachment *ret);
    /* A document's attachments without their bytes, oldest first. Returns the count. */
    int (*attachment_list)(hy_store *s, const char *doc_id, hy_arena *a,
                           struct hy_lib_attachment **ret);
    /* Deletes attachment `id` of document `doc_id`: HY_DB_ONE, or HY_DB_NONE when the document
     * has no such attachment. */
    int (*attachment_delete)(hy_store *s, const char *doc_id, const char *id);

    /* Inserts or replaces (by slug) an organisation / a project. */
    int (*org_put)(hy_store *s, const struct hy_lib_org *o);
    int (*project_put)(hy_store *s, const struct hy_lib_project *p);
    /* Every organisation in slug order; every project in (org_slug, slug) order. */
    int (*org_list)(hy_store *s, hy_arena *a, struct hy_lib_org **ret);
    int (*project_list)(hy_store *s, hy_arena *a, struct hy_lib_project **ret);
};

extern const struct hy_library_ops hy_sq_library_ops;
extern const struct hy_library_ops hy_pg_library_ops;

#endif
