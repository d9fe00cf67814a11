/* markdown.c — Markdown to safe HTML and plain text with md4c (see markdown.h). */
#include "domain/markdown.h"

#include <errno.h>
#include <md4c-html.h>
#include <md4c.h>
#include <string.h>
#include <strings.h>

#include "domain/text.h"
#include "util/buf.h"

#define MD_FLAGS                                                                              \
    (MD_FLAG_NOHTML | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEURLAUTOLINKS |   \
     MD_FLAG_PERMISSIVEEMAILAUTOLINKS)

/* Rendered output is capped: a body is at most 100,000 code points of Markdown. */
#define MD_OUT_MAX ((size_t)8 * 1024 * 1024)

bool hy_md_url_safe(const char *url, size_t n) {
    /* A scheme is letters, digits, + - . before the first ':' that comes before any / ? #. */
    size_t i = 0;
    while (i < n && url[i] != ':' && url[i] != '/' && url[i] != '?' && url[i] != '#') i++;
    if (i == n || url[i] != ':') return true; /* no scheme: relative */
    /* Browsers ignore tabs and newlines inside a scheme; md4c escapes them, but be strict:
     * the scheme must be exactly one of ours. */
    if (i == 4 && strncasecmp(url, "http", 4) == 0) return true;
    if (i == 5 && strncasecmp(url, "https", 5) == 0) return true;
    if (i == 6 && strncasecmp(url, "mailto", 6) == 0) return true;
    return false;
}

/* md4c's output callbacks cannot fail: a failed append sticks in the buffer, which
 * hy_md_render() checks once when md4c is done. */
static void html_out(const MD_CHAR *text, MD_SIZE size, void *userdata) {
    (void)hy_buf_append(userdata, text, size);
}

/* Decodes the few HTML entities that an attribute value written by md4c can hold, enough to
 * read the scheme: &amp; &quot; &#x27; &lt; &gt;. Writes at most n bytes into out. */
static size_t attr_decode(const char *v, size_t n, char *out) {
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        if (v[i] == '&') {
            const char *semi = memchr(v + i, ';', n - i);
            if (semi) {
                size_t len = (size_t)(semi - (v + i)) + 1;
                char c = 0;
                if (len == 5 && !memcmp(v + i, "&amp;", 5)) c = '&';
                else if (len == 6 && !memcmp(v + i, "&quot;", 6)) c = '"';
                else if (len == 4 && !memcmp(v + i, "&lt;", 4)) c = '<';
                else if (len == 4 && !memcmp(v + i, "&gt;", 4)) c = '>';
                else if (len == 6 && !memcmp(v + i, "&#x27;", 6)) c = '\'';
                if (c) {
                    out[w++] = c;
                    i += len;
                    continue;
                }
            }
        }
        out[w++] = v[i++];
    }
    return w;
}

/* Copies md4c's HTML into out, checking every href="…" and src="…": an unsafe target becomes
 * "#", and a link to another site gets rel attributes. md4c escapes '"' inside values and raw
 * HTML is off, so every `href="` in the output is an attribute md4c wrote. */
static int sanitise(const char *h, size_t n, hy_buf *out) {
    size_t i = 0;
    while (i < n) {
        const char *next = NULL;
        size_t skip = 0;
        for (size_t k = i; k + 5 < n; k++) {
            if (h[k] == ' ' && (!strncmp(h + k, " href=\"", 7) || !strncmp(h + k, " src=\"", 6))) {
                next = h + k;
                skip = h[k + 1] == 'h' ? 7 : 6;
                break;
            }
        }
        if (!next) return hy_buf_append(out, h + i, n - i);
        size_t at = (size_t)(next - h) + skip;
        const char *end = memchr(h + at, '"', n - at);
        if (!end) return -EINVAL;
        size_t vlen = (size_t)(end - (h + at));
        if (hy_buf_append(out, h + i, at - i) < 0) return -ENOMEM;
        char dec[2048];
        size_t dlen = attr_decode(h + at, vlen < sizeof dec ? vlen : sizeof dec, dec);
        bool safe = hy_md_url_safe(dec, dlen);
        if (hy_buf_append(out, safe ? h + at : "#", safe ? vlen : 1) < 0) return -ENOMEM;
        if (hy_buf_putc(out, '"') < 0) return -ENOMEM;
        bool external = safe && skip == 7 && dlen > 4 && (!strncasecmp(dec, "http:", 5) ||
                                                          !strncasecmp(dec, "https:", 6));
        if (external && hy_buf_puts(out, " rel=\"nofollow noopener noreferrer\"") < 0)
            return -ENOMEM;
        i = (size_t)(end - h) + 1;
    }
    return 0;
}

/* ---- plain text ---- */

struct text_ctx {
    hy_buf *out;
    int in_code_block;
};

