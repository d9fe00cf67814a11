/* library_pg.c — the knowledge library in PostgreSQL (store/library.h); behaves as
 * library_sqlite.c (tests/store/store_library.c checks both).
 *
 * Full text: lib_docs.tsv is generated from the same token string SQLite's FTS5 indexes
 * (array_to_tsvector: each word is a lexeme as written, no parser involved) and has a GIN index.
 * A query is a tsquery literal 'w1':* & 'w2':* built here from the words domain/library.c
 * produced (letters and digits only, never quotes or backslashes), passed as a parameter.
 * Attachments travel as hex (decode($n,'hex') in, bytea's hex output back). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/library.h"
#include "store/pg/store_pg.h"
#include "util/buf.h"

enum {
    Q_DOC_INSERT = HY_PG_LIBRARY_BASE,
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

_Static_assert((int)Q__END <= (int)HY_PG_MAX_STMTS, "library statements overflow their id range");

#define DOC_COLS                                                                                   \
    "id, type, language, translation_group, title, summary, body_md, body_html, body_text, "     \
    "country, level, year, stage, themes, tags, organisations, authors, links, covid, status, "  \
    "origin, created_by, created_at, updated_at, published_at, sort_at"

static const char *const sql_doc_insert =
    "INSERT INTO lib_docs(id, type, language, translation_group, title, summary, body_md, "
    "body_html, body_text, country, level, year, stage, themes, tags, organisations, authors, "
    "links, covid, status, origin, created_by, created_at, updated_at, published_at, sort_at, "
    "tok_title, tok_summary, tok_tags, tokens) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,"
    "$12::int,$13,$14,$15,$16,$17,$18,$19::boolean,$20,$21,$22,$23::bigint,$24::bigint,"
    "$25::bigint,$26::bigint,$27,$28,$29,$30) ON CONFLICT (id) DO NOTHING";
static const char *const sql_doc_update =
    "UPDATE lib_docs SET type=$2, language=$3, translation_group=$4, title=$5, summary=$6, "
    "body_md=$7, body_html=$8, body_text=$9, country=$10, level=$11, year=$12::int, stage=$13, "
    "themes=$14, tags=$15, organisations=$16, authors=$17, links=$18, covid=$19::boolean, "
    "status=$20, origin=$21, updated_at=$22::bigint, published_at=$23::bigint, "
    "sort_at=$24::bigint, tok_title=$25, tok_summary=$26, tok_tags=$27, tokens=$28 WHERE id=$1";
static const char *const sql_doc_get = "SELECT " DOC_COLS " FROM lib_docs WHERE id = $1";
static const char *const sql_doc_get_many =
    "SELECT " DOC_COLS " FROM lib_docs WHERE id = ANY($1::text[])";
static const char *const sql_doc_status =
    "UPDATE lib_docs SET status = $3::text, updated_at = $4::bigint, "
    "published_at = CASE WHEN $3::text = 'published' THEN $4::bigint ELSE published_at END, "
    "sort_at = CASE WHEN $3::text = 'published' THEN $4::bigint ELSE sort_at END "
    "WHERE id = $1 AND status = $2::text";
static const char *const sql_doc_list =
    "SELECT " DOC_COLS " FROM lib_docs WHERE ($1::text IS NULL OR status = $1::text) AND "
    "($2::text IS NULL OR id > $2::text) ORDER BY id LIMIT $3::bigint";
static const char *const sql_doc_group =
    "SELECT id, language, title, status FROM lib_docs WHERE translation_group = $1 "
    "ORDER BY language COLLATE \"C\", id";
static const char *const sql_doc_count =
    "SELECT count(*), coalesce(max(updated_at), 0) FROM lib_docs";
#define SCAN_COLS "id, type, language, country, level, stage, themes, status, year, covid, sort_at"
static const char *const sql_scan_all =
    "SELECT " SCAN_COLS " FROM lib_docs WHERE ($1::text IS NULL OR status = $1::text)";
static const char *const sql_scan_match =
    "SELECT " SCAN_COLS ", tok_title, tok_summary, tok_tags FROM lib_docs "
    "WHERE tsv @@ $2::tsquery AND ($1::text IS NULL OR status = $1::text)";
static const char *const sql_doc_get_many_at =
    "SELECT " DOC_COLS ", version FROM lib_version LEFT JOIN lib_docs ON id = ANY($1::text[]) "
    "WHERE one = 1";
static const char *const sql_version = "SELECT version FROM lib_version WHERE one = 1";
static const char *const sql_index_rows =
    "SELECT " SCAN_COLS ", tok_title, tok_summary, tok_tags, tokens FROM lib_docs "
    "WHERE status = 'published' AND id > $1::text "
    "ORDER BY id LIMIT $2::bigint";
static const char *const sql_rev_insert =
    "INSERT INTO lib_revisions(doc_id, at, author_id, action, snapshot) "
    "VALUES ($1,$2::bigint,$3,$4,$5)";
static const char *const sql_rev_list =
    "SELECT id, at, doc_id, author_id, action, snapshot FROM lib_revisions WHERE doc_id = $1 "
    "ORDER BY id DESC LIMIT $2::bigint";
static const char *const sql_att_insert =
    "INSERT INTO lib_attachments(id, doc_id, filename, content_type, size, data, created_by, "
    "created_at) VALUES ($1,$2,$3,$4,$5::bigint,decode($6,'hex'),$7,$8::bigint)";
static const char *const sql_att_get =
    "SELECT id, doc_id, filename, content_type, size, created_by, created_at, encode(data,'hex') "
    "FROM lib_attachments WHERE id = $1";
static const char *const sql_att_list =
    "SELECT id, doc_id, filename, content_type, size, created_by, created_at "
    "FROM lib_attachments WHERE doc_id = $1 ORDER BY created_at, id";
static const char *const sql_org_put =
    "INSERT INTO lib_orgs(slug, name_fa, name_en, region, country, website, description_fa, "
    "description_en, origin) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (slug) DO UPDATE SET "
    "name_fa=excluded.name_fa, name_en=excluded.name_en, region=excluded.region, "
    "country=excluded.country, website=excluded.website, description_fa=excluded.description_fa, "
    "description_en=excluded.description_en, origin=excluded.origin";
static const char *const sql_project_put =
    "INSERT INTO lib_projects(slug, org_slug, name_fa, name_en, description_fa, description_en, "
    "website, year, covid, doc_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8::int,$9::boolean,$10) "
    "ON CONFLICT (slug) DO UPDATE SET org_slug=excluded.org_slug, name_fa=excluded.name_fa, "
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

#define NUM_LEN HY_PG_NUM_LEN

struct row {
    const PGresult *res;
    int i;
    hy_arena *a;
    bool ok;
};

static const char *row_text(struct row *r, int col) {
    if (col >= PQnfields(r->res)) {
        r->ok = false;
        return NULL;
    }
    if (PQgetisnull(r->res, r->i, col)) return NULL;
    char *v = hy_arena_strndup(r->a, PQgetvalue(r->res, r->i, col),
                               (size_t)PQgetlength(r->res, r->i, col));
    if (!v) r->ok = false;
    return v;
}

/* An integer column; SQL NULL reads as 0 (as sqlite3_column_int64() does). */
static int64_t row_i64(struct row *r, int col) {
    if (col >= PQnfields(r->res)) {
        r->ok = false;
        return 0;
    }
    if (PQgetisnull(r->res, r->i, col)) return 0;
    const char *v = PQgetvalue(r->res, r->i, col);
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (end == v || *end || errno) r->ok = false;
    return (int64_t)n;
}

