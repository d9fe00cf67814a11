/* groups_pg.c — what the PostgreSQL backend does its own way in the group directory (the rest
 * is src/store/groups.c): the nearest-groups search and the bulk inserts.
 *
 * Behaves exactly as the SQLite backend (tests/store/store_groups.c compares them). Nearest
 * groups come from the GiST index on geography (`ORDER BY geog <-> point LIMIT m`, a prepared
 * statement, bounded by ST_DWithin when a radius or a map view limits the search); the rows are
 * then ranked by domain/near.c with the same haversine distance SQLite uses, ties by id, and m
 * grows until the cut is safe (PostGIS's sphere and ours differ in the last digits).
 * Coverage-area candidates come from a GiST box index in the same statement. Bulk inserts
 * (imports) send arrays through unnest(), a few thousand rows per statement. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo.h"
#include "domain/near.h"
#include "store/groups.h"
#include "store/pg/store_pg.h"
#include "store/shared.h"
#include "util/buf.h"

#define NCOLS HY_GROUP_ARGS /* the columns of a group row (HY_COLS_GROUP) */

/* Array literals for unnest(): one growing buffer per column. */
struct arr {
    hy_buf b;
    size_t n;
};

static int arr_add(struct arr *a, const char *v) {
    int r = hy_buf_putc(&a->b, a->n++ ? ',' : '{');
    if (!v) return r ? r : hy_buf_puts(&a->b, "NULL");
    r = r ? r : hy_buf_putc(&a->b, '"');
    for (const char *p = v; *p && !r; p++) {
        if (*p == '"' || *p == '\\') r = hy_buf_putc(&a->b, '\\');
        if (!r) r = hy_buf_putc(&a->b, *p);
    }
    return r ? r : hy_buf_putc(&a->b, '"');
}

static int arr_f64(struct arr *a, double v) {
    char buf[HY_PG_NUM_LEN];
    return arr_add(a, hy_pg_fmt_f64(buf, v));
}

static int arr_i64(struct arr *a, int64_t v) {
    char buf[HY_PG_NUM_LEN];
    return arr_add(a, hy_pg_fmt_i64(buf, v));
}

static const char *arr_done(struct arr *a) {
    if (a->n == 0 && hy_buf_putc(&a->b, '{')) return NULL;
    if (hy_buf_putc(&a->b, '}')) return NULL;
    return a->b.data;
}

static void arrs_init(struct arr *a, size_t n) {
    for (size_t i = 0; i < n; i++)
        a[i] = (struct arr){HY_BUF_INIT(0), 0};
}

static void arrs_free(struct arr *a, size_t n) {
    for (size_t i = 0; i < n; i++)
        hy_buf_free(&a[i].b);
}

/* Runs an unnest() insert whose parameters are the n array literals of `cols`. */
static int arrs_exec(hy_store *s, int stmt, struct arr *cols, size_t n) {
    struct hy_arg args[HY_ARGS_MAX];
    for (size_t c = 0; c < n; c++) {
        const char *v = arr_done(&cols[c]);
        if (!v) return HY_DB_HARD;
        args[c] = hy_arg_text(v);
    }
    return hy_st_exec(s, stmt, args, n);
}

/* ---- groups ---- */

