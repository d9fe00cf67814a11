/* groups_sqlite.c — the group directory and the gazetteer for the SQLite backend.
 *
 * Approved groups sit in an R*Tree (aid_groups_rtree: a point box per group, with the exact
 * lat/lon and id as auxiliary columns) kept by triggers; groups with a coverage area also have
 * its bounding box in aid_groups_area_rtree. Nearest groups: a circle around the point grows
 * (its first size guessed from the density seen last time near there) until it holds `limit`
 * groups; each round asks the R*Tree for the box (two boxes across ±180, all longitudes near a
 * pole) around the circle, and the survivors are ranked by haversine distance in C, ties by id.
 * Text search goes through an external-content FTS5 table over the normalised search_text. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo.h"
#include "store/groups.h"
#include "store/sqlite/store_sqlite.h"

enum {
    Q_INSERT = HY_SQ_GROUPS_BASE,
    Q_GET,
    Q_GET_SEQ,
    Q_UPDATE,
    Q_STATUS,
    Q_RTREE_BOX,
    Q_RTREE_CELLS,
    Q_AREA_AT,
    Q_SEARCH,
    Q_SEARCH_COUNT,
    Q_LIST,
    Q_COUNT,
    Q_OWNER_ADD,
    Q_IS_OWNER,
    Q_COORD_ADD,
    Q_COORD_REMOVE,
    Q_IS_COORD,
    Q_PLACES_CLEAR_NAMES,
    Q_PLACES_CLEAR,
    Q_PLACE_INSERT,
    Q_PLACE_NAME_INSERT,
    Q_POSTCODE_UPSERT,
    Q_GEOCODE_POSTCODE,
    Q_GEOCODE_PLACE,
    Q_LAYOUT_BASE,
    Q__END,
};

_Static_assert((int)Q__END <= (int)HY_SQ_REQUESTS_BASE,
               "groups statements overflow their id range");

#define GROUP_COLS                                                                                 \
    "id, name, description, lat, lon, area_kind, radius_m, area, area_min_lat, area_min_lon, "     \
    "area_max_lat, area_max_lon, contact, languages, tags, status, verified, demo, name_norm, "    \
    "search_text, created_by, created_at, updated_at"

static const char *const sql_insert =
    "INSERT INTO aid_groups(" GROUP_COLS ", seq) VALUES "
    "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24) "
    "ON CONFLICT(id) DO NOTHING";
static const char *const sql_layout_base = "SELECT coalesce(max(seq), 0) + 1 FROM aid_groups";
static const char *const sql_get = "SELECT " GROUP_COLS " FROM aid_groups WHERE id = ?1";
static const char *const sql_get_seq = "SELECT " GROUP_COLS " FROM aid_groups WHERE seq = ?1";
static const char *const sql_update =
    "UPDATE aid_groups SET name=?2, description=?3, lat=?4, lon=?5, area_kind=?6, radius_m=?7, "
    "area=?8, area_min_lat=?9, area_min_lon=?10, area_max_lat=?11, area_max_lon=?12, "
    "contact=?13, languages=?14, tags=?15, name_norm=?16, search_text=?17, updated_at=?18 "
    "WHERE id = ?1";
static const char *const sql_status =
    "UPDATE aid_groups SET status=?2, verified=?3, updated_at=?4 WHERE id = ?1";
static const char *const sql_rtree_box =
    "SELECT seq, id, lat, lon FROM aid_groups_rtree WHERE min_lat <= ?2 AND max_lat >= ?1 AND "
    "min_lon <= ?4 AND max_lon >= ?3";
/* The same without the auxiliary columns: reading those costs SQLite a statement prepared per
 * query and a lookup per row. The box coordinates are 32-bit floats rounded outwards, so each
 * one brackets the exact position within a fraction of a metre. */
static const char *const sql_rtree_cells =
    "SELECT seq, min_lat, max_lat, min_lon, max_lon FROM aid_groups_rtree WHERE min_lat <= ?2 "
    "AND max_lat >= ?1 AND min_lon <= ?4 AND max_lon >= ?3";
static const char *const sql_area_at =
    "SELECT seq FROM aid_groups_area_rtree WHERE min_lat <= ?1 AND max_lat >= ?1 AND "
    "min_lon <= ?2 AND max_lon >= ?2";
static const char *const sql_search =
    "SELECT " GROUP_COLS " FROM aid_groups WHERE seq IN "
    "(SELECT rowid FROM aid_groups_fts WHERE aid_groups_fts MATCH ?1) AND status = 'approved' "
    "ORDER BY name_norm, id LIMIT ?2 OFFSET ?3";
