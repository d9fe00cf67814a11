/* test_relayout.c — records laid out again in another order (src/util/relayout.c).
 *
 * The contract under test: for random records (empty ones included) and random orders, in any
 * number of rounds, the bytes come out exactly as one plain copy in the new order gives them,
 * with the same offsets; no records and one record work too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/relayout.h"

static uint32_t rnd_state = 12345;
static uint32_t rnd(void) {
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

/* n random records and a random order; checks hy_relayout() against the plain copy. */
static void check(size_t n, unsigned rounds) {
    uint32_t *off = malloc((n + 1) * sizeof *off), *order = malloc((n ? n : 1) * sizeof *order);
    assert_non_null(off);
    assert_non_null(order);
    off[0] = 0;
    for (size_t r = 0; r < n; r++)
        off[r + 1] = off[r] + (rnd() % 7 == 0 ? 0 : rnd() % 200);
    size_t total = off[n];
    char *src = malloc(total ? total : 1);
    assert_non_null(src);
    for (size_t i = 0; i < total; i++)
        src[i] = (char)rnd();
    for (size_t p = 0; p < n; p++)
        order[p] = (uint32_t)p;
    for (size_t p = n; p > 1; p--) {
        size_t q = rnd() % p;
        uint32_t t = order[p - 1];
        order[p - 1] = order[q];
        order[q] = t;
    }
    /* the plain copy */
    char *want = malloc(total ? total : 1);
    uint32_t *want_off = malloc((n + 1) * sizeof *want_off);
    assert_non_null(want);
    assert_non_null(want_off);
    size_t w = 0;
    for (size_t p = 0; p < n; p++) {
        uint32_t r = order[p];
        want_off[p] = (uint32_t)w;
        memcpy(want + w, src + off[r], off[r + 1] - off[r]);
        w += off[r + 1] - off[r];
    }
    want_off[n] = (uint32_t)w;

    char *out = malloc(total ? total : 1);
    uint32_t *got_off = malloc((n + 1) * sizeof *got_off);
    assert_non_null(out);
    assert_non_null(got_off);
    assert_int_equal(hy_relayout(&src, off, order, n, rounds, out, got_off), 0);
    assert_null(src);
    assert_memory_equal(got_off, want_off, (n + 1) * sizeof *got_off);
    if (total) assert_memory_equal(out, want, total);
    free(out);
    free(got_off);
    free(want);
    free(want_off);
    free(off);
    free(order);
}

static void test_random_orders(void **state) {
    (void)state;
    static const unsigned rounds[] = {0, 1, 2, 3, 8, 1000};
    static const size_t sizes[] = {2, 3, 17, 1000, 20000};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        for (size_t k = 0; k < sizeof rounds / sizeof *rounds; k++)
            for (int rep = 0; rep < 3; rep++)
                check(sizes[i], rounds[k]);
}

static void test_none_and_one(void **state) {
    (void)state;
    check(0, 8);
    check(1, 1);
    check(1, 8);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_orders),
        cmocka_unit_test(test_none_and_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
