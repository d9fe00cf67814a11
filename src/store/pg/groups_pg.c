/* groups_pg.c — the group directory and the gazetteer for the PostgreSQL backend.
 *
 * Behaves exactly as groups_sqlite.c (tests/store/store_groups.c compares them). Nearest groups
 * come from the GiST index on geography (`ORDER BY geog <-> point LIMIT m`, a prepared
 * statement, bounded by ST_DWithin when a radius or a map view limits the search); the rows are
 * then ranked in C by the same haversine distance SQLite uses, ties by id, and m grows until
 * the cut is safe (PostGIS's sphere and ours differ in the last digits). Coverage-area
 * candidates come from a GiST box index. Bulk inserts (imports) send arrays through unnest(),
 * a few thousand rows per statement. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo.h"
#include "store/groups.h"
#include "store/pg/store_pg.h"
#include "util/buf.h"

enum {
    Q_INSERT = HY_PG_GROUPS_BASE,
    Q_INSERT_MANY,
    Q_GET,
    Q_UPDATE,
    Q_STATUS,
    Q_NEAR_ALL,
    Q_NEAR_WITHIN,
    Q_SEARCH,
    Q_SEARCH_COUNT,
    Q_LIST,
    Q_COUNT,
    Q_OWNER_ADD,
    Q_IS_OWNER,
    Q_COORD_ADD,
    Q_COORD_REMOVE,
    Q_IS_COORD,
    Q_PLACES_CLEAR,
    Q_PLACES_INSERT,
    Q_PLACE_NAMES_INSERT,
    Q_POSTCODES_UPSERT,
    Q_GEOCODE_POSTCODE,
    Q_GEOCODE_PLACE,
    Q__END,
};

_Static_assert((int)Q__END <= (int)HY_PG_REQUESTS_BASE,
               "groups statements overflow their id range");

#define GROUP_COLS                                                                                 \
    "id, name, description, lat, lon, area_kind, radius_m, area, area_min_lat, area_min_lon, "     \
    "area_max_lat, area_max_lon, contact, languages, tags, status, verified, demo, name_norm, "    \
    "search_text, created_by, created_at, updated_at"
#define NCOLS 23
#define POINT "ST_SetSRID(ST_MakePoint($2::float8, $1::float8), 4326)::geography"

static const char *const sql_insert =
    "INSERT INTO aid_groups(" GROUP_COLS ") VALUES ($1,$2,$3,$4::float8,$5::float8,$6,"
    "$7::float8,$8,$9::float8,$10::float8,$11::float8,$12::float8,$13,$14,$15,$16,$17::boolean,"
    "$18::boolean,$19,$20,$21,$22::bigint,$23::bigint) ON CONFLICT (id) DO NOTHING";
static const char *const sql_insert_many =
    "INSERT INTO aid_groups(" GROUP_COLS ") SELECT * FROM unnest($1::text[],$2::text[],"
    "$3::text[],$4::float8[],$5::float8[],$6::text[],$7::float8[],$8::text[],$9::float8[],"
    "$10::float8[],$11::float8[],$12::float8[],$13::text[],$14::text[],$15::text[],$16::text[],"
    "$17::boolean[],$18::boolean[],$19::text[],$20::text[],$21::text[],$22::bigint[],"
    "$23::bigint[])";
static const char *const sql_get = "SELECT " GROUP_COLS " FROM aid_groups WHERE id = $1";
static const char *const sql_update =
    "UPDATE aid_groups SET name=$2, description=$3, lat=$4::float8, lon=$5::float8, "
    "area_kind=$6, radius_m=$7::float8, area=$8, area_min_lat=$9::float8, "
    "area_min_lon=$10::float8, area_max_lat=$11::float8, area_max_lon=$12::float8, contact=$13, "
    "languages=$14, tags=$15, name_norm=$16, search_text=$17, updated_at=$18::bigint "
    "WHERE id = $1";
static const char *const sql_status =
    "UPDATE aid_groups SET status=$2, verified=$3::boolean, updated_at=$4::bigint WHERE id = $1";
/* Nearest groups in one round trip: the whole rows of the m nearest approved groups (GiST KNN
 * on geography; the bounded form lets the index stop at the reach) and of the groups whose
 * area's bounding box holds the point, each marked with the list it came from (a group may be
 * in both). $1 lat, $2 lon, $3 m, $4 reach in metres, $5..$8 an optional box. No join: with
 * LIMIT $3 unknown, a generic plan would hash-join the whole table. */
