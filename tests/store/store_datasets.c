/* store_datasets.c — the open-data aggregates read from summaries equal the ones computed from
 * the cells, on random data.
 *
 *   store_datasets sqlite     on a fresh SQLite file
 *   store_datasets postgres   on a fresh PostgreSQL database (HY_TEST_PG_URL; exits 77 when
 *                             unset)
 *
 * Three random datasets (whole numbers, where every sum is exact; decimals; no area column),
 * each with two versions, gaps between days, empty cells, several rows of one area on one day
 * and days with only empty cells. For 300 random periods (before, across and after the data,
 * single days, empty ones), every area and every column: daily() must equal daily_scan() and
 * areas() equal areas_scan() — the same rows, days, counts and latest days; the sums exactly
 * for whole numbers, within 1e-9 of the data's magnitude for decimals (sums in another order
 * round differently). A discarded version leaves no summaries behind.
 *
 * Talks to the stores only through hy_db_open / hy_db_run / the ops tables. */
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/dataset.h"
#include "store/datasets.h"
#include "store/store.h"
#include "util/buf.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            if (failures < 30) {                                                               \
                fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);       \
                fprintf(stderr, __VA_ARGS__);                                                  \
                fputc('\n', stderr);                                                           \
            }                                                                                      \
        }                                                                                          \
    } while (0)

static unsigned long long seed = 0x9e3779b97f4a7c15ull;
static double unit(void) {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (double)(seed >> 11) / (double)(1ull << 53);
}
static int below(int n) { return (int)(unit() * n); }

/* ---- stores ---- */

static char sq_path[64];
static PGconn *maint;
static char pg_name[64];

static hy_db *open_url(const char *url) {
    hy_db *db = NULL;
    char *err = NULL;
    if (hy_db_open(url, &db, &err) < 0) {
        fprintf(stderr, "%s\n", err ? err : "?");
        free(err);
        return NULL;
    }
    hy_store *s = hy_db_conn(db);
    int v;
    if (!s || s->ops->migrate(s, &v) != HY_DB_ONE) return hy_db_close(db);
    return db;
}

static hy_db *open_sqlite(void) {
    snprintf(sq_path, sizeof sq_path, "/tmp/hy-datasets-XXXXXX");
    int fd = mkstemp(sq_path);
    if (fd < 0) return NULL;
    close(fd);
    char url[96];
    snprintf(url, sizeof url, "sqlite:%s", sq_path);
    return open_url(url);
}

static hy_db *open_pg(const char *base) {
    maint = PQconnectdb(base);
    if (PQstatus(maint) != CONNECTION_OK) return NULL;
    snprintf(pg_name, sizeof pg_name, "hy_datasets_%ld", (long)getpid());
    char sql[200];
    snprintf(sql, sizeof sql,
             "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'",
             pg_name);
    PGresult *r = PQexec(maint, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        pg_name[0] = '\0';
        return NULL;
    }
    const char *p = strstr(base, "://");
    if (!p) return NULL;
    p += 3;
    const char *path = p + strcspn(p, "/?");
    const char *query = path + strcspn(path, "?");
    char url[600];
    snprintf(url, sizeof url, "%.*s/%s%s", (int)(path - base), base, pg_name, query);
    return open_url(url);
}

static void cleanup(void) {
    if (sq_path[0]) {
        char side[96];
        unlink(sq_path);
        snprintf(side, sizeof side, "%s-wal", sq_path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", sq_path);
        unlink(side);
    }
    if (maint && pg_name[0]) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", pg_name);
        PQclear(PQexec(maint, sql));
    }
    PQfinish(maint);
}

/* ---- loading random versions ---- */

#define DAY0 18000
#define SPAN 400
#define NCOLS 3

struct load {
    const char *id;
    bool whole, areas;
    int64_t version;
    double magnitude; /* the sum of |value| over the version */
    hy_buf json;
};

static int begin_tx(hy_store *s, void *ctx) {
    struct load *l = ctx;
    struct hy_dataset d = {.title_fa = "آزمون", .title_en = "Test"};
    snprintf(d.id, sizeof d.id, "%s", l->id);
    int r = s->ops->datasets->put(s, &d, 1700000000);
    if (r < 0) return r;
    struct hy_dataset_version v = {.rows = 0,
                                   .columns = "[]",
                                   .date_column = "date",
                                   .area_column = l->areas ? "area" : "",
                                   .min_day = DAY0,
                                   .max_day = DAY0 + SPAN,
                                   .created_at = 1700000000};
    return s->ops->datasets->version_begin(s, l->id, &v, &l->version);
}

static int insert_tx(hy_store *s, void *ctx) {
    struct load *l = ctx;
    return s->ops->datasets->values_insert(s, l->id, l->version, l->json.data);
}

static int commit_tx(hy_store *s, void *ctx) {
    struct load *l = ctx;
    return s->ops->datasets->version_commit(s, l->id, l->version, 1700000001);
}

