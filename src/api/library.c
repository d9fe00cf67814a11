/* library.c — the knowledge library's HTTP API, its feeds and the communities directory.
 *
 *   GET   /api/v1/library                ?q=&type=&country=&level=&year=&stage=&theme=&covid=
 *                                        &lang=&sort=&page=&per_page=[&status= editors]
 *   POST  /api/v1/library                editors: create a draft
 *   GET   /api/v1/library/{id}           published, or any status for editors
 *   PATCH /api/v1/library/{id}           editors (drafts, in review); admins (any)
 *   POST  /api/v1/library/{id}/submit    editors: draft → in_review
 *   POST  /api/v1/library/{id}/publish   admins: in_review (or draft) → published
 *   POST  /api/v1/library/{id}/unpublish admins: published → draft
 *   GET   /api/v1/library/{id}/revisions editors
 *   POST  /api/v1/library/{id}/attachments?filename=  editors (drafts, in review); admins
 *                                        (any); raw body (PDF, PNG, JPEG, plain text, CSV; at
 *                                        most HY_LIB_ATTACHMENT_MAX)
 *   DELETE /api/v1/library/{id}/attachments/{att}   the same rule: removes one file
 *   GET   /api/v1/attachments/{id}       the file, as a download
 *   GET   /api/v1/communities            civic-tech organisations and their projects
 *   GET   /library.atom, /sitemap.xml
 *
 * Every save adds a revision (author, time, snapshot). Filter values are comma-separated (OR
 * within a facet, AND across facets); the answer is computed by hy_lib_search() from the
 * store's candidates, so both stores give the same totals, order and counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/feed.h"
#include "app/app.h"
#include "app/library.h"
#include "domain/auth.h"
#include "domain/library.h"
#include "domain/news.h"
#include "http/parse.h"
#include "http/replica.h"
#include "http/session.h"
#include "store/audit.h"
#include "store/library.h"
#include "store/news.h"
#include "util/anscache.h"
#include "util/clock.h"
#include "util/jsonw.h"
#include "util/utf8.h"

#define PER_PAGE_DEFAULT 20
#define PER_PAGE_MAX 100
#define PAGE_MAX 10000

static const char json_media[] = "application/json; charset=utf-8";

static bool is_role(hy_req *req, enum hy_access rule) {
    return hy_access_decide(rule, hy_req_principal(req)) == 0;
}

static const char *actor(hy_req *req) {
    const struct hy_principal *w = hy_req_principal(req);
    return w && w->signed_in ? w->user_id : NULL;
}

/* ---------------------------------------------------------------- input */

static char *strings_json(const struct hy_strings *v) {
    json_t *a = json_array();
    for (size_t i = 0; i < v->count; i++) json_array_append_new(a, json_string(v->items[i]));
    char *t = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return t;
}

static bool fail(struct hy_parse_error *err, enum hy_error code, const char *field,
                 const char *msg) {
    err->code = code;
    err->field = field;
    snprintf(err->message, sizeof err->message, "%s", msg);
    return false;
}

/* A news item's or a fact check's own fields (domain/news.h), under the key named by its
 * type: required when a document becomes one, refused on the other types. */
static bool kind_fields(hy_arena *a, struct hy_lib_doc *d, bool type_given, json_t *const in[2],
                        const bool given[2], struct hy_parse_error *err) {
    static const char *const names[2] = {"news", "factcheck"};
    if (!d->type) return true; /* a probe of a change: the type is checked with the document */
    for (int i = 0; i < 2; i++) {
        bool mine = !strcmp(d->type, names[i]);
        if (given[i] && !mine)
            return fail(err, HY_E_INVALID_FIELD, names[i],
                        i ? "Only a fact check takes factcheck." : "Only a news item takes news.");
        if (!mine) continue;
        if (!given[i]) {
            if (type_given && (!d->extra || !strcmp(d->extra, "{}") || !strstr(d->extra, i ? "\"rating\"" : "\"category\"")))
                return fail(err, HY_E_MISSING_FIELD, names[i],
                            i ? "A fact check needs its factcheck fields." : "A news item needs its news fields.");
            return true;
        }
        struct hy_news_error ne = {0};
        char *x = hy_news_extra(a, d->type, in[i], &ne);
        if (!x) return fail(err, ne.field ? HY_E_INVALID_FIELD : HY_E_INTERNAL,
                            ne.field ? ne.field : names[i], ne.message);
        d->extra = x;
        return true;
    }
    d->extra = "{}";
    return true;
}

