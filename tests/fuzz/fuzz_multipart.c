/* fuzz_multipart.c — the multipart/form-data reader (util/multipart.c) on arbitrary input.
 *
 * The input's first line is the Content-Type, the rest the body. Besides the sanitizers'
 * checks: a boundary is 1..70 printable ASCII bytes; a body read without complaint gives at
 * most the parts allowed, each with a non-empty name and its content inside the body, in order
 * and not overlapping; a refusal always says why. */
#include "fuzz.h"
#include "util/multipart.h"

#define MAX_PARTS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nl = memchr(data, '\n', size);
    size_t head = nl ? (size_t)(nl - data) : size;
    char *ct = fuzz_cstr(data, head);
    const char *body = nl ? (const char *)nl + 1 : (const char *)data + size;
    size_t n = nl ? size - head - 1 : 0;
    hy_arena *a = hy_arena_new(0);
    const char *boundary = hy_mp_boundary(ct, a);
    if (boundary) {
        size_t b = strlen(boundary);
        FUZZ_CHECK(b >= 1 && b <= 70);
        for (size_t i = 0; i < b; i++)
            FUZZ_CHECK((unsigned char)boundary[i] >= 0x20 && (unsigned char)boundary[i] <= 0x7e);
    } else {
        boundary = "XyZ"; /* the body is still read, with a boundary of our choosing */
    }
    struct hy_mp_part parts[MAX_PARTS];
    size_t np = 0;
    const char *error = NULL;
    if (hy_mp_parse(body, n, boundary, a, parts, MAX_PARTS, &np, &error)) {
        FUZZ_CHECK(np <= MAX_PARTS);
        const char *prev_end = body;
        for (size_t i = 0; i < np; i++) {
            FUZZ_CHECK(parts[i].name && *parts[i].name);
            FUZZ_CHECK(parts[i].data >= prev_end && parts[i].data + parts[i].len <= body + n);
            prev_end = parts[i].data + parts[i].len;
        }
    } else {
        FUZZ_CHECK(error && *error);
    }
    hy_arena_free(a);
    free(ct);
    return 0;
}
