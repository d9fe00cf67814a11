/* feed.c — what the feeds and the sitemap share (api/feed.h). */
#include "api/feed.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "http/replica.h"
#include "store/store.h"

void hy_feed_xml_put(hy_buf *b, const char *s) {
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '&': hy_buf_puts(b, "&amp;"); break;
        case '<': hy_buf_puts(b, "&lt;"); break;
        case '>': hy_buf_puts(b, "&gt;"); break;
        case '"': hy_buf_puts(b, "&quot;"); break;
        case '\'': hy_buf_puts(b, "&apos;"); break;
        default:
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') break;
            hy_buf_putc(b, (char)*p);
        }
    }
}

static int site_tag_tx(hy_store *s, void *ctx) {
    char **v = ctx;
    return s->ops->meta_get(s, "feed_tag", v);
}

int hy_feed_site_get(hy_req *req, struct hy_feed_site *ret) {
    const char *pub = req->srv->cfg->public_url;
    if (pub && *pub) {
        size_t n = strlen(pub);
        while (n && pub[n - 1] == '/') n--;
        ret->base = hy_arena_strndup(req->arena, pub, n);
        ret->tag = NULL;
        return ret->base ? 0 : HY_DB_HARD;
    }
    char *v = NULL;
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, site_tag_tx, &v);
    if (r < 0) return r;
    ret->base = "";
    ret->tag = hy_arena_printf(req->arena, "tag:hamyari.invalid,2020:%s", r == HY_DB_ONE && v ? v : "site");
    free(v);
    return ret->tag ? 0 : HY_DB_HARD;
}

void hy_feed_time(int64_t t, char out[32]) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *hy_feed_query(hy_req *req, const char *const *names, size_t n) {
    hy_buf b = HY_BUF_INIT(4096);
    for (size_t i = 0; i < n; i++) {
        const char *v = hy_req_query(req, names[i]);
        if (!v || !*v) continue;
        hy_buf_printf(&b, "%c%s=", b.len ? '&' : '?', names[i]);
        for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == ',')
                hy_buf_putc(&b, (char)*p);
            else
                hy_buf_printf(&b, "%%%02X", *p);
        }
    }
    const char *r = hy_buf_error(&b) ? NULL : hy_arena_strdup(req->arena, b.data ? b.data : "");
    hy_buf_free(&b);
    return r;
}
