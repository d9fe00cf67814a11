/* pg_row.h — the PostgreSQL backend's parameters and row reader (pg_row.c). Internal to the
 * backend's files. */
#ifndef HY_STORE_PG_ROW_H
#define HY_STORE_PG_ROW_H

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

#include "store/engine.h"
#include "store/rows.h"
#include "util/buf.h"

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

#endif
