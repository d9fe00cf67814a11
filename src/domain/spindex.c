/* spindex.c — the in-memory spatial index of the approved groups (see spindex.h and
 * docs/spatial-index.md).
 *
 * Exactness. Every distance in an answer is hy_geo_distance_m() of the stored doubles, with
 * the query point first, as the stores compute it; ranks compare those doubles, ties by record
 * number. The trees only decide what need not be looked at, from bounds of the haversine term
 * a = sin²(Δφ/2) + cos φq·cos φ·sin²(Δλ/2) of a point or of any point in a box:
 *   - lower: sin y >= y - y³/6 and cos x >= 1 - x²/2 + x⁴/24 - x⁶/720 on [0, π/2] (the series
 *     alternate with shrinking terms there), the smallest cosine of latitude in the box, the
 *     longitude gap the short way round ±180;
 *   - upper: sin y <= y, cos x <= 1 - x²/2 + x⁴/24, the largest cosine in the box;
 * each widened by a relative margin of 1e-8 (MARGIN), far beyond the rounding of any of these
 * formulas. No trigonometry per point. A nearest query first walks the k-d tree gathering the
 * points whose lower bound is within the threshold — the upper bound of the `limit`-th best
 * point that surely qualifies (in reach, in the box, not already among the covering ones) —
 * then computes the exact distance of those still within the final threshold only. A point
 * passed over is therefore surely farther than `limit` qualifying points, never merely as far
 * (the id decides those ties). The split values of the k-d tree are floats rounded outwards,
 * so every point lies in its cell. */
#include "domain/spindex.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo.h"
#include "util/arena.h"

#define BUCKET 16   /* points (area boxes) a leaf of a k-d tree */
#define KD_STACK 64 /* more than a walk can hold: a pending node a level, 28 levels at most */
#define NO_POLY UINT32_MAX

#define SPX_PI 3.14159265358979323846
#define DEG (SPX_PI / 180.0)
/* The stores' "any distance" (groups_sqlite.c, groups_pg.c) and hy_bbox_reach_m()'s most. */
#define WORLD_M (SPX_PI * HY_EARTH_RADIUS_M)

struct fbox {
    float min_lat, min_lon, max_lat, max_lon;
};

struct pt {
    double lat, lon;
};

/* What an area covers with: the group's point and its radius or polygon. */
struct area {
    uint32_t pos;  /* the group's point */
    uint32_t poly; /* into ix->poly, or NO_POLY for a radius */
    double radius_m;
};

struct poly {
    struct hy_bbox box; /* the outer ring's box, as hy_polygon_parse() gives it */
    size_t first_ring, nrings, first_vertex, nvertices;
};

/* A split of a k-d tree on one axis (latitude or longitude): everything under the left child
 * lies at or below lmax on that axis, everything under the right child at or above rmin
 * (floats rounded outwards). */
struct split {
    float lmax, rmin;
};

/* A k-d tree over n items in leaves of BUCKET: its shape follows from n alone (see kd_build);
 * the internal nodes in preorder, each with its split and axis (0 latitude, 1 longitude). */
struct kdtree {
    size_t nsplits;
    struct split *split;
    uint8_t *axis;
};

struct hy_spindex {
    size_t n;
    struct pt *pt;  /* in the k-d tree's order: each leaf's points together */
    uint32_t *rec;  /* pt[i] is record rec[i] */
    struct kdtree tree;
    double box[4]; /* min_lat, min_lon, max_lat, max_lon of every point */
    /* The coverage areas in a k-d tree of their boxes (split on the boxes' centres; a split
     * keeps the extent of the boxes on each side). */
    size_t nareas;
    struct fbox *abox; /* the stored area boxes, rounded outwards */
    struct area *area;
    struct kdtree atree;
    size_t npolys, nrings, nvertices;
    struct poly *poly;
    size_t *ring_start, *ring_len; /* ring_start relative to the polygon's first vertex */
    double *vlat, *vlon;
};

/* ---- boxes ---- */

static float f_down(double v) {
    float f = (float)v;
    return (double)f > v ? nextafterf(f, -INFINITY) : f;
}

static float f_up(double v) {
    float f = (float)v;
    return (double)f < v ? nextafterf(f, INFINITY) : f;
}

/* ---- building ---- */

static bool box_finite(const struct hy_bbox *b) {
    return isfinite(b->min_lat) && isfinite(b->min_lon) && isfinite(b->max_lat) &&
           isfinite(b->max_lon);
}

static int area_kind(const struct hy_spindex_rec *r) {
    if (!r->area_kind) return 0;
    if (!strcmp(r->area_kind, "radius")) return 1;
    if (!strcmp(r->area_kind, "polygon")) return 2;
    return 0;
}

