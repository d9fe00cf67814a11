/* replay_main.c — runs a fuzz target's LLVMFuzzerTestOneInput() over files, without libFuzzer.
 *
 *   fuzz_replay_<name> PATH...    each PATH a file or a folder of files (dot-files skipped)
 *
 * Each input is passed in a buffer of exactly its size, as libFuzzer does, so a sanitizer build
 * catches reads past the end. Exits 0 when every input ran (a crash aborts), 1 when no input
 * was found (a wrong path should not pass silently), 2 on an unreadable file. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *p = realloc(buf, cap *= 2);
            if (!p) free(buf);
            buf = p;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        free(buf);
        fprintf(stderr, "%s: read error\n", path);
        return -1;
    }
    /* An exact-size copy: no slack after the last byte. */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) abort();
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

static int skip_dots(const struct dirent *e) { return e->d_name[0] != '.'; }

int main(int argc, char **argv) {
    long ran = 0;
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            perror(argv[i]);
            bad = 1;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[i]) < 0) bad = 1;
            else ran++;
            continue;
        }
        struct dirent **list;
        int n = scandir(argv[i], &list, skip_dots, alphasort);
        if (n < 0) {
            perror(argv[i]);
            bad = 1;
            continue;
        }
        for (int k = 0; k < n; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], list[k]->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(path) < 0) bad = 1;
                else ran++;
            }
            free(list[k]);
        }
        free(list);
    }
    printf("replayed %ld input(s)\n", ran);
    if (bad) return 2;
    return ran ? 0 : 1;
}