bool hy_api_library_input(json_t *obj, hy_arena *a, bool create, bool allow_status,
                          struct hy_lib_doc *d, const char **ret_translation_of,
                          struct hy_parse_error *err) {
    static const char *const statuses[] = {"draft", "published", NULL};
    const char *type = NULL, *language = NULL, *title = NULL, *summary = NULL, *body = NULL,
               *country = NULL, *level = NULL, *stage = NULL, *translation_of = NULL,
               *status = NULL;
    long long year = 0;
    bool covid = false;
    struct hy_strings themes = {0}, tags = {0}, orgs = {0}, authors = {0};
    json_t *links = NULL, *kind_in[2] = {NULL, NULL};
    bool has[16] = {0}, has_kind[2] = {false, false};
    unsigned req = create ? HY_REQUIRED : HY_OPTIONAL;
    struct hy_field spec[] = {
        HY_F_ENUM("type", req, hy_lib_types, &type),
        HY_F_ENUM("language", req, hy_lib_languages, &language),
        HY_F_STR("title", req, 1, 300, &title),
        HY_F_STR("summary", HY_OPTIONAL | HY_MULTILINE, 0, 2000, &summary),
        HY_F_STR("body", HY_OPTIONAL | HY_MULTILINE, 0, 100000, &body),
        HY_F_STR("country", HY_OPTIONAL | HY_NULLABLE, 0, 2, &country),
        HY_F_STR("level", HY_OPTIONAL | HY_NULLABLE, 0, 40, &level),
        HY_F_INT("year", HY_OPTIONAL | HY_NULLABLE, 0, 2100, &year),
        HY_F_STR("stage", HY_OPTIONAL | HY_NULLABLE, 0, 40, &stage),
        HY_F_STRS("themes", HY_OPTIONAL, 10, 40, NULL, &themes),
        HY_F_STRS("tags", HY_OPTIONAL, 20, 60, NULL, &tags),
        HY_F_STRS("organisations", HY_OPTIONAL, 20, 200, NULL, &orgs),
        HY_F_STRS("authors", HY_OPTIONAL, 20, 200, NULL, &authors),
        HY_F_ANY("links", HY_OPTIONAL, &links),
        HY_F_BOOL("covid", HY_OPTIONAL, &covid),
        HY_F_STR("translation_of", HY_OPTIONAL | HY_NULLABLE, 32, 32, &translation_of),
        HY_F_ENUM("status", HY_OPTIONAL, statuses, &status),
        HY_F_ANY("news", HY_OPTIONAL, &kind_in[0]),
        HY_F_ANY("factcheck", HY_OPTIONAL, &kind_in[1]),
        HY_F_END,
    };
    size_t nspec = sizeof spec / sizeof spec[0] - 1;
    for (size_t i = 0; i < nspec && i < 16; i++) spec[i].present = &has[i];
    bool has_status = false;
    spec[16].present = &has_status;
    spec[17].present = &has_kind[0];
    spec[18].present = &has_kind[1];
    if (!hy_fields_check(obj, spec, false, a, err)) return false;
    /* Fields only some callers take are refused like any unknown field. */
    if (!create && has[15])
        return fail(err, HY_E_UNKNOWN_FIELD, "translation_of", "translation_of is set only when creating.");
    if (!allow_status && has_status)
        return fail(err, HY_E_UNKNOWN_FIELD, "status", "status changes through submit and publish.");
    if (has[0]) d->type = type;
    if (has[1]) d->language = language;
    if (has[2]) d->title = title;
    if (has[3]) d->summary = summary;
    if (has[4]) d->body_md = body;
    if (has[5]) {
        char cc[3];
        if (!country || !*country) d->country = NULL;
        else if (hy_lib_country_parse(country, cc)) d->country = hy_arena_strdup(a, cc);
        else return fail(err, HY_E_INVALID_FIELD, "country", "country must be an ISO 3166-1 alpha-2 code.");
    }
    if (has[6]) {
        if (!level || !*level) d->level = NULL;
        else if (hy_lib_one_of(level, hy_lib_levels)) d->level = level;
        else return fail(err, HY_E_INVALID_FIELD, "level", "level is not one of the levels of government.");
    }
    if (has[7]) {
        if (year != 0 && year < 1900) return fail(err, HY_E_INVALID_FIELD, "year", "year must be from 1900 to 2100.");
        d->year = (int)year;
    }
    if (has[8]) {
        if (!stage || !*stage) d->stage = NULL;
        else if (hy_lib_one_of(stage, hy_lib_stages)) d->stage = stage;
        else return fail(err, HY_E_INVALID_FIELD, "stage", "stage is not one of the innovation stages.");
    }
    if (has[9]) {
        hy_buf b = HY_BUF_INIT(1000);
        for (size_t i = 0; i < themes.count; i++) {
            if (!hy_lib_theme_valid(themes.items[i], strlen(themes.items[i]))) {
                hy_buf_free(&b);
                return fail(err, HY_E_INVALID_FIELD, "themes", "A theme is 1 to 40 of a-z, 0-9, - and _.");
            }
            hy_buf_printf(&b, "%s%s", b.len ? " " : "", themes.items[i]);
        }
        d->themes = hy_arena_strndup(a, b.data ? b.data : "", b.len);
        hy_buf_free(&b);
    }
    char *t;
    if (has[10] && (t = strings_json(&tags))) d->tags = hy_arena_strdup(a, t), free(t);
    if (has[11] && (t = strings_json(&orgs))) d->organisations = hy_arena_strdup(a, t), free(t);
    if (has[12] && (t = strings_json(&authors))) d->authors = hy_arena_strdup(a, t), free(t);
    if (has[13]) {
        if (!json_is_array(links) || json_array_size(links) > 20)
            return fail(err, HY_E_INVALID_FIELD, "links", "links must be a list of at most 20 {url, title}.");
        size_t i;
        json_t *l;
        json_array_foreach(links, i, l) {
            json_t *u = json_object_get(l, "url"), *ti = json_object_get(l, "title");
            const char *us = json_string_value(u);
            if (!json_is_object(l) || !us || json_object_size(l) != (ti ? 2u : 1u) ||
                (ti && !json_is_string(ti)) || strlen(us) > 2000 ||
                !hy_text_ok(us, strlen(us), 0, 2000) ||
                (strncmp(us, "https://", 8) && strncmp(us, "http://", 7)) ||
                (ti && !hy_text_ok(json_string_value(ti), strlen(json_string_value(ti)), 0, 200)))
                return fail(err, HY_E_INVALID_FIELD, "links",
                            "Each link needs an http(s) url and may have a title.");
        }
        char *lt = json_dumps(links, JSON_COMPACT);
        d->links = lt ? hy_arena_strdup(a, lt) : "[]";
        free(lt);
    }
    if (has[14]) d->covid = covid;
    if (create && has[15] && translation_of && *translation_of) {
        if (!hy_id_valid(translation_of))
            return fail(err, HY_E_INVALID_FIELD, "translation_of", "translation_of must be a document id.");
        if (ret_translation_of) *ret_translation_of = translation_of;
    }
    if (allow_status && has_status && status) d->status = status;
    return kind_fields(a, d, has[0], kind_in, has_kind, err);
}

/* ---------------------------------------------------------------- search */

struct search_ctx {
    hy_req *req;
    struct hy_lib_scan scan; /* its terms with their synonyms (expand()) */
    const char *typed[HY_LIB_MAX_TERMS]; /* the query's words as typed (normalised) */
    struct hy_lib_filter filter;
    enum hy_lib_sort sort;
    size_t offset, limit;
    struct hy_lib_result res;
    struct hy_lib_doc *docs;
    int ndocs;
    hy_db *db; /* the db the search reads */
    int64_t version; /* the library version the fast path read */
    int64_t answer_version; /* the version the answer shows, or -1 when not known */
    bool from_index; /* docs came from the index */
    bool whole_docs; /* the page's documents with every field (the feed's authors): from the store */
};

/* The query's words with their alternatives from `syn` (domain/synonyms.h), afresh. */
static void expand(struct search_ctx *c, const hy_synonyms *syn) {
    memcpy(c->scan.terms, c->typed, sizeof c->typed);
    hy_synonyms_expand(syn, c->req->arena, c->scan.terms, c->scan.nterms);
}

/* The page's documents as a result shows them, from the index the page was found in (no
 * store read). 0 or HY_DB_HARD. */
static int index_docs(const hy_libindex *ix, struct search_ctx *c) {
    c->ndocs = 0;
    if (c->whole_docs) return 0; /* the index holds what a result shows, not every field */
    c->docs = hy_arena_alloc(c->req->arena, (c->res.npage ? c->res.npage : 1) * sizeof *c->docs);
    if (!c->docs) return HY_DB_HARD;
    for (size_t i = 0; i < c->res.npage; i++) {
        /* The body only when the snippet may come from it: with words and an even score, i.e.
         * no word hits the summary for sure (hy_lib_item_write()). */
        bool body = c->scan.nterms && !(c->res.scores[i] & 1);
        struct hy_lib_doc *d = &c->docs[c->ndocs++];
        int r = c->res.index_docs
                    ? hy_libindex_doc_at(ix, c->req->arena, c->res.index_docs[i], body, d)
                    : hy_libindex_doc(ix, c->req->arena, c->res.page[i]->id, body, d);
        if (r != 1) return HY_DB_HARD;
    }
    c->from_index = true;
    return 0;
}

