/* router.c — matching a path against the route table. */
#include "http/router.h"

#include <string.h>

enum hy_method hy_method_parse(const char *name) {
    static const struct {
        const char *name;
        enum hy_method m;
    } t[] = {{"GET", HY_GET},     {"HEAD", HY_HEAD},     {"POST", HY_POST},
             {"PUT", HY_PUT},     {"PATCH", HY_PATCH},   {"DELETE", HY_DELETE},
             {"OPTIONS", HY_OPTIONS}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(name, t[i].name) == 0) return t[i].m;
    return 0;
}

const char *hy_method_name(enum hy_method m) {
    switch (m) {
    case HY_GET: return "GET";
    case HY_HEAD: return "HEAD";
    case HY_POST: return "POST";
    case HY_PUT: return "PUT";
    case HY_PATCH: return "PATCH";
    case HY_DELETE: return "DELETE";
    case HY_OPTIONS: return "OPTIONS";
    }
    return "?";
}

/* Matches one pattern; on success stores {…} segments (pointers into a copy in the arena). */
static bool match(const char *pattern, const char *path, const char **args, int *nargs,
                      hy_arena *arena) {
    int n = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *se = strchr(s, '/');
            if (!pe) return false;
            if (!se) se = s + strlen(s);
            /* A literal after the parameter in the same segment ("{id}.csv") must end the
             * path's segment; the parameter is what comes before it. */
            size_t tail = strcspn(pe + 1, "/");
            if ((size_t)(se - s) <= tail || memcmp(se - tail, pe + 1, tail) != 0) return false;
            const char *ae = se - tail;
            if (ae == s || n >= HY_MAX_ARGS) return false;
            if (args) {
                char *a = hy_arena_strndup(arena, s, (size_t)(ae - s));
                if (!a) return false;
                args[n] = a;
            }
            n++;
            p = pe + 1 + tail;
            s = se;
            continue;
        }
        if (*p != *s) return false;
        p++;
        s++;
    }
    if (*p || *s) return false;
    if (nargs) *nargs = n;
    return true;
}

const struct hy_route *hy_route_match(const struct hy_route *routes, size_t nroutes,
                                      const char *path, enum hy_method method,
                                      const char **args, int *ret_nargs, unsigned *ret_allowed,
                                      hy_arena *arena) {
    unsigned allowed = 0;
    enum hy_method want = method == HY_HEAD ? HY_GET : method;
    for (size_t i = 0; i < nroutes; i++) {
        const struct hy_route *r = &routes[i];
        if (r->method == want) {
            if (match(r->pattern, path, args, ret_nargs, arena)) return r;
        } else if (!(allowed & r->method) && match(r->pattern, path, NULL, NULL, arena)) {
            allowed |= r->method;
        }
    }
    if (allowed & HY_GET) allowed |= HY_HEAD;
    if (ret_allowed) *ret_allowed = allowed;
    return NULL;
}
