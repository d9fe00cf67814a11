/* store_library.c — the library's store contract on both backends, and their agreement.
 *
 *   store_library sqlite     the contract on a fresh SQLite file
 *   store_library postgres   the contract on a fresh PostgreSQL database (HY_TEST_PG_URL;
 *                            exit 77 = skipped without it), then the agreement test: the same
 *                            10,000 generated documents in both stores give the same totals,
 *                            the same facet counts and the same page sequences for a dozen
 *                            filter combinations and several queries, and it prints the search
 *                            time (p50 over the combinations) of each store.
 * HY_LIB_DOCS overrides the 10,000. */
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/library.h"
#include "cli/cli.h"
#include "domain/library.h"
#include "store/library.h"
#include "store/store.h"

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

/* A fresh store: a temporary SQLite file, or a new database in the PostgreSQL cluster. */
static hy_db *fresh(const char *backend, char *url, size_t n) {
    if (!strcmp(backend, "sqlite")) {
        char dir[] = "/tmp/hy-store-library-XXXXXX";
        if (!mkdtemp(dir)) return NULL;
        snprintf(url, n, "sqlite:%s/t.db", dir);
    } else {
        const char *base = getenv("HY_TEST_PG_URL");
        static int counter;
        char name[64];
        snprintf(name, sizeof name, "hy_lib_%d_%ld_%d", (int)getpid(), (long)time(NULL) % 100000,
                 ++counter);
        PGconn *c = PQconnectdb(base);
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
        PGresult *r = PQexec(c, sql);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        PQfinish(c);
        if (!ok) return NULL;
        /* replace the path of the URL */
        const char *slash = strrchr(base, '/');
        snprintf(url, n, "%.*s/%s", (int)(slash - base), base, name);
    }
    hy_db *db = NULL;
    if (hy_cli_open_store(url, &db, NULL) < 0) return NULL;
    return db;
}

struct load_ctx {
    size_t n;
};

static int load_tx(hy_store *s, void *ctx) {
    return hy_library_demo_docs(s, ((struct load_ctx *)ctx)->n, NOW);
}

/* ---- the contract ---- */

struct contract_ctx {
    int step;
};

static int contract_tx(hy_store *s, void *ctx) {
    (void)ctx;
    const struct hy_library_ops *L = s->ops->library;
    hy_arena *a = hy_arena_new(0);
    struct hy_lib_doc d = {0};
    memcpy(d.id, "0123456789abcdef0123456789abcdef", 33);
    d.type = "faq";
    d.language = "fa";
    d.title = "پرسش دربارهٔ كمك‌رسانی";
    d.summary = "خلاصه";
    d.body_md = "متن **پررنگ** <b>نه</b>";
    d.themes = "health food";
    d.tags = "[\"برچسب\"]";
    d.status = "draft";
    d.origin = "user";
    d.created_at = d.updated_at = d.sort_at = NOW;
    CHECK(hy_lib_create(s, a, &d, NULL, "create") == HY_DB_ONE, "create");
    CHECK(hy_lib_create(s, a, &d, NULL, "create") == HY_DB_NONE, "duplicate id is NONE");
    struct hy_lib_doc got;
    CHECK(L->doc_get(s, d.id, a, &got) == HY_DB_ONE, "get");
    CHECK(!strcmp(got.title, d.title) && !strcmp(got.themes, "health food") && got.year == 0 &&
              got.country == NULL && !strcmp(got.translation_group, d.id),
          "fields round trip");
    CHECK(strstr(got.body_html, "&lt;b&gt;") != NULL, "raw HTML escaped: %s", got.body_html);
    CHECK(L->doc_get(s, "ffffffffffffffffffffffffffffffff", a, &got) == HY_DB_NONE, "get unknown");
    CHECK(L->doc_set_status(s, d.id, "in_review", "published", NOW) == HY_DB_NONE, "wrong from");
    CHECK(L->doc_set_status(s, d.id, "draft", "in_review", NOW + 1) == HY_DB_ONE, "submit");
    CHECK(L->doc_set_status(s, d.id, "in_review", "published", NOW + 2) == HY_DB_ONE, "publish");
    CHECK(L->doc_get(s, d.id, a, &got) == HY_DB_ONE && got.published_at == NOW + 2 &&
              got.sort_at == NOW + 2 && !strcmp(got.status, "published"),
          "published_at set");
    /* Search by an Arabic-letter query finds the Persian-letter text. */
    struct hy_lib_scan q = {.status = "published"};
    q.nterms = hy_lib_terms(a, "كمكرسانی", q.terms);
    struct hy_lib_row *rows;
    size_t n = 0;
    CHECK(L->scan(s, &q, a, &rows, &n) == HY_DB_ONE && n == 1, "scan match (%zu)", n);
    q.nterms = hy_lib_terms(a, "ژژژژ", q.terms);
    CHECK(L->scan(s, &q, a, &rows, &n) == HY_DB_ONE && n == 0, "scan no match (%zu)", n);
    struct hy_lib_revision rv = {.doc_id = d.id, .at = NOW, .action = "edit", .snapshot = "{}"};
    CHECK(L->revision_insert(s, &rv) == HY_DB_ONE, "revision insert");
    struct hy_lib_revision *revs;
    CHECK(L->revision_list(s, d.id, 10, a, &revs) == 2 && !strcmp(revs[0].action, "edit"),
          "revisions newest first");
    struct hy_lib_attachment att = {.filename = "a.png", .content_type = "image/png",
                                    .data = "\x89PNG\r\n\x1a\n\0\1\2", .size = 11, .created_at = NOW};
    memcpy(att.id, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 33);
    memcpy(att.doc_id, d.id, 33);
    CHECK(L->attachment_insert(s, &att) == HY_DB_ONE, "attachment insert");
    struct hy_lib_attachment ga;
    CHECK(L->attachment_get(s, att.id, a, &ga) == HY_DB_ONE && ga.size == 11 &&
              !memcmp(ga.data, att.data, 11),
          "attachment bytes round trip");
    struct hy_lib_org o = {"org", "سازمان", "Org", "asia", "JP", NULL, "", "", "user"};
    CHECK(L->org_put(s, &o) == HY_DB_ONE, "org put");
    struct hy_lib_project p = {"proj", "org", "پروژه", "Project", "", "", NULL, 2020, true, d.id};
    CHECK(L->project_put(s, &p) == HY_DB_ONE, "project put");
    struct hy_lib_project *ps;
    int np = L->project_list(s, a, &ps);
    CHECK(np >= 1, "project list");
    hy_arena_free(a);
    return HY_DB_ONE;
}

