/* test_origin.c — web origins (src/util/origin.c): what the CSRF check compares. Scheme, host
 * and port each count; a missing port is the scheme's default; letter case does not count;
 * anything that is not a plain http(s) origin ("null", user information, odd characters, a
 * port out of range) is refused, and the output is untouched then. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "util/origin.h"

static struct hy_origin parsed(const char *url, bool allow_path) {
    struct hy_origin o;
    if (!hy_origin_parse(url, allow_path, &o)) fail_msg("refused: %s", url);
    return o;
}

static void refused(const char *url, bool allow_path) {
    struct hy_origin o;
    memset(&o, 0x5a, sizeof o);
    if (hy_origin_parse(url, allow_path, &o)) fail_msg("accepted: %s", url);
    for (size_t i = 0; i < sizeof o; i++)
        if (((unsigned char *)&o)[i] != 0x5a) fail_msg("%s: output written on failure", url);
}

static bool same(const char *a, const char *b) {
    struct hy_origin x = parsed(a, true), y = parsed(b, true);
    return hy_origin_equal(&x, &y);
}

static void test_parts(void **state) {
    (void)state;
    struct hy_origin o = parsed("https://Help.Example.ORG", false);
    assert_true(o.https);
    assert_string_equal(o.host, "help.example.org");
    assert_int_equal(o.port, 443);
    o = parsed("http://127.0.0.1:8080", false);
    assert_false(o.https);
    assert_string_equal(o.host, "127.0.0.1");
    assert_int_equal(o.port, 8080);
    o = parsed("http://[::1]:9000/x?y#z", true);
    assert_string_equal(o.host, "[::1]");
    assert_int_equal(o.port, 9000);
    o = parsed("HTTP://a.example", false);
    assert_int_equal(o.port, 80);
}

static void test_scheme_host_port_each_count(void **state) {
    (void)state;
    assert_true(same("https://a.example", "https://A.EXAMPLE:443"));
    assert_true(same("http://a.example", "http://a.example:80/page"));
    assert_false(same("http://a.example", "https://a.example"));
    assert_false(same("http://a.example:8080", "http://a.example:8081"));
    assert_false(same("https://a.example:80", "http://a.example:80"));
    assert_false(same("https://a.example", "https://a.example.evil"));
    assert_false(same("https://a.example", "https://b.a.example"));
}

static void test_refused(void **state) {
    (void)state;
    refused("null", false);
    refused("", false);
    refused("ftp://a.example", false);
    refused("https://", false);
    refused("https://a.example/", false); /* an Origin has no path */
    refused("https://user@a.example", true);
    refused("https://a.example@evil.example", true);
    refused("https://a.example:0", false);
    refused("https://a.example:65536", false);
    refused("https://a.example:", false);
    refused("https://a.example:80a", false);
    refused("https://a.example:1234567", false);
    refused("https://a_b.example", false);
    refused("https://a.example%2f", false);
    refused("https://[::1", false);
    refused("https://[zz]", false);
    refused("https://:80", false);
    refused(" https://a.example", false);
}

static void test_host_header(void **state) {
    (void)state;
    struct hy_origin h, o;
    assert_true(hy_origin_from_host("127.0.0.1:8080", false, &h));
    o = parsed("http://127.0.0.1:8080", false);
    assert_true(hy_origin_equal(&h, &o));
    o = parsed("https://127.0.0.1:8080", false);
    assert_false(hy_origin_equal(&h, &o));
    assert_true(hy_origin_from_host("Help.Example.org", true, &h));
    o = parsed("https://help.example.org", false);
    assert_true(hy_origin_equal(&h, &o));
    assert_int_equal(h.port, 443);
    assert_false(hy_origin_from_host("", false, &h));
    assert_false(hy_origin_from_host("a.example:x", false, &h));
    assert_false(hy_origin_from_host("a.example/x", false, &h));
    assert_false(hy_origin_from_host(NULL, false, &h));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_scheme_host_port_each_count),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_host_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
