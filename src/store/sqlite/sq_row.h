/* sq_row.h — the SQLite backend's parameter binder and row reader (sq_row.c). Internal to the
 * backend's files. */
#ifndef HY_STORE_SQ_ROW_H
#define HY_STORE_SQ_ROW_H

#include <sqlite3.h>

#include "store/engine.h"
#include "store/rows.h"

/* Reads the statement's current row into the record at `out` by `spec` (store/rows.h):
 * HY_DB_ONE, or HY_DB_HARD when the row is refused. */
int hy_sq_read_row(sqlite3_stmt *st, const struct hy_row_spec *spec, hy_arena *a, void *out);
/* Binds args as parameters 1…nargs. 0, or -1 (a non-finite double, or SQLite said no). */
int hy_sq_bind(sqlite3_stmt *st, const struct hy_arg *args, size_t nargs);

#endif
