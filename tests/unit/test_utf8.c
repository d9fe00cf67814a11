/* test_utf8.c — strict UTF-8 validation (src/util/utf8.c).
 *
 * Strict means: no overlong forms, no surrogates, nothing above U+10FFFF, never NUL, and no C0
 * controls (nor DEL) other than tab, LF and CR unless HY_UTF8_ALLOW_CONTROLS. Besides hand-picked
 * cases at every boundary, two exhaustive checks compare hy_utf8_valid() with an independent
 * encoder (every code point) and an independent decoder (every 1-, 2- and 3-byte sequence). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

#define V(lit) hy_utf8_valid((lit), sizeof(lit) - 1, 0)
#define VC(lit) hy_utf8_valid((lit), sizeof(lit) - 1, HY_UTF8_ALLOW_CONTROLS)

static void test_ascii_and_empty(void **state) {
    (void)state;
    assert_true(hy_utf8_valid("", 0, 0));
    assert_true(hy_utf8_valid(NULL, 0, 0)); /* n == 0 never reads */
    assert_true(V("hello, world"));
    assert_true(V(" !~")); /* U+0020 and U+007E: the printable ASCII edges */
}

static void test_valid_boundaries(void **state) {
    (void)state;
    assert_true(V("\xc2\x80"));         /* U+0080: the smallest 2-byte form */
    assert_true(V("\xdf\xbf"));         /* U+07FF: the largest 2-byte form */
    assert_true(V("\xe0\xa0\x80"));     /* U+0800: the smallest 3-byte form */
    assert_true(V("\xed\x9f\xbf"));     /* U+D7FF: just below the surrogates */
    assert_true(V("\xee\x80\x80"));     /* U+E000: just above the surrogates */
    assert_true(V("\xef\xbf\xbf"));     /* U+FFFF: a noncharacter, but valid UTF-8 */
    assert_true(V("\xf0\x90\x80\x80")); /* U+10000: the smallest 4-byte form */
    assert_true(V("\xf4\x8f\xbf\xbf")); /* U+10FFFF: the largest code point */
    assert_true(V("\xf0\x9f\x98\x80")); /* U+1F600 */
    assert_true(V("همیاری"));
    assert_true(V("\xe2\x80\x8c"));     /* ZWNJ, common in Persian text */
    assert_true(V("\xef\xbb\xbf"));     /* a BOM is a valid code point */
}

static void test_overlong(void **state) {
    (void)state;
    assert_false(V("\xc0\x80"));         /* NUL in 2 bytes (Java's "modified UTF-8") */
    assert_false(V("\xc0\xaf"));         /* '/' in 2 bytes: the classic traversal trick */
    assert_false(V("\xc1\xbf"));         /* U+007F in 2 bytes */
    assert_false(V("\xe0\x80\x80"));     /* NUL in 3 bytes */
    assert_false(V("\xe0\x80\xaf"));     /* '/' in 3 bytes */
    assert_false(V("\xe0\x9f\xbf"));     /* U+07FF in 3 bytes: the largest 3-byte overlong */
    assert_false(V("\xf0\x80\x80\x80")); /* NUL in 4 bytes */
    assert_false(V("\xf0\x8f\xbf\xbf")); /* U+FFFF in 4 bytes: the largest 4-byte overlong */
    assert_false(V("\xf8\x88\x80\x80\x80"));     /* 5-byte forms do not exist */
    assert_false(V("\xfc\x84\x80\x80\x80\x80")); /* nor 6-byte forms */
}

static void test_surrogates(void **state) {
    (void)state;
    assert_false(V("\xed\xa0\x80")); /* U+D800: the first high surrogate */
    assert_false(V("\xed\xaf\xbf")); /* U+DBFF */
    assert_false(V("\xed\xb0\x80")); /* U+DC00: the first low surrogate */
    assert_false(V("\xed\xbf\xbf")); /* U+DFFF: the last surrogate */
    /* A surrogate pair encoded as two 3-byte forms (CESU-8) is not UTF-8 either. */
    assert_false(V("\xed\xa0\xbd\xed\xb8\x80"));
    assert_false(V("ok\xed\xa0\x80ok"));
}

static void test_above_max(void **state) {
    (void)state;
    assert_false(V("\xf4\x90\x80\x80")); /* U+110000: one past the last code point */
    assert_false(V("\xf4\xbf\xbf\xbf"));
    assert_false(V("\xf5\x80\x80\x80")); /* leads F5..FF never occur */
    assert_false(V("\xf7\xbf\xbf\xbf"));
    assert_false(V("\xfe"));
    assert_false(V("\xff"));
    assert_false(V("a\xffz"));
}

static void test_truncated(void **state) {
    (void)state;
    assert_false(V("\xc3"));             /* a 2-byte lead at the end */
    assert_false(V("\xe2\x82"));         /* 3-byte sequence missing its last byte */
    assert_false(V("\xe2"));
    assert_false(V("\xf0\x9f\x98"));     /* 4-byte sequence missing its last byte */
    assert_false(V("\xf0\x9f"));
    assert_false(V("\xf0"));
    assert_false(V("\xc3" "A"));         /* a lead followed by ASCII instead of a continuation */
    assert_false(V("\xe2\x82" "A"));
    assert_false(V("\xf0\x9f\x98" "A"));
    assert_false(V("\x80"));             /* a lone continuation byte */
    assert_false(V("\xbf"));
    assert_false(V("a\x80"));
    assert_false(V("\xc3\xa9\xa9"));     /* one continuation too many */
    /* The length argument is what counts, not a NUL: cutting "é" in half is invalid. */
    const char *e = "\xc3\xa9";
    assert_true(hy_utf8_valid(e, 2, 0));
    assert_false(hy_utf8_valid(e, 1, 0));
    const char *fa = "همیاری"; /* 12 bytes */
    assert_true(hy_utf8_valid(fa, 12, 0));
    assert_false(hy_utf8_valid(fa, 11, 0));
    assert_true(hy_utf8_valid(fa, 10, 0));
}

