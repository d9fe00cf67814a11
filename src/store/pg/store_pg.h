/* store_pg.h — internals shared by the PostgreSQL backend's files. Not for other modules. */
#ifndef HY_STORE_PG_H
#define HY_STORE_PG_H

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>

#include "store/engine.h"
#include "store/store.h"
#include "util/buf.h"

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
} hy_pg;

static inline hy_pg *hy_pg_of(hy_store *s) { return (hy_pg *)s; }

/* ---- parameters as text (every value but a blob goes to PostgreSQL as text) ---- */

#define HY_PG_NUM_LEN 32

static inline const char *hy_pg_fmt_i64(char buf[HY_PG_NUM_LEN], int64_t v) {
    snprintf(buf, HY_PG_NUM_LEN, "%" PRId64, v);
    return buf;
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

/* The parameters of one statement, as libpq takes them (hy_pg_params_set). */
struct hy_pg_params {
    int n;
    const char *values[HY_ARGS_MAX];
    int lengths[HY_ARGS_MAX];
    int formats[HY_ARGS_MAX]; /* 1 = binary (blobs) */
    bool binary;              /* some parameter is binary */
    char num[HY_ARGS_MAX][HY_PG_NUM_LEN];
    hy_buf ids; /* the text[] literal of an HY_ARG_IDS parameter */
};

/* ---- pg_row.c ---- */

/* Fills *p from args (p->ids must be freed with hy_pg_params_free() whatever the result). 0,
 * or -1: too many parameters, a non-finite double, a list of ids that are not hex, or out of
 * memory. */
int hy_pg_params_set(struct hy_pg_params *p, const struct hy_arg *args, size_t nargs);
void hy_pg_params_free(struct hy_pg_params *p);
/* Reads row `row` of `res` into the record at `out` by `spec` (store/rows.h): HY_DB_ONE, or
 * HY_DB_HARD when the row is refused. */
int hy_pg_read_row(const PGresult *res, int row, const struct hy_row_spec *spec, hy_arena *a,
                   void *out);
/* The rows a command touched (PQcmdTuples), or -1 when it does not say. */
int hy_pg_cmd_count(const PGresult *res);

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
