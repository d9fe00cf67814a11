/* test_geo.c — great-circle distances and privacy rounding (src/domain/geo.c).
 *
 * Reference distances: hy_geo_distance_m() is a spherical (haversine) formula; the Earth is an
 * ellipsoid, so the true distance differs by up to about 0.5 %. The references below are
 * geodesic distances on the WGS-84 ellipsoid (a = 6378137 m, f = 1/298.257223563), computed by
 * the Vincenty (1975) inverse formula implemented in this file (vincenty_m). That
 * implementation is itself checked against the worked example in Vincenty's method as
 * published by Geoscience Australia: Flinders Peak (37°57'03.72030"S 144°25'29.52440"E) to
 * Buninyong (37°39'10.15610"S 143°55'35.38390"E) is 54 972.271 m. City positions are
 * city-centre coordinates (Tehran 35.6892N 51.3890E, Mashhad 36.2605N 59.6168E,
 * London 51.5074N 0.1278W, Paris 48.8566N 2.3522E, New York 40.7128N 74.0060W); for them this
 * implementation gives Tehran–Mashhad 744 559 m, London–Paris 343 923 m and
 * New York–London 5 585 234 m.
 *
 * A second, independent spherical formula (the atan2 form of the great-circle distance, on the
 * same mean radius) must agree with hy_geo_distance_m() to a millimetre-scale relative error:
 * that catches a wrong formula, while the Vincenty comparison catches a wrong radius. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdint.h>

#include "domain/geo.h"

#define PI 3.14159265358979323846
#define R HY_EARTH_RADIUS_M

static double deg(double d) { return d * PI / 180.0; }

/* Vincenty's inverse formula on WGS-84; NAN when it does not converge (near-antipodal). */
static double vincenty_m(double lat1, double lon1, double lat2, double lon2) {
    const double a = 6378137.0, f = 1 / 298.257223563, b = a * (1 - f);
    double L = deg(lon2 - lon1);
    double U1 = atan((1 - f) * tan(deg(lat1))), U2 = atan((1 - f) * tan(deg(lat2)));
    double sU1 = sin(U1), cU1 = cos(U1), sU2 = sin(U2), cU2 = cos(U2);
    double lambda = L, sigma = 0, ss = 0, cs = 0, c2a = 0, c2sm = 0;
    int iter;
    for (iter = 0; iter < 200; iter++) {
        double sl = sin(lambda), cl = cos(lambda);
        ss = sqrt((cU2 * sl) * (cU2 * sl) + (cU1 * sU2 - sU1 * cU2 * cl) * (cU1 * sU2 - sU1 * cU2 * cl));
        if (ss == 0) return 0; /* coincident points */
        cs = sU1 * sU2 + cU1 * cU2 * cl;
        sigma = atan2(ss, cs);
        double sa = cU1 * cU2 * sl / ss;
        c2a = 1 - sa * sa;
        c2sm = c2a != 0 ? cs - 2 * sU1 * sU2 / c2a : 0; /* equatorial line */
        double C = f / 16 * c2a * (4 + f * (4 - 3 * c2a));
        double prev = lambda;
        lambda = L + (1 - C) * f * sa * (sigma + C * ss * (c2sm + C * cs * (-1 + 2 * c2sm * c2sm)));
        if (fabs(lambda - prev) < 1e-12) break;
    }
    if (iter == 200) return NAN;
    double u2 = c2a * (a * a - b * b) / (b * b);
    double A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
    double B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
    double ds = B * ss * (c2sm + B / 4 * (cs * (-1 + 2 * c2sm * c2sm) -
                                          B / 6 * c2sm * (-3 + 4 * ss * ss) * (-3 + 4 * c2sm * c2sm)));
    return b * A * (sigma - ds);
}

/* The great-circle distance by the atan2 ("Vincenty on a sphere") form, radius R. */
static double sphere_m(double lat1, double lon1, double lat2, double lon2) {
    double p1 = deg(lat1), p2 = deg(lat2), dl = deg(lon2 - lon1);
    double y = hypot(cos(p2) * sin(dl), cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl));
    double x = sin(p1) * sin(p2) + cos(p1) * cos(p2) * cos(dl);
    return R * atan2(y, x);
}

static double dms(double d, double m, double s) { return copysign(fabs(d) + m / 60 + s / 3600, d); }

