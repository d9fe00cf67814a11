/* test_synonyms.c — the search synonym list (domain/synonyms.h): checking a list, expanding
 * query words (exact words, words starting with a listed word, spelling variants), and the
 * alternatives reaching the search's matching, ranking and snippets (domain/library.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/library.h"
#include "domain/synonyms.h"

static void check_one(const char *json, long want_group) {
    json_t *list = json_loads(json, 0, NULL);
    assert_non_null(list);
    long g = -2;
    const char *why = hy_synonyms_check(list, &g);
    if (want_group == -2) {
        assert_null(why);
    } else {
        assert_non_null(why);
        assert_int_equal(g, want_group);
    }
    json_decref(list);
}

static void test_check(void **state) {
    (void)state;
    check_one("[]", -2);
    check_one("[[\"a1\",\"b1\"],[\"c1\",\"d1\"]]", -2);
    check_one("{}", -1);
    check_one("[[\"a1\"]]", 0);                           /* one word */
    check_one("[[\"a1\",\"b1\"],[\"a1\",\"x\"]]", -2);    /* shared words merge groups */
    check_one("[[\"a1\",\"A1\"]]", 0);                    /* two entries, one word */
    check_one("[[\"a1\",\"--\"]]", 0);                    /* no letter */
    check_one("[[\"a1\",\"b\\u0007\"]]", 0);              /* control character */
    check_one("[[\"a1\",2]]", 0);
    json_t *big = json_loads(hy_synonyms_default, 0, NULL);
    long g;
    assert_null(hy_synonyms_check(big, &g));
    json_decref(big);
}

static const char *expand1(hy_arena *a, const hy_synonyms *syn, const char *q) {
    const char *terms[HY_LIB_MAX_TERMS];
    size_t n = hy_lib_terms(a, q, terms);
    assert_int_equal(n, 1);
    hy_synonyms_expand(syn, a, terms, n);
    return terms[0];
}

static void test_expand(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    hy_synonyms *syn = hy_synonyms_new(NULL);
    assert_non_null(syn);
    assert_true(hy_synonyms_groups(syn) >= 15);
    /* the word as typed first, then the others; COVID-19 stands for "covid" */
    assert_string_equal(expand1(a, syn, "کرونا"), "کرونا|کووید|covid|coronavirus|corona");
    assert_string_equal(expand1(a, syn, "COVID"), "covid|کرونا|کووید|coronavirus|corona");
    /* Arabic kaf, no ZWNJ and harakat fold before the look-up */
    assert_string_equal(expand1(a, syn, "كرونا"), expand1(a, syn, "کرونا"));
    /* a word starting with a listed word of three letters or more */
    assert_string_equal(expand1(a, syn, "داروها"), "داروها|دارو|medicine|medication|drug|pharmacy");
    /* nothing for unknown words, two-letter starts ("تب" is listed, "تبریز" is not fever) */
    assert_string_equal(expand1(a, syn, "zebra"), "zebra");
    assert_string_equal(expand1(a, syn, "تبریز"), "تبریز");
    assert_int_equal(hy_syn_first_len("ab|cd"), 2);
    hy_synonyms_free(syn);
    /* a saved list replaces the default one */
    syn = hy_synonyms_new("[[\"zebra\",\"گورخر\"]]");
    assert_string_equal(expand1(a, syn, "zebra"), "zebra|گورخر");
    assert_string_equal(expand1(a, syn, "کرونا"), "کرونا");
    hy_synonyms_free(syn);
    /* groups sharing a word (once normalised) are merged */
    syn = hy_synonyms_new("[[\"zebra\",\"گورخر\"],[\"horse\",\"اسب\"],[\"ZEBRA\",\"stripes\"]]");
    assert_int_equal(hy_synonyms_groups(syn), 2);
    assert_string_equal(expand1(a, syn, "stripes"), "stripes|zebra|گورخر");
    assert_string_equal(expand1(a, syn, "اسب"), "اسب|horse");
    hy_synonyms_free(syn);
    assert_null(hy_synonyms_new("[[\"one\"]]"));
    hy_synonyms_expand(NULL, a, NULL, 0);
    hy_arena_free(a);
}

static void test_search_alternatives(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    struct hy_lib_row rows[3] = {0};
    const char *ids[] = {"00000000000000000000000000000001", "00000000000000000000000000000002",
                         "00000000000000000000000000000003"};
    const char *titles[] = {"کووید و همسایه‌ها", "bread for all", "medicine at the door"};
    for (int i = 0; i < 3; i++) {
        memcpy(rows[i].id, ids[i], 33);
        rows[i].type = "faq";
        rows[i].language = "fa";
        rows[i].themes = "";
        rows[i].status = "published";
        rows[i].tok_title = hy_lib_tokens(a, titles[i], strlen(titles[i]), true);
        rows[i].tok_summary = "";
        rows[i].tok_tags = "";
        rows[i].sort_at = i;
    }
    struct hy_lib_filter f = {.covid = -1};
    const char *terms[] = {"کرونا|کووید|covid"};
    struct hy_lib_result res;
    assert_int_equal(hy_lib_search(a, rows, 3, &f, terms, 1, HY_LIB_SORT_RELEVANCE, 0, 10, &res), 0);
    /* the rows are the store's candidates: ranking scores the alternative that matched */
    assert_int_equal(res.total, 3);
    assert_string_equal(res.page[0]->id, ids[0]);
    assert_int_equal(res.scores[0], 4); /* a title match, once per query word */
    assert_int_equal(res.scores[1], 0);
    const char *both[] = {"دارو|medicine", "door"};
    assert_int_equal(hy_lib_search(a, rows, 3, &f, both, 2, HY_LIB_SORT_RELEVANCE, 0, 10, &res), 0);
    assert_string_equal(res.page[0]->id, ids[2]);
    assert_int_equal(res.scores[0], 8);
    /* snippets mark the alternative that matched */
    char *snip = hy_lib_snippet(a, "Bring medicine today", terms + 0, 1, 100);
    assert_string_equal(snip, "Bring medicine today");
    snip = hy_lib_snippet(a, "Bring medicine today", both, 1, 100);
    assert_string_equal(snip, "Bring " HY_LIB_MARK_START "medicine" HY_LIB_MARK_END " today");
    assert_true(hy_lib_text_hits("کووید-۱۹ در شهر", terms, 1));
    assert_false(hy_lib_text_hits("نان", terms, 1));
    hy_arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_search_alternatives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
