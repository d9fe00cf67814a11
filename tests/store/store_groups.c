/* store_groups.c — the group directory's store contract, and SQLite against PostgreSQL.
 *
 *   store_groups sqlite     the contract on a fresh SQLite file
 *   store_groups postgres   the contract on a fresh PostgreSQL database (HY_TEST_PG_URL; exits
 *                           77 when unset), then the same 4,000 generated groups in both stores
 *                           and 600 nearest-group queries (random points, many near longitude
 *                           ±180 and the poles, with and without radius and map boxes) whose
 *                           answers must be identical: same groups, same order, same distances
 *                           and "covers" flags; plus text search and geocoding.
 *
 * On either store, the process's groups index (app/grindex.h) against the store path: 3,000
 * random queries (and the bench's map views) must give the same answer bytes, and the groups
 * version must rise with every change to an approved group (approval, edit, move, deletion,
 * a transaction of several) and only then, with the index following it.
 *
 * Talks to the stores only through hy_db_open / hy_db_run / the ops tables. */
#include <libpq-fe.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "app/grindex.h"
#include "domain/area.h"
#include "domain/geo.h"
#include "domain/group.h"
#include "store/groups.h"
#include "store/store.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

static unsigned long long seed = 88172645463325252ull;
static double unit(void) {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (double)(seed >> 11) / (double)(1ull << 53);
}

/* ---- stores ---- */

static char sq_path[64];
static PGconn *maint;
static char pg_name[64];

static hy_db *open_sqlite(void) {
    snprintf(sq_path, sizeof sq_path, "/tmp/hy-groups-XXXXXX");
    int fd = mkstemp(sq_path);
    if (fd < 0) return NULL;
    close(fd);
    char url[96];
    snprintf(url, sizeof url, "sqlite:%s", sq_path);
    hy_db *db = NULL;
    char *err = NULL;
    if (hy_db_open(url, &db, &err) < 0) {
        fprintf(stderr, "sqlite: %s\n", err ? err : "?");
        free(err);
        return NULL;
    }
    return db;
}

static hy_db *open_pg(const char *base) {
    maint = PQconnectdb(base);
    if (PQstatus(maint) != CONNECTION_OK) {
        fprintf(stderr, "cannot connect to HY_TEST_PG_URL: %s", PQerrorMessage(maint));
        return NULL;
    }
    snprintf(pg_name, sizeof pg_name, "hy_groups_%ld", (long)getpid());
    char sql[200];
    snprintf(sql, sizeof sql,
             "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'",
             pg_name);
    PGresult *r = PQexec(maint, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(maint));
        pg_name[0] = '\0';
        return NULL;
    }
    /* The base URI with our database name in place of its own. */
    const char *p = strstr(base, "://");
    if (!p) return NULL;
    p += 3;
    const char *path = p + strcspn(p, "/?");
    const char *query = path + strcspn(path, "?");
    char url[600];
    snprintf(url, sizeof url, "%.*s/%s%s", (int)(path - base), base, pg_name, query);
    hy_db *db = NULL;
    char *err = NULL;
    if (hy_db_open(url, &db, &err) < 0) {
        fprintf(stderr, "postgres: %s\n", err ? err : "?");
        free(err);
        return NULL;
    }
    return db;
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

static bool migrate(hy_db *db) {
    hy_store *s = hy_db_conn(db);
    int v;
    return s && s->ops->migrate(s, &v) == HY_DB_ONE;
}

/* ---- the data ---- */

#define NGROUPS 4000
static struct hy_group groups[NGROUPS];
static hy_arena *data_arena;

