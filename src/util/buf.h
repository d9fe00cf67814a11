/* buf.h — a growable byte buffer with a hard cap, whose errors stick.
 *
 * Appending past the cap fails with HY_BUF_TOO_LARGE (out of memory: HY_BUF_NOMEM) and leaves
 * the contents as they were, so a caller can turn an oversized input into a clean 413 instead
 * of unbounded memory use. The first failure sticks: every later append, printf or reserve
 * fails with the same error, even one that would fit, and hy_buf_steal() hands back NULL. So a
 * writer may make many appends and check once, at the end, with hy_buf_error() (or the result
 * of the last call, or of hy_buf_steal()), and never ship a text with a piece missing from its
 * middle. hy_buf_reset() and hy_buf_free() clear the error.
 *
 * The buffer always keeps a NUL after its contents, so `data` can be used as a C string. */
#ifndef HY_BUF_H
#define HY_BUF_H

#include <stdarg.h>
#include <stddef.h>

enum { HY_BUF_OK = 0, HY_BUF_NOMEM = -1, HY_BUF_TOO_LARGE = -2 };

typedef struct hy_buf {
    char *data;  /* owned; NULL until the first append */
    size_t len;  /* bytes used, not counting the trailing NUL */
    size_t size; /* bytes allocated */
    size_t cap;  /* the most `len` may become; 0 = 1 GiB */
    int err;     /* HY_BUF_OK, or the first failure (it sticks) */
} hy_buf;

#define HY_BUF_INIT(capacity) {NULL, 0, 0, (capacity), HY_BUF_OK}

/* Each returns HY_BUF_OK, or the buffer's error (the first failure, now or earlier). */
int hy_buf_append(hy_buf *b, const void *p, size_t n);
int hy_buf_puts(hy_buf *b, const char *s);
int hy_buf_putc(hy_buf *b, char c);
int hy_buf_printf(hy_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int hy_buf_vprintf(hy_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Makes room for `n` more bytes without changing len. */
int hy_buf_reserve(hy_buf *b, size_t n);
/* HY_BUF_OK, or the error that stuck. */
int hy_buf_error(const hy_buf *b);
/* Empties the buffer (keeping its memory) and clears its error. */
void hy_buf_reset(hy_buf *b);
/* Frees the contents and clears the error; the buffer can be used again. */
void hy_buf_free(hy_buf *b);
/* Hands the contents to the caller (free() them) and empties the buffer. After an error it
 * frees the contents instead and returns NULL. */
char *hy_buf_steal(hy_buf *b, size_t *ret_len);

#endif
