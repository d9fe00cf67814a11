/* library_sqlite.c — the knowledge library in SQLite (store/library.h).
 *
 * Documents live in lib_docs (rowid `n`); full text in an external-content FTS5 table lib_fts
 * over lib_docs.tokens, kept in step by triggers (migration 5). The "ascii" tokenizer splits
 * only on ASCII non-alphanumerics, so it sees exactly the words domain/library.c wrote (they
 * are already normalised and separated by single spaces). Facet columns are never filtered
 * inside FTS5: the scan matches in FTS5 and reads the facet columns from lib_docs. */
#include <stdlib.h>
#include <string.h>

#include "store/library.h"
#include "store/sqlite/store_sqlite.h"
#include "util/buf.h"

enum {
    Q_DOC_INSERT = HY_SQ_LIBRARY_BASE,
    Q_DOC_UPDATE,
    Q_DOC_GET,
    Q_DOC_GET_MANY,
    Q_DOC_STATUS,
    Q_DOC_LIST,
    Q_DOC_GROUP,
    Q_DOC_COUNT,
    Q_SCAN_ALL,
    Q_SCAN_MATCH,
    Q_REV_INSERT,
    Q_REV_LIST,
    Q_ATT_INSERT,
    Q_ATT_GET,
    Q_ATT_LIST,
    Q_ORG_PUT,
    Q_PROJECT_PUT,
    Q_ORG_LIST,
    Q_PROJECT_LIST,
    Q_VERSION,
    Q_INDEX_ROWS,
    Q_DOC_GET_MANY_AT,
    Q__END,
};

_Static_assert((int)Q__END <= (int)HY_SQ_MAX_STMTS, "library statements overflow their id range");

/* The columns a document is read with (no search tokens). */
#define DOC_COLS                                                                                   \
    "id, type, language, translation_group, title, summary, body_md, body_html, body_text, "     \
    "country, level, year, stage, themes, tags, organisations, authors, links, covid, status, "  \
    "origin, created_by, created_at, updated_at, published_at, sort_at"

static const char *const sql_doc_insert =
    "INSERT INTO lib_docs(id, type, language, translation_group, title, summary, body_md, "
    "body_html, body_text, country, level, year, stage, themes, tags, organisations, authors, "
    "links, covid, status, origin, created_by, created_at, updated_at, published_at, sort_at, "
    "tok_title, tok_summary, tok_tags, tokens) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,"
    "?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,?29,?30) "
    "ON CONFLICT(id) DO NOTHING";
static const char *const sql_doc_update =
    "UPDATE lib_docs SET type=?2, language=?3, translation_group=?4, title=?5, summary=?6, "
    "body_md=?7, body_html=?8, body_text=?9, country=?10, level=?11, year=?12, stage=?13, "
    "themes=?14, tags=?15, organisations=?16, authors=?17, links=?18, covid=?19, status=?20, "
    "origin=?21, updated_at=?24, published_at=?25, sort_at=?26, tok_title=?27, "
    "tok_summary=?28, tok_tags=?29, tokens=?30 WHERE id=?1";
static const char *const sql_doc_get = "SELECT " DOC_COLS " FROM lib_docs WHERE id = ?1";
static const char *const sql_doc_get_many =
    "SELECT " DOC_COLS " FROM lib_docs WHERE id IN (SELECT value FROM json_each(?1))";
static const char *const sql_doc_status =
    "UPDATE lib_docs SET status = ?3, updated_at = ?4, "
    "published_at = CASE WHEN ?3 = 'published' THEN ?4 ELSE published_at END, "
    "sort_at = CASE WHEN ?3 = 'published' THEN ?4 ELSE sort_at END "
    "WHERE id = ?1 AND status = ?2";
static const char *const sql_doc_list =
    "SELECT " DOC_COLS " FROM lib_docs WHERE (?1 IS NULL OR status = ?1) AND "
    "(?2 IS NULL OR id > ?2) ORDER BY id LIMIT ?3";
static const char *const sql_doc_group =
    "SELECT id, language, title, status FROM lib_docs WHERE translation_group = ?1 ORDER BY "
    "language, id";
