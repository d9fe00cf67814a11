/* accounts_pg.c — users, volunteer profiles, sessions, API tokens, rate limits, the audit log,
 * password resets and the outbox, for the PostgreSQL backend.
 *
 * Behaves exactly as accounts_sqlite.c (tests/store/store_conformance.c checks both). Two
 * differences of the engines are absorbed here:
 *   - A failed statement aborts a PostgreSQL transaction, while SQLite only undoes the
 *     statement. Inserts whose UNIQUE violation the contract reports as HY_DB_NONE therefore use
 *     `ON CONFLICT DO NOTHING` (no target: any unique constraint) and look at the row count, so
 *     the caller's transaction stays usable, as it does under SQLite.
 *   - Text sorts by the database's collation in PostgreSQL and by bytes in SQLite: ids are
 *     COLLATE "C" in the schema and in ORDER BY.
 * Parameters travel as text; integers are written in decimal and doubles with 17 significant
 * digits (exact round trip; snprintf/strtod assume LC_NUMERIC "C", which the server never
 * changes). Every PGresult is cleared before returning. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/store_pg.h"

enum {
    Q_USER_INSERT = HY_PG_ACCOUNTS_BASE,
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
    Q__END,
};

_Static_assert((int)Q__END <= (int)HY_PG_GROUPS_BASE,
               "accounts statements overflow their id range");

#define USER_COLS                                                                                  \
    "id, email, phone, name, password_hash, role, status, language, created_at, updated_at"

static const char *const sql_user_insert =
    "INSERT INTO users(" USER_COLS ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::bigint,$10::bigint) "
    "ON CONFLICT DO NOTHING";
static const char *const sql_vol_insert =
    "INSERT INTO volunteer_profiles(user_id, lat, lon, radius_km, skills, languages, "
    "availability) VALUES ($1,$2::float8,$3::float8,$4::float8,$5,$6,$7)";
static const char *const sql_user_get = "SELECT " USER_COLS " FROM users WHERE id = $1";
static const char *const sql_user_by_login =
    "SELECT " USER_COLS " FROM users WHERE email = $1::text OR phone = $1::text LIMIT 1";
static const char *const sql_user_list =
    "SELECT " USER_COLS " FROM users WHERE ($1::text IS NULL OR role = $1::text) AND "
    "($2::text IS NULL OR status = $2::text) ORDER BY created_at DESC, id COLLATE \"C\" "
    "LIMIT $3::bigint OFFSET $4::bigint";
static const char *const sql_user_count =
    "SELECT count(*) FROM users WHERE ($1::text IS NULL OR role = $1::text) AND "
    "($2::text IS NULL OR status = $2::text)";
static const char *const sql_user_status =
    "UPDATE users SET status = $2, updated_at = $3::bigint WHERE id = $1";
static const char *const sql_user_role =
    "UPDATE users SET role = $2, updated_at = $3::bigint WHERE id = $1";
static const char *const sql_user_profile =
    "UPDATE users SET name = $2, language = $3, updated_at = $4::bigint WHERE id = $1";
static const char *const sql_user_password =
    "UPDATE users SET password_hash = $2, updated_at = $3::bigint WHERE id = $1";
static const char *const sql_vol_get =
    "SELECT user_id, lat, lon, radius_km, skills, languages, availability "
    "FROM volunteer_profiles WHERE user_id = $1";
static const char *const sql_session_insert =
    "INSERT INTO sessions(token_hash, user_id, csrf, created_at, last_seen, expires_at) "
    "VALUES ($1,$2,$3,$4::bigint,$4::bigint,$5::bigint) ON CONFLICT DO NOTHING";
static const char *const sql_session_get =
    "SELECT user_id, csrf, created_at, last_seen, expires_at FROM sessions WHERE token_hash = $1";
static const char *const sql_session_touch =
    "UPDATE sessions SET last_seen = $2::bigint WHERE token_hash = $1";
static const char *const sql_session_delete = "DELETE FROM sessions WHERE token_hash = $1";
static const char *const sql_session_delete_user = "DELETE FROM sessions WHERE user_id = $1";
static const char *const sql_token_insert =
    "INSERT INTO api_tokens(token_hash, user_id, name, created_at) "
    "VALUES ($1,$2,$3,$4::bigint) ON CONFLICT DO NOTHING";
static const char *const sql_token_get = "SELECT user_id FROM api_tokens WHERE token_hash = $1";
/* The first hit of a window (none yet, or now >= window_start + window) counts 1 and opens a
 * window at now; every CASE sees the row as it was before the update, as in SQLite. */
