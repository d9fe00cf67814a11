/* test_buf.c — the growable buffer with a hard cap (src/util/buf.c).
 *
 * The contract under test: contents are always NUL-terminated; appending past the cap fails with
 * HY_BUF_TOO_LARGE and leaves len, size, data and the bytes exactly as they were; the first
 * failure sticks (every later call fails with it, even one that would fit) until a reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static void test_append_and_nul(void **state) {
    (void)state;
    hy_buf b = HY_BUF_INIT(0);
    assert_null(b.data);
    assert_int_equal(hy_buf_append(&b, "abc", 3), HY_BUF_OK);
    assert_int_equal(b.len, 3);
    assert_string_equal(b.data, "abc");
    assert_int_equal(hy_buf_puts(&b, "de"), HY_BUF_OK);
    assert_int_equal(hy_buf_putc(&b, 'f'), HY_BUF_OK);
    assert_int_equal(hy_buf_printf(&b, "-%d-%s", 42, "x"), HY_BUF_OK);
    assert_string_equal(b.data, "abcdef-42-x");
    assert_int_equal(b.len, strlen("abcdef-42-x"));
    assert_int_equal(hy_buf_append(&b, "", 0), HY_BUF_OK);
    assert_int_equal(b.len, 11);
    assert_true(b.size > b.len); /* room for the NUL */
    hy_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_binary_and_growth(void **state) {
    (void)state;
    hy_buf b = HY_BUF_INIT(0);
    /* Grows through several reallocations; embedded NULs are kept. */
    unsigned char chunk[97];
    for (size_t i = 0; i < sizeof chunk; i++) chunk[i] = (unsigned char)(i * 7);
    for (int r = 0; r < 200; r++) assert_int_equal(hy_buf_append(&b, chunk, sizeof chunk), 0);
    assert_int_equal(b.len, 200 * sizeof chunk);
    for (int r = 0; r < 200; r++) assert_memory_equal(b.data + r * sizeof chunk, chunk, sizeof chunk);
    assert_int_equal(b.data[b.len], '\0');
    hy_buf_free(&b);
}

static void test_reserve(void **state) {
    (void)state;
    hy_buf b = HY_BUF_INIT(0);
    assert_int_equal(hy_buf_puts(&b, "xy"), 0);
    assert_int_equal(hy_buf_reserve(&b, 5000), 0);
    assert_int_equal(b.len, 2); /* reserve does not change len */
    assert_true(b.size >= 2 + 5000 + 1);
    char *before = b.data;
    for (int i = 0; i < 5000; i++) assert_int_equal(hy_buf_putc(&b, 'z'), 0);
    assert_ptr_equal(b.data, before); /* no reallocation after the reserve */
    assert_int_equal(b.len, 5002);
    hy_buf_free(&b);
}

static void test_cap_exact_then_one_more(void **state) {
    (void)state;
    hy_buf b = HY_BUF_INIT(10);
    assert_int_equal(hy_buf_append(&b, "0123456789", 10), HY_BUF_OK); /* len == cap: allowed */
    assert_int_equal(b.len, 10);
    char *data = b.data;
    size_t size = b.size;
    assert_int_equal(hy_buf_putc(&b, 'x'), HY_BUF_TOO_LARGE); /* cap + 1: refused */
    assert_int_equal(hy_buf_append(&b, "x", 1), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_buf_puts(&b, "xyz"), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_buf_printf(&b, "%d", 7), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_buf_reserve(&b, 1), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_buf_reserve(&b, 0), HY_BUF_TOO_LARGE); /* the error sticks */
    assert_int_equal(hy_buf_error(&b), HY_BUF_TOO_LARGE);
    assert_int_equal(b.len, 10);
    assert_ptr_equal(b.data, data);
    assert_int_equal(b.size, size);
    assert_string_equal(b.data, "0123456789");
    hy_buf_free(&b);
}

static void test_cap_partial_append_unchanged(void **state) {
    (void)state;
    hy_buf b = HY_BUF_INIT(10);
    assert_int_equal(hy_buf_puts(&b, "hello"), 0);
    /* 5 + 6 > 10: nothing of the 6 bytes may be appended. */
    assert_int_equal(hy_buf_append(&b, "world!", 6), HY_BUF_TOO_LARGE);
    assert_int_equal(b.len, 5);
    assert_string_equal(b.data, "hello");
    /* printf that would overflow is refused whole, too. */
    assert_int_equal(hy_buf_printf(&b, "%s", "abcdef"), HY_BUF_TOO_LARGE);
    assert_string_equal(b.data, "hello");
    assert_int_equal(b.len, 5);
    /* Exactly filling the rest would fit, but the error sticks: nothing more is appended, so
     * no text leaves with a piece missing from its middle. */
    assert_int_equal(hy_buf_printf(&b, "%05d", 12), HY_BUF_TOO_LARGE);
    assert_string_equal(b.data, "hello");
    /* After a reset the cap counts afresh. */
    hy_buf_reset(&b);
    assert_int_equal(hy_buf_puts(&b, "hello"), HY_BUF_OK);
    assert_int_equal(hy_buf_printf(&b, "%05d", 12), HY_BUF_OK);
    assert_string_equal(b.data, "hello00012");
    hy_buf_free(&b);
}