static const char *const sql_doc_count = "SELECT count(*), coalesce(max(updated_at), 0) FROM lib_docs";
#define SCAN_COLS "id, type, language, country, level, stage, themes, status, year, covid, sort_at"
static const char *const sql_scan_all =
    "SELECT " SCAN_COLS " FROM lib_docs WHERE (?1 IS NULL OR status = ?1)";
static const char *const sql_scan_match =
    "SELECT " SCAN_COLS ", tok_title, tok_summary, tok_tags FROM lib_docs "
    "WHERE n IN (SELECT rowid FROM lib_fts WHERE lib_fts MATCH ?2) AND (?1 IS NULL OR status = ?1)";
static const char *const sql_doc_get_many_at =
    "SELECT " DOC_COLS ", version FROM lib_version LEFT JOIN lib_docs "
    "ON id IN (SELECT value FROM json_each(?1)) WHERE one = 1";
static const char *const sql_version = "SELECT version FROM lib_version WHERE one = 1";
static const char *const sql_index_rows =
    "SELECT " SCAN_COLS ", tok_title, tok_summary, tok_tags, tokens FROM lib_docs "
    "WHERE +status = 'published' AND id > ?1 "
    "ORDER BY id LIMIT ?2"; /* +status: walk the id index, not lib_docs_status + a sort */
static const char *const sql_rev_insert =
    "INSERT INTO lib_revisions(doc_id, at, author_id, action, snapshot) VALUES (?1,?2,?3,?4,?5)";
static const char *const sql_rev_list =
    "SELECT id, at, doc_id, author_id, action, snapshot FROM lib_revisions WHERE doc_id = ?1 "
    "ORDER BY id DESC LIMIT ?2";
static const char *const sql_att_insert =
    "INSERT INTO lib_attachments(id, doc_id, filename, content_type, size, data, created_by, "
    "created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)";
static const char *const sql_att_get =
    "SELECT id, doc_id, filename, content_type, size, created_by, created_at, data "
    "FROM lib_attachments WHERE id = ?1";
static const char *const sql_att_list =
    "SELECT id, doc_id, filename, content_type, size, created_by, created_at "
    "FROM lib_attachments WHERE doc_id = ?1 ORDER BY created_at, id";
static const char *const sql_org_put =
    "INSERT INTO lib_orgs(slug, name_fa, name_en, region, country, website, description_fa, "
    "description_en, origin) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT(slug) DO UPDATE SET "
    "name_fa=excluded.name_fa, name_en=excluded.name_en, region=excluded.region, "
    "country=excluded.country, website=excluded.website, description_fa=excluded.description_fa, "
    "description_en=excluded.description_en, origin=excluded.origin";
static const char *const sql_project_put =
    "INSERT INTO lib_projects(slug, org_slug, name_fa, name_en, description_fa, description_en, "
    "website, year, covid, doc_id) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) "
    "ON CONFLICT(slug) DO UPDATE SET org_slug=excluded.org_slug, name_fa=excluded.name_fa, "
    "name_en=excluded.name_en, description_fa=excluded.description_fa, "
    "description_en=excluded.description_en, website=excluded.website, year=excluded.year, "
    "covid=excluded.covid, doc_id=excluded.doc_id";
static const char *const sql_org_list =
    "SELECT slug, name_fa, name_en, region, country, website, description_fa, description_en, "
    "origin FROM lib_orgs ORDER BY slug";
static const char *const sql_project_list =
    "SELECT slug, org_slug, name_fa, name_en, description_fa, description_en, website, year, "
    "covid, doc_id FROM lib_projects ORDER BY org_slug, slug";

/* ---- helpers ---- */

static int step_write(hy_sqlite *s, sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    int r;
    if (rc == SQLITE_DONE)
        r = sqlite3_changes(s->db) > 0 ? HY_DB_ONE : HY_DB_NONE;
    else
        r = hy_sq_status(s, rc);
    return hy_sq_finish(st, r);
}

