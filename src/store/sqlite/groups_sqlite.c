/* groups_sqlite.c — what the SQLite backend does its own way in the group directory (the rest
 * is src/store/groups.c): the nearest-groups search and the bulk inserts.
 *
 * Approved groups sit in an R*Tree (aid_groups_rtree: a point box per group, with the exact
 * lat/lon and id as auxiliary columns) kept by triggers; groups with a coverage area also have
 * its bounding box in aid_groups_area_rtree. Nearest groups: a circle around the point grows
 * (its first size guessed from the density seen last time near there) until it holds `limit`
 * groups; each round asks the R*Tree for the box (two boxes across ±180, all longitudes near a
 * pole) around the circle, and the survivors are ranked by domain/near.c (haversine distance,
 * ties by id). Imports write each group at its row number along a Hilbert curve (layout). */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo.h"
#include "domain/near.h"
#include "store/groups.h"
#include "store/shared.h"
#include "store/sqlite/store_sqlite.h"

/* Reads the group at row number `seq` into *ret (arena strings): HY_DB_ONE, HY_DB_NONE, or a
 * negative status (then *ret may be half written). Straight into *ret: the nearest-groups path
 * reads a few of these per query. */
static int get_seq(hy_sqlite *s, int64_t seq, hy_arena *a, struct hy_group *ret) {
    sqlite3_stmt *st = hy_sq_stmt(s, HY_SQ_Q_GR_GET_SEQ);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_int64(st, 1, seq);
    int rc = sqlite3_step(st);
    int r = rc == SQLITE_ROW    ? hy_sq_read_row(st, &hy_row_group, a, ret)
            : rc == SQLITE_DONE ? HY_DB_NONE
                                : hy_sq_status(s, rc);
    return hy_sq_finish(st, r);
}

/* ---- groups ---- */

static int g_layout_base(hy_store *s, int64_t *ret) {
    int r = hy_st_i64(s, HY_SQ_Q_GR_LAYOUT_BASE, HY_NO_ARGS, ret);
    return r == HY_DB_NONE ? HY_DB_HARD : r;
}

static int g_insert_many(hy_store *base, const struct hy_group *g, size_t n) {
    /* Bulk inserts (imports) touch R*Tree, FTS5 and index pages all over the file: a page
     * cache of 256 MB (instead of 16 MB) on this connection keeps them from spilling to disk
     * before the commit. A connection that imports is a command-line one. */
    sqlite3_exec(hy_sq(base)->db, "PRAGMA cache_size=-262144", NULL, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        int r;
        if (g[i].layout > 0) { /* at its place along the import's curve */
            if (!hy_st_group_finite(&g[i])) return HY_DB_HARD;
            struct hy_arg args[HY_GROUP_ARGS + 1];
            hy_st_group_args(&g[i], args);
            args[HY_GROUP_ARGS] = hy_arg_i64(g[i].layout);
            r = hy_st_exec(base, HY_SQ_Q_GR_INSERT_AT, args, HY_GROUP_ARGS + 1);
        } else {
            r = hy_st_gr_insert(base, &g[i]);
        }
        if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    }
    return HY_DB_ONE;
}

/* ---- nearest ---- */

/* The density of approved groups (per square metre) that the last query in each half-degree
 * cell found: the first circle of the next query there is sized from it, so that one R*Tree
 * query usually holds the `limit` nearest. Shared by the process's threads (a lost update
 * only costs a second round); 0 = not seen yet. A hint, never an answer: it can be stale. */
#define HINT_ROWS 361
#define HINT_COLS 721
static _Atomic float sq_hint[HINT_ROWS * HINT_COLS];

static int hint_cell(double lat, double lon) {
    return (int)floor((lat + 90) * 2) * HINT_COLS + (int)floor((lon + 180) * 2);
}

static void bind_box(sqlite3_stmt *st, const struct hy_bbox *b) {
    sqlite3_bind_double(st, 1, b->min_lat);
    sqlite3_bind_double(st, 2, b->max_lat);
    sqlite3_bind_double(st, 3, b->min_lon);
    sqlite3_bind_double(st, 4, b->max_lon);
}

/* Adds the approved groups in `b` within r of the point (and in q->box) to c. */
static int scan_box(hy_sqlite *s, const struct hy_group_near *q, const struct hy_bbox *b, double r,
                    struct hy_near_cands *c) {
    sqlite3_stmt *st = hy_sq_stmt(s, HY_SQ_Q_GR_RTREE_BOX);
    if (!st) return HY_DB_HARD;
    bind_box(st, b);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct hy_near_cand x = {.key = sqlite3_column_int64(st, 0)};
        const char *id = (const char *)sqlite3_column_text(st, 1);
        x.lat = sqlite3_column_double(st, 2);
        x.lon = sqlite3_column_double(st, 3);
        if (!id || strlen(id) > HY_ID_LEN) return hy_sq_finish(st, HY_DB_HARD);
        if (q->has_box && !hy_bbox_has(&q->box, x.lat, x.lon)) continue;
        x.d = hy_geo_distance_m(q->lat, q->lon, x.lat, x.lon);
        if (x.d > r) continue;
        memcpy(x.id, id, strlen(id) + 1);
        if (hy_near_push(c, &x) < 0) return hy_sq_finish(st, HY_DB_HARD);
    }
    return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_ONE : hy_sq_status(s, rc));
}