#define NEAR_TAIL                                                                                  \
    " ORDER BY geog <-> " POINT " LIMIT $3::bigint) UNION ALL "                                   \
    "(SELECT " GROUP_COLS ", false FROM aid_groups WHERE status = 'approved' AND "                \
    "area_kind <> 'none' AND "                                                                    \
    "box(point(area_min_lon, area_min_lat), point(area_max_lon, area_max_lat)) @> "              \
    "box(point($2::float8, $1::float8), point($2::float8, $1::float8)))"
static const char *const sql_near_all =
    /* (every parameter appears, so that both forms take the same eight) */
    "(SELECT " GROUP_COLS ", true FROM aid_groups WHERE status = 'approved' AND $4::float8 > 0 "
    "AND num_nulls($5::float8, $6::float8, $7::float8, $8::float8) >= 0"
    NEAR_TAIL;
static const char *const sql_near_within =
    "(SELECT " GROUP_COLS ", true FROM aid_groups WHERE status = 'approved' "
    "AND ST_DWithin(geog, " POINT ", $4::float8, false) "
    "AND ($5::float8 IS NULL OR (lat BETWEEN $5::float8 AND $6::float8 AND "
    "CASE WHEN $7::float8 <= $8::float8 THEN lon BETWEEN $7::float8 AND $8::float8 "
    "ELSE (lon >= $7::float8 OR lon <= $8::float8) END))"
    NEAR_TAIL;
static const char *const sql_search =
    "SELECT " GROUP_COLS " FROM aid_groups WHERE search_tsv @@ to_tsquery('simple', $1) "
    "AND status = 'approved' ORDER BY name_norm, id LIMIT $2::bigint OFFSET $3::bigint";
static const char *const sql_search_count =
    "SELECT count(*) FROM aid_groups WHERE search_tsv @@ to_tsquery('simple', $1) "
    "AND status = 'approved'";
static const char *const sql_list = "SELECT " GROUP_COLS " FROM aid_groups WHERE status = $1 "
                                    "AND id > $2 ORDER BY id LIMIT $3::bigint";
static const char *const sql_count = "SELECT count(*) FROM aid_groups WHERE status = $1";
static const char *const sql_owner_add =
    "INSERT INTO group_owners(group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char *const sql_is_owner =
    "SELECT 1 FROM group_owners WHERE group_id = $1 AND user_id = $2";
static const char *const sql_coord_add =
    "INSERT INTO group_coordinators(group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char *const sql_coord_remove =
    "DELETE FROM group_coordinators WHERE group_id = $1 AND user_id = $2";
static const char *const sql_is_coord =
    "SELECT 1 FROM group_coordinators WHERE group_id = $1 AND user_id = $2";
static const char *const sql_places_clear = "TRUNCATE place_names, places";
static const char *const sql_places_insert =
    "INSERT INTO places(geonameid, name, ascii_name, country, admin1, lat, lon, population) "
    "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], "
    "$6::float8[], $7::float8[], $8::bigint[]) ON CONFLICT (geonameid) DO UPDATE SET "
    "name = excluded.name, ascii_name = excluded.ascii_name, country = excluded.country, "
    "admin1 = excluded.admin1, lat = excluded.lat, lon = excluded.lon, "
    "population = excluded.population";
static const char *const sql_place_names_insert =
    "INSERT INTO place_names(name_norm, geonameid, population) "
    "SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) ON CONFLICT DO NOTHING";
static const char *const sql_postcodes_upsert =
    "INSERT INTO postcodes(key, postcode, country, lat, lon) "
    "SELECT DISTINCT ON (k) k, p, c, la, lo FROM unnest($1::text[], $2::text[], $3::text[], "
    "$4::float8[], $5::float8[]) WITH ORDINALITY AS t(k, p, c, la, lo, ord) "
    "ORDER BY k, ord DESC ON CONFLICT (key) DO UPDATE SET postcode = excluded.postcode, "
    "country = excluded.country, lat = excluded.lat, lon = excluded.lon";
