/* server.c — libmicrohttpd set up for a public server, and a request's way to its handler.
 *
 * A request's life: the first call of the access handler (headers only) creates the request
 * context, rejects what is malformed (duplicate Content-Length, Content-Length with
 * Transfer-Encoding, no Host, bad UTF-8 in path or query), finds the route (404/405), checks
 * Content-Type and the announced size (415/413, answered before the body is read) and returns.
 * Later calls collect the body up to its cap. The last call runs the handler. The completion
 * callback writes the access-log line and frees everything the request held. */
#include "http/server.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "http/headwatch.h"
#include "http/offload.h"
#include "http/reply.h"
#include "http/router.h"
#include "http/session.h"
#include "http/static.h"
#include "http/tiles.h"
#include "util/log.h"
#include "util/utf8.h"

/* Seconds for a whole request head when the configuration leaves header_timeout at 0. */
#define HEADER_TIMEOUT_DEFAULT 10u

/* ---------------------------------------------------------------- checks on the headers */

struct hdr_scan {
    bool nul;
    int content_length;
    int transfer_encoding;
    int host;
    bool bad_utf8;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                       size_t key_size, const char *value, size_t value_size) {
    struct hdr_scan *scan = cls;
    /* A raw NUL inside a header would end the value as a C string ("Content-Length: 0<NUL>5"
     * read as 0). Where libmicrohttpd reports the value's full size, such a request is refused;
     * 0.9.75 reports the size up to the NUL, so there nginx in front is the guard. */
    if (strlen(key) != key_size || (value && strlen(value) != value_size)) scan->nul = true;
    if (strcasecmp(key, "Content-Length") == 0) scan->content_length++;
    else if (strcasecmp(key, "Transfer-Encoding") == 0) scan->transfer_encoding++;
    else if (strcasecmp(key, "Host") == 0) scan->host++;
    return MHD_YES;
}

static enum MHD_Result scan_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value) {
    struct hdr_scan *scan = cls;
    if (!hy_utf8_valid(key, strlen(key), 0) || (value && !hy_utf8_valid(value, strlen(value), 0))) {
        scan->bad_utf8 = true;
        return MHD_NO;
    }
    return MHD_YES;
}

/* A raw NUL byte in the request target: libmicrohttpd 0.9.75 hands the path on as a C string,
 * so "GET /healthz<NUL>x HTTP/1.1" would be served as /healthz. When it calls this (before it
 * splits or decodes the target), the target ends where the space before the version was, so
 * "HTTP/" follows the terminating NUL; if anything else does, the target held a NUL byte of
 * its own. The marker returned becomes the request's first *con_cls. */
static char nul_marker;

static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *c) {
    const char *after = uri + strlen(uri) + 1;
    return strncmp(after, "HTTP/", 5) == 0 ? NULL : &nul_marker;
}

/* %00 in a URL would end the C string early; decode it to 0xFF instead, which is never valid
 * UTF-8, so the UTF-8 check turns it into a clean 400. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s) {
    char *w = s;
    for (const char *r = s; *r;) {
        if (r[0] == '%' && r[1] && r[2] && strchr("0123456789abcdefABCDEF", r[1]) &&
            strchr("0123456789abcdefABCDEF", r[2])) {
            char hex[3] = {r[1], r[2], 0};
            unsigned v = (unsigned)strtoul(hex, NULL, 16);
            *w++ = (char)(v == 0 ? 0xff : v);
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static bool content_type_is(const char *ct, const char *want) {
    if (!ct) return false;
    size_t n = strlen(want);
    if (strncasecmp(ct, want, n) != 0) return false;
    const char *rest = ct + n;
    while (*rest == ' ') rest++;
    return *rest == '\0' || *rest == ';';
}

/* ---------------------------------------------------------------- dispatch */

