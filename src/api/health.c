/* health.c — GET /healthz: is the server up and can it reach its store?
 *
 * Load balancers and monitors call this many times a second. The store is asked at most once
 * per HY__HEALTH_TTL_US per process; in between, the last answer is sent again (the bytes are
 * the same, so hy_reply_fixed() hands out one prepared response). A monitor therefore learns of
 * a store outage, or of its end, within that time plus its own polling interval. */
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "api/api.h"

#define HY__HEALTH_TTL_US 1000000u

static const char hy__json_type[] = "application/json; charset=utf-8";

/* The last probe: which server asked (tests run several in one process), when (monotonic µs,
 * 0 = never) and what it found (the schema version, or a negative store status). The fields
 * are read and written independently: a reader that sees a mix of two probes at worst probes
 * again or sends the answer of one of them. */
static _Atomic(const hy_server *) hy__probe_srv;
static _Atomic uint64_t hy__probe_at;
static _Atomic int hy__probe_result;

static int hy__version(hy_store *s, void *ctx) { return s->ops->schema_version(s, ctx); }

static int hy__probe(hy_server *srv) {
    uint64_t now = hy_now_us();
    uint64_t at = atomic_load(&hy__probe_at);
    if (atomic_load(&hy__probe_srv) == srv && at && now - at < HY__HEALTH_TTL_US)
        return atomic_load(&hy__probe_result);
    int version = 0;
    /* One statement outside any transaction. */
    int r = hy_db_run(srv->db, HY_TX_SINGLE, hy__version, &version);
    int result = r < 0 ? r : version;
    atomic_store(&hy__probe_result, result);
    atomic_store(&hy__probe_srv, srv);
    atomic_store(&hy__probe_at, hy_now_us());
    return result;
}

hy_result hy_api_get_health(hy_req *req) {
    int result = hy__probe(req->srv);
    char body[160];
    int n;
    if (result < 0)
        n = snprintf(body, sizeof body, "{\"status\":\"unavailable\",\"store\":\"%s\",\"version\":\"%s\"}",
                     hy_db_backend(req->srv->db), HY_VERSION);
    else
        n = snprintf(body, sizeof body,
                     "{\"status\":\"ok\",\"store\":\"%s\",\"schema_version\":%d,\"version\":\"%s\"}",
                     hy_db_backend(req->srv->db), result, HY_VERSION);
    if (n < 0 || (size_t)n >= sizeof body) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy_reply_fixed(req, result < 0 ? 503 : 200, hy__json_type, body, (size_t)n);
}
