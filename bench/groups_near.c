/* groups_near.c — latency of the nearest-groups store query on a loaded store.
 *
 *   bench/groups_near DBURL [QUERIES] [LIMIT]
 *
 * Runs QUERIES (default 20000) nearest-LIMIT (default 10) queries at random points (three in
 * four near the eight city centres the generator in bench/groups_data.mjs uses, one in four
 * anywhere) through the store's ops table, each in its own read transaction, on one thread, and
 * prints p50/p90/p99/max in microseconds and queries per second. Load a store first, e.g.
 *   node bench/groups_data.mjs 1000000 > /tmp/g.csv
 *   build/hamyari import groups --db sqlite:/tmp/g.db /tmp/g.csv
 * Build: cmake --build build --target bench_groups_near (or see bench/README.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "store/groups.h"
#include "store/store.h"

struct ctx {
    struct hy_group_near q;
    hy_arena *a;
    int n;
};

static int near_tx(hy_store *s, void *p) {
    struct ctx *c = p;
    struct hy_group *g;
    c->n = s->ops->groups->near(s, &c->q, c->a, &g);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s DBURL [QUERIES] [LIMIT]\n", argv[0]);
        return 2;
    }
    int nq = argc > 2 ? atoi(argv[2]) : 20000;
    int limit = argc > 3 ? atoi(argv[3]) : 10;
    hy_db *db;
    char *err = NULL;
    if (hy_db_open(argv[1], &db, &err) < 0) {
        fprintf(stderr, "%s\n", err ? err : "cannot open");
        return 1;
    }
    static const double cities[][2] = {{35.69, 51.39}, {51.5, -0.12},  {53.48, -2.24},
                                       {32.65, 51.67}, {40.71, -74.0}, {-33.87, 151.2},
                                       {48.85, 2.35},  {55.75, 37.6}};
    double *lat = malloc(sizeof(double) * (size_t)nq), *us = malloc(sizeof(double) * (size_t)nq);
    srand(7);
    long found = 0;
    double t0 = now_us();
    for (int i = 0; i < nq; i++) {
        struct ctx c = {.a = hy_arena_new(0)};
        if (i % 4 == 0) {
            c.q.lat = -60 + 130.0 * rand() / RAND_MAX;
            c.q.lon = -180 + 360.0 * rand() / RAND_MAX;
        } else {
            c.q.lat = cities[i % 8][0] + 2.0 * rand() / RAND_MAX - 1;
            c.q.lon = cities[i % 8][1] + 2.0 * rand() / RAND_MAX - 1;
        }
        c.q.limit = (size_t)limit;
        double s = now_us();
        int r = hy_db_run(db, HY_TX_READ, near_tx, &c);
        us[i] = now_us() - s;
        lat[i] = c.q.lat;
        if (r < 0) {
            fprintf(stderr, "query failed\n");
            return 1;
        }
        found += c.n;
        hy_arena_free(c.a);
    }
    double total = now_us() - t0;
    qsort(us, (size_t)nq, sizeof *us, cmp_double);
    printf("%s: %d nearest-%d queries, %.0f/s; latency p50 %.0f us, p90 %.0f us, p99 %.0f us, "
           "max %.0f us; %.1f groups per answer\n",
           hy_db_backend(db), nq, limit, nq / (total / 1e6), us[nq / 2], us[nq * 9 / 10],
           us[nq * 99 / 100], us[nq - 1], (double)found / nq);
    free(lat);
    free(us);
    hy_db_close(db);
    return 0;
}