static void make_groups(void) {
    data_arena = hy_arena_new(0);
    static const double centres[][2] = {{35.7, 51.4}, {51.5, -0.12}, {-17, 179.95}, {-17, -179.95},
                                        {89.7, 0},    {-89.6, 120},  {0, 0},        {64, -179.99}};
    for (int i = 0; i < NGROUPS; i++) {
        struct hy_group *g = &groups[i];
        memset(g, 0, sizeof *g);
        snprintf(g->id, sizeof g->id, "%032x", (unsigned)(i * 2654435761u));
        if (i % 5 == 0) {
            g->lat = unit() * 180 - 90;
            g->lon = unit() * 360 - 180;
        } else {
            const double *c = centres[i % 8];
            g->lat = c[0] + (unit() - 0.5) * 0.6;
            g->lon = c[1] + (unit() - 0.5) * 0.6;
            if (g->lat > 90) g->lat = 180 - g->lat;
            if (g->lat < -90) g->lat = -180 - g->lat;
            if (g->lon > 180) g->lon -= 360;
            if (g->lon < -180) g->lon += 360;
        }
        if (i % 97 == 1 && i > 1) { /* same place as another: ties ordered by id */
            g->lat = groups[i - 1].lat;
            g->lon = groups[i - 1].lon;
        }
        g->name = hy_arena_printf(data_arena, "Group %d %s", i, i % 3 ? "food" : "medicine");
        g->description = i % 2 ? "گروه همیاری محله" : "Mutual aid";
        g->area_kind = "none";
        if (i % 7 == 0) {
            g->area_kind = "radius";
            g->radius_m = 2000 + (i % 11) * 3000;
            hy_cap_bbox(g->lat, g->lon, g->radius_m, &g->area_box);
        } else if (i % 7 == 3 && fabs(g->lat) < 80 && fabs(g->lon) < 179) {
            double d = 0.05 + (i % 5) * 0.02;
            g->area =
                hy_arena_printf(data_arena,
                                "{\"type\":\"Polygon\",\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],"
                                "[%.6f,%.6f],[%.6f,%.6f]]]}",
                                g->lon - d, g->lat - d, g->lon + d, g->lat - d, g->lon, g->lat + d,
                                g->lon - d, g->lat - d);
            json_t *j = json_loads(g->area, 0, NULL);
            struct hy_polygon p;
            const char *problem;
            if (j && hy_polygon_parse(j, data_arena, &p, &g->area_box, &problem))
                g->area_kind = "polygon";
            json_decref(j);
        }
        g->contact = "{}";
        g->languages = "[\"en\"]";
        g->tags = i % 3 ? "[\"food\"]" : "[\"medicine\"]";
        g->status = i % 13 == 5 ? "pending" : "approved";
        g->verified = i % 4 == 0;
        char all[300];
        snprintf(all, sizeof all, "%s %s %s", g->name, g->description, i % 3 ? "food" : "medicine");
        g->search_text = hy_search_text(data_arena, all);
        g->name_norm = hy_search_text(data_arena, g->name);
        g->created_at = g->updated_at = 1700000000 + i;
    }
}

struct load_ctx {
    int from, to;
};

static int load_tx(hy_store *s, void *ctx) {
    struct load_ctx *c = ctx;
    return s->ops->groups->insert_many(s, groups + c->from, (size_t)(c->to - c->from));
}

static bool load(hy_db *db) {
    struct load_ctx c = {0, NGROUPS};
    return hy_db_run(db, HY_TX_WRITE, load_tx, &c) == HY_DB_ONE;
}

/* ---- queries ---- */

struct near_ctx {
    struct hy_group_near q;
    hy_arena *a;
    struct hy_group *g;
    int n;
};

