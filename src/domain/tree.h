/* tree.h — "what should I do?" decision trees: parsing, validation and evaluation.
 *
 * A tree is a JSON document (docs/trees.md is the reference, docs/tree.schema.json its schema):
 *
 *   {"id","title","version","reviewed_at","source_url","language","intro","start","nodes":[…]}
 *
 * Questions (single_choice, multiple_choice, number, date) lead to other nodes through their
 * options' "next", ordered "rules" over earlier answers, and a default "next"; results
 * (result, contact) end a walk. hy_tree_parse() checks everything at once and reports every
 * problem it finds with the node it concerns, so an editor can mend a tree in one go.
 *
 * Evaluation is a pure function of the tree, the answers so far (a JSON object NODE_ID →
 * value) and today's date: the same answers always give the same next question or result, so a
 * web page without JavaScript (a form post carrying the answers), the JSON API and a text-message
 * channel can all walk a tree without keeping anything about the person who walks it.
 *
 * Memory: a parsed tree, its problems and every evaluation answer live in the arena passed in;
 * nothing refers to the JSON given, which the caller may free at once. */
#ifndef HY_DOMAIN_TREE_H
#define HY_DOMAIN_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/arena.h"

/* ---- limits (bytes for ids, values and the document; code points for texts) ---- */
#define HY_TREE_DOC_MAX (512 * 1024) /* the whole JSON document */
#define HY_TREE_NODES_MAX 200
#define HY_TREE_ID_MAX 64      /* tree and node ids, option values: [A-Za-z0-9][A-Za-z0-9_-]* */
#define HY_TREE_TITLE_MAX 200  /* tree title, result title, option label, contact name/hours */
#define HY_TREE_TEXT_MAX 4000  /* node text and intro (Markdown) */
#define HY_TREE_HELP_MAX 1000  /* a question's help (Markdown) */
#define HY_TREE_UNIT_MAX 32    /* a number's unit */
#define HY_TREE_URL_MAX 2000   /* source_url, contact url */
#define HY_TREE_PHONE_MAX 32   /* contact phone */
#define HY_TREE_OPTIONS_MAX 32 /* options of a choice (a bit each in a 32-bit mask) */
#define HY_TREE_RULES_MAX 20   /* rules of a node */
#define HY_TREE_COND_DEPTH 4   /* nesting of all/any/not, the rule's condition being level 1 */
#define HY_TREE_COND_TESTS 32  /* answer tests (leaves) in one rule */
#define HY_TREE_HOURS_MAX 14   /* opening-hours entries of a contact */
#define HY_TREE_NUMBER_ABS 1e9 /* |min|, |max| and number answers */
#define HY_TREE_DAYS_MAX 36500 /* days in "today-N" and days_ago tests */
#define HY_TREE_PROBLEMS_MAX 100
#define HY_TREE_ANSWER_MAX 64 /* bytes of one answer string (a value, a number or a date) */

enum hy_tree_type {
    HY_TREE_SINGLE_CHOICE,
    HY_TREE_MULTIPLE_CHOICE,
    HY_TREE_NUMBER,
    HY_TREE_DATE,
    HY_TREE_RESULT,
    HY_TREE_CONTACT,
    HY_TREE__TYPES
};
extern const char *const hy_tree_type_names[HY_TREE__TYPES]; /* "single_choice", … */

/* How serious a result is, so pages can style it and channels can order it. */
enum hy_tree_severity {
    HY_TREE_EMERGENCY, /* act now: call the emergency number */
    HY_TREE_URGENT,    /* get advice from a health service today */
    HY_TREE_ROUTINE,   /* see a doctor or a service in the coming days */
    HY_TREE_SELF_CARE, /* look after yourself or the person at home; watch for changes */
    HY_TREE_INFO,      /* information or a pointer to other help */
    HY_TREE__SEVERITIES
};
extern const char *const hy_tree_severity_names[HY_TREE__SEVERITIES]; /* "emergency", … */

static inline bool hy_tree_type_is_result(enum hy_tree_type t) {
    return t == HY_TREE_RESULT || t == HY_TREE_CONTACT;
}