static bool rec_ok(const struct hy_spindex_rec *r, const struct hy_spindex_rec *prev) {
    if (!hy_geo_valid(r->lat, r->lon)) return false;
    if (r->id && prev && prev->id && strcmp(prev->id, r->id) >= 0) return false;
    int k = area_kind(r);
    if (k == 1 && !isfinite(r->radius_m)) return false;
    return k == 0 || box_finite(&r->area_box);
}

/* Makes *v (NULL at first) hold at least `need` items of `size` bytes (at least one). */
static int grow(void **v, size_t *cap, size_t need, size_t size) {
    if (*v && need <= *cap) return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *p = realloc(*v, c * size);
    if (!p) return -ENOMEM;
    *v = p;
    *cap = c;
    return 0;
}

struct poly_caps {
    size_t poly, ring, vertex;
};

/* Parses a polygon area as hy_area_covers() does and keeps it; 1 when kept, 0 when the text
 * does not parse (the area then covers nothing), -ENOMEM. */
static int add_polygon(hy_spindex *ix, struct poly_caps *cap, const char *text) {
    if (!text) return 0;
    json_t *g = json_loads(text, 0, NULL);
    if (!g) return 0;
    hy_arena *a = hy_arena_new(1 << 20); /* the arena hy_area_covers() parses in */
    struct hy_polygon p;
    struct hy_bbox box;
    const char *problem;
    int r = 0;
    if (!a) r = -ENOMEM;
    else if (hy_polygon_parse(g, a, &p, &box, &problem)) {
        /* Arrays that grow together share a capacity: each grows from a copy of it. */
        size_t rcap = cap->ring, vcap = cap->vertex;
        if (grow((void **)&ix->poly, &cap->poly, ix->npolys + 1, sizeof *ix->poly) < 0 ||
            grow((void **)&ix->ring_start, &rcap, ix->nrings + p.nrings,
                 sizeof *ix->ring_start) < 0 ||
            grow((void **)&ix->ring_len, &cap->ring, ix->nrings + p.nrings,
                 sizeof *ix->ring_len) < 0 ||
            grow((void **)&ix->vlat, &vcap, ix->nvertices + p.nvertices, sizeof *ix->vlat) < 0 ||
            grow((void **)&ix->vlon, &cap->vertex, ix->nvertices + p.nvertices,
                 sizeof *ix->vlon) < 0)
            r = -ENOMEM;
        if (!r) {
            ix->poly[ix->npolys++] = (struct poly){box, ix->nrings, p.nrings, ix->nvertices,
                                                   p.nvertices};
            memcpy(ix->ring_start + ix->nrings, p.ring_start, p.nrings * sizeof *p.ring_start);
            memcpy(ix->ring_len + ix->nrings, p.ring_len, p.nrings * sizeof *p.ring_len);
            memcpy(ix->vlat + ix->nvertices, p.lat, p.nvertices * sizeof *p.lat);
            memcpy(ix->vlon + ix->nvertices, p.lon, p.nvertices * sizeof *p.lon);
            ix->nrings += p.nrings;
            ix->nvertices += p.nvertices;
            r = 1;
        }
    }
    hy_arena_free(a);
    json_decref(g);
    return r;
}

/* ---- k-d trees ---- */

/* The items a k-d tree is built over: each has an extent [lo, hi] on each axis (a point: one
 * value) and is split by its centre. */
struct kd_items {
    void *ctx;
    void (*extent)(const void *ctx, size_t i, int axis, double *ret_lo, double *ret_hi);
    void (*swap)(void *ctx, size_t i, size_t j);
};

static double kd_centre(const struct kd_items *it, size_t i, int axis) {
    double lo, hi;
    it->extent(it->ctx, i, axis, &lo, &hi);
    return lo == hi ? lo : lo / 2 + hi / 2;
}

/* Reorders items [lo, hi) so that every one before `mid` has a centre at most that of every one
 * from `mid` on (quickselect, three-way partition; the pivot from a fixed sequence). */
static void kd_select(const struct kd_items *it, size_t lo, size_t hi, size_t mid, int axis,
                      uint64_t *seed) {
    while (hi - lo > 1) {
        *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
        double pv = kd_centre(it, lo + (size_t)(*seed >> 33) % (hi - lo), axis);
        size_t a = lo, i = lo, z = hi; /* [lo,a) < pv, [a,i) == pv, [z,hi) > pv */
        while (i < z) {
            double v = kd_centre(it, i, axis);
            if (v < pv) it->swap(it->ctx, a++, i++);
            else if (v > pv) it->swap(it->ctx, i, --z);
            else i++;
        }
        if (mid < a) hi = a;
        else if (mid >= z) lo = z;
        else return;
    }
}

/* The number of leaves under a node of n items; a node of more than one leaf gives its left
 * child the first half of them (rounded up), BUCKET items each, and the rest to the right. So
 * the shape of the tree, and where each node's items are, follow from n alone. */
static size_t kd_leaves(size_t n) { return (n + BUCKET - 1) / BUCKET; }

