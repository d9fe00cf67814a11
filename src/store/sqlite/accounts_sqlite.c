/* accounts_sqlite.c — users, volunteer profiles, sessions, API tokens, rate limits, the audit
 * log, password resets and the outbox, for the SQLite backend. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/store_sqlite.h"

enum {
    Q_USER_INSERT = HY_SQ_ACCOUNTS_BASE,
    Q_VOL_INSERT,
    Q_USER_GET,
    Q_USER_BY_LOGIN,
    Q_USER_LIST,
    Q_USER_COUNT,
    Q_USER_STATUS,
    Q_USER_ROLE,
    Q_USER_PASSWORD,
    Q_VOL_GET,
    Q_SESSION_INSERT,
    Q_SESSION_GET,
    Q_SESSION_TOUCH,
    Q_SESSION_DELETE,
    Q_SESSION_DELETE_USER,
    Q_TOKEN_INSERT,
    Q_TOKEN_GET,
    Q_RATE_HIT,
    Q_RATE_CLEAR,
    Q_AUDIT_INSERT,
    Q_AUDIT_LIST,
    Q_RESET_INSERT,
    Q_RESET_TAKE,
    Q_OUTBOX_INSERT,
    Q_OUTBOX_LIST,
    Q_USER_PROFILE,
    Q_PURGE_RATE,
    Q_PURGE_SESSIONS,
    Q_PURGE_RESETS,
};

#define USER_COLS \
    "id, email, phone, name, password_hash, role, status, language, created_at, updated_at"

static const char *const sql_user_insert =
    "INSERT INTO users(" USER_COLS ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";
static const char *const sql_vol_insert =
    "INSERT INTO volunteer_profiles(user_id, lat, lon, radius_km, skills, languages, "
    "availability) VALUES (?1,?2,?3,?4,?5,?6,?7)";
static const char *const sql_user_get = "SELECT " USER_COLS " FROM users WHERE id = ?1";
static const char *const sql_user_by_login =
    "SELECT " USER_COLS " FROM users WHERE email = ?1 OR phone = ?1 LIMIT 1";
static const char *const sql_user_list =
    "SELECT " USER_COLS " FROM users WHERE (?1 IS NULL OR role = ?1) AND "
    "(?2 IS NULL OR status = ?2) ORDER BY created_at DESC, id LIMIT ?3 OFFSET ?4";
static const char *const sql_user_count =
    "SELECT count(*) FROM users WHERE (?1 IS NULL OR role = ?1) AND (?2 IS NULL OR status = ?2)";
static const char *const sql_user_status =
    "UPDATE users SET status = ?2, updated_at = ?3 WHERE id = ?1";
static const char *const sql_user_role = "UPDATE users SET role = ?2, updated_at = ?3 WHERE id = ?1";
static const char *const sql_user_password =
    "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1";
static const char *const sql_vol_get =
    "SELECT user_id, lat, lon, radius_km, skills, languages, availability "
    "FROM volunteer_profiles WHERE user_id = ?1";
static const char *const sql_session_insert =
    "INSERT INTO sessions(token_hash, user_id, csrf, created_at, last_seen, expires_at) "
    "VALUES (?1,?2,?3,?4,?4,?5)";
static const char *const sql_session_get =
    "SELECT user_id, csrf, created_at, last_seen, expires_at FROM sessions WHERE token_hash = ?1";
static const char *const sql_session_touch =
    "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1";
static const char *const sql_session_delete = "DELETE FROM sessions WHERE token_hash = ?1";
static const char *const sql_session_delete_user = "DELETE FROM sessions WHERE user_id = ?1";
static const char *const sql_token_insert =
    "INSERT INTO api_tokens(token_hash, user_id, name, created_at) VALUES (?1,?2,?3,?4)";
static const char *const sql_token_get = "SELECT user_id FROM api_tokens WHERE token_hash = ?1";
static const char *const sql_rate_hit =
    "INSERT INTO rate_limits(key, window_start, count) VALUES (?1, ?2, 1) "
    "ON CONFLICT(key) DO UPDATE SET "
    " count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,"
    " window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END "
    "RETURNING count";
static const char *const sql_rate_clear = "DELETE FROM rate_limits WHERE key = ?1";
static const char *const sql_audit_insert =
    "INSERT INTO audit_log(at, actor_id, action, subject_id, detail) VALUES (?1,?2,?3,?4,?5)";
static const char *const sql_audit_list =
    "SELECT id, at, actor_id, action, subject_id, detail FROM audit_log "
    "WHERE (?1 = 0 OR id < ?1) ORDER BY id DESC LIMIT ?2";
static const char *const sql_reset_insert =
    "INSERT INTO password_resets(token_hash, user_id, expires_at) VALUES (?1,?2,?3)";
static const char *const sql_reset_take =
    "DELETE FROM password_resets WHERE token_hash = ?1 AND expires_at > ?2 RETURNING user_id";
static const char *const sql_outbox_insert =
    "INSERT INTO outbox(created_at, recipient, channel, language, template, payload, "
    "next_attempt_at) VALUES (?1,?2,?3,?4,?5,?6,?1)";
static const char *const sql_outbox_list =
    "SELECT created_at, recipient, channel, language, template, payload FROM outbox "
    "WHERE recipient = ?1 ORDER BY id DESC LIMIT ?2";

static const char *const sql_user_profile =
    "UPDATE users SET name = ?2, language = ?3, updated_at = ?4 WHERE id = ?1";

/* ---- helpers ---- */

