/* tree.c — decision trees: dates, parsing and validation, evaluation (see tree.h). */
#include "domain/tree.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/group.h"
#include "domain/markdown.h"
#include "domain/text.h"
#include "util/utf8.h"

const char *const hy_tree_type_names[HY_TREE__TYPES] = {
    "single_choice", "multiple_choice", "number", "date", "result", "contact"};
const char *const hy_tree_severity_names[HY_TREE__SEVERITIES] = {
    "emergency", "urgent", "routine", "self_care", "info"};
const char *const hy_tree_op_names[HY_TREE__OPS] = {
    "all",          "any",       "not", "eq", "in", "includes", "includes_any", "includes_all",
    "count_gte",    "count_lte", "gt",  "gte", "lt", "lte",     "days_ago_gte", "days_ago_lte"};

static int name_index(const char *s, const char *const *names, int n) {
    for (int i = 0; i < n; i++)
        if (!strcmp(s, names[i])) return i;
    return -1;
}

/* The text of a JSON string without a NUL inside (jansson can hold one), else NULL. */
static const char *str(const json_t *v) {
    const char *s = json_string_value(v);
    return s && strlen(s) == json_string_length(v) ? s : NULL;
}

/* ------------------------------------------------------------------------------- dates */

static bool greg_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int greg_month_days(int y, int m) {
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return len[m - 1] + (m == 2 && greg_leap(y));
}

/* Leap days in the Gregorian years 1 … y-1. */
static int32_t leaps_before(int y) {
    y--;
    return y / 4 - y / 100 + y / 400;
}

int32_t hy_tree_day(int y, int m, int d) {
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int32_t days = 365 * (int32_t)(y - 1970) + leaps_before(y) - leaps_before(1970);
    return days + before[m - 1] + (m > 2 && greg_leap(y)) + d - 1;
}

void hy_tree_ymd(int32_t day, int *ret_y, int *ret_m, int *ret_d) {
    /* An estimate of the year, then at most a step or two to the right one. */
    int y = 1970 + (int)floor(day / 365.2425);
    while (hy_tree_day(y, 1, 1) > day) y--;
    while (hy_tree_day(y + 1, 1, 1) <= day) y++;
    int32_t left = day - hy_tree_day(y, 1, 1);
    int m = 1;
    while (left >= greg_month_days(y, m)) left -= greg_month_days(y, m++);
    *ret_y = y;
    *ret_m = m;
    *ret_d = (int)left + 1;
}

/* The Solar Hijri (Iranian) calendar. From 1210 to 1633 its leap years follow one 33-year
 * cycle: eight leap years in each, exactly those where (25y + 11) mod 33 < 8. We read years
 * 1300–1499 only; 1 Farvardin 1300 was 21 March 1921. Months 1–6 have 31 days, 7–11 have
 * 30, and Esfand (12) has 29, or 30 in a leap year. */
static bool sh_leap(int y) { return (25 * y + 11) % 33 < 8; }

static int sh_month_days(int y, int m) { return m <= 6 ? 31 : m <= 11 ? 30 : sh_leap(y) ? 30 : 29; }

static int32_t sh_day(int y, int m, int d) {
    int32_t day = hy_tree_day(1921, 3, 21);
    for (int k = 1300; k < y; k++) day += sh_leap(k) ? 366 : 365;
    return day + (m <= 7 ? (m - 1) * 31 : 186 + (m - 7) * 30) + d - 1;
}

bool hy_tree_sh_ymd(int32_t day, int *ret_y, int *ret_m, int *ret_d) {
    int32_t start = sh_day(1300, 1, 1);
    if (day < start) return false;
    int y = 1300;
    for (;;) {
        int32_t len = sh_leap(y) ? 366 : 365;
        if (day < start + len) break;
        start += len;
        if (++y > 1499) return false;
    }
    int m = 1;
    int32_t off = day - start;
    while (off >= sh_month_days(y, m)) off -= sh_month_days(y, m++);
    *ret_y = y;
    *ret_m = m;
    *ret_d = (int)off + 1;
    return true;
}

/* Marks that text copied from right-to-left pages carries: LRM, RLM, ALM. */
static bool direction_mark(uint32_t cp) { return cp == 0x200E || cp == 0x200F || cp == 0x061C; }

bool hy_tree_date_parse(const char *s, size_t n, int32_t *ret_day) {
    int part[3] = {0, 0, 0}, digits[3] = {0, 0, 0}, k = 0;
    bool started = false, ended = false;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += hy_text_decode(s + i, n - i, &cp);
        if (cp == 0) return false;
        if (direction_mark(cp)) continue;
        cp = hy_text_fold(cp); /* Persian and Arabic-Indic digits → ASCII; ZWNJ → removed */
        if (cp == 0) continue;
        if (cp == ' ') {
            if (started) ended = true;
            continue;
        }
        if (ended) return false;
        started = true;
        if (cp >= '0' && cp <= '9') {
            if (++digits[k] > (k == 0 ? 4 : 2)) return false;
            part[k] = part[k] * 10 + (int)(cp - '0');
        } else if ((cp == '-' || cp == '/') && k < 2 && digits[k] > 0) {
            k++;
        } else {
            return false;
        }
    }
    if (k != 2 || digits[0] != 4 || digits[2] == 0) return false;
    int y = part[0], m = part[1], d = part[2];
    if (m < 1 || m > 12 || d < 1) return false;
    if (y >= 1900 && y <= 2199) {
        if (d > greg_month_days(y, m)) return false;
        *ret_day = hy_tree_day(y, m, d);
        return true;
    }
    if (y >= 1300 && y <= 1499) {
        if (d > sh_month_days(y, m)) return false;
        *ret_day = sh_day(y, m, d);
        return true;
    }
    return false;
}

/* A date as trees write them: exactly "YYYY-MM-DD", Gregorian, 1900–2199. */
static bool iso_date(const char *s, int32_t *ret_day) {
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > greg_month_days(y, m))
        return false;
    *ret_day = hy_tree_day(y, m, d);
    return true;
}

/* "YYYY-MM-DD" of a day number (years 0–9999). */
static void iso_format(int32_t day, char out[11]) {
    int y, m, d;
    hy_tree_ymd(day, &y, &m, &d);
    y = y < 0 ? 0 : y > 9999 ? 9999 : y;
    const int part[3] = {y, m, d}, width[3] = {4, 2, 2};
    char *p = out;
    for (int k = 0; k < 3; k++) {
        if (k) *p++ = '-';
        for (int w = width[k] - 1, x = part[k]; w >= 0; w--, x /= 10) p[w] = (char)('0' + x % 10);
        p += width[k];
    }
    *p = '\0';
}

/* ------------------------------------------------------------------ small syntax checks */

/* [A-Za-z0-9][A-Za-z0-9_-]*, 1..HY_TREE_ID_MAX bytes. */
static bool id_syntax(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > HY_TREE_ID_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '-'))) return false;
    }
    return true;
}

bool hy_tree_id_valid(const char *s) { return s && id_syntax(s); }

/* A web address for a link: http(s)://host… or, when `path_ok`, a path on this site
 * ("/help"). No spaces, controls, quotes, angle brackets, backslashes or backticks. */
static bool link_ok(const char *s, bool path_ok) {
    size_t skip;
    if (!strncmp(s, "https://", 8))
        skip = 8;
    else if (!strncmp(s, "http://", 7))
        skip = 7;
    else if (path_ok && s[0] == '/' && s[1] != '/')
        skip = 0;
    else
        return false;
    if (skip && (!s[skip] || strchr("/?#", s[skip]))) return false; /* a host is needed */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f || strchr("\"'<>\\`", *p)) return false;
    return true;
}

/* A number as dialled: ASCII digits (2–20), an optional leading '+', single spaces or
 * hyphens between digits. */
static bool phone_ok(const char *s) {
    size_t digits = 0;
    const char *p = s;
    if (*p == '+') p++;
    char prev = '+';
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if ((*p != ' ' && *p != '-') || prev < '0' || prev > '9')
            return false;
        prev = *p;
    }
    return digits >= 2 && digits <= 20 && prev >= '0' && prev <= '9';
}

/* "HH:MM", 00:00–24:00, into minutes. */
static bool clock_time(const char *s, int *ret_min) {
    if (strlen(s) != 5 || s[2] != ':') return false;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9')) return false;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m)) return false;
    *ret_min = h * 60 + m;
    return true;
}

/* --------------------------------------------------------------------------- problems */

struct pctx {
    hy_arena *a;
    struct hy_tree_problems *p;
    bool nomem;
    struct hy_tree *t;
    size_t nnodes;      /* node slots parsed (at most HY_TREE_NODES_MAX) */
    bool *broken;       /* per node: a problem was reported for it */
    bool *typed;        /* per node: its id and type are usable */
    const json_t *nodes; /* the document's node array */
    uint16_t *by_id;    /* unique ids, sorted */
    size_t nby_id;
    int leaves;         /* tests in the rule being read */
};

/* Records a problem about node `node` (an index, or -1 for the tree). `field` is the path
 * inside the node; for a node without a usable id it is prefixed with "nodes[i].". */
__attribute__((format(printf, 5, 6))) static void problem(struct pctx *c, int node,
                                                          const char *code, const char *field,
                                                          const char *fmt, ...) {
    if (node >= 0) c->broken[node] = true;
    if (c->nomem) return;
    if (c->p->count == HY_TREE_PROBLEMS_MAX) {
        c->p->truncated = true;
        return;
    }
    struct hy_tree_problem *pr = &c->p->items[c->p->count];
    memset(pr, 0, sizeof *pr);
    pr->code = code;
    pr->node = node >= 0 ? c->t->nodes[node].id : NULL;
    if (node >= 0 && !pr->node)
        pr->field = field ? hy_arena_printf(c->a, "nodes[%d].%s", node, field)
                          : hy_arena_printf(c->a, "nodes[%d]", node);
    else
        pr->field = field;
    va_list ap;
    va_start(ap, fmt);
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pr->message = hy_arena_strdup(c->a, msg);
    if ((field && !pr->field) || !pr->message) {
        c->nomem = true;
        return;
    }
    c->p->count++;
}

