/* geo.h — geography: distances on the sphere and positions rounded for privacy. */
#ifndef HY_GEO_H
#define HY_GEO_H

#include <stdbool.h>
#include <stdint.h>

#define HY_EARTH_RADIUS_M 6371008.8 /* mean radius (IUGG) */

/* Great-circle distance in metres (haversine). */
double hy_geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/* Snaps a position to the centre of a grid cell about `cell_m` metres on a side, so a stored
 * or shown position cannot be traced back to a home. Cells are cell_m tall everywhere and
 * about cell_m wide at the latitude of the cell's band. */
void hy_geo_round(double lat, double lon, double cell_m, double *ret_lat, double *ret_lon);

/* True when lat is in [-90, 90] and lon in [-180, 180] and both are finite. */
bool hy_geo_valid(double lat, double lon);

/* The index of the cell (x, y) on a Hilbert curve filling a 2^16 x 2^16 grid (x, y < 65536):
 * cells close on the curve are close on the grid; the curve starts at (0, 0), and each
 * 2^k x 2^k block at the origin holds exactly the indices 0 .. 4^k - 1. */
uint32_t hy_geo_hilbert_xy(uint32_t x, uint32_t y);

/* A position's index on that curve laid over the map (longitude across, latitude up, a cell
 * about 600 m wide at the equator), for storing places near each other near each other:
 * `hamyari import groups` lays groups out in this order. lat, lon must be valid. */
uint32_t hy_geo_hilbert(double lat, double lon);

#endif
