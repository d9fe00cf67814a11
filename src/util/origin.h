/* origin.h — a web origin (scheme, host, port) read from a URL, an Origin or Referer header,
 * or a Host header, and compared the way browsers do: the scheme and host in any letter case,
 * a missing port as the scheme's default (80 for http, 443 for https). */
#ifndef HY_ORIGIN_H
#define HY_ORIGIN_H

#include <stdbool.h>
#include <stddef.h>

#define HY_ORIGIN_HOST_MAX 255

struct hy_origin {
    bool https;                          /* false: http */
    char host[HY_ORIGIN_HOST_MAX + 1];   /* lower case; an IPv6 address keeps its brackets */
    unsigned port;                       /* 1 .. 65535, the default filled in */
};

/* Reads the origin of `url`: "http://" or "https://", a host, an optional ":port", then the
 * end or a path, query or fragment (taken only when allow_path; an Origin header has none).
 * Refuses user information ("user@host"), an empty or overlong host, a host with characters
 * outside letters, digits, '.', '-' (or a bracketed IPv6 address), and a port outside
 * 1 .. 65535. True and *ret filled on success; *ret untouched otherwise. */
bool hy_origin_parse(const char *url, bool allow_path, struct hy_origin *ret);

/* Reads a Host header ("host" or "host:port") for a request that came over https or not.
 * Same rules as hy_origin_parse() for the host and port. */
bool hy_origin_from_host(const char *host, bool https, struct hy_origin *ret);

/* True when both name the same scheme, host and port. */
bool hy_origin_equal(const struct hy_origin *a, const struct hy_origin *b);

#endif