/* Adds the approved groups in `b` that may lie within r of the point, with bounds on their
 * distance from the R*Tree's box around each (no exact position, no id yet). */
static int scan_cells(hy_sqlite *s, const struct hy_group_near *q, const struct hy_bbox *b,
                      double r, struct hy_near_cands *c, size_t *ret_sure) {
    sqlite3_stmt *st = hy_sq_stmt(s, HY_SQ_Q_GR_RTREE_CELLS);
    if (!st) return HY_DB_HARD;
    bind_box(st, b);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        double la0 = sqlite3_column_double(st, 1), la1 = sqlite3_column_double(st, 2);
        double lo0 = sqlite3_column_double(st, 3), lo1 = sqlite3_column_double(st, 4);
        struct hy_near_cand x = {.key = sqlite3_column_int64(st, 0)};
        /* Every point of the tiny box is within its diagonal of the box's centre; the margin
         * covers rounding in the distance formula. */
        double e = hy_geo_distance_m(la0, lo0, la1, lo1) + 0.01;
        double dc = hy_geo_distance_m(q->lat, q->lon, (la0 + la1) / 2, (lo0 + lo1) / 2);
        dc += dc * 1e-9;
        x.lo = dc - e;
        x.hi = dc + e;
        if (x.lo > r) continue;
        if (x.hi <= r) (*ret_sure)++;
        if (hy_near_push(c, &x) < 0) return hy_sq_finish(st, HY_DB_HARD);
    }
    return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_ONE : hy_sq_status(s, rc));
}

/* The circle after one that held `found` of the `limit` groups wanted. */
static double grow(double radius, size_t found, size_t limit) {
    double g = found ? 1.2 * sqrt((double)limit / (double)found) : 4.0;
    return radius * (g < 1.5 ? 1.5 : g);
}

/* The nearest `limit` groups within `reach` (no bbox filter): circles grow until one surely
 * holds `limit` groups; then only the candidates that may rank among the first `limit` are read
 * whole, and ranked by their exact distance. */
static int near_cells(hy_sqlite *s, const struct hy_group_near *q, double reach, double d,
                      hy_arena *a, struct hy_near_cands *c, double *ret_radius, size_t *ret_seen) {
    double radius;
    int r = HY_DB_ONE;
    for (;;) {
        radius = d < reach ? d : reach;
        c->n = 0;
        size_t sure = 0;
        struct hy_bbox boxes[2];
        int nb = hy_cap_boxes(q->lat, q->lon, radius, boxes);
        for (int i = 0; i < nb && r >= 0; i++)
            r = scan_cells(s, q, &boxes[i], radius, c, &sure);
        if (r < 0) return r;
        if (sure >= q->limit || radius >= reach) break;
        d = grow(radius, c->n, q->limit);
    }
    *ret_radius = radius;
    *ret_seen = c->n;
    double cut = hy_near_cut_hi(c, q->limit);
    size_t kept = 0;
    for (size_t i = 0; i < c->n; i++) {
        struct hy_near_cand x = c->v[i];
        if (x.lo > cut) continue;
        struct hy_group *g = hy_arena_zalloc(a, sizeof *g);
        if (!g) return HY_DB_HARD;
        r = get_seq(s, x.key, a, g);
        if (r < 0) return r;
        if (r == HY_DB_NONE || strcmp(g->status, "approved")) continue;
        x.lat = g->lat;
        x.lon = g->lon;
        x.d = hy_geo_distance_m(q->lat, q->lon, g->lat, g->lon);
        if (x.d > radius) continue;
        memcpy(x.id, g->id, sizeof x.id);
        x.row = g;
        c->v[kept++] = x;
    }
    c->n = kept;
    return HY_DB_ONE;
}

/* Groups whose area covers the point (their boxes are in aid_groups_area_rtree) join the
 * first `nearest` candidates or mark them. */
static int near_covering(hy_sqlite *s, const struct hy_group_near *q, size_t nearest,
                         hy_arena *a, struct hy_near_cands *c) {
    sqlite3_stmt *st = hy_sq_stmt(s, HY_SQ_Q_GR_AREA_AT);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_double(st, 1, q->lat);
    sqlite3_bind_double(st, 2, q->lon);
    int rc;
    size_t nseq = 0, capseq = 0;
    int64_t *seqs = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (nseq == capseq) {
            capseq = capseq ? capseq * 2 : 16;
            int64_t *v = realloc(seqs, capseq * sizeof *v);
            if (!v) {
                free(seqs);
                return hy_sq_finish(st, HY_DB_HARD);
            }
            seqs = v;
        }
        seqs[nseq++] = sqlite3_column_int64(st, 0);
    }
    int r = hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_ONE : hy_sq_status(s, rc));
    for (size_t i = 0; i < nseq && r >= 0; i++) {
        struct hy_group *g = hy_arena_zalloc(a, sizeof *g);
        r = g ? get_seq(s, seqs[i], a, g) : HY_DB_HARD;
        if (r == HY_DB_ONE && hy_near_cover(c, nearest, q, g, seqs[i]) < 0) r = HY_DB_HARD;
    }
    free(seqs);
    return r < 0 ? r : HY_DB_ONE;
}