static void test_reference_implementation(void **state) {
    (void)state;
    double d = vincenty_m(dms(-37, 57, 3.72030), dms(144, 25, 29.52440), dms(-37, 39, 10.15610),
                          dms(143, 55, 35.38390));
    assert_true(fabs(d - 54972.271) < 0.001);
}

struct city_pair {
    const char *name;
    double lat1, lon1, lat2, lon2;
    double vincenty; /* metres, from vincenty_m() above (checked again at run time) */
};

static const struct city_pair pairs[] = {
    {"Tehran-Mashhad", 35.6892, 51.3890, 36.2605, 59.6168, 744559.4},
    {"London-Paris", 51.5074, -0.1278, 48.8566, 2.3522, 343923.1},
    {"New York-London", 40.7128, -74.0060, 51.5074, -0.1278, 5585233.6},
};

static void test_city_pairs_within_half_percent(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const struct city_pair *p = &pairs[i];
        double ref = vincenty_m(p->lat1, p->lon1, p->lat2, p->lon2);
        if (fabs(ref - p->vincenty) > 1) fail_msg("%s: reference %.1f", p->name, ref);
        double got = hy_geo_distance_m(p->lat1, p->lon1, p->lat2, p->lon2);
        double rel = fabs(got - ref) / ref;
        if (rel > 0.005) fail_msg("%s: %.0f m vs %.0f m (%.3f %%)", p->name, got, ref, rel * 100);
        /* Symmetric. */
        double back = hy_geo_distance_m(p->lat2, p->lon2, p->lat1, p->lon1);
        assert_true(fabs(back - got) < 1e-6);
    }
    /* The round figures people quote, loosely. */
    double tm = hy_geo_distance_m(35.6892, 51.3890, 36.2605, 59.6168);
    assert_true(tm > 735000 && tm < 750000);
    double lp = hy_geo_distance_m(51.5074, -0.1278, 48.8566, 2.3522);
    assert_true(lp > 340000 && lp < 348000);
    double nl = hy_geo_distance_m(40.7128, -74.0060, 51.5074, -0.1278);
    assert_true(nl > 5540000 && nl < 5600000);
}

/* Against an independent spherical formula at many pseudo-random pairs. */
static void test_matches_other_spherical_formula(void **state) {
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 20000; i++) {
        double v[4];
        for (int k = 0; k < 4; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
            v[k] = (double)(x >> 11) / 9007199254740992.0; /* [0, 1) */
        }
        double lat1 = v[0] * 180 - 90, lon1 = v[1] * 360 - 180;
        double lat2 = v[2] * 180 - 90, lon2 = v[3] * 360 - 180;
        double got = hy_geo_distance_m(lat1, lon1, lat2, lon2);
        double ref = sphere_m(lat1, lon1, lat2, lon2);
        /* 1 mm + 1e-9 relative; haversine's asin loses precision near antipodes: 1 m there */
        double tol = ref > 0.999 * PI * R ? 1.0 : 1e-3 + 1e-9 * ref;
        if (fabs(got - ref) > tol)
            fail_msg("(%f,%f)-(%f,%f): %.6f vs %.6f", lat1, lon1, lat2, lon2, got, ref);
        if (!(got >= 0 && got <= PI * R + 1e-6)) fail_msg("out of range: %f", got);
    }
}

static void test_special_cases(void **state) {
    (void)state;
    /* Zero. */
    assert_true(hy_geo_distance_m(35.7, 51.4, 35.7, 51.4) == 0);
    /* One degree along the equator and along a meridian: 2πR/360. */
    double one = 2 * PI * R / 360; /* 111 194.93 m */
    assert_true(fabs(hy_geo_distance_m(0, 0, 0, 1) - one) < 1e-6);
    assert_true(fabs(hy_geo_distance_m(10, 20, 11, 20) - one) < 1e-6);
    /* Across the antimeridian: 179.9 to -179.9 is 0.2°, not 359.8°. */
    double am = hy_geo_distance_m(0, 179.9, 0, -179.9);
    assert_true(fabs(am - 0.2 * one) < 1e-3); /* 22 239 m */
    double am2 = hy_geo_distance_m(60, 179.99, 60, -179.99);
    assert_true(am2 < 1200 && am2 > 1000); /* 0.02° of longitude at 60°N: ~1112 m */
    assert_true(fabs(hy_geo_distance_m(0, 180, 0, -180)) < 1e-6); /* the same meridian */
    /* Poles: every longitude is the same point. */
    assert_true(hy_geo_distance_m(90, 0, 90, 123) < 1e-6);
    assert_true(hy_geo_distance_m(-90, -45, -90, 170) < 1e-6);
    /* Pole to pole: half the circumference; pole to equator: a quarter. */
    assert_true(fabs(hy_geo_distance_m(90, 0, -90, 0) - PI * R) < 1e-3);
    assert_true(fabs(hy_geo_distance_m(90, 0, 0, 77) - PI * R / 2) < 1e-3);
    /* Antipodes: half the circumference, no NaN from rounding (the a > 1 clamp). */
    double anti = hy_geo_distance_m(35.6892, 51.3890, -35.6892, 51.3890 - 180);
    assert_false(isnan(anti));
    assert_true(fabs(anti - PI * R) < 1.0);
    assert_false(isnan(hy_geo_distance_m(0, 0, 0, 180)));
}

