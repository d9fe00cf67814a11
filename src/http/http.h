/* http.h — what a handler sees of an HTTP request, and how it answers.
 *
 * A handler gets a hy_req whose arena lives until libmicrohttpd completes the request; it reads
 * route arguments, query parameters and the (size-checked, UTF-8-checked) body, and answers
 * with exactly one hy_reply_* call, returning what that call returned. */
#ifndef HY_HTTP_H
#define HY_HTTP_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/access.h"
#include "http/errors.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

struct MHD_Connection;
struct MHD_Response;
typedef struct hy_server hy_server;
typedef struct hy_req hy_req;

/* What a handler returns: the libmicrohttpd result of queueing its answer. */
typedef int hy_result;

typedef hy_result (*hy_handler)(hy_req *req);
/* What answers a deferred request (hy_req_defer) once it is woken. */
typedef hy_result (*hy_then_fn)(hy_req *req, void *ctx);
/* Slow work a handler hands to the offload pool (hy_req_offload). */
typedef void (*hy_work_fn)(void *ctx);

enum hy_method {
    HY_GET = 1 << 0,
    HY_HEAD = 1 << 1,
    HY_POST = 1 << 2,
    HY_PUT = 1 << 3,
    HY_PATCH = 1 << 4,
    HY_DELETE = 1 << 5,
    HY_OPTIONS = 1 << 6,
};

enum hy_route_flags {
    HY_ROUTE_JSON = 1 << 0, /* takes a JSON object body (Content-Type: application/json) */
    HY_ROUTE_FORM = 1 << 1, /* also takes application/x-www-form-urlencoded */
    HY_ROUTE_RAW = 1 << 2,  /* takes any body; the handler checks it */
    HY_ROUTE_UPLOAD = 1 << 3, /* a file upload: the body may reach HY_UPLOAD_MAX, not --body-max */
};

/* The largest body of an HY_ROUTE_UPLOAD route (library attachments). */
#define HY_UPLOAD_MAX ((size_t)10 * 1024 * 1024)

#define HY_MAX_ARGS 4
/* Headers a handler may add to one answer (hy_req_add_header). */
#define HY_EXTRA_HEADERS 8

struct hy_route {
    enum hy_method method;
    const char *pattern; /* "/api/v1/things/{id}": a {…} segment matches one path segment */
    hy_handler handler;
    enum hy_access access;
    unsigned flags;
    const char *summary; /* one line, also checked against docs/openapi.yaml */
};

/* ---- the server as handlers see it ---- */

struct hy_server_config {
    const char *listen;        /* "127.0.0.1:8080", "[::1]:8080", ":8080"; port 0 = any free */
    const char *web_dir;       /* static files; NULL or "" = none */
    const char *tiles;         /* an MBTiles file to serve at /tiles/{z}/{x}/{y}, or NULL */
    const char *tile_url;      /* an external tile URL template instead, or NULL */
    const char *tile_attribution; /* shown with external tiles */
    unsigned threads;          /* libmicrohttpd's thread pool; 0 = number of cores */
    size_t body_max;           /* the largest request body accepted */
    size_t library_cache;      /* bytes of compressed library answers kept; 0 = none */
    size_t dataset_cache;      /* bytes of compressed open-data aggregate answers; 0 = none */
    unsigned conn_timeout;     /* seconds of inactivity before a connection is closed */
    unsigned header_timeout;   /* seconds for a whole request head (0 = the default, 10) */
    unsigned per_ip_limit;     /* concurrent connections from one address */
    unsigned max_connections;  /* concurrent connections in all */
    unsigned shutdown_timeout; /* seconds to let in-flight requests finish */
    bool access_log;
    /* Accounts */
    bool trust_proxy;              /* take the client address and scheme from X-Forwarded-* */
    const char *public_url;        /* e.g. https://hamyari.example.org; https → Secure cookies */
    unsigned session_idle;         /* seconds a session may sit unused (default 1800) */
    unsigned session_max;          /* seconds a session may live at all (default 43200) */
    unsigned token_max_days;       /* days an API token may live at all; 0 = no cap (365) */
    const char *calling_code;      /* default country calling code for phone numbers ("98") */
    const char *region_country;    /* place search prefers this country (ISO alpha-2), "" none */
    const char *password_list;     /* file of common passwords to refuse */
    unsigned max_hashes;           /* Argon2id hashes at once: the offload threads (default: cores) */
    unsigned hash_queue;           /* hashing jobs waiting at most; more are answered 503 busy */
    unsigned rate_login_account;   /* current-password checks per account per hour (default 100) */
    unsigned login_delay_after;    /* failed sign-ins of one account from one address before
                                      each further one waits (default 5) */
    unsigned login_delay_max;      /* the longest such wait, seconds (default 900) */
    unsigned rate_login_ip;        /* login attempts per address per hour (default 300) */
    unsigned rate_form_ip;         /* public form posts per address per hour (default 30) */
    /* Help requests */
    bool requests_auto_open;       /* new requests are open at once, without a call-back */
    const char *inbound_secret;    /* X-Hamyari-Secret of the SMS gateway; NULL = no inbound */
    unsigned rate_track_ip;        /* status look-ups per address per hour (default 60) */
    unsigned rate_track_code;      /* status look-ups per tracking code per hour (default 10) */
    unsigned max_open_claims;      /* requests a volunteer may hold at once (default 3; 0 = any) */
    unsigned claim_cycles_per_hour; /* own releases in an hour before claims wait (default 4) */
    /* The neighbour-help board */
    unsigned board_posts_per_day;      /* posts per person in 24 hours (default 10; 0 = any) */
    unsigned board_messages_per_hour;  /* messages per person in an hour (default 30; 0 = any) */
    /* What the server serves, set by the program that starts it (cli/serve.c): the route
     * table, matched in order, and the application's state, opaque to HTTP, which handlers
     * reach with hy_req_app(). */
    const struct hy_route *routes;
    size_t nroutes;
    void *app;
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
    struct hy_headwatch *headwatch; /* the deadline for request heads (http/headwatch.h) */
    struct hy_offload *offload; /* threads for password hashing (http/offload.h) */
};

