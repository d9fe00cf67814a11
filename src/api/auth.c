/* auth.c — signing in and out, who am I, password reset.
 *
 *   POST /api/v1/auth/login          {"login": e-mail or phone, "password"}
 *   POST /api/v1/auth/logout
 *   GET  /api/v1/me                  the caller's account
 *   PATCH /api/v1/me                 {"name", "language", "password", "current_password"}
 *   POST /api/v1/auth/reset          {"login"}: sends a one-time code by the notification channel
 *   POST /api/v1/auth/reset/confirm  {"login", "code", "password"}
 *
 * A wrong login and a wrong password get the same answer in the same time. Sign-in attempts
 * are limited per address, and failures per (account, address) pair slow that pair down with a
 * growing delay — never the account for everyone. The counters are in the store, so the limits
 * hold across processes. */
#include <errno.h>
#include <stdlib.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/pages.h"
#include "domain/auth.h"
#include "domain/phone.h"
#include "http/parse.h"
#include "http/session.h"
#include "store/audit.h"
#include "store/rate.h"
#include "util/clock.h"

/* Turns what a person typed as their login into the stored form: a lowercased e-mail or an
 * E.164 phone. Returns NULL when it can be neither. */
const char *hy_login_normalise(hy_req *req, const char *login) {
    if (strchr(login, '@')) {
        char *e = hy_arena_strdup(req->arena, login);
        if (!e) return NULL;
        for (char *p = e; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        return hy_email_valid(e) ? e : NULL;
    }
    char phone[HY_PHONE_MAX];
    if (!hy_phone_normalise(login, req->srv->cfg->calling_code, phone)) return NULL;
    return hy_arena_strdup(req->arena, phone);
}

json_t *hy_user_json(const struct hy_user *u, bool with_contact) {
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "id", u->id, "name", u->name, "role",
                          u->role, "status", u->status, "language", u->language, "created_at",
                          (json_int_t)u->created_at);
    if (j && u->demo) json_object_set_new(j, "demo", json_true());
    if (j && with_contact) {
        json_object_set_new(j, "email", u->email ? json_string(u->email) : json_null());
        json_object_set_new(j, "phone", u->phone ? json_string(u->phone) : json_null());
    }
    return j;
}

/* ---- login ---- */

#define LOGIN_FORGET 86400 /* failures a day old no longer slow a pair down */

struct login_ctx {
    hy_req *req;
    const char *login, *password;
    const char *pair_key; /* the (account, address) delay's key, or NULL */
    struct hy_user user;
    bool found;
    int verified;
    const char *csrf;
};

static int login_read(hy_store *s, void *ctx) {
    struct login_ctx *c = ctx;
    int r = s->ops->user_by_login(s, c->login, c->req->arena, &c->user);
    if (r < 0) return r;
    c->found = r == HY_DB_ONE;
    return HY_DB_ONE;
}

static int login_finish(hy_store *s, void *ctx) {
    struct login_ctx *c = ctx;
    if (c->verified == 1) {
        int r = hy_session_start(c->req, s, c->user.id, &c->csrf);
        if (r < 0) return r;
        if (c->pair_key && (r = s->ops->rate_clear(s, c->pair_key)) < 0) return r;
        return hy_audit(s, hy_req_actor(c->req), "login", c->user.id, "");
    }
    return hy_audit(s, hy_req_actor(c->req), "login_failed", c->found ? c->user.id : NULL,
                    c->found && !strcmp(c->user.status, "suspended") ? "suspended" : "");
}

/* On an offload thread: the password check, slow on purpose. An unknown login, an account
 * without a password and a suspended one are checked against a dummy hash, in the same time. */
static void login_verify_work(void *ctx) {
    struct login_ctx *c = ctx;
    bool may_sign_in = c->found && c->user.password_hash && strcmp(c->user.status, "suspended");
    c->verified = hy_password_verify(may_sign_in ? c->user.password_hash : NULL, c->password);
}