static int g_insert_many(hy_store *base, const struct hy_group *g, size_t n) {
    const size_t batch = 2000;
    for (size_t start = 0; start < n; start += batch) {
        size_t end = start + batch < n ? start + batch : n;
        struct arr cols[NCOLS];
        arrs_init(cols, NCOLS);
        int e = 0;
        for (size_t i = start; i < end && !e; i++) {
            struct hy_arg args[HY_GROUP_ARGS];
            struct hy_pg_params p = {.ids = HY_BUF_INIT(0)};
            hy_st_group_args(&g[i], args);
            e = hy_st_group_finite(&g[i]) ? hy_pg_params_set(&p, args, HY_GROUP_ARGS) : -1;
            for (int c = 0; c < NCOLS && !e; c++)
                e = arr_add(&cols[c], p.values[c]);
            hy_pg_params_free(&p);
        }
        int r = e ? HY_DB_HARD : arrs_exec(base, HY_PG_Q_GR_INSERT_MANY, cols, NCOLS);
        arrs_free(cols, NCOLS);
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}

/* ---- nearest ---- */

static int g_near(hy_store *base, const struct hy_group_near *q, hy_arena *a,
                  struct hy_group **ret) {
    hy_pg *s = hy_pg_of(base);
    if (!hy_near_valid(q)) return HY_DB_HARD;
    double reach = hy_near_reach(q);
    bool bounded = reach < hy_near_world(), box = q->has_box;
    struct hy_arg args[8] = {
        hy_arg_f64(q->lat),
        hy_arg_f64(q->lon),
        hy_arg_null(), /* m, below */
        hy_arg_f64(reach * (1 + 1e-6) + 1),
        hy_arg_f64_if(box, q->box.min_lat),
        hy_arg_f64_if(box, q->box.max_lat),
        hy_arg_f64_if(box, q->box.min_lon),
        hy_arg_f64_if(box, q->box.max_lon),
    };
    struct hy_near_cands c = {0};
    int r;
    /* Ask for the m nearest (and the covering ones); when all m came back and the m-th is not
     * clearly beyond the cut, the cut may be wrong: ask for 4m. */
    for (size_t m = q->limit + 2;; m *= 4) {
        args[2] = hy_arg_size(m);
        PGresult *res = NULL;
        r = hy_pg_run(s, bounded ? HY_PG_Q_GR_NEAR_WITHIN : HY_PG_Q_GR_NEAR_ALL, args, 8, &res);
        if (r < 0) goto out;
        int rows = r == HY_DB_ONE ? PQntuples(res) : 0;
        c.n = 0;
        /* The nearest m first (ranked), then the covering ones join them or mark them. */
        size_t nnear = 0;
        double last = 0, cut = reach;
        for (int pass = 0; pass < 2 && r >= 0; pass++) {
            for (int i = 0; i < rows && r >= 0; i++) {
                bool near = PQgetvalue(res, i, NCOLS)[0] == 't';
                if (near != (pass == 0)) continue;
                struct hy_group *g = hy_arena_alloc(a, sizeof *g);
                if (!g || hy_pg_read_row(res, i, &hy_row_group, a, g) < 0) {
                    r = HY_DB_HARD;
                    break;
                }
                if (!near) {
                    if (hy_near_cover(&c, c.n, q, g, 0) < 0) r = HY_DB_HARD;
                    continue;
                }
                double d = hy_geo_distance_m(q->lat, q->lon, g->lat, g->lon);
                nnear++;
                if (d > last) last = d;
                if (d > reach) continue;
                struct hy_near_cand x = {.lat = g->lat, .lon = g->lon, .d = d, .row = g};
                memcpy(x.id, g->id, sizeof x.id);
                if (hy_near_push(&c, &x) < 0) r = HY_DB_HARD;
            }
            if (pass == 0) {
                hy_near_rank(&c, q->limit);
                if (c.n >= q->limit) cut = c.v[q->limit - 1].d;
            }
        }
        PQclear(res);
        if (r < 0) goto out;
        if (nnear < m) break; /* every qualifying group was seen */
        /* Rows not fetched are at least `last` away (to PostGIS's rounding). */
        if (hy_near_cut_safe(last, cut)) break;
        if (m > (size_t)1 << 24) break;
    }
    r = hy_near_answer(&c, q->limit, a, ret);
    if (r < 0) r = HY_DB_HARD;
out:
    hy_near_free(&c);
    return r;
}

/* ---- gazetteer ---- */

static int p_insert_many(hy_store *s, const struct hy_place *p, size_t n) {
    struct arr a[10], nm[3];
    arrs_init(a, 10);
    arrs_init(nm, 3);
    int e = 0;
    for (size_t i = 0; i < n && !e; i++) {
        if (!hy_geo_valid(p[i].lat, p[i].lon)) e = -1;
        if (!e) e = arr_i64(&a[0], p[i].geonameid);
        if (!e) e = arr_add(&a[1], p[i].name);
        if (!e) e = arr_add(&a[2], p[i].ascii_name ? p[i].ascii_name : "");
        if (!e) e = arr_add(&a[3], p[i].country ? p[i].country : "");
        if (!e) e = arr_add(&a[4], p[i].admin1 ? p[i].admin1 : "");
        if (!e) e = arr_f64(&a[5], p[i].lat);
        if (!e) e = arr_f64(&a[6], p[i].lon);
        if (!e) e = arr_i64(&a[7], p[i].population);
        if (!e) e = arr_add(&a[8], p[i].feature ? p[i].feature : "");
        if (!e) e = arr_add(&a[9], p[i].name_fa ? p[i].name_fa : "");
        for (size_t k = 0; k < p[i].nnames && !e; k++) {
            if (!p[i].names[k][0]) continue;
            e = arr_add(&nm[0], p[i].names[k]);
            if (!e) e = arr_i64(&nm[1], p[i].geonameid);
            if (!e) e = arr_i64(&nm[2], p[i].population);
        }
    }
    int r = e ? HY_DB_HARD : arrs_exec(s, HY_PG_Q_GR_PLACES_INSERT, a, 10);
    if (r >= 0 && nm[0].n) r = arrs_exec(s, HY_PG_Q_GR_PLACE_NAMES_INSERT, nm, 3);
    arrs_free(a, 10);
    arrs_free(nm, 3);
    return r < 0 ? r : HY_DB_ONE;
}

static int pc_upsert_many(hy_store *s, const char *const *keys, const char *const *shown,
                          const char *const *countries, const double *lat, const double *lon,
                          size_t n) {
    struct arr a[5];
    arrs_init(a, 5);
    int e = 0;
    for (size_t i = 0; i < n && !e; i++) {
        if (!hy_geo_valid(lat[i], lon[i])) e = -1;
        if (!e) e = arr_add(&a[0], keys[i]);
        if (!e) e = arr_add(&a[1], shown[i]);
        if (!e) e = arr_add(&a[2], countries && countries[i] ? countries[i] : "");
        if (!e) e = arr_f64(&a[3], lat[i]);
        if (!e) e = arr_f64(&a[4], lon[i]);
    }
    int r = e ? HY_DB_HARD : arrs_exec(s, HY_PG_Q_GR_POSTCODES_UPSERT, a, 5);
    arrs_free(a, 5);
    return r < 0 ? r : HY_DB_ONE;
}

const struct hy_group_ops hy_pg_group_ops = {
    HY_GROUP_OPS_SHARED,
    .insert_many = g_insert_many,
    .near = g_near,
    .place_insert_many = p_insert_many,
    .postcode_upsert_many = pc_upsert_many,
};
