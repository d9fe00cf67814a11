/* maplabel.h — which places the offline map labels at a zoom, and the Persian name a label
 * shows. */
#ifndef HY_DOMAIN_MAPLABEL_H
#define HY_DOMAIN_MAPLABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The zooms the label answer distinguishes (Web Mercator zoom levels, as in Leaflet). */
#define HY_MAPLABEL_ZOOM_MAX 18
/* From this zoom on, every place is labelled, neighbourhoods, districts, suburbs and landmarks
 * too. */
#define HY_MAPLABEL_LOCAL_ZOOM 11

/* The smallest population of a place labelled at `zoom` (0..HY_MAPLABEL_ZOOM_MAX): a country
 * view shows the big cities, a city view every place. */
int64_t hy_maplabel_min_population(unsigned zoom);

/* How Persian a name written in Arabic script looks: > 0 when it has a letter only Persian
 * uses (پ چ ژ گ, Persian ی and ک), 0 when it has none of either kind, < 0 when it is not in
 * Arabic script or has a letter Persian does not use (Arabic ي ك ة, Urdu ہ ے ٹ …) or vowel
 * marks. Names scoring < 0 are never shown as Persian. */
int hy_maplabel_persian_score(const char *s, size_t n);

/* Of the comma-separated names in alt[0..n), the one that looks most Persian
 * (hy_maplabel_persian_score ≥ 0, the first of equal scores); its start goes to *ret_at and its
 * length is returned; 0 when there is none. */
size_t hy_maplabel_persian_name(const char *alt, size_t n, size_t *ret_at);

#endif
