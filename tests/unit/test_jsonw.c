/* test_jsonw.c — the JSON text writer (src/util/jsonw.c) and the group writer built on it
 * (hy_group_json_write in src/api/groups.c) must give exactly the bytes jansson gives for the
 * same values, as hy_reply_json() sends them: the nearest-groups answer may not change with
 * the way it is built. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "store/groups.h"
#include "util/jsonw.h"

#define FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY)

/* Compares the writer's bytes with jansson's dump of `v` (stolen). */
static void same(hy_buf *b, json_t *v) {
    char *want = json_dumps(v, FLAGS);
    json_decref(v);
    assert_non_null(want);
    assert_non_null(b->data);
    assert_string_equal(b->data, want);
    free(want);
    hy_buf_free(b);
}

static void test_reals(void **state) {
    (void)state;
    const double v[] = {0.0, -0.0, 1.0, -1.0, 2.0, 0.1, 0.5, 35.7, 35.700000000000003, 51.3890,
                        -122.419415, 179.99999999999997, -90.0, 1e20, 1e21, 1e-5, 1.5e-7,
                        123456789012345678.0, 1e15, 1e16, DBL_MAX, DBL_MIN, 4.9e-324,
                        6371008.8, 20037.508342789244, 1.0 / 3.0, 2.0 / 3.0, 100.0, 1e100};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        hy_buf b = HY_BUF_INIT(0);
        assert_int_equal(hy_jw_real(&b, v[i]), HY_BUF_OK);
        same(&b, json_real(v[i]));
        hy_buf n = HY_BUF_INIT(0);
        assert_int_equal(hy_jw_real(&n, -v[i]), HY_BUF_OK);
        same(&n, json_real(-v[i]));
    }
}

static void test_ints(void **state) {
    (void)state;
    const int64_t v[] = {0, 1, -1, 42, 1795804539, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        hy_buf b = HY_BUF_INIT(0);
        assert_int_equal(hy_jw_int(&b, v[i]), HY_BUF_OK);
        same(&b, json_integer((json_int_t)v[i]));
    }
}

/* hy_jw_number: the shortest of %.15g … %.17g that reads back as the same double; whole numbers
 * below 10^15 take a shortcut that must print the same text. */
static void test_numbers(void **state) {
    (void)state;
    static const double values[] = {0,      -0.0,    1,      -1,     7,         123456789012345,
                                    -999999999999999, 1e15, 1e16, 2.5,    1.0 / 3,   0.1,
                                    1e-7,   4503599627370496.0, -1e15 + 1, 100, 1e300, 5e-324};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        double v = values[i];
        char want[40];
        for (int digits = 15; digits <= 17; digits++) {
            snprintf(want, sizeof want, "%.*g", digits, v);
            if (strtod(want, NULL) == v) break;
        }
        hy_buf b = HY_BUF_INIT(0);
        assert_int_equal(hy_jw_number(&b, v), 0);
        assert_string_equal(b.data, want);
        hy_buf_free(&b);
    }
}

static void test_strings(void **state) {
    (void)state;
    const char *v[] = {"", "plain", "quote \" and backslash \\ and slash /", "tab\tnew\nline\r",
                       "\b\f", "\x01\x02\x1e\x1f end", "del \x7f stays", "همیاری محله",
                       "mixed فارسی and English", "emoji \xF0\x9F\x98\x80", "\"\"\\\\",
                       "</script><script>alert(1)</script>", "zero-width\xE2\x80\x8Cjoiner"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        hy_buf b = HY_BUF_INIT(0);
        assert_int_equal(hy_jw_string(&b, v[i]), HY_BUF_OK);
        same(&b, json_string(v[i]));
    }
    /* Every control byte on its own. */
    for (int c = 1; c < 0x20; c++) {
        char s[4] = {'a', (char)c, 'b', 0};
        hy_buf b = HY_BUF_INIT(0);
        assert_int_equal(hy_jw_string(&b, s), HY_BUF_OK);
        same(&b, json_string(s));
    }
    hy_buf k = HY_BUF_INIT(0);
    assert_int_equal(hy_jw_key(&k, "a\"b"), HY_BUF_OK);
    assert_string_equal(k.data, "\"a\\\"b\":");
    hy_buf_free(&k);
}

static void group_same(const struct hy_group *g, bool dist) {
    hy_buf b = HY_BUF_INIT(0);
    assert_int_equal(hy_group_json_write(&b, g, dist), HY_BUF_OK);
    same(&b, hy_group_json(g, dist));
}

static void test_groups(void **state) {
    (void)state;
    struct hy_group g = {
        .id = "0123456789abcdef0123456789abcdef",
        .name = "Kooy \"Nour\" همیاری",
        .description = "line one\nline two\ttab \\ end",
        .lat = 35.700000000000003,
        .lon = 51.389,
        .area_kind = "none",
        .contact = "{\"email\":\"a@example.org\",\"phone\":\"+989121234567\"}",
        .languages = "[\"fa\",\"en\"]",
        .tags = "[\"food\",\"medicine\",\"قرنطینه\"]",
        .status = "approved",
        .verified = true,
        .created_at = 1795804539,
        .updated_at = 1795804540,
        .distance_m = 1234.5,
        .covers = false,
    };
    group_same(&g, false);
    group_same(&g, true);
    g.area_kind = "radius";
    g.radius_m = 2500;
    g.covers = true;
    g.demo = true;
    group_same(&g, true);
    g.radius_m = 333.3333333333333;
    group_same(&g, true);
    g.area_kind = "polygon";
    g.area = "{\"type\":\"Polygon\",\"coordinates\":[[[51.3,35.6],[51.5,35.6],[51.5,35.8],"
             "[51.3,35.8],[51.300000000000004,35.6]]]}";
    group_same(&g, true);
    /* Stored texts that do not parse fall back the same way; NULL description. */
    g.area = "{broken";
    g.contact = "not json";
    g.languages = NULL;
    g.tags = "[1,2.5,\"x\"]";
    g.description = NULL;
    g.distance_m = 0.49;
    group_same(&g, true);
    g.distance_m = 1e7 + 0.5;
    group_same(&g, true);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reals),
        cmocka_unit_test(test_ints),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
