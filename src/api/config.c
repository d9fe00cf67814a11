/* config.c — GET /api/v1/config: what the front-end needs to know about this server. */
#include <string.h>

#include "api/api.h"
#include "http/tiles.h"

hy_result hy_api_get_config(hy_req *req) {
    const struct hy_server_config *cfg = req->srv->cfg;
    json_t *tiles = json_null();
    if (req->srv->tiles) {
        bool vector = !strcmp(hy_tiles_mime(req->srv->tiles), "application/x-protobuf");
        tiles = json_pack("{s:s,s:i,s:s,s:s}", "url", "/tiles/{z}/{x}/{y}", "max_zoom",
                          (int)hy_tiles_max_zoom(req->srv->tiles), "attribution",
                          hy_tiles_attribution(req->srv->tiles), "format",
                          vector ? "vector" : "raster");
    } else if (cfg->tile_url) {
        tiles = json_pack("{s:s,s:i,s:s,s:s}", "url", cfg->tile_url, "max_zoom", 19,
                          "attribution", cfg->tile_attribution ? cfg->tile_attribution : "",
                          "format", "raster");
    }
    json_t *body = json_pack("{s:s,s:s,s:[s,s],s:o}", "version", HY_VERSION, "default_language",
                             "fa", "languages", "fa", "en", "tiles", tiles);
    return hy_reply_json(req, 200, body);
}