static const char *const sql_geocode_postcode =
    "SELECT key, postcode, country, lat, lon, key = $1::text FROM postcodes "
    "WHERE key >= $1::text AND key < $1::text || chr(1114111) "
    "ORDER BY key = $1::text DESC, key LIMIT $2::bigint";
static const char *const sql_geocode_place =
    "SELECT p.geonameid, p.name, p.ascii_name, p.country, p.admin1, p.lat, p.lon, p.population, "
    "bool_or(n.name_norm = $1::text) AS exact FROM place_names n "
    "JOIN places p ON p.geonameid = n.geonameid "
    "WHERE n.name_norm >= $1::text AND n.name_norm < $1::text || chr(1114111) "
    "GROUP BY p.geonameid ORDER BY exact DESC, p.population DESC, p.geonameid LIMIT $2::bigint";

/* ---- parameters ---- */

#define NUM_LEN HY_PG_NUM_LEN

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
    char buf[NUM_LEN];
    return arr_add(a, hy_pg_fmt_f64(buf, v));
}

static int arr_i64(struct arr *a, int64_t v) {
    char buf[NUM_LEN];
    return arr_add(a, hy_pg_fmt_i64(buf, v));
}

static const char *arr_done(struct arr *a) {
    if (a->n == 0 && hy_buf_putc(&a->b, '{')) return NULL;
    if (hy_buf_putc(&a->b, '}')) return NULL;
    return a->b.data;
}

static void arrs_free(struct arr *a, size_t n) {
    for (size_t i = 0; i < n; i++)
        hy_buf_free(&a[i].b);
}

/* ---- rows ---- */

struct row {
    const PGresult *res;
    int i;
    hy_arena *a;
    bool ok;
};

static const char *row_text(struct row *r, int col) {
    if (col >= PQnfields(r->res)) {
        r->ok = false;
        return NULL;
    }
    if (PQgetisnull(r->res, r->i, col)) return NULL;
    char *v = hy_arena_strndup(r->a, PQgetvalue(r->res, r->i, col),
                               (size_t)PQgetlength(r->res, r->i, col));
    if (!v) r->ok = false;
    return v;
}

static double row_f64(struct row *r, int col) {
    if (col >= PQnfields(r->res) || PQgetisnull(r->res, r->i, col)) return 0;
    const char *v = PQgetvalue(r->res, r->i, col);
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end) r->ok = false;
    return d;
}

static int64_t row_i64(struct row *r, int col) {
    if (col >= PQnfields(r->res) || PQgetisnull(r->res, r->i, col)) return 0;
    const char *v = PQgetvalue(r->res, r->i, col);
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (end == v || *end || errno) r->ok = false;
    return (int64_t)n;
}

static bool row_bool(struct row *r, int col) {
    if (col >= PQnfields(r->res) || PQgetisnull(r->res, r->i, col)) return false;
    return PQgetvalue(r->res, r->i, col)[0] == 't';
}

static int read_group(const PGresult *res, int i, hy_arena *a, struct hy_group *g) {
    struct row r = {res, i, a, true};
    memset(g, 0, sizeof *g);
    const char *id = PQgetvalue(res, i, 0);
    if (!id || strlen(id) > HY_ID_LEN) return HY_DB_HARD;
    memcpy(g->id, id, strlen(id) + 1);
    g->name = row_text(&r, 1);
    g->description = row_text(&r, 2);
    g->lat = row_f64(&r, 3);
    g->lon = row_f64(&r, 4);
    g->area_kind = row_text(&r, 5);
    g->radius_m = row_f64(&r, 6);
    g->area = row_text(&r, 7);
    g->area_box.min_lat = row_f64(&r, 8);
    g->area_box.min_lon = row_f64(&r, 9);
    g->area_box.max_lat = row_f64(&r, 10);
    g->area_box.max_lon = row_f64(&r, 11);
    g->contact = row_text(&r, 12);
    g->languages = row_text(&r, 13);
    g->tags = row_text(&r, 14);
    g->status = row_text(&r, 15);
    g->verified = row_bool(&r, 16);
    g->demo = row_bool(&r, 17);
    g->name_norm = row_text(&r, 18);
    g->search_text = row_text(&r, 19);
    g->created_by = row_text(&r, 20);
    g->created_at = row_i64(&r, 21);
    g->updated_at = row_i64(&r, 22);
    return r.ok && g->name && g->area_kind && g->status ? HY_DB_ONE : HY_DB_HARD;
}

