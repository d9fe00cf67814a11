/* test_spindex.c — the in-memory spatial index of the groups (src/domain/spindex.c) answers
 * exactly what brute force over every group answers with the stores' rules: covering groups
 * first (in the box, at any distance), then the nearest within the reach and the box, ranked
 * by hy_geo_distance_m() — the same doubles — ties by record (id) order.
 *
 * The groups crowd the places where the geometry is hard: both sides of longitude ±180, the
 * poles (and points exactly on them and on the antimeridian), exact duplicates, points in
 * exactly symmetric pairs around a point (equal distances, so the id decides), radius and
 * polygon areas (with holes, and some whose text does not parse). Queries: tens of thousands,
 * random and at those places, with radii, boxes that wrap across ±180 or miss the point, and
 * limits from 1 to 1,000. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/area.h"
#include "domain/geo.h"
#include "domain/spindex.h"

static uint64_t rng_state;

static uint64_t rng(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double unit(void) { return (double)(rng() >> 11) / 9007199254740992.0; }

static double wrap_lon(double lon) {
    while (lon > 180) lon -= 360;
    while (lon < -180) lon += 360;
    return lon;
}

static double clamp_lat(double lat) { return lat > 90 ? 90 : lat < -90 ? -90 : lat; }

static const double spots[][2] = {{-17, 180},  {-17, -180}, {89.9, 0},   {-89.9, 0},
                                  {35.7, 51.4}, {64, 179.99}, {10, 10},   {0, 0}};
#define NSPOTS (sizeof spots / sizeof spots[0])

struct group {
    char id[33];
    struct hy_spindex_rec r;
    char *text; /* polygon GeoJSON */
};

struct set {
    struct group *g;
    struct hy_spindex_rec *r;
    size_t n;
};

/* A polygon around (lat, lon): a square of half-side h degrees, kept on one side of ±180,
 * with a hole in the middle when `hole`. Fills the text and, as the API does, the area box
 * from hy_polygon_parse(). */
static void make_polygon(struct group *g, double lat, double lon, double h, bool hole,
                         bool broken) {
    double w = lon - h < -180 ? -180 : lon - h, e = lon + h > 180 ? 180 : lon + h;
    if (e - w < 1e-6) w = e - 0.01;
    double s = clamp_lat(lat - h), n = clamp_lat(lat + h);
    if (n - s < 1e-6) s = n - 0.01;
    char *t = malloc(1024);
    assert_non_null(t);
    int len = snprintf(t, 1024,
                       "{\"type\":\"Polygon\",\"coordinates\":[[[%.17g,%.17g],[%.17g,%.17g],"
                       "[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g]]",
                       w, s, e, s, e, n, w, n, w, s);
    if (hole) {
        double cw = w + (e - w) / 3, ce = e - (e - w) / 3, cs = s + (n - s) / 3,
               cn = n - (n - s) / 3;
        len += snprintf(t + len, (size_t)(1024 - len),
                        ",[[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g]]",
                        cw, cs, ce, cs, ce, cn, cw, cn, cw, cs);
    }
    snprintf(t + len, (size_t)(1024 - len), "]}");
    json_t *j = json_loads(t, 0, NULL);
    assert_non_null(j);
    hy_arena *a = hy_arena_new(1 << 20);
    struct hy_polygon p;
    const char *problem;
    assert_true(hy_polygon_parse(j, a, &p, &g->r.area_box, &problem));
    hy_arena_free(a);
    json_decref(j);
    if (broken) t[strlen(t) - 3] = '\0'; /* the text no longer parses: covers nothing */
    g->text = t;
    g->r.area_kind = "polygon";
    g->r.area = t;
}

