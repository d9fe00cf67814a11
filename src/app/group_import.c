/* group_import.c — a group from a row of an import file, and an uploaded file imported whole
 * or not at all (app/group_import.h). */
#include "app/group_import.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/area.h"
#include "domain/auth.h"
#include "http/parse.h"
#include "store/audit.h"
#include "store/groups.h"
#include "util/buf.h"
#include "util/csv.h"

bool hy_import_column_is(const char *h, const struct hy_import_column *c) {
    if (!strcasecmp(h, c->name)) return true;
    for (const char *a = c->aliases; a && *a;) {
        size_t n = strcspn(a, "|");
        if (strlen(h) == n && !strncasecmp(h, a, n)) return true;
        a += n + (a[n] ? 1 : 0);
    }
    return false;
}

bool hy_import_number(const char *s, double min, double max, double *ret) {
    char *end;
    while (*s == ' ') s++;
    if (!*s) return false;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ') end++;
    if (*end || errno || !isfinite(v) || v < min || v > max) return false;
    *ret = v;
    return true;
}

char *hy_import_trim(char *s) {
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
    return s;
}

const struct hy_import_column hy_group_columns[HY_GC__N] = {
    {"name", NULL, true},       {"lat", "latitude", true},  {"lon", "longitude|lng", true},
    {"description", NULL, false}, {"phone", NULL, false},   {"email", NULL, false},
    {"website", NULL, false},   {"messaging", NULL, false}, {"tags", NULL, false},
    {"languages", NULL, false}, {"radius_km", NULL, false}, {"id", NULL, false},
    {"verified", NULL, false},  {"demo", NULL, false},
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

bool hy_group_from_row(const struct hy_group_row *row, long rowno, int64_t now, hy_arena *a,
                       struct hy_group *g, hy_row_problem_fn *bad, void *ctx) {
    memset(g, 0, sizeof *g);
    const char *name = row->v[HY_GC_NAME] ? row->v[HY_GC_NAME] : "";
    size_t nlen = strlen(name);
    bool ok = true;
    if (!nlen || !hy_text_ok(name, nlen, 0, HY_GROUP_NAME_MAX)) {
        bad(ctx, rowno, "name", nlen ? "must be text of at most 200 characters" : "is empty");
        ok = false;
    }
    const char *desc = row->v[HY_GC_DESC] ? row->v[HY_GC_DESC] : "";
    if (!hy_text_ok(desc, strlen(desc), HY_MULTILINE, HY_GROUP_DESC_MAX)) {
        bad(ctx, rowno, "description", "must be text of at most 5000 characters");
        ok = false;
    }
    if (!row->v[HY_GC_LAT] || !hy_import_number(row->v[HY_GC_LAT], -90, 90, &g->lat)) {
        bad(ctx, rowno, "lat", "must be a number from -90 to 90");
        ok = false;
    }
    if (!row->v[HY_GC_LON] || !hy_import_number(row->v[HY_GC_LON], -180, 180, &g->lon)) {
        bad(ctx, rowno, "lon", "must be a number from -180 to 180");
        ok = false;
    }
    const char *id = row->v[HY_GC_ID];
    if (id && *id && !hy_id_valid(id)) {
        bad(ctx, rowno, "id", "must be 32 lowercase hex digits");
        ok = false;
    }
    if (!flag(row->v[HY_GC_VERIFIED], &g->verified)) {
        bad(ctx, rowno, "verified", "must be true or false");
        ok = false;
    }
    if (!flag(row->v[HY_GC_DEMO], &g->demo)) {
        bad(ctx, rowno, "demo", "must be true or false");
        ok = false;
    }
    g->area_kind = "none";
    if (row->v[HY_GC_RADIUS] && *row->v[HY_GC_RADIUS]) {
        double km;
        if (!hy_import_number(row->v[HY_GC_RADIUS], 0.05, HY_AREA_MAX_RADIUS_M / 1000, &km)) {
            bad(ctx, rowno, "radius_km", "must be a number from 0.05 to 500");
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
            bad(ctx, rowno, "geometry", problem);
            ok = false;
        } else {
            g->area_kind = "polygon";
            char *t = json_dumps(row->polygon, JSON_COMPACT);
            g->area = t ? hy_arena_strdup(a, t) : NULL;
            free(t);
        }
    }
    json_t *contact = json_object();
    static const enum hy_group_col cc[] = {HY_GC_PHONE, HY_GC_EMAIL, HY_GC_WEBSITE, HY_GC_MESSAGING};
    for (size_t i = 0; i < 4; i++)
        if (row->v[cc[i]] && *row->v[cc[i]])
            json_object_set_new(contact, hy_group_columns[cc[i]].name, json_string(row->v[cc[i]]));
    const char *field, *problem;
    if (!hy_contact_valid(contact, &field, &problem)) {
        bad(ctx, rowno, field + strlen("contact."), problem);
        ok = false;
    }
    json_t *tags = list_cell(row->v[HY_GC_TAGS]), *langs = list_cell(row->v[HY_GC_LANGS]);
    size_t i;
    json_t *t;
    if (json_array_size(tags) > HY_GROUP_TAGS_MAX) {
        bad(ctx, rowno, "tags", "at most 20 tags");
        ok = false;
    }
    json_array_foreach(tags, i, t) {
        const char *s = json_string_value(t);
        if (!*s || !hy_text_ok(s, strlen(s), 0, HY_GROUP_TAG_LEN)) {
            bad(ctx, rowno, "tags", "each tag must be text of at most 40 characters");
            ok = false;
            break;
        }
    }
    if (json_array_size(langs) > HY_GROUP_LANGS_MAX) {
        bad(ctx, rowno, "languages", "at most 20 languages");
        ok = false;
    }
    json_array_foreach(langs, i, t) {
        if (!hy_lang_tag_valid(json_string_value(t))) {
            bad(ctx, rowno, "languages", "languages are tags like fa, en or ckb");
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
        g->created_at = g->updated_at = now;
        if (!g->contact || !g->tags || !g->languages || !g->search_text || !g->name_norm ||
            !g->name || !g->description || (!strcmp(g->area_kind, "polygon") && !g->area)) {
            bad(ctx, rowno, NULL, "out of memory");
            ok = false;
        }
    }
    json_decref(contact);
    json_decref(tags);
    json_decref(langs);
    return ok;
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

bool hy_group_row_from_feature(const json_t *ft, hy_arena *a, struct hy_group_row *row) {
    json_t *geom = json_object_get(ft, "geometry"), *props = json_object_get(ft, "properties");
    const char *gt = json_string_value(json_object_get(geom, "type"));
    *row = (struct hy_group_row){0};
    for (int k = 0; k < HY_GC__N; k++) row->v[k] = prop_text(props, hy_group_columns[k].name, a);
    if (json_is_string(json_object_get(ft, "id")))
        row->v[HY_GC_ID] = json_string_value(json_object_get(ft, "id"));
    json_t *contact = json_object_get(props, "contact");
    if (json_is_object(contact)) {
        row->v[HY_GC_PHONE] = json_string_value(json_object_get(contact, "phone"));
        row->v[HY_GC_EMAIL] = json_string_value(json_object_get(contact, "email"));
        row->v[HY_GC_WEBSITE] = json_string_value(json_object_get(contact, "website"));
        row->v[HY_GC_MESSAGING] = json_string_value(json_object_get(contact, "messaging"));
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
            if (!row->v[HY_GC_RADIUS] || !*row->v[HY_GC_RADIUS]) area = p1;
        }
    }
    json_t *coords = json_object_get(geom, "coordinates");
    if (gt && !strcmp(gt, "Point") && json_array_size(coords) >= 2) {
        row->polygon = area;
        row->v[HY_GC_LON] = hy_arena_printf(a, "%.17g", json_number_value(json_array_get(coords, 0)));
        row->v[HY_GC_LAT] = hy_arena_printf(a, "%.17g", json_number_value(json_array_get(coords, 1)));
        if (!json_is_number(json_array_get(coords, 0)) ||
            !json_is_number(json_array_get(coords, 1)))
            row->v[HY_GC_LON] = row->v[HY_GC_LAT] = "x";
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
            row->v[HY_GC_LON] = hy_arena_printf(a, "%.17g", sx / (double)(n - 1));
            row->v[HY_GC_LAT] = hy_arena_printf(a, "%.17g", sy / (double)(n - 1));
        }
        row->polygon = geom;
    } else {
        return false;
    }
    return true;
}

/* ---- a file in memory ---- */

struct mem {
    struct hy_group_import *gi;
    hy_arena *a;
    struct hy_group *groups;
    long *rownos;
    size_t n, cap;
    long last_bad_row;
};

static void note_problem(void *ctx, long row, const char *field, const char *problem) {
    struct mem *m = ctx;
    struct hy_group_import *gi = m->gi;
    if (row != m->last_bad_row || row <= 0) gi->bad++;
    m->last_bad_row = row;
    if (gi->nproblems == HY_GROUP_IMPORT_PROBLEMS_MAX) return;
    struct hy_group_import_problem *p = &gi->problems[gi->nproblems++];
    p->row = row;
    p->field = field ? hy_arena_strdup(m->a, field) : NULL;
    p->problem = hy_arena_strdup(m->a, problem);
}

/* One row: checked, and kept when good. -1 when memory ran out. */
static int take_row(struct mem *m, const struct hy_group_row *row, long rowno) {
    struct hy_group_import *gi = m->gi;
    if (++gi->rows > gi->row_max) {
        if (gi->rows == gi->row_max + 1)
            note_problem(m, 0, NULL,
                         hy_arena_printf(m->a, "more than %ld rows: split the file", gi->row_max));
        return 0;
    }
    struct hy_group g;
    if (!hy_group_from_row(row, rowno, gi->now, m->a, &g, note_problem, m)) return 0;
    g.status = gi->status;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct hy_group *ng = hy_arena_alloc(m->a, cap * sizeof *ng);
        long *nr = hy_arena_alloc(m->a, cap * sizeof *nr);
        if (!ng || !nr) return -1;
        if (m->n) {
            memcpy(ng, m->groups, m->n * sizeof *ng);
            memcpy(nr, m->rownos, m->n * sizeof *nr);
        }
        m->groups = ng;
        m->rownos = nr;
        m->cap = cap;
    }
    m->rownos[m->n] = rowno;
    m->groups[m->n++] = g;
    return 0;
}