static void test_valid(void **state) {
    (void)state;
    assert_true(hy_geo_valid(0, 0));
    assert_true(hy_geo_valid(90, 180));
    assert_true(hy_geo_valid(-90, -180));
    assert_false(hy_geo_valid(90.000001, 0));
    assert_false(hy_geo_valid(-90.000001, 0));
    assert_false(hy_geo_valid(0, 180.000001));
    assert_false(hy_geo_valid(0, -180.000001));
    assert_false(hy_geo_valid(NAN, 0));
    assert_false(hy_geo_valid(0, NAN));
    assert_false(hy_geo_valid(INFINITY, 0));
    assert_false(hy_geo_valid(0, -INFINITY));
}

/* ---------------------------------------------------------------- rounding */

#define CELL 500.0
/* A 500 m square cell's half-diagonal is 353.6 m; cells are a touch wider than 500 m (a whole
 * number of them per circle of latitude) and the band's width is taken at its centre, so allow
 * 400 m. */
#define MAX_SHIFT 400.0

static uint64_t rng = 0x2545f4914f6cdd1du;
static double uniform(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static void round_pt(double lat, double lon, double *rlat, double *rlon) {
    *rlat = *rlon = NAN;
    hy_geo_round(lat, lon, CELL, rlat, rlon);
    if (!hy_geo_valid(*rlat, *rlon)) fail_msg("(%f,%f) rounded to (%f,%f)", lat, lon, *rlat, *rlon);
}

static void test_round_moves_at_most_half_diagonal(void **state) {
    (void)state;
    static const double lats[] = {0, 35, 60, 89, -35, -60, -89};
    for (size_t i = 0; i < sizeof lats / sizeof lats[0]; i++) {
        double worst = 0;
        for (int k = 0; k < 5000; k++) {
            /* Anywhere within ±0.05° (±5.5 km) of the latitude, any longitude. */
            double lat = lats[i] + (uniform() - 0.5) * 0.1;
            double lon = uniform() * 360 - 180;
            double rlat, rlon;
            round_pt(lat, lon, &rlat, &rlon);
            double d = hy_geo_distance_m(lat, lon, rlat, rlon);
            if (d > worst) worst = d;
            if (d > MAX_SHIFT) fail_msg("(%f,%f) moved %.1f m to (%f,%f)", lat, lon, d, rlat, rlon);
        }
        /* And the rounding does move points: a real cell, not a no-op. */
        if (worst < 200) fail_msg("at %g° the largest move was only %.1f m", lats[i], worst);
    }
}

static void test_round_near_poles_and_edges(void **state) {
    (void)state;
    static const double pts[][2] = {
        {90, 0}, {90, 180}, {-90, 0}, {-90, -180}, {89.999, 10}, {89.9999, -170},
        {-89.999, 33}, {0, 180}, {0, -180}, {45, 180}, {45, -180}, {0, 0}, {-0.0, -0.0},
    };
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        double rlat, rlon;
        round_pt(pts[i][0], pts[i][1], &rlat, &rlon);
        double d = hy_geo_distance_m(pts[i][0], pts[i][1], rlat, rlon);
        if (d > MAX_SHIFT) fail_msg("(%f,%f) moved %.1f m", pts[i][0], pts[i][1], d);
    }
}