static void make_set(struct set *s, size_t n, uint64_t seed) {
    rng_state = seed;
    s->n = n;
    s->g = calloc(n + 1, sizeof *s->g);
    s->r = calloc(n + 1, sizeof *s->r);
    assert_true(s->g && s->r);
    for (size_t i = 0; i < n; i++) {
        struct group *g = &s->g[i];
        double lat, lon;
        const double *sp = spots[rng() % NSPOTS];
        switch (i % 10) {
        case 4:
            lat = unit() * 180 - 90;
            lon = unit() * 360 - 180;
            break;
        case 5:
            if (i > 10) { /* an exact duplicate of an earlier position */
                const struct group *o = &s->g[rng() % i];
                lat = o->r.lat;
                lon = o->r.lon;
                break;
            }
            /* fall through */
        case 6: /* exactly symmetric around (10, 10): binary fractions, equal distances */
            lat = 10 + (double)((int)(rng() % 9) - 4) * 0.125;
            lon = 10 + (double)((int)(rng() % 9) - 4) * 0.125;
            break;
        case 7: /* on the antimeridian or a pole exactly */
            if (rng() % 2) {
                lat = unit() * 170 - 85;
                lon = rng() % 2 ? 180 : -180;
            } else {
                lat = rng() % 2 ? 90 : -90;
                lon = unit() * 360 - 180;
            }
            break;
        case 8:
        case 9:
            lat = clamp_lat(sp[0] + (unit() - 0.5) * 6);
            lon = wrap_lon(sp[1] + (unit() - 0.5) * 6);
            break;
        default:
            lat = clamp_lat(sp[0] + (unit() - 0.5) * 0.6);
            lon = wrap_lon(sp[1] + (unit() - 0.5) * 0.6);
        }
        g->r.lat = lat;
        g->r.lon = lon;
        g->r.area_kind = "none";
        if (i % 7 == 0) {
            g->r.area_kind = "radius";
            g->r.radius_m = 50 + unit() * unit() * 300000;
            hy_cap_bbox(lat, lon, g->r.radius_m, &g->r.area_box);
        } else if (i % 13 == 0) {
            make_polygon(g, lat, lon, 0.005 + unit() * unit() * 2, rng() % 3 == 0, i % 97 == 0);
        }
        /* Record order is id order: ids rise with i (hex of i after a common prefix). */
        snprintf(g->id, sizeof g->id, "%024x%08zx", 0xabcdu, i);
        g->r.id = g->id;
        s->r[i] = g->r;
    }
}

static void free_set(struct set *s) {
    for (size_t i = 0; i < s->n; i++)
        free(s->g[i].text);
    free(s->g);
    free(s->r);
}

struct item {
    double d;
    uint32_t rec;
    bool covers;
};

static int item_cmp(const void *pa, const void *pb) {
    const struct item *a = pa, *b = pb;
    if (a->covers != b->covers) return a->covers ? -1 : 1;
    if (a->d != b->d) return a->d < b->d ? -1 : 1;
    return a->rec < b->rec ? -1 : a->rec > b->rec;
}

/* The stores' answer by brute force over every group. */
static size_t brute(const struct set *s, const struct hy_spindex_query *q, struct item *all,
                    struct item *ret) {
    double reach = q->radius_m > 0 ? q->radius_m : 1e12;
    if (q->has_box) {
        double br = hy_bbox_reach_m(&q->box, q->lat, q->lon);
        if (br < reach) reach = br;
    }
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct hy_spindex_rec *g = &s->r[i];
        if (q->has_box && !hy_bbox_has(&q->box, g->lat, g->lon)) continue;
        double d = hy_geo_distance_m(q->lat, q->lon, g->lat, g->lon);
        bool covers = false;
        if (!strcmp(g->area_kind, "radius") ||
            (!strcmp(g->area_kind, "polygon") && hy_bbox_has(&g->area_box, q->lat, q->lon)))
            covers = hy_area_covers(g->area_kind, g->radius_m, g->area, g->lat, g->lon, q->lat,
                                    q->lon);
        if (d > reach && !covers) continue;
        all[n++] = (struct item){d, (uint32_t)i, covers};
    }
    size_t k = n < q->limit ? n : q->limit;
    /* Quickselect the first k, then sort them (sorting all of them per query is too slow). */
    size_t lo = 0, hi = n;
    while (hi - lo > 1 && k < hi && k > lo) {
        struct item pivot = all[lo + (size_t)(rng() % (hi - lo))], t;
        size_t a = lo, b = lo, c = hi; /* [lo,a) < pivot, [a,b) == pivot, [c,hi) > pivot */
        while (b < c) {
            int x = item_cmp(&all[b], &pivot);
            if (x < 0) t = all[a], all[a++] = all[b], all[b++] = t;
            else if (x > 0) t = all[--c], all[c] = all[b], all[b] = t;
            else b++;
        }
        if (k <= a) hi = a;
        else if (k >= c) lo = c;
        else break;
    }
    qsort(all, k, sizeof *all, item_cmp);
    memcpy(ret, all, k * sizeof *ret);
    return k;
}

