/* replica.c — choosing between the primary and the read replicas for a request. */
#include "http/replica.h"

#include "http/session.h"

static _Thread_local size_t next_replica;

/* True when the request carries credentials: a session cookie or an Authorization header.
 * Such a caller may just have written something and must read it back, so it stays on the
 * primary; this is decided without a store look-up. */
static bool has_credentials(hy_req *req) {
    if (req->who) return req->who->signed_in; /* already looked up */
    const char *cookie = hy_req_header(req, "Cookie");
    char token[128];
    if (cookie && hy_cookie_get(cookie, HY_SESSION_COOKIE, token, sizeof token)) return true;
    const char *auth = hy_req_header(req, "Authorization");
    return auth && *auth;
}

hy_db *hy_req_read_db(hy_req *req) {
    hy_server *srv = req->srv;
    if (!srv->nreplicas || !(req->method & (HY_GET | HY_HEAD)) || has_credentials(req))
        return srv->db;
    int64_t now = hy_db_clock_us();
    for (size_t i = 0; i < srv->nreplicas; i++) {
        hy_db *r = srv->replicas[next_replica++ % srv->nreplicas];
        int64_t failed = hy_db_failed_at(r);
        if (!failed || now - failed > (int64_t)HY_REPLICA_PAUSE_S * 1000000) return r;
    }
    return srv->db;
}
