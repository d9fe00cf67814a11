/* import_groups.c — `hamyari import groups FILE`: mutual-aid groups, approved, from CSV or
 * GeoJSON, under the two-pass driver (import.h).
 *
 *   CSV      a header naming name, lat, lon and optionally description, phone, email, website,
 *            messaging, tags, languages (lists separated by ';'), radius_km, and the columns
 *            the CSV export adds: id (kept, so an export imports back as the same groups),
 *            verified, demo. The formula guard of CSV exports is removed again.
 *   GeoJSON  a FeatureCollection of Point features (properties as the CSV columns, the
 *            feature's "id" as id) or Polygon features, whose polygon is the coverage area,
 *            or GeometryCollections of a Point and a Polygon (the area), as the export writes
 *            them; with radius_km the polygon is the drawn circle and the radius is kept.
 *
 * The check pass notes each row's place on a Hilbert curve over the map (domain/geo.h); the
 * write pass gives the rows a store layout in that order (struct hy_group.layout), so that
 * groups near each other share pages and a nearest-groups query reads few of them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/import.h"
#include "domain/area.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/group.h"
#include "http/parse.h"
#include "store/groups.h"
#include "util/buf.h"

enum gcol {
    G_NAME,
    G_LAT,
    G_LON,
    G_DESC,
    G_PHONE,
    G_EMAIL,
    G_WEBSITE,
    G_MESSAGING,
    G_TAGS,
    G_LANGS,
    G_RADIUS,
    G_ID,
    G_VERIFIED,
    G_DEMO,
    G__N
};

static const struct hy_import_column gcols[G__N] = {
    {"name", NULL, true},       {"lat", "latitude", true},  {"lon", "longitude|lng", true},
    {"description", NULL, false}, {"phone", NULL, false},   {"email", NULL, false},
    {"website", NULL, false},   {"messaging", NULL, false}, {"tags", NULL, false},
    {"languages", NULL, false}, {"radius_km", NULL, false}, {"id", NULL, false},
    {"verified", NULL, false},  {"demo", NULL, false},
};

/* One group's fields as text (from a CSV row or GeoJSON properties), and an optional polygon. */
struct grow {
    const char *v[G__N];
    const json_t *polygon;
};

struct gid {
    char id[HY_ID_LEN + 1];
    long row;
};

struct groups_state {
    bool geojson;
    uint64_t *keys; /* check pass: per good row, Hilbert index (high bits) and row (low bits) */
    size_t nkeys, capkeys;
    uint32_t *layout; /* row index -> position along the curve */
    int64_t layout_base; /* write pass: 0 when the store ignores layout */
    struct gid *ids; /* check pass: the ids the file gives */
    size_t nids, capids;
    struct hy_group batch[HY_IMPORT_BATCH];
};

/* A list cell: "a;b;c" (',' and '|' separate too), as a JSON array. */
static json_t *list_cell(const char *s) {
    json_t *a = json_array();
    const char *p = s;
    while (p && *p) {
        size_t n = strcspn(p, ";,|");
        char item[256];
        if (n < sizeof item) {
            memcpy(item, p, n);
            item[n] = '\0';
            char *t = hy_import_trim(item);
            if (*t) json_array_append_new(a, json_string(t));
        } else {
            json_array_append_new(a, json_string("")); /* too long: caught by the check */
        }
        p += n;
        if (*p) p++;
    }
    return a;
}

/* "true"/"false" (also 1/0, yes/no, empty = false). */
static bool flag(const char *s, bool *ret) {
    if (!s || !*s || !strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no")) {
        *ret = false;
        return true;
    }
    if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes")) {
        *ret = true;
        return true;
    }
    return false;
}