static void test_cap_huge_sizes(void **state) {
    (void)state;
    hy_buf b = HY_BUF_INIT(0); /* 0 = 1 GiB */
    assert_int_equal(hy_buf_puts(&b, "a"), 0);
    /* Sizes that would overflow size_t arithmetic are refused, not wrapped. */
    assert_int_equal(hy_buf_reserve(&b, SIZE_MAX), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_buf_reserve(&b, SIZE_MAX - 1), HY_BUF_TOO_LARGE);
    /* The default cap of 1 GiB, checked without allocating it: len 1 + 1 GiB is one too many. */
    assert_int_equal(hy_buf_reserve(&b, (size_t)1 << 30), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_buf_append(&b, "x", SIZE_MAX), HY_BUF_TOO_LARGE);
    assert_string_equal(b.data, "a");
    hy_buf_free(&b);

    hy_buf e = HY_BUF_INIT(0);
    assert_int_equal(hy_buf_reserve(&e, ((size_t)1 << 30) + 1), HY_BUF_TOO_LARGE);
    assert_null(e.data); /* nothing allocated for a refused request */
}

static void test_cap_zero_length_buffer(void **state) {
    (void)state;
    hy_buf b = HY_BUF_INIT(1);
    assert_int_equal(hy_buf_putc(&b, 'a'), 0);
    assert_int_equal(hy_buf_putc(&b, 'b'), HY_BUF_TOO_LARGE);
    assert_string_equal(b.data, "a");
    hy_buf_free(&b);
}

static void test_reset_and_reuse(void **state) {
    (void)state;
    hy_buf b = HY_BUF_INIT(8);
    hy_buf_reset(&b); /* on an empty buffer: no crash */
    assert_int_equal(hy_buf_puts(&b, "12345678"), 0);
    char *data = b.data;
    hy_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_ptr_equal(b.data, data); /* the allocation is kept */
    assert_int_equal(hy_buf_puts(&b, "abcdefgh"), 0); /* the cap counts from the reset */
    assert_string_equal(b.data, "abcdefgh");
    hy_buf_free(&b);
    assert_int_equal(hy_buf_puts(&b, "again"), 0); /* usable after free */
    assert_string_equal(b.data, "again");
    hy_buf_free(&b);
    hy_buf_free(&b); /* twice is harmless */
}

static void test_steal(void **state) {
    (void)state;
    hy_buf b = HY_BUF_INIT(0);
    assert_int_equal(hy_buf_puts(&b, "owned"), 0);
    size_t n = 0;
    char *s = hy_buf_steal(&b, &n);
    assert_non_null(s);
    assert_int_equal(n, 5);
    assert_string_equal(s, "owned");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);

    /* Stealing an empty buffer still gives a NUL-terminated string the caller frees. */
    hy_buf e = HY_BUF_INIT(0);
    s = hy_buf_steal(&e, NULL);
    assert_non_null(s);
    bool terminated = s[0] == '\0';
    free(s);
    assert_true(terminated);
}

static void test_printf_long(void **state) {
    (void)state;
    hy_buf b = HY_BUF_INIT(0);
    char big[3000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(hy_buf_printf(&b, "<%s>", big), 0);
    assert_int_equal(b.len, sizeof big + 1);
    assert_int_equal(b.data[0], '<');
    assert_int_equal(b.data[b.len - 1], '>');
    assert_int_equal(b.data[b.len], '\0');
    hy_buf_free(&b);
}

/* The first failure sticks: every later call fails with it, the caller can check once at the
 * end (hy_buf_error, or the last call's result), and steal hands back nothing. */
static void test_errors_stick(void **state) {
    (void)state;
    hy_buf b = HY_BUF_INIT(8);
    assert_int_equal(hy_buf_error(&b), HY_BUF_OK);
    assert_int_equal(hy_buf_puts(&b, "abc"), HY_BUF_OK);
    assert_int_equal(hy_buf_puts(&b, "defghijk"), HY_BUF_TOO_LARGE); /* 3 + 8 > 8 */
    assert_int_equal(hy_buf_error(&b), HY_BUF_TOO_LARGE);
    /* A later piece that would fit is refused too, whatever the call. */
    assert_int_equal(hy_buf_putc(&b, 'd'), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_buf_append(&b, "", 0), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_buf_printf(&b, "%s", ""), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_buf_reserve(&b, 0), HY_BUF_TOO_LARGE);
    assert_string_equal(b.data, "abc");
    assert_int_equal(b.len, 3);
    /* Steal frees what is there and hands back NULL; the buffer is usable again. */
    size_t n = 99;
    assert_null(hy_buf_steal(&b, &n));
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(hy_buf_error(&b), HY_BUF_OK);
    assert_int_equal(hy_buf_puts(&b, "fresh"), HY_BUF_OK);
    assert_string_equal(b.data, "fresh");
    /* Free clears the error as well. */
    assert_int_equal(hy_buf_reserve(&b, 100), HY_BUF_TOO_LARGE);
    hy_buf_free(&b);
    assert_int_equal(hy_buf_error(&b), HY_BUF_OK);
    assert_int_equal(hy_buf_putc(&b, 'x'), HY_BUF_OK);
    hy_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_nul),
        cmocka_unit_test(test_binary_and_growth),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_cap_exact_then_one_more),
        cmocka_unit_test(test_cap_partial_append_unchanged),
        cmocka_unit_test(test_cap_huge_sizes),
        cmocka_unit_test(test_cap_zero_length_buffer),
        cmocka_unit_test(test_reset_and_reuse),
        cmocka_unit_test(test_steal),
        cmocka_unit_test(test_printf_long),
        cmocka_unit_test(test_errors_stick),
    };
    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
