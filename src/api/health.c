/* health.c — GET /healthz: is the server up and can it reach its store? */
#include <microhttpd.h>
#include <stdio.h>

#include "api/api.h"
#include "http/server.h"

static const char hy__json_type[] = "application/json; charset=utf-8";

static int hy__version(hy_store *s, void *ctx) { return s->ops->schema_version(s, ctx); }

hy_result hy_api_health(hy_req *req) {
    int version = 0;
    /* Load balancers call this often: one statement, and the answer written directly. */
    int r = hy_db_run(req->srv->db, HY_TX_SINGLE, hy__version, &version);
    char body[160];
    int n;
    if (r < 0)
        n = snprintf(body, sizeof body, "{\"status\":\"unavailable\",\"store\":\"%s\",\"version\":\"%s\"}",
                     hy_db_backend(req->srv->db), HY_VERSION);
    else
        n = snprintf(body, sizeof body,
                     "{\"status\":\"ok\",\"store\":\"%s\",\"schema_version\":%d,\"version\":\"%s\"}",
                     hy_db_backend(req->srv->db), version, HY_VERSION);
    if (n < 0 || (size_t)n >= sizeof body) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy_reply_fixed(req, r < 0 ? 503 : 200, hy__json_type, body, (size_t)n);
}
