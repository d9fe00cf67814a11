/* tokens.c — API tokens: a signed-in person's own, and every token for admins.
 *
 *   GET    /api/v1/me/tokens          the caller's tokens, newest first
 *   POST   /api/v1/me/tokens          {"name", "expires_in_days"}: a new token, its secret shown once
 *   DELETE /api/v1/me/tokens/{id}     revoke one of the caller's tokens
 *   GET    /api/v1/tokens             admins: every token, ?user_id=&page=&per_page=
 *   DELETE /api/v1/tokens/{id}        admins: revoke any token
 *
 * Answers never hold a token's secret (except once, at creation) nor its hash. A token acts with
 * its account's current role; it stops at its expiry date, at the server's lifetime cap
 * (--token-max-days), when revoked, and when its account's password is reset, its role
 * changes or it is suspended. */
#include <stdio.h>
#include <sodium.h>
#include <string.h>

#include "api/api.h"
#include "domain/auth.h"
#include "http/parse.h"
#include "http/session.h"
#include "store/audit.h"
#include "util/clock.h"

static json_t *token_json(const struct hy_api_token *t) {
    return json_pack("{s:s,s:s,s:s,s:I,s:o,s:o}", "id", t->id, "user_id", t->user_id, "name",
                     t->name ? t->name : "", "created_at", (json_int_t)t->created_at,
                     "expires_at", t->expires_at ? json_integer(t->expires_at) : json_null(),
                     "last_used_at", t->last_used_at ? json_integer(t->last_used_at) : json_null());
}

struct list_ctx {
    hy_req *req;
    const char *user_id; /* NULL: everyone's */
    size_t limit, offset, total;
    struct hy_api_token *items;
    int n;
};

static int list_tx(hy_store *s, void *ctx) {
    struct list_ctx *c = ctx;
    c->n = s->ops->token_list(s, c->user_id, c->limit, c->offset, c->req->arena, &c->items,
                              &c->total);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

static hy_result list_reply(hy_req *req, struct list_ctx *c) {
    int r = hy_db_run(req->srv->db, HY_TX_READ, list_tx, c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *items = json_array();
    for (int i = 0; i < c->n; i++) json_array_append_new(items, token_json(&c->items[i]));
    return hy_reply_json(req, 200,
                         json_pack("{s:o,s:I}", "tokens", items, "total", (json_int_t)c->total));
}

hy_result hy_api_list_my_tokens(hy_req *req) {
    struct list_ctx c = {.req = req, .user_id = req->who->user_id, .limit = HY_TOKENS_PER_ACCOUNT};
    return list_reply(req, &c);
}

hy_result hy_api_list_tokens(hy_req *req) {
    struct list_ctx c = {.req = req, .user_id = hy_req_query(req, "user_id")};
    if (c.user_id && !hy_id_valid(c.user_id))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "user_id must be an account id.", "user_id");
    hy_result res;
    if (!hy_api_paging(req, &c.limit, &c.offset, &res)) return res;
    return list_reply(req, &c);
}

struct create_ctx {
    hy_req *req;
    struct hy_api_token t;
    char hash[HY_TOKEN_HASH_LEN + 1];
    bool full;
};

static int create_tx(hy_store *s, void *ctx) {
    struct create_ctx *c = ctx;
    struct hy_api_token *none;
    size_t total = 0;
    int r = s->ops->token_list(s, c->t.user_id, 1, 0, c->req->arena, &none, &total);
    if (r < 0) return r;
    if (total >= HY_TOKENS_PER_ACCOUNT) {
        c->full = true;
        return HY_DB_ABORT;
    }
    if ((r = s->ops->token_insert(s, c->hash, &c->t)) <= 0) return r < 0 ? r : HY_DB_HARD;
    char ref[HY_TOKEN_AUDIT_ID + 1];
    snprintf(ref, sizeof ref, "%s", c->t.id);
    return hy_audit(s, hy_req_actor(c->req), "api_token_created", c->t.user_id, ref);
}

hy_result hy_api_create_my_token(hy_req *req) {
    const char *name = "";
    long long days = HY_TOKEN_DAYS_DEFAULT;
    unsigned max = req->srv->cfg->token_max_days;
    struct hy_field spec[] = {
        HY_F_STR("name", HY_OPTIONAL, 0, 100, &name),
        HY_F_INT("expires_in_days", HY_OPTIONAL, 1, max ? max : 3650, &days),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    /* A token cannot make tokens: one that leaks must not be able to outlive its revocation. */
    if (!req->who->via_cookie)
        return hy_reply_error(req, HY_E_FORBIDDEN, "Create tokens from a signed-in browser session.", NULL);
    if (max && days > (long long)max) days = max; /* the default, under a lower cap */
    struct create_ctx c = {.req = req};
    memcpy(c.t.user_id, req->who->user_id, sizeof c.t.user_id);
    hy_id_new(c.t.id);
    c.t.name = name;
    c.t.created_at = hy_clock_now();
    c.t.expires_at = c.t.created_at + (int64_t)days * 86400;
    char secret[HY_TOKEN_LEN + 1];
    hy_token_new(secret);
    hy_token_hash(secret, c.hash);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, create_tx, &c);
    if (r == HY_DB_ABORT && c.full) {
        sodium_memzero(secret, sizeof secret);
        return hy_reply_error(req, HY_E_CONFLICT, "This account has as many tokens as it may; revoke one first.", NULL);
    }
    if (r < 0) {
        sodium_memzero(secret, sizeof secret);
        return hy_reply_store_error(req, r);
    }
    json_t *body = json_pack("{s:o,s:s}", "token", token_json(&c.t), "secret", secret);
    sodium_memzero(secret, sizeof secret);
    return hy_reply_json(req, 201, body);
}

struct revoke_ctx {
    hy_req *req;
    const char *id, *user_id; /* user_id NULL: any account's */
};

static int revoke_tx(hy_store *s, void *ctx) {
    struct revoke_ctx *c = ctx;
    char owner[HY_ID_LEN + 1];
    int r = s->ops->token_revoke(s, c->id, c->user_id, owner);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    char ref[HY_TOKEN_AUDIT_ID + 1];
    snprintf(ref, sizeof ref, "%s", c->id);
    return hy_audit(s, hy_req_actor(c->req), "api_token_revoked", owner, ref);
}

static hy_result revoke(hy_req *req, const char *user_id) {
    struct revoke_ctx c = {.req = req, .id = req->args[0], .user_id = user_id};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such token.", NULL);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, revoke_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such token.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, json_pack("{s:s,s:b}", "id", c.id, "revoked", 1));
}

hy_result hy_api_revoke_my_token(hy_req *req) { return revoke(req, req->who->user_id); }

hy_result hy_api_revoke_token(hy_req *req) { return revoke(req, NULL); }

int hy_revoke_user_tokens(hy_store *s, const char *actor_id, const char *user_id) {
    int n = s->ops->token_revoke_user(s, user_id);
    if (n <= 0) return n;
    char detail[24];
    snprintf(detail, sizeof detail, "%d", n);
    int r = hy_audit(s, actor_id, "api_tokens_revoked", user_id, detail);
    return r < 0 ? r : n;
}
