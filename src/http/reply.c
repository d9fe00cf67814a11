/* reply.c — the request/reply toolkit of http.h: reading a request (headers, query, JSON
 * body) and answering it (JSON, bytes, fixed answers, errors), with the headers every answer
 * carries, and suspending a request that another thread answers later.
 *
 * Every answer goes through hy_reply_response(), which queues it exactly once. */
#include "http/reply.h"

#include <assert.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/router.h"
#include "util/gzip.h"
#include "util/log.h"
#include "util/utf8.h"

uint64_t hy_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---------------------------------------------------------------- replies */

static const char json_content_type[] = "application/json; charset=utf-8";

/* The headers every answer carries, API answers included (a browser may be sent to one, and
 * docs/openapi.yaml promises them on every answer); hy_http_security_headers() adds the rest. */
static void base_headers(hy_server *srv, struct MHD_Response *resp) {
    MHD_add_response_header(resp, "Content-Security-Policy", srv->csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
}

void hy_http_security_headers(hy_server *srv, struct MHD_Response *resp) {
    base_headers(srv, resp);
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), interest-cohort=()");
}

void hy_http_embed_headers(hy_server *srv, struct MHD_Response *resp) {
    MHD_add_response_header(resp, "Content-Security-Policy", srv->csp_embed);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), interest-cohort=()");
}

int hy_req_add_header(hy_req *req, const char *name, const char *value) {
    assert(req->nextra >= 0 && req->nextra <= HY_EXTRA_HEADERS);
    if (req->nextra >= HY_EXTRA_HEADERS) {
        hy_error("http %s %s: a header beyond the %d a request may add was refused (%s)",
                 req->method_name ? req->method_name : "-", req->route ? req->route->pattern : "-",
                 HY_EXTRA_HEADERS, name);
        return -ENOSPC;
    }
    req->extra_headers[req->nextra][0] = name;
    req->extra_headers[req->nextra][1] = value;
    req->nextra++;
    return 0;
}

/* Headers every freshly built answer gets: Cache-Control (`cache_control`, NULL: no-store),
 * security headers (those of pages under /embed/ there, so that a 304 repeats what the
 * page's 200 said), the handler's extras, and Connection: close when a body was announced
 * but not read. */
static void finish_cc(hy_req *req, struct MHD_Response *resp, const char *cache_control) {
    MHD_add_response_header(resp, "Cache-Control", cache_control ? cache_control : "no-store");
    if (req->path && strncmp(req->path, "/embed/", 7) == 0)
        hy_http_embed_headers(req->srv, resp);
    else
        hy_http_security_headers(req->srv, resp);
    assert(req->nextra >= 0 && req->nextra <= HY_EXTRA_HEADERS);
    for (int i = 0; i < req->nextra; i++)
        MHD_add_response_header(resp, req->extra_headers[i][0], req->extra_headers[i][1]);
    if (req->body_pending && !req->answered) MHD_add_response_header(resp, "Connection", "close");
}

static void finish(hy_req *req, struct MHD_Response *resp) { finish_cc(req, resp, NULL); }

bool hy_accepts(const char *accept, const char *type) {
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
    assert(!req->answered); /* one answer per request */
    if (req->answered) return MHD_NO;
    /* A routed answer the Accept header does not admit becomes a 406; errors go as they are. */
    if (req->route && status / 100 == 2 &&
        !hy_accepts(hy_req_header(req, "Accept"),
                    MHD_get_response_header(resp, "Content-Type"))) {
        req->nextra = 0; /* e.g. Content-Encoding of the answer not sent */
        return hy_reply_error(req, HY_E_NOT_ACCEPTABLE, NULL, NULL);
    }
    req->answered = true;
    req->status = status;
    req->bytes = bytes;
    return MHD_queue_response(req->conn, status, resp);
}

/* Answers with the malloc()ed bytes p[0..n), which the response takes over (freed here on
 * failure). `header`, `value`: one more header (Allow, WWW-Authenticate), or NULL. A
 * successful answer worth compressing goes gzip-compressed to a client that takes gzip. */