static const char *const sql_rate_hit =
    "INSERT INTO rate_limits AS r(key, window_start, count) VALUES ($1, $2::bigint, 1) "
    "ON CONFLICT (key) DO UPDATE SET "
    " count = CASE WHEN r.window_start <= $2::bigint - $3::bigint THEN 1 ELSE r.count + 1 END,"
    " window_start = CASE WHEN r.window_start <= $2::bigint - $3::bigint THEN $2::bigint"
    " ELSE r.window_start END "
    "RETURNING r.count";
static const char *const sql_rate_clear = "DELETE FROM rate_limits WHERE key = $1";
static const char *const sql_audit_insert =
    "INSERT INTO audit_log(at, actor_id, action, subject_id, detail) "
    "VALUES ($1::bigint,$2,$3,$4,$5)";
static const char *const sql_audit_list =
    "SELECT id, at, actor_id, action, subject_id, detail FROM audit_log "
    "WHERE ($1::bigint = 0 OR id < $1::bigint) ORDER BY id DESC LIMIT $2::bigint";
static const char *const sql_reset_insert =
    "INSERT INTO password_resets(token_hash, user_id, expires_at) VALUES ($1,$2,$3::bigint) "
    "ON CONFLICT DO NOTHING";
static const char *const sql_reset_take =
    "DELETE FROM password_resets WHERE token_hash = $1 AND expires_at > $2::bigint "
    "RETURNING user_id";
static const char *const sql_outbox_insert =
    "INSERT INTO outbox(created_at, recipient, channel, language, template, payload, "
    "next_attempt_at) VALUES ($1::bigint,$2,$3,$4,$5,$6,$1::bigint)";
static const char *const sql_outbox_list =
    "SELECT created_at, recipient, channel, language, template, payload FROM outbox "
    "WHERE recipient = $1 ORDER BY id DESC LIMIT $2::bigint";

/* ---- parameters ---- */

/* Room for any int64 or any %.17g double, with sign, exponent and NUL. */
#define NUM_LEN HY_PG_NUM_LEN

/* ---- reading rows ---- */

/* One row of a result being copied out. `ok` turns false (and stays so) when a value cannot
 * be copied (the arena is full) or parsed, or the result lacks the column. */
struct row {
    const PGresult *res;
    int i;
    hy_arena *a;
    bool ok;
};

static bool has_col(struct row *r, int col) {
    if (col < PQnfields(r->res)) return true;
    r->ok = false;
    return false;
}

/* The text at `col` copied into the arena, or NULL for SQL NULL (or on failure). */
static const char *row_text(struct row *r, int col) {
    if (!has_col(r, col) || PQgetisnull(r->res, r->i, col)) return NULL;
    char *v = hy_arena_strndup(r->a, PQgetvalue(r->res, r->i, col),
                               (size_t)PQgetlength(r->res, r->i, col));
    if (!v) r->ok = false;
    return v;
}

static int64_t row_i64(struct row *r, int col) {
    if (!has_col(r, col) || PQgetisnull(r->res, r->i, col)) {
        r->ok = false;
        return 0;
    }
    const char *v = PQgetvalue(r->res, r->i, col);
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (end == v || *end || errno) r->ok = false;
    return (int64_t)n;
}

/* A double column; SQL NULL reads as 0 (as sqlite3_column_double() does). */
static double row_f64(struct row *r, int col) {
    if (!has_col(r, col) || PQgetisnull(r->res, r->i, col)) return 0;
    const char *v = PQgetvalue(r->res, r->i, col);
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end) r->ok = false;
    return d;
}

/* Copies an id (at most HY_ID_LEN bytes, as accounts_sqlite.c does) into `out`. */
static void row_id(struct row *r, int col, char out[HY_ID_LEN + 1]) {
    size_t n = 0;
    if (has_col(r, col) && !PQgetisnull(r->res, r->i, col)) {
        n = (size_t)PQgetlength(r->res, r->i, col);
        if (n > HY_ID_LEN) n = HY_ID_LEN;
        memcpy(out, PQgetvalue(r->res, r->i, col), n);
    }
    out[n] = '\0';
}

