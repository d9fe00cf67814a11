/* store_sqlite.c — the embedded SQLite backend.
 *
 * One connection per thread (SQLITE_OPEN_NOMUTEX), WAL, synchronous=FULL so that whatever we
 * confirmed to a person survives a power cut, secure_delete so erased personal data does not
 * linger in free pages, foreign keys on. Statements are prepared once per connection, on first
 * use (SQLITE_PREPARE_PERSISTENT, from the shared lists rewritten into SQLite's words), and
 * reset after each use. Writes begin with BEGIN IMMEDIATE (a deferred transaction that reads
 * and then writes can fail with SQLITE_BUSY despite the busy timeout).
 *
 * This file is the backend's engine (store/engine.h): the shared store code runs its
 * statements through hy_sq_engine, binding and row reading are sq_row.c's. */
#include "store/sqlite/store_sqlite.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/groups.h"
#include "store/datasets.h"
#include "store/library.h"
#include "store/trees.h"
#include "store/board.h"
#include "store/news.h"
#include "store/skills.h"
#include "store/challenges.h"
#include "store/faq.h"
#include "store/requests.h"
#include "store/shared.h"
#include "store/sqlite/migrations_sqlite.h"

/* The text of every statement: the shared lists of store/sql/ and this backend's sq_sql.def. */
static const char *const statement_text[HY_SQ__STMTS] = {
#define HY_SQL(id, text) [HY_Q_##id] = (text),
#define HY_DIALECT(id)
#define HY_SQ_OWN(id, text) [HY_SQ_Q_##id] = (text),
#include "store/sql/all.def"
#include "store/sqlite/sq_sql.def"
#undef HY_SQL
#undef HY_DIALECT
#undef HY_SQ_OWN
};

/* The shared statements are written in PostgreSQL's words (store/sql/stmt.h). A malloc()ed copy
 * of `sql` in SQLite's: $N becomes ?N; a cast "::type" or "::type[]" is dropped (SQLite binds
 * typed values); COLLATE "C" is dropped (SQLite's BINARY collation is byte order already, and
 * an explicit collation would keep SQLite from walking an index in order). Quoted strings are
 * copied as they are. NULL when out of memory. */
static char *sqlite_words(const char *sql) {
    static const char collate[] = " COLLATE \"C\"";
    size_t n = strlen(sql);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        char c = sql[i];
        if (c == '\'') { /* a string literal, '' inside included */
            size_t j = i + 1;
            while (j < n && !(sql[j] == '\'' && sql[j + 1] != '\''))
                j += sql[j] == '\'' ? 2 : 1;
            j = j < n ? j + 1 : n;
            memcpy(out + w, sql + i, j - i);
            w += j - i;
            i = j;
        } else if (c == '$' && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            out[w++] = '?';
            i++;
        } else if (c == ':' && sql[i + 1] == ':') {
            i += 2;
            while (i < n && (sql[i] == '_' || (sql[i] >= 'a' && sql[i] <= 'z') ||
                             (sql[i] >= 'A' && sql[i] <= 'Z') || (sql[i] >= '0' && sql[i] <= '9')))
                i++;
            if (sql[i] == '[' && sql[i + 1] == ']') i += 2;
        } else if (strncmp(sql + i, collate, sizeof collate - 1) == 0) {
            i += sizeof collate - 1;
        } else {
            out[w++] = c;
            i++;
        }
    }
    out[w] = '\0';
    return out;
}

