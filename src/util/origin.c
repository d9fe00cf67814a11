#include "util/origin.h"

#include <string.h>
#include <strings.h>

/* Reads "host[:port]" from s[0 .. n) into *o (scheme already set). */
static bool read_authority(const char *s, size_t n, struct hy_origin *o) {
    size_t host_len;
    const char *rest;
    if (n > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close) return false;
        host_len = (size_t)(close - s) + 1;
        for (size_t i = 1; i + 1 < host_len; i++) {
            char c = s[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                  c == ':' || c == '.'))
                return false;
        }
        if (host_len < 4) return false; /* "[::]" is the shortest */
    } else {
        const char *colon = memchr(s, ':', n);
        host_len = colon ? (size_t)(colon - s) : n;
        for (size_t i = 0; i < host_len; i++) {
            char c = s[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '.' || c == '-'))
                return false;
        }
    }
    if (host_len == 0 || host_len > HY_ORIGIN_HOST_MAX) return false;
    rest = s + host_len;
    size_t rest_len = n - host_len;
    unsigned port = o->https ? 443 : 80;
    if (rest_len > 0) {
        if (rest[0] != ':' || rest_len < 2 || rest_len > 6) return false;
        port = 0;
        for (size_t i = 1; i < rest_len; i++) {
            if (rest[i] < '0' || rest[i] > '9') return false;
            port = port * 10 + (unsigned)(rest[i] - '0');
        }
        if (port == 0 || port > 65535) return false;
    }
    for (size_t i = 0; i < host_len; i++) {
        char c = s[i];
        o->host[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    o->host[host_len] = '\0';
    o->port = port;
    return true;
}

bool hy_origin_parse(const char *url, bool allow_path, struct hy_origin *ret) {
    if (!url) return false;
    struct hy_origin o;
    const char *p;
    if (strncasecmp(url, "https://", 8) == 0) {
        o.https = true;
        p = url + 8;
    } else if (strncasecmp(url, "http://", 7) == 0) {
        o.https = false;
        p = url + 7;
    } else {
        return false;
    }
    size_t n = strcspn(p, "/?#");
    if (p[n] && !allow_path) return false;
    if (memchr(p, '@', n)) return false;
    if (!read_authority(p, n, &o)) return false;
    *ret = o;
    return true;
}

bool hy_origin_from_host(const char *host, bool https, struct hy_origin *ret) {
    if (!host) return false;
    struct hy_origin o;
    o.https = https;
    if (!read_authority(host, strlen(host), &o)) return false;
    *ret = o;
    return true;
}

bool hy_origin_equal(const struct hy_origin *a, const struct hy_origin *b) {
    return a->https == b->https && a->port == b->port && strcmp(a->host, b->host) == 0;
}