static int read_doc(sqlite3_stmt *st, hy_arena *a, struct hy_lib_doc *d) {
    bool ok = true;
    memset(d, 0, sizeof *d);
    hy_sq_col_id(st, 0, d->id);
    d->type = hy_sq_col_text(st, 1, a, &ok);
    d->language = hy_sq_col_text(st, 2, a, &ok);
    d->translation_group = hy_sq_col_text(st, 3, a, &ok);
    d->title = hy_sq_col_text(st, 4, a, &ok);
    d->summary = hy_sq_col_text(st, 5, a, &ok);
    d->body_md = hy_sq_col_text(st, 6, a, &ok);
    d->body_html = hy_sq_col_text(st, 7, a, &ok);
    d->body_text = hy_sq_col_text(st, 8, a, &ok);
    d->country = hy_sq_col_text(st, 9, a, &ok);
    d->level = hy_sq_col_text(st, 10, a, &ok);
    d->year = sqlite3_column_int(st, 11);
    d->stage = hy_sq_col_text(st, 12, a, &ok);
    d->themes = hy_sq_col_text(st, 13, a, &ok);
    d->tags = hy_sq_col_text(st, 14, a, &ok);
    d->organisations = hy_sq_col_text(st, 15, a, &ok);
    d->authors = hy_sq_col_text(st, 16, a, &ok);
    d->links = hy_sq_col_text(st, 17, a, &ok);
    d->covid = sqlite3_column_int(st, 18) != 0;
    d->status = hy_sq_col_text(st, 19, a, &ok);
    d->origin = hy_sq_col_text(st, 20, a, &ok);
    d->created_by = hy_sq_col_text(st, 21, a, &ok);
    d->created_at = sqlite3_column_int64(st, 22);
    d->updated_at = sqlite3_column_int64(st, 23);
    d->published_at = sqlite3_column_int64(st, 24);
    d->sort_at = sqlite3_column_int64(st, 25);
    return ok && d->type && d->title && d->status ? HY_DB_ONE : HY_DB_HARD;
}

/* Binds the 30 parameters of insert/update. */
static void bind_doc(sqlite3_stmt *st, const struct hy_lib_doc *d) {
    hy_sq_bind_text(st, 1, d->id);
    hy_sq_bind_text(st, 2, d->type);
    hy_sq_bind_text(st, 3, d->language);
    hy_sq_bind_text(st, 4, d->translation_group ? d->translation_group : d->id);
    hy_sq_bind_text(st, 5, d->title);
    hy_sq_bind_text(st, 6, d->summary ? d->summary : "");
    hy_sq_bind_text(st, 7, d->body_md ? d->body_md : "");
    hy_sq_bind_text(st, 8, d->body_html ? d->body_html : "");
    hy_sq_bind_text(st, 9, d->body_text ? d->body_text : "");
    hy_sq_bind_text(st, 10, d->country);
    hy_sq_bind_text(st, 11, d->level);
    if (d->year > 0)
        sqlite3_bind_int(st, 12, d->year);
    else
        sqlite3_bind_null(st, 12);
    hy_sq_bind_text(st, 13, d->stage);
    hy_sq_bind_text(st, 14, d->themes ? d->themes : "");
    hy_sq_bind_text(st, 15, d->tags ? d->tags : "[]");
    hy_sq_bind_text(st, 16, d->organisations ? d->organisations : "[]");
    hy_sq_bind_text(st, 17, d->authors ? d->authors : "[]");
    hy_sq_bind_text(st, 18, d->links ? d->links : "[]");
    sqlite3_bind_int(st, 19, d->covid ? 1 : 0);
    hy_sq_bind_text(st, 20, d->status);
    hy_sq_bind_text(st, 21, d->origin ? d->origin : "user");
    hy_sq_bind_text(st, 22, d->created_by);
    sqlite3_bind_int64(st, 23, d->created_at);
    sqlite3_bind_int64(st, 24, d->updated_at);
    sqlite3_bind_int64(st, 25, d->published_at);
    sqlite3_bind_int64(st, 26, d->sort_at);
    hy_sq_bind_text(st, 27, d->tok_title ? d->tok_title : "");
    hy_sq_bind_text(st, 28, d->tok_summary ? d->tok_summary : "");
    hy_sq_bind_text(st, 29, d->tok_tags ? d->tok_tags : "");
    hy_sq_bind_text(st, 30, d->tokens ? d->tokens : "");
}