static void test_round_same_cell_same_point(void **state) {
    (void)state;
    static const double lats[] = {0, 35, 60, 89};
    for (size_t i = 0; i < sizeof lats / sizeof lats[0]; i++) {
        for (int k = 0; k < 500; k++) {
            double clat, clon;
            round_pt(lats[i] + uniform() * 0.01, uniform() * 359 - 179.5, &clat, &clon);
            /* The centre rounds to itself... */
            double c2lat, c2lon;
            round_pt(clat, clon, &c2lat, &c2lon);
            assert_true(c2lat == clat && c2lon == clon);
            /* ...and so does anything within 150 m of it (a cell reaches 250 m each way). */
            double m_per_deg_lat = PI * R / 180, m_per_deg_lon = m_per_deg_lat * cos(deg(clat));
            for (int j = 0; j < 8; j++) {
                double dy = (uniform() - 0.5) * 300, dx = (uniform() - 0.5) * 300;
                double plat, plon;
                round_pt(clat + dy / m_per_deg_lat, clon + dx / m_per_deg_lon, &plat, &plon);
                if (plat != clat || plon != clon)
                    fail_msg("(%f,%f)+(%.0f m,%.0f m) left its cell", clat, clon, dy, dx);
            }
        }
    }
    /* Two specific neighbours in Tehran 100 m apart round identically or to adjacent cells. */
    double alat, alon, blat, blon;
    round_pt(35.7000, 51.4000, &alat, &alon);
    round_pt(35.7009, 51.4000, &blat, &blon);
    assert_true(hy_geo_distance_m(alat, alon, blat, blon) < 600);
    /* Points 2 km apart never share a cell. */
    round_pt(35.7180, 51.4000, &blat, &blon);
    assert_true(alat != blat || alon != blon);
}

static void test_round_across_antimeridian(void **state) {
    (void)state;
    static const double lats[] = {0, 35, -60};
    for (size_t i = 0; i < sizeof lats / sizeof lats[0]; i++) {
        double alat, alon, blat, blon;
        /* 22 m apart across the antimeridian at the equator (less further north). */
        round_pt(lats[i], 179.9999, &alat, &alon);
        round_pt(lats[i], -179.9999, &blat, &blon);
        assert_true(alat == blat); /* same band */
        /* Neighbouring cells on either side: their centres are one cell apart, not 40 000 km. */
        double d = hy_geo_distance_m(alat, alon, blat, blon);
        if (d > 2 * MAX_SHIFT) fail_msg("at %g°: %f and %f are %.0f m apart", lats[i], alon, blon, d);
        assert_true(alon > 179 && alon <= 180);
        assert_true(blon < -179 && blon >= -180);
        /* 180 and -180 are one meridian: both round to within a cell of it. */
        round_pt(lats[i], 180, &alat, &alon);
        round_pt(lats[i], -180, &blat, &blon);
        assert_true(hy_geo_distance_m(lats[i], 180, alat, alon) <= MAX_SHIFT);
        assert_true(hy_geo_distance_m(lats[i], -180, blat, blon) <= MAX_SHIFT);
    }
}

static void test_round_other_cell_sizes(void **state) {
    (void)state;
    /* 1 km and 5 km cells: moves bounded by their half-diagonals (+ the same margin). */
    static const double cells[] = {1000, 5000};
    for (size_t c = 0; c < 2; c++)
        for (int k = 0; k < 3000; k++) {
            double lat = uniform() * 170 - 85, lon = uniform() * 360 - 180, rlat, rlon;
            hy_geo_round(lat, lon, cells[c], &rlat, &rlon);
            double d = hy_geo_distance_m(lat, lon, rlat, rlon);
            if (d > cells[c] * 0.8) fail_msg("cell %g: (%f,%f) moved %.0f m", cells[c], lat, lon, d);
        }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_implementation),
        cmocka_unit_test(test_city_pairs_within_half_percent),
        cmocka_unit_test(test_matches_other_spherical_formula),
        cmocka_unit_test(test_special_cases),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_round_moves_at_most_half_diagonal),
        cmocka_unit_test(test_round_near_poles_and_edges),
        cmocka_unit_test(test_round_same_cell_same_point),
        cmocka_unit_test(test_round_across_antimeridian),
        cmocka_unit_test(test_round_other_cell_sizes),
    };
    return cmocka_run_group_tests_name("geo", tests, NULL, NULL);
}