/* A field path "prefix.key" (or "key" without a prefix), in the arena: problems outlive the
 * JSON the keys come from. */
static const char *path(struct pctx *c, const char *prefix, const char *key) {
    const char *s = prefix ? hy_arena_printf(c->a, "%s.%s", prefix, key) : hy_arena_strdup(c->a, key);
    if (!s) c->nomem = true;
    return s;
}

static const char *pathi(struct pctx *c, const char *prefix, const char *key, size_t i) {
    const char *s = prefix ? hy_arena_printf(c->a, "%s.%s[%zu]", prefix, key, i)
                           : hy_arena_printf(c->a, "%s[%zu]", key, i);
    if (!s) c->nomem = true;
    return s;
}

/* ------------------------------------------------------------------------ field readers */

/* Reports every key of `o` that is not in `allowed` (NULL-terminated). `what` names the
 * object in the message ("number nodes", "options"). */
static void only_keys(struct pctx *c, int node, const char *prefix, const json_t *o,
                      const char *const *allowed, const char *what) {
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v) {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !ok; i++) ok = !strcmp(key, allowed[i]);
        if (ok) continue;
        /* The key is shown only when it is a plain word, so the message stays clean text. */
        bool plain = id_syntax(key);
        problem(c, node, "unknown_field", plain ? path(c, prefix, key) : prefix,
                "%s%s%s is not a field of %s.", plain ? "\"" : "", plain ? key : "a field",
                plain ? "\"" : "", what);
    }
}

enum { F_REQUIRED = 1, F_MULTILINE = 2 };
enum json_kind { K_STRING, K_NUMBER, K_ARRAY };

/* o[key] when it is there and of the kind wanted; NULL when it is absent or null (a problem
 * when `required`) or of another kind (a problem). *ret_f is the field's path. */
static const json_t *field(struct pctx *c, int node, const char *prefix, const json_t *o,
                           const char *key, bool required, enum json_kind kind,
                           const char **ret_f) {
    static const char *const must[] = {"text", "a number", "an array"};
    const json_t *v = json_object_get(o, key);
    *ret_f = path(c, prefix, key);
    if (!v || json_is_null(v)) {
        if (required) problem(c, node, "missing_field", *ret_f, "\"%s\" is required.", key);
        return NULL;
    }
    bool ok = kind == K_STRING ? json_is_string(v) : kind == K_NUMBER ? json_is_number(v)
                                                                      : json_is_array(v);
    if (!ok) {
        problem(c, node, "wrong_type", *ret_f, "\"%s\" must be %s.", key, must[kind]);
        return NULL;
    }
    return v;
}

/* A text field: a string of valid UTF-8 without control characters (tab and line breaks
 * only when F_MULTILINE), not blank, at most max_cp code points. Returns an arena copy; NULL
 * when absent, null, "" (optional fields) or wrong (reported). */
static const char *get_text(struct pctx *c, int node, const char *prefix, const json_t *o,
                            const char *key, int flags, size_t max_cp) {
    const char *f;
    const json_t *v = field(c, node, prefix, o, key, flags & F_REQUIRED, K_STRING, &f);
    if (!v) return NULL;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (memchr(s, 0, n) || !hy_utf8_valid(s, n, 0)) {
        problem(c, node, "bad_utf8", f,
                "\"%s\" is not valid UTF-8 or holds control characters.", key);
        return NULL;
    }
    if (!(flags & F_MULTILINE) && strpbrk(s, "\t\r\n")) {
        problem(c, node, "invalid_value", f, "\"%s\" must be a single line.", key);
        return NULL;
    }
    size_t cp = hy_utf8_length(s, n);
    if (cp > max_cp) {
        problem(c, node, "too_long", f, "\"%s\" is %zu characters long; at most %zu are allowed.",
                key, cp, max_cp);
        return NULL;
    }
    if (strspn(s, " \t\r\n") == n) {
        if (n == 0 && !(flags & F_REQUIRED)) return NULL;
        problem(c, node, "invalid_value", f, "\"%s\" is empty.", key);
        return NULL;
    }
    char *copy = hy_arena_strndup(c->a, s, n);
    if (!copy) c->nomem = true;
    return copy;
}

/* An id-like string (a node id, a tree id, an option value). */
static const char *get_id(struct pctx *c, int node, const char *prefix, const json_t *o,
                          const char *key, bool required) {
    const char *f;
    const json_t *v = field(c, node, prefix, o, key, required, K_STRING, &f);
    if (!v) return NULL;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > HY_TREE_ID_MAX) {
        problem(c, node, "too_long", f, "\"%s\" is %zu bytes long; at most %d are allowed.", key,
                n, HY_TREE_ID_MAX);
        return NULL;
    }
    if (memchr(s, 0, n) || !id_syntax(s)) {
        problem(c, node, "invalid_value", f,
                "\"%s\" must be 1 to %d letters, digits, '_' or '-' (starting with a letter or "
                "digit).",
                key, HY_TREE_ID_MAX);
        return NULL;
    }
    char *copy = hy_arena_strndup(c->a, s, n);
    if (!copy) c->nomem = true;
    return copy;
}

static bool get_number(struct pctx *c, int node, const char *prefix, const json_t *o,
                       const char *key, bool required, double *ret) {
    const char *f;
    const json_t *v = field(c, node, prefix, o, key, required, K_NUMBER, &f);
    if (!v) return false;
    double x = json_number_value(v);
    if (!isfinite(x) || fabs(x) > HY_TREE_NUMBER_ABS) {
        problem(c, node, "invalid_value", f, "\"%s\" must lie between -%g and %g.", key,
                HY_TREE_NUMBER_ABS, HY_TREE_NUMBER_ABS);
        return false;
    }
    *ret = x;
    return true;
}

static bool get_bool(struct pctx *c, int node, const char *prefix, const json_t *o,
                     const char *key) {
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return false;
    if (!json_is_boolean(v)) {
        problem(c, node, "wrong_type", path(c, prefix, key), "\"%s\" must be true or false.", key);
        return false;
    }
    return json_is_true(v);
}

/* A required string field that must be one of names[0..n): its index, or -1 (reported). */
static int get_enum(struct pctx *c, int node, const json_t *o, const char *key,
                    const char *const *names, int n) {
    const char *f;
    const json_t *v = field(c, node, NULL, o, key, true, K_STRING, &f);
    int k = v && str(v) ? name_index(str(v), names, n) : -1;
    if (v && k < 0) {
        char list[256];
        size_t len = 0;
        for (int i = 0; i < n; i++) {
            int w = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
            if (w > 0 && (size_t)w < sizeof list - len) len += (size_t)w;
        }
        problem(c, node, "invalid_value", f, "\"%s\" must be one of: %s.", key, list);
    }
    return k;
}

/* An array field: NULL (reported when required or not an array) or the array. */
static const json_t *get_array(struct pctx *c, int node, const char *prefix, const json_t *o,
                               const char *key, bool required) {
    const char *f;
    return field(c, node, prefix, o, key, required, K_ARRAY, &f);
}

/* A date bound of a date node: "YYYY-MM-DD", "today", "today-N" or "today+N". */
static bool get_bound(struct pctx *c, int node, const json_t *o, const char *key,
                      struct hy_tree_bound *ret) {
    ret->kind = HY_TREE_BOUND_NONE;
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return true;
    const char *s = str(v);
    if (!s) {
        problem(c, node, "wrong_type", key, "\"%s\" must be a date or \"today\".", key);
        return false;
    }
    int32_t day;
    if (iso_date(s, &day)) {
        ret->kind = HY_TREE_BOUND_DAY;
        ret->days = day;
        return true;
    }
    if (!strncmp(s, "today", 5)) {
        const char *r = s + 5;
        long off = 0;
        if (*r == '+' || *r == '-') {
            char *end;
            size_t nd = strspn(r + 1, "0123456789");
            off = nd >= 1 && nd <= 5 ? strtol(r + 1, &end, 10) : -1;
            if (off < 0 || off > HY_TREE_DAYS_MAX || *end) goto bad;
            if (*r == '-') off = -off;
        } else if (*r) {
            goto bad;
        }
        ret->kind = HY_TREE_BOUND_TODAY;
        ret->days = (int32_t)off;
        return true;
    }
bad:
    problem(c, node, "invalid_value", key,
            "\"%s\" must be a date YYYY-MM-DD (1900–2199), \"today\", or \"today-N\"/\"today+N\" "
            "with N up to %d days.",
            key, HY_TREE_DAYS_MAX);
    return false;
}

/* ------------------------------------------------------------------------ node index */

/* Sorts idx[0..n) by the nodes' ids, equal ids by position (insertion sort: at most
 * HY_TREE_NODES_MAX entries, and no state outside the call, so threads may parse at once). */