/* ---- documents ---- */

static int doc_insert(hy_store *base, const struct hy_lib_doc *d) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_DOC_INSERT, sql_doc_insert);
    if (!st) return HY_DB_HARD;
    bind_doc(st, d);
    return step_write(s, st);
}

static int doc_update(hy_store *base, const struct hy_lib_doc *d) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_DOC_UPDATE, sql_doc_update);
    if (!st) return HY_DB_HARD;
    bind_doc(st, d);
    return step_write(s, st);
}

static int doc_get(hy_store *base, const char *id, hy_arena *a, struct hy_lib_doc *ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_DOC_GET, sql_doc_get);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_NONE : hy_sq_status(s, rc));
    struct hy_lib_doc d;
    int r = read_doc(st, a, &d);
    if (r == HY_DB_ONE) *ret = d;
    return hy_sq_finish(st, r);
}

/* Steps a statement whose rows are documents into an arena array of at most max. */
static int read_docs(hy_sqlite *s, sqlite3_stmt *st, size_t max, hy_arena *a,
                     struct hy_lib_doc **ret) {
    struct hy_lib_doc *docs = hy_arena_alloc(a, (max ? max : 1) * sizeof *docs);
    if (!docs) return hy_sq_finish(st, HY_DB_HARD);
    size_t n = 0;
    int rc;
    while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (read_doc(st, a, &docs[n++]) < 0) return hy_sq_finish(st, HY_DB_HARD);
    if (n < max && rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    hy_sq_finish(st, 0);
    *ret = docs;
    return (int)n;
}

/* Binds a JSON array of the ids (hex only, so nothing needs escaping) as parameter 1. */
static int bind_ids(sqlite3_stmt *st, const char *const *ids, size_t n) {
    hy_buf b = HY_BUF_INIT(0);
    int ok = hy_buf_putc(&b, '[');
    for (size_t i = 0; i < n && ok == 0; i++)
        ok = hy_buf_printf(&b, "%s\"%s\"", i ? "," : "", ids[i]);
    if (ok == 0) ok = hy_buf_putc(&b, ']');
    if (ok == 0) sqlite3_bind_text(st, 1, b.data, (int)b.len, SQLITE_TRANSIENT);
    hy_buf_free(&b);
    return ok == 0 ? 0 : -1;
}

static int doc_get_many(hy_store *base, const char *const *ids, size_t n, hy_arena *a,
                        struct hy_lib_doc **ret) {
    hy_sqlite *s = hy_sq(base);
    if (n > 200) return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_DOC_GET_MANY, sql_doc_get_many);
    if (!st) return HY_DB_HARD;
    if (bind_ids(st, ids, n) < 0) return hy_sq_finish(st, HY_DB_HARD);
    return read_docs(s, st, n, a, ret);
}

static int doc_get_many_at(hy_store *base, const char *const *ids, size_t n, hy_arena *a,
                           struct hy_lib_doc **ret, int64_t *ret_version) {
    hy_sqlite *s = hy_sq(base);
    if (n > 200) return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_DOC_GET_MANY_AT, sql_doc_get_many_at);
    if (!st) return HY_DB_HARD;
    if (bind_ids(st, ids, n) < 0) return hy_sq_finish(st, HY_DB_HARD);
    struct hy_lib_doc *docs = hy_arena_alloc(a, (n ? n : 1) * sizeof *docs);
    if (!docs) return hy_sq_finish(st, HY_DB_HARD);
    size_t got = 0;
    bool have = false;
    int64_t version = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        version = sqlite3_column_int64(st, 26);
        have = true;
        if (sqlite3_column_type(st, 0) == SQLITE_NULL) continue; /* no document */
        if (got == n || read_doc(st, a, &docs[got++]) < 0) return hy_sq_finish(st, HY_DB_HARD);
    }
    if (rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    hy_sq_finish(st, 0);
    if (!have) return HY_DB_HARD;
    *ret = docs;
    *ret_version = version;
    return (int)got;
}