static bool row_bool(struct row *r, int col) {
    if (col >= PQnfields(r->res) || PQgetisnull(r->res, r->i, col)) return false;
    return PQgetvalue(r->res, r->i, col)[0] == 't';
}

static void row_id(struct row *r, int col, char out[HY_ID_LEN + 1]) {
    size_t n = 0;
    if (col < PQnfields(r->res) && !PQgetisnull(r->res, r->i, col)) {
        n = (size_t)PQgetlength(r->res, r->i, col);
        if (n > HY_ID_LEN) n = HY_ID_LEN;
        memcpy(out, PQgetvalue(r->res, r->i, col), n);
    }
    out[n] = '\0';
}

static int read_doc(const PGresult *res, int i, hy_arena *a, struct hy_lib_doc *d) {
    struct row r = {res, i, a, true};
    memset(d, 0, sizeof *d);
    row_id(&r, 0, d->id);
    d->type = row_text(&r, 1);
    d->language = row_text(&r, 2);
    d->translation_group = row_text(&r, 3);
    d->title = row_text(&r, 4);
    d->summary = row_text(&r, 5);
    d->body_md = row_text(&r, 6);
    d->body_html = row_text(&r, 7);
    d->body_text = row_text(&r, 8);
    d->country = row_text(&r, 9);
    d->level = row_text(&r, 10);
    d->year = (int)row_i64(&r, 11);
    d->stage = row_text(&r, 12);
    d->themes = row_text(&r, 13);
    d->tags = row_text(&r, 14);
    d->organisations = row_text(&r, 15);
    d->authors = row_text(&r, 16);
    d->links = row_text(&r, 17);
    d->covid = row_bool(&r, 18);
    d->status = row_text(&r, 19);
    d->origin = row_text(&r, 20);
    d->created_by = row_text(&r, 21);
    d->created_at = row_i64(&r, 22);
    d->updated_at = row_i64(&r, 23);
    d->published_at = row_i64(&r, 24);
    d->sort_at = row_i64(&r, 25);
    return r.ok && d->type && d->title && d->status ? HY_DB_ONE : HY_DB_HARD;
}

