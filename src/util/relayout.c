/* relayout.c — records laid out again in another order (relayout.h). */
#include "util/relayout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Drops the records marked in `gone` from src (they stay in record order), updating off[] of
 * the others; returns the bytes kept. len[r] is record r's length. */
static size_t compact(char *src, uint32_t *off, const uint32_t *len, const uint8_t *gone,
                      size_t n) {
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
        if (gone[r / 8] & (1u << (r % 8))) continue;
        if (off[r] != w) memmove(src + w, src + off[r], len[r]);
        off[r] = (uint32_t)w;
        w += len[r];
    }
    return w;
}

int hy_relayout(char **src, uint32_t *off, const uint32_t *order, size_t n, unsigned rounds,
                char *out, uint32_t *ret_off) {
    size_t total = off[n];
    uint32_t *len = malloc((n ? n : 1) * sizeof *len);
    uint8_t *gone = calloc(n / 8 + 1, 1);
    if (!len || !gone) {
        free(len);
        free(gone);
        free(*src);
        *src = NULL;
        return -ENOMEM;
    }
    for (size_t r = 0; r < n; r++)
        len[r] = off[r + 1] - off[r];
    if (!rounds) rounds = 1;
    size_t pos = 0, w = 0;
    for (unsigned k = 1; k <= rounds; k++) {
        /* this round ends where the bytes written reach k / rounds of them all */
        size_t until = k == rounds ? total : total / rounds * k;
        for (; pos < n && (w < until || k == rounds); pos++) {
            uint32_t r = order[pos];
            ret_off[pos] = (uint32_t)w;
            memcpy(out + w, *src + off[r], len[r]);
            w += len[r];
            gone[r / 8] |= (uint8_t)(1u << (r % 8));
        }
        if (k == rounds || pos == n) break;
        size_t kept = compact(*src, off, len, gone, n);
        char *p = realloc(*src, kept ? kept : 1);
        if (p) *src = p; /* a failure to shrink leaves the block as it was */
    }
    ret_off[n] = (uint32_t)w;
    free(len);
    free(gone);
    free(*src);
    *src = NULL;
    return 0;
}