static const char *const sql_search_count =
    "SELECT count(*) FROM aid_groups WHERE seq IN "
    "(SELECT rowid FROM aid_groups_fts WHERE aid_groups_fts MATCH ?1) AND status = 'approved'";
static const char *const sql_list = "SELECT " GROUP_COLS " FROM aid_groups WHERE status = ?1 "
                                    "AND id > ?2 ORDER BY id LIMIT ?3";
static const char *const sql_count = "SELECT count(*) FROM aid_groups WHERE status = ?1";
static const char *const sql_owner_add =
    "INSERT INTO group_owners(group_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char *const sql_is_owner =
    "SELECT 1 FROM group_owners WHERE group_id = ?1 AND user_id = ?2";
static const char *const sql_coord_add =
    "INSERT INTO group_coordinators(group_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char *const sql_coord_remove =
    "DELETE FROM group_coordinators WHERE group_id = ?1 AND user_id = ?2";
static const char *const sql_is_coord =
    "SELECT 1 FROM group_coordinators WHERE group_id = ?1 AND user_id = ?2";
static const char *const sql_places_clear_names = "DELETE FROM place_names";
static const char *const sql_places_clear = "DELETE FROM places";
static const char *const sql_place_insert =
    "INSERT OR REPLACE INTO places(geonameid, name, ascii_name, country, admin1, lat, lon, "
    "population) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)";
static const char *const sql_place_name_insert =
    "INSERT OR IGNORE INTO place_names(name_norm, geonameid, population) VALUES (?1,?2,?3)";
static const char *const sql_postcode_upsert =
    "INSERT INTO postcodes(key, postcode, country, lat, lon) VALUES (?1,?2,?3,?4,?5) "
    "ON CONFLICT(key) DO UPDATE SET postcode=excluded.postcode, country=excluded.country, "
    "lat=excluded.lat, lon=excluded.lon";
static const char *const sql_geocode_postcode =
    "SELECT key, postcode, country, lat, lon, key = ?1 FROM postcodes "
    "WHERE key >= ?1 AND key < ?1 || char(1114111) ORDER BY key = ?1 DESC, key LIMIT ?2";
static const char *const sql_geocode_place =
    "SELECT p.geonameid, p.name, p.ascii_name, p.country, p.admin1, p.lat, p.lon, p.population, "
    "max(n.name_norm = ?1) AS exact FROM place_names n JOIN places p ON p.geonameid = n.geonameid "
    "WHERE n.name_norm >= ?1 AND n.name_norm < ?1 || char(1114111) "
    "GROUP BY p.geonameid ORDER BY exact DESC, p.population DESC, p.geonameid LIMIT ?2";

/* ---- helpers ---- */

static int read_group(sqlite3_stmt *st, hy_arena *a, struct hy_group *g) {
    bool ok = true;
    memset(g, 0, sizeof *g);
    const char *id = (const char *)sqlite3_column_text(st, 0);
    if (!id || strlen(id) > HY_ID_LEN) return HY_DB_HARD;
    memcpy(g->id, id, strlen(id) + 1);
    g->name = hy_sq_col_text(st, 1, a, &ok);
    g->description = hy_sq_col_text(st, 2, a, &ok);
    g->lat = sqlite3_column_double(st, 3);
    g->lon = sqlite3_column_double(st, 4);
    g->area_kind = hy_sq_col_text(st, 5, a, &ok);
    g->radius_m = sqlite3_column_double(st, 6);
    g->area = hy_sq_col_text(st, 7, a, &ok);
    g->area_box.min_lat = sqlite3_column_double(st, 8);
    g->area_box.min_lon = sqlite3_column_double(st, 9);
    g->area_box.max_lat = sqlite3_column_double(st, 10);
    g->area_box.max_lon = sqlite3_column_double(st, 11);
    g->contact = hy_sq_col_text(st, 12, a, &ok);
    g->languages = hy_sq_col_text(st, 13, a, &ok);
    g->tags = hy_sq_col_text(st, 14, a, &ok);
    g->status = hy_sq_col_text(st, 15, a, &ok);
    g->verified = sqlite3_column_int(st, 16) != 0;
    g->demo = sqlite3_column_int(st, 17) != 0;
    g->name_norm = hy_sq_col_text(st, 18, a, &ok);
    g->search_text = hy_sq_col_text(st, 19, a, &ok);
    g->created_by = hy_sq_col_text(st, 20, a, &ok);
    g->created_at = sqlite3_column_int64(st, 21);
    g->updated_at = sqlite3_column_int64(st, 22);
    return ok && g->name && g->area_kind && g->status ? HY_DB_ONE : HY_DB_HARD;
}