static int doc_set_status(hy_store *base, const char *id, const char *from, const char *to,
                          int64_t now) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_DOC_STATUS, sql_doc_status);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    hy_sq_bind_text(st, 2, from);
    hy_sq_bind_text(st, 3, to);
    sqlite3_bind_int64(st, 4, now);
    return step_write(s, st);
}

static int doc_list(hy_store *base, const char *status, const char *after, size_t limit,
                    hy_arena *a, struct hy_lib_doc **ret) {
    hy_sqlite *s = hy_sq(base);
    if (limit == 0 || limit > 10000) return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_DOC_LIST, sql_doc_list);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, status);
    hy_sq_bind_text(st, 2, after);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
    return read_docs(s, st, limit, a, ret);
}

static int doc_group(hy_store *base, const char *group, hy_arena *a, struct hy_lib_doc **ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_DOC_GROUP, sql_doc_group);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, group);
    size_t cap = 8, n = 0;
    struct hy_lib_doc *docs = hy_arena_zalloc(a, cap * sizeof *docs);
    if (!docs) return hy_sq_finish(st, HY_DB_HARD);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < cap) {
        bool ok = true;
        struct hy_lib_doc *d = &docs[n++];
        hy_sq_col_id(st, 0, d->id);
        d->language = hy_sq_col_text(st, 1, a, &ok);
        d->title = hy_sq_col_text(st, 2, a, &ok);
        d->status = hy_sq_col_text(st, 3, a, &ok);
        if (!ok) return hy_sq_finish(st, HY_DB_HARD);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return hy_sq_finish(st, hy_sq_status(s, rc));
    hy_sq_finish(st, 0);
    *ret = docs;
    return (int)n;
}

static int doc_count(hy_store *base, int64_t *ret_count, int64_t *ret_newest) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_DOC_COUNT, sql_doc_count);
    if (!st) return HY_DB_HARD;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, hy_sq_status(s, rc) < 0 ? hy_sq_status(s, rc) : HY_DB_HARD);
    *ret_count = sqlite3_column_int64(st, 0);
    if (ret_newest) *ret_newest = sqlite3_column_int64(st, 1);
    return hy_sq_finish(st, HY_DB_ONE);
}

/* The FTS5 query for the terms: "t1"* AND "t2"* … (terms hold no quotes: they are words). */
static char *fts_query(const struct hy_lib_scan *q) {
    hy_buf b = HY_BUF_INIT(0);
    for (size_t i = 0; i < q->nterms; i++)
        if (hy_buf_printf(&b, "%s\"%s\"*", i ? " AND " : "", q->terms[i]) < 0) {
            hy_buf_free(&b);
            return NULL;
        }
    return hy_buf_steal(&b, NULL);
}

/* One row of SCAN_COLS, then (ntok >= 3) tok_title, tok_summary, tok_tags and (ntok == 4)
 * tokens, as scan() and index_rows() select them. False when out of memory. */
static bool read_row(sqlite3_stmt *st, int ntok, hy_arena *a, struct hy_lib_row *w) {
    bool ok = true;
    memset(w, 0, sizeof *w);
    hy_sq_col_id(st, 0, w->id);
    w->type = hy_sq_col_text(st, 1, a, &ok);
    w->language = hy_sq_col_text(st, 2, a, &ok);
    w->country = hy_sq_col_text(st, 3, a, &ok);
    w->level = hy_sq_col_text(st, 4, a, &ok);
    w->stage = hy_sq_col_text(st, 5, a, &ok);
    w->themes = hy_sq_col_text(st, 6, a, &ok);
    w->status = hy_sq_col_text(st, 7, a, &ok);
    w->year = sqlite3_column_int(st, 8);
    w->covid = sqlite3_column_int(st, 9) != 0;
    w->sort_at = sqlite3_column_int64(st, 10);
    if (ntok >= 3) {
        w->tok_title = hy_sq_col_text(st, 11, a, &ok);
        w->tok_summary = hy_sq_col_text(st, 12, a, &ok);
        w->tok_tags = hy_sq_col_text(st, 13, a, &ok);
    }
    if (ntok == 4) w->tokens = hy_sq_col_text(st, 14, a, &ok);
    return ok;
}

