/* near.c — ranking, cut and covering merge of the nearest-groups answer (near.h). */
#include "domain/near.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/area.h"
#include "domain/geo.h"

#define PI 3.14159265358979323846

bool hy_near_valid(const struct hy_group_near *q) {
    return hy_geo_valid(q->lat, q->lon) && q->limit > 0 && q->limit <= HY_GROUPS_LIMIT_MAX;
}

double hy_near_world(void) { return PI * HY_EARTH_RADIUS_M; }

double hy_near_reach(const struct hy_group_near *q) {
    double reach = q->radius_m > 0 ? q->radius_m : hy_near_world();
    if (q->has_box) {
        double br = hy_bbox_reach_m(&q->box, q->lat, q->lon);
        if (br < reach) reach = br;
    }
    return reach;
}

int hy_near_push(struct hy_near_cands *c, const struct hy_near_cand *x) {
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        struct hy_near_cand *v = realloc(c->v, cap * sizeof *v);
        if (!v) return -1;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = *x;
    return 0;
}

void hy_near_free(struct hy_near_cands *c) {
    free(c->v);
    *c = (struct hy_near_cands){0};
}

static int cmp(const void *pa, const void *pb) {
    const struct hy_near_cand *a = pa, *b = pb;
    if (a->covers != b->covers) return a->covers ? -1 : 1;
    if (a->d != b->d) return a->d < b->d ? -1 : 1;
    return strcmp(a->id, b->id);
}

void hy_near_rank(struct hy_near_cands *c, size_t limit) {
    if (c->n > 1) qsort(c->v, c->n, sizeof *c->v, cmp);
    if (c->n > limit) c->n = limit;
}

static int cmp_hi(const void *pa, const void *pb) {
    const struct hy_near_cand *a = pa, *b = pb;
    return a->hi < b->hi ? -1 : a->hi > b->hi;
}

double hy_near_cut_hi(struct hy_near_cands *c, size_t limit) {
    if (limit == 0 || c->n < limit) return HUGE_VAL;
    qsort(c->v, c->n, sizeof *c->v, cmp_hi);
    return c->v[limit - 1].hi;
}

bool hy_near_cut_safe(double last, double cut) { return last > cut * (1 + 1e-7) + 0.01; }

int hy_near_cover(struct hy_near_cands *c, size_t nearest, const struct hy_group_near *q,
                  struct hy_group *g, int64_t key) {
    if (q->has_box && !hy_bbox_has(&q->box, g->lat, g->lon)) return 0;
    if (!hy_area_covers(g->area_kind, g->radius_m, g->area, g->lat, g->lon, q->lat, q->lon))
        return 0;
    bool found = false;
    for (size_t k = 0; k < nearest && k < c->n; k++)
        if (!strcmp(c->v[k].id, g->id)) c->v[k].covers = found = true;
    if (found) return 1;
    struct hy_near_cand x = {.key = key, .lat = g->lat, .lon = g->lon, .row = g, .covers = true};
    x.d = hy_geo_distance_m(q->lat, q->lon, g->lat, g->lon);
    memcpy(x.id, g->id, sizeof x.id);
    return hy_near_push(c, &x) < 0 ? -1 : 1;
}

int hy_near_answer(struct hy_near_cands *c, size_t limit, hy_arena *a, struct hy_group **ret) {
    hy_near_rank(c, limit);
    struct hy_group *out = hy_arena_zalloc(a, (c->n + 1) * sizeof *out);
    if (!out) return -1;
    for (size_t i = 0; i < c->n; i++) {
        out[i] = *c->v[i].row;
        out[i].distance_m = c->v[i].d;
        out[i].covers = c->v[i].covers;
    }
    *ret = out;
    return (int)c->n;
}
