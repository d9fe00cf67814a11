/* test_anscache.c — the whole-answer cache (src/util/anscache.c): answers come back as they
 * went in, only for the newest version seen, and the memory cap holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/anscache.h"
#include "util/gzip.h"

static char *get_text(hy_anscache *c, int64_t version, const char *key) {
    void *gz;
    size_t gzlen, plain;
    if (!hy_anscache_get(c, version, key, &gz, &gzlen, &plain)) return NULL;
    char *t = hy_gunzip(gz, gzlen, plain);
    assert_non_null(t);
    assert_int_equal(strlen(t), plain);
    free(gz);
    return t;
}

static void test_round_trip_and_versions(void **state) {
    (void)state;
    assert_null(hy_anscache_new(0));
    hy_anscache *c = hy_anscache_new(1 << 20);
    assert_non_null(c);
    const char *a = "{\"total\":1,\"items\":[{\"title\":\"همیاری\"}]}";
    assert_null(get_text(c, 5, "q=a"));
    hy_anscache_put(c, 5, "q=a", a, strlen(a));
    char *t = get_text(c, 5, "q=a");
    assert_string_equal(t, a);
    free(t);
    assert_null(get_text(c, 5, "q=b"));
    assert_null(get_text(c, 4, "q=a")); /* another version: never the stored answer */
    assert_null(get_text(c, 6, "q=a"));
    /* An answer for an older version is not kept; a newer one drops the old entries. */
    hy_anscache_put(c, 4, "q=old", a, strlen(a));
    assert_null(get_text(c, 4, "q=old"));
    hy_anscache_put(c, 6, "q=b", "{}", 2);
    assert_null(get_text(c, 5, "q=a"));
    assert_null(get_text(c, 6, "q=a"));
    t = get_text(c, 6, "q=b");
    assert_string_equal(t, "{}");
    free(t);
    struct hy_anscache_stats st;
    hy_anscache_stats(c, &st);
    assert_int_equal(st.entries, 1);
    assert_true(st.hits >= 2);
    hy_anscache_free(c);
}

static void test_cap(void **state) {
    (void)state;
    /* Incompressible-ish answers of ~2 KiB in a 64 KiB cache: the oldest go first. */
    hy_anscache *c = hy_anscache_new(64 * 1024);
    char body[2048 + 1];
    unsigned x = 12345;
    char key[32];
    for (int i = 0; i < 200; i++) {
        for (size_t k = 0; k < sizeof body - 1; k++) {
            x = x * 1103515245u + 12345u;
            body[k] = (char)('a' + (x >> 16) % 26);
        }
        body[sizeof body - 1] = '\0';
        snprintf(key, sizeof key, "k%d", i);
        hy_anscache_put(c, 1, key, body, strlen(body));
    }
    struct hy_anscache_stats st;
    hy_anscache_stats(c, &st);
    assert_true(st.bytes <= 64 * 1024);
    assert_true(st.entries > 10 && st.entries < 200);
    assert_int_equal(st.stored, 200);
    assert_int_equal(st.evicted, 200 - st.entries);
    char *t = get_text(c, 1, "k199"); /* the newest stays */
    assert_non_null(t);
    free(t);
    assert_null(get_text(c, 1, "k0")); /* the oldest went */
    hy_anscache_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_versions),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
