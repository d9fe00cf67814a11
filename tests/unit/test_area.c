/* test_area.c — the geometry of the group directory (src/domain/area.c) and its text rules
 * (src/domain/group.c): boxes around circles across the antimeridian and at the poles, polygon
 * checks and containment, search words with Persian spelling variants, postcode keys, contact
 * checks, CSV formula guards. (Great-circle distances against known city pairs are checked
 * in test_geo.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/area.h"
#include "domain/geo.h"
#include "domain/group.h"

/* Every point on the circle (sampled) lies in one of the boxes. */
static void assert_circle_covered(double lat, double lon, double r) {
    struct hy_bbox b[2];
    int n = hy_cap_boxes(lat, lon, r, b);
    assert_true(n == 1 || n == 2);
    for (int i = 0; i < n; i++) {
        assert_true(b[i].min_lat <= b[i].max_lat && b[i].min_lon <= b[i].max_lon);
        assert_true(b[i].min_lon >= -180 && b[i].max_lon <= 180);
    }
    /* Walk the circle: destination points at distance r on 720 bearings. */
    double d = r / HY_EARTH_RADIUS_M, la = lat * M_PI / 180, lo = lon * M_PI / 180;
    for (int k = 0; k < 720; k++) {
        double brg = 2 * M_PI * k / 720;
        double la2 = asin(sin(la) * cos(d) + cos(la) * sin(d) * cos(brg));
        double lo2 = lo + atan2(sin(brg) * sin(d) * cos(la), cos(d) - sin(la) * sin(la2));
        double plat = la2 * 180 / M_PI, plon = fmod(lo2 * 180 / M_PI + 540, 360) - 180;
        bool in = false;
        for (int i = 0; i < n; i++)
            in |= hy_bbox_has(&b[i], plat, plon);
        if (!in) fail_msg("(%f,%f) r=%f: (%f,%f) outside", lat, lon, r, plat, plon);
    }
}

static void test_cap_boxes(void **state) {
    assert_circle_covered(35.7, 51.4, 5000);
    assert_circle_covered(51.5, -0.12, 200000);
    assert_circle_covered(0, 0, 1000000);
    assert_circle_covered(-17, 179.9, 50000);   /* crosses +180 */
    assert_circle_covered(-17, -179.95, 50000); /* crosses -180 */
    assert_circle_covered(89.9, 10, 30000);     /* holds the north pole */
    assert_circle_covered(-89.5, -100, 100000); /* holds the south pole */
    assert_circle_covered(70, 179, 300000);
    struct hy_bbox b[2];
    assert_int_equal(hy_cap_boxes(-17, 179.9, 50000, b), 2);
    assert_true(b[0].max_lon == 180 && b[1].min_lon == -180);
    assert_int_equal(hy_cap_boxes(89.9, 10, 30000, b), 1);
    assert_true(b[0].min_lon == -180 && b[0].max_lon == 180 && b[0].max_lat == 90);
    /* Small circles give small boxes: about 0.09° of latitude for 10 km, wider in longitude
     * at 60°N (a degree of longitude is half as long there). */
    assert_int_equal(hy_cap_boxes(60, 10, 10000, b), 1);
    assert_true(fabs((b[0].max_lat - b[0].min_lat) - 0.18) < 0.001);
    assert_true(fabs((b[0].max_lon - b[0].min_lon) - 0.36) < 0.002);
    /* The whole sphere. */
    assert_int_equal(hy_cap_boxes(10, 10, 3.2e7, b), 1);
    assert_true(b[0].min_lat == -90 && b[0].max_lat == 90);
}

static void test_bbox_wrap_and_reach(void **state) {
    struct hy_bbox wrap = {-18, 179, -16, -179};
    assert_true(hy_bbox_has(&wrap, -17, 179.5));
    assert_true(hy_bbox_has(&wrap, -17, -179.5));
    assert_false(hy_bbox_has(&wrap, -17, 0));
    struct hy_bbox london = {51.4, -0.3, 51.6, 0.1};
    double reach = hy_bbox_reach_m(&london, 51.5, -0.1);
    assert_true(reach > hy_geo_distance_m(51.5, -0.1, 51.4, -0.3));
    assert_true(reach < 30000);
    struct hy_bbox world = {-85, -180, 85, 180};
    assert_true(hy_bbox_reach_m(&world, 10, 10) >= M_PI * HY_EARTH_RADIUS_M - 1);
}

static json_t *poly(const char *text) {
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    return j;
}