/* Searches the published documents through the process's index (app/app.h) when it
 * was built at the library version this transaction reads; *done stays false otherwise (the
 * caller then scans the store, as for editors' searches of drafts). */
static int search_index(hy_store *s, struct search_ctx *c, bool *done) {
    *done = false;
    struct hy_app *app = hy_req_app(c->req);
    if (!app->libindex || !c->scan.status || strcmp(c->scan.status, "published")) return 0;
    int64_t version = 0;
    int r = s->ops->library->version(s, &version);
    if (r < 0) return r;
    c->answer_version = version; /* the documents are read in this same transaction */
    hy_libindex *ix = hy_libindex_cache_get(app->libindex, version, c->db == app->db);
    if (!ix) return 0;
    expand(c, hy_libindex_synonyms(ix));
    r = hy_libindex_search(ix, c->req->arena, &c->filter, c->scan.terms, c->scan.nterms, c->sort,
                           c->offset, c->limit, &c->res);
    if (r == 0) r = index_docs(ix, c);
    hy_libindex_release(ix);
    if (r < 0) return HY_DB_HARD;
    *done = true;
    return 0;
}

static int search_tx(hy_store *s, void *ctx) {
    struct search_ctx *c = ctx;
    c->from_index = false; /* from an attempt that was retried */
    bool done = false;
    int r = search_index(s, c, &done);
    if (r < 0) return r;
    if (!done) {
        hy_synonyms *syn = NULL;
        if (c->scan.nterms && (r = hy_libindex_read_synonyms(s, &syn)) < 0) return r;
        expand(c, syn);
        hy_synonyms_free(syn);
        struct hy_lib_row *rows = NULL;
        size_t n = 0;
        r = s->ops->library->scan(s, &c->scan, c->req->arena, &rows, &n);
        if (r < 0) return r;
        if (hy_lib_search(c->req->arena, rows, n, &c->filter, c->scan.terms, c->scan.nterms,
                          c->sort, c->offset, c->limit, &c->res) < 0)
            return HY_DB_HARD;
    }
    if (c->from_index) return HY_DB_ONE;
    const char *ids[PER_PAGE_MAX];
    for (size_t i = 0; i < c->res.npage; i++) ids[i] = c->res.page[i]->id;
    c->ndocs = 0;
    if (c->res.npage) {
        c->ndocs = s->ops->library->doc_get_many(s, ids, c->res.npage, c->req->arena, &c->docs);
        if (c->ndocs < 0) return c->ndocs;
    }
    return HY_DB_ONE;
}

static int version_tx(hy_store *s, void *ctx) {
    int r = s->ops->library->version(s, ctx);
    return r < 0 ? r : HY_DB_ONE;
}

/* The public search, fast: answer from the process's current index without the store (the
 * page's documents and snippets too), then read the library version in one statement (no
 * transaction). The answer stands when that version is the index's, i.e. the documents have
 * not changed since the index was built; *done stays false otherwise, and search_tx answers
 * (and the index is rebuilt). 0 or a negative store status. */
static int search_fast(struct search_ctx *c, bool *done) {
    *done = false;
    struct hy_app *app = hy_req_app(c->req);
    if (!app->libindex || !c->scan.status || strcmp(c->scan.status, "published") || c->whole_docs)
        return 0;
    hy_libindex *ix = hy_libindex_cache_current(app->libindex);
    if (!ix) return 0;
    expand(c, hy_libindex_synonyms(ix));
    int r = hy_libindex_search(ix, c->req->arena, &c->filter, c->scan.terms, c->scan.nterms,
                               c->sort, c->offset, c->limit, &c->res);
    if (r == 0) r = index_docs(ix, c);
    int64_t version = hy_libindex_version(ix);
    hy_libindex_release(ix);
    if (r < 0) return HY_DB_HARD;
    r = hy_db_run(c->db, HY_TX_SINGLE, version_tx, &c->version);
    if (r < 0) return r;
    *done = c->version == version;
    if (!*done) c->from_index = false; /* search_tx answers afresh */
    if (*done) c->answer_version = version;
    return 0;
}

/* ---- whole answers (util/anscache.h) ---- */

/* The cache key of a public search: every parameter that shapes the answer, as sent. */
static char *answer_key(hy_req *req) {
    static const char *const extra[] = {"q", "covid", "lang", "sort", "page", "per_page"};
    hy_buf b = HY_BUF_INIT(4096);
    int r = 0;
    for (size_t i = 0; i < sizeof extra / sizeof extra[0] + HY_LIB_F__COUNT && !r; i++) {
        const char *name = i < HY_LIB_F__COUNT ? hy_lib_facet_names[i]
                                               : extra[i - HY_LIB_F__COUNT];
        const char *v = hy_req_query(req, name);
        r = hy_buf_puts(&b, v ? "=" : "-");
        if (!r && v) r = hy_buf_puts(&b, v);
        if (!r) r = hy_buf_putc(&b, '\x1f');
    }
    char *key = r ? NULL : hy_arena_strdup(req->arena, b.data ? b.data : "");
    hy_buf_free(&b);
    return key;
}

/* The search's words and filters (q, the facets, covid, lang), which the search and the
 * feed share, into c. False when one is not allowed: the error is answered, *ret_res holds
 * what to return. */
static bool search_filters(hy_req *req, struct search_ctx *c, hy_result *ret_res) {
    c->filter.covid = -1;
    c->scan.status = "published";
    const char *q = hy_req_query(req, "q");
    if (q && hy_utf8_length(q, strlen(q)) > 200) {
        *ret_res = hy_reply_error(req, HY_E_INVALID_QUERY, "q is at most 200 characters.", "q");
        return false;
    }
    c->scan.nterms = hy_lib_terms(req->arena, q, c->typed);
    memcpy(c->scan.terms, c->typed, sizeof c->typed);
    for (int f = 0; f < HY_LIB_F__COUNT; f++) {
        const char *v = hy_req_query(req, hy_lib_facet_names[f]);
        if (v && hy_lib_filter_add(req->arena, &c->filter, (enum hy_lib_facet)f, v) < 0) {
            *ret_res = hy_reply_error(req, HY_E_INVALID_QUERY, "A filter value is not allowed.",
                                      hy_lib_facet_names[f]);
            return false;
        }
    }
    const char *covid = hy_req_query(req, "covid");
    if (covid && *covid) {
        if (!strcmp(covid, "true") || !strcmp(covid, "1")) {
            c->filter.covid = 1;
        } else if (!strcmp(covid, "false") || !strcmp(covid, "0")) {
            c->filter.covid = 0;
        } else {
            *ret_res = hy_reply_error(req, HY_E_INVALID_QUERY, "covid must be true or false.", "covid");
            return false;
        }
    }
    const char *lang = hy_req_query(req, "lang");
    if (lang && *lang) {
        if (!hy_lib_one_of(lang, hy_lib_languages)) {
            *ret_res = hy_reply_error(req, HY_E_INVALID_QUERY, "lang must be fa or en.", "lang");
            return false;
        }
        c->filter.language = lang;
    }
    return true;
}

