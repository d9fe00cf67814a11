/* test_router.c — matching paths against the route table (hy_route_match in
 * src/http/router.c, over the table in src/api/routes.c).
 *
 * Hand-picked paths check exact matches, {…} arguments, 404 (NULL with allowed 0), 405 (NULL
 * with the methods the path does take; HEAD whenever GET) and that a trailing slash does not
 * match. A table-driven test then instantiates every route of the table and compares the
 * answer with a matcher written here from the pattern syntax, so new routes are covered too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/routes.h"
#include "http/router.h"

static hy_arena *g_arena;

static int setup(void **state) {
    (void)state;
    g_arena = hy_arena_new(0);
    return g_arena ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    g_arena = hy_arena_free(g_arena);
    return 0;
}

struct match {
    const struct hy_route *r;
    const char *args[HY_MAX_ARGS];
    int nargs;
    unsigned allowed;
};

static struct match route(enum hy_method m, const char *path) {
    struct match x;
    memset(&x, 0, sizeof x);
    x.nargs = -1;
    x.allowed = 0xdead;
    x.r = hy_route_match(hy_routes, hy_routes_count, path, m, x.args, &x.nargs, &x.allowed,
                         g_arena);
    return x;
}

static void expect_route(enum hy_method m, const char *path, enum hy_method route_method,
                         const char *pattern, int nargs) {
    struct match x = route(m, path);
    if (!x.r) fail_msg("%s %s: no route (allowed 0x%x)", hy_method_name(m), path, x.allowed);
    assert_int_equal(x.r->method, route_method);
    assert_string_equal(x.r->pattern, pattern);
    assert_int_equal(x.nargs, nargs);
}

static void expect_404(enum hy_method m, const char *path) {
    struct match x = route(m, path);
    if (x.r) fail_msg("%s %s matched %s", hy_method_name(m), path, x.r->pattern);
    if (x.allowed != 0) fail_msg("%s %s: allowed 0x%x, expected 0", hy_method_name(m), path, x.allowed);
}

static void expect_405(enum hy_method m, const char *path, unsigned allowed) {
    struct match x = route(m, path);
    if (x.r) fail_msg("%s %s matched %s", hy_method_name(m), path, x.r->pattern);
    if (x.allowed != allowed)
        fail_msg("%s %s: allowed 0x%x, expected 0x%x", hy_method_name(m), path, x.allowed, allowed);
}

static void test_exact(void **state) {
    (void)state;
    expect_route(HY_GET, "/healthz", HY_GET, "/healthz", 0);
    expect_route(HY_GET, "/api/v1/config", HY_GET, "/api/v1/config", 0);
    expect_route(HY_POST, "/api/v1/auth/login", HY_POST, "/api/v1/auth/login", 0);
    expect_route(HY_POST, "/api/v1/auth/reset", HY_POST, "/api/v1/auth/reset", 0);
    expect_route(HY_POST, "/api/v1/auth/reset/confirm", HY_POST, "/api/v1/auth/reset/confirm", 0);
    expect_route(HY_GET, "/api/v1/me", HY_GET, "/api/v1/me", 0);
    expect_route(HY_PATCH, "/api/v1/me", HY_PATCH, "/api/v1/me", 0);
    /* One path, two methods, two handlers. */
    expect_route(HY_GET, "/api/v1/volunteers", HY_GET, "/api/v1/volunteers", 0);
    expect_route(HY_POST, "/api/v1/volunteers", HY_POST, "/api/v1/volunteers", 0);
}

static void test_head_is_get(void **state) {
    (void)state;
    expect_route(HY_HEAD, "/healthz", HY_GET, "/healthz", 0);
    expect_route(HY_HEAD, "/tiles/3/4/5", HY_GET, "/tiles/{z}/{x}/{y}", 3);
    /* HEAD on a POST-only path: 405 listing POST only. */
    expect_405(HY_HEAD, "/api/v1/auth/login", HY_POST);
}

