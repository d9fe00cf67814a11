/* test_numtext.c — numbers as people type them (hy_number_parse in src/util/numtext.c):
 * Persian and Arabic-Indic digits, the Arabic decimal and thousands separators, the comma rule
 * (a decimal point only when it is the lone separator of a decimal field), direction marks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "util/numtext.h"

static void ok(const char *s, bool decimal, double want) {
    double d = -12345.678;
    if (!hy_number_parse(s, strlen(s), decimal, &d)) fail_msg("refused: «%s»", s);
    if (d != want) fail_msg("«%s»: %.17g, expected %.17g", s, d, want);
}

static void bad(const char *s, bool decimal) {
    double d = -12345.678;
    if (hy_number_parse(s, strlen(s), decimal, &d)) fail_msg("accepted: «%s» as %.17g", s, d);
    assert_true(d == -12345.678); /* untouched */
}

static void test_scripts(void **state) {
    (void)state;
    ok("35.72", true, 35.72);
    ok("۳۵٫۷۲", true, 35.72);   /* Persian digits, Arabic decimal separator */
    ok("٣٥٫٧٢", true, 35.72);   /* Arabic-Indic digits */
    ok("۳۵.۷۲", true, 35.72);   /* Persian digits, ASCII point */
    ok("٣٥,٧٢", true, 35.72);   /* a lone comma in a decimal field */
    ok("۳۵،۷۲", true, 35.72);   /* the Arabic comma likewise */
    ok("3۵.7٢", true, 35.72);   /* mixed scripts */
    ok("۰", false, 0);
    ok("۱۲۳۴۵۶۷۸۹۰", false, 1234567890);
    ok("٠١٢٣٤٥٦٧٨٩", false, 123456789);
}

static void test_signs_and_blanks(void **state) {
    (void)state;
    ok("-۵۱٫۵", true, -51.5);
    ok("−51.5", true, -51.5); /* U+2212 MINUS SIGN */
    ok("+7", false, 7);
    ok("  ۴۲ ", false, 42);
    ok("\u200f-۳۵٫۷\u200e", true, -35.7); /* RLM/LRM copied from an RTL page */
    ok("\u2067۳۵٫۷\u2069", true, 35.7);   /* an isolate */
    ok(".5", true, 0.5);
    ok("5.", true, 5);
    bad("- 5", true);
    bad("5-", true);
    bad("--5", true);
    bad("+-5", true);
    bad("5 5", false);
    bad("۳۵ ٫۷", true);
    bad("", true);
    bad("   ", true);
    bad("-", true);
    bad(".", true);
    bad("٫", true);
}

static void test_grouping(void **state) {
    (void)state;
    ok("۱٬۲۵۰", false, 1250);           /* Arabic thousands separator */
    ok("۱٬۲۵۰", true, 1250);            /* is never a decimal point */
    ok("1,250", false, 1250);           /* a comma in a whole-number field groups */
    ok("1,250", true, 1.25);            /* the documented rule: lone comma, decimal field */
    ok("1,250,000", true, 1250000);     /* two commas: grouping */
    ok("1,250.5", true, 1250.5);        /* a point elsewhere: the comma groups */
    ok("۱٬۲۵۰٫۵", true, 1250.5);
    bad("1,25,0", true);
    bad("12,50,000", false);           /* lakh grouping is not read as thousands */
    bad("1,2500", false);
    bad(",250", false);
    bad("250,", false);
    bad("1.250,5", true);              /* the comma would group in the fraction */
    bad("1.2.3", true);
    bad("۱٬۲۵۰,۵", true);              /* ٬ with a comma: the comma groups, so this is refused */
    bad("۳۵٫۷٫۲", true);
    bad("1٬25", false);
    bad("1٬2345", false);
}

static void test_refused(void **state) {
    (void)state;
    static const char *const bad_texts[] = {"nan", "inf", "-inf", "1e3", "0x10", "١e٣", "5x",
                                            "five", "۵ک", "$5", "5%", "١/٢", "\xd9", "\xc0\xb5",
                                            "\xe0\x80\xb5", "\xf0\x9f\x98\x80"};
    for (size_t i = 0; i < sizeof bad_texts / sizeof bad_texts[0]; i++) bad(bad_texts[i], true);
    /* Embedded NUL: the length counts, not the terminator. */
    double d = 0;
    assert_false(hy_number_parse("5\0" "5", 3, false, &d));
    /* Length: 120 bytes accepted, 121 refused unparsed. */
    char buf[130];
    memset(buf, '9', sizeof buf);
    assert_true(hy_number_parse(buf, HY_NUMBER_TEXT_MAX, false, &d));
    assert_false(hy_number_parse(buf, HY_NUMBER_TEXT_MAX + 1, false, &d));
    assert_false(hy_number_parse(NULL, 0, false, &d));
}

static void test_list(void **state) {
    (void)state;
    double v[4] = {0, 0, 0, 0};
    assert_true(hy_number_list("۳۵٫۷,۵۱٫۴", 2, v));
    assert_true(v[0] == 35.7 && v[1] == 51.4);
    assert_true(hy_number_list("35.7,51.4", 2, v));
    assert_true(hy_number_list("-۱۰,-۲۰,۱۰,۲۰", 4, v));
    assert_true(v[0] == -10 && v[3] == 20);
    assert_false(hy_number_list("35,7,51,4", 2, v)); /* a comma is never a point in a list */
    assert_false(hy_number_list("35.7", 2, v));
    assert_false(hy_number_list("35.7,", 2, v));
    assert_false(hy_number_list(",51.4", 2, v));
    assert_false(hy_number_list("35.7,51.4,", 2, v));
    assert_false(hy_number_list(NULL, 2, v));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scripts),
        cmocka_unit_test(test_signs_and_blanks),
        cmocka_unit_test(test_grouping),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