static int scan(hy_store *base, const struct hy_lib_scan *q, hy_arena *a,
                struct hy_lib_row **ret, size_t *ret_n) {
    hy_sqlite *s = hy_sq(base);
    bool match = q->nterms > 0;
    for (size_t i = 0; i < q->nterms; i++)
        if (strchr(q->terms[i], '"')) return HY_DB_HARD;
    sqlite3_stmt *st = match ? hy_sq_stmt(s, Q_SCAN_MATCH, sql_scan_match)
                             : hy_sq_stmt(s, Q_SCAN_ALL, sql_scan_all);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, q->status);
    if (match) {
        char *fq = fts_query(q);
        if (!fq) return hy_sq_finish(st, HY_DB_HARD);
        sqlite3_bind_text(st, 2, fq, -1, free);
    }
    size_t cap = 1024, n = 0;
    struct hy_lib_row *rows = malloc(cap * sizeof *rows);
    if (!rows) return hy_sq_finish(st, HY_DB_HARD);
    int rc, r = HY_DB_ONE;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            struct hy_lib_row *nr = realloc(rows, cap * 2 * sizeof *rows);
            if (!nr) {
                r = HY_DB_HARD;
                break;
            }
            rows = nr;
            cap *= 2;
        }
        if (!read_row(st, match ? 3 : 0, a, &rows[n++])) {
            r = HY_DB_HARD;
            break;
        }
    }
    if (r == HY_DB_ONE && rc != SQLITE_DONE) r = hy_sq_status(s, rc);
    hy_sq_finish(st, 0);
    if (r == HY_DB_ONE) {
        struct hy_lib_row *out = hy_arena_alloc(a, (n ? n : 1) * sizeof *out);
        if (!out) r = HY_DB_HARD;
        else {
            if (n) memcpy(out, rows, n * sizeof *out);
            *ret = out;
            *ret_n = n;
        }
    }
    free(rows);
    return r;
}

static int version(hy_store *base, int64_t *ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_VERSION, sql_version);
    if (!st) return HY_DB_HARD;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_HARD : hy_sq_status(s, rc));
    *ret = sqlite3_column_int64(st, 0);
    return hy_sq_finish(st, HY_DB_ONE);
}

static int index_rows(hy_store *base, const char *after, size_t limit, hy_arena *a,
                      struct hy_lib_row **ret) {
    hy_sqlite *s = hy_sq(base);
    if (limit == 0 || limit > 10000) return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_INDEX_ROWS, sql_index_rows);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, after ? after : "");
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    struct hy_lib_row *rows = hy_arena_alloc(a, limit * sizeof *rows);
    if (!rows) return hy_sq_finish(st, HY_DB_HARD);
    size_t n = 0;
    int rc = SQLITE_DONE;
    while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!read_row(st, 4, a, &rows[n++])) return hy_sq_finish(st, HY_DB_HARD);
    }
    if (n < limit && rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    hy_sq_finish(st, 0);
    *ret = rows;
    return (int)n;
}

/* ---- revisions ---- */

static int revision_insert(hy_store *base, const struct hy_lib_revision *rv) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_REV_INSERT, sql_rev_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, rv->doc_id);
    sqlite3_bind_int64(st, 2, rv->at);
    hy_sq_bind_text(st, 3, rv->author_id);
    hy_sq_bind_text(st, 4, rv->action);
    hy_sq_bind_text(st, 5, rv->snapshot ? rv->snapshot : "{}");
    return step_write(s, st);
}

static int revision_list(hy_store *base, const char *doc_id, size_t limit, hy_arena *a,
                         struct hy_lib_revision **ret) {
    hy_sqlite *s = hy_sq(base);
    if (limit == 0 || limit > 1000) return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_REV_LIST, sql_rev_list);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, doc_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    struct hy_lib_revision *revs = hy_arena_alloc(a, limit * sizeof *revs);
    if (!revs) return hy_sq_finish(st, HY_DB_HARD);
    size_t n = 0;
    int rc = SQLITE_DONE;
    while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        bool ok = true;
        struct hy_lib_revision *r = &revs[n++];
        r->id = sqlite3_column_int64(st, 0);
        r->at = sqlite3_column_int64(st, 1);
        r->doc_id = hy_sq_col_text(st, 2, a, &ok);
        r->author_id = hy_sq_col_text(st, 3, a, &ok);
        r->action = hy_sq_col_text(st, 4, a, &ok);
        r->snapshot = hy_sq_col_text(st, 5, a, &ok);
        if (!ok) return hy_sq_finish(st, HY_DB_HARD);
    }
    if (n < limit && rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    hy_sq_finish(st, 0);
    *ret = revs;
    return (int)n;
}

