/* board_near.c — latency of the neighbour-help board's compatible-posts query on a loaded
 * store.
 *
 *   board_near DBURL [POSTS] [QUERIES] [--no-load]
 *
 * Migrates the store, adds one author and POSTS (default 100000) open posts (offers and asks
 * of 12 categories, windows of 1 to 7 days within the next two weeks; two in three within 30 km
 * of eight city centres, the rest anywhere in a 1,500 km square), 1,000 to a transaction,
 * through the store's ops table; then runs QUERIES (default 5000) queries as a post's page
 * does (the other kind, the same category, an overlapping window, within 50 km, the 10
 * nearest) from random posts' positions, each in its own read transaction on one thread, and
 * prints p50/p90/p99/max in microseconds as JSON. Use a fresh store: the posts are added
 * (--no-load: only the queries, on a store loaded before with the same POSTS). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "domain/auth.h"
#include "domain/board.h"
#include "domain/geo.h"
#include "store/board.h"
#include "store/store.h"

static double uni(void) { return (double)rand() / RAND_MAX; }

static const double cities[][2] = {{35.69, 51.39}, {32.65, 51.67}, {36.30, 59.60}, {38.08, 46.29},
                                   {29.59, 52.58}, {34.64, 50.88}, {31.32, 48.67}, {37.28, 49.58}};

struct load_ctx {
    const char *author;
    int from, to;
    int64_t now;
    hy_arena *a;
};

static void make_post(int i, const char *author, int64_t now, struct hy_board_post *p) {
    memset(p, 0, sizeof *p);
    hy_id_new(p->id);
    memcpy(p->author_id, author, HY_ID_LEN + 1);
    p->kind = i % 2 ? "ask" : "offer";
    p->category = hy_board_category_keys[(i / 2) % 12];
    p->slot = hy_board_slot(p->kind, p->category);
    p->body = "Synthetic post of the board benchmark";
    p->body_norm = "synthetic post of the board benchmark";
    double lat, lon;
    if (i % 3 != 2) {
        const double *c = cities[rand() % 8];
        double r = 30000 * sqrt(uni()), t = 2 * M_PI * uni();
        lat = c[0] + r * cos(t) / 111195.0;
        lon = c[1] + r * sin(t) / (111195.0 * cos(c[0] * M_PI / 180));
    } else {
        lat = 26 + 13.5 * uni();
        lon = 44 + 17 * uni();
    }
    hy_geo_round(lat, lon, HY_BOARD_CELL_M, &p->lat, &p->lon);
    p->place = "";
    p->language = i % 4 ? "fa" : "en";
    p->starts_at = now + (int64_t)(uni() * 7 * 86400);
    p->ends_at = p->starts_at + 86400 + (int64_t)(uni() * 6 * 86400);
    p->expires_at = p->ends_at;
    p->status = "open";
    p->created_at = p->updated_at = now;
}

static int load_tx(hy_store *s, void *ctx) {
    struct load_ctx *c = ctx;
    for (int i = c->from; i < c->to; i++) {
        struct hy_board_post p;
        make_post(i, c->author, c->now, &p);
        int r = s->ops->board->post_insert(s, &p);
        if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    }
    return HY_DB_ONE;
}

static int user_tx(hy_store *s, void *ctx) {
    struct hy_user *u = ctx;
    return s->ops->user_insert(s, u, NULL);
}

struct q_ctx {
    struct hy_board_query q;
    hy_arena *a;
    int n;
};

static int near_tx(hy_store *s, void *p) {
    struct q_ctx *c = p;
    struct hy_board_post *v;
    c->n = s->ops->board->near(s, &c->q, c->a, &v);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

int main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        fprintf(stderr, "usage: %s DBURL [POSTS] [QUERIES]\n", argv[0]);
        return argc < 2 ? 2 : 0;
    }
    int nposts = argc > 2 ? atoi(argv[2]) : 100000, nq = argc > 3 ? atoi(argv[3]) : 5000;
    if (nposts < 1 || nq < 1) return 2;
    hy_db *db;
    char *err = NULL;
    if (hy_db_open(argv[1], &db, &err) < 0) {
        fprintf(stderr, "%s\n", err ? err : "cannot open");
        return 1;
    }
    bool load = !(argc > 4 && !strcmp(argv[4], "--no-load"));
    hy_store *s = hy_db_conn(db);
    int version;
    if (!s || s->ops->migrate(s, &version) < 0) {
        fprintf(stderr, "migrate failed\n");
        return 1;
    }
    int64_t now = (int64_t)time(NULL);
    struct hy_user u = {.email = "board-bench@example.org", .name = "Board bench",
                        .role = "volunteer", .status = "approved", .language = "fa",
                        .created_at = now, .updated_at = now};
    hy_id_new(u.id);
    if (load && hy_db_run(db, HY_TX_WRITE, user_tx, &u) < 0) {
        fprintf(stderr, "user insert failed\n");
        return 1;
    }
    srand(19);
    double t0 = now_us();
    for (int i = 0; load && i < nposts; i += 1000) {
        struct load_ctx c = {.author = u.id, .from = i, .to = i + 1000 < nposts ? i + 1000 : nposts,
                             .now = now};
        if (hy_db_run(db, HY_TX_WRITE, load_tx, &c) < 0) {
            fprintf(stderr, "load failed at %d\n", i);
            return 1;
        }
        if (i % 20000 == 0) fprintf(stderr, "board_near: %d of %d posts loaded\n", i, nposts);
    }
    double load_s = (now_us() - t0) / 1e6;
    double *us = malloc(sizeof(double) * (size_t)nq), *cpu = malloc(sizeof(double) * (size_t)nq);
    long found = 0;
    t0 = now_us();
    for (int i = 0; i < nq; i++) {
        struct hy_board_post p;
        make_post(rand() % nposts, u.id, now, &p);
        struct q_ctx c = {.a = hy_arena_new(0)};
        c.q = (struct hy_board_query){.lat = p.lat, .lon = p.lon, .reach_m = HY_BOARD_REACH_M,
                                      .slot = hy_board_slot(hy_board_other_kind(p.kind),
                                                            p.category),
                                      .starts_at = p.starts_at, .ends_at = p.ends_at, .now = now,
                                      .limit = 10};
        double st = now_us(), ct = cpu_us();
        int r = hy_db_run(db, HY_TX_READ, near_tx, &c);
        us[i] = now_us() - st;
        cpu[i] = cpu_us() - ct;
        if (r < 0) {
            fprintf(stderr, "query failed\n");
            return 1;
        }
        found += c.n;
        hy_arena_free(c.a);
    }
    double total = now_us() - t0;
    double cpu_sum = 0;
    for (int i = 0; i < nq; i++) cpu_sum += cpu[i];
    qsort(us, (size_t)nq, sizeof *us, cmp_double);
    qsort(cpu, (size_t)nq, sizeof *cpu, cmp_double);
    printf("{\"store\":\"%s\",\"posts\":%d,\"queries\":%d,\"load_s\":%.1f,\"per_s\":%.0f,"
           "\"p50_us\":%.0f,\"p90_us\":%.0f,\"p99_us\":%.0f,\"max_us\":%.0f,\"cpu_avg_us\":%.0f,"
           "\"cpu_p50_us\":%.0f,\"cpu_p99_us\":%.0f,\"matches_avg\":%.2f}\n",
           hy_db_backend(db), nposts, nq, load_s, nq / (total / 1e6), us[nq / 2],
           us[nq * 9 / 10], us[nq * 99 / 100], us[nq - 1], cpu_sum / nq, cpu[nq / 2],
           cpu[nq * 99 / 100], (double)found / nq);
    free(us);
    free(cpu);
    hy_db_close(db);
    return 0;
}