struct hy_req {
    hy_server *srv;
    struct MHD_Connection *conn;
    hy_arena *arena;
    const struct hy_route *route;
    enum hy_method method;
    const char *method_name;
    const char *path; /* without the query string */
    const char *args[HY_MAX_ARGS];
    int nargs;
    hy_buf body;
    size_t body_max;
    uint64_t started_us;
    unsigned status;  /* the status queued, for the access log */
    size_t bytes;     /* the body size queued */
    bool answered;
    bool body_too_large;
    bool head_only;
    enum hy_error early_error; /* an error found before the body was read */
    bool has_early_error;
    bool body_pending; /* a body was announced and not yet read */
    json_t *json; /* the parsed body, released with the request */
    struct hy_principal *who; /* NULL until hy_req_principal() */
    const char *extra_headers[HY_EXTRA_HEADERS][2]; /* added to the answer (e.g. Set-Cookie) */
    int nextra;
    bool no_compress; /* the answer carries a secret (a CSRF token): never compressed, so that
                       * its length tells nothing about the secret (BREACH) */
    bool woken; /* a deferred request was woken (hy_req_wake), once */
    hy_then_fn then; /* set while deferred (hy_req_defer) */
    void *then_ctx;
};

/* Adds a header to the answer this request will get (both strings must outlive the request,
 * e.g. live in its arena). 0, or -ENOSPC when the request has HY_EXTRA_HEADERS already: the
 * header is refused and logged, and the caller answers an error rather than an answer without
 * it. */
int hy_req_add_header(hy_req *req, const char *name, const char *value);
/* True when an Accept-Encoding value accepts gzip (not "gzip;q=0"). */
bool hy_accepts_gzip(const char *accept_encoding);
/* True for media types worth compressing: text, JSON (GeoJSON included), XML (Atom, sitemaps),
 * YAML, icons and TrueType fonts. */
bool hy_compressible(const char *content_type);

/* ---- validators (RFC 9110, section 8.8) ---- */

#define HY_ETAG_SIZE 24
/* The strong entity tag of the bytes p[0..n), quoted: a hash of the contents, so that every
 * process serving the same bytes gives the same tag, and a gzip copy, being other bytes, has
 * its own. */
void hy_etag(const void *p, size_t n, char out[HY_ETAG_SIZE]);
/* Whether an If-None-Match value (a list of tags, or "*") matches `etag`, by the weak
 * comparison RFC 9110 prescribes for it. False when the value is NULL. */
bool hy_etag_matches(const char *if_none_match, const char *etag);

/* ---- answering later ----
 * A handler that hands its work to another thread (e.g. the group-commit writer,
 * hy_db_run_batched) calls hy_req_defer() BEFORE handing it over and returns what that
 * returned: the request is suspended (it holds no server thread; its arena, body and JSON stay
 * alive). The other thread calls hy_req_wake() when the work is done, exactly once, and must
 * not touch the request (nor anything of its arena) after that call; `then(req, ctx)` then
 * runs on a server thread and answers as a handler does. While suspended the server does not notice a client that went away: the
 * answer is simply not delivered. */
hy_result hy_req_defer(hy_req *req, hy_then_fn then, void *ctx);
void hy_req_wake(hy_req *req);
/* Runs work(ctx) on one of the server's offload threads (password hashing: cfg->max_hashes
 * threads, at most cfg->hash_queue jobs waiting), the request suspended meanwhile, then
 * then(req, ctx) on a server thread, which answers. `ctx` must outlive the handler (e.g. live
 * in the request's arena), and work() must not touch the request. When the queue is full the
 * request is answered at once, 503 busy with Retry-After, and neither function runs. */