static int g_near(hy_store *base, const struct hy_group_near *q, hy_arena *a,
                  struct hy_group **ret) {
    hy_sqlite *s = hy_sq(base);
    if (!hy_near_valid(q)) return HY_DB_HARD;
    double reach = hy_near_reach(q);
    int cell = hint_cell(q->lat, q->lon);
    double density = atomic_load_explicit(&sq_hint[cell], memory_order_relaxed);
    double d = 5000;
    if (density > 0) d = 1.1 * sqrt((double)q->limit / (3.14159265358979323846 * density));
    if (d < 200) d = 200;
    struct hy_near_cands c = {0};
    int r = HY_DB_ONE;
    double radius;
    size_t seen = 0; /* groups found in the last circle: the density hint */
    if (!q->has_box) {
        r = near_cells(s, q, reach, d, a, &c, &radius, &seen);
        if (r < 0) goto out;
    } else {
        for (;;) {
            radius = d < reach ? d : reach;
            c.n = 0;
            struct hy_bbox boxes[2];
            int nb = hy_cap_boxes(q->lat, q->lon, radius, boxes);
            for (int i = 0; i < nb && r >= 0; i++)
                r = scan_box(s, q, &boxes[i], radius, &c);
            if (r < 0) goto out;
            seen = c.n;
            if (c.n >= q->limit || radius >= reach) break;
            d = grow(radius, c.n, q->limit);
        }
    }
    if (seen > 0)
        atomic_store_explicit(&sq_hint[cell],
                              (float)((double)seen / (3.14159265358979323846 * radius * radius)),
                              memory_order_relaxed);
    /* Only the nearest `limit` matter, then groups whose area covers the point. */
    hy_near_rank(&c, q->limit);
    r = near_covering(s, q, c.n, a, &c);
    if (r < 0) goto out;
    hy_near_rank(&c, q->limit);
    /* The rows of candidates the R*Tree's auxiliary columns told apart. */
    for (size_t i = 0; i < c.n; i++) {
        if (c.v[i].row) continue;
        struct hy_group *g = hy_arena_zalloc(a, sizeof *g);
        r = g ? get_seq(s, c.v[i].key, a, g) : HY_DB_HARD;
        if (r != HY_DB_ONE) {
            r = r < 0 ? r : HY_DB_SOFT; /* changed under us: cannot happen inside a tx */
            goto out;
        }
        c.v[i].row = g;
    }
    r = hy_near_answer(&c, q->limit, a, ret);
    if (r < 0) r = HY_DB_HARD;
out:
    hy_near_free(&c);
    return r;
}

/* ---- gazetteer ---- */

static int p_insert_many(hy_store *s, const struct hy_place *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (!hy_geo_valid(p[i].lat, p[i].lon)) return HY_DB_HARD;
        int r = hy_st_exec(s, HY_SQ_Q_GR_PLACE_INSERT,
                           HY_ARGS(hy_arg_i64(p[i].geonameid), hy_arg_text(p[i].name),
                                   hy_arg_text_or(p[i].ascii_name, ""),
                                   hy_arg_text_or(p[i].country, ""),
                                   hy_arg_text_or(p[i].admin1, ""), hy_arg_f64(p[i].lat),
                                   hy_arg_f64(p[i].lon), hy_arg_i64(p[i].population),
                                   hy_arg_text_or(p[i].feature, ""),
                                   hy_arg_text_or(p[i].name_fa, "")));
        for (size_t k = 0; k < p[i].nnames && r >= 0; k++)
            if (p[i].names[k][0])
                r = hy_st_exec(s, HY_SQ_Q_GR_PLACE_NAME_INSERT,
                               HY_ARGS(hy_arg_text(p[i].names[k]), hy_arg_i64(p[i].geonameid),
                                       hy_arg_i64(p[i].population)));
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}

static int pc_upsert_many(hy_store *s, const char *const *keys, const char *const *shown,
                          const char *const *countries, const double *lat, const double *lon,
                          size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (!hy_geo_valid(lat[i], lon[i])) return HY_DB_HARD;
        int r = hy_st_exec(s, HY_SQ_Q_GR_POSTCODE_UPSERT,
                           HY_ARGS(hy_arg_text(keys[i]), hy_arg_text(shown[i]),
                                   hy_arg_text_or(countries ? countries[i] : NULL, ""),
                                   hy_arg_f64(lat[i]), hy_arg_f64(lon[i])));
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}

const struct hy_group_ops hy_sq_group_ops = {
    HY_GROUP_OPS_SHARED,
    .insert_many = g_insert_many,
    .layout_base = g_layout_base,
    .near = g_near,
    .place_insert_many = p_insert_many,
    .postcode_upsert_many = pc_upsert_many,
};