hy_result hy_api_search_library(hy_req *req) {
    struct search_ctx c = {.req = req, .sort = HY_LIB_SORT_RELEVANCE};
    hy_result bad;
    if (!search_filters(req, &c, &bad)) return bad;
    const char *sort = hy_req_query(req, "sort");
    if (sort && *sort) {
        if (!strcmp(sort, "relevance")) c.sort = HY_LIB_SORT_RELEVANCE;
        else if (!strcmp(sort, "newest")) c.sort = HY_LIB_SORT_NEWEST;
        else if (!strcmp(sort, "year")) c.sort = HY_LIB_SORT_YEAR;
        else return hy_reply_error(req, HY_E_INVALID_QUERY, "sort is relevance, newest or year.", "sort");
    }
    const char *status = hy_req_query(req, "status");
    if (status && *status) {
        if (strcmp(status, "any") && !hy_lib_one_of(status, hy_lib_statuses))
            return hy_reply_error(req, HY_E_INVALID_QUERY, "Unknown status.", "status");
        if (!is_role(req, HY_ACCESS_EDITOR))
            return hy_reply_error(req, HY_E_FORBIDDEN, "Only editors see unpublished documents.", "status");
        c.scan.status = strcmp(status, "any") ? status : NULL;
    }
    long page = 1, per = PER_PAGE_DEFAULT;
    const char *ps = hy_req_query(req, "page"), *pp = hy_req_query(req, "per_page");
    char *end;
    if (ps && ((page = strtol(ps, &end, 10)) < 1 || *end || page > PAGE_MAX))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "page must be a whole number from 1.", "page");
    if (pp && ((per = strtol(pp, &end, 10)) < 1 || *end || per > PER_PAGE_MAX))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "per_page must be from 1 to 100.", "per_page");
    c.offset = (size_t)(page - 1) * (size_t)per;
    c.limit = (size_t)per;
    c.db = hy_req_read_db(req);
    c.answer_version = -1;
    /* Public searches repeat (a crisis sends many people to the same few words): whole answers
     * are kept per library version, which is read from the store for every request, so no
     * answer older than the library is ever sent, by any process. */
    hy_anscache *cache = ((struct hy_app *)hy_req_app(req))->libanswers;
    char *key = NULL;
    int64_t now_version = -1;
    if (cache && c.scan.status && !strcmp(c.scan.status, "published") &&
        (key = answer_key(req)) != NULL) {
        int vr = hy_db_run(c.db, HY_TX_SINGLE, version_tx, &now_version);
        if (vr < 0) return hy_reply_store_error(req, vr);
        void *gz;
        size_t gzlen, plainlen;
        if (hy_anscache_get(cache, now_version, key, &gz, &gzlen, &plainlen)) {
            struct hy_cache hc = {.gz = gz, .gzlen = gzlen};
            hy_result res = hy_reply_cached(req, json_media, NULL, plainlen, &hc);
            free(gz);
            return res;
        }
    }
    bool fast = false;
    int r = search_fast(&c, &fast);
    if (r >= 0 && !fast) r = hy_db_run(c.db, HY_TX_READ, search_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    /* The answer as JSON text, written straight (util/jsonw.h: the bytes jansson would make). */
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_reserve(&b, 32768); /* a page of 20 is ~15 KiB */
    hy_buf_puts(&b, "{\"total\":");
    hy_jw_int(&b, (int64_t)c.res.total);
    hy_buf_puts(&b, ",\"page\":");
    hy_jw_int(&b, page);
    hy_buf_puts(&b, ",\"per_page\":");
    hy_jw_int(&b, per);
    hy_buf_puts(&b, ",\"terms\":[");
    for (size_t i = 0; i < c.scan.nterms; i++) {
        if (i) hy_buf_putc(&b, ',');
        hy_jw_string(&b, c.typed[i]);
    }
    hy_buf_puts(&b, "],\"items\":[");
    bool more = false;
    for (size_t i = 0; i < c.res.npage; i++)
        for (int j = 0; j < c.ndocs; j++) {
            int k = (int)((i + (size_t)j) % (size_t)c.ndocs); /* in page order from the index */
            if (!strcmp(c.docs[k].id, c.res.page[i]->id)) {
                if (more) hy_buf_putc(&b, ',');
                hy_lib_item_write(&b, req->arena, &c.docs[k], c.res.scores[i], c.scan.terms,
                                  c.scan.nterms);
                more = true;
                break;
            }
        }
    hy_buf_puts(&b, "],\"facets\":{");
    for (int f = 0; f < HY_LIB_F__COUNT; f++) {
        if (f) hy_buf_putc(&b, ',');
        hy_jw_key(&b, hy_lib_facet_names[f]);
        hy_buf_putc(&b, '{');
        for (size_t i = 0; i < c.res.nfacets[f]; i++) { /* values are distinct (hy_lib_result) */
            if (i) hy_buf_putc(&b, ',');
            hy_jw_key(&b, c.res.facets[f][i].value);
            hy_jw_int(&b, (int64_t)c.res.facets[f][i].count);
        }
        hy_buf_putc(&b, '}');
    }
    if (hy_buf_puts(&b, "}}") < 0) {
        hy_buf_free(&b);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    if (!c.scan.status || strcmp(c.scan.status, "published")) return hy_reply_json_buf(req, 200, &b);
    /* The public answer: validated by its ETag, kept whole (compressed once) when cached. */
    if (key && c.answer_version >= 0 && c.answer_version == now_version)
        hy_anscache_put(cache, now_version, key, b.data, b.len);
    hy_result res = hy_reply_cached(req, json_media, b.data, b.len, &(struct hy_cache){0});
    hy_buf_free(&b);
    return res;
}

/* ---------------------------------------------------------------- one document */

struct doc_ctx {
    hy_req *req;
    const char *id;
    bool editor, admin;
    struct hy_lib_doc doc;
    struct hy_lib_doc *group;
    int ngroup;
    struct hy_lib_attachment *atts;
    int natts;
    /* writes */
    json_t *body;
    const char *action, *to;
    struct hy_parse_error err;
    bool bad_input, conflict;
};

static int doc_tx(hy_store *s, void *ctx) {
    struct doc_ctx *c = ctx;
    int r = s->ops->library->doc_get(s, c->id, c->req->arena, &c->doc);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (strcmp(c->doc.status, "published") && !c->editor) return HY_DB_ABORT;
    c->ngroup = s->ops->library->doc_group(s, c->doc.translation_group, c->req->arena, &c->group);
    if (c->ngroup < 0) return c->ngroup;
    c->natts = s->ops->library->attachment_list(s, c->id, c->req->arena, &c->atts);
    return c->natts < 0 ? c->natts : HY_DB_ONE;
}

static json_t *full_json(struct doc_ctx *c) {
    json_t *o = hy_lib_doc_json(&c->doc);
    json_t *tr = json_array();
    for (int i = 0; i < c->ngroup; i++) {
        const struct hy_lib_doc *g = &c->group[i];
        if (!strcmp(g->id, c->doc.id)) continue;
        if (strcmp(g->status, "published") && !c->editor) continue;
        json_array_append_new(tr, json_pack("{s:s,s:s,s:s}", "id", g->id, "language",
                                            g->language, "title", g->title));
    }
    json_object_set_new(o, "translations", tr);
    json_t *at = json_array();
    for (int i = 0; i < c->natts; i++) {
        const struct hy_lib_attachment *a = &c->atts[i];
        json_t *aj = json_pack("{s:s,s:s,s:s,s:I}", "id", a->id, "filename", a->filename,
                               "content_type", a->content_type, "size", (json_int_t)a->size);
        json_object_set_new(aj, "url", json_string(hy_arena_printf(c->req->arena, "/api/v1/attachments/%s", a->id)));
        json_array_append_new(at, aj);
    }
    json_object_set_new(o, "attachments", at);
    return o;
}

hy_result hy_api_get_document(hy_req *req) {
    struct doc_ctx c = {.req = req, .id = req->args[0], .editor = is_role(req, HY_ACCESS_EDITOR)};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such document.", NULL);
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, doc_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such document.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, full_json(&c));
}

