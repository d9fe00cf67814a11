/* group.h — the rules of the group directory that know neither HTTP nor SQL: search tokens,
 * postcodes, contact channels, the checks shared by the API and the importer. (The CSV
 * formula guard for exports is util/csv.h's, the same for every export.)
 *
 * Search text is folded with hy_text_normalise() (domain/text.h) and then cut into tokens here;
 * both stores index the same space-separated tokens, so SQLite's FTS5 and PostgreSQL's
 * tsvector see identical words and match identical rows. */
#ifndef HY_GROUP_H
#define HY_GROUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/csv.h" /* the CSV formula guard (hy_csv_cell_guard) for exports of groups */

#define HY_GROUP_NAME_MAX 200
#define HY_GROUP_DESC_MAX 5000
#define HY_GROUP_TAGS_MAX 20
#define HY_GROUP_TAG_LEN 40
#define HY_GROUP_LANGS_MAX 20
#define HY_GROUP_LANG_LEN 35
#define HY_SEARCH_TOKENS_MAX 8

/* True for the code points that make up search words (letters and digits of the Latin, Greek,
 * Cyrillic, Armenian, Hebrew, Arabic, CJK, kana and Hangul blocks). Everything else separates
 * words; combining marks count as separators, as in FTS5's unicode61 tokenizer. */
bool hy_word_char(unsigned cp);

/* The searchable form of `s`: normalised (hy_text_normalise) and reduced to its words joined
 * by single spaces, in the arena; "" when it has none; NULL when the arena is full. */
char *hy_search_text(hy_arena *a, const char *s);

/* Splits an already-normalised text into at most `max` words (arena copies); the count goes
 * to *ret_n. Returns the array (possibly empty), or NULL when the arena is full. */
const char **hy_search_tokens(hy_arena *a, const char *norm, size_t max, size_t *ret_n);

/* A postcode's lookup key: ASCII letters upper-cased, digits kept, spaces and hyphens dropped;
 * Persian and Arabic digits folded first. Writes it to out (`n` bytes) and returns true when
 * the key has 2 to 12 characters and nothing else was in the input. */
bool hy_postcode_key(const char *s, char *out, size_t n);

/* Checks a group's contact object {"phone","email","website","messaging"} (each optional, a
 * string). Web addresses must be http(s) URLs without spaces or quotes. On failure sets
 * *ret_field ("contact.email" …) and *ret_problem (static English) and returns false. */
bool hy_contact_valid(const json_t *contact, const char **ret_field, const char **ret_problem);

/* True for a language tag like "fa", "en", "ckb", "zh-Hant" (letters, digits, '-', 2..35). */
bool hy_lang_tag_valid(const char *s);

/* A list (tags, languages: a JSON array of strings) as one text, the items joined with ';', as
 * CSV exports write it and the importer reads it; not a string counts as "". In the arena;
 * NULL when memory runs out. */
const char *hy_group_list_text(hy_arena *a, const json_t *list);

#endif