/* Back on a server thread: records the outcome and answers. */
static hy_result login_answer(hy_req *req, void *ctx) {
    struct login_ctx *c = ctx;
    if (c->verified < 0) return hy_reply_error(req, HY_E_BUSY, "The server is busy; try again.", NULL);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, login_finish, c);
    if (r < 0) return hy_reply_store_error(req, r);
    if (c->verified != 1)
        return hy_reply_error(req, HY_E_UNAUTHORIZED, "The login or the password is wrong.", NULL);
    json_t *body = json_pack("{s:o,s:s}", "user", hy_user_json(&c->user, true), "csrf_token", c->csrf);
    req->no_compress = true; /* a secret in the body */
    return hy_reply_json(req, 200, body);
}

hy_result hy_api_log_in(hy_req *req) {
    const char *login_raw, *password;
    struct hy_field spec[] = {
        HY_F_STR("login", HY_REQUIRED, 1, 254, &login_raw),
        HY_F_STR("password", HY_REQUIRED, 1, HY_PASSWORD_MAX, &password),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    const struct hy_server_config *cfg = req->srv->cfg;
    const char *login = hy_login_normalise(req, login_raw);
    const char *ip = hy_req_client_ip(req);
    char key[128];
    snprintf(key, sizeof key, "login:ip:%s", ip);
    if (!hy_rate_allow(req, key, cfg->rate_login_ip, 3600, &res)) return res;
    struct login_ctx *c = hy_arena_zalloc(req->arena, sizeof *c);
    if (!c) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    c->req = req;
    c->login = login;
    c->password = password;
    if (login) {
        int r = hy_db_run(req->srv->db, HY_TX_READ, login_read, c);
        if (r < 0) return hy_reply_store_error(req, r);
        /* Failures count per (account, address): an account by its id, whichever of its
         * logins was typed; an unknown login by itself. Someone guessing from one address
         * slows down only there; the owner signs in from anywhere else. */
        c->pair_key = hy_arena_printf(req->arena, "login:pair:%s|%s", c->found ? c->user.id : login, ip);
        if (!c->pair_key) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
        struct hy_delay_rule rule = {cfg->login_delay_after, cfg->login_delay_max, LOGIN_FORGET};
        unsigned wait = 0;
        r = hy_rate_delay_try(req->srv->db, c->pair_key, &rule, &wait);
        if (r < 0) return hy_reply_store_error(req, r);
        if (wait) return hy_rate_reply(req, wait);
    }
    /* The hash runs off the server's threads and outside any transaction: it is slow on
     * purpose and must hold neither. */
    return hy_req_offload(req, login_verify_work, login_answer, c);
}

/* ---- logout ---- */

static int logout_tx(hy_store *s, void *ctx) {
    hy_req *req = ctx;
    int r = hy_session_end(req, s);
    if (r < 0) return r;
    if (r == HY_DB_ONE) return hy_audit(s, hy_req_actor(req), "logout", req->who->user_id, "");
    return HY_DB_ONE;
}

hy_result hy_api_log_out(hy_req *req) {
    hy_req_principal(req);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, logout_tx, req);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, json_pack("{s:b}", "signed_in", 0));
}

/* ---- me ---- */

struct me_ctx {
    hy_req *req;
    struct hy_user user;
    struct hy_volunteer vol;
    bool has_vol;
};

static int me_read(hy_store *s, void *ctx) {
    struct me_ctx *c = ctx;
    int r = s->ops->user_get(s, c->req->who->user_id, c->req->arena, &c->user);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    r = s->ops->volunteer_get(s, c->user.id, c->req->arena, &c->vol);
    if (r < 0) return r;
    c->has_vol = r == HY_DB_ONE;
    return HY_DB_ONE;
}

