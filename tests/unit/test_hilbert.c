/* test_hilbert.c — the Hilbert curve that orders imported groups in the store
 * (hy_geo_hilbert_xy / hy_geo_hilbert in src/domain/geo.c).
 *
 * A Hilbert curve visits every cell of a block exactly once and each step goes to a side
 * neighbour; checked exhaustively on the 256 x 256 block at the origin (whose indices must be
 * exactly 0 .. 65535), then on the whole map through the position form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/geo.h"

static void test_block_is_a_path(void **state) {
    (void)state;
    enum { N = 256 };
    uint32_t *x = malloc(N * N * sizeof *x), *y = malloc(N * N * sizeof *y);
    unsigned char *seen = calloc(N * N, 1);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(seen);
    for (uint32_t i = 0; i < N; i++)
        for (uint32_t j = 0; j < N; j++) {
            uint32_t d = hy_geo_hilbert_xy(i, j);
            assert_true(d < N * N); /* the block holds exactly the first 4^8 indices */
            assert_int_equal(seen[d], 0);
            seen[d] = 1;
            x[d] = i;
            y[d] = j;
        }
    assert_int_equal(hy_geo_hilbert_xy(0, 0), 0);
    for (uint32_t d = 1; d < N * N; d++) {
        uint32_t dx = x[d] > x[d - 1] ? x[d] - x[d - 1] : x[d - 1] - x[d];
        uint32_t dy = y[d] > y[d - 1] ? y[d] - y[d - 1] : y[d - 1] - y[d];
        assert_int_equal(dx + dy, 1); /* one step to a side neighbour */
    }
    free(x);
    free(y);
    free(seen);
}

static void test_whole_grid_corners(void **state) {
    (void)state;
    /* The curve of order 16 ends at the other bottom corner, having filled all 2^32 cells. */
    assert_int_equal(hy_geo_hilbert_xy(65535, 0), UINT32_MAX);
    assert_int_equal(hy_geo_hilbert(-90, -180), 0);
    assert_int_equal(hy_geo_hilbert(-90, 180), UINT32_MAX);
    /* Distinct quadrants of the map are distinct quarters of the curve. */
    uint32_t q[4] = {hy_geo_hilbert(-45, -90), hy_geo_hilbert(45, -90), hy_geo_hilbert(45, 90),
                     hy_geo_hilbert(-45, 90)};
    for (int i = 0; i < 4; i++) assert_int_equal(q[i] >> 30, (uint32_t)i);
}

/* Walking positions in curve order covers far less ground than a raster: the point of it. */
static void test_locality(void **state) {
    (void)state;
    enum { N = 64 };
    struct pt {
        uint32_t d;
        double lat, lon;
    } *p = malloc(N * N * sizeof *p);
    assert_non_null(p);
    size_t n = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double lat = 35.0 + i * 0.01, lon = 51.0 + j * 0.01;
            p[n++] = (struct pt){hy_geo_hilbert(lat, lon), lat, lon};
        }
    /* Raster order (as built) against curve order (an insertion sort of the indices). */
    double raster = 0, curve = 0;
    for (size_t k = 1; k < n; k++)
        raster += hy_geo_distance_m(p[k - 1].lat, p[k - 1].lon, p[k].lat, p[k].lon);
    for (size_t k = 1; k < n; k++)
        for (size_t m = k; m > 0 && p[m - 1].d > p[m].d; m--) {
            struct pt t = p[m];
            p[m] = p[m - 1];
            p[m - 1] = t;
        }
    for (size_t k = 1; k < n; k++)
        curve += hy_geo_distance_m(p[k - 1].lat, p[k - 1].lon, p[k].lat, p[k].lon);
    assert_true(curve < raster / 1.5);
    free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_is_a_path),
        cmocka_unit_test(test_whole_grid_corners),
        cmocka_unit_test(test_locality),
    };
    return cmocka_run_group_tests_name("hilbert", tests, NULL, NULL);
}
