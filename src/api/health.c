/* health.c — GET /healthz: is the server up and can it reach its store?
 *
 * The answer also says whether the store holds a gazetteer ("gazetteer": "loaded" or "empty"):
 * without one, place names typed into the help form are not resolved (requests are kept with
 * their area unknown for coordinators to place). It is read from the store with each probe, so
 * every process on one PostgreSQL tells the same, also after another process imported places.
 *
 * Load balancers and monitors call this many times a second. The store is asked at most once
 * per HEALTH_TTL_US per process; in between, the last answer is sent again (the bytes are
 * the same, so hy_reply_fixed() hands out one prepared response). A monitor therefore learns of
 * a store outage, or of its end, within that time plus its own polling interval. */
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "api/api.h"
#include "store/groups.h"

#define HEALTH_TTL_US 1000000u

static const char json_content_type[] = "application/json; charset=utf-8";

/* The last probe: which server asked (tests run several in one process), when (monotonic µs,
 * 0 = never) and what it found (the schema version, or a negative store status). The fields
 * are read and written independently: a reader that sees a mix of two probes at worst probes
 * again or sends the answer of one of them. */
static _Atomic(const hy_server *) probe_srv;
static _Atomic uint64_t probe_at;
static _Atomic int probe_result;
static _Atomic bool probe_places;

static int version_tx(hy_store *s, void *ctx) { return s->ops->schema_version(s, ctx); }
static int places_tx(hy_store *s, void *ctx) { return s->ops->groups->places_any(s, ctx); }

static int probe_store(hy_server *srv) {
    uint64_t now = hy_now_us();
    uint64_t at = atomic_load(&probe_at);
    if (atomic_load(&probe_srv) == srv && at && now - at < HEALTH_TTL_US)
        return atomic_load(&probe_result);
    int version = 0;
    /* One statement outside any transaction. */
    int r = hy_db_run(srv->db, HY_TX_SINGLE, version_tx, &version);
    int result = r < 0 ? r : version;
    bool places = false;
    if (result >= 0) {
        r = hy_db_run(srv->db, HY_TX_SINGLE, places_tx, &places);
        if (r < 0) result = r;
    }
    atomic_store(&probe_places, places);
    atomic_store(&probe_result, result);
    atomic_store(&probe_srv, srv);
    atomic_store(&probe_at, hy_now_us());
    return result;
}

hy_result hy_api_get_health(hy_req *req) {
    int result = probe_store(req->srv);
    char body[200];
    int n;
    if (result < 0)
        n = snprintf(body, sizeof body, "{\"status\":\"unavailable\",\"store\":\"%s\",\"version\":\"%s\"}",
                     hy_db_backend(req->srv->db), HY_VERSION);
    else
        n = snprintf(body, sizeof body,
                     "{\"status\":\"ok\",\"store\":\"%s\",\"schema_version\":%d,"
                     "\"gazetteer\":\"%s\",\"version\":\"%s\"}",
                     hy_db_backend(req->srv->db), result,
                     atomic_load(&probe_places) ? "loaded" : "empty", HY_VERSION);
    if (n < 0 || (size_t)n >= sizeof body) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy_reply_fixed(req, result < 0 ? 503 : 200, json_content_type, body, (size_t)n);
}
