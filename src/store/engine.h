/* engine.h — how the store's shared code runs a statement on whichever backend holds the
 * connection. Internal to src/store/: nothing above the store includes it.
 *
 * A statement is named by its id (enum hy_stmt, store/sql/stmt.h); each backend keeps the text
 * of every id and prepares it once per connection (SQLite: SQLITE_PREPARE_PERSISTENT;
 * PostgreSQL: a named prepared statement, prepared again after a reconnect). Parameters travel
 * as typed values (struct hy_arg) that each backend binds its own way; rows come back through
 * the backend's one row reader and the record's column spec (store/rows.h).
 *
 * So the functions of src/store/accounts.c, requests.c, groups.c and library.c are written once
 * and run on both backends; the backends keep only their engine (connections, transactions,
 * binding, the row reader), the dialect statements and the few operations whose algorithm
 * depends on the engine (nearest groups over R*Tree or GiST, bulk inserts, compaction). */
#ifndef HY_STORE_ENGINE_H
#define HY_STORE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/rows.h"
#include "store/sql/stmt.h"
#include "store/store.h"

/* ---- parameters ---- */

enum hy_arg_type {
    HY_ARG_NULL,
    HY_ARG_TEXT, /* v.s (NULL binds SQL NULL); must outlive the statement's run */
    HY_ARG_I64,
    HY_ARG_F64,  /* must be finite: a backend refuses NaN and infinities (HY_DB_HARD) */
    HY_ARG_BOOL, /* SQLite 0/1, PostgreSQL true/false: pair it with a ::boolean cast */
    HY_ARG_BLOB, /* v.blob: bytes (SQLite BLOB, PostgreSQL bytea sent in binary) */
    HY_ARG_IDS,  /* v.ids: a list of hex ids, in the form the backend's dialect statement
                  * reads (SQLite a JSON array for json_each(), PostgreSQL a text[] literal) */
};

struct hy_arg {
    enum hy_arg_type type;
    union {
        const char *s;
        int64_t i;
        double f;
        bool b;
        struct {
            const void *p;
            size_t n;
        } blob;
        struct {
            const char *const *v;
            size_t n;
        } ids;
    } v;
};

static inline struct hy_arg hy_arg_text(const char *s) {
    return (struct hy_arg){.type = s ? HY_ARG_TEXT : HY_ARG_NULL, .v.s = s};
}
/* The text, or `dflt` when it is NULL. */
static inline struct hy_arg hy_arg_text_or(const char *s, const char *dflt) {
    return hy_arg_text(s ? s : dflt);
}
static inline struct hy_arg hy_arg_i64(int64_t i) {
    return (struct hy_arg){.type = HY_ARG_I64, .v.i = i};
}
/* A count or offset as an SQL integer: past INT64_MAX it is clamped (a larger LIMIT means
 * "all"; a cast would turn it negative, which SQLite reads as "no limit"). */
static inline struct hy_arg hy_arg_size(size_t n) {
    return hy_arg_i64(n > (size_t)INT64_MAX ? INT64_MAX : (int64_t)n);
}
static inline struct hy_arg hy_arg_f64(double f) {
    return (struct hy_arg){.type = HY_ARG_F64, .v.f = f};
}
/* f when `has`, else SQL NULL. */
static inline struct hy_arg hy_arg_f64_if(bool has, double f) {
    return has ? hy_arg_f64(f) : (struct hy_arg){.type = HY_ARG_NULL};
}
/* i when it is not 0, else SQL NULL. */
static inline struct hy_arg hy_arg_i64_nonzero(int64_t i) {
    return i ? hy_arg_i64(i) : (struct hy_arg){.type = HY_ARG_NULL};
}
static inline struct hy_arg hy_arg_bool(bool b) {
    return (struct hy_arg){.type = HY_ARG_BOOL, .v.b = b};
}
static inline struct hy_arg hy_arg_null(void) { return (struct hy_arg){.type = HY_ARG_NULL}; }
static inline struct hy_arg hy_arg_blob(const void *p, size_t n) {
    return (struct hy_arg){.type = HY_ARG_BLOB, .v.blob = {p, n}};
}
static inline struct hy_arg hy_arg_ids(const char *const *ids, size_t n) {
    return (struct hy_arg){.type = HY_ARG_IDS, .v.ids = {ids, n}};
}

/* The most parameters a statement takes. */
#define HY_ARGS_MAX 32

/* HY_ARGS(a, b, …) expands to the two arguments `args, nargs` of the functions below. */
#define HY_ARGS(...)                                                                               \
    ((const struct hy_arg[]){__VA_ARGS__}),                                                        \
        (sizeof((const struct hy_arg[]){__VA_ARGS__}) / sizeof(struct hy_arg))
#define HY_NO_ARGS NULL, 0

/* ---- what a backend provides ---- */