struct hy_tree_option {
    const char *label;
    const char *value;
    int next;       /* node index, or -1: the node's rules/default next decide */
    bool exclusive; /* multiple_choice: may only be chosen alone ("none of these") */
};

/* A condition over answers. A test names a node and compares its answer; all/any/not combine. */
enum hy_tree_op {
    HY_TREE_OP_ALL,
    HY_TREE_OP_ANY,
    HY_TREE_OP_NOT,
    HY_TREE_OP_EQ,           /* single_choice: that value; number: equal; date: that day */
    HY_TREE_OP_IN,           /* single_choice: one of the values */
    HY_TREE_OP_INCLUDES,     /* multiple_choice: that value was chosen */
    HY_TREE_OP_INCLUDES_ANY, /* multiple_choice: at least one of the values was chosen */
    HY_TREE_OP_INCLUDES_ALL, /* multiple_choice: every one of the values was chosen */
    HY_TREE_OP_COUNT_GTE,    /* multiple_choice: at least N options chosen */
    HY_TREE_OP_COUNT_LTE,    /* multiple_choice: at most N options chosen */
    HY_TREE_OP_GT,           /* number or date (later than) */
    HY_TREE_OP_GTE,
    HY_TREE_OP_LT, /* number or date (earlier than) */
    HY_TREE_OP_LTE,
    HY_TREE_OP_DAYS_AGO_GTE, /* date: at least N days before today */
    HY_TREE_OP_DAYS_AGO_LTE, /* date: at most N days before today */
    HY_TREE__OPS
};
extern const char *const hy_tree_op_names[HY_TREE__OPS]; /* "all", …, "days_ago_lte" */

struct hy_tree_cond {
    enum hy_tree_op op;
    struct hy_tree_cond *kids; /* all/any: nkids ≥ 1; not: exactly one */
    size_t nkids;
    int node;      /* a test: the node whose answer it reads */
    uint32_t mask; /* choice tests: a bit per option index of that node */
    double num;    /* number tests; date tests (day number); counts; days */
};

struct hy_tree_rule {
    struct hy_tree_cond cond;
    int next;
};

/* Opening hours: on the days of `days` (bit 0 Monday … bit 6 Sunday), from `from` to `to`
 * minutes after local midnight (0 ≤ from < to ≤ 1440). */
struct hy_tree_hours {
    uint8_t days;
    uint16_t from, to;
};

struct hy_tree_contact {
    const char *name;  /* who answers: "Emergency medical services" */
    const char *phone; /* as dialled: "115", "+44 20 7946 0018" (ASCII digits, +, space, -) */
    const char *hours; /* when they are open, as people read it: "Every day, day and night" */
    const char *url;   /* optional: http(s) or a path on this site ("/help") */
    bool always_open;  /* "open": "always" */
    struct hy_tree_hours *open; /* "open": [{"days","from","to"},…]; none when unknown */
    size_t nopen;
};

/* A date bound: none, a fixed day, or today plus `days` (negative: in the past). */
struct hy_tree_bound {
    enum { HY_TREE_BOUND_NONE, HY_TREE_BOUND_DAY, HY_TREE_BOUND_TODAY } kind;
    int32_t days; /* BOUND_DAY: the day number; BOUND_TODAY: the offset from today */
};

struct hy_tree_node {
    const char *id;
    enum hy_tree_type type;
    const char *text;  /* the question or the advice (Markdown) */
    const char *help;  /* questions: optional explanation (Markdown) */
    const char *title; /* results: the headline */
    enum hy_tree_severity severity; /* results */
    struct hy_tree_option *options; /* choices */
    size_t noptions;
    double min, max; /* number */
    bool integer;    /* number: whole numbers only */
    const char *unit;
    struct hy_tree_bound date_min, date_max; /* date */
    struct hy_tree_rule *rules;
    size_t nrules;
    int next; /* the default next node, or -1 */
    struct hy_tree_contact contact; /* contact */
    /* Filled by hy_tree_render(); NULL until then (or when the field is absent). */
    const char *text_html, *text_plain, *help_html;
};

