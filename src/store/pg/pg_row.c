/* pg_row.c — the PostgreSQL backend's one row reader and one parameter writer: every record is
 * read from a result row through its column spec (store/rows.h, whose rules for NULL and for
 * values that do not fit this follows), and every statement's parameters are written from the
 * shared code's typed values (store/engine.h).
 *
 * Values travel as text (results and parameters alike), except blobs, which go out in binary
 * and come back as bytea's text form: integers in decimal, doubles with 17 significant digits
 * (an exact round trip; snprintf/strtod assume LC_NUMERIC "C", which the server never
 * changes), booleans as true/false (read back as t/f). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_row.h"

/* ---- parameters ---- */

/* The array literal {id,id,…} in b, which must be empty (a statement takes one list). */
static int ids_literal(hy_buf *b, const char *const *ids, size_t n) {
    if (b->data) return -1;
    int e = hy_buf_putc(b, '{');
    for (size_t i = 0; i < n && e == 0; i++) {
        /* Hex only: nothing in the array literal needs quoting. */
        if (!*ids[i] || strspn(ids[i], "0123456789abcdef") != strlen(ids[i])) return -1;
        e = hy_buf_printf(b, "%s%s", i ? "," : "", ids[i]);
    }
    if (e == 0) e = hy_buf_putc(b, '}');
    return e == 0 ? 0 : -1;
}

int hy_pg_params_set(struct hy_pg_params *p, const struct hy_arg *args, size_t nargs) {
    p->n = 0;
    p->binary = false;
    if (nargs > HY_ARGS_MAX) return -1;
    for (size_t i = 0; i < nargs; i++) {
        const struct hy_arg *v = &args[i];
        p->lengths[i] = 0;
        p->formats[i] = 0;
        switch (v->type) {
        case HY_ARG_NULL:
            p->values[i] = NULL;
            break;
        case HY_ARG_TEXT:
            p->values[i] = v->v.s;
            break;
        case HY_ARG_I64:
            p->values[i] = hy_pg_fmt_i64(p->num[i], v->v.i);
            break;
        case HY_ARG_F64:
            if (!isfinite(v->v.f)) return -1;
            p->values[i] = hy_pg_fmt_f64(p->num[i], v->v.f);
            break;
        case HY_ARG_BOOL:
            p->values[i] = v->v.b ? "true" : "false";
            break;
        case HY_ARG_BLOB:
            if (v->v.blob.n > INT_MAX) return -1;
            p->values[i] = v->v.blob.p ? v->v.blob.p : "";
            p->lengths[i] = (int)v->v.blob.n;
            p->formats[i] = 1;
            p->binary = true;
            break;
        case HY_ARG_IDS:
            if (ids_literal(&p->ids, v->v.ids.v, v->v.ids.n) < 0) return -1;
            p->values[i] = p->ids.data;
            break;
        default:
            return -1;
        }
    }
    p->n = (int)nargs;
    return 0;
}

void hy_pg_params_free(struct hy_pg_params *p) { hy_buf_free(&p->ids); }

/* ---- rows ---- */

static bool parse_i64(const char *v, int64_t *ret) {
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (end == v || *end || errno) return false;
    *ret = (int64_t)n;
    return true;
}

static bool read_col(const PGresult *res, int row, int i, const struct hy_col *c, bool enforce,
                     hy_arena *a, char *rec) {
    bool null = PQgetisnull(res, row, i);
    if (null && c->present >= 0) *(bool *)(rec + c->present) = false;
    if (c->type == HY_COL_SKIP) return true;
    if (null) return !(c->required && enforce); /* the field stays NULL, "", 0 or false */
    void *f = rec + c->off;
    const char *v = PQgetvalue(res, row, i);
    size_t len = (size_t)PQgetlength(res, row, i);
    int64_t n;
    switch ((enum hy_col_type)c->type) {
    case HY_COL_SKIP:
        return true;
    case HY_COL_TEXT: {
        char *copy = hy_arena_strndup(a, v, len);
        *(const char **)f = copy;
        return copy != NULL;
    }
    case HY_COL_FIXED:
        if (len >= c->aux) return false;
        memcpy(f, v, len);
        ((char *)f)[len] = '\0';
        return true;
    case HY_COL_I64:
        return parse_i64(v, (int64_t *)f);
    case HY_COL_INT:
        if (!parse_i64(v, &n) || n < INT_MIN || n > INT_MAX) return false;
        *(int *)f = (int)n;
        return true;
    case HY_COL_SIZE:
        if (!parse_i64(v, &n) || n < 0) return false;
        *(size_t *)f = (size_t)n;
        return true;
    case HY_COL_F64: {
        char *end;
        double d = strtod(v, &end);
        if (end == v || *end) return false;
        *(double *)f = d;
        return true;
    }
    case HY_COL_BOOL:
        if (v[0] == 't' || v[0] == 'f') {
            *(bool *)f = v[0] == 't';
            return true;
        }
        if (!parse_i64(v, &n)) return false;
        *(bool *)f = n != 0;
        return true;
    case HY_COL_BLOB: {
        size_t bytes = 0;
        unsigned char *raw = PQunescapeBytea((const unsigned char *)v, &bytes);
        if (!raw) return false;
        void *copy = hy_arena_alloc(a, bytes ? bytes : 1);
        if (copy && bytes) memcpy(copy, raw, bytes);
        PQfreemem(raw);
        if (!copy) return false;
        *(const void **)f = copy;
        *(size_t *)(rec + c->aux) = bytes;
        return true;
    }
    }
    return false;
}

int hy_pg_read_row(const PGresult *res, int row, const struct hy_row_spec *spec, hy_arena *a,
                   void *out) {
    char *rec = out;
    memset(rec, 0, spec->size);
    if (PQnfields(res) < (int)spec->ncols || row < 0 || row >= PQntuples(res)) return HY_DB_HARD;
    for (unsigned i = 0; i < spec->ncols; i++)
        if (spec->cols[i].present >= 0) *(bool *)(rec + spec->cols[i].present) = true;
    bool enforce = spec->key < 0 || !PQgetisnull(res, row, spec->key);
    for (unsigned i = 0; i < spec->ncols; i++)
        if (!read_col(res, row, (int)i, &spec->cols[i], enforce, a, rec)) return HY_DB_HARD;
    return HY_DB_ONE;
}

int hy_pg_cmd_count(const PGresult *res) {
    const char *v = PQcmdTuples((PGresult *)res);
    int64_t n;
    if (!parse_i64(v, &n) || n < 0 || n > INT32_MAX) return -1;
    return (int)n;
}