static bool group_finite(const struct hy_group *g) {
    return hy_geo_valid(g->lat, g->lon) && isfinite(g->radius_m) && isfinite(g->area_box.min_lat) &&
           isfinite(g->area_box.min_lon) && isfinite(g->area_box.max_lat) &&
           isfinite(g->area_box.max_lon);
}

/* The 23 parameters of an insert, as text, in `nb` (NUM_LEN each, 8 of them). */
static void group_params(const struct hy_group *g, const char *p[NCOLS], char nb[8][NUM_LEN]) {
    bool has = g->area_kind && strcmp(g->area_kind, "none") != 0;
    bool radius = has && !strcmp(g->area_kind, "radius");
    p[0] = g->id;
    p[1] = g->name;
    p[2] = g->description ? g->description : "";
    p[3] = hy_pg_fmt_f64(nb[0], g->lat);
    p[4] = hy_pg_fmt_f64(nb[1], g->lon);
    p[5] = g->area_kind ? g->area_kind : "none";
    p[6] = radius ? hy_pg_fmt_f64(nb[2], g->radius_m) : NULL;
    p[7] = has ? g->area : NULL;
    p[8] = has ? hy_pg_fmt_f64(nb[3], g->area_box.min_lat) : NULL;
    p[9] = has ? hy_pg_fmt_f64(nb[4], g->area_box.min_lon) : NULL;
    p[10] = has ? hy_pg_fmt_f64(nb[5], g->area_box.max_lat) : NULL;
    p[11] = has ? hy_pg_fmt_f64(nb[6], g->area_box.max_lon) : NULL;
    p[12] = g->contact ? g->contact : "{}";
    p[13] = g->languages ? g->languages : "[]";
    p[14] = g->tags ? g->tags : "[]";
    p[15] = g->status;
    p[16] = g->verified ? "true" : "false";
    p[17] = g->demo ? "true" : "false";
    p[18] = g->name_norm ? g->name_norm : "";
    p[19] = g->search_text ? g->search_text : "";
    p[20] = g->created_by;
    p[21] = hy_pg_fmt_i64(nb[7], g->created_at);
    p[22] = NULL; /* set by the caller (a second number buffer) */
}

/* ---- groups ---- */

static int g_insert(hy_store *base, const struct hy_group *g) {
    if (!group_finite(g)) return HY_DB_HARD;
    const char *p[NCOLS];
    char nb[8][NUM_LEN], up[NUM_LEN];
    group_params(g, p, nb);
    p[22] = hy_pg_fmt_i64(up, g->updated_at);
    return hy_pg_exec(hy_pg_of(base), Q_INSERT, sql_insert, NCOLS, p, NULL);
}

static int g_insert_many(hy_store *base, const struct hy_group *g, size_t n) {
    hy_pg *s = hy_pg_of(base);
    const size_t batch = 2000;
    for (size_t start = 0; start < n; start += batch) {
        size_t end = start + batch < n ? start + batch : n;
        struct arr cols[NCOLS];
        for (int c = 0; c < NCOLS; c++)
            cols[c] = (struct arr){HY_BUF_INIT(0), 0};
        int e = 0;
        for (size_t i = start; i < end && !e; i++) {
            if (!group_finite(&g[i])) {
                arrs_free(cols, NCOLS);
                return HY_DB_HARD;
            }
            const char *p[NCOLS];
            char nb[8][NUM_LEN], up[NUM_LEN];
            group_params(&g[i], p, nb);
            p[22] = hy_pg_fmt_i64(up, g[i].updated_at);
            for (int c = 0; c < NCOLS && !e; c++)
                e = arr_add(&cols[c], p[c]);
        }
        const char *vals[NCOLS];
        for (int c = 0; c < NCOLS && !e; c++)
            if (!(vals[c] = arr_done(&cols[c]))) e = -1;
        int r = e ? HY_DB_HARD : hy_pg_exec(s, Q_INSERT_MANY, sql_insert_many, NCOLS, vals, NULL);
        arrs_free(cols, NCOLS);
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}

static int g_get(hy_store *base, const char *id, hy_arena *a, struct hy_group *ret) {
    const char *p[] = {id};
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_GET, sql_get, 1, p, &res);
    if (r != HY_DB_ONE) return r;
    struct hy_group g;
    r = read_group(res, 0, a, &g);
    PQclear(res);
    if (r == HY_DB_ONE) *ret = g;
    return r;
}