static void test_polygon(void **state) {
    hy_arena *a = hy_arena_new(0);
    struct hy_polygon p;
    struct hy_bbox box;
    const char *problem = NULL;
    json_t *sq =
        poly("{\"type\":\"Polygon\",\"coordinates\":[[[51,35],[52,35],[52,36],[51,36],[51,35]],"
             "[[51.4,35.4],[51.6,35.4],[51.6,35.6],[51.4,35.6],[51.4,35.4]]]}");
    assert_true(hy_polygon_parse(sq, a, &p, &box, &problem));
    assert_int_equal(p.nrings, 2);
    assert_true(box.min_lat == 35 && box.max_lat == 36 && box.min_lon == 51 && box.max_lon == 52);
    assert_true(hy_polygon_contains(&p, 35.2, 51.2));
    assert_false(hy_polygon_contains(&p, 35.5, 51.5)); /* in the hole */
    assert_false(hy_polygon_contains(&p, 36.5, 51.5));
    assert_false(hy_polygon_contains(&p, 35.5, 50.9));
    json_decref(sq);
    static const char *const bad[] = {
        "{\"type\":\"Point\",\"coordinates\":[1,2]}",
        "{\"type\":\"Polygon\",\"coordinates\":[]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,91],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[181,0],[1,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[\"1\",0],[1,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[179,0],[-179,0],[-179,1],[179,0]]]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = poly(bad[i]);
        problem = NULL;
        if (hy_polygon_parse(j, a, &p, &box, &problem)) fail_msg("accepted %s", bad[i]);
        assert_non_null(problem);
        json_decref(j);
    }
    /* Too many vertices. */
    json_t *ring = json_array();
    for (int i = 0; i < HY_AREA_MAX_VERTICES; i++)
        json_array_append_new(ring, json_pack("[f,f]", i * 1e-5, (i % 2) * 1e-5));
    json_array_append_new(ring, json_pack("[f,f]", 0.0, 0.0));
    json_t *big = json_pack("{s:s,s:[o]}", "type", "Polygon", "coordinates", ring);
    assert_false(hy_polygon_parse(big, a, &p, &box, &problem));
    json_decref(big);
    hy_arena_free(a);
}

static void test_area_covers(void **state) {
    assert_true(hy_area_covers("radius", 8000, NULL, 35.757, 51.41, 35.70, 51.40));
    assert_false(hy_area_covers("radius", 3000, NULL, 35.73, 51.40, 35.70, 51.40));
    const char *sq =
        "{\"type\":\"Polygon\",\"coordinates\":[[[51,35],[52,35],[52,36],[51,36],[51,35]]]}";
    assert_true(hy_area_covers("polygon", 0, sq, 0, 0, 35.5, 51.5));
    assert_false(hy_area_covers("polygon", 0, sq, 0, 0, 36.5, 51.5));
    assert_false(hy_area_covers("polygon", 0, "not json", 0, 0, 35.5, 51.5));
    assert_false(hy_area_covers("none", 1e9, NULL, 0, 0, 0, 0));
}

static void test_search_text(void **state) {
    hy_arena *a = hy_arena_new(0);
    /* Arabic yeh and kaf, ZWNJ, diacritics, tatweel, Persian and Arabic digits, case. */
    assert_string_equal(hy_search_text(a, "همياري"), hy_search_text(a, "همیاری"));
    assert_string_equal(hy_search_text(a, "كرج"), hy_search_text(a, "کرج"));
    assert_string_equal(hy_search_text(a, "یوسف‌آباد"), "یوسفآباد");
    assert_string_equal(hy_search_text(a, "تِهران"), "تهران");
    assert_string_equal(hy_search_text(a, "تهـــران"), "تهران");
    assert_string_equal(hy_search_text(a, "محله ۷ و ٨"), "محله 7 و 8");
    assert_string_equal(hy_search_text(a, "  Camden, Mutual-Aid!  "), "camden mutual aid");
    assert_string_equal(hy_search_text(a, "ÉCOLE Straße"), "école straße");
    assert_string_equal(hy_search_text(a, "طهران"), "طهران");
    assert_string_equal(hy_search_text(a, "أصفهان"), "اصفهان");
    assert_string_equal(hy_search_text(a, "\"quoted\" 'x'"), "quoted x");
    assert_string_equal(hy_search_text(a, "!!!"), "");
    size_t n = 0;
    const char **t = hy_search_tokens(a, "a bb ccc dddd", 3, &n);
    assert_int_equal(n, 3);
    assert_string_equal(t[2], "ccc");
    hy_arena_free(a);
}

static void test_postcode_key(void **state) {
    char k[16];
    assert_true(hy_postcode_key("SW1A 1AA", k, sizeof k));
    assert_string_equal(k, "SW1A1AA");
    assert_true(hy_postcode_key("sw1a1aa", k, sizeof k));
    assert_string_equal(k, "SW1A1AA");
    assert_true(hy_postcode_key(" sw1a-1aa ", k, sizeof k));
    assert_string_equal(k, "SW1A1AA");
    assert_true(hy_postcode_key("۱۳۱۴۵-۱۱۱۱", k, sizeof k)); /* Persian digits */
    assert_string_equal(k, "131451111");
    assert_false(hy_postcode_key("S", k, sizeof k));
    assert_false(hy_postcode_key("SW1A;1AA", k, sizeof k));
    assert_false(hy_postcode_key("ABCDEFGHIJKLMN", k, sizeof k));
}