static void sort_by_id(const struct hy_tree_node *nodes, uint16_t *idx, size_t n) {
    for (size_t i = 1; i < n; i++) {
        uint16_t x = idx[i];
        size_t j = i;
        while (j > 0) {
            int r = strcmp(nodes[idx[j - 1]].id, nodes[x].id);
            if (r < 0 || (r == 0 && idx[j - 1] < x)) break;
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = x;
    }
}

static int find_in(const struct hy_tree_node *nodes, const uint16_t *by_id, size_t n,
                   const char *id) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(nodes[by_id[mid]].id, id);
        if (r == 0) return by_id[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int hy_tree_find(const struct hy_tree *t, const char *id) {
    return id ? find_in(t->nodes, t->by_id, t->nnodes, id) : -1;
}

/* ------------------------------------------------------------------- reading the nodes */

static const char *const k_tree[] = {"id",       "title", "version", "reviewed_at", "source_url",
                                     "language", "intro", "start",   "nodes",       NULL};
static const char *const k_choice[] = {"id", "type", "text", "help", "options", "rules", "next",
                                       NULL};
static const char *const k_number[] = {"id",   "type",    "text",  "help", "min", "max",
                                       "unit", "integer", "rules", "next", NULL};
static const char *const k_date[] = {"id",  "type",  "text", "help", "min",
                                     "max", "rules", "next", NULL};
static const char *const k_result[] = {"id", "type", "text", "title", "severity", NULL};
static const char *const k_contact[] = {"id",       "type",    "text", "title",
                                        "severity", "contact", NULL};
static const char *const *const k_by_type[HY_TREE__TYPES] = {k_choice, k_choice, k_number,
                                                              k_date,   k_result, k_contact};
static const char *const type_nodes[HY_TREE__TYPES] = {
    "single_choice nodes", "multiple_choice nodes", "number nodes",
    "date nodes",          "result nodes",          "contact nodes"};
static const char *const k_option_single[] = {"label", "value", "next", NULL};
static const char *const k_option_multiple[] = {"label", "value", "next", "exclusive", NULL};
static const char *const k_contact_fields[] = {"name", "phone", "hours", "open", "url", NULL};
static const char *const k_hours[] = {"days", "from", "to", NULL};
static const char *const k_rule[] = {"if", "next", NULL};
static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static bool is_question(enum hy_tree_type t) { return !hy_tree_type_is_result(t); }

static void read_options(struct pctx *c, int i, const json_t *o) {
    struct hy_tree_node *n = &c->t->nodes[i];
    const json_t *arr = get_array(c, i, NULL, o, "options", true);
    if (!arr) return;
    size_t k = json_array_size(arr);
    if (k == 0) {
        problem(c, i, "no_options", "options", "The option list is empty: a choice needs options.");
        return;
    }
    if (k > HY_TREE_OPTIONS_MAX) {
        problem(c, i, "too_many", "options", "%zu options; at most %d are allowed.", k,
                HY_TREE_OPTIONS_MAX);
        k = HY_TREE_OPTIONS_MAX;
    }
    n->options = hy_arena_zalloc(c->a, k * sizeof *n->options);
    if (!n->options) {
        c->nomem = true;
        return;
    }
    n->noptions = k;
    bool multiple = n->type == HY_TREE_MULTIPLE_CHOICE;
    for (size_t j = 0; j < k; j++) {
        struct hy_tree_option *op = &n->options[j];
        op->next = -1;
        const json_t *oj = json_array_get(arr, j);
        const char *prefix = pathi(c, NULL, "options", j);
        if (!json_is_object(oj)) {
            problem(c, i, "wrong_type", prefix, "An option must be an object with a label and a value.");
            continue;
        }
        only_keys(c, i, prefix, oj, multiple ? k_option_multiple : k_option_single,
                  multiple ? "options of multiple_choice nodes" : "options of single_choice nodes");
        op->label = get_text(c, i, prefix, oj, "label", F_REQUIRED, HY_TREE_TITLE_MAX);
        op->value = get_id(c, i, prefix, oj, "value", true);
        if (multiple) op->exclusive = get_bool(c, i, prefix, oj, "exclusive");
        for (size_t l = 0; op->value && l < j; l++)
            if (n->options[l].value && !strcmp(n->options[l].value, op->value)) {
                problem(c, i, "duplicate_value", path(c, prefix, "value"),
                        "options[%zu] and options[%zu] have the same value \"%s\".", l, j,
                        op->value);
                break;
            }
    }
}

static void read_hours(struct pctx *c, int i, const json_t *co) {
    struct hy_tree_contact *ct = &c->t->nodes[i].contact;
    const json_t *v = json_object_get(co, "open");
    if (!v || json_is_null(v)) return;
    if (str(v) && !strcmp(str(v), "always")) {
        ct->always_open = true;
        return;
    }
    if (!json_is_array(v)) {
        problem(c, i, "wrong_type", "contact.open",
                "\"open\" must be \"always\" or a list of {\"days\",\"from\",\"to\"}.");
        return;
    }
    size_t k = json_array_size(v);
    if (k > HY_TREE_HOURS_MAX) {
        problem(c, i, "too_many", "contact.open", "%zu opening-hours entries; at most %d.", k,
                HY_TREE_HOURS_MAX);
        return;
    }
    ct->open = hy_arena_zalloc(c->a, (k ? k : 1) * sizeof *ct->open);
    if (!ct->open) {
        c->nomem = true;
        return;
    }
    for (size_t j = 0; j < k; j++) {
        const json_t *e = json_array_get(v, j);
        const char *prefix = pathi(c, "contact", "open", j);
        if (!json_is_object(e)) {
            problem(c, i, "wrong_type", prefix, "An opening-hours entry must be an object.");
            continue;
        }
        only_keys(c, i, prefix, e, k_hours, "opening hours");
        struct hy_tree_hours h = {0, 0, 0};
        const json_t *days = get_array(c, i, prefix, e, "days", true);
        bool ok = days != NULL;
        for (size_t d = 0; days && d < json_array_size(days); d++) {
            const char *s = str(json_array_get(days, d));
            int w = s ? name_index(s, day_names, 7) : -1;
            if (w < 0 || (h.days & (1u << w))) {
                problem(c, i, "invalid_value", path(c, prefix, "days"),
                        "\"days\" lists each of mon, tue, wed, thu, fri, sat, sun at most once.");
                ok = false;
                break;
            }
            h.days |= (uint8_t)(1u << w);
        }
        if (days && !h.days && ok) {
            problem(c, i, "invalid_value", path(c, prefix, "days"), "\"days\" is empty.");
            ok = false;
        }
        int from = -1, to = -1;
        for (int side = 0; side < 2; side++) {
            const char *key = side ? "to" : "from";
            const json_t *tv = json_object_get(e, key);
            int *dst = side ? &to : &from;
            if (!tv)
                problem(c, i, "missing_field", path(c, prefix, key), "\"%s\" is required.", key);
            else if (!str(tv) || !clock_time(str(tv), dst))
                problem(c, i, "invalid_value", path(c, prefix, key),
                        "\"%s\" must be a time HH:MM from 00:00 to 24:00.", key);
        }
        if (from >= 0 && to >= 0 && from >= to) {
            problem(c, i, "invalid_value", path(c, prefix, "to"),
                    "\"to\" must be later than \"from\" (split hours past midnight in two).");
            ok = false;
        }
        if (ok && from >= 0 && to > from) {
            h.from = (uint16_t)from;
            h.to = (uint16_t)to;
            ct->open[ct->nopen++] = h;
        }
    }
}

static void read_contact(struct pctx *c, int i, const json_t *o) {
    struct hy_tree_contact *ct = &c->t->nodes[i].contact;
    const json_t *co = json_object_get(o, "contact");
    if (!co) {
        problem(c, i, "missing_field", "contact", "\"contact\" is required.");
        return;
    }
    if (!json_is_object(co)) {
        problem(c, i, "wrong_type", "contact",
                "\"contact\" must be an object with name, phone and hours.");
        return;
    }
    only_keys(c, i, "contact", co, k_contact_fields, "contact");
    ct->name = get_text(c, i, "contact", co, "name", F_REQUIRED, HY_TREE_TITLE_MAX);
    ct->phone = get_text(c, i, "contact", co, "phone", F_REQUIRED, HY_TREE_PHONE_MAX);
    if (ct->phone && !phone_ok(ct->phone)) {
        problem(c, i, "invalid_value", "contact.phone",
                "\"phone\" must be the number as dialled: ASCII digits, an optional leading '+', "
                "single spaces or hyphens between digits.");
        ct->phone = NULL;
    }
    ct->hours = get_text(c, i, "contact", co, "hours", F_REQUIRED, HY_TREE_TITLE_MAX);
    ct->url = get_text(c, i, "contact", co, "url", 0, HY_TREE_URL_MAX);
    if (ct->url && !link_ok(ct->url, true)) {
        problem(c, i, "invalid_value", "contact.url",
                "\"url\" must start with https:// or http://, or be a path on this site (/…).");
        ct->url = NULL;
    }
    read_hours(c, i, co);
}

/* Pass 1: everything of node i that needs no other node. Links and rules come in pass 2. */
static void read_node(struct pctx *c, int i, const json_t *o, bool *ret_typed) {
    struct hy_tree_node *n = &c->t->nodes[i];
    n->next = -1;
    *ret_typed = false;
    if (!json_is_object(o)) {
        problem(c, i, "wrong_type", NULL, "A node must be a JSON object.");
        return;
    }
    n->id = get_id(c, i, NULL, o, "id", true);
    int type = get_enum(c, i, o, "type", hy_tree_type_names, HY_TREE__TYPES);
    if (type < 0) return; /* without a type nothing else can be checked */
    n->type = (enum hy_tree_type)type;
    *ret_typed = true;
    only_keys(c, i, NULL, o, k_by_type[type], type_nodes[type]);
    n->text = get_text(c, i, NULL, o, "text", F_REQUIRED | F_MULTILINE, HY_TREE_TEXT_MAX);
    if (is_question(n->type))
        n->help = get_text(c, i, NULL, o, "help", F_MULTILINE, HY_TREE_HELP_MAX);
    switch (n->type) {
    case HY_TREE_SINGLE_CHOICE:
    case HY_TREE_MULTIPLE_CHOICE: read_options(c, i, o); break;
    case HY_TREE_NUMBER: {
        bool has_min = get_number(c, i, NULL, o, "min", true, &n->min);
        bool has_max = get_number(c, i, NULL, o, "max", true, &n->max);
        if (has_min && has_max && n->min > n->max)
            problem(c, i, "invalid_value", "max", "\"min\" (%g) is more than \"max\" (%g).",
                    n->min, n->max);
        n->unit = get_text(c, i, NULL, o, "unit", 0, HY_TREE_UNIT_MAX);
        n->integer = get_bool(c, i, NULL, o, "integer");
        if (n->integer && has_min && has_max && ceil(n->min) > floor(n->max))
            problem(c, i, "invalid_value", "max",
                    "No whole number lies between \"min\" and \"max\".");
        break;
    }
    case HY_TREE_DATE: {
        bool ok = get_bound(c, i, o, "min", &n->date_min);
        ok = get_bound(c, i, o, "max", &n->date_max) && ok;
        if (ok && n->date_min.kind != HY_TREE_BOUND_NONE && n->date_min.kind == n->date_max.kind &&
            n->date_min.days > n->date_max.days)
            problem(c, i, "invalid_value", "max", "\"min\" is later than \"max\".");
        break;
    }
    case HY_TREE_RESULT:
    case HY_TREE_CONTACT: {
        n->title = get_text(c, i, NULL, o, "title", F_REQUIRED, HY_TREE_TITLE_MAX);
        int sev = get_enum(c, i, o, "severity", hy_tree_severity_names, HY_TREE__SEVERITIES);
        if (sev >= 0) n->severity = (enum hy_tree_severity)sev;
        if (n->type == HY_TREE_CONTACT) read_contact(c, i, o);
        break;
    }
    default: break;
    }
}

/* ------------------------------------------------------------------- links and rules */

/* The node named by o[key]: its index, or -1 when the key is absent (*ret_given false) or
 * names no node (reported as `code`). */
static int get_link(struct pctx *c, int node, const char *prefix, const json_t *o,
                    const char *key, const char *code, bool *ret_given) {
    const json_t *v = json_object_get(o, key);
    *ret_given = v && !json_is_null(v);
    if (!*ret_given) return -1;
    const char *id = get_id(c, node, prefix, o, key, false);
    if (!id) return -1;
    int k = find_in(c->t->nodes, c->by_id, c->nby_id, id);
    if (k < 0)
        problem(c, node, code, path(c, prefix, key),
                "\"%s\" leads to \"%s\", which is not a node of this tree.", key, id);
    return k;
}

static int option_of(const struct hy_tree_node *n, const char *value) {
    for (size_t j = 0; j < n->noptions; j++)
        if (n->options[j].value && !strcmp(n->options[j].value, value)) return (int)j;
    return -1;
}

/* An option value (a string) or a list of them, of node `ref`, into a mask. */
static bool option_mask(struct pctx *c, int node, const char *f, const json_t *v, bool list,
                        const struct hy_tree_node *ref, uint32_t *ret_mask) {
    *ret_mask = 0;
    if (list) {
        if (!json_is_array(v) || json_array_size(v) == 0 ||
            json_array_size(v) > HY_TREE_OPTIONS_MAX) {
            problem(c, node, "bad_rule", f, "This test takes a list of 1 to %d option values.",
                    HY_TREE_OPTIONS_MAX);
            return false;
        }
    } else if (!json_is_string(v)) {
        problem(c, node, "bad_rule", f, "This test takes one option value (a string).");
        return false;
    }
    size_t k = list ? json_array_size(v) : 1;
    for (size_t j = 0; j < k; j++) {
        const json_t *e = list ? json_array_get(v, j) : v;
        const char *s = str(e);
        int o = s && id_syntax(s) ? option_of(ref, s) : -1;
        if (o < 0) {
            if (s && id_syntax(s))
                problem(c, node, "bad_rule", f, "\"%s\" has no option with the value \"%s\".",
                        ref->id, s);
            else
                problem(c, node, "bad_rule", f, "\"%s\" has no such option value.", ref->id);
            return false;
        }
        *ret_mask |= 1u << o;
    }
    return true;
}

/* A number (number nodes) or a YYYY-MM-DD date (date nodes) to compare answers with. */
static bool compare_value(struct pctx *c, int node, const char *f, const json_t *v,
                          const struct hy_tree_node *ref, double *ret) {
    if (ref->type == HY_TREE_NUMBER) {
        if (!json_is_number(v) || fabs(json_number_value(v)) > HY_TREE_NUMBER_ABS) {
            problem(c, node, "bad_rule", f, "A test of the number \"%s\" compares with a number.",
                    ref->id);
            return false;
        }
        *ret = json_number_value(v);
        return true;
    }
    int32_t day;
    if (!str(v) || !iso_date(str(v), &day)) {
        problem(c, node, "bad_rule", f,
                "A test of the date \"%s\" compares with a date YYYY-MM-DD (1900–2199).",
                ref->id);
        return false;
    }
    *ret = day;
    return true;
}

/* A test {"node": ID, OPERATOR: VALUE}. */
static void read_test(struct pctx *c, int node, const char *f, const json_t *v,
                      struct hy_tree_cond *out) {
    if (++c->leaves == HY_TREE_COND_TESTS + 1)
        problem(c, node, "too_many", f, "A rule holds more than %d tests.", HY_TREE_COND_TESTS);
    const char *ref_id = get_id(c, node, f, v, "node", true);
    const char *opkey = NULL, *key;
    const json_t *opval = NULL, *x;
    size_t nops = 0;
    json_object_foreach((json_t *)v, key, x) {
        if (!strcmp(key, "node")) continue;
        nops++;
        opkey = key;
        opval = x;
    }
    if (nops != 1) {
        problem(c, node, nops ? "invalid_value" : "missing_field", f,
                nops ? "A test has one operator; combine tests with \"all\" or \"any\"."
                     : "A test needs an operator (eq, in, includes, gte, …).");
        return;
    }
    int op = name_index(opkey, hy_tree_op_names, HY_TREE__OPS);
    if (op < HY_TREE_OP_EQ) {
        bool plain = id_syntax(opkey);
        problem(c, node, "bad_rule", f, "%s%s%s is not a test operator.", plain ? "\"" : "",
                plain ? opkey : "That", plain ? "\"" : "");
        return;
    }
    out->op = (enum hy_tree_op)op;
    if (!ref_id) return;
    int k = find_in(c->t->nodes, c->by_id, c->nby_id, ref_id);
    if (k < 0) {
        problem(c, node, "rule_unknown_node", path(c, f, "node"),
                "The rule tests \"%s\", which is not a node of this tree.", ref_id);
        return;
    }
    out->node = k;
    if (!c->typed[k]) return; /* that node's own problem is reported */
    const struct hy_tree_node *ref = &c->t->nodes[k];
    const char *fo = path(c, f, opkey);
    enum hy_tree_type rt = ref->type;
    bool fits;
    switch (out->op) {
    case HY_TREE_OP_EQ: fits = rt != HY_TREE_MULTIPLE_CHOICE && is_question(rt); break;
    case HY_TREE_OP_IN: fits = rt == HY_TREE_SINGLE_CHOICE; break;
    case HY_TREE_OP_INCLUDES:
    case HY_TREE_OP_INCLUDES_ANY:
    case HY_TREE_OP_INCLUDES_ALL:
    case HY_TREE_OP_COUNT_GTE:
    case HY_TREE_OP_COUNT_LTE: fits = rt == HY_TREE_MULTIPLE_CHOICE; break;
    case HY_TREE_OP_GT:
    case HY_TREE_OP_GTE:
    case HY_TREE_OP_LT:
    case HY_TREE_OP_LTE: fits = rt == HY_TREE_NUMBER || rt == HY_TREE_DATE; break;
    default: fits = rt == HY_TREE_DATE; break; /* days_ago_* */
    }
    if (!fits) {
        problem(c, node, "bad_rule", fo, "\"%s\" cannot test \"%s\", a %s node%s.", opkey, ref_id,
                hy_tree_type_names[rt],
                hy_tree_type_is_result(rt) ? " (results have no answer)" : "");
        return;
    }
    switch (out->op) {
    case HY_TREE_OP_EQ:
        if (rt == HY_TREE_SINGLE_CHOICE)
            option_mask(c, node, fo, opval, false, ref, &out->mask);
        else
            compare_value(c, node, fo, opval, ref, &out->num);
        break;
    case HY_TREE_OP_IN:
    case HY_TREE_OP_INCLUDES_ANY:
    case HY_TREE_OP_INCLUDES_ALL: option_mask(c, node, fo, opval, true, ref, &out->mask); break;
    case HY_TREE_OP_INCLUDES: option_mask(c, node, fo, opval, false, ref, &out->mask); break;
    case HY_TREE_OP_COUNT_GTE:
    case HY_TREE_OP_COUNT_LTE:
        if (!json_is_integer(opval) || json_integer_value(opval) < 0 ||
            json_integer_value(opval) > (json_int_t)ref->noptions)
            problem(c, node, "bad_rule", fo, "A count is a whole number from 0 to %zu.",
                    ref->noptions);
        else
            out->num = (double)json_integer_value(opval);
        break;
    case HY_TREE_OP_DAYS_AGO_GTE:
    case HY_TREE_OP_DAYS_AGO_LTE:
        if (!json_is_integer(opval) || json_integer_value(opval) < -HY_TREE_DAYS_MAX ||
            json_integer_value(opval) > HY_TREE_DAYS_MAX)
            problem(c, node, "bad_rule", fo, "A number of days is a whole number up to %d.",
                    HY_TREE_DAYS_MAX);
        else
            out->num = (double)json_integer_value(opval);
        break;
    default: compare_value(c, node, fo, opval, ref, &out->num); break;
    }
}

/* A condition: a test, or exactly one of {"all": […]}, {"any": […]}, {"not": COND}. */
static void read_cond(struct pctx *c, int node, const char *f, const json_t *v, int depth,
                      struct hy_tree_cond *out) {
    out->op = HY_TREE_OP_ALL;
    out->node = -1;
    if (c->nomem) return;
    if (!json_is_object(v)) {
        problem(c, node, "wrong_type", f, "A condition must be an object.");
        return;
    }
    if (depth > HY_TREE_COND_DEPTH) {
        problem(c, node, "too_many", f, "Conditions are nested more than %d deep.",
                HY_TREE_COND_DEPTH);
        return;
    }
    if (json_object_get(v, "node")) {
        read_test(c, node, f, v, out);
        return;
    }
    const char *key = NULL;
    const json_t *x = NULL;
    int op = -1;
    if (json_object_size(v) == 1) {
        void *it = json_object_iter((json_t *)v);
        key = json_object_iter_key(it);
        x = json_object_iter_value(it);
        op = name_index(key, hy_tree_op_names, HY_TREE_OP_NOT + 1);
    }
    if (op < 0) {
        problem(c, node, "bad_rule", f,
                "A condition is a test {\"node\": …, OPERATOR: …} or exactly one of \"all\", "
                "\"any\" or \"not\".");
        return;
    }
    out->op = (enum hy_tree_op)op;
    const char *fk = path(c, f, key);
    if (op == HY_TREE_OP_NOT) {
        out->kids = hy_arena_zalloc(c->a, sizeof *out->kids);
        if (!out->kids) {
            c->nomem = true;
            return;
        }
        out->nkids = 1;
        read_cond(c, node, fk, x, depth + 1, out->kids);
        return;
    }
    if (!json_is_array(x) || json_array_size(x) == 0 ||
        json_array_size(x) > HY_TREE_COND_TESTS) {
        problem(c, node, "bad_rule", fk, "\"%s\" takes a list of 1 to %d conditions.", key,
                HY_TREE_COND_TESTS);
        return;
    }
    size_t k = json_array_size(x);
    out->kids = hy_arena_zalloc(c->a, k * sizeof *out->kids);
    if (!out->kids) {
        c->nomem = true;
        return;
    }
    out->nkids = k;
    for (size_t j = 0; j < k && !c->nomem; j++)
        read_cond(c, node, pathi(c, f, key, j), json_array_get(x, j), depth + 1, &out->kids[j]);
}

/* Pass 2 for question i: the options' and the default next, and the rules. */
static void read_links(struct pctx *c, int i) {
    struct hy_tree_node *n = &c->t->nodes[i];
    const json_t *o = json_array_get(c->nodes, (size_t)i);
    size_t missing = 0;
    bool given;
    for (size_t j = 0; j < n->noptions; j++) {
        const json_t *oj = json_array_get(json_object_get(o, "options"), j);
        if (!json_is_object(oj)) continue;
        n->options[j].next =
            get_link(c, i, pathi(c, NULL, "options", j), oj, "next", "dangling_next", &given);
        if (!given) missing++;
    }
    n->next = get_link(c, i, NULL, o, "next", "dangling_next", &given);
    if (!given && (n->type == HY_TREE_NUMBER || n->type == HY_TREE_DATE))
        problem(c, i, "missing_field", "next", "A %s question needs \"next\".",
                hy_tree_type_names[n->type]);
    else if (!given && missing)
        problem(c, i, "missing_field", "next",
                "%zu option(s) have no \"next\" of their own, so the node needs a default "
                "\"next\".",
                missing);

    const json_t *rules = get_array(c, i, NULL, o, "rules", false);
    if (!rules) return;
    size_t k = json_array_size(rules);
    if (k > HY_TREE_RULES_MAX) {
        problem(c, i, "too_many", "rules", "%zu rules; at most %d are allowed.", k,
                HY_TREE_RULES_MAX);
        k = HY_TREE_RULES_MAX;
    }
    n->rules = hy_arena_zalloc(c->a, (k ? k : 1) * sizeof *n->rules);
    if (!n->rules) {
        c->nomem = true;
        return;
    }
    n->nrules = k;
    for (size_t j = 0; j < k && !c->nomem; j++) {
        struct hy_tree_rule *r = &n->rules[j];
        r->next = -1;
        r->cond.node = -1;
        const json_t *rj = json_array_get(rules, j);
        const char *prefix = pathi(c, NULL, "rules", j);
        if (!json_is_object(rj)) {
            problem(c, i, "wrong_type", prefix, "A rule must be an object {\"if\", \"next\"}.");
            continue;
        }
        only_keys(c, i, prefix, rj, k_rule, "rules");
        r->next = get_link(c, i, prefix, rj, "next", "dangling_next", &given);
        if (!given)
            problem(c, i, "missing_field", path(c, prefix, "next"), "A rule needs \"next\".");
        const json_t *cond = json_object_get(rj, "if");
        c->leaves = 0;
        if (!cond)
            problem(c, i, "missing_field", path(c, prefix, "if"), "A rule needs \"if\".");
        else
            read_cond(c, i, path(c, prefix, "if"), cond, 1, &r->cond);
    }
}

/* ------------------------------------------------------------------------ the graph */

#define EDGES_MAX (HY_TREE_OPTIONS_MAX + HY_TREE_RULES_MAX + 1)

/* The nodes node n can lead to (with repeats), into out[EDGES_MAX]; returns the count. */
static size_t edges(const struct hy_tree_node *n, int *out) {
    size_t k = 0;
    if (hy_tree_type_is_result(n->type)) return 0;
    for (size_t j = 0; j < n->noptions; j++)
        if (n->options[j].next >= 0) out[k++] = n->options[j].next;
    for (size_t j = 0; j < n->nrules; j++)
        if (n->rules[j].next >= 0) out[k++] = n->rules[j].next;
    if (n->next >= 0) out[k++] = n->next;
    return k;
}

struct graph {
    size_t n;
    int *adj; /* n × EDGES_MAX */
    size_t *deg;
    /* Tarjan's strongly connected components */
    int *index, *low, *stack;
    bool *on_stack;
    int next_index;
    size_t sp;
};

static void scc_report(struct pctx *c, struct graph *g, size_t bottom, int root) {
    size_t k = g->sp - bottom;
    bool self = false;
    for (size_t e = 0; e < g->deg[root]; e++) self |= g->adj[root * EDGES_MAX + e] == root;
    if (k > 1 || self) {
        /* The members in document order, for a stable report. */
        const char **ids = hy_arena_alloc(c->a, k * sizeof *ids);
        bool *in = hy_arena_zalloc(c->a, g->n * sizeof *in);
        if (!ids || !in) {
            c->nomem = true;
        } else {
            for (size_t s = bottom; s < g->sp; s++) in[g->stack[s]] = true;
            size_t m = 0, len = 0;
            int first = -1;
            char list[400];
            list[0] = '\0';
            for (size_t v = 0; v < g->n; v++) {
                if (!in[v]) continue;
                if (first < 0) first = (int)v;
                ids[m++] = c->t->nodes[v].id;
                int w = snprintf(list + len, sizeof list - len, "%s\"%s\"", m > 1 ? ", " : "",
                                 c->t->nodes[v].id);
                if (w > 0 && (size_t)w < sizeof list - len) len += (size_t)w;
            }
            size_t before = c->p->count;
            problem(c, first, "cycle", NULL,
                    "These nodes lead back to one another, so a walk could go round for ever: "
                    "%s.",
                    list);
            if (c->p->count > before) {
                c->p->items[before].nodes = ids;
                c->p->items[before].nnodes = m;
            }
            for (size_t v = 0; v < g->n; v++)
                if (in[v]) c->broken[v] = true;
        }
    }
    for (size_t s = bottom; s < g->sp; s++) g->on_stack[g->stack[s]] = false;
    g->sp = bottom;
}

static void scc_visit(struct pctx *c, struct graph *g, int v) {
    g->index[v] = g->low[v] = g->next_index++;
    size_t bottom = g->sp;
    g->stack[g->sp++] = v;
    g->on_stack[v] = true;
    for (size_t e = 0; e < g->deg[v]; e++) {
        int w = g->adj[v * EDGES_MAX + e];
        if (g->index[w] < 0) {
            scc_visit(c, g, w);
            if (g->low[w] < g->low[v]) g->low[v] = g->low[w];
        } else if (g->on_stack[w] && g->index[w] < g->low[v]) {
            g->low[v] = g->index[w];
        }
    }
    if (g->low[v] == g->index[v]) scc_report(c, g, bottom, v);
}

typedef uint64_t domset[(HY_TREE_NODES_MAX + 63) / 64];

static bool dom_has(const domset s, int i) { return (s[i / 64] >> (i % 64)) & 1u; }

/* Every test of `cond` must read a node that is asked on every way to node i (i itself
 * included): else it could have no answer when the rule is read. */
static void check_earlier(struct pctx *c, int i, size_t rule, const struct hy_tree_cond *cond,
                          const domset dom) {
    if (cond->op <= HY_TREE_OP_NOT) {
        for (size_t k = 0; k < cond->nkids; k++) check_earlier(c, i, rule, &cond->kids[k], dom);
        return;
    }
    if (cond->node < 0 || dom_has(dom, cond->node)) return;
    const char *f = hy_arena_printf(c->a, "rules[%zu].if", rule);
    if (!f) c->nomem = true;
    problem(c, i, "rule_not_earlier", f,
            "The rule tests \"%s\", which is not asked on every way to this node, so it may "
            "have no answer here.",
            c->t->nodes[cond->node].id);
}

static void check_graph(struct pctx *c, const bool *typed, const bool *dup) {
    size_t n = c->nnodes;
    struct hy_tree *t = c->t;
    struct graph g = {n, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0};
    g.adj = hy_arena_alloc(c->a, n * EDGES_MAX * sizeof *g.adj);
    g.deg = hy_arena_zalloc(c->a, n * sizeof *g.deg);
    g.index = hy_arena_alloc(c->a, n * sizeof *g.index);
    g.low = hy_arena_alloc(c->a, n * sizeof *g.low);
    g.stack = hy_arena_alloc(c->a, n * sizeof *g.stack);
    g.on_stack = hy_arena_zalloc(c->a, n * sizeof *g.on_stack);
    bool *reached = hy_arena_zalloc(c->a, n * sizeof *reached);
    bool *good = hy_arena_zalloc(c->a, n * sizeof *good);
    bool *had_problem = hy_arena_alloc(c->a, n * sizeof *had_problem);
    int *todo = hy_arena_alloc(c->a, n * sizeof *todo);
    domset *dom = hy_arena_alloc(c->a, n * sizeof *dom);
    if (!g.adj || !g.deg || !g.index || !g.low || !g.stack || !g.on_stack || !reached || !good ||
        !had_problem || !todo || !dom) {
        c->nomem = true;
        return;
    }
    for (size_t v = 0; v < n; v++) {
        g.deg[v] = typed[v] ? edges(&t->nodes[v], g.adj + v * EDGES_MAX) : 0;
        g.index[v] = -1;
        had_problem[v] = c->broken[v];
    }

    /* Nodes that cannot reach a result. A node with a problem of its own counts as reaching
     * one, so a broken link is reported once, not again at every node before it. */
    for (size_t v = 0; v < n; v++)
        good[v] = !typed[v] || had_problem[v] || hy_tree_type_is_result(t->nodes[v].type);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t v = 0; v < n; v++)
            for (size_t e = 0; !good[v] && e < g.deg[v]; e++)
                if (good[g.adj[v * EDGES_MAX + e]]) good[v] = changed = true;
    }
    for (size_t v = 0; v < n; v++)
        if (!good[v])
            problem(c, (int)v, "dead_end", NULL,
                    "No answer here leads to a result: every way on goes round in a loop.");

    /* Cycles, each reported once with all its nodes. */
    for (size_t v = 0; v < n && !c->nomem; v++)
        if (g.index[v] < 0) scc_visit(c, &g, (int)v);

    if (t->start < 0) return;

    /* Nodes the start does not lead to. */
    size_t top = 0;
    todo[top++] = t->start;
    reached[t->start] = true;
    while (top) {
        int v = todo[--top];
        for (size_t e = 0; e < g.deg[v]; e++) {
            int w = g.adj[v * EDGES_MAX + e];
            if (!reached[w]) {
                reached[w] = true;
                todo[top++] = w;
            }
        }
    }
    /* A reached node with a problem of its own (a missing or broken link) may be why others
     * are not reached: then they are not reported, to keep the list to the causes. */
    bool complete = true;
    for (size_t v = 0; v < n; v++) complete &= !reached[v] || !had_problem[v];
    for (size_t v = 0; complete && v < n; v++)
        if (!reached[v] && t->nodes[v].id && !dup[v])
            problem(c, (int)v, "unreachable", NULL,
                    "No way from the start leads to this node.");

    /* Dominators: dom[v] = the nodes on every way from the start to v (v included), by the
     * usual iteration to a fixed point over the reached nodes in reverse postorder (one pass
     * and a check when there is no cycle; it also ends when there is one). */
    size_t *pred_at = hy_arena_zalloc(c->a, (n + 1) * sizeof *pred_at);
    int *preds = hy_arena_alloc(c->a, n * EDGES_MAX * sizeof *preds);
    int *order = hy_arena_alloc(c->a, n * sizeof *order);
    size_t *edge = hy_arena_zalloc(c->a, n * sizeof *edge);
    bool *seen = hy_arena_zalloc(c->a, n * sizeof *seen);
    if (!pred_at || !preds || !order || !edge || !seen) {
        c->nomem = true;
        return;
    }
    for (size_t p = 0; p < n; p++)
        for (size_t e = 0; reached[p] && e < g.deg[p]; e++) pred_at[g.adj[p * EDGES_MAX + e] + 1]++;
    for (size_t v = 0; v < n; v++) pred_at[v + 1] += pred_at[v];
    for (size_t p = 0; p < n; p++)
        for (size_t e = 0; reached[p] && e < g.deg[p]; e++) {
            int w = g.adj[p * EDGES_MAX + e];
            preds[pred_at[w] + edge[w]++] = (int)p;
        }
    /* Postorder of a depth-first walk from the start, without recursion. */
    size_t norder = 0;
    top = 0;
    todo[top++] = t->start;
    seen[t->start] = true;
    memset(edge, 0, n * sizeof *edge);
    while (top) {
        int v = todo[top - 1];
        if (edge[v] < g.deg[v]) {
            int w = g.adj[v * EDGES_MAX + edge[v]++];
            if (!seen[w]) {
                seen[w] = true;
                todo[top++] = w;
            }
        } else {
            order[norder++] = v;
            top--;
        }
    }
    size_t words = (n + 63) / 64;
    for (size_t v = 0; v < n; v++) {
        memset(dom[v], 0, sizeof dom[v]);
        if (reached[v] && (int)v != t->start)
            for (size_t w = 0; w < words; w++) dom[v][w] = ~(uint64_t)0;
    }
    dom[t->start][t->start / 64] |= (uint64_t)1 << (t->start % 64);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t k = norder; k-- > 0;) {
            int v = order[k];
            if (v == t->start) continue;
            domset meet;
            for (size_t w = 0; w < words; w++) meet[w] = ~(uint64_t)0;
            for (size_t q = pred_at[v]; q < pred_at[v + 1]; q++)
                for (size_t w = 0; w < words; w++) meet[w] &= dom[preds[q]][w];
            meet[v / 64] |= (uint64_t)1 << (v % 64);
            if (memcmp(meet, dom[v], words * sizeof meet[0])) {
                memcpy(dom[v], meet, words * sizeof meet[0]);
                changed = true;
            }
        }
    }
    for (size_t v = 0; v < n; v++) {
        if (!reached[v] || !typed[v]) continue;
        for (size_t j = 0; j < t->nodes[v].nrules; j++)
            check_earlier(c, (int)v, j, &t->nodes[v].rules[j].cond, dom[v]);
    }
}