/* Builds the subtree of internal node `node` over items [lo, hi). */
static void kd_build(struct kdtree *t, const struct kd_items *it, size_t node, size_t lo,
                     size_t hi, uint64_t *seed) {
    size_t m = kd_leaves(hi - lo);
    if (m <= 1) return;
    size_t ml = (m + 1) / 2, mid = lo + ml * BUCKET;
    /* Split the longer side of the centres' box (longitude scaled to distance there). */
    double la0 = 90, la1 = -90, lo0 = 180, lo1 = -180;
    for (size_t i = lo; i < hi; i++) {
        double la = kd_centre(it, i, 0), lg = kd_centre(it, i, 1);
        la0 = la < la0 ? la : la0;
        la1 = la > la1 ? la : la1;
        lo0 = lg < lo0 ? lg : lo0;
        lo1 = lg > lo1 ? lg : lo1;
    }
    double w = (lo1 - lo0) * cos((fabs(la0) > fabs(la1) ? la1 : la0) * DEG);
    int axis = w > la1 - la0;
    kd_select(it, lo, hi, mid, axis, seed);
    double lmax = -1000, rmin = 1000, elo, ehi;
    for (size_t i = lo; i < mid; i++) {
        it->extent(it->ctx, i, axis, &elo, &ehi);
        lmax = ehi > lmax ? ehi : lmax;
    }
    for (size_t i = mid; i < hi; i++) {
        it->extent(it->ctx, i, axis, &elo, &ehi);
        rmin = elo < rmin ? elo : rmin;
    }
    t->split[node] = (struct split){f_up(lmax), f_down(rmin)};
    t->axis[node] = (uint8_t)axis;
    kd_build(t, it, node + 1, lo, mid, seed);
    kd_build(t, it, node + ml, mid, hi, seed); /* after the left subtree's ml - 1 nodes */
}

static int kd_make(struct kdtree *t, const struct kd_items *it, size_t n) {
    t->nsplits = n ? kd_leaves(n) - 1 : 0;
    t->split = malloc((t->nsplits ? t->nsplits : 1) * sizeof *t->split);
    t->axis = malloc(t->nsplits ? t->nsplits : 1);
    if (!t->split || !t->axis) return -ENOMEM;
    uint64_t seed = 20261127;
    kd_build(t, it, 0, 0, n, &seed);
    return 0;
}

static void pt_extent(const void *ctx, size_t i, int axis, double *ret_lo, double *ret_hi) {
    const struct pt *p = &((const hy_spindex *)ctx)->pt[i];
    *ret_lo = *ret_hi = axis ? p->lon : p->lat;
}

static void pt_swap(void *ctx, size_t i, size_t j) {
    hy_spindex *ix = ctx;
    struct pt p = ix->pt[i];
    ix->pt[i] = ix->pt[j];
    ix->pt[j] = p;
    uint32_t r = ix->rec[i];
    ix->rec[i] = ix->rec[j];
    ix->rec[j] = r;
}

static void area_extent(const void *ctx, size_t i, int axis, double *ret_lo, double *ret_hi) {
    const struct fbox *b = &((const hy_spindex *)ctx)->abox[i];
    *ret_lo = axis ? b->min_lon : b->min_lat;
    *ret_hi = axis ? b->max_lon : b->max_lat;
}

static void area_swap(void *ctx, size_t i, size_t j) {
    hy_spindex *ix = ctx;
    struct fbox b = ix->abox[i];
    ix->abox[i] = ix->abox[j];
    ix->abox[j] = b;
    struct area a = ix->area[i];
    ix->area[i] = ix->area[j];
    ix->area[j] = a;
}

static int build_areas(hy_spindex *ix, hy_spindex_get_fn get, const void *ctx) {
    size_t cap = 0;
    struct hy_spindex_rec one;
    for (size_t i = 0; i < ix->n; i++) {
        get(ctx, i, &one);
        cap += area_kind(&one) != 0;
    }
    if (!cap) return 0;
    ix->abox = malloc(cap * sizeof *ix->abox);
    ix->area = malloc(cap * sizeof *ix->area);
    if (!ix->abox || !ix->area) return -ENOMEM;
    struct poly_caps pc = {0};
    size_t na = 0;
    for (size_t pos = 0; pos < ix->n; pos++) {
        get(ctx, ix->rec[pos], &one);
        const struct hy_spindex_rec *g = &one;
        int k = area_kind(g);
        if (!k) continue;
        struct area x = {.pos = (uint32_t)pos, .poly = NO_POLY, .radius_m = g->radius_m};
        if (k == 2) {
            int got = add_polygon(ix, &pc, g->area);
            if (got < 0) return got;
            if (!got) continue;
            x.poly = (uint32_t)(ix->npolys - 1);
            x.radius_m = 0;
        }
        const struct hy_bbox *b = &g->area_box;
        /* A box given upside down is taken as the box between its corners. */
        ix->abox[na] = (struct fbox){f_down(fmin(b->min_lat, b->max_lat)),
                                     f_down(fmin(b->min_lon, b->max_lon)),
                                     f_up(fmax(b->min_lat, b->max_lat)),
                                     f_up(fmax(b->min_lon, b->max_lon))};
        ix->area[na++] = x;
    }
    ix->nareas = na;
    struct kd_items it = {ix, area_extent, area_swap};
    return kd_make(&ix->atree, &it, na);
}