/* ---- the agreement of two stores ---- */

struct search_ctx {
    const char *q;
    const char *filters[HY_LIB_F__COUNT];
    int covid;
    enum hy_lib_sort sort;
    size_t offset, limit;
    json_t *out; /* {"total", "ids", "facets"} */
    double ms;
};

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int search_tx(hy_store *s, void *ctx) {
    struct search_ctx *c = ctx;
    hy_arena *a = hy_arena_new(0);
    double t0 = now_ms();
    struct hy_lib_scan q = {.status = "published"};
    q.nterms = hy_lib_terms(a, c->q, q.terms);
    struct hy_lib_filter f = {.covid = c->covid};
    for (int k = 0; k < HY_LIB_F__COUNT; k++)
        if (c->filters[k]) hy_lib_filter_add(a, &f, (enum hy_lib_facet)k, c->filters[k]);
    struct hy_lib_row *rows;
    size_t n;
    int r = s->ops->library->scan(s, &q, a, &rows, &n);
    if (r < 0) {
        hy_arena_free(a);
        return r;
    }
    struct hy_lib_result res;
    hy_lib_search(a, rows, n, &f, q.terms, q.nterms, c->sort, c->offset, c->limit, &res);
    const char *ids[100];
    for (size_t i = 0; i < res.npage; i++) ids[i] = res.page[i]->id;
    struct hy_lib_doc *docs;
    if (res.npage) s->ops->library->doc_get_many(s, ids, res.npage, a, &docs);
    c->ms = now_ms() - t0;
    json_t *idl = json_array(), *facets = json_object();
    for (size_t i = 0; i < res.npage; i++) json_array_append_new(idl, json_string(res.page[i]->id));
    for (int k = 0; k < HY_LIB_F__COUNT; k++) {
        json_t *o = json_object();
        for (size_t i = 0; i < res.nfacets[k]; i++)
            json_object_set_new(o, res.facets[k][i].value, json_integer((json_int_t)res.facets[k][i].count));
        json_object_set_new(facets, hy_lib_facet_names[k], o);
    }
    json_decref(c->out);
    c->out = json_pack("{s:I,s:o,s:o}", "total", (json_int_t)res.total, "ids", idl, "facets", facets);
    hy_arena_free(a);
    return HY_DB_ONE;
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static void agreement(hy_db *sq, hy_db *pg, size_t ndocs) {
    struct {
        const char *q, *type, *country, *level, *year, *stage, *theme;
        int covid;
        enum hy_lib_sort sort;
    } cases[] = {
        {NULL, NULL, NULL, NULL, NULL, NULL, NULL, -1, HY_LIB_SORT_NEWEST},
        {NULL, "case_study", NULL, NULL, NULL, NULL, NULL, -1, HY_LIB_SORT_NEWEST},
        {NULL, "case_study,project", "IR,GB", NULL, NULL, NULL, NULL, -1, HY_LIB_SORT_YEAR},
        {NULL, NULL, NULL, "local", "2020,2021", NULL, NULL, 1, HY_LIB_SORT_NEWEST},
        {NULL, NULL, "JP", NULL, NULL, "implementation,diffusion", "health", -1, HY_LIB_SORT_YEAR},
        {NULL, "toolkit", NULL, "national,regional", NULL, NULL, "open-data,food", 0, HY_LIB_SORT_NEWEST},
        {"food", NULL, NULL, NULL, NULL, NULL, NULL, -1, HY_LIB_SORT_RELEVANCE},
        {"بانك غذا", NULL, NULL, NULL, NULL, NULL, NULL, -1, HY_LIB_SORT_RELEVANCE},
        {"گروه‌های محله", "guide", NULL, NULL, NULL, NULL, NULL, -1, HY_LIB_SORT_RELEVANCE},
        {"گروههای", NULL, "DE,FR,IR", NULL, NULL, NULL, NULL, -1, HY_LIB_SORT_YEAR},
        {"vol", NULL, NULL, NULL, "2015", NULL, NULL, -1, HY_LIB_SORT_RELEVANCE},
        {"demo", NULL, NULL, NULL, NULL, NULL, NULL, -1, HY_LIB_SORT_RELEVANCE},
        {"۲۰۲۰", NULL, NULL, NULL, NULL, NULL, NULL, -1, HY_LIB_SORT_NEWEST},
        {"tehran school", "case_study,faq", NULL, "local", NULL, NULL, NULL, -1, HY_LIB_SORT_RELEVANCE},
    };
    size_t ncases = sizeof cases / sizeof cases[0];
    double tsq[64] = {0}, tpg[64] = {0};
    size_t nt = 0;
    for (size_t i = 0; i < ncases; i++) {
        for (size_t page = 0; page < 3; page++) {
            struct search_ctx a = {.q = cases[i].q, .covid = cases[i].covid,
                                   .sort = cases[i].sort, .offset = page * 50, .limit = 50};
            a.filters[HY_LIB_F_TYPE] = cases[i].type;
            a.filters[HY_LIB_F_COUNTRY] = cases[i].country;
            a.filters[HY_LIB_F_LEVEL] = cases[i].level;
            a.filters[HY_LIB_F_YEAR] = cases[i].year;
            a.filters[HY_LIB_F_STAGE] = cases[i].stage;
            a.filters[HY_LIB_F_THEME] = cases[i].theme;
            struct search_ctx b = a;
            CHECK(hy_db_run(sq, HY_TX_READ, search_tx, &a) >= 0, "sqlite search %zu", i);
            CHECK(hy_db_run(pg, HY_TX_READ, search_tx, &b) >= 0, "postgres search %zu", i);
            CHECK(json_equal(a.out, b.out), "case %zu page %zu differs:\n sqlite   %s\n postgres %s",
                  i, page, json_dumps(a.out, JSON_COMPACT), json_dumps(b.out, JSON_COMPACT));
            if (page == 0) {
                json_int_t total = json_integer_value(json_object_get(a.out, "total"));
                printf("  case %2zu: total %6lld  sqlite %7.2f ms  postgres %7.2f ms\n", i,
                       (long long)total, a.ms, b.ms);
                if (nt < 64) tsq[nt] = a.ms, tpg[nt] = b.ms, nt++;
                if (i == 0) CHECK(total > (json_int_t)(ndocs * 9 / 10), "most documents are published");
            }
            json_decref(a.out);
            json_decref(b.out);
        }
    }
    qsort(tsq, nt, sizeof *tsq, cmp_double);
    qsort(tpg, nt, sizeof *tpg, cmp_double);
    printf("search over %zu documents, p50 of %zu cases (scan + facets + page): sqlite %.2f ms, "
           "postgres %.2f ms\n", ndocs, nt, tsq[nt / 2], tpg[nt / 2]);
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "sqlite") && strcmp(argv[1], "postgres"))) {
        fprintf(stderr, "usage: store_library sqlite|postgres\n");
        return 2;
    }
    bool pg = !strcmp(argv[1], "postgres");
    if (pg && !getenv("HY_TEST_PG_URL")) {
        fprintf(stderr, "store_library postgres: HY_TEST_PG_URL is not set; skipped\n");
        return 77;
    }
    char url[512];
    hy_db *db = fresh(argv[1], url, sizeof url);
    if (!db) {
        fprintf(stderr, "cannot open a fresh %s store\n", argv[1]);
        return 1;
    }
    struct contract_ctx cc = {0};
    CHECK(hy_db_run(db, HY_TX_WRITE, contract_tx, &cc) >= 0, "contract transaction");
    hy_db_close(db);
    if (pg) {
        size_t ndocs = getenv("HY_LIB_DOCS") ? (size_t)strtoul(getenv("HY_LIB_DOCS"), NULL, 10) : 10000;
        char u1[512], u2[512];
        hy_db *a = fresh("sqlite", u1, sizeof u1), *b = fresh("postgres", u2, sizeof u2);
        CHECK(a && b, "fresh stores");
        if (a && b) {
            struct load_ctx lc = {ndocs};
            double t0 = now_ms();
            CHECK(hy_db_run(a, HY_TX_WRITE, load_tx, &lc) >= 0, "load sqlite");
            double t1 = now_ms();
            CHECK(hy_db_run(b, HY_TX_WRITE, load_tx, &lc) >= 0, "load postgres");
            printf("loaded %zu documents: sqlite %.1f s, postgres %.1f s\n", ndocs,
                   (t1 - t0) / 1e3, (now_ms() - t1) / 1e3);
            agreement(a, b, ndocs);
        }
        hy_db_close(a);
        hy_db_close(b);
    }
    printf("%s: %s\n", argv[1], failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
