/* library.c — the knowledge library's store functions (store/library.h), written once for
 * every backend (the statements are store/sql/library.def), and writing a document together
 * with its revision (the snapshot is the document's API form, without the rendered HTML). */
#include "store/library.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/engine.h"
#include "store/shared.h"

/* ---- documents ---- */

/* The parameters $2… of a document's insert and update that both write alike (type …
 * origin: $2 to $21), after the id. */
#define DOC_FIELDS(d)                                                                              \
    hy_arg_text((d)->type), hy_arg_text((d)->language),                                           \
        hy_arg_text_or((d)->translation_group, (d)->id), hy_arg_text((d)->title),                 \
        hy_arg_text_or((d)->summary, ""), hy_arg_text_or((d)->body_md, ""),                       \
        hy_arg_text_or((d)->body_html, ""), hy_arg_text_or((d)->body_text, ""),                   \
        hy_arg_text((d)->country), hy_arg_text((d)->level),                                       \
        (d)->year > 0 ? hy_arg_i64((d)->year) : hy_arg_null(), hy_arg_text((d)->stage),           \
        hy_arg_text_or((d)->themes, ""), hy_arg_text_or((d)->tags, "[]"),                         \
        hy_arg_text_or((d)->organisations, "[]"), hy_arg_text_or((d)->authors, "[]"),             \
        hy_arg_text_or((d)->links, "[]"), hy_arg_bool((d)->covid), hy_arg_text((d)->status),      \
        hy_arg_text_or((d)->origin, "user")
/* The times and search tokens that end both. */
#define DOC_TAIL(d)                                                                                \
    hy_arg_i64((d)->updated_at), hy_arg_i64((d)->published_at), hy_arg_i64((d)->sort_at),         \
        hy_arg_text_or((d)->tok_title, ""), hy_arg_text_or((d)->tok_summary, ""),                 \
        hy_arg_text_or((d)->tok_tags, ""), hy_arg_text_or((d)->tokens, ""),                       \
        hy_arg_text_or((d)->extra, "{}")

int hy_st_lib_doc_insert(hy_store *s, const struct hy_lib_doc *d) {
    return hy_st_exec(s, HY_Q_LIB_DOC_INSERT,
                      HY_ARGS(hy_arg_text(d->id), DOC_FIELDS(d), hy_arg_text(d->created_by),
                              hy_arg_i64(d->created_at), DOC_TAIL(d)));
}

int hy_st_lib_doc_update(hy_store *s, const struct hy_lib_doc *d) {
    return hy_st_exec(s, HY_Q_LIB_DOC_UPDATE,
                      HY_ARGS(hy_arg_text(d->id), DOC_FIELDS(d), DOC_TAIL(d)));
}

int hy_st_lib_doc_get(hy_store *s, const char *id, hy_arena *a, struct hy_lib_doc *ret) {
    return hy_st_one(s, HY_Q_LIB_DOC_GET, HY_ARGS(hy_arg_text(id)), &hy_row_lib_doc, a, ret);
}

#define DOC_IDS_MAX 200

int hy_st_lib_doc_get_many(hy_store *s, const char *const *ids, size_t n, hy_arena *a,
                           struct hy_lib_doc **ret) {
    if (n > DOC_IDS_MAX) return HY_DB_HARD;
    return hy_st_list(s, HY_Q_LIB_DOC_GET_MANY, HY_ARGS(hy_arg_ids(ids, n)), &hy_row_lib_doc, n,
                      a, ret);
}

int hy_st_lib_doc_get_many_at(hy_store *s, const char *const *ids, size_t n, hy_arena *a,
                              struct hy_lib_doc **ret, int64_t *ret_version) {
    if (n > DOC_IDS_MAX) return HY_DB_HARD;
    struct hy_row_lib_doc_at *rows;
    int nrows = hy_st_list(s, HY_Q_LIB_DOC_GET_MANY_AT, HY_ARGS(hy_arg_ids(ids, n)),
                           &hy_row_lib_doc_at, SIZE_MAX, a, &rows);
    if (nrows < 0) return nrows;
    struct hy_lib_doc *docs = hy_arena_alloc(a, (n ? n : 1) * sizeof *docs);
    /* The version's row is always there: without it the library has no version. */
    if (!docs || nrows == 0) return HY_DB_HARD;
    size_t got = 0;
    for (int i = 0; i < nrows; i++) {
        if (!rows[i].doc.id[0]) continue; /* the row without a document */
        if (got == n) return HY_DB_HARD;
        docs[got++] = rows[i].doc;
    }
    *ret = docs;
    *ret_version = rows[0].version;
    return (int)got;
}

