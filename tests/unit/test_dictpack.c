/* test_dictpack.c — short texts packed against a shared dictionary (src/util/dictpack.c).
 *
 * The contract under test: every text unpacks to exactly its bytes (texts like the dictionary,
 * unlike it, with bytes below 0x20, ids of 32 hexadecimal digits and near misses of them, the
 * empty text, texts longer than the longest copy), texts like the dictionary come out smaller,
 * and a packed text cut short or pointing outside the dictionary is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/dictpack.h"

static const char DICT[] =
    "{\"id\":\"0123456789abcdef0123456789abcdef\",\"name\":\"Bench group 1\",\"description\":"
    "\"Neighbourhood help 1\",\"lat\":35.683921,\"lon\":51.401608,\"area\":null,\"radius_km\":2.0,"
    "\"contact\":{},\"languages\":[\"en\"],\"tags\":[\"food\",\"childcare\"],\"verified\":false,"
    "\"demo\":false,\"status\":\"approved\"";

static void round_trip(const hy_dictpack *d, const char *text, size_t n, size_t *ret_packed) {
    hy_buf p = HY_BUF_INIT(0), u = HY_BUF_INIT(0);
    assert_int_equal(hy_dictpack_pack(d, text, n, &p), HY_BUF_OK);
    assert_int_equal(hy_buf_append(&u, "x", 1), HY_BUF_OK); /* appends after what is there */
    assert_int_equal(hy_dictpack_unpack(DICT, strlen(DICT), p.data, p.len, &u), HY_BUF_OK);
    assert_int_equal(u.len, n + 1);
    assert_memory_equal(u.data + 1, text, n);
    assert_int_equal(u.data[u.len], '\0');
    if (ret_packed) *ret_packed = p.len;
    hy_buf_free(&p);
    hy_buf_free(&u);
}

static void test_round_trips(void **state) {
    (void)state;
    hy_dictpack *d = hy_dictpack_new(DICT, strlen(DICT));
    assert_non_null(d);
    size_t packed = 0;
    const char *like = "{\"id\":\"ee724c3289f86a5889dd49808dd1aa5d\",\"name\":\"Bench group 93060\","
                       "\"description\":\"Neighbourhood help 60\",\"lat\":35.683921,\"lon\":51.1,"
                       "\"area\":null,\"radius_km\":null,\"contact\":{},\"languages\":[\"fa\"],"
                       "\"tags\":[\"food\",\"childcare\"],\"verified\":false,\"demo\":false,"
                       "\"status\":\"approved\"";
    round_trip(d, like, strlen(like), &packed);
    assert_true(packed * 3 < strlen(like));
    round_trip(d, "", 0, NULL);
    round_trip(d, "a", 1, NULL);
    const char ctl[] = "\x01\x1e\x1f\x00 tab\there \x7f\xff\xd9\x85";
    round_trip(d, ctl, sizeof ctl - 1, NULL);
    /* ids: exact, upper case (not packed as an id), one digit short, one more */
    round_trip(d, "0123456789abcdef0123456789abcdef", 32, NULL);
    round_trip(d, "0123456789ABCDEF0123456789abcdef", 32, NULL);
    round_trip(d, "0123456789abcdef0123456789abcde", 31, NULL);
    round_trip(d, "0123456789abcdef0123456789abcdef0", 33, NULL);
    /* longer than the longest copy, and the dictionary itself twice */
    char big[4 * HY_DICTPACK_MAX_COPY + 1];
    memset(big, 'q', sizeof big - 1);
    round_trip(d, big, sizeof big - 1, NULL);
    char twice[2 * sizeof DICT];
    memcpy(twice, DICT, strlen(DICT));
    memcpy(twice + strlen(DICT), DICT, strlen(DICT));
    round_trip(d, twice, 2 * strlen(DICT), &packed);
    assert_true(packed < 20);
    /* every byte value, in a text of random bytes */
    unsigned x = 12345;
    char rnd[3000];
    for (size_t i = 0; i < sizeof rnd; i++) {
        x = x * 1103515245u + 12345u;
        rnd[i] = (char)(i < 256 ? i : x >> 16);
    }
    round_trip(d, rnd, sizeof rnd, NULL);
    /* long literal runs (read eight bytes at a time) of Persian and ASCII text with one byte
     * below 0x20 at every offset, and ending at every length */
    const char *fa = "\xd9\x87\xd9\x85\xdb\x8c\xd8\xa7\xd8\xb1\xdb\x8c zq~\x7f\xff|";
    char run[64];
    for (size_t at = 0; at < 40; at++) {
        size_t k = 0;
        while (k < sizeof run) {
            size_t m = strlen(fa) < sizeof run - k ? strlen(fa) : sizeof run - k;
            memcpy(run + k, fa, m);
            k += m;
        }
        run[at] = (char)(at % 2 ? 0x1f : 0x01);
        round_trip(d, run, sizeof run, NULL);
        round_trip(d, run + at + 1, sizeof run - at - 1, NULL);
        round_trip(d, fa, at < strlen(fa) ? at : strlen(fa), NULL);
    }
    hy_dictpack_free(d);
}

static void test_refuses_bad_input(void **state) {
    (void)state;
    hy_buf u = HY_BUF_INIT(0);
    const unsigned char cut_escape[] = {'a', 0x1F};
    assert_int_equal(hy_dictpack_unpack(DICT, strlen(DICT), cut_escape, 2, &u), -3);
    hy_buf_reset(&u);
    const unsigned char cut_id[] = {0x1E, 1, 2, 3};
    assert_int_equal(hy_dictpack_unpack(DICT, strlen(DICT), cut_id, 4, &u), -3);
    hy_buf_reset(&u);
    const unsigned char cut_copy[] = {0x00, 0x01};
    assert_int_equal(hy_dictpack_unpack(DICT, strlen(DICT), cut_copy, 2, &u), -3);
    hy_buf_reset(&u);
    const unsigned char outside[] = {0x1D, 0xFF, 0xFF}; /* far past a short dictionary */
    assert_int_equal(hy_dictpack_unpack(DICT, strlen(DICT), outside, 3, &u), -3);
    hy_buf_reset(&u);
    /* a buffer that cannot grow */
    hy_buf small = HY_BUF_INIT(4);
    const unsigned char copy[] = {0x00, 0x00, 0x00};
    assert_int_not_equal(hy_dictpack_unpack(DICT, strlen(DICT), copy, 3, &small), HY_BUF_OK);
    hy_buf_free(&small);
    hy_buf_free(&u);
    assert_null(hy_dictpack_new(DICT, HY_DICTPACK_DICT_MAX + 1));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_refuses_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