int hy_sq_status(hy_sqlite *s, int rc) {
    (void)s;
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

sqlite3_stmt *hy_sq_stmt(hy_sqlite *s, int id) {
    if (id < 0 || id >= HY_SQ__STMTS) return NULL;
    sqlite3_stmt *st = s->stmts[id];
    if (!st) {
        char *sql = sqlite_words(statement_text[id]);
        if (!sql) return NULL;
        int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        free(sql);
        if (rc != SQLITE_OK) return NULL;
        s->stmts[id] = st;
    }
    /* BEGIN DEFERRED would let a read transaction write; the contract says it cannot.
     * (PRAGMA query_only per transaction would expire every prepared statement.) */
    if (((s->in_tx && s->tx_read) || s->single) && !sqlite3_stmt_readonly(st)) return NULL;
    return st;
}

sqlite3_stmt *hy_sq_bound(hy_sqlite *s, int id, const struct hy_arg *args, size_t nargs) {
    sqlite3_stmt *st = hy_sq_stmt(s, id);
    if (!st) return NULL;
    if (hy_sq_bind(st, args, nargs) < 0) {
        hy_sq_finish(st, 0);
        return NULL;
    }
    return st;
}

/* ---- the engine (store/engine.h) ---- */

static int sq_exec(hy_store *base, int id, const struct hy_arg *args, size_t nargs,
                    int64_t *ret_changes) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_bound(s, id, args, nargs);
    if (!st) return HY_DB_HARD;
    int rc = sqlite3_step(st);
    int r;
    if (rc == SQLITE_ROW) {
        r = HY_DB_ONE;
    } else if (rc == SQLITE_DONE) {
        if (sqlite3_stmt_readonly(st)) {
            r = HY_DB_NONE;
        } else {
            int changes = sqlite3_changes(s->db);
            if (ret_changes) *ret_changes = changes;
            r = changes > 0 ? HY_DB_ONE : HY_DB_NONE;
        }
    } else {
        r = hy_sq_status(s, rc);
    }
    return hy_sq_finish(st, r);
}

/* Lists of at most this many rows are read straight into their arena array. */
#define DIRECT_ROWS 64

static int sq_query(hy_store *base, int id, const struct hy_arg *args, size_t nargs,
                     const struct hy_row_spec *spec, size_t max, hy_arena *a, void **ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_bound(s, id, args, nargs);
    if (!st) return HY_DB_HARD;
    size_t size = spec->size, n = 0, cap = max <= DIRECT_ROWS ? max : 0;
    /* Short lists: the arena array itself (one zeroed item more). Long or unbounded ones grow
     * in malloc()ed memory and are copied into the arena once their length is known. */
    char *rows = cap ? hy_arena_zalloc(a, (cap + 1) * size) : NULL;
    bool direct = cap > 0;
    int rc = SQLITE_DONE, r = HY_DB_ONE;
    if (direct && !rows) r = HY_DB_HARD;
    while (r == HY_DB_ONE && n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!direct && n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char *nr = nc < SIZE_MAX / size ? realloc(rows, nc * size) : NULL;
            if (!nr) {
                r = HY_DB_HARD;
                break;
            }
            rows = nr;
            cap = nc;
        }
        r = hy_sq_read_row(st, spec, a, rows + n * size);
        if (r == HY_DB_ONE) n++;
    }
    if (r == HY_DB_ONE && n < max && rc != SQLITE_DONE) r = hy_sq_status(s, rc);
    hy_sq_finish(st, 0);
    if (r == HY_DB_ONE && !direct) {
        char *out = hy_arena_zalloc(a, (n + 1) * size);
        if (out && n) memcpy(out, rows, n * size);
        free(rows);
        rows = out;
        if (!out) r = HY_DB_HARD;
    } else if (!direct) {
        free(rows);
    }
    if (r != HY_DB_ONE) return r;
    *ret = rows;
    return (int)n;
}

static int sq_one(hy_store *base, int id, const struct hy_arg *args, size_t nargs,
                   const struct hy_row_spec *spec, hy_arena *a, void *ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_bound(s, id, args, nargs);
    if (!st) return HY_DB_HARD;
    int rc = sqlite3_step(st);
    int r = rc == SQLITE_ROW    ? hy_sq_read_row(st, spec, a, ret)
            : rc == SQLITE_DONE ? HY_DB_NONE
                                : hy_sq_status(s, rc);
    /* A write that returns rows (DELETE … RETURNING) runs to its end before the reset. */
    if (rc == SQLITE_ROW && !sqlite3_stmt_readonly(st)) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        }
        if (rc != SQLITE_DONE && r == HY_DB_ONE) r = hy_sq_status(s, rc);
    }
    return hy_sq_finish(st, r);
}

const struct hy_engine hy_sq_engine = {
    .exec = sq_exec,
    .query = sq_query,
    .one = sq_one,
    /* FTS5: each term a quoted prefix; terms side by side must all match. */
    .prefix = {"\"", "\"*", " AND ", " OR "},
};

