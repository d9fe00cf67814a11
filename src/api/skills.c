/* skills.c — skills matching: the skills list, organisations and their needs, volunteers'
 * skills and offers.
 *
 *   GET   /api/v1/skills                        the list (public), with the levels
 *   POST  /api/v1/skills                        admins: add a skill
 *   PATCH /api/v1/skills/{slug}                 admins: rename or retire (never deleted)
 *   GET   /api/v1/me/skills, PUT /api/v1/me/skills   a volunteer's skills and levels
 *   GET   /api/v1/me/offers                     a volunteer's offers (contact once accepted)
 *   POST  /api/v1/orgs                          register an organisation (pending)
 *   GET   /api/v1/orgs, /api/v1/orgs/{id}       verified ones; pending: its staff, coordinators
 *   POST  /api/v1/orgs/{id}/verify              coordinators
 *   POST  /api/v1/orgs/{id}/staff               the owner adds a staff member by e-mail
 *   POST  /api/v1/orgs/{id}/needs               staff post a need
 *   GET   /api/v1/needs, /api/v1/needs/mine     open needs; ranked for the calling volunteer
 *   GET   /api/v1/needs/{id}                    one need
 *   POST  /api/v1/needs/{id}/status             staff close or reopen it
 *   GET   /api/v1/needs/{id}/candidates         staff, coordinators: volunteers ranked
 *   POST  /api/v1/needs/{id}/offers             a volunteer offers to help
 *   GET   /api/v1/needs/{id}/offers             staff, coordinators
 *   POST  /api/v1/needs/{id}/offers/{user_id}/accept|decline   staff
 *
 * Personal data: candidates and offers show a volunteer's name, skills and area rounded to
 * about 500 m, never a phone or e-mail; once the organisation accepts an offer, its staff see
 * the volunteer's contact and the volunteer sees the contact of the person who posted the
 * need. The ranking rule is domain/skills.h's. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/skills.h"
#include "http/parse.h"
#include "http/replica.h"
#include "http/session.h"
#include "store/audit.h"
#include "store/skills.h"
#include "util/clock.h"

#define AREA_CELL_M 500.0
#define ORGS_MAX 200
#define CANDIDATES_SHOWN 100

static const char *const kinds[] = {"hospital", "clinic",  "school", "council", "charity",
                                    "shelter",  "company", "other",  NULL};
static const char *const level_names[] = {"basic", "experienced", "expert", NULL};

static bool suspended(const struct hy_principal *who) {
    return who->status && !strcmp(who->status, "suspended");
}

static bool is_coordinator(const struct hy_principal *who) {
    return who && who->signed_in && !suspended(who) &&
           (hy_is_role(who, "admin") || hy_is_role(who, "coordinator"));
}

static hy_result not_found(hy_req *req, const char *what) {
    return hy_reply_error(req, HY_E_NOT_FOUND, what, NULL);
}

/* ---- JSON ---- */

static json_t *skill_json(const struct hy_skill *k) {
    return json_pack("{s:s,s:s,s:s,s:b}", "slug", k->slug, "name_fa", k->name_fa, "name_en",
                     k->name_en, "retired", k->retired);
}

static json_t *levels_json(const struct hy_skill_level *v, int n) {
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s,s:s}", "skill", v[i].skill, "level",
                                           hy_skill_level_name(v[i].level)));
    return a;
}

static json_t *pos_or_null(bool has, double v) { return has ? json_real(v) : json_null(); }

static json_t *org_json(const struct hy_org *o) {
    return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:I}", "id", o->id, "name", o->name, "kind",
                     o->kind, "area", o->area, "lat", pos_or_null(o->has_pos, o->lat), "lon",
                     pos_or_null(o->has_pos, o->lon), "contact", o->contact, "status", o->status,
                     "created_at", (json_int_t)o->created_at);
}

static json_t *need_json(const struct hy_need *n, const struct hy_skill_level *k, int nk) {
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:b,s:o,s:o,s:o,s:o,s:s,s:I}", "id", n->id, "org_id",
        n->org_id, "org_name", n->org_name, "title", n->title, "description", n->description,
        "commitment", n->commitment, "people", n->people, "accepted", n->accepted, "remote",
        n->remote, "lat", pos_or_null(n->has_pos, n->lat), "lon", pos_or_null(n->has_pos, n->lon),
        "starts_on", n->starts_on ? json_string(n->starts_on) : json_null(), "ends_on",
        n->ends_on ? json_string(n->ends_on) : json_null(), "status", n->status, "created_at",
        (json_int_t)n->created_at);
    json_t *sk = json_array();
    for (int i = 0; i < nk; i++)
        if (!strcmp(k[i].owner, n->id))
            json_array_append_new(sk, json_pack("{s:s,s:s}", "skill", k[i].skill, "min_level",
                                                hy_skill_level_name(k[i].level)));
    json_object_set_new(o, "skills", sk);
    return o;
}

static json_t *contact_json(const struct hy_offer *f) {
    return json_pack("{s:s,s:o,s:o}", "name", f->name ? f->name : "", "phone",
                     f->phone ? json_string(f->phone) : json_null(), "email",
                     f->email ? json_string(f->email) : json_null());
}