static int g_update(hy_store *base, const struct hy_group *g) {
    if (!group_finite(g)) return HY_DB_HARD;
    const char *p[NCOLS];
    char nb[8][NUM_LEN], up[NUM_LEN];
    group_params(g, p, nb);
    /* UPDATE takes $1..$15 as INSERT does, then name_norm, search_text, updated_at. */
    p[15] = p[18];
    p[16] = p[19];
    p[17] = hy_pg_fmt_i64(up, g->updated_at);
    return hy_pg_exec(hy_pg_of(base), Q_UPDATE, sql_update, 18, p, NULL);
}

static int g_set_status(hy_store *base, const char *id, const char *status, bool verified,
                        int64_t now) {
    char nb[NUM_LEN];
    const char *p[] = {id, status, verified ? "true" : "false", hy_pg_fmt_i64(nb, now)};
    return hy_pg_exec(hy_pg_of(base), Q_STATUS, sql_status, 4, p, NULL);
}

/* ---- nearest ---- */

struct cand {
    char id[HY_ID_LEN + 1];
    double lat, lon, d;
    bool covers;
    struct hy_group *row; /* the whole row, in the arena */
};

static int cand_cmp(const void *pa, const void *pb) {
    const struct cand *a = pa, *b = pb;
    if (a->covers != b->covers) return a->covers ? -1 : 1;
    if (a->d != b->d) return a->d < b->d ? -1 : 1;
    return strcmp(a->id, b->id);
}

static int g_near(hy_store *base, const struct hy_group_near *q, hy_arena *a,
                  struct hy_group **ret) {
    hy_pg *s = hy_pg_of(base);
    if (!hy_geo_valid(q->lat, q->lon) || q->limit == 0 || q->limit > HY_GROUPS_LIMIT_MAX)
        return HY_DB_HARD;
    const double world = 3.14159265358979323846 * HY_EARTH_RADIUS_M;
    double reach = q->radius_m > 0 ? q->radius_m : world;
    if (q->has_box) {
        double br = hy_bbox_reach_m(&q->box, q->lat, q->lon);
        if (br < reach) reach = br;
    }
    bool bounded = reach < world;
    char nb[9][NUM_LEN];
    const char *p[8] = {hy_pg_fmt_f64(nb[0], q->lat),
                        hy_pg_fmt_f64(nb[1], q->lon),
                        NULL,
                        hy_pg_fmt_f64(nb[3], reach * (1 + 1e-6) + 1),
                        NULL,
                        NULL,
                        NULL,
                        NULL};
    if (q->has_box) {
        p[4] = hy_pg_fmt_f64(nb[4], q->box.min_lat);
        p[5] = hy_pg_fmt_f64(nb[5], q->box.max_lat);
        p[6] = hy_pg_fmt_f64(nb[6], q->box.min_lon);
        p[7] = hy_pg_fmt_f64(nb[7], q->box.max_lon);
    }
    struct cand *c = NULL;
    size_t n = 0;
    int r;
    for (size_t m = q->limit + 2;; m *= 4) {
        p[2] = hy_pg_fmt_i64(nb[2], (int64_t)m);
        PGresult *res = NULL;
        r = bounded ? hy_pg_exec(s, Q_NEAR_WITHIN, sql_near_within, 8, p, &res)
                    : hy_pg_exec(s, Q_NEAR_ALL, sql_near_all, 8, p, &res);
        if (r < 0) goto out;
        int rows = r == HY_DB_ONE ? PQntuples(res) : 0;
        free(c);
        c = calloc((size_t)rows + 1, sizeof *c);
        if (!c) {
            PQclear(res);
            r = HY_DB_HARD;
            goto out;
        }
        /* The nearest m first (ranked), then the covering ones join them or mark them. */
        n = 0;
        size_t nnear = 0;
        double last = 0, cut = reach;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < rows; i++) {
                bool near = PQgetvalue(res, i, NCOLS)[0] == 't';
                if (near != (pass == 0)) continue;
                struct hy_group *g = hy_arena_alloc(a, sizeof *g);
                if (!g || read_group(res, i, a, g) < 0) {
                    PQclear(res);
                    r = HY_DB_HARD;
                    goto out;
                }
                double d = hy_geo_distance_m(q->lat, q->lon, g->lat, g->lon);
                if (near) {
                    nnear++;
                    if (d > last) last = d;
                    if (d > reach) continue;
                    struct cand x = {.lat = g->lat, .lon = g->lon, .d = d, .row = g};
                    memcpy(x.id, g->id, sizeof x.id);
                    c[n++] = x;
                    continue;
                }
                if (q->has_box && !hy_bbox_has(&q->box, g->lat, g->lon)) continue;
                if (!hy_area_covers(g->area_kind, g->radius_m, g->area, g->lat, g->lon, q->lat,
                                    q->lon))
                    continue;
                bool found = false;
                for (size_t k = 0; k < n; k++)
                    if (!strcmp(c[k].id, g->id)) c[k].covers = found = true;
                if (!found) {
                    struct cand x = {.lat = g->lat, .lon = g->lon, .d = d, .covers = true, .row = g};
                    memcpy(x.id, g->id, sizeof x.id);
                    c[n++] = x;
                }
            }
            if (pass == 0) {
                qsort(c, n, sizeof *c, cand_cmp);
                if (n >= q->limit) cut = c[q->limit - 1].d;
                if (n > q->limit) n = q->limit;
            }
        }
        PQclear(res);
        if (nnear < m) break; /* every qualifying group was seen */
        /* Rows not fetched are at least `last` away (to PostGIS's rounding): safe when that
         * is clearly beyond the cut. */
        if (last > cut * (1 + 1e-7) + 0.01) break;
        if (m > (size_t)1 << 24) break;
    }
    qsort(c, n, sizeof *c, cand_cmp);
    if (n > q->limit) n = q->limit;
    struct hy_group *out = hy_arena_zalloc(a, (n + 1) * sizeof *out);
    if (!out) {
        r = HY_DB_HARD;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = *c[i].row;
        out[i].distance_m = c[i].d;
        out[i].covers = c[i].covers;
    }
    *ret = out;
    r = (int)n;