struct create_ctx {
    hy_req *req;
    struct hy_lib_doc doc;
    const char *translation_of;
    bool no_source, no_institution;
};

/* A news item names an institution of the list editors keep: 1 when it does (or the document
 * is not news), 0 when the institution is unknown, or a store status < 0. */
static int institution_known(hy_store *s, hy_arena *a, const struct hy_lib_doc *d) {
    if (strcmp(d->type, "news")) return 1;
    json_t *x = hy_news_extra_json(d->extra);
    const char *slug = json_string_value(json_object_get(x, "institution"));
    struct hy_news_inst in;
    int r = slug ? s->ops->news->inst_get(s, slug, a, &in) : HY_DB_NONE;
    json_decref(x);
    return r < 0 ? r : r == HY_DB_ONE;
}

static int create_tx(hy_store *s, void *ctx) {
    struct create_ctx *c = ctx;
    int known = institution_known(s, c->req->arena, &c->doc);
    if (known <= 0) {
        c->no_institution = known == 0;
        return known < 0 ? known : HY_DB_ABORT;
    }
    c->doc.translation_group = NULL;
    if (c->translation_of) {
        struct hy_lib_doc src;
        int r = s->ops->library->doc_get(s, c->translation_of, c->req->arena, &src);
        if (r < 0) return r;
        if (r == HY_DB_NONE) {
            c->no_source = true;
            return HY_DB_ABORT;
        }
        c->doc.translation_group = src.translation_group;
    }
    int r = hy_lib_create(s, c->req->arena, &c->doc, actor(c->req), "create");
    if (r < 0) return r;
    if (r == HY_DB_NONE) return HY_DB_HARD; /* a fresh random id cannot exist */
    return hy_audit(s, hy_req_actor(c->req), "library_created", c->doc.id, c->doc.type);
}

hy_result hy_api_create_document(hy_req *req) {
    hy_result res;
    json_t *body = hy_req_json(req, &res);
    if (!body) return res;
    struct create_ctx c = {.req = req};
    struct hy_parse_error err = {0};
    if (!hy_api_library_input(body, req->arena, true, false, &c.doc, &c.translation_of, &err))
        return hy_reply_error(req, err.code, err.message, err.field);
    hy_id_new(c.doc.id);
    int64_t now = hy_clock_now();
    c.doc.status = "draft";
    c.doc.origin = "user";
    c.doc.created_by = actor(req);
    c.doc.created_at = c.doc.updated_at = c.doc.sort_at = now;
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, create_tx, &c);
    if (r == HY_DB_ABORT && c.no_source)
        return hy_reply_error(req, HY_E_INVALID_FIELD, "translation_of names no document.", "translation_of");
    if (r == HY_DB_ABORT && c.no_institution)
        return hy_reply_error(req, HY_E_INVALID_FIELD, "news.institution names no institution.", "news.institution");
    if (r < 0) return hy_reply_store_error(req, r);
    struct doc_ctx d = {.req = req, .doc = c.doc, .editor = true};
    return hy_reply_json(req, 201, full_json(&d));
}

/* The answer of a refused change of a published document (its text or its files). */
static hy_result reply_published(hy_req *req) {
    return hy_reply_error(req, HY_E_CONFLICT,
                          "A published document can be edited only by an admin; ask one to unpublish it.",
                          NULL);
}

static int patch_tx(hy_store *s, void *ctx) {
    struct doc_ctx *c = ctx;
    int r = s->ops->library->doc_get(s, c->id, c->req->arena, &c->doc);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (!strcmp(c->doc.status, "published") && !c->admin) {
        c->conflict = true;
        return HY_DB_ABORT;
    }
    if (!hy_api_library_input(c->body, c->req->arena, false, false, &c->doc, NULL, &c->err)) {
        c->bad_input = true;
        return HY_DB_ABORT;
    }
    if ((r = institution_known(s, c->req->arena, &c->doc)) <= 0) {
        if (r < 0) return r;
        c->bad_input = true;
        c->err.code = HY_E_INVALID_FIELD;
        c->err.field = "news.institution";
        snprintf(c->err.message, sizeof c->err.message, "news.institution names no institution.");
        return HY_DB_ABORT;
    }
    c->doc.updated_at = hy_clock_now();
    if ((r = hy_lib_update(s, c->req->arena, &c->doc, actor(c->req))) < 0) return r;
    if (r == HY_DB_NONE) return HY_DB_ABORT;
    if ((r = hy_audit(s, hy_req_actor(c->req), "library_edited", c->id, "")) < 0) return r;
    c->ngroup = s->ops->library->doc_group(s, c->doc.translation_group, c->req->arena, &c->group);
    if (c->ngroup < 0) return c->ngroup;
    c->natts = s->ops->library->attachment_list(s, c->id, c->req->arena, &c->atts);
    return c->natts < 0 ? c->natts : HY_DB_ONE;
}

hy_result hy_api_update_document(hy_req *req) {
    struct doc_ctx c = {.req = req, .id = req->args[0], .editor = true,
                        .admin = is_role(req, HY_ACCESS_ADMIN)};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such document.", NULL);
    hy_result res;
    if (!(c.body = hy_req_json(req, &res))) return res;
    /* Check the input once before the transaction so bad input never touches the store. */
    struct hy_lib_doc probe = {0};
    if (!hy_api_library_input(c.body, req->arena, false, false, &probe, NULL, &c.err))
        return hy_reply_error(req, c.err.code, c.err.message, c.err.field);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, patch_tx, &c);
    if (r == HY_DB_ABORT) {
        if (c.bad_input) return hy_reply_error(req, c.err.code, c.err.message, c.err.field);
        if (c.conflict) return reply_published(req);
        return hy_reply_error(req, HY_E_NOT_FOUND, "No such document.", NULL);
    }
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, full_json(&c));
}

