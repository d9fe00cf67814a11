/* fuzz_fields.c — json_loadb() + hy_fields_check() with a spec of every field type.
 *
 * Input that parses as JSON is checked twice, in JSON mode and in form mode; anything else is
 * taken as a form body (hy_form_parse) and checked in form mode. On success every output must
 * satisfy its field's rules (UTF-8, no controls, trimmed, lengths in code points, ranges,
 * choices); on failure the error must be one a handler can answer, with a message, naming a
 * field unless the body itself was wrong. Each check runs with a roomy arena and with two tiny
 * ones (96 bytes, 1 byte), so every out-of-memory path is reached too: it must still fill the
 * error, never leave it unset. */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>

#include "fuzz.h"
#include "http/parse.h"
#include "util/utf8.h"

static const char *const langs[] = {"fa", "en", NULL};
static const char *const skills[] = {"driving", "medical", "cooking", "first aid", NULL};

static bool in(const char *s, const char *const *choices) {
    for (size_t i = 0; choices[i]; i++)
        if (!strcmp(s, choices[i])) return true;
    return false;
}

static void check_text(const char *s, size_t min_cp, size_t max_cp, bool multiline) {
    FUZZ_CHECK(s != NULL);
    size_t n = strlen(s);
    FUZZ_CHECK(hy_utf8_valid(s, n, 0));
    size_t cp = hy_utf8_length(s, n);
    FUZZ_CHECK(cp >= min_cp);
    FUZZ_CHECK(max_cp == 0 || cp <= max_cp);
    if (n) FUZZ_CHECK(!isspace((unsigned char)s[0]) && !isspace((unsigned char)s[n - 1]));
    if (!multiline) FUZZ_CHECK(!strpbrk(s, "\n\r\t"));
}

static void run(json_t *obj, bool form, size_t arena_cap) {
    const char *name = NULL, *bio = NULL, *lang = NULL;
    long long age = -1;
    double lat = NAN;
    bool consent = false;
    struct hy_strings tags = {NULL, 0}, sk = {NULL, 0};
    json_t *extra = NULL;
    bool present[9];
    memset(present, 0, sizeof present);
    struct hy_field spec[] = {
        HY_F_STR("name", HY_OPTIONAL, 1, 40, &name),
        HY_F_STR("bio", HY_MULTILINE | HY_NULLABLE, 0, 500, &bio),
        HY_F_INT("age", HY_OPTIONAL, 16, 120, &age),
        HY_F_NUM("lat", HY_OPTIONAL, -90, 90, &lat),
        HY_F_BOOL("consent", HY_OPTIONAL, &consent),
        HY_F_STRS("tags", HY_OPTIONAL, 5, 20, NULL, &tags),
        HY_F_STRS("skills", HY_NULLABLE, 3, 0, skills, &sk),
        HY_F_ANY("extra", HY_OPTIONAL, &extra),
        HY_F_ENUM("lang", HY_REQUIRED, langs, &lang),
        HY_F_END,
    };
    for (size_t i = 0; i < 9; i++) spec[i].present = &present[i];

    hy_arena *arena = hy_arena_new(arena_cap);
    if (!arena) abort();
    struct hy_parse_error err;
    memset(&err, 0, sizeof err);
    err.code = HY_E__COUNT;
    if (hy_fields_check(obj, spec, form, arena, &err)) {
        FUZZ_CHECK(json_is_object(obj));
        if (present[0]) check_text(name, 1, 40, false);
        if (present[1]) check_text(bio, 0, 500, true);
        if (present[2]) FUZZ_CHECK(age >= 16 && age <= 120);
        if (present[3]) FUZZ_CHECK(isfinite(lat) && lat >= -90 && lat <= 90);
        if (present[5]) {
            FUZZ_CHECK(tags.count <= 5);
            for (size_t i = 0; i < tags.count; i++) check_text(tags.items[i], 1, 20, false);
        }
        if (present[6]) {
            FUZZ_CHECK(sk.count <= 3);
            for (size_t i = 0; i < sk.count; i++) FUZZ_CHECK(in(sk.items[i], skills));
        }
        if (present[7]) FUZZ_CHECK(extra != NULL);
        FUZZ_CHECK(present[8] && lang && in(lang, langs));
        /* Every key of the object is a field of the spec. */
        const char *key;
        json_t *v;
        json_object_foreach(obj, key, v) {
            bool known = false;
            for (size_t i = 0; spec[i].name; i++) known |= !strcmp(key, spec[i].name);
            FUZZ_CHECK(known);
        }
    } else {
        FUZZ_CHECK(err.code == HY_E_BAD_JSON || err.code == HY_E_UNKNOWN_FIELD ||
                   err.code == HY_E_INVALID_FIELD || err.code == HY_E_MISSING_FIELD ||
                   err.code == HY_E_INTERNAL);
        FUZZ_CHECK(err.message[0] != '\0');
        FUZZ_CHECK(memchr(err.message, 0, sizeof err.message) != NULL);
        if (err.code != HY_E_BAD_JSON) FUZZ_CHECK(err.field != NULL);
        if (err.code != HY_E_BAD_JSON && err.code != HY_E_UNKNOWN_FIELD)
            FUZZ_CHECK(err.field[0] != '\0'); /* an unknown key may itself be "" */
        if (err.code == HY_E_BAD_JSON) FUZZ_CHECK(!json_is_object(obj));
    }
    hy_arena_free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_error_t je;
    json_t *obj = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    static const size_t caps[] = {1 << 20, 96, 1};
    bool form_only = false;
    if (!obj) {
        obj = hy_form_parse((const char *)data, size);
        form_only = true;
    }
    if (!obj) return 0;
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        if (!form_only) run(obj, false, caps[i]);
        run(obj, true, caps[i]);
    }
    json_decref(obj);
    return 0;
}