static int simple(hy_sqlite *s, int id) {
    sqlite3_stmt *st = hy_sq_stmt(s, id);
    if (!st) return HY_DB_HARD;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? HY_DB_ONE : hy_sq_status(s, rc);
}

/* SQLite counts every allocation under one global mutex unless told not to; we never read
 * the counts, and the worker threads would queue on that mutex. */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static void config(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static int sq_connect(const char *path, hy_store **ret, char **ret_err) {
    pthread_once(&config_once, config);
    if (hy_st_check_sql("SQLite", statement_text, HY_SQ__STMTS, ret_err) < 0) return HY_DB_HARD;
    hy_sqlite *s = calloc(1, sizeof *s);
    if (!s) return HY_DB_HARD;
    s->base.ops = &hy_store_sqlite_ops;
    s->base.engine = &hy_sq_engine;
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
    /* A page cache of 4 MiB a connection (SQLite's own default is 2 MiB): every thread has its
     * connection and keeps what its cache filled for its life, and nearest groups and library
     * searches read memory, not the store; what the store path reads is in the kernel's file
     * cache anyway. */
    static const char *const pragmas =
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=FULL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA secure_delete=ON;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA cache_size=-4096;";
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
    sqlite3_stmt *jm = NULL;
    if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &jm, NULL) == SQLITE_OK &&
        sqlite3_step(jm) == SQLITE_ROW) {
        const unsigned char *mode = sqlite3_column_text(jm, 0);
        s->wal = mode && !strcmp((const char *)mode, "wal");
    }
    sqlite3_finalize(jm);
    *ret = &s->base;
    return HY_DB_ONE;
}

/* The change stamp (store.h): the WAL-index header, which every commit of every connection
 * rewrites (its change counter, the last frame and the checksums; salts when the log starts
 * over) before the commit returns. SQLite keeps two copies, writing the second first; a
 * reader that finds them equal has a whole one (the file format's own rule, walformat.html).
 * Read through the VFS's shared-memory map of this connection's file, no lock taken. */
static int sq_change_stamp(hy_store *base, unsigned char *ret) {
    hy_sqlite *s = hy_sq(base);
    if (!s->wal) return HY_DB_NONE;
    if (!s->shm) {
        sqlite3_file *f = NULL;
        if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK ||
            !f || !f->pMethods || f->pMethods->iVersion < 2 || !f->pMethods->xShmMap)
            return HY_DB_NONE;
        volatile void *map = NULL;
        /* region 0 of 32 KiB, already mapped once the connection has read in WAL mode; the
         * VFS unmaps it only when the connection closes or leaves WAL mode */
        if (f->pMethods->xShmMap(f, 0, 32768, 0, &map) != SQLITE_OK || !map) return HY_DB_NONE;
        s->shm = map;
    }
    const volatile unsigned char *h = s->shm;
    unsigned char second[HY_CHANGE_STAMP_SIZE];
    for (size_t i = 0; i < HY_CHANGE_STAMP_SIZE; i++) ret[i] = h[i];
    atomic_thread_fence(memory_order_seq_cst);
    for (size_t i = 0; i < HY_CHANGE_STAMP_SIZE; i++) second[i] = h[HY_CHANGE_STAMP_SIZE + i];
    /* isInit (byte 12) is set once the header is valid */
    if (memcmp(ret, second, sizeof second) != 0 || !ret[12]) return HY_DB_NONE;
    return HY_DB_ONE;
}

static void sq_disconnect(hy_store *base) {
    if (!base) return;
    hy_sqlite *s = hy_sq(base);
    for (int i = 0; i < HY_SQ__STMTS; i++) sqlite3_finalize(s->stmts[i]);
    sqlite3_close_v2(s->db);
    free(s);
}

static int sq_begin(hy_store *base, enum hy_tx_mode mode) {
    hy_sqlite *s = hy_sq(base);
    if (s->in_tx) return HY_DB_HARD;
    /* HY_TX_SINGLE saves PostgreSQL the round trips of BEGIN and COMMIT. Here they cost
     * nothing, while every statement outside a transaction takes and drops the file's read
     * lock (fcntl) and the WAL snapshot again: one read transaction is cheaper and gives the
     * statements one snapshot, which the contract allows. */
    if (mode == HY_TX_SINGLE) mode = HY_TX_READ;
    if (mode == HY_TX_ATOMIC || mode == HY_TX_INSERT) mode = HY_TX_WRITE;
    s->single = false;
    int r = simple(s, mode == HY_TX_WRITE ? HY_Q_BEGIN_WRITE : HY_Q_BEGIN_READ);
    if (r == HY_DB_ONE) {
        s->in_tx = true;
        s->tx_read = mode == HY_TX_READ;
    }
    return r;
}

