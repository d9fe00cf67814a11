/* store.h — the one contract every store backend fulfils.
 *
 * A backend (SQLite, PostgreSQL) fills a `struct hy_store_ops` table. A `hy_store` is one
 * connection, used by one thread at a time; `hy_db` hands each thread its own connection and
 * runs transactions, retrying those that failed for a passing reason (SQLITE_BUSY, SQLSTATE
 * 40001 or 40P01, a lost PostgreSQL connection) a bounded number of times.
 *
 * Every query function returns a status:
 *   HY_DB_HARD  (-2) a real failure (bad SQL, disk full, constraint): do not retry;
 *   HY_DB_SOFT  (-1) a passing conflict: the transaction runner rolls back and retries;
 *   HY_DB_NONE  ( 0) no row matched;
 *   HY_DB_ONE   ( 1) done / one row (functions that return lists return the count, >= 0).
 * Output parameters are named ret_… and are untouched on failure. Strings returned through
 * them are malloc()ed and owned by the caller unless the comment says otherwise. */
#ifndef HY_STORE_H
#define HY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hy_db_status {
    HY_DB_ABORT = -3, /* the transaction's callback chose to roll back (not an error of the store) */
    HY_DB_HARD = -2,
    HY_DB_SOFT = -1,
    HY_DB_NONE = 0,
    HY_DB_ONE = 1,
};

enum hy_tx_mode { HY_TX_READ, HY_TX_WRITE };

typedef struct hy_store hy_store;

struct hy_store_ops {
    unsigned abi;     /* HY_STORE_ABI: grows when functions are added */
    const char *name; /* "sqlite" or "postgres" */

    /* Opens one connection to `url` (the part after "sqlite:" for SQLite, a libpq URI for
     * PostgreSQL). On failure returns HY_DB_HARD and, if ret_err is set, a malloc()ed reason. */
    int (*connect)(const char *url, hy_store **ret, char **ret_err);
    /* Closes the connection. Accepts NULL. */
    void (*disconnect)(hy_store *s);

    /* Brings the schema up to the newest version; safe when several processes start at once.
     * Sets *ret_version to the version now in force. */
    int (*migrate)(hy_store *s, int *ret_version);

    int (*begin)(hy_store *s, enum hy_tx_mode mode);
    int (*commit)(hy_store *s);
    void (*rollback)(hy_store *s);
    bool (*in_transaction)(const hy_store *s);

    /* The schema version in force (0 before the first migration). */
    int (*schema_version)(hy_store *s, int *ret_version);
    /* Small key/value settings kept in the store (e.g. "demo_loaded"). meta_get returns
     * HY_DB_NONE when the key is absent. */
    int (*meta_get)(hy_store *s, const char *key, char **ret_value);
    int (*meta_set)(hy_store *s, const char *key, const char *value);
    int (*meta_delete)(hy_store *s, const char *key);
    /* Runs the backend's own consistency check; HY_DB_ONE when sound. */
    int (*integrity_check)(hy_store *s, char **ret_report);
};

#define HY_STORE_ABI 1

/* Every backend's connection struct begins with this. */
struct hy_store {
    const struct hy_store_ops *ops;
};

extern const struct hy_store_ops hy_store_sqlite_ops;
extern const struct hy_store_ops hy_store_pg_ops;

/* ---- hy_db: one database, a connection per thread, the transaction runner ---- */

typedef struct hy_db hy_db;

/* Parses `url` ("sqlite:PATH", "postgres://…", "postgresql://…") and checks that a connection
 * can be made. Does not migrate. On failure returns a negative status and a malloc()ed reason
 * in *ret_err. */
int hy_db_open(const char *url, hy_db **ret, char **ret_err);
/* Closes every connection. Call only when no thread uses the db any more. Accepts NULL. */
hy_db *hy_db_close(hy_db *db);
/* "sqlite" or "postgres". */
const char *hy_db_backend(const hy_db *db);
const struct hy_store_ops *hy_db_ops(const hy_db *db);

/* The calling thread's connection (opened on first use), or NULL if it cannot be opened. */
hy_store *hy_db_conn(hy_db *db);
/* Drops the calling thread's connection, e.g. before the thread ends. */
void hy_db_release(hy_db *db);

typedef int (*hy_tx_fn)(hy_store *s, void *ctx);

/* Runs fn inside a transaction on the calling thread's connection. fn returns a status:
 * >= 0 commits and is returned; HY_DB_SOFT rolls back and retries (at most HY_TX_RETRIES
 * times, with a short growing pause); HY_DB_HARD and HY_DB_ABORT roll back and are returned.
 * A commit that fails softly is retried too. fn must not keep state across attempts other
 * than what it recomputes from the store. */
int hy_db_run(hy_db *db, enum hy_tx_mode mode, hy_tx_fn fn, void *ctx);

#define HY_TX_RETRIES 8

/* Counts of retries since start (for /healthz diagnostics and tests). */
uint64_t hy_db_retries(const hy_db *db);

#endif