/* Checks a row and fills g (strings in `a`). Reports problems; true when the row is good. */
static bool group_from_row(struct hy_import *im, const struct grow *row, long rowno,
                               hy_arena *a, struct hy_group *g) {
    memset(g, 0, sizeof *g);
    const char *name = row->v[G_NAME] ? row->v[G_NAME] : "";
    size_t nlen = strlen(name);
    bool ok = true;
    if (!nlen || !hy_text_ok(name, nlen, 0, HY_GROUP_NAME_MAX)) {
        hy_import_bad(im, rowno, "name", nlen ? "must be text of at most 200 characters" : "is empty");
        ok = false;
    }
    const char *desc = row->v[G_DESC] ? row->v[G_DESC] : "";
    if (!hy_text_ok(desc, strlen(desc), HY_MULTILINE, HY_GROUP_DESC_MAX)) {
        hy_import_bad(im, rowno, "description", "must be text of at most 5000 characters");
        ok = false;
    }
    if (!row->v[G_LAT] || !hy_import_number(row->v[G_LAT], -90, 90, &g->lat)) {
        hy_import_bad(im, rowno, "lat", "must be a number from -90 to 90");
        ok = false;
    }
    if (!row->v[G_LON] || !hy_import_number(row->v[G_LON], -180, 180, &g->lon)) {
        hy_import_bad(im, rowno, "lon", "must be a number from -180 to 180");
        ok = false;
    }
    const char *id = row->v[G_ID];
    if (id && *id && !hy_id_valid(id)) {
        hy_import_bad(im, rowno, "id", "must be 32 lowercase hex digits");
        ok = false;
    }
    if (!flag(row->v[G_VERIFIED], &g->verified)) {
        hy_import_bad(im, rowno, "verified", "must be true or false");
        ok = false;
    }
    if (!flag(row->v[G_DEMO], &g->demo)) {
        hy_import_bad(im, rowno, "demo", "must be true or false");
        ok = false;
    }
    g->area_kind = "none";
    if (row->v[G_RADIUS] && *row->v[G_RADIUS]) {
        double km;
        if (!hy_import_number(row->v[G_RADIUS], 0.05, HY_AREA_MAX_RADIUS_M / 1000, &km)) {
            hy_import_bad(im, rowno, "radius_km", "must be a number from 0.05 to 500");
            ok = false;
        } else {
            g->area_kind = "radius";
            g->radius_m = km * 1000;
        }
    }
    if (row->polygon) {
        struct hy_polygon p;
        const char *problem;
        if (!hy_polygon_parse(row->polygon, a, &p, &g->area_box, &problem)) {
            hy_import_bad(im, rowno, "geometry", problem);
            ok = false;
        } else {
            g->area_kind = "polygon";
            char *t = json_dumps(row->polygon, JSON_COMPACT);
            g->area = t ? hy_arena_strdup(a, t) : NULL;
            free(t);
        }
    }
    json_t *contact = json_object();
    static const enum gcol cc[] = {G_PHONE, G_EMAIL, G_WEBSITE, G_MESSAGING};
    for (size_t i = 0; i < 4; i++)
        if (row->v[cc[i]] && *row->v[cc[i]])
            json_object_set_new(contact, gcols[cc[i]].name, json_string(row->v[cc[i]]));
    const char *field, *problem;
    if (!hy_contact_valid(contact, &field, &problem)) {
        hy_import_bad(im, rowno, field + strlen("contact."), problem);
        ok = false;
    }
    json_t *tags = list_cell(row->v[G_TAGS]), *langs = list_cell(row->v[G_LANGS]);
    size_t i;
    json_t *t;
    if (json_array_size(tags) > HY_GROUP_TAGS_MAX) {
        hy_import_bad(im, rowno, "tags", "at most 20 tags");
        ok = false;
    }
    json_array_foreach(tags, i, t) {
        const char *s = json_string_value(t);
        if (!*s || !hy_text_ok(s, strlen(s), 0, HY_GROUP_TAG_LEN)) {
            hy_import_bad(im, rowno, "tags", "each tag must be text of at most 40 characters");
            ok = false;
            break;
        }
    }
    if (json_array_size(langs) > HY_GROUP_LANGS_MAX) {
        hy_import_bad(im, rowno, "languages", "at most 20 languages");
        ok = false;
    }
    json_array_foreach(langs, i, t) {
        if (!hy_lang_tag_valid(json_string_value(t))) {
            hy_import_bad(im, rowno, "languages", "languages are tags like fa, en or ckb");
            ok = false;
            break;
        }
    }
    if (ok) {
        char *cs = json_dumps(contact, JSON_COMPACT | JSON_SORT_KEYS);
        char *ts = json_dumps(tags, JSON_COMPACT), *ls = json_dumps(langs, JSON_COMPACT);
        g->contact = cs ? hy_arena_strdup(a, cs) : NULL;
        g->tags = ts ? hy_arena_strdup(a, ts) : NULL;
        g->languages = ls ? hy_arena_strdup(a, ls) : NULL;
        free(cs);
        free(ts);
        free(ls);
        hy_buf all = HY_BUF_INIT(0);
        hy_buf_puts(&all, name);
        hy_buf_putc(&all, ' ');
        hy_buf_puts(&all, desc);
        json_array_foreach(tags, i, t) {
            hy_buf_putc(&all, ' ');
            hy_buf_puts(&all, json_string_value(t));
        }
        /* Checked once: a failed append stuck. */
        g->search_text = hy_buf_error(&all) ? NULL : hy_search_text(a, all.data ? all.data : "");
        hy_buf_free(&all);
        g->name_norm = hy_search_text(a, name);
        g->name = hy_arena_strdup(a, name);
        g->description = hy_arena_strdup(a, desc);
        if (!strcmp(g->area_kind, "radius")) hy_cap_bbox(g->lat, g->lon, g->radius_m, &g->area_box);
        if (id && *id) memcpy(g->id, id, HY_ID_LEN + 1);
        else hy_id_new(g->id);
        g->status = "approved";
        g->created_at = g->updated_at = im->now;
        if (!g->contact || !g->tags || !g->languages || !g->search_text || !g->name_norm ||
            !g->name || !g->description || (!strcmp(g->area_kind, "polygon") && !g->area)) {
            hy_import_bad(im, rowno, NULL, "out of memory");
            ok = false;
        }
    }
    json_decref(contact);
    json_decref(tags);
    json_decref(langs);
    return ok;
}