/* Parses [{"skill": slug, "level" or "min_level": name}, …] into the arena. */
static bool levels_parse(hy_req *req, json_t *arr, const char *level_key, size_t max,
                         struct hy_skill_level **ret, size_t *ret_n, hy_result *res) {
    const char *field = "skills";
    if (!json_is_array(arr) || json_array_size(arr) > max) {
        *res = hy_reply_error(req, HY_E_INVALID_FIELD,
                              "skills must be a list of at most a few {skill, level} items.", field);
        return false;
    }
    size_t n = json_array_size(arr);
    struct hy_skill_level *v = hy_arena_zalloc(req->arena, (n + 1) * sizeof *v);
    if (!v) {
        *res = hy_reply_store_failed(req, "skills: reading skills and levels", 0);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(arr, i);
        json_t *sk = json_object_get(it, "skill"), *lv = json_object_get(it, level_key);
        int level = json_is_string(lv) ? hy_skill_level_parse(json_string_value(lv)) : 0;
        if (!json_is_object(it) || json_object_size(it) != 2 || !json_is_string(sk) ||
            !hy_skill_slug_valid(json_string_value(sk)) || !level) {
            *res = hy_reply_error(req, HY_E_INVALID_FIELD,
                                  "Each skill is {\"skill\": a skill of the list, \"level\": basic, "
                                  "experienced or expert}.",
                                  field);
            return false;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(v[j].skill, json_string_value(sk))) {
                *res = hy_reply_error(req, HY_E_INVALID_FIELD, "A skill is listed twice.", field);
                return false;
            }
        v[i].skill = hy_arena_strdup(req->arena, json_string_value(sk));
        v[i].level = level;
        if (!v[i].skill) {
            *res = hy_reply_store_failed(req, "skills: reading skills and levels", 0);
            return false;
        }
    }
    *ret = v;
    *ret_n = n;
    return true;
}

/* ---- the skills list ---- */

struct skills_ctx {
    hy_req *req;
    struct hy_skill k;
    struct hy_skill *list;
    int n;
    int retired;
    bool created;
};

static int skill_list_tx(hy_store *s, void *ctx) {
    struct skills_ctx *c = ctx;
    c->n = s->ops->skills->skill_list(s, c->req->arena, &c->list);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

hy_result hy_api_list_skills(hy_req *req) {
    struct skills_ctx c = {.req = req};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, skill_list_tx, &c);
    if (r < 0) return hy_reply_store_failed(req, "skills: list skills", r);
    json_t *a = json_array();
    for (int i = 0; i < c.n; i++) json_array_append_new(a, skill_json(&c.list[i]));
    json_t *lv = json_array();
    for (int i = 0; level_names[i]; i++) json_array_append_new(lv, json_string(level_names[i]));
    return hy_reply_json(req, 200, json_pack("{s:o,s:o}", "skills", a, "levels", lv));
}

static int skill_add_tx(hy_store *s, void *ctx) {
    struct skills_ctx *c = ctx;
    int r = s->ops->skills->skill_insert(s, &c->k);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    return hy_audit(s, hy_req_actor(c->req), "skill_added", c->k.slug, "");
}

hy_result hy_api_add_skill(hy_req *req) {
    struct skills_ctx c = {.req = req};
    struct hy_field spec[] = {
        HY_F_STR("slug", HY_REQUIRED, 2, 40, &c.k.slug),
        HY_F_STR("name_fa", HY_REQUIRED, 1, 60, &c.k.name_fa),
        HY_F_STR("name_en", HY_REQUIRED, 1, 60, &c.k.name_en),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!hy_skill_slug_valid(c.k.slug))
        return hy_reply_error(req, HY_E_INVALID_FIELD,
                              "slug is 2 to 40 of a-z, 0-9 and '-', starting with a letter.", "slug");
    c.k.updated_at = hy_clock_now();
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, skill_add_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_CONFLICT, "This skill is in the list already.", "slug");
    if (r < 0) return hy_reply_store_failed(req, "skills: add skill", r);
    return hy_reply_json(req, 201, skill_json(&c.k));
}

static int skill_change_tx(hy_store *s, void *ctx) {
    struct skills_ctx *c = ctx;
    int r = s->ops->skills->skill_update(s, c->k.slug, c->k.name_fa, c->k.name_en, c->retired,
                                         hy_clock_now());
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if ((r = hy_audit(s, hy_req_actor(c->req), "skill_changed", c->k.slug,
                      c->retired > 0 ? "retired" : "")) < 0)
        return r;
    c->n = s->ops->skills->skill_list(s, c->req->arena, &c->list);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

hy_result hy_api_update_skill(hy_req *req) {
    struct skills_ctx c = {.req = req, .retired = -1};
    bool retired = false, has_retired = false;
    struct hy_field spec[] = {
        HY_F_STR("name_fa", HY_OPTIONAL, 1, 60, &c.k.name_fa),
        HY_F_STR("name_en", HY_OPTIONAL, 1, 60, &c.k.name_en),
        {"retired", HY_FT_BOOL, HY_OPTIONAL, 0, 0, &retired, NULL, 0, &has_retired},
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!hy_skill_slug_valid(req->args[0])) return not_found(req, "No such skill.");
    c.k.slug = req->args[0];
    if (has_retired) c.retired = retired;
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, skill_change_tx, &c);
    if (r == HY_DB_ABORT) return not_found(req, "No such skill.");
    if (r < 0) return hy_reply_store_failed(req, "skills: update skill", r);
    for (int i = 0; i < c.n; i++)
        if (!strcmp(c.list[i].slug, c.k.slug)) return hy_reply_json(req, 200, skill_json(&c.list[i]));
    return not_found(req, "No such skill.");
}

/* ---- a volunteer's skills ---- */

struct my_skills_ctx {
    hy_req *req;
    struct hy_skill_level *v;
    size_t n;
    int got;
};

static int my_skills_tx(hy_store *s, void *ctx) {
    struct my_skills_ctx *c = ctx;
    c->got = s->ops->skills->volunteer_skills(s, c->req->who->user_id, c->req->arena, &c->v);
    return c->got < 0 ? c->got : HY_DB_ONE;
}

hy_result hy_api_get_my_skills(hy_req *req) {
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: get my skills (the caller)", 0);
    struct my_skills_ctx c = {.req = req};
    int r = hy_db_run(req->srv->db, HY_TX_READ, my_skills_tx, &c);
    if (r < 0) return hy_reply_store_failed(req, "skills: get my skills", r);
    return hy_reply_json(req, 200, json_pack("{s:o}", "skills", levels_json(c.v, c.got)));
}

static int set_my_skills_tx(hy_store *s, void *ctx) {
    struct my_skills_ctx *c = ctx;
    const char *me = c->req->who->user_id;
    int r = s->ops->skills->volunteer_skills_set(s, me, c->v, c->n);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if ((r = hy_audit(s, me, "volunteer_skills_set", me, "")) < 0) return r;
    return my_skills_tx(s, ctx);
}