static hy_result reply_owned(hy_req *req, unsigned status, const char *content_type, char *p,
                             size_t n, const char *header, const char *value) {
    bool vary = status / 100 == 2 && !req->no_compress && n >= HY_GZIP_MIN &&
                hy_compressible(content_type);
    bool gz = false;
    if (vary && hy_accepts_gzip(hy_req_header(req, "Accept-Encoding"))) {
        unsigned char *z;
        size_t zn;
        if (hy_gzip(p, n, 1, &z, &zn)) {
            if (zn < n) {
                free(p);
                p = (char *)z;
                n = zn;
                gz = true;
            } else {
                free(z);
            }
        }
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(n, p, free);
    if (!resp) {
        free(p);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", content_type);
    if (header) MHD_add_response_header(resp, header, value);
    if (vary) MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (gz) MHD_add_response_header(resp, "Content-Encoding", "gzip");
    finish(req, resp);
    hy_result r = hy_reply_response(req, status, resp, n);
    MHD_destroy_response(resp);
    return r;
}

hy_result hy_reply_json_buf(hy_req *req, unsigned status, hy_buf *b) {
    size_t n;
    char *text = b->data ? hy_buf_steal(b, &n) : NULL;
    if (!text) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return reply_owned(req, status, json_content_type, text, n, NULL, NULL);
}

hy_result hy_reply_bytes(hy_req *req, unsigned status, const char *content_type, const void *p,
                         size_t n) {
    char *copy = malloc(n ? n : 1);
    if (!copy) return MHD_NO;
    if (n) memcpy(copy, p, n);
    return reply_owned(req, status, content_type, copy, n, NULL, NULL);
}

/* ---------------------------------------------------------------- validators */

void hy_etag(const void *p, size_t n, char out[HY_ETAG_SIZE]) {
    unsigned char d[8];
    crypto_generichash(d, sizeof d, p, n, NULL, 0);
    snprintf(out, HY_ETAG_SIZE, "\"%02x%02x%02x%02x%02x%02x%02x%02x\"", d[0], d[1], d[2], d[3],
             d[4], d[5], d[6], d[7]);
}

bool hy_etag_matches(const char *inm, const char *etag) {
    if (!inm) return false;
    size_t n = strlen(etag);
    for (const char *p = inm;;) {
        p += strspn(p, " \t,");
        if (!*p) return false;
        if (*p == '*') return true;
        if (p[0] == 'W' && p[1] == '/') p += 2;
        if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
            return true;
        /* On to the next tag (a tag holds no comma). */
        p += strcspn(p, ",");
    }
}

bool hy_compressible(const char *t) {
    if (!t) return false;
    return strncmp(t, "text/", 5) == 0 || strstr(t, "json") || strstr(t, "xml") ||
           strstr(t, "yaml") || strcmp(t, "image/x-icon") == 0 || strcmp(t, "font/ttf") == 0;
}

static const char *const wdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* An HTTP date (IMF-fixdate, RFC 9110 section 5.6.7), independent of the locale. */
static void http_date(int64_t t, char out[32]) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", wdays[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The number in s[0..n) of decimal digits only; -1 when it is not one. */
static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", always 29 characters); -1 when it
 * is not one (other formats are ignored, as RFC 9110 allows for a date a server cannot
 * parse). */
static int64_t http_date_parse(const char *s) {
    if (!s || strlen(s) != 29 || memcmp(s + 3, ", ", 2) || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || memcmp(s + 25, " GMT", 4))
        return -1;
    int m = 0;
    while (m < 12 && memcmp(s + 8, months[m], 3)) m++;
    int d = digits(s + 5, 2), y = digits(s + 12, 4), h = digits(s + 17, 2),
        mi = digits(s + 20, 2), se = digits(s + 23, 2);
    if (m == 12 || d < 1 || d > 31 || y < 1970 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        se < 0 || se > 60)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m, .tm_mday = d, .tm_hour = h, .tm_min = mi,
                    .tm_sec = se};
    return (int64_t)timegm(&tm);
}

/* The body of a 304, never read: libmicrohttpd sends no body with a 304. */
static ssize_t no_body(void *cls, uint64_t pos, char *buf, size_t max) {
    (void)cls, (void)pos, (void)buf, (void)max;
    return MHD_CONTENT_READER_END_OF_STREAM;
}

hy_result hy_reply_not_modified(hy_req *req, const char *etag, const char *cache_control,
                                bool vary, int64_t last_modified, size_t length) {
    /* libmicrohttpd writes the response's size as Content-Length even on a 304, where it may
     * only be the length of the 200 it stands for (RFC 9110, section 8.6): that length it
     * is. */
    struct MHD_Response *r = MHD_create_response_from_callback(length, 64, no_body, NULL, NULL);
    if (!r) return MHD_NO;
    if (etag) MHD_add_response_header(r, "ETag", etag);
    if (vary) MHD_add_response_header(r, "Vary", "Accept-Encoding");
    if (last_modified > 0) {
        char d[32];
        http_date(last_modified, d);
        MHD_add_response_header(r, "Last-Modified", d);
    }
    finish_cc(req, r, cache_control ? cache_control : "no-cache");
    hy_result res = hy_reply_response(req, 304, r, 0);
    MHD_destroy_response(r);
    return res;
}

hy_result hy_reply_cached(hy_req *req, const char *type, const void *p, size_t n,
                          const struct hy_cache *c) {
    if (req->route && !hy_accepts(hy_req_header(req, "Accept"), type))
        return hy_reply_error(req, HY_E_NOT_ACCEPTABLE, NULL, NULL);
    const char *cc = c->cache_control ? c->cache_control : "no-cache";
    bool vary = n >= HY_GZIP_MIN && hy_compressible(type);
    bool gz = vary && hy_accepts_gzip(hy_req_header(req, "Accept-Encoding"));
    unsigned char *body = NULL;
    size_t len = 0;
    if (gz && c->gz) {
        if ((body = malloc(c->gzlen ? c->gzlen : 1)) != NULL) memcpy(body, c->gz, len = c->gzlen);
    } else if (gz && p && hy_gzip(p, n, 1, &body, &len) && len >= n) {
        free(body); /* no smaller: sent as it is */
        body = NULL;
    }
    gz = body != NULL;
    if (!gz && p) {
        if ((body = malloc(n ? n : 1)) != NULL) memcpy(body, p, len = n);
    } else if (!gz && c->gz) {
        body = (unsigned char *)hy_gunzip(c->gz, c->gzlen, n);
        len = n;
    }
    if (!body) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    char etag[HY_ETAG_SIZE];
    hy_etag(body, len, etag);
    const char *inm = hy_req_header(req, "If-None-Match");
    int64_t ims = inm || c->last_modified <= 0
                      ? -1
                      : http_date_parse(hy_req_header(req, "If-Modified-Since"));
    if (inm ? hy_etag_matches(inm, etag) : ims >= 0 && c->last_modified <= ims) {
        free(body);
        return hy_reply_not_modified(req, etag, cc, vary, c->last_modified, len);
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer_with_free_callback(len, body, free);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "ETag", etag);
    if (c->last_modified > 0) {
        char d[32];
        http_date(c->last_modified, d);
        MHD_add_response_header(resp, "Last-Modified", d);
    }
    if (vary) MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (gz) MHD_add_response_header(resp, "Content-Encoding", "gzip");
    finish_cc(req, resp, cc);
    hy_result r = hy_reply_response(req, 200, resp, len);
    MHD_destroy_response(resp);
    return r;
}

/* Fixed answers (hy_reply_fixed): a few per server, never evicted; the lock keeps a response
 * alive between finding it and queueing it (queueing takes libmicrohttpd's own reference). */
#define FIXED_MAX 8
static struct fixed_answer {
    const hy_server *srv;
    unsigned status;
    const char *content_type;
    size_t n;
    char *bytes; /* the response's buffer */
    struct MHD_Response *resp;
} fixed_answers[FIXED_MAX];
static pthread_mutex_t fixed_lock = PTHREAD_MUTEX_INITIALIZER;

hy_result hy_reply_fixed(hy_req *req, unsigned status, const char *content_type, const void *p,
                         size_t n) {
    if (req->nextra || req->body_pending || req->answered)
        return hy_reply_bytes(req, status, content_type, p, n);
    hy_result r = MHD_NO;
    bool found = false;
    pthread_mutex_lock(&fixed_lock);
    struct fixed_answer *free_slot = NULL;
    for (int i = 0; i < FIXED_MAX; i++) {
        struct fixed_answer *f = &fixed_answers[i];
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
            finish(req, resp);
            *free_slot = (struct fixed_answer){req->srv, status, content_type, n, copy, resp};
            r = hy_reply_response(req, status, resp, n);
            found = true;
        } else {
            free(copy);
        }
    }
    pthread_mutex_unlock(&fixed_lock);
    return found ? r : hy_reply_bytes(req, status, content_type, p, n);
}