/* ---- attachments ---- */

static int attachment_insert(hy_store *base, const struct hy_lib_attachment *att) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_ATT_INSERT, sql_att_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, att->id);
    hy_sq_bind_text(st, 2, att->doc_id);
    hy_sq_bind_text(st, 3, att->filename);
    hy_sq_bind_text(st, 4, att->content_type);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)att->size);
    sqlite3_bind_blob64(st, 6, att->data ? att->data : "", att->size, SQLITE_STATIC);
    hy_sq_bind_text(st, 7, att->created_by);
    sqlite3_bind_int64(st, 8, att->created_at);
    return step_write(s, st);
}

static int read_att(sqlite3_stmt *st, hy_arena *a, struct hy_lib_attachment *att, bool data) {
    bool ok = true;
    memset(att, 0, sizeof *att);
    hy_sq_col_id(st, 0, att->id);
    hy_sq_col_id(st, 1, att->doc_id);
    att->filename = hy_sq_col_text(st, 2, a, &ok);
    att->content_type = hy_sq_col_text(st, 3, a, &ok);
    att->size = (size_t)sqlite3_column_int64(st, 4);
    att->created_by = hy_sq_col_text(st, 5, a, &ok);
    att->created_at = sqlite3_column_int64(st, 6);
    if (data) {
        const void *p = sqlite3_column_blob(st, 7);
        size_t n = (size_t)sqlite3_column_bytes(st, 7);
        void *copy = hy_arena_alloc(a, n ? n : 1);
        if (!copy) return HY_DB_HARD;
        if (n) memcpy(copy, p, n);
        att->data = copy;
        att->size = n;
    }
    return ok ? HY_DB_ONE : HY_DB_HARD;
}

static int attachment_get(hy_store *base, const char *id, hy_arena *a,
                          struct hy_lib_attachment *ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_ATT_GET, sql_att_get);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_NONE : hy_sq_status(s, rc));
    struct hy_lib_attachment att;
    int r = read_att(st, a, &att, true);
    if (r == HY_DB_ONE) *ret = att;
    return hy_sq_finish(st, r);
}

static int attachment_list(hy_store *base, const char *doc_id, hy_arena *a,
                           struct hy_lib_attachment **ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_ATT_LIST, sql_att_list);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, doc_id);
    size_t cap = 64, n = 0;
    struct hy_lib_attachment *atts = hy_arena_alloc(a, cap * sizeof *atts);
    if (!atts) return hy_sq_finish(st, HY_DB_HARD);
    int rc;
    while (n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (read_att(st, a, &atts[n++], false) < 0) return hy_sq_finish(st, HY_DB_HARD);
    if (n < cap && rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    hy_sq_finish(st, 0);
    *ret = atts;
    return (int)n;
}

/* ---- communities ---- */

static int org_put(hy_store *base, const struct hy_lib_org *o) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_ORG_PUT, sql_org_put);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, o->slug);
    hy_sq_bind_text(st, 2, o->name_fa);
    hy_sq_bind_text(st, 3, o->name_en);
    hy_sq_bind_text(st, 4, o->region);
    hy_sq_bind_text(st, 5, o->country);
    hy_sq_bind_text(st, 6, o->website);
    hy_sq_bind_text(st, 7, o->description_fa ? o->description_fa : "");
    hy_sq_bind_text(st, 8, o->description_en ? o->description_en : "");
    hy_sq_bind_text(st, 9, o->origin ? o->origin : "user");
    return step_write(s, st);
}