static int sq_commit(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (s->single) {
        s->single = false;
        return HY_DB_ONE;
    }
    int r = simple(s, HY_Q_COMMIT);
    if (r == HY_DB_ONE || sqlite3_get_autocommit(s->db)) s->in_tx = false;
    return r;
}

static void sq_rollback(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (!sqlite3_get_autocommit(s->db)) simple(s, HY_Q_ROLLBACK);
    s->in_tx = false;
}

static bool sq_in_tx(const hy_store *base) {
    const hy_sqlite *s = (const hy_sqlite *)base;
    return s->in_tx;
}

/* Savepoints inside a write transaction. An error that made SQLite roll the whole transaction
 * back (SQLITE_FULL, an I/O error) leaves no savepoint: ROLLBACK TO then fails, and the caller
 * fails the transaction. */
static int sq_savepoint(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (!s->in_tx || s->tx_read) return HY_DB_HARD;
    return simple(s, HY_Q_SAVEPOINT);
}

static int sq_savepoint_release(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (!s->in_tx || sqlite3_get_autocommit(s->db)) return HY_DB_HARD;
    return simple(s, HY_Q_RELEASE);
}

static int sq_savepoint_rollback(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (!s->in_tx || sqlite3_get_autocommit(s->db)) return HY_DB_HARD;
    int r = simple(s, HY_Q_ROLLBACK_TO);
    return r < 0 ? r : simple(s, HY_Q_RELEASE);
}

static int sq_schema_version(hy_store *base, int *ret) {
    hy_sqlite *s = hy_sq(base);
    /* The statement is prepared once the table exists; before the first migration it does
     * not, and preparing fails: look then whether the table is really missing. */
    sqlite3_stmt *st = hy_sq_stmt(s, HY_Q_SCHEMA_VERSION);
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

static int sq_migrate(hy_store *base, int *ret_version) {
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

static int sq_integrity_check(hy_store *base, char **ret_report) {
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

/* Every function of store.h: the engine's here, the rest shared (store/shared.h). */
const struct hy_store_ops hy_store_sqlite_ops = {
    .abi = HY_STORE_ABI,
    .name = "sqlite",
    .batch_writers = 1,
    .rate_hit_outside_batch = false,
    .http_threads_per_core = 0,
    .has_replicas = false,
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .migrate = sq_migrate,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_transaction = sq_in_tx,
    .savepoint = sq_savepoint,
    .savepoint_release = sq_savepoint_release,
    .savepoint_rollback = sq_savepoint_rollback,
    .schema_version = sq_schema_version,
    .integrity_check = sq_integrity_check,
    .change_stamp = sq_change_stamp,
    HY_STORE_OPS_SHARED,
    .groups = &hy_sq_group_ops,
    .requests = &hy_sq_request_ops,
    .library = &hy_sq_library_ops,
    .trees = &hy_st_tree_ops,
    .datasets = &hy_dataset_ops_shared,
    .news = &hy_st_news_ops,
    .skills = &hy_st_skills_ops,
    .board = &hy_st_board_ops,
    .faq = &hy_st_faq_ops,
    .challenges = &hy_st_challenge_ops,
};

/* Compaction (outside any transaction): checkpoint the WAL into the database file and truncate
 * it, so that erased personal data does not linger in the log. */
static int sq_compact(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (s->in_tx) return HY_DB_HARD;
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
    if (rc == SQLITE_BUSY) return HY_DB_SOFT;
    return rc == SQLITE_OK ? HY_DB_ONE : hy_sq_status(s, rc);
}

const struct hy_request_ops hy_sq_request_ops = {
    HY_REQUEST_OPS_SHARED,
    .compact = sq_compact,
};

const struct hy_library_ops hy_sq_library_ops = {
    HY_LIBRARY_OPS_SHARED,
};
