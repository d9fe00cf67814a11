/* test_form.c — the application/x-www-form-urlencoded parser (hy_form_parse in
 * src/http/parse.c): '+' and %XX decoding, refusals (%00, bad escapes, invalid UTF-8, empty or
 * over-long keys), repeated keys becoming arrays, empty values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/parse.h"

static json_t *parse(const char *s) { return hy_form_parse(s, strlen(s)); }

/* Appends s to the string in dst (cap bytes), cutting it short if need be. */
static void cat(char *dst, size_t cap, const char *s) {
    size_t n = strlen(dst);
    if (n < cap) snprintf(dst + n, cap - n, "%s", s);
}

/* The string value of key `k`; fails the test when absent or not a string. */
static const char *str(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    if (!json_is_string(v)) fail_msg("key '%s' missing or not a string", k);
    return json_string_value(v);
}

static void test_simple_pairs(void **state) {
    (void)state;
    json_t *o = parse("a=1&b=two&c=3");
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 3);
    assert_string_equal(str(o, "a"), "1");
    assert_string_equal(str(o, "b"), "two");
    assert_string_equal(str(o, "c"), "3");
    json_decref(o);

    o = parse("");
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 0);
    json_decref(o);
}

static void test_plus_and_percent(void **state) {
    (void)state;
    json_t *o = parse("q=hello+world&p=a%20b&plus=1%2B1&pct=100%25&amp=a%26b&eq=x%3Dy&k%2Bey=v");
    assert_non_null(o);
    assert_string_equal(str(o, "q"), "hello world");
    assert_string_equal(str(o, "p"), "a b");
    assert_string_equal(str(o, "plus"), "1+1");
    assert_string_equal(str(o, "pct"), "100%");
    assert_string_equal(str(o, "amp"), "a&b"); /* an encoded & does not split */
    assert_string_equal(str(o, "eq"), "x=y");
    assert_string_equal(str(o, "k+ey"), "v"); /* keys are decoded too */
    json_decref(o);

    /* Hex digits in either case; Persian text as percent-encoded UTF-8. */
    o = parse("fa=%d9%87%D9%85%DB%8C%D8%A7%D8%B1%DB%8C&zwnj=%E2%80%8c");
    assert_non_null(o);
    assert_string_equal(str(o, "fa"), "همیاری");
    assert_string_equal(str(o, "zwnj"), "\xe2\x80\x8c");
    json_decref(o);

    /* Raw UTF-8 (browsers send it encoded, but it is valid as is). */
    o = parse("name=سارا");
    assert_non_null(o);
    assert_string_equal(str(o, "name"), "سارا");
    json_decref(o);

    /* '=' inside a value: only the first one separates. */
    o = parse("a=b=c");
    assert_non_null(o);
    assert_string_equal(str(o, "a"), "b=c");
    json_decref(o);
}

static void test_bad_percent(void **state) {
    (void)state;
    static const char *const bad[] = {
        "a=%",      /* % at the end */
        "a=%4",     /* one digit, then the end */
        "a=%4&b=1", /* one digit, then & */
        "a=%zz",    /* not hex */
        "a=%G0",
        "a=%0G",
        "a=% 1",
        "a=%-1",
        "%=1",      /* in a key */
        "a%4=1",
        "a=%%41",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *o = parse(bad[i]);
        if (o) fail_msg("accepted %s", bad[i]);
    }
}

static void test_nul_refused(void **state) {
    (void)state;
    assert_null(parse("a=%00"));
    assert_null(parse("a=x%00y"));
    assert_null(parse("a%00b=1"));
    /* A raw NUL byte inside the given length is refused too. */
    assert_null(hy_form_parse("a=x\0y", 5));
    assert_null(hy_form_parse("a\0=1", 4));
}

static void test_invalid_utf8_refused(void **state) {
    (void)state;
    static const char *const bad[] = {
        "a=%C3",             /* truncated */
        "a=%C3%28",          /* lead then ASCII */
        "a=%C0%AF",          /* overlong '/' */
        "a=%ED%A0%80",       /* surrogate */
        "a=%F4%90%80%80",    /* above U+10FFFF */
        "a=%FF",
        "a=%80",
        "%C3=1",             /* in a key */
        "a=\xff",            /* raw invalid byte */
        "a=\xed\xa0\x80",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parse(bad[i])) fail_msg("accepted #%zu", i);
}

static void test_controls_pass_through(void **state) {
    (void)state;
    /* The decoder lets controls through (a textarea sends CR LF); the field check decides. */
    json_t *o = parse("t=line1%0D%0Aline2%09end&c=%01");
    assert_non_null(o);
    assert_string_equal(str(o, "t"), "line1\r\nline2\tend");
    assert_string_equal(str(o, "c"), "\x01");
    json_decref(o);
}