/* ---------------------------------------------------------------------- the document */

static bool problems_init(hy_arena *a, struct hy_tree_problems *p) {
    memset(p, 0, sizeof *p);
    p->items = hy_arena_alloc(a, HY_TREE_PROBLEMS_MAX * sizeof *p->items);
    return p->items != NULL;
}

int hy_tree_parse_json(hy_arena *a, const json_t *doc, struct hy_tree **ret,
                       struct hy_tree_problems *ret_problems) {
    if (!problems_init(a, ret_problems)) return -ENOMEM;
    struct hy_tree *t = hy_arena_zalloc(a, sizeof *t);
    if (!t) return -ENOMEM;
    t->start = -1;
    struct pctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.p = ret_problems;
    c.t = t;
    if (!json_is_object(doc)) {
        problem(&c, -1, "bad_json", NULL, "A tree must be a JSON object.");
        return c.nomem ? -ENOMEM : -EINVAL;
    }
    only_keys(&c, -1, NULL, doc, k_tree, "a tree");
    t->id = get_id(&c, -1, NULL, doc, "id", true);
    t->title = get_text(&c, -1, NULL, doc, "title", F_REQUIRED, HY_TREE_TITLE_MAX);
    const json_t *v = json_object_get(doc, "version");
    if (!v)
        problem(&c, -1, "missing_field", "version", "\"version\" is required.");
    else if (!json_is_integer(v))
        problem(&c, -1, "wrong_type", "version", "\"version\" must be a whole number.");
    else if (json_integer_value(v) < 1 || json_integer_value(v) > INT32_MAX)
        problem(&c, -1, "invalid_value", "version", "\"version\" must be from 1 to %d.",
                INT32_MAX);
    else
        t->version = json_integer_value(v);
    t->reviewed_at = get_text(&c, -1, NULL, doc, "reviewed_at", F_REQUIRED, 10);
    if (t->reviewed_at && !iso_date(t->reviewed_at, &t->reviewed_day)) {
        problem(&c, -1, "invalid_value", "reviewed_at",
                "\"reviewed_at\" must be a date YYYY-MM-DD (1900–2199).");
        t->reviewed_at = NULL;
    }
    t->source_url = get_text(&c, -1, NULL, doc, "source_url", 0, HY_TREE_URL_MAX);
    if (t->source_url && !link_ok(t->source_url, false))
        problem(&c, -1, "invalid_value", "source_url",
                "\"source_url\" must start with https:// or http://.");
    t->language = get_text(&c, -1, NULL, doc, "language", F_REQUIRED, HY_GROUP_LANG_LEN);
    if (t->language && !hy_lang_tag_valid(t->language))
        problem(&c, -1, "invalid_value", "language",
                "\"language\" must be a language tag such as \"fa\" or \"en\".");
    t->intro = get_text(&c, -1, NULL, doc, "intro", F_MULTILINE, HY_TREE_TEXT_MAX);

    const json_t *nodes = get_array(&c, -1, NULL, doc, "nodes", true);
    size_t n = nodes ? json_array_size(nodes) : 0;
    if (nodes && n == 0) problem(&c, -1, "invalid_value", "nodes", "A tree needs nodes.");
    if (n > HY_TREE_NODES_MAX) {
        problem(&c, -1, "too_many", "nodes", "%zu nodes; at most %d are allowed.", n,
                HY_TREE_NODES_MAX);
        n = HY_TREE_NODES_MAX;
    }
    size_t slots = n ? n : 1;
    t->nodes = hy_arena_zalloc(a, slots * sizeof *t->nodes);
    c.broken = hy_arena_zalloc(a, slots * sizeof *c.broken);
    c.typed = hy_arena_zalloc(a, slots * sizeof *c.typed);
    c.by_id = hy_arena_alloc(a, slots * sizeof *c.by_id);
    bool *dup = hy_arena_zalloc(a, slots * sizeof *dup);
    if (!t->nodes || !c.broken || !c.typed || !c.by_id || !dup) return -ENOMEM;
    c.nodes = nodes;
    c.nnodes = n;
    for (size_t i = 0; i < n && !c.nomem; i++)
        read_node(&c, (int)i, json_array_get(nodes, i), &c.typed[i]);

    /* The index of ids; a later node with an id already taken is a duplicate. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (t->nodes[i].id) c.by_id[m++] = (uint16_t)i;
    sort_by_id(t->nodes, c.by_id, m);
    size_t u = 0;
    for (size_t k = 0; k < m; k++) {
        uint16_t i = c.by_id[k];
        if (u && !strcmp(t->nodes[c.by_id[u - 1]].id, t->nodes[i].id)) {
            dup[i] = true;
            c.typed[i] = false; /* not linked or walked: the first node of that id is */
            problem(&c, i, "duplicate_id", "id", "nodes[%u] already has the id \"%s\".",
                    (unsigned)c.by_id[u - 1], t->nodes[i].id);
            continue;
        }
        c.by_id[u++] = i;
    }
    c.nby_id = u;

    bool given;
    t->start = get_link(&c, -1, NULL, doc, "start", "unknown_start", &given);
    if (!given) problem(&c, -1, "missing_field", "start", "\"start\" is required.");

    for (size_t i = 0; i < n && !c.nomem; i++)
        if (c.typed[i] && is_question(t->nodes[i].type)) read_links(&c, (int)i);
    if (!c.nomem && n) check_graph(&c, c.typed, dup);

    if (c.nomem) return -ENOMEM;
    if (ret_problems->count) return -EINVAL;
    t->nnodes = n;
    t->by_id = c.by_id;
    *ret = t;
    return 0;
}

