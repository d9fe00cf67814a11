/* fuzz_form.c — hy_form_parse() on arbitrary bodies.
 *
 * Besides the sanitizers' checks: the result is an object whose values are strings or arrays
 * of two or more strings; keys are 1..64 bytes; every string is valid UTF-8 (controls allowed,
 * NUL never). The number of pairs cannot exceed the number of '&'-separated parts. */
#include <jansson.h>

#include "fuzz.h"
#include "http/parse.h"
#include "util/utf8.h"

static void check_string(json_t *v) {
    FUZZ_CHECK(json_is_string(v));
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    FUZZ_CHECK(memchr(s, 0, n) == NULL);
    FUZZ_CHECK(hy_utf8_valid(s, n, HY_UTF8_ALLOW_CONTROLS));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *obj = hy_form_parse((const char *)data, size);
    if (!obj) return 0;
    FUZZ_CHECK(json_is_object(obj));
    size_t parts = 1;
    for (size_t i = 0; i < size; i++) parts += data[i] == '&';
    size_t values = 0;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t kl = strlen(key);
        FUZZ_CHECK(kl >= 1 && kl <= 64);
        FUZZ_CHECK(hy_utf8_valid(key, kl, HY_UTF8_ALLOW_CONTROLS));
        if (json_is_array(v)) {
            FUZZ_CHECK(json_array_size(v) >= 2);
            for (size_t i = 0; i < json_array_size(v); i++) check_string(json_array_get(v, i));
            values += json_array_size(v);
        } else {
            check_string(v);
            values++;
        }
    }
    FUZZ_CHECK(values <= parts);
    json_decref(obj);
    return 0;
}