/* Check pass: notes the good row's key on the curve, and its id if the file gave one. */
static int note_row(struct hy_import *im, const struct grow *row, long rowno,
                        const struct hy_group *g) {
    struct groups_state *st = im->state;
    if (im->rows > (long)UINT32_MAX) {
        fprintf(stderr, "%s: more than %lu rows: split the file\n", im->path,
                (unsigned long)UINT32_MAX);
        return -1;
    }
    if (st->nkeys == st->capkeys) {
        size_t cap = st->capkeys ? st->capkeys * 2 : 4096;
        uint64_t *k = realloc(st->keys, cap * sizeof *k);
        if (!k) return -1;
        st->keys = k;
        st->capkeys = cap;
    }
    /* Rows are counted before they are checked: this row's index is rows - 1. */
    st->keys[st->nkeys++] =
        (uint64_t)hy_geo_hilbert(g->lat, g->lon) << 32 | (uint64_t)(im->rows - 1);
    if (row->v[G_ID] && *row->v[G_ID]) {
        if (st->nids == st->capids) {
            size_t cap = st->capids ? st->capids * 2 : 256;
            struct gid *p = realloc(st->ids, cap * sizeof *p);
            if (!p) return -1;
            st->ids = p;
            st->capids = cap;
        }
        memcpy(st->ids[st->nids].id, g->id, HY_ID_LEN + 1);
        st->ids[st->nids++].row = rowno;
    }
    return 0;
}