/* Reads every row of `res` (cleared here) as a document into an arena array. */
static int read_docs(PGresult *res, hy_arena *a, struct hy_lib_doc **ret) {
    int n = PQntuples(res);
    struct hy_lib_doc *docs = hy_arena_alloc(a, (size_t)(n ? n : 1) * sizeof *docs);
    if (!docs) {
        PQclear(res);
        return HY_DB_HARD;
    }
    for (int i = 0; i < n; i++)
        if (read_doc(res, i, a, &docs[i]) < 0) {
            PQclear(res);
            return HY_DB_HARD;
        }
    PQclear(res);
    *ret = docs;
    return n;
}

/* Runs a query and hands its result (or NULL for no rows) to the caller. */
static int query(hy_pg *s, int id, const char *sql, int n, const char *const *p, PGresult **ret) {
    *ret = NULL;
    int r = hy_pg_exec(s, id, sql, n, p, ret);
    return r < 0 ? r : HY_DB_ONE;
}

/* ---- documents ---- */

static int doc_write(hy_store *base, const struct hy_lib_doc *d, bool insert) {
    char year[NUM_LEN], cat[NUM_LEN], uat[NUM_LEN], pat[NUM_LEN], sat[NUM_LEN];
    const char *y = d->year > 0 ? hy_pg_fmt_i64(year, d->year) : NULL;
    if (insert) {
        const char *const p[] = {
            d->id, d->type, d->language, d->translation_group ? d->translation_group : d->id,
            d->title, d->summary ? d->summary : "", d->body_md ? d->body_md : "",
            d->body_html ? d->body_html : "", d->body_text ? d->body_text : "", d->country,
            d->level, y, d->stage, d->themes ? d->themes : "", d->tags ? d->tags : "[]",
            d->organisations ? d->organisations : "[]", d->authors ? d->authors : "[]",
            d->links ? d->links : "[]", d->covid ? "true" : "false", d->status,
            d->origin ? d->origin : "user", d->created_by, hy_pg_fmt_i64(cat, d->created_at),
            hy_pg_fmt_i64(uat, d->updated_at), hy_pg_fmt_i64(pat, d->published_at),
            hy_pg_fmt_i64(sat, d->sort_at), d->tok_title ? d->tok_title : "",
            d->tok_summary ? d->tok_summary : "", d->tok_tags ? d->tok_tags : "",
            d->tokens ? d->tokens : ""};
        return hy_pg_exec(hy_pg_of(base), Q_DOC_INSERT, sql_doc_insert, 30, p, NULL);
    }
    const char *const p[] = {
        d->id, d->type, d->language, d->translation_group ? d->translation_group : d->id,
        d->title, d->summary ? d->summary : "", d->body_md ? d->body_md : "",
        d->body_html ? d->body_html : "", d->body_text ? d->body_text : "", d->country, d->level,
        y, d->stage, d->themes ? d->themes : "", d->tags ? d->tags : "[]",
        d->organisations ? d->organisations : "[]", d->authors ? d->authors : "[]",
        d->links ? d->links : "[]", d->covid ? "true" : "false", d->status,
        d->origin ? d->origin : "user", hy_pg_fmt_i64(uat, d->updated_at),
        hy_pg_fmt_i64(pat, d->published_at), hy_pg_fmt_i64(sat, d->sort_at),
        d->tok_title ? d->tok_title : "", d->tok_summary ? d->tok_summary : "",
        d->tok_tags ? d->tok_tags : "", d->tokens ? d->tokens : ""};
    (void)cat;
    return hy_pg_exec(hy_pg_of(base), Q_DOC_UPDATE, sql_doc_update, 28, p, NULL);
}