static int read_user(sqlite3_stmt *st, hy_arena *a, struct hy_user *u) {
    bool ok = true;
    memset(u, 0, sizeof *u);
    hy_sq_col_id(st, 0, u->id);
    u->email = hy_sq_col_text(st, 1, a, &ok);
    u->phone = hy_sq_col_text(st, 2, a, &ok);
    u->name = hy_sq_col_text(st, 3, a, &ok);
    u->password_hash = hy_sq_col_text(st, 4, a, &ok);
    u->role = hy_sq_col_text(st, 5, a, &ok);
    u->status = hy_sq_col_text(st, 6, a, &ok);
    u->language = hy_sq_col_text(st, 7, a, &ok);
    u->created_at = sqlite3_column_int64(st, 8);
    u->updated_at = sqlite3_column_int64(st, 9);
    return (ok && u->name && u->role && u->status && u->language) ? HY_DB_ONE : HY_DB_HARD;
}

/* Steps a write; maps a UNIQUE violation to HY_DB_NONE. */
static int step_write(hy_sqlite *s, sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    int r;
    if (rc == SQLITE_DONE) r = sqlite3_changes(s->db) > 0 ? HY_DB_ONE : HY_DB_NONE;
    else if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) r = HY_DB_NONE;
    else r = hy_sq_status(s, rc);
    return hy_sq_finish(st, r);
}

/* ---- users ---- */

int hy_sq_user_insert(hy_store *base, const struct hy_user *u, const struct hy_volunteer *v) {
    hy_sqlite *s = hy_sq(base);
    /* sqlite3_bind_double() stores NaN as NULL: a NaN latitude would silently become "no
     * area" here (and NaN in PostgreSQL). Both stores refuse non-finite numbers. */
    if (v && (!isfinite(v->radius_km) ||
              (v->has_area && (!isfinite(v->lat) || !isfinite(v->lon)))))
        return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_USER_INSERT, sql_user_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, u->id);
    hy_sq_bind_text(st, 2, u->email);
    hy_sq_bind_text(st, 3, u->phone);
    hy_sq_bind_text(st, 4, u->name);
    hy_sq_bind_text(st, 5, u->password_hash);
    hy_sq_bind_text(st, 6, u->role);
    hy_sq_bind_text(st, 7, u->status);
    hy_sq_bind_text(st, 8, u->language ? u->language : "fa");
    sqlite3_bind_int64(st, 9, u->created_at);
    sqlite3_bind_int64(st, 10, u->updated_at);
    int r = step_write(s, st);
    if (r != HY_DB_ONE || !v) return r;
    st = hy_sq_stmt(s, Q_VOL_INSERT, sql_vol_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, u->id);
    if (v->has_area) {
        sqlite3_bind_double(st, 2, v->lat);
        sqlite3_bind_double(st, 3, v->lon);
    } else {
        sqlite3_bind_null(st, 2);
        sqlite3_bind_null(st, 3);
    }
    sqlite3_bind_double(st, 4, v->radius_km);
    hy_sq_bind_text(st, 5, v->skills ? v->skills : "[]");
    hy_sq_bind_text(st, 6, v->languages ? v->languages : "[]");
    hy_sq_bind_text(st, 7, v->availability ? v->availability : "");
    r = step_write(s, st);
    return r == HY_DB_NONE ? HY_DB_HARD : r;
}

static int user_query(hy_sqlite *s, int id, const char *sql, const char *key, hy_arena *a,
                      struct hy_user *ret) {
    sqlite3_stmt *st = hy_sq_stmt(s, id, sql);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    int r;
    if (rc == SQLITE_ROW) {
        struct hy_user u;
        r = read_user(st, a, &u);
        if (r == HY_DB_ONE) *ret = u;
    } else {
        r = rc == SQLITE_DONE ? HY_DB_NONE : hy_sq_status(s, rc);
    }
    return hy_sq_finish(st, r);
}

