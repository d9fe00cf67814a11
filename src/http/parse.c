#include "http/parse.h"

#include <ctype.h>
#include <stdarg.h>
#include <math.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/numtext.h"
#include "util/utf8.h"

static bool fail(struct hy_parse_error *err, enum hy_error code, const char *field,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static bool fail(struct hy_parse_error *err, enum hy_error code, const char *field,
                     const char *fmt, ...) {
    err->code = code;
    err->field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return false;
}

bool hy_text_ok(const char *s, size_t n, unsigned flags, size_t max_cp) {
    if (memchr(s, 0, n) || !hy_utf8_valid(s, n, 0)) return false;
    if (!(flags & HY_MULTILINE))
        for (size_t i = 0; i < n; i++)
            if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') return false;
    return hy_utf8_length(s, n) <= max_cp;
}

static const char *trimmed(const char *s, size_t *len) {
    size_t n = *len;
    while (n && isspace((unsigned char)*s)) s++, n--;
    while (n && isspace((unsigned char)s[n - 1])) n--;
    *len = n;
    return s;
}

/* A JSON number, or text as a person types it (Persian and Arabic digits and separators, see
 * util/numtext.h): forms send only text, and JSON clients may pass the typed text through. */
static bool to_number(json_t *v, bool decimal, double *ret) {
    if (json_is_integer(v)) {
        *ret = (double)json_integer_value(v);
        return true;
    }
    if (json_is_real(v)) {
        *ret = json_real_value(v);
        return isfinite(*ret);
    }
    if (json_is_string(v)) return hy_number_parse(json_string_value(v), json_string_length(v), decimal, ret);
    return false;
}

static bool check_string(json_t *v, const struct hy_field *f, hy_arena *arena,
                             struct hy_parse_error *err, const char **ret) {
    if (!json_is_string(v)) return fail(err, HY_E_INVALID_FIELD, f->name, "%s must be text.", f->name);
    size_t n = json_string_length(v);
    const char *s = trimmed(json_string_value(v), &n);
    if (memchr(s, 0, n) || !hy_utf8_valid(s, n, 0))
        return fail(err, HY_E_INVALID_FIELD, f->name, "%s contains characters that are not allowed.", f->name);
    if (!(f->flags & HY_MULTILINE))
        for (size_t i = 0; i < n; i++)
            if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
                return fail(err, HY_E_INVALID_FIELD, f->name, "%s must be a single line.", f->name);
    size_t cp = hy_utf8_length(s, n);
    if (cp < (size_t)f->min) {
        if (cp == 0 && (f->flags & HY_REQUIRED))
            return fail(err, HY_E_MISSING_FIELD, f->name, "%s is required.", f->name);
        char d[32];
        snprintf(d, sizeof d, "%.0f", f->min);
        return fail(err, HY_E_INVALID_FIELD, f->name, "%s must be at least %s characters long.", f->name, d);
    }
    if (f->max > 0 && cp > (size_t)f->max) {
        char d[32];
        snprintf(d, sizeof d, "%.0f", f->max);
        return fail(err, HY_E_INVALID_FIELD, f->name, "%s must be at most %s characters long.", f->name, d);
    }
    const char *copy = hy_arena_strndup(arena, s, n);
    if (!copy) return fail(err, HY_E_INTERNAL, f->name, "out of memory at %s", f->name);
    *ret = copy;
    return true;
}

static bool in(const char *s, const char *const *choices) {
    if (!s) return false;
    for (size_t i = 0; choices[i]; i++)
        if (strcmp(s, choices[i]) == 0) return true;
    return false;
}

static bool check_one(json_t *v, const struct hy_field *f, bool from_form, hy_arena *arena,
                          struct hy_parse_error *err) {
    switch (f->type) {
    case HY_FT_STRING:
        return check_string(v, f, arena, err, (const char **)f->out);
    case HY_FT_ENUM: {
        const char *s;
        if (!json_is_string(v) || !hy_utf8_valid(json_string_value(v), json_string_length(v), 0) ||
            !in((s = json_string_value(v)), f->choices))
            return fail(err, HY_E_INVALID_FIELD, f->name, "%s has a value that is not one of the choices.", f->name);
        *(const char **)f->out = hy_arena_strdup(arena, s);
        return *(const char **)f->out || fail(err, HY_E_INTERNAL, f->name, "out of memory at %s", f->name);
    }
    case HY_FT_INT:
    case HY_FT_NUMBER: {
        double d;
        if (!to_number(v, f->type == HY_FT_NUMBER, &d))
            return fail(err, HY_E_INVALID_FIELD, f->name, "%s must be a number.", f->name);
        if (f->type == HY_FT_INT && d != floor(d))
            return fail(err, HY_E_INVALID_FIELD, f->name, "%s must be a whole number.", f->name);
        if (d < f->min || d > f->max) {
            char range[80];
            snprintf(range, sizeof range, "%g and %g", f->min, f->max);
            return fail(err, HY_E_INVALID_FIELD, f->name, "%s must be between %s.", f->name, range);
        }
        if (f->type == HY_FT_INT) *(long long *)f->out = (long long)d;
        else *(double *)f->out = d;
        return true;
    }
    case HY_FT_BOOL:
        if (json_is_boolean(v)) {
            *(bool *)f->out = json_is_true(v);
            return true;
        }
        if (from_form && json_is_string(v)) {
            const char *s = json_string_value(v);
            if (!strcmp(s, "true") || !strcmp(s, "on") || !strcmp(s, "1") || !strcmp(s, "yes")) {
                *(bool *)f->out = true;
                return true;
            }
            if (!strcmp(s, "false") || !strcmp(s, "off") || !strcmp(s, "0") || !strcmp(s, "no") || !*s) {
                *(bool *)f->out = false;
                return true;
            }
        }
        return fail(err, HY_E_INVALID_FIELD, f->name, "%s must be true or false.", f->name);
    case HY_FT_STRINGS: {
        json_t *arr = v;
        json_t *single = NULL;
        if (json_is_string(v) && from_form) {
            /* One form value, or a comma-separated list typed into one box. */
            single = json_array();
            const char *s = json_string_value(v);
            while (*s) {
                const char *c = strchr(s, ',');
                size_t n = c ? (size_t)(c - s) : strlen(s);
                size_t tn = n;
                const char *t = trimmed(s, &tn);
                if (tn) json_array_append_new(single, json_stringn(t, tn));
                s += n + (c ? 1 : 0);
            }
            arr = single;
        }
        if (!json_is_array(arr)) {
            json_decref(single);
            return fail(err, HY_E_INVALID_FIELD, f->name, "%s must be a list of text values.", f->name);
        }
        size_t count = json_array_size(arr);
        if (count > (size_t)f->max) {
            json_decref(single);
            return fail(err, HY_E_INVALID_FIELD, f->name, "%s has too many items.", f->name);
        }
        const char **items = hy_arena_alloc(arena, (count ? count : 1) * sizeof *items);
        if (!items) {
            json_decref(single);
            return fail(err, HY_E_INTERNAL, f->name, "out of memory at %s", f->name);
        }
        struct hy_field item = HY_F_STR(f->name, HY_REQUIRED, 1, (double)(f->item_max ? f->item_max : 100), NULL);
        for (size_t i = 0; i < count; i++) {
            const char *s = NULL;
            item.out = &s;
            if (!check_string(json_array_get(arr, i), &item, arena, err, &s) ||
                (f->choices && !in(s, f->choices))) {
                json_decref(single);
                if (s) fail(err, HY_E_INVALID_FIELD, f->name, "%s has an item that is not one of the choices.", f->name);
                return false;
            }
            items[i] = s;
        }
        json_decref(single);
        ((struct hy_strings *)f->out)->items = items;
        ((struct hy_strings *)f->out)->count = count;
        return true;
    }
    case HY_FT_ANY:
        *(json_t **)f->out = v;
        return true;
    case HY_FT_END:
        break;
    }
    return false;
}

bool hy_fields_check(json_t *obj, const struct hy_field *spec, bool from_form, hy_arena *arena,
                     struct hy_parse_error *err) {
    if (!json_is_object(obj))
        return fail(err, HY_E_BAD_JSON, NULL, "The body must be a JSON object.");
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        bool known = false;
        for (const struct hy_field *f = spec; f->name; f++)
            if (strcmp(f->name, key) == 0) known = true;
        if (!known) {
            const char *k = hy_utf8_valid(key, strlen(key), 0) && strlen(key) < 64
                                ? hy_arena_strdup(arena, key)
                                : NULL;
            if (!k) k = "?";
            return fail(err, HY_E_UNKNOWN_FIELD, k, "This endpoint does not take the field %s.", k);
        }
    }
    for (const struct hy_field *f = spec; f->name; f++) {
        v = json_object_get(obj, f->name);
        if (json_is_null(v) && (f->flags & HY_NULLABLE)) v = NULL; /* json_is_* test v != NULL */
        if (from_form && json_is_string(v) && json_string_length(v) == 0 &&
            f->type != HY_FT_STRING && f->type != HY_FT_BOOL)
            v = NULL; /* an empty form box is an absent value */
        if (f->present) *f->present = v != NULL;
        if (!v) {
            if (f->flags & HY_REQUIRED) return fail(err, HY_E_MISSING_FIELD, f->name, "%s is required.", f->name);
            continue;
        }
        if (!check_one(v, f, from_form, arena, err)) return false;
    }
    return true;
}

