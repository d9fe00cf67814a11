/* fuzz_utf8.c — hy_utf8_valid() and hy_utf8_length() against a reference decoder (differential).
 *
 * The reference follows the table of well-formed byte sequences in The Unicode Standard,
 * chapter 3 (Table 3-7), range by range — a different method from the code under test, which
 * decodes a value and then rejects overlong forms, surrogates and values past U+10FFFF. Both
 * then apply our extra rules: never U+0000; C0 controls other than tab, LF and CR, and DEL,
 * only with HY_UTF8_ALLOW_CONTROLS. */
#include <stdbool.h>

#include "fuzz.h"
#include "util/utf8.h"

/* Length of the well-formed sequence at s[0..n), or 0 when ill-formed (Table 3-7). */
static size_t ref_seq(const uint8_t *s, size_t n) {
    static const struct {
        uint8_t lo0, hi0, lo1, hi1; /* first byte range, second byte range */
        size_t len;
    } t[] = {
        {0x00, 0x7f, 0, 0, 1},       {0xc2, 0xdf, 0x80, 0xbf, 2}, {0xe0, 0xe0, 0xa0, 0xbf, 3},
        {0xe1, 0xec, 0x80, 0xbf, 3}, {0xed, 0xed, 0x80, 0x9f, 3}, {0xee, 0xef, 0x80, 0xbf, 3},
        {0xf0, 0xf0, 0x90, 0xbf, 4}, {0xf1, 0xf3, 0x80, 0xbf, 4}, {0xf4, 0xf4, 0x80, 0x8f, 4},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (s[0] < t[i].lo0 || s[0] > t[i].hi0) continue;
        if (t[i].len == 1) return 1;
        if (n < t[i].len) return 0;
        if (s[1] < t[i].lo1 || s[1] > t[i].hi1) return 0;
        for (size_t k = 2; k < t[i].len; k++)
            if (s[k] < 0x80 || s[k] > 0xbf) return 0;
        return t[i].len;
    }
    return 0;
}

static bool ref_valid(const uint8_t *s, size_t n, int flags, size_t *ret_count) {
    size_t i = 0, count = 0;
    while (i < n) {
        size_t len = ref_seq(s + i, n - i);
        if (len == 0) return false;
        if (len == 1) {
            uint8_t c = s[i];
            if (c == 0) return false;
            bool control = (c < 0x20 || c == 0x7f) && c != '\t' && c != '\n' && c != '\r';
            if (control && !(flags & HY_UTF8_ALLOW_CONTROLS)) return false;
        }
        i += len;
        count++;
    }
    *ret_count = count;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    for (int flags = 0; flags <= HY_UTF8_ALLOW_CONTROLS; flags++) {
        size_t count = 0;
        bool want = ref_valid(data, size, flags, &count);
        bool got = hy_utf8_valid((const char *)data, size, flags);
        if (got != want) {
            fprintf(stderr, "hy_utf8_valid: %d, reference: %d (flags %d, %zu bytes)\n", got, want,
                    flags, size);
            abort();
        }
        if (got) FUZZ_CHECK(hy_utf8_length((const char *)data, size) == count);
    }
    /* Valid with flags 0 implies valid with controls allowed. */
    if (hy_utf8_valid((const char *)data, size, 0))
        FUZZ_CHECK(hy_utf8_valid((const char *)data, size, HY_UTF8_ALLOW_CONTROLS));
    return 0;
}
