/* news.h — official news and fact checks: library documents (domain/library.h) of the types
 * "news" and "factcheck" whose own fields live in the document's `extra` JSON object. They
 * share the library's editorial workflow, revisions, attachments and search tokens; this
 * module holds their vocabularies and checks their fields. No HTTP, no SQL.
 *
 * A news item's fields (`"news"` in the API):
 *   institution  slug of an issuing institution (the list editors keep), required
 *   category     information, decision, alert, guidance, update
 *   publish_at   Unix seconds or null: the public sees a published item only from then on
 *   alert        for category "alert" (required there, refused elsewhere): the CAP 1.2 fields
 *                {event, urgency, severity, certainty, area, expires (Unix seconds or null)}
 * A fact check's fields (`"factcheck"` in the API):
 *   claim        the claim as it was made (1–1000 characters), required
 *   claimant     who made it (0–200)
 *   appearances  where it appeared: at most 10 {url, title}
 *   first_seen   "YYYY-MM-DD" or null
 *   rating       false, misleading, partly_true, true, unverifiable, required
 *   organisation the checking organisation (1–200), required
 *   sources      the sources of the check: at most 20 {url, title}
 * The date, country and language of a fact check are the document's own. */
#ifndef HY_DOMAIN_NEWS_H
#define HY_DOMAIN_NEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/id.h"
#include "util/arena.h"

extern const char *const hy_news_categories[]; /* NULL-terminated */
extern const char *const hy_news_urgencies[];  /* CAP 1.2 <urgency> values */
extern const char *const hy_news_severities[];
extern const char *const hy_news_certainties[];
extern const char *const hy_fc_ratings[];

/* An institution that issues news. */
struct hy_news_inst {
    const char *slug;   /* 1–40 of a–z, 0–9, '-' and '_' */
    const char *name_fa, *name_en;
    const char *colour; /* "#rrggbb" (lower case) */
    const char *website; /* http(s) URL or NULL */
    int64_t updated_at;
};

/* A claim someone sent to be checked. */
struct hy_fc_claim {
    char id[HY_ID_LEN + 1];
    const char *claim;
    const char *url; /* where it appeared, or NULL */
    const char *language;
    int64_t created_at;
};

/* Two claims at least this alike (hy_fc_similarity) are one claim. */
#define HY_FC_DUPLICATE 0.6

/* Why a check failed: the field (dotted path, e.g. "news.alert.urgency") and a message. */
struct hy_news_error {
    const char *field;
    const char *message;
};

/* True when `v` is a JSON array of at most `max` objects {url (http/https, ≤ 2000), title
 * (optional string ≤ 200)} of valid UTF-8 without control characters. */
bool hy_news_links_valid(const json_t *v, size_t max);

/* Checks the kind-specific fields `in` (a JSON object) of a document of type `type` ("news"
 * or "factcheck") and returns them canonically as compact JSON in the arena; NULL with *err
 * set when a field is missing, unknown or out of range (or the arena is full: field NULL). */
char *hy_news_extra(hy_arena *a, const char *type, const json_t *in, struct hy_news_error *err);

/* True for the types that carry kind-specific fields. */
bool hy_news_kind(const char *type);

/* The `extra` text as a JSON object (new reference; an empty object when unreadable). */
json_t *hy_news_extra_json(const char *extra);

/* Checks an institution's fields (slug given separately); false with *err set. colour is
 * lower-cased in place into out_colour[8]. */
bool hy_news_inst_valid(const struct hy_news_inst *in, char out_colour[8],
                        struct hy_news_error *err);

/* How alike two claims are, from 0 to 1: the Dice coefficient of their sets of normalised
 * words (domain/library.h tokens; Persian spelling variants fold alike). */
double hy_fc_similarity(hy_arena *a, const char *x, const char *y);

#endif
