/* test_multipart.c — the multipart/form-data reader (src/util/multipart.c): boundaries from the
 * Content-Type (quoted, case, limits), parts with and without files, a preamble, empty parts,
 * data that contains the boundary's text without its CRLF, and every refusal: no boundary in
 * the body, no closing boundary, a part without a name, endless headers, too many parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/multipart.h"

static void test_boundary(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    assert_string_equal(hy_mp_boundary("multipart/form-data; boundary=abc", a), "abc");
    assert_string_equal(hy_mp_boundary("Multipart/Form-Data;boundary=\"a b;c\"", a), "a b;c");
    assert_string_equal(hy_mp_boundary("multipart/form-data; charset=x; BOUNDARY=z9", a), "z9");
    assert_null(hy_mp_boundary("multipart/form-data", a));
    assert_null(hy_mp_boundary("multipart/form-data; boundary=", a));
    assert_null(hy_mp_boundary("multipart/form-data; boundary=\"abc", a));
    assert_null(hy_mp_boundary("multipart/mixed; boundary=abc", a));
    assert_null(hy_mp_boundary("multipart/form-datax; boundary=abc", a));
    assert_null(hy_mp_boundary("text/csv", a));
    assert_null(hy_mp_boundary(NULL, a));
    char long_one[120];
    snprintf(long_one, sizeof long_one, "multipart/form-data; boundary=%071d", 0);
    assert_null(hy_mp_boundary(long_one, a));
    long_one[strlen(long_one) - 1] = '\0'; /* 70: the most allowed */
    assert_non_null(hy_mp_boundary(long_one, a));
    hy_arena_free(a);
}

static bool parse(const char *body, struct hy_mp_part *parts, size_t max, size_t *n,
                  const char **error, hy_arena *a) {
    return hy_mp_parse(body, strlen(body), "XyZ", a, parts, max, n, error);
}

static void test_parts(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    struct hy_mp_part p[4];
    size_t n;
    const char *error = NULL;
    const char *body = "preamble to ignore\r\n--XyZ\r\n"
                       "Content-Disposition: form-data; name=\"title_fa\"\r\n\r\n"
                       "پذیرش\r\n"
                       "--XyZ\r\n"
                       "content-disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".csv\"\r\n"
                       "Content-Type: text/csv\r\n\r\n"
                       "date,v\r\n2024-01-01,1\r\n--XyZx not a delimiter\r\n"
                       "--XyZ\r\n"
                       "Content-Disposition: form-data; name=empty\r\n\r\n"
                       "\r\n--XyZ--\r\nepilogue";
    assert_true(parse(body, p, 4, &n, &error, a));
    assert_int_equal(n, 3);
    assert_string_equal(p[0].name, "title_fa");
    assert_null(p[0].filename);
    assert_int_equal(p[0].len, strlen("پذیرش"));
    assert_memory_equal(p[0].data, "پذیرش", p[0].len);
    assert_string_equal(p[1].name, "file");
    assert_string_equal(p[1].filename, "a \"b\".csv");
    assert_string_equal(p[1].content_type, "text/csv");
    const char *want = "date,v\r\n2024-01-01,1\r\n--XyZx not a delimiter";
    assert_int_equal(p[1].len, strlen(want));
    assert_memory_equal(p[1].data, want, p[1].len);
    assert_string_equal(p[2].name, "empty");
    assert_int_equal(p[2].len, 0);
    hy_arena_free(a);
}

static void test_refusals(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    struct hy_mp_part p[2];
    size_t n;
    const char *error;
    static const char *const bad[] = {
        "no boundary here",
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--XyZ",
        "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\nno colon\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ\r\n"
        "Content-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--XyZ\r\n"
        "Content-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--XyZ--",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        error = NULL;
        assert_false(parse(bad[i], p, 2, &n, &error, a));
        assert_non_null(error);
    }
    /* Headers longer than HY_MP_HEADERS_MAX. */
    static char huge[HY_MP_HEADERS_MAX + 200];
    int k = snprintf(huge, sizeof huge, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"; x=\"");
    memset(huge + k, 'h', sizeof huge - (size_t)k - 1);
    error = NULL;
    assert_false(hy_mp_parse(huge, strlen(huge), "XyZ", a, p, 2, &n, &error));
    assert_non_null(strstr(error, "too long"));
    hy_arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
