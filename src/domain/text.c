/* text.c — Persian/Arabic text normalisation (see text.h). */
#include "domain/text.h"

#include <string.h>

uint32_t hy_text_fold(uint32_t cp) {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    switch (cp) {
    case 0x064A: /* ARABIC LETTER YEH */
    case 0x0649: /* ARABIC LETTER ALEF MAKSURA */
        return 0x06CC;
    case 0x0643: /* ARABIC LETTER KAF */
        return 0x06A9;
    case 0x200C: /* ZERO WIDTH NON-JOINER */
    case 0x200D: /* ZERO WIDTH JOINER */
    case 0xFEFF: /* BYTE ORDER MARK */
    case 0x0640: /* TATWEEL */
    case 0x0670: /* SUPERSCRIPT ALEF */
        return 0;
    default:
        break;
    }
    if (cp >= 0x064B && cp <= 0x065F) return 0;            /* harakat and other marks */
    if (cp >= 0x06F0 && cp <= 0x06F9) return '0' + (cp - 0x06F0); /* Persian digits */
    if (cp >= 0x0660 && cp <= 0x0669) return '0' + (cp - 0x0660); /* Arabic-Indic digits */
    return cp;
}

size_t hy_text_decode(const char *s, size_t n, uint32_t *ret_cp) {
    const unsigned char *p = (const unsigned char *)s;
    uint32_t c = p[0];
    size_t len;
    uint32_t min;
    if (c < 0x80) {
        *ret_cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, c &= 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, c &= 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, c &= 0x07, min = 0x10000;
    } else {
        *ret_cp = 0xFFFD;
        return 1;
    }
    if (len > n) {
        *ret_cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *ret_cp = 0xFFFD;
            return 1;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *ret_cp = 0xFFFD;
        return 1;
    }
    *ret_cp = c;
    return len;
}

size_t hy_text_encode(uint32_t cp, char *out) {
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

char *hy_text_normalise(hy_arena *a, const char *s, size_t n) {
    /* Every fold keeps or shortens the encoding (Arabic → Persian letters are 2 bytes each,
     * digits become 1 byte), except U+FFFD for a bad byte (3 bytes for 1): size for that. */
    char *out = hy_arena_alloc(a, n * 3 + 1);
    if (!out) return NULL;
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += hy_text_decode(s + i, n - i, &cp);
        cp = hy_text_fold(cp);
        if (cp) w += hy_text_encode(cp, out + w);
    }
    out[w] = '\0';
    return out;
}