void hy_reply_fixed_free(const hy_server *srv) {
    pthread_mutex_lock(&fixed_lock);
    for (int i = 0; i < FIXED_MAX; i++) {
        struct fixed_answer *f = &fixed_answers[i];
        if (f->srv != srv) continue;
        MHD_destroy_response(f->resp); /* frees f->bytes with the last reference */
        *f = (struct fixed_answer){0};
    }
    pthread_mutex_unlock(&fixed_lock);
}

hy_result hy_reply_json(hy_req *req, unsigned status, json_t *body) {
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(body);
    if (!text) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return reply_owned(req, status, json_content_type, text, strlen(text), NULL, NULL);
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
    return reply_owned(req, hy_error_status(e), json_content_type, text, strlen(text),
                       e == HY_E_UNAUTHORIZED ? "WWW-Authenticate" : NULL,
                       "Bearer realm=\"hamyari\"");
}

hy_result hy_reply_store_error(hy_req *req, int status) {
    if (status == HY_DB_SOFT) return hy_reply_error(req, HY_E_STORE_UNAVAILABLE, NULL, NULL);
    if (status == HY_DB_FULL) return hy_reply_error(req, HY_E_INSUFFICIENT_STORAGE, NULL, NULL);
    return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
}

hy_result hy_reply_store_failed(hy_req *req, const char *what, int status) {
    /* The route's pattern, not the path: no ids or personal data in the log. */
    const char *method = req->method_name ? req->method_name : "-";
    const char *route = req->route && req->route->pattern ? req->route->pattern : "-";
    if (status < 0)
        hy_error("%s failed (store status %d) in %s %s", what, status, method, route);
    else
        hy_error("%s failed (out of memory) in %s %s", what, method, route);
    return hy_reply_store_error(req, status < 0 ? status : HY_DB_HARD);
}