out:
    free(c);
    return r;
}

/* ---- search and lists ---- */

static char *ts_query(hy_arena *a, const char *const *tokens, size_t n) {
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(tokens[i]) * 2 + 8;
    char *q = hy_arena_alloc(a, len);
    if (!q) return NULL;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            memcpy(q + w, " & ", 3);
            w += 3;
        }
        q[w++] = '\'';
        for (const char *p = tokens[i]; *p; p++) {
            if (*p == '\'' || *p == '\\') q[w++] = *p;
            q[w++] = *p;
        }
        memcpy(q + w, "':*", 3);
        w += 3;
    }
    q[w] = '\0';
    return q;
}

static int read_groups(PGresult *res, size_t limit, hy_arena *a, struct hy_group **ret) {
    int rows = res ? PQntuples(res) : 0;
    if ((size_t)rows > limit) rows = (int)limit;
    struct hy_group *v = hy_arena_zalloc(a, ((size_t)rows + 1) * sizeof *v);
    int r = v ? rows : HY_DB_HARD;
    for (int i = 0; v && i < rows; i++)
        if (read_group(res, i, a, &v[i]) < 0) r = HY_DB_HARD;
    PQclear(res);
    if (r >= 0) *ret = v;
    return r;
}

static int g_search(hy_store *base, const char *const *tokens, size_t ntokens, size_t limit,
                    size_t offset, hy_arena *a, struct hy_group **ret, size_t *ret_total) {
    hy_pg *s = hy_pg_of(base);
    if (ntokens == 0 || limit == 0 || limit > HY_GROUPS_LIMIT_MAX) return HY_DB_HARD;
    char *q = ts_query(a, tokens, ntokens);
    if (!q) return HY_DB_HARD;
    char nb[2][NUM_LEN];
    const char *p[] = {q, hy_pg_fmt_i64(nb[0], (int64_t)limit),
                       hy_pg_fmt_i64(nb[1], offset > INT32_MAX ? INT32_MAX : (int64_t)offset)};
    PGresult *res;
    int r = hy_pg_exec(s, Q_SEARCH_COUNT, sql_search_count, 1, p, &res);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    size_t total = (size_t)strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    res = NULL;
    r = hy_pg_exec(s, Q_SEARCH, sql_search, 3, p, &res);
    if (r < 0) return r;
    r = read_groups(r == HY_DB_ONE ? res : NULL, limit, a, ret);
    if (r >= 0) *ret_total = total;
    return r;
}

