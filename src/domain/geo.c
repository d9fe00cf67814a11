#include "domain/geo.h"

#include <math.h>

#define HY_PI 3.14159265358979323846

static double rad(double d) { return d * HY_PI / 180.0; }

double hy_geo_distance_m(double lat1, double lon1, double lat2, double lon2) {
    double dlat = rad(lat2 - lat1), dlon = rad(lon2 - lon1);
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(rad(lat1)) * cos(rad(lat2)) * sin(dlon / 2) * sin(dlon / 2);
    if (a > 1) a = 1;
    return 2 * HY_EARTH_RADIUS_M * asin(sqrt(a));
}

bool hy_geo_valid(double lat, double lon) {
    return isfinite(lat) && isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}

void hy_geo_round(double lat, double lon, double cell_m, double *ret_lat, double *ret_lon) {
    double dlat = cell_m / (HY_EARTH_RADIUS_M * HY_PI / 180.0); /* degrees per cell, north-south */
    double row = floor((lat + 90.0) / dlat);
    double clat = -90.0 + (row + 0.5) * dlat;
    if (clat > 90) clat = 90 - dlat / 2;
    /* Width of a cell in degrees of longitude at this band's centre; whole cells per circle so
     * the grid wraps cleanly at the antimeridian. */
    double circ = 2 * HY_PI * HY_EARTH_RADIUS_M * cos(rad(clat));
    double ncols = floor(circ / cell_m);
    if (ncols < 1) ncols = 1;
    double dlon = 360.0 / ncols;
    double col = floor((lon + 180.0) / dlon);
    if (col >= ncols) col = ncols - 1;
    double clon = -180.0 + (col + 0.5) * dlon;
    *ret_lat = clat;
    *ret_lon = clon;
}

uint32_t hy_geo_hilbert_xy(uint32_t x, uint32_t y) {
    uint32_t d = 0;
    x &= 0xffffu;
    y &= 0xffffu;
    for (uint32_t s = 1u << 15; s; s >>= 1) {
        uint32_t rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
        d += s * s * ((3 * rx) ^ ry);
        if (!ry) { /* rotate the quadrant so the curve stays continuous */
            if (rx) {
                x = s - 1 - (x & (s - 1));
                y = s - 1 - (y & (s - 1));
            }
            uint32_t t = x & (s - 1);
            x = y & (s - 1);
            y = t;
        } else {
            x &= s - 1;
            y &= s - 1;
        }
    }
    return d;
}

uint32_t hy_geo_hilbert(double lat, double lon) {
    uint32_t x = (uint32_t)((lon + 180.0) / 360.0 * 65535.0);
    uint32_t y = (uint32_t)((lat + 90.0) / 180.0 * 65535.0);
    return hy_geo_hilbert_xy(x, y);
}
