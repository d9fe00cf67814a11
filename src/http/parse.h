/* parse.h — turning request input into checked values.
 *
 * Handlers declare what they expect and one parser fills the fields or answers a 400 naming
 * the bad field (the GNU Taler way):
 *
 *     const char *name; double lat; bool consent;
 *     struct hy_field spec[] = {
 *         HY_F_STR("name", HY_REQUIRED, 1, 200, &name),
 *         HY_F_NUM("lat", HY_REQUIRED, -90, 90, &lat),
 *         HY_F_BOOL("consent", HY_REQUIRED, &consent),
 *         HY_F_END,
 *     };
 *     if (!hy_input_parse(req, spec, &res)) return res;
 *
 * JSON bodies and form posts (application/x-www-form-urlencoded, for pages that work without
 * JavaScript) go through the same spec: form values are strings and are converted. Unknown
 * fields are refused (so nobody can set a role or an owner by adding a field). Strings are
 * UTF-8 without control characters (HY_MULTILINE allows line breaks and tabs), trimmed of
 * surrounding white space, and their length is counted in code points. */
#ifndef HY_PARSE_H
#define HY_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

enum hy_field_type {
    HY_FT_END,
    HY_FT_STRING,
    HY_FT_INT,
    HY_FT_NUMBER,
    HY_FT_BOOL,
    HY_FT_ENUM,    /* a string from a NULL-terminated list; out is const char ** */
    HY_FT_STRINGS, /* an array of strings; out is struct hy_strings * */
    HY_FT_ANY,     /* any JSON value, checked by the handler; out is json_t ** (borrowed) */
};

enum hy_field_flags {
    HY_OPTIONAL = 0,
    HY_REQUIRED = 1 << 0,
    HY_MULTILINE = 1 << 1, /* strings: allow \n, \r and \t */
    HY_NULLABLE = 1 << 2,  /* null counts as absent */
};

struct hy_strings {
    const char **items;
    size_t count;
};

struct hy_field {
    const char *name;
    enum hy_field_type type;
    unsigned flags;
    double min, max; /* strings: code points; numbers: range; arrays: item count */
    void *out;
    const char *const *choices; /* HY_FT_ENUM; for HY_FT_STRINGS, allowed items or NULL */
    size_t item_max;            /* HY_FT_STRINGS: longest item in code points */
    bool *present;              /* set to whether the field was given; may be NULL */
};

#define HY_F_STR(n, fl, mn, mx, o) {(n), HY_FT_STRING, (fl), (mn), (mx), (o), NULL, 0, NULL}
#define HY_F_INT(n, fl, mn, mx, o) {(n), HY_FT_INT, (fl), (mn), (mx), (o), NULL, 0, NULL}
#define HY_F_NUM(n, fl, mn, mx, o) {(n), HY_FT_NUMBER, (fl), (mn), (mx), (o), NULL, 0, NULL}
#define HY_F_BOOL(n, fl, o) {(n), HY_FT_BOOL, (fl), 0, 0, (o), NULL, 0, NULL}
#define HY_F_ENUM(n, fl, choices, o) {(n), HY_FT_ENUM, (fl), 0, 0, (o), (choices), 0, NULL}
#define HY_F_STRS(n, fl, maxcount, itemmax, choices, o) \
    {(n), HY_FT_STRINGS, (fl), 0, (maxcount), (o), (choices), (itemmax), NULL}
#define HY_F_ANY(n, fl, o) {(n), HY_FT_ANY, (fl), 0, 0, (o), NULL, 0, NULL}
#define HY_F_END {NULL, HY_FT_END, 0, 0, 0, NULL, NULL, 0, NULL}

/* The error a failed parse reports. */
struct hy_parse_error {
    enum hy_error code;
    const char *field;   /* static or in the arena */
    char message[200];
};

/* Checks `obj` against `spec` and fills the outputs (strings copied into `arena`). `from_form`
 * accepts string values for numbers and booleans. Returns true, or false with *err filled and
 * no output touched that the caller could mistake for valid. */
bool hy_fields_check(json_t *obj, const struct hy_field *spec, bool from_form, hy_arena *arena,
                     struct hy_parse_error *err);

/* Parses an application/x-www-form-urlencoded body into a JSON object of strings (a key given
 * more than once becomes an array). Returns NULL when the encoding or UTF-8 is bad. */
json_t *hy_form_parse(const char *data, size_t len);

/* Reads the request's body (JSON or form, as the route allows) and checks it against `spec`.
 * On failure answers the error, sets *ret_result and returns false. */
bool hy_input_parse(hy_req *req, const struct hy_field *spec, hy_result *ret_result);

/* True when the request's body was a form post (the handler then answers with a page). */
bool hy_req_is_form(hy_req *req);

/* True when the Content-Type `ct` is the media type `want` (without case), with or without
 * parameters ("text/csv; charset=utf-8"). */
bool hy_media_type_is(const char *ct, const char *want);

/* Checks a string for UTF-8, control characters and length, as for HY_FT_STRING fields. */
bool hy_text_ok(const char *s, size_t n, unsigned flags, size_t max_code_points);

#endif
