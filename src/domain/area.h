/* area.h — the geometry of "near" and "covers": boxes around a circle on the sphere, and
 * coverage areas (a GeoJSON Polygon or a radius around the group's point).
 *
 * Pure functions on longitude/latitude in degrees; no store, no HTTP. Distances use
 * hy_geo_distance_m() (domain/geo.h), so every store ranks with the same numbers. */
#ifndef HY_AREA_H
#define HY_AREA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/* A latitude/longitude box, min <= max on both axes (never crossing the antimeridian). */
struct hy_bbox {
    double min_lat, min_lon, max_lat, max_lon;
};

/* The boxes that together cover every point within `radius_m` of (lat, lon): one box, or two
 * when the circle crosses longitude ±180 (one each side). When the circle reaches a pole the
 * box spans every longitude. Returns the number of boxes written to ret[0..1]. */
int hy_cap_boxes(double lat, double lon, double radius_m, struct hy_bbox ret[2]);

/* One box covering the circle: like hy_cap_boxes() but a circle crossing ±180 gets the full
 * longitude range (used for the stored bounding box of a radius area). */
void hy_cap_bbox(double lat, double lon, double radius_m, struct hy_bbox *ret);

/* True when (lat, lon) lies in `b` (edges included). A box whose min_lon > max_lon wraps
 * across longitude ±180. */
bool hy_bbox_has(const struct hy_bbox *b, double lat, double lon);

/* A distance in metres that every point of box `b` (which may wrap) lies within from
 * (lat, lon), with a small margin: the radius of a circle around the point holding the box. */
double hy_bbox_reach_m(const struct hy_bbox *b, double lat, double lon);

#define HY_AREA_MAX_VERTICES 10000
#define HY_AREA_MAX_RINGS 100
#define HY_AREA_MAX_RADIUS_M 500000.0

/* A polygon: ring r has ring_len[r] vertices starting at index ring_start[r] of lon[]/lat[]
 * (the closing vertex is kept). Ring 0 is the outer boundary, the others are holes. */
struct hy_polygon {
    size_t nrings, nvertices;
    size_t *ring_start, *ring_len;
    double *lon, *lat;
};

/* Checks a GeoJSON Polygon object ({"type":"Polygon","coordinates":[[[lon,lat],…],…]}):
 * rings closed, at least 4 positions each, at most HY_AREA_MAX_VERTICES positions and
 * HY_AREA_MAX_RINGS rings in all, longitudes in [-180,180], latitudes in [-90,90], no ring
 * spanning more than 180° of longitude (an area across the antimeridian must be split, as
 * RFC 7946 asks). On success fills *ret (arrays in the arena) and *ret_box and returns true;
 * otherwise returns false and sets *ret_problem to a static English sentence. */
bool hy_polygon_parse(const json_t *geojson, hy_arena *a, struct hy_polygon *ret,
                      struct hy_bbox *ret_box, const char **ret_problem);

/* Even-odd point-in-polygon on longitude/latitude as plane coordinates (fine for
 * neighbourhood-sized areas): inside the outer ring and outside every hole. Points on an edge
 * may fall either way. */
bool hy_polygon_contains(const struct hy_polygon *p, double lat, double lon);

/* The GeoJSON Polygon `g` with its rings wound as RFC 7946 asks (section 3.1.6): the outer ring
 * counter-clockwise, holes clockwise, by the signed area of longitude/latitude taken as plane
 * coordinates; positions are kept, only their order changes. A new reference; NULL when `g`
 * is not a Polygon with rings of positions. */
json_t *hy_polygon_rfc7946(const json_t *g);

/* The circle of radius_m around (lat, lon) on the sphere as a GeoJSON Polygon of n distinct
 * vertices (and the closing one), counter-clockwise, positions rounded to 1e-6 degrees (about
 * 10 cm). NULL when the circle reaches a pole or crosses longitude ±180 (a polygon there would
 * have to be split), or when n < 8. */
json_t *hy_circle_polygon(double lat, double lon, double radius_m, int n);

/* Whether a stored area covers (lat, lon): `kind` is "radius" (radius_m around the group's
 * point glat/glon) or "polygon" (`geojson` is the polygon's text). Any other kind, or a
 * polygon that does not parse, covers nothing. */
bool hy_area_covers(const char *kind, double radius_m, const char *geojson, double glat,
                    double glon, double lat, double lon);

#endif