static int doc_insert(hy_store *base, const struct hy_lib_doc *d) {
    return doc_write(base, d, true);
}

static int doc_update(hy_store *base, const struct hy_lib_doc *d) {
    return doc_write(base, d, false);
}

static int doc_get(hy_store *base, const char *id, hy_arena *a, struct hy_lib_doc *ret) {
    const char *const p[] = {id};
    PGresult *res = NULL;
    int r = hy_pg_exec(hy_pg_of(base), Q_DOC_GET, sql_doc_get, 1, p, &res);
    if (r != HY_DB_ONE) return r;
    struct hy_lib_doc d;
    r = read_doc(res, 0, a, &d);
    PQclear(res);
    if (r == HY_DB_ONE) *ret = d;
    return r;
}

/* An array literal {id,id,…}; ids are hex, so nothing needs quoting. */
static int ids_array(hy_buf *b, const char *const *ids, size_t n) {
    int ok = hy_buf_putc(b, '{');
    for (size_t i = 0; i < n && ok == 0; i++) {
        if (strspn(ids[i], "0123456789abcdef") != strlen(ids[i]) || !*ids[i]) ok = -1;
        else ok = hy_buf_printf(b, "%s%s", i ? "," : "", ids[i]);
    }
    if (ok == 0) ok = hy_buf_putc(b, '}');
    return ok == 0 ? 0 : -1;
}

/* Runs a statement whose one parameter is the array of (at most 200) document ids. */
static int query_ids(hy_store *base, int id, const char *sql, const char *const *ids, size_t n,
                     PGresult **res) {
    if (n > 200) return HY_DB_HARD;
    hy_buf b = HY_BUF_INIT(0);
    if (ids_array(&b, ids, n) < 0) {
        hy_buf_free(&b);
        return HY_DB_HARD;
    }
    const char *const p[] = {b.data};
    int r = query(hy_pg_of(base), id, sql, 1, p, res);
    hy_buf_free(&b);
    return r;
}

static int doc_get_many_at(hy_store *base, const char *const *ids, size_t n, hy_arena *a,
                           struct hy_lib_doc **ret, int64_t *ret_version) {
    PGresult *res;
    int r = query_ids(base, Q_DOC_GET_MANY_AT, sql_doc_get_many_at, ids, n, &res);
    if (r < 0) return r;
    int rows = res ? PQntuples(res) : 0;
    struct hy_lib_doc *docs = hy_arena_alloc(a, (n ? n : 1) * sizeof *docs);
    if (!rows || !docs) {
        PQclear(res);
        return HY_DB_HARD;
    }
    size_t got = 0;
    struct row rw = {res, 0, a, true};
    int64_t version = row_i64(&rw, 26);
    for (int i = 0; i < rows && rw.ok; i++) {
        if (PQgetisnull(res, i, 0)) continue; /* no document */
        if (got == n || read_doc(res, i, a, &docs[got++]) < 0) rw.ok = false;
    }
    PQclear(res);
    if (!rw.ok) return HY_DB_HARD;
    *ret = docs;
    *ret_version = version;
    return (int)got;
}

