/* maplabel.c — the offline map's label rules (maplabel.h). */
#include "domain/maplabel.h"

#include <string.h>

#include "domain/text.h"

int64_t hy_maplabel_min_population(unsigned zoom) {
    /* A step per zoom: each zoom doubles the scale, so a view holds a quarter of the land the
     * one before did and can name places about three times smaller without crowding. */
    static const int64_t min_pop[] = {
        5000000, 5000000, 3000000, 2000000, 1000000, 500000, 200000, 100000, 30000, 10000, 2000,
    };
    if (zoom < sizeof min_pop / sizeof min_pop[0]) return min_pop[zoom];
    return 0;
}

int hy_maplabel_persian_score(const char *s, size_t n) {
    int score = 0;
    bool arabic = false;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = hy_text_decode(s + i, n - i, &cp);
        if (k == 0) return -1;
        i += k;
        if (cp == ' ' || cp == '-' || cp == 0x200C || cp == 0x200D) continue;
        if (cp >= 0x064B && cp <= 0x0652) return -1; /* vowel marks: a reading aid, not a label */
        switch (cp) {
        case 0x067E: case 0x0686: case 0x0698: case 0x06AF: /* پ چ ژ گ */
        case 0x06CC: case 0x06A9:                         /* Persian ی ک */
            score = 1;
            arabic = true;
            continue;
        case 0x064A: case 0x0643: case 0x0629: case 0x0649: /* Arabic ي ك ة ى */
            return -1;
        default:
            break;
        }
        if (cp >= 0x0621 && cp <= 0x064A) {
            arabic = true;
            continue;
        }
        if ((cp >= 0x06F0 && cp <= 0x06F9) || cp == 0x06C0) continue; /* Persian digits, ۀ */
        return -1; /* another script, or a letter of Urdu, Pashto, Kurdish … */
    }
    return arabic ? score : -1;
}

size_t hy_maplabel_persian_name(const char *alt, size_t n, size_t *ret_at) {
    size_t best_at = 0, best_len = 0;
    int best = -1;
    for (size_t i = 0; i < n;) {
        const char *comma = memchr(alt + i, ',', n - i);
        size_t len = comma ? (size_t)(comma - (alt + i)) : n - i;
        int sc = len ? hy_maplabel_persian_score(alt + i, len) : -1;
        if (sc > best) {
            best = sc;
            best_at = i;
            best_len = len;
        }
        i += len + 1;
    }
    if (best < 0) return 0;
    *ret_at = best_at;
    return best_len;
}