static void from_array(const void *ctx, size_t i, struct hy_spindex_rec *ret) {
    *ret = ((const struct hy_spindex_rec *)ctx)[i];
}

int hy_spindex_build(const struct hy_spindex_rec *r, size_t n, hy_spindex **ret_index,
                     size_t *ret_bad) {
    return hy_spindex_build_with(n, from_array, r, ret_index, ret_bad);
}

int hy_spindex_build_with(size_t n, hy_spindex_get_fn get, const void *ctx, hy_spindex **ret_index,
                          size_t *ret_bad) {
    if (n > HY_SPINDEX_MAX_GROUPS) {
        if (ret_bad) *ret_bad = HY_SPINDEX_MAX_GROUPS;
        return -EINVAL;
    }
    struct hy_spindex_rec prev = {0}, cur;
    for (size_t i = 0; i < n; i++) {
        get(ctx, i, &cur);
        if (!rec_ok(&cur, i ? &prev : NULL)) {
            if (ret_bad) *ret_bad = i;
            return -EINVAL;
        }
        prev = cur;
    }
    hy_spindex *ix = calloc(1, sizeof *ix);
    if (!ix) return -ENOMEM;
    ix->n = n;
    ix->pt = malloc((n ? n : 1) * sizeof *ix->pt);
    ix->rec = malloc((n ? n : 1) * sizeof *ix->rec);
    int e = ix->pt && ix->rec ? 0 : -ENOMEM;
    if (!e) {
        ix->box[0] = 90, ix->box[1] = 180, ix->box[2] = -90, ix->box[3] = -180;
        for (size_t i = 0; i < n; i++) {
            get(ctx, i, &cur);
            ix->rec[i] = (uint32_t)i;
            ix->pt[i] = (struct pt){cur.lat, cur.lon};
            ix->box[0] = cur.lat < ix->box[0] ? cur.lat : ix->box[0];
            ix->box[1] = cur.lon < ix->box[1] ? cur.lon : ix->box[1];
            ix->box[2] = cur.lat > ix->box[2] ? cur.lat : ix->box[2];
            ix->box[3] = cur.lon > ix->box[3] ? cur.lon : ix->box[3];
        }
        struct kd_items it = {ix, pt_extent, pt_swap};
        e = kd_make(&ix->tree, &it, n);
    }
    if (!e) e = build_areas(ix, get, ctx);
    if (e) {
        hy_spindex_free(ix);
        return e;
    }
    *ret_index = ix;
    return 0;
}

hy_spindex *hy_spindex_free(hy_spindex *ix) {
    if (!ix) return NULL;
    free(ix->pt);
    free(ix->rec);
    free(ix->tree.split);
    free(ix->tree.axis);
    free(ix->abox);
    free(ix->area);
    free(ix->atree.split);
    free(ix->atree.axis);
    free(ix->poly);
    free(ix->ring_start);
    free(ix->ring_len);
    free(ix->vlat);
    free(ix->vlon);
    free(ix);
    return NULL;
}

void hy_spindex_stats(const hy_spindex *ix, struct hy_spindex_stats *ret) {
    memset(ret, 0, sizeof *ret);
    if (!ix) return;
    ret->groups = ix->n;
    ret->areas = ix->nareas;
    ret->polygons = ix->npolys;
    ret->vertices = ix->nvertices;
    ret->nodes = ix->tree.nsplits;
    ret->area_nodes = ix->atree.nsplits;
    ret->bytes_points = ix->n * (sizeof *ix->pt + sizeof *ix->rec);
    ret->bytes_tree = ix->tree.nsplits * (sizeof *ix->tree.split + sizeof *ix->tree.axis);
    ret->bytes_areas = ix->nareas * (sizeof *ix->abox + sizeof *ix->area) +
                       ix->atree.nsplits * (sizeof *ix->atree.split + sizeof *ix->atree.axis) +
                       ix->npolys * sizeof *ix->poly +
                       ix->nrings * (sizeof *ix->ring_start + sizeof *ix->ring_len) +
                       ix->nvertices * (sizeof *ix->vlat + sizeof *ix->vlon);
    ret->bytes = sizeof *ix + ret->bytes_points + ret->bytes_tree + ret->bytes_areas;
}

void hy_spindex_order(const hy_spindex *ix, uint32_t *ret) {
    if (ix->n) memcpy(ret, ix->rec, ix->n * sizeof *ret);
}

/* ---- querying ---- */