static int doc_get_many(hy_store *base, const char *const *ids, size_t n, hy_arena *a,
                        struct hy_lib_doc **ret) {
    PGresult *res;
    int r = query_ids(base, Q_DOC_GET_MANY, sql_doc_get_many, ids, n, &res);
    if (r < 0) return r;
    if (!res) {
        *ret = hy_arena_alloc(a, sizeof **ret);
        return *ret ? 0 : HY_DB_HARD;
    }
    return read_docs(res, a, ret);
}

static int doc_set_status(hy_store *base, const char *id, const char *from, const char *to,
                          int64_t now) {
    char t[NUM_LEN];
    const char *const p[] = {id, from, to, hy_pg_fmt_i64(t, now)};
    return hy_pg_exec(hy_pg_of(base), Q_DOC_STATUS, sql_doc_status, 4, p, NULL);
}

static int doc_list(hy_store *base, const char *status, const char *after, size_t limit,
                    hy_arena *a, struct hy_lib_doc **ret) {
    if (limit == 0 || limit > 10000) return HY_DB_HARD;
    char l[NUM_LEN];
    const char *const p[] = {status, after, hy_pg_fmt_i64(l, (int64_t)limit)};
    PGresult *res;
    int r = query(hy_pg_of(base), Q_DOC_LIST, sql_doc_list, 3, p, &res);
    if (r < 0) return r;
    if (!res) {
        *ret = hy_arena_alloc(a, sizeof **ret);
        return *ret ? 0 : HY_DB_HARD;
    }
    return read_docs(res, a, ret);
}

static int doc_group(hy_store *base, const char *group, hy_arena *a, struct hy_lib_doc **ret) {
    const char *const p[] = {group};
    PGresult *res;
    int r = query(hy_pg_of(base), Q_DOC_GROUP, sql_doc_group, 1, p, &res);
    if (r < 0) return r;
    int n = res ? PQntuples(res) : 0;
    if (n > 8) n = 8;
    struct hy_lib_doc *docs = hy_arena_zalloc(a, 8 * sizeof *docs);
    if (!docs) {
        PQclear(res);
        return HY_DB_HARD;
    }
    for (int i = 0; i < n; i++) {
        struct row rw = {res, i, a, true};
        row_id(&rw, 0, docs[i].id);
        docs[i].language = row_text(&rw, 1);
        docs[i].title = row_text(&rw, 2);
        docs[i].status = row_text(&rw, 3);
        if (!rw.ok) {
            PQclear(res);
            return HY_DB_HARD;
        }
    }
    PQclear(res);
    *ret = docs;
    return n;
}

static int doc_count(hy_store *base, int64_t *ret_count, int64_t *ret_newest) {
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_DOC_COUNT, sql_doc_count, 0, NULL, &res);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    struct row rw = {res, 0, NULL, true};
    int64_t c = row_i64(&rw, 0), nw = row_i64(&rw, 1);
    PQclear(res);
    if (!rw.ok) return HY_DB_HARD;
    *ret_count = c;
    if (ret_newest) *ret_newest = nw;
    return HY_DB_ONE;
}

/* The rows of SCAN_COLS, then (ntok >= 3) tok_title, tok_summary, tok_tags and (ntok == 4)
 * tokens, as scan() and index_rows() select them; clears `res`. The count, or HY_DB_HARD. */