int hy_st_lib_doc_set_status(hy_store *s, const char *id, const char *from, const char *to,
                             int64_t now) {
    return hy_st_exec(s, HY_Q_LIB_DOC_STATUS,
                      HY_ARGS(hy_arg_text(id), hy_arg_text(from), hy_arg_text(to),
                              hy_arg_i64(now)));
}

int hy_st_lib_doc_list(hy_store *s, const char *status, const char *after, size_t limit,
                       hy_arena *a, struct hy_lib_doc **ret) {
    if (limit == 0 || limit > 10000) return HY_DB_HARD;
    return hy_st_list(s, HY_Q_LIB_DOC_LIST,
                      HY_ARGS(hy_arg_text(status), hy_arg_text(after), hy_arg_size(limit)),
                      &hy_row_lib_doc, limit, a, ret);
}

/* A translation group holds at most one document per language: 8 is plenty. */
#define DOC_GROUP_MAX 8

int hy_st_lib_doc_group(hy_store *s, const char *group, hy_arena *a, struct hy_lib_doc **ret) {
    return hy_st_list(s, HY_Q_LIB_DOC_GROUP, HY_ARGS(hy_arg_text(group)), &hy_row_lib_doc_brief,
                      DOC_GROUP_MAX, a, ret);
}

int hy_st_lib_doc_count(hy_store *s, int64_t *ret_count, int64_t *ret_newest) {
    struct hy_row_i64x2 v;
    int r = hy_st_one(s, HY_Q_LIB_DOC_COUNT, HY_NO_ARGS, &hy_row_i64x2, NULL, &v);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    *ret_count = v.v[0];
    if (ret_newest) *ret_newest = v.v[1];
    return HY_DB_ONE;
}

/* ---- search ---- */

int hy_st_lib_scan(hy_store *s, const struct hy_lib_scan *q, hy_arena *a,
                   struct hy_lib_row **ret, size_t *ret_n) {
    int n;
    if (q->nterms > 0) {
        char *match = hy_st_prefix_query(s, a, q->terms, q->nterms);
        if (!match) return HY_DB_HARD;
        n = hy_st_list(s, HY_Q_LIB_SCAN_MATCH, HY_ARGS(hy_arg_text(q->status), hy_arg_text(match)),
                       &hy_row_lib_scan_terms, SIZE_MAX, a, ret);
    } else {
        n = hy_st_list(s, HY_Q_LIB_SCAN_ALL, HY_ARGS(hy_arg_text(q->status)), &hy_row_lib_scan,
                       SIZE_MAX, a, ret);
    }
    if (n < 0) return n;
    *ret_n = (size_t)n;
    return HY_DB_ONE;
}

int hy_st_lib_version(hy_store *s, int64_t *ret) {
    int r = hy_st_i64(s, HY_Q_LIB_VERSION, HY_NO_ARGS, ret);
    return r == HY_DB_NONE ? HY_DB_HARD : r;
}

int hy_st_lib_index_rows(hy_store *s, const char *after, size_t limit, hy_arena *a,
                         struct hy_lib_row **ret) {
    if (limit == 0 || limit > 10000) return HY_DB_HARD;
    return hy_st_list(s, HY_Q_LIB_INDEX_ROWS, HY_ARGS(hy_arg_text_or(after, ""), hy_arg_size(limit)),
                      &hy_row_lib_index, limit, a, ret);
}

/* ---- revisions ---- */

int hy_st_lib_revision_insert(hy_store *s, const struct hy_lib_revision *r) {
    return hy_st_exec(s, HY_Q_LIB_REV_INSERT,
                      HY_ARGS(hy_arg_text(r->doc_id), hy_arg_i64(r->at),
                              hy_arg_text(r->author_id), hy_arg_text(r->action),
                              hy_arg_text_or(r->snapshot, "{}")));
}