/* Fills *ret from row `i` of a USER_COLS result. HY_DB_HARD (and *ret untouched) when the
 * arena is full or a column that cannot be NULL is. */
static int read_user(const PGresult *res, int i, hy_arena *a, struct hy_user *ret) {
    struct row r = {res, i, a, true};
    struct hy_user u;
    memset(&u, 0, sizeof u);
    row_id(&r, 0, u.id);
    u.email = row_text(&r, 1);
    u.phone = row_text(&r, 2);
    u.name = row_text(&r, 3);
    u.password_hash = row_text(&r, 4);
    u.role = row_text(&r, 5);
    u.status = row_text(&r, 6);
    u.language = row_text(&r, 7);
    u.created_at = row_i64(&r, 8);
    u.updated_at = row_i64(&r, 9);
    if (!r.ok || !u.name || !u.role || !u.status || !u.language) return HY_DB_HARD;
    *ret = u;
    return HY_DB_ONE;
}

/* The row count of a command result (DELETE, UPDATE …), or -1. */
static int cmd_count(const PGresult *res) {
    const char *v = PQcmdTuples((PGresult *)res);
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || *end || errno || n < 0 || n > INT32_MAX) return -1;
    return (int)n;
}

/* Runs a statement whose only answer is ONE/NONE (rows touched or not). */
static int exec_plain(hy_store *base, int id, const char *sql, int n, const char *const *p) {
    return hy_pg_exec(hy_pg_of(base), id, sql, n, p, NULL);
}

/* ---- users ---- */

int hy_pg_user_insert(hy_store *base, const struct hy_user *u, const struct hy_volunteer *v) {
    hy_pg *s = hy_pg_of(base);
    if (v && (!isfinite(v->radius_km) || (v->has_area && (!isfinite(v->lat) || !isfinite(v->lon)))))
        return HY_DB_HARD;
    char created[NUM_LEN], updated[NUM_LEN];
    const char *const p[] = {
        u->id,
        u->email,
        u->phone,
        u->name,
        u->password_hash,
        u->role,
        u->status,
        u->language ? u->language : "fa",
        hy_pg_fmt_i64(created, u->created_at),
        hy_pg_fmt_i64(updated, u->updated_at),
    };
    int r = hy_pg_exec(s, Q_USER_INSERT, sql_user_insert, 10, p, NULL);
    /* HY_DB_NONE: the id, e-mail or phone is taken; nothing was written, the transaction goes
     * on, and no profile is inserted for somebody else's row. */
    if (r != HY_DB_ONE || !v) return r;
    char lat[NUM_LEN], lon[NUM_LEN], radius[NUM_LEN];
    const char *const pv[] = {
        u->id,
        v->has_area ? hy_pg_fmt_f64(lat, v->lat) : NULL,
        v->has_area ? hy_pg_fmt_f64(lon, v->lon) : NULL,
        hy_pg_fmt_f64(radius, v->radius_km),
        v->skills ? v->skills : "[]",
        v->languages ? v->languages : "[]",
        v->availability ? v->availability : "",
    };
    r = hy_pg_exec(s, Q_VOL_INSERT, sql_vol_insert, 7, pv, NULL);
    return r == HY_DB_NONE ? HY_DB_HARD : r;
}

static int user_query(hy_pg *s, int id, const char *sql, const char *key, hy_arena *a,
                      struct hy_user *ret) {
    const char *const p[] = {key};
    PGresult *res;
    int r = hy_pg_exec(s, id, sql, 1, p, &res);
    if (r != HY_DB_ONE) return r;
    r = read_user(res, 0, a, ret);
    PQclear(res);
    return r;
}

int hy_pg_user_get(hy_store *base, const char *id, hy_arena *a, struct hy_user *ret) {
    return user_query(hy_pg_of(base), Q_USER_GET, sql_user_get, id, a, ret);
}

int hy_pg_user_by_login(hy_store *base, const char *login, hy_arena *a, struct hy_user *ret) {
    return user_query(hy_pg_of(base), Q_USER_BY_LOGIN, sql_user_by_login, login, a, ret);
}