static int read_rows(PGresult *res, int ntok, hy_arena *a, struct hy_lib_row **ret) {
    int n = res ? PQntuples(res) : 0;
    struct hy_lib_row *rows = hy_arena_alloc(a, (size_t)(n ? n : 1) * sizeof *rows);
    bool ok = rows != NULL;
    for (int i = 0; ok && i < n; i++) {
        struct row rw = {res, i, a, true};
        struct hy_lib_row *w = &rows[i];
        memset(w, 0, sizeof *w);
        row_id(&rw, 0, w->id);
        w->type = row_text(&rw, 1);
        w->language = row_text(&rw, 2);
        w->country = row_text(&rw, 3);
        w->level = row_text(&rw, 4);
        w->stage = row_text(&rw, 5);
        w->themes = row_text(&rw, 6);
        w->status = row_text(&rw, 7);
        w->year = (int)row_i64(&rw, 8);
        w->covid = row_bool(&rw, 9);
        w->sort_at = row_i64(&rw, 10);
        if (ntok >= 3) {
            w->tok_title = row_text(&rw, 11);
            w->tok_summary = row_text(&rw, 12);
            w->tok_tags = row_text(&rw, 13);
        }
        if (ntok == 4) w->tokens = row_text(&rw, 14);
        ok = rw.ok;
    }
    PQclear(res);
    if (!ok) return HY_DB_HARD;
    *ret = rows;
    return n;
}

static int scan(hy_store *base, const struct hy_lib_scan *q, hy_arena *a,
                struct hy_lib_row **ret, size_t *ret_n) {
    bool match = q->nterms > 0;
    hy_buf tq = HY_BUF_INIT(0);
    for (size_t i = 0; i < q->nterms; i++) {
        if (strpbrk(q->terms[i], "'\\") || !*q->terms[i] ||
            hy_buf_printf(&tq, "%s'%s':*", i ? " & " : "", q->terms[i]) < 0) {
            hy_buf_free(&tq);
            return HY_DB_HARD;
        }
    }
    const char *const p[] = {q->status, tq.data};
    PGresult *res;
    int r = match ? query(hy_pg_of(base), Q_SCAN_MATCH, sql_scan_match, 2, p, &res)
                  : query(hy_pg_of(base), Q_SCAN_ALL, sql_scan_all, 1, p, &res);
    hy_buf_free(&tq);
    if (r < 0) return r;
    int n = read_rows(res, match ? 3 : 0, a, ret);
    if (n < 0) return n;
    *ret_n = (size_t)n;
    return HY_DB_ONE;
}

static int version(hy_store *base, int64_t *ret) {
    PGresult *res;
    int r = query(hy_pg_of(base), Q_VERSION, sql_version, 0, NULL, &res);
    if (r < 0) return r;
    if (!res || PQntuples(res) != 1) {
        PQclear(res);
        return HY_DB_HARD;
    }
    struct row rw = {res, 0, NULL, true};
    int64_t v = row_i64(&rw, 0);
    PQclear(res);
    if (!rw.ok) return HY_DB_HARD;
    *ret = v;
    return HY_DB_ONE;
}

static int index_rows(hy_store *base, const char *after, size_t limit, hy_arena *a,
                      struct hy_lib_row **ret) {
    if (limit == 0 || limit > 10000) return HY_DB_HARD;
    char l[NUM_LEN];
    const char *const p[] = {after ? after : "", hy_pg_fmt_size(l, limit)};
    PGresult *res;
    int r = query(hy_pg_of(base), Q_INDEX_ROWS, sql_index_rows, 2, p, &res);
    if (r < 0) return r;
    return read_rows(res, 4, a, ret);
}

/* ---- revisions ---- */

static int revision_insert(hy_store *base, const struct hy_lib_revision *rv) {
    char at[NUM_LEN];
    const char *const p[] = {rv->doc_id, hy_pg_fmt_i64(at, rv->at), rv->author_id, rv->action,
                             rv->snapshot ? rv->snapshot : "{}"};
    return hy_pg_exec(hy_pg_of(base), Q_REV_INSERT, sql_rev_insert, 5, p, NULL);
}

