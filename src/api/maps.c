/* maps.c — GET /api/v1/map/places: the gazetteer's places of a map view, as labels for the
 * offline map (no tile server needed to see where the cities and neighbourhoods are). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/maplabel.h"
#include "http/replica.h"
#include "store/maps.h"
#include "util/numtext.h"

#define PLACES_LIMIT 300

static const char json_media[] = "application/json; charset=utf-8";

struct places_ctx {
    struct hy_map_view v;
    hy_arena *a;
    struct hy_place *p;
    int n;
};

static int places_tx(hy_store *s, void *ctx) {
    struct places_ctx *c = ctx;
    c->n = hy_map_places(s, &c->v, c->a, &c->p);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

/* A coordinate with 5 decimals (about a metre): enough for a label, fewer bytes. */
static json_t *coord(double v) { return json_real(round(v * 1e5) / 1e5); }

hy_result hy_api_map_places(hy_req *req) {
    const char *bbox = hy_req_query(req, "bbox");
    double b[4];
    if (!bbox || !hy_number_list(bbox, 4, b) || b[0] < -180 || b[2] > 180 || b[0] > b[2] ||
        b[1] < -90 || b[3] > 90 || b[1] > b[3])
        return hy_reply_error(req, HY_E_INVALID_QUERY,
                              "bbox must be W,S,E,N: longitudes -180..180 with W <= E, latitudes "
                              "-90..90 with S <= N.",
                              "bbox");
    const char *zs = hy_req_query(req, "zoom");
    double z;
    if (!zs || !hy_number_parse(zs, strlen(zs), false, &z) || z != floor(z) || z < 0 ||
        z > HY_MAPLABEL_ZOOM_MAX)
        return hy_reply_error(req, HY_E_INVALID_QUERY, "zoom must be a whole number from 0 to 18.",
                              "zoom");
    const char *lang = hy_req_query(req, "lang");
    if (lang && strcmp(lang, "fa") && strcmp(lang, "en"))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "lang must be fa or en.", "lang");
    struct places_ctx c = {
        .v = {.min_lon = b[0], .min_lat = b[1], .max_lon = b[2], .max_lat = b[3],
              .zoom = (unsigned)z, .persian = !lang || !strcmp(lang, "fa"), .limit = PLACES_LIMIT},
        .a = req->arena,
    };
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, places_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *arr = json_array();
    for (int i = 0; i < c.n; i++) {
        const struct hy_place *p = &c.p[i];
        json_t *o = json_pack("{s:I,s:s,s:s,s:o,s:o,s:I}", "id", (json_int_t)p->geonameid, "name",
                              p->name ? p->name : "", "kind",
                              p->feature && *p->feature ? p->feature : "place", "lat",
                              coord(p->lat), "lon", coord(p->lon), "population",
                              (json_int_t)p->population);
        if (o) json_array_append_new(arr, o);
    }
    json_t *body = json_pack("{s:o,s:i,s:s}", "places", arr, "zoom", (int)z, "attribution",
                             "Place names: GeoNames (geonames.org), CC BY 4.0");
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(body);
    if (!text) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    /* The gazetteer changes only when an operator imports places: a short lifetime, then the
     * ETag (a hash of these bytes, alike in every process) revalidates it. */
    hy_result res = hy_reply_cached(req, json_media, text, strlen(text),
                                    &(struct hy_cache){.cache_control = "public, max-age=600"});
    free(text);
    return res;
}