static bool group_finite(const struct hy_group *g) {
    return hy_geo_valid(g->lat, g->lon) && isfinite(g->radius_m) && isfinite(g->area_box.min_lat) &&
           isfinite(g->area_box.min_lon) && isfinite(g->area_box.max_lat) &&
           isfinite(g->area_box.max_lon);
}

static void bind_area(sqlite3_stmt *st, int first, const struct hy_group *g) {
    bool has = g->area_kind && strcmp(g->area_kind, "none") != 0;
    hy_sq_bind_text(st, first, g->area_kind ? g->area_kind : "none");
    if (has && !strcmp(g->area_kind, "radius"))
        sqlite3_bind_double(st, first + 1, g->radius_m);
    else
        sqlite3_bind_null(st, first + 1);
    hy_sq_bind_text(st, first + 2, has ? g->area : NULL);
    const double box[4] = {g->area_box.min_lat, g->area_box.min_lon, g->area_box.max_lat,
                           g->area_box.max_lon};
    for (int i = 0; i < 4; i++)
        if (has)
            sqlite3_bind_double(st, first + 3 + i, box[i]);
        else
            sqlite3_bind_null(st, first + 3 + i);
}

/* ---- groups ---- */

static int g_insert(hy_store *base, const struct hy_group *g) {
    hy_sqlite *s = hy_sq(base);
    if (!group_finite(g)) return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_INSERT, sql_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, g->id);
    hy_sq_bind_text(st, 2, g->name);
    hy_sq_bind_text(st, 3, g->description ? g->description : "");
    sqlite3_bind_double(st, 4, g->lat);
    sqlite3_bind_double(st, 5, g->lon);
    bind_area(st, 6, g);
    hy_sq_bind_text(st, 13, g->contact ? g->contact : "{}");
    hy_sq_bind_text(st, 14, g->languages ? g->languages : "[]");
    hy_sq_bind_text(st, 15, g->tags ? g->tags : "[]");
    hy_sq_bind_text(st, 16, g->status);
    sqlite3_bind_int(st, 17, g->verified);
    sqlite3_bind_int(st, 18, g->demo);
    hy_sq_bind_text(st, 19, g->name_norm ? g->name_norm : "");
    hy_sq_bind_text(st, 20, g->search_text ? g->search_text : "");
    hy_sq_bind_text(st, 21, g->created_by);
    sqlite3_bind_int64(st, 22, g->created_at);
    sqlite3_bind_int64(st, 23, g->updated_at);
    if (g->layout > 0) sqlite3_bind_int64(st, 24, g->layout); /* else NULL: the next rowid */
    return hy_sq_exec_stmt(s, st);
}

static int g_layout_base(hy_store *base, int64_t *ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_LAYOUT_BASE, sql_layout_base);
    if (!st) return HY_DB_HARD;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *ret = sqlite3_column_int64(st, 0);
    return hy_sq_finish(st, rc == SQLITE_ROW ? HY_DB_ONE : hy_sq_status(s, rc));
}

static int g_insert_many(hy_store *base, const struct hy_group *g, size_t n) {
    /* Bulk inserts (imports) touch R*Tree, FTS5 and index pages all over the file: a page
     * cache of 256 MB (instead of 16 MB) on this connection keeps them from spilling to disk
     * before the commit. A connection that imports is a command-line one. */
    sqlite3_exec(hy_sq(base)->db, "PRAGMA cache_size=-262144", NULL, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        int r = g_insert(base, &g[i]);
        if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    }
    return HY_DB_ONE;
}

static int get_by(hy_sqlite *s, int id, const char *sql, const char *key, int64_t seq, hy_arena *a,
                  struct hy_group *ret) {
    sqlite3_stmt *st = hy_sq_stmt(s, id, sql);
    if (!st) return HY_DB_HARD;
    if (key)
        hy_sq_bind_text(st, 1, key);
    else
        sqlite3_bind_int64(st, 1, seq);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_NONE : hy_sq_status(s, rc));
    struct hy_group g;
    int r = read_group(st, a, &g);
    if (r == HY_DB_ONE) *ret = g;
    return hy_sq_finish(st, r);
}