int hy_sq_user_get(hy_store *base, const char *id, hy_arena *a, struct hy_user *ret) {
    return user_query(hy_sq(base), Q_USER_GET, sql_user_get, id, a, ret);
}

int hy_sq_user_by_login(hy_store *base, const char *login, hy_arena *a, struct hy_user *ret) {
    return user_query(hy_sq(base), Q_USER_BY_LOGIN, sql_user_by_login, login, a, ret);
}

int hy_sq_user_list(hy_store *base, const struct hy_user_filter *f, hy_arena *a,
                    struct hy_user **ret_users, size_t *ret_total) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_USER_COUNT, sql_user_count);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, f->role);
    hy_sq_bind_text(st, 2, f->status);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_HARD : hy_sq_status(s, rc));
    size_t total = (size_t)sqlite3_column_int64(st, 0);
    hy_sq_finish(st, 0);
    size_t limit = f->limit ? f->limit : 50;
    if (limit > SIZE_MAX / sizeof(struct hy_user) || limit > INT32_MAX) return HY_DB_HARD;
    struct hy_user *users = hy_arena_alloc(a, limit * sizeof *users);
    if (!users) return HY_DB_HARD;
    st = hy_sq_stmt(s, Q_USER_LIST, sql_user_list);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, f->role);
    hy_sq_bind_text(st, 2, f->status);
    sqlite3_bind_int64(st, 3, hy_sq_clamp_i64(limit));
    sqlite3_bind_int64(st, 4, hy_sq_clamp_i64(f->offset));
    size_t n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < limit)
        if (read_user(st, a, &users[n++]) < 0) return hy_sq_finish(st, HY_DB_HARD);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return hy_sq_finish(st, hy_sq_status(s, rc));
    hy_sq_finish(st, 0);
    *ret_users = users;
    *ret_total = total;
    return (int)n;
}

static int update_user(hy_store *base, int id, const char *sql, const char *uid,
                       const char *value, int64_t now) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, id, sql);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, uid);
    hy_sq_bind_text(st, 2, value);
    sqlite3_bind_int64(st, 3, now);
    return step_write(s, st);
}

int hy_sq_user_set_status(hy_store *s, const char *id, const char *status, int64_t now) {
    return update_user(s, Q_USER_STATUS, sql_user_status, id, status, now);
}
int hy_sq_user_set_role(hy_store *s, const char *id, const char *role, int64_t now) {
    return update_user(s, Q_USER_ROLE, sql_user_role, id, role, now);
}
int hy_sq_user_set_password(hy_store *s, const char *id, const char *hash, int64_t now) {
    return update_user(s, Q_USER_PASSWORD, sql_user_password, id, hash, now);
}

int hy_sq_volunteer_get(hy_store *base, const char *user_id, hy_arena *a,
                        struct hy_volunteer *ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_VOL_GET, sql_vol_get);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, user_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_NONE : hy_sq_status(s, rc));
    struct hy_volunteer v;
    bool ok = true;
    memset(&v, 0, sizeof v);
    hy_sq_col_id(st, 0, v.user_id);
    v.has_area = sqlite3_column_type(st, 1) != SQLITE_NULL;
    v.lat = sqlite3_column_double(st, 1);
    v.lon = sqlite3_column_double(st, 2);
    v.radius_km = sqlite3_column_double(st, 3);
    v.skills = hy_sq_col_text(st, 4, a, &ok);
    v.languages = hy_sq_col_text(st, 5, a, &ok);
    v.availability = hy_sq_col_text(st, 6, a, &ok);
    if (!ok || !v.skills || !v.languages || !v.availability) return hy_sq_finish(st, HY_DB_HARD);
    *ret = v;
    return hy_sq_finish(st, HY_DB_ONE);
}

/* ---- sessions and tokens ---- */

int hy_sq_session_insert(hy_store *base, const char *token_hash, const char *user_id,
                         const char *csrf, int64_t now, int64_t expires_at) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_SESSION_INSERT, sql_session_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, token_hash);
    hy_sq_bind_text(st, 2, user_id);
    hy_sq_bind_text(st, 3, csrf);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, expires_at);
    return step_write(s, st);
}

