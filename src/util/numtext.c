#include "util/numtext.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 code point at s[*i] (the text is not known to be valid); -1 when bad. */
static int32_t next_cp(const unsigned char *s, size_t n, size_t *i) {
    unsigned char c = s[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 0;
    if (!len || *i + len > n) return -1;
    int32_t cp = c & (len == 2 ? 0x1f : 0x0f);
    for (size_t k = 1; k < len; k++) {
        if ((s[*i + k] & 0xc0) != 0x80) return -1;
        cp = (cp << 6) | (s[*i + k] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800)) return -1;
    *i += len;
    return cp;
}

static bool invisible(int32_t cp) {
    return cp == 0x200e || cp == 0x200f || cp == 0x061c || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

static bool blank(int32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
           cp == 0xa0 || cp == 0x202f;
}

enum { T_DIGIT, T_POINT, T_GROUP, T_COMMA, T_SIGN, T_BLANK };

/* Classifies one code point: a token kind, with *digit or *neg set; -1 for anything else. */
static int classify(int32_t cp, int *digit, bool *neg) {
    if (cp >= '0' && cp <= '9') return *digit = cp - '0', T_DIGIT;
    if (cp >= 0x06f0 && cp <= 0x06f9) return *digit = cp - 0x06f0, T_DIGIT;
    if (cp >= 0x0660 && cp <= 0x0669) return *digit = cp - 0x0660, T_DIGIT;
    if (cp == '.' || cp == 0x066b) return T_POINT;
    if (cp == 0x066c) return T_GROUP;
    if (cp == ',' || cp == 0x060c) return T_COMMA;
    if (cp == '+') return *neg = false, T_SIGN;
    if (cp == '-' || cp == 0x2212) return *neg = true, T_SIGN;
    if (blank(cp)) return T_BLANK;
    return -1;
}

bool hy_number_parse(const char *s, size_t n, bool decimal, double *ret) {
    if (!s || n == 0 || n > HY_NUMBER_TEXT_MAX) return false;
    const unsigned char *u = (const unsigned char *)s;
    /* First pass: the tokens, without direction marks and surrounding blanks. */
    unsigned char kind[HY_NUMBER_TEXT_MAX];
    unsigned char value[HY_NUMBER_TEXT_MAX];
    size_t count = 0;
    bool neg = false;
    for (size_t i = 0; i < n;) {
        int32_t cp = next_cp(u, n, &i);
        if (cp < 0) return false;
        if (invisible(cp)) continue;
        int digit = 0;
        bool minus = false;
        int k = classify(cp, &digit, &minus);
        if (k < 0) return false;
        if (k == T_SIGN) { /* one sign, before everything but blanks */
            for (size_t j = 0; j < count; j++)
                if (kind[j] != T_BLANK) return false;
            neg = minus;
        }
        kind[count] = (unsigned char)k;
        value[count++] = (unsigned char)digit;
    }
    size_t a = 0, b = count;
    while (a < b && kind[a] == T_BLANK) a++;
    while (b > a && kind[b - 1] == T_BLANK) b--;
    if (a < b && kind[a] == T_SIGN) a++;
    size_t points = 0, groups = 0, commas = 0;
    for (size_t i = a; i < b; i++) {
        if (kind[i] == T_BLANK || kind[i] == T_SIGN) return false;
        points += kind[i] == T_POINT;
        groups += kind[i] == T_GROUP;
        commas += kind[i] == T_COMMA;
    }
    if (points > 1) return false;
    bool comma_is_point = decimal && points == 0 && groups == 0 && commas == 1;
    /* Second pass: ASCII text for strtod, checking where grouping separators stand. */
    char out[HY_NUMBER_TEXT_MAX + 2];
    size_t w = 0;
    if (neg) out[w++] = '-';
    size_t run = 0, whole_digits = 0, frac_digits = 0;
    bool grouped = false, in_fraction = false;
    for (size_t i = a; i < b; i++) {
        int k = kind[i];
        if (k == T_COMMA && comma_is_point) k = T_POINT;
        if (k == T_DIGIT) {
            out[w++] = (char)('0' + value[i]);
            run++;
            if (in_fraction) frac_digits++;
            else whole_digits++;
        } else if (k == T_POINT) {
            if (grouped && run != 3) return false;
            in_fraction = true;
            run = 0;
            out[w++] = '.';
        } else { /* a thousands separator */
            if (in_fraction || run == 0 || run > 3 || (grouped && run != 3)) return false;
            grouped = true;
            run = 0;
        }
    }
    if (!in_fraction && grouped && run != 3) return false;
    if (whole_digits + frac_digits == 0) return false;
    out[w] = '\0';
    char *end;
    double d = strtod(out, &end);
    if (*end || !isfinite(d)) return false;
    *ret = d;
    return true;
}

bool hy_number_list(const char *s, size_t count, double *ret) {
    if (!s || count == 0) return false;
    for (size_t i = 0; i < count; i++) {
        const char *comma = strchr(s, ',');
        if ((comma != NULL) != (i + 1 < count)) return false;
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        if (!hy_number_parse(s, n, true, &ret[i])) return false;
        if (comma) s = comma + 1;
    }
    return true;
}