static int g_list(hy_store *base, const char *status, const char *after, size_t limit, hy_arena *a,
                  struct hy_group **ret) {
    if (limit == 0 || limit > 100000) return HY_DB_HARD;
    char nb[NUM_LEN];
    const char *p[] = {status, after ? after : "", hy_pg_fmt_i64(nb, (int64_t)limit)};
    PGresult *res = NULL;
    int r = hy_pg_exec(hy_pg_of(base), Q_LIST, sql_list, 3, p, &res);
    if (r < 0) return r;
    return read_groups(r == HY_DB_ONE ? res : NULL, limit, a, ret);
}

static int g_count(hy_store *base, const char *status, size_t *ret_count) {
    const char *p[] = {status};
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_COUNT, sql_count, 1, p, &res);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    *ret_count = (size_t)strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return HY_DB_ONE;
}

/* ---- owners and coordinators ---- */

static int pair(hy_store *base, int id, const char *sql, const char *g, const char *u) {
    const char *p[] = {g, u};
    return hy_pg_exec(hy_pg_of(base), id, sql, 2, p, NULL);
}

static int g_owner_add(hy_store *s, const char *g, const char *u) {
    return pair(s, Q_OWNER_ADD, sql_owner_add, g, u);
}
static int g_is_owner(hy_store *s, const char *g, const char *u) {
    return pair(s, Q_IS_OWNER, sql_is_owner, g, u);
}
static int g_coord_add(hy_store *s, const char *g, const char *u) {
    return pair(s, Q_COORD_ADD, sql_coord_add, g, u);
}
static int g_coord_remove(hy_store *s, const char *g, const char *u) {
    return pair(s, Q_COORD_REMOVE, sql_coord_remove, g, u);
}
static int g_is_coord(hy_store *s, const char *g, const char *u) {
    return pair(s, Q_IS_COORD, sql_is_coord, g, u);
}

/* ---- gazetteer ---- */

static int p_clear(hy_store *base) {
    int r = hy_pg_exec(hy_pg_of(base), Q_PLACES_CLEAR, sql_places_clear, 0, NULL, NULL);
    return r < 0 ? r : HY_DB_ONE;
}

static int p_insert_many(hy_store *base, const struct hy_place *p, size_t n) {
    hy_pg *s = hy_pg_of(base);
    struct arr a[8], nm[3];
    for (int c = 0; c < 8; c++)
        a[c] = (struct arr){HY_BUF_INIT(0), 0};
    for (int c = 0; c < 3; c++)
        nm[c] = (struct arr){HY_BUF_INIT(0), 0};
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
        for (size_t k = 0; k < p[i].nnames && !e; k++) {
            if (!p[i].names[k][0]) continue;
            e = arr_add(&nm[0], p[i].names[k]);
            if (!e) e = arr_i64(&nm[1], p[i].geonameid);
            if (!e) e = arr_i64(&nm[2], p[i].population);
        }
    }
    const char *v[8], *w[3];
    for (int c = 0; c < 8 && !e; c++)
        if (!(v[c] = arr_done(&a[c]))) e = -1;
    for (int c = 0; c < 3 && !e; c++)
        if (!(w[c] = arr_done(&nm[c]))) e = -1;
    int r = e ? HY_DB_HARD : hy_pg_exec(s, Q_PLACES_INSERT, sql_places_insert, 8, v, NULL);
    if (r >= 0 && nm[0].n)
        r = hy_pg_exec(s, Q_PLACE_NAMES_INSERT, sql_place_names_insert, 3, w, NULL);
    arrs_free(a, 8);
    arrs_free(nm, 3);
    return r < 0 ? r : HY_DB_ONE;
}

