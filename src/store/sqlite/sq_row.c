/* sq_row.c — the SQLite backend's one row reader and one parameter binder: every record is
 * read from a statement's row through its column spec (store/rows.h, whose rules for NULL and
 * for values that do not fit this follows), and every statement is bound from the shared code's
 * typed parameters (store/engine.h). */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq_row.h"
#include "util/buf.h"

/* Copies column i's text (NULL: SQL NULL) into the arena; false when that fails. */
static bool copy_text(sqlite3_stmt *st, int i, hy_arena *a, const char **ret) {
    const char *v = (const char *)sqlite3_column_text(st, i);
    if (!v) return false; /* out of memory (the column is not NULL) */
    char *copy = hy_arena_strndup(a, v, (size_t)sqlite3_column_bytes(st, i));
    *ret = copy;
    return copy != NULL;
}

static bool read_col(sqlite3_stmt *st, int i, const struct hy_col *c, bool enforce, hy_arena *a,
                     char *rec) {
    bool null = sqlite3_column_type(st, i) == SQLITE_NULL;
    if (null && c->present >= 0) *(bool *)(rec + c->present) = false;
    void *f = rec + c->off;
    switch ((enum hy_col_type)c->type) {
    case HY_COL_SKIP:
        return true;
    case HY_COL_TEXT:
        if (null) return !(c->required && enforce);
        return copy_text(st, i, a, (const char **)f);
    case HY_COL_FIXED: {
        if (null) return !(c->required && enforce);
        const char *v = (const char *)sqlite3_column_text(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        if (!v || n >= c->aux) return false;
        memcpy(f, v, n);
        ((char *)f)[n] = '\0';
        return true;
    }
    case HY_COL_I64:
        *(int64_t *)f = sqlite3_column_int64(st, i);
        return true;
    case HY_COL_INT: {
        sqlite3_int64 v = sqlite3_column_int64(st, i);
        if (v < INT_MIN || v > INT_MAX) return false;
        *(int *)f = (int)v;
        return true;
    }
    case HY_COL_SIZE: {
        sqlite3_int64 v = sqlite3_column_int64(st, i);
        if (v < 0) return false;
        *(size_t *)f = (size_t)v;
        return true;
    }
    case HY_COL_F64:
        *(double *)f = sqlite3_column_double(st, i);
        return true;
    case HY_COL_BOOL:
        *(bool *)f = sqlite3_column_int64(st, i) != 0;
        return true;
    case HY_COL_BLOB: {
        if (null) return !(c->required && enforce);
        const void *p = sqlite3_column_blob(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        void *copy = hy_arena_alloc(a, n ? n : 1);
        if (!copy || (n && !p)) return false;
        if (n) memcpy(copy, p, n);
        *(const void **)f = copy;
        *(size_t *)(rec + c->aux) = n;
        return true;
    }
    }
    return false;
}

int hy_sq_read_row(sqlite3_stmt *st, const struct hy_row_spec *spec, hy_arena *a, void *out) {
    char *rec = out;
    memset(rec, 0, spec->size);
    if (sqlite3_column_count(st) < (int)spec->ncols) return HY_DB_HARD;
    for (unsigned i = 0; i < spec->ncols; i++)
        if (spec->cols[i].present >= 0) *(bool *)(rec + spec->cols[i].present) = true;
    bool enforce = spec->key < 0 || sqlite3_column_type(st, spec->key) != SQLITE_NULL;
    for (unsigned i = 0; i < spec->ncols; i++)
        if (!read_col(st, (int)i, &spec->cols[i], enforce, a, rec)) return HY_DB_HARD;
    return HY_DB_ONE;
}

/* The ids as a JSON array for json_each(): ids are hex, so nothing needs escaping. */
static int bind_ids(sqlite3_stmt *st, int i, const char *const *ids, size_t n) {
    hy_buf b = HY_BUF_INIT(0);
    int e = hy_buf_putc(&b, '[');
    for (size_t k = 0; k < n && e == 0; k++)
        e = hy_buf_printf(&b, "%s\"%s\"", k ? "," : "", ids[k]);
    if (e == 0) e = hy_buf_putc(&b, ']');
    int rc = e == 0 ? sqlite3_bind_text64(st, i, b.data, b.len, SQLITE_TRANSIENT, SQLITE_UTF8)
                    : SQLITE_NOMEM;
    hy_buf_free(&b);
    return rc;
}

int hy_sq_bind(sqlite3_stmt *st, const struct hy_arg *args, size_t nargs) {
    for (size_t k = 0; k < nargs; k++) {
        const struct hy_arg *v = &args[k];
        int i = (int)k + 1, rc = SQLITE_MISUSE;
        switch (v->type) {
        case HY_ARG_NULL:
            rc = sqlite3_bind_null(st, i);
            break;
        case HY_ARG_TEXT:
            rc = v->v.s ? sqlite3_bind_text(st, i, v->v.s, -1, SQLITE_STATIC)
                        : sqlite3_bind_null(st, i);
            break;
        case HY_ARG_I64:
            rc = sqlite3_bind_int64(st, i, v->v.i);
            break;
        case HY_ARG_F64:
            /* sqlite3_bind_double() stores NaN as NULL: refused, as by PostgreSQL's binder. */
            if (!isfinite(v->v.f)) return -1;
            rc = sqlite3_bind_double(st, i, v->v.f);
            break;
        case HY_ARG_BOOL:
            rc = sqlite3_bind_int(st, i, v->v.b ? 1 : 0);
            break;
        case HY_ARG_BLOB:
            rc = sqlite3_bind_blob64(st, i, v->v.blob.p ? v->v.blob.p : "", v->v.blob.n,
                                     SQLITE_STATIC);
            break;
        case HY_ARG_IDS:
            rc = bind_ids(st, i, v->v.ids.v, v->v.ids.n);
            break;
        }
        if (rc != SQLITE_OK) return -1;
    }
    return 0;
}
