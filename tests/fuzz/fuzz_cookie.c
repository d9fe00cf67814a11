/* fuzz_cookie.c — hy_cookie_get() on arbitrary Cookie headers.
 *
 * The first input byte picks the cookie name and the output buffer size (1..64 bytes, the
 * buffer allocated at exactly that size so ASan sees any overflow); the rest is the header.
 * A found value is non-empty, shorter than the buffer, printable ASCII without '"', ',', ';',
 * '\\' or space, and appears in the header right after "<name>=" (or "<name>=\""). */
#include <stdbool.h>

#include "fuzz.h"
#include "http/session.h"

static const char *const names[] = {"hy_session", "a", "hy_session2", "x"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const char *name = names[data[0] & 3];
    size_t n = 1 + (size_t)(data[0] >> 2); /* 1..64 */
    char *header = fuzz_cstr(data + 1, size - 1);
    char *out = malloc(n);
    if (!out) abort();
    if (hy_cookie_get(header, name, out, n)) {
        size_t vl = strlen(out);
        FUZZ_CHECK(vl >= 1 && vl < n);
        for (size_t i = 0; i < vl; i++) {
            unsigned char c = (unsigned char)out[i];
            FUZZ_CHECK(c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\');
        }
        /* "<name>=<value>" or "<name>=\"<value>" is in the header. */
        size_t nl = strlen(name);
        char *pair = malloc(nl + vl + 3);
        if (!pair) abort();
        snprintf(pair, nl + vl + 3, "%s=%s", name, out);
        char *qpair = malloc(nl + vl + 4);
        if (!qpair) abort();
        snprintf(qpair, nl + vl + 4, "%s=\"%s", name, out);
        FUZZ_CHECK(strstr(header, pair) || strstr(header, qpair));
        free(pair);
        free(qpair);
    }
    free(out);
    free(header);
    return 0;
}