static void test_args(void **state) {
    (void)state;
    struct match x = route(HY_POST, "/api/v1/volunteers/0123abcd/approve");
    assert_non_null(x.r);
    assert_string_equal(x.r->pattern, "/api/v1/volunteers/{id}/approve");
    assert_int_equal(x.nargs, 1);
    assert_string_equal(x.args[0], "0123abcd");
    x = route(HY_POST, "/api/v1/volunteers/xyz/suspend");
    assert_non_null(x.r);
    assert_string_equal(x.r->pattern, "/api/v1/volunteers/{id}/suspend");
    assert_string_equal(x.args[0], "xyz");
    x = route(HY_GET, "/tiles/12/2650/1620");
    assert_non_null(x.r);
    assert_int_equal(x.nargs, 3);
    assert_string_equal(x.args[0], "12");
    assert_string_equal(x.args[1], "2650");
    assert_string_equal(x.args[2], "1620");
    /* Arguments are copied: the path may go away. */
    char path[64];
    memcpy(path, "/api/v1/users/abc/role", sizeof "/api/v1/users/abc/role");
    x = route(HY_POST, path);
    assert_non_null(x.r);
    memset(path, 'X', strlen(path));
    assert_string_equal(x.args[0], "abc");
    /* An argument takes any characters but '/', including dots and percent signs. */
    x = route(HY_GET, "/tiles/1/2/3.png");
    assert_non_null(x.r);
    assert_string_equal(x.args[2], "3.png");
    x = route(HY_POST, "/api/v1/volunteers/%2e%2e/approve");
    assert_non_null(x.r);
    assert_string_equal(x.args[0], "%2e%2e");
    x = route(HY_POST, "/api/v1/volunteers/../approve"); /* the handler must check its id */
    assert_non_null(x.r);
    assert_string_equal(x.args[0], "..");
}

static void test_404(void **state) {
    (void)state;
    expect_404(HY_GET, "/nope");
    expect_404(HY_GET, "");
    expect_404(HY_GET, "/");
    expect_404(HY_GET, "healthz");
    expect_404(HY_GET, "/HEALTHZ");  /* case-sensitive */
    expect_404(HY_GET, "/healthzz");
    expect_404(HY_GET, "/health");
    expect_404(HY_GET, "//healthz");
    expect_404(HY_GET, "/api/v1");
    expect_404(HY_GET, "/api/v1/");
    expect_404(HY_GET, "/api/v1/mee");
    /* Arguments: exactly one non-empty segment each. */
    expect_404(HY_GET, "/tiles/1/2");
    expect_404(HY_GET, "/tiles/1/2/3/4");
    expect_404(HY_GET, "/tiles//2/3");
    expect_404(HY_GET, "/tiles/1/2/");
    expect_404(HY_POST, "/api/v1/volunteers//approve");
    expect_404(HY_POST, "/api/v1/volunteers/a/b/approve");
    expect_404(HY_POST, "/api/v1/volunteers/abc/approve/x");
    expect_404(HY_POST, "/api/v1/volunteers/abc/approv");
    /* allowed may be NULL. */
    assert_null(
        hy_route_match(hy_routes, hy_routes_count, "/nope", HY_GET, NULL, NULL, NULL, g_arena));
}

static void test_trailing_slash(void **state) {
    (void)state;
    expect_404(HY_GET, "/healthz/");
    expect_404(HY_GET, "/api/v1/me/");
    expect_404(HY_POST, "/api/v1/auth/login/");
    expect_404(HY_POST, "/api/v1/volunteers/abc/approve/");
    expect_404(HY_GET, "/api/v1/volunteers/");
}

