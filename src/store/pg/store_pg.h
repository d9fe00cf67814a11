/* store_pg.h — internals shared by the PostgreSQL backend's files. Not for other modules. */
#ifndef HY_STORE_PG_H
#define HY_STORE_PG_H

#include <libpq-fe.h>

#include "store/engine.h"
#include "store/pg/pg_row.h"
#include "store/store.h"

/* The statements only this backend runs (pg_sql.def), numbered after the common ones. The
 * server-side name of statement `id` is "hy<id>". */
enum {
    HY_PG__OWN_BEFORE = HY_Q__COMMON - 1,
#define HY_SQL(id, text)
#define HY_PG_OWN(id, text) HY_PG_Q_##id,
#include "store/pg/pg_sql.def"
#undef HY_SQL
#undef HY_PG_OWN
    HY_PG__STMTS
};

typedef struct hy_pg {
    struct hy_store base;
    PGconn *conn;
    bool in_tx;
    bool single; /* HY_TX_SINGLE: no BEGIN */
    bool need_reset;              /* the connection broke: PQreset() at the next begin */
    bool prepared[HY_PG__STMTS]; /* statement "hy<id>" exists on this connection */
    bool piped;                   /* in libpq's pipeline mode (defer_writes) */
    unsigned sent;                /* statements sent ahead whose results are still unread */
} hy_pg;

static inline hy_pg *hy_pg_of(hy_store *s) { return (hy_pg *)s; }

/* Maps a result (NULL when libpq could not even build one) to a store status:
 * SQLSTATE 40001, 40P01, 55P03 → HY_DB_SOFT; a broken connection → HY_DB_SOFT and the
 * connection is marked for PQreset() at the next begin; any other failure → HY_DB_HARD;
 * PGRES_COMMAND_OK / PGRES_TUPLES_OK → HY_DB_ONE. Does not clear `res`. */
int hy_pg_status(hy_pg *s, const PGresult *res);

/* ---- store_pg.c ---- */

/* Executes statement `id` (enum hy_stmt or HY_PG_Q_…) with `p` (NULL: no parameters),
 * preparing it first as "hy<id>" if this connection has not yet done so. Returns:
 *   HY_DB_ONE   a command that touched at least one row (or a command without a row count,
 *               like BEGIN), or a query that returned at least one row;
 *   HY_DB_NONE  an INSERT/UPDATE/DELETE that touched no row, or a query without rows;
 *   < 0         as hy_pg_status().
 * When HY_DB_ONE is returned and ret_res is set, *ret_res is the result, owned by the caller
 * (PQclear()); otherwise the result is freed here and *ret_res is untouched. */
int hy_pg_exec(hy_pg *s, int id, const struct hy_pg_params *p, PGresult **ret_res);
/* hy_pg_exec() with the shared code's arguments. */
int hy_pg_run(hy_pg *s, int id, const struct hy_arg *args, size_t nargs, PGresult **ret_res);

#endif