static int transition_tx(hy_store *s, void *ctx) {
    struct doc_ctx *c = ctx;
    int r = s->ops->library->doc_get(s, c->id, c->req->arena, &c->doc);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    const char *to = hy_lib_transition(c->action, c->doc.status);
    if (!to) {
        c->conflict = true;
        return HY_DB_ABORT;
    }
    int64_t now = hy_clock_now();
    r = s->ops->library->doc_set_status(s, c->id, c->doc.status, to, now);
    if (r <= 0) return r < 0 ? r : HY_DB_SOFT; /* changed under us: read again */
    if ((r = s->ops->library->doc_get(s, c->id, c->req->arena, &c->doc)) <= 0)
        return r < 0 ? r : HY_DB_HARD;
    if ((r = hy_lib_record_revision(s, &c->doc, actor(c->req), c->action, now)) < 0) return r;
    char *what = hy_arena_printf(c->req->arena, "library_%s", c->action);
    if ((r = hy_audit(s, hy_req_actor(c->req), what ? what : "library_status", c->id, to)) < 0) return r;
    c->ngroup = s->ops->library->doc_group(s, c->doc.translation_group, c->req->arena, &c->group);
    if (c->ngroup < 0) return c->ngroup;
    c->natts = s->ops->library->attachment_list(s, c->id, c->req->arena, &c->atts);
    return c->natts < 0 ? c->natts : HY_DB_ONE;
}

static hy_result transition(hy_req *req, const char *action) {
    struct doc_ctx c = {.req = req, .id = req->args[0], .editor = true, .action = action};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such document.", NULL);
    if (req->body.len) return hy_reply_error(req, HY_E_BAD_REQUEST, "This action takes no body.", NULL);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, transition_tx, &c);
    if (r == HY_DB_ABORT && c.conflict) {
        char *msg = hy_arena_printf(req->arena, "A %s document cannot be %s.", c.doc.status,
                                    !strcmp(action, "submit")      ? "submitted"
                                    : !strcmp(action, "publish")   ? "published"
                                    : !strcmp(action, "unpublish") ? "unpublished"
                                                                   : "returned");
        return hy_reply_error(req, HY_E_BAD_TRANSITION, msg, NULL);
    }
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such document.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, full_json(&c));
}

hy_result hy_api_submit_document(hy_req *req) { return transition(req, "submit"); }
hy_result hy_api_publish_document(hy_req *req) { return transition(req, "publish"); }
hy_result hy_api_unpublish_document(hy_req *req) { return transition(req, "unpublish"); }

struct rev_ctx {
    hy_req *req;
    const char *id;
    struct hy_lib_doc doc;
    struct hy_lib_revision *revs;
    int n;
};

static int rev_tx(hy_store *s, void *ctx) {
    struct rev_ctx *c = ctx;
    int r = s->ops->library->doc_get(s, c->id, c->req->arena, &c->doc);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    c->n = s->ops->library->revision_list(s, c->id, 200, c->req->arena, &c->revs);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

hy_result hy_api_list_revisions(hy_req *req) {
    struct rev_ctx c = {.req = req, .id = req->args[0]};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such document.", NULL);
    int r = hy_db_run(req->srv->db, HY_TX_READ, rev_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such document.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *items = json_array();
    for (int i = 0; i < c.n; i++) {
        json_t *snap = json_loads(c.revs[i].snapshot, 0, NULL);
        json_array_append_new(
            items, json_pack("{s:I,s:I,s:o,s:s,s:o}", "id", (json_int_t)c.revs[i].id, "at",
                             (json_int_t)c.revs[i].at, "author_id",
                             c.revs[i].author_id ? json_string(c.revs[i].author_id) : json_null(),
                             "action", c.revs[i].action, "snapshot", snap ? snap : json_object()));
    }
    return hy_reply_json(req, 200, json_pack("{s:o}", "revisions", items));
}

/* ---------------------------------------------------------------- attachments */

struct att_ctx {
    hy_req *req;
    struct hy_lib_attachment att;
    bool editor;
    bool admin;    /* may change the files of a published document */
    bool conflict; /* found published, and the caller is not an admin */
};

/* A document's files are part of it: who may edit it may add or remove them (editors while it
 * is a draft or in review, admins always). */
static int att_doc_tx(hy_store *s, struct att_ctx *c) {
    struct hy_lib_doc d;
    int r = s->ops->library->doc_get(s, c->att.doc_id, c->req->arena, &d);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (!strcmp(d.status, "published") && !c->admin) {
        c->conflict = true;
        return HY_DB_ABORT;
    }
    return HY_DB_ONE;
}

static int att_insert_tx(hy_store *s, void *ctx) {
    struct att_ctx *c = ctx;
    int r = att_doc_tx(s, c);
    if (r <= 0) return r;
    if ((r = s->ops->library->attachment_insert(s, &c->att)) <= 0) return r < 0 ? r : HY_DB_HARD;
    return hy_audit(s, hy_req_actor(c->req), "library_attachment_added", c->att.doc_id, c->att.content_type);
}

static int att_delete_tx(hy_store *s, void *ctx) {
    struct att_ctx *c = ctx;
    int r = att_doc_tx(s, c);
    if (r <= 0) return r;
    if ((r = s->ops->library->attachment_delete(s, c->att.doc_id, c->att.id)) <= 0)
        return r < 0 ? r : HY_DB_ABORT;
    return hy_audit(s, hy_req_actor(c->req), "library_attachment_removed", c->att.doc_id, c->att.id);
}

/* True when the bytes look like the claimed type. */
static bool magic_ok(const char *type, const unsigned char *p, size_t n) {
    if (!strcmp(type, "application/pdf")) return n >= 5 && !memcmp(p, "%PDF-", 5);
    if (!strcmp(type, "image/png")) return n >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8);
    if (!strcmp(type, "image/jpeg")) return n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF;
    /* Text: UTF-8 without NUL or control characters other than tab and line breaks. */
    return hy_utf8_valid((const char *)p, n, 0);
}

hy_result hy_api_attach_file(hy_req *req) {
    static const char *const types[] = {"application/pdf", "image/png", "image/jpeg",
                                        "text/plain", "text/csv", NULL};
    struct att_ctx c = {.req = req, .admin = is_role(req, HY_ACCESS_ADMIN)};
    const char *id = req->args[0];
    if (!hy_id_valid(id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such document.", NULL);
    const char *ct = hy_req_header(req, "Content-Type");
    char type[64] = "";
    if (ct) {
        size_t n = strcspn(ct, "; ");
        if (n < sizeof type) memcpy(type, ct, n), type[n] = '\0';
        for (char *p = type; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    }
    if (!hy_lib_one_of(type, types))
        return hy_reply_error(req, HY_E_UNSUPPORTED_MEDIA_TYPE,
                              "Attach a PDF, PNG, JPEG, plain text or CSV file.", NULL);
    if (req->body.len == 0) return hy_reply_error(req, HY_E_BAD_REQUEST, "The file is empty.", NULL);
    if (!magic_ok(type, (const unsigned char *)req->body.data, req->body.len))
        return hy_reply_error(req, HY_E_UNSUPPORTED_MEDIA_TYPE,
                              "The file's contents do not match its Content-Type.", NULL);
    const char *fn = hy_req_query(req, "filename");
    if (!fn || !*fn) fn = "attachment";
    /* Keep the last path segment; letters of any script, digits, . - _ and spaces. */
    const char *slash = strrchr(fn, '/');
    if (slash) fn = slash + 1;
    if (!hy_text_ok(fn, strlen(fn), 0, 120) || !*fn || fn[0] == '.' || strpbrk(fn, "\\\"<>:|?*"))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "The file name is not allowed.", "filename");
    hy_id_new(c.att.id);
    memcpy(c.att.doc_id, id, HY_ID_LEN + 1);
    c.att.filename = fn;
    c.att.content_type = hy_arena_strdup(req->arena, type);
    c.att.data = req->body.data;
    c.att.size = req->body.len;
    c.att.created_by = actor(req);
    c.att.created_at = hy_clock_now();
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, att_insert_tx, &c);
    if (r == HY_DB_ABORT && c.conflict) return reply_published(req);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such document.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 201, json_pack("{s:s,s:s,s:s,s:I,s:s}", "id", c.att.id, "filename",
                                             c.att.filename, "content_type", c.att.content_type,
                                             "size", (json_int_t)c.att.size, "url",
                                             hy_arena_printf(req->arena, "/api/v1/attachments/%s", c.att.id)));
}

hy_result hy_api_remove_attachment(hy_req *req) {
    struct att_ctx c = {.req = req, .admin = is_role(req, HY_ACCESS_ADMIN)};
    if (!hy_id_valid(req->args[0]) || !hy_id_valid(req->args[1]))
        return hy_reply_error(req, HY_E_NOT_FOUND, "No such file.", NULL);
    memcpy(c.att.doc_id, req->args[0], HY_ID_LEN + 1);
    memcpy(c.att.id, req->args[1], HY_ID_LEN + 1);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, att_delete_tx, &c);
    if (r == HY_DB_ABORT && c.conflict) return reply_published(req);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such file.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, json_pack("{s:s,s:s}", "id", c.att.id, "document_id", c.att.doc_id));
}

