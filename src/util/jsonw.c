/* jsonw.c — see jsonw.h. */
#include "util/jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hy_jw_string(hy_buf *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF"; /* jansson writes \u001F */
    int r = hy_buf_putc(b, '"');
    const char *run = s; /* bytes copied as they are, up to p */
    const char *p = s;
    for (; r == HY_BUF_OK && *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        r = hy_buf_append(b, run, (size_t)(p - run));
        char esc[6] = {'\\', 0};
        size_t n = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        if (r == HY_BUF_OK) r = hy_buf_append(b, esc, n);
        run = p + 1;
    }
    if (r == HY_BUF_OK) r = hy_buf_append(b, run, (size_t)(p - run));
    return r == HY_BUF_OK ? hy_buf_putc(b, '"') : r;
}

int hy_jw_number(hy_buf *b, double v) {
    if (!isfinite(v)) return hy_buf_puts(b, "null");
    char t[40];
    /* Whole numbers below 10^15 (counts, sums of counts) print as "%.15g" would, without the
     * cost of formatting a double and reading it back. */
    if (v == trunc(v) && fabs(v) < 1e15 && !(v == 0 && signbit(v))) {
        snprintf(t, sizeof t, "%lld", (long long)v);
        return hy_buf_puts(b, t);
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(t, sizeof t, "%.*g", digits, v);
        if (strtod(t, NULL) == v) break;
    }
    return hy_buf_puts(b, t);
}

int hy_jw_real(hy_buf *b, double v) {
    char t[40];
    int n = snprintf(t, sizeof t, "%.15g", v);
    if (n < 0 || (size_t)n >= sizeof t - 3) return HY_BUF_NOMEM;
    char *e = strchr(t, 'e');
    if (!e) {
        if (!strchr(t, '.')) memcpy(t + n, ".0", 3);
    } else {
        /* "1e+20" -> "1e20", "1e-05" -> "1e-5" */
        char *q = e + 1, *from = e + 1;
        if (*from == '+') from++;
        else if (*from == '-') q++, from++;
        while (*from == '0' && from[1]) from++;
        memmove(q, from, strlen(from) + 1);
    }
    return hy_buf_puts(b, t);
}

int hy_jw_int(hy_buf *b, int64_t v) {
    /* digits from the end, without printf's format parsing (every distance in a nearest
     * answer goes through here) */
    char t[24];
    char *p = t + sizeof t;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    return hy_buf_append(b, p, (size_t)(t + sizeof t - p));
}

int hy_jw_key(hy_buf *b, const char *key) {
    int r = hy_jw_string(b, key);
    return r == HY_BUF_OK ? hy_buf_putc(b, ':') : r;
}