hy_result hy_api_set_my_skills(hy_req *req) {
    json_t *arr = NULL;
    struct hy_field spec[] = {HY_F_ANY("skills", HY_REQUIRED, &arr), HY_F_END};
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    struct my_skills_ctx c = {.req = req};
    if (!levels_parse(req, arr, "level", HY_VOLUNTEER_SKILLS_MAX, &c.v, &c.n, &res)) return res;
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: set my skills (the caller)", 0);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, set_my_skills_tx, &c);
    if (r == HY_DB_ABORT)
        return hy_reply_error(req, HY_E_INVALID_FIELD,
                              "A skill is not in the list, or has been retired.", "skills");
    if (r < 0) return hy_reply_store_failed(req, "skills: set my skills", r);
    return hy_reply_json(req, 200, json_pack("{s:o}", "skills", levels_json(c.v, c.got)));
}

/* ---- organisations ---- */

struct org_ctx {
    hy_req *req;
    const char *id;
    struct hy_org o;
    struct hy_org *list;
    int n;
    bool staff, owner;
    struct hy_need *needs;
    int n_needs;
    struct hy_user invitee;
    const char *email;
};

static int org_add_tx(hy_store *s, void *ctx) {
    struct org_ctx *c = ctx;
    int r = s->ops->skills->org_insert(s, &c->o);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    return hy_audit(s, c->o.owner_id, "org_registered", c->o.id, "");
}

hy_result hy_api_register_org(hy_req *req) {
    struct org_ctx c = {.req = req};
    double lat = 0, lon = 0;
    bool has_lat = false, has_lon = false;
    struct hy_field spec[] = {
        HY_F_STR("name", HY_REQUIRED, 2, 120, &c.o.name),
        HY_F_ENUM("kind", HY_REQUIRED, kinds, &c.o.kind),
        HY_F_STR("area", HY_REQUIRED, 1, 120, &c.o.area),
        {"lat", HY_FT_NUMBER, HY_NULLABLE, -90, 90, &lat, NULL, 0, &has_lat},
        {"lon", HY_FT_NUMBER, HY_NULLABLE, -180, 180, &lon, NULL, 0, &has_lon},
        HY_F_STR("contact", HY_REQUIRED, 3, 200, &c.o.contact),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (has_lat != has_lon)
        return hy_reply_error(req, HY_E_MISSING_FIELD, "Give both lat and lon, or neither.",
                              has_lat ? "lon" : "lat");
    const struct hy_principal *who = hy_req_principal(req);
    if (!who) return hy_reply_store_failed(req, "skills: register organisation (the caller)", 0);
    hy_id_new(c.o.id);
    memcpy(c.o.owner_id, who->user_id, sizeof c.o.owner_id);
    c.o.status = "pending";
    c.o.has_pos = has_lat;
    if (has_lat) hy_geo_round(lat, lon, AREA_CELL_M, &c.o.lat, &c.o.lon);
    c.o.created_at = hy_clock_now();
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, org_add_tx, &c);
    if (r < 0) return hy_reply_store_failed(req, "skills: register organisation", r == HY_DB_ABORT ? HY_DB_HARD : r);
    return hy_reply_json(req, 201, org_json(&c.o));
}

static int org_list_tx(hy_store *s, void *ctx) {
    struct org_ctx *c = ctx;
    c->n = s->ops->skills->org_list(s, c->o.status, c->id, ORGS_MAX, c->req->arena, &c->list);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

hy_result hy_api_list_orgs(hy_req *req) {
    struct org_ctx c = {.req = req};
    const char *status = hy_req_query(req, "status"), *mine = hy_req_query(req, "mine");
    c.o.status = "verified";
    const struct hy_principal *who = hy_req_principal(req);
    if (!who) return hy_reply_store_failed(req, "skills: list organisations (the caller)", 0);
    if (mine && strcmp(mine, "true") != 0)
        return hy_reply_error(req, HY_E_INVALID_QUERY, "mine must be true.", "mine");
    if (status && strcmp(status, "verified") != 0 && strcmp(status, "pending") != 0)
        return hy_reply_error(req, HY_E_INVALID_QUERY, "status must be verified or pending.", "status");
    if (mine || (status && !strcmp(status, "pending"))) {
        if (!who->signed_in) return hy_reply_error(req, HY_E_UNAUTHORIZED, NULL, NULL);
        if (mine) {
            c.id = who->user_id; /* the caller's own, in any status (or the one asked for) */
            c.o.status = status;
        } else {
            if (!is_coordinator(who)) return hy_reply_error(req, HY_E_FORBIDDEN, NULL, NULL);
            c.o.status = "pending";
        }
    }
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, org_list_tx, &c);
    if (r < 0) return hy_reply_store_failed(req, "skills: list organisations", r);
    json_t *a = json_array();
    for (int i = 0; i < c.n; i++) json_array_append_new(a, org_json(&c.list[i]));
    return hy_reply_json(req, 200, json_pack("{s:o}", "orgs", a));
}

/* Reads the organisation and whether the caller is on its staff or owns it. */
static int org_load(hy_store *s, struct org_ctx *c) {
    int r = s->ops->skills->org_get(s, c->id, c->req->arena, &c->o);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    const struct hy_principal *who = c->req->who;
    c->staff = c->owner = false;
    if (who && who->signed_in && !suspended(who)) {
        if ((r = s->ops->skills->staff_is(s, c->id, who->user_id)) < 0) return r;
        c->staff = r == HY_DB_ONE;
        c->owner = !strcmp(c->o.owner_id, who->user_id);
    }
    return HY_DB_ONE;
}

static bool org_visible(const struct org_ctx *c) {
    return !strcmp(c->o.status, "verified") || c->staff || is_coordinator(c->req->who);
}

static int org_get_tx(hy_store *s, void *ctx) {
    struct org_ctx *c = ctx;
    int r = org_load(s, c);
    if (r <= 0 || !org_visible(c)) return r;
    c->n_needs = s->ops->skills->need_list(s, c->id, HY_NEEDS_LIST_MAX, c->req->arena, &c->needs);
    return c->n_needs < 0 ? c->n_needs : HY_DB_ONE;
}

