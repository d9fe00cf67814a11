/* test_board.c — the neighbour-help board's rules (src/domain/board.c): the category list in
 * both languages, kind × category slots, the answering kind, the ranking, and digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/board.h"

static void test_categories_have_both_names(void **state) {
    (void)state;
    int n = 0;
    for (; hy_board_categories[n].key; n++) {
        assert_non_null(hy_board_categories[n].fa);
        assert_non_null(hy_board_categories[n].en);
        assert_true(strlen(hy_board_categories[n].fa) > 0 && strlen(hy_board_categories[n].en) > 0);
        assert_string_equal(hy_board_category_keys[n], hy_board_categories[n].key);
        assert_int_equal(hy_board_category_index(hy_board_categories[n].key), n);
    }
    assert_null(hy_board_category_keys[n]);
    assert_int_equal(n, 12);
    assert_int_equal(hy_board_category_index("weapons"), -1);
    assert_int_equal(hy_board_category_index(NULL), -1);
}

static void test_slots_are_distinct_per_kind_and_category(void **state) {
    (void)state;
    int seen[64] = {0};
    for (int i = 0; hy_board_categories[i].key; i++)
        for (int k = 0; k < 2; k++) {
            int s = hy_board_slot(k ? "ask" : "offer", hy_board_categories[i].key);
            assert_true(s >= 0 && s < 64);
            assert_int_equal(seen[s], 0);
            seen[s] = 1;
        }
    assert_int_equal(hy_board_slot("lend", "food"), -1);
    assert_int_equal(hy_board_slot("ask", "nothing"), -1);
    assert_string_equal(hy_board_other_kind("ask"), "offer");
    assert_string_equal(hy_board_other_kind("offer"), "ask");
}

static void test_sort_by_distance_then_id(void **state) {
    (void)state;
    struct hy_board_post v[3] = {0};
    memcpy(v[0].id, "b", 2);
    v[0].distance_m = 10;
    memcpy(v[1].id, "c", 2);
    v[1].distance_m = 5;
    memcpy(v[2].id, "a", 2);
    v[2].distance_m = 10;
    hy_board_sort(v, 3);
    assert_string_equal(v[0].id, "c");
    assert_string_equal(v[1].id, "a");
    assert_string_equal(v[2].id, "b");
}

static void test_digits(void **state) {
    (void)state;
    char out[24];
    hy_board_digits(2026, false, out);
    assert_string_equal(out, "2026");
    hy_board_digits(2026, true, out);
    assert_string_equal(out, "\xdb\xb2\xdb\xb0\xdb\xb2\xdb\xb6"); /* ۲۰۲۶ */
    hy_board_digits(0, true, out);
    assert_string_equal(out, "\xdb\xb0");
    hy_board_digits(-7, true, out);
    assert_string_equal(out, "-\xdb\xb7");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_categories_have_both_names),
        cmocka_unit_test(test_slots_are_distinct_per_kind_and_category),
        cmocka_unit_test(test_sort_by_distance_then_id),
        cmocka_unit_test(test_digits),
    };
    return cmocka_run_group_tests_name("board", tests, NULL, NULL);
}
