/* near.h — the nearest-groups answer, decided the same way whatever index found the candidates
 * (SQLite's R*Tree or PostGIS's GiST): how far to look, the order (groups whose area covers the
 * point first, then by haversine distance, ties by id), where to cut, and how the covering
 * groups join the nearest ones. No store, no HTTP: a store's near() gathers candidates with
 * its own index and hands them here. */
#ifndef HY_DOMAIN_NEAR_H
#define HY_DOMAIN_NEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/group.h"
#include "util/arena.h"

/* One candidate group. */
struct hy_near_cand {
    int64_t key;            /* the store's handle on the row (SQLite: its row number), or 0 */
    char id[HY_ID_LEN + 1]; /* "" until known */
    double lat, lon;        /* the exact position, once known */
    double d;               /* the exact distance from the query point, once known */
    double lo, hi;          /* bounds on d while only a box around the position is known */
    struct hy_group *row;   /* the whole row (in the caller's arena) once read, else NULL */
    bool covers;            /* its area covers the query point */
};

/* A growing list of candidates (malloc()ed; hy_near_free() releases it). */
struct hy_near_cands {
    struct hy_near_cand *v;
    size_t n, cap;
};

/* The query can be answered: a valid point and 1 <= limit <= HY_GROUPS_LIMIT_MAX. */
bool hy_near_valid(const struct hy_group_near *q);
/* How far from the point a group may be: the radius, the map view's box, or half the earth's
 * circumference, whichever is least. */
double hy_near_reach(const struct hy_group_near *q);
/* Half the earth's circumference: the reach of a query with neither radius nor box. */
double hy_near_world(void);

/* Appends a copy of x. 0, or -1 when out of memory. */
int hy_near_push(struct hy_near_cands *c, const struct hy_near_cand *x);
void hy_near_free(struct hy_near_cands *c);

/* Sorts by the answer's order (covering first, distance, id) and keeps the first `limit`. */
void hy_near_rank(struct hy_near_cands *c, size_t limit);
/* For candidates known only by their bounds: the limit-th smallest `hi` (HUGE_VAL when there
 * are fewer than `limit`): whatever can rank among the first `limit` has lo <= it. Reorders
 * the candidates. */
double hy_near_cut_hi(struct hy_near_cands *c, size_t limit);
/* True when groups not fetched, all at least `last` metres away (as an index measured it,
 * to its own rounding), cannot displace a group `cut` metres away. */
bool hy_near_cut_safe(double last, double cut);

/* A group whose area's bounding box holds the point (an index told): when its area covers
 * the point (and it lies in the query's box, if any) it is marked among the first `nearest`
 * candidates (found by id), or joins the candidates with row `g` (which must stay valid) and
 * `key`. 1 joined or marked, 0 not covering, -1 out of memory. */
int hy_near_cover(struct hy_near_cands *c, size_t nearest, const struct hy_group_near *q,
                  struct hy_group *g, int64_t key);

/* The answer: ranks, keeps `limit` and copies each candidate's row (all must have one) with
 * distance_m and covers into an arena array (one zeroed item more). The count, or -1 when the
 * arena is full. */
int hy_near_answer(struct hy_near_cands *c, size_t limit, hy_arena *a, struct hy_group **ret);

#endif