hy_result hy_api_get_org(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return not_found(req, "No such organisation.");
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: get organisation (the caller)", 0);
    struct org_ctx c = {.req = req, .id = req->args[0]};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, org_get_tx, &c);
    if (r == HY_DB_ABORT || (r >= 0 && !org_visible(&c))) return not_found(req, "No such organisation.");
    if (r < 0) return hy_reply_store_failed(req, "skills: get organisation", r);
    json_t *o = org_json(&c.o);
    json_t *needs = json_array();
    int64_t now = hy_clock_now();
    for (int i = 0; i < c.n_needs; i++)
        if (c.staff || is_coordinator(req->who) ||
            (!strcmp(c.needs[i].status, "open") && !hy_need_ended(c.needs[i].ends_on, now)))
            json_array_append_new(needs, need_json(&c.needs[i], NULL, 0));
    json_object_set_new(o, "needs", needs);
    json_object_set_new(o, "staff", json_boolean(c.staff));
    return hy_reply_json(req, 200, o);
}

static int org_verify_tx(hy_store *s, void *ctx) {
    struct org_ctx *c = ctx;
    int r = org_load(s, c);
    if (r <= 0) return r;
    if (!strcmp(c->o.status, "verified")) return HY_DB_ONE;
    if ((r = s->ops->skills->org_verify(s, c->id)) <= 0) return r < 0 ? r : HY_DB_SOFT;
    c->o.status = "verified";
    return hy_audit(s, hy_req_actor(c->req), "org_verified", c->id, "");
}

hy_result hy_api_verify_org(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return not_found(req, "No such organisation.");
    struct org_ctx c = {.req = req, .id = req->args[0]};
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, org_verify_tx, &c);
    if (r == HY_DB_ABORT) return not_found(req, "No such organisation.");
    if (r < 0) return hy_reply_store_failed(req, "skills: verify organisation", r);
    return hy_reply_json(req, 200, org_json(&c.o));
}

static int staff_add_tx(hy_store *s, void *ctx) {
    struct org_ctx *c = ctx;
    int r = org_load(s, c);
    if (r <= 0) return r;
    if (!c->owner) return HY_DB_ABORT;
    r = s->ops->user_by_login(s, c->email, c->req->arena, &c->invitee);
    if (r <= 0) return r < 0 ? r : HY_DB_NONE;
    if ((r = s->ops->skills->staff_add(s, c->id, c->invitee.id)) < 0) return r;
    return hy_audit(s, hy_req_actor(c->req), "org_staff_added", c->id, c->invitee.id);
}

hy_result hy_api_add_org_staff(hy_req *req) {
    struct org_ctx c = {.req = req};
    struct hy_field spec[] = {HY_F_STR("email", HY_REQUIRED, 3, 254, &c.email), HY_F_END};
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!hy_id_valid(req->args[0])) return not_found(req, "No such organisation.");
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: add organisation staff (the caller)", 0);
    /* A staff member is found by e-mail only: a phone number is not asked for here. */
    c.email = strchr(c.email, '@') ? hy_login_normalise(req, c.email) : NULL;
    if (!c.email)
        return hy_reply_error(req, HY_E_INVALID_FIELD, "This is not an e-mail address we can use.", "email");
    c.id = req->args[0];
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, staff_add_tx, &c);
    if (r == HY_DB_ABORT && c.o.id[0] && org_visible(&c))
        return hy_reply_error(req, HY_E_FORBIDDEN, "Only the organisation's owner adds staff.", NULL);
    if (r == HY_DB_ABORT) return not_found(req, "No such organisation.");
    if (r == HY_DB_NONE)
        return hy_reply_error(req, HY_E_INVALID_FIELD,
                              "No account has this e-mail address; ask them to sign up first.", "email");
    if (r < 0) return hy_reply_store_failed(req, "skills: add organisation staff", r);
    return hy_reply_json(req, 200, json_pack("{s:s,s:s}", "org_id", c.id, "user_id", c.invitee.id));
}

/* ---- needs ---- */

struct need_ctx {
    hy_req *req;
    struct org_ctx org;
    struct hy_need n;
    struct hy_skill_level *k;
    size_t nk;
    int got_k;
    bool bad_skill;
};

static int need_add_tx(hy_store *s, void *ctx) {
    struct need_ctx *c = ctx;
    int r = org_load(s, &c->org);
    if (r <= 0) return r;
    if (!c->org.staff) return HY_DB_ABORT;
    if ((r = s->ops->skills->need_insert(s, &c->n, c->k, c->nk)) <= 0) {
        c->bad_skill = r == HY_DB_NONE;
        return r < 0 ? r : HY_DB_ABORT; /* undoes the need too */
    }
    c->n.org_name = c->org.o.name;
    c->n.org_status = c->org.o.status;
    return hy_audit(s, hy_req_actor(c->req), "need_posted", c->n.id, c->org.o.id);
}