static int read_csv(struct mem *m) {
    struct hy_group_import *gi = m->gi;
    struct hy_csv_options o = {.field_max = 64 * 1024, .row_max = 1024 * 1024, .fields_max = 64};
    hy_csv_reader *r = hy_csv_reader_mem(gi->data, gi->len, &o);
    if (!r) return -1;
    int col[HY_GC__N];
    for (int k = 0; k < HY_GC__N; k++) col[k] = -1;
    int x = hy_csv_read(r), rc = 0;
    if (x != HY_CSV_ROW) {
        long row, line;
        const char *why = hy_csv_error(r, &row, &line, NULL);
        note_problem(m, 1, NULL, why ? why : "no header row (the columns name, lat, lon, …)");
        hy_csv_reader_free(r);
        return 0;
    }
    size_t nf = hy_csv_nfields(r);
    const char **hdr = hy_arena_alloc(m->a, (nf ? nf : 1) * sizeof *hdr);
    if (!hdr) {
        hy_csv_reader_free(r);
        return -1;
    }
    for (size_t i = 0; i < nf; i++) {
        char *h = hy_import_trim(hy_csv_field(r, i, NULL));
        hdr[i] = hy_arena_strdup(m->a, h);
        int k = 0;
        while (k < HY_GC__N && !hy_import_column_is(h, &hy_group_columns[k])) k++;
        if (k == HY_GC__N) note_problem(m, 1, h, "unknown column");
        else if (col[k] >= 0) note_problem(m, 1, h, "the column appears twice");
        else col[k] = (int)i;
    }
    for (int k = 0; k < HY_GC__N; k++)
        if (hy_group_columns[k].required && col[k] < 0)
            note_problem(m, 1, hy_group_columns[k].name, "the column is missing");
    if (gi->bad) {
        hy_csv_reader_free(r);
        return 0;
    }
    while ((x = hy_csv_read(r)) != HY_CSV_END) {
        long row, line;
        size_t column;
        if (x == HY_CSV_FAIL || x == HY_CSV_BAD_ROW) {
            const char *why = hy_csv_error(r, &row, &line, &column);
            gi->rows++;
            note_problem(m, row, column > 0 && column <= nf ? hdr[column - 1] : NULL,
                         why ? why : "cannot be read");
            if (x == HY_CSV_FAIL) break;
            continue;
        }
        struct hy_group_row row_ = {0};
        for (int k = 0; k < HY_GC__N; k++) {
            if (col[k] < 0) continue;
            char *s = hy_import_trim(hy_csv_field(r, (size_t)col[k], NULL));
            hy_csv_unguard(s, strlen(s));
            row_.v[k] = hy_arena_strdup(m->a, s);
            if (!row_.v[k]) {
                rc = -1;
                break;
            }
        }
        if (rc < 0 || take_row(m, &row_, hy_csv_row(r)) < 0) {
            rc = -1;
            break;
        }
    }
    hy_csv_reader_free(r);
    return rc;
}

