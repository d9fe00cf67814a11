/* maps.h — what the offline map draws from the store: the gazetteer's places of a view. */
#ifndef HY_STORE_MAPS_H
#define HY_STORE_MAPS_H

#include <stdbool.h>

#include "domain/group.h"
#include "store/store.h"
#include "util/arena.h"

/* A map view: a box (min ≤ max on both axes, no crossing of the antimeridian), a zoom and the
 * page's language. */
struct hy_map_view {
    double min_lat, max_lat, min_lon, max_lon;
    unsigned zoom;  /* 0..HY_MAPLABEL_ZOOM_MAX */
    bool persian;   /* names in Persian where the place has one */
    size_t limit;   /* 1..500 */
};

/* The places to label in `v` (hy_maplabel_min_population(zoom) and up; neighbourhoods and the
 * like from HY_MAPLABEL_LOCAL_ZOOM on), the most populous first, in the arena: `name` is the
 * label, `feature` the kind. Returns their number or a negative store status. */
int hy_map_places(hy_store *s, const struct hy_map_view *v, hy_arena *a,
                  struct hy_place **ret);

#endif