/* Write pass: copies the good row into the batch (strings into the batch's arena). */
static int batch_row(struct hy_import *im, long rowno, bool given_id, const struct hy_group *g) {
    struct groups_state *st = im->state;
    if (given_id) {
        /* An id from the file that the store already has: say which row, write nothing. */
        struct hy_group old;
        hy_arena *tmp = hy_arena_new(0);
        int r = tmp ? im->s->ops->groups->get(im->s, g->id, tmp, &old) : HY_DB_HARD;
        hy_arena_free(tmp);
        if (r < 0) {
            im->status = r;
            return -1;
        }
        if (r == HY_DB_ONE) {
            hy_import_bad(im, rowno, "id", "a group with this id exists already");
            return -1;
        }
    }
    struct hy_group *d = &st->batch[im->n];
    *d = *g;
    if (st->layout_base > 0 && st->layout && im->rows >= 1)
        d->layout = st->layout_base + (int64_t)st->layout[im->rows - 1];
    hy_arena *a = im->a;
    d->name = hy_arena_strdup(a, g->name);
    d->description = hy_arena_strdup(a, g->description);
    d->area = g->area ? hy_arena_strdup(a, g->area) : NULL;
    d->contact = hy_arena_strdup(a, g->contact);
    d->languages = hy_arena_strdup(a, g->languages);
    d->tags = hy_arena_strdup(a, g->tags);
    d->name_norm = hy_arena_strdup(a, g->name_norm);
    d->search_text = hy_arena_strdup(a, g->search_text);
    return hy_import_added(im, d->name && d->description && d->contact && d->languages &&
                                   d->tags && d->name_norm && d->search_text &&
                                   (!g->area || d->area));
}

/* One row in either pass. The row arena `a` only lives until the next row's. */
static int groups_row(struct hy_import *im, const struct grow *row, long rowno, hy_arena *a) {
    struct hy_group g;
    if (!group_from_row(im, row, rowno, a, &g)) return 0;
    bool given_id = row->v[G_ID] && *row->v[G_ID];
    return im->s ? batch_row(im, rowno, given_id, &g) : note_row(im, row, rowno, &g);
}

/* Frees and renews the row arena once it has grown: what a row keeps is copied elsewhere. */
static hy_arena *row_arena(hy_arena *a) {
    if (a && hy_arena_used(a) <= ((size_t)4 << 20)) return a;
    hy_arena_free(a);
    return hy_arena_new(0);
}

static int walk_csv(struct hy_import *im) {
    int col[G__N];
    struct hy_csv_options o = {.field_max = 64 * 1024, .row_max = 1024 * 1024, .fields_max = 64};
    if (hy_import_csv_open(im, &o, gcols, G__N, false, col) < 0) {
        hy_import_csv_close(im);
        return -1;
    }
    hy_arena *a = NULL;
    int r, rc = 0;
    while ((r = hy_import_csv_next(im)) > 0) {
        if (!(a = row_arena(a))) {
            rc = -1;
            break;
        }
        struct grow row = {0};
        for (int k = 0; k < G__N; k++) row.v[k] = hy_import_csv_field(im, col[k]);
        if (groups_row(im, &row, hy_import_csv_rowno(im), a) < 0) {
            rc = -1;
            break;
        }
    }
    hy_arena_free(a);
    hy_import_csv_close(im);
    return r < 0 ? -1 : rc;
}

/* Text of a property (a string, number or boolean), or NULL. Arrays become "a;b". */
static const char *prop_text(json_t *props, const char *key, hy_arena *a) {
    json_t *v = json_object_get(props, key);
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_number(v)) return hy_arena_printf(a, "%.17g", json_number_value(v));
    if (json_is_boolean(v)) return json_is_true(v) ? "true" : "false";
    if (json_is_array(v)) return hy_group_list_text(a, v);
    return NULL;
}