static void test_nul_always_refused(void **state) {
    (void)state;
    assert_false(hy_utf8_valid("a\0b", 3, 0));
    assert_false(hy_utf8_valid("a\0b", 3, HY_UTF8_ALLOW_CONTROLS));
    assert_false(hy_utf8_valid("\0", 1, HY_UTF8_ALLOW_CONTROLS));
    assert_true(hy_utf8_valid("a\0b", 1, 0)); /* the NUL lies outside the checked range */
}

static void test_controls(void **state) {
    (void)state;
    /* Tab, LF and CR are always allowed. */
    assert_true(V("a\tb\nc\r\n"));
    /* Every other C0 control and DEL: refused, unless allowed. */
    for (int c = 1; c < 0x20; c++) {
        char s[3] = {'x', (char)c, 'y'};
        bool always = c == '\t' || c == '\n' || c == '\r';
        if (hy_utf8_valid(s, 3, 0) != always) fail_msg("control 0x%02x, flags 0", c);
        if (!hy_utf8_valid(s, 3, HY_UTF8_ALLOW_CONTROLS)) fail_msg("control 0x%02x allowed", c);
    }
    assert_false(V("\x7f"));
    assert_true(VC("\x7f"));
    assert_false(V("\x1b[31m")); /* a terminal escape */
    assert_true(VC("\x1b[31m"));
    assert_true(VC("\x01\x02\x1f"));
    /* C1 controls (U+0080..U+009F) are not C0 and pass. */
    assert_true(V("\xc2\x85"));
}

static void test_length(void **state) {
    (void)state;
    assert_int_equal(hy_utf8_length("", 0), 0);
    assert_int_equal(hy_utf8_length("abc", 3), 3);
    assert_int_equal(strlen("همیاری"), 12);
    assert_int_equal(hy_utf8_length("همیاری", 12), 6);
    assert_int_equal(hy_utf8_length("\xf0\x9f\x98\x80", 4), 1);
    assert_int_equal(hy_utf8_length("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10), 4);
    assert_int_equal(hy_utf8_length("۰۹۱۲", strlen("۰۹۱۲")), 4);
}

/* ---- exhaustive checks against independent code ---- */

static size_t ref_encode(uint32_t cp, unsigned char *out) {
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (unsigned char)(0xf0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

static bool ref_allowed(uint32_t cp, int flags) {
    if (cp == 0) return false;
    if (cp >= 0xd800 && cp <= 0xdfff) return false;
    if (cp > 0x10ffff) return false;
    bool control = (cp < 0x20 || cp == 0x7f) && cp != '\t' && cp != '\n' && cp != '\r';
    return !control || (flags & HY_UTF8_ALLOW_CONTROLS);
}

/* Every code point, shortest form: valid exactly when ref_allowed says so; length 1. */
static void test_every_code_point(void **state) {
    (void)state;
    unsigned char b[4];
    for (uint32_t cp = 0; cp <= 0x10ffff; cp++) {
        size_t n = ref_encode(cp, b);
        for (int flags = 0; flags <= HY_UTF8_ALLOW_CONTROLS; flags++)
            if (hy_utf8_valid((const char *)b, n, flags) != ref_allowed(cp, flags))
                fail_msg("U+%04X flags %d: expected %d", (unsigned)cp, flags, ref_allowed(cp, flags));
        if (hy_utf8_length((const char *)b, n) != 1) fail_msg("length of U+%04X", (unsigned)cp);
    }
}

/* A decoder written from the definition: a sequence is valid when it is the one a reference
 * encoder would produce for its value. */
static bool ref_valid(const unsigned char *s, size_t n, int flags) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
                                   : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (len == 0 || n - i < len) return false;
        uint32_t cp = len == 1 ? c : c & (0x7f >> len);
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        unsigned char re[4];
        if (cp > 0x10ffff || ref_encode(cp, re) != len) return false; /* overlong */
        if (!ref_allowed(cp, flags)) return false;
        i += len;
    }
    return true;
}

/* Every 1-, 2- and 3-byte string (about 16.8 million), both flag values. */
static void test_every_short_sequence(void **state) {
    (void)state;
    unsigned char b[3];
    size_t checked = 0;
    for (unsigned x = 0; x < 256; x++) {
        b[0] = (unsigned char)x;
        if (hy_utf8_valid((const char *)b, 1, 0) != ref_valid(b, 1, 0)) fail_msg("%02x", x);
        for (unsigned y = 0; y < 256; y++) {
            b[1] = (unsigned char)y;
            if (hy_utf8_valid((const char *)b, 2, 0) != ref_valid(b, 2, 0))
                fail_msg("%02x %02x", x, y);
            for (unsigned z = 0; z < 256; z++) {
                b[2] = (unsigned char)z;
                int flags = (int)(z & 1); /* alternate: both paths over the whole space */
                if (hy_utf8_valid((const char *)b, 3, flags) != ref_valid(b, 3, flags))
                    fail_msg("%02x %02x %02x flags %d", x, y, z, flags);
                checked++;
            }
        }
    }
    assert_int_equal(checked, 256 * 256 * 256);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_and_empty),
        cmocka_unit_test(test_valid_boundaries),
        cmocka_unit_test(test_overlong),
        cmocka_unit_test(test_surrogates),
        cmocka_unit_test(test_above_max),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_nul_always_refused),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_every_code_point),
        cmocka_unit_test(test_every_short_sequence),
    };
    return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
