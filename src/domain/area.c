/* area.c — boxes around circles on the sphere, and coverage areas (see area.h). */
#include "domain/area.h"

#include <math.h>
#include <string.h>

#include "domain/geo.h"

#define PI 3.14159265358979323846
/* Boxes grow by this many degrees (about 1 cm) so rounding never drops a point on the edge. */
#define EPS_DEG 1e-7

static double deg(double r) { return r * 180.0 / PI; }
static double rad(double d) { return d * PI / 180.0; }

/* The latitude range of the circle, and its half-width in longitude; false when the circle
 * reaches a pole (or the whole sphere), so every longitude is in. */
static bool cap_extent(double lat, double radius_m, double *ret_min_lat, double *ret_max_lat,
                       double *ret_dlon) {
    double delta = radius_m / HY_EARTH_RADIUS_M; /* angular radius */
    double dlat = deg(delta) + EPS_DEG;
    double lo = lat - dlat, hi = lat + dlat;
    *ret_min_lat = lo < -90 ? -90 : lo;
    *ret_max_lat = hi > 90 ? 90 : hi;
    if (delta >= PI / 2 || lo <= -90 || hi >= 90) return false;
    /* The widest longitude reached by a spherical cap not holding a pole. */
    double s = sin(delta) / cos(rad(lat));
    if (s >= 1) return false;
    *ret_dlon = deg(asin(s)) + EPS_DEG;
    return true;
}

int hy_cap_boxes(double lat, double lon, double radius_m, struct hy_bbox ret[2]) {
    double lo, hi, dlon;
    if (!cap_extent(lat, radius_m, &lo, &hi, &dlon) || dlon >= 180) {
        ret[0] = (struct hy_bbox){lo, -180, hi, 180};
        return 1;
    }
    double w = lon - dlon, e = lon + dlon;
    if (w < -180) {
        ret[0] = (struct hy_bbox){lo, w + 360, hi, 180};
        ret[1] = (struct hy_bbox){lo, -180, hi, e};
        return 2;
    }
    if (e > 180) {
        ret[0] = (struct hy_bbox){lo, w, hi, 180};
        ret[1] = (struct hy_bbox){lo, -180, hi, e - 360};
        return 2;
    }
    ret[0] = (struct hy_bbox){lo, w, hi, e};
    return 1;
}

void hy_cap_bbox(double lat, double lon, double radius_m, struct hy_bbox *ret) {
    struct hy_bbox b[2];
    int n = hy_cap_boxes(lat, lon, radius_m, b);
    *ret = b[0];
    if (n == 2) ret->min_lon = -180, ret->max_lon = 180;
}

bool hy_bbox_has(const struct hy_bbox *b, double lat, double lon) {
    if (lat < b->min_lat || lat > b->max_lat) return false;
    if (b->min_lon <= b->max_lon) return lon >= b->min_lon && lon <= b->max_lon;
    return lon >= b->min_lon || lon <= b->max_lon;
}

double hy_bbox_reach_m(const struct hy_bbox *b, double lat, double lon) {
    /* The farthest point of a region lies on its boundary (unless the region holds the
     * antipode, which the boundary then approaches too): sample the four edges densely. */
    double max = PI * HY_EARTH_RADIUS_M;
    double alon = lon > 0 ? lon - 180 : lon + 180;
    if (hy_bbox_has(b, -lat, alon)) return max;
    double span = b->max_lon - b->min_lon;
    if (span < 0) span += 360;
    double far = 0;
    enum { N = 64 };
    for (int i = 0; i <= N; i++) {
        double f = (double)i / N;
        double lo = b->min_lon + span * f, la = b->min_lat + (b->max_lat - b->min_lat) * f;
        if (lo > 180) lo -= 360;
        double d[4] = {hy_geo_distance_m(lat, lon, b->min_lat, lo),
                       hy_geo_distance_m(lat, lon, b->max_lat, lo),
                       hy_geo_distance_m(lat, lon, la, b->min_lon),
                       hy_geo_distance_m(lat, lon, la, b->max_lon)};
        for (int k = 0; k < 4; k++)
            if (d[k] > far) far = d[k];
    }
    far = far * 1.01 + 1000;
    return far > max ? max : far;
}

/* ---- polygons ---- */