static int g_get(hy_store *base, const char *id, hy_arena *a, struct hy_group *ret) {
    return get_by(hy_sq(base), Q_GET, sql_get, id, 0, a, ret);
}

static int g_update(hy_store *base, const struct hy_group *g) {
    hy_sqlite *s = hy_sq(base);
    if (!group_finite(g)) return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_UPDATE, sql_update);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, g->id);
    hy_sq_bind_text(st, 2, g->name);
    hy_sq_bind_text(st, 3, g->description ? g->description : "");
    sqlite3_bind_double(st, 4, g->lat);
    sqlite3_bind_double(st, 5, g->lon);
    bind_area(st, 6, g);
    hy_sq_bind_text(st, 13, g->contact ? g->contact : "{}");
    hy_sq_bind_text(st, 14, g->languages ? g->languages : "[]");
    hy_sq_bind_text(st, 15, g->tags ? g->tags : "[]");
    hy_sq_bind_text(st, 16, g->name_norm ? g->name_norm : "");
    hy_sq_bind_text(st, 17, g->search_text ? g->search_text : "");
    sqlite3_bind_int64(st, 18, g->updated_at);
    return hy_sq_exec_stmt(s, st);
}

static int g_set_status(hy_store *base, const char *id, const char *status, bool verified,
                        int64_t now) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_STATUS, sql_status);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    hy_sq_bind_text(st, 2, status);
    sqlite3_bind_int(st, 3, verified);
    sqlite3_bind_int64(st, 4, now);
    return hy_sq_exec_stmt(s, st);
}

/* ---- nearest ---- */

struct cand {
    int64_t seq;
    char id[HY_ID_LEN + 1];
    double lat, lon, d;
    double lo, hi;          /* bounds of d before the exact position is read (scan_cells) */
    struct hy_group *row;   /* the whole row once read, else NULL */
    bool covers;
};

struct cands {
    struct cand *v;
    size_t n, cap;
};

static int cand_push(struct cands *c, const struct cand *x) {
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        struct cand *v = realloc(c->v, cap * sizeof *v);
        if (!v) return HY_DB_HARD;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = *x;
    return HY_DB_ONE;
}

static int cand_cmp(const void *pa, const void *pb) {
    const struct cand *a = pa, *b = pb;
    if (a->covers != b->covers) return a->covers ? -1 : 1;
    if (a->d != b->d) return a->d < b->d ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* The density of approved groups (per square metre) that the last query in each half-degree
 * cell found: the first circle of the next query there is sized from it, so that one R*Tree
 * query usually holds the `limit` nearest. Shared by the process's threads (a lost update
 * only costs a second round); 0 = not seen yet. A hint, never an answer: it can be stale. */
#define HINT_ROWS 361
#define HINT_COLS 721
static _Atomic float hy__hint[HINT_ROWS * HINT_COLS];

static int hint_cell(double lat, double lon) {
    return (int)floor((lat + 90) * 2) * HINT_COLS + (int)floor((lon + 180) * 2);
}

/* Adds the approved groups in `b` within r of the point (and in q->box) to c. */
static int scan_box(hy_sqlite *s, const struct hy_group_near *q, const struct hy_bbox *b, double r,
                    struct cands *c) {
    sqlite3_stmt *st = hy_sq_stmt(s, Q_RTREE_BOX, sql_rtree_box);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_double(st, 1, b->min_lat);
    sqlite3_bind_double(st, 2, b->max_lat);
    sqlite3_bind_double(st, 3, b->min_lon);
    sqlite3_bind_double(st, 4, b->max_lon);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct cand x = {.seq = sqlite3_column_int64(st, 0)};
        const char *id = (const char *)sqlite3_column_text(st, 1);
        x.lat = sqlite3_column_double(st, 2);
        x.lon = sqlite3_column_double(st, 3);
        if (!id || strlen(id) > HY_ID_LEN) return hy_sq_finish(st, HY_DB_HARD);
        if (q->has_box && !hy_bbox_has(&q->box, x.lat, x.lon)) continue;
        x.d = hy_geo_distance_m(q->lat, q->lon, x.lat, x.lon);
        if (x.d > r) continue;
        memcpy(x.id, id, strlen(id) + 1);
        if (cand_push(c, &x) < 0) return hy_sq_finish(st, HY_DB_HARD);
    }
    return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_ONE : hy_sq_status(s, rc));
}

