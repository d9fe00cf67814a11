/* fuzz_synonyms.c — the search synonym list (domain/synonyms.h) on arbitrary input.
 *
 * The input up to the first NUL byte is the list as an editor would send it (JSON); the rest
 * is a query. A list hy_synonyms_new() accepts passes hy_synonyms_check(); every query word it
 * expands keeps the word as typed first, has at most HY_SYN_MAX_ALTS alternatives, none empty. */
#include <string.h>

#include "domain/library.h"
#include "domain/synonyms.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nul = memchr(data, 0, size);
    size_t ln = nul ? (size_t)(nul - data) : size;
    char *list = fuzz_cstr(data, ln);
    char *query = fuzz_cstr(nul ? nul + 1 : data + size, nul ? size - ln - 1 : 0);
    hy_synonyms *syn = hy_synonyms_new(*list ? list : "[]");
    if (syn) {
        json_t *j = json_loads(*list ? list : "[]", JSON_REJECT_DUPLICATES, NULL);
        long g;
        FUZZ_CHECK(j && hy_synonyms_check(j, &g) == NULL);
        json_decref(j);
        hy_arena *a = hy_arena_new(0);
        if (!a) abort();
        const char *terms[HY_LIB_MAX_TERMS], *typed[HY_LIB_MAX_TERMS];
        size_t n = hy_lib_terms(a, query, terms);
        memcpy(typed, terms, sizeof terms);
        hy_synonyms_expand(syn, a, terms, n);
        for (size_t i = 0; i < n; i++) {
            size_t tl = strlen(typed[i]), alts = 1;
            FUZZ_CHECK(!strncmp(terms[i], typed[i], tl) && (!terms[i][tl] || terms[i][tl] == '|'));
            for (const char *p = terms[i]; (p = strchr(p, '|')) != NULL; p++) {
                FUZZ_CHECK(p[1] && p[1] != '|');
                alts++;
            }
            FUZZ_CHECK(alts <= HY_SYN_MAX_ALTS);
        }
        hy_arena_free(a);
        hy_synonyms_free(syn);
    }
    free(list);
    free(query);
    return 0;
}
