/* store_sqlite.c — the embedded SQLite backend.
 *
 * One connection per thread (SQLITE_OPEN_NOMUTEX), WAL, synchronous=FULL so that whatever we
 * confirmed to a person survives a power cut, secure_delete so erased personal data does not
 * linger in free pages, foreign keys on. Statements are prepared once per connection, on first
 * use, and reset after each use. Writes begin with BEGIN IMMEDIATE (a deferred transaction that
 * reads and then writes can fail with SQLITE_BUSY despite the busy timeout). */
#include "store/sqlite/store_sqlite.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/migrations_sqlite.h"
#include "store/library.h"
#include "store/groups.h"
#include "store/requests.h"

static const char *const hy__sql[HY_SQ__COUNT] = {
    [HY_SQ_BEGIN_READ] = "BEGIN DEFERRED",
    [HY_SQ_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [HY_SQ_COMMIT] = "COMMIT",
    [HY_SQ_ROLLBACK] = "ROLLBACK",
    [HY_SQ_SCHEMA_VERSION] = "SELECT coalesce(max(version),0) FROM schema_migrations",
    [HY_SQ_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [HY_SQ_META_SET] = ("INSERT INTO meta(key, value) VALUES (?1, ?2) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
    [HY_SQ_META_DELETE] = "DELETE FROM meta WHERE key = ?1",
    [HY_SQ_SAVEPOINT] = "SAVEPOINT hy_job",
    [HY_SQ_RELEASE] = "RELEASE SAVEPOINT hy_job",
    [HY_SQ_ROLLBACK_TO] = "ROLLBACK TO SAVEPOINT hy_job",
};

int hy_sq_status(hy_sqlite *s, int rc) {
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return HY_DB_ONE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return HY_DB_SOFT;
    case SQLITE_FULL:
        return HY_DB_FULL;
    default:
        return HY_DB_HARD;
    }
}

sqlite3_stmt *hy_sq_stmt(hy_sqlite *s, int id, const char *sql) {
    if (id < 0 || id >= HY_SQ_MAX_STMTS) return NULL;
    sqlite3_stmt *st = s->stmts[id];
    if (!st) {
        if (!sql && id < HY_SQ__COUNT) sql = hy__sql[id];
        if (!sql) return NULL;
        if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
            SQLITE_OK)
            return NULL;
        s->stmts[id] = st;
    }
    /* BEGIN DEFERRED would let a read transaction write; the contract says it cannot.
     * (PRAGMA query_only per transaction would expire every prepared statement.) */
    if (((s->in_tx && s->tx_read) || s->single) && !sqlite3_stmt_readonly(st)) return NULL;
    return st;
}

int hy_sq_exec_stmt(hy_sqlite *s, sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    int r = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? HY_DB_ONE : hy_sq_status(s, rc);
    if (r == HY_DB_ONE && sqlite3_changes(s->db) == 0 && rc == SQLITE_DONE &&
        sqlite3_stmt_readonly(st) == 0)
        r = HY_DB_NONE;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r;
}

static int hy__simple(hy_sqlite *s, int id) {
    sqlite3_stmt *st = hy_sq_stmt(s, id, NULL);
    if (!st) return HY_DB_HARD;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? HY_DB_ONE : hy_sq_status(s, rc);
}

/* SQLite counts every allocation under one global mutex unless told not to; we never read
 * the counts, and the worker threads would queue on that mutex. */
static pthread_once_t hy__config_once = PTHREAD_ONCE_INIT;
static void hy__config(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static int hy__connect(const char *path, hy_store **ret, char **ret_err) {
    pthread_once(&hy__config_once, hy__config);
    hy_sqlite *s = calloc(1, sizeof *s);
    if (!s) return HY_DB_HARD;
    s->base.ops = &hy_store_sqlite_ops;
    int rc = sqlite3_open_v2(path, &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                                 SQLITE_OPEN_URI,
                             NULL);
    if (rc != SQLITE_OK) {
        if (ret_err) {
            const char *m = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
            size_t n = strlen(path) + strlen(m) + 32;
            *ret_err = malloc(n);
            if (*ret_err) snprintf(*ret_err, n, "cannot open %s: %s", path, m);
        }
        sqlite3_close_v2(s->db);
        free(s);
        return HY_DB_HARD;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 5000);
    static const char *const pragmas =
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=FULL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA secure_delete=ON;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA cache_size=-16384;";
    char *err = NULL;
    if (sqlite3_exec(s->db, pragmas, NULL, NULL, &err) != SQLITE_OK) {
        if (ret_err) {
            size_t n = strlen(err ? err : "?") + strlen(path) + 32;
            *ret_err = malloc(n);
            if (*ret_err) snprintf(*ret_err, n, "cannot set up %s: %s", path, err ? err : "?");
        }
        sqlite3_free(err);
        sqlite3_close_v2(s->db);
        free(s);
        return HY_DB_HARD;
    }
    *ret = &s->base;
    return HY_DB_ONE;
}

static void hy__disconnect(hy_store *base) {
    if (!base) return;
    hy_sqlite *s = hy_sq(base);
    for (int i = 0; i < HY_SQ_MAX_STMTS; i++) sqlite3_finalize(s->stmts[i]);
    sqlite3_close_v2(s->db);
    free(s);
}

static int hy__begin(hy_store *base, enum hy_tx_mode mode) {
    hy_sqlite *s = hy_sq(base);
    if (s->in_tx) return HY_DB_HARD;
    /* HY_TX_SINGLE saves PostgreSQL the round trips of BEGIN and COMMIT. Here they cost
     * nothing, while every statement outside a transaction takes and drops the file's read
     * lock (fcntl) and the WAL snapshot again: one read transaction is cheaper and gives the
     * statements one snapshot, which the contract allows. */
    if (mode == HY_TX_SINGLE) mode = HY_TX_READ;
    if (mode == HY_TX_ATOMIC || mode == HY_TX_INSERT) mode = HY_TX_WRITE;
    s->single = false;
    int r = hy__simple(s, mode == HY_TX_WRITE ? HY_SQ_BEGIN_WRITE : HY_SQ_BEGIN_READ);
    if (r == HY_DB_ONE) {
        s->in_tx = true;
        s->tx_read = mode == HY_TX_READ;
    }
    return r;
}

static int hy__commit(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (s->single) {
        s->single = false;
        return HY_DB_ONE;
    }
    int r = hy__simple(s, HY_SQ_COMMIT);
    if (r == HY_DB_ONE || sqlite3_get_autocommit(s->db)) s->in_tx = false;
    return r;
}

static void hy__rollback(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (!sqlite3_get_autocommit(s->db)) hy__simple(s, HY_SQ_ROLLBACK);
    s->in_tx = false;
}

static bool hy__in_tx(const hy_store *base) {
    const hy_sqlite *s = (const hy_sqlite *)base;
    return s->in_tx;
}

/* Savepoints inside a write transaction. An error that made SQLite roll the whole transaction
 * back (SQLITE_FULL, an I/O error) leaves no savepoint: ROLLBACK TO then fails, and the caller
 * fails the transaction. */
static int hy__savepoint(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (!s->in_tx || s->tx_read) return HY_DB_HARD;
    return hy__simple(s, HY_SQ_SAVEPOINT);
}

static int hy__savepoint_release(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (!s->in_tx || sqlite3_get_autocommit(s->db)) return HY_DB_HARD;
    return hy__simple(s, HY_SQ_RELEASE);
}

static int hy__savepoint_rollback(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (!s->in_tx || sqlite3_get_autocommit(s->db)) return HY_DB_HARD;
    int r = hy__simple(s, HY_SQ_ROLLBACK_TO);
    return r < 0 ? r : hy__simple(s, HY_SQ_RELEASE);
}

static int hy__schema_version(hy_store *base, int *ret) {
    hy_sqlite *s = hy_sq(base);
    /* The statement is prepared once the table exists; before the first migration it does
     * not, and preparing fails: look then whether the table is really missing. */
    sqlite3_stmt *st = hy_sq_stmt(s, HY_SQ_SCHEMA_VERSION, NULL);
    int rc;
    if (!st) {
        sqlite3_stmt *probe;
        if (sqlite3_prepare_v2(s->db,
                               "SELECT 1 FROM sqlite_master WHERE type='table' AND "
                               "name='schema_migrations'",
                               -1, &probe, NULL) != SQLITE_OK)
            return hy_sq_status(s, sqlite3_errcode(s->db));
        rc = sqlite3_step(probe);
        sqlite3_finalize(probe);
        if (rc == SQLITE_DONE) {
            *ret = 0;
            return HY_DB_ONE;
        }
        return rc == SQLITE_ROW ? HY_DB_HARD : hy_sq_status(s, rc);
    }
    rc = sqlite3_step(st);
    int r = hy_sq_status(s, rc);
    if (rc == SQLITE_ROW) *ret = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return r;
}

static int hy__migrate(hy_store *base, int *ret_version) {
    hy_sqlite *s = hy_sq(base);
    char *err = NULL;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK) {
        sqlite3_free(err);
        return hy_sq_status(s, sqlite3_errcode(s->db));
    }
    int r = HY_DB_ONE;
    if (sqlite3_exec(s->db,
                     "CREATE TABLE IF NOT EXISTS schema_migrations ("
                     " version INTEGER PRIMARY KEY,"
                     " applied_at INTEGER NOT NULL)",
                     NULL, NULL, &err) != SQLITE_OK) {
        r = HY_DB_HARD;
        goto out;
    }
    /* Steps are applied by set, not by "above the newest": a step added below one that is
     * already applied (features land in any order) is still applied. */
    int have = 0;
    bool applied[256] = {false};
    {
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(s->db, "SELECT version FROM schema_migrations", -1, &q, NULL) !=
            SQLITE_OK) {
            r = HY_DB_HARD;
            goto out;
        }
        int rc;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            int v = sqlite3_column_int(q, 0);
            if (v >= 0 && v < 256) applied[v] = true;
            if (v > have) have = v;
        }
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE) {
            r = hy_sq_status(s, rc);
            goto out;
        }
    }
    for (size_t i = 0; i < hy_sqlite_migrations_count; i++) {
        const struct hy_migration *m = &hy_sqlite_migrations[i];
        if (m->version >= 0 && m->version < 256 && applied[m->version]) continue;
        if (sqlite3_exec(s->db, m->sql, NULL, NULL, &err) != SQLITE_OK) {
            r = HY_DB_HARD;
            goto out;
        }
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->db,
                               "INSERT INTO schema_migrations(version, applied_at) "
                               "VALUES (?1, CAST(strftime('%s','now') AS INTEGER))",
                               -1, &st, NULL) != SQLITE_OK) {
            r = HY_DB_HARD;
            goto out;
        }
        sqlite3_bind_int(st, 1, m->version);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            r = hy_sq_status(s, rc);
            goto out;
        }
        if (m->version > have) have = m->version;
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
        r = hy_sq_status(s, sqlite3_errcode(s->db));
        goto out;
    }
    *ret_version = have;
    return HY_DB_ONE;