/* Adds the approved groups in `b` that may lie within r of the point, with bounds on their
 * distance from the R*Tree's box around each (no exact position, no id yet). */
static int scan_cells(hy_sqlite *s, const struct hy_group_near *q, const struct hy_bbox *b,
                      double r, struct cands *c, size_t *ret_sure) {
    sqlite3_stmt *st = hy_sq_stmt(s, Q_RTREE_CELLS, sql_rtree_cells);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_double(st, 1, b->min_lat);
    sqlite3_bind_double(st, 2, b->max_lat);
    sqlite3_bind_double(st, 3, b->min_lon);
    sqlite3_bind_double(st, 4, b->max_lon);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        double la0 = sqlite3_column_double(st, 1), la1 = sqlite3_column_double(st, 2);
        double lo0 = sqlite3_column_double(st, 3), lo1 = sqlite3_column_double(st, 4);
        struct cand x = {.seq = sqlite3_column_int64(st, 0)};
        /* Every point of the tiny box is within its diagonal of the box's centre; the margin
         * covers rounding in the distance formula. */
        double e = hy_geo_distance_m(la0, lo0, la1, lo1) + 0.01;
        double dc = hy_geo_distance_m(q->lat, q->lon, (la0 + la1) / 2, (lo0 + lo1) / 2);
        dc += dc * 1e-9;
        x.lo = dc - e;
        x.hi = dc + e;
        if (x.lo > r) continue;
        if (x.hi <= r) (*ret_sure)++;
        if (cand_push(c, &x) < 0) return hy_sq_finish(st, HY_DB_HARD);
    }
    return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_ONE : hy_sq_status(s, rc));
}

static int cand_cmp_hi(const void *pa, const void *pb) {
    const struct cand *a = pa, *b = pb;
    return a->hi < b->hi ? -1 : a->hi > b->hi;
}

/* The nearest `limit` groups within `reach` (no bbox filter): circles grow until one surely
 * holds `limit` groups; then only the candidates that may rank among the first `limit` are read
 * whole, and ranked by their exact distance. */
