/* admin.c — what only admins see and do: every account, role changes, the audit log, the
 * outbox's state.
 *
 *   GET  /api/v1/users               ?role=&status=&page=&per_page=
 *   POST /api/v1/users/{id}/role     {"role": volunteer|coordinator|editor|admin|member}
 *   GET  /api/v1/audit               ?before=ID&limit=N, newest first
 *   GET  /api/v1/outbox              ?status=&before=ID&limit=N, newest first: counts and the
 *                                    messages without their text, recipients masked */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/auth.h"
#include "domain/phone.h"
#include "http/parse.h"
#include "http/session.h"
#include "store/audit.h"
#include "store/requests.h"
#include "util/clock.h"
#include "util/csv.h"

static const char *const roles[] = {"volunteer", "coordinator", "editor", "admin", "member", NULL};
static const char *const statuses[] = {"pending", "approved", "suspended", NULL};

static bool one_of(const char *v, const char *const *list) {
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(v, list[i])) return true;
    return false;
}

struct users_ctx {
    hy_req *req;
    struct hy_user_filter f;
    struct hy_user *users;
    size_t total;
    int n;
};

static int users_tx(hy_store *s, void *ctx) {
    struct users_ctx *c = ctx;
    c->n = s->ops->user_list(s, &c->f, c->req->arena, &c->users, &c->total);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

char *hy_api_strings_json(const struct hy_strings *v) {
    json_t *a = json_array();
    for (size_t i = 0; i < v->count; i++) json_array_append_new(a, json_string(v->items[i]));
    char *t = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return t;
}

hy_result hy_api_reply_csv(hy_req *req, const struct hy_csv_writer *w, hy_buf *out,
                           const char *filename) {
    if (hy_csv_writer_error(w)) {
        hy_buf_free(out);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    char disposition[160];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
    hy_req_add_header(req, "Content-Disposition", disposition);
    hy_result res = hy_reply_bytes(req, 200, "text/csv; charset=utf-8", out->data ? out->data : "", out->len);
    hy_buf_free(out);
    return res;
}

bool hy_api_paging(hy_req *req, size_t *ret_limit, size_t *ret_offset, hy_result *ret) {
    long page = 1, per = 50;
    const char *ps = hy_req_query(req, "page"), *pp = hy_req_query(req, "per_page");
    char *end;
    if (ps && ((page = strtol(ps, &end, 10)) < 1 || *end || page > 100000)) {
        *ret = hy_reply_error(req, HY_E_INVALID_QUERY, "page must be a whole number from 1.", "page");
        return false;
    }
    if (pp && ((per = strtol(pp, &end, 10)) < 1 || *end || per > 200)) {
        *ret = hy_reply_error(req, HY_E_INVALID_QUERY, "per_page must be from 1 to 200.", "per_page");
        return false;
    }
    *ret_limit = (size_t)per;
    *ret_offset = (size_t)(page - 1) * (size_t)per;
    return true;
}

hy_result hy_api_list_users(hy_req *req) {
    struct users_ctx c = {.req = req};
    const char *role = hy_req_query(req, "role"), *status = hy_req_query(req, "status");
    if (role && !one_of(role, roles))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "Unknown role.", "role");
    if (status && !one_of(status, statuses))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "Unknown status.", "status");
    size_t limit, offset;
    hy_result res;
    if (!hy_api_paging(req, &limit, &offset, &res)) return res;
    c.f = (struct hy_user_filter){role, status, limit, offset};
    int r = hy_db_run(req->srv->db, HY_TX_READ, users_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *items = json_array();
    for (int i = 0; i < c.n; i++) json_array_append_new(items, hy_user_json(&c.users[i], true));
    return hy_reply_json(req, 200, json_pack("{s:o,s:I}", "users", items, "total", (json_int_t)c.total));
}

struct role_ctx {
    hy_req *req;
    const char *id, *role;
    struct hy_user user;
};

static int role_tx(hy_store *s, void *ctx) {
    struct role_ctx *c = ctx;
    int r = s->ops->user_get(s, c->id, c->req->arena, &c->user);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (!strcmp(c->user.role, c->role)) return HY_DB_ONE;
    if ((r = s->ops->user_set_role(s, c->id, c->role, hy_clock_now())) < 0) return r;
    /* A changed role takes effect at once: the account signs in again. */
    if ((r = s->ops->session_delete_user(s, c->id)) < 0) return r;
    /* Its API tokens too: a token must not keep a role the account no longer has, nor gain
     * one it was not made with. */
    if ((r = hy_revoke_user_tokens(s, hy_req_actor(c->req), c->id)) < 0) return r;
    char *detail = hy_arena_printf(c->req->arena, "%s->%s", c->user.role, c->role);
    if ((r = hy_audit(s, hy_req_actor(c->req), "role_changed", c->id, detail ? detail : "")) < 0) return r;
    c->user.role = c->role;
    return HY_DB_ONE;
}

hy_result hy_api_set_user_role(hy_req *req) {
    struct role_ctx c = {.req = req, .id = req->args[0]};
    struct hy_field spec[] = {HY_F_ENUM("role", HY_REQUIRED, roles, &c.role), HY_F_END};
    hy_result res;
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such account.", NULL);
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!strcmp(c.id, req->who->user_id))
        return hy_reply_error(req, HY_E_CONFLICT, "Admins cannot change their own role.", "role");
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, role_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such account.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, hy_user_json(&c.user, false));
}