struct cand {
    double d;
    uint32_t rec, pos;
};

/* a ranks after b: farther, or as far with a larger record number. */
static bool after(const struct cand *a, const struct cand *b) {
    return a->d != b->d ? a->d > b->d : a->rec > b->rec;
}

/* The best k candidates so far: a heap with the last-ranked on top. */
struct top {
    struct cand *v;
    size_t n, k;
};

static void top_sift_down(struct top *t, size_t i) {
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < t->n && after(&t->v[l], &t->v[m])) m = l;
        if (l + 1 < t->n && after(&t->v[l + 1], &t->v[m])) m = l + 1;
        if (m == i) return;
        struct cand x = t->v[i];
        t->v[i] = t->v[m];
        t->v[m] = x;
        i = m;
    }
}

/* Offers c; true when it was taken. */
static bool top_offer(struct top *t, const struct cand *c) {
    if (t->n < t->k) {
        size_t i = t->n++;
        t->v[i] = *c;
        while (i > 0 && after(&t->v[i], &t->v[(i - 1) / 2])) {
            struct cand x = t->v[i];
            t->v[i] = t->v[(i - 1) / 2];
            t->v[(i - 1) / 2] = x;
            i = (i - 1) / 2;
        }
        return true;
    }
    if (!t->k || !after(&t->v[0], c)) return false;
    t->v[0] = *c;
    top_sift_down(t, 0);
    return true;
}

/* Sorts the heap's candidates best first (heapsort in place). */
static void top_sort(struct top *t) {
    size_t n = t->n;
    while (t->n > 1) {
        struct cand x = t->v[0];
        t->v[0] = t->v[--t->n];
        t->v[t->n] = x;
        top_sift_down(t, 0);
    }
    t->n = n;
}

/* Bounds carry a relative margin of MARGIN (and an absolute one of TINY above): far more than
 * the rounding of any of these formulas or of hy_geo_distance_m(), so a point is passed over
 * only when its computed distance is surely larger than the computed distance of `limit`
 * points that qualify. */
#define MARGIN 1e-8
#define TINY 1e-290

struct qctx {
    double lat, lon, cosq;
    bool has_box;
    struct hy_bbox box;
    /* Reach: d <= reach_lo is in, d > reach_hi is out; in between the exact reach decides
     * (the box's, computed once when first needed). */
    double reach_lo, reach_hi, reach;
    bool reach_known;
    double sure;  /* a point whose term is at most this is surely within reach_lo */
    double thr;   /* what has a lower bound of its term above this cannot rank */
    const uint32_t *skip; /* sorted point positions the walk leaves out (the covering ones) */
    size_t nskip;
};

/* sin y >= y - y³/6 (a rounded 1/6 instead of a division: well inside MARGIN). */
static double sin_lb(double y) { return y * (1 - y * y * (1.0 / 6)); }

static double cos_lb(double x) {
    double x2 = x * x, c = 1 - x2 * 0.5 * (1 - x2 * (1.0 / 12) * (1 - x2 * (1.0 / 30)));
    return c > 0 ? c : 0;
}

static double cos_ub(double x) {
    double x2 = x * x, c = 1 - x2 * 0.5 * (1 - x2 * (1.0 / 12));
    return c < 1 ? c : 1;
}

/* The gap in degrees between two longitudes, the short way round. */
static double lon_gap(double a, double b) {
    double d = fabs(a - b);
    return d > 180 ? 360 - d : d;
}

/* A lower bound of the haversine term of a point dlat and dlon degrees away whose latitude
 * has a cosine of at least cmin. */
static double term_lb(const struct qctx *c, double dlat, double dlon, double cmin) {
    double s1 = sin_lb(dlat * (DEG / 2)), s2 = sin_lb(dlon * (DEG / 2));
    return (s1 * s1 + c->cosq * cmin * s2 * s2) * (1 - MARGIN);
}

/* An upper bound, for a latitude whose cosine is at most cmax (sin y <= y). */
static double term_ub(const struct qctx *c, double dlat, double dlon, double cmax) {
    double y1 = dlat * (DEG / 2), y2 = dlon * (DEG / 2);
    return (y1 * y1 + c->cosq * cmax * y2 * y2) * (1 + MARGIN) + TINY;
}

/* A box of the k-d tree: the region a node's points lie in. */
struct cell {
    double la0, lo0, la1, lo1;
};

/* The smallest and largest cosine of latitude in a cell (bounds). */
static double cell_cos_lb(const struct cell *b) {
    double a = fabs(b->la0), z = fabs(b->la1), m = a > z ? a : z;
    return cos_lb((m > 90 ? 90 : m) * DEG);
}

static double cell_cos_ub(const struct cell *b) {
    if (b->la0 <= 0 && b->la1 >= 0) return 1;
    double a = fabs(b->la0), z = fabs(b->la1), m = a < z ? a : z;
    return cos_ub((m > 90 ? 90 : m) * DEG);
}