static int pc_upsert_many(hy_store *base, const char *const *keys, const char *const *shown,
                          const char *const *countries, const double *lat, const double *lon,
                          size_t n) {
    struct arr a[5];
    for (int c = 0; c < 5; c++)
        a[c] = (struct arr){HY_BUF_INIT(0), 0};
    int e = 0;
    for (size_t i = 0; i < n && !e; i++) {
        if (!hy_geo_valid(lat[i], lon[i])) e = -1;
        if (!e) e = arr_add(&a[0], keys[i]);
        if (!e) e = arr_add(&a[1], shown[i]);
        if (!e) e = arr_add(&a[2], countries && countries[i] ? countries[i] : "");
        if (!e) e = arr_f64(&a[3], lat[i]);
        if (!e) e = arr_f64(&a[4], lon[i]);
    }
    const char *v[5];
    for (int c = 0; c < 5 && !e; c++)
        if (!(v[c] = arr_done(&a[c]))) e = -1;
    int r = e ? HY_DB_HARD
              : hy_pg_exec(hy_pg_of(base), Q_POSTCODES_UPSERT, sql_postcodes_upsert, 5, v, NULL);
    arrs_free(a, 5);
    return r < 0 ? r : HY_DB_ONE;
}

static int p_geocode(hy_store *base, const char *prefix, const char *pkey, size_t limit,
                     hy_arena *a, struct hy_place **ret) {
    hy_pg *s = hy_pg_of(base);
    if (limit == 0 || limit > 100) return HY_DB_HARD;
    struct hy_place *v = hy_arena_zalloc(a, (limit + 1) * sizeof *v);
    if (!v) return HY_DB_HARD;
    size_t n = 0;
    char nb[NUM_LEN];
    if (pkey && *pkey) {
        const char *p[] = {pkey, hy_pg_fmt_i64(nb, (int64_t)limit)};
        PGresult *res;
        int r = hy_pg_exec(s, Q_GEOCODE_POSTCODE, sql_geocode_postcode, 2, p, &res);
        if (r < 0) return r;
        if (r == HY_DB_ONE) {
            int rows = PQntuples(res);
            bool ok = true;
            for (int i = 0; i < rows && n < limit; i++) {
                struct row rw = {res, i, a, true};
                struct hy_place *pl = &v[n++];
                pl->kind = "postcode";
                pl->name = row_text(&rw, 1);
                pl->ascii_name = pl->name;
                pl->country = row_text(&rw, 2);
                pl->admin1 = "";
                pl->lat = row_f64(&rw, 3);
                pl->lon = row_f64(&rw, 4);
                pl->exact = row_bool(&rw, 5);
                ok = ok && rw.ok;
            }
            PQclear(res);
            if (!ok) return HY_DB_HARD;
        }
    }
    if (n < limit && prefix && *prefix) {
        const char *p[] = {prefix, hy_pg_fmt_i64(nb, (int64_t)(limit - n))};
        PGresult *res;
        int r = hy_pg_exec(s, Q_GEOCODE_PLACE, sql_geocode_place, 2, p, &res);
        if (r < 0) return r;
        if (r == HY_DB_ONE) {
            int rows = PQntuples(res);
            bool ok = true;
            for (int i = 0; i < rows && n < limit; i++) {
                struct row rw = {res, i, a, true};
                struct hy_place *pl = &v[n++];
                pl->kind = "place";
                pl->geonameid = row_i64(&rw, 0);
                pl->name = row_text(&rw, 1);
                pl->ascii_name = row_text(&rw, 2);
                pl->country = row_text(&rw, 3);
                pl->admin1 = row_text(&rw, 4);
                pl->lat = row_f64(&rw, 5);
                pl->lon = row_f64(&rw, 6);
                pl->population = row_i64(&rw, 7);
                pl->exact = row_bool(&rw, 8);
                ok = ok && rw.ok;
            }
            PQclear(res);
            if (!ok) return HY_DB_HARD;
        }
    }
    *ret = v;
    return (int)n;
}

const struct hy_group_ops hy_pg_group_ops = {
    .insert = g_insert,
    .insert_many = g_insert_many,
    .get = g_get,
    .update = g_update,
    .set_status = g_set_status,
    .near = g_near,
    .search = g_search,
    .list = g_list,
    .count = g_count,
    .owner_add = g_owner_add,
    .is_owner = g_is_owner,
    .coordinator_add = g_coord_add,
    .coordinator_remove = g_coord_remove,
    .is_coordinator = g_is_coord,
    .places_clear = p_clear,
    .place_insert_many = p_insert_many,
    .postcode_upsert_many = pc_upsert_many,
    .geocode = p_geocode,
};
