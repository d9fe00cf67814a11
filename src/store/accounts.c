/* accounts.c — users, volunteer profiles, sessions, API tokens, rate limits, the audit log,
 * password resets and the outbox: the functions of store.h's accounts part, written once for
 * every backend (the statements are store/sql/accounts.def). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "store/engine.h"
#include "store/shared.h"

/* A list's limit: `dflt` for 0; HY_DB_HARD (as 0) for one no arena array could hold. */
static size_t list_limit(size_t limit, size_t dflt, size_t item) {
    if (!limit) limit = dflt;
    return limit > SIZE_MAX / item || limit > INT32_MAX ? 0 : limit;
}

/* ---- users ---- */

int hy_st_user_insert(hy_store *s, const struct hy_user *u, const struct hy_volunteer *v) {
    /* Non-finite numbers are refused by both stores (SQLite would store NaN as NULL, an "area"
     * that is not there). */
    if (v && (!isfinite(v->radius_km) ||
              (v->has_area && (!isfinite(v->lat) || !isfinite(v->lon)))))
        return HY_DB_HARD;
    int r = hy_st_exec(s, HY_Q_USER_INSERT,
                       HY_ARGS(hy_arg_text(u->id), hy_arg_text(u->email), hy_arg_text(u->phone),
                               hy_arg_text(u->name), hy_arg_text(u->password_hash),
                               hy_arg_text(u->role), hy_arg_text(u->status),
                               hy_arg_text_or(u->language, "fa"), hy_arg_i64(u->created_at),
                               hy_arg_i64(u->updated_at)));
    /* HY_DB_NONE: the id, e-mail or phone is taken; nothing was written, the transaction goes
     * on, and no profile is inserted for somebody else's row. */
    if (r != HY_DB_ONE || !v) return r;
    r = hy_st_exec(s, HY_Q_VOL_INSERT,
                   HY_ARGS(hy_arg_text(u->id), hy_arg_f64_if(v->has_area, v->lat),
                           hy_arg_f64_if(v->has_area, v->lon), hy_arg_f64(v->radius_km),
                           hy_arg_text_or(v->skills, "[]"), hy_arg_text_or(v->languages, "[]"),
                           hy_arg_text_or(v->availability, ""),
                           hy_arg_i64_nonzero(v->consent_at),
                           hy_arg_text(v->consent_version)));
    return r == HY_DB_NONE ? HY_DB_HARD : r;
}

int hy_st_user_get(hy_store *s, const char *id, hy_arena *a, struct hy_user *ret) {
    return hy_st_one(s, HY_Q_USER_GET, HY_ARGS(hy_arg_text(id)), &hy_row_user, a, ret);
}

int hy_st_user_by_login(hy_store *s, const char *login, hy_arena *a, struct hy_user *ret) {
    return hy_st_one(s, HY_Q_USER_BY_LOGIN, HY_ARGS(hy_arg_text(login)), &hy_row_user, a, ret);
}

int hy_st_user_list(hy_store *s, const struct hy_user_filter *f, hy_arena *a,
                    struct hy_user **ret_users, size_t *ret_total) {
    size_t limit = list_limit(f->limit, 50, sizeof(struct hy_user));
    if (!limit) return HY_DB_HARD;
    int64_t total;
    int r = hy_st_i64(s, HY_Q_USER_COUNT, HY_ARGS(hy_arg_text(f->role), hy_arg_text(f->status)),
                      &total);
    if (r != HY_DB_ONE || total < 0) return r < 0 ? r : HY_DB_HARD;
    struct hy_user *users;
    int n = hy_st_list(s, HY_Q_USER_LIST,
                       HY_ARGS(hy_arg_text(f->role), hy_arg_text(f->status), hy_arg_size(limit),
                               hy_arg_size(f->offset)),
                       &hy_row_user, limit, a, &users);
    if (n < 0) return n;
    *ret_users = users;
    *ret_total = (size_t)total;
    return n;
}

