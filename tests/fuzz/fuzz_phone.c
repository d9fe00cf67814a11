/* fuzz_phone.c — hy_phone_normalise() and hy_email_valid() on arbitrary text.
 *
 * An accepted phone number is '+' and 8..15 ASCII digits, the first not 0, and normalising it
 * again gives it back unchanged (whatever the default country). An accepted e-mail address has
 * exactly one '@', a '.' after it, no byte <= ' ', and at most 254 bytes. */
#include <stdbool.h>

#include "domain/phone.h"
#include "fuzz.h"

static const char *const codes[] = {"98", "44", "1", "353"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_cstr(data, size);
    const char *cc = codes[size ? data[0] % 4 : 0];
    /* Guard bytes after the output catch writes past HY_PHONE_MAX even without ASan. */
    char out[HY_PHONE_MAX + 4];
    memset(out, 0x5a, sizeof out);
    if (hy_phone_normalise(s, cc, out)) {
        size_t n = strlen(out);
        FUZZ_CHECK(n >= 9 && n <= 16 && n < HY_PHONE_MAX);
        FUZZ_CHECK(out[0] == '+' && out[1] >= '1' && out[1] <= '9');
        for (size_t i = 1; i < n; i++) FUZZ_CHECK(out[i] >= '0' && out[i] <= '9');
        char again[HY_PHONE_MAX];
        FUZZ_CHECK(hy_phone_normalise(out, "44", again));
        FUZZ_CHECK(strcmp(again, out) == 0);
    }
    for (size_t i = HY_PHONE_MAX; i < sizeof out; i++) FUZZ_CHECK(out[i] == 0x5a);

    if (hy_email_valid(s)) {
        size_t n = strlen(s);
        FUZZ_CHECK(n >= 3 && n <= 254);
        const char *at = strchr(s, '@');
        FUZZ_CHECK(at && at != s && !strchr(at + 1, '@'));
        FUZZ_CHECK(strchr(at + 1, '.') != NULL);
        for (size_t i = 0; i < n; i++) FUZZ_CHECK((unsigned char)s[i] > ' ' && s[i] != 0x7f);
    }
    free(s);
    return 0;
}
