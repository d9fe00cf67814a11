/* test_phone.c — phone numbers to E.164 and e-mail address shapes (src/domain/phone.c).
 *
 * Iranian numbers (calling code 98) typed every way people type them: national with a trunk 0,
 * +98, 0098, Persian (۰–۹) and Arabic-Indic (٠–٩) digits, separators, ZWNJ and direction marks
 * pasted from right-to-left text. A UK number with calling code 44. E.164 allows at most 15
 * digits; we also require at least 8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/phone.h"

#define ZWNJ "\xe2\x80\x8c" /* U+200C */
#define LRM "\xe2\x80\x8e"  /* U+200E */
#define RLM "\xe2\x80\x8f"  /* U+200F */

static void expect(const char *in, const char *cc, const char *want) {
    char out[HY_PHONE_MAX];
    memset(out, 'X', sizeof out);
    if (!hy_phone_normalise(in, cc, out)) fail_msg("refused \"%s\" (cc %s)", in, cc);
    if (strcmp(out, want) != 0) fail_msg("\"%s\" (cc %s) gave %s, expected %s", in, cc, out, want);
}

static void refuse(const char *in, const char *cc) {
    char out[HY_PHONE_MAX];
    if (hy_phone_normalise(in, cc, out)) fail_msg("accepted \"%s\" (cc %s) as %s", in, cc, out);
}

static void test_iran_forms(void **state) {
    (void)state;
    const char *want = "+989121234567";
    expect("09121234567", "98", want);
    expect("+989121234567", "98", want);
    expect("+98 912 123 4567", "98", want);
    expect("+98-912-123-4567", "98", want);
    expect("+98 (912) 123.45/67", "98", want);
    expect("0098 912 123 4567", "98", want);
    expect("00989121234567", "98", want);
    expect("0912 123 4567", "98", want);
    expect("(0912) 123-4567", "98", want);
    expect("9121234567", "98", want);   /* without the trunk 0 */
    expect("989121234567", "98", want); /* international without + or 00 */
    expect("  09121234567  ", "98", want);
    /* A Tehran landline. */
    expect("021 8888 7777", "98", "+982188887777");
}

static void test_persian_and_arabic_digits(void **state) {
    (void)state;
    const char *want = "+989121234567";
    expect("۰۹۱۲۱۲۳۴۵۶۷", "98", want);     /* Persian, U+06F0..U+06F9 */
    expect("٠٩١٢١٢٣٤٥٦٧", "98", want);     /* Arabic-Indic, U+0660..U+0669 */
    expect("+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷", "98", want);
    expect("۰۰۹۸۹۱۲۱۲۳۴۵۶۷", "98", want);
    expect("۰۹۱۲ 123 ٤٥٦٧", "98", want);   /* mixed scripts */
    expect(RLM "۰۹۱۲" ZWNJ "۱۲۳" LRM "۴۵۶۷" RLM, "98", want);
    expect(ZWNJ "+98" ZWNJ "912" ZWNJ "1234567", "98", want);
    /* Every Persian and Arabic digit maps to its value. */
    expect("+۱۲۳۴۵۶۷۸۹۰", "98", "+1234567890");
    expect("+١٢٣٤٥٦٧٨٩٠", "98", "+1234567890");
}

static void test_uk(void **state) {
    (void)state;
    const char *want = "+447700900123";
    expect("07700 900123", "44", want);
    expect("07700900123", "44", want);
    expect("+44 7700 900123", "44", want);
    expect("0044 7700 900123", "44", want);
    expect("+44 7700 900123", "98", want); /* an explicit code wins over the default */
    expect("0044 7700 900123", "98", want);
    expect("020 7946 0018", "44", "+442079460018");
    /* A national number takes the default code: the same digits differ by country. */
    expect("07700 900123", "98", "+987700900123");
}

static void test_garbage(void **state) {
    (void)state;
    static const char *const bad[] = {
        "", " ", "+", "++989121234567", "abc", "0912-abc-4567", "0912 123 4567 ext 5",
        "0912123456x", "912+1234567" /* + after a digit */, "09121234567+",
        "+98+9121234567", "tel:+989121234567", "0912_123_4567", "0912,123,4567",
        "09121234567;", "0912\t1234567", "0912\n1234567", "\xf0\x9f\x93\x9e 09121234567",
        "\xdb", "09121234567\xdb", "\xdb\xba 0912", "\xd9\xaa 0912" /* U+066A, not a digit */,
        "\xe2\x80\x8d 09121234567" /* ZWJ is not among the marks allowed */,
        "\xe2\x80", "\xc2\xa0" "09121234567" /* no-break space */,
        "0\xef\xbc\x99" "121234567" /* fullwidth 9 */, "#09121234567", "*140#",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) refuse(bad[i], "98");
}