int hy_sq_session_get(hy_store *base, const char *token_hash, hy_arena *a,
                      struct hy_session *ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_SESSION_GET, sql_session_get);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, token_hash);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_NONE : hy_sq_status(s, rc));
    struct hy_session v;
    bool ok = true;
    hy_sq_col_id(st, 0, v.user_id);
    v.csrf = hy_sq_col_text(st, 1, a, &ok);
    v.created_at = sqlite3_column_int64(st, 2);
    v.last_seen = sqlite3_column_int64(st, 3);
    v.expires_at = sqlite3_column_int64(st, 4);
    if (!ok || !v.csrf) return hy_sq_finish(st, HY_DB_HARD);
    *ret = v;
    return hy_sq_finish(st, HY_DB_ONE);
}

int hy_sq_session_touch(hy_store *base, const char *token_hash, int64_t now) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_SESSION_TOUCH, sql_session_touch);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, token_hash);
    sqlite3_bind_int64(st, 2, now);
    return step_write(s, st);
}

static int delete_by(hy_store *base, int id, const char *sql, const char *key) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, id, sql);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    int r = rc == SQLITE_DONE ? sqlite3_changes(s->db) : hy_sq_status(s, rc);
    return hy_sq_finish(st, r);
}

int hy_sq_session_delete(hy_store *s, const char *token_hash) {
    int r = delete_by(s, Q_SESSION_DELETE, sql_session_delete, token_hash);
    return r > 0 ? HY_DB_ONE : r;
}
int hy_sq_session_delete_user(hy_store *s, const char *user_id) {
    return delete_by(s, Q_SESSION_DELETE_USER, sql_session_delete_user, user_id);
}

int hy_sq_token_insert(hy_store *base, const char *token_hash, const char *user_id,
                       const char *name, int64_t now) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_TOKEN_INSERT, sql_token_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, token_hash);
    hy_sq_bind_text(st, 2, user_id);
    hy_sq_bind_text(st, 3, name ? name : "");
    sqlite3_bind_int64(st, 4, now);
    return step_write(s, st);
}

int hy_sq_token_get(hy_store *base, const char *token_hash, char *ret_user_id) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_TOKEN_GET, sql_token_get);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, token_hash);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_NONE : hy_sq_status(s, rc));
    hy_sq_col_id(st, 0, ret_user_id);
    return hy_sq_finish(st, HY_DB_ONE);
}

/* ---- rate limits ---- */

int hy_sq_rate_hit(hy_store *base, const char *key, int64_t now, int64_t window,
                   int64_t *ret_count) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_RATE_HIT, sql_rate_hit);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, window);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, hy_sq_status(s, rc) < 0 ? hy_sq_status(s, rc) : HY_DB_HARD);
    *ret_count = sqlite3_column_int64(st, 0);
    return hy_sq_finish(st, HY_DB_ONE);
}

int hy_sq_rate_clear(hy_store *s, const char *key) {
    int r = delete_by(s, Q_RATE_CLEAR, sql_rate_clear, key);
    return r > 0 ? HY_DB_ONE : r;
}

/* ---- audit log ---- */

int hy_sq_audit_insert(hy_store *base, int64_t at, const char *actor_id, const char *action,
                       const char *subject_id, const char *detail) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_AUDIT_INSERT, sql_audit_insert);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_int64(st, 1, at);
    hy_sq_bind_text(st, 2, actor_id);
    hy_sq_bind_text(st, 3, action);
    hy_sq_bind_text(st, 4, subject_id);
    hy_sq_bind_text(st, 5, detail ? detail : "");
    return step_write(s, st);
}

int hy_sq_audit_list(hy_store *base, int64_t before, size_t limit, hy_arena *a,
                     struct hy_audit_entry **ret_entries) {
    hy_sqlite *s = hy_sq(base);
    if (!limit) limit = 50;
    if (limit > SIZE_MAX / sizeof(struct hy_audit_entry) || limit > INT32_MAX) return HY_DB_HARD;
    struct hy_audit_entry *e = hy_arena_alloc(a, limit * sizeof *e);
    if (!e) return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_AUDIT_LIST, sql_audit_list);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_int64(st, 1, before);
    sqlite3_bind_int64(st, 2, hy_sq_clamp_i64(limit));
    size_t n = 0;
    int rc;
    bool ok = true;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < limit) {
        e[n].id = sqlite3_column_int64(st, 0);
        e[n].at = sqlite3_column_int64(st, 1);
        e[n].actor_id = hy_sq_col_text(st, 2, a, &ok);
        e[n].action = hy_sq_col_text(st, 3, a, &ok);
        e[n].subject_id = hy_sq_col_text(st, 4, a, &ok);
        e[n].detail = hy_sq_col_text(st, 5, a, &ok);
        if (!ok || !e[n].action || !e[n].detail) return hy_sq_finish(st, HY_DB_HARD);
        n++;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return hy_sq_finish(st, hy_sq_status(s, rc));
    hy_sq_finish(st, 0);
    *ret_entries = e;
    return (int)n;
}

