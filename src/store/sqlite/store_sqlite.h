/* store_sqlite.h — internals shared by the SQLite backend's files. Not for other modules. */
#ifndef HY_STORE_SQLITE_H
#define HY_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/engine.h"
#include "store/sqlite/sq_row.h"
#include "store/store.h"

/* The statements only this backend runs (sq_sql.def), numbered after the common ones. */
enum {
    HY_SQ__OWN_BEFORE = HY_Q__COMMON - 1,
#define HY_SQL(id, text)
#define HY_SQ_OWN(id, text) HY_SQ_Q_##id,
#include "store/sqlite/sq_sql.def"
#undef HY_SQL
#undef HY_SQ_OWN
    HY_SQ__STMTS
};

typedef struct hy_sqlite {
    struct hy_store base;
    sqlite3 *db;
    bool in_tx;
    bool single; /* HY_TX_SINGLE: no BEGIN, read-only */
    bool tx_read; /* the open transaction is HY_TX_READ: hy_sq_stmt() refuses writes */
    bool wal;     /* the file is in WAL mode: change_stamp() reads its WAL-index header */
    /* the WAL-index's first region as this connection maps it, once change_stamp() found it
     * (it stays mapped while the connection is open in WAL mode) */
    const volatile unsigned char *shm;
    sqlite3_stmt *stmts[HY_SQ__STMTS];
} hy_sqlite;

static inline hy_sqlite *hy_sq(hy_store *s) { return (hy_sqlite *)s; }

/* Resets a statement for its next use and passes `r` through. */
static inline int hy_sq_finish(sqlite3_stmt *st, int r) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r;
}

/* Maps an SQLite result code to a store status. */
int hy_sq_status(hy_sqlite *s, int rc);
/* The connection's prepared statement `id` (enum hy_stmt or HY_SQ_Q_…), prepared on first use.
 * Owned by the connection; reset it after use (hy_sq_finish). NULL also when the statement
 * writes and the open transaction is a HY_TX_READ one (as PostgreSQL's READ ONLY refuses it). */
sqlite3_stmt *hy_sq_stmt(hy_sqlite *s, int id);
/* hy_sq_stmt() with the parameters bound; NULL when either fails. */
sqlite3_stmt *hy_sq_bound(hy_sqlite *s, int id, const struct hy_arg *args, size_t nargs);

#endif