static int set_user_field(hy_store *s, int stmt, const char *id, const char *value,
                          int64_t now) {
    return hy_st_exec(s, stmt, HY_ARGS(hy_arg_text(id), hy_arg_text(value), hy_arg_i64(now)));
}

int hy_st_user_set_status(hy_store *s, const char *id, const char *status, int64_t now) {
    return set_user_field(s, HY_Q_USER_STATUS, id, status, now);
}

int hy_st_user_set_role(hy_store *s, const char *id, const char *role, int64_t now) {
    return set_user_field(s, HY_Q_USER_ROLE, id, role, now);
}

int hy_st_user_set_password(hy_store *s, const char *id, const char *hash, int64_t now) {
    return set_user_field(s, HY_Q_USER_PASSWORD, id, hash, now);
}

int hy_st_user_set_profile(hy_store *s, const char *id, const char *name, const char *language,
                           int64_t now) {
    return hy_st_exec(s, HY_Q_USER_PROFILE,
                      HY_ARGS(hy_arg_text(id), hy_arg_text(name), hy_arg_text(language),
                              hy_arg_i64(now)));
}

int hy_st_volunteer_get(hy_store *s, const char *user_id, hy_arena *a,
                        struct hy_volunteer *ret) {
    return hy_st_one(s, HY_Q_VOL_GET, HY_ARGS(hy_arg_text(user_id)), &hy_row_volunteer, a, ret);
}

/* ---- sessions and tokens ---- */

int hy_st_session_insert(hy_store *s, const char *token_hash, const char *user_id,
                         const char *csrf, int64_t now, int64_t expires_at) {
    return hy_st_exec(s, HY_Q_SESSION_INSERT,
                      HY_ARGS(hy_arg_text(token_hash), hy_arg_text(user_id), hy_arg_text(csrf),
                              hy_arg_i64(now), hy_arg_i64(expires_at)));
}

int hy_st_session_get(hy_store *s, const char *token_hash, hy_arena *a,
                      struct hy_session *ret) {
    return hy_st_one(s, HY_Q_SESSION_GET, HY_ARGS(hy_arg_text(token_hash)), &hy_row_session, a,
                     ret);
}

int hy_st_session_touch(hy_store *s, const char *token_hash, int64_t now) {
    return hy_st_exec(s, HY_Q_SESSION_TOUCH, HY_ARGS(hy_arg_text(token_hash), hy_arg_i64(now)));
}

int hy_st_session_delete(hy_store *s, const char *token_hash) {
    return hy_st_exec(s, HY_Q_SESSION_DELETE, HY_ARGS(hy_arg_text(token_hash)));
}

int hy_st_session_delete_user(hy_store *s, const char *user_id) {
    return hy_st_changes(s, HY_Q_SESSION_DELETE_USER, HY_ARGS(hy_arg_text(user_id)));
}

int hy_st_token_insert(hy_store *s, const char *token_hash, const struct hy_api_token *t) {
    return hy_st_exec(s, HY_Q_TOKEN_INSERT,
                      HY_ARGS(hy_arg_text(token_hash), hy_arg_text(t->user_id),
                              hy_arg_text_or(t->name, ""), hy_arg_i64(t->created_at),
                              hy_arg_text(t->id), hy_arg_i64_nonzero(t->expires_at > 0 ? t->expires_at : 0)));
}

int hy_st_token_get(hy_store *s, const char *token_hash, int64_t now, int64_t made_since,
                    char *ret_user_id) {
    return hy_st_one(s, HY_Q_TOKEN_GET,
                     HY_ARGS(hy_arg_text(token_hash), hy_arg_i64(now), hy_arg_i64(made_since)),
                     &hy_row_id, NULL, ret_user_id);
}

int hy_st_token_list(hy_store *s, const char *user_id, size_t limit, size_t offset, hy_arena *a,
                     struct hy_api_token **ret, size_t *ret_total) {
    limit = list_limit(limit, 50, sizeof(struct hy_api_token));
    if (!limit) return HY_DB_HARD;
    int64_t total;
    int r = hy_st_i64(s, HY_Q_TOKEN_COUNT, HY_ARGS(hy_arg_text(user_id)), &total);
    if (r != HY_DB_ONE || total < 0) return r < 0 ? r : HY_DB_HARD;
    int n = hy_st_list(s, HY_Q_TOKEN_LIST,
                       HY_ARGS(hy_arg_text(user_id), hy_arg_size(limit), hy_arg_size(offset)),
                       &hy_row_api_token, limit, a, ret);
    if (n < 0) return n;
    *ret_total = (size_t)total;
    return n;
}