int hy_tree_parse(hy_arena *a, const char *json, size_t n, struct hy_tree **ret,
                  struct hy_tree_problems *ret_problems) {
    struct hy_tree_problem *pr;
    if (!problems_init(a, ret_problems)) return -ENOMEM;
    pr = &ret_problems->items[0];
    memset(pr, 0, sizeof *pr);
    if (n > HY_TREE_DOC_MAX) {
        pr->code = "too_large";
        pr->message = hy_arena_printf(a, "The document is %zu bytes long; at most %d are allowed.",
                                      n, HY_TREE_DOC_MAX);
    } else if (!hy_utf8_valid(json, n, 0)) {
        pr->code = "bad_utf8";
        pr->message = "The document is not valid UTF-8 (or holds control characters).";
    } else {
        json_error_t e;
        json_t *doc = json_loadb(json, n, JSON_REJECT_DUPLICATES, &e);
        if (doc) {
            int r = hy_tree_parse_json(a, doc, ret, ret_problems);
            json_decref(doc);
            return r;
        }
        pr->code = "bad_json";
        pr->message = hy_arena_printf(a, "Not JSON (line %d, column %d): %s", e.line, e.column,
                                      e.text);
    }
    if (!pr->message) return -ENOMEM;
    ret_problems->count = 1;
    return -EINVAL;
}

