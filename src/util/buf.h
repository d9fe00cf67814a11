/* buf.h — a growable byte buffer with a hard cap.
 *
 * Appending past the cap fails with HY_BUF_TOO_LARGE and leaves the buffer as it was, so a
 * caller can turn an oversized input into a clean 413 instead of unbounded memory use. The
 * buffer always keeps a NUL after its contents, so `data` can be used as a C string. */
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
} hy_buf;

#define HY_BUF_INIT(capacity) {NULL, 0, 0, (capacity)}

int hy_buf_append(hy_buf *b, const void *p, size_t n);
int hy_buf_puts(hy_buf *b, const char *s);
int hy_buf_putc(hy_buf *b, char c);
int hy_buf_printf(hy_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int hy_buf_vprintf(hy_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Makes room for `n` more bytes without changing len. */
int hy_buf_reserve(hy_buf *b, size_t n);
void hy_buf_reset(hy_buf *b);
/* Frees the contents; the buffer can be used again. */
void hy_buf_free(hy_buf *b);
/* Hands the contents to the caller (free() them) and empties the buffer. */
char *hy_buf_steal(hy_buf *b, size_t *ret_len);

#endif
