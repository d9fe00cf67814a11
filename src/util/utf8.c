#include "util/utf8.h"

bool hy_utf8_valid(const char *str, size_t n, int flags) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c == 0) return false;
            if ((c < 0x20 || c == 0x7f) && c != '\t' && c != '\n' && c != '\r' &&
                !(flags & HY_UTF8_ALLOW_CONTROLS))
                return false;
            i++;
            continue;
        }
        unsigned cp, need;
        if (c >= 0xc2 && c <= 0xdf) {
            cp = c & 0x1f;
            need = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            cp = c & 0x0f;
            need = 2;
        } else if (c >= 0xf0 && c <= 0xf4) {
            cp = c & 0x07;
            need = 3;
        } else {
            return false; /* continuation byte, overlong 2-byte lead, or > U+10FFFF */
        }
        if (n - i <= need) return false;
        for (unsigned k = 1; k <= need; k++) {
            unsigned cc = s[i + k];
            if ((cc & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += need + 1;
    }
    return true;
}

size_t hy_utf8_length(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if ((s[i] & 0xc0) != 0x80) count++;
    return count;
}