static int discard_tx(hy_store *s, void *ctx) {
    struct load *l = ctx;
    return s->ops->datasets->version_discard(s, l->id, l->version);
}

static const char *const area_names[] = {"تهران", "Fars", "اصفهان", "Gilan", "کرمان", "Yazd"};

/* Writes a random version of l->id (not committed). */
static bool load_random(hy_db *db, struct load *l) {
    if (hy_db_run(db, HY_TX_WRITE, begin_tx, l) != HY_DB_ONE) return false;
    hy_buf_reset(&l->json);
    hy_buf_putc(&l->json, '[');
    l->magnitude = 0;
    int nareas = l->areas ? 6 : 1;
    long seq = 0;
    for (int day = DAY0; day < DAY0 + SPAN; day++) {
        if (unit() < 0.2) continue; /* a gap */
        for (int a = 0; a < nareas; a++) {
            if (l->areas && unit() < 0.3) continue; /* the area is missing that day */
            int copies = unit() < 0.1 ? 2 : 1;     /* two rows of one area on one day */
            for (int k = 0; k < copies; k++, seq++) {
                bool all_empty = unit() < 0.05;
                for (int c = 0; c < NCOLS; c++) {
                    hy_buf_printf(&l->json, "%s[%ld,%d,\"%s\",%d,", seq || c ? "," : "", seq, day,
                                  l->areas ? area_names[a] : "", c);
                    if (all_empty || unit() < 0.1) {
                        hy_buf_puts(&l->json, "null]");
                        continue;
                    }
                    double v = l->whole ? floor(unit() * 2000) - 300
                                        : round((unit() * 2000 - 300) * 1000) / 1000 + 0.1;
                    l->magnitude += fabs(v);
                    hy_buf_printf(&l->json, "%.17g]", v);
                }
            }
        }
    }
    hy_buf_putc(&l->json, ']');
    return hy_db_run(db, HY_TX_WRITE, insert_tx, l) == HY_DB_ONE;
}

/* ---- comparing ---- */

struct query {
    const char *id;
    int64_t version;
    const char *area;
    int col;
    int32_t from, to;
    bool scan;
    size_t n;
    struct hy_dataset_day *days;
    struct hy_dataset_area *areas;
    hy_arena *a;
};

static int daily_tx(hy_store *s, void *ctx) {
    struct query *q = ctx;
    int r = (q->scan ? s->ops->datasets->daily_scan : s->ops->datasets->daily)(
        s, q->id, q->version, q->area, q->col, q->from, q->to, q->a, &q->days);
    if (r >= 0) q->n = (size_t)r;
    return r < 0 ? r : HY_DB_ONE;
}

static int areas_tx(hy_store *s, void *ctx) {
    struct query *q = ctx;
    int r = (q->scan ? s->ops->datasets->areas_scan : s->ops->datasets->areas)(
        s, q->id, q->version, q->from, q->to, q->a, &q->areas);
    if (r >= 0) q->n = (size_t)r;
    return r < 0 ? r : HY_DB_ONE;
}

static bool same(double x, double y, const struct load *l) {
    if (l->whole) return x == y;
    return fabs(x - y) <= 1e-9 * (l->magnitude > 1 ? l->magnitude : 1);
}

static size_t compared_rows;

static void compare(hy_db *db, const struct load *l, const char *area, int col, int32_t from,
                    int32_t to) {
    hy_arena *a = hy_arena_new(0);
    struct query fast = {l->id, l->version, area, col, from, to, false, 0, NULL, NULL, a};
    struct query slow = fast;
    slow.scan = true;
    CHECK(hy_db_run(db, HY_TX_READ, daily_tx, &fast) == HY_DB_ONE, "daily");
    CHECK(hy_db_run(db, HY_TX_READ, daily_tx, &slow) == HY_DB_ONE, "daily_scan");
    CHECK(fast.n == slow.n, "%s v%ld area %s col %d %d…%d: %zu daily rows, scan %zu", l->id,
          (long)l->version, area ? area : "(all)", col, from, to, fast.n, slow.n);
    for (size_t i = 0; i < fast.n && i < slow.n; i++) {
        const struct hy_dataset_day *f = &fast.days[i], *g = &slow.days[i];
        CHECK(f->day == g->day && f->col == g->col && f->count == g->count,
              "%s day %d/%d col %d/%d count %ld/%ld", l->id, f->day, g->day, f->col, g->col,
              (long)f->count, (long)g->count);
        CHECK(same(f->total, g->total, l) && same(f->avg7, g->avg7, l),
              "%s day %d col %d: total %.17g/%.17g avg7 %.17g/%.17g", l->id, f->day, f->col,
              f->total, g->total, f->avg7, g->avg7);
        compared_rows++;
    }
    if (!area && col < 0) {
        fast.scan = false;
        slow.scan = true;
        CHECK(hy_db_run(db, HY_TX_READ, areas_tx, &fast) == HY_DB_ONE, "areas");
        CHECK(hy_db_run(db, HY_TX_READ, areas_tx, &slow) == HY_DB_ONE, "areas_scan");
        CHECK(fast.n == slow.n, "%s %d…%d: %zu area rows, scan %zu", l->id, from, to, fast.n,
              slow.n);
        for (size_t i = 0; i < fast.n && i < slow.n; i++) {
            const struct hy_dataset_area *f = &fast.areas[i], *g = &slow.areas[i];
            CHECK(!strcmp(f->area, g->area) && f->col == g->col && f->count == g->count &&
                      f->latest_day == g->latest_day,
                  "%s %d…%d: %s/%s col %d/%d count %ld/%ld latest day %d/%d", l->id, from, to,
                  f->area, g->area, f->col, g->col, (long)f->count, (long)g->count,
                  f->latest_day, g->latest_day);
            CHECK(same(f->total, g->total, l) && same(f->latest, g->latest, l),
                  "%s %s col %d %d…%d: total %.17g/%.17g latest %.17g/%.17g", l->id, f->area,
                  f->col, from, to, f->total, g->total, f->latest, g->latest);
            compared_rows++;
        }
    }
    hy_arena_free(a);
}