static int att_get_tx(hy_store *s, void *ctx) {
    struct att_ctx *c = ctx;
    int r = s->ops->library->attachment_get(s, c->att.id, c->req->arena, &c->att);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    struct hy_lib_doc d;
    r = s->ops->library->doc_get(s, c->att.doc_id, c->req->arena, &d);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (strcmp(d.status, "published") && !c->editor) return HY_DB_ABORT;
    return HY_DB_ONE;
}

hy_result hy_api_get_attachment(hy_req *req) {
    struct att_ctx c = {.req = req, .editor = is_role(req, HY_ACCESS_EDITOR)};
    const char *id = req->args[0];
    if (!hy_id_valid(id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such file.", NULL);
    memcpy(c.att.id, id, HY_ID_LEN + 1);
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, att_get_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such file.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    /* filename="ascii fallback"; filename*=UTF-8''percent-encoded (RFC 6266). */
    hy_buf ascii = HY_BUF_INIT(512), enc = HY_BUF_INIT(1024);
    for (const unsigned char *p = (const unsigned char *)c.att.filename; *p; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_';
        hy_buf_putc(&ascii, plain ? (char)*p : '_');
        if (plain) hy_buf_putc(&enc, (char)*p);
        else hy_buf_printf(&enc, "%%%02X", *p);
    }
    char *disp = hy_arena_printf(req->arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
                                 ascii.data ? ascii.data : "file", enc.data ? enc.data : "file");
    hy_buf_free(&ascii);
    hy_buf_free(&enc);
    if (!disp || hy_req_add_header(req, "Content-Disposition", disp) < 0)
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy_reply_bytes(req, 200, c.att.content_type, c.att.data, c.att.size);
}

/* ---------------------------------------------------------------- communities */

struct comm_ctx {
    hy_req *req;
    struct hy_lib_org *orgs;
    struct hy_lib_project *projects;
    int norgs, nprojects;
};

static int comm_tx(hy_store *s, void *ctx) {
    struct comm_ctx *c = ctx;
    c->norgs = s->ops->library->org_list(s, c->req->arena, &c->orgs);
    if (c->norgs < 0) return c->norgs;
    c->nprojects = s->ops->library->project_list(s, c->req->arena, &c->projects);
    return c->nprojects < 0 ? c->nprojects : HY_DB_ONE;
}

static json_t *opt_str(const char *s) { return s ? json_string(s) : json_null(); }

hy_result hy_api_list_communities(hy_req *req) {
    struct comm_ctx c = {.req = req};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, comm_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *orgs = json_array();
    for (int i = 0; i < c.norgs; i++) {
        const struct hy_lib_org *o = &c.orgs[i];
        json_t *projects = json_array();
        for (int k = 0; k < c.nprojects; k++) {
            const struct hy_lib_project *p = &c.projects[k];
            if (strcmp(p->org_slug, o->slug)) continue;
            json_t *pj = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "slug", p->slug, "name_fa",
                                   p->name_fa, "name_en", p->name_en, "description_fa",
                                   p->description_fa ? p->description_fa : "", "description_en",
                                   p->description_en ? p->description_en : "", "covid", p->covid);
            json_object_set_new(pj, "website", opt_str(p->website));
            json_object_set_new(pj, "year", p->year > 0 ? json_integer(p->year) : json_null());
            json_object_set_new(pj, "doc_id", opt_str(p->doc_id));
            json_array_append_new(projects, pj);
        }
        json_t *oj = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "slug", o->slug, "name_fa",
                               o->name_fa, "name_en", o->name_en, "region", o->region,
                               "description_fa", o->description_fa ? o->description_fa : "",
                               "description_en", o->description_en ? o->description_en : "",
                               "origin", o->origin ? o->origin : "user");
        json_object_set_new(oj, "country", opt_str(o->country));
        json_object_set_new(oj, "website", opt_str(o->website));
        json_object_set_new(oj, "projects", projects);
        json_array_append_new(orgs, oj);
    }
    return hy_reply_json(req, 200, json_pack("{s:o}", "organisations", orgs));
}

/* ---------------------------------------------------------------- feeds */