/* A lower bound of the term of any point in the cell (no branches: the latitude gap is 0
 * inside, the longitude gap is taken the shorter way round). */
static double cell_lb(const struct qctx *c, const struct cell *b) {
    double s = b->la0 - c->lat, n = c->lat - b->la1;
    double dlat = s > n ? s : n;
    dlat = dlat > 0 ? dlat : 0;
    double a = b->lo0 - c->lon, z = c->lon - b->lo1;
    double e = a < z + 360 ? a : z + 360, w = z < a + 360 ? z : a + 360;
    double dlon = e > w ? e : w;
    dlon = dlon > 0 ? dlon : 0;
    return term_lb(c, dlat, dlon, cell_cos_lb(b));
}

/* The haversine term of distance d, raised (above) or lowered (below) by the margins. */
static double term_above(double d) {
    double s = sin(d / (2 * HY_EARTH_RADIUS_M));
    return s * s * (1 + MARGIN) + TINY;
}

static double term_below(double d) {
    double s = sin(d / (2 * HY_EARTH_RADIUS_M));
    return s * s * (1 - MARGIN) - TINY;
}

static bool cell_meets(const struct qctx *c, const struct cell *b) {
    if (b->la1 < c->box.min_lat || b->la0 > c->box.max_lat) return false;
    if (c->box.min_lon <= c->box.max_lon) return b->lo1 >= c->box.min_lon && b->lo0 <= c->box.max_lon;
    return b->lo1 >= c->box.min_lon || b->lo0 <= c->box.max_lon;
}

static bool in_reach(struct qctx *c, double d) {
    if (d <= c->reach_lo) return true;
    if (d > c->reach_hi) return false;
    if (!c->reach_known) {
        double br = hy_bbox_reach_m(&c->box, c->lat, c->lon);
        c->reach = br < c->reach_hi ? br : c->reach_hi;
        c->reach_known = true;
    }
    return !(d > c->reach);
}

static bool skipped(const struct qctx *c, uint32_t pos) {
    size_t lo = 0, hi = c->nskip;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        if (c->skip[m] < pos) lo = m + 1;
        else hi = m;
    }
    return lo < c->nskip && c->skip[lo] == pos;
}

/* The walk's finds: points that may rank, with bounds of their term. */
struct found {
    double lb;
    uint32_t pos;
};

struct walk {
    struct found *v;
    size_t n, cap;
    bool owned;
    /* The upper bounds of the k smallest sure finds (in reach, in the box, not skipped): a
     * heap with the largest on top. Once k are in, its top bounds what can still rank. */
    double *ub;
    size_t nub, k;
};

static int walk_add(struct walk *w, double lb, size_t pos) {
    if (w->n == w->cap) {
        size_t cap = w->cap * 2;
        struct found *v = w->owned ? realloc(w->v, cap * sizeof *v) : malloc(cap * sizeof *v);
        if (!v) return -ENOMEM;
        if (!w->owned) memcpy(v, w->v, w->n * sizeof *v);
        w->v = v;
        w->cap = cap;
        w->owned = true;
    }
    w->v[w->n++] = (struct found){lb, (uint32_t)pos};
    return 0;
}