int hy_pg_user_list(hy_store *base, const struct hy_user_filter *f, hy_arena *a,
                    struct hy_user **ret_users, size_t *ret_total) {
    hy_pg *s = hy_pg_of(base);
    size_t limit = f->limit ? f->limit : 50;
    if (limit > SIZE_MAX / sizeof(struct hy_user) || limit > INT32_MAX) return HY_DB_HARD;
    const char *const pc[] = {f->role, f->status};
    PGresult *res;
    int r = hy_pg_exec(s, Q_USER_COUNT, sql_user_count, 2, pc, &res);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    struct row cnt = {res, 0, a, true};
    int64_t total = row_i64(&cnt, 0);
    PQclear(res);
    if (!cnt.ok || total < 0) return HY_DB_HARD;
    struct hy_user *users = hy_arena_alloc(a, limit * sizeof *users);
    if (!users) return HY_DB_HARD;
    char lim[NUM_LEN], off[NUM_LEN];
    const char *const p[] = {f->role, f->status, hy_pg_fmt_size(lim, limit), hy_pg_fmt_size(off, f->offset)};
    r = hy_pg_exec(s, Q_USER_LIST, sql_user_list, 4, p, &res);
    if (r < 0) return r;
    size_t n = 0;
    if (r == HY_DB_ONE) {
        size_t rows = (size_t)PQntuples(res);
        for (; n < rows && n < limit; n++)
            if (read_user(res, (int)n, a, &users[n]) < 0) {
                PQclear(res);
                return HY_DB_HARD;
            }
        PQclear(res);
    }
    *ret_users = users;
    *ret_total = (size_t)total;
    return (int)n;
}

static int update_user(hy_store *base, int id, const char *sql, const char *uid, const char *value,
                       int64_t now) {
    char t[NUM_LEN];
    const char *const p[] = {uid, value, hy_pg_fmt_i64(t, now)};
    return exec_plain(base, id, sql, 3, p);
}

int hy_pg_user_set_status(hy_store *s, const char *id, const char *status, int64_t now) {
    return update_user(s, Q_USER_STATUS, sql_user_status, id, status, now);
}
int hy_pg_user_set_role(hy_store *s, const char *id, const char *role, int64_t now) {
    return update_user(s, Q_USER_ROLE, sql_user_role, id, role, now);
}
int hy_pg_user_set_password(hy_store *s, const char *id, const char *hash, int64_t now) {
    return update_user(s, Q_USER_PASSWORD, sql_user_password, id, hash, now);
}

int hy_pg_user_set_profile(hy_store *base, const char *id, const char *name, const char *language,
                           int64_t now) {
    char t[NUM_LEN];
    const char *const p[] = {id, name, language, hy_pg_fmt_i64(t, now)};
    return exec_plain(base, Q_USER_PROFILE, sql_user_profile, 4, p);
}

int hy_pg_expired_purge(hy_store *base, int64_t now, int64_t rate_before) {
    char n[NUM_LEN], b[NUM_LEN];
    const char *const pr[] = {hy_pg_fmt_i64(b, rate_before)};
    const char *const pn[] = {hy_pg_fmt_i64(n, now)};
    int r = exec_plain(base, Q_PURGE_RATE, "DELETE FROM rate_limits WHERE window_start < $1::bigint", 1, pr);
    if (r >= 0) r = exec_plain(base, Q_PURGE_SESSIONS, "DELETE FROM sessions WHERE expires_at <= $1::bigint", 1, pn);
    if (r >= 0) r = exec_plain(base, Q_PURGE_RESETS, "DELETE FROM password_resets WHERE expires_at <= $1::bigint", 1, pn);
    return r < 0 ? r : HY_DB_ONE;
}

int hy_pg_volunteer_get(hy_store *base, const char *user_id, hy_arena *a,
                        struct hy_volunteer *ret) {
    const char *const p[] = {user_id};
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_VOL_GET, sql_vol_get, 1, p, &res);
    if (r != HY_DB_ONE) return r;
    struct row w = {res, 0, a, true};
    struct hy_volunteer v;
    memset(&v, 0, sizeof v);
    row_id(&w, 0, v.user_id);
    v.has_area = !PQgetisnull(res, 0, 1);
    v.lat = row_f64(&w, 1);
    v.lon = row_f64(&w, 2);
    v.radius_km = row_f64(&w, 3);
    v.skills = row_text(&w, 4);
    v.languages = row_text(&w, 5);
    v.availability = row_text(&w, 6);
    PQclear(res);
    if (!w.ok || !v.skills || !v.languages || !v.availability) return HY_DB_HARD;
    *ret = v;
    return HY_DB_ONE;
}