/* ---- password resets ---- */

int hy_sq_reset_insert(hy_store *base, const char *token_hash, const char *user_id,
                       int64_t expires_at) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_RESET_INSERT, sql_reset_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, token_hash);
    hy_sq_bind_text(st, 2, user_id);
    sqlite3_bind_int64(st, 3, expires_at);
    return step_write(s, st);
}

int hy_sq_reset_take(hy_store *base, const char *token_hash, int64_t now, char *ret_user_id) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_RESET_TAKE, sql_reset_take);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, token_hash);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_NONE : hy_sq_status(s, rc));
    hy_sq_col_id(st, 0, ret_user_id);
    /* Step to the end so the DELETE … RETURNING completes before the reset. */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    return hy_sq_finish(st, rc == SQLITE_DONE ? HY_DB_ONE : hy_sq_status(s, rc));
}

/* ---- outbox ---- */

int hy_sq_outbox_insert(hy_store *base, const struct hy_outbox_message *m) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_OUTBOX_INSERT, sql_outbox_insert);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_int64(st, 1, m->created_at);
    hy_sq_bind_text(st, 2, m->recipient);
    hy_sq_bind_text(st, 3, m->channel);
    hy_sq_bind_text(st, 4, m->language);
    hy_sq_bind_text(st, 5, m->template_name);
    hy_sq_bind_text(st, 6, m->payload);
    return step_write(s, st);
}

int hy_sq_outbox_list(hy_store *base, const char *recipient, size_t limit, hy_arena *a,
                      struct hy_outbox_message **ret) {
    hy_sqlite *s = hy_sq(base);
    if (!limit) limit = 10;
    if (limit > SIZE_MAX / sizeof(struct hy_outbox_message) || limit > INT32_MAX)
        return HY_DB_HARD;
    struct hy_outbox_message *m = hy_arena_alloc(a, limit * sizeof *m);
    if (!m) return HY_DB_HARD;
    sqlite3_stmt *st = hy_sq_stmt(s, Q_OUTBOX_LIST, sql_outbox_list);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, recipient);
    sqlite3_bind_int64(st, 2, hy_sq_clamp_i64(limit));
    size_t n = 0;
    int rc;
    bool ok = true;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < limit) {
        m[n].created_at = sqlite3_column_int64(st, 0);
        m[n].recipient = hy_sq_col_text(st, 1, a, &ok);
        m[n].channel = hy_sq_col_text(st, 2, a, &ok);
        m[n].language = hy_sq_col_text(st, 3, a, &ok);
        m[n].template_name = hy_sq_col_text(st, 4, a, &ok);
        m[n].payload = hy_sq_col_text(st, 5, a, &ok);
        if (!ok || !m[n].recipient || !m[n].channel || !m[n].language || !m[n].template_name ||
            !m[n].payload)
            return hy_sq_finish(st, HY_DB_HARD);
        n++;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return hy_sq_finish(st, hy_sq_status(s, rc));
    hy_sq_finish(st, 0);
    *ret = m;
    return (int)n;
}

int hy_sq_user_set_profile(hy_store *base, const char *id, const char *name,
                           const char *language, int64_t now) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_USER_PROFILE, sql_user_profile);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    hy_sq_bind_text(st, 2, name);
    hy_sq_bind_text(st, 3, language);
    sqlite3_bind_int64(st, 4, now);
    return step_write(s, st);
}

int hy_sq_expired_purge(hy_store *base, int64_t now, int64_t rate_before) {
    hy_sqlite *s = hy_sq(base);
    static const struct {
        int id;
        const char *sql;
        bool rate;
    } q[] = {
        {Q_PURGE_RATE, "DELETE FROM rate_limits WHERE window_start < ?1", true},
        {Q_PURGE_SESSIONS, "DELETE FROM sessions WHERE expires_at <= ?1", false},
        {Q_PURGE_RESETS, "DELETE FROM password_resets WHERE expires_at <= ?1", false},
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        sqlite3_stmt *st = hy_sq_stmt(s, q[i].id, q[i].sql);
        if (!st) return HY_DB_HARD;
        sqlite3_bind_int64(st, 1, q[i].rate ? rate_before : now);
        int rc = sqlite3_step(st);
        int r = rc == SQLITE_DONE ? HY_DB_ONE : hy_sq_status(s, rc);
        hy_sq_finish(st, r);
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}