struct audit_ctx {
    hy_req *req;
    int64_t before;
    size_t limit;
    struct hy_audit_entry *e;
    int n;
};

static int audit_tx(hy_store *s, void *ctx) {
    struct audit_ctx *c = ctx;
    c->n = s->ops->audit_list(s, c->before, c->limit, c->req->arena, &c->e);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

hy_result hy_api_list_audit(hy_req *req) {
    struct audit_ctx c = {.req = req, .limit = 100};
    const char *b = hy_req_query(req, "before"), *l = hy_req_query(req, "limit");
    char *end;
    if (b && ((c.before = strtoll(b, &end, 10)) < 0 || *end))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "before must be an entry id.", "before");
    long lim;
    if (l && ((lim = strtol(l, &end, 10)) < 1 || *end || lim > 500))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "limit must be from 1 to 500.", "limit");
    if (l) c.limit = (size_t)lim;
    int r = hy_db_run(req->srv->db, HY_TX_READ, audit_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *items = json_array();
    for (int i = 0; i < c.n; i++) {
        struct hy_audit_entry *e = &c.e[i];
        json_array_append_new(
            items, json_pack("{s:I,s:I,s:o,s:s,s:o,s:s}", "id", (json_int_t)e->id, "at",
                             (json_int_t)e->at, "actor_id",
                             e->actor_id ? json_string(e->actor_id) : json_null(), "action",
                             e->action, "subject_id",
                             e->subject_id ? json_string(e->subject_id) : json_null(), "detail",
                             e->detail ? e->detail : ""));
    }
    return hy_reply_json(req, 200, json_pack("{s:o}", "entries", items));
}

/* ---- the outbox ---- */

static const char *const outbox_states[HY_OUTBOX_STATES + 1] = {"pending", "sending", "sent",
                                                                "failed", "dropped", NULL};

struct outbox_ctx {
    hy_req *req;
    const char *status;
    int64_t before;
    size_t limit;
    int64_t counts[HY_OUTBOX_STATES];
    struct hy_outbox_entry *e;
    int n;
};

static int outbox_tx(hy_store *s, void *ctx) {
    struct outbox_ctx *c = ctx;
    int r = s->ops->requests->outbox_counts(s, c->counts);
    if (r < 0) return r;
    c->n = s->ops->requests->outbox_page(s, c->status, c->before, c->limit, c->req->arena, &c->e);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

static json_t *outbox_entry_json(const struct hy_outbox_entry *e) {
    char masked[HY_RECIPIENT_MASK_MAX];
    hy_recipient_mask(e->recipient, masked, sizeof masked);
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:o,s:s,s:I,s:I,s:o}", "id", (json_int_t)e->id,
                     "status", e->status, "channel", e->channel, "template", e->template_name,
                     "language", e->language, "attempts", (json_int_t)e->attempts, "last_error",
                     e->last_error ? json_string(e->last_error) : json_null(), "recipient",
                     masked, "created_at", (json_int_t)e->created_at, "next_attempt_at",
                     (json_int_t)e->next_attempt_at, "sent_at",
                     e->sent_at ? json_integer(e->sent_at) : json_null());
}

hy_result hy_api_list_outbox(hy_req *req) {
    struct outbox_ctx c = {.req = req, .limit = 50};
    const char *st = hy_req_query(req, "status"), *b = hy_req_query(req, "before"),
               *l = hy_req_query(req, "limit");
    char *end;
    if (st && *st && !one_of(st, outbox_states))
        return hy_reply_error(req, HY_E_INVALID_QUERY,
                              "status must be pending, sending, sent, failed or dropped.", "status");
    c.status = st && *st ? st : NULL;
    if (b && *b && ((c.before = strtoll(b, &end, 10)) < 1 || *end))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "before must be a message id.", "before");
    long lim;
    if (l && ((lim = strtol(l, &end, 10)) < 1 || *end || lim > 200))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "limit must be from 1 to 200.", "limit");
    if (l) c.limit = (size_t)lim;
    int r = hy_db_run(req->srv->db, HY_TX_READ, outbox_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *counts = json_object();
    for (int k = 0; k < HY_OUTBOX_STATES; k++)
        json_object_set_new(counts, outbox_states[k], json_integer(c.counts[k]));
    json_t *items = json_array();
    for (int i = 0; i < c.n; i++) json_array_append_new(items, outbox_entry_json(&c.e[i]));
    json_t *next = c.n > 0 && (size_t)c.n == c.limit ? json_integer(c.e[c.n - 1].id) : json_null();
    return hy_reply_json(req, 200,
                         json_pack("{s:o,s:o,s:o}", "counts", counts, "messages", items,
                                   "next_before", next));
}