static bool date_ok(const char *d) {
    if (!d) return true;
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9')) return false;
    int m = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
    return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

hy_result hy_api_post_need(hy_req *req) {
    struct need_ctx c = {.req = req};
    double lat = 0, lon = 0;
    long long people = 1;
    bool has_lat = false, has_lon = false;
    json_t *skills = NULL;
    const char *description = "", *starts = NULL, *ends = NULL;
    struct hy_field spec[] = {
        HY_F_STR("title", HY_REQUIRED, 3, 140, &c.n.title),
        HY_F_STR("description", HY_OPTIONAL | HY_MULTILINE, 0, 4000, &description),
        HY_F_ANY("skills", HY_REQUIRED, &skills),
        HY_F_INT("people", HY_REQUIRED, 1, 1000, &people),
        HY_F_STR("commitment", HY_REQUIRED, 1, 140, &c.n.commitment),
        HY_F_BOOL("remote", HY_REQUIRED, &c.n.remote),
        {"lat", HY_FT_NUMBER, HY_NULLABLE, -90, 90, &lat, NULL, 0, &has_lat},
        {"lon", HY_FT_NUMBER, HY_NULLABLE, -180, 180, &lon, NULL, 0, &has_lon},
        HY_F_STR("starts_on", HY_NULLABLE, 10, 10, &starts),
        HY_F_STR("ends_on", HY_NULLABLE, 10, 10, &ends),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!levels_parse(req, skills, "min_level", HY_NEED_SKILLS_MAX, &c.k, &c.nk, &res)) return res;
    if (!c.nk) return hy_reply_error(req, HY_E_INVALID_FIELD, "A need requires at least one skill.", "skills");
    if (has_lat != has_lon)
        return hy_reply_error(req, HY_E_MISSING_FIELD, "Give both lat and lon, or neither.",
                              has_lat ? "lon" : "lat");
    if (!c.n.remote && !has_lat)
        return hy_reply_error(req, HY_E_MISSING_FIELD, "A need that is not remote needs its place.", "lat");
    if (!date_ok(starts)) return hy_reply_error(req, HY_E_INVALID_FIELD, "starts_on is a date, YYYY-MM-DD.", "starts_on");
    if (!date_ok(ends)) return hy_reply_error(req, HY_E_INVALID_FIELD, "ends_on is a date, YYYY-MM-DD.", "ends_on");
    if (starts && ends && strcmp(starts, ends) > 0)
        return hy_reply_error(req, HY_E_INVALID_FIELD, "ends_on is before starts_on.", "ends_on");
    if (hy_need_ended(ends, hy_clock_now()))
        return hy_reply_error(req, HY_E_INVALID_FIELD, "ends_on is a day that is already over.", "ends_on");
    if (!hy_id_valid(req->args[0])) return not_found(req, "No such organisation.");
    const struct hy_principal *who = hy_req_principal(req);
    if (!who) return hy_reply_store_failed(req, "skills: post need (the caller)", 0);
    c.org.req = req;
    c.org.id = req->args[0];
    hy_id_new(c.n.id);
    memcpy(c.n.org_id, c.org.id, HY_ID_LEN);
    memcpy(c.n.created_by, who->user_id, sizeof c.n.created_by);
    c.n.description = description;
    c.n.people = (int)people;
    c.n.has_pos = has_lat;
    if (has_lat) hy_geo_round(lat, lon, AREA_CELL_M, &c.n.lat, &c.n.lon);
    c.n.starts_on = starts;
    c.n.ends_on = ends;
    c.n.status = "open";
    c.n.created_at = hy_clock_now();
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, need_add_tx, &c);
    if (r == HY_DB_ABORT && c.bad_skill)
        return hy_reply_error(req, HY_E_INVALID_FIELD, "A skill is not in the list, or has been retired.", "skills");
    if (r == HY_DB_ABORT && c.org.o.id[0] && org_visible(&c.org))
        return hy_reply_error(req, HY_E_FORBIDDEN, "Only the organisation's staff post its needs.", NULL);
    if (r == HY_DB_ABORT) return not_found(req, "No such organisation.");
    if (r < 0) return hy_reply_store_failed(req, "skills: post need", r);
    struct hy_skill_level *k = c.k;
    for (size_t i = 0; i < c.nk; i++) memcpy(k[i].owner, c.n.id, sizeof k[i].owner);
    return hy_reply_json(req, 201, need_json(&c.n, c.k, (int)c.nk));
}

/* Reads a need, its organisation and the caller's standing there. */
static int need_load(hy_store *s, struct need_ctx *c, const char *id) {
    int r = s->ops->skills->need_get(s, id, c->req->arena, &c->n);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    c->org.req = c->req;
    c->org.id = c->n.org_id;
    if ((r = org_load(s, &c->org)) <= 0) return r;
    if (!org_visible(&c->org)) return HY_DB_ABORT;
    c->got_k = s->ops->skills->need_skills(s, id, c->req->arena, &c->k);
    return c->got_k < 0 ? c->got_k : HY_DB_ONE;
}

static int need_get_tx(hy_store *s, void *ctx) {
    struct need_ctx *c = ctx;
    return need_load(s, c, c->req->args[0]);
}

hy_result hy_api_get_need(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return not_found(req, "No such need.");
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: get need (the caller)", 0);
    struct need_ctx c = {.req = req};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, need_get_tx, &c);
    if (r == HY_DB_ABORT) return not_found(req, "No such need.");
    if (r < 0) return hy_reply_store_failed(req, "skills: get need", r);
    json_t *o = need_json(&c.n, c.k, c.got_k);
    json_object_set_new(o, "staff", json_boolean(c.org.staff));
    return hy_reply_json(req, 200, o);
}

/* Open needs, newest first; with `ranked`, for the calling volunteer by the ranking rule. */
struct needs_ctx {
    hy_req *req;
    bool ranked;
    struct hy_need *needs;
    int n;
    struct hy_skill_level *k, *mine;
    int nk, nmine;
    struct hy_volunteer vol;
    bool has_vol;
};

static int needs_tx(hy_store *s, void *ctx) {
    struct needs_ctx *c = ctx;
    c->n = s->ops->skills->need_list(s, NULL, HY_NEEDS_LIST_MAX, c->req->arena, &c->needs);
    if (c->n < 0) return c->n;
    c->nk = s->ops->skills->open_need_skills(s, c->req->arena, &c->k);
    if (c->nk < 0) return c->nk;
    if (!c->ranked) return HY_DB_ONE;
    const char *me = c->req->who->user_id;
    c->nmine = s->ops->skills->volunteer_skills(s, me, c->req->arena, &c->mine);
    if (c->nmine < 0) return c->nmine;
    int r = s->ops->volunteer_get(s, me, c->req->arena, &c->vol);
    if (r < 0) return r;
    c->has_vol = r == HY_DB_ONE && c->vol.has_area;
    return HY_DB_ONE;
}

struct ranked {
    int i;
    struct hy_fit fit;
    const char *id;
};