json_t *hy_volunteer_json(const struct hy_volunteer *v) {
    json_t *j = json_object();
    json_error_t e;
    json_t *skills = json_loads(v->skills ? v->skills : "[]", 0, &e);
    json_t *langs = json_loads(v->languages ? v->languages : "[]", 0, &e);
    json_object_set_new(j, "skills", skills ? skills : json_array());
    json_object_set_new(j, "languages", langs ? langs : json_array());
    json_object_set_new(j, "availability", json_string(v->availability ? v->availability : ""));
    json_object_set_new(j, "radius_km", json_real(v->radius_km));
    json_object_set_new(j, "consent_at", v->consent_at ? json_integer(v->consent_at) : json_null());
    json_object_set_new(j, "consent_version",
                        v->consent_version ? json_string(v->consent_version) : json_null());
    if (v->has_area) {
        json_object_set_new(j, "lat", json_real(v->lat));
        json_object_set_new(j, "lon", json_real(v->lon));
    }
    return j;
}

hy_result hy_api_get_me(hy_req *req) {
    struct me_ctx c = {.req = req};
    int r = hy_db_run(req->srv->db, HY_TX_READ, me_read, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_UNAUTHORIZED, NULL, NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *body = hy_user_json(&c.user, true);
    if (req->who->via_cookie && req->who->csrf)
        json_object_set_new(body, "csrf_token", json_string(req->who->csrf));
    req->no_compress = true; /* a secret in the body */
    if (c.has_vol) json_object_set_new(body, "volunteer", hy_volunteer_json(&c.vol));
    return hy_reply_json(req, 200, body);
}

/* ---- PATCH me ---- */

static const char *const language_list[] = {"fa", "en", NULL};

struct me_patch {
    hy_req *req;
    const char *name, *language, *password, *current;
    char hash[HY_HASH_STR_MAX];
    bool has_name, has_language, has_password;
    int verified, hashed; /* the offloaded checks' results */
    struct hy_user user;
};

static int me_patch_read(hy_store *s, void *ctx) {
    struct me_patch *p = ctx;
    int r = s->ops->user_get(s, p->req->who->user_id, p->req->arena, &p->user);
    return r == HY_DB_NONE ? HY_DB_ABORT : r;
}

static int me_patch_tx(hy_store *s, void *ctx) {
    struct me_patch *p = ctx;
    int64_t now = hy_clock_now();
    const char *id = p->req->who->user_id;
    int r;
    if (p->has_name || p->has_language) {
        r = s->ops->user_set_profile(s, id, p->has_name ? p->name : p->user.name,
                                     p->has_language ? p->language : p->user.language, now);
        if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    }
    if (p->has_password) {
        if ((r = s->ops->user_set_password(s, id, p->hash, now)) < 0) return r;
        /* Every session of this account ends; the caller gets a fresh one. */
        if ((r = s->ops->session_delete_user(s, id)) < 0) return r;
        char key[96];
        snprintf(key, sizeof key, "pw:acct:%s", id);
        if ((r = s->ops->rate_clear(s, key)) < 0) return r;
        const char *csrf;
        if ((r = hy_session_start(p->req, s, id, &csrf)) < 0) return r;
        p->req->who->csrf = csrf;
        if ((r = hy_audit(s, hy_req_actor(p->req), "password_changed", id, "")) < 0) return r;
    }
    return s->ops->user_get(s, id, p->req->arena, &p->user);
}

/* Stores the change and answers (on a server thread). */
static hy_result me_patch_store(hy_req *req, void *ctx) {
    struct me_patch *p = ctx;
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, me_patch_tx, p);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_UNAUTHORIZED, NULL, NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *body = hy_user_json(&p->user, true);
    if (req->who->via_cookie && req->who->csrf)
        json_object_set_new(body, "csrf_token", json_string(req->who->csrf));
    req->no_compress = true; /* a secret in the body */
    return hy_reply_json(req, 200, body);
}

/* On an offload thread: checks the current password and, when it is right and the new one
 * acceptable, hashes the new one. */
static void me_password_work(void *ctx) {
    struct me_patch *p = ctx;
    p->verified = hy_password_verify(p->user.password_hash, p->current);
    if (p->verified == 1 && hy_password_check(p->password) == HY_PW_OK)
        p->hashed = hy_password_hash(p->password, p->hash);
}

