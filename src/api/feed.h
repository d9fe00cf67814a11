/* feed.h — what the site's feeds (the library's, the news', the fact checks') and the sitemap
 * share: XML escaping, the site's address or tag: name, times in RFC 3339. */
#ifndef HY_API_FEED_H
#define HY_API_FEED_H

#include <stdint.h>

#include "http/http.h"
#include "util/buf.h"

/* Appends s XML-escaped; characters XML 1.0 forbids are left out. */
void hy_feed_xml_put(hy_buf *b, const char *s);

/* Where feeds and the sitemap point. With --public-url: absolute links under it, and the
 * feeds' and entries' ids are those links. Without it the server does not know its address
 * (the request's Host header is whatever the client sent, so it is never used): links are
 * relative to the site, and ids are tag: URIs (RFC 4151) under the store's own random name,
 * made once by the migration that added it, so they stay the same for ever and differ from
 * any other installation's. */
struct hy_feed_site {
    const char *base; /* "https://help.example.org", or "" */
    const char *tag;  /* "tag:hamyari.invalid,2020:<32 hex digits>", or NULL with a base */
};

/* 0, or a store status < 0 (answered by the caller). */
int hy_feed_site_get(hy_req *req, struct hy_feed_site *ret);

/* t (Unix seconds) as "YYYY-MM-DDTHH:MM:SSZ". */
void hy_feed_time(int64_t t, char out[32]);

/* The listed query parameters that are set, as a query string ("?a=1&b=x%20y"; "" for none),
 * in the order listed whatever order the request gave them, so a feed's id and links are one
 * per filter. NULL when out of memory. */
const char *hy_feed_query(hy_req *req, const char *const *names, size_t n);

#endif
