/* test_maplabel.c — the offline map's label rules (src/domain/maplabel.c): which places a zoom
 * labels, and which of a place's Arabic-script names is shown as its Persian name. The names
 * are GeoNames' own alternative names of Tehran and Shiraz. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/maplabel.h"

static int score(const char *s) { return hy_maplabel_persian_score(s, strlen(s)); }

static void test_min_population_falls_with_zoom(void **state) {
    (void)state;
    for (unsigned z = 1; z <= HY_MAPLABEL_ZOOM_MAX; z++)
        assert_true(hy_maplabel_min_population(z) <= hy_maplabel_min_population(z - 1));
    assert_true(hy_maplabel_min_population(5) >= 100000); /* a country view: big cities only */
    assert_int_equal(hy_maplabel_min_population(HY_MAPLABEL_LOCAL_ZOOM), 0);
    assert_int_equal(hy_maplabel_min_population(HY_MAPLABEL_ZOOM_MAX), 0);
    assert_int_equal(hy_maplabel_min_population(1000), 0);
}

static void test_persian_score(void **state) {
    (void)state;
    assert_true(score("شیراز") > 0);       /* Persian ye */
    assert_true(score("اسلام‌شهر") == 0);   /* a ZWNJ, no marked letter: neutral */
    assert_int_equal(score("تهران"), 0);
    assert_true(score("شيراز") < 0);       /* Arabic yeh */
    assert_true(score("تہران") < 0);       /* Urdu heh goal */
    assert_true(score("تِهران") < 0);      /* vowel marks */
    assert_true(score("Tehran") < 0);      /* Latin */
    assert_true(score("") < 0);
    assert_true(score("\xff\xfe") < 0);     /* not UTF-8 */
}

static void test_persian_name_prefers_persian_letters(void **state) {
    (void)state;
    size_t at = 99;
    const char *shiraz = "Chiraz,Schiras,شيراز,شیراز,Шираз";
    size_t n = hy_maplabel_persian_name(shiraz, strlen(shiraz), &at);
    assert_int_equal(n, strlen("شیراز"));
    assert_memory_equal(shiraz + at, "شیراز", n);

    const char *tehran = "Teheran,تهران,تهرون,تِهران,تہران,طهران";
    n = hy_maplabel_persian_name(tehran, strlen(tehran), &at);
    assert_int_equal(n, strlen("تهران"));
    assert_memory_equal(tehran + at, "تهران", n); /* the first of equal scores */

    const char *none = "Vancouver,Ванкувер,فانكوفر";
    at = 7;
    assert_int_equal(hy_maplabel_persian_name(none, strlen(none), &at), 0);
    assert_int_equal(at, 7); /* untouched */
    assert_int_equal(hy_maplabel_persian_name("", 0, &at), 0);
    assert_int_equal(hy_maplabel_persian_name(",,", 2, &at), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_min_population_falls_with_zoom),
        cmocka_unit_test(test_persian_score),
        cmocka_unit_test(test_persian_name_prefers_persian_letters),
    };
    return cmocka_run_group_tests_name("maplabel", tests, NULL, NULL);
}