int hy_st_token_revoke(hy_store *s, const char *id, const char *user_id, char *ret_user_id) {
    return hy_st_one(s, HY_Q_TOKEN_REVOKE, HY_ARGS(hy_arg_text(id), hy_arg_text(user_id)),
                     &hy_row_id, NULL, ret_user_id);
}

int hy_st_token_last_used(hy_store *s, const char *token_hash, int64_t *ret) {
    return hy_st_i64(s, HY_Q_TOKEN_LAST_USED, HY_ARGS(hy_arg_text(token_hash)), ret);
}

int hy_st_token_touch(hy_store *s, const char *token_hash, int64_t now) {
    return hy_st_changes(s, HY_Q_TOKEN_TOUCH, HY_ARGS(hy_arg_text(token_hash), hy_arg_i64(now)));
}

int hy_st_token_revoke_user(hy_store *s, const char *user_id) {
    return hy_st_changes(s, HY_Q_TOKEN_REVOKE_USER, HY_ARGS(hy_arg_text(user_id)));
}

/* ---- rate limits ---- */

int hy_st_rate_hit(hy_store *s, const char *key, int64_t now, int64_t window,
                   int64_t *ret_count) {
    int r = hy_st_i64(s, HY_Q_RATE_HIT, HY_ARGS(hy_arg_text(key), hy_arg_i64(now), hy_arg_i64(window)),
                      ret_count);
    return r == HY_DB_NONE ? HY_DB_HARD : r;
}

int hy_st_rate_clear(hy_store *s, const char *key) {
    return hy_st_exec(s, HY_Q_RATE_CLEAR, HY_ARGS(hy_arg_text(key)));
}

/* ---- audit log ---- */

int hy_st_audit_insert(hy_store *s, int64_t at, const char *actor_id, const char *action,
                       const char *subject_id, const char *detail) {
    return hy_st_write(s, HY_Q_AUDIT_INSERT,
                      HY_ARGS(hy_arg_i64(at), hy_arg_text(actor_id), hy_arg_text(action),
                              hy_arg_text(subject_id), hy_arg_text_or(detail, "")));
}

int hy_st_audit_list(hy_store *s, int64_t before, size_t limit, hy_arena *a,
                     struct hy_audit_entry **ret_entries) {
    limit = list_limit(limit, 50, sizeof(struct hy_audit_entry));
    if (!limit) return HY_DB_HARD;
    return hy_st_list(s, HY_Q_AUDIT_LIST, HY_ARGS(hy_arg_i64(before), hy_arg_size(limit)),
                      &hy_row_audit, limit, a, ret_entries);
}

/* ---- password resets ---- */

int hy_st_reset_insert(hy_store *s, const char *token_hash, const char *user_id,
                       int64_t expires_at) {
    return hy_st_exec(s, HY_Q_RESET_INSERT,
                      HY_ARGS(hy_arg_text(token_hash), hy_arg_text(user_id),
                              hy_arg_i64(expires_at)));
}

int hy_st_reset_take(hy_store *s, const char *token_hash, int64_t now, char *ret_user_id) {
    return hy_st_one(s, HY_Q_RESET_TAKE, HY_ARGS(hy_arg_text(token_hash), hy_arg_i64(now)),
                     &hy_row_id, NULL, ret_user_id);
}

int hy_st_reset_revoke_user(hy_store *s, const char *user_id) {
    int n = hy_st_changes(s, HY_Q_RESET_DELETE_USER, HY_ARGS(hy_arg_text(user_id)));
    if (n < 0) return n;
    int r = hy_st_changes(s, HY_Q_RESET_OUTBOX_VOID, HY_ARGS(hy_arg_text(user_id)));
    return r < 0 ? r : n;
}

