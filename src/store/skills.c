/* skills.c — skills-matching store functions, written once for both backends. */
#include "store/skills.h"

#include "store/engine.h"
#include "store/rows.h"

#define OFFERS_MAX 2000

static int skill_insert(hy_store *s, const struct hy_skill *k) {
    return hy_st_exec(s, HY_Q_SKILL_INSERT,
                      HY_ARGS(hy_arg_text(k->slug), hy_arg_text(k->name_fa),
                              hy_arg_text(k->name_en), hy_arg_i64(k->updated_at)));
}

static int skill_update(hy_store *s, const char *slug, const char *name_fa, const char *name_en,
                        int retired, int64_t now) {
    return hy_st_exec(s, HY_Q_SKILL_UPDATE,
                      HY_ARGS(hy_arg_text(slug), hy_arg_text(name_fa), hy_arg_text(name_en),
                              retired < 0 ? hy_arg_null() : hy_arg_bool(retired > 0),
                              hy_arg_i64(now)));
}

static int skill_list(hy_store *s, hy_arena *a, struct hy_skill **ret) {
    return hy_st_list(s, HY_Q_SKILL_LIST, HY_NO_ARGS, &hy_row_skill, HY_SKILLS_LIST_MAX, a, ret);
}

static int volunteer_skills_set(hy_store *s, const char *user_id, const struct hy_skill_level *v,
                                size_t n) {
    int r = hy_st_exec(s, HY_Q_VSKILL_CLEAR, HY_ARGS(hy_arg_text(user_id)));
    if (r < 0) return r;
    for (size_t i = 0; i < n; i++)
        if ((r = hy_st_exec(s, HY_Q_VSKILL_ADD,
                            HY_ARGS(hy_arg_text(user_id), hy_arg_text(v[i].skill),
                                    hy_arg_i64(v[i].level)))) <= 0)
            return r;
    return HY_DB_ONE;
}

static int volunteer_skills(hy_store *s, const char *user_id, hy_arena *a,
                            struct hy_skill_level **ret) {
    return hy_st_list(s, HY_Q_VSKILL_LIST, HY_ARGS(hy_arg_text(user_id)), &hy_row_skill_level,
                      HY_SKILLS_LIST_MAX, a, ret);
}

static int org_insert(hy_store *s, const struct hy_org *o) {
    int r = hy_st_exec(s, HY_Q_ORG_INSERT,
                       HY_ARGS(hy_arg_text(o->id), hy_arg_text(o->name), hy_arg_text(o->kind),
                               hy_arg_text(o->area), hy_arg_f64_if(o->has_pos, o->lat),
                               hy_arg_f64_if(o->has_pos, o->lon), hy_arg_text(o->contact),
                               hy_arg_text(o->owner_id[0] ? o->owner_id : NULL),
                               hy_arg_text(o->status), hy_arg_i64(o->created_at),
                               hy_arg_bool(o->demo)));
    if (r <= 0 || !o->owner_id[0]) return r;
    return hy_st_exec(s, HY_Q_STAFF_ADD, HY_ARGS(hy_arg_text(o->id), hy_arg_text(o->owner_id)));
}

static int org_get(hy_store *s, const char *id, hy_arena *a, struct hy_org *ret) {
    return hy_st_one(s, HY_Q_ORG_GET, HY_ARGS(hy_arg_text(id)), &hy_row_org, a, ret);
}

static int org_list(hy_store *s, const char *status, const char *staff_user, size_t limit,
                    hy_arena *a, struct hy_org **ret) {
    return hy_st_list(s, HY_Q_ORG_LIST,
                      HY_ARGS(hy_arg_text(status), hy_arg_text(staff_user),
                              hy_arg_i64((int64_t)limit)),
                      &hy_row_org, limit, a, ret);
}

static int org_verify(hy_store *s, const char *id) {
    return hy_st_exec(s, HY_Q_ORG_VERIFY, HY_ARGS(hy_arg_text(id)));
}

static int staff_add(hy_store *s, const char *org_id, const char *user_id) {
    return hy_st_exec(s, HY_Q_STAFF_ADD, HY_ARGS(hy_arg_text(org_id), hy_arg_text(user_id)));
}

static int staff_is(hy_store *s, const char *org_id, const char *user_id) {
    int64_t n = 0;
    int r = hy_st_i64(s, HY_Q_STAFF_IS, HY_ARGS(hy_arg_text(org_id), hy_arg_text(user_id)), &n);
    return r < 0 ? r : (n > 0 ? HY_DB_ONE : HY_DB_NONE);
}

static int need_insert(hy_store *s, const struct hy_need *n, const struct hy_skill_level *k,
                       size_t nk) {
    int r = hy_st_exec(
        s, HY_Q_NEED_INSERT,
        HY_ARGS(hy_arg_text(n->id), hy_arg_text(n->org_id), hy_arg_text(n->title),
                hy_arg_text(n->description), hy_arg_i64(n->people), hy_arg_text(n->commitment),
                hy_arg_bool(n->remote), hy_arg_f64_if(n->has_pos, n->lat),
                hy_arg_f64_if(n->has_pos, n->lon), hy_arg_text(n->starts_on),
                hy_arg_text(n->ends_on), hy_arg_text(n->created_by[0] ? n->created_by : NULL),
                hy_arg_i64(n->created_at), hy_arg_bool(n->demo)));
    for (size_t i = 0; r > 0 && i < nk; i++)
        r = hy_st_exec(s, HY_Q_NEED_SKILL_ADD,
                       HY_ARGS(hy_arg_text(n->id), hy_arg_text(k[i].skill), hy_arg_i64(k[i].level)));
    return r;
}