static int project_put(hy_store *base, const struct hy_lib_project *p) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_PROJECT_PUT, sql_project_put);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, p->slug);
    hy_sq_bind_text(st, 2, p->org_slug);
    hy_sq_bind_text(st, 3, p->name_fa);
    hy_sq_bind_text(st, 4, p->name_en);
    hy_sq_bind_text(st, 5, p->description_fa ? p->description_fa : "");
    hy_sq_bind_text(st, 6, p->description_en ? p->description_en : "");
    hy_sq_bind_text(st, 7, p->website);
    if (p->year > 0)
        sqlite3_bind_int(st, 8, p->year);
    else
        sqlite3_bind_null(st, 8);
    sqlite3_bind_int(st, 9, p->covid ? 1 : 0);
    hy_sq_bind_text(st, 10, p->doc_id);
    return step_write(s, st);
}

static int org_list(hy_store *base, hy_arena *a, struct hy_lib_org **ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_ORG_LIST, sql_org_list);
    if (!st) return HY_DB_HARD;
    size_t cap = 500, n = 0;
    struct hy_lib_org *orgs = hy_arena_alloc(a, cap * sizeof *orgs);
    if (!orgs) return hy_sq_finish(st, HY_DB_HARD);
    int rc;
    while (n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        bool ok = true;
        struct hy_lib_org *o = &orgs[n++];
        o->slug = hy_sq_col_text(st, 0, a, &ok);
        o->name_fa = hy_sq_col_text(st, 1, a, &ok);
        o->name_en = hy_sq_col_text(st, 2, a, &ok);
        o->region = hy_sq_col_text(st, 3, a, &ok);
        o->country = hy_sq_col_text(st, 4, a, &ok);
        o->website = hy_sq_col_text(st, 5, a, &ok);
        o->description_fa = hy_sq_col_text(st, 6, a, &ok);
        o->description_en = hy_sq_col_text(st, 7, a, &ok);
        o->origin = hy_sq_col_text(st, 8, a, &ok);
        if (!ok) return hy_sq_finish(st, HY_DB_HARD);
    }
    if (n < cap && rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    hy_sq_finish(st, 0);
    *ret = orgs;
    return (int)n;
}

static int project_list(hy_store *base, hy_arena *a, struct hy_lib_project **ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_PROJECT_LIST, sql_project_list);
    if (!st) return HY_DB_HARD;
    size_t cap = 2000, n = 0;
    struct hy_lib_project *ps = hy_arena_alloc(a, cap * sizeof *ps);
    if (!ps) return hy_sq_finish(st, HY_DB_HARD);
    int rc;
    while (n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        bool ok = true;
        struct hy_lib_project *p = &ps[n++];
        p->slug = hy_sq_col_text(st, 0, a, &ok);
        p->org_slug = hy_sq_col_text(st, 1, a, &ok);
        p->name_fa = hy_sq_col_text(st, 2, a, &ok);
        p->name_en = hy_sq_col_text(st, 3, a, &ok);
        p->description_fa = hy_sq_col_text(st, 4, a, &ok);
        p->description_en = hy_sq_col_text(st, 5, a, &ok);
        p->website = hy_sq_col_text(st, 6, a, &ok);
        p->year = sqlite3_column_int(st, 7);
        p->covid = sqlite3_column_int(st, 8) != 0;
        p->doc_id = hy_sq_col_text(st, 9, a, &ok);
        if (!ok) return hy_sq_finish(st, HY_DB_HARD);
    }
    if (n < cap && rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    hy_sq_finish(st, 0);
    *ret = ps;
    return (int)n;
}

const struct hy_library_ops hy_sq_library_ops = {
    .doc_insert = doc_insert,
    .doc_update = doc_update,
    .doc_get = doc_get,
    .doc_get_many = doc_get_many,
    .doc_set_status = doc_set_status,
    .doc_list = doc_list,
    .doc_group = doc_group,
    .doc_count = doc_count,
    .scan = scan,
    .version = version,
    .index_rows = index_rows,
    .doc_get_many_at = doc_get_many_at,
    .revision_insert = revision_insert,
    .revision_list = revision_list,
    .attachment_insert = attachment_insert,
    .attachment_get = attachment_get,
    .attachment_list = attachment_list,
    .org_put = org_put,
    .project_put = project_put,
    .org_list = org_list,
    .project_list = project_list,
};