static void random_query(const struct set *s, struct hy_spindex_query *q, size_t i) {
    memset(q, 0, sizeof *q);
    switch (i % 6) {
    case 0:
    case 1:
        q->lat = unit() * 180 - 90;
        q->lon = unit() * 360 - 180;
        break;
    case 2: { /* exactly at a group */
        const struct hy_spindex_rec *g = &s->r[rng() % s->n];
        q->lat = g->lat;
        q->lon = g->lon;
        break;
    }
    case 3: { /* the centre of the symmetric pairs, the antimeridian, a pole, exactly */
        static const double exact[][2] = {{10, 10},   {10.125, 10}, {0, 180}, {0, -180},
                                          {90, 0},    {-90, 77},    {-17, 180}, {64, -180}};
        const double *e = exact[rng() % (sizeof exact / sizeof exact[0])];
        q->lat = e[0];
        q->lon = e[1];
        break;
    }
    default: {
        const double *sp = spots[rng() % NSPOTS];
        q->lat = clamp_lat(sp[0] + (unit() - 0.5) * 1.0);
        q->lon = wrap_lon(sp[1] + (unit() - 0.5) * 1.0);
    }
    }
    q->limit = 1 + (size_t)(unit() * 40);
    if (i % 29 == 0) q->limit = HY_SPINDEX_LIMIT_MAX;
    if (i % 31 == 0) q->limit = 500;
    if (i % 4 == 1) q->radius_m = 1000 + unit() * 50000;
    if (i % 37 == 3) q->radius_m = 2e7;
    if (i % 5 == 2 || i % 17 == 4) {
        double w = 0.2 + unit() * 30, h = 0.2 + unit() * 15;
        double clat = q->lat, clon = q->lon;
        if (i % 17 == 4) { /* a box elsewhere (the map panned away) */
            clat = clamp_lat(clat + (unit() - 0.5) * 40);
            clon = wrap_lon(clon + (unit() - 0.5) * 60);
        }
        if (i % 23 == 2) w = 360; /* every longitude */
        q->has_box = true;
        q->box.min_lat = fmax(-90, clat - h / 2);
        q->box.max_lat = fmin(90, clat + h / 2);
        if (w >= 360) {
            q->box.min_lon = -180;
            q->box.max_lon = 180;
        } else {
            q->box.min_lon = wrap_lon(clon - w / 2); /* min > max: wraps across ±180 */
            q->box.max_lon = wrap_lon(clon + w / 2);
        }
    }
}

static void check_set(size_t ngroups, size_t nqueries, uint64_t seed) {
    struct set s;
    make_set(&s, ngroups, seed);
    hy_spindex *ix = NULL;
    size_t bad = 0;
    assert_int_equal(hy_spindex_build(s.r, s.n, &ix, &bad), 0);
    struct hy_spindex_stats st;
    hy_spindex_stats(ix, &st);
    assert_int_equal(st.groups, ngroups);
    assert_true(st.areas > 0 && st.polygons > 0);
    struct item *all = malloc(ngroups * sizeof *all), *want = malloc(1000 * sizeof *want);
    struct hy_spindex_hit *got = malloc(1000 * sizeof *got);
    assert_true(all && want && got);
    size_t covering = 0, ties = 0, boxed = 0, nonempty = 0;
    for (size_t i = 0; i < nqueries; i++) {
        struct hy_spindex_query q;
        random_query(&s, &q, i);
        size_t k = brute(&s, &q, all, want);
        int n = hy_spindex_near(ix, &q, got);
        if (n != (int)k)
            fail_msg("query %zu (%.17g,%.17g limit %zu radius %g box %d %g,%g,%g,%g): %d hits, "
                     "brute force %zu",
                     i, q.lat, q.lon, q.limit, q.radius_m, q.has_box, q.box.min_lon,
                     q.box.min_lat, q.box.max_lon, q.box.max_lat, n, k);
        for (size_t j = 0; j < k; j++) {
            if (got[j].rec != want[j].rec || got[j].covers != want[j].covers ||
                memcmp(&got[j].distance_m, &want[j].d, sizeof(double)))
                fail_msg("query %zu (%.17g,%.17g limit %zu radius %g box %d) #%zu: rec %u %.17g "
                         "covers %d, brute force rec %u %.17g covers %d",
                         i, q.lat, q.lon, q.limit, q.radius_m, q.has_box, j, got[j].rec,
                         got[j].distance_m, got[j].covers, want[j].rec, want[j].d, want[j].covers);
            if (want[j].covers) covering++;
            if (j && want[j].d == want[j - 1].d && want[j].covers == want[j - 1].covers) ties++;
        }
        boxed += q.has_box && k;
        nonempty += k > 0;
    }
    /* The cases meant to be covered were. */
    assert_true(covering > nqueries / 20);
    assert_true(ties > nqueries / 20);
    assert_true(boxed > nqueries / 20);
    assert_true(nonempty > nqueries / 2);
    free(all);
    free(want);
    free(got);
    hy_spindex_free(ix);
    free_set(&s);
}

