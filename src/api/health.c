/* health.c — GET /healthz: is the server up and can it reach its store? */
#include <microhttpd.h>

#include "api/api.h"
#include "http/server.h"

static int hy__version(hy_store *s, void *ctx) { return s->ops->schema_version(s, ctx); }

hy_result hy_api_health(hy_req *req) {
    int version = 0;
    int r = hy_db_run(req->srv->db, HY_TX_READ, hy__version, &version);
    if (r < 0) {
        json_t *body = json_pack("{s:s,s:s,s:s}", "status", "unavailable", "store",
                                 hy_db_backend(req->srv->db), "version", HY_VERSION);
        return hy_reply_json(req, 503, body);
    }
    json_t *body = json_pack("{s:s,s:s,s:i,s:s}", "status", "ok", "store",
                             hy_db_backend(req->srv->db), "schema_version", version, "version",
                             HY_VERSION);
    return hy_reply_json(req, 200, body);
}