static int ranked_cmp(const void *a, const void *b) {
    const struct ranked *x = a, *y = b;
    return hy_fit_compare(&x->fit, x->id, &y->fit, y->id);
}

/* The skills of need `id` among the sorted rows (they come grouped by need). */
static const struct hy_skill_level *skills_of(const struct hy_skill_level *k, int nk,
                                              const char *id, size_t *ret_n) {
    int i = 0;
    while (i < nk && strcmp(k[i].owner, id) != 0) i++;
    int j = i;
    while (j < nk && !strcmp(k[j].owner, id)) j++;
    *ret_n = (size_t)(j - i);
    return k + i;
}

static hy_result list_needs(hy_req *req, bool ranked) {
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: list needs (the caller)", 0);
    struct needs_ctx c = {.req = req, .ranked = ranked};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, needs_tx, &c);
    if (r < 0) return hy_reply_store_failed(req, "skills: list needs", r);
    struct ranked *order = hy_arena_zalloc(req->arena, ((size_t)c.n + 1) * sizeof *order);
    if (!order) return hy_reply_store_failed(req, "skills: list needs", 0);
    int m = 0;
    int64_t now = hy_clock_now();
    for (int i = 0; i < c.n; i++) {
        if (hy_need_ended(c.needs[i].ends_on, now)) continue; /* its last day is over */
        struct ranked *o = &order[m];
        o->i = i;
        o->id = c.needs[i].id;
        if (ranked) {
            size_t nw;
            const struct hy_skill_level *w = skills_of(c.k, c.nk, c.needs[i].id, &nw);
            hy_skill_fit(w, nw, c.mine, (size_t)c.nmine, &o->fit);
            if (!o->fit.met) continue;
            o->fit.has_dist = !c.needs[i].remote && c.needs[i].has_pos && c.has_vol;
            if (o->fit.has_dist)
                o->fit.dist_m = hy_geo_distance_m(c.vol.lat, c.vol.lon, c.needs[i].lat, c.needs[i].lon);
        }
        m++;
    }
    if (ranked) qsort(order, (size_t)m, sizeof *order, ranked_cmp);
    json_t *a = json_array();
    for (int i = 0; i < m; i++) {
        json_t *o = need_json(&c.needs[order[i].i], c.k, c.nk);
        if (ranked) {
            json_object_set_new(o, "match", json_pack("{s:i,s:i,s:o}", "skills_met", order[i].fit.met,
                                                      "level_sum", order[i].fit.level_sum, "distance_km",
                                                      order[i].fit.has_dist
                                                          ? json_real((double)(long)(order[i].fit.dist_m / 100.0) / 10.0)
                                                          : json_null()));
        }
        json_array_append_new(a, o);
    }
    return hy_reply_json(req, 200, json_pack("{s:o}", "needs", a));
}

hy_result hy_api_list_needs(hy_req *req) { return list_needs(req, false); }
hy_result hy_api_list_needs_for_me(hy_req *req) { return list_needs(req, true); }

/* ---- candidates ---- */

struct cand_ctx {
    struct need_ctx need;
    struct hy_candidate_row *rows;
    int n;
    struct hy_offer *offers;
    int n_offers;
};

static int candidates_tx(hy_store *s, void *ctx) {
    struct cand_ctx *c = ctx;
    int r = need_load(s, &c->need, c->need.req->args[0]);
    if (r <= 0) return r;
    if (!c->need.org.staff && !is_coordinator(c->need.req->who)) return HY_DB_NONE;
    c->n = s->ops->skills->need_candidates(s, c->need.n.id, c->need.req->arena, &c->rows);
    if (c->n < 0) return c->n;
    c->n_offers = s->ops->skills->offers_of_need(s, c->need.n.id, c->need.req->arena, &c->offers);
    return c->n_offers < 0 ? c->n_offers : HY_DB_ONE;
}

static const char *offer_status_of(const struct hy_offer *f, int n, const char *user_id) {
    for (int i = 0; i < n; i++)
        if (!strcmp(f[i].user_id, user_id)) return f[i].status;
    return NULL;
}

hy_result hy_api_list_need_candidates(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return not_found(req, "No such need.");
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: list need candidates (the caller)", 0);
    struct cand_ctx c = {.need = {.req = req}};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, candidates_tx, &c);
    if (r == HY_DB_ABORT) return not_found(req, "No such need.");
    if (r == HY_DB_NONE)
        return hy_reply_error(req, HY_E_FORBIDDEN, "Only the organisation's staff and coordinators see candidates.", NULL);
    if (r < 0) return hy_reply_store_failed(req, "skills: list need candidates", r);
    /* The rows come grouped by volunteer: one ranked entry each. */
    struct ranked *order = hy_arena_zalloc(req->arena, ((size_t)c.n + 1) * sizeof *order);
    struct hy_skill_level *have = hy_arena_zalloc(req->arena, ((size_t)c.n + 1) * sizeof *have);
    if (!order || !have) return hy_reply_store_failed(req, "skills: list need candidates", 0);
    const struct hy_need *n = &c.need.n;
    int m = 0;
    for (int i = 0; i < c.n;) {
        int j = i;
        while (j < c.n && !strcmp(c.rows[j].user_id, c.rows[i].user_id)) {
            have[j].skill = c.rows[j].skill;
            have[j].level = c.rows[j].level;
            j++;
        }
        struct ranked *o = &order[m];
        o->i = i;
        o->id = c.rows[i].user_id;
        hy_skill_fit(c.need.k, (size_t)c.need.got_k, have + i, (size_t)(j - i), &o->fit);
        o->fit.has_dist = !n->remote && n->has_pos && c.rows[i].has_pos;
        if (o->fit.has_dist)
            o->fit.dist_m = hy_geo_distance_m(n->lat, n->lon, c.rows[i].lat, c.rows[i].lon);
        if (o->fit.met) m++;
        i = j;
    }
    qsort(order, (size_t)m, sizeof *order, ranked_cmp);
    json_t *a = json_array();
    for (int x = 0; x < m && x < CANDIDATES_SHOWN; x++) {
        const struct hy_candidate_row *row = &c.rows[order[x].i];
        json_t *sk = json_array();
        for (int j = order[x].i; j < c.n && !strcmp(c.rows[j].user_id, row->user_id); j++)
            json_array_append_new(sk, json_pack("{s:s,s:s}", "skill", c.rows[j].skill, "level",
                                                hy_skill_level_name(c.rows[j].level)));
        double rlat = 0, rlon = 0;
        if (row->has_pos) hy_geo_round(row->lat, row->lon, AREA_CELL_M, &rlat, &rlon);
        const char *st = offer_status_of(c.offers, c.n_offers, row->user_id);
        json_array_append_new(
            a, json_pack("{s:s,s:s,s:o,s:i,s:i,s:o,s:o,s:o,s:o}", "user_id", row->user_id, "name",
                         row->name ? row->name : "", "skills", sk, "skills_met", order[x].fit.met,
                         "level_sum", order[x].fit.level_sum, "distance_km",
                         order[x].fit.has_dist
                             ? json_real((double)(long)(order[x].fit.dist_m / 100.0) / 10.0)
                             : json_null(),
                         "lat", pos_or_null(row->has_pos, rlat), "lon", pos_or_null(row->has_pos, rlon),
                         "offer", st ? json_string(st) : json_null()));
    }
    return hy_reply_json(req, 200, json_pack("{s:s,s:o}", "need_id", n->id, "candidates", a));
}

