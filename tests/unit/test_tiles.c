/* test_tiles.c — the origin of an external tile URL template, for the Content-Security-Policy
 * (hy_tiles_origin in src/http/tiles.c). Only absolute http(s) URLs give an origin; "{s}" in
 * the host becomes the CSP wildcard "*". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "http/tiles.h"

static void expect(const char *url, const char *want) {
    char out[256];
    memset(out, '#', sizeof out);
    size_t n = hy_tiles_origin(url, out, sizeof out);
    if (!want) {
        if (n) fail_msg("'%s' gave origin '%.*s'", url, (int)n, out);
        return;
    }
    if (n != strlen(want) || strcmp(out, want))
        fail_msg("'%s': '%s' (%zu), expected '%s'", url, n ? out : "", n, want);
}

static void test_origins(void **state) {
    (void)state;
    expect("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org");
    expect("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org");
    expect("http://tiles.example.org:8080/{z}/{x}/{y}.png", "http://tiles.example.org:8080");
    expect("https://a.example.org", "https://a.example.org");
    expect("https://a.example.org?key=1", "https://a.example.org");
    expect("https://a.example.org#frag", "https://a.example.org");
    expect("https://{s}.example.org:8443/t/{z}/{x}/{y}", "https://*.example.org:8443");
    expect("https://[::1]:8080/x", NULL); /* brackets are not allowed in the host */
}

static void test_not_absolute_http(void **state) {
    (void)state;
    expect(NULL, NULL);
    expect("", NULL);
    expect("/tiles/{z}/{x}/{y}.png", NULL);
    expect("tiles/{z}/{x}/{y}.png", NULL);
    expect("//cdn.example.org/{z}/{x}/{y}.png", NULL); /* scheme-relative */
    expect("javascript:alert(1)", NULL);
    expect("data:image/png;base64,AAAA", NULL);
    expect("ftp://example.org/{z}", NULL);
    expect("https:/example.org", NULL);
    expect("http:example.org", NULL);
}

static void test_hostile_hosts(void **state) {
    (void)state;
    /* Anything that could break out of the CSP header value, or smuggle in a second source. */
    expect("https://evil.org;script-src *", NULL);
    expect("https://evil.org script-src", NULL);
    expect("https://evil.org'/x", NULL);
    expect("https://evil.org\"/x", NULL);
    expect("https://user:pw@evil.org/x", NULL);
    expect("https://evil.org\r\nX-Injected: 1", NULL);
    expect("https://evil.org,https://other.org/x", NULL);
    expect("https://ex\xc3\xa4mple.org/x", NULL);
}

/* An origin needs a host. */
static void test_empty_host(void **state) {
    (void)state;
    char out[64];
    size_t n = hy_tiles_origin("https:///{z}/{x}/{y}.png", out, sizeof out);
    assert_int_equal(n, 0);
}

static void test_buffer_size(void **state) {
    (void)state;
    const char *url = "https://tiles.example.org/{z}/{x}/{y}.png"; /* origin: 25 characters */
    char out[32];
    assert_int_equal(hy_tiles_origin(url, out, 26), 25); /* exactly room for the NUL */
    assert_string_equal(out, "https://tiles.example.org");
    memset(out, '#', sizeof out);
    assert_int_equal(hy_tiles_origin(url, out, 25), 0); /* one byte short */
    assert_int_equal(out[0], '#');
    assert_int_equal(hy_tiles_origin(url, out, 0), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origins),
        cmocka_unit_test(test_not_absolute_http),
        cmocka_unit_test(test_hostile_hosts),
        cmocka_unit_test(test_empty_host),
        cmocka_unit_test(test_buffer_size),
    };
    return cmocka_run_group_tests_name("tiles_origin", tests, NULL, NULL);
}
