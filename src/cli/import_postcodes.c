/* import_postcodes.c — `hamyari import postcodes FILE.csv`: postcode centroids, added or
 * replaced, from a CSV whose header names postcode, lat, lon (and optionally country), under
 * the two-pass driver (import.h). Other columns (files such as the ONS postcode directory have
 * dozens) are ignored. */
#include <ctype.h>
#include <string.h>

#include "cli/import.h"
#include "domain/group.h"
#include "store/groups.h"
#include "util/utf8.h"

enum { C_POSTCODE, C_LAT, C_LON, C_COUNTRY, C__N };

static const struct hy_import_column ccols[C__N] = {
    {"postcode", "pcd|pcds|postal_code|zip", true},
    {"lat", "latitude", true},
    {"lon", "long|lng|longitude", true},
    {"country", NULL, false},
};

struct postcodes_state {
    const char *keys[HY_IMPORT_BATCH], *shown[HY_IMPORT_BATCH], *country[HY_IMPORT_BATCH];
    double lat[HY_IMPORT_BATCH], lon[HY_IMPORT_BATCH];
};

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
    while (w && s[w - 1] == ' ') w--;
    s[w] = '\0';
    return s;
}

static int walk(struct hy_import *im) {
    struct postcodes_state *st = im->state;
    int col[C__N];
    if (hy_import_csv_open(im, NULL, ccols, C__N, true, col) < 0) {
        hy_import_csv_close(im);
        return -1;
    }
    int r, rc = 0;
    while ((r = hy_import_csv_next(im)) > 0) {
        long rowno = hy_import_csv_rowno(im);
        const char *raw = hy_import_csv_field(im, col[C_POSTCODE]);
        char key[16];
        double lat, lon;
        if (!hy_utf8_valid(raw, strlen(raw), 0) || !hy_postcode_key(raw, key, sizeof key)) {
            hy_import_bad(im, rowno, "postcode", "must be 2 to 12 letters and digits");
            continue;
        }
        if (!hy_import_number(hy_import_csv_field(im, col[C_LAT]), -90, 90, &lat)) {
            hy_import_bad(im, rowno, "lat", "must be a number from -90 to 90");
            continue;
        }
        if (!hy_import_number(hy_import_csv_field(im, col[C_LON]), -180, 180, &lon)) {
            hy_import_bad(im, rowno, "lon", "must be a number from -180 to 180");
            continue;
        }
        const char *country = col[C_COUNTRY] >= 0 ? hy_import_csv_field(im, col[C_COUNTRY]) : "";
        if (strlen(country) > 3 || !hy_utf8_valid(country, strlen(country), 0)) {
            hy_import_bad(im, rowno, "country", "must be a two-letter country code");
            continue;
        }
        if (!im->s) continue;
        size_t i = im->n;
        st->keys[i] = hy_arena_strdup(im->a, key);
        st->shown[i] = postcode_shown(im->a, raw, key);
        st->country[i] = hy_arena_strdup(im->a, country);
        st->lat[i] = lat;
        st->lon[i] = lon;
        if (hy_import_added(im, st->keys[i] && st->shown[i] && st->country[i]) < 0) {
            rc = -1;
            break;
        }
    }
    hy_import_csv_close(im);
    return r < 0 ? -1 : rc;
}

static int postcodes_flush(struct hy_import *im) {
    struct postcodes_state *st = im->state;
    return im->s->ops->groups->postcode_upsert_many(im->s, st->keys, st->shown, st->country,
                                                    st->lat, st->lon, im->n);
}

const struct hy_importer hy_import_postcodes = {
    .kind = "postcodes",
    .noun = "postcodes",
    .usage = "hamyari import postcodes [--db URL] FILE.csv",
    .summary =
        "Adds or replaces postcode centroids from a CSV whose header names the columns postcode,\n"
        "lat and lon (also accepted: pcd, pcds, latitude, long, longitude) and optionally country.\n"
        "'SW1A 1AA', 'sw1a1aa' and 'SW1A-1AA' are the same postcode. All or nothing.",
    .state_size = sizeof(struct postcodes_state),
    .progress_every = 100000,
    .check = walk,
    .write = walk,
    .flush = postcodes_flush,
};
