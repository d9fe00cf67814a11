/* test_cookie.c — finding one cookie in a Cookie header (hy_cookie_get in src/http/session.c).
 *
 * The session token comes from here, so: exact name match (hy_session2 is not hy_session),
 * surrounding white space and optional double quotes stripped, empty or over-long values and
 * control characters refused, and the output untouched on failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "http/session.h"

#define N 64

/* Asserts the cookie `name` in `header` is `want` (NULL: not found). */
static void expect(const char *header, const char *name, const char *want) {
    char out[N];
    memset(out, '#', sizeof out);
    out[N - 1] = '\0';
    bool ok = hy_cookie_get(header, name, out, sizeof out);
    if (!want) {
        if (ok) fail_msg("[%s] %s: found \"%s\"", header, name, out);
        for (size_t i = 0; i < N - 1; i++)
            if (out[i] != '#') fail_msg("[%s]: output written on failure", header);
        return;
    }
    if (!ok) fail_msg("[%s] %s: not found", header, name);
    if (strcmp(out, want)) fail_msg("[%s] %s: \"%s\", expected \"%s\"", header, name, out, want);
}

static void test_single_and_several(void **state) {
    (void)state;
    expect("hy_session=abc123", "hy_session", "abc123");
    expect("a=1; hy_session=tok; b=2", "hy_session", "tok");
    expect("a=1; b=2; hy_session=last", "hy_session", "last");
    expect("hy_session=first; a=1", "hy_session", "first");
    expect("a=1;hy_session=nospace;b=2", "hy_session", "nospace");
    expect("a=1; b=2", "a", "1");
    expect("a=1; b=2", "b", "2");
    /* Base64url token characters and '=' inside the value are kept. */
    expect("hy_session=Ab-_09xyz", "hy_session", "Ab-_09xyz");
    expect("hy_session=a=b==", "hy_session", "a=b==");
    /* The first of two cookies with the same name wins. */
    expect("hy_session=one; hy_session=two", "hy_session", "one");
}

static void test_spaces(void **state) {
    (void)state;
    expect("   hy_session=tok", "hy_session", "tok");
    expect("a=1;    hy_session=tok   ; b=2", "hy_session", "tok");
    expect("a=1;\thy_session=tok\t", "hy_session", "tok");
    expect(";;; hy_session=tok;;;", "hy_session", "tok");
    /* White space inside a value, or between the name and '=', is not a match. */
    expect("hy_session=to k", "hy_session", NULL);
    expect("hy_session =tok", "hy_session", NULL);
    expect("hy_session= tok", "hy_session", NULL);
}

static void test_quoted(void **state) {
    (void)state;
    expect("hy_session=\"tok\"", "hy_session", "tok");
    expect("a=\"x\"; hy_session=\"tok\" ; b=2", "hy_session", "tok");
    expect("hy_session=\"\"", "hy_session", NULL);    /* quoted empty */
    expect("hy_session=\"", "hy_session", NULL);      /* a lone quote */
    expect("hy_session=\"tok", "hy_session", NULL);   /* unbalanced */
    expect("hy_session=tok\"", "hy_session", NULL);
    expect("hy_session=\"t\"k\"", "hy_session", NULL); /* a quote inside */
}

static void test_missing_and_empty(void **state) {
    (void)state;
    expect(NULL, "hy_session", NULL);
    expect("", "hy_session", NULL);
    expect(";", "hy_session", NULL);
    expect("a=1; b=2", "hy_session", NULL);
    expect("hy_session=", "hy_session", NULL);
    expect("hy_session=; a=1", "hy_session", NULL);
    expect("hy_session", "hy_session", NULL);        /* no '=' */
    expect("hy_session; a=1", "hy_session", NULL);
    expect("=tok", "hy_session", NULL);
    char out[8];
    assert_false(hy_cookie_get("a=1", NULL, out, sizeof out));
    assert_false(hy_cookie_get("a=1", "a", out, 0));
}

static void test_prefix_and_suffix_names(void **state) {
    (void)state;
    expect("hy_session2=evil", "hy_session", NULL);
    expect("hy_session2=evil; hy_session=good", "hy_session", "good");
    expect("xhy_session=evil", "hy_session", NULL);
    expect("xhy_session=evil; hy_session=good", "hy_session", "good");
    expect("hy_sessio=evil", "hy_session", NULL);
    expect("hy_session=good", "hy_sessio", NULL);
    expect("HY_SESSION=evil", "hy_session", NULL); /* names are case-sensitive */
    /* The name inside another cookie's value is not a cookie. */
    expect("a=hy_session=evil; hy_session=good", "hy_session", "good");
    expect("a=hy_session=evil", "hy_session", NULL);
}

static void test_too_long(void **state) {
    (void)state;
    /* out holds n - 1 characters: 7 fit in 8 bytes, 8 do not. */
    char out[8];
    assert_true(hy_cookie_get("c=1234567", "c", out, sizeof out));
    assert_string_equal(out, "1234567");
    memset(out, '#', sizeof out);
    assert_false(hy_cookie_get("c=12345678", "c", out, sizeof out));
    assert_int_equal(out[0], '#');
    /* The same with quotes: the quotes do not count. */
    assert_true(hy_cookie_get("c=\"1234567\"", "c", out, sizeof out));
    assert_string_equal(out, "1234567");
    /* A session token is 43 characters: fits a 44-byte buffer exactly. */
    char tok[44], h[80] = "hy_session=";
    memset(h + 11, 'A', 43);
    h[54] = '\0';
    assert_true(hy_cookie_get(h, "hy_session", tok, sizeof tok));
    assert_int_equal(strlen(tok), 43);
    assert_false(hy_cookie_get(h, "hy_session", tok, sizeof tok - 1));
}

static void test_bad_characters(void **state) {
    (void)state;
    static const char *const bad[] = {
        "hy_session=a\x01z", "hy_session=a\x1fz", "hy_session=a\x7fz", "hy_session=a\x80z",
        "hy_session=a\xc3\xa9z", "hy_session=a,z",  "hy_session=a\\z",   "hy_session=a\"z",
        "hy_session=a\tz",   "hy_session=a\rz",   "hy_session=a\nz",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect(bad[i], "hy_session", NULL);
    /* A bad value of another cookie does not hide ours. */
    expect("a=x\x01y; hy_session=ok", "hy_session", "ok");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_and_several),
        cmocka_unit_test(test_spaces),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_missing_and_empty),
        cmocka_unit_test(test_prefix_and_suffix_names),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_bad_characters),
    };
    return cmocka_run_group_tests_name("cookie", tests, NULL, NULL);
}