static bool position(const json_t *p, double *ret_lon, double *ret_lat) {
    if (!json_is_array(p) || json_array_size(p) < 2 || json_array_size(p) > 3) return false;
    const json_t *x = json_array_get(p, 0), *y = json_array_get(p, 1);
    if (!json_is_number(x) || !json_is_number(y)) return false;
    *ret_lon = json_number_value(x);
    *ret_lat = json_number_value(y);
    return true;
}

bool hy_polygon_parse(const json_t *g, hy_arena *a, struct hy_polygon *ret, struct hy_bbox *ret_box,
                      const char **ret_problem) {
    const char *problem = NULL;
    const json_t *type = json_object_get(g, "type");
    const json_t *coords = json_object_get(g, "coordinates");
    if (!json_is_object(g) || !json_is_string(type) || strcmp(json_string_value(type), "Polygon")) {
        *ret_problem = "The area must be a GeoJSON object of type Polygon.";
        return false;
    }
    if (!json_is_array(coords) || json_array_size(coords) == 0) {
        *ret_problem = "The polygon needs coordinates: a list of rings.";
        return false;
    }
    size_t nrings = json_array_size(coords), total = 0;
    if (nrings > HY_AREA_MAX_RINGS) {
        *ret_problem = "The polygon has too many rings (at most 100).";
        return false;
    }
    for (size_t r = 0; r < nrings; r++) {
        const json_t *ring = json_array_get(coords, r);
        if (!json_is_array(ring)) {
            *ret_problem = "Each ring must be a list of [longitude, latitude] positions.";
            return false;
        }
        total += json_array_size(ring);
        if (total > HY_AREA_MAX_VERTICES) {
            *ret_problem = "The polygon has too many vertices (at most 10000).";
            return false;
        }
    }
    struct hy_polygon p = {.nrings = nrings, .nvertices = total};
    p.ring_start = hy_arena_alloc(a, nrings * sizeof *p.ring_start);
    p.ring_len = hy_arena_alloc(a, nrings * sizeof *p.ring_len);
    p.lon = hy_arena_alloc(a, (total ? total : 1) * sizeof *p.lon);
    p.lat = hy_arena_alloc(a, (total ? total : 1) * sizeof *p.lat);
    if (!p.ring_start || !p.ring_len || !p.lon || !p.lat) {
        *ret_problem = "The polygon is too large.";
        return false;
    }
    struct hy_bbox box = {90, 180, -90, -180};
    size_t k = 0;
    for (size_t r = 0; r < nrings && !problem; r++) {
        const json_t *ring = json_array_get(coords, r);
        size_t n = json_array_size(ring);
        if (n < 4) {
            problem = "Each ring needs at least 4 positions, the last equal to the first.";
            break;
        }
        p.ring_start[r] = k;
        p.ring_len[r] = n;
        double rmin = 180, rmax = -180;
        for (size_t i = 0; i < n; i++, k++) {
            if (!position(json_array_get(ring, i), &p.lon[k], &p.lat[k])) {
                problem = "Each position must be [longitude, latitude] numbers.";
                break;
            }
            if (!hy_geo_valid(p.lat[k], p.lon[k])) {
                problem = "Longitudes must be from -180 to 180 and latitudes from -90 to 90.";
                break;
            }
            if (p.lon[k] < rmin) rmin = p.lon[k];
            if (p.lon[k] > rmax) rmax = p.lon[k];
            if (r == 0) {
                if (p.lat[k] < box.min_lat) box.min_lat = p.lat[k];
                if (p.lat[k] > box.max_lat) box.max_lat = p.lat[k];
                if (p.lon[k] < box.min_lon) box.min_lon = p.lon[k];
                if (p.lon[k] > box.max_lon) box.max_lon = p.lon[k];
            }
        }
        if (problem) break;
        size_t first = p.ring_start[r], last = first + n - 1;
        if (p.lon[first] != p.lon[last] || p.lat[first] != p.lat[last])
            problem = "Each ring must be closed: its last position equal to its first.";
        else if (rmax - rmin > 180)
            problem = "The area crosses the antimeridian (longitude 180): split it in two.";
    }
    if (problem) {
        *ret_problem = problem;
        return false;
    }
    *ret = p;
    *ret_box = box;
    return true;
}