static int hex(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes one form component into a fresh buffer; NULL on a bad escape or bad UTF-8. */
static char *form_decode(const char *s, size_t n, size_t *ret_len) {
    char *out = malloc(n + 1);
    if (!out) return NULL;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[w++] = ' ';
        } else if (s[i] == '%') {
            int hi = i + 1 < n ? hex((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hex((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(out);
                return NULL;
            }
            out[w++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[w++] = s[i];
        }
    }
    out[w] = '\0';
    if (memchr(out, 0, w) || !hy_utf8_valid(out, w, HY_UTF8_ALLOW_CONTROLS)) {
        free(out);
        return NULL;
    }
    *ret_len = w;
    return out;
}

json_t *hy_form_parse(const char *data, size_t len) {
    json_t *obj = json_object();
    if (!obj) return NULL;
    size_t i = 0;
    while (i < len) {
        const char *amp = memchr(data + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - data) : len;
        if (end > i) {
            const char *eq = memchr(data + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (data + i)) : end - i;
            size_t kdl, vdl = 0;
            char *k = form_decode(data + i, klen, &kdl);
            char *v = eq ? form_decode(eq + 1, end - (size_t)(eq + 1 - data), &vdl)
                         : form_decode("", 0, &vdl);
            if (!k || !v || kdl == 0 || kdl > 64) {
                free(k);
                free(v);
                json_decref(obj);
                return NULL;
            }
            json_t *val = json_stringn(v, vdl);
            json_t *old = json_object_get(obj, k);
            if (!old) {
                json_object_set_new(obj, k, val);
            } else if (json_is_array(old)) {
                json_array_append_new(old, val);
            } else {
                json_t *arr = json_array();
                json_array_append(arr, old);
                json_array_append_new(arr, val);
                json_object_set_new(obj, k, arr);
            }
            free(k);
            free(v);
        }
        i = end + 1;
    }
    return obj;
}

bool hy_req_is_form(hy_req *req) {
    const char *ct = hy_req_header(req, "Content-Type");
    return ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

bool hy_input_parse(hy_req *req, const struct hy_field *spec, hy_result *ret_result) {
    json_t *obj;
    bool form = (req->route && (req->route->flags & HY_ROUTE_FORM)) && hy_req_is_form(req);
    if (form) {
        if (!req->json) {
            req->json = hy_form_parse(req->body.data ? req->body.data : "", req->body.len);
            if (!req->json) {
                *ret_result = hy_reply_error(req, HY_E_BAD_REQUEST, "The form data is malformed.", NULL);
                return false;
            }
        }
        obj = req->json;
    } else {
        if (req->body.len == 0) {
            *ret_result = hy_reply_error(req, HY_E_BAD_JSON, "The body is empty; send a JSON object.", NULL);
            return false;
        }
        obj = hy_req_json(req, ret_result);
        if (!obj) return false;
    }
    struct hy_parse_error err = {0};
    if (!hy_fields_check(obj, spec, form, req->arena, &err)) {
        *ret_result = hy_reply_error(req, err.code, err.message, err.field);
        return false;
    }
    return true;
}

bool hy_media_type_is(const char *ct, const char *want) {
    size_t n = strlen(want);
    if (!ct || strncasecmp(ct, want, n) != 0) return false;
    return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}
