/* engine.c — the shared code's calls into the backend's engine (store/engine.h), and the
 * meta table's functions, which are the same on every backend. */
#include "store/engine.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/shared.h"

int hy_st_exec(hy_store *s, int id, const struct hy_arg *args, size_t nargs) {
    return s->engine->exec(s, id, args, nargs, NULL);
}

int hy_st_write(hy_store *s, int id, const struct hy_arg *args, size_t nargs) {
    if (s->engine->write) return s->engine->write(s, id, args, nargs);
    return s->engine->exec(s, id, args, nargs, NULL);
}

bool hy_st_sending_ahead(const hy_store *s) {
    return s->engine->sending_ahead && s->engine->sending_ahead(s);
}

int hy_st_changes(hy_store *s, int id, const struct hy_arg *args, size_t nargs) {
    int64_t n = 0;
    int r = s->engine->exec(s, id, args, nargs, &n);
    if (r < 0) return r;
    return n > INT_MAX ? INT_MAX : (int)n;
}

int hy_st_one(hy_store *s, int id, const struct hy_arg *args, size_t nargs,
              const struct hy_row_spec *spec, hy_arena *a, void *ret) {
    /* The row is read aside: *ret stays untouched unless it is whole. */
    union {
        max_align_t align;
        unsigned char b[HY_ROW_MAX];
    } row;
    if (spec->size > sizeof row.b) return HY_DB_HARD;
    int r = s->engine->one(s, id, args, nargs, spec, a, row.b);
    if (r == HY_DB_ONE) memcpy(ret, row.b, spec->size);
    return r;
}

int hy_st_list(hy_store *s, int id, const struct hy_arg *args, size_t nargs,
               const struct hy_row_spec *spec, size_t max, hy_arena *a, void *ret) {
    void *rows;
    int n = s->engine->query(s, id, args, nargs, spec, max, a, &rows);
    if (n >= 0) memcpy(ret, &rows, sizeof rows);
    return n;
}

int hy_st_i64(hy_store *s, int id, const struct hy_arg *args, size_t nargs, int64_t *ret) {
    return hy_st_one(s, id, args, nargs, &hy_row_i64, NULL, ret);
}

char *hy_st_prefix_query(hy_store *s, hy_arena *a, const char *const *terms, size_t n) {
    const char *open = s->engine->prefix.open, *close = s->engine->prefix.close;
    const char *sep = s->engine->prefix.sep, *alt = s->engine->prefix.alt;
    size_t len = 1, lo = strlen(open), lc = strlen(close), ls = strlen(sep), la = strlen(alt);
    for (size_t i = 0; i < n; i++) {
        if (!terms[i][0] || strpbrk(terms[i], "\"'\\")) return NULL;
        /* each alternative ("word|alt|…") quoted and joined by `alt`, in parentheses */
        len += ls + 2 + strlen(terms[i]) * (1 + lo + lc + la);
    }
    char *q = hy_arena_alloc(a, len);
    if (!q) return NULL;
    char *w = q;
    for (size_t i = 0; i < n; i++) {
        if (i) w = (char *)memcpy(w, sep, ls) + ls;
        bool many = strchr(terms[i], '|') != NULL;
        if (many) *w++ = '(';
        bool first = true;
        for (const char *t = terms[i];;) {
            size_t k = strcspn(t, "|");
            if (k) {
                if (!first) w = (char *)memcpy(w, alt, la) + la;
                first = false;
                w = (char *)memcpy(w, open, lo) + lo;
                w = (char *)memcpy(w, t, k) + k;
                w = (char *)memcpy(w, close, lc) + lc;
            }
            if (!t[k]) break;
            t += k + 1;
        }
        if (first) return NULL; /* no alternative */
        if (many) *w++ = ')';
    }
    *w = '\0';
    return q;
}

int hy_st_check_sql(const char *backend, const char *const *sql, size_t n, char **ret_err) {
    for (size_t i = 0; i < n; i++) {
        if (sql[i]) continue;
        if (ret_err && (*ret_err = malloc(96)) != NULL)
            snprintf(*ret_err, 96, "%s: statement %zu has no text", backend, i);
        return HY_DB_HARD;
    }
    return HY_DB_ONE;
}

/* ---- the meta table ---- */

int hy_st_meta_get(hy_store *s, const char *key, char **ret_value) {
    /* The value is copied out of the row with malloc(): the caller owns it, no arena. */
    hy_arena *a = hy_arena_new(0);
    if (!a) return HY_DB_HARD;
    struct hy_row_text v;
    int r = hy_st_one(s, HY_Q_META_GET, HY_ARGS(hy_arg_text(key)), &hy_row_text, a, &v);
    if (r == HY_DB_ONE) {
        const char *t = v.v ? v.v : "";
        size_t n = strlen(t) + 1;
        char *copy = malloc(n);
        if (copy) {
            memcpy(copy, t, n);
            *ret_value = copy;
        } else {
            r = HY_DB_HARD;
        }
    }
    hy_arena_free(a);
    return r;
}

int hy_st_meta_set(hy_store *s, const char *key, const char *value) {
    return hy_st_exec(s, HY_Q_META_SET, HY_ARGS(hy_arg_text(key), hy_arg_text(value)));
}

int hy_st_meta_delete(hy_store *s, const char *key) {
    return hy_st_exec(s, HY_Q_META_DELETE, HY_ARGS(hy_arg_text(key)));
}