out:
    sqlite3_free(err);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return r < 0 ? r : HY_DB_HARD;
}

static int hy__meta_get(hy_store *base, const char *key, char **ret_value) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, HY_SQ_META_GET, NULL);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int r;
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        char *copy = malloc(n + 1);
        if (copy) {
            memcpy(copy, v ? v : "", n);
            copy[n] = '\0';
            *ret_value = copy;
            r = HY_DB_ONE;
        } else {
            r = HY_DB_HARD;
        }
    } else {
        r = rc == SQLITE_DONE ? HY_DB_NONE : hy_sq_status(s, rc);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r;
}

static int hy__meta_set(hy_store *base, const char *key, const char *value) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, HY_SQ_META_SET, NULL);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    return hy_sq_exec_stmt(s, st);
}

static int hy__meta_delete(hy_store *base, const char *key) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, HY_SQ_META_DELETE, NULL);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    return hy_sq_exec_stmt(s, st);
}

static int hy__integrity_check(hy_store *base, char **ret_report) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return HY_DB_HARD;
    int rc = sqlite3_step(st);
    int r = HY_DB_HARD;
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        r = (v && strcmp(v, "ok") == 0) ? HY_DB_ONE : HY_DB_NONE;
        if (ret_report && v) {
            size_t n = strlen(v) + 1;
            *ret_report = malloc(n);
            if (*ret_report) memcpy(*ret_report, v, n);
        }
    } else {
        r = hy_sq_status(s, rc);
    }
    sqlite3_finalize(st);
    return r;
}