static void test_repeated_keys(void **state) {
    (void)state;
    json_t *o = parse("tag=a&x=1&tag=b&tag=c");
    assert_non_null(o);
    json_t *arr = json_object_get(o, "tag");
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), 3);
    assert_string_equal(json_string_value(json_array_get(arr, 0)), "a"); /* order kept */
    assert_string_equal(json_string_value(json_array_get(arr, 1)), "b");
    assert_string_equal(json_string_value(json_array_get(arr, 2)), "c");
    assert_string_equal(str(o, "x"), "1");
    json_decref(o);

    o = parse("k=&k=");
    assert_non_null(o);
    arr = json_object_get(o, "k");
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), 2);
    assert_string_equal(json_string_value(json_array_get(arr, 1)), "");
    json_decref(o);

    /* The same key spelled differently is the same key once decoded. */
    o = parse("a+b=1&a%20b=2");
    assert_non_null(o);
    assert_true(json_is_array(json_object_get(o, "a b")));
    json_decref(o);
}

static void test_empty_values_and_pairs(void **state) {
    (void)state;
    json_t *o = parse("a=&b&c=3");
    assert_non_null(o);
    assert_string_equal(str(o, "a"), ""); /* "a=" */
    assert_string_equal(str(o, "b"), ""); /* no '=' at all */
    assert_string_equal(str(o, "c"), "3");
    json_decref(o);

    o = parse("&&a=1&&&b=2&"); /* empty pairs are skipped */
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 2);
    json_decref(o);

    o = parse("&");
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 0);
    json_decref(o);

    /* An empty key is refused. */
    assert_null(parse("=x"));
    assert_null(parse("a=1&=2"));
    assert_null(parse("="));
}

static void test_key_length(void **state) {
    (void)state;
    char body[400];
    /* 64 bytes: the longest key accepted. */
    memset(body, 'k', 64);
    memcpy(body + 64, "=v", sizeof "=v");
    json_t *o = parse(body);
    assert_non_null(o);
    json_decref(o);
    /* 65 bytes: refused. */
    memset(body, 'k', 65);
    memcpy(body + 65, "=v", sizeof "=v");
    assert_null(parse(body));
    /* The limit is on the decoded key: 65 × "%41" is 195 bytes encoded, 65 decoded. */
    body[0] = '\0';
    for (int i = 0; i < 65; i++) cat(body, sizeof body, "%41");
    cat(body, sizeof body, "=v");
    assert_null(parse(body));
    /* ...and 64 × "%41" is fine. */
    body[0] = '\0';
    for (int i = 0; i < 64; i++) cat(body, sizeof body, "%41");
    cat(body, sizeof body, "=v");
    o = parse(body);
    assert_non_null(o);
    json_decref(o);
    /* 32 Persian letters are 64 bytes: accepted; 33 are 66 bytes: refused. */
    body[0] = '\0';
    for (int i = 0; i < 32; i++) cat(body, sizeof body, "ب");
    cat(body, sizeof body, "=v");
    o = parse(body);
    assert_non_null(o);
    json_decref(o);
    body[0] = '\0';
    for (int i = 0; i < 33; i++) cat(body, sizeof body, "ب");
    cat(body, sizeof body, "=v");
    assert_null(parse(body));
}

static void test_length_is_respected(void **state) {
    (void)state;
    /* Only `len` bytes are read: the rest of the buffer is not part of the body. */
    const char *s = "a=1&b=2%zz";
    json_t *o = hy_form_parse(s, 7);
    assert_non_null(o);
    assert_string_equal(str(o, "a"), "1");
    assert_string_equal(str(o, "b"), "2");
    json_decref(o);
    /* A % escape cut by the length is bad, even if the bytes after it would complete it. */
    assert_null(hy_form_parse("a=%41", 4));
    /* Zero length: an empty object, the pointer not read. */
    o = hy_form_parse(NULL, 0);
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 0);
    json_decref(o);
}

static void test_long_body(void **state) {
    (void)state;
    /* Many pairs, each value a few KiB: nothing is truncated. */
    static char body[200000];
    size_t n = 0;
    for (int i = 0; i < 20; i++) {
        n += (size_t)snprintf(body + n, sizeof body - n, "%sf%d=", i ? "&" : "", i);
        memset(body + n, 'a' + i, 5000);
        n += 5000;
    }
    json_t *o = hy_form_parse(body, n);
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 20);
    assert_int_equal(json_string_length(json_object_get(o, "f19")), 5000);
    assert_int_equal(json_string_value(json_object_get(o, "f19"))[4999], 'a' + 19);
    json_decref(o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_pairs),
        cmocka_unit_test(test_plus_and_percent),
        cmocka_unit_test(test_bad_percent),
        cmocka_unit_test(test_nul_refused),
        cmocka_unit_test(test_invalid_utf8_refused),
        cmocka_unit_test(test_controls_pass_through),
        cmocka_unit_test(test_repeated_keys),
        cmocka_unit_test(test_empty_values_and_pairs),
        cmocka_unit_test(test_key_length),
        cmocka_unit_test(test_length_is_respected),
        cmocka_unit_test(test_long_body),
    };
    return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