/* ---- offers ---- */

struct offer_ctx {
    struct need_ctx need;
    const char *user_id;
    const char *to; /* accepted or declined */
    struct hy_offer f;
    struct hy_offer *list;
    int n;
    bool full, not_open, ended, taken, wrong_state, forbidden;
};

static int offer_make_tx(hy_store *s, void *ctx) {
    struct offer_ctx *c = ctx;
    hy_req *req = c->need.req;
    int r = need_load(s, &c->need, req->args[0]);
    if (r <= 0) return r;
    if (strcmp(c->need.n.status, "open") != 0 || strcmp(c->need.org.o.status, "verified") != 0) {
        c->not_open = true;
        return HY_DB_ABORT;
    }
    if (hy_need_ended(c->need.n.ends_on, hy_clock_now())) {
        c->ended = true;
        return HY_DB_ABORT;
    }
    if ((r = s->ops->skills->offer_insert(s, c->need.n.id, req->who->user_id, hy_clock_now())) < 0)
        return r;
    if (r == HY_DB_NONE) {
        c->taken = true;
        return HY_DB_ABORT;
    }
    return hy_audit(s, req->who->user_id, "need_offer_made", c->need.n.id, "");
}

hy_result hy_api_offer_help(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return not_found(req, "No such need.");
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: offer help (the caller)", 0);
    struct offer_ctx c = {.need = {.req = req}};
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, offer_make_tx, &c);
    if (r == HY_DB_ABORT && c.not_open)
        return hy_reply_error(req, HY_E_CONFLICT, "This need is not taking offers.", NULL);
    if (r == HY_DB_ABORT && c.ended)
        return hy_reply_error(req, HY_E_CONFLICT, "This need has ended: its last day is over.", NULL);
    if (r == HY_DB_ABORT && c.taken)
        return hy_reply_error(req, HY_E_CONFLICT, "You have offered to help with this need already.", NULL);
    if (r == HY_DB_ABORT) return not_found(req, "No such need.");
    if (r < 0) return hy_reply_store_failed(req, "skills: offer help", r);
    return hy_reply_json(req, 201, json_pack("{s:s,s:s,s:s}", "need_id", c.need.n.id, "user_id",
                                             req->who->user_id, "status", "offered"));
}

static int offers_tx(hy_store *s, void *ctx) {
    struct offer_ctx *c = ctx;
    int r = need_load(s, &c->need, c->need.req->args[0]);
    if (r <= 0) return r;
    if (!c->need.org.staff && !is_coordinator(c->need.req->who)) return HY_DB_NONE;
    c->n = s->ops->skills->offers_of_need(s, c->need.n.id, c->need.req->arena, &c->list);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

static json_t *offer_json(const struct hy_offer *f, bool contact) {
    json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:o}", "need_id", f->need_id, "user_id", f->user_id,
                          "status", f->status, "created_at", (json_int_t)f->created_at,
                          "decided_at", f->decided_at ? json_integer(f->decided_at) : json_null());
    json_object_set_new(o, "contact", contact ? contact_json(f) : json_null());
    return o;
}

hy_result hy_api_list_need_offers(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return not_found(req, "No such need.");
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: list need offers (the caller)", 0);
    struct offer_ctx c = {.need = {.req = req}};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, offers_tx, &c);
    if (r == HY_DB_ABORT) return not_found(req, "No such need.");
    if (r == HY_DB_NONE)
        return hy_reply_error(req, HY_E_FORBIDDEN, "Only the organisation's staff and coordinators see offers.", NULL);
    if (r < 0) return hy_reply_store_failed(req, "skills: list need offers", r);
    json_t *a = json_array();
    for (int i = 0; i < c.n; i++) {
        json_t *o = offer_json(&c.list[i], !strcmp(c.list[i].status, "accepted"));
        json_object_set_new(o, "name", json_string(c.list[i].name ? c.list[i].name : ""));
        json_array_append_new(a, o);
    }
    return hy_reply_json(req, 200, json_pack("{s:s,s:i,s:i,s:s,s:o}", "need_id", c.need.n.id, "people",
                                             c.need.n.people, "accepted", c.need.n.accepted, "status",
                                             c.need.n.status, "offers", a));
}