struct hy_tree {
    const char *id;
    const char *title;
    long long version;
    const char *reviewed_at; /* "YYYY-MM-DD" */
    int32_t reviewed_day;    /* the same as a day number */
    const char *source_url;  /* NULL when absent */
    const char *language;    /* "fa", "en", … */
    const char *intro;       /* NULL when absent (Markdown) */
    const char *intro_html;  /* filled by hy_tree_render() */
    int start;
    struct hy_tree_node *nodes;
    size_t nnodes;
    uint16_t *by_id; /* node indexes sorted by id, for hy_tree_find() */
};

/* ---- problems ---- */

/* One thing wrong with a document. `code` is one of:
 *   bad_json, too_large, bad_utf8, missing_field, unknown_field, wrong_type, invalid_value,
 *   too_long, too_many, duplicate_id, unknown_start, dangling_next, no_options,
 *   duplicate_value, cycle, dead_end, unreachable, bad_rule, rule_unknown_node,
 *   rule_not_earlier
 * (docs/trees.md says when each is given). `node` is the id of the node concerned, NULL for
 * the tree itself or a node without a usable id; `field` the field's path inside the node (or
 * the tree), such as "options[2].next" or "nodes[7].id"; `nodes` lists every node of a
 * cycle. Strings are the arena's. */
struct hy_tree_problem {
    const char *code;
    const char *node;
    const char *field;
    const char *message; /* English, for logs and editors */
    const char **nodes;
    size_t nnodes;
};

struct hy_tree_problems {
    struct hy_tree_problem *items;
    size_t count;
    bool truncated; /* more than HY_TREE_PROBLEMS_MAX were found; the first ones are kept */
};

/* Parses and validates the JSON text json[0..n). Returns 0 and sets *ret to the tree when it
 * is valid; -EINVAL when it is not (every problem found is in *ret_problems, which is always
 * filled, and *ret is untouched); -ENOMEM when the arena is full. */
int hy_tree_parse(hy_arena *a, const char *json, size_t n, struct hy_tree **ret,
                  struct hy_tree_problems *ret_problems);

/* The same for a document already parsed by jansson (its strings are checked for UTF-8 again,
 * since jansson can hold unchecked strings). */
int hy_tree_parse_json(hy_arena *a, const json_t *doc, struct hy_tree **ret,
                       struct hy_tree_problems *ret_problems);

/* The ids of the nodes named by the problems, each once, in order of first mention (the
 * nodes of cycles included); NULL-terminated, in the arena; NULL when the arena is full. */
const char **hy_tree_problem_nodes(hy_arena *a, const struct hy_tree_problems *p,
                                   size_t *ret_count);

/* The problems as a JSON array of {"code","node","field","message"[,"nodes"]} ("node" and
 * "field" null when absent). New reference, NULL when out of memory. */
json_t *hy_tree_problems_json(const struct hy_tree_problems *p);

/* True when `s` is a well-formed tree or node id: [A-Za-z0-9][A-Za-z0-9_-]*, at most
 * HY_TREE_ID_MAX bytes. */
bool hy_tree_id_valid(const char *s);

/* The index of the node with this id, or -1. */
int hy_tree_find(const struct hy_tree *t, const char *id);

/* Renders every Markdown text of the tree with hy_md_render() (domain/markdown.h) into the
 * *_html and text_plain fields. 0, -ENOMEM or -EINVAL (md4c refused a text). */
int hy_tree_render(hy_arena *a, struct hy_tree *t);

/* True when a contact with opening hours is open on `weekday` (0 Monday … 6 Sunday) at
 * `minute` after midnight, both in the contact's local time. False when its hours are not
 * given as a schedule (check always_open and show `hours` instead). */
bool hy_tree_contact_open(const struct hy_tree_contact *c, int weekday, int minute);

/* ---- dates ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int32_t hy_tree_day(int y, int m, int d);
/* The Gregorian date of a day number. */
void hy_tree_ymd(int32_t day, int *ret_y, int *ret_m, int *ret_d);
/* The Solar Hijri date of a day number (years 1300–1499, the range dates are read in): true
 * and the date, or false outside that range. */
bool hy_tree_sh_ymd(int32_t day, int *ret_y, int *ret_m, int *ret_d);
/* Reads a date as people type it: YYYY-MM-DD or YYYY/MM/DD, with ASCII, Persian or
 * Arabic-Indic digits and optional spaces around it. Years 1900–2199 are Gregorian; years
 * 1300–1499 are Solar Hijri (the Iranian calendar, 1300 = 1921/22) and are converted. True
 * and the day number in *ret_day when it is a real date of either calendar. */