const char **hy_tree_problem_nodes(hy_arena *a, const struct hy_tree_problems *p,
                                   size_t *ret_count) {
    size_t cap = 1;
    for (size_t i = 0; i < p->count; i++) cap += 1 + p->items[i].nnodes;
    const char **ids = hy_arena_alloc(a, cap * sizeof *ids);
    if (!ids) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < p->count; i++) {
        const struct hy_tree_problem *pr = &p->items[i];
        for (size_t j = 0; j <= pr->nnodes; j++) {
            const char *id = j == 0 ? pr->node : pr->nodes[j - 1];
            bool seen = !id;
            for (size_t l = 0; l < k && !seen; l++) seen = !strcmp(ids[l], id);
            if (!seen) ids[k++] = id;
        }
    }
    ids[k] = NULL;
    if (ret_count) *ret_count = k;
    return ids;
}

json_t *hy_tree_problems_json(const struct hy_tree_problems *p) {
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < p->count; i++) {
        const struct hy_tree_problem *pr = &p->items[i];
        json_t *o = json_pack("{s:s, s:s?, s:s?, s:s}", "code", pr->code, "node", pr->node,
                              "field", pr->field, "message", pr->message);
        if (o && pr->nnodes) {
            json_t *ids = json_array();
            for (size_t j = 0; ids && j < pr->nnodes; j++)
                json_array_append_new(ids, json_string(pr->nodes[j]));
            if (!ids || json_object_set_new(o, "nodes", ids)) {
                json_decref(o);
                o = NULL;
            }
        }
        if (!o || json_array_append_new(arr, o)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* ------------------------------------------------------------------------ evaluation */

struct ectx {
    hy_arena *a;
    const struct hy_tree *t;
    int32_t today;
    struct hy_tree_error *err;
    const struct hy_tree_answer *path;
    const int *at; /* per node: its position on the path, or -1 */
};

static int refuse(struct ectx *e, const char *code, const char *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(struct ectx *e, const char *code, const char *node, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Copies: the error outlives the answers it may quote. */
    e->err->code = code;
    e->err->node = node ? hy_arena_strdup(e->a, node) : NULL;
    e->err->message = hy_arena_strdup(e->a, msg);
    if ((node && !e->err->node) || !e->err->message) return -ENOMEM;
    return -EINVAL;
}

/* A number as typed: optional spaces, a sign, digits (ASCII, Persian or Arabic-Indic) with
 * at most one decimal separator ('.' or the Arabic U+066B). */
static bool number_text(const char *s, size_t n, double *ret) {
    char buf[HY_TREE_ANSWER_MAX + 1];
    size_t k = 0;
    bool digit = false, sep = false, started = false, ended = false;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += hy_text_decode(s + i, n - i, &cp);
        if (cp == 0) return false;
        if (direction_mark(cp)) continue;
        if (cp == 0x066B) cp = '.';
        if (cp == 0x2212) cp = '-'; /* minus sign */
        cp = hy_text_fold(cp);
        if (cp == 0) continue;
        if (cp == ' ') {
            if (started) ended = true;
            continue;
        }
        if (ended || k >= HY_TREE_ANSWER_MAX) return false;
        if (cp >= '0' && cp <= '9')
            digit = true;
        else if (cp == '.' && !sep && digit)
            sep = true;
        else if ((cp != '-' && cp != '+') || started)
            return false;
        started = true;
        buf[k++] = (char)cp;
    }
    if (!digit || buf[k - 1] == '.') return false;
    buf[k] = '\0';
    char *end;
    double x = strtod(buf, &end);
    if (*end || !isfinite(x)) return false;
    *ret = x;
    return true;
}

static int32_t bound_day(const struct hy_tree_bound *b, int32_t today) {
    return b->kind == HY_TREE_BOUND_TODAY ? today + b->days : b->days;
}

/* Reads the answer v to question `idx` into *out, or refuses it naming the node. */
static int read_answer(struct ectx *e, int idx, const json_t *v, struct hy_tree_answer *out) {
    const struct hy_tree_node *n = &e->t->nodes[idx];
    const char *id = n->id;
    memset(out, 0, sizeof *out);
    out->node = idx;
    switch (n->type) {
    case HY_TREE_SINGLE_CHOICE: {
        const char *s = str(v);
        int o = s ? option_of(n, s) : -1;
        if (o < 0)
            return refuse(e, "invalid_answer", id,
                          "The answer to \"%s\" must be the value of one of its options.", id);
        out->option = o;
        return 0;
    }
    case HY_TREE_MULTIPLE_CHOICE: {
        size_t k = json_is_array(v) ? json_array_size(v) : json_is_string(v) ? 1 : 0;
        if (k == 0 || k > n->noptions)
            return refuse(e, "invalid_answer", id,
                          "The answer to \"%s\" must be a list of one or more of its options' "
                          "values.",
                          id);
        bool exclusive = false;
        for (size_t j = 0; j < k; j++) {
            const json_t *x = json_is_array(v) ? json_array_get(v, j) : v;
            const char *s = str(x);
            int o = s ? option_of(n, s) : -1;
            if (o < 0)
                return refuse(e, "invalid_answer", id,
                              "The answer to \"%s\" holds something that is not one of its "
                              "options' values.",
                              id);
            if (out->mask & (1u << o))
                return refuse(e, "invalid_answer", id,
                              "The answer to \"%s\" lists the same option twice.", id);
            out->mask |= 1u << o;
            exclusive |= n->options[o].exclusive;
        }
        if (exclusive && k > 1)
            return refuse(e, "invalid_answer", id,
                          "The answer to \"%s\" combines an option that must be chosen alone "
                          "with others.",
                          id);
        return 0;
    }
    case HY_TREE_NUMBER: {
        double x;
        if (json_is_number(v))
            x = json_number_value(v);
        else if (!json_is_string(v) ||
                 !number_text(json_string_value(v), json_string_length(v), &x))
            return refuse(e, "invalid_answer", id, "The answer to \"%s\" must be a number.", id);
        if (n->integer && x != floor(x))
            return refuse(e, "invalid_answer", id,
                          "The answer to \"%s\" must be a whole number.", id);
        if (!(x >= n->min && x <= n->max))
            return refuse(e, "invalid_answer", id,
                          "The answer to \"%s\" must be from %g to %g.", id, n->min, n->max);
        out->num = x;
        return 0;
    }
    case HY_TREE_DATE: {
        int32_t day;
        if (!json_is_string(v) || json_string_length(v) > HY_TREE_ANSWER_MAX ||
            !hy_tree_date_parse(json_string_value(v), json_string_length(v), &day))
            return refuse(e, "invalid_answer", id,
                          "The answer to \"%s\" must be a date: YYYY-MM-DD (Gregorian) or "
                          "YYYY/MM/DD (Solar Hijri).",
                          id);
        char lo[11] = "", hi[11] = "";
        bool low = n->date_min.kind != HY_TREE_BOUND_NONE, high = n->date_max.kind != HY_TREE_BOUND_NONE;
        int32_t dmin = bound_day(&n->date_min, e->today), dmax = bound_day(&n->date_max, e->today);
        if ((low && day < dmin) || (high && day > dmax)) {
            if (low) iso_format(dmin, lo);
            if (high) iso_format(dmax, hi);
            return refuse(e, "invalid_answer", id, "The answer to \"%s\" must be %s%s%s%s%s.", id,
                          low ? "on or after " : "", lo, low && high ? " and " : "",
                          high ? "on or before " : "", hi);
        }
        out->num = day;
        return 0;
    }
    default: return refuse(e, "not_on_path", id, "\"%s\" is a result; it takes no answer.", id);
    }
}

static int popcount32(uint32_t x) {
    int k = 0;
    for (; x; x &= x - 1) k++;
    return k;
}

static bool cond_true(const struct ectx *e, const struct hy_tree_cond *c) {
    switch (c->op) {
    case HY_TREE_OP_ALL:
        for (size_t k = 0; k < c->nkids; k++)
            if (!cond_true(e, &c->kids[k])) return false;
        return true;
    case HY_TREE_OP_ANY:
        for (size_t k = 0; k < c->nkids; k++)
            if (cond_true(e, &c->kids[k])) return true;
        return false;
    case HY_TREE_OP_NOT: return !cond_true(e, &c->kids[0]);
    default: break;
    }
    /* A validated tree tests only nodes answered on every way here. */
    if (c->node < 0 || e->at[c->node] < 0) return false;
    const struct hy_tree_answer *a = &e->path[e->at[c->node]];
    enum hy_tree_type type = e->t->nodes[c->node].type;
    switch (c->op) {
    case HY_TREE_OP_EQ:
        return type == HY_TREE_SINGLE_CHOICE ? (c->mask >> a->option) & 1u : a->num == c->num;
    case HY_TREE_OP_IN: return (c->mask >> a->option) & 1u;
    case HY_TREE_OP_INCLUDES:
    case HY_TREE_OP_INCLUDES_ANY: return (a->mask & c->mask) != 0;
    case HY_TREE_OP_INCLUDES_ALL: return (a->mask & c->mask) == c->mask;
    case HY_TREE_OP_COUNT_GTE: return popcount32(a->mask) >= c->num;
    case HY_TREE_OP_COUNT_LTE: return popcount32(a->mask) <= c->num;
    case HY_TREE_OP_GT: return a->num > c->num;
    case HY_TREE_OP_GTE: return a->num >= c->num;
    case HY_TREE_OP_LT: return a->num < c->num;
    case HY_TREE_OP_LTE: return a->num <= c->num;
    case HY_TREE_OP_DAYS_AGO_GTE: return e->today - a->num >= c->num;
    case HY_TREE_OP_DAYS_AGO_LTE: return e->today - a->num <= c->num;
    default: return false;
    }
}

/* Where the answered question leads: the first rule that holds, else the chosen option's own
 * next (multiple_choice: the first chosen option, in the tree's order, that has one), else the
 * node's default next. */
static int route(const struct ectx *e, const struct hy_tree_node *n,
                 const struct hy_tree_answer *a) {
    for (size_t j = 0; j < n->nrules; j++)
        if (cond_true(e, &n->rules[j].cond)) return n->rules[j].next;
    if (n->type == HY_TREE_SINGLE_CHOICE && n->options[a->option].next >= 0)
        return n->options[a->option].next;
    if (n->type == HY_TREE_MULTIPLE_CHOICE)
        for (size_t j = 0; j < n->noptions; j++)
            if (((a->mask >> j) & 1u) && n->options[j].next >= 0) return n->options[j].next;
    return n->next;
}

int hy_tree_evaluate(const struct hy_tree *t, const json_t *answers, int32_t today, hy_arena *a,
                     struct hy_tree_step *ret, struct hy_tree_error *ret_err) {
    struct ectx e = {a, t, today, ret_err, NULL, NULL};
    memset(ret_err, 0, sizeof *ret_err);
    if (!json_is_object(answers))
        return refuse(&e, "bad_answers", NULL, "The answers must be a JSON object.");
    struct hy_tree_answer *path = hy_arena_alloc(a, t->nnodes * sizeof *path);
    int *at = hy_arena_alloc(a, t->nnodes * sizeof *at);
    if (!path || !at) return -ENOMEM;
    for (size_t i = 0; i < t->nnodes; i++) at[i] = -1;
    e.path = path;
    e.at = at;
    size_t npath = 0;
    int cur = t->start;
    /* A valid tree has no cycle, so a walk answers each node at most once. */
    while (!hy_tree_type_is_result(t->nodes[cur].type) && npath < t->nnodes) {
        const json_t *v = json_object_get(answers, t->nodes[cur].id);
        if (!v) break;
        int r = read_answer(&e, cur, v, &path[npath]);
        if (r < 0) return r;
        at[cur] = (int)npath++;
        cur = route(&e, &t->nodes[cur], &path[npath - 1]);
        if (cur < 0) return refuse(&e, "invalid_answer", t->nodes[path[npath - 1].node].id,
                                   "The answer to \"%s\" leads nowhere.",
                                   t->nodes[path[npath - 1].node].id);
    }
    if (json_object_size(answers) > npath) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)answers, key, v) {
            int k = hy_tree_find(t, key);
            if (k >= 0 && at[k] >= 0) continue;
            const char *node = id_syntax(key) ? key : NULL;
            if (k < 0)
                return refuse(&e, "not_on_path", node,
                              node ? "\"%s\" is not a node of this tree."
                                   : "%sAn answer names no node of this tree.",
                              node ? node : "");
            if (hy_tree_type_is_result(t->nodes[k].type))
                return refuse(&e, "not_on_path", node, "\"%s\" is a result; it takes no answer.",
                              node);
            return refuse(&e, "not_on_path", node,
                          "\"%s\" is not on the way the other answers lead (answer the "
                          "questions in order; go back to change an earlier answer).",
                          node);
        }
    }
    ret->node = cur;
    ret->done = hy_tree_type_is_result(t->nodes[cur].type);
    ret->path = path;
    ret->npath = npath;
    return 0;
}

