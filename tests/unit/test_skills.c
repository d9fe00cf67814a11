/* test_skills.c — the fit of a volunteer to a need and the ranking order (src/domain/skills.c),
 * and the slugs and level names the API accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/skills.h"

static const struct hy_skill_level need[] = {{"", "medical", 2}, {"", "driving", 1}};

static void fit(const struct hy_skill_level *have, size_t n, struct hy_fit *ret) {
    hy_skill_fit(need, 2, have, n, ret);
}

static void test_fit_counts_skills_at_or_above_the_minimum(void **state) {
    (void)state;
    struct hy_fit f;
    const struct hy_skill_level both[] = {{"", "driving", 3}, {"", "medical", 2}};
    fit(both, 2, &f);
    assert_int_equal(f.met, 2);
    assert_int_equal(f.level_sum, 5);
    const struct hy_skill_level below[] = {{"", "medical", 1}, {"", "driving", 1}};
    fit(below, 2, &f);
    assert_int_equal(f.met, 1); /* medical below its minimum does not count */
    assert_int_equal(f.level_sum, 1);
    const struct hy_skill_level other[] = {{"", "legal", 3}};
    fit(other, 1, &f);
    assert_int_equal(f.met, 0);
    fit(NULL, 0, &f);
    assert_int_equal(f.met, 0);
    assert_int_equal(f.level_sum, 0);
}

struct item {
    const char *id;
    struct hy_fit fit;
};

static int cmp(const void *a, const void *b) {
    const struct item *x = a, *y = b;
    return hy_fit_compare(&x->fit, x->id, &y->fit, y->id);
}

static void test_order_is_met_then_levels_then_distance_then_id(void **state) {
    (void)state;
    struct item v[] = {
        {"f", {1, 3, true, 100}},      /* one skill met, expert, near */
        {"e", {2, 3, false, 0}},       /* two met, sum 3, no distance */
        {"d", {2, 3, true, 9000}},     /* two met, sum 3, 9 km */
        {"c", {2, 3, true, 500}},      /* two met, sum 3, 0.5 km */
        {"b", {2, 5, true, 50000}},    /* two met, sum 5, far */
        {"a", {2, 3, true, 500}},      /* as c: the id decides */
    };
    qsort(v, sizeof v / sizeof v[0], sizeof v[0], cmp);
    const char *want[] = {"b", "a", "c", "d", "e", "f"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) assert_string_equal(v[i].id, want[i]);
    /* The order is total: no two different ids compare equal, and it is antisymmetric. */
    assert_true(hy_fit_compare(&v[1].fit, v[1].id, &v[2].fit, v[2].id) < 0);
    assert_true(hy_fit_compare(&v[2].fit, v[2].id, &v[1].fit, v[1].id) > 0);
    assert_int_equal(hy_fit_compare(&v[0].fit, v[0].id, &v[0].fit, v[0].id), 0);
}

static void test_slugs_and_levels(void **state) {
    (void)state;
    assert_true(hy_skill_slug_valid("first-aid"));
    assert_true(hy_skill_slug_valid("x1"));
    assert_false(hy_skill_slug_valid("x"));
    assert_false(hy_skill_slug_valid("1st"));
    assert_false(hy_skill_slug_valid("First"));
    assert_false(hy_skill_slug_valid("a b"));
    assert_false(hy_skill_slug_valid("a_b"));
    assert_false(hy_skill_slug_valid(NULL));
    char long_slug[42];
    memset(long_slug, 'a', 41);
    long_slug[41] = 0;
    assert_false(hy_skill_slug_valid(long_slug));
    long_slug[40] = 0;
    assert_true(hy_skill_slug_valid(long_slug));
    assert_int_equal(hy_skill_level_parse("basic"), 1);
    assert_int_equal(hy_skill_level_parse("expert"), 3);
    assert_int_equal(hy_skill_level_parse("Expert"), 0);
    assert_int_equal(hy_skill_level_parse(NULL), 0);
    assert_string_equal(hy_skill_level_name(2), "experienced");
    assert_null(hy_skill_level_name(0));
    assert_null(hy_skill_level_name(4));
}

/* 2025-12-06T23:59:59Z and one second later: the day a need ends on is over only at UTC midnight. */
static void test_a_need_ends_after_its_last_utc_day(void **state) {
    (void)state;
    const int64_t last_second = 1765065599, next_day = last_second + 1;
    char day[11];
    hy_need_today(last_second, day);
    assert_string_equal(day, "2025-12-06");
    hy_need_today(next_day, day);
    assert_string_equal(day, "2025-12-07");
    assert_false(hy_need_ended("2025-12-06", last_second));
    assert_true(hy_need_ended("2025-12-06", next_day));
    assert_false(hy_need_ended("2025-12-07", next_day));
    assert_false(hy_need_ended(NULL, next_day));
    assert_false(hy_need_ended("", next_day));
    assert_true(hy_need_ended("1999-01-01", next_day));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_counts_skills_at_or_above_the_minimum),
        cmocka_unit_test(test_order_is_met_then_levels_then_distance_then_id),
        cmocka_unit_test(test_slugs_and_levels),
        cmocka_unit_test(test_a_need_ends_after_its_last_utc_day),
    };
    return cmocka_run_group_tests_name("skills", tests, NULL, NULL);
}