static int revision_list(hy_store *base, const char *doc_id, size_t limit, hy_arena *a,
                         struct hy_lib_revision **ret) {
    if (limit == 0 || limit > 1000) return HY_DB_HARD;
    char l[NUM_LEN];
    const char *const p[] = {doc_id, hy_pg_fmt_i64(l, (int64_t)limit)};
    PGresult *res;
    int r = query(hy_pg_of(base), Q_REV_LIST, sql_rev_list, 2, p, &res);
    if (r < 0) return r;
    int n = res ? PQntuples(res) : 0;
    struct hy_lib_revision *revs = hy_arena_alloc(a, (size_t)(n ? n : 1) * sizeof *revs);
    if (!revs) {
        PQclear(res);
        return HY_DB_HARD;
    }
    for (int i = 0; i < n; i++) {
        struct row rw = {res, i, a, true};
        revs[i].id = row_i64(&rw, 0);
        revs[i].at = row_i64(&rw, 1);
        revs[i].doc_id = row_text(&rw, 2);
        revs[i].author_id = row_text(&rw, 3);
        revs[i].action = row_text(&rw, 4);
        revs[i].snapshot = row_text(&rw, 5);
        if (!rw.ok) {
            PQclear(res);
            return HY_DB_HARD;
        }
    }
    PQclear(res);
    *ret = revs;
    return n;
}

/* ---- attachments ---- */

static int attachment_insert(hy_store *base, const struct hy_lib_attachment *att) {
    static const char hex[] = "0123456789abcdef";
    char *h = malloc(att->size * 2 + 1);
    if (!h) return HY_DB_HARD;
    const unsigned char *d = att->data;
    for (size_t i = 0; i < att->size; i++) {
        h[2 * i] = hex[d[i] >> 4];
        h[2 * i + 1] = hex[d[i] & 15];
    }
    h[att->size * 2] = '\0';
    char size[NUM_LEN], at[NUM_LEN];
    const char *const p[] = {att->id,         att->doc_id, att->filename,
                             att->content_type, hy_pg_fmt_i64(size, (int64_t)att->size), h,
                             att->created_by, hy_pg_fmt_i64(at, att->created_at)};
    int r = hy_pg_exec(hy_pg_of(base), Q_ATT_INSERT, sql_att_insert, 8, p, NULL);
    free(h);
    return r;
}

static int read_att(const PGresult *res, int i, hy_arena *a, struct hy_lib_attachment *att,
                    bool data) {
    struct row rw = {res, i, a, true};
    memset(att, 0, sizeof *att);
    row_id(&rw, 0, att->id);
    row_id(&rw, 1, att->doc_id);
    att->filename = row_text(&rw, 2);
    att->content_type = row_text(&rw, 3);
    att->size = (size_t)row_i64(&rw, 4);
    att->created_by = row_text(&rw, 5);
    att->created_at = row_i64(&rw, 6);
    if (data) {
        const char *h = PQgetvalue(res, i, 7);
        size_t hl = (size_t)PQgetlength(res, i, 7);
        if (hl % 2) return HY_DB_HARD;
        unsigned char *out = hy_arena_alloc(a, hl / 2 + 1);
        if (!out) return HY_DB_HARD;
        for (size_t k = 0; k < hl / 2; k++) {
            unsigned v = 0;
            for (int j = 0; j < 2; j++) {
                char c = h[2 * k + (size_t)j];
                v = v * 16 + (unsigned)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
            }
            out[k] = (unsigned char)v;
        }
        att->data = out;
        att->size = hl / 2;
    }
    return rw.ok ? HY_DB_ONE : HY_DB_HARD;
}

static int attachment_get(hy_store *base, const char *id, hy_arena *a,
                          struct hy_lib_attachment *ret) {
    const char *const p[] = {id};
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_ATT_GET, sql_att_get, 1, p, &res);
    if (r != HY_DB_ONE) return r;
    struct hy_lib_attachment att;
    r = read_att(res, 0, a, &att, true);
    PQclear(res);
    if (r == HY_DB_ONE) *ret = att;
    return r;
}

static int attachment_list(hy_store *base, const char *doc_id, hy_arena *a,
                           struct hy_lib_attachment **ret) {
    const char *const p[] = {doc_id};
    PGresult *res;
    int r = query(hy_pg_of(base), Q_ATT_LIST, sql_att_list, 1, p, &res);
    if (r < 0) return r;
    int n = res ? PQntuples(res) : 0;
    if (n > 64) n = 64;
    struct hy_lib_attachment *atts = hy_arena_alloc(a, (size_t)(n ? n : 1) * sizeof *atts);
    if (!atts) {
        PQclear(res);
        return HY_DB_HARD;
    }
    for (int i = 0; i < n; i++)
        if (read_att(res, i, a, &atts[i], false) < 0) {
            PQclear(res);
            return HY_DB_HARD;
        }
    PQclear(res);
    *ret = atts;
    return n;
}

