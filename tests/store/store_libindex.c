/* store_libindex.c — the in-memory library index (domain/libindex.h) answers exactly as the
 * store's scan + hy_lib_search() does, on both backends.
 *
 *   store_libindex sqlite     on a fresh SQLite file
 *   store_libindex postgres   on a fresh PostgreSQL database (HY_TEST_PG_URL; exit 77 =
 *                             skipped without it)
 *
 * Loads HY_LIB_DOCS (default 3,000) generated documents (the demo generator, some of them
 * changed to have no country, level, stage or year, repeated themes, or to be drafts), builds
 * the index, and compares, for many generated searches (prefixes of words of the documents,
 * several words, unknown words, no words; every filter alone and combined; every sort; pages
 * from the first to past the end), the total, the page's ids and scores and every facet's
 * values and counts, and every item of the page as the answer shows it (hy_lib_item_write():
 * title, summary, snippet, …) built from the index's memory and from the store's document,
 * byte for byte. Then it checks the library version: every kind of write raises it, an
 * index answers only at its own version, and the process cache rebuilds after a change. */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/libindex.h"
#include "app/library.h"
#include "cli/cli.h"
#include "domain/libindex.h"
#include "domain/library.h"
#include "store/library.h"
#include "store/store.h"
#include "util/buf.h"

static int failures;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                   \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

static const int64_t NOW = 1700000000;

