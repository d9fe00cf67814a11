/* geo.h — geography: distances on the sphere and positions rounded for privacy. */
#ifndef HY_GEO_H
#define HY_GEO_H

#include <stdbool.h>

#define HY_EARTH_RADIUS_M 6371008.8 /* mean radius (IUGG) */

/* Great-circle distance in metres (haversine). */
double hy_geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/* Snaps a position to the centre of a grid cell about `cell_m` metres on a side, so a stored
 * or shown position cannot be traced back to a home. Cells are cell_m tall everywhere and
 * about cell_m wide at the latitude of the cell's band. */
void hy_geo_round(double lat, double lon, double cell_m, double *ret_lat, double *ret_lon);

/* True when lat is in [-90, 90] and lon in [-180, 180] and both are finite. */
bool hy_geo_valid(double lat, double lon);

#endif
