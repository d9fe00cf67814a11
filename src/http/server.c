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

#include "http/session.h"
#include "http/static.h"
#include "http/tiles.h"
#include "util/log.h"
#include "util/utf8.h"

uint64_t hy_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---------------------------------------------------------------- replies */

/* The headers every answer carries, API answers included (a browser may be sent to one, and
 * docs/openapi.yaml promises them on every answer); hy_http_security_headers() adds the rest. */
static void hy__base_headers(hy_server *srv, struct MHD_Response *resp) {
    MHD_add_response_header(resp, "Content-Security-Policy", srv->csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
}

void hy_http_security_headers(hy_server *srv, struct MHD_Response *resp) {
    hy__base_headers(srv, resp);
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), interest-cohort=()");
}

void hy_http_embed_headers(hy_server *srv, struct MHD_Response *resp) {
    MHD_add_response_header(resp, "Content-Security-Policy", srv->csp_embed);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), interest-cohort=()");
}

void hy_req_add_header(hy_req *req, const char *name, const char *value) {
    if (req->nextra < (int)(sizeof req->extra_headers / sizeof req->extra_headers[0])) {
        req->extra_headers[req->nextra][0] = name;
        req->extra_headers[req->nextra][1] = value;
        req->nextra++;
    }
}

/* Headers every freshly built answer gets: security headers, the handler's extras, and
 * Connection: close when a body was announced but not read. */
static void hy__finish(hy_req *req, struct MHD_Response *resp) {
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    hy_http_security_headers(req->srv, resp);
    for (int i = 0; i < req->nextra; i++)
        MHD_add_response_header(resp, req->extra_headers[i][0], req->extra_headers[i][1]);
    if (req->body_pending && !req->answered) MHD_add_response_header(resp, "Connection", "close");
}

/* Whether an Accept header admits a media type ("type/subtype", parameters ignored): the most
 * specific media range that matches decides, and q=0 refuses (RFC 9110, section 12.5.1). No
 * header admits everything. */
static bool hy__accepts(const char *accept, const char *type) {
    if (!accept || !type) return true;
    size_t tlen = strcspn(type, "; "), major = strcspn(type, "/");
    int best = -1;
    double bestq = 0;
    for (const char *p = accept; *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, ","), rl = strcspn(p, ";, \t");
        int spec = -1;
        if (rl == 3 && strncmp(p, "*/*", 3) == 0) spec = 0;
        else if (rl == major + 2 && strncasecmp(p, type, major + 1) == 0 && p[major + 1] == '*')
            spec = 1;
        else if (rl == tlen && strncasecmp(p, type, tlen) == 0) spec = 2;
        if (spec > best) {
            best = spec;
            bestq = 1;
            const char *q = p + rl;
            while ((q = memchr(q, ';', (size_t)(p + n - q))) != NULL) {
                q += 1 + strspn(q + 1, " \t");
                if ((*q == 'q' || *q == 'Q') && q[1] == '=') bestq = strtod(q + 2, NULL);
            }
        }
        p += n;
    }
    return best >= 0 && bestq > 0;
}

hy_result hy_reply_response(hy_req *req, unsigned status, struct MHD_Response *resp,
                            size_t bytes) {
    if (req->answered) return MHD_NO;
    /* A routed answer the Accept header does not admit becomes a 406; errors go as they are. */
    if (req->route && status / 100 == 2 &&
        !hy__accepts(hy_req_header(req, "Accept"),
                     MHD_get_response_header(resp, "Content-Type"))) {
        req->nextra = 0; /* e.g. Content-Encoding of the answer not sent */
        return hy_reply_error(req, HY_E_NOT_ACCEPTABLE, NULL, NULL);
    }
    req->answered = true;
    req->status = status;
    req->bytes = bytes;
    return MHD_queue_response(req->conn, status, resp);
}

