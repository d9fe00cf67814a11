/* dictpack.c — short texts packed against one shared dictionary (util/dictpack.h). */
#include "util/dictpack.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HASH_BITS 12
#define CHAIN_MAX 256 /* candidates tried per position (the dictionary is small) */
#define ESCAPE 0x1F
#define HEX_RUN 0x1E
#define HEX_LEN 32

struct hy_dictpack {
    size_t n;
    int16_t head[1 << HASH_BITS];       /* the newest dictionary offset with this hash, -1 */
    int16_t next[HY_DICTPACK_DICT_MAX]; /* the next older one, -1 */
    unsigned char dict[HY_DICTPACK_DICT_MAX];
};

static unsigned hash4(const unsigned char *p) {
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

hy_dictpack *hy_dictpack_new(const void *dict, size_t n) {
    if (n > HY_DICTPACK_DICT_MAX) return NULL;
    hy_dictpack *d = malloc(sizeof *d);
    if (!d) return NULL;
    d->n = n;
    if (n) memcpy(d->dict, dict, n);
    memset(d->head, 0xFF, sizeof d->head);
    for (size_t i = 0; i + HY_DICTPACK_MIN <= n; i++) {
        unsigned h = hash4(d->dict + i);
        d->next[i] = d->head[h];
        d->head[h] = (int16_t)i;
    }
    return d;
}

hy_dictpack *hy_dictpack_free(hy_dictpack *d) {
    free(d);
    return NULL;
}

static int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static bool hex_run(const unsigned char *p, size_t left) {
    if (left < HEX_LEN) return false;
    for (size_t i = 0; i < HEX_LEN; i++)
        if (hex_value(p[i]) < 0) return false;
    return true;
}

/* The longest dictionary match of t[0..left), its offset in *ret_off; 0 when none is as long
 * as HY_DICTPACK_MIN. */
static size_t longest(const hy_dictpack *d, const unsigned char *t, size_t left, size_t *ret_off) {
    if (left < HY_DICTPACK_MIN) return 0;
    size_t best = 0, most = left < HY_DICTPACK_MAX_COPY ? left : HY_DICTPACK_MAX_COPY;
    int tries = CHAIN_MAX;
    for (int16_t at = d->head[hash4(t)]; at >= 0 && tries-- > 0; at = d->next[at]) {
        size_t off = (size_t)at, room = d->n - off, m = 0, lim = most < room ? most : room;
        while (m < lim && d->dict[off + m] == t[m]) m++;
        if (m > best) {
            best = m;
            *ret_off = off;
            if (m == most) break;
        }
    }
    return best >= HY_DICTPACK_MIN ? best : 0;
}

int hy_dictpack_pack(const hy_dictpack *d, const void *text, size_t n, hy_buf *out) {
    const unsigned char *t = text;
    for (size_t i = 0; i < n;) {
        unsigned char tok[1 + HEX_LEN / 2];
        size_t len = 0, off = 0, used;
        if (hex_run(t + i, n - i)) {
            tok[len++] = HEX_RUN;
            for (size_t k = 0; k < HEX_LEN; k += 2)
                tok[len++] = (unsigned char)((unsigned)hex_value(t[i + k]) << 4 |
                                             (unsigned)hex_value(t[i + k + 1]));
            used = HEX_LEN;
        } else if ((used = longest(d, t + i, n - i, &off)) > 0) {
            uint32_t v = (uint32_t)(used - HY_DICTPACK_MIN) << 13 | (uint32_t)off;
            tok[len++] = (unsigned char)(v >> 16);
            tok[len++] = (unsigned char)(v >> 8);
            tok[len++] = (unsigned char)v;
        } else {
            if (t[i] < 0x20) tok[len++] = ESCAPE;
            tok[len++] = t[i];
            used = 1;
        }
        int r = hy_buf_append(out, tok, len);
        if (r) return r;
        i += used;
    }
    return hy_buf_reserve(out, 0);
}

static const char HEX[] = "0123456789abcdef";

int hy_dictpack_unpack(const void *dict, size_t ndict, const void *p, size_t n, hy_buf *out) {
    if (out->err) return out->err;
    const unsigned char *s = p, *end = s + n, *dk = dict;
    char *w = out->data, *wend = w; /* room is made before each token that could overrun */
    if (w) w += out->len, wend = out->data + out->size - 1;
    bool bad = false;
    while (s < end) {
        /* Every token writes at most HY_DICTPACK_MAX_COPY bytes. */
        if (wend - w < HY_DICTPACK_MAX_COPY || !w) {
            if (w) out->len = (size_t)(w - out->data);
            int r = hy_buf_reserve(out, HY_DICTPACK_MAX_COPY * 8);
            if (r) return r;
            w = out->data + out->len;
            wend = out->data + out->size - 1;
        }
        unsigned char c = *s++;
        if (c >= 0x20) {
            /* a run of literal bytes, as far as the room goes */
            *w++ = (char)c;
            /* eight bytes at a time while none of them is below 0x20 (a word has a byte
             * below n <= 128 exactly when (x - n*0x01..01) & ~x & 0x80..80 is not zero) */
            while (end - s >= 8 && wend - w >= 8) {
                uint64_t x;
                memcpy(&x, s, 8);
                if ((x - 0x2020202020202020u) & ~x & 0x8080808080808080u) break;
                memcpy(w, s, 8);
                s += 8;
                w += 8;
            }
            while (s < end && *s >= 0x20 && w < wend) *w++ = (char)*s++;
        } else if (c == ESCAPE) {
            if (s == end) {
                bad = true;
                break;
            }
            *w++ = (char)*s++;
        } else if (c == HEX_RUN) {
            if ((size_t)(end - s) < HEX_LEN / 2) {
                bad = true;
                break;
            }
            for (size_t k = 0; k < HEX_LEN / 2; k++) {
                w[2 * k] = HEX[s[k] >> 4];
                w[2 * k + 1] = HEX[s[k] & 15];
            }
            s += HEX_LEN / 2;
            w += HEX_LEN;
        } else {
            if (end - s < 2) {
                bad = true;
                break;
            }
            uint32_t v = (uint32_t)c << 16 | (uint32_t)s[0] << 8 | s[1];
            size_t off = v & 0x1FFF, len = (v >> 13) + HY_DICTPACK_MIN;
            if (off > ndict || len > ndict - off) {
                bad = true;
                break;
            }
            s += 2;
            memcpy(w, dk + off, len);
            w += len;
        }
    }
    if (w) {
        out->len = (size_t)(w - out->data);
        out->data[out->len] = '\0';
    }
    return bad ? -3 : HY_BUF_OK;
}
