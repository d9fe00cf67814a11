/* synonyms.c — the search synonym list (see synonyms.h). */
#include "domain/synonyms.h"

#include <stdlib.h>
#include <string.h>

#include "domain/library.h"
#include "domain/text.h"

/* Everyday needs in both languages; each group is one meaning. Editors change it at
 * /editor/synonyms.html. */
const char hy_synonyms_default[] =
    "["
    "[\"کرونا\",\"کووید\",\"کووید-۱۹\",\"COVID-19\",\"coronavirus\",\"corona\"],"
    "[\"دارو\",\"medicine\",\"medication\",\"drug\",\"pharmacy\"],"
    "[\"خرید\",\"groceries\",\"shopping\",\"سوپرمارکت\"],"
    "[\"غذا\",\"food\",\"meal\",\"خوراک\"],"
    "[\"واکسن\",\"vaccine\",\"vaccination\"],"
    "[\"ماسک\",\"mask\"],"
    "[\"داوطلب\",\"volunteer\",\"volunteering\"],"
    "[\"سالمند\",\"elderly\",\"older\",\"سالخورده\"],"
    "[\"پزشک\",\"دکتر\",\"doctor\",\"physician\"],"
    "[\"بیمارستان\",\"hospital\",\"درمانگاه\",\"clinic\"],"
    "[\"قرنطینه\",\"quarantine\",\"isolation\"],"
    "[\"تلفن\",\"phone\",\"موبایل\",\"mobile\",\"telephone\"],"
    "[\"نشانی\",\"آدرس\",\"address\"],"
    "[\"حریم\",\"privacy\"],"
    "[\"تنهایی\",\"loneliness\",\"lonely\"],"
    "[\"آزمایش\",\"تست\",\"test\",\"testing\"],"
    "[\"تب\",\"fever\"],"
    "[\"سرفه\",\"cough\"],"
    "[\"اجاره\",\"rent\"],"
    "[\"پیامک\",\"sms\",\"text\"]"
    "]";

struct key {
    const char *word; /* normalised, in the list's arena */
    size_t group;
};

struct hy_synonyms {
    hy_arena *a;
    struct key *keys; /* sorted by word */
    size_t nkeys;
    size_t *group_off; /* group g's keys (by position in `words`) are words[group_off[g] …
                        * group_off[g + 1]) */
    const char **words;
    size_t ngroups;
};

static int key_cmp(const void *x, const void *y) {
    return strcmp(((const struct key *)x)->word, ((const struct key *)y)->word);
}

/* The word an entry stands for (its first normalised word), or NULL when it has none. */
static const char *entry_word(hy_arena *a, const char *s) {
    char *toks = hy_lib_tokens(a, s, strlen(s), false);
    if (!toks || !*toks) return NULL;
    char *sp = strchr(toks, ' ');
    if (sp) *sp = '\0';
    return toks;
}

static bool entry_ok(const char *s) {
    size_t cps = 0, n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += hy_text_decode(s + i, n - i, &cp);
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xFFFD) return false;
        cps++;
    }
    return cps >= 1 && cps <= HY_SYN_WORD_MAX;
}

const char *hy_synonyms_check(const json_t *list, long *ret_group) {
    *ret_group = -1;
    if (!json_is_array(list)) return "The list must be an array of groups.";
    if (json_array_size(list) > HY_SYN_MAX_GROUPS) return "The list has at most 500 groups.";
    hy_arena *a = hy_arena_new(0);
    if (!a) return "Out of memory.";
    size_t cap = json_array_size(list) * HY_SYN_MAX_WORDS + 1, nkeys = 0;
    struct key *keys = malloc(cap * sizeof *keys);
    const char *err = keys ? NULL : "Out of memory.";
    size_t g;
    json_t *grp;
    json_array_foreach(list, g, grp) {
        if (err) break;
        *ret_group = (long)g;
        if (!json_is_array(grp) || json_array_size(grp) < 2 ||
            json_array_size(grp) > HY_SYN_MAX_WORDS) {
            err = "Each group is a list of 2 to 12 words.";
            break;
        }
        size_t first = nkeys, i;
        json_t *e;
        json_array_foreach(grp, i, e) {
            const char *s = json_string_value(e);
            if (!s || !entry_ok(s)) {
                err = "Each word is text of 1 to 60 characters.";
                break;
            }
            const char *w = entry_word(a, s);
            if (!w) {
                err = "Each entry needs a letter or a digit.";
                break;
            }
            bool dup = false;
            for (size_t k = first; k < nkeys; k++) dup = dup || !strcmp(keys[k].word, w);
            if (!dup) keys[nkeys++] = (struct key){w, g};
        }
        if (!err && nkeys - first < 2) err = "A group needs two different words.";
    }
    if (!err) *ret_group = -1;
    free(keys);
    hy_arena_free(a);
    return err;
}

void hy_synonyms_free(hy_synonyms *syn) {
    if (!syn) return;
    free(syn->keys);
    free(syn->group_off);
    free(syn->words);
    hy_arena_free(syn->a);
    free(syn);
}

size_t hy_synonyms_groups(const hy_synonyms *syn) { return syn ? syn->ngroups : 0; }