static void test_small_set_many_queries(void **state) { check_set(1500, 20000, 20261127); }

static void test_large_set(void **state) { check_set(20000, 600, 7); }

/* Every group once: limit beyond the count, and a set smaller than one leaf. */
static void test_tiny_sets(void **state) {
    for (size_t n = 0; n <= 40; n++) {
        struct set s;
        make_set(&s, n, 100 + n);
        hy_spindex *ix = NULL;
        assert_int_equal(hy_spindex_build(s.r, s.n, &ix, NULL), 0);
        struct item *all = malloc((n + 1) * sizeof *all), want[1000];
        struct hy_spindex_hit got[1000];
        for (size_t i = 0; i < 300; i++) {
            struct hy_spindex_query q;
            if (n) random_query(&s, &q, i);
            else q = (struct hy_spindex_query){.lat = 1, .lon = 2, .limit = 5};
            size_t k = n ? brute(&s, &q, all, want) : 0;
            int m = hy_spindex_near(ix, &q, got);
            assert_int_equal(m, (int)k);
            for (size_t j = 0; j < k; j++) {
                assert_int_equal(got[j].rec, want[j].rec);
                assert_true(got[j].distance_m == want[j].d);
            }
        }
        free(all);
        hy_spindex_free(ix);
        free_set(&s);
    }
}

/* Many groups at one point: the id decides, for every limit. */
static void test_duplicates_rank_by_id(void **state) {
    enum { N = 300 };
    struct hy_spindex_rec r[N];
    char ids[N][33];
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "%032zx", i);
        r[i] = (struct hy_spindex_rec){.id = ids[i], .lat = 35.5, .lon = 51.25};
        if (i % 50 == 49) r[i].lat = 35.5 + 1e-9; /* a hair farther */
    }
    hy_spindex *ix = NULL;
    assert_int_equal(hy_spindex_build(r, N, &ix, NULL), 0);
    struct hy_spindex_hit got[N];
    struct hy_spindex_query q = {.lat = 35.5, .lon = 51.25, .limit = N};
    assert_int_equal(hy_spindex_near(ix, &q, got), N);
    for (size_t i = 0; i < N - 6; i++) {
        assert_true(got[i].distance_m == 0);
        assert_int_equal(got[i].rec, i + i / 49); /* 0..48, 50..98, … */
    }
    for (size_t i = N - 6; i < N; i++)
        assert_true(got[i].distance_m > 0);
    hy_spindex_free(ix);
}

/* The build from a getter (records kept in the caller's own form, here points apart from the
 * rest) gives the same index as the build from an array: the same order and the same answers. */
struct compact {
    const struct set *s;
    double *latlon;
};

static void get_compact(const void *ctx, size_t i, struct hy_spindex_rec *ret) {
    const struct compact *c = ctx;
    *ret = c->s->r[i];
    ret->id = NULL;
    ret->lat = c->latlon[2 * i];
    ret->lon = c->latlon[2 * i + 1];
}

