/* multipart.c — multipart/form-data bodies (multipart.h). */
#include "util/multipart.h"

#include <string.h>
#include <strings.h>

/* Finds needle[0..m) in p[0..n); NULL when absent. */
static const char *find(const char *p, size_t n, const char *needle, size_t m) {
    if (m == 0 || n < m) return NULL;
    const char *end = p + n - m;
    for (const char *q = p; q <= end; q++) {
        q = memchr(q, needle[0], (size_t)(end - q) + 1);
        if (!q) return NULL;
        if (!memcmp(q, needle, m)) return q;
    }
    return NULL;
}

/* The value of parameter `name` in a header value "type; a=b; name="x"" (quoted or not), in
 * the arena; NULL when absent. */
static const char *param(const char *v, size_t n, const char *name, hy_arena *a) {
    size_t k = strlen(name);
    const char *end = v + n;
    const char *p = memchr(v, ';', n);
    while (p && p < end) {
        p++;
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if ((size_t)(end - p) > k && !strncasecmp(p, name, k) && p[k] == '=') {
            p += k + 1;
            if (p < end && *p == '"') {
                p++;
                char *out = hy_arena_alloc(a, (size_t)(end - p) + 1);
                size_t w = 0;
                while (p < end && *p != '"') {
                    if (*p == '\\' && p + 1 < end) p++;
                    out[w++] = *p++;
                }
                if (p >= end) return NULL; /* no closing quote */
                out[w] = '\0';
                return out;
            }
            const char *q = p;
            while (q < end && *q != ';' && *q != ' ' && *q != '\t') q++;
            return hy_arena_strndup(a, p, (size_t)(q - p));
        }
        p = memchr(p, ';', (size_t)(end - p));
    }
    return NULL;
}

const char *hy_mp_boundary(const char *content_type, hy_arena *a) {
    static const char type[] = "multipart/form-data";
    if (!content_type) return NULL;
    while (*content_type == ' ') content_type++;
    size_t t = sizeof type - 1;
    if (strncasecmp(content_type, type, t) || (content_type[t] && content_type[t] != ';' &&
                                                 content_type[t] != ' '))
        return NULL;
    const char *b = param(content_type, strlen(content_type), "boundary", a);
    if (!b) return NULL;
    size_t n = strlen(b);
    if (n == 0 || n > 70) return NULL;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)b[i] < 0x20 || (unsigned char)b[i] > 0x7e) return NULL;
    return b;
}

/* Reads the headers of one part (h[0..n), CRLF-separated). */
static bool part_headers(const char *h, size_t n, hy_arena *a, struct hy_mp_part *part,
                         const char **ret_error) {
    bool disposition = false;
    const char *end = h + n;
    while (h < end) {
        const char *eol = find(h, (size_t)(end - h), "\r\n", 2);
        const char *line_end = eol ? eol : end;
        const char *colon = memchr(h, ':', (size_t)(line_end - h));
        if (!colon) {
            *ret_error = "A part of the form has a malformed header.";
            return false;
        }
        size_t klen = (size_t)(colon - h);
        const char *v = colon + 1;
        while (v < line_end && (*v == ' ' || *v == '\t')) v++;
        size_t vlen = (size_t)(line_end - v);
        if (klen == 19 && !strncasecmp(h, "Content-Disposition", 19)) {
            if (vlen < 9 || strncasecmp(v, "form-data", 9)) {
                *ret_error = "A part of the form is not form-data.";
                return false;
            }
            disposition = true;
            part->name = param(v, vlen, "name", a);
            part->filename = param(v, vlen, "filename", a);
        } else if (klen == 12 && !strncasecmp(h, "Content-Type", 12)) {
            part->content_type = hy_arena_strndup(a, v, vlen);
        }
        h = eol ? eol + 2 : end;
    }
    if (!disposition || !part->name || !*part->name) {
        *ret_error = "A part of the form has no field name (Content-Disposition: form-data; "
                     "name=…).";
        return false;
    }
    return true;
}

/* Whether q (just past a delimiter) ends one: "--", or optional blanks and CRLF. */
static bool delimiter_end(const char *q, const char *end) {
    if (end - q >= 2 && q[0] == '-' && q[1] == '-') return true;
    while (q < end && (*q == ' ' || *q == '\t')) q++;
    return end - q >= 2 && q[0] == '\r' && q[1] == '\n';
}

/* The next delimiter in p[0..end) that is one (its boundary text followed by "--" or CRLF). */
static const char *next_delimiter(const char *p, const char *end, const char *delim, size_t dlen) {
    while (p < end) {
        const char *q = find(p, (size_t)(end - p), delim, dlen);
        if (!q || delimiter_end(q + dlen, end)) return q;
        p = q + 1;
    }
    return NULL;
}

bool hy_mp_parse(const char *body, size_t n, const char *boundary, hy_arena *a,
                 struct hy_mp_part *ret, size_t max_parts, size_t *ret_n,
                 const char **ret_error) {
    *ret_n = 0;
    /* "\r\n--" boundary: the delimiter before every part but a first one at the very start. */
    const char *delim = hy_arena_printf(a, "\r\n--%s", boundary);
    size_t dlen = strlen(delim);
    const char *p;
    if (n >= dlen - 2 && !memcmp(body, delim + 2, dlen - 2)) p = body + dlen - 2;
    else {
        const char *q = next_delimiter(body, body + n, delim, dlen);
        if (!q) {
            *ret_error = "The body does not hold the form's boundary.";
            return false;
        }
        p = q + dlen;
    }
    const char *end = body + n;
    for (;;) {
        /* After a delimiter: "--" closes the form; else CRLF and a part. */
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') return true;
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
            *ret_error = "The form ends before its closing boundary.";
            return false;
        }
        p += 2;
        if (*ret_n == max_parts) {
            *ret_error = "The form has too many parts.";
            return false;
        }
        size_t left = (size_t)(end - p);
        const char *hend = find(p, left < HY_MP_HEADERS_MAX + 4 ? left : HY_MP_HEADERS_MAX + 4,
                                "\r\n\r\n", 4);
        const char *data;
        if (left >= 2 && p[0] == '\r' && p[1] == '\n') { /* no headers at all */
            hend = p;
            data = p + 2;
        } else if (!hend) {
            *ret_error = left > HY_MP_HEADERS_MAX
                             ? "A part of the form has headers that are too long."
                             : "The form ends before its closing boundary.";
            return false;
        } else {
            data = hend + 4;
        }
        struct hy_mp_part *part = &ret[*ret_n];
        memset(part, 0, sizeof *part);
        if (!part_headers(p, (size_t)(hend - p), a, part, ret_error)) return false;
        const char *next = next_delimiter(data, end, delim, dlen);
        if (!next) {
            *ret_error = "The form ends before its closing boundary.";
            return false;
        }
        part->data = data;
        part->len = (size_t)(next - data);
        (*ret_n)++;
        p = next + dlen;
    }
}
