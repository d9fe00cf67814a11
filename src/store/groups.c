/* groups.c — the group directory and the gazetteer (store/groups.h): the functions every
 * backend runs alike, on the statements of store/sql/groups.def. The nearest-groups search
 * (R*Tree or GiST) and the bulk inserts are each backend's own; the ranking they share is
 * domain/near.c. */
#include <math.h>
#include <string.h>

#include "domain/geo.h"
#include "store/engine.h"
#include "store/groups.h"
#include "store/shared.h"

bool hy_st_group_finite(const struct hy_group *g) {
    return hy_geo_valid(g->lat, g->lon) && isfinite(g->radius_m) && isfinite(g->area_box.min_lat) &&
           isfinite(g->area_box.min_lon) && isfinite(g->area_box.max_lat) &&
           isfinite(g->area_box.max_lon);
}

void hy_st_group_args(const struct hy_group *g, struct hy_arg args[HY_GROUP_ARGS]) {
    bool has = g->area_kind && strcmp(g->area_kind, "none") != 0;
    bool radius = has && !strcmp(g->area_kind, "radius");
    const struct hy_arg v[HY_GROUP_ARGS] = {
        hy_arg_text(g->id),
        hy_arg_text(g->name),
        hy_arg_text_or(g->description, ""),
        hy_arg_f64(g->lat),
        hy_arg_f64(g->lon),
        hy_arg_text_or(g->area_kind, "none"),
        hy_arg_f64_if(radius, g->radius_m),
        hy_arg_text(has ? g->area : NULL),
        hy_arg_f64_if(has, g->area_box.min_lat),
        hy_arg_f64_if(has, g->area_box.min_lon),
        hy_arg_f64_if(has, g->area_box.max_lat),
        hy_arg_f64_if(has, g->area_box.max_lon),
        hy_arg_text_or(g->contact, "{}"),
        hy_arg_text_or(g->languages, "[]"),
        hy_arg_text_or(g->tags, "[]"),
        hy_arg_text(g->status),
        hy_arg_bool(g->verified),
        hy_arg_bool(g->demo),
        hy_arg_text_or(g->name_norm, ""),
        hy_arg_text_or(g->search_text, ""),
        hy_arg_text(g->created_by),
        hy_arg_i64(g->created_at),
        hy_arg_i64(g->updated_at),
    };
    memcpy(args, v, sizeof v);
}

/* ---- groups ---- */

int hy_st_gr_insert(hy_store *s, const struct hy_group *g) {
    if (!hy_st_group_finite(g)) return HY_DB_HARD;
    struct hy_arg args[HY_GROUP_ARGS];
    hy_st_group_args(g, args);
    return hy_st_exec(s, HY_Q_GR_INSERT, args, HY_GROUP_ARGS);
}

int hy_st_gr_get(hy_store *s, const char *id, hy_arena *a, struct hy_group *ret) {
    return hy_st_one(s, HY_Q_GR_GET, HY_ARGS(hy_arg_text(id)), &hy_row_group, a, ret);
}

int hy_st_gr_update(hy_store *s, const struct hy_group *g) {
    if (!hy_st_group_finite(g)) return HY_DB_HARD;
    /* $1…$15 as the insert's, then name_norm, search_text, updated_at. */
    struct hy_arg args[HY_GROUP_ARGS];
    hy_st_group_args(g, args);
    args[15] = args[18];
    args[16] = args[19];
    args[17] = args[22];
    return hy_st_exec(s, HY_Q_GR_UPDATE, args, 18);
}

int hy_st_gr_set_status(hy_store *s, const char *id, const char *status, bool verified,
                        int64_t now) {
    return hy_st_exec(s, HY_Q_GR_STATUS,
                      HY_ARGS(hy_arg_text(id), hy_arg_text(status), hy_arg_bool(verified),
                              hy_arg_i64(now)));
}

/* ---- search and lists ---- */