static hy_result hy__reply_owned(hy_req *req, unsigned status, const char *content_type, char *p,
                                 size_t n) {
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(n, p, free);
    if (!resp) {
        free(p);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", content_type);
    hy__finish(req, resp);
    hy_result r = hy_reply_response(req, status, resp, n);
    MHD_destroy_response(resp);
    return r;
}

hy_result hy_reply_json_buf(hy_req *req, unsigned status, hy_buf *b) {
    size_t n;
    char *text = b->data ? hy_buf_steal(b, &n) : NULL;
    if (!text) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy__reply_owned(req, status, "application/json; charset=utf-8", text, n);
}

hy_result hy_reply_bytes(hy_req *req, unsigned status, const char *content_type, const void *p,
                         size_t n) {
    char *copy = malloc(n ? n : 1);
    if (!copy) return MHD_NO;
    if (n) memcpy(copy, p, n);
    return hy__reply_owned(req, status, content_type, copy, n);
}

/* Fixed answers (hy_reply_fixed): a few per server, never evicted; the lock keeps a response
 * alive between finding it and queueing it (queueing takes libmicrohttpd's own reference). */
#define HY__FIXED_MAX 8
static struct hy__fixed {
    const hy_server *srv;
    unsigned status;
    const char *content_type;
    size_t n;
    char *bytes; /* the response's buffer */
    struct MHD_Response *resp;
} hy__fixed[HY__FIXED_MAX];
static pthread_mutex_t hy__fixed_lock = PTHREAD_MUTEX_INITIALIZER;

hy_result hy_reply_fixed(hy_req *req, unsigned status, const char *content_type, const void *p,
                         size_t n) {
    if (req->nextra || req->body_pending || req->answered)
        return hy_reply_bytes(req, status, content_type, p, n);
    hy_result r = MHD_NO;
    bool found = false;
    pthread_mutex_lock(&hy__fixed_lock);
    struct hy__fixed *free_slot = NULL;
    for (int i = 0; i < HY__FIXED_MAX; i++) {
        struct hy__fixed *f = &hy__fixed[i];
        if (!f->srv) {
            if (!free_slot) free_slot = f;
            continue;
        }
        if (f->srv == req->srv && f->status == status && f->content_type == content_type &&
            f->n == n && memcmp(f->bytes, p, n) == 0) {
            r = hy_reply_response(req, status, f->resp, n);
            found = true;
            break;
        }
    }
    if (!found && free_slot) {
        char *copy = malloc(n ? n : 1);
        struct MHD_Response *resp =
            copy ? MHD_create_response_from_buffer_with_free_callback(n, memcpy(copy, p, n), free)
                 : NULL;
        if (resp) {
            MHD_add_response_header(resp, "Content-Type", content_type);
            hy__finish(req, resp);
            *free_slot = (struct hy__fixed){req->srv, status, content_type, n, copy, resp};
            r = hy_reply_response(req, status, resp, n);
            found = true;
        } else {
            free(copy);
        }
    }
    pthread_mutex_unlock(&hy__fixed_lock);
    return found ? r : hy_reply_bytes(req, status, content_type, p, n);
}

static void hy__fixed_free(const hy_server *srv) {
    pthread_mutex_lock(&hy__fixed_lock);
    for (int i = 0; i < HY__FIXED_MAX; i++) {
        struct hy__fixed *f = &hy__fixed[i];
        if (f->srv != srv) continue;
        MHD_destroy_response(f->resp); /* frees f->bytes with the last reference */
        *f = (struct hy__fixed){0};
    }
    pthread_mutex_unlock(&hy__fixed_lock);
}

hy_result hy_reply_json(hy_req *req, unsigned status, json_t *body) {
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(body);
    if (!text) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy__reply_owned(req, status, "application/json; charset=utf-8", text, strlen(text));
}

hy_result hy_reply_error(hy_req *req, enum hy_error e, const char *message, const char *field) {
    json_t *err = json_object();
    json_object_set_new(err, "code", json_string(hy_error_code(e)));
    json_object_set_new(err, "message", json_string(message ? message : hy_error_message(e)));
    if (field) json_object_set_new(err, "field", json_string(field));
    json_t *body = json_object();
    json_object_set_new(body, "error", err);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text) return MHD_NO;
    unsigned status = hy_error_status(e);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer_with_free_callback(strlen(text), text, free);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    if (e == HY_E_UNAUTHORIZED)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"hamyari\"");
    hy__finish(req, resp);
    hy_result r = hy_reply_response(req, status, resp, strlen(text));
    MHD_destroy_response(resp);
    return r;
}

hy_result hy_reply_store_error(hy_req *req, int status) {
    if (status == HY_DB_SOFT) return hy_reply_error(req, HY_E_STORE_UNAVAILABLE, NULL, NULL);
    if (status == HY_DB_FULL) return hy_reply_error(req, HY_E_INSUFFICIENT_STORAGE, NULL, NULL);
    return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
}

