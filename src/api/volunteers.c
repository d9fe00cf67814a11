/* volunteers.c — signing up to volunteer, and coordinators vetting volunteers.
 *
 *   POST /api/v1/volunteers               sign-up, no account needed (JSON or a form post)
 *   POST /api/v1/members                  a member of the public signs up to take part
 *                                         (ideas, votes, comments): active at once, sees
 *                                         nothing volunteers or staff see
 *   GET  /api/v1/volunteers               coordinators: the list to vet, ?status=&page=
 *   POST /api/v1/volunteers/{id}/approve  coordinators: pending/suspended → approved, and the
 *                                         volunteer is told by a text message
 *   POST /api/v1/volunteers/{id}/suspend  coordinators: → suspended, sessions ended
 *
 * A volunteer's home area is stored rounded to about 500 m. Role, status and owner cannot be
 * set through sign-up: the spec refuses every field it does not name. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/phone.h"
#include "http/parse.h"
#include "http/session.h"
#include "store/audit.h"
#include "util/clock.h"

#define HY_AREA_CELL_M 500.0

static const char *const language_list[] = {"fa", "en", NULL};

struct signup {
    hy_req *req;
    struct hy_user user;
    struct hy_volunteer vol;
    bool member;          /* no volunteer profile; consent recorded in the audit entry */
    const char *password; /* to hash, or NULL */
    int hashed;           /* hy_password_hash()'s result */
    char hash[HY_HASH_STR_MAX];
};

static int signup_tx(hy_store *s, void *ctx) {
    struct signup *c = ctx;
    int r = s->ops->user_insert(s, &c->user, c->member ? NULL : &c->vol);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    /* A member has no profile to hold the consent: the entry names the notice agreed to. */
    return hy_audit(s, hy_req_actor(c->req), c->member ? "member_signed_up" : "volunteer_signed_up",
                    c->user.id, c->member ? "privacy " HY_PRIVACY_VERSION : "");
}

/* On an offload thread (hy_req_offload). */
static void signup_hash_work(void *ctx) {
    struct signup *c = ctx;
    c->hashed = hy_password_hash(c->password, c->hash);
}

/* Stores the new account (on a server thread, once the password, if any, is hashed). */
static hy_result signup_store(hy_req *req, void *ctx) {
    struct signup *c = ctx;
    if (c->password && c->hashed < 0)
        return hy_reply_error(req, HY_E_BUSY, "The server is busy; try again.", NULL);
    c->user.password_hash = c->password ? c->hash : NULL;
    /* Inserts only (a taken phone or e-mail is refused by the unique constraints). */
    int r = hy_db_run(req->srv->db, HY_TX_INSERT, signup_tx, c);
    if (r == HY_DB_ABORT)
        return hy_reply_error(req, HY_E_CONFLICT,
                              "An account with this phone number or e-mail already exists. Sign "
                              "in, or reset your password.",
                              NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 201, json_pack("{s:s,s:s}", "id", c->user.id, "status", c->user.status));
}

/* What every sign-up checks and fills the same way: consent, phone, e-mail, password rules
 * and the per-address rate limit. Fills c (from the arena) and returns it, or NULL with
 * *ret set to the error answer. */
