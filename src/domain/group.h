/* group.h — the rules of the group directory that know neither HTTP nor SQL: search tokens,
 * postcodes, contact channels, the checks shared by the API and the importer. (The CSV
 * formula guard for exports is util/csv.h's, the same for every export.)
 *
 * Search text is folded with hy_text_normalise() (domain/text.h) and then cut into tokens here;
 * both stores index the same space-separated tokens, so SQLite's FTS5 and PostgreSQL's
 * tsvector see identical words and match identical rows. The directory's records (a group, a
 * nearest-groups query, a gazetteer place) are declared here too. */
#ifndef HY_GROUP_H
#define HY_GROUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/area.h"
#include "domain/id.h"
#include "util/arena.h"
#include "util/csv.h" /* the CSV formula guard (hy_csv_cell_guard) for exports of groups */

#define HY_GROUP_NAME_MAX 200
#define HY_GROUP_DESC_MAX 5000
#define HY_GROUP_TAGS_MAX 20
#define HY_GROUP_TAG_LEN 40
#define HY_GROUP_LANGS_MAX 20
#define HY_GROUP_LANG_LEN 35
#define HY_SEARCH_TOKENS_MAX 8

/* ---- records (strings point into the arena of the store function that filled them) ---- */

struct hy_group {
    char id[HY_ID_LEN + 1];
    const char *name;
    const char *description;
    double lat, lon;
    const char *area_kind;   /* "none", "radius" or "polygon" */
    double radius_m;         /* radius areas */
    const char *area;        /* polygon areas: the GeoJSON Polygon text; else NULL */
    struct hy_bbox area_box; /* the area's bounding box (radius and polygon areas) */
    const char *contact;     /* JSON object text: phone, email, website, messaging */
    const char *languages;   /* JSON array text */
    const char *tags;        /* JSON array text */
    const char *status;      /* "pending" or "approved" */
    bool verified;
    bool demo;
    const char *name_norm;   /* hy_search_text(name): the sort key */
    const char *search_text; /* hy_search_text(name + description + tags) */
    const char *created_by;  /* user id, or NULL (imports, demo) */
    int64_t created_at, updated_at;
    /* insert_many(): where to lay the group out in the store, so that groups near each other
     * share pages (imports number them along a space-filling curve). SQLite uses it as the row
     * number, which must be at least layout_base() and unique; 0 = after every stored group.
     * PostgreSQL ignores it. */
    int64_t layout;
    /* Filled by near(): */
    double distance_m;
    bool covers; /* the group's area covers the query point */
};

/* A change of an approved group's public fields that its owner proposed and a coordinator has
 * not yet decided on; the group stays as it is until then. `input` is the owner's edits as a
 * JSON object of PATCH fields (later edits laid over earlier ones). */
struct hy_group_change {
    char group_id[HY_ID_LEN + 1];
    const char *input;
    const char *submitted_by; /* user id, or NULL once the account is gone */
    int64_t submitted_at;
};

struct hy_group_near {
    double lat, lon;
    size_t limit;    /* 1..HY_GROUPS_LIMIT_MAX */
    double radius_m; /* only groups within this distance; 0 = any distance */
    bool has_box;    /* only groups inside `box` (longitudes may wrap: min_lon > max_lon) */
    struct hy_bbox box;
};

#define HY_GROUPS_LIMIT_MAX 1000

struct hy_place {
    int64_t geonameid; /* GeoNames id; postcodes: 0 */
    const char *kind;    /* "place" or "postcode" */
    const char *feature; /* places: "neighbourhood", "city", "town"…; "" unknown */
    const char *name;
    const char *ascii_name;
    const char *country; /* ISO 3166 alpha-2, may be "" */
    const char *admin1;
    const char *name_fa; /* the Persian name as written, "" or NULL none (place_insert_many) */
    double lat, lon;
    int64_t population;
    bool exact; /* geocode(): the query matched a whole name */
    bool word;  /* geocode(): the query ends where a word of a matching name ends */
    bool local; /* geocode() ranking: in the region, or near the hint */
    /* For place_insert_many(): the normalised names to find it by (deduplicated by the
     * store), the first being the main name. */
    const char *const *names;
    size_t nnames;
};

/* A gazetteer look-up: what was typed and where the asker probably is. */
struct hy_geocode_query {
    const char *prefix;       /* normalised (hy_search_text); may be "" */
    const char *postcode_key; /* hy_postcode_key(), or NULL */
    const char *country;      /* the region (ISO 3166 alpha-2), or NULL/"" for none */
    bool has_near;            /* the asker's map view or group centre */
    double near_lat, near_lon;
    size_t limit; /* 1..100 */
};

/* Within this distance of the hint a place counts as near. */
#define HY_GEOCODE_NEAR_M 150000.0
/* Prefixes with fewer letters than this are short. */
#define HY_GEOCODE_SHORT 4

/* ---- rules ---- */

/* Ranks the places found for q (n candidates, each with exact and word set) in place: drops
 * the weak matches (a short prefix, or one that ends inside a word) that are neither in the
 * region nor near the hint, sets `local`, and orders exact matches first, then local ones,
 * then the nearer (by 50 km steps, with a hint), then by population, then by id. A place with
 * no country (an operator's own list) is in the region. Returns how many are kept. */
size_t hy_geocode_rank(const struct hy_geocode_query *q, struct hy_place *v, size_t n);

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
