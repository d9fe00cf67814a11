/* test_arena.c — the per-request bump allocator (src/util/arena.c).
 *
 * Checked: every pointer is 16-byte aligned (enough for any type, max_align_t included);
 * allocations never overlap, including large ones that get their own chunk; the cap counts
 * rounded sizes and is exact at its boundary; sizes that would overflow are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

#define ALIGN 16

static void test_alignment(void **state) {
    (void)state;
    assert_true(ALIGN >= _Alignof(max_align_t));
    hy_arena *a = hy_arena_new(0);
    assert_non_null(a);
    static const size_t sizes[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000, 4095,
                                   4096, 4097, 5000, 8191, 8192, 8193, 20000};
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            void *p = hy_arena_alloc(a, sizes[i]);
            assert_non_null(p);
            if ((uintptr_t)p % ALIGN) fail_msg("size %zu: %p not aligned", sizes[i], p);
            memset(p, 0xab, sizes[i]); /* the whole block is writable (ASan checks this) */
        }
    char *s = hy_arena_strdup(a, "x");
    assert_true((uintptr_t)s % ALIGN == 0);
    hy_arena_free(a);
}

static void test_used_counts_rounded_sizes(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    assert_int_equal(hy_arena_used(a), 0);
    assert_non_null(hy_arena_alloc(a, 1));
    assert_int_equal(hy_arena_used(a), 16);
    assert_non_null(hy_arena_alloc(a, 16));
    assert_int_equal(hy_arena_used(a), 32);
    assert_non_null(hy_arena_alloc(a, 17));
    assert_int_equal(hy_arena_used(a), 64);
    assert_non_null(hy_arena_alloc(a, 0)); /* a zero-size request still gets a unique block */
    assert_int_equal(hy_arena_used(a), 80);
    assert_int_equal(hy_arena_used(NULL), 0);
    hy_arena_free(a);
}

static void test_cap_boundary(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(64);
    assert_non_null(hy_arena_alloc(a, 64)); /* exactly the cap */
    assert_null(hy_arena_alloc(a, 1));      /* one more byte: refused */
    assert_int_equal(hy_arena_used(a), 64);
    hy_arena_free(a);

    a = hy_arena_new(64);
    assert_null(hy_arena_alloc(a, 65)); /* more than the cap at once */
    assert_non_null(hy_arena_alloc(a, 48));
    assert_non_null(hy_arena_alloc(a, 9));  /* rounds to 16: 64 in all */
    assert_null(hy_arena_alloc(a, 1));
    assert_int_equal(hy_arena_used(a), 64);
    hy_arena_free(a);

    /* The cap counts rounded sizes: 50 bytes rounds to 64, past a cap of 60. */
    a = hy_arena_new(60);
    assert_null(hy_arena_alloc(a, 50));
    assert_non_null(hy_arena_alloc(a, 48));
    hy_arena_free(a);

    /* A large cap across many chunks. */
    a = hy_arena_new(100000);
    size_t got = 0;
    while (hy_arena_alloc(a, 1000)) got += 1008; /* 1000 rounds to 1008 */
    assert_int_equal(got, 99 * 1008);
    assert_true(hy_arena_used(a) <= 100000);
    hy_arena_free(a);
}

static void test_overflowing_sizes(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    assert_null(hy_arena_alloc(a, SIZE_MAX));
    assert_null(hy_arena_alloc(a, SIZE_MAX - 7));
    assert_null(hy_arena_alloc(a, ((size_t)64 << 20) + 1)); /* just past the default cap */
    assert_null(hy_arena_zalloc(a, SIZE_MAX / 2));
    assert_null(hy_arena_strndup(a, "x", SIZE_MAX));
    assert_int_equal(hy_arena_used(a), 0);
    assert_non_null(hy_arena_alloc(a, 8)); /* still usable */
    hy_arena_free(a);
    assert_null(hy_arena_alloc(NULL, 8));
}

/* Fill every allocation with its own byte and check nothing was overwritten: small blocks,
 * blocks larger than half a chunk (their own chunk behind the current one) interleaved. */
static void test_no_overlap(void **state) {
    (void)state;
    enum { N = 600 };
    hy_arena *a = hy_arena_new(0);
    unsigned char *p[N];
    size_t n[N];
    for (int i = 0; i < N; i++) {
        n[i] = i % 10 == 9 ? 4097 + (size_t)i * 13 : 1 + (size_t)(i * 37) % 700;
        p[i] = hy_arena_alloc(a, n[i]);
        assert_non_null(p[i]);
        memset(p[i], i & 0xff, n[i]);
    }
    for (int i = 0; i < N; i++)
        for (size_t k = 0; k < n[i]; k++)
            if (p[i][k] != (unsigned char)(i & 0xff)) fail_msg("block %d byte %zu overwritten", i, k);
    hy_arena_free(a);
}

static void test_zalloc_and_strings(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    /* Dirty some memory, free nothing, then check zalloc zeroes what it returns. */
    unsigned char *z = hy_arena_zalloc(a, 300);
    assert_non_null(z);
    for (int i = 0; i < 300; i++) assert_int_equal(z[i], 0);

    char *s = hy_arena_strndup(a, "hello world", 5);
    assert_string_equal(s, "hello");
    assert_string_equal(hy_arena_strndup(a, "", 0), "");
    assert_string_equal(hy_arena_strdup(a, "همیاری"), "همیاری");
    assert_null(hy_arena_strdup(a, NULL));
    assert_string_equal(hy_arena_printf(a, "%s-%03d", "id", 7), "id-007");
    char big[10000];
    memset(big, 'w', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *b = hy_arena_printf(a, "[%s]", big);
    assert_non_null(b);
    assert_int_equal(strlen(b), sizeof big + 1);
    hy_arena_free(a);
}

static void test_strings_respect_cap(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(32);
    assert_non_null(hy_arena_strdup(a, "0123456789abcde")); /* 16 with the NUL */
    assert_null(hy_arena_strdup(a, "0123456789abcdef0"));  /* 18 → 32: past the 16 left */
    assert_null(hy_arena_printf(a, "%s", "0123456789abcdef"));
    assert_non_null(hy_arena_printf(a, "%d", 123456));
    hy_arena_free(a);
}

static void test_free_null(void **state) {
    (void)state;
    assert_null(hy_arena_free(NULL));
    hy_arena *a = hy_arena_new(0);
    assert_null(hy_arena_free(a)); /* returns NULL so callers can write a = hy_arena_free(a) */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_used_counts_rounded_sizes),
        cmocka_unit_test(test_cap_boundary),
        cmocka_unit_test(test_overflowing_sizes),
        cmocka_unit_test(test_no_overlap),
        cmocka_unit_test(test_zalloc_and_strings),
        cmocka_unit_test(test_strings_respect_cap),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