static hy_db *fresh(const char *backend) {
    char url[512];
    if (!strcmp(backend, "sqlite")) {
        char dir[] = "/tmp/hy-store-libindex-XXXXXX";
        if (!mkdtemp(dir)) return NULL;
        snprintf(url, sizeof url, "sqlite:%s/t.db", dir);
    } else {
        const char *base = getenv("HY_TEST_PG_URL");
        char name[64];
        snprintf(name, sizeof name, "hy_libix_%d_%ld", (int)getpid(), (long)time(NULL) % 100000);
        PGconn *c = PQconnectdb(base);
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
        PGresult *r = PQexec(c, sql);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        PQfinish(c);
        if (!ok) return NULL;
        const char *slash = strrchr(base, '/');
        snprintf(url, sizeof url, "%.*s/%s", (int)(slash - base), base, name);
    }
    hy_db *db = NULL;
    if (hy_cli_open_store(url, &db, NULL) < 0) return NULL;
    return db;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static size_t pick(size_t n) { return (size_t)(next() % n); }

/* ---- loading ---- */

static int load_tx(hy_store *s, void *ctx) {
    size_t n = *(size_t *)ctx;
    for (size_t i = 0; i < n; i++) {
        hy_arena *a = hy_arena_new(0);
        if (!a) return HY_DB_HARD;
        struct hy_lib_doc d;
        int r = hy_library_demo_doc(a, i, NOW, &d) < 0 ? HY_DB_HARD : 0;
        if (r == 0) {
            /* Variety the generator lacks: missing values, repeated themes, more drafts. */
            if (i % 7 == 3) d.country = NULL;
            if (i % 11 == 5) d.level = NULL;
            if (i % 13 == 6) d.stage = NULL;
            if (i % 17 == 8) d.year = 0;
            if (i % 19 == 9) d.themes = hy_arena_printf(a, "%s %s", d.themes, d.themes);
            if (i % 23 == 10) d.themes = "";
            if (i % 29 == 12) d.covid = !d.covid;
            if (i % 37 == 14) d.summary = "";
            if (i % 41 == 15) { /* a long body: a hit past the snippet's word limit */
                hy_buf b = HY_BUF_INIT(0);
                for (int k = 0; k < 5000; k++) hy_buf_puts(&b, k % 10 ? "lorem ipsum " : "dolor\n");
                hy_buf_puts(&b, "farawayword ");
                hy_buf_puts(&b, d.body_md);
                d.body_md = hy_arena_strndup(a, b.data, b.len);
                hy_buf_free(&b);
            }
            if (i % 31 == 13) {
                d.status = "in_review";
                d.published_at = 0;
            }
            r = hy_lib_create(s, a, &d, NULL, "demo");
        }
        hy_arena_free(a);
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}

/* Words of the published documents (for prefixes), from the store's index rows. */
struct words {
    char **w;
    size_t n;
};

static int words_tx(hy_store *s, void *ctx) {
    struct words *ws = ctx;
    hy_arena *a = hy_arena_new(0);
    struct hy_lib_row *rows;
    int n = s->ops->library->index_rows(s, NULL, 400, a, &rows);
    for (int i = 0; i < n && ws->n < 2000; i++) {
        const char *srcs[] = {rows[i].tokens, rows[i].tok_title, rows[i].tok_tags};
        for (size_t k = 0; k < 3; k++) {
            const char *p = srcs[k];
            while (p && *p && ws->n < 2000) {
                const char *e = strchr(p, ' ');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                if (len && pick(4) == 0) ws->w[ws->n++] = strndup(p, len);
                if (!e) break;
                p = e + 1;
            }
        }
    }
    hy_arena_free(a);
    return n < 0 ? n : HY_DB_ONE;
}

/* ---- comparing ---- */

struct cmp_ctx {
    const hy_libindex *ix;
    const char *q;
    struct hy_lib_filter f;
    enum hy_lib_sort sort;
    size_t offset, limit;
    size_t compared, nonempty, items;
};

static bool same_result(const struct hy_lib_result *x, const struct hy_lib_result *y, char *why,
                        size_t n) {
    if (x->total != y->total) return snprintf(why, n, "total %zu vs %zu", x->total, y->total), false;
    if (x->npage != y->npage) return snprintf(why, n, "page %zu vs %zu rows", x->npage, y->npage), false;
    for (size_t i = 0; i < x->npage; i++) {
        if (strcmp(x->page[i]->id, y->page[i]->id))
            return snprintf(why, n, "row %zu: %s vs %s", i, x->page[i]->id, y->page[i]->id), false;
        if (x->scores[i] != y->scores[i])
            return snprintf(why, n, "row %zu score %d vs %d", i, x->scores[i], y->scores[i]), false;
        if (x->page[i]->sort_at != y->page[i]->sort_at || x->page[i]->year != y->page[i]->year ||
            strcmp(x->page[i]->type, y->page[i]->type) ||
            strcmp(x->page[i]->language, y->page[i]->language))
            return snprintf(why, n, "row %zu fields differ", i), false;
    }
    for (int k = 0; k < HY_LIB_F__COUNT; k++) {
        if (x->nfacets[k] != y->nfacets[k])
            return snprintf(why, n, "facet %s: %zu vs %zu values", hy_lib_facet_names[k],
                            x->nfacets[k], y->nfacets[k]),
                   false;
        for (size_t i = 0; i < x->nfacets[k]; i++)
            if (strcmp(x->facets[k][i].value, y->facets[k][i].value) ||
                x->facets[k][i].count != y->facets[k][i].count)
                return snprintf(why, n, "facet %s[%zu]: %s=%zu vs %s=%zu", hy_lib_facet_names[k], i,
                                x->facets[k][i].value, x->facets[k][i].count,
                                y->facets[k][i].value, y->facets[k][i].count),
                       false;
    }
    return true;
}

static int compare_tx(hy_store *s, void *ctx) {
    struct cmp_ctx *c = ctx;
    hy_arena *a = hy_arena_new(0);
    struct hy_lib_scan q = {.status = "published"};
    q.nterms = hy_lib_terms(a, c->q, q.terms);
    /* with the seeded synonym list, as every search: the store's full-text query, the scan's
     * filter and the index must agree on the alternatives too */
    hy_synonyms *syn = hy_synonyms_new(NULL);
    CHECK(syn != NULL, "synonyms");
    hy_synonyms_expand(syn, a, q.terms, q.nterms);
    hy_synonyms_free(syn);
    struct hy_lib_row *rows = NULL;
    size_t n = 0;
    int r = s->ops->library->scan(s, &q, a, &rows, &n);
    if (r < 0) {
        hy_arena_free(a);
        return r;
    }
    struct hy_lib_result want, got;
    CHECK(hy_lib_search(a, rows, n, &c->f, q.terms, q.nterms, c->sort, c->offset, c->limit,
                        &want) == 0, "hy_lib_search");
    CHECK(hy_libindex_search(c->ix, a, &c->f, q.terms, q.nterms, c->sort, c->offset, c->limit,
                             &got) == 0, "hy_libindex_search");
    char why[256];
    if (!same_result(&got, &want, why, sizeof why)) {
        char fl[512] = "";
        size_t at = 0;
        for (int k = 0; k < HY_LIB_F__COUNT; k++)
            for (size_t i = 0; i < c->f.nvalues[k] && at < sizeof fl - 64; i++)
                at += (size_t)snprintf(fl + at, sizeof fl - at, " %s=%s", hy_lib_facet_names[k],
                                       c->f.values[k][i]);
        CHECK(false, "q=\"%s\" lang=%s covid=%d%s sort=%d offset=%zu limit=%zu: %s",
              c->q ? c->q : "", c->f.language ? c->f.language : "-", c->f.covid, fl, (int)c->sort,
              c->offset, c->limit, why);
    }
    /* The page's items: from the index's memory and from the store, the same bytes. */
    const char *ids[100];
    size_t np = got.npage < 100 ? got.npage : 100;
    for (size_t i = 0; i < np; i++) ids[i] = got.page[i]->id;
    struct hy_lib_doc *docs = NULL;
    int nd = np ? s->ops->library->doc_get_many(s, ids, np, a, &docs) : 0;
    CHECK(nd == (int)np, "the page's documents (%d of %zu)", nd, np);
    for (size_t i = 0; i < np && nd == (int)np; i++) {
        const struct hy_lib_doc *sd = NULL;
        for (int k = 0; k < nd; k++)
            if (!strcmp(docs[k].id, ids[i])) sd = &docs[k];
        struct hy_lib_doc xd;
        /* With its body only when the item may show it (as the API asks). */
        bool body = q.nterms && !(got.scores[i] & 1);
        CHECK(hy_libindex_doc(c->ix, a, ids[i], body, &xd) == 1, "the index holds %s", ids[i]);
        /* The page's document numbers name the same documents (the API reads them by number). */
        struct hy_lib_doc xn;
        CHECK(got.index_docs && hy_libindex_doc_at(c->ix, a, got.index_docs[i], body, &xn) == 1 &&
                  !strcmp(xn.id, ids[i]) && !strcmp(xn.title, xd.title) &&
                  !strcmp(xn.summary, xd.summary) &&
                  (xn.body_text ? xd.body_text && !strcmp(xn.body_text, xd.body_text)
                                : !xd.body_text),
              "page item %zu is the index's document %u (%s)", i,
              got.index_docs ? got.index_docs[i] : 0u, ids[i]);
        if (!sd) continue;
        hy_buf bx = HY_BUF_INIT(0), bs = HY_BUF_INIT(0);
        int rx = hy_lib_item_write(&bx, a, &xd, got.scores[i], q.terms, q.nterms);
        int rs = hy_lib_item_write(&bs, a, sd, want.scores[i], q.terms, q.nterms);
        CHECK(rx == 0 && rs == 0 && !strcmp(bx.data, bs.data),
              "q=\"%s\" item %s:\n  index %s\n  store %s", c->q ? c->q : "", ids[i],
              bx.data ? bx.data : "-", bs.data ? bs.data : "-");
        /* Written JSON that jansson reads back and writes again as the same bytes. */
        json_t *jx = bx.data ? json_loads(bx.data, 0, NULL) : NULL;
        char *tx = jx ? json_dumps(jx, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        CHECK(tx && !strcmp(tx, bx.data), "q=\"%s\" item %s is jansson's bytes:\n  %s\n  %s",
              c->q ? c->q : "", ids[i], bx.data ? bx.data : "-", tx ? tx : "-");
        c->items++;
        free(tx);
        json_decref(jx);
        hy_buf_free(&bx);
        hy_buf_free(&bs);
    }
    char none[HY_ID_LEN + 1];
    memset(none, 'f', HY_ID_LEN);
    none[HY_ID_LEN] = '\0';
    struct hy_lib_doc nx;
    CHECK(hy_libindex_doc(c->ix, a, none, true, &nx) == 0, "an unknown id is not in the index");
    CHECK(hy_libindex_doc_at(c->ix, a, (uint32_t)hy_libindex_docs(c->ix), true, &nx) == 0,
          "a number past the documents is no document");
    c->compared++;
    if (want.total) c->nonempty++;
    hy_arena_free(a);
    return HY_DB_ONE;
}

static const char *const countries[] = {"IR", "GB", "JP", "DE", "FR", "US", "TR", "ZZ"};
static const char *const themes[] = {"health", "food", "open-data", "housing", "education",
                                     "water", "no-such-theme"};

static void random_filter(hy_arena *a, struct hy_lib_filter *f) {
    memset(f, 0, sizeof *f);
    f->covid = (int)pick(3) - 1;
    if (pick(3) == 0) f->covid = -1;
    size_t l = pick(4);
    f->language = l == 0 ? "fa" : l == 1 ? "en" : NULL;
    for (int k = 0; k < HY_LIB_F__COUNT; k++) {
        if (pick(3)) continue;
        size_t nv = 1 + pick(3);
        for (size_t i = 0; i < nv; i++) {
            const char *v = NULL;
            char buf[8];
            switch (k) {
            case HY_LIB_F_TYPE: v = hy_lib_types[pick(7)]; break;
            case HY_LIB_F_COUNTRY: v = countries[pick(sizeof countries / sizeof *countries)]; break;
            case HY_LIB_F_LEVEL: v = hy_lib_levels[pick(5)]; break;
            case HY_LIB_F_STAGE: v = hy_lib_stages[pick(6)]; break;
            case HY_LIB_F_YEAR:
                snprintf(buf, sizeof buf, "%d", 2009 + (int)pick(17));
                v = buf;
                break;
            default: v = themes[pick(sizeof themes / sizeof *themes)]; break;
            }
            hy_lib_filter_add(a, f, (enum hy_lib_facet)k, v);
        }
    }
}

static void comparisons(hy_db *db, const hy_libindex *ix, size_t ncases) {
    struct words ws = {calloc(2000, sizeof(char *)), 0};
    CHECK(hy_db_run(db, HY_TX_READ, words_tx, &ws) >= 0, "words");
    CHECK(ws.n > 100, "some words (%zu)", ws.n);
    static const char *const fixed[] = {NULL, "", "food", "بانك غذا", "گروه‌های محله", "گروههای",
                                        "vol", "demo", "۲۰۲۰", "tehran school", "zzzzqq",
                                        "a", "d", "ن", "e x", "the of in",
                                        /* words of the synonym list: several alternatives */
                                        "کرونا", "كرونا food", "covid", "medicine", "خرید غذا",
                                        "داروها", "coronavirus tehran",
                                        /* the long bodies: a hit past the snippet's words */
                                        "farawayword", "lorem dolor", "farawayword food"};
    size_t nfixed = sizeof fixed / sizeof *fixed;
    struct cmp_ctx c = {.ix = ix};
    hy_arena *a = hy_arena_new(0);
    char q[512];
    for (size_t i = 0; i < ncases; i++) {
        if (i < nfixed * 4) {
            c.q = fixed[i % nfixed];
        } else {
            /* One to three words of the documents, each cut to a random prefix. */
            size_t nw = 1 + pick(3), at = 0;
            for (size_t j = 0; j < nw && ws.n; j++) {
                const char *w = ws.w[pick(ws.n)];
                size_t len = strlen(w), cut = pick(3) ? 1 + pick(len) : len;
                while (cut < len && ((unsigned char)w[cut] & 0xC0) == 0x80) cut++; /* UTF-8 */
                at += (size_t)snprintf(q + at, sizeof q - at, "%s%.*s", j ? " " : "", (int)cut, w);
            }
            c.q = q;
        }
        if (i % 5 == 0) {
            memset(&c.f, 0, sizeof c.f);
            c.f.covid = -1;
        } else {
            random_filter(a, &c.f);
        }
        c.sort = (enum hy_lib_sort)pick(3);
        size_t per = pick(4) == 0 ? 1 + pick(100) : 20;
        size_t page = pick(3) == 0 ? pick(40) : 0;
        c.offset = page * per;
        c.limit = per;
        CHECK(hy_db_run(db, HY_TX_READ, compare_tx, &c) >= 0, "compare %zu", i);
    }
    printf("  %zu searches compared (%zu with hits, %zu items)\n", c.compared, c.nonempty,
           c.items);
    CHECK(c.nonempty > c.compared / 3, "enough searches find something");
    hy_arena_free(a);
    for (size_t i = 0; i < ws.n; i++) free(ws.w[i]);
    free(ws.w);
}

/* ---- the version ---- */

static int version_tx(hy_store *s, void *ctx) { return s->ops->library->version(s, ctx); }

static int64_t version_of(hy_db *db) {
    int64_t v = -1;
    CHECK(hy_db_run(db, HY_TX_SINGLE, version_tx, &v) == HY_DB_ONE, "version");
    return v;
}

struct write_ctx {
    int what;
    const char *id;
};

static int write_tx(hy_store *s, void *ctx) {
    struct write_ctx *w = ctx;
    hy_arena *a = hy_arena_new(0);
    int r;
    struct hy_lib_doc d;
    switch (w->what) {
    case 0: /* unpublish */
        r = s->ops->library->doc_set_status(s, w->id, "published", "draft", NOW + 10);
        break;
    case 1: /* publish */
        r = s->ops->library->doc_set_status(s, w->id, "draft", "published", NOW + 20);
        break;
    case 2: /* edit */
        r = s->ops->library->doc_get(s, w->id, a, &d);
        if (r == HY_DB_ONE) {
            d.title = "Zebracrossing volunteers";
            d.updated_at = NOW + 30;
            r = hy_lib_update(s, a, &d, NULL);
        }
        break;
    default: /* insert */
        r = hy_library_demo_doc(a, 99999, NOW, &d) < 0 ? HY_DB_HARD
                                                         : hy_lib_create(s, a, &d, NULL, "demo");
        break;
    }
    hy_arena_free(a);
    return r;
}

static int search_ids(const hy_libindex *ix, const char *query, char *first) {
    hy_arena *a = hy_arena_new(0);
    const char *terms[HY_LIB_MAX_TERMS];
    size_t nt = hy_lib_terms(a, query, terms);
    struct hy_lib_filter f = {.covid = -1};
    struct hy_lib_result res;
    int total = -1;
    if (hy_libindex_search(ix, a, &f, terms, nt, HY_LIB_SORT_RELEVANCE, 0, 5, &res) == 0) {
        total = (int)res.total;
        if (first) snprintf(first, HY_ID_LEN + 1, "%s", res.npage ? res.page[0]->id : "");
    }
    hy_arena_free(a);
    return total;
}

static void versions(hy_db *db, hy_libindex *ix) {
    const char *id = "de000000000000000000000000000002"; /* published, see load_tx */
    int64_t v0 = version_of(db);
    CHECK(v0 == hy_libindex_version(ix), "the index was built at the store's version");
    int64_t prev = v0;
    for (int what = 0; what < 4; what++) {
        struct write_ctx w = {what, id};
        CHECK(hy_db_run(db, HY_TX_WRITE, write_tx, &w) == HY_DB_ONE, "write %d", what);
        int64_t v = version_of(db);
        CHECK(v > prev, "write %d raises the version (%lld → %lld)", what, (long long)prev,
              (long long)v);
        prev = v;
    }
    hy_libindex *now = NULL;
    CHECK(hy_libindex_load(db, ix, NULL, &now) == HY_DB_ONE && now, "rebuild");
    /* The rebuild took over the unchanged documents' texts: all but the edited, the inserted
     * and the republished ones (whose texts are the same, so also taken over). */
    if (now)
        CHECK(hy_libindex_text_reused(now) + 2 >= hy_libindex_docs(now) &&
                  hy_libindex_text_reused(now) < hy_libindex_docs(now),
              "texts taken over: %zu of %zu", hy_libindex_text_reused(now), hy_libindex_docs(now));
    if (!now) return;
    CHECK(hy_libindex_version(now) == version_of(db), "rebuilt at the current version");
    char first[HY_ID_LEN + 1] = "";
    CHECK(search_ids(ix, "zebracrossing", NULL) == 0, "the old index does not know the edit");
    CHECK(search_ids(now, "zebracrossing", first) == 1 && !strcmp(first, id),
          "the new index finds the edited document (%s)", first);
    comparisons(db, now, 150);

    /* The process cache: no index at first; a miss at a newer version starts a build, which
     * then answers at exactly that version. */
    hy_libindex_cache *c = hy_libindex_cache_new(db);
    int64_t v = version_of(db);
    CHECK(hy_libindex_cache_get(c, v, true) == NULL, "an empty cache has no index");
    for (int i = 0; i < 6000 && hy_libindex_cache_builds(c) == 0; i++) usleep(10000);
    CHECK(hy_libindex_cache_builds(c) == 1, "the miss started one build");
    hy_libindex *got = hy_libindex_cache_get(c, v, true);
    CHECK(got && hy_libindex_version(got) == v, "the cache answers at the current version");
    CHECK(hy_libindex_cache_get(c, v - 1, false) == NULL, "never at an older version");
    struct write_ctx w = {0, id};
    CHECK(hy_db_run(db, HY_TX_WRITE, write_tx, &w) == HY_DB_ONE, "unpublish again");
    int64_t v2 = version_of(db);
    CHECK(hy_libindex_cache_get(c, v2, true) == NULL, "a changed library misses");
    for (int i = 0; i < 6000 && hy_libindex_cache_builds(c) < 2; i++) usleep(10000);
    hy_libindex *got2 = hy_libindex_cache_get(c, v2, true);
    CHECK(got2 && search_ids(got2, "zebracrossing", NULL) == 0, "the rebuilt index lost the draft");
    /* The reference held from before the swap stays usable. */
    CHECK(got && search_ids(got, "zebracrossing", NULL) == 1, "an old reference still answers");
    hy_libindex_release(got);
    hy_libindex_release(got2);
    hy_libindex_cache_free(c);
    hy_libindex_release(now);
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "sqlite") && strcmp(argv[1], "postgres"))) {
        fprintf(stderr, "usage: store_libindex sqlite|postgres\n");
        return 2;
    }
    if (!strcmp(argv[1], "postgres") && !getenv("HY_TEST_PG_URL")) {
        fprintf(stderr, "store_libindex postgres: HY_TEST_PG_URL is not set; skipped\n");
        return 77;
    }
    hy_db *db = fresh(argv[1]);
    if (!db) {
        fprintf(stderr, "cannot open a fresh %s store\n", argv[1]);
        return 1;
    }
    size_t ndocs = getenv("HY_LIB_DOCS") ? (size_t)strtoul(getenv("HY_LIB_DOCS"), NULL, 10) : 3000;
    CHECK(hy_db_run(db, HY_TX_WRITE, load_tx, &ndocs) >= 0, "load");
    hy_libindex *ix = NULL;
    CHECK(hy_libindex_load(db, NULL, NULL, &ix) == HY_DB_ONE && ix, "build the index");
    if (ix) {
        printf("  index: %zu documents, %zu words, %zu bytes (texts %zu, deflated from %zu)\n",
               hy_libindex_docs(ix), hy_libindex_words(ix), hy_libindex_bytes(ix),
               hy_libindex_text_bytes(ix), hy_libindex_text_plain(ix));
        CHECK(hy_libindex_docs(ix) > ndocs * 8 / 10 && hy_libindex_docs(ix) < ndocs,
              "the published documents only (%zu)", hy_libindex_docs(ix));
        comparisons(db, ix, 1500);
        versions(db, ix);
        hy_libindex_release(ix);
    }
    hy_db_close(db);
    printf("%s: %s\n", argv[1], failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
