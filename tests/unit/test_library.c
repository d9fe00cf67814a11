/* test_library.c — the library's text rules: normalisation (domain/text.c), tokens and query
 * terms, snippets, facet counting and ordering (domain/library.c), and Markdown rendering with
 * unsafe links made inert (domain/markdown.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/library.h"
#include "domain/markdown.h"
#include "domain/text.h"

static void test_normalise(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    /* ي/ك → ی/ک, ZWNJ and diacritics and tatweel removed, digits to ASCII, ASCII lowercased. */
    const char *in = "يك\xE2\x80\x8C" "كتاب\xD9\x8E\xD9\x80 ۱۲۳ ١٢٣ ABC";
    assert_string_equal(hy_text_normalise(a, in, strlen(in)), "یککتاب 123 123 abc");
    hy_arena_free(a);
}

static void test_tokens(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    const char *s = "گروه‌های همیاری، محله! Food-bank (2020) گروه‌های";
    assert_string_equal(hy_lib_tokens(a, s, strlen(s), false), "گروههای همیاری محله food bank 2020 گروههای");
    assert_string_equal(hy_lib_tokens(a, s, strlen(s), true), "گروههای همیاری محله food bank 2020");
    const char *terms[HY_LIB_MAX_TERMS];
    assert_int_equal(hy_lib_terms(a, "  بانك «غذا» \"x\" ' ", terms), 3);
    assert_string_equal(terms[0], "بانک");
    assert_string_equal(terms[1], "غذا");
    assert_int_equal(hy_lib_terms(a, "!!! ...", terms), 0);
    hy_arena_free(a);
}

static void test_snippet(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    const char *terms[] = {"کمک"};
    char *s = hy_lib_snippet(a, "این متن دربارهٔ كمك‌رسانی است.\nخط دوم", terms, 1, 200);
    assert_non_null(strstr(s, "\x02" "كمك‌رسانی" "\x03"));
    assert_null(strchr(s, '\n'));
    assert_true(hy_lib_text_hits("سلام كمك", terms, 1));
    assert_false(hy_lib_text_hits("سلام", terms, 1));
    hy_arena_free(a);
}

static void test_facets(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    struct hy_lib_row rows[4] = {
        {.id = "a", .type = "faq", .country = "IR", .themes = "food", .year = 2020, .sort_at = 3},
        {.id = "b", .type = "guide", .country = "IR", .themes = "food health", .year = 2021, .sort_at = 3},
        {.id = "c", .type = "faq", .country = "GB", .themes = "", .year = 2019, .sort_at = 1},
        {.id = "d", .type = "guide", .country = "GB", .themes = "health", .year = 0, .sort_at = 2},
    };
    struct hy_lib_filter f = {.covid = -1};
    assert_int_equal(hy_lib_filter_add(a, &f, HY_LIB_F_TYPE, "faq"), 0);
    assert_int_equal(hy_lib_filter_add(a, &f, HY_LIB_F_COUNTRY, "ir,xx"), 0);
    assert_int_equal(hy_lib_filter_add(a, &f, HY_LIB_F_TYPE, "novel"), -1);
    struct hy_lib_result r;
    assert_int_equal(hy_lib_search(a, rows, 4, &f, NULL, 0, HY_LIB_SORT_NEWEST, 0, 10, &r), 0);
    assert_int_equal(r.total, 1);
    assert_string_equal(r.page[0]->id, "a");
    /* type counts apply the country filter only: IR has one faq and one guide. */
    assert_int_equal(r.nfacets[HY_LIB_F_TYPE], 2);
    /* country counts apply the type filter only: faq in IR and GB; XX selected shows 0. */
    assert_int_equal(r.nfacets[HY_LIB_F_COUNTRY], 3);
    assert_string_equal(r.facets[HY_LIB_F_COUNTRY][2].value, "XX");
    assert_int_equal(r.facets[HY_LIB_F_COUNTRY][2].count, 0);
    /* Newest first, ties by id. */
    struct hy_lib_filter none = {.covid = -1};
    assert_int_equal(hy_lib_search(a, rows, 4, &none, NULL, 0, HY_LIB_SORT_NEWEST, 0, 10, &r), 0);
    assert_string_equal(r.page[0]->id, "a");
    assert_string_equal(r.page[1]->id, "b");
    assert_string_equal(r.page[2]->id, "d");
    assert_int_equal(hy_lib_search(a, rows, 4, &none, NULL, 0, HY_LIB_SORT_YEAR, 1, 2, &r), 0);
    assert_int_equal(r.npage, 2);
    assert_string_equal(r.page[0]->id, "a");
    assert_string_equal(r.page[1]->id, "c");
    hy_arena_free(a);
}

static void test_markdown(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    const char *md = "<script>x</script> [a](javascript:alert(1)) [b](java&#x73;cript:x) "
                     "[c](HTTPS://ok.example) [d](/doc?id=1) [e](mailto:a@b.c) ![i](data:x) "
                     "<vbscript:x>";
    char *html, *text;
    assert_int_equal(hy_md_render(a, md, strlen(md), &html, &text), 0);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "href=\"javascript"));
    assert_null(strstr(html, "href=\"java"));
    assert_null(strstr(html, "data:"));
    assert_null(strstr(html, "href=\"vbscript"));
    assert_non_null(strstr(html, "href=\"HTTPS://ok.example\" rel=\"nofollow noopener noreferrer\""));
    assert_non_null(strstr(html, "href=\"/doc?id=1\""));
    assert_non_null(strstr(html, "href=\"mailto:a@b.c\""));
    assert_non_null(strstr(text, "<script>x</script>"));
    assert_true(hy_md_url_safe("relative/path", 13));
    assert_false(hy_md_url_safe("file:///etc", 11));
    hy_arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise), cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_snippet),   cmocka_unit_test(test_facets),
        cmocka_unit_test(test_markdown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
