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
#include "app/group_import.h"
#include "domain/area.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/group.h"
#include "http/parse.h"
#include "store/groups.h"
#include "util/buf.h"

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

static void report_bad(void *ctx, long row, const char *field, const char *problem) {
    hy_import_bad(ctx, row, field, problem);
}

/* Check pass: notes the good row's key on the curve, and its id if the file gave one. */
static int note_row(struct hy_import *im, const struct hy_group_row *row, long rowno,
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
    if (row->v[HY_GC_ID] && *row->v[HY_GC_ID]) {
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
static int groups_row(struct hy_import *im, const struct hy_group_row *row, long rowno, hy_arena *a) {
    struct hy_group g;
    if (!hy_group_from_row(row, rowno, im->now, a, &g, report_bad, im)) return 0;
    g.status = "approved";
    bool given_id = row->v[HY_GC_ID] && *row->v[HY_GC_ID];
    return im->s ? batch_row(im, rowno, given_id, &g) : note_row(im, row, rowno, &g);
}

/* Frees and renews the row arena once it has grown: what a row keeps is copied elsewhere. */
static hy_arena *row_arena(hy_arena *a) {
    if (a && hy_arena_used(a) <= ((size_t)4 << 20)) return a;
    hy_arena_free(a);
    return hy_arena_new(0);
}

static int walk_csv(struct hy_import *im) {
    int col[HY_GC__N];
    struct hy_csv_options o = {.field_max = 64 * 1024, .row_max = 1024 * 1024, .fields_max = 64};
    if (hy_import_csv_open(im, &o, hy_group_columns, HY_GC__N, false, col) < 0) {
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
        struct hy_group_row row = {0};
        for (int k = 0; k < HY_GC__N; k++) row.v[k] = hy_import_csv_field(im, col[k]);
        if (groups_row(im, &row, hy_import_csv_rowno(im), a) < 0) {
            rc = -1;
            break;
        }
    }
    hy_arena_free(a);
    hy_import_csv_close(im);
    return r < 0 ? -1 : rc;
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
        struct hy_group_row row;
        if (!hy_group_row_from_feature(ft, a, &row)) {
            hy_import_bad(im, rowno, "geometry", HY_GROUP_GEOMETRY_PROBLEM);
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
