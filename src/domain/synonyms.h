/* synonyms.h — the search synonym list: words that mean the same to the people searching
 * («کرونا», «کووید», "COVID-19", "coronavirus"), kept by editors and used by every search
 * (the library and its FAQ answers, the group directory).
 *
 * The list is JSON: an array of groups, each an array of 2…HY_SYN_MAX_WORDS entries. An entry
 * is normalised and split into words exactly as documents and queries are (domain/library.h:
 * Arabic ي/ك, ZWNJ, diacritics and digits folded), and stands for its first word: "COVID-19"
 * is the word "covid", «کووید-۱۹» is «کووید» (prefix matching then finds «کووید-۱۹» too).
 * Groups that share a word are one meaning and are merged.
 *
 * Expansion: a query word that is one of the list's words, or starts with one of at least three
 * letters («داروها» → «دارو»), is replaced by its alternatives "word|alt|alt…" (at most
 * HY_SYN_MAX_ALTS, the word as typed first); a document matches that query word when any
 * alternative starts one of its words. '|' is a separator for the tokenizer, so it never
 * occurs inside a word. Every consumer of query words (hy_lib_search, the index, the stores'
 * full-text queries, snippets) reads the alternatives. */
#ifndef HY_DOMAIN_SYNONYMS_H
#define HY_DOMAIN_SYNONYMS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "util/arena.h"

#define HY_SYN_MAX_GROUPS 500
#define HY_SYN_MAX_WORDS 12
#define HY_SYN_WORD_MAX 60 /* code points of one entry */
#define HY_SYN_MAX_ALTS 8  /* alternatives of one query word, itself included */
#define HY_SYN_ALT_SEP '|'

typedef struct hy_synonyms hy_synonyms;

/* The list a new installation starts with (JSON), in Persian and English. */
extern const char hy_synonyms_default[];

/* Checks a list as sent by an editor. NULL when it is valid, else a message in English and
 * *ret_group the index of the offending group (-1 for the list itself). */
const char *hy_synonyms_check(const json_t *list, long *ret_group);

/* The parsed list of `json` (a valid list; NULL or "" = the default list), or NULL when out of
 * memory or invalid. */
hy_synonyms *hy_synonyms_new(const char *json);
void hy_synonyms_free(hy_synonyms *syn);
/* Number of groups. */
size_t hy_synonyms_groups(const hy_synonyms *syn);

/* Replaces each of terms[0..n) that the list knows with its alternatives (arena strings).
 * Accepts a NULL list (nothing changes). */
void hy_synonyms_expand(const hy_synonyms *syn, hy_arena *a, const char **terms, size_t n);

/* The length of the first alternative of a query word (the word as typed). */
size_t hy_syn_first_len(const char *term);

#endif
