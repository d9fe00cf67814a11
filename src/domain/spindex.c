/* spindex.c — the in-memory spatial index of the approved groups (see spindex.h and
 * docs/spatial-index.md).
 *
 * Exactness. Every distance in an answer is hy_geo_distance_m() of the stored doubles, with
 * the query point first, as the stores compute it; ranks compare those doubles, ties by record
 * number. The trees only decide what need not be looked at: a node or point is passed over
 * when a lower bound of its haversine term a = sin²(Δφ/2) + cos φq·cos φ·sin²(Δλ/2) exceeds,
 * by a relative margin of 1e-8, the term of the current `limit`-th distance (or of the reach).
 * The bound uses sin y >= y - y³/6 and cos x >= 1 - x²/2 + x⁴/24 - x⁶/720 on [0, π/2] (the
 * series alternate with shrinking terms there), the smallest cosine of latitude in the node's
 * box, and the longitude gap across ±180 — so it holds for every point in the box, with no
 * trigonometry per point. The floats of a node's box are rounded outwards, so every point
 * lies in it. */
#include "domain/spindex.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo.h"
#include "util/arena.h"

#define FAN 16        /* points a leaf, children a node */
#define MAX_LEVELS 10 /* 16^9 > 2^32 */
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

/* A packed R-tree: level 0 holds a box per FAN items, each level above a box per FAN boxes
 * of the level below; the top level is one box. */
struct tree {
    unsigned levels;
    size_t count[MAX_LEVELS];
    struct fbox *level[MAX_LEVELS]; /* into box */
    struct fbox *box;
    size_t nboxes;
};

struct area {
    struct fbox box; /* the stored area box, rounded outwards */
    uint32_t pos;    /* the group's point */
    uint32_t poly;   /* into ix->poly, or NO_POLY for a radius */
    double radius_m;
};

struct poly {
    struct hy_bbox box; /* the outer ring's box, as hy_polygon_parse() gives it */
    size_t first_ring, nrings, first_vertex, nvertices;
};

struct hy_spindex {
    size_t n;
    struct pt *pt;  /* Hilbert order */
    uint32_t *rec;  /* pt[i] is record rec[i] */
    struct tree tree;
    size_t nareas;
    struct area *area;
    struct tree area_tree;
    size_t npolys, nrings, nvertices;
    struct poly *poly;
    size_t *ring_start, *ring_len; /* ring_start relative to the polygon's first vertex */
    double *vlat, *vlon;
};

/* ---- the Hilbert curve ---- */

uint32_t hy_spindex_hilbert(double lat, double lon) {
    uint32_t x = (uint32_t)((lon + 180.0) / 360.0 * 65535.0);
    uint32_t y = (uint32_t)((lat + 90.0) / 180.0 * 65535.0);
    uint32_t d = 0;
    for (int k = 15; k >= 0; k--) {
        uint32_t bx = x >> k & 1, by = y >> k & 1, low = (1u << k) - 1;
        d = d << 2 | ((bx * 3) ^ by);
        if (by) continue;
        if (bx) { /* mirror the quadrant, then turn it a quarter */
            x = ~x;
            y = ~y;
        }
        uint32_t t = x & low;
        x = y & low;
        y = t;
    }
    return d;
}

/* ---- boxes ---- */

static float f_down(double v) {
    float f = (float)v;
    return (double)f > v ? nextafterf(f, -INFINITY) : f;
}

static float f_up(double v) {
    float f = (float)v;
    return (double)f < v ? nextafterf(f, INFINITY) : f;
}

static void fbox_join(struct fbox *a, const struct fbox *b) {
    if (b->min_lat < a->min_lat) a->min_lat = b->min_lat;
    if (b->min_lon < a->min_lon) a->min_lon = b->min_lon;
    if (b->max_lat > a->max_lat) a->max_lat = b->max_lat;
    if (b->max_lon > a->max_lon) a->max_lon = b->max_lon;
}