static hy_result first_call(hy_req *req, const char *url, const char *version) {
    struct MHD_Connection *c = req->conn;
    struct hdr_scan scan = {0};
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, scan_header, &scan);
    if (scan.nul) {
        req->has_early_error = true;
        return hy_reply_error(req, HY_E_BAD_REQUEST, "A header contains a NUL byte.", NULL);
    }
    {
        /* Answering before the body is read leaves the connection unusable: close it then. */
        const char *cl0 = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        req->body_pending = (cl0 && strcmp(cl0, "0") != 0) || scan.transfer_encoding ||
                            scan.content_length > 1;
    }
    if (scan.content_length > 1) {
        req->has_early_error = true;
        return hy_reply_error(req, HY_E_BAD_REQUEST, "More than one Content-Length header.", NULL);
    }
    if (scan.content_length && scan.transfer_encoding) {
        req->has_early_error = true;
        return hy_reply_error(req, HY_E_BAD_REQUEST,
                              "Content-Length and Transfer-Encoding together.", NULL);
    }
    if (scan.host != 1 && strcmp(version, MHD_HTTP_VERSION_1_0) != 0) {
        req->has_early_error = true;
        return hy_reply_error(req, HY_E_BAD_REQUEST, "A request needs exactly one Host header.",
                              NULL);
    }
    size_t url_len = strlen(url);
    if (url[0] != '/' || url_len > 2048) {
        req->has_early_error = true;
        return hy_reply_error(req, HY_E_BAD_REQUEST,
                              url[0] != '/' ? "The request target must be a path starting with /."
                                            : "The path is too long.",
                              NULL);
    }
    if (!hy_utf8_valid(url, url_len, 0)) {
        req->has_early_error = true;
        return hy_reply_error(req, HY_E_BAD_UTF8, "The path is not valid UTF-8 text.", NULL);
    }
    /* The announced size, checked before anything else reads the body. */
    unsigned long long announced = 0;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl) {
        char *end;
        errno = 0;
        announced = strtoull(cl, &end, 10);
        if (cl[0] < '0' || cl[0] > '9' || *end || errno) {
            req->has_early_error = true;
            return hy_reply_error(req, HY_E_BAD_REQUEST, "Content-Length is not a number.", NULL);
        }
    }
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, scan_arg, &scan);
    if (scan.bad_utf8) {
        req->has_early_error = true;
        return hy_reply_error(req, HY_E_BAD_UTF8, "A query parameter is not valid UTF-8 text.",
                              NULL);
    }
    req->path = url;

    unsigned allowed = 0;
    const struct hy_server_config *cfg = req->srv->cfg;
    req->route = hy_route_match(cfg->routes, cfg->nroutes, url, req->method, req->args, &req->nargs,
                                &allowed, req->arena);
    if (!req->route) {
        bool api = strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0;
        if (!api && (req->method == HY_GET || req->method == HY_HEAD)) {
            if (announced > req->body_max) {
                req->body_too_large = true;
                return hy_reply_error(req, HY_E_PAYLOAD_TOO_LARGE, NULL, NULL);
            }
            return MHD_YES;
        }
        if (allowed) {
            req->has_early_error = true;
            return hy_reply_405(req, allowed);
        }
        if (!api && hy_static_exists(req->srv->statics, url)) {
            req->has_early_error = true;
            return hy_reply_405(req, HY_GET | HY_HEAD);
        }
        req->has_early_error = true;
        return hy_reply_error(req, HY_E_NOT_FOUND, NULL, NULL);
    }

    if (req->route->flags & HY_ROUTE_UPLOAD) { /* file uploads may exceed --body-max */
        req->body_max = HY_UPLOAD_MAX;
        req->body.cap = req->body_max;
    }
    bool has_body = announced > 0 || scan.transfer_encoding;
    if (announced > req->body_max) {
        req->body_too_large = true;
        return hy_reply_error(req, HY_E_PAYLOAD_TOO_LARGE, NULL, NULL);
    }
    if (has_body && (req->route->flags & (HY_ROUTE_JSON | HY_ROUTE_FORM))) {
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        bool ok = ((req->route->flags & HY_ROUTE_JSON) &&
                   content_type_is(ct, "application/json")) ||
                  ((req->route->flags & HY_ROUTE_FORM) &&
                   content_type_is(ct, "application/x-www-form-urlencoded"));
        if (!ok) {
            req->has_early_error = true;
            return hy_reply_error(req, HY_E_UNSUPPORTED_MEDIA_TYPE,
                                  (req->route->flags & HY_ROUTE_FORM)
                                      ? "Send application/json or a form."
                                      : "Send application/json.",
                                  NULL);
        }
    }
    return MHD_YES;
}

