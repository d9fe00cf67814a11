/* library.h — the knowledge library's store functions (issue 7): documents, their search
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

#include "store/store.h"

/* One library document. */
struct hy_lib_doc {
    char id[HY_ID_LEN + 1];
    const char *type;              /* case_study, project, publication, toolkit, faq, resource, guide */
    const char *language;          /* fa, en */
    const char *translation_group; /* id shared by a document and its translations */
    const char *title;
    const char *summary;
    const char *body_md;   /* the Markdown as written */
    const char *body_html; /* rendered at save time (raw HTML off, links sanitised) */
    const char *body_text; /* plain text of the body, for snippets */
    const char *country;   /* ISO 3166-1 alpha-2 (upper case), or NULL */
    const char *level;     /* international, national, regional, local, non_governmental, or NULL */
    int year;              /* 0 = none */
    const char *stage;     /* problem_identification … diffusion, or NULL */
    const char *themes;    /* theme slugs separated by single spaces ("" = none) */
    const char *tags;      /* JSON array of strings */
    const char *organisations; /* JSON array of strings */
    const char *authors;       /* JSON array of strings */
    const char *links;         /* JSON array of {"url","title"} */
    bool covid;
    const char *status;     /* draft, in_review, published */
    const char *origin;     /* user, seed, demo, import */
    const char *created_by; /* user id, or NULL (seed, demo, import) */
    int64_t created_at, updated_at;
    int64_t published_at; /* 0 = never published */
    int64_t sort_at;      /* "newest" order: published_at once published, else created_at */
    /* Search tokens (domain/library.c): normalised words separated by single spaces. */
    const char *tok_title, *tok_summary, *tok_tags;
    const char *tokens; /* every searchable word: title, summary, tags, organisations, body */
};

/* What the search scan needs of each candidate. */
struct hy_lib_row {
    char id[HY_ID_LEN + 1];
    const char *type, *language, *country, *level, *stage, *themes, *status;
    int year;
    bool covid;
    int64_t sort_at;
    const char *tok_title, *tok_summary, *tok_tags; /* only when the scan has terms, else NULL */
    const char *tokens; /* only from index_rows, else NULL */
};

#define HY_LIB_MAX_TERMS 8

/* The candidates of a search. */
struct hy_lib_scan {
    const char *status; /* only documents with this status; NULL = any */
    /* Normalised query words (domain/library.c): a document matches when every term is the
     * start of one of its tokens. nterms = 0: every document. */
    const char *terms[HY_LIB_MAX_TERMS];
    size_t nterms;
};

struct hy_lib_revision {
    int64_t id, at;
    const char *doc_id;
    const char *author_id; /* NULL for the system */
    const char *action;    /* create, edit, submit, publish, unpublish, import, seed */
    const char *snapshot;  /* JSON object: the document's editable fields after the change */
};

struct hy_lib_attachment {
    char id[HY_ID_LEN + 1];
    char doc_id[HY_ID_LEN + 1];
    const char *filename;
    const char *content_type;
    const void *data; /* NULL in lists */
    size_t size;
    const char *created_by;
    int64_t created_at;
};

struct hy_lib_org {
    const char *slug; /* stable key, e.g. "code-for-japan" */
    const char *name_fa, *name_en;
    const char *region;  /* e.g. "Asia", "Europe" (a fixed list in domain/library.c) */
    const char *country; /* ISO alpha-2 or NULL */
    const char *website; /* https URL or NULL */
    const char *description_fa, *description_en;
    const char *origin; /* seed, demo, import, user */
};

struct hy_lib_project {
    const char *slug;
    const char *org_slug;
    const char *name_fa, *name_en;
    const char *description_fa, *description_en;
    const char *website; /* or NULL */
    int year;            /* 0 = unknown */
    bool covid;
    const char *doc_id; /* the library document about it, or NULL */
};

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
