/* store_sqlite.h — internals shared by the SQLite backend's files. Not for other modules. */
#ifndef HY_STORE_SQLITE_H
#define HY_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "store/store.h"

/* Statement ids of the core file; feature files take ids from HY_SQ__COUNT upward in their own
 * ranges (see the list below) so that every statement has one slot per connection. */
enum {
    HY_SQ_BEGIN_READ,
    HY_SQ_BEGIN_WRITE,
    HY_SQ_COMMIT,
    HY_SQ_ROLLBACK,
    HY_SQ_SCHEMA_VERSION,
    HY_SQ_META_GET,
    HY_SQ_META_SET,
    HY_SQ_META_DELETE,
    HY_SQ_SAVEPOINT,
    HY_SQ_RELEASE,
    HY_SQ_ROLLBACK_TO,
    HY_SQ__COUNT,
    /* Ranges for feature files: */
    HY_SQ_ACCOUNTS_BASE = 32,
    HY_SQ_GROUPS_BASE = 96,
    HY_SQ_REQUESTS_BASE = 160,
    HY_SQ_LIBRARY_BASE = 224,
    HY_SQ_MAX_STMTS = 320,
};

typedef struct hy_sqlite {
    struct hy_store base;
    sqlite3 *db;
    bool in_tx;
    bool single; /* HY_TX_SINGLE: no BEGIN, read-only */
    bool tx_read; /* the open transaction is HY_TX_READ: hy_sq_stmt() refuses writes */
    sqlite3_stmt *stmts[HY_SQ_MAX_STMTS];
} hy_sqlite;

static inline hy_sqlite *hy_sq(hy_store *s) { return (hy_sqlite *)s; }

/* ---- small helpers every SQLite feature file uses ---- */

/* The text of column i copied into the arena, or NULL for SQL NULL. A copy that fails (the
 * arena is full, SQLite is out of memory) also gives NULL and clears *ok, so that a missing
 * value is never mistaken for an SQL NULL (a NULL password_hash means "no password"). */
static inline const char *hy_sq_col_text(sqlite3_stmt *st, int i, hy_arena *a, bool *ok) {
    if (sqlite3_column_type(st, i) == SQLITE_NULL) return NULL;
    const char *v = (const char *)sqlite3_column_text(st, i);
    char *copy = v ? hy_arena_strndup(a, v, (size_t)sqlite3_column_bytes(st, i)) : NULL;
    if (!copy) *ok = false;
    return copy;
}

/* Copies column i (an id) into out, which holds HY_ID_LEN + 1 bytes. */
static inline void hy_sq_col_id(sqlite3_stmt *st, int i, char *out) {
    const char *v = (const char *)sqlite3_column_text(st, i);
    size_t n = v ? strlen(v) : 0;
    if (n > HY_ID_LEN) n = HY_ID_LEN;
    if (n) memcpy(out, v, n);
    out[n] = '\0';
}

/* Binds text (NULL binds SQL NULL); the string must outlive the statement's step. */
static inline void hy_sq_bind_text(sqlite3_stmt *st, int i, const char *v) {
    if (v) sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}

/* A row count or offset as an SQL integer: past INT64_MAX a cast would turn it negative,
 * which SQLite reads as "no limit" / "no offset". */
static inline sqlite3_int64 hy_sq_clamp_i64(size_t v) {
    return v > (size_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)v;
}

/* Resets a statement for its next use and passes `r` through. */
static inline int hy_sq_finish(sqlite3_stmt *st, int r) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r;
}


/* Maps an SQLite result code to a store status. */
int hy_sq_status(hy_sqlite *s, int rc);
/* The connection's prepared statement `id`, prepared from `sql` on first use (core ids may pass
 * NULL). Owned by the connection; reset it after use. NULL also when the statement writes and
 * the open transaction is a HY_TX_READ one (as PostgreSQL's READ ONLY refuses it). */
sqlite3_stmt *hy_sq_stmt(hy_sqlite *s, int id, const char *sql);
/* Steps a statement that returns no rows, resets it and clears its bindings. Returns
 * HY_DB_NONE for a write that changed no row. */
int hy_sq_exec_stmt(hy_sqlite *s, sqlite3_stmt *st);

/* Accounts (accounts_sqlite.c). */
int hy_sq_user_insert(hy_store *s, const struct hy_user *u, const struct hy_volunteer *v);
int hy_sq_user_get(hy_store *s, const char *id, hy_arena *a, struct hy_user *ret);
int hy_sq_user_by_login(hy_store *s, const char *login, hy_arena *a, struct hy_user *ret);
int hy_sq_user_list(hy_store *s, const struct hy_user_filter *f, hy_arena *a,
                    struct hy_user **ret_users, size_t *ret_total);
int hy_sq_user_set_status(hy_store *s, const char *id, const char *status, int64_t now);
int hy_sq_user_set_role(hy_store *s, const char *id, const char *role, int64_t now);
int hy_sq_user_set_password(hy_store *s, const char *id, const char *hash, int64_t now);
int hy_sq_volunteer_get(hy_store *s, const char *user_id, hy_arena *a, struct hy_volunteer *ret);
int hy_sq_session_insert(hy_store *s, const char *token_hash, const char *user_id,
                         const char *csrf, int64_t now, int64_t expires_at);
int hy_sq_session_get(hy_store *s, const char *token_hash, hy_arena *a, struct hy_session *ret);
int hy_sq_session_touch(hy_store *s, const char *token_hash, int64_t now);
int hy_sq_session_delete(hy_store *s, const char *token_hash);
int hy_sq_session_delete_user(hy_store *s, const char *user_id);
int hy_sq_token_insert(hy_store *s, const char *token_hash, const char *user_id,
                       const char *name, int64_t now);
int hy_sq_token_get(hy_store *s, const char *token_hash, char *ret_user_id);
int hy_sq_rate_hit(hy_store *s, const char *key, int64_t now, int64_t window, int64_t *ret_count);
int hy_sq_rate_clear(hy_store *s, const char *key);
int hy_sq_audit_insert(hy_store *s, int64_t at, const char *actor_id, const char *action,
                       const char *subject_id, const char *detail);
int hy_sq_audit_list(hy_store *s, int64_t before, size_t limit, hy_arena *a,
                     struct hy_audit_entry **ret_entries);
int hy_sq_reset_insert(hy_store *s, const char *token_hash, const char *user_id,
                       int64_t expires_at);
int hy_sq_reset_take(hy_store *s, const char *token_hash, int64_t now, char *ret_user_id);
int hy_sq_expired_purge(hy_store *s, int64_t now, int64_t rate_before);
int hy_sq_user_set_profile(hy_store *s, const char *id, const char *name,
                           const char *language, int64_t now);
int hy_sq_outbox_insert(hy_store *s, const struct hy_outbox_message *m);
int hy_sq_outbox_list(hy_store *s, const char *recipient, size_t limit, hy_arena *a,
                      struct hy_outbox_message **ret);

#endif