static void test_build_with_getter(void **state) {
    (void)state;
    struct set s;
    make_set(&s, 3000, 77);
    struct compact c = {&s, malloc(2 * s.n * sizeof(double))};
    assert_non_null(c.latlon);
    for (size_t i = 0; i < s.n; i++) {
        c.latlon[2 * i] = s.r[i].lat;
        c.latlon[2 * i + 1] = s.r[i].lon;
    }
    hy_spindex *a = NULL, *b = NULL;
    assert_int_equal(hy_spindex_build(s.r, s.n, &a, NULL), 0);
    assert_int_equal(hy_spindex_build_with(s.n, get_compact, &c, &b, NULL), 0);
    uint32_t *oa = malloc(s.n * sizeof *oa), *ob = malloc(s.n * sizeof *ob);
    assert_true(oa && ob);
    hy_spindex_order(a, oa);
    hy_spindex_order(b, ob);
    assert_memory_equal(oa, ob, s.n * sizeof *oa);
    struct hy_spindex_stats sa, sb;
    hy_spindex_stats(a, &sa);
    hy_spindex_stats(b, &sb);
    assert_memory_equal(&sa, &sb, sizeof sa);
    struct hy_spindex_hit ha[1000], hb[1000];
    for (size_t i = 0; i < 300; i++) {
        struct hy_spindex_query q;
        random_query(&s, &q, i);
        int na = hy_spindex_near(a, &q, ha);
        assert_int_equal(hy_spindex_near(b, &q, hb), na);
        for (int k = 0; k < na; k++) {
            assert_int_equal(ha[k].rec, hb[k].rec);
            assert_int_equal(ha[k].pos, hb[k].pos);
            assert_true(ha[k].distance_m == hb[k].distance_m);
            assert_int_equal(ha[k].covers, hb[k].covers);
        }
    }
    free(oa);
    free(ob);
    free(c.latlon);
    hy_spindex_free(a);
    hy_spindex_free(b);
    free_set(&s);
}

static void test_bad_input(void **state) {
    struct hy_spindex_rec r[3] = {{.id = "a", .lat = 1, .lon = 1},
                                  {.id = "c", .lat = 2, .lon = 2},
                                  {.id = "b", .lat = 3, .lon = 3}};
    hy_spindex *ix = NULL;
    size_t bad = 99;
    assert_int_equal(hy_spindex_build(r, 3, &ix, &bad), -EINVAL);
    assert_int_equal(bad, 2);
    assert_null(ix);
    r[2].id = "c"; /* equal ids are out of order too */
    assert_int_equal(hy_spindex_build(r, 3, &ix, &bad), -EINVAL);
    r[2].id = "d";
    r[1].lat = 91;
    assert_int_equal(hy_spindex_build(r, 3, &ix, &bad), -EINVAL);
    assert_int_equal(bad, 1);
    r[1].lat = NAN;
    assert_int_equal(hy_spindex_build(r, 3, &ix, &bad), -EINVAL);
    r[1].lat = 2;
    r[0].area_kind = "radius";
    r[0].radius_m = INFINITY;
    assert_int_equal(hy_spindex_build(r, 3, &ix, &bad), -EINVAL);
    assert_int_equal(bad, 0);
    r[0].radius_m = 1000;
    hy_cap_bbox(1, 1, 1000, &r[0].area_box);
    assert_int_equal(hy_spindex_build(r, 3, &ix, &bad), 0);
    struct hy_spindex_hit got[4];
    struct hy_spindex_query q = {.lat = 1, .lon = 1, .limit = 0};
    assert_int_equal(hy_spindex_near(ix, &q, got), -EINVAL);
    q.limit = HY_SPINDEX_LIMIT_MAX + 1;
    assert_int_equal(hy_spindex_near(ix, &q, got), -EINVAL);
    q.limit = 4;
    q.lat = -90.5;
    assert_int_equal(hy_spindex_near(ix, &q, got), -EINVAL);
    q.lat = 1;
    q.has_box = true;
    q.box = (struct hy_bbox){0, NAN, 2, 2};
    assert_int_equal(hy_spindex_near(ix, &q, got), -EINVAL);
    q.has_box = false;
    assert_int_equal(hy_spindex_near(ix, &q, got), 3);
    assert_int_equal(got[0].rec, 0);
    assert_true(got[0].covers);
    assert_false(got[1].covers);
    hy_spindex_free(ix);
    assert_null(hy_spindex_free(NULL));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_build_with_getter),
        cmocka_unit_test(test_duplicates_rank_by_id),
        cmocka_unit_test(test_tiny_sets),
        cmocka_unit_test(test_small_set_many_queries),
        cmocka_unit_test(test_large_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
