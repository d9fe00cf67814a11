#include "http/session.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "domain/auth.h"
#include "store/rate.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/origin.h"

bool hy_cookie_get(const char *header, const char *name, char *out, size_t n) {
    if (!header || !name || n == 0) return false;
    size_t nl = strlen(name);
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ';') p++;
        const char *eq = strchr(p, '=');
        const char *semi = strchr(p, ';');
        if (!semi) semi = p + strlen(p);
        if (eq && eq < semi && (size_t)(eq - p) == nl && strncmp(p, name, nl) == 0) {
            const char *v = eq + 1;
            size_t vl = (size_t)(semi - v);
            while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) vl--;
            if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') v++, vl -= 2;
            if (vl == 0 || vl >= n) return false;
            for (size_t i = 0; i < vl; i++) {
                unsigned char c = (unsigned char)v[i];
                if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == '\\') return false;
            }
            memcpy(out, v, vl);
            out[vl] = '\0';
            return true;
        }
        p = semi;
    }
    return false;
}

const char *hy_req_client_ip(hy_req *req) {
    if (req->srv->cfg->trust_proxy) {
        const char *xff = hy_req_header(req, "X-Forwarded-For");
        if (xff && *xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ') last++;
            size_t n = strcspn(last, " ");
            if (n > 0 && n < 64) return hy_arena_strndup(req->arena, last, n);
        }
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char buf[INET6_ADDRSTRLEN] = "?";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof buf);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof buf);
    }
    return hy_arena_strdup(req->arena, buf);
}

bool hy_req_secure(hy_req *req) {
    const struct hy_server_config *c = req->srv->cfg;
    if (c->public_url && strncmp(c->public_url, "https://", 8) == 0) return true;
    if (c->trust_proxy) {
        const char *p = hy_req_header(req, "X-Forwarded-Proto");
        if (p && strcasecmp(p, "https") == 0) return true;
    }
    return false;
}

struct lookup {
    const char *hash;
    bool cookie;
    hy_arena *a;
    struct hy_principal *who;
    int64_t now, idle, max;
    int64_t token_made_since; /* API tokens made before this are past the lifetime cap */
    bool expired;
    bool touch; /* the session's or token's last use is a minute old or more: record this one */
};

static int lookup_tx(hy_store *s, void *ctx) {
    struct lookup *l = ctx;
    char user_id[HY_ID_LEN + 1];
    l->touch = false;
    if (l->cookie) {
        struct hy_session sess;
        int r = s->ops->session_get(s, l->hash, l->a, &sess);
        if (r <= 0) return r;
        if (l->now - sess.last_seen > l->idle || l->now >= sess.expires_at) {
            l->expired = true;
            return HY_DB_NONE;
        }
        memcpy(user_id, sess.user_id, sizeof user_id);
        l->who->csrf = sess.csrf;
        l->touch = l->now - sess.last_seen >= 60;
    } else {
        int r = s->ops->token_get(s, l->hash, l->now, l->token_made_since, user_id);
        if (r <= 0) return r;
        int64_t used = 0;
        if ((r = s->ops->token_last_used(s, l->hash, &used)) < 0) return r;
        l->touch = l->now - used >= 60;
    }
    struct hy_user u;
    int r = s->ops->user_get(s, user_id, l->a, &u);
    if (r <= 0) return r;
    if (!strcmp(u.status, "suspended")) return HY_DB_NONE;
    memcpy(l->who->user_id, u.id, sizeof l->who->user_id);
    l->who->role = u.role;
    l->who->status = u.status;
    l->who->name = u.name;
    l->who->signed_in = true;
    l->who->via_cookie = l->cookie;
    return HY_DB_ONE;
}

struct touch {
    const char *hash;
    int64_t now;
    bool remove, token;
};

static int touch_tx(hy_store *s, void *ctx) {
    struct touch *t = ctx;
    if (t->token) return s->ops->token_touch(s, t->hash, t->now);
    return t->remove ? s->ops->session_delete(s, t->hash) : s->ops->session_touch(s, t->hash, t->now);
}

const struct hy_principal *hy_req_principal(hy_req *req) {
    if (req->who) return req->who;
    struct hy_principal *who = hy_arena_zalloc(req->arena, sizeof *who);
    if (!who) return NULL;
    req->who = who;
    char token[128];
    bool cookie = false;
    const char *auth = hy_req_header(req, "Authorization");
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        const char *t = auth + 7;
        while (*t == ' ') t++;
        size_t n = strlen(t);
        if (n != HY_TOKEN_LEN) return who;
        memcpy(token, t, n + 1);
    } else if (hy_cookie_get(hy_req_header(req, "Cookie"), HY_SESSION_COOKIE, token, sizeof token)) {
        if (strlen(token) != HY_TOKEN_LEN) return who;
        cookie = true;
    } else {
        return who;
    }
    char hash[HY_TOKEN_HASH_LEN + 1];
    hy_token_hash(token, hash);
    const struct hy_server_config *c = req->srv->cfg;
    int64_t now = hy_clock_now();
    struct lookup l = {hash, cookie, req->arena, who, now, c->session_idle, c->session_max,
                       c->token_max_days ? now - (int64_t)c->token_max_days * 86400 : 0, false,
                       false};
    int r = hy_db_run(req->srv->db, HY_TX_READ, lookup_tx, &l);
    if (r < 0) {
        hy_warn("session lookup failed (%d); treating the caller as anonymous", r);
        memset(who, 0, sizeof *who);
        return who;
    }
    if (l.expired || (who->signed_in && l.touch)) {
        struct touch t = {hash, l.now, l.expired, !cookie && !l.expired};
        if (hy_db_run(req->srv->db, HY_TX_WRITE, touch_tx, &t) < 0)
            hy_warn("could not update a session's or token's last use");
    }
    if (who->signed_in && cookie) memcpy(who->token_hash, hash, sizeof who->token_hash);
    else who->token_hash[0] = '\0';
    if (!who->signed_in) memset(who, 0, sizeof *who);
    return who;
}