hy_result hy_reply_405(hy_req *req, unsigned allowed) {
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
    return reply_owned(req, 405, json_content_type, text, strlen(text), "Allow", allow);
}

/* ---------------------------------------------------------------- reading */

void *hy_req_app(const hy_req *req) { return req->srv->cfg->app; }

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

bool hy_accepts_gzip(const char *ae) {
    if (!ae) return false;
    const char *g = strcasestr(ae, "gzip");
    if (!g) return false;
    const char *q = g + 4;
    while (*q == ' ') q++;
    if (*q == ';') {
        const char *v = strstr(q, "q=");
        if (v && strtod(v + 2, NULL) <= 0.0) return false;
    }
    return true;
}

/* ---------------------------------------------------------------- answering later */

hy_result hy_req_defer(hy_req *req, hy_then_fn then, void *ctx) {
    assert(then && !req->then && !req->answered);
    req->then = then;
    req->then_ctx = ctx;
    req->woken = false;
    MHD_suspend_connection(req->conn);
    return MHD_YES;
}

void hy_req_wake(hy_req *req) {
    /* Woken once, while deferred; whoever wakes it must not touch it afterwards (the server
     * thread that resumes it may answer and free it at once). */
    assert(req->then && !req->woken);
    req->woken = true;
    MHD_resume_connection(req->conn);
}
