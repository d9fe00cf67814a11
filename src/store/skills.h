/* skills.h — the store functions of skills matching (domain/skills.h): the skills list,
 * volunteers' skills, organisations and staff, needs, offers. One table serves both backends
 * (the statements are written once, store/sql/skills.def). Returns follow store/store.h:
 * HY_DB_ONE / HY_DB_NONE or a negative status; lists return their count. */
#ifndef HY_STORE_SKILLS_H
#define HY_STORE_SKILLS_H

#include <stddef.h>

#include "domain/skills.h"
#include "store/store.h"

#define HY_SKILLS_LIST_MAX 500    /* skills in the list */
#define HY_NEEDS_LIST_MAX 1000    /* needs a list reads */
#define HY_CANDIDATE_ROWS_MAX 20000 /* volunteers' skill rows a need's candidates read */

struct hy_skills_ops {
    /* HY_DB_NONE when the slug is taken. */
    int (*skill_insert)(hy_store *s, const struct hy_skill *k);
    /* NULL names and retired < 0 leave those as they are. HY_DB_NONE: no such skill. */
    int (*skill_update)(hy_store *s, const char *slug, const char *name_fa, const char *name_en,
                        int retired, int64_t now);
    int (*skill_list)(hy_store *s, hy_arena *a, struct hy_skill **ret);
    /* Replaces a volunteer's skills; HY_DB_NONE when one is not in the list or retired. */
    int (*volunteer_skills_set)(hy_store *s, const char *user_id, const struct hy_skill_level *v,
                                size_t n);
    int (*volunteer_skills)(hy_store *s, const char *user_id, hy_arena *a,
                            struct hy_skill_level **ret);
    /* Inserts the organisation with its owner as its first staff member. */
    int (*org_insert)(hy_store *s, const struct hy_org *o);
    int (*org_get)(hy_store *s, const char *id, hy_arena *a, struct hy_org *ret);
    /* status and staff_user NULL: any. */
    int (*org_list)(hy_store *s, const char *status, const char *staff_user, size_t limit,
                    hy_arena *a, struct hy_org **ret);
    int (*org_verify)(hy_store *s, const char *id);
    int (*staff_add)(hy_store *s, const char *org_id, const char *user_id);
    /* HY_DB_ONE when the user is on the organisation's staff. */
    int (*staff_is)(hy_store *s, const char *org_id, const char *user_id);
    /* Inserts the need and its skills; HY_DB_NONE when a skill is not in the list or retired. */
    int (*need_insert)(hy_store *s, const struct hy_need *n, const struct hy_skill_level *k,
                       size_t nk);
    int (*need_get)(hy_store *s, const char *id, hy_arena *a, struct hy_need *ret);
    /* org_id NULL: open needs of verified organisations; else every need of that one. */
    int (*need_list)(hy_store *s, const char *org_id, size_t limit, hy_arena *a,
                     struct hy_need **ret);
    int (*need_skills)(hy_store *s, const char *need_id, hy_arena *a, struct hy_skill_level **ret);
    /* The skills of every open need of a verified organisation (owner: the need's id). */
    int (*open_need_skills)(hy_store *s, hy_arena *a, struct hy_skill_level **ret);
    int (*need_candidates)(hy_store *s, const char *need_id, hy_arena *a,
                           struct hy_candidate_row **ret);
    /* Counts one more accepted; HY_DB_NONE when the need is not open or already full. */
    int (*need_take)(hy_store *s, const char *id);
    int (*need_set_status)(hy_store *s, const char *id, const char *status);
    /* HY_DB_NONE when this volunteer has offered already. */
    int (*offer_insert)(hy_store *s, const char *need_id, const char *user_id, int64_t now);
    /* offered → status; HY_DB_NONE when the offer is not waiting. */
    int (*offer_decide)(hy_store *s, const char *need_id, const char *user_id, const char *status,
                        int64_t now);
    int (*offer_get)(hy_store *s, const char *need_id, const char *user_id, hy_arena *a,
                     struct hy_offer *ret);
    int (*offers_of_need)(hy_store *s, const char *need_id, hy_arena *a, struct hy_offer **ret);
    int (*offers_of_user)(hy_store *s, const char *user_id, hy_arena *a, struct hy_offer **ret);
};

extern const struct hy_skills_ops hy_st_skills_ops;

#endif