/* The feed's filters as a query string, in one order (api/feed.h). */
static const char *feed_query(hy_req *req) {
    const char *names[HY_LIB_F__COUNT + 3];
    for (size_t i = 0; i < HY_LIB_F__COUNT; i++) names[i] = hy_lib_facet_names[i];
    names[HY_LIB_F__COUNT] = "covid";
    names[HY_LIB_F__COUNT + 1] = "lang";
    names[HY_LIB_F__COUNT + 2] = "q";
    return hy_feed_query(req, names, HY_LIB_F__COUNT + 3);
}

hy_result hy_api_get_library_feed(hy_req *req) {
    struct search_ctx c = {.req = req, .sort = HY_LIB_SORT_NEWEST, .limit = 50, .whole_docs = true};
    hy_result bad;
    if (!search_filters(req, &c, &bad)) return bad;
    c.db = hy_req_read_db(req);
    c.answer_version = -1;
    struct hy_feed_site site;
    int r = hy_feed_site_get(req, &site);
    if (r >= 0) r = hy_db_run(c.db, HY_TX_READ, search_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    const char *query = feed_query(req);
    if (!query) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    /* The newest change among the entries: the feed's <updated> and its Last-Modified. */
    int64_t newest = 0;
    for (int k = 0; k < c.ndocs; k++) {
        int64_t t = c.docs[k].updated_at > c.docs[k].published_at ? c.docs[k].updated_at
                                                                  : c.docs[k].published_at;
        if (t > newest) newest = t;
    }
    hy_buf b = HY_BUF_INIT(0);
    char t[32];
    hy_feed_time(newest, t);
    hy_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
                    "<title>Hamyari library — کتابخانهٔ همیاری</title>\n<id>");
    hy_feed_xml_put(&b, site.tag ? site.tag : site.base);
    hy_buf_puts(&b, "/library");
    hy_feed_xml_put(&b, query);
    hy_buf_puts(&b, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    hy_feed_xml_put(&b, site.base);
    hy_buf_puts(&b, "/library.atom");
    hy_feed_xml_put(&b, query);
    hy_buf_puts(&b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    hy_feed_xml_put(&b, site.base);
    hy_buf_puts(&b, "/library");
    hy_feed_xml_put(&b, query);
    hy_buf_printf(&b, "\"/>\n<updated>%s</updated>\n", t);
    for (size_t i = 0; i < c.res.npage; i++) {
        const struct hy_lib_doc *d = NULL;
        for (int k = 0; k < c.ndocs; k++)
            if (!strcmp(c.docs[k].id, c.res.page[i]->id)) d = &c.docs[k];
        if (!d) continue;
        char pub[32], upd[32];
        hy_feed_time(d->published_at, pub);
        hy_feed_time(d->updated_at > d->published_at ? d->updated_at : d->published_at, upd);
        hy_buf_printf(&b, "<entry xml:lang=\"%s\">\n<title>", !strcmp(d->language, "en") ? "en" : "fa");
        hy_feed_xml_put(&b, d->title);
        hy_buf_puts(&b, "</title>\n<id>");
        hy_feed_xml_put(&b, site.tag ? site.tag : site.base);
        hy_buf_printf(&b, site.tag ? "/doc/%s" : "/doc?id=%s", d->id);
        hy_buf_puts(&b, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
        hy_feed_xml_put(&b, site.base);
        hy_buf_printf(&b, "/doc?id=%s\"/>\n<published>%s</published>\n<updated>%s</updated>\n"
                          "<category term=\"%s\"/>\n<author><name>",
                      d->id, pub, upd, d->type);
        json_t *au = json_loads(d->authors ? d->authors : "[]", 0, NULL);
        const char *first = json_string_value(json_array_get(au, 0));
        hy_feed_xml_put(&b, first ? first : "Hamyari");
        json_decref(au);
        hy_buf_puts(&b, "</name></author>\n<summary>");
        hy_feed_xml_put(&b, d->summary);
        hy_buf_puts(&b, "</summary>\n</entry>\n");
    }
    if (hy_buf_puts(&b, "</feed>\n") < 0) {
        hy_buf_free(&b);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    struct hy_cache hc = {.last_modified = newest};
    hy_result res = hy_reply_cached(req, "application/atom+xml; charset=utf-8", b.data, b.len, &hc);
    hy_buf_free(&b);
    return res;
}

struct sitemap_ctx {
    hy_req *req;
    hy_buf *out;
    const char *base;
    int64_t newest;
};

static int sitemap_tx(hy_store *s, void *ctx) {
    struct sitemap_ctx *c = ctx;
    const char *after = NULL;
    size_t total = 0;
    for (;;) {
        struct hy_lib_doc *docs;
        int n = s->ops->library->doc_list(s, "published", after, 5000, c->req->arena, &docs);
        if (n < 0) return n;
        for (int i = 0; i < n; i++) {
            char t[32];
            hy_feed_time(docs[i].updated_at, t);
            t[10] = '\0';
            if (docs[i].updated_at > c->newest) c->newest = docs[i].updated_at;
            hy_buf_puts(c->out, "<url><loc>");
            hy_feed_xml_put(c->out, c->base);
            hy_buf_printf(c->out, "/doc?id=%s</loc><lastmod>%s</lastmod></url>\n", docs[i].id, t);
        }
        total += (size_t)n;
        if (n < 5000 || total >= 45000) break;
        after = docs[n - 1].id;
    }
    return HY_DB_ONE;
}

hy_result hy_api_get_sitemap(hy_req *req) {
    /* The public sections of web/_shell/nav.json and the library's pages (a test compares). */
    static const char *const pages[] = {"/", "/library", "/toolkits", "/faq", "/communities",
                                        "/groups", "/help", "/volunteer", "/join", "/track",
                                        "/coverage", "/forecast", "/trees", "/news", "/factchecks", "/data", "/needs",
                                        "/board", "/about", "/privacy",
                                        "/challenges", NULL};
    struct hy_feed_site site;
    int r = hy_feed_site_get(req, &site);
    if (r < 0) return hy_reply_store_error(req, r);
    hy_buf b = HY_BUF_INIT(0);
    struct sitemap_ctx c = {.req = req, .out = &b, .base = site.base};
    hy_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (size_t i = 0; pages[i]; i++) {
        hy_buf_puts(&b, "<url><loc>");
        hy_feed_xml_put(&b, c.base);
        hy_buf_printf(&b, "%s</loc></url>\n", pages[i]);
    }
    r = hy_db_run(hy_req_read_db(req), HY_TX_READ, sitemap_tx, &c);
    if (r < 0) {
        hy_buf_free(&b);
        return hy_reply_store_error(req, r);
    }
    if (hy_buf_puts(&b, "</urlset>\n") < 0) {
        hy_buf_free(&b);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    struct hy_cache hc = {.last_modified = c.newest};
    hy_result res = hy_reply_cached(req, "application/xml; charset=utf-8", b.data, b.len, &hc);
    hy_buf_free(&b);
    return res;
}
