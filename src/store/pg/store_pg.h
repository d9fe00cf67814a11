/* store_pg.h — internals shared by the PostgreSQL backend's files. Not for other modules. */
#ifndef HY_STORE_PG_H
#define HY_STORE_PG_H

#include <inttypes.h>
#include <stdio.h>
#include <libpq-fe.h>

#include "store/store.h"

/* Statement ids of the core file; feature files take ids from HY_PG__COUNT upward in their own
 * ranges (the same ranges as the SQLite backend's) so that every statement has one prepared
 * slot per connection. The server-side name of statement `id` is "hy<id>". */
enum {
    HY_PG_BEGIN_READ,
    HY_PG_BEGIN_WRITE,
    HY_PG_BEGIN_INSERT,
    HY_PG_COMMIT,
    HY_PG_ROLLBACK,
    HY_PG_SCHEMA_PROBE,
    HY_PG_SCHEMA_VERSION,
    HY_PG_META_GET,
    HY_PG_META_SET,
    HY_PG_META_DELETE,
    HY_PG_INTEGRITY,
    HY_PG_SAVEPOINT,
    HY_PG_RELEASE,
    HY_PG_ROLLBACK_TO,
    HY_PG__COUNT,
    /* Ranges for feature files: */
    HY_PG_ACCOUNTS_BASE = 32,
    HY_PG_GROUPS_BASE = 96,
    HY_PG_REQUESTS_BASE = 160,
    HY_PG_LIBRARY_BASE = 224,
    HY_PG_MAX_STMTS = 320,
};

typedef struct hy_pg {
    struct hy_store base;
    PGconn *conn;
    bool in_tx;
    bool single; /* HY_TX_SINGLE: no BEGIN */
    bool need_reset;                /* the connection broke: PQreset() at the next begin */
    bool prepared[HY_PG_MAX_STMTS]; /* statement "hy<id>" exists on this connection */
} hy_pg;

static inline hy_pg *hy_pg_of(hy_store *s) { return (hy_pg *)s; }

/* ---- parameters as text (every value goes to PostgreSQL as a bound text parameter) ---- */

#define HY_PG_NUM_LEN 32

static inline const char *hy_pg_fmt_i64(char buf[HY_PG_NUM_LEN], int64_t v) {
    snprintf(buf, HY_PG_NUM_LEN, "%" PRId64, v);
    return buf;
}

/* A size_t as a bigint parameter, clamped to INT64_MAX (a larger LIMIT/OFFSET means "all"). */
static inline const char *hy_pg_fmt_size(char buf[HY_PG_NUM_LEN], size_t v) {
    return hy_pg_fmt_i64(buf, v > (size_t)INT64_MAX ? INT64_MAX : (int64_t)v);
}

/* 17 significant digits read back as the same double; -0.0 is sent as 0, as SQLite keeps it.
 * Callers refuse NaN and infinities before. */
static inline const char *hy_pg_fmt_f64(char buf[HY_PG_NUM_LEN], double v) {
    if (v == 0) v = 0;
    snprintf(buf, HY_PG_NUM_LEN, "%.17g", v);
    return buf;
}


/* Maps a result (NULL when libpq could not even build one) to a store status:
 * SQLSTATE 40001, 40P01, 55P03 → HY_DB_SOFT; a broken connection → HY_DB_SOFT and the
 * connection is marked for PQreset() at the next begin; any other failure → HY_DB_HARD;
 * PGRES_COMMAND_OK / PGRES_TUPLES_OK → HY_DB_ONE. Does not clear `res`. */
int hy_pg_status(hy_pg *s, const PGresult *res);

/* Executes statement `id` with `nparams` text parameters (`values[i]` NULL means SQL NULL),
 * preparing it first as "hy<id>" from `sql` if this connection has not yet done so (core ids
 * may pass sql NULL). Returns:
 *   HY_DB_ONE   a command that touched at least one row (or a command without a row count,
 *               like BEGIN), or a query that returned at least one row;
 *   HY_DB_NONE  an INSERT/UPDATE/DELETE that touched no row, or a query without rows;
 *   < 0         as hy_pg_status().
 * When HY_DB_ONE is returned and ret_res is set, *ret_res is the result, owned by the caller
 * (PQclear()); otherwise the result is freed here and *ret_res is untouched. */
int hy_pg_exec(hy_pg *s, int id, const char *sql, int nparams, const char *const *values,
               PGresult **ret_res);

/* Accounts (accounts_pg.c): the ABI 2 functions of store.h, with the semantics of
 * accounts_sqlite.c. */
int hy_pg_user_insert(hy_store *s, const struct hy_user *u, const struct hy_volunteer *v);
int hy_pg_user_get(hy_store *s, const char *id, hy_arena *a, struct hy_user *ret);
int hy_pg_user_by_login(hy_store *s, const char *login, hy_arena *a, struct hy_user *ret);
int hy_pg_user_list(hy_store *s, const struct hy_user_filter *f, hy_arena *a,
                    struct hy_user **ret_users, size_t *ret_total);
int hy_pg_user_set_status(hy_store *s, const char *id, const char *status, int64_t now);
int hy_pg_user_set_role(hy_store *s, const char *id, const char *role, int64_t now);
int hy_pg_user_set_password(hy_store *s, const char *id, const char *hash, int64_t now);
int hy_pg_expired_purge(hy_store *s, int64_t now, int64_t rate_before);
int hy_pg_user_set_profile(hy_store *s, const char *id, const char *name, const char *language,
                           int64_t now);
int hy_pg_volunteer_get(hy_store *s, const char *user_id, hy_arena *a, struct hy_volunteer *ret);
int hy_pg_session_insert(hy_store *s, const char *token_hash, const char *user_id,
                         const char *csrf, int64_t now, int64_t expires_at);
int hy_pg_session_get(hy_store *s, const char *token_hash, hy_arena *a, struct hy_session *ret);
int hy_pg_session_touch(hy_store *s, const char *token_hash, int64_t now);
int hy_pg_session_delete(hy_store *s, const char *token_hash);
int hy_pg_session_delete_user(hy_store *s, const char *user_id);
int hy_pg_token_insert(hy_store *s, const char *token_hash, const char *user_id,
                       const char *name, int64_t now);
int hy_pg_token_get(hy_store *s, const char *token_hash, char *ret_user_id);
int hy_pg_rate_hit(hy_store *s, const char *key, int64_t now, int64_t window, int64_t *ret_count);
int hy_pg_rate_clear(hy_store *s, const char *key);
int hy_pg_audit_insert(hy_store *s, int64_t at, const char *actor_id, const char *action,
                       const char *subject_id, const char *detail);
int hy_pg_audit_list(hy_store *s, int64_t before, size_t limit, hy_arena *a,
                     struct hy_audit_entry **ret_entries);
int hy_pg_reset_insert(hy_store *s, const char *token_hash, const char *user_id,
                       int64_t expires_at);
int hy_pg_reset_take(hy_store *s, const char *token_hash, int64_t now, char *ret_user_id);
int hy_pg_outbox_insert(hy_store *s, const struct hy_outbox_message *m);
int hy_pg_outbox_list(hy_store *s, const char *recipient, size_t limit, hy_arena *a,
                      struct hy_outbox_message **ret);

#endif
