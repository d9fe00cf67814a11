/* fuzz_origin.c — hy_origin_parse() and hy_origin_from_host() (src/util/origin.c), which the
 * CSRF check runs on the Origin, Referer and Host headers of every state-changing request.
 *
 * The first input byte picks path allowed or not, and https or not for the Host form; the rest
 * is the header. An accepted origin has a non-empty lower-case host of allowed characters, a
 * port in 1..65535, equals itself, and parses again from its own "scheme://host:port" to the
 * same origin; parsing as a Host header gives the same host and port as the URL form. */
#include <stdbool.h>

#include "fuzz.h"
#include "util/origin.h"

static void check(const struct hy_origin *o) {
    size_t n = strlen(o->host);
    FUZZ_CHECK(n >= 1 && n <= HY_ORIGIN_HOST_MAX);
    FUZZ_CHECK(o->port >= 1 && o->port <= 65535);
    for (size_t i = 0; i < n; i++) FUZZ_CHECK(!(o->host[i] >= 'A' && o->host[i] <= 'Z'));
    FUZZ_CHECK(!strchr(o->host, '@') && !strchr(o->host, '/'));
    FUZZ_CHECK(hy_origin_equal(o, o));
    char again[HY_ORIGIN_HOST_MAX + 32];
    snprintf(again, sizeof again, "%s://%s:%u", o->https ? "https" : "http", o->host, o->port);
    struct hy_origin p;
    FUZZ_CHECK(hy_origin_parse(again, false, &p));
    FUZZ_CHECK(hy_origin_equal(o, &p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    bool allow_path = data[0] & 1, https = data[0] & 2;
    char *s = fuzz_cstr(data + 1, size - 1);
    struct hy_origin o, h;
    if (hy_origin_parse(s, allow_path, &o)) check(&o);
    if (hy_origin_from_host(s, https, &h)) {
        check(&h);
        FUZZ_CHECK(h.https == https);
    }
    free(s);
    return 0;
}
