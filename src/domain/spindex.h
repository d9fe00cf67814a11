/* spindex.h — an in-memory spatial index of the approved groups: the nearest groups to a point,
 * those whose coverage area holds it first.
 *
 * It answers exactly what the stores' nearest-groups query answers (store/groups.h `near`):
 * the groups whose area covers the point (in the box, when there is one, and at any distance),
 * then the nearest of the others within the reach (radius_m when given; the box's reach
 * hy_bbox_reach_m() when there is a box) and inside the box, all ranked by the same
 * hy_geo_distance_m() over the same doubles, ties by id; at most `limit`.
 *
 * Shape (docs/spatial-index.md):
 *   - the points in a k-d tree: exact lat/lon doubles and the record number, 20 bytes a
 *     group, in leaves of 16 points; each split (latitude or longitude, whichever side of the
 *     node's points is longer) keeps the largest coordinate on its left and the smallest on its
 *     right as floats rounded outwards, 9 bytes per 16 groups. The shape follows from the
 *     number of groups, so nothing else is stored. A nearest query walks it depth first, the
 *     nearer child first, skipping what a lower bound of the haversine distance (no
 *     trigonometry per point) puts clearly beyond the `limit`-th; the few survivors get the
 *     exact distance. (A packed Hilbert R-tree with the same bounds was measured too: twice
 *     as slow, see docs/spatial-index.md.)
 *   - the bounding boxes of the coverage areas (radius and polygon) in a second k-d tree,
 *     split on the boxes' centres, each split keeping the extent of the boxes on either side,
 *     with each radius and each parsed polygon, for "covers".
 *
 * Immutable once built: any number of threads may query one index at once. No store, no SQL,
 * no HTTP: the caller reads the groups and keeps whatever an answer shows; a hit names the
 * group by its record number, the position of the group in the array the index was built
 * from. Records given in id order make that number the id tie-break as well. */
#ifndef HY_DOMAIN_SPINDEX_H
#define HY_DOMAIN_SPINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/area.h"

typedef struct hy_spindex hy_spindex;

/* One approved group, as the store holds it (struct hy_group's fields of the same names). */
struct hy_spindex_rec {
    const char *id; /* NULL, or the group's id: then the records must be in strictly increasing
                     * id order (strcmp), which the build checks */
    double lat, lon;
    const char *area_kind;   /* "radius" or "polygon"; anything else (or NULL): no area */
    double radius_m;         /* radius areas */
    const char *area;        /* polygon areas: the GeoJSON Polygon text */
    struct hy_bbox area_box; /* the area's bounding box as stored (radius and polygon areas) */
};

/* The fields of the stores' query (struct hy_group_near). */
struct hy_spindex_query {
    double lat, lon;
    size_t limit;    /* 1..HY_SPINDEX_LIMIT_MAX */
    double radius_m; /* only groups within this distance; 0 = any distance */
    bool has_box;    /* only groups inside `box` (longitudes may wrap: min_lon > max_lon) */
    struct hy_bbox box;
};

struct hy_spindex_hit {
    double distance_m; /* hy_geo_distance_m(q.lat, q.lon, group lat, group lon) */
    uint32_t rec;      /* the group's position in the records the index was built from */
    uint32_t pos;      /* its position in the index's own order (hy_spindex_order()) */
    bool covers;       /* the group's area covers the query point */
};

#define HY_SPINDEX_LIMIT_MAX 1000
#define HY_SPINDEX_MAX_GROUPS ((size_t)UINT32_MAX - 1)

/* Builds the index of records r[0..n). Copies everything it keeps (parsed polygons included),
 * so r may go when this returns. On success stores the index in *ret_index and returns 0;
 * otherwise returns -ENOMEM, or -EINVAL with *ret_bad (may be NULL) set to the first bad
 * record: a position that is not hy_geo_valid(), ids out of order, a radius or area box that
 * is not finite, more than HY_SPINDEX_MAX_GROUPS records. A polygon whose text does not parse
 * covers nothing, as for hy_area_covers(). The caller frees the index with
 * hy_spindex_free(). */
int hy_spindex_build(const struct hy_spindex_rec *r, size_t n, hy_spindex **ret_index,
                     size_t *ret_bad);

/* Fills *ret with record i (0..n-1); what its pointers point at must stay until the build
 * returns. */
typedef void (*hy_spindex_get_fn)(const void *ctx, size_t i, struct hy_spindex_rec *ret);

/* hy_spindex_build() over records a caller keeps in its own, more compact form and hands out
 * one at a time (each record may be asked for several times): the same index, without an
 * array of struct hy_spindex_rec beside the caller's records while it builds. */
int hy_spindex_build_with(size_t n, hy_spindex_get_fn get, const void *ctx, hy_spindex **ret_index,
                          size_t *ret_bad);

/* Accepts NULL; returns NULL. */
hy_spindex *hy_spindex_free(hy_spindex *ix);
/* The index's own order of the groups (its points' tree, leaf after leaf: groups near each
 * other in space are mostly near each other in it): ret[pos] = the record number of the
 * group at pos, for pos in 0..n-1. A caller that keeps per-group data in this order and looks
 * it up by a hit's `pos` reads a query's groups from few places in memory. */
void hy_spindex_order(const hy_spindex *ix, uint32_t *ret);

/* The answer to q, best first, in ret[0..q->limit): returns the number of hits, -EINVAL for a
 * query the stores would refuse (a position that is not hy_geo_valid(), limit outside
 * 1..HY_SPINDEX_LIMIT_MAX, a box that is not finite) or -ENOMEM. */
int hy_spindex_near(const hy_spindex *ix, const struct hy_spindex_query *q,
                    struct hy_spindex_hit *ret);

struct hy_spindex_stats {
    size_t groups, areas, polygons, vertices;
    size_t nodes, area_nodes; /* splits of the two k-d trees */
    size_t bytes_points;      /* coordinates and record numbers */
    size_t bytes_tree;        /* the points' tree */
    size_t bytes_areas;       /* the areas' entries and tree, radii, parsed polygons */
    size_t bytes;             /* everything, the index structure included */
};

void hy_spindex_stats(const hy_spindex *ix, struct hy_spindex_stats *ret);

#endif