static void test_405(void **state) {
    (void)state;
    expect_405(HY_POST, "/healthz", HY_GET | HY_HEAD);
    expect_405(HY_DELETE, "/healthz", HY_GET | HY_HEAD);
    expect_405(HY_GET, "/api/v1/auth/login", HY_POST); /* no HEAD: no GET */
    expect_405(HY_DELETE, "/api/v1/me", HY_GET | HY_HEAD | HY_PATCH);
    expect_405(HY_PUT, "/api/v1/me", HY_GET | HY_HEAD | HY_PATCH);
    expect_405(HY_DELETE, "/api/v1/volunteers", HY_GET | HY_HEAD | HY_POST);
    expect_405(HY_GET, "/api/v1/volunteers/abc/approve", HY_POST);
    expect_405(HY_OPTIONS, "/tiles/1/2/3", HY_GET | HY_HEAD);
    /* An unknown method (0) on a known path: 405 with its methods. */
    expect_405(0, "/healthz", HY_GET | HY_HEAD);
}

static void test_methods(void **state) {
    (void)state;
    static const enum hy_method all[] = {HY_GET, HY_HEAD, HY_POST, HY_PUT, HY_PATCH, HY_DELETE,
                                         HY_OPTIONS};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *n = hy_method_name(all[i]);
        assert_string_not_equal(n, "?");
        assert_int_equal(hy_method_parse(n), all[i]);
    }
    assert_int_equal(hy_method_parse("get"), 0);
    assert_int_equal(hy_method_parse("TRACE"), 0);
    assert_int_equal(hy_method_parse(""), 0);
    assert_int_equal(hy_method_parse("GET "), 0);
    assert_string_equal(hy_method_name(0), "?");
    assert_string_equal(hy_method_name(HY_GET | HY_POST), "?");
}

/* ---- the whole table against a matcher written from the pattern syntax ---- */

/* Splits at '/', compares segment by segment; "{…}" matches any non-empty segment. */
static bool ref_match(const char *pattern, const char *path) {
    for (;;) {
        size_t pl = strcspn(pattern, "/"), sl = strcspn(path, "/");
        const char *close = pl >= 2 && pattern[0] == '{' ? memchr(pattern, '}', pl) : NULL;
        if (close) {
            /* "{id}" takes any non-empty segment; "{id}.csv" one ending in ".csv" after at
             * least one character. */
            size_t tail = pl - (size_t)(close + 1 - pattern);
            if (sl <= tail || strncmp(path + sl - tail, close + 1, tail) != 0) return false;
        } else if (pl != sl || strncmp(pattern, path, pl) != 0) {
            return false;
        }
        pattern += pl;
        path += sl;
        if (!*pattern || !*path) return !*pattern && !*path;
        pattern++, path++; /* both at '/' */
    }
}

/* A concrete path for a pattern, each {…} replaced by "a1", "b2", … */
static void instantiate(const char *pattern, char *out, size_t n, int *ret_nargs) {
    size_t w = 0;
    int k = 0;
    for (const char *p = pattern; *p && w + 3 < n;) {
        if (*p == '{') {
            out[w++] = (char)('a' + k);
            out[w++] = (char)('1' + k);
            k++;
            p = strchr(p, '}') + 1;
        } else {
            out[w++] = *p++;
        }
    }
    out[w] = '\0';
    *ret_nargs = k;
}

/* The pattern with its {…} segments replaced by args; returns the number of {…}. */
static int substitute(const char *pattern, const char *const *args, int nargs, char *out,
                      size_t n) {
    size_t w = 0;
    int k = 0;
    out[0] = '\0';
    for (const char *p = pattern; *p;) {
        if (*p == '{') {
            const char *a = k < nargs ? args[k] : "";
            w += (size_t)snprintf(out + w, n - w, "%s", a);
            k++;
            p = strchr(p, '}') + 1;
        } else if (w + 1 < n) {
            out[w++] = *p++;
            out[w] = '\0';
        } else {
            break;
        }
        if (w >= n) break;
    }
    return k;
}