static void random_periods(hy_db *db, const struct load *l, int n) {
    for (int i = 0; i < n; i++) {
        int32_t from, to;
        switch (i % 5) {
        case 0: from = DAY0 - 50 + below(SPAN + 100); to = from + below(SPAN); break;
        case 1: from = to = DAY0 + below(SPAN); break;          /* one day */
        case 2: from = DAY0 - 100; to = DAY0 + SPAN + 100; break; /* all and more */
        case 3: from = DAY0 - 60; to = DAY0 - 10 + below(20); break; /* before, or its edge */
        default: from = DAY0 + below(SPAN); to = from + below(40); break;
        }
        int col = i % 3 == 0 ? -1 : below(NCOLS);
        const char *area = l->areas && i % 2 ? area_names[below(6)] : NULL;
        if (i % 4 == 1) area = l->areas ? "nowhere" : "";
        compare(db, l, area, col, from, to);
        compare(db, l, NULL, -1, from, to);
    }
}

static int count_tx(hy_store *s, void *ctx) {
    struct query *q = ctx;
    int r = s->ops->datasets->daily(s, q->id, q->version, NULL, -1, DAY0 - 10, DAY0 + SPAN, q->a,
                                    &q->days);
    if (r >= 0) q->n = (size_t)r;
    int r2 = s->ops->datasets->areas(s, q->id, q->version, DAY0 - 10, DAY0 + SPAN, q->a,
                                     &q->areas);
    if (r2 >= 0) q->n += (size_t)r2;
    return r < 0 ? r : r2 < 0 ? r2 : HY_DB_ONE;
}

static void run(hy_db *db) {
    struct load sets[] = {
        {.id = "whole", .whole = true, .areas = true},
        {.id = "decimal", .whole = false, .areas = true},
        {.id = "no-areas", .whole = true, .areas = false},
    };
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
        struct load *l = &sets[k];
        l->json = (hy_buf)HY_BUF_INIT(0);
        for (int v = 0; v < 2; v++) { /* two versions: each read apart from the other */
            CHECK(load_random(db, l), "load %s", l->id);
            CHECK(hy_db_run(db, HY_TX_WRITE, commit_tx, l) == HY_DB_ONE, "commit %s", l->id);
            random_periods(db, l, 100);
        }
        /* A load that fails is discarded with its summaries. */
        CHECK(load_random(db, l), "load %s", l->id);
        hy_arena *a = hy_arena_new(0);
        struct query q = {.id = l->id, .version = l->version, .a = a};
        CHECK(hy_db_run(db, HY_TX_WRITE, discard_tx, l) == HY_DB_ONE, "discard %s", l->id);
        CHECK(hy_db_run(db, HY_TX_READ, count_tx, &q) == HY_DB_ONE && q.n == 0,
              "%s: %zu summary rows of a discarded version", l->id, q.n);
        hy_arena_free(a);
        hy_buf_free(&l->json);
    }
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "sqlite") && strcmp(argv[1], "postgres"))) {
        fprintf(stderr, "usage: %s sqlite|postgres\n", argv[0]);
        return 2;
    }
    bool pg = !strcmp(argv[1], "postgres");
    const char *url = getenv("HY_TEST_PG_URL");
    if (pg && (!url || !*url)) {
        printf("HY_TEST_PG_URL is not set: skipping the PostgreSQL dataset-store tests\n");
        return 77;
    }
    atexit(cleanup);
    hy_db *db = pg ? open_pg(url) : open_sqlite();
    if (!db) {
        fprintf(stderr, "cannot set up the store\n");
        return 1;
    }
    run(db);
    hy_db_close(db);
    printf("store_datasets %s: %s (%zu rows compared, %d failed checks)\n", argv[1],
           failures ? "FAILED" : "ok", compared_rows, failures);
    return failures ? 1 : 0;
}