/* ---- communities ---- */

static int org_put(hy_store *base, const struct hy_lib_org *o) {
    const char *const p[] = {o->slug,
                             o->name_fa,
                             o->name_en,
                             o->region,
                             o->country,
                             o->website,
                             o->description_fa ? o->description_fa : "",
                             o->description_en ? o->description_en : "",
                             o->origin ? o->origin : "user"};
    return hy_pg_exec(hy_pg_of(base), Q_ORG_PUT, sql_org_put, 9, p, NULL);
}

static int project_put(hy_store *base, const struct hy_lib_project *pr) {
    char year[NUM_LEN];
    const char *const p[] = {pr->slug,
                             pr->org_slug,
                             pr->name_fa,
                             pr->name_en,
                             pr->description_fa ? pr->description_fa : "",
                             pr->description_en ? pr->description_en : "",
                             pr->website,
                             pr->year > 0 ? hy_pg_fmt_i64(year, pr->year) : NULL,
                             pr->covid ? "true" : "false",
                             pr->doc_id};
    return hy_pg_exec(hy_pg_of(base), Q_PROJECT_PUT, sql_project_put, 10, p, NULL);
}

static int org_list(hy_store *base, hy_arena *a, struct hy_lib_org **ret) {
    PGresult *res;
    int r = query(hy_pg_of(base), Q_ORG_LIST, sql_org_list, 0, NULL, &res);
    if (r < 0) return r;
    int n = res ? PQntuples(res) : 0;
    if (n > 500) n = 500;
    struct hy_lib_org *orgs = hy_arena_alloc(a, (size_t)(n ? n : 1) * sizeof *orgs);
    if (!orgs) {
        PQclear(res);
        return HY_DB_HARD;
    }
    for (int i = 0; i < n; i++) {
        struct row rw = {res, i, a, true};
        struct hy_lib_org *o = &orgs[i];
        o->slug = row_text(&rw, 0);
        o->name_fa = row_text(&rw, 1);
        o->name_en = row_text(&rw, 2);
        o->region = row_text(&rw, 3);
        o->country = row_text(&rw, 4);
        o->website = row_text(&rw, 5);
        o->description_fa = row_text(&rw, 6);
        o->description_en = row_text(&rw, 7);
        o->origin = row_text(&rw, 8);
        if (!rw.ok) {
            PQclear(res);
            return HY_DB_HARD;
        }
    }
    PQclear(res);
    *ret = orgs;
    return n;
}

static int project_list(hy_store *base, hy_arena *a, struct hy_lib_project **ret) {
    PGresult *res;
    int r = query(hy_pg_of(base), Q_PROJECT_LIST, sql_project_list, 0, NULL, &res);
    if (r < 0) return r;
    int n = res ? PQntuples(res) : 0;
    if (n > 2000) n = 2000;
    struct hy_lib_project *ps = hy_arena_alloc(a, (size_t)(n ? n : 1) * sizeof *ps);
    if (!ps) {
        PQclear(res);
        return HY_DB_HARD;
    }
    for (int i = 0; i < n; i++) {
        struct row rw = {res, i, a, true};
        struct hy_lib_project *p = &ps[i];
        p->slug = row_text(&rw, 0);
        p->org_slug = row_text(&rw, 1);
        p->name_fa = row_text(&rw, 2);
        p->name_en = row_text(&rw, 3);
        p->description_fa = row_text(&rw, 4);
        p->description_en = row_text(&rw, 5);
        p->website = row_text(&rw, 6);
        p->year = (int)row_i64(&rw, 7);
        p->covid = row_bool(&rw, 8);
        p->doc_id = row_text(&rw, 9);
        if (!rw.ok) {
            PQclear(res);
            return HY_DB_HARD;
        }
    }
    PQclear(res);
    *ret = ps;
    return n;
}

const struct hy_library_ops hy_pg_library_ops = {
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