struct hy_engine {
    /* Runs statement `id`. A statement that returns rows: HY_DB_ONE when it returned at least
     * one, else HY_DB_NONE. Any other: HY_DB_ONE when it touched a row (or has no row count),
     * HY_DB_NONE when it touched none; *ret_changes (if set) gets the rows touched. */
    int (*exec)(hy_store *s, int id, const struct hy_arg *args, size_t nargs,
                int64_t *ret_changes);
    /* Runs statement `id` and reads at most `max` of its rows with `spec` into an arena array
     * (always one zeroed item more than the rows read, never NULL). Returns the count. */
    int (*query)(hy_store *s, int id, const struct hy_arg *args, size_t nargs,
                 const struct hy_row_spec *spec, size_t max, hy_arena *a, void **ret);
    /* Runs statement `id` and reads its first row into *ret (spec->size bytes): HY_DB_ONE,
     * HY_DB_NONE without a row, or a negative status (then *ret may be half written).
     * `a` may be NULL when the spec has neither text nor blob columns. */
    int (*one)(hy_store *s, int id, const struct hy_arg *args, size_t nargs,
               const struct hy_row_spec *spec, hy_arena *a, void *ret);
    /* Runs a write whose caller needs no answer but "it touched a row": while the store's
     * defer_writes() is on, it may only be sent, returning HY_DB_ONE at once and leaving the
     * outcome to the next statement (see struct hy_store_ops). NULL: exec() runs it. */
    int (*write)(hy_store *s, int id, const struct hy_arg *args, size_t nargs);
    /* Whether writes are being sent ahead now (defer_writes() is on). NULL: never. */
    bool (*sending_ahead)(const hy_store *s);
    /* How the backend's text index writes "a word starting with t": open + t + close, the
     * terms joined by sep (all must match), a term's alternatives by alt in parentheses. FTS5:
     * "t1"* AND ("t2"* OR "u2"*); tsquery: 't1':* & ('t2':* | 'u2':*). */
    struct {
        const char *open, *close, *sep;
        const char *alt; /* joins the alternatives of one term (domain/synonyms.h) */
    } prefix;
};

/* ---- the shared code's calls ---- */

/* Runs a statement for its effect: HY_DB_ONE / HY_DB_NONE (no row touched or returned) or a
 * negative status. */
int hy_st_exec(hy_store *s, int id, const struct hy_arg *args, size_t nargs);
/* Runs a write that must touch a row (an INSERT that always does): HY_DB_ONE, HY_DB_NONE when
 * it touched none, or a negative status — or, while the store sends writes ahead
 * (defer_writes()), HY_DB_ONE at once, a failure or an untouched row then failing a later
 * statement of the transaction. Only for writes whose outcome the caller would treat as a
 * failure of its whole work when it is not HY_DB_ONE. */
int hy_st_write(hy_store *s, int id, const struct hy_arg *args, size_t nargs);
/* Whether hy_st_write() only sends now (the store's defer_writes() is on): a caller may then
 * choose a statement that always touches one row over one whose answer it would wait for. */
bool hy_st_sending_ahead(const hy_store *s);
/* Runs a statement and returns the number of rows it touched, or a negative status. */
int hy_st_changes(hy_store *s, int id, const struct hy_arg *args, size_t nargs);
/* Reads the first row into *ret (spec->size bytes): HY_DB_ONE, HY_DB_NONE when there is no
 * row (*ret untouched), or a negative status (*ret untouched). */
int hy_st_one(hy_store *s, int id, const struct hy_arg *args, size_t nargs,
              const struct hy_row_spec *spec, hy_arena *a, void *ret);
/* Reads at most `max` rows (SIZE_MAX: all) into an arena array *ret; returns the count. */
int hy_st_list(hy_store *s, int id, const struct hy_arg *args, size_t nargs,
               const struct hy_row_spec *spec, size_t max, hy_arena *a, void *ret);
/* The first column of the first row as an integer: HY_DB_ONE, HY_DB_NONE without a row. */
int hy_st_i64(hy_store *s, int id, const struct hy_arg *args, size_t nargs, int64_t *ret);
/* The full-text query (in the arena) for documents having every term as the start of one of
 * their words, in the language of the backend's text index. NULL when the arena is full or a
 * term is empty or holds a quote or a backslash (terms are words: they never do). */
char *hy_st_prefix_query(hy_store *s, hy_arena *a, const char *const *terms, size_t n);

/* For a backend's connect(): HY_DB_ONE when each of the `n` statements has its text, else
 * HY_DB_HARD and (if ret_err is set) a malloc()ed message naming the first that has none: a
 * dialect statement the backend forgot, a build error said loudly. */
int hy_st_check_sql(const char *backend, const char *const *sql, size_t n, char **ret_err);

/* The backends' engines. */
extern const struct hy_engine hy_sq_engine;
extern const struct hy_engine hy_pg_engine;

#endif