static int walk_geojson(struct hy_import *im) {
    json_error_t err;
    json_t *root = json_load_file(im->path, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        fprintf(stderr, "%s: line %d: not valid JSON: %s\n", im->path, err.line, err.text);
        im->bad++;
        return -1;
    }
    json_t *features = json_object_get(root, "features");
    const char *type = json_string_value(json_object_get(root, "type"));
    if (!type || strcmp(type, "FeatureCollection") || !json_is_array(features)) {
        fprintf(stderr, "%s: not a GeoJSON FeatureCollection\n", im->path);
        im->bad++;
        json_decref(root);
        return -1;
    }
    hy_arena *a = NULL;
    size_t i;
    json_t *ft;
    int rc = 0;
    json_array_foreach(features, i, ft) {
        long rowno = (long)i + 1;
        hy_import_row(im);
        if (!(a = row_arena(a))) {
            rc = -1;
            break;
        }
        json_t *geom = json_object_get(ft, "geometry"), *props = json_object_get(ft, "properties");
        const char *gt = json_string_value(json_object_get(geom, "type"));
        struct grow row = {0};
        for (int k = 0; k < G__N; k++) row.v[k] = prop_text(props, gcols[k].name, a);
        if (json_is_string(json_object_get(ft, "id")))
            row.v[G_ID] = json_string_value(json_object_get(ft, "id"));
        json_t *contact = json_object_get(props, "contact");
        if (json_is_object(contact)) {
            row.v[G_PHONE] = json_string_value(json_object_get(contact, "phone"));
            row.v[G_EMAIL] = json_string_value(json_object_get(contact, "email"));
            row.v[G_WEBSITE] = json_string_value(json_object_get(contact, "website"));
            row.v[G_MESSAGING] = json_string_value(json_object_get(contact, "messaging"));
        }
        /* Our own export: a GeometryCollection of the point and the area (a polygon, or the
         * circle drawn for radius_km, which the property gives back exactly). */
        json_t *area = NULL;
        if (gt && !strcmp(gt, "GeometryCollection")) {
            json_t *parts = json_object_get(geom, "geometries");
            json_t *p0 = json_array_get(parts, 0), *p1 = json_array_get(parts, 1);
            const char *t0 = json_string_value(json_object_get(p0, "type"));
            const char *t1 = json_string_value(json_object_get(p1, "type"));
            if (json_array_size(parts) == 2 && t0 && !strcmp(t0, "Point") && t1 &&
                !strcmp(t1, "Polygon")) {
                geom = p0;
                gt = t0;
                if (!row.v[G_RADIUS] || !*row.v[G_RADIUS]) area = p1;
            }
        }
        json_t *coords = json_object_get(geom, "coordinates");
        if (gt && !strcmp(gt, "Point") && json_array_size(coords) >= 2) {
            row.polygon = area;
            row.v[G_LON] = hy_arena_printf(a, "%.17g", json_number_value(json_array_get(coords, 0)));
            row.v[G_LAT] = hy_arena_printf(a, "%.17g", json_number_value(json_array_get(coords, 1)));
            if (!json_is_number(json_array_get(coords, 0)) ||
                !json_is_number(json_array_get(coords, 1)))
                row.v[G_LON] = row.v[G_LAT] = "x";
        } else if (gt && !strcmp(gt, "Polygon")) {
            /* The point: the average of the outer ring's vertices (without the closing one). */
            json_t *ring = json_array_get(coords, 0);
            size_t n = json_array_size(ring), k;
            double sx = 0, sy = 0;
            json_t *pt;
            json_array_foreach(ring, k, pt) {
                if (k + 1 == n) break;
                sx += json_number_value(json_array_get(pt, 0));
                sy += json_number_value(json_array_get(pt, 1));
            }
            if (n > 1) {
                row.v[G_LON] = hy_arena_printf(a, "%.17g", sx / (double)(n - 1));
                row.v[G_LAT] = hy_arena_printf(a, "%.17g", sy / (double)(n - 1));
            }
            row.polygon = geom;
        } else {
            hy_import_bad(im, rowno, "geometry",
                          "must be a Point, a Polygon or a GeometryCollection of a Point and a Polygon");
            continue;
        }
        if (groups_row(im, &row, rowno, a) < 0) {
            rc = -1;
            break;
        }
    }
    hy_arena_free(a);
    json_decref(root);
    return rc;
}

