/* fuzz.h — shared by the libFuzzer targets in tests/fuzz/ and their corpus replays.
 *
 * Each fuzz_<name>.c defines LLVMFuzzerTestOneInput(). Built with -fsanitize=fuzzer it is a
 * libFuzzer executable (scripts/fuzz.sh); linked with replay_main.c it is fuzz_replay_<name>,
 * which CTest runs over tests/fuzz/corpus/<name>/ in every build, sanitizer builds included.
 * A broken invariant calls FUZZ_CHECK's abort(), which both report as a crash. */
#ifndef HY_FUZZ_H
#define HY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);  \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* A NUL-terminated copy of the input (free() it), cut at the first NUL it contains. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) abort();
    if (size) memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