/* Sizes the levels of a tree over n items (no levels when n is 0) and allocates the boxes. */
static int tree_alloc(struct tree *t, size_t n) {
    memset(t, 0, sizeof *t);
    size_t c = n, total = 0;
    while (c > 0) {
        c = (c + FAN - 1) / FAN;
        if (t->levels == MAX_LEVELS) return -EINVAL;
        t->count[t->levels++] = c;
        total += c;
        if (c == 1) break;
    }
    if (!total) return 0;
    t->box = malloc(total * sizeof *t->box);
    if (!t->box) return -ENOMEM;
    t->nboxes = total;
    size_t off = 0;
    for (unsigned l = 0; l < t->levels; l++) {
        t->level[l] = t->box + off;
        off += t->count[l];
    }
    return 0;
}

/* Fills the levels above level 0. */
static void tree_fill(struct tree *t) {
    for (unsigned l = 1; l < t->levels; l++) {
        size_t below = t->count[l - 1];
        for (size_t j = 0; j < t->count[l]; j++) {
            size_t first = j * FAN, last = first + FAN < below ? first + FAN : below;
            struct fbox b = t->level[l - 1][first];
            for (size_t k = first + 1; k < last; k++)
                fbox_join(&b, &t->level[l - 1][k]);
            t->level[l][j] = b;
        }
    }
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

/* Sorts keys (the record number in the low 32 bits, ascending on entry) by their high 32 bits,
 * stably: two counting passes of 16 bits. */
static int sort_keys(uint64_t *keys, size_t n) {
    uint64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    size_t *count = malloc(65536 * sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return -ENOMEM;
    }
    uint64_t *from = keys, *to = tmp;
    for (int shift = 32; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[from[i] >> shift & 0xffff]++;
        size_t sum = 0;
        for (size_t b = 0; b < 65536; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            to[count[from[i] >> shift & 0xffff]++] = from[i];
        uint64_t *t = from;
        from = to;
        to = t;
    }
    /* Two passes: the sorted keys are back in `keys`. */
    free(tmp);
    free(count);
    return 0;
}

static int grow(void **v, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
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

static int build_areas(hy_spindex *ix, const struct hy_spindex_rec *r) {
    size_t cap = 0;
    for (size_t i = 0; i < ix->n; i++)
        cap += area_kind(&r[i]) != 0;
    if (!cap) return 0;
    ix->area = malloc(cap * sizeof *ix->area);
    if (!ix->area) return -ENOMEM;
    struct poly_caps pc = {0};
    size_t na = 0;
    /* In the points' (Hilbert) order, so that neighbouring areas share leaves. */
    for (size_t pos = 0; pos < ix->n; pos++) {
        const struct hy_spindex_rec *g = &r[ix->rec[pos]];
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
        x.box.min_lat = f_down(fmin(b->min_lat, b->max_lat));
        x.box.max_lat = f_up(fmax(b->min_lat, b->max_lat));
        x.box.min_lon = f_down(fmin(b->min_lon, b->max_lon));
        x.box.max_lon = f_up(fmax(b->min_lon, b->max_lon));
        ix->area[na++] = x;
    }
    ix->nareas = na;
    if (!na) return 0;
    if (na < cap) {
        struct area *v = realloc(ix->area, ix->nareas * sizeof *v);
        if (v) ix->area = v;
    }
    int e = tree_alloc(&ix->area_tree, ix->nareas);
    if (e < 0) return e;
    for (size_t j = 0; j < ix->area_tree.count[0]; j++) {
        size_t first = j * FAN, last = first + FAN < ix->nareas ? first + FAN : ix->nareas;
        struct fbox b = ix->area[first].box;
        for (size_t k = first + 1; k < last; k++)
            fbox_join(&b, &ix->area[k].box);
        ix->area_tree.level[0][j] = b;
    }
    tree_fill(&ix->area_tree);
    return 0;
}

int hy_spindex_build(const struct hy_spindex_rec *r, size_t n, hy_spindex **ret_index,
                     size_t *ret_bad) {
    if (n > HY_SPINDEX_MAX_GROUPS) {
        if (ret_bad) *ret_bad = HY_SPINDEX_MAX_GROUPS;
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++)
        if (!rec_ok(&r[i], i ? &r[i - 1] : NULL)) {
            if (ret_bad) *ret_bad = i;
            return -EINVAL;
        }
    hy_spindex *ix = calloc(1, sizeof *ix);
    if (!ix) return -ENOMEM;
    ix->n = n;
    uint64_t *keys = malloc((n ? n : 1) * sizeof *keys);
    ix->pt = malloc((n ? n : 1) * sizeof *ix->pt);
    ix->rec = malloc((n ? n : 1) * sizeof *ix->rec);
    int e = keys && ix->pt && ix->rec ? 0 : -ENOMEM;
    if (!e) {
        for (size_t i = 0; i < n; i++)
            keys[i] = (uint64_t)hy_spindex_hilbert(r[i].lat, r[i].lon) << 32 | (uint64_t)i;
        e = sort_keys(keys, n);
    }
    if (!e) {
        for (size_t pos = 0; pos < n; pos++) {
            uint32_t i = (uint32_t)keys[pos];
            ix->rec[pos] = i;
            ix->pt[pos] = (struct pt){r[i].lat, r[i].lon};
        }
        e = tree_alloc(&ix->tree, n);
    }
    free(keys);
    if (!e) {
        for (size_t j = 0; j < ix->tree.count[0]; j++) {
            size_t first = j * FAN, last = first + FAN < n ? first + FAN : n;
            double la0 = 90, la1 = -90, lo0 = 180, lo1 = -180;
            for (size_t k = first; k < last; k++) {
                la0 = fmin(la0, ix->pt[k].lat);
                la1 = fmax(la1, ix->pt[k].lat);
                lo0 = fmin(lo0, ix->pt[k].lon);
                lo1 = fmax(lo1, ix->pt[k].lon);
            }
            ix->tree.level[0][j] = (struct fbox){f_down(la0), f_down(lo0), f_up(la1), f_up(lo1)};
        }
        tree_fill(&ix->tree);
        e = build_areas(ix, r);
    }
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
    free(ix->tree.box);
    free(ix->area);
    free(ix->area_tree.box);
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
    ret->nodes = ix->tree.nboxes;
    ret->area_nodes = ix->area_tree.nboxes;
    ret->bytes_points = ix->n * (sizeof *ix->pt + sizeof *ix->rec);
    ret->bytes_tree = ix->tree.nboxes * sizeof(struct fbox);
    ret->bytes_areas = ix->nareas * sizeof *ix->area +
                       ix->area_tree.nboxes * sizeof(struct fbox) +
                       ix->npolys * sizeof *ix->poly +
                       ix->nrings * (sizeof *ix->ring_start + sizeof *ix->ring_len) +
                       ix->nvertices * (sizeof *ix->vlat + sizeof *ix->vlon);
    ret->bytes = sizeof *ix + ret->bytes_points + ret->bytes_tree + ret->bytes_areas;
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

/* A node waiting in the best-first walk: its bound and where it is. */
struct qent {
    double lb;
    uint32_t node, level;
};

struct queue {
    struct qent *v;
    size_t n, cap;
    bool owned; /* v was malloc()ed */
};

static int q_push(struct queue *q, double lb, size_t node, unsigned level) {
    if (q->n == q->cap) {
        size_t cap = q->cap * 2;
        struct qent *v = q->owned ? realloc(q->v, cap * sizeof *v) : malloc(cap * sizeof *v);
        if (!v) return -ENOMEM;
        if (!q->owned) memcpy(v, q->v, q->n * sizeof *v);
        q->v = v;
        q->cap = cap;
        q->owned = true;
    }
    size_t i = q->n++;
    while (i > 0 && q->v[(i - 1) / 2].lb > lb) {
        q->v[i] = q->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->v[i] = (struct qent){lb, (uint32_t)node, level};
    return 0;
}

static struct qent q_pop(struct queue *q) {
    struct qent top = q->v[0], last = q->v[--q->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= q->n) break;
        if (l + 1 < q->n && q->v[l + 1].lb < q->v[l].lb) l++;
        if (q->v[l].lb >= last.lb) break;
        q->v[i] = q->v[l];
        i = l;
    }
    if (q->n) q->v[i] = last;
    return top;
}

struct qctx {
    double lat, lon, cosq;
    bool has_box;
    struct hy_bbox box;
    /* Reach: d <= reach_lo is in, d > reach_hi is out; in between the exact reach decides
     * (the box's, computed once when first needed). */
    double reach_lo, reach_hi, reach;
    bool reach_known;
    double thr; /* skip what has a lower bound of its haversine term above this */
    const uint32_t *skip; /* sorted point positions the walk leaves out (the covering ones) */
    size_t nskip;
};

static double sin_lb(double y) { return y * (1 - y * y / 6); }

static double cos_lb(double x) {
    double x2 = x * x, c = 1 - x2 / 2 * (1 - x2 / 12 * (1 - x2 / 30));
    return c > 0 ? c : 0;
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
    return s1 * s1 + c->cosq * cmin * s2 * s2;
}

/* The smallest cosine of latitude in box b (a lower bound). */
static double box_cos_lb(const struct fbox *b) {
    double m = fmax(fabs((double)b->min_lat), fabs((double)b->max_lat));
    return cos_lb((m > 90 ? 90 : m) * DEG);
}

static double box_lb(const struct qctx *c, const struct fbox *b) {
    double la0 = b->min_lat, la1 = b->max_lat, lo0 = b->min_lon, lo1 = b->max_lon;
    double dlat = c->lat < la0 ? la0 - c->lat : c->lat > la1 ? c->lat - la1 : 0;
    double dlon = 0;
    if (c->lon < lo0 || c->lon > lo1) dlon = fmin(lon_gap(c->lon, lo0), lon_gap(c->lon, lo1));
    return term_lb(c, dlat, dlon, box_cos_lb(b));
}

/* An upper bound of the haversine term of any point whose computed distance is at most d:
 * what may still rank is at most this. */
static double term_of(double d) {
    double s = sin(d / (2 * HY_EARTH_RADIUS_M));
    return s * s * (1 + 1e-8) + 1e-290;
}

static bool box_meets(const struct qctx *c, const struct fbox *b) {
    if ((double)b->max_lat < c->box.min_lat || (double)b->min_lat > c->box.max_lat) return false;
    if (c->box.min_lon <= c->box.max_lon)
        return (double)b->max_lon >= c->box.min_lon && (double)b->min_lon <= c->box.max_lon;
    return (double)b->max_lon >= c->box.min_lon || (double)b->min_lon <= c->box.max_lon;
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

static void scan_leaf(const hy_spindex *ix, struct qctx *c, size_t leaf, struct top *t) {
    size_t first = leaf * FAN, last = first + FAN < ix->n ? first + FAN : ix->n;
    double cmin = box_cos_lb(&ix->tree.level[0][leaf]);
    for (size_t pos = first; pos < last; pos++) {
        const struct pt *p = &ix->pt[pos];
        if (c->has_box && !hy_bbox_has(&c->box, p->lat, p->lon)) continue;
        if (term_lb(c, fabs(p->lat - c->lat), lon_gap(p->lon, c->lon), cmin) > c->thr) continue;
        if (c->nskip && skipped(c, (uint32_t)pos)) continue;
        struct cand x = {hy_geo_distance_m(c->lat, c->lon, p->lat, p->lon), ix->rec[pos],
                         (uint32_t)pos};
        if (!in_reach(c, x.d)) continue;
        if (top_offer(t, &x) && t->n == t->k) {
            double thr = term_of(t->v[0].d);
            if (thr < c->thr) c->thr = thr;
        }
    }
}

/* The nearest t->k points in reach (and in the box), the skipped ones left out. */
static int nearest(const hy_spindex *ix, struct qctx *c, struct top *t) {
    const struct tree *tr = &ix->tree;
    if (!tr->levels || !t->k) return 0;
    struct qent stack[256];
    struct queue q = {stack, 0, sizeof stack / sizeof stack[0], false};
    unsigned top = tr->levels - 1;
    int e = 0;
    if (!c->has_box || box_meets(c, &tr->level[top][0]))
        e = q_push(&q, box_lb(c, &tr->level[top][0]), 0, top);
    while (!e && q.n) {
        struct qent x = q_pop(&q);
        if (x.lb > c->thr) break;
        if (x.level == 0) {
            scan_leaf(ix, c, x.node, t);
            continue;
        }
        size_t below = tr->count[x.level - 1], first = (size_t)x.node * FAN;
        size_t last = first + FAN < below ? first + FAN : below;
        const struct fbox *bx = tr->level[x.level - 1];
        for (size_t k = first; k < last && !e; k++) {
            if (c->has_box && !box_meets(c, &bx[k])) continue;
            double lb = box_lb(c, &bx[k]);
            if (lb <= c->thr) e = q_push(&q, lb, k, x.level - 1);
        }
    }
    if (q.owned) free(q.v);
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
 * how many cover it in all. */
static size_t covering(const hy_spindex *ix, const struct qctx *c, struct top *t) {
    const struct tree *tr = &ix->area_tree;
    if (!tr->levels) return 0;
    struct {
        uint32_t node, level;
    } stack[MAX_LEVELS * FAN];
    size_t n = 0, total = 0;
    unsigned top = tr->levels - 1;
    if (fbox_has(&tr->level[top][0], c->lat, c->lon)) {
        stack[0].node = 0;
        stack[0].level = top;
        n = 1;
    }
    while (n) {
        uint32_t node = stack[n - 1].node, level = stack[n - 1].level;
        n--;
        size_t first = (size_t)node * FAN;
        if (level == 0) {
            size_t last = first + FAN < ix->nareas ? first + FAN : ix->nareas;
            for (size_t k = first; k < last; k++) {
                const struct area *a = &ix->area[k];
                if (!fbox_has(&a->box, c->lat, c->lon)) continue;
                const struct pt *p = &ix->pt[a->pos];
                if (c->has_box && !hy_bbox_has(&c->box, p->lat, p->lon)) continue;
                if (!area_covers(ix, a, c->lat, c->lon)) continue;
                struct cand x = {hy_geo_distance_m(c->lat, c->lon, p->lat, p->lon),
                                 ix->rec[a->pos], a->pos};
                top_offer(t, &x);
                total++;
            }
            continue;
        }
        size_t below = tr->count[level - 1], last = first + FAN < below ? first + FAN : below;
        for (size_t k = first; k < last; k++)
            if (fbox_has(&tr->level[level - 1][k], c->lat, c->lon)) {
                stack[n].node = (uint32_t)k;
                stack[n++].level = level - 1;
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
    c.thr = c.reach_hi < WORLD_M ? term_of(c.reach_hi) : INFINITY;

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
        ret[n++] = (struct hy_spindex_hit){cov.v[i].d, cov.v[i].rec, true};
    for (size_t i = 0; i < near.n; i++)
        ret[n++] = (struct hy_spindex_hit){near.v[i].d, near.v[i].rec, false};
    if (skip != skip_small) free(skip);
    if (buf != small) free(buf);
    return e ? e : (int)n;
}