/* This server's own origin: --public-url when set, otherwise the request's scheme and Host. */
static bool own_origin(hy_req *req, struct hy_origin *ret) {
    const char *pu = req->srv->cfg->public_url;
    if (pu && *pu) return hy_origin_parse(pu, true, ret);
    return hy_origin_from_host(hy_req_header(req, "Host"), hy_req_secure(req), ret);
}

/* True when `url` (an Origin header, or a Referer with its path when allow_path) names this
 * server's own origin: scheme, host and port. */
static bool same_origin(hy_req *req, const char *url, bool allow_path) {
    struct hy_origin own, theirs;
    return own_origin(req, &own) && hy_origin_parse(url, allow_path, &theirs) &&
           hy_origin_equal(&own, &theirs);
}

/* Under our Referrer-Policy: no-referrer, browsers send "Origin: null" with a form posted by
 * one of our own pages (a POST navigation; fetch() still sends the real origin). Sandboxed
 * frames and pages of other sites with the same policy send "null" too, so "null" alone proves
 * nothing: it counts as our origin only when the browser's Sec-Fetch-Site, which no page can
 * set, says same-origin. */
static bool null_origin_ours(hy_req *req, const char *origin) {
    if (strcmp(origin, "null") != 0) return false;
    const char *site = hy_req_header(req, "Sec-Fetch-Site");
    return site && strcmp(site, "same-origin") == 0;
}

int hy_csrf_check(hy_req *req) {
    const char *origin = hy_req_header(req, "Origin");
    if (origin && !same_origin(req, origin, false) && !null_origin_ours(req, origin)) return 403;
    /* A browser that sends no Origin may still send a Referer: another site's is refused. */
    const char *referer = origin ? NULL : hy_req_header(req, "Referer");
    if (referer && !same_origin(req, referer, true)) return 403;
    const struct hy_principal *who = hy_req_principal(req);
    if (!who || !who->signed_in || !who->via_cookie) return 0;
    if (origin) return 0; /* same origin, checked above */
    const char *token = hy_req_header(req, "X-CSRF-Token");
    if (token && who->csrf && hy_secret_equal(token, who->csrf)) return 0;
    return 403;
}

int hy_session_start(hy_req *req, hy_store *s, const char *user_id, const char **ret_csrf) {
    char token[HY_TOKEN_LEN + 1], hash[HY_TOKEN_HASH_LEN + 1], csrf[HY_TOKEN_LEN + 1];
    hy_token_new(token);
    hy_token_new(csrf);
    hy_token_hash(token, hash);
    int64_t now = hy_clock_now();
    const struct hy_server_config *c = req->srv->cfg;
    int r = s->ops->session_insert(s, hash, user_id, csrf, now, now + c->session_max);
    if (r <= 0) return r < 0 ? r : HY_DB_HARD;
    char *cookie = hy_arena_printf(req->arena,
                                   HY_SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax; "
                                                     "Max-Age=%u%s",
                                   token, c->session_max, hy_req_secure(req) ? "; Secure" : "");
    const char *csrf_copy = hy_arena_strdup(req->arena, csrf);
    if (!cookie || !csrf_copy || hy_req_add_header(req, "Set-Cookie", cookie) < 0)
        return HY_DB_HARD;
    *ret_csrf = csrf_copy;
    return HY_DB_ONE;
}

int hy_session_end(hy_req *req, hy_store *s) {
    const struct hy_principal *who = req->who;
    int r = HY_DB_NONE;
    if (who && who->signed_in && who->via_cookie && who->token_hash[0])
        r = s->ops->session_delete(s, who->token_hash);
    if (r < 0) return r;
    char *cookie = hy_arena_printf(req->arena,
                                   HY_SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Lax; "
                                                     "Max-Age=0%s",
                                   hy_req_secure(req) ? "; Secure" : "");
    if (cookie && hy_req_add_header(req, "Set-Cookie", cookie) < 0) return HY_DB_HARD;
    return r;
}

bool hy_rate_allow(hy_req *req, const char *key, unsigned limit, unsigned window,
                   hy_result *ret_result) {
    bool over = false;
    int st = hy_rate_count(req->srv->db, key, limit, window, &over);
    if (st < 0) {
        *ret_result = hy_reply_store_error(req, st);
        return false;
    }
    if (!over) return true;
    *ret_result = hy_rate_reply(req, window);
    return false;
}

hy_result hy_rate_reply(hy_req *req, unsigned window) {
    char *retry = hy_arena_printf(req->arena, "%u", window);
    /* Retry-After only advises: refused (and logged), the answer is still 429. */
    if (retry) (void)hy_req_add_header(req, "Retry-After", retry);
    return hy_reply_error(req, HY_E_RATE_LIMITED, NULL, NULL);
}

const char *hy_req_actor(const hy_req *req) {
    return req->who && req->who->signed_in ? req->who->user_id : NULL;
}