static hy_result last_call(hy_req *req) {
    if (req->body_too_large) return hy_reply_error(req, HY_E_PAYLOAD_TOO_LARGE, NULL, NULL);
    if (!req->route) {
        return hy_static_serve(req->srv->statics, req);
    }
    if (req->method & (HY_POST | HY_PUT | HY_PATCH | HY_DELETE)) {
        if (hy_csrf_check(req) != 0)
            return hy_reply_error(req, HY_E_CSRF_FAILED, NULL, NULL);
    }
    if (req->route->access != HY_ACCESS_PUBLIC) {
        int d = hy_access_decide(req->route->access, hy_req_principal(req));
        if (d == 401) return hy_reply_error(req, HY_E_UNAUTHORIZED, NULL, NULL);
        if (d) return hy_reply_error(req, HY_E_FORBIDDEN, NULL, NULL);
    }
    /* A write is refused before it changes anything when its answer (JSON, or a page for a
     * form post) would not be acceptable; other answers are checked as they are sent. */
    const char *accept = hy_req_header(req, "Accept");
    if (!(req->method & (HY_GET | HY_HEAD)) && !hy_accepts(accept, "application/json") &&
        !(content_type_is(hy_req_header(req, "Content-Type"), "application/x-www-form-urlencoded") &&
          hy_accepts(accept, "text/html")))
        return hy_reply_error(req, HY_E_NOT_ACCEPTABLE, NULL, NULL);
    return req->route->handler(req);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
    hy_server *srv = cls;
    hy_req *req = *con_cls;
    bool nul_in_target = req == (void *)&nul_marker;
    if (nul_in_target) req = NULL;
    if (!req) {
        hy_headwatch_head_done(c); /* the head is complete: its deadline no longer applies */
        req = calloc(1, sizeof *req);
        if (!req) return MHD_NO;
        req->arena = hy_arena_new(0);
        if (!req->arena) {
            free(req);
            return MHD_NO;
        }
        atomic_fetch_add(&srv->inflight, 1);
        req->srv = srv;
        req->conn = c;
        req->started_us = hy_now_us();
        req->method_name = method;
        req->method = hy_method_parse(method);
        req->path = url;
        req->body_max = srv->cfg->body_max;
        req->body.cap = req->body_max;
        *con_cls = req;
        if (nul_in_target) {
            req->has_early_error = true;
            req->body_pending = true; /* whatever follows cannot be trusted: close */
            return (enum MHD_Result)hy_reply_error(req, HY_E_BAD_REQUEST,
                                                   "The request target contains a NUL byte.", NULL);
        }
        if (!req->method) {
            unsigned allowed = 0;
            hy_route_match(srv->cfg->routes, srv->cfg->nroutes, url, 0, NULL, NULL, &allowed,
                           req->arena);
            if (!allowed && strncmp(url, "/api/", 5) != 0) allowed = HY_GET | HY_HEAD;
            req->has_early_error = true;
            if (!allowed) return (enum MHD_Result)hy_reply_error(req, HY_E_NOT_FOUND, NULL, NULL);
            return (enum MHD_Result)hy_reply_405(req, allowed);
        }
        hy_result r = first_call(req, url, version);
        return (enum MHD_Result)r;
    }
    if (*upload_data_size) {
        if (!req->answered && !req->body_too_large) {
            if (hy_buf_append(&req->body, upload_data, *upload_data_size) != HY_BUF_OK)
                req->body_too_large = true;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    req->body_pending = false; /* the whole body has been read */
    if (req->then) { /* woken after hy_req_defer() */
        assert(req->woken && !req->answered);
        hy_then_fn then = req->then;
        req->then = NULL;
        return (enum MHD_Result)then(req, req->then_ctx);
    }
    if (req->answered) return MHD_YES;
    return (enum MHD_Result)last_call(req);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                          enum MHD_RequestTerminationCode toe) {
    hy_server *srv = cls;
    hy_req *req = *con_cls;
    *con_cls = NULL;
    hy_headwatch_request_done(c); /* the next request's head is due by the deadline */
    /* A request whose target held a NUL and that ended before reaching the handler. */
    if (!req || req == (void *)&nul_marker) return;
    if (srv->cfg->access_log) {
        /* Method, path (never the query string: it can hold personal data), status, bytes,
         * microseconds. Paths are truncated and control bytes replaced. */
        char path[256];
        size_t n = 0;
        const char *src = req->path ? req->path : "-";
        bool utf8 = hy_utf8_valid(src, strlen(src), 0);
        for (const char *p = src; *p && n < sizeof path - 1; p++) {
            unsigned char ch = (unsigned char)*p;
            path[n++] = (ch < 0x20 || ch == 0x7f || ch == '"' || ch == ' ' || (!utf8 && ch >= 0x80)) ? '?' : *p;
        }
        path[n] = '\0';
        hy_info("http %s %s %u %zu %llu%s", req->method_name ? req->method_name : "-", path,
                req->status, req->bytes, (unsigned long long)(hy_now_us() - req->started_us),
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    }
    json_decref(req->json);
    hy_buf_free(&req->body);
    hy_arena_free(req->arena);
    free(req);
    atomic_fetch_sub(&srv->inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap) {
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
    hy_warn("libmicrohttpd: %s", msg);
}

/* ---------------------------------------------------------------- start/stop */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
                            bool *v6) {
    char host[256];
    const char *port;
    if (!listen || !*listen) return -EINVAL;
    if (listen[0] == '[') {
        const char *e = strchr(listen, ']');
        if (!e || e[1] != ':' || (size_t)(e - listen - 1) >= sizeof host) return -EINVAL;
        memcpy(host, listen + 1, (size_t)(e - listen - 1));
        host[e - listen - 1] = '\0';
        port = e + 2;
    } else {
        const char *colon = strrchr(listen, ':');
        if (!colon || (size_t)(colon - listen) >= sizeof host) return -EINVAL;
        memcpy(host, listen, (size_t)(colon - listen));
        host[colon - listen] = '\0';
        port = colon + 1;
        if (!host[0]) snprintf(host, sizeof host, "0.0.0.0");
    }
    char *end;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 0 || p > 65535) return -EINVAL;
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai) return -EINVAL;
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *len = ai->ai_addrlen;
    *v6 = ai->ai_family == AF_INET6;
    freeaddrinfo(ai);
    return 0;
}

int hy_server_start(hy_server *srv, const struct hy_server_config *cfg, hy_db *db) {
    srv->cfg = cfg;
    srv->db = db;
    atomic_store(&srv->inflight, 0);
    atomic_store(&srv->draining, 0);

    struct sockaddr_storage ss;
    socklen_t sslen;
    bool v6 = false;
    if (parse_listen(cfg->listen, &ss, &sslen, &v6) < 0) {
        hy_error("cannot listen on '%s': give ADDRESS:PORT, e.g. 127.0.0.1:8080", cfg->listen);
        return -EINVAL;
    }
    int r = hy_static_load(cfg->web_dir, &srv->statics);
    if (r < 0) return r;
    if (cfg->tiles && *cfg->tiles) {
        r = hy_tiles_open(cfg->tiles, &srv->tiles);
        if (r < 0) {
            hy_static_free(srv->statics);
            return r;
        }
    }
    char origin[300] = "";
    if (cfg->tile_url && !hy_tiles_origin(cfg->tile_url, origin, sizeof origin)) {
        hy_error("the tile URL must be an absolute http(s) URL template");
        hy_tiles_close(srv->tiles);
        hy_static_free(srv->statics);
        return -EINVAL;
    }
    hy_buf csp = HY_BUF_INIT(4096);
    hy_buf_printf(&csp,
                  "default-src 'self'; script-src 'self'; style-src 'self'; "
                  "img-src 'self' data: blob:%s%s; font-src 'self'; connect-src 'self'; "
                  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
                  origin[0] ? " " : "", origin);
    srv->csp = hy_buf_steal(&csp, NULL);
    if (!srv->csp) return -ENOMEM;
    /* Pages under /embed/ (the group widget) may be framed by any site. */
    hy_buf csp_embed = HY_BUF_INIT(4096);
    hy_buf_printf(&csp_embed,
                  "default-src 'self'; script-src 'self'; style-src 'self'; "
                  "img-src 'self' data: blob:%s%s; font-src 'self'; connect-src 'self'; "
                  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors *",
                  origin[0] ? " " : "", origin);
    srv->csp_embed = hy_buf_steal(&csp_embed, NULL);
    if (!srv->csp_embed) {
        free(srv->csp);
        return -ENOMEM;
    }

    unsigned threads = cfg->threads;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    /* Suspend/resume: write requests wait for the group commit without holding a thread. */
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (v6) flags |= MHD_USE_IPv6;
    int hr = hy_headwatch_start(cfg->header_timeout ? cfg->header_timeout : HEADER_TIMEOUT_DEFAULT,
                                &srv->headwatch);
    if (hr < 0) {
        hy_error("cannot start the request-head deadline thread (%d)", hr);
        free(srv->csp);
        free(srv->csp_embed);
        hy_tiles_close(srv->tiles);
        hy_static_free(srv->statics);
        return hr;
    }
    struct MHD_OptionItem opts[16];
    int k = 0;
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg->conn_timeout, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)cfg->per_ip_limit, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cfg->max_connections, NULL};
    /* libmicrohttpd clears a connection's whole pool after every request on it (memset): 64 KiB
     * cost ~8% of a nearest-groups answer's CPU; 32 KiB (its default) holds the largest
     * header blocks browsers send. */
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, 32 * 1024, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, srv};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)unescape, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_seen, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)hy_headwatch_notify, srv->headwatch};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL};
    if (threads > 1)
        opts[k++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    /* The group-commit writer (hy_db_run_batched) for the write paths that use it, with as
     * many threads as the backend says suit it (SQLite: one writer at a time anyway; a
     * PostgreSQL writer mostly waits for round trips, so several share the queue). */
    int br = hy_db_batch_start(db, 0, hy_db_ops(db)->batch_writers);
    if (br < 0) {
        hy_error("cannot start the store's writer thread (%d)", br);
        srv->headwatch = hy_headwatch_free(srv->headwatch);
        free(srv->csp);
        free(srv->csp_embed);
        hy_tiles_close(srv->tiles);
        hy_static_free(srv->statics);
        return br;
    }
    /* Password hashing runs on threads of its own, so a flood of sign-ins holds no server
     * thread (http/offload.c). */
    srv->offload = hy_offload_start(cfg->max_hashes ? cfg->max_hashes : threads,
                                    cfg->hash_queue ? cfg->hash_queue : 64);
    if (!srv->offload) {
        hy_db_batch_stop(db);
        hy_error("cannot start the password-hashing threads");
        free(srv->csp);
        free(srv->csp_embed);
        hy_tiles_close(srv->tiles);
        hy_static_free(srv->statics);
        return -ENOMEM;
    }
    srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_access, srv, MHD_OPTION_ARRAY, opts,
                                   MHD_OPTION_END);
    if (!srv->daemon) {
        hy_offload_free(srv->offload);
        srv->offload = NULL;
        hy_db_batch_stop(db);
        hy_error("cannot listen on %s (is the address in use?)", cfg->listen);
        srv->headwatch = hy_headwatch_free(srv->headwatch);
        free(srv->csp);
        free(srv->csp_embed);
        hy_tiles_close(srv->tiles);
        hy_static_free(srv->statics);
        return -EADDRINUSE;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : 0;
    return 0;
}