/* ---- sessions and tokens ---- */

int hy_pg_session_insert(hy_store *base, const char *token_hash, const char *user_id,
                         const char *csrf, int64_t now, int64_t expires_at) {
    char t[NUM_LEN], e[NUM_LEN];
    const char *const p[] = {token_hash, user_id, csrf, hy_pg_fmt_i64(t, now), hy_pg_fmt_i64(e, expires_at)};
    return exec_plain(base, Q_SESSION_INSERT, sql_session_insert, 5, p);
}

int hy_pg_session_get(hy_store *base, const char *token_hash, hy_arena *a, struct hy_session *ret) {
    const char *const p[] = {token_hash};
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_SESSION_GET, sql_session_get, 1, p, &res);
    if (r != HY_DB_ONE) return r;
    struct row w = {res, 0, a, true};
    struct hy_session v;
    memset(&v, 0, sizeof v);
    row_id(&w, 0, v.user_id);
    v.csrf = row_text(&w, 1);
    v.created_at = row_i64(&w, 2);
    v.last_seen = row_i64(&w, 3);
    v.expires_at = row_i64(&w, 4);
    PQclear(res);
    if (!w.ok || !v.csrf) return HY_DB_HARD;
    *ret = v;
    return HY_DB_ONE;
}

int hy_pg_session_touch(hy_store *base, const char *token_hash, int64_t now) {
    char t[NUM_LEN];
    const char *const p[] = {token_hash, hy_pg_fmt_i64(t, now)};
    return exec_plain(base, Q_SESSION_TOUCH, sql_session_touch, 2, p);
}

int hy_pg_session_delete(hy_store *base, const char *token_hash) {
    const char *const p[] = {token_hash};
    return exec_plain(base, Q_SESSION_DELETE, sql_session_delete, 1, p);
}

int hy_pg_session_delete_user(hy_store *base, const char *user_id) {
    const char *const p[] = {user_id};
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_SESSION_DELETE_USER, sql_session_delete_user, 1, p, &res);
    if (r != HY_DB_ONE) return r;
    r = cmd_count(res);
    PQclear(res);
    return r < 0 ? HY_DB_HARD : r;
}

int hy_pg_token_insert(hy_store *base, const char *token_hash, const char *user_id,
                       const char *name, int64_t now) {
    char t[NUM_LEN];
    const char *const p[] = {token_hash, user_id, name ? name : "", hy_pg_fmt_i64(t, now)};
    return exec_plain(base, Q_TOKEN_INSERT, sql_token_insert, 4, p);
}

int hy_pg_token_get(hy_store *base, const char *token_hash, char *ret_user_id) {
    const char *const p[] = {token_hash};
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_TOKEN_GET, sql_token_get, 1, p, &res);
    if (r != HY_DB_ONE) return r;
    struct row w = {res, 0, NULL, true};
    row_id(&w, 0, ret_user_id);
    PQclear(res);
    return HY_DB_ONE;
}

/* ---- rate limits ---- */

int hy_pg_rate_hit(hy_store *base, const char *key, int64_t now, int64_t window,
                   int64_t *ret_count) {
    char t[NUM_LEN], w[NUM_LEN];
    const char *const p[] = {key, hy_pg_fmt_i64(t, now), hy_pg_fmt_i64(w, window)};
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_RATE_HIT, sql_rate_hit, 3, p, &res);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    struct row row = {res, 0, NULL, true};
    int64_t count = row_i64(&row, 0);
    PQclear(res);
    if (!row.ok) return HY_DB_HARD;
    *ret_count = count;
    return HY_DB_ONE;
}

int hy_pg_rate_clear(hy_store *base, const char *key) {
    const char *const p[] = {key};
    return exec_plain(base, Q_RATE_CLEAR, sql_rate_clear, 1, p);
}

/* ---- audit log ---- */

int hy_pg_audit_insert(hy_store *base, int64_t at, const char *actor_id, const char *action,
                       const char *subject_id, const char *detail) {
    char t[NUM_LEN];
    const char *const p[] = {hy_pg_fmt_i64(t, at), actor_id, action, subject_id, detail ? detail : ""};
    return exec_plain(base, Q_AUDIT_INSERT, sql_audit_insert, 5, p);
}