json_t *hy_tree_answers_json(const struct hy_tree *t, const struct hy_tree_step *s, size_t count) {
    json_t *o = json_object();
    if (count > s->npath) count = s->npath;
    for (size_t i = 0; o && i < count; i++) {
        const struct hy_tree_answer *a = &s->path[i];
        const struct hy_tree_node *n = &t->nodes[a->node];
        json_t *v = NULL;
        char day[11];
        switch (n->type) {
        case HY_TREE_SINGLE_CHOICE: v = json_string(n->options[a->option].value); break;
        case HY_TREE_MULTIPLE_CHOICE:
            v = json_array();
            for (size_t j = 0; v && j < n->noptions; j++)
                if (((a->mask >> j) & 1u) &&
                    json_array_append_new(v, json_string(n->options[j].value))) {
                    json_decref(v);
                    v = NULL;
                }
            break;
        case HY_TREE_NUMBER:
            v = a->num == floor(a->num) && fabs(a->num) <= HY_TREE_NUMBER_ABS
                    ? json_integer((json_int_t)a->num)
                    : json_real(a->num);
            break;
        case HY_TREE_DATE:
            iso_format((int32_t)a->num, day);
            v = json_string(day);
            break;
        default: break;
        }
        if (!v || json_object_set_new(o, n->id, v)) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

int hy_tree_back(const struct hy_tree *t, const json_t *answers, int32_t today, hy_arena *a,
                 json_t **ret_answers, struct hy_tree_error *ret_err) {
    struct hy_tree_step s = {0, false, NULL, 0};
    int r = hy_tree_evaluate(t, answers, today, a, &s, ret_err);
    if (r < 0) return r;
    json_t *o = hy_tree_answers_json(t, &s, s.npath ? s.npath - 1 : 0);
    if (!o) return -ENOMEM;
    *ret_answers = o;
    return 0;
}

/* ---------------------------------------------------------------------- rendering etc. */

static int render(hy_arena *a, const char *md, const char **ret_html, const char **ret_text) {
    if (!md) return 0;
    char *html, *text;
    int r = hy_md_render(a, md, strlen(md), &html, &text);
    if (r < 0) return r;
    *ret_html = html;
    if (ret_text) *ret_text = text;
    return 0;
}

int hy_tree_render(hy_arena *a, struct hy_tree *t) {
    int r = render(a, t->intro, &t->intro_html, NULL);
    for (size_t i = 0; r == 0 && i < t->nnodes; i++) {
        struct hy_tree_node *n = &t->nodes[i];
        r = render(a, n->text, &n->text_html, &n->text_plain);
        if (r == 0) r = render(a, n->help, &n->help_html, NULL);
    }
    return r;
}

bool hy_tree_contact_open(const struct hy_tree_contact *c, int weekday, int minute) {
    if (weekday < 0 || weekday > 6) return false;
    for (size_t i = 0; i < c->nopen; i++)
        if (((c->open[i].days >> weekday) & 1u) && minute >= c->open[i].from &&
            minute < c->open[i].to)
            return true;
    return false;
}
