/* maps.c — the offline map's places (maps.h), written once for both backends. */
#include "store/maps.h"

#include "domain/maplabel.h"
#include "store/engine.h"
#include "store/rows.h"

int hy_map_places(hy_store *s, const struct hy_map_view *v, hy_arena *a,
                  struct hy_place **ret) {
    if (v->limit == 0 || v->limit > 500 || v->zoom > HY_MAPLABEL_ZOOM_MAX) return HY_DB_HARD;
    return hy_st_list(s, HY_Q_MAP_PLACES,
                      HY_ARGS(hy_arg_f64(v->min_lat), hy_arg_f64(v->max_lat),
                              hy_arg_f64(v->min_lon), hy_arg_f64(v->max_lon),
                              hy_arg_i64(hy_maplabel_min_population(v->zoom)),
                              hy_arg_i64(v->zoom >= HY_MAPLABEL_LOCAL_ZOOM),
                              hy_arg_i64(v->persian), hy_arg_size(v->limit)),
                      &hy_row_place, v->limit, a, ret);
}