static int need_get(hy_store *s, const char *id, hy_arena *a, struct hy_need *ret) {
    return hy_st_one(s, HY_Q_NEED_GET, HY_ARGS(hy_arg_text(id)), &hy_row_need, a, ret);
}

static int need_list(hy_store *s, const char *org_id, size_t limit, hy_arena *a,
                     struct hy_need **ret) {
    if (limit > HY_NEEDS_LIST_MAX) limit = HY_NEEDS_LIST_MAX;
    return hy_st_list(s, HY_Q_NEED_LIST, HY_ARGS(hy_arg_text(org_id), hy_arg_i64((int64_t)limit)),
                      &hy_row_need, limit, a, ret);
}

static int need_skills(hy_store *s, const char *need_id, hy_arena *a, struct hy_skill_level **ret) {
    return hy_st_list(s, HY_Q_NEED_SKILLS, HY_ARGS(hy_arg_text(need_id)), &hy_row_skill_level,
                      HY_NEED_SKILLS_MAX, a, ret);
}

static int open_need_skills(hy_store *s, hy_arena *a, struct hy_skill_level **ret) {
    size_t max = (size_t)HY_NEEDS_LIST_MAX * HY_NEED_SKILLS_MAX;
    return hy_st_list(s, HY_Q_NEED_SKILLS_OPEN, HY_ARGS(hy_arg_i64((int64_t)max)),
                      &hy_row_skill_level, max, a, ret);
}

static int need_candidates(hy_store *s, const char *need_id, hy_arena *a,
                           struct hy_candidate_row **ret) {
    return hy_st_list(s, HY_Q_NEED_CANDIDATES,
                      HY_ARGS(hy_arg_text(need_id), hy_arg_i64(HY_CANDIDATE_ROWS_MAX)),
                      &hy_row_candidate, HY_CANDIDATE_ROWS_MAX, a, ret);
}

static int need_take(hy_store *s, const char *id) {
    return hy_st_exec(s, HY_Q_NEED_TAKE, HY_ARGS(hy_arg_text(id)));
}

static int need_set_status(hy_store *s, const char *id, const char *status) {
    return hy_st_exec(s, HY_Q_NEED_SET_STATUS, HY_ARGS(hy_arg_text(id), hy_arg_text(status)));
}

static int offer_insert(hy_store *s, const char *need_id, const char *user_id, int64_t now) {
    return hy_st_exec(s, HY_Q_OFFER_INSERT,
                      HY_ARGS(hy_arg_text(need_id), hy_arg_text(user_id), hy_arg_i64(now)));
}

static int offer_decide(hy_store *s, const char *need_id, const char *user_id, const char *status,
                        int64_t now) {
    return hy_st_exec(s, HY_Q_OFFER_DECIDE,
                      HY_ARGS(hy_arg_text(need_id), hy_arg_text(user_id), hy_arg_text(status),
                              hy_arg_i64(now)));
}

static int offer_get(hy_store *s, const char *need_id, const char *user_id, hy_arena *a,
                     struct hy_offer *ret) {
    return hy_st_one(s, HY_Q_OFFER_GET, HY_ARGS(hy_arg_text(need_id), hy_arg_text(user_id)),
                     &hy_row_offer, a, ret);
}

static int offers_of_need(hy_store *s, const char *need_id, hy_arena *a, struct hy_offer **ret) {
    return hy_st_list(s, HY_Q_OFFER_LIST_NEED, HY_ARGS(hy_arg_text(need_id), hy_arg_i64(OFFERS_MAX)),
                      &hy_row_offer, OFFERS_MAX, a, ret);
}

static int offers_of_user(hy_store *s, const char *user_id, hy_arena *a, struct hy_offer **ret) {
    return hy_st_list(s, HY_Q_OFFER_LIST_USER, HY_ARGS(hy_arg_text(user_id), hy_arg_i64(OFFERS_MAX)),
                      &hy_row_offer, OFFERS_MAX, a, ret);
}

const struct hy_skills_ops hy_st_skills_ops = {
    .skill_insert = skill_insert,
    .skill_update = skill_update,
    .skill_list = skill_list,
    .volunteer_skills_set = volunteer_skills_set,
    .volunteer_skills = volunteer_skills,
    .org_insert = org_insert,
    .org_get = org_get,
    .org_list = org_list,
    .org_verify = org_verify,
    .staff_add = staff_add,
    .staff_is = staff_is,
    .need_insert = need_insert,
    .need_get = need_get,
    .need_list = need_list,
    .need_skills = need_skills,
    .open_need_skills = open_need_skills,
    .need_candidates = need_candidates,
    .need_take = need_take,
    .need_set_status = need_set_status,
    .offer_insert = offer_insert,
    .offer_decide = offer_decide,
    .offer_get = offer_get,
    .offers_of_need = offers_of_need,
    .offers_of_user = offers_of_user,
};
