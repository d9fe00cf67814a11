/* fuzz_route.c — hy_route_match() on arbitrary paths and methods.
 *
 * The first input byte picks the method (one of the seven, or 0 for an unknown one); the rest,
 * up to a NUL, is the path. A match has the asked method (GET for HEAD), at most HY_MAX_ARGS
 * arguments, each non-empty and without '/', and putting them back into the route's pattern
 * gives the path. No match: the allowed set never contains the asked method, and holds HEAD
 * exactly when it holds GET. */
#include <stdbool.h>

#include "fuzz.h"
#include "api/routes.h"
#include "http/router.h"

static const enum hy_method methods[] = {0,        HY_GET,    HY_HEAD,   HY_POST,
                                         HY_PUT,   HY_PATCH,  HY_DELETE, HY_OPTIONS};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    enum hy_method m = methods[data[0] & 7];
    char *path = fuzz_cstr(data + 1, size - 1);
    hy_arena *arena = hy_arena_new(1 << 20);
    if (!arena) abort();
    const char *args[HY_MAX_ARGS];
    int nargs = -1;
    unsigned allowed = 0xdead;
    const struct hy_route *r =
        hy_route_match(hy_routes, hy_routes_count, path, m, args, &nargs, &allowed, arena);
    if (r) {
        FUZZ_CHECK(r->method == (m == HY_HEAD ? HY_GET : m));
        FUZZ_CHECK(nargs >= 0 && nargs <= HY_MAX_ARGS);
        /* Rebuild the path from the pattern and the arguments. */
        size_t plen = strlen(path);
        char *back = malloc(plen + 1);
        if (!back) abort();
        size_t w = 0;
        int k = 0;
        for (const char *p = r->pattern; *p;) {
            if (*p == '{') {
                FUZZ_CHECK(k < nargs);
                size_t al = strlen(args[k]);
                FUZZ_CHECK(al >= 1 && !strchr(args[k], '/'));
                FUZZ_CHECK(w + al <= plen);
                memcpy(back + w, args[k], al);
                w += al;
                k++;
                p = strchr(p, '}') + 1;
            } else {
                FUZZ_CHECK(w < plen);
                back[w++] = *p++;
            }
        }
        back[w] = '\0';
        FUZZ_CHECK(k == nargs);
        FUZZ_CHECK(strcmp(back, path) == 0);
        free(back);
    } else {
        enum hy_method want = m == HY_HEAD ? HY_GET : m;
        FUZZ_CHECK(allowed != 0xdead);
        FUZZ_CHECK(!(allowed & want) || want == 0);
        FUZZ_CHECK(!!(allowed & HY_GET) == !!(allowed & HY_HEAD));
        FUZZ_CHECK((allowed & ~0x7fu) == 0);
    }
    hy_arena_free(arena);
    free(path);
    return 0;
}