hy_result hy_req_offload(hy_req *req, hy_work_fn work, hy_then_fn then, void *ctx);

/* ---- reading the request ---- */

/* The application's state the server was started with (hy_server_config.app). */
void *hy_req_app(const hy_req *req);

/* A request header's value, or NULL. */
const char *hy_req_header(hy_req *req, const char *name);
/* A query parameter's value, or NULL. Sets *ret_bad when present but not valid UTF-8. */
const char *hy_req_query(hy_req *req, const char *name);
/* Parses the body as a JSON object. On failure answers the error itself, sets *ret_result and
 * returns NULL; the caller then returns *ret_result. The object is owned by the request. */
json_t *hy_req_json(hy_req *req, hy_result *ret_result);

/* ---- answering ----
 * A request is answered exactly once: a second answer is a bug (an assertion in the test
 * builds; otherwise refused with MHD_NO). */

/* Answers `status` with a JSON body built from `body` (reference stolen). */
hy_result hy_reply_json(hy_req *req, unsigned status, json_t *body);
/* Answers `status` with the JSON text in `b` (hy_jw_* in util/jsonw.h), taking its contents:
 * the buffer is empty afterwards. */
hy_result hy_reply_json_buf(hy_req *req, unsigned status, hy_buf *b);
/* Answers `status` with the given bytes (copied) and content type. */
hy_result hy_reply_bytes(hy_req *req, unsigned status, const char *content_type, const void *p,
                         size_t n);
/* The same for a small answer that repeats byte for byte (e.g. /healthz): the response, headers
 * included, is built once per server and queued again while the bytes stay the same (each
 * header costs libmicrohttpd allocations on every fresh response). Falls back to
 * hy_reply_bytes() when the request carries extra headers. */
hy_result hy_reply_fixed(hy_req *req, unsigned status, const char *content_type, const void *p,
                         size_t n);
/* How an answer that may be kept by browsers and proxies is validated (hy_reply_cached). */
struct hy_cache {
    const char *cache_control; /* NULL: "no-cache" (kept, revalidated on every use) */
    int64_t last_modified;     /* Unix seconds, for Last-Modified and If-Modified-Since; 0: none */
    const void *gz;            /* the answer as hy_gzip(p, n, 1) gives it, when an answer cache
                                * holds it already; NULL: compressed here when sent so */
    size_t gzlen;
};
/* Answers 200 with the bytes p[0..n) (p may be NULL when c->gz holds them), gzip-compressed when
 * they are compressible, at least HY_GZIP_MIN bytes and Accept-Encoding takes gzip (with
 * Vary: Accept-Encoding whenever the encoding could differ), with the ETag of the bytes sent,
 * Cache-Control and Last-Modified; or 304 Not Modified, with the same validators and no body,
 * when If-None-Match matches that ETag or, without If-None-Match, If-Modified-Since is not
 * older than last_modified. */
hy_result hy_reply_cached(hy_req *req, const char *content_type, const void *p, size_t n,
                          const struct hy_cache *c);
/* Answers 304 Not Modified with these headers (etag and cache_control may be NULL,
 * last_modified 0) and no body; `length` is the size of the body the 200 would have had. */
hy_result hy_reply_not_modified(hy_req *req, const char *etag, const char *cache_control,
                                bool vary, int64_t last_modified, size_t length);
/* Answers an error with the standard body {"error":{"code","message"[,"field"]}}. `message` may
 * be NULL for the code's default message; `field` names the offending field or parameter. */
hy_result hy_reply_error(hy_req *req, enum hy_error e, const char *message, const char *field);
/* Answers a store status that was < 0 (store unavailable / internal). */
hy_result hy_reply_store_error(hy_req *req, int status);
/* The same answer, after logging one line that names what failed (`what`, e.g. "board: posts
 * near a point"), the store status and the route; a status >= 0 means the failure was not
 * the store's (out of memory), answered 500. */
hy_result hy_reply_store_failed(hy_req *req, const char *what, int status);
/* Queues a prepared response (not destroyed; the caller keeps its reference). */
hy_result hy_reply_response(hy_req *req, unsigned status, struct MHD_Response *resp, size_t bytes);
/* Whether an Accept header admits a media type ("type/subtype", parameters ignored): the most
 * specific media range that matches decides, and q=0 refuses (RFC 9110, section 12.5.1). No
 * header (NULL) admits everything. */
bool hy_accepts(const char *accept, const char *type);

/* Adds the security headers every response carries. `csp` NULL = the server's default. */
void hy_http_security_headers(hy_server *srv, struct MHD_Response *resp);
/* The same headers for pages under /embed/, which other sites may show in an iframe: the CSP's
 * frame-ancestors is '*' and there is no X-Frame-Options. */
void hy_http_embed_headers(hy_server *srv, struct MHD_Response *resp);

uint64_t hy_now_us(void);

#endif
