/* store_sqlite.h — internals shared by the SQLite backend's files. Not for other modules. */
#ifndef HY_STORE_SQLITE_H
#define HY_STORE_SQLITE_H

#include <sqlite3.h>

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
    sqlite3_stmt *stmts[HY_SQ_MAX_STMTS];
} hy_sqlite;

static inline hy_sqlite *hy_sq(hy_store *s) { return (hy_sqlite *)s; }

/* Maps an SQLite result code to a store status. */
int hy_sq_status(hy_sqlite *s, int rc);
/* The connection's prepared statement `id`, prepared from `sql` on first use (core ids may pass
 * NULL). Owned by the connection; reset it after use. */
sqlite3_stmt *hy_sq_stmt(hy_sqlite *s, int id, const char *sql);
/* Steps a statement that returns no rows, resets it and clears its bindings. Returns
 * HY_DB_NONE for a write that changed no row. */
int hy_sq_exec_stmt(hy_sqlite *s, sqlite3_stmt *st);

#endif