static hy_result hy__reply_405(hy_req *req, unsigned allowed) {
    char allow[64] = "";
    size_t n = 0;
    for (unsigned m = 1; m <= HY_OPTIONS; m <<= 1)
        if (allowed & m)
            n += (size_t)snprintf(allow + n, sizeof allow - n, "%s%s", n ? ", " : "",
                                  hy_method_name((enum hy_method)m));
    json_t *err = json_pack("{s:{s:s,s:s}}", "error", "code", "method_not_allowed", "message",
                            hy_error_message(HY_E_METHOD_NOT_ALLOWED));
    char *text = json_dumps(err, JSON_COMPACT);
    json_decref(err);
    if (!text) return MHD_NO;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer_with_free_callback(strlen(text), text, free);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Allow", allow);
    hy__finish(req, resp);
    hy_result r = hy_reply_response(req, 405, resp, strlen(text));
    MHD_destroy_response(resp);
    return r;
}

/* ---------------------------------------------------------------- reading */

const char *hy_req_header(hy_req *req, const char *name) {
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *hy_req_query(hy_req *req, const char *name) {
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

json_t *hy_req_json(hy_req *req, hy_result *ret_result) {
    if (req->json) return req->json;
    if (!hy_utf8_valid(req->body.data ? req->body.data : "", req->body.len,
                       HY_UTF8_ALLOW_CONTROLS)) {
        *ret_result = hy_reply_error(req, HY_E_BAD_UTF8, NULL, NULL);
        return NULL;
    }
    json_error_t jerr;
    json_t *j = json_loadb(req->body.data ? req->body.data : "", req->body.len,
                           JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        char msg[256 + JSON_ERROR_TEXT_LENGTH];
        snprintf(msg, sizeof msg, "The body is not valid JSON (line %d, column %d: %s).",
                 jerr.line, jerr.column, jerr.text);
        *ret_result = hy_reply_error(req, HY_E_BAD_JSON, msg, NULL);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        *ret_result = hy_reply_error(req, HY_E_BAD_JSON, "The body must be a JSON object.", NULL);
        return NULL;
    }
    req->json = j;
    return j;
}

/* ---------------------------------------------------------------- checks on the headers */

struct hy__hdr_scan {
    bool nul;
    int content_length;
    int transfer_encoding;
    int host;
    bool bad_utf8;
};

static enum MHD_Result hy__scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                       size_t key_size, const char *value, size_t value_size) {
    struct hy__hdr_scan *scan = cls;
    /* A raw NUL inside a header would end the value as a C string ("Content-Length: 0<NUL>5"
     * read as 0). Where libmicrohttpd reports the value's full size, such a request is refused;
     * 0.9.75 reports the size up to the NUL, so there nginx in front is the guard. */
    if (strlen(key) != key_size || (value && strlen(value) != value_size)) scan->nul = true;
    if (strcasecmp(key, "Content-Length") == 0) scan->content_length++;
    else if (strcasecmp(key, "Transfer-Encoding") == 0) scan->transfer_encoding++;
    else if (strcasecmp(key, "Host") == 0) scan->host++;
    return MHD_YES;
}

static enum MHD_Result hy__scan_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value) {
    struct hy__hdr_scan *scan = cls;
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
static char hy__nul_marker;

static void *hy__uri_seen(void *cls, const char *uri, struct MHD_Connection *c) {
    const char *after = uri + strlen(uri) + 1;
    return strncmp(after, "HTTP/", 5) == 0 ? NULL : &hy__nul_marker;
}

/* %00 in a URL would end the C string early; decode it to 0xFF instead, which is never valid
 * UTF-8, so the UTF-8 check turns it into a clean 400. */
static size_t hy__unescape(void *cls, struct MHD_Connection *c, char *s) {
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

static bool hy__content_type_is(const char *ct, const char *want) {
    if (!ct) return false;
    size_t n = strlen(want);
    if (strncasecmp(ct, want, n) != 0) return false;
    const char *rest = ct + n;
    while (*rest == ' ') rest++;
    return *rest == '\0' || *rest == ';';
}

/* ---------------------------------------------------------------- dispatch */

static hy_result hy__first_call(hy_req *req, const char *url, const char *version) {
    struct MHD_Connection *c = req->conn;
    struct hy__hdr_scan scan = {0};
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, hy__scan_header, &scan);
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
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, hy__scan_arg, &scan);
    if (scan.bad_utf8) {
        req->has_early_error = true;
        return hy_reply_error(req, HY_E_BAD_UTF8, "A query parameter is not valid UTF-8 text.",
                              NULL);
    }
    req->path = url;

