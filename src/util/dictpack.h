/* dictpack.h — short texts packed against one shared dictionary, unpacked with nothing to set
 * up: each text is a sequence of literal bytes and copies out of the dictionary (no window, no
 * state between texts), so unpacking one is a loop of small copies.
 *
 * Made for many short, similar texts kept in memory and read a few at a time (the answer
 * bytes of each group in the groups index, app/grindex.h). The format, byte by byte:
 *   0x20..0xFF          the byte itself;
 *   0x1F b              the byte b (any byte: the escape for bytes below 0x20);
 *   0x1E + 16 bytes     32 lowercase hexadecimal digits (an id), two to a byte, high first;
 *   c b1 b2, c < 0x1E   a copy from the dictionary: v = c << 16 | b1 << 8 | b2, offset
 *                       v & 0x1FFF, length (v >> 13) + HY_DICTPACK_MIN.
 * JSON text has no raw bytes below 0x20, so it needs no escapes. */
#ifndef HY_UTIL_DICTPACK_H
#define HY_UTIL_DICTPACK_H

#include <stddef.h>

#include "util/buf.h"

#define HY_DICTPACK_DICT_MAX 8192 /* the offset has 13 bits */
#define HY_DICTPACK_MIN 4         /* the shortest copy (a copy costs 3 bytes) */
#define HY_DICTPACK_MAX_COPY (HY_DICTPACK_MIN + (0x1DFFFF >> 13))

typedef struct hy_dictpack hy_dictpack;

/* A packer over dict[0..n) (n at most HY_DICTPACK_DICT_MAX; the bytes are copied). NULL when
 * out of memory or n is too large. */
hy_dictpack *hy_dictpack_new(const void *dict, size_t n);
/* Accepts NULL; returns NULL. */
hy_dictpack *hy_dictpack_free(hy_dictpack *d);
/* Appends text[0..n) packed to out. HY_BUF_OK or out's error. */
int hy_dictpack_pack(const hy_dictpack *d, const void *text, size_t n, hy_buf *out);
/* Appends the text that p[0..n) packs, against dict[0..ndict) (the packer's dictionary), to
 * out, NUL-terminated as hy_buf keeps it. HY_BUF_OK, out's error, or -3 when p is not a
 * packed text of this dictionary (then out holds some bytes more). */
int hy_dictpack_unpack(const void *dict, size_t ndict, const void *p, size_t n, hy_buf *out);

#endif