static bool is_geojson(const char *path) {
    size_t n = strlen(path);
    if ((n > 8 && !strcasecmp(path + n - 8, ".geojson")) ||
        (n > 5 && !strcasecmp(path + n - 5, ".json")))
        return true;
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    int ch;
    while ((ch = getc(f)) == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == 0xEF ||
           ch == 0xBB || ch == 0xBF) {
    }
    fclose(f);
    return ch == '{';
}

static int walk(struct hy_import *im) {
    struct groups_state *st = im->state;
    return st->geojson ? walk_geojson(im) : walk_csv(im);
}

static int cmp_gid(const void *a, const void *b) {
    const struct gid *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* The check pass: every row, then no id twice. */
static int groups_check(struct hy_import *im) {
    struct groups_state *st = im->state;
    st->geojson = is_geojson(im->path);
    int r = walk(im);
    if (r == 0 && st->nids > 1) {
        qsort(st->ids, st->nids, sizeof *st->ids, cmp_gid);
        for (size_t i = 1; i < st->nids; i++)
            if (!strcmp(st->ids[i].id, st->ids[i - 1].id)) {
                char why[64];
                snprintf(why, sizeof why, "repeats the id of row %ld", st->ids[i - 1].row);
                hy_import_bad(im, st->ids[i].row, "id", why);
            }
    }
    free(st->ids);
    st->ids = NULL;
    st->nids = st->capids = 0;
    return r;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* After a clean check pass: layout[row] = the row's position along the curve. */
static int groups_checked(struct hy_import *im) {
    struct groups_state *st = im->state;
    if ((size_t)im->rows != st->nkeys) return -1;
    st->layout = malloc((st->nkeys ? st->nkeys : 1) * sizeof *st->layout);
    if (!st->layout) return -1;
    if (st->nkeys) qsort(st->keys, st->nkeys, sizeof *st->keys, cmp_u64);
    for (size_t i = 0; i < st->nkeys; i++)
        st->layout[(uint32_t)(st->keys[i] & 0xffffffffu)] = (uint32_t)i;
    free(st->keys);
    st->keys = NULL;
    return 0;
}

static int groups_begin(struct hy_import *im) {
    struct groups_state *st = im->state;
    st->layout_base = 0;
    if (im->s->ops->groups->layout_base) return im->s->ops->groups->layout_base(im->s, &st->layout_base);
    return HY_DB_ONE;
}

static int groups_flush(struct hy_import *im) {
    struct groups_state *st = im->state;
    return im->s->ops->groups->insert_many(im->s, st->batch, im->n);
}

static void groups_cleanup(struct hy_import *im) {
    struct groups_state *st = im->state;
    free(st->keys);
    free(st->ids);
    free(st->layout);
}

const struct hy_importer hy_import_groups = {
    .kind = "groups",
    .noun = "groups",
    .usage = "hamyari import groups [--db URL] FILE.csv|FILE.geojson",
    .summary =
        "Imports mutual-aid groups, approved. CSV: UTF-8, RFC 4180 quoting, ',' or ';' between\n"
        "fields, a header row naming the columns name, lat, lon and optionally description,\n"
        "phone, email, website, messaging, tags, languages (lists separated by ';'), radius_km,\n"
        "and id, verified, demo as the CSV export writes them (an export imports back as the same\n"
        "groups; a group whose id the store has already is refused). GeoJSON: a\n"
        "FeatureCollection of Point features (properties as the CSV columns) or Polygon\n"
        "features (the polygon is the coverage area), or the groups.geojson export's\n"
        "GeometryCollections of the point and the area. Every row is checked first and each bad\n"
        "one reported as 'row N: field: problem'; if any is bad nothing is imported.",
    .state_size = sizeof(struct groups_state),
    .progress_every = 100000,
    .check = groups_check,
    .checked = groups_checked,
    .begin = groups_begin,
    .write = walk,
    .flush = groups_flush,
    .cleanup = groups_cleanup,
};
