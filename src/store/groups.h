/* groups.h — the store's part of the group directory: mutual-aid groups, their owners and
 * coordinators, and the offline gazetteer (places from GeoNames, imported postcodes).
 *
 * Both backends answer every function identically (tests/store/store_groups.c checks them
 * against each other): the same rows in the same order with the same numbers. Nearest-group
 * queries are index-driven (SQLite R*Tree, PostGIS GiST); distances and "covers" are computed
 * in C (domain/geo.h, domain/area.h) by both, from the same stored doubles.
 *
 * Statuses as in store.h. Strings handed back live in the arena passed in. */
#ifndef HY_STORE_GROUPS_H
#define HY_STORE_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/group.h"
#include "store/store.h"

struct hy_group_ops {
    /* Inserts groups (each with a fresh id). HY_DB_ONE, or HY_DB_NONE when an id exists. */
    int (*insert)(hy_store *s, const struct hy_group *g);
    /* Inserts n groups at once (imports): all or none. HY_DB_ONE. */
    int (*insert_many)(hy_store *s, const struct hy_group *g, size_t n);
    /* The smallest `layout` value insert_many() accepts in this transaction (SQLite: above
     * every stored row number); 1 where layout is ignored. NULL = layout is ignored. */
    int (*layout_base)(hy_store *s, int64_t *ret);
    /* Any status. HY_DB_NONE for an unknown id. */
    int (*get)(hy_store *s, const char *id, hy_arena *a, struct hy_group *ret);
    /* Replaces the editable fields (name … search_text, updated_at) of g->id; status, owners,
     * verified and demo stay. HY_DB_NONE for an unknown id. */
    int (*update)(hy_store *s, const struct hy_group *g);
    int (*set_status)(hy_store *s, const char *id, const char *status, bool verified, int64_t now);
    /* Approved groups nearest to q's point: those whose area covers it first, then by
     * distance, ties by id; distance_m and covers filled. Returns the count (<= q->limit). */
    int (*near)(hy_store *s, const struct hy_group_near *q, hy_arena *a, struct hy_group **ret);
    /* Approved groups whose search_text has every token as a word prefix, by name_norm then
     * id; *ret_total is the number matching. Returns the count listed. */
    int (*search)(hy_store *s, const char *const *tokens, size_t ntokens, size_t limit,
                  size_t offset, hy_arena *a, struct hy_group **ret, size_t *ret_total);
    /* Groups of `status` with id > after ("" = from the start), by id (export, moderation).
     * Returns the count. */
    int (*list)(hy_store *s, const char *status, const char *after, size_t limit, hy_arena *a,
                struct hy_group **ret);
    int (*count)(hy_store *s, const char *status, size_t *ret_count);

    int (*owner_add)(hy_store *s, const char *group_id, const char *user_id);
    /* HY_DB_ONE when the user owns the group, else HY_DB_NONE. */
    int (*is_owner)(hy_store *s, const char *group_id, const char *user_id);
    /* Coordinators of a group ("coordinator of group A"). add → HY_DB_NONE if
     * already one; remove → HY_DB_NONE if not one. */
    int (*coordinator_add)(hy_store *s, const char *group_id, const char *user_id);
    int (*coordinator_remove)(hy_store *s, const char *group_id, const char *user_id);
    int (*is_coordinator)(hy_store *s, const char *group_id, const char *user_id);

    /* ---- changes an owner proposed to an approved group (one per group) ---- */
    /* Inserts or replaces the group's pending change. HY_DB_ONE. */
    int (*change_put)(hy_store *s, const struct hy_group_change *c);
    /* HY_DB_NONE when the group has no pending change. */
    int (*change_get)(hy_store *s, const char *group_id, hy_arena *a, struct hy_group_change *ret);
    /* HY_DB_NONE when there was none. */
    int (*change_delete)(hy_store *s, const char *group_id);
    /* Deletes a group with its owners, coordinators and waiting change: HY_DB_ONE, or
     * HY_DB_NONE when there is no such group. */
    int (*remove)(hy_store *s, const char *id);
    /* Pending changes, oldest first (then by group id), at most `limit` from `offset`;
     * *ret_total is how many there are. Returns the count listed. */
    int (*change_list)(hy_store *s, size_t limit, size_t offset, hy_arena *a,
                       struct hy_group_change **ret, size_t *ret_total);

    /* ---- gazetteer ---- */
    /* Removes the GeoNames places (operator_list false) or the operator's own place list
     * (true; negative ids), before a fresh `import places` of that source. */
    int (*places_clear)(hy_store *s, bool operator_list);
    /* The number of places in the gazetteer. */
    int (*places_count)(hy_store *s, size_t *ret_count);
    /* Whether the gazetteer has any place at all (cheap: stops at the first row). */
    int (*places_any)(hy_store *s, bool *ret_any);
    int (*place_insert_many)(hy_store *s, const struct hy_place *p, size_t n);
    /* Inserts or replaces postcodes: key (hy_postcode_key), display form, country. */
    int (*postcode_upsert_many)(hy_store *s, const char *const *keys, const char *const *shown,
                                const char *const *countries, const double *lat, const double *lon,
                                size_t n);
    /* Places and postcodes whose name starts with q->prefix (normalised): postcodes matching
     * q->postcode_key (may be NULL) first, exact before prefix matches; places then ranked by
     * hy_geocode_rank() (the region and the hint). Returns the count (<= q->limit). */
    int (*geocode)(hy_store *s, const struct hy_geocode_query *q, hy_arena *a,
                   struct hy_place **ret);

    /* The approved groups' version: raised (by triggers in the store) by every committed
     * change to a group that is or was approved, so equal versions mean the same approved
     * groups with the same fields. HY_DB_ONE. */
    int (*version)(hy_store *s, int64_t *ret);
};

extern const struct hy_group_ops hy_sq_group_ops;
extern const struct hy_group_ops hy_pg_group_ops;

#endif