int hy_st_gr_search(hy_store *s, const char *const *tokens, size_t ntokens, size_t limit,
                    size_t offset, hy_arena *a, struct hy_group **ret, size_t *ret_total) {
    if (ntokens == 0 || limit == 0 || limit > HY_GROUPS_LIMIT_MAX) return HY_DB_HARD;
    char *q = hy_st_prefix_query(s, a, tokens, ntokens);
    if (!q) return HY_DB_HARD;
    int64_t total;
    int r = hy_st_i64(s, HY_Q_GR_SEARCH_COUNT, HY_ARGS(hy_arg_text(q)), &total);
    if (r != HY_DB_ONE || total < 0) return r < 0 ? r : HY_DB_HARD;
    int n = hy_st_list(s, HY_Q_GR_SEARCH,
                       HY_ARGS(hy_arg_text(q), hy_arg_size(limit),
                               hy_arg_size(offset > INT32_MAX ? INT32_MAX : offset)),
                       &hy_row_group, limit, a, ret);
    if (n >= 0) *ret_total = (size_t)total;
    return n;
}

int hy_st_gr_list(hy_store *s, const char *status, const char *after, size_t limit, hy_arena *a,
                  struct hy_group **ret) {
    if (limit == 0 || limit > 100000) return HY_DB_HARD;
    return hy_st_list(s, HY_Q_GR_LIST,
                      HY_ARGS(hy_arg_text(status), hy_arg_text_or(after, ""), hy_arg_size(limit)),
                      &hy_row_group, limit, a, ret);
}

int hy_st_gr_version(hy_store *s, int64_t *ret) {
    int r = hy_st_i64(s, HY_Q_GR_VERSION, HY_NO_ARGS, ret);
    return r == HY_DB_NONE ? HY_DB_HARD : r;
}

int hy_st_gr_count(hy_store *s, const char *status, size_t *ret_count) {
    int64_t n;
    int r = hy_st_i64(s, HY_Q_GR_COUNT, HY_ARGS(hy_arg_text(status)), &n);
    if (r != HY_DB_ONE || n < 0) return r < 0 ? r : HY_DB_HARD;
    *ret_count = (size_t)n;
    return HY_DB_ONE;
}

int hy_st_gr_places_clear(hy_store *s, bool operator_list) {
    struct hy_arg sign = hy_arg_i64(operator_list ? -1 : 1);
    int r = hy_st_exec(s, HY_Q_GR_PLACE_NAMES_CLEAR, HY_ARGS(sign));
    if (r >= 0) r = hy_st_exec(s, HY_Q_GR_PLACES_CLEAR, HY_ARGS(sign));
    return r < 0 ? r : HY_DB_ONE;
}

int hy_st_gr_places_count(hy_store *s, size_t *ret_count) {
    int64_t n;
    int r = hy_st_i64(s, HY_Q_GR_PLACES_COUNT, HY_NO_ARGS, &n);
    if (r != HY_DB_ONE || n < 0) return r < 0 ? r : HY_DB_HARD;
    *ret_count = (size_t)n;
    return HY_DB_ONE;
}

int hy_st_gr_places_any(hy_store *s, bool *ret_any) {
    int64_t n;
    int r = hy_st_i64(s, HY_Q_GR_PLACES_ANY, HY_NO_ARGS, &n);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    *ret_any = n > 0;
    return HY_DB_ONE;
}

/* ---- owners and coordinators ---- */

static int pair(hy_store *s, int stmt, const char *group_id, const char *user_id) {
    return hy_st_exec(s, stmt, HY_ARGS(hy_arg_text(group_id), hy_arg_text(user_id)));
}

int hy_st_gr_owner_add(hy_store *s, const char *g, const char *u) {
    return pair(s, HY_Q_GR_OWNER_ADD, g, u);
}
int hy_st_gr_is_owner(hy_store *s, const char *g, const char *u) {
    return pair(s, HY_Q_GR_IS_OWNER, g, u);
}
int hy_st_gr_coordinator_add(hy_store *s, const char *g, const char *u) {
    return pair(s, HY_Q_GR_COORD_ADD, g, u);
}
int hy_st_gr_coordinator_remove(hy_store *s, const char *g, const char *u) {
    return pair(s, HY_Q_GR_COORD_REMOVE, g, u);
}
int hy_st_gr_is_coordinator(hy_store *s, const char *g, const char *u) {
    return pair(s, HY_Q_GR_IS_COORD, g, u);
}

/* ---- proposed changes ---- */