bool hy_tree_date_parse(const char *s, size_t n, int32_t *ret_day);

/* ---- evaluation ---- */

/* One answered question on the path, with its answer read and checked. */
struct hy_tree_answer {
    int node;
    int option;    /* single_choice: the chosen option's index */
    uint32_t mask; /* multiple_choice: a bit per chosen option */
    double num;    /* number: the value; date: the day number */
};

struct hy_tree_step {
    int node;  /* the question to ask next, or the result reached */
    bool done; /* node is a result or contact */
    struct hy_tree_answer *path; /* the answers on the way there, in order */
    size_t npath;
};

/* Why answers were refused. `code` is "bad_answers" (not a JSON object), "invalid_answer"
 * (a value the node does not take: not an option's value, out of range, not a whole number,
 * not a date, …) or "not_on_path" (an answer for a node the answers do not lead to: an unknown
 * id, a result, a node after the point reached or on another branch). `node` is the id of the
 * node concerned (NULL for bad_answers, or a key that is not a well-formed id). The strings are
 * the arena's. */
struct hy_tree_error {
    const char *code;
    const char *node;
    const char *message; /* English */
};

/* Follows the answers from the start: returns 0 and fills *ret with the first question the
 * answers do not answer yet (and the path to it), or with the result they lead to. `answers`
 * maps node ids to values: single_choice a string (an option's value); multiple_choice an
 * array of distinct option values (a lone string is one value), at least one; number a JSON
 * number or a string of digits (Persian and Arabic-Indic digits read too); date a string read
 * by hy_tree_date_parse(). `today` (a day number in the tree's local time) resolves "today"
 * bounds and days_ago tests. Every answer must lie on the path taken. Returns -EINVAL with
 * *ret_err filled, or -ENOMEM. `t` must come from hy_tree_parse(). Reads nothing else and
 * changes nothing: the same inputs give the same step. */
int hy_tree_evaluate(const struct hy_tree *t, const json_t *answers, int32_t today, hy_arena *a,
                     struct hy_tree_step *ret, struct hy_tree_error *ret_err);

/* The answers of a path in canonical form: an object with the path's node ids in path order,
 * single_choice as the value string, multiple_choice as an array in option order, number as a
 * JSON integer or real, date as "YYYY-MM-DD" (Gregorian). Only the first `count` answers of
 * the path are written. New reference; NULL when out of memory. */
json_t *hy_tree_answers_json(const struct hy_tree *t, const struct hy_tree_step *s, size_t count);

/* "Back": the answers without the last one on their path (the question before the current
 * one is asked again), in canonical form; an empty object when nothing was answered. Returns
 * 0 and a new reference in *ret_answers, -EINVAL (answers refused, *ret_err filled) or
 * -ENOMEM. "Restart" is an empty object. */
int hy_tree_back(const struct hy_tree *t, const json_t *answers, int32_t today, hy_arena *a,
                 json_t **ret_answers, struct hy_tree_error *ret_err);

/* ---- stored trees ---- */

/* One language of one tree as the store keeps it: the document and what lists show of it.
 * Strings point into the arena of the call that read it. */
struct hy_tree_rec {
    const char *id;
    const char *language;
    const char *title;
    int64_t version;          /* the document's "version": raised by every save */
    const char *reviewed_at;  /* "YYYY-MM-DD" */
    const char *source_url;   /* NULL when absent */
    bool published;           /* shown to the public and evaluated for everyone */
    const char *doc;          /* the JSON document; NULL in lists */
    const char *created_by;   /* account ids; NULL for the seeder */
    const char *updated_by;
    int64_t created_at, updated_at, published_at; /* Unix seconds; published_at 0: never */
};

/* A save of a tree (create, edit, seed): who, when, and the document as saved. */
struct hy_tree_revision {
    int64_t id;
    const char *tree_id;
    const char *language;
    int64_t version;
    int64_t at;
    const char *author_id; /* NULL for the seeder */
    const char *action;    /* "create", "edit", "seed" */
    const char *doc;       /* NULL in lists */
};

#endif