static struct signup *signup_start(hy_req *req, bool consent, const char *phone_raw,
                                   const char *email, const char *password, const char *role,
                                   hy_result *ret) {
    if (!consent) {
        *ret = hy_reply_error(req, HY_E_INVALID_FIELD,
                              "Agreeing to the privacy notice is required to sign up.", "consent");
        return NULL;
    }
    char phone[HY_PHONE_MAX];
    if (phone_raw && !hy_phone_normalise(phone_raw, req->srv->cfg->calling_code, phone)) {
        *ret = hy_reply_error(req, HY_E_INVALID_FIELD, "This is not a phone number we can use.", "phone");
        return NULL;
    }
    char *email_l = NULL;
    if (email && *email) {
        email_l = hy_arena_strdup(req->arena, email);
        for (char *p = email_l; p && *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        if (!email_l || !hy_email_valid(email_l)) {
            *ret = hy_reply_error(req, HY_E_INVALID_FIELD, "This is not an e-mail address we can use.", "email");
            return NULL;
        }
    }
    if (password && *password && !hy_api_password_ok(req, password, "password", ret)) return NULL;
    char key[96];
    snprintf(key, sizeof key, "signup:ip:%s", hy_req_client_ip(req));
    if (!hy_rate_allow(req, key, req->srv->cfg->rate_form_ip, 3600, ret)) return NULL;

    struct signup *c = hy_arena_zalloc(req->arena, sizeof *c);
    if (!c || (phone_raw && !(c->user.phone = hy_arena_strdup(req->arena, phone)))) {
        *ret = hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
        return NULL;
    }
    c->req = req;
    int64_t now = hy_clock_now();
    hy_id_new(c->user.id);
    c->user.email = email_l;
    c->user.role = role;
    c->user.created_at = c->user.updated_at = now;
    if (password && *password) c->password = password;
    return c;
}

/* Stores the account, hashing its password first (off the server's threads) when it has one. */
static hy_result signup_finish(hy_req *req, struct signup *c) {
    if (!c->password) return signup_store(req, c);
    return hy_req_offload(req, signup_hash_work, signup_store, c);
}

hy_result hy_api_sign_up_volunteer(hy_req *req) {
    const char *name, *phone_raw, *email = NULL, *password = NULL, *availability = "",
                                  *language = "fa";
    double lat = 0, lon = 0, radius = 5;
    bool has_lat = false, has_lon = false, consent = false;
    struct hy_strings skills = {0}, langs = {0};
    struct hy_field spec[] = {
        HY_F_STR("name", HY_REQUIRED, 1, 100, &name),
        HY_F_STR("phone", HY_REQUIRED, 5, 40, &phone_raw),
        HY_F_STR("email", HY_OPTIONAL, 3, 254, &email),
        HY_F_STR("password", HY_OPTIONAL, 1, 1000, &password),
        {"lat", HY_FT_NUMBER, 0, -90, 90, &lat, NULL, 0, &has_lat},
        {"lon", HY_FT_NUMBER, 0, -180, 180, &lon, NULL, 0, &has_lon},
        HY_F_NUM("radius_km", HY_OPTIONAL, 0.5, 100, &radius),
        HY_F_STRS("skills", HY_OPTIONAL, 20, 40, NULL, &skills),
        HY_F_STRS("languages", HY_OPTIONAL, 10, 35, NULL, &langs),
        HY_F_STR("availability", HY_OPTIONAL | HY_MULTILINE, 0, 500, &availability),
        HY_F_ENUM("language", HY_OPTIONAL, language_list, &language),
        HY_F_BOOL("consent", HY_REQUIRED, &consent),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (consent && has_lat != has_lon)
        return hy_reply_error(req, HY_E_MISSING_FIELD, "Give both lat and lon, or neither.",
                              has_lat ? "lon" : "lat");
    struct signup *c = signup_start(req, consent, phone_raw, email, password, "volunteer", &res);
    if (!c) return res;
    c->user.name = name;
    c->user.status = "pending";
    c->user.language = language;
    memcpy(c->vol.user_id, c->user.id, sizeof c->vol.user_id);
    if (has_lat) {
        c->vol.has_area = true;
        hy_geo_round(lat, lon, HY_AREA_CELL_M, &c->vol.lat, &c->vol.lon);
    }
    c->vol.radius_km = radius;
    char *sk = hy_api_strings_json(&skills), *lg = hy_api_strings_json(&langs);
    c->vol.skills = sk ? hy_arena_strdup(req->arena, sk) : NULL;
    c->vol.languages = lg ? hy_arena_strdup(req->arena, lg) : NULL;
    free(sk);
    free(lg);
    if (!c->vol.skills || !c->vol.languages) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    c->vol.availability = availability;
    c->vol.consent_at = c->user.created_at;
    c->vol.consent_version = HY_PRIVACY_VERSION;
    return signup_finish(req, c);
}

hy_result hy_api_sign_up_member(hy_req *req) {
    const char *name, *phone_raw = NULL, *email = NULL, *password, *language = "fa";
    bool consent = false;
    struct hy_field spec[] = {
        HY_F_STR("name", HY_REQUIRED, 1, 100, &name),
        HY_F_STR("phone", HY_OPTIONAL, 5, 40, &phone_raw),
        HY_F_STR("email", HY_OPTIONAL, 3, 254, &email),
        HY_F_STR("password", HY_REQUIRED, 1, 1000, &password),
        HY_F_ENUM("language", HY_OPTIONAL, language_list, &language),
        HY_F_BOOL("consent", HY_REQUIRED, &consent),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (phone_raw && !*phone_raw) phone_raw = NULL;
    if (consent && !phone_raw && !(email && *email))
        return hy_reply_error(req, HY_E_MISSING_FIELD,
                              "Give a phone number or an e-mail address to sign in with.", "email");
    struct signup *c = signup_start(req, consent, phone_raw, email, password, "member", &res);
    if (!c) return res;
    c->member = true;
    c->user.name = name;
    c->user.status = "approved"; /* a member takes part at once; there is nothing to vet */
    c->user.language = language;
    return signup_finish(req, c);
}

/* ---- the vetting list ---- */

static const char *const statuses[] = {"pending", "approved", "suspended", NULL};

struct list_ctx {
    hy_req *req;
    struct hy_user_filter f;
    struct hy_user *users;
    struct hy_volunteer *vols;
    bool *has_vol;
    size_t total;
    int n;
};

static int list_tx(hy_store *s, void *ctx) {
    struct list_ctx *c = ctx;
    c->n = s->ops->user_list(s, &c->f, c->req->arena, &c->users, &c->total);
    if (c->n < 0) return c->n;
    c->vols = hy_arena_zalloc(c->req->arena, ((size_t)c->n + 1) * sizeof *c->vols);
    c->has_vol = hy_arena_zalloc(c->req->arena, ((size_t)c->n + 1) * sizeof *c->has_vol);
    if (!c->vols || !c->has_vol) return HY_DB_HARD;
    for (int i = 0; i < c->n; i++) {
        int r = s->ops->volunteer_get(s, c->users[i].id, c->req->arena, &c->vols[i]);
        if (r < 0) return r;
        c->has_vol[i] = r == HY_DB_ONE;
    }
    return HY_DB_ONE;
}

hy_result hy_api_list_volunteers(hy_req *req) {
    struct list_ctx c = {.req = req};
    const char *status = hy_req_query(req, "status");
    const char *page_s = hy_req_query(req, "page");
    const char *per_s = hy_req_query(req, "per_page");
    if (status) {
        bool ok = false;
        for (int i = 0; statuses[i]; i++) ok |= !strcmp(status, statuses[i]);
        if (!ok) return hy_reply_error(req, HY_E_INVALID_QUERY, "status must be pending, approved or suspended.", "status");
    }
    long page = 1, per = 50;
    char *end;
    if (page_s && ((page = strtol(page_s, &end, 10)) < 1 || *end || page > 100000))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "page must be a whole number from 1.", "page");
    if (per_s && ((per = strtol(per_s, &end, 10)) < 1 || *end || per > 200))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "per_page must be from 1 to 200.", "per_page");
    c.f.role = "volunteer";
    c.f.status = status;
    c.f.limit = (size_t)per;
    c.f.offset = (size_t)(page - 1) * (size_t)per;
    int r = hy_db_run(req->srv->db, HY_TX_READ, list_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *items = json_array();
    for (int i = 0; i < c.n; i++) {
        json_t *u = hy_user_json(&c.users[i], true);
        if (c.has_vol[i]) json_object_set_new(u, "volunteer", hy_volunteer_json(&c.vols[i]));
        json_array_append_new(items, u);
    }
    return hy_reply_json(req, 200, json_pack("{s:o,s:I,s:i,s:i}", "volunteers", items, "total",
                                             (json_int_t)c.total, "page", (int)page, "per_page", (int)per));
}

/* ---- approve / suspend ---- */

struct vet_ctx {
    hy_req *req;
    const char *id;
    const char *to;
    struct hy_user user;
    bool wrong_state;
};

static int vet_tx(hy_store *s, void *ctx) {
    struct vet_ctx *c = ctx;
    int r = s->ops->user_get(s, c->id, c->req->arena, &c->user);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (strcmp(c->user.role, "volunteer") != 0) return HY_DB_ABORT;
    bool approve = !strcmp(c->to, "approved");
    if (!strcmp(c->user.status, c->to)) return HY_DB_ONE; /* already so: nothing to do */
    if ((r = s->ops->user_set_status(s, c->id, c->to, hy_clock_now())) <= 0)
        return r < 0 ? r : HY_DB_ABORT;
    if (!approve && (r = s->ops->session_delete_user(s, c->id)) < 0) return r;
    if (!approve && (r = hy_revoke_user_tokens(s, hy_req_actor(c->req), c->id)) < 0) return r;
    if ((r = hy_audit(s, hy_req_actor(c->req), approve ? "volunteer_approved" : "volunteer_suspended", c->id,
                      c->user.status)) < 0)
        return r;
    if (approve && (c->user.phone || c->user.email)) {
        /* The volunteer hears of it in the same transaction: no approval without its message. */
        json_t *payload = json_pack("{s:s}", "name", c->user.name ? c->user.name : "");
        char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
        json_decref(payload);
        if (!text) return HY_DB_HARD;
        struct hy_outbox_message m = {
            .created_at = hy_clock_now(),
            .recipient = c->user.phone ? c->user.phone : c->user.email,
            .channel = c->user.phone ? "sms" : "email",
            .language = c->user.language,
            .template_name = "volunteer_approved",
            .payload = text,
        };
        r = s->ops->outbox_insert(s, &m);
        free(text);
        if (r < 0) return r;
    }
    c->user.status = c->to;
    return HY_DB_ONE;
}

static hy_result vet(hy_req *req, const char *to) {
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such volunteer.", NULL);
    struct vet_ctx c = {.req = req, .id = req->args[0], .to = to};
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, vet_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such volunteer.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, json_pack("{s:s,s:s}", "id", c.user.id, "status", c.user.status));
}

hy_result hy_api_approve_volunteer(hy_req *req) { return vet(req, "approved"); }
hy_result hy_api_suspend_volunteer(hy_req *req) { return vet(req, "suspended"); }
