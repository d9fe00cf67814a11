/* board.c — the neighbour-help board's rules (domain/board.h). */
#include "domain/board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct hy_board_category hy_board_categories[] = {
    {"food", "غذا و خوراک", "Food and groceries"},
    {"medicine", "دارو", "Medicine"},
    {"transport", "رفت‌وآمد", "Transport"},
    {"shelter", "سرپناه", "Shelter"},
    {"childcare", "نگهداری از کودک", "Childcare"},
    {"elderly", "کمک به سالمندان", "Help for older people"},
    {"errands", "کارهای روزمره", "Errands"},
    {"repairs", "تعمیرات", "Repairs"},
    {"clothing", "پوشاک", "Clothing"},
    {"company", "هم‌صحبتی", "Company and a chat"},
    {"tutoring", "آموزش", "Tutoring"},
    {"other", "دیگر", "Other"},
    {NULL, NULL, NULL},
};

const char *const hy_board_category_keys[] = {
    "food", "medicine", "transport", "shelter", "childcare", "elderly",
    "errands", "repairs", "clothing", "company", "tutoring", "other", NULL,
};

int hy_board_category_index(const char *key) {
    if (!key) return -1;
    for (int i = 0; hy_board_categories[i].key; i++)
        if (!strcmp(hy_board_categories[i].key, key)) return i;
    return -1;
}

int hy_board_slot(const char *kind, const char *category) {
    int c = hy_board_category_index(category);
    if (c < 0 || !kind) return -1;
    if (!strcmp(kind, "offer")) return 2 * c;
    if (!strcmp(kind, "ask")) return 2 * c + 1;
    return -1;
}

const char *hy_board_other_kind(const char *kind) {
    return kind && !strcmp(kind, "ask") ? "offer" : "ask";
}

static int by_distance(const void *pa, const void *pb) {
    const struct hy_board_post *a = pa, *b = pb;
    if (a->distance_m < b->distance_m) return -1;
    if (a->distance_m > b->distance_m) return 1;
    return strcmp(a->id, b->id);
}

void hy_board_sort(struct hy_board_post *v, size_t n) {
    if (n > 1) qsort(v, n, sizeof *v, by_distance);
}

void hy_board_digits(int64_t n, bool fa, char out[static 24]) {
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%lld", (long long)n);
    if (!fa) {
        memcpy(out, tmp, strlen(tmp) + 1);
        return;
    }
    /* Persian digits are two bytes each (U+06F0…U+06F9): at most 11 digits fit. */
    size_t o = 0;
    for (const char *p = tmp; *p && o + 3 < 24; p++) {
        if (*p >= '0' && *p <= '9') {
            out[o++] = (char)0xdb;
            out[o++] = (char)(0xb0 + (*p - '0'));
        } else {
            out[o++] = *p;
        }
    }
    out[o] = 0;
}