void hy_server_stop(hy_server *srv) {
    if (!srv->daemon) return;
    atomic_store(&srv->draining, 1);
    /* The listen socket is ours to close, but only after the daemon's threads are gone. */
    MHD_socket lsock = MHD_quiesce_daemon(srv->daemon);
    uint64_t deadline = hy_now_us() + (uint64_t)srv->cfg->shutdown_timeout * 1000000u;
    while (atomic_load(&srv->inflight) > 0 && hy_now_us() < deadline) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    long left = atomic_load(&srv->inflight);
    if (left > 0) hy_warn("shutdown: %ld requests still running after %us; closing them", left,
                          srv->cfg->shutdown_timeout);
    /* Every queued hash and write is done and its request woken before the daemon closes the
     * connections (and frees the requests) the workers still refer to. */
    hy_offload_stop(srv->offload);
    hy_db_batch_stop(srv->db);
    uint64_t jobs = 0, batches = 0;
    hy_db_batch_stats(srv->db, &jobs, &batches);
    if (batches)
        hy_info("group commit: %llu writes in %llu commits (%.1f a commit)",
                (unsigned long long)jobs, (unsigned long long)batches,
                (double)jobs / (double)batches);
    uint64_t trips = hy_db_round_trips(srv->db);
    if (trips) hy_info("store round trips: %llu", (unsigned long long)trips);
    uint64_t cut = hy_headwatch_stop(srv->headwatch);
    if (cut)
        hy_info("header timeout: closed %llu connections that sent no complete request head "
                "within %u s", (unsigned long long)cut,
                srv->cfg->header_timeout ? srv->cfg->header_timeout : HEADER_TIMEOUT_DEFAULT);
    MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
    srv->headwatch = hy_headwatch_free(srv->headwatch);
    hy_offload_free(srv->offload);
    srv->offload = NULL;
    hy_reply_fixed_free(srv);
    if (lsock != MHD_INVALID_SOCKET) close(lsock);
    free(srv->csp);
    srv->csp = NULL;
    free(srv->csp_embed);
    srv->csp_embed = NULL;
    hy_tiles_close(srv->tiles);
    srv->tiles = NULL;
    hy_static_free(srv->statics);
    srv->statics = NULL;
}
