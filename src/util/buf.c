#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t buf_cap(const hy_buf *b) { return b->cap ? b->cap : (size_t)1 << 30; }

/* Records the first failure; every later call returns it. */
static int buf_fail(hy_buf *b, int err) {
    if (b->err == HY_BUF_OK) b->err = err;
    return b->err;
}

int hy_buf_error(const hy_buf *b) { return b->err; }

int hy_buf_reserve(hy_buf *b, size_t n) {
    if (b->err) return b->err;
    size_t cap = buf_cap(b);
    if (n > cap || b->len > cap - n) return buf_fail(b, HY_BUF_TOO_LARGE);
    size_t need = b->len + n + 1;
    if (need <= b->size) return HY_BUF_OK;
    size_t size = b->size ? b->size : 256;
    while (size < need) size = size > (SIZE_MAX / 2) ? need : size * 2;
    char *p = realloc(b->data, size);
    if (!p) return buf_fail(b, HY_BUF_NOMEM);
    if (!b->data) p[0] = '\0'; /* a fresh buffer is an empty string */
    b->data = p;
    b->size = size;
    return HY_BUF_OK;
}

int hy_buf_append(hy_buf *b, const void *p, size_t n) {
    int r = hy_buf_reserve(b, n);
    if (r) return r;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return HY_BUF_OK;
}

int hy_buf_puts(hy_buf *b, const char *s) { return hy_buf_append(b, s, strlen(s)); }

int hy_buf_putc(hy_buf *b, char c) { return hy_buf_append(b, &c, 1); }

int hy_buf_vprintf(hy_buf *b, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    if (b->err) {
        va_end(ap2);
        return b->err;
    }
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return buf_fail(b, HY_BUF_NOMEM);
    int r = hy_buf_reserve(b, (size_t)n);
    if (r) return r;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return HY_BUF_OK;
}

int hy_buf_printf(hy_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = hy_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return r;
}

void hy_buf_reset(hy_buf *b) {
    b->len = 0;
    b->err = HY_BUF_OK;
    if (b->data) b->data[0] = '\0';
}

void hy_buf_free(hy_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->size = 0;
    b->err = HY_BUF_OK;
}

char *hy_buf_steal(hy_buf *b, size_t *ret_len) {
    if (hy_buf_reserve(b, 0)) {
        hy_buf_free(b);
        return NULL;
    }
    char *p = b->data;
    if (ret_len) *ret_len = b->len;
    b->data = NULL;
    b->len = b->size = 0;
    return p;
}