static int read_geojson(struct mem *m, json_t **ret_root) {
    struct hy_group_import *gi = m->gi;
    json_error_t err;
    json_t *root = json_loadb(gi->data, gi->len, JSON_REJECT_DUPLICATES, &err);
    *ret_root = root;
    if (!root) {
        note_problem(m, 0, NULL, hy_arena_printf(m->a, "not valid JSON (line %d): %s", err.line, err.text));
        return 0;
    }
    json_t *features = json_object_get(root, "features");
    const char *type = json_string_value(json_object_get(root, "type"));
    if (!type || strcmp(type, "FeatureCollection") || !json_is_array(features)) {
        note_problem(m, 0, NULL, "not a GeoJSON FeatureCollection");
        return 0;
    }
    size_t i;
    json_t *ft;
    json_array_foreach(features, i, ft) {
        long rowno = (long)i + 1;
        struct hy_group_row row;
        if (!hy_group_row_from_feature(ft, m->a, &row)) {
            gi->rows++;
            note_problem(m, rowno, "geometry", HY_GROUP_GEOMETRY_PROBLEM);
            continue;
        }
        if (take_row(m, &row, rowno) < 0) return -1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    const struct hy_group *const *x = a, *const *y = b;
    return strcmp((*x)->id, (*y)->id);
}

/* Ids the file gives twice. */
static int check_ids(struct mem *m) {
    if (m->n < 2) return 0;
    const struct hy_group **by = hy_arena_alloc(m->a, m->n * sizeof(const struct hy_group *));
    if (!by) return -1;
    for (size_t i = 0; i < m->n; i++) by[i] = &m->groups[i];
    qsort(by, m->n, sizeof(const struct hy_group *), cmp_str);
    for (size_t i = 1; i < m->n; i++)
        if (!strcmp(by[i]->id, by[i - 1]->id))
            note_problem(m, m->rownos[by[i] - m->groups], "id", "the file gives this id twice");
    return 0;
}

static int write_tx(hy_store *s, void *ctx) {
    struct mem *m = ctx;
    m->gi->bad = 0; /* a retried transaction starts its findings again */
    m->gi->nproblems = 0;
    m->last_bad_row = -1;
    for (size_t i = 0; i < m->n; i++) {
        struct hy_group old;
        int r = s->ops->groups->get(s, m->groups[i].id, m->a, &old);
        if (r < 0) return r;
        if (r == HY_DB_ONE) note_problem(m, m->rownos[i], "id", "a group with this id exists already");
    }
    if (m->gi->bad) return HY_DB_ABORT;
    for (size_t i = 0; i < m->n; i += 500) {
        size_t k = m->n - i < 500 ? m->n - i : 500;
        int r = s->ops->groups->insert_many(s, m->groups + i, k);
        if (r < 0) return r;
    }
    const char *detail = hy_arena_printf(m->a, "%zu groups (%s, %s)", m->n,
                                         m->gi->geojson ? "geojson" : "csv", m->gi->status);
    return detail ? hy_audit(s, m->gi->actor_id, "groups_imported", NULL, detail) : HY_DB_HARD;
}

int hy_group_import_mem(hy_db *db, struct hy_group_import *gi, hy_arena *a) {
    struct mem m = {.gi = gi, .a = a, .last_bad_row = -1};
    gi->rows = gi->bad = gi->imported = 0;
    gi->nproblems = 0;
    size_t i = 0;
    while (i < gi->len && strchr(" \t\r\n", gi->data[i])) i++;
    if (gi->len - i >= 3 && !memcmp(gi->data + i, "\xEF\xBB\xBF", 3)) i += 3;
    while (i < gi->len && strchr(" \t\r\n", gi->data[i])) i++;
    gi->geojson = i < gi->len && gi->data[i] == '{';
    json_t *root = NULL;
    int r = gi->geojson ? read_geojson(&m, &root) : read_csv(&m);
    if (r == 0 && !gi->bad) r = check_ids(&m);
    if (r < 0) {
        json_decref(root);
        return HY_GROUP_IMPORT_NOMEM;
    }
    if (!gi->bad && !gi->rows) note_problem(&m, 0, NULL, "the file has no rows");
    if (gi->bad || gi->dry_run) {
        json_decref(root);
        return gi->bad ? HY_GROUP_IMPORT_REFUSED : HY_GROUP_IMPORT_OK;
    }
    r = hy_db_run(db, HY_TX_WRITE, write_tx, &m);
    json_decref(root);
    if (r == HY_DB_ABORT) return HY_GROUP_IMPORT_REFUSED;
    if (r < 0) return r;
    gi->imported = (long)m.n;
    return HY_GROUP_IMPORT_OK;
}