int hy_st_lib_revision_list(hy_store *s, const char *doc_id, size_t limit, hy_arena *a,
                            struct hy_lib_revision **ret) {
    if (limit == 0 || limit > 1000) return HY_DB_HARD;
    return hy_st_list(s, HY_Q_LIB_REV_LIST, HY_ARGS(hy_arg_text(doc_id), hy_arg_size(limit)),
                      &hy_row_lib_revision, limit, a, ret);
}

/* ---- attachments ---- */

int hy_st_lib_attachment_insert(hy_store *s, const struct hy_lib_attachment *att) {
    return hy_st_exec(s, HY_Q_LIB_ATT_INSERT,
                      HY_ARGS(hy_arg_text(att->id), hy_arg_text(att->doc_id),
                              hy_arg_text(att->filename), hy_arg_text(att->content_type),
                              hy_arg_size(att->size), hy_arg_blob(att->data, att->size),
                              hy_arg_text(att->created_by), hy_arg_i64(att->created_at)));
}

int hy_st_lib_attachment_get(hy_store *s, const char *id, hy_arena *a,
                             struct hy_lib_attachment *ret) {
    return hy_st_one(s, HY_Q_LIB_ATT_GET, HY_ARGS(hy_arg_text(id)), &hy_row_lib_attachment_data,
                     a, ret);
}

int hy_st_lib_attachment_delete(hy_store *s, const char *doc_id, const char *id) {
    return hy_st_exec(s, HY_Q_LIB_ATT_DELETE, HY_ARGS(hy_arg_text(id), hy_arg_text(doc_id)));
}

/* A document lists at most this many attachments. */
#define ATTACHMENTS_MAX 64

int hy_st_lib_attachment_list(hy_store *s, const char *doc_id, hy_arena *a,
                              struct hy_lib_attachment **ret) {
    return hy_st_list(s, HY_Q_LIB_ATT_LIST, HY_ARGS(hy_arg_text(doc_id)), &hy_row_lib_attachment,
                      ATTACHMENTS_MAX, a, ret);
}

/* ---- communities ---- */

int hy_st_lib_org_put(hy_store *s, const struct hy_lib_org *o) {
    return hy_st_exec(s, HY_Q_LIB_ORG_PUT,
                      HY_ARGS(hy_arg_text(o->slug), hy_arg_text(o->name_fa),
                              hy_arg_text(o->name_en), hy_arg_text(o->region),
                              hy_arg_text(o->country), hy_arg_text(o->website),
                              hy_arg_text_or(o->description_fa, ""),
                              hy_arg_text_or(o->description_en, ""),
                              hy_arg_text_or(o->origin, "user")));
}

int hy_st_lib_project_put(hy_store *s, const struct hy_lib_project *p) {
    return hy_st_exec(s, HY_Q_LIB_PROJECT_PUT,
                      HY_ARGS(hy_arg_text(p->slug), hy_arg_text(p->org_slug),
                              hy_arg_text(p->name_fa), hy_arg_text(p->name_en),
                              hy_arg_text_or(p->description_fa, ""),
                              hy_arg_text_or(p->description_en, ""), hy_arg_text(p->website),
                              p->year > 0 ? hy_arg_i64(p->year) : hy_arg_null(),
                              hy_arg_bool(p->covid), hy_arg_text(p->doc_id)));
}

/* The directory's size caps: every organisation and project there is. */
#define ORGS_MAX 500
#define PROJECTS_MAX 2000

int hy_st_lib_org_list(hy_store *s, hy_arena *a, struct hy_lib_org **ret) {
    return hy_st_list(s, HY_Q_LIB_ORG_LIST, HY_NO_ARGS, &hy_row_lib_org, ORGS_MAX, a, ret);
}

int hy_st_lib_project_list(hy_store *s, hy_arena *a, struct hy_lib_project **ret) {
    return hy_st_list(s, HY_Q_LIB_PROJECT_LIST, HY_NO_ARGS, &hy_row_lib_project, PROJECTS_MAX, a,
                      ret);
}