static void text_sep(hy_buf *b) {
    if (b->len && b->data[b->len - 1] != '\n') (void)hy_buf_putc(b, '\n');
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata) {
    struct text_ctx *c = userdata;
    if (type != MD_BLOCK_DOC && type != MD_BLOCK_UL && type != MD_BLOCK_OL &&
        type != MD_BLOCK_TABLE && type != MD_BLOCK_THEAD && type != MD_BLOCK_TBODY)
        text_sep(c->out);
    if (type == MD_BLOCK_TD || type == MD_BLOCK_TH) (void)hy_buf_putc(c->out, ' ');
    return hy_buf_error(c->out) ? -1 : 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata) {
    struct text_ctx *c = userdata;
    if (type == MD_BLOCK_TD || type == MD_BLOCK_TH) (void)hy_buf_putc(c->out, ' ');
    else text_sep(c->out);
    return hy_buf_error(c->out) ? -1 : 0;
}

static int on_span(MD_SPANTYPE type, void *detail, void *userdata) { return 0; }

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata) {
    struct text_ctx *c = userdata;
    switch (type) {
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
        (void)hy_buf_putc(c->out, type == MD_TEXT_BR ? '\n' : ' ');
        break;
    case MD_TEXT_NULLCHAR:
        break;
    case MD_TEXT_ENTITY: {
        /* Numeric entities and the common named ones; others are left out. */
        static const struct { const char *e, *v; } named[] = {
            {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
            {"&apos;", "'"}, {"&nbsp;", " "}, {"&zwnj;", "\xE2\x80\x8C"},
        };
        for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
            if (strlen(named[i].e) == size && !memcmp(named[i].e, text, size)) {
                return hy_buf_puts(c->out, named[i].v) ? -1 : 0;
            }
        if (size > 3 && text[1] == '#') {
            unsigned long cp = 0;
            bool hex = text[2] == 'x' || text[2] == 'X';
            for (MD_SIZE i = hex ? 3 : 2; i + 1 < size; i++) {
                char ch = text[i];
                unsigned d = (ch >= '0' && ch <= '9')   ? (unsigned)(ch - '0')
                             : (ch >= 'a' && ch <= 'f') ? (unsigned)(ch - 'a' + 10)
                             : (ch >= 'A' && ch <= 'F') ? (unsigned)(ch - 'A' + 10)
                                                        : 99;
                if (d >= (hex ? 16u : 10u) || cp > 0x10FFFF) return 0;
                cp = cp * (hex ? 16 : 10) + d;
            }
            /* Control characters and surrogates are left out. */
            if (cp < 0x20 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
                (cp >= 0x7F && cp < 0xA0))
                return 0;
            char u[4];
            (void)hy_buf_append(c->out, u, hy_text_encode((uint32_t)cp, u));
        }
        break;
    }
    default:
        (void)hy_buf_append(c->out, text, size);
        break;
    }
    return hy_buf_error(c->out) ? -1 : 0;
}

int hy_md_render(hy_arena *a, const char *md, size_t n, char **ret_html, char **ret_text) {
    hy_buf raw = HY_BUF_INIT(MD_OUT_MAX), safe = HY_BUF_INIT(MD_OUT_MAX),
           text = HY_BUF_INIT(MD_OUT_MAX);
    int r = -ENOMEM;
    if (md_html(md, (MD_SIZE)n, html_out, &raw, MD_FLAGS, MD_HTML_FLAG_SKIP_UTF8_BOM) != 0) {
        r = hy_buf_error(&raw) ? -ENOMEM : -EINVAL;
        goto out;
    }
    if (hy_buf_error(&raw)) goto out; /* the output was cut: nothing rather than part */
    if (hy_buf_putc(&raw, '\0') < 0) goto out; /* makes data non-NULL even for empty input */
    raw.len--;
    if (sanitise(raw.data, raw.len, &safe) < 0 || hy_buf_putc(&safe, '\0') < 0) goto out;
    struct text_ctx tc = {&text, 0};
    MD_PARSER parser = {0,          MD_FLAGS, on_enter_block, on_leave_block,
                        on_span,   on_span,     on_text,        NULL,
                        NULL};
    if (md_parse(md, (MD_SIZE)n, &parser, &tc) != 0) {
        r = hy_buf_error(&text) ? -ENOMEM : -EINVAL;
        goto out;
    }
    /* Trim the trailing separator. */
    while (text.len && (text.data[text.len - 1] == '\n' || text.data[text.len - 1] == ' '))
        text.len--;
    char *h = hy_arena_strndup(a, safe.data, safe.len - 1);
    char *t = hy_arena_strndup(a, text.data ? text.data : "", text.len);
    if (!h || !t) goto out;
    *ret_html = h;
    *ret_text = t;
    r = 0;
out:
    hy_buf_free(&raw);
    hy_buf_free(&safe);
    hy_buf_free(&text);
    return r;
}