int hy_st_reset_outbox_expire(hy_store *s, int64_t created_before, int64_t now) {
    return hy_st_changes(s, HY_Q_RESET_OUTBOX_EXPIRE,
                         HY_ARGS(hy_arg_i64(created_before), hy_arg_i64(now)));
}

/* ---- outbox ---- */

int hy_st_outbox_insert(hy_store *s, const struct hy_outbox_message *m) {
    if (!s->outbox_per_hour)
        return hy_st_write(s, HY_Q_OUTBOX_INSERT,
                          HY_ARGS(hy_arg_i64(m->created_at), hy_arg_text(m->recipient),
                                  hy_arg_text(m->channel), hy_arg_text(m->language),
                                  hy_arg_text(m->template_name), hy_arg_text(m->payload)));
    /* PostgreSQL: writers to one recipient take turns until they end, so the count below (a
     * statement that starts after the lock is held) sees what the other committed. */
    int r = hy_st_write(s, HY_Q_OUTBOX_LOCK_RECIPIENT, HY_ARGS(hy_arg_text(m->recipient)));
    if (r < 0) return r;
    /* Writes sent ahead: the message or its dropped row, in one statement that needs no
     * answer (whether it was dropped is then not known: HY_DB_ONE either way). */
    if (hy_st_sending_ahead(s))
        return hy_st_write(s, HY_Q_OUTBOX_INSERT_OR_DROP,
                           HY_ARGS(hy_arg_i64(m->created_at), hy_arg_text(m->recipient),
                                   hy_arg_text(m->channel), hy_arg_text(m->language),
                                   hy_arg_text(m->template_name), hy_arg_text(m->payload),
                                   hy_arg_i64(HY_OUTBOX_CAP_WINDOW),
                                   hy_arg_i64((int64_t)s->outbox_per_hour)));
    r = hy_st_changes(s, HY_Q_OUTBOX_INSERT_CAPPED,
                      HY_ARGS(hy_arg_i64(m->created_at), hy_arg_text(m->recipient),
                              hy_arg_text(m->channel), hy_arg_text(m->language),
                              hy_arg_text(m->template_name), hy_arg_text(m->payload),
                              hy_arg_i64(HY_OUTBOX_CAP_WINDOW),
                              hy_arg_i64((int64_t)s->outbox_per_hour)));
    if (r != 0) return r < 0 ? r : HY_DB_ONE;
    r = hy_st_exec(s, HY_Q_OUTBOX_DROPPED,
                   HY_ARGS(hy_arg_i64(m->created_at), hy_arg_text(m->channel),
                           hy_arg_text(m->language), hy_arg_text(m->template_name)));
    return r < 0 ? r : HY_DB_NONE;
}

int hy_st_outbox_list(hy_store *s, const char *recipient, size_t limit, hy_arena *a,
                      struct hy_outbox_message **ret) {
    limit = list_limit(limit, 10, sizeof(struct hy_outbox_message));
    if (!limit) return HY_DB_HARD;
    return hy_st_list(s, HY_Q_OUTBOX_LIST, HY_ARGS(hy_arg_text(recipient), hy_arg_size(limit)),
                      &hy_row_outbox_message, limit, a, ret);
}

/* ---- what has expired ---- */

int hy_st_expired_purge(hy_store *s, int64_t now, int64_t rate_before) {
    int r = hy_st_exec(s, HY_Q_PURGE_RATE, HY_ARGS(hy_arg_i64(rate_before)));
    if (r >= 0) r = hy_st_exec(s, HY_Q_PURGE_SESSIONS, HY_ARGS(hy_arg_i64(now)));
    if (r >= 0) r = hy_st_exec(s, HY_Q_PURGE_RESETS, HY_ARGS(hy_arg_i64(now)));
    if (r >= 0) r = hy_st_exec(s, HY_Q_PURGE_TOKENS, HY_ARGS(hy_arg_i64(now)));
    return r < 0 ? r : HY_DB_ONE;
}