const struct hy_store_ops hy_store_sqlite_ops = {
    .abi = HY_STORE_ABI,
    .name = "sqlite",
    .batch_writers = 1,
    .rate_hit_outside_batch = false,
    .connect = hy__connect,
    .disconnect = hy__disconnect,
    .migrate = hy__migrate,
    .begin = hy__begin,
    .commit = hy__commit,
    .rollback = hy__rollback,
    .in_transaction = hy__in_tx,
    .savepoint = hy__savepoint,
    .savepoint_release = hy__savepoint_release,
    .savepoint_rollback = hy__savepoint_rollback,
    .schema_version = hy__schema_version,
    .meta_get = hy__meta_get,
    .meta_set = hy__meta_set,
    .meta_delete = hy__meta_delete,
    .integrity_check = hy__integrity_check,
    .user_insert = hy_sq_user_insert,
    .user_get = hy_sq_user_get,
    .user_by_login = hy_sq_user_by_login,
    .user_list = hy_sq_user_list,
    .user_set_status = hy_sq_user_set_status,
    .user_set_role = hy_sq_user_set_role,
    .user_set_password = hy_sq_user_set_password,
    .volunteer_get = hy_sq_volunteer_get,
    .session_insert = hy_sq_session_insert,
    .session_get = hy_sq_session_get,
    .session_touch = hy_sq_session_touch,
    .session_delete = hy_sq_session_delete,
    .session_delete_user = hy_sq_session_delete_user,
    .token_insert = hy_sq_token_insert,
    .token_get = hy_sq_token_get,
    .rate_hit = hy_sq_rate_hit,
    .rate_clear = hy_sq_rate_clear,
    .audit_insert = hy_sq_audit_insert,
    .audit_list = hy_sq_audit_list,
    .reset_insert = hy_sq_reset_insert,
    .reset_take = hy_sq_reset_take,
    .outbox_insert = hy_sq_outbox_insert,
    .outbox_list = hy_sq_outbox_list,
    .user_set_profile = hy_sq_user_set_profile,
    .expired_purge = hy_sq_expired_purge,
    .groups = &hy_sq_group_ops,
    .requests = &hy_sq_request_ops,
    .library = &hy_sq_library_ops,
};