static int near_tx(hy_store *s, void *ctx) {
    struct near_ctx *c = ctx;
    c->n = s->ops->groups->near(s, &c->q, c->a, &c->g);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

static int run_near(hy_db *db, const struct hy_group_near *q, hy_arena *a, struct hy_group **ret) {
    struct near_ctx c = {.q = *q, .a = a};
    int r = hy_db_run(db, HY_TX_READ, near_tx, &c);
    if (r < 0) return r;
    *ret = c.g;
    return c.n;
}

/* The right answer, by brute force over the generated groups. */
static int brute_near(const struct hy_group_near *q, char (*ids)[HY_ID_LEN + 1]) {
    struct item {
        int i;
        double d;
        bool covers;
    } *v = calloc(NGROUPS, sizeof *v);
    int n = 0;
    for (int i = 0; i < NGROUPS; i++) {
        const struct hy_group *g = &groups[i];
        if (strcmp(g->status, "approved")) continue;
        if (q->has_box && !hy_bbox_has(&q->box, g->lat, g->lon)) continue;
        double d = hy_geo_distance_m(q->lat, q->lon, g->lat, g->lon);
        bool covers =
            hy_area_covers(g->area_kind, g->radius_m, g->area, g->lat, g->lon, q->lat, q->lon);
        double reach = q->radius_m > 0 ? q->radius_m : 1e12;
        if (q->has_box) {
            double br = hy_bbox_reach_m(&q->box, q->lat, q->lon);
            if (br < reach) reach = br;
        }
        if (d > reach && !covers) continue;
        v[n++] = (struct item){i, d, covers};
    }
    /* Covering groups first, then the nearest; the nearest `limit` by distance only compete
     * with each other, so sort (covers, d, id). */
    for (int a = 1; a < n; a++)
        for (int b = a; b > 0; b--) {
            struct item *x = &v[b - 1], *y = &v[b];
            int cmp = x->covers != y->covers ? (x->covers ? -1 : 1)
                      : x->d != y->d         ? (x->d < y->d ? -1 : 1)
                                             : strcmp(groups[x->i].id, groups[y->i].id);
            if (cmp <= 0) break;
            struct item t = *x;
            *x = *y;
            *y = t;
        }
    int k = n < (int)q->limit ? n : (int)q->limit;
    for (int i = 0; i < k; i++)
        memcpy(ids[i], groups[v[i].i].id, HY_ID_LEN + 1);
    free(v);
    return k;
}

static void random_query(struct hy_group_near *q, int i) {
    memset(q, 0, sizeof *q);
    static const double spots[][2] = {{-17, 180}, {-17, -180},  {89.9, 0},
                                      {-89.9, 0}, {35.7, 51.4}, {64, 179.99}};
    if (i % 3 == 0) {
        q->lat = unit() * 180 - 90;
        q->lon = unit() * 360 - 180;
    } else {
        const double *s = spots[i % 6];
        q->lat = s[0] + (unit() - 0.5) * 0.4;
        q->lon = s[1] + (unit() - 0.5) * 0.4;
        if (q->lat > 90) q->lat = 90;
        if (q->lat < -90) q->lat = -90;
        if (q->lon > 180) q->lon -= 360;
        if (q->lon < -180) q->lon += 360;
    }
    q->limit = 1 + (size_t)(unit() * 40);
    if (i % 4 == 1) q->radius_m = 1000 + unit() * 50000;
    if (i % 5 == 2) {
        double w = 0.5 + unit() * 20, h = 0.5 + unit() * 10;
        q->has_box = true;
        q->box.min_lat = fmax(-90, q->lat - h / 2);
        q->box.max_lat = fmin(90, q->lat + h / 2);
        q->box.min_lon = q->lon - w / 2;
        q->box.max_lon = q->lon + w / 2;
        if (q->box.min_lon < -180) q->box.min_lon += 360; /* wraps: min > max */
        if (q->box.max_lon > 180) q->box.max_lon -= 360;
    }
}

/* Contract on one store (and, given `other`, identical answers on both). */
static void check_near(hy_db *db, hy_db *other, int nqueries) {
    for (int i = 0; i < nqueries; i++) {
        struct hy_group_near q;
        random_query(&q, i);
        hy_arena *a = hy_arena_new(0);
        struct hy_group *g = NULL, *h = NULL;
        int n = run_near(db, &q, a, &g);
        CHECK(n >= 0, "query %d failed", i);
        if (n < 0) {
            hy_arena_free(a);
            continue;
        }
        char(*want)[HY_ID_LEN + 1] = calloc(q.limit + 1, sizeof *want);
        int k = brute_near(&q, want);
        CHECK(n == k, "query %d (%f,%f limit %zu radius %f box %d): %d groups, brute force %d", i,
              q.lat, q.lon, q.limit, q.radius_m, q.has_box, n, k);
        for (int j = 0; j < n && j < k; j++) {
            CHECK(!strcmp(g[j].id, want[j]), "query %d (%f,%f) #%d: %s, brute force %s", i, q.lat,
                  q.lon, j, g[j].id, want[j]);
            CHECK(fabs(g[j].distance_m - hy_geo_distance_m(q.lat, q.lon, g[j].lat, g[j].lon)) <
                      1e-6,
                  "query %d: distance", i);
        }
        if (other) {
            int m = run_near(other, &q, a, &h);
            CHECK(m == n, "query %d: sqlite %d groups, postgres %d", i, n, m);
            for (int j = 0; j < n && j < m; j++) {
                CHECK(!strcmp(g[j].id, h[j].id), "query %d #%d: sqlite %s postgres %s", i, j,
                      g[j].id, h[j].id);
                CHECK(llround(g[j].distance_m) == llround(h[j].distance_m),
                      "query %d #%d: distances", i, j);
                CHECK(g[j].covers == h[j].covers, "query %d #%d: covers", i, j);
            }
        }
        free(want);
        hy_arena_free(a);
    }
}

struct search_ctx {
    const char *text;
    hy_arena *a;
    struct hy_group *g;
    size_t total;
    int n;
};

static int search_tx(hy_store *s, void *ctx) {
    struct search_ctx *c = ctx;
    size_t nt;
    const char **t = hy_search_tokens(c->a, hy_search_text(c->a, c->text), 8, &nt);
    c->n = s->ops->groups->search(s, t, nt, 50, 0, c->a, &c->g, &c->total);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

static void check_search(hy_db *db, hy_db *other) {
    static const char *const qs[] = {"food", "medi",       "group 12", "همياري",
                                     "محله", "mutual aid", "zzz"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        struct search_ctx c = {.text = qs[i], .a = hy_arena_new(0)};
        CHECK(hy_db_run(db, HY_TX_READ, search_tx, &c) == HY_DB_ONE, "search %s", qs[i]);
        size_t want = 0;
        size_t nt;
        const char **t = hy_search_tokens(c.a, hy_search_text(c.a, qs[i]), 8, &nt);
        for (int k = 0; k < NGROUPS; k++) {
            if (strcmp(groups[k].status, "approved")) continue;
            bool all = true;
            for (size_t w = 0; w < nt && all; w++) {
                char pat[80];
                snprintf(pat, sizeof pat, " %s", t[w]);
                char hay[400];
                snprintf(hay, sizeof hay, " %s", groups[k].search_text);
                all = strstr(hay, pat) != NULL;
            }
            want += all;
        }
        CHECK(c.total == want, "search %s: total %zu, expected %zu", qs[i], c.total, want);
        for (int k = 1; k < c.n; k++)
            CHECK(strcmp(c.g[k - 1].name_norm, c.g[k].name_norm) <= 0, "search %s: order", qs[i]);
        if (other) {
            struct search_ctx d = {.text = qs[i], .a = c.a};
            CHECK(hy_db_run(other, HY_TX_READ, search_tx, &d) == HY_DB_ONE, "search %s", qs[i]);
            CHECK(d.total == c.total && d.n == c.n, "search %s: sqlite %zu/%d, postgres %zu/%d",
                  qs[i], c.total, c.n, d.total, d.n);
            for (int k = 0; k < c.n && k < d.n; k++)
                CHECK(!strcmp(c.g[k].id, d.g[k].id), "search %s #%d differs", qs[i], k);
        }
        hy_arena_free(c.a);
    }
}

/* ---- owners, coordinators, status, gazetteer ---- */

static int contract_tx(hy_store *s, void *ctx) {
    (void)ctx;
    const struct hy_group_ops *o = s->ops->groups;
    struct hy_user u = {.email = "o@example.org",
                        .name = "o",
                        .role = "volunteer",
                        .status = "approved",
                        .language = "en"};
    memcpy(u.id, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", HY_ID_LEN + 1);
    CHECK(s->ops->user_insert(s, &u, NULL) == HY_DB_ONE, "user");
    const char *gid = groups[5].id; /* pending */
    CHECK(o->is_owner(s, gid, u.id) == HY_DB_NONE, "not owner yet");
    CHECK(o->owner_add(s, gid, u.id) == HY_DB_ONE, "owner_add");
    CHECK(o->is_owner(s, gid, u.id) == HY_DB_ONE, "is_owner");
    CHECK(o->coordinator_add(s, gid, u.id) == HY_DB_ONE, "coordinator_add");
    CHECK(o->coordinator_add(s, gid, u.id) == HY_DB_NONE, "coordinator_add twice");
    CHECK(o->is_coordinator(s, gid, u.id) == HY_DB_ONE, "is_coordinator");
    CHECK(o->coordinator_remove(s, gid, u.id) == HY_DB_ONE, "coordinator_remove");
    CHECK(o->is_coordinator(s, gid, u.id) == HY_DB_NONE, "no longer");
    CHECK(o->insert(s, &groups[0]) == HY_DB_NONE, "duplicate id");
    hy_arena *a = hy_arena_new(0);
    struct hy_group g;
    CHECK(o->get(s, gid, a, &g) == HY_DB_ONE && !strcmp(g.status, "pending"), "get pending");
    CHECK(o->get(s, "ffffffffffffffffffffffffffffffff", a, &g) == HY_DB_NONE, "get unknown");
    size_t n;
    CHECK(o->count(s, "pending", &n) == HY_DB_ONE, "count");
    /* Pending changes: one per group, the last put wins, listed oldest first. */
    struct hy_group_change ch = {.input = "{\"name\":\"A\"}", .submitted_by = u.id,
                                 .submitted_at = 100};
    memcpy(ch.group_id, groups[1].id, HY_ID_LEN + 1);
    CHECK(o->change_put(s, &ch) == HY_DB_ONE, "change_put");
    ch.input = "{\"name\":\"B\"}";
    ch.submitted_at = 300;
    CHECK(o->change_put(s, &ch) == HY_DB_ONE, "change_put again");
    memcpy(ch.group_id, groups[2].id, HY_ID_LEN + 1);
    ch.submitted_by = NULL;
    ch.submitted_at = 200;
    CHECK(o->change_put(s, &ch) == HY_DB_ONE, "change_put another");
    struct hy_group_change got, *list;
    CHECK(o->change_get(s, groups[1].id, a, &got) == HY_DB_ONE && !strcmp(got.input, "{\"name\":\"B\"}") &&
              got.submitted_at == 300 && got.submitted_by && !strcmp(got.submitted_by, u.id),
          "change_get: the last put");
    size_t total = 0;
    int m = o->change_list(s, 10, 0, a, &list, &total);
    CHECK(m == 2 && total == 2 && !strcmp(list[0].group_id, groups[2].id) && !list[0].submitted_by &&
              !strcmp(list[1].group_id, groups[1].id),
          "change_list oldest first (%d)", m);
    m = o->change_list(s, 1, 1, a, &list, &total);
    CHECK(m == 1 && total == 2 && !strcmp(list[0].group_id, groups[1].id), "change_list paged");
    CHECK(o->change_delete(s, groups[1].id) == HY_DB_ONE, "change_delete");
    CHECK(o->change_delete(s, groups[1].id) == HY_DB_NONE, "change_delete twice");
    CHECK(o->change_get(s, groups[1].id, a, &got) == HY_DB_NONE, "change gone");
    struct hy_place p[3] = {
        {.geonameid = 112931,
         .name = "Tehran",
         .ascii_name = "Tehran",
         .country = "IR",
         .admin1 = "26",
         .lat = 35.69439,
         .lon = 51.42151,
         .population = 7153309,
         .names = (const char *const[]){"tehran", "تهران", "teheran"},
         .nnames = 3},
        {.geonameid = 418446,
         .name = "Tiran",
         .ascii_name = "Tiran",
         .country = "IR",
         .admin1 = "28",
         .lat = 32.70,
         .lon = 51.15,
         .population = 0,
         .names = (const char *const[]){"tiran", "tehran"},
         .nnames = 2},
        {.geonameid = 6173331,
         .name = "Vancouver",
         .ascii_name = "Vancouver",
         .country = "CA",
         .admin1 = "02",
         .lat = 49.24966,
         .lon = -123.11934,
         .population = 600000,
         .names = (const char *const[]){"vancouver", "ونکوور"},
         .nnames = 2},
    };
    CHECK(o->places_clear(s, false) == HY_DB_ONE, "places_clear");
    bool any = true;
    CHECK(o->places_any(s, &any) == HY_DB_ONE && !any, "places_any on an empty gazetteer");
    CHECK(o->place_insert_many(s, p, 3) == HY_DB_ONE, "place_insert_many");
    CHECK(o->places_any(s, &any) == HY_DB_ONE && any, "places_any with three places");
    const char *keys[] = {"SW1A1AA", "SW1A2AA", "SW1A1AA"},
               *shown[] = {"SW1A 1AA", "SW1A 2AA", "SW1A 1AA"};
    double lat[] = {51.5, 51.6, 51.501}, lon[] = {-0.14, -0.12, -0.1416};
    CHECK(o->postcode_upsert_many(s, keys, shown, NULL, lat, lon, 3) == HY_DB_ONE, "postcodes");
    struct hy_place *r;
    struct hy_geocode_query q = {.prefix = "tehran", .country = "IR", .limit = 5};
    int k = o->geocode(s, &q, a, &r);
    CHECK(k == 2 && r[0].geonameid == 112931 && r[0].exact && r[1].exact && r[0].local,
          "geocode order by population (%d)", k);
    q.prefix = "تهر";
    k = o->geocode(s, &q, a, &r);
    CHECK(k == 1 && r[0].geonameid == 112931 && !r[0].exact, "geocode prefix");
    /* A partial word never reaches a city outside the region or far from the hint. */
    q.prefix = "ونک";
    k = o->geocode(s, &q, a, &r);
    CHECK(k == 0, "geocode: a partial name stays in the region (%d)", k);
    q = (struct hy_geocode_query){.prefix = "ونک", .limit = 5, .has_near = true,
                                  .near_lat = 35.7, .near_lon = 51.4};
    k = o->geocode(s, &q, a, &r);
    CHECK(k == 0, "geocode: a partial name stays near the hint (%d)", k);
    q.near_lat = 49.3;
    q.near_lon = -123.1;
    k = o->geocode(s, &q, a, &r);
    CHECK(k == 1 && r[0].geonameid == 6173331 && r[0].local, "geocode: near the hint (%d)", k);
    q = (struct hy_geocode_query){.prefix = "vancouver", .country = "IR", .limit = 5};
    k = o->geocode(s, &q, a, &r);
    CHECK(k == 1 && r[0].exact && !r[0].local, "geocode: a whole name anywhere (%d)", k);
    q = (struct hy_geocode_query){.prefix = "sw1a", .postcode_key = "SW1A", .limit = 5};
    k = o->geocode(s, &q, a, &r);
    CHECK(k == 2 && !strcmp(r[0].kind, "postcode") && !strcmp(r[0].name, "SW1A 1AA") &&
              fabs(r[0].lat - 51.501) < 1e-9,
          "geocode postcodes (%d), the last upsert wins", k);
    hy_arena_free(a);
    return HY_DB_ABORT; /* leave nothing behind */
}

/* ---- the process's groups index (app/grindex.h) ---- */

/* The store path's answer bytes, as the API writes them. */
static int store_answer(hy_db *db, const struct hy_group_near *q, hy_buf *b) {
    hy_arena *a = hy_arena_new(0);
    struct hy_group *g = NULL;
    int n = run_near(db, q, a, &g);
    for (int i = 0; i < n; i++) {
        if (i) hy_buf_putc(b, ',');
        hy_group_json_write(b, &g[i], true);
    }
    hy_arena_free(a);
    return n;
}

/* The index's and the store's answers to q, compared byte for byte; true when they agree. */
static bool same_answer(hy_db *db, const hy_grindex *ix, const struct hy_group_near *q,
                        int *ret_n, bool *ret_covers) {
    hy_buf x = HY_BUF_INIT(0), y = HY_BUF_INIT(0);
    int n = store_answer(db, q, &x);
    size_t m = 0;
    int r = hy_grindex_near_write(ix, q, &y, &m);
    bool same = n >= 0 && r == 0 && (size_t)n == m && x.len == y.len &&
                (x.len == 0 || !memcmp(x.data, y.data, x.len)) && !x.err && !y.err;
    if (!same)
        fprintf(stderr, "store: %d groups %.*s\nindex: %zu groups (%d) %.*s\n", n,
                (int)(x.len > 600 ? 600 : x.len), x.data ? x.data : "", m, r,
                (int)(y.len > 600 ? 600 : y.len), y.data ? y.data : "");
    if (ret_n) *ret_n = n;
    if (ret_covers) *ret_covers = x.data && strstr(x.data, "\"covers\":true");
    hy_buf_free(&x);
    hy_buf_free(&y);
    return same;
}

static int version_tx(hy_store *s, void *ctx) {
    int r = s->ops->groups->version(s, ctx);
    return r < 0 ? r : HY_DB_ONE;
}

static int64_t version_of(hy_db *db) {
    int64_t v = -1;
    CHECK(hy_db_run(db, HY_TX_SINGLE, version_tx, &v) == HY_DB_ONE, "version");
    return v;
}

static void check_grindex(hy_db *db, int nqueries) {
    hy_grindex *ix = NULL;
    CHECK(hy_grindex_load(db, hy_group_json_write, NULL, &ix) == HY_DB_ONE, "load");
    if (!ix) return;
    CHECK(hy_grindex_version(ix) == version_of(db), "the index's version");
    size_t approved = 0;
    for (int i = 0; i < NGROUPS; i++) approved += !strcmp(groups[i].status, "approved");
    CHECK(hy_grindex_groups(ix) == approved, "%zu groups, %zu approved", hy_grindex_groups(ix),
          approved);
    int answered = 0, covering = 0, full = 0;
    for (int i = 0; i < nqueries; i++) {
        struct hy_group_near q;
        random_query(&q, i);
        if (i % 10 == 7) q.limit = 100 + (size_t)(unit() * 400); /* map views, up to 500 */
        int n = 0;
        bool covers = false;
        CHECK(same_answer(db, ix, &q, &n, &covers),
              "query %d (%.17g,%.17g limit %zu radius %.17g box %d %.17g %.17g %.17g %.17g)", i,
              q.lat, q.lon, q.limit, q.radius_m, q.has_box, q.box.min_lat, q.box.min_lon,
              q.box.max_lat, q.box.max_lon);
        answered += n > 0;
        covering += covers;
        full += n == (int)q.limit;
    }
    /* The queries reach every case: answers, covering groups, answers cut at the limit. */
    CHECK(answered > nqueries / 2 && covering > nqueries / 50 && full > nqueries / 4,
          "%d answered, %d with a covering group, %d full", answered, covering, full);
    /* Ties: exact duplicates (every 97th group) asked at their very position. */
    for (int i = 98; i < NGROUPS; i += 97) {
        struct hy_group_near q = {.lat = groups[i].lat, .lon = groups[i].lon, .limit = 3};
        CHECK(same_answer(db, ix, &q, NULL, NULL), "tie at group %d", i);
    }
    hy_grindex_release(ix);
}

/* A write to the groups: status change, move, deletion or insertion of one group, or several
 * in one transaction. */
struct write_ctx {
    const char *op; /* "status", "move", "remove", "insert", "two" */
    const struct hy_group *g;
    const char *status;
};

static int write_tx(hy_store *s, void *ctx) {
    const struct write_ctx *c = ctx;
    const struct hy_group_ops *o = s->ops->groups;
    int r = HY_DB_HARD;
    if (!strcmp(c->op, "status")) r = o->set_status(s, c->g->id, c->status, false, 1800000000);
    if (!strcmp(c->op, "move") || !strcmp(c->op, "edit")) r = o->update(s, c->g);
    if (!strcmp(c->op, "remove")) r = o->remove(s, c->g->id);
    if (!strcmp(c->op, "insert")) r = o->insert(s, c->g);
    if (!strcmp(c->op, "two")) {
        r = o->set_status(s, c->g[0].id, "pending", false, 1800000000);
        if (r >= 0) r = o->set_status(s, c->g[1].id, "pending", false, 1800000000);
    }
    return r < 0 ? r : HY_DB_ONE;
}

/* Runs a write; checks whether the version rose (raises: it must; else it must not), and that
 * an index loaded afterwards is at the new version and answers at `near` as the store does. */
static void check_write(hy_db *db, hy_grindex_cache *cache, struct write_ctx w, bool raises,
                        const struct hy_group *near) {
    int64_t before = version_of(db);
    CHECK(hy_db_run(db, HY_TX_WRITE, write_tx, &w) == HY_DB_ONE, "write %s", w.op);
    int64_t after = version_of(db);
    CHECK(raises ? after > before : after == before, "%s: version %lld → %lld", w.op,
          (long long)before, (long long)after);
    /* The process's cache: the index of before no longer answers at the new version. */
    hy_grindex *old = hy_grindex_cache_get(cache, after, true);
    CHECK(!raises || !old, "%s: the old index answers at the new version", w.op);
    hy_grindex_release(old);
    hy_grindex *ix = NULL;
    CHECK(hy_grindex_load(db, hy_group_json_write, NULL, &ix) == HY_DB_ONE, "load");
    if (!ix) return;
    CHECK(hy_grindex_version(ix) == after, "%s: index at %lld, store at %lld", w.op,
          (long long)hy_grindex_version(ix), (long long)after);
    struct hy_group_near q = {.lat = near->lat, .lon = near->lon, .limit = 5};
    CHECK(same_answer(db, ix, &q, NULL, NULL), "%s: answer", w.op);
    hy_grindex_release(ix);
}

/* Waits (bounded) until the cache has finished `builds` builds; true when it has. */
static bool wait_builds(hy_grindex_cache *c, uint64_t builds) {
    for (int i = 0; i < 600000 && hy_grindex_cache_builds(c) < builds; i++) {
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
    }
    return hy_grindex_cache_builds(c) >= builds;
}

/* Shared version reads: readers on several threads while a writer raises the version; each
 * read must see at least the version committed before it was asked for. */
struct reader {
    hy_db *db;
    hy_grindex_cache *cache;
    _Atomic int64_t *committed;
    int stale, failed;
};

static void *reader_main(void *arg) {
    struct reader *r = arg;
    for (int i = 0; i < 200; i++) {
        int64_t floor = atomic_load(r->committed), v = -1;
        if (hy_grindex_cache_version(r->cache, r->db, &v) != HY_DB_ONE) r->failed++;
        else if (v < floor) r->stale++;
    }
    hy_db_release(r->db);
    return NULL;
}

static void check_shared_reads(hy_db *db, hy_grindex_cache *cache) {
    static _Atomic int64_t committed;
    atomic_store(&committed, version_of(db));
    struct reader rd[6];
    pthread_t th[6];
    for (int i = 0; i < 6; i++) {
        rd[i] = (struct reader){.db = db, .cache = cache, .committed = &committed};
        CHECK(pthread_create(&th[i], NULL, reader_main, &rd[i]) == 0, "thread");
    }
    struct hy_group g = groups[10];
    for (int i = 0; i < 40; i++) {
        g.updated_at++;
        CHECK(hy_db_run(db, HY_TX_WRITE, write_tx, &(struct write_ctx){"edit", &g, NULL}) ==
                  HY_DB_ONE,
              "write");
        atomic_store(&committed, version_of(db));
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        CHECK(!rd[i].stale && !rd[i].failed, "reader %d: %d stale, %d failed", i, rd[i].stale,
              rd[i].failed);
    }
}

static void check_group_versions(hy_db *db) {
    hy_grindex_cache *cache = hy_grindex_cache_new(db, hy_group_json_write);
    hy_grindex_cache_refresh(cache);
    CHECK(wait_builds(cache, 1), "first build");
    int64_t v0 = version_of(db);
    hy_grindex *ix = hy_grindex_cache_get(cache, v0, true);
    CHECK(ix && hy_grindex_version(ix) == v0, "the cache answers at the store's version");
    hy_grindex_release(ix);
    CHECK(!hy_grindex_cache_get(cache, v0 - 1, false), "an older version (a lagging replica)");

    int pending = 5, approved = 0; /* groups[5] is pending (i % 13 == 5) */
    static struct hy_group moved, fresh, edited;
    moved = groups[approved];
    moved.lat = fmod(moved.lat + 1.5, 90.0);
    moved.updated_at++;
    edited = groups[pending];
    edited.name = "A pending group, renamed";
    fresh = groups[1];
    snprintf(fresh.id, sizeof fresh.id, "%032x", 0xfeedu);
    fresh.status = "pending";
    check_write(db, cache, (struct write_ctx){"edit", &edited, NULL}, false, &groups[pending]);
    check_write(db, cache, (struct write_ctx){"insert", &fresh, NULL}, false, &fresh);
    check_write(db, cache, (struct write_ctx){"status", &groups[pending], "approved"}, true,
                &groups[pending]);
    check_write(db, cache, (struct write_ctx){"move", &moved, NULL}, true, &moved);
    check_write(db, cache, (struct write_ctx){"status", &groups[pending], "pending"}, true,
                &groups[pending]);
    check_write(db, cache, (struct write_ctx){"remove", &groups[pending], NULL}, false,
                &groups[pending]);
    check_write(db, cache, (struct write_ctx){"remove", &groups[approved], NULL}, true,
                &groups[approved]);
    check_write(db, cache, (struct write_ctx){"two", &groups[7], NULL}, true, &groups[7]);
    fresh.status = "approved";
    snprintf(fresh.id, sizeof fresh.id, "%032x", 0xbeefu);
    check_write(db, cache, (struct write_ctx){"insert", &fresh, NULL}, true, &fresh);

    check_shared_reads(db, cache);

    /* The cache catches up: check_write's misses started builds that may still run, and the
     * last of them may have read the store after the last write above — so the cache either
     * answers at the new version already or ends there within the builds those misses and this
     * one asked for. What it hands out is never older. */
    int64_t v = version_of(db), shared = -1;
    CHECK(hy_grindex_cache_version(cache, db, &shared) == HY_DB_ONE && shared == v,
          "shared read %lld, store %lld", (long long)shared, (long long)v);
    uint64_t builds = hy_grindex_cache_builds(cache);
    ix = hy_grindex_cache_get(cache, v, true);
    for (int round = 0; round < 3 && !ix; round++) {
        CHECK(wait_builds(cache, builds + 1), "catching up");
        builds = hy_grindex_cache_builds(cache);
        ix = hy_grindex_cache_get(cache, v, true);
    }
    CHECK(ix && hy_grindex_version(ix) == v, "the cache caught up with the version");
    hy_grindex_release(ix);

    /* Now no build runs and none is wanted: a write, then a miss at its version starts one
     * build, which reads after the write and so ends at it. */
    struct hy_group g = groups[10];
    g.updated_at += 1000;
    CHECK(hy_db_run(db, HY_TX_WRITE, write_tx, &(struct write_ctx){"edit", &g, NULL}) ==
              HY_DB_ONE,
          "write");
    int64_t before = v;
    v = version_of(db);
    CHECK(v > before, "an approved group's edit raises the version");
    builds = hy_grindex_cache_builds(cache);
    CHECK(!hy_grindex_cache_get(cache, v, true), "the old index answers at the new version");
    CHECK(wait_builds(cache, builds + 1), "rebuild");
    ix = hy_grindex_cache_get(cache, v, true);
    CHECK(ix && hy_grindex_version(ix) == v, "the rebuilt index answers at the new version");
    hy_grindex_release(ix);
    hy_grindex_cache_free(cache);
}

/* SQLite's change stamp: the same while nothing is committed, another after a commit through
 * another connection (as from another process: a second db on the same file), read on
 * connections that only read. */
static void check_change_stamp(hy_db *db) {
    unsigned char s0[HY_CHANGE_STAMP_SIZE], s1[HY_CHANGE_STAMP_SIZE];
    (void)version_of(db); /* the connection has read in WAL mode */
    CHECK(hy_db_change_stamp(db, s0) == HY_DB_ONE, "a stamp");
    CHECK(hy_db_change_stamp(db, s1) == HY_DB_ONE && !memcmp(s0, s1, sizeof s0),
          "the same stamp without a commit");
    char url[sizeof sq_path + 16];
    snprintf(url, sizeof url, "sqlite:%s", sq_path);
    hy_db *other = NULL;
    char *err = NULL;
    CHECK(hy_db_open(url, &other, &err) >= 0, "a second db: %s", err ? err : "");
    free(err);
    if (!other) return;
    struct hy_group g = groups[11];
    for (int i = 0; i < 3; i++) {
        g.updated_at++;
        CHECK(hy_db_run(other, HY_TX_WRITE, write_tx, &(struct write_ctx){"edit", &g, NULL}) ==
                  HY_DB_ONE,
              "write");
        CHECK(hy_db_change_stamp(db, s1) == HY_DB_ONE && memcmp(s0, s1, sizeof s0),
              "commit %d through another connection changes the stamp", i);
        memcpy(s0, s1, sizeof s0);
    }
    hy_db_close(other);
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "sqlite") && strcmp(argv[1], "postgres"))) {
        fprintf(stderr, "usage: %s sqlite|postgres\n", argv[0]);
        return 2;
    }
    bool pg = !strcmp(argv[1], "postgres");
    const char *url = getenv("HY_TEST_PG_URL");
    if (pg && (!url || !*url)) {
        printf("HY_TEST_PG_URL is not set: skipping the PostgreSQL group-store tests\n");
        return 77;
    }
    atexit(cleanup);
    make_groups();
    hy_db *sq = open_sqlite();
    if (!sq || !migrate(sq) || !load(sq)) {
        fprintf(stderr, "cannot set up the SQLite store\n");
        return 1;
    }
    hy_db *pgdb = NULL;
    if (pg) {
        pgdb = open_pg(url);
        if (!pgdb || !migrate(pgdb) || !load(pgdb)) {
            fprintf(stderr, "cannot set up the PostgreSQL store\n");
            return 1;
        }
    }
    hy_db *db = pg ? pgdb : sq;
    CHECK(hy_db_run(db, HY_TX_WRITE, contract_tx, NULL) == HY_DB_ABORT, "contract");
    check_near(db, pg ? sq : NULL, 600);
    check_search(db, pg ? sq : NULL);
    check_grindex(db, 3000);
    check_group_versions(db);
    if (!pg) check_change_stamp(db);
    hy_db_close(sq);
    hy_db_close(pgdb);
    hy_arena_free(data_arena);
    printf("store_groups %s: %s (%d failed checks)\n", argv[1], failures ? "FAILED" : "ok",
           failures);
    return failures ? 1 : 0;
}