    unsigned allowed = 0;
    req->route = hy_route_match(url, req->method, req->args, &req->nargs, &allowed, req->arena);
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
            return hy__reply_405(req, allowed);
        }
        if (!api && hy_static_exists(req->srv->statics, url)) {
            req->has_early_error = true;
            return hy__reply_405(req, HY_GET | HY_HEAD);
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
                   hy__content_type_is(ct, "application/json")) ||
                  ((req->route->flags & HY_ROUTE_FORM) &&
                   hy__content_type_is(ct, "application/x-www-form-urlencoded"));
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

hy_result hy_req_defer(hy_req *req, hy_then_fn then, void *ctx) {
    req->then = then;
    req->then_ctx = ctx;
    MHD_suspend_connection(req->conn);
    return MHD_YES;
}

void hy_req_wake(hy_req *req) { MHD_resume_connection(req->conn); }

static hy_result hy__last_call(hy_req *req) {
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
    if (!(req->method & (HY_GET | HY_HEAD)) && !hy__accepts(accept, "application/json") &&
        !(hy__content_type_is(hy_req_header(req, "Content-Type"),
                              "application/x-www-form-urlencoded") &&
          hy__accepts(accept, "text/html")))
        return hy_reply_error(req, HY_E_NOT_ACCEPTABLE, NULL, NULL);
    return req->route->handler(req);
}

static enum MHD_Result hy__access(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
    hy_server *srv = cls;
    hy_req *req = *con_cls;
    bool nul_in_target = req == (void *)&hy__nul_marker;
    if (nul_in_target) req = NULL;
    if (!req) {
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
            hy_route_match(url, 0, NULL, NULL, &allowed, req->arena);
            if (!allowed && strncmp(url, "/api/", 5) != 0) allowed = HY_GET | HY_HEAD;
            req->has_early_error = true;
            if (!allowed) return (enum MHD_Result)hy_reply_error(req, HY_E_NOT_FOUND, NULL, NULL);
            return (enum MHD_Result)hy__reply_405(req, allowed);
        }
        hy_result r = hy__first_call(req, url, version);
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
        hy_then_fn then = req->then;
        req->then = NULL;
        return (enum MHD_Result)then(req, req->then_ctx);
    }
    if (req->answered) return MHD_YES;
    return (enum MHD_Result)hy__last_call(req);
}

static void hy__completed(void *cls, struct MHD_Connection *c, void **con_cls,
                          enum MHD_RequestTerminationCode toe) {
    hy_server *srv = cls;
    hy_req *req = *con_cls;
    *con_cls = NULL;
    /* A request whose target held a NUL and that ended before reaching the handler. */
    if (!req || req == (void *)&hy__nul_marker) return;
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

static void hy__mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void hy__mhd_log(void *cls, const char *fmt, va_list ap) {
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
    hy_warn("libmicrohttpd: %s", msg);
}

/* ---------------------------------------------------------------- start/stop */

static int hy__parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
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
    if (hy__parse_listen(cfg->listen, &ss, &sslen, &v6) < 0) {
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
    struct MHD_OptionItem opts[16];
    int k = 0;
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)hy__mhd_log, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg->conn_timeout, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)cfg->per_ip_limit, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cfg->max_connections, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)hy__completed, srv};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)hy__unescape, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)hy__uri_seen, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL};
    if (threads > 1)
        opts[k++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    /* The group-commit writer (hy_db_run_batched) for the write paths that use it. */
    /* SQLite has one writer at a time anyway; a PostgreSQL writer mostly waits for round trips
     * (measured: one writer left half of the two cores idle), so four share the queue. */
    int br = hy_db_batch_start(db, 0, strcmp(hy_db_backend(db), "postgres") ? 1 : 4);
    if (br < 0) {
        hy_error("cannot start the store's writer thread (%d)", br);
        free(srv->csp);
        free(srv->csp_embed);
        hy_tiles_close(srv->tiles);
        hy_static_free(srv->statics);
        return br;
    }
    srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, hy__access, srv, MHD_OPTION_ARRAY, opts,
                                   MHD_OPTION_END);
    if (!srv->daemon) {
        hy_db_batch_stop(db);
        hy_error("cannot listen on %s (is the address in use?)", cfg->listen);
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
    /* Every queued write is committed and its request woken before the daemon closes the
     * connections (and frees the requests) the writer still refers to. */
    hy_db_batch_stop(srv->db);
    uint64_t jobs = 0, batches = 0;
    hy_db_batch_stats(srv->db, &jobs, &batches);
    if (batches)
        hy_info("group commit: %llu writes in %llu commits (%.1f a commit)",
                (unsigned long long)jobs, (unsigned long long)batches,
                (double)jobs / (double)batches);
    MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
    hy__fixed_free(srv);
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