/* The first group of g's meaning (groups 0..n-1; lists are short, so no path compression). */
static size_t root(const size_t *parent, size_t n, size_t g) {
    while (g < n && parent[g] != g) g = parent[g];
    return g;
}

hy_synonyms *hy_synonyms_new(const char *json) {
    json_t *list = json_loads(json && *json ? json : hy_synonyms_default, JSON_REJECT_DUPLICATES,
                              NULL);
    long bad;
    if (!list || hy_synonyms_check(list, &bad)) {
        json_decref(list);
        return NULL;
    }
    hy_synonyms *syn = calloc(1, sizeof *syn);
    size_t ng = json_array_size(list), cap = ng * HY_SYN_MAX_WORDS + 1, n = 0;
    struct key *all = malloc(cap * sizeof *all);
    size_t *parent = malloc((ng + 1) * sizeof *parent);
    if (!syn || !all || !parent || !(syn->a = hy_arena_new(0)) ||
        !(syn->keys = malloc(cap * sizeof *syn->keys)) ||
        !(syn->words = malloc(cap * sizeof *syn->words)) ||
        !(syn->group_off = malloc((ng + 1) * sizeof *syn->group_off)))
        goto fail;
    for (size_t i = 0; i <= ng; i++) parent[i] = i;
    /* Every entry's word with its group, in list order. */
    size_t g;
    json_t *grp;
    json_array_foreach(list, g, grp) {
        size_t i;
        json_t *e;
        json_array_foreach(grp, i, e) {
            const char *w = entry_word(syn->a, json_string_value(e));
            if (!w) goto fail;
            all[n++] = (struct key){w, g};
        }
    }
    /* Groups that share a word are one meaning: merge them. */
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            if (all[k].group != all[i].group && !strcmp(all[i].word, all[k].word)) {
                size_t x = root(parent, ng, all[i].group), y = root(parent, ng, all[k].group);
                if (x != y) parent[y < x ? x : y] = y < x ? y : x;
            }
    /* The merged groups, in order of their first group; each word once. */
    for (size_t r = 0; r < ng; r++) {
        if (root(parent, ng, r) != r) continue;
        size_t first = syn->nkeys;
        syn->group_off[syn->ngroups] = first;
        for (size_t i = 0; i < n; i++) {
            if (root(parent, ng, all[i].group) != r) continue;
            bool dup = false;
            for (size_t k = first; k < syn->nkeys && !dup; k++) dup = !strcmp(syn->words[k], all[i].word);
            if (dup) continue;
            syn->words[syn->nkeys] = all[i].word;
            syn->keys[syn->nkeys] = (struct key){all[i].word, syn->ngroups};
            syn->nkeys++;
        }
        syn->ngroups++;
    }
    syn->group_off[syn->ngroups] = syn->nkeys;
    qsort(syn->keys, syn->nkeys, sizeof *syn->keys, key_cmp);
    free(all);
    free(parent);
    json_decref(list);
    return syn;
fail:
    free(all);
    free(parent);
    json_decref(list);
    hy_synonyms_free(syn);
    return NULL;
}

static size_t code_points(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* The group of query word t: a word of the list equal to it, else the longest word of at
 * least three letters that starts it; -1 for none. */
static long find_group(const hy_synonyms *syn, const char *t) {
    struct key k = {t, 0};
    const struct key *hit = bsearch(&k, syn->keys, syn->nkeys, sizeof k, key_cmp);
    if (hit) return (long)hit->group;
    long best = -1;
    size_t best_len = 0, tl = strlen(t);
    for (size_t i = 0; i < syn->nkeys; i++) {
        size_t kl = strlen(syn->keys[i].word);
        if (kl < tl && kl > best_len && !memcmp(syn->keys[i].word, t, kl) &&
            code_points(t, kl) >= 3)
            best = (long)syn->keys[i].group, best_len = kl;
    }
    return best;
}

void hy_synonyms_expand(const hy_synonyms *syn, hy_arena *a, const char **terms, size_t n) {
    if (!syn) return;
    for (size_t i = 0; i < n; i++) {
        if (strchr(terms[i], HY_SYN_ALT_SEP)) continue; /* already expanded */
        long g = find_group(syn, terms[i]);
        if (g < 0) continue;
        size_t len = strlen(terms[i]) + 1;
        for (size_t k = syn->group_off[g]; k < syn->group_off[g + 1]; k++)
            len += strlen(syn->words[k]) + 1;
        char *out = hy_arena_alloc(a, len);
        if (!out) return;
        size_t w = strlen(terms[i]), nalts = 1;
        memcpy(out, terms[i], w);
        for (size_t k = syn->group_off[g]; k < syn->group_off[g + 1] && nalts < HY_SYN_MAX_ALTS;
             k++) {
            if (!strcmp(syn->words[k], terms[i])) continue;
            size_t kl = strlen(syn->words[k]);
            out[w++] = HY_SYN_ALT_SEP;
            memcpy(out + w, syn->words[k], kl);
            w += kl;
            nalts++;
        }
        out[w] = '\0';
        terms[i] = out;
    }
}

size_t hy_syn_first_len(const char *term) { return strcspn(term, "|"); }
