/* server.h — the HTTP server: libmicrohttpd set up safely, the route table, static files. */
#ifndef HY_SERVER_H
#define HY_SERVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "store/store.h"

struct hy_server_config {
    const char *listen;        /* "127.0.0.1:8080", "[::1]:8080", ":8080"; port 0 = any free */
    const char *web_dir;       /* static files; NULL or "" = none */
    const char *tiles;         /* an MBTiles file to serve at /tiles/{z}/{x}/{y}, or NULL */
    const char *tile_url;      /* an external tile URL template instead, or NULL */
    const char *tile_attribution; /* shown with external tiles */
    unsigned threads;          /* libmicrohttpd's thread pool; 0 = number of cores */
    size_t body_max;           /* the largest request body accepted */
    size_t library_cache;      /* bytes of compressed library answers kept; 0 = none */
    unsigned conn_timeout;     /* seconds of inactivity before a connection is closed */
    unsigned per_ip_limit;     /* concurrent connections from one address */
    unsigned max_connections;  /* concurrent connections in all */
    unsigned shutdown_timeout; /* seconds to let in-flight requests finish */
    bool access_log;
    /* Accounts */
    bool trust_proxy;              /* take the client address and scheme from X-Forwarded-* */
    const char *public_url;        /* e.g. https://hamyari.example.org; https → Secure cookies */
    unsigned session_idle;         /* seconds a session may sit unused (default 1800) */
    unsigned session_max;          /* seconds a session may live at all (default 43200) */
    const char *calling_code;      /* default country calling code for phone numbers ("98") */
    const char *password_list;     /* file of common passwords to refuse */
    unsigned max_hashes;           /* Argon2id hashes at once (default: cores) */
    unsigned rate_login_account;   /* failed logins per account per hour (default 100) */
    unsigned rate_login_ip;        /* login attempts per address per hour (default 300) */
    unsigned rate_form_ip;         /* public form posts per address per hour (default 30) */
    /* Help requests (issue 6) */
    bool requests_auto_open;       /* new requests are open at once, without a call-back */
    const char *inbound_secret;    /* X-Hamyari-Secret of the SMS gateway; NULL = no inbound */
    unsigned rate_track_ip;        /* status look-ups per address per hour (default 60) */
    unsigned rate_track_code;      /* status look-ups per tracking code per hour (default 10) */
};

struct hy_server {
    const struct hy_server_config *cfg;
    hy_db *db;
    struct MHD_Daemon *daemon;
    struct hy_static *statics;  /* in-memory copy of web/ */
    struct hy_tiles *tiles;     /* MBTiles, or NULL */
    char *csp;                  /* the Content-Security-Policy header */
    char *csp_embed;            /* the same for /embed/ pages: frame-ancestors * */
    unsigned port;              /* the port bound */
    _Atomic long inflight;      /* requests between their first byte and their completion */
    _Atomic int draining;       /* set once shutdown began */
    hy_db *const *replicas;     /* read replicas (--db-replica), each with db as fallback */
    size_t nreplicas;
    struct hy_libindex_cache *libindex; /* library search index (domain/libindex.h), or NULL */
    struct hy_anscache *libanswers;     /* whole public library answers (util/anscache.h), or NULL */
};

/* The store a request's read-only queries should go to: a read replica (round-robin per
 * thread, skipping one whose read failed in the last HY_REPLICA_PAUSE_S seconds) for an
 * anonymous GET or HEAD, else the primary (srv->db): signed-in callers read their own writes.
 * A failed read on the replica is run again on the primary (hy_db_set_fallback()); writes
 * through the returned db go to the primary. Public read endpoints use this instead of
 * req->srv->db. */
hy_db *hy_req_read_db(hy_req *req);
#define HY_REPLICA_PAUSE_S 30

/* Starts serving. The caller keeps `cfg` and `db` alive until hy_server_stop(). On failure
 * returns a negative errno-style code and logs why. */
int hy_server_start(hy_server *srv, const struct hy_server_config *cfg, hy_db *db);
/* Stops accepting, waits up to cfg->shutdown_timeout for in-flight requests, then stops. */
void hy_server_stop(hy_server *srv);

/* The route table (src/api/routes.c). */
extern const struct hy_route hy_routes[];
extern const size_t hy_routes_count;

/* Finds the route for method+path. Returns it, or NULL with *ret_allowed set to the methods
 * that path does take (0 = no such path). Fills args. */
const struct hy_route *hy_route_match(const char *path, enum hy_method method,
                                      const char **args, int *ret_nargs, unsigned *ret_allowed,
                                      hy_arena *arena);
enum hy_method hy_method_parse(const char *name);
const char *hy_method_name(enum hy_method m);

#endif