int hy_st_gr_change_put(hy_store *s, const struct hy_group_change *c) {
    return hy_st_exec(s, HY_Q_GR_CHANGE_PUT,
                      HY_ARGS(hy_arg_text(c->group_id), hy_arg_text(c->input),
                              hy_arg_text(c->submitted_by), hy_arg_i64(c->submitted_at)));
}

int hy_st_gr_change_get(hy_store *s, const char *group_id, hy_arena *a,
                        struct hy_group_change *ret) {
    return hy_st_one(s, HY_Q_GR_CHANGE_GET, HY_ARGS(hy_arg_text(group_id)), &hy_row_group_change,
                     a, ret);
}

int hy_st_gr_change_delete(hy_store *s, const char *group_id) {
    return hy_st_exec(s, HY_Q_GR_CHANGE_DELETE, HY_ARGS(hy_arg_text(group_id)));
}

int hy_st_gr_remove(hy_store *s, const char *id) {
    int n = hy_st_changes(s, HY_Q_GR_DELETE, HY_ARGS(hy_arg_text(id)));
    return n < 0 ? n : n > 0 ? HY_DB_ONE : HY_DB_NONE;
}

int hy_st_gr_change_list(hy_store *s, size_t limit, size_t offset, hy_arena *a,
                         struct hy_group_change **ret, size_t *ret_total) {
    int64_t n;
    int r = hy_st_i64(s, HY_Q_GR_CHANGE_COUNT, HY_NO_ARGS, &n);
    if (r != HY_DB_ONE || n < 0) return r < 0 ? r : HY_DB_HARD;
    *ret_total = (size_t)n;
    return hy_st_list(s, HY_Q_GR_CHANGE_LIST,
                      HY_ARGS(hy_arg_size(limit), hy_arg_size(offset)), &hy_row_group_change,
                      limit, a, ret);
}

/* ---- gazetteer ---- */

/* The end of a prefix range: `prefix` followed by U+10FFFF, the greatest code point (so every
 * key that starts with the prefix sorts below it byte-wise). */
static const char *prefix_end(hy_arena *a, const char *prefix) {
    return hy_arena_printf(a, "%s\xf4\x8f\xbf\xbf", prefix);
}

/* Place candidates fetched for ranking: enough that the region's and the hint's places are
 * among them for any prefix of a letter or more. */
#define GEOCODE_CANDIDATES 200

int hy_st_gr_geocode(hy_store *s, const struct hy_geocode_query *q, hy_arena *a,
                     struct hy_place **ret) {
    size_t limit = q->limit;
    if (limit == 0 || limit > 100) return HY_DB_HARD;
    struct hy_place *v = hy_arena_zalloc(a, (limit + 1) * sizeof *v);
    if (!v) return HY_DB_HARD;
    size_t n = 0;
    const char *postcode_key = q->postcode_key, *prefix = q->prefix;
    if (postcode_key && *postcode_key) {
        const char *end = prefix_end(a, postcode_key);
        struct hy_place *pc;
        int k = end ? hy_st_list(s, HY_Q_GR_GEOCODE_POSTCODE,
                                 HY_ARGS(hy_arg_text(postcode_key), hy_arg_text(end),
                                         hy_arg_size(limit)),
                                 &hy_row_postcode, limit, a, &pc)
                    : HY_DB_HARD;
        if (k < 0) return k;
        for (int i = 0; i < k; i++, n++) {
            v[n] = pc[i];
            v[n].kind = "postcode";
            v[n].ascii_name = v[n].name;
            v[n].admin1 = "";
        }
    }
    if (n < limit && prefix && *prefix) {
        const char *end = prefix_end(a, prefix);
        struct hy_place *pl;
        int k = end ? hy_st_list(s, HY_Q_GR_GEOCODE_PLACE,
                                 HY_ARGS(hy_arg_text(prefix), hy_arg_text(end),
                                         hy_arg_size(GEOCODE_CANDIDATES),
                                         hy_arg_text_or(q->country, "")),
                                 &hy_row_place, GEOCODE_CANDIDATES, a, &pl)
                    : HY_DB_HARD;
        if (k < 0) return k;
        size_t kept = hy_geocode_rank(q, pl, (size_t)k);
        for (size_t i = 0; i < kept && n < limit; i++, n++) {
            v[n] = pl[i];
            v[n].kind = "place";
        }
    }
    *ret = v;
    return (int)n;
}