static void test_contact(void **state) {
    const char *field, *problem;
    json_t *ok =
        json_pack("{s:s,s:s,s:s,s:s}", "phone", "+98 21 1234-5678", "email", "a@example.org",
                  "website", "https://example.org/x", "messaging", "https://t.me/group");
    assert_true(hy_contact_valid(ok, &field, &problem));
    json_decref(ok);
    static const char *const bad[][2] = {
        {"website", "javascript:alert(1)"},
        {"website", "https://a.org/\"><script>"},
        {"messaging", "ftp://x"},
        {"email", "not-an-email"},
        {"phone", "call me"},
        {"fax", "123"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *c = json_pack("{s:s}", bad[i][0], bad[i][1]);
        assert_false(hy_contact_valid(c, &field, &problem));
        json_decref(c);
    }
    assert_true(hy_lang_tag_valid("fa"));
    assert_true(hy_lang_tag_valid("zh-Hant"));
    assert_false(hy_lang_tag_valid("f"));
    assert_false(hy_lang_tag_valid("fa en"));
}

static void test_csv_guard(void **state) {
    hy_arena *a = hy_arena_new(0);
    assert_string_equal(hy_csv_cell_guard(a, "=SUM(A1)"), "'=SUM(A1)");
    assert_string_equal(hy_csv_cell_guard(a, "+98 21"), "'+98 21");
    assert_string_equal(hy_csv_cell_guard(a, "-1"), "'-1");
    assert_string_equal(hy_csv_cell_guard(a, "@x"), "'@x");
    assert_string_equal(hy_csv_cell_guard(a, "plain"), "plain");
    assert_string_equal(hy_csv_cell_guard(a, ""), "");
    hy_arena_free(a);
}

/* Twice the signed area of ring r of a GeoJSON polygon (> 0: counter-clockwise). */
static double signed_area2(const json_t *poly, size_t r) {
    const json_t *ring = json_array_get(json_object_get(poly, "coordinates"), r);
    double sum = 0;
    for (size_t i = 0; i + 1 < json_array_size(ring); i++) {
        const json_t *a = json_array_get(ring, i), *b = json_array_get(ring, i + 1);
        sum += json_number_value(json_array_get(a, 0)) * json_number_value(json_array_get(b, 1)) -
               json_number_value(json_array_get(b, 0)) * json_number_value(json_array_get(a, 1));
    }
    return sum;
}

static void test_rfc7946_winding(void **state) {
    (void)state;
    /* Clockwise outer ring, counter-clockwise hole: both turned round, positions kept. */
    json_t *cw = json_loads("{\"type\":\"Polygon\",\"coordinates\":["
                            "[[0,0],[0,2],[2,2],[2,0],[0,0]],[[0.5,0.5],[1.5,0.5],[1.5,1.5],[0.5,0.5]]]}",
                            0, NULL);
    assert_non_null(cw);
    assert_true(signed_area2(cw, 0) < 0);
    json_t *ok = hy_polygon_rfc7946(cw);
    assert_non_null(ok);
    assert_true(signed_area2(ok, 0) > 0);
    assert_true(signed_area2(ok, 1) < 0);
    assert_int_equal(json_array_size(json_array_get(json_object_get(ok, "coordinates"), 0)), 5);
    /* Already right: unchanged. */
    json_t *again = hy_polygon_rfc7946(ok);
    assert_true(json_equal(again, ok));
    json_decref(again);
    json_decref(ok);
    json_decref(cw);
    json_t *point = json_loads("{\"type\":\"Point\",\"coordinates\":[0,0]}", 0, NULL);
    assert_null(hy_polygon_rfc7946(point));
    json_decref(point);
}

static void test_circle_polygon(void **state) {
    (void)state;
    json_t *c = hy_circle_polygon(51.5, -0.1, 2000, 64);
    assert_non_null(c);
    const json_t *ring = json_array_get(json_object_get(c, "coordinates"), 0);
    assert_int_equal(json_array_size(ring), 65);
    assert_true(json_equal(json_array_get(ring, 0), json_array_get(ring, 64)));
    assert_true(signed_area2(c, 0) > 0);
    for (size_t i = 0; i < 64; i++) {
        const json_t *p = json_array_get(ring, i);
        double d = hy_geo_distance_m(51.5, -0.1, json_number_value(json_array_get(p, 1)),
                                     json_number_value(json_array_get(p, 0)));
        assert_true(fabs(d - 2000) < 1.0);
    }
    json_decref(c);
    /* Across ±180 or over a pole: none (it would have to be split). */
    assert_null(hy_circle_polygon(0, 179.99, 5000, 64));
    assert_null(hy_circle_polygon(89.99, 0, 5000, 64));
    assert_null(hy_circle_polygon(0, 0, 5000, 4));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cap_boxes),   cmocka_unit_test(test_bbox_wrap_and_reach),
        cmocka_unit_test(test_polygon),     cmocka_unit_test(test_area_covers),
        cmocka_unit_test(test_search_text), cmocka_unit_test(test_postcode_key),
        cmocka_unit_test(test_contact),     cmocka_unit_test(test_csv_guard),
        cmocka_unit_test(test_rfc7946_winding), cmocka_unit_test(test_circle_polygon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