/* Offers a sure find's upper bound; lowers c->thr once k are in. */
static void walk_sure(struct walk *w, struct qctx *c, double ub) {
    size_t i;
    if (w->nub < w->k) {
        i = w->nub++;
        while (i > 0 && w->ub[(i - 1) / 2] < ub) {
            w->ub[i] = w->ub[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        w->ub[i] = ub;
    } else if (ub < w->ub[0]) {
        i = 0;
        for (;;) {
            size_t l = 2 * i + 1;
            if (l >= w->nub) break;
            if (l + 1 < w->nub && w->ub[l + 1] > w->ub[l]) l++;
            if (w->ub[l] <= ub) break;
            w->ub[i] = w->ub[l];
            i = l;
        }
        w->ub[i] = ub;
    } else {
        return;
    }
    if (w->nub == w->k && w->ub[0] < c->thr) c->thr = w->ub[0];
}

static int scan_leaf(const hy_spindex *ix, struct qctx *c, size_t lo, size_t hi,
                     const struct cell *b, struct walk *w) {
    double cmin = cell_cos_lb(b), cmax = cell_cos_ub(b);
    for (size_t pos = lo; pos < hi; pos++) {
        const struct pt *p = &ix->pt[pos];
        if (c->has_box && !hy_bbox_has(&c->box, p->lat, p->lon)) continue;
        double dlat = fabs(p->lat - c->lat), dlon = lon_gap(p->lon, c->lon);
        double lb = term_lb(c, dlat, dlon, cmin);
        if (lb > c->thr) continue;
        if (c->nskip && skipped(c, (uint32_t)pos)) continue;
        if (walk_add(w, lb, pos) < 0) return -ENOMEM;
        double ub = term_ub(c, dlat, dlon, cmax);
        if (ub <= c->sure) walk_sure(w, c, ub);
    }
    return 0;
}

/* A node of the k-d tree waiting to be explored. */
struct kframe {
    struct cell cell;
    double lb;
    size_t node, lo, hi;
};

/* The nearest t->k points in reach (and in the box), the skipped ones left out. First a
 * depth-first walk of the k-d tree, the nearer child first, gathers every point that may rank
 * (by bounds alone: the first leaf's points bound the rest), then only those whose lower
 * bound is within the final threshold get their exact distance. */
static int nearest(const hy_spindex *ix, struct qctx *c, struct top *t) {
    if (!ix->n || !t->k) return 0;
    struct found fbuf[256];
    double ubuf[64];
    struct walk w = {fbuf, 0, sizeof fbuf / sizeof fbuf[0], false, ubuf, 0, t->k};
    if (t->k > sizeof ubuf / sizeof ubuf[0] && !(w.ub = malloc(t->k * sizeof *w.ub)))
        return -ENOMEM;
    struct kframe stack[KD_STACK];
    size_t sp = 0;
    int e = 0;
    struct cell root = {ix->box[0], ix->box[1], ix->box[2], ix->box[3]};
    if (!c->has_box || cell_meets(c, &root))
        stack[sp++] = (struct kframe){root, cell_lb(c, &root), 0, 0, ix->n};
    while (sp && !e) {
        struct kframe f = stack[--sp];
        if (f.lb > c->thr) continue;
        size_t m = kd_leaves(f.hi - f.lo);
        if (m <= 1) {
            e = scan_leaf(ix, c, f.lo, f.hi, &f.cell, &w);
            continue;
        }
        size_t ml = (m + 1) / 2, mid = f.lo + ml * BUCKET;
        const struct split *sp_ = &ix->tree.split[f.node];
        struct kframe l = {f.cell, 0, f.node + 1, f.lo, mid};
        struct kframe r = {f.cell, 0, f.node + ml, mid, f.hi};
        if (ix->tree.axis[f.node]) {
            l.cell.lo1 = sp_->lmax;
            r.cell.lo0 = sp_->rmin;
        } else {
            l.cell.la1 = sp_->lmax;
            r.cell.la0 = sp_->rmin;
        }
        /* A child outside the box is left out; the farther child waits below the nearer. */
        bool lin = !c->has_box || cell_meets(c, &l.cell);
        bool rin = !c->has_box || cell_meets(c, &r.cell);
        if (lin) l.lb = cell_lb(c, &l.cell);
        if (rin) r.lb = cell_lb(c, &r.cell);
        bool left_first = lin && (!rin || l.lb <= r.lb);
        const struct kframe *nearer = left_first ? &l : &r, *farther = left_first ? &r : &l;
        if ((left_first ? rin : lin) && farther->lb <= c->thr) stack[sp++] = *farther;
        if ((left_first ? lin : rin) && nearer->lb <= c->thr) stack[sp++] = *nearer;
    }
    for (size_t i = 0; i < w.n && !e; i++) {
        if (w.v[i].lb > c->thr) continue;
        uint32_t pos = w.v[i].pos;
        const struct pt *p = &ix->pt[pos];
        struct cand x = {hy_geo_distance_m(c->lat, c->lon, p->lat, p->lon), ix->rec[pos], pos};
        if (in_reach(c, x.d)) top_offer(t, &x);
    }
    if (w.owned) free(w.v);
    if (w.ub != ubuf) free(w.ub);
    return e;
}

static bool fbox_has(const struct fbox *b, double lat, double lon) {
    return (double)b->min_lat <= lat && lat <= (double)b->max_lat && (double)b->min_lon <= lon &&
           lon <= (double)b->max_lon;
}

static bool area_covers(const hy_spindex *ix, const struct area *a, double lat, double lon) {
    const struct pt *p = &ix->pt[a->pos];
    if (a->poly == NO_POLY) return hy_geo_distance_m(p->lat, p->lon, lat, lon) <= a->radius_m;
    const struct poly *pg = &ix->poly[a->poly];
    struct hy_polygon poly = {pg->nrings,
                              pg->nvertices,
                              ix->ring_start + pg->first_ring,
                              ix->ring_len + pg->first_ring,
                              ix->vlon + pg->first_vertex,
                              ix->vlat + pg->first_vertex};
    return hy_bbox_has(&pg->box, lat, lon) && hy_polygon_contains(&poly, lat, lon);
}

/* The best t->k groups whose area covers the point (and whose point is in the box); returns
 * how many cover it in all. A walk of the areas' k-d tree down every side whose boxes may hold
 * the point. */
static size_t covering(const hy_spindex *ix, const struct qctx *c, struct top *t) {
    if (!ix->nareas) return 0;
    struct {
        size_t node, lo, hi;
    } stack[KD_STACK];
    size_t sp = 1, total = 0;
    stack[0].node = 0, stack[0].lo = 0, stack[0].hi = ix->nareas;
    while (sp) {
        size_t node = stack[sp - 1].node, lo = stack[sp - 1].lo, hi = stack[sp - 1].hi;
        sp--;
        size_t m = kd_leaves(hi - lo);
        if (m > 1) {
            size_t ml = (m + 1) / 2, mid = lo + ml * BUCKET;
            const struct split *s = &ix->atree.split[node];
            double v = ix->atree.axis[node] ? c->lon : c->lat;
            if (v >= (double)s->rmin) {
                stack[sp].node = node + ml, stack[sp].lo = mid, stack[sp].hi = hi;
                sp++;
            }
            if (v <= (double)s->lmax) {
                stack[sp].node = node + 1, stack[sp].lo = lo, stack[sp].hi = mid;
                sp++;
            }
            continue;
        }
        for (size_t k = lo; k < hi; k++) {
            if (!fbox_has(&ix->abox[k], c->lat, c->lon)) continue;
            const struct area *a = &ix->area[k];
            const struct pt *p = &ix->pt[a->pos];
            if (c->has_box && !hy_bbox_has(&c->box, p->lat, p->lon)) continue;
            if (!area_covers(ix, a, c->lat, c->lon)) continue;
            struct cand x = {hy_geo_distance_m(c->lat, c->lon, p->lat, p->lon), ix->rec[a->pos],
                             a->pos};
            top_offer(t, &x);
            total++;
        }
    }
    return total;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int hy_spindex_near(const hy_spindex *ix, const struct hy_spindex_query *q,
                    struct hy_spindex_hit *ret) {
    if (!hy_geo_valid(q->lat, q->lon) || q->limit < 1 || q->limit > HY_SPINDEX_LIMIT_MAX)
        return -EINVAL;
    if (q->has_box && !box_finite(&q->box)) return -EINVAL;
    struct qctx c = {.lat = q->lat, .lon = q->lon, .cosq = cos(q->lat * DEG), .has_box = q->has_box,
                     .box = q->box};
    /* The stores' reach: radius_m when given, else the world; within the box's reach. */
    c.reach_hi = q->radius_m > 0 ? q->radius_m : WORLD_M;
    c.reach_lo = c.reach = c.reach_hi;
    c.reach_known = !q->has_box;
    if (q->has_box) {
        /* hy_bbox_reach_m() is at least the farthest corner (it samples the corners, and
         * adds 1% and 1 km), at most the world. */
        const struct hy_bbox *b = &q->box;
        double far = fmax(fmax(hy_geo_distance_m(q->lat, q->lon, b->min_lat, b->min_lon),
                               hy_geo_distance_m(q->lat, q->lon, b->min_lat, b->max_lon)),
                          fmax(hy_geo_distance_m(q->lat, q->lon, b->max_lat, b->min_lon),
                               hy_geo_distance_m(q->lat, q->lon, b->max_lat, b->max_lon)));
        far = fmin(far, WORLD_M);
        if (far < c.reach_lo) c.reach_lo = far;
    }
    c.thr = c.reach_hi < WORLD_M ? term_above(c.reach_hi) : INFINITY;
    c.sure = c.reach_lo < WORLD_M ? term_below(c.reach_lo) : INFINITY;

    struct cand small[2 * 32];
    struct cand *buf = q->limit <= 32 ? small : malloc(2 * q->limit * sizeof *buf);
    if (!buf) return -ENOMEM;
    struct top cov = {buf, 0, q->limit}, near = {buf + q->limit, 0, 0};
    size_t ncov = covering(ix, &c, &cov);
    top_sort(&cov);
    int e = 0;
    uint32_t skip_small[32], *skip = NULL;
    if (ncov < q->limit) {
        near.k = q->limit - cov.n;
        if (cov.n) {
            skip = cov.n <= 32 ? skip_small : malloc(cov.n * sizeof *skip);
            if (!skip) e = -ENOMEM;
            else {
                for (size_t i = 0; i < cov.n; i++)
                    skip[i] = cov.v[i].pos;
                qsort(skip, cov.n, sizeof *skip, cmp_u32);
                c.skip = skip;
                c.nskip = cov.n;
            }
        }
        if (!e) e = nearest(ix, &c, &near);
        top_sort(&near);
    }
    size_t n = 0;
    for (size_t i = 0; i < cov.n; i++)
        ret[n++] = (struct hy_spindex_hit){cov.v[i].d, cov.v[i].rec, cov.v[i].pos, true};
    for (size_t i = 0; i < near.n; i++)
        ret[n++] = (struct hy_spindex_hit){near.v[i].d, near.v[i].rec, near.v[i].pos, false};
    if (skip != skip_small) free(skip);
    if (buf != small) free(buf);
    return e ? e : (int)n;
}