static int near_cells(hy_sqlite *s, const struct hy_group_near *q, double reach, double d,
                      hy_arena *a, struct cands *c, double *ret_radius, size_t *ret_seen) {
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
        double grow = c->n ? 1.2 * sqrt((double)q->limit / (double)c->n) : 4.0;
        d = radius * (grow < 1.5 ? 1.5 : grow);
    }
    *ret_radius = radius;
    *ret_seen = c->n;
    /* Whatever ranks among the first `limit` has lo <= the limit-th smallest hi. */
    double cut = HUGE_VAL;
    if (c->n >= q->limit) {
        qsort(c->v, c->n, sizeof *c->v, cand_cmp_hi);
        cut = c->v[q->limit - 1].hi;
    }
    size_t kept = 0;
    for (size_t i = 0; i < c->n; i++) {
        struct cand x = c->v[i];
        if (x.lo > cut) continue;
        struct hy_group *g = hy_arena_zalloc(a, sizeof *g);
        if (!g) return HY_DB_HARD;
        r = get_by(s, Q_GET_SEQ, sql_get_seq, NULL, x.seq, a, g);
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

static int g_near(hy_store *base, const struct hy_group_near *q, hy_arena *a,
                  struct hy_group **ret) {
    hy_sqlite *s = hy_sq(base);
    if (!hy_geo_valid(q->lat, q->lon) || q->limit == 0 || q->limit > HY_GROUPS_LIMIT_MAX)
        return HY_DB_HARD;
    const double world = 3.14159265358979323846 * HY_EARTH_RADIUS_M;
    double reach = q->radius_m > 0 ? q->radius_m : world;
    if (q->has_box) {
        double br = hy_bbox_reach_m(&q->box, q->lat, q->lon);
        if (br < reach) reach = br;
    }
    int cell = hint_cell(q->lat, q->lon);
    double density = atomic_load_explicit(&hy__hint[cell], memory_order_relaxed);
    double d = 5000;
    if (density > 0) d = 1.1 * sqrt((double)q->limit / (3.14159265358979323846 * density));
    if (d < 200) d = 200;
    struct cands c = {0};
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
            double grow = c.n ? 1.2 * sqrt((double)q->limit / (double)c.n) : 4.0;
            d = radius * (grow < 1.5 ? 1.5 : grow);
        }
    }
    if (seen > 0)
        atomic_store_explicit(&hy__hint[cell],
                              (float)((double)seen / (3.14159265358979323846 * radius * radius)),
                              memory_order_relaxed);
    /* Only the nearest `limit` matter, then groups whose area covers the point. */
    if (c.n) qsort(c.v, c.n, sizeof *c.v, cand_cmp);
    if (c.n > q->limit) c.n = q->limit;
    size_t nearest = c.n;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_AREA_AT, sql_area_at);
    if (!st) {
        r = HY_DB_HARD;
        goto out;
    }
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
                r = hy_sq_finish(st, HY_DB_HARD);
                goto out;
            }
            seqs = v;
        }
        seqs[nseq++] = sqlite3_column_int64(st, 0);
    }
    r = hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_ONE : hy_sq_status(s, rc));
    struct hy_group *out = hy_arena_zalloc(a, (nearest + nseq + 1) * sizeof *out);
    if (r < 0 || !out) {
        free(seqs);
        r = r < 0 ? r : HY_DB_HARD;
        goto out;
    }
    /* Covering groups (checked exactly) join the candidates or mark them. */
    for (size_t i = 0; i < nseq && r >= 0; i++) {
        struct hy_group g = {0};
        r = get_by(s, Q_GET_SEQ, sql_get_seq, NULL, seqs[i], a, &g);
        if (r == HY_DB_NONE) {
            r = HY_DB_ONE;
            continue;
        }
        if (r < 0) break;
        if (q->has_box && !hy_bbox_has(&q->box, g.lat, g.lon)) continue;
        if (!hy_area_covers(g.area_kind, g.radius_m, g.area, g.lat, g.lon, q->lat, q->lon))
            continue;
        bool found = false;
        for (size_t k = 0; k < nearest; k++)
            if (c.v[k].seq == seqs[i]) c.v[k].covers = found = true;
        if (!found) {
            struct cand x = {.seq = seqs[i], .lat = g.lat, .lon = g.lon, .covers = true};
            x.d = hy_geo_distance_m(q->lat, q->lon, g.lat, g.lon);
            memcpy(x.id, g.id, sizeof x.id);
            r = cand_push(&c, &x);
        }
    }
    free(seqs);
    if (r < 0) goto out;
    if (c.n) qsort(c.v, c.n, sizeof *c.v, cand_cmp);
    if (c.n > q->limit) c.n = q->limit;
    for (size_t i = 0; i < c.n; i++) {
        if (c.v[i].row) {
            out[i] = *c.v[i].row;
            out[i].distance_m = c.v[i].d;
            out[i].covers = c.v[i].covers;
            continue;
        }
        r = get_by(s, Q_GET_SEQ, sql_get_seq, NULL, c.v[i].seq, a, &out[i]);
        if (r != HY_DB_ONE) {
            r = r < 0 ? r : HY_DB_SOFT; /* changed under us: cannot happen inside a tx */
            goto out;
        }
        out[i].distance_m = c.v[i].d;
        out[i].covers = c.v[i].covers;
    }
    *ret = out;
    r = (int)c.n;
out:
    free(c.v);
    return r;
}

/* ---- search and lists ---- */

/* An FTS5 query: every token as a quoted prefix term (tokens hold only word characters, and
 * any '"' is doubled anyway). */
static char *fts_query(hy_arena *a, const char *const *tokens, size_t n) {
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(tokens[i]) * 2 + 5;
    char *q = hy_arena_alloc(a, len);
    if (!q) return NULL;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) q[w++] = ' ';
        q[w++] = '"';
        for (const char *p = tokens[i]; *p; p++) {
            if (*p == '"') q[w++] = '"';
            q[w++] = *p;
        }
        q[w++] = '"';
        q[w++] = '*';
    }
    q[w] = '\0';
    return q;
}