/* A literal after a parameter in one segment: the parameter is what comes before it. */
static void test_suffix(void **state) {
    (void)state;
    struct match x = route(HY_GET, "/api/v1/datasets/demo.csv");
    assert_non_null(x.r);
    assert_string_equal(x.r->pattern, "/api/v1/datasets/{id}.csv");
    assert_int_equal(x.nargs, 1);
    assert_string_equal(x.args[0], "demo");
    x = route(HY_GET, "/api/v1/datasets/.csv"); /* an empty parameter is no match */
    assert_true(x.r == NULL || strcmp(x.r->pattern, "/api/v1/datasets/{id}.csv") != 0);
    x = route(HY_GET, "/api/v1/datasets/demo.csvx");
    assert_non_null(x.r);
    assert_string_equal(x.r->pattern, "/api/v1/datasets/{id}");
}

static void test_every_route(void **state) {
    (void)state;
    static const enum hy_method all[] = {HY_GET, HY_HEAD, HY_POST, HY_PUT, HY_PATCH, HY_DELETE,
                                         HY_OPTIONS};
    for (size_t i = 0; i < hy_routes_count; i++) {
        const struct hy_route *r = &hy_routes[i];
        assert_true(r->pattern[0] == '/');
        char path[256];
        int nargs;
        instantiate(r->pattern, path, sizeof path, &nargs);
        assert_true(nargs <= HY_MAX_ARGS);
        /* The methods this path takes, by the reference matcher. */
        unsigned want_allowed = 0;
        const struct hy_route *first[8] = {0}; /* first route per method bit */
        for (size_t j = 0; j < hy_routes_count; j++)
            if (ref_match(hy_routes[j].pattern, path)) {
                want_allowed |= hy_routes[j].method;
                for (int b = 0; b < 8; b++)
                    if ((hy_routes[j].method & (1u << b)) && !first[b]) first[b] = &hy_routes[j];
            }
        if (want_allowed & HY_GET) want_allowed |= HY_HEAD;
        for (size_t m = 0; m < sizeof all / sizeof all[0]; m++) {
            enum hy_method want_m = all[m] == HY_HEAD ? HY_GET : all[m];
            int bit = __builtin_ctz((unsigned)want_m);
            struct match x = route(all[m], path);
            if (first[bit]) {
                /* The first route of that method in table order answers. */
                if (x.r != first[bit])
                    fail_msg("%s %s: got %s, expected %s", hy_method_name(all[m]), path,
                             x.r ? x.r->pattern : "(none)", first[bit]->pattern);
                /* Its arguments, put back into its pattern, give the path again. */
                char back[256];
                int braces = substitute(x.r->pattern, x.args, x.nargs, back, sizeof back);
                assert_int_equal(x.nargs, braces);
                assert_string_equal(back, path);
            } else {
                if (x.r) fail_msg("%s %s matched %s", hy_method_name(all[m]), path, x.r->pattern);
                if (x.allowed != want_allowed)
                    fail_msg("%s %s: allowed 0x%x, expected 0x%x", hy_method_name(all[m]), path,
                             x.allowed, want_allowed);
            }
        }
        /* A trailing slash or an extra segment never matches this route. */
        char longer[300];
        snprintf(longer, sizeof longer, "%s/", path);
        struct match x = route(r->method, longer);
        assert_true(x.r != r);
        snprintf(longer, sizeof longer, "%s/zz", path);
        x = route(r->method, longer);
        assert_true(x.r != r);
    }
}

/* No two routes share both method and pattern (the second would be unreachable). */
static void test_no_duplicate_routes(void **state) {
    (void)state;
    for (size_t i = 0; i < hy_routes_count; i++)
        for (size_t j = 0; j < i; j++)
            if (hy_routes[i].method == hy_routes[j].method &&
                strcmp(hy_routes[i].pattern, hy_routes[j].pattern) == 0)
                fail_msg("duplicate route %s %s", hy_method_name(hy_routes[i].method),
                         hy_routes[i].pattern);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
    const struct CMUnitTest tests[] = {
        T(test_exact),         T(test_head_is_get),        T(test_args),
        T(test_404),           T(test_trailing_slash),     T(test_405),
        T(test_methods),       T(test_every_route), T(test_suffix), T(test_no_duplicate_routes),
    };
    return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
