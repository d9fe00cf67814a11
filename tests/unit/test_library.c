/* test_library.c — the library's text rules: normalisation (domain/text.c), tokens and query
 * terms, snippets (and which text an item's snippet comes from), facet counting and ordering (domain/library.c), and Markdown rendering with
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
#include "util/jsonw.h"

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

/* The summary's part of a row's score (as the search computes it): 1 for each term one of whose
 * alternatives starts a word of the summary's tokens. */
static int summary_score(hy_arena *a, const char *summary, const char *const *terms, size_t n) {
    const char *toks = hy_lib_tokens(a, summary, strlen(summary), true);
    int s = 0;
    for (size_t i = 0; i < n; i++) {
        bool hit = false;
        for (const char *t = terms[i]; !hit;) {
            size_t tl = strcspn(t, "|");
            for (const char *w = toks; tl && *w && !hit; w += strcspn(w, " "), w += *w == ' ')
                hit = !strncmp(w, t, tl);
            if (!t[tl]) break;
            t += tl + 1;
        }
        s += hit;
    }
    return s;
}

/* An item's snippet (hy_lib_item_write()) is the one its rule names: of the summary when a term
 * hits it (an odd score says so without reading it), else of the body when a term hits that
 * anywhere, else of the summary, or of the body when the summary is empty; over random texts
 * with long bodies, words too long to be tokens, Persian and line breaks. */
static void test_item_snippet(void **state) {
    (void)state;
    static char longword[240];
    memset(longword, 'x', sizeof longword - 1);
    memcpy(longword + 200, "food", 4);
    const char *vocab[] = {"food", "Foodbank", "help", "کمک", "كمك‌رسانی", "آب", "water",
                           "volunteer", "x", "\n", "،", longword};
    const size_t nv = sizeof vocab / sizeof vocab[0];
    const char *term_sets[][3] = {{"foo", NULL}, {"کمک|آب", NULL}, {"xx", NULL},
                                  {"zzz", "wat"}, {"help|vol", "کم"}, {"foodbank", NULL}};
    uint32_t x = 2463534242u;
    for (int round = 0; round < 3000; round++) {
        hy_arena *a = hy_arena_new(0);
        char *text[2];
        for (int k = 0; k < 2; k++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            size_t words = k == 0 ? x % 12 : (x % 9 == 0 ? 4000 + x % 400 : x % 300);
            hy_buf b = HY_BUF_INIT(0);
            for (size_t i = 0; i < words; i++) {
                x ^= x << 13, x ^= x >> 17, x ^= x << 5;
                /* mostly plain words; the rare ones make hits */
                const char *w = x % 10 < 7 ? (x % 3 ? "x" : "water") : vocab[(x >> 8) % nv];
                if (i) hy_buf_putc(&b, ' ');
                hy_buf_puts(&b, w);
            }
            text[k] = hy_arena_strndup(a, b.data ? b.data : "", b.len);
            hy_buf_free(&b);
        }
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        const char *const *terms = term_sets[x % 6];
        size_t nterms = terms[1] ? 2 : 1;
        if (round % 17 == 0) nterms = 0;
        struct hy_lib_doc d = {.id = "0123456789abcdef0123456789abcdef", .type = "faq",
                               .language = "en", .title = "t", .summary = text[0],
                               .body_text = text[1], .status = "published", .themes = ""};
        int score = summary_score(a, text[0], terms, nterms) + 2 * (int)(x % 4);
        hy_buf out = HY_BUF_INIT(0);
        assert_int_equal(hy_lib_item_write(&out, a, &d, score, terms, nterms), 0);
        const char *src = d.summary;
        if (nterms && !hy_lib_text_hits(d.summary, terms, nterms) &&
            hy_lib_text_hits(d.body_text, terms, nterms))
            src = d.body_text;
        if (!*src) src = d.body_text;
        hy_buf want = HY_BUF_INIT(0);
        hy_buf_puts(&want, ",\"snippet\":");
        hy_jw_string(&want, hy_lib_snippet(a, src, terms, nterms, HY_LIB_SNIPPET_CP));
        hy_buf_puts(&want, ",\"country\":");
        assert_non_null(strstr(out.data, want.data));
        hy_buf_free(&out);
        hy_buf_free(&want);
        hy_arena_free(a);
    }
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
        cmocka_unit_test(test_markdown),  cmocka_unit_test(test_item_snippet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