static int read_groups(hy_sqlite *s, sqlite3_stmt *st, size_t limit, hy_arena *a,
                       struct hy_group **ret) {
    struct hy_group *v = hy_arena_zalloc(a, (limit + 1) * sizeof *v);
    if (!v) return hy_sq_finish(st, HY_DB_HARD);
    size_t n = 0;
    int rc = SQLITE_DONE;
    while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (read_group(st, a, &v[n++]) < 0) return hy_sq_finish(st, HY_DB_HARD);
    if (n < limit && rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    *ret = v;
    return hy_sq_finish(st, (int)n);
}

static int g_search(hy_store *base, const char *const *tokens, size_t ntokens, size_t limit,
                    size_t offset, hy_arena *a, struct hy_group **ret, size_t *ret_total) {
    hy_sqlite *s = hy_sq(base);
    if (ntokens == 0 || limit == 0 || limit > HY_GROUPS_LIMIT_MAX) return HY_DB_HARD;
    char *q = fts_query(a, tokens, ntokens);
    if (!q) return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_SEARCH_COUNT, sql_search_count);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, q);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return hy_sq_finish(st, hy_sq_status(s, rc) < 0 ? hy_sq_status(s, rc) : HY_DB_HARD);
    size_t total = (size_t)sqlite3_column_int64(st, 0);
    hy_sq_finish(st, 0);
    st = hy_sq_stmt(s, Q_SEARCH, sql_search);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, q);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    sqlite3_bind_int64(st, 3, offset > INT32_MAX ? INT32_MAX : (sqlite3_int64)offset);
    int r = read_groups(s, st, limit, a, ret);
    if (r >= 0) *ret_total = total;
    return r;
}

static int g_list(hy_store *base, const char *status, const char *after, size_t limit, hy_arena *a,
                  struct hy_group **ret) {
    hy_sqlite *s = hy_sq(base);
    if (limit == 0 || limit > 100000) return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_LIST, sql_list);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, status);
    hy_sq_bind_text(st, 2, after ? after : "");
    sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
    return read_groups(s, st, limit, a, ret);
}

static int g_count(hy_store *base, const char *status, size_t *ret_count) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_COUNT, sql_count);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, status);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_HARD : hy_sq_status(s, rc));
    *ret_count = (size_t)sqlite3_column_int64(st, 0);
    return hy_sq_finish(st, HY_DB_ONE);
}

/* ---- owners and coordinators ---- */

static int pair_exec(hy_store *base, int id, const char *sql, const char *g, const char *u) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, id, sql);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, g);
    hy_sq_bind_text(st, 2, u);
    return hy_sq_exec_stmt(s, st);
}

static int pair_exists(hy_store *base, int id, const char *sql, const char *g, const char *u) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, id, sql);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, g);
    hy_sq_bind_text(st, 2, u);
    int rc = sqlite3_step(st);
    return hy_sq_finish(st, rc == SQLITE_ROW    ? HY_DB_ONE
                      : rc == SQLITE_DONE ? HY_DB_NONE
                                          : hy_sq_status(s, rc));
}

static int g_owner_add(hy_store *s, const char *g, const char *u) {
    return pair_exec(s, Q_OWNER_ADD, sql_owner_add, g, u);
}
static int g_is_owner(hy_store *s, const char *g, const char *u) {
    return pair_exists(s, Q_IS_OWNER, sql_is_owner, g, u);
}
static int g_coord_add(hy_store *s, const char *g, const char *u) {
    return pair_exec(s, Q_COORD_ADD, sql_coord_add, g, u);
}
static int g_coord_remove(hy_store *s, const char *g, const char *u) {
    return pair_exec(s, Q_COORD_REMOVE, sql_coord_remove, g, u);
}
static int g_is_coord(hy_store *s, const char *g, const char *u) {
    return pair_exists(s, Q_IS_COORD, sql_is_coord, g, u);
}

/* ---- gazetteer ---- */

static int p_clear(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_PLACES_CLEAR_NAMES, sql_places_clear_names);
    if (!st) return HY_DB_HARD;
    int r = hy_sq_exec_stmt(s, st);
    if (r < 0) return r;
    st = hy_sq_stmt(s, Q_PLACES_CLEAR, sql_places_clear);
    if (!st) return HY_DB_HARD;
    r = hy_sq_exec_stmt(s, st);
    return r < 0 ? r : HY_DB_ONE;
}

static int p_insert_many(hy_store *base, const struct hy_place *p, size_t n) {
    hy_sqlite *s = hy_sq(base);
    for (size_t i = 0; i < n; i++) {
        if (!hy_geo_valid(p[i].lat, p[i].lon)) return HY_DB_HARD;
        sqlite3_stmt *st = hy_sq_stmt(s, Q_PLACE_INSERT, sql_place_insert);
        if (!st) return HY_DB_HARD;
        sqlite3_bind_int64(st, 1, p[i].geonameid);
        hy_sq_bind_text(st, 2, p[i].name);
        hy_sq_bind_text(st, 3, p[i].ascii_name ? p[i].ascii_name : "");
        hy_sq_bind_text(st, 4, p[i].country ? p[i].country : "");
        hy_sq_bind_text(st, 5, p[i].admin1 ? p[i].admin1 : "");
        sqlite3_bind_double(st, 6, p[i].lat);
        sqlite3_bind_double(st, 7, p[i].lon);
        sqlite3_bind_int64(st, 8, p[i].population);
        int r = hy_sq_exec_stmt(s, st);
        if (r < 0) return r;
        for (size_t k = 0; k < p[i].nnames; k++) {
            if (!p[i].names[k][0]) continue;
            st = hy_sq_stmt(s, Q_PLACE_NAME_INSERT, sql_place_name_insert);
            if (!st) return HY_DB_HARD;
            hy_sq_bind_text(st, 1, p[i].names[k]);
            sqlite3_bind_int64(st, 2, p[i].geonameid);
            sqlite3_bind_int64(st, 3, p[i].population);
            r = hy_sq_exec_stmt(s, st);
            if (r < 0) return r;
        }
    }
    return HY_DB_ONE;
}