static hy_result me_password_answer(hy_req *req, void *ctx) {
    struct me_patch *p = ctx;
    hy_result res;
    if (p->verified < 0) return hy_reply_error(req, HY_E_BUSY, "The server is busy; try again.", NULL);
    if (p->verified == 0) return hy_reply_error(req, HY_E_FORBIDDEN, "The current password is wrong.", "current_password");
    if (!hy_api_password_ok(req, p->password, "password", &res)) return res;
    if (p->hashed < 0) return hy_reply_error(req, HY_E_BUSY, "The server is busy; try again.", NULL);
    return me_patch_store(req, p);
}

hy_result hy_api_update_me(hy_req *req) {
    struct me_patch *p = hy_arena_zalloc(req->arena, sizeof *p);
    if (!p) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    p->req = req;
    struct hy_field spec[] = {
        {"name", HY_FT_STRING, 0, 1, 100, &p->name, NULL, 0, &p->has_name},
        {"language", HY_FT_ENUM, 0, 0, 0, &p->language, language_list, 0, &p->has_language},
        {"password", HY_FT_STRING, 0, 1, 1000, &p->password, NULL, 0, &p->has_password},
        HY_F_STR("current_password", HY_OPTIONAL, 1, 1000, &p->current),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    int r = hy_db_run(req->srv->db, HY_TX_READ, me_patch_read, p);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_UNAUTHORIZED, NULL, NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    if (!p->has_password) return me_patch_store(req, p);
    if (!p->current)
        return hy_reply_error(req, HY_E_MISSING_FIELD, "Give your current password to set a new one.", "current_password");
    /* A password check like a sign-in: limited per address and per account before any hash. */
    const struct hy_server_config *cfg = req->srv->cfg;
    char key[128];
    snprintf(key, sizeof key, "login:ip:%s", hy_req_client_ip(req));
    if (!hy_rate_allow(req, key, cfg->rate_login_ip, 3600, &res)) return res;
    snprintf(key, sizeof key, "pw:acct:%s", p->user.id);
    if (!hy_rate_allow(req, key, cfg->rate_login_account, 3600, &res)) return res;
    return hy_req_offload(req, me_password_work, me_password_answer, p);
}

bool hy_api_password_ok(hy_req *req, const char *pw, const char *field, hy_result *ret) {
    switch (hy_password_check(pw)) {
    case HY_PW_OK: return true;
    case HY_PW_TOO_SHORT:
        *ret = hy_reply_error(req, HY_E_INVALID_FIELD, "The password must be at least 12 characters long.", field);
        return false;
    case HY_PW_TOO_LONG:
        *ret = hy_reply_error(req, HY_E_INVALID_FIELD, "The password must be at most 128 characters long.", field);
        return false;
    case HY_PW_COMMON:
        *ret = hy_reply_error(req, HY_E_INVALID_FIELD, "This password is too common; choose another.", field);
        return false;
    case HY_PW_BAD_TEXT: break;
    }
    *ret = hy_reply_error(req, HY_E_INVALID_FIELD, "The password has characters that are not allowed.", field);
    return false;
}

/* ---- password reset ----
 *
 * The secret is a short code (domain/auth.h: 8 characters, typeable from an SMS), hashed with
 * the account's id. Confirming needs the login with the code; every try counts against the
 * account ("reset:try:ID"), and the HY_RESET_TRIES-th wrong one voids the account's code, so a
 * guesser gets at most HY_RESET_TRIES tries per code, and as few per hour whatever they ask for.
 * A form post (a page without JavaScript) gets a page back instead of JSON. */

struct reset_ctx {
    hy_req *req;
    const char *login;
    bool form;
    int hashed;
    bool found; /* u is an account that may reset its password */
    struct hy_user u;
    char code[HY_RESET_CODE_LEN + 1];
    char hash[HY_TOKEN_HASH_LEN + 1];
};

/* The account a reset names; HY_DB_NONE when there is none or it is suspended. */
static int reset_find_tx(hy_store *s, void *ctx) {
    struct reset_ctx *c = ctx;
    int r = s->ops->user_by_login(s, c->login, c->req->arena, &c->u);
    if (r > 0 && !strcmp(c->u.status, "suspended")) return HY_DB_NONE;
    return r;
}

static int reset_request_tx(hy_store *s, void *ctx) {
    struct reset_ctx *c = ctx;
    const struct hy_user *u = &c->u;
    int64_t now = hy_clock_now();
    /* One valid code at a time: a new one voids the earlier ones and their undelivered
     * messages. */
    int r = s->ops->reset_revoke_user(s, u->id);
    if (r < 0) return r;
    if ((r = s->ops->reset_insert(s, c->hash, u->id, now + HY_RESET_TTL)) < 0) return r;
    /* Only what the message needs; the store erases it once the message is delivered. */
    json_t *payload = json_pack("{s:s,s:i}", "token", c->code, "valid_minutes", HY_RESET_TTL / 60);
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    if (!text) return HY_DB_HARD;
    struct hy_outbox_message m = {
        .created_at = now,
        .recipient = u->phone ? u->phone : u->email,
        .channel = u->phone ? "sms" : "email",
        .language = u->language,
        .template_name = "password_reset",
        .payload = text,
    };
    r = s->ops->outbox_insert(s, &m);
    free(text);
    if (r < 0) return r;
    return hy_audit(s, hy_req_actor(c->req), "password_reset_requested", u->id, "");
}

/* An account id no account has: an unknown login's code is hashed too, so that the answer takes
 * as long whether or not the account exists. */
static const char no_account[] = "00000000000000000000000000000000";

/* The language of a reset form post's page: its "lang" field, else Persian. */
static const char *reset_lang(hy_req *req) {
    json_t *l = req->json ? json_object_get(req->json, "lang") : NULL;
    return hy_page_lang(json_is_string(l) ? json_string_value(l) : NULL);
}

/* A problem with a reset form post: JSON, or a page saying what to do with a link back. */
static hy_result reset_problem(hy_req *req, bool form, const char *page, enum hy_error e,
                               const char *message, const char *field) {
    if (!form) return hy_reply_error(req, e, message, field);
    bool fa = strcmp(reset_lang(req), "en") != 0;
    const char *what;
    if (e == HY_E_RATE_LIMITED)
        what = fa ? "تلاش‌های زیادی انجام شده است. یک ساعت دیگر دوباره امتحان کنید."
                  : "Too many tries. Please try again in an hour.";
    else if (e == HY_E_GONE)
        what = fa ? "این کد درست نیست یا دیگر معتبر نیست. کد را دوباره بررسی کنید یا کد تازه‌ای بخواهید."
                  : "This code is wrong or no longer valid. Check it, or ask for a new code.";
    else if (field && !strcmp(field, "password"))
        what = fa ? "گذرواژهٔ تازه پذیرفته نشد: دست‌کم ۱۲ نویسه باشد و از گذرواژه‌های رایج نباشد."
                  : "The new password was not accepted: use at least 12 characters, not a common password.";
    else if (field && !strcmp(field, "code"))
        what = fa ? "کد ۸ نویسه از حروف و رقم‌های پیامک است." : "The code is the 8 letters and digits from the message.";
    else if (e == HY_E_STORE_UNAVAILABLE || e == HY_E_INTERNAL || e == HY_E_BUSY)
        what = fa ? "کار انجام نشد. چند دقیقهٔ دیگر دوباره امتحان کنید." : "That did not work. Please try again in a few minutes.";
    else
        what = fa ? "بخشی از فرم کامل یا درست نیست." : "Part of the form is missing or not valid.";
    char *body = hy_arena_printf(
        req->arena, "<div class=\"notice notice-warning\" role=\"alert\"><p>%s</p></div>\n"
                    "<p><a href=\"/%s%s\">%s</a></p>",
        what, page, fa ? "" : "?lang=en", fa ? "بازگشت به فرم" : "Back to the form");
    return hy_page_reply(req, hy_error_status(e), fa ? "fa" : "en",
                         fa ? "گذرواژه تغییر نکرد" : "Password not changed", body ? body : "");
}

/* Reads the fields; a form post's problem is a page (`page` the way back), else JSON. */
static bool reset_input(hy_req *req, bool form, const char *page, const struct hy_field *spec,
                        hy_result *ret) {
    if (!form) return hy_input_parse(req, spec, ret);
    if (!req->json) req->json = hy_form_parse(req->body.data ? req->body.data : "", req->body.len);
    struct hy_parse_error err = {0};
    if (!req->json) {
        *ret = reset_problem(req, true, page, HY_E_BAD_REQUEST, NULL, NULL);
        return false;
    }
    if (hy_fields_check(req->json, spec, true, req->arena, &err)) return true;
    *ret = reset_problem(req, true, page, err.code, err.message, err.field);
    return false;
}

/* One hit on a rate-limit key; over the limit, the answer (a page for a form post). */
static bool reset_rate(hy_req *req, bool form, const char *page, const char *key, unsigned limit,
                       unsigned window, hy_result *ret) {
    bool over = false;
    int st = hy_rate_count(req->srv->db, key, limit, window, &over);
    if (st < 0) {
        *ret = form ? reset_problem(req, true, page, HY_E_STORE_UNAVAILABLE, NULL, NULL)
                    : hy_reply_store_error(req, st);
        return false;
    }
    if (!over) return true;
    *ret = form ? reset_problem(req, true, page, HY_E_RATE_LIMITED, NULL, NULL)
                : hy_rate_reply(req, window);
    return false;
}

/* On an offload thread: a fresh code and its hash. */
static void reset_code_work(void *ctx) {
    struct reset_ctx *c = ctx;
    hy_reset_code_new(c->code);
    c->hashed = hy_reset_code_hash(c->found ? c->u.id : no_account, c->code, c->hash);
}

static hy_result reset_request_answer(hy_req *req, void *ctx) {
    struct reset_ctx *c = ctx;
    bool form = c->form;
    if (c->hashed < 0)
        return reset_problem(req, form, "forgot", HY_E_BUSY, "The server is busy; try again.", NULL);
    if (c->found) {
        int r = hy_db_run(req->srv->db, HY_TX_WRITE, reset_request_tx, c);
        if (r < 0) return form ? reset_problem(req, true, "forgot", HY_E_STORE_UNAVAILABLE, NULL, NULL)
                               : hy_reply_store_error(req, r);
    }
    /* The same answer whether or not the account exists. */
    if (form) {
        bool fa = strcmp(reset_lang(req), "en") != 0;
        char *body = hy_arena_printf(
            req->arena,
            "<div class=\"notice\" role=\"status\"><p>%s</p></div>\n"
            "<p><a class=\"button\" href=\"/reset%s\">%s</a></p>",
            fa ? "اگر این شماره یا ایمیل حساب همیاری داشته باشد، کدی ۸ نویسه‌ای برایش فرستاده شد "
                 "که یک ساعت معتبر است."
               : "If this number or e-mail has a Hamyari account, an 8-character code valid for "
                 "one hour has been sent to it.",
            fa ? "" : "?lang=en", fa ? "وارد کردن کد و گذرواژهٔ تازه" : "Enter the code and a new password");
        return hy_page_reply(req, 202, fa ? "fa" : "en", fa ? "کد فرستاده شد" : "Code sent",
                             body ? body : "");
    }
    return hy_reply_json(req, 202, json_pack("{s:s}", "status", "sent_if_registered"));
}

hy_result hy_api_ask_password_reset(hy_req *req) {
    const char *login_raw, *lang;
    bool form = hy_req_is_form(req);
    struct hy_field spec[] = {HY_F_STR("login", HY_REQUIRED, 1, 254, &login_raw),
                              HY_F_STR("lang", 0, 2, 2, &lang), HY_F_END};
    hy_result res;
    if (!reset_input(req, form, "forgot", spec, &res)) return res;
    char key[128];
    snprintf(key, sizeof key, "reset:ip:%s", hy_req_client_ip(req));
    if (!reset_rate(req, form, "forgot", key, req->srv->cfg->rate_form_ip, 3600, &res)) return res;
    struct reset_ctx *c = hy_arena_zalloc(req->arena, sizeof *c);
    if (!c) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    c->req = req;
    c->form = form;
    c->login = hy_login_normalise(req, login_raw);
    if (c->login) {
        snprintf(key, sizeof key, "reset:acct:%s", c->login);
        if (!reset_rate(req, form, "forgot", key, 5, 3600, &res)) return res;
        int r = hy_db_run(req->srv->db, HY_TX_READ, reset_find_tx, c);
        if (r < 0) return form ? reset_problem(req, true, "forgot", HY_E_STORE_UNAVAILABLE, NULL, NULL)
                               : hy_reply_store_error(req, r);
        c->found = r > 0;
    }
    return hy_req_offload(req, reset_code_work, reset_request_answer, c);
}

struct reset_confirm {
    hy_req *req;
    const char *login, *password;
    bool form;
    int hashed;
    char code[HY_RESET_CODE_LEN + 1];
    char code_hash[HY_TOKEN_HASH_LEN + 1];
    char hash[HY_HASH_STR_MAX];
    char user_id[HY_ID_LEN + 1];
};

/* The account a reset confirmation names; HY_DB_NONE when there is none (or it is suspended). */
static int reset_user_tx(hy_store *s, void *ctx) {
    struct reset_confirm *c = ctx;
    struct hy_user u;
    int r = s->ops->user_by_login(s, c->login, c->req->arena, &u);
    if (r <= 0 || !strcmp(u.status, "suspended")) return r < 0 ? r : HY_DB_NONE;
    snprintf(c->user_id, sizeof c->user_id, "%s", u.id);
    return HY_DB_ONE;
}

static int reset_confirm_tx(hy_store *s, void *ctx) {
    struct reset_confirm *c = ctx;
    int64_t now = hy_clock_now();
    char taker[HY_ID_LEN + 1];
    int r = s->ops->reset_take(s, c->code_hash, now, taker);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if ((r = s->ops->user_set_password(s, c->user_id, c->hash, now)) < 0) return r;
    if ((r = s->ops->session_delete_user(s, c->user_id)) < 0) return r;
    if ((r = s->ops->reset_revoke_user(s, c->user_id)) < 0) return r;
    /* Whoever reset the password may not be the one who made the tokens. */
    if ((r = hy_revoke_user_tokens(s, hy_req_actor(c->req), c->user_id)) < 0) return r;
    return hy_audit(s, hy_req_actor(c->req), "password_reset", c->user_id, "");
}

/* A wrong code: the account's last allowed try voids its code. */
static int reset_void_tx(hy_store *s, void *ctx) {
    struct reset_confirm *c = ctx;
    int r = s->ops->reset_revoke_user(s, c->user_id);
    if (r <= 0) return r; /* nothing left to void: no audit row per refused try */
    return hy_audit(s, hy_req_actor(c->req), "password_reset_voided", c->user_id, "");
}

/* On an offload thread. */
static void reset_hash_work(void *ctx) {
    struct reset_confirm *c = ctx;
    c->hashed = hy_reset_code_hash(c->user_id[0] ? c->user_id : no_account, c->code, c->code_hash);
    if (c->hashed == 0) c->hashed = hy_password_hash(c->password, c->hash);
}

static hy_result reset_confirm_answer(hy_req *req, void *ctx) {
    struct reset_confirm *c = ctx;
    if (c->hashed < 0) return reset_problem(req, c->form, "reset", HY_E_BUSY, "The server is busy; try again.", NULL);
    int r = c->user_id[0] ? hy_db_run(req->srv->db, HY_TX_WRITE, reset_confirm_tx, c) : HY_DB_ABORT;
    if (r == HY_DB_ABORT)
        return reset_problem(req, c->form, "reset", HY_E_GONE, "This code is wrong or has expired.", "code");
    if (r < 0) return c->form ? reset_problem(req, true, "reset", HY_E_STORE_UNAVAILABLE, NULL, NULL)
                              : hy_reply_store_error(req, r);
    if (c->form) {
        bool fa = strcmp(reset_lang(req), "en") != 0;
        char *body = hy_arena_printf(
            req->arena,
            "<div class=\"notice\" role=\"status\"><p>%s</p></div>\n"
            "<p><a class=\"button\" href=\"/signin%s\">%s</a></p>",
            fa ? "گذرواژهٔ تازه ثبت شد. همهٔ ورودهای قبلی و توکن‌های API این حساب پایان یافتند."
               : "Your new password is set. Every earlier sign-in and API token of this account has ended.",
            fa ? "" : "?lang=en", fa ? "ورود" : "Sign in");
        return hy_page_reply(req, 200, fa ? "fa" : "en", fa ? "گذرواژه تغییر کرد" : "Password changed",
                             body ? body : "");
    }
    return hy_reply_json(req, 200, json_pack("{s:s}", "status", "password_set"));
}

hy_result hy_api_confirm_password_reset(hy_req *req) {
    const char *login_raw, *code_raw, *password, *lang;
    bool form = hy_req_is_form(req);
    struct hy_field spec[] = {
        HY_F_STR("login", HY_REQUIRED, 1, 254, &login_raw),
        HY_F_STR("code", HY_REQUIRED, 1, 64, &code_raw),
        HY_F_STR("password", HY_REQUIRED, 1, 1000, &password),
        HY_F_STR("lang", 0, 2, 2, &lang),
        HY_F_END,
    };
    hy_result res;
    if (!reset_input(req, form, "reset", spec, &res)) return res;
    struct reset_confirm *c = hy_arena_zalloc(req->arena, sizeof *c);
    if (!c) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    c->req = req;
    c->form = form;
    c->password = password;
    if (!hy_reset_code_normalise(code_raw, c->code))
        return reset_problem(req, form, "reset", HY_E_INVALID_FIELD,
                             "The code is 8 letters and digits (no 0, O, 1, I or L).", "code");
    if (form ? hy_password_check(password) != HY_PW_OK : !hy_api_password_ok(req, password, "password", &res))
        return form ? reset_problem(req, true, "reset", HY_E_INVALID_FIELD, NULL, "password") : res;
    char key[128];
    snprintf(key, sizeof key, "reset:ip:%s", hy_req_client_ip(req));
    if (!reset_rate(req, form, "reset", key, req->srv->cfg->rate_form_ip, 3600, &res)) return res;
    c->login = hy_login_normalise(req, login_raw);
    if (c->login) {
        int r = hy_db_run(req->srv->db, HY_TX_READ, reset_user_tx, c);
        if (r < 0)
            return form ? reset_problem(req, true, "reset", HY_E_STORE_UNAVAILABLE, NULL, NULL) : hy_reply_store_error(req, r);
    }
    if (c->user_id[0]) {
        /* Every try on the account counts, right or wrong, before the code is checked: parallel
         * guesses cannot share a free slot. A try beyond the limit voids the account's code. */
        snprintf(key, sizeof key, "reset:try:%s", c->user_id);
        if (!reset_rate(req, form, "reset", key, HY_RESET_TRIES, HY_RESET_TTL, &res)) {
            (void)hy_db_run(req->srv->db, HY_TX_WRITE, reset_void_tx, c);
            return res;
        }
    }
    return hy_req_offload(req, reset_hash_work, reset_confirm_answer, c);
}