static void test_lengths(void **state) {
    (void)state;
    /* E.164: at most 15 digits after '+'; we also want at least 8. */
    expect("+12345678", "98", "+12345678");                 /* 8: the shortest */
    refuse("+1234567", "98");                               /* 7 */
    expect("+123456789012345", "98", "+123456789012345");   /* 15: the longest */
    refuse("+1234567890123456", "98");                      /* 16 */
    refuse("0912", "98");                                   /* "98912": 5 */
    refuse("+98 12", "98");
    refuse("12", "98");
    expect("0912345", "98", "+98912345");                   /* "98" + 6 = 8 */
    refuse("091234", "98");                                 /* 7 */
    refuse("091212345678901", "98");                        /* 98 + 14 = 16 */
    expect("09121234567890", "98", "+989121234567890");     /* 98 + 13 = 15 */
    /* Longer than the digit buffer: refused, no overflow. */
    refuse("+1234567890123456789012345678901234567890", "98");
    refuse("00000000000000000000000000000000000000000000000000000000000000", "98");
    /* A leading zero after the country part is not a calling code. */
    refuse("+0123456789", "98");
    refuse("0001234567890", "98");
    refuse("0", "98");
    refuse("00", "98");
    refuse("000", "98");
}

static void test_output_fits(void **state) {
    (void)state;
    /* The longest output is '+' + 15 digits + NUL = HY_PHONE_MAX bytes. */
    char out[HY_PHONE_MAX + 8];
    memset(out, 0x55, sizeof out);
    assert_true(hy_phone_normalise("+۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵", "98", out));
    assert_string_equal(out, "+123456789012345");
    for (size_t i = HY_PHONE_MAX; i < sizeof out; i++) assert_int_equal(out[i], 0x55);
    /* Idempotent: normalising the output gives the output. */
    char again[HY_PHONE_MAX];
    assert_true(hy_phone_normalise(out, "44", again));
    assert_string_equal(again, out);
}

static void test_email(void **state) {
    (void)state;
    static const char *const good[] = {
        "a@b.co", "user@example.org", "first.last+tag@sub.example.co.uk", "x_y-z@a-b.ir",
        "a@b.c", "سارا@example.ir", "USER@EXAMPLE.ORG",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!hy_email_valid(good[i])) fail_msg("refused %s", good[i]);
    static const char *const bad[] = {
        "", "a", "@", "a@", "@b.co", "a@b", "a@.co", "a@b.", "a@@b.co", "a@b@c.co",
        "a b@c.co", "a@b .co", " a@b.co", "a@b.co ", "a\t@b.co", "a@b.co\n", "a@b.co\x7f",
        "<a@b.co>", "\"a\"@b.co", "a,b@c.co", "a;b@c.co", "a\\b@c.co", "a@b\x01.co", "ab.co",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (hy_email_valid(bad[i])) fail_msg("accepted \"%s\"", bad[i]);
    /* Length: 254 bytes is the most (RFC 5321's path limit less the angle brackets). */
    char e[300];
    memset(e, 'a', sizeof e);
    memcpy(e + 254 - 6, "@b.org", 7); /* 254 in all */
    assert_int_equal(strlen(e), 254);
    assert_true(hy_email_valid(e));
    memset(e, 'a', sizeof e);
    memcpy(e + 255 - 6, "@b.org", 7); /* 255 */
    assert_false(hy_email_valid(e));
}

static void test_recipient_mask(void **state) {
    (void)state;
    char out[HY_RECIPIENT_MASK_MAX];
    hy_recipient_mask("+989121234567", out, sizeof out);
    assert_string_equal(out, "+98912\u2022\u2022\u2022\u2022\u202267");
    assert_null(strstr(out, "1234567"));
    hy_recipient_mask("+447700900123", out, sizeof out);
    assert_string_equal(out, "+44770\u2022\u2022\u2022\u2022\u202223");
    hy_recipient_mask("someone.private@example.org", out, sizeof out);
    assert_string_equal(out, "s\u2022\u2022\u2022@example.org");
    hy_recipient_mask("09121234567", out, sizeof out); /* not E.164: only the last two */
    assert_null(strstr(out, "0912"));
    assert_string_equal(out + strlen(out) - 2, "67");
    hy_recipient_mask("", out, sizeof out);
    assert_string_equal(out, "");
    hy_recipient_mask(NULL, out, sizeof out);
    assert_string_equal(out, "");
    hy_recipient_mask("\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85", out, sizeof out); /* never a torn character */
    assert_string_equal(out, "\u2022\u2022\u2022\u2022");
    /* Cut short, never past cap, always terminated. */
    char small[8];
    memset(small, 'x', sizeof small);
    hy_recipient_mask("+989121234567", small, sizeof small);
    assert_true(strlen(small) < sizeof small);
    assert_string_equal(small, "+98912");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iran_forms),
        cmocka_unit_test(test_persian_and_arabic_digits),
        cmocka_unit_test(test_uk),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_output_fits),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_recipient_mask),
    };
    return cmocka_run_group_tests_name("phone", tests, NULL, NULL);
}