static int pc_upsert_many(hy_store *base, const char *const *keys, const char *const *shown,
                          const char *const *countries, const double *lat, const double *lon,
                          size_t n) {
    hy_sqlite *s = hy_sq(base);
    for (size_t i = 0; i < n; i++) {
        if (!hy_geo_valid(lat[i], lon[i])) return HY_DB_HARD;
        sqlite3_stmt *st = hy_sq_stmt(s, Q_POSTCODE_UPSERT, sql_postcode_upsert);
        if (!st) return HY_DB_HARD;
        hy_sq_bind_text(st, 1, keys[i]);
        hy_sq_bind_text(st, 2, shown[i]);
        hy_sq_bind_text(st, 3, countries && countries[i] ? countries[i] : "");
        sqlite3_bind_double(st, 4, lat[i]);
        sqlite3_bind_double(st, 5, lon[i]);
        int r = hy_sq_exec_stmt(s, st);
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}

static int p_geocode(hy_store *base, const char *prefix, const char *pkey, size_t limit,
                     hy_arena *a, struct hy_place **ret) {
    hy_sqlite *s = hy_sq(base);
    if (limit == 0 || limit > 100) return HY_DB_HARD;
    struct hy_place *v = hy_arena_zalloc(a, (limit + 1) * sizeof *v);
    if (!v) return HY_DB_HARD;
    size_t n = 0;
    int rc = SQLITE_DONE;
    bool ok = true;
    if (pkey && *pkey) {
        sqlite3_stmt *st = hy_sq_stmt(s, Q_GEOCODE_POSTCODE, sql_geocode_postcode);
        if (!st) return HY_DB_HARD;
        hy_sq_bind_text(st, 1, pkey);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
        while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            struct hy_place *p = &v[n++];
            p->kind = "postcode";
            p->name = hy_sq_col_text(st, 1, a, &ok);
            p->ascii_name = p->name;
            p->country = hy_sq_col_text(st, 2, a, &ok);
            p->admin1 = "";
            p->lat = sqlite3_column_double(st, 3);
            p->lon = sqlite3_column_double(st, 4);
            p->exact = sqlite3_column_int(st, 5) != 0;
        }
        if (n < limit && rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
        hy_sq_finish(st, 0);
        if (!ok) return HY_DB_HARD;
    }
    if (n < limit && prefix && *prefix) {
        sqlite3_stmt *st = hy_sq_stmt(s, Q_GEOCODE_PLACE, sql_geocode_place);
        if (!st) return HY_DB_HARD;
        hy_sq_bind_text(st, 1, prefix);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)(limit - n));
        while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            struct hy_place *p = &v[n++];
            p->kind = "place";
            p->geonameid = sqlite3_column_int64(st, 0);
            p->name = hy_sq_col_text(st, 1, a, &ok);
            p->ascii_name = hy_sq_col_text(st, 2, a, &ok);
            p->country = hy_sq_col_text(st, 3, a, &ok);
            p->admin1 = hy_sq_col_text(st, 4, a, &ok);
            p->lat = sqlite3_column_double(st, 5);
            p->lon = sqlite3_column_double(st, 6);
            p->population = sqlite3_column_int64(st, 7);
            p->exact = sqlite3_column_int(st, 8) != 0;
        }
        if (n < limit && rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
        hy_sq_finish(st, 0);
        if (!ok) return HY_DB_HARD;
    }
    *ret = v;
    return (int)n;
}

const struct hy_group_ops hy_sq_group_ops = {
    .insert = g_insert,
    .insert_many = g_insert_many,
    .layout_base = g_layout_base,
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