int hy_pg_audit_list(hy_store *base, int64_t before, size_t limit, hy_arena *a,
                     struct hy_audit_entry **ret_entries) {
    if (!limit) limit = 50;
    if (limit > SIZE_MAX / sizeof(struct hy_audit_entry) || limit > INT32_MAX) return HY_DB_HARD;
    struct hy_audit_entry *e = hy_arena_alloc(a, limit * sizeof *e);
    if (!e) return HY_DB_HARD;
    char b[NUM_LEN], l[NUM_LEN];
    const char *const p[] = {hy_pg_fmt_i64(b, before), hy_pg_fmt_size(l, limit)};
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_AUDIT_LIST, sql_audit_list, 2, p, &res);
    if (r < 0) return r;
    size_t n = 0;
    if (r == HY_DB_ONE) {
        size_t rows = (size_t)PQntuples(res);
        struct row w = {res, 0, a, true};
        for (; n < rows && n < limit; n++) {
            w.i = (int)n;
            e[n].id = row_i64(&w, 0);
            e[n].at = row_i64(&w, 1);
            e[n].actor_id = row_text(&w, 2);
            e[n].action = row_text(&w, 3);
            e[n].subject_id = row_text(&w, 4);
            e[n].detail = row_text(&w, 5);
            if (!w.ok || !e[n].action || !e[n].detail) break;
        }
        PQclear(res);
        if (!w.ok || n < rows) return HY_DB_HARD;
    }
    *ret_entries = e;
    return (int)n;
}

/* ---- password resets ---- */

int hy_pg_reset_insert(hy_store *base, const char *token_hash, const char *user_id,
                       int64_t expires_at) {
    char e[NUM_LEN];
    const char *const p[] = {token_hash, user_id, hy_pg_fmt_i64(e, expires_at)};
    return exec_plain(base, Q_RESET_INSERT, sql_reset_insert, 3, p);
}

int hy_pg_reset_take(hy_store *base, const char *token_hash, int64_t now, char *ret_user_id) {
    char t[NUM_LEN];
    const char *const p[] = {token_hash, hy_pg_fmt_i64(t, now)};
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_RESET_TAKE, sql_reset_take, 2, p, &res);
    if (r != HY_DB_ONE) return r;
    struct row w = {res, 0, NULL, true};
    row_id(&w, 0, ret_user_id);
    PQclear(res);
    return HY_DB_ONE;
}

/* ---- outbox ---- */

int hy_pg_outbox_insert(hy_store *base, const struct hy_outbox_message *m) {
    char t[NUM_LEN];
    const char *const p[] = {hy_pg_fmt_i64(t, m->created_at), m->recipient, m->channel, m->language,
                             m->template_name,          m->payload};
    return exec_plain(base, Q_OUTBOX_INSERT, sql_outbox_insert, 6, p);
}

int hy_pg_outbox_list(hy_store *base, const char *recipient, size_t limit, hy_arena *a,
                      struct hy_outbox_message **ret) {
    if (!limit) limit = 10;
    if (limit > SIZE_MAX / sizeof(struct hy_outbox_message) || limit > INT32_MAX) return HY_DB_HARD;
    struct hy_outbox_message *m = hy_arena_alloc(a, limit * sizeof *m);
    if (!m) return HY_DB_HARD;
    char l[NUM_LEN];
    const char *const p[] = {recipient, hy_pg_fmt_size(l, limit)};
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_OUTBOX_LIST, sql_outbox_list, 2, p, &res);
    if (r < 0) return r;
    size_t n = 0;
    if (r == HY_DB_ONE) {
        size_t rows = (size_t)PQntuples(res);
        struct row w = {res, 0, a, true};
        for (; n < rows && n < limit; n++) {
            w.i = (int)n;
            m[n].created_at = row_i64(&w, 0);
            m[n].recipient = row_text(&w, 1);
            m[n].channel = row_text(&w, 2);
            m[n].language = row_text(&w, 3);
            m[n].template_name = row_text(&w, 4);
            m[n].payload = row_text(&w, 5);
            if (!w.ok || !m[n].recipient || !m[n].channel || !m[n].language ||
                !m[n].template_name || !m[n].payload)
                break;
        }
        PQclear(res);
        if (!w.ok || n < rows) return HY_DB_HARD;
    }
    *ret = m;
    return (int)n;
}