static int offer_decide_tx(hy_store *s, void *ctx) {
    struct offer_ctx *c = ctx;
    hy_req *req = c->need.req;
    c->full = c->wrong_state = c->forbidden = false;
    int r = need_load(s, &c->need, req->args[0]);
    if (r <= 0) return r;
    if (!c->need.org.staff) {
        c->forbidden = true;
        return HY_DB_ABORT;
    }
    bool accept = !strcmp(c->to, "accepted");
    if (accept && (r = s->ops->skills->need_take(s, c->need.n.id)) <= 0) {
        if (r < 0) return r;
        c->full = true;
        return HY_DB_ABORT;
    }
    int64_t now = hy_clock_now();
    if ((r = s->ops->skills->offer_decide(s, c->need.n.id, c->user_id, c->to, now)) <= 0) {
        if (r < 0) return r;
        c->wrong_state = true;
        return HY_DB_ABORT; /* rolls the count back too */
    }
    if ((r = hy_audit(s, req->who->user_id, accept ? "need_offer_accepted" : "need_offer_declined",
                      c->need.n.id, c->user_id)) < 0)
        return r;
    if ((r = s->ops->skills->offer_get(s, c->need.n.id, c->user_id, req->arena, &c->f)) <= 0)
        return r < 0 ? r : HY_DB_HARD;
    return s->ops->skills->need_get(s, c->need.n.id, req->arena, &c->need.n);
}

static hy_result decide(hy_req *req, const char *to) {
    if (!hy_id_valid(req->args[0])) return not_found(req, "No such need.");
    if (!hy_id_valid(req->args[1])) return not_found(req, "No such offer.");
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: decide on an offer (the caller)", 0);
    struct offer_ctx c = {.need = {.req = req}, .user_id = req->args[1], .to = to};
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, offer_decide_tx, &c);
    if (r == HY_DB_ABORT && c.forbidden)
        return hy_reply_error(req, HY_E_FORBIDDEN, "Only the organisation's staff decide on offers.", NULL);
    if (r == HY_DB_ABORT && c.full)
        return hy_reply_error(req, HY_E_CONFLICT, "This need has all the people it asked for, or is closed.", NULL);
    if (r == HY_DB_ABORT && c.wrong_state)
        return hy_reply_error(req, HY_E_CONFLICT, "There is no waiting offer from this volunteer.", NULL);
    if (r == HY_DB_ABORT) return not_found(req, "No such need.");
    if (r < 0) return hy_reply_store_failed(req, "skills: decide on an offer", r);
    json_t *o = offer_json(&c.f, !strcmp(to, "accepted"));
    json_object_set_new(o, "need", json_pack("{s:i,s:i,s:s}", "people", c.need.n.people, "accepted",
                                             c.need.n.accepted, "status", c.need.n.status));
    return hy_reply_json(req, 200, o);
}

hy_result hy_api_accept_offer(hy_req *req) { return decide(req, "accepted"); }
hy_result hy_api_decline_offer(hy_req *req) { return decide(req, "declined"); }

static int my_offers_tx(hy_store *s, void *ctx) {
    struct offer_ctx *c = ctx;
    c->n = s->ops->skills->offers_of_user(s, c->need.req->who->user_id, c->need.req->arena, &c->list);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

hy_result hy_api_list_my_offers(hy_req *req) {
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: list my offers (the caller)", 0);
    struct offer_ctx c = {.need = {.req = req}};
    int r = hy_db_run(req->srv->db, HY_TX_READ, my_offers_tx, &c);
    if (r < 0) return hy_reply_store_failed(req, "skills: list my offers", r);
    json_t *a = json_array();
    for (int i = 0; i < c.n; i++) {
        bool accepted = !strcmp(c.list[i].status, "accepted");
        json_t *o = offer_json(&c.list[i], accepted);
        json_object_set_new(o, "title", json_string(c.list[i].title ? c.list[i].title : ""));
        json_object_set_new(o, "org_name", json_string(c.list[i].org_name ? c.list[i].org_name : ""));
        json_object_set_new(o, "org_contact",
                            json_string(c.list[i].org_contact ? c.list[i].org_contact : ""));
        json_array_append_new(a, o);
    }
    return hy_reply_json(req, 200, json_pack("{s:o}", "offers", a));
}

/* ---- closing and reopening a need ---- */

static const char *const need_moves[] = {"open", "closed", NULL};

struct status_ctx {
    struct need_ctx need;
    const char *to;
    bool forbidden, refused;
};

static int need_status_tx(hy_store *s, void *ctx) {
    struct status_ctx *c = ctx;
    hy_req *req = c->need.req;
    int r = need_load(s, &c->need, req->args[0]);
    if (r <= 0) return r;
    if (!c->need.org.staff) {
        c->forbidden = true;
        return HY_DB_ABORT;
    }
    if (!strcmp(c->need.n.status, c->to)) return HY_DB_ONE;
    if ((r = s->ops->skills->need_set_status(s, c->need.n.id, c->to)) <= 0) {
        c->refused = r == HY_DB_NONE; /* reopening a need that is full */
        return r < 0 ? r : HY_DB_ABORT;
    }
    if ((r = hy_audit(s, req->who->user_id, !strcmp(c->to, "closed") ? "need_closed" : "need_reopened",
                      c->need.n.id, "")) < 0)
        return r;
    return s->ops->skills->need_get(s, c->need.n.id, req->arena, &c->need.n);
}

hy_result hy_api_set_need_status(hy_req *req) {
    struct status_ctx c = {.need = {.req = req}};
    struct hy_field spec[] = {HY_F_ENUM("status", HY_REQUIRED, need_moves, &c.to), HY_F_END};
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!hy_id_valid(req->args[0])) return not_found(req, "No such need.");
    if (!hy_req_principal(req)) return hy_reply_store_failed(req, "skills: set need status (the caller)", 0);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, need_status_tx, &c);
    if (r == HY_DB_ABORT && c.forbidden)
        return hy_reply_error(req, HY_E_FORBIDDEN, "Only the organisation's staff close or reopen its needs.", NULL);
    if (r == HY_DB_ABORT && c.refused)
        return hy_reply_error(req, HY_E_CONFLICT, "This need has all the people it asked for.", "status");
    if (r == HY_DB_ABORT) return not_found(req, "No such need.");
    if (r < 0) return hy_reply_store_failed(req, "skills: set need status", r);
    return hy_reply_json(req, 200, need_json(&c.need.n, c.need.k, c.need.got_k));
}