static bool ring_contains(const struct hy_polygon *p, size_t r, double lat, double lon) {
    bool in = false;
    size_t s = p->ring_start[r], n = p->ring_len[r];
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double yi = p->lat[s + i], yj = p->lat[s + j], xi = p->lon[s + i], xj = p->lon[s + j];
        if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) in = !in;
    }
    return in;
}

bool hy_polygon_contains(const struct hy_polygon *p, double lat, double lon) {
    if (!p->nrings || !ring_contains(p, 0, lat, lon)) return false;
    for (size_t r = 1; r < p->nrings; r++)
        if (ring_contains(p, r, lat, lon)) return false;
    return true;
}

bool hy_area_covers(const char *kind, double radius_m, const char *geojson, double glat,
                    double glon, double lat, double lon) {
    if (!kind) return false;
    if (!strcmp(kind, "radius")) return hy_geo_distance_m(glat, glon, lat, lon) <= radius_m;
    if (strcmp(kind, "polygon") || !geojson) return false;
    json_t *g = json_loads(geojson, 0, NULL);
    if (!g) return false;
    hy_arena *a = hy_arena_new(1 << 20);
    struct hy_polygon p;
    struct hy_bbox box;
    const char *problem;
    bool in = a && hy_polygon_parse(g, a, &p, &box, &problem) && hy_bbox_has(&box, lat, lon) &&
              hy_polygon_contains(&p, lat, lon);
    hy_arena_free(a);
    json_decref(g);
    return in;
}

/* ---- areas as RFC 7946 writes them ---- */

/* Twice the signed area of a ring of positions (lon, lat as plane coordinates): > 0 when it
 * runs counter-clockwise. */
static double ring_area2(const json_t *ring) {
    double sum = 0;
    size_t n = json_array_size(ring);
    for (size_t i = 0; i + 1 < n; i++) {
        double x0, y0, x1, y1;
        if (!position(json_array_get(ring, i), &x0, &y0) ||
            !position(json_array_get(ring, i + 1), &x1, &y1))
            return 0;
        sum += x0 * y1 - x1 * y0;
    }
    return sum;
}

json_t *hy_polygon_rfc7946(const json_t *g) {
    const json_t *type = json_object_get(g, "type");
    const json_t *coords = json_object_get(g, "coordinates");
    if (!json_is_string(type) || strcmp(json_string_value(type), "Polygon") ||
        !json_is_array(coords))
        return NULL;
    json_t *rings = json_array();
    for (size_t r = 0; r < json_array_size(coords); r++) {
        const json_t *ring = json_array_get(coords, r);
        if (!json_is_array(ring)) {
            json_decref(rings);
            return NULL;
        }
        double a = ring_area2(ring);
        /* The outer ring (0) counter-clockwise (a > 0), holes clockwise (a < 0). */
        bool reverse = r == 0 ? a < 0 : a > 0;
        json_t *out = json_array();
        size_t n = json_array_size(ring);
        for (size_t i = 0; i < n; i++)
            json_array_append(out, json_array_get(ring, reverse ? n - 1 - i : i));
        json_array_append_new(rings, out);
    }
    return json_pack("{s:s,s:o}", "type", "Polygon", "coordinates", rings);
}

json_t *hy_circle_polygon(double lat, double lon, double radius_m, int n) {
    double lo, hi, dlon;
    if (n < 8 || radius_m <= 0 || !cap_extent(lat, radius_m, &lo, &hi, &dlon) ||
        lon - dlon < -180 || lon + dlon > 180)
        return NULL;
    double d = radius_m / HY_EARTH_RADIUS_M, p1 = rad(lat), l1 = rad(lon);
    json_t *ring = json_array();
    for (int i = 0; i <= n; i++) {
        /* Bearings from north towards west (0, -360/n, …): the ring runs counter-clockwise.
         * The last vertex repeats the first exactly. */
        double b = rad(-360.0 * (i % n) / n);
        double p2 = asin(sin(p1) * cos(d) + cos(p1) * sin(d) * cos(b));
        double l2 = l1 + atan2(sin(b) * sin(d) * cos(p1), cos(d) - sin(p1) * sin(p2));
        double x = round(deg(l2) * 1e6) / 1e6, y = round(deg(p2) * 1e6) / 1e6;
        json_array_append_new(ring, json_pack("[f,f]", x, y));
    }
    return json_pack("{s:s,s:[o]}", "type", "Polygon", "coordinates", ring);
}
