/* test_parse.c — declarative field checking (hy_fields_check and hy_text_ok in
 * src/http/parse.c), in JSON mode and in form mode.
 *
 * Every field type is covered: given, missing, wrong type, at and just past each range
 * boundary. String lengths are counted in code points: "همیاری" is 6 code points, 12 bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "http/parse.h"

#define FA6 "همیاری" /* 6 code points, 12 bytes */
#define FA5 "همیار"  /* 5 code points, 10 bytes */

struct ctx {
    hy_arena *arena;
    struct hy_parse_error err;
    json_t *obj;
};

static int setup(void **state) {
    static struct ctx c;
    memset(&c, 0, sizeof c);
    c.arena = hy_arena_new(0);
    *state = &c;
    return c.arena ? 0 : -1;
}

static int teardown(void **state) {
    struct ctx *c = *state;
    json_decref(c->obj);
    c->obj = NULL;
    c->arena = hy_arena_free(c->arena);
    return 0;
}

/* Parses `json` (must be valid JSON; the test fails otherwise) and checks it against spec. */
static bool check(struct ctx *c, const char *json, const struct hy_field *spec, bool form) {
    json_decref(c->obj);
    json_error_t je;
    c->obj = json_loads(json, JSON_DECODE_ANY, &je);
    if (!c->obj) fail_msg("test JSON does not parse: %s: %s", json, je.text);
    memset(&c->err, 0, sizeof c->err);
    c->err.code = HY_E__COUNT; /* so a failure that forgets to fill err is caught */
    return hy_fields_check(c->obj, spec, form, c->arena, &c->err);
}

/* Asserts a failure with `code` naming `field`. */
static void expect_fail(struct ctx *c, const char *json, const struct hy_field *spec, bool form,
                        enum hy_error code, const char *field) {
    if (check(c, json, spec, form)) fail_msg("accepted: %s", json);
    if (c->err.code != code)
        fail_msg("%s: code %s, expected %s (%s)", json, hy_error_code(c->err.code),
                 hy_error_code(code), c->err.message);
    if (field) {
        assert_non_null(c->err.field);
        assert_string_equal(c->err.field, field);
    }
    assert_true(c->err.message[0] != '\0');
}

static void expect_ok(struct ctx *c, const char *json, const struct hy_field *spec, bool form) {
    if (!check(c, json, spec, form)) fail_msg("refused: %s: %s", json, c->err.message);
}

/* ---------------------------------------------------------------- strings */

static void test_string_required(void **state) {
    struct ctx *c = *state;
    const char *name = NULL;
    struct hy_field spec[] = {HY_F_STR("name", HY_REQUIRED, 1, 20, &name), HY_F_END};
    expect_ok(c, "{\"name\":\"Sara\"}", spec, false);
    assert_string_equal(name, "Sara");
    expect_fail(c, "{}", spec, false, HY_E_MISSING_FIELD, "name");
    expect_fail(c, "{\"name\":\"\"}", spec, false, HY_E_MISSING_FIELD, "name");
    expect_fail(c, "{\"name\":\"   \"}", spec, false, HY_E_MISSING_FIELD, "name"); /* blank */
    expect_fail(c, "{\"name\":null}", spec, false, HY_E_INVALID_FIELD, "name");
    expect_fail(c, "{\"name\":5}", spec, false, HY_E_INVALID_FIELD, "name");
    expect_fail(c, "{\"name\":[\"a\"]}", spec, false, HY_E_INVALID_FIELD, "name");
    expect_fail(c, "{\"name\":true}", spec, false, HY_E_INVALID_FIELD, "name");
    expect_fail(c, "[]", spec, false, HY_E_BAD_JSON, NULL); /* not an object */
    expect_fail(c, "\"name\"", spec, false, HY_E_BAD_JSON, NULL);
}

static void test_string_optional(void **state) {
    struct ctx *c = *state;
    const char *note = "untouched";
    bool present = true;
    struct hy_field spec[] = {HY_F_STR("note", HY_OPTIONAL, 0, 20, &note), HY_F_END};
    spec[0].present = &present;
    expect_ok(c, "{}", spec, false);
    assert_false(present);
    assert_string_equal(note, "untouched"); /* absent: output left alone */
    expect_ok(c, "{\"note\":\"\"}", spec, false);
    assert_true(present);
    assert_string_equal(note, ""); /* given empty: an empty string, not absent */
}

static void test_string_trimmed(void **state) {
    struct ctx *c = *state;
    const char *name = NULL;
    struct hy_field spec[] = {HY_F_STR("name", HY_REQUIRED, 1, 5, &name), HY_F_END};
    expect_ok(c, "{\"name\":\"  ab cd \\t\\n \"}", spec, false); /* 5 code points once trimmed */
    assert_string_equal(name, "ab cd");
    spec[0].max = 4;
    expect_fail(c, "{\"name\":\" abcde \"}", spec, false, HY_E_INVALID_FIELD, "name");
    expect_ok(c, "{\"name\":\"  abcd  \"}", spec, false); /* white space does not count */
    assert_string_equal(name, "abcd");
}

static void test_string_code_points(void **state) {
    struct ctx *c = *state;
    const char *s = NULL;
    assert_int_equal(strlen(FA6), 12);
    struct hy_field spec[] = {HY_F_STR("s", HY_REQUIRED, 6, 6, &s), HY_F_END};
    expect_ok(c, "{\"s\":\"" FA6 "\"}", spec, false); /* 12 bytes but 6 code points: fits 6..6 */
    assert_string_equal(s, FA6);
    expect_fail(c, "{\"s\":\"" FA5 "\"}", spec, false, HY_E_INVALID_FIELD, "s"); /* 5 < min 6 */
    assert_non_null(strstr(c->err.message, "at least 6"));
    expect_fail(c, "{\"s\":\"" FA6 "ی\"}", spec, false, HY_E_INVALID_FIELD, "s"); /* 7 > 6 */
    assert_non_null(strstr(c->err.message, "at most 6"));
    /* The same limits in ASCII: the boundary is on both sides of the same number. */
    expect_ok(c, "{\"s\":\"abcdef\"}", spec, false);
    expect_fail(c, "{\"s\":\"abcde\"}", spec, false, HY_E_INVALID_FIELD, "s");
    expect_fail(c, "{\"s\":\"abcdefg\"}", spec, false, HY_E_INVALID_FIELD, "s");
    /* A JSON \u escape counts once, as do 4-byte characters. */
    expect_ok(c, "{\"s\":\"\\u0647\\u0645\\u06cc\\u0627\\u0631\\u06cc\"}", spec, false);
    assert_string_equal(s, FA6);
    expect_ok(c, "{\"s\":\"\\ud83d\\ude00abcde\"}", spec, false); /* U+1F600 + 5 */
    /* max 0 means no upper limit. */
    spec[0].min = 0;
    spec[0].max = 0;
    char big[3000] = "{\"s\":\"";
    memset(big + 6, 'x', 2000);
    memcpy(big + 2006, "\"}", sizeof "\"}");
    expect_ok(c, big, spec, false);
    assert_int_equal(strlen(s), 2000);
}

static void test_string_single_line_vs_multiline(void **state) {
    struct ctx *c = *state;
    const char *t = NULL;
    struct hy_field one[] = {HY_F_STR("t", HY_REQUIRED, 1, 100, &t), HY_F_END};
    struct hy_field multi[] = {HY_F_STR("t", HY_REQUIRED | HY_MULTILINE, 1, 100, &t), HY_F_END};
    static const char *const breaks[] = {"{\"t\":\"a\\nb\"}", "{\"t\":\"a\\rb\"}",
                                         "{\"t\":\"a\\tb\"}", "{\"t\":\"a\\r\\nb\"}"};
    for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
        expect_fail(c, breaks[i], one, false, HY_E_INVALID_FIELD, "t");
        assert_non_null(strstr(c->err.message, "single line"));
        expect_ok(c, breaks[i], multi, false);
    }
    expect_ok(c, "{\"t\":\"line 1\\nline 2\"}", multi, false);
    assert_string_equal(t, "line 1\nline 2");
    /* Other controls are refused even with HY_MULTILINE; NUL always. */
    static const char *const bad[] = {"{\"t\":\"a\\u0001b\"}", "{\"t\":\"a\\u001bb\"}",
                                      "{\"t\":\"a\\u007fb\"}", "{\"t\":\"a\\u000bb\"}",
                                      "{\"t\":\"a\\u000cb\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_fail(c, bad[i], one, false, HY_E_INVALID_FIELD, "t");
        expect_fail(c, bad[i], multi, false, HY_E_INVALID_FIELD, "t");
    }
    /* jansson only accepts \u0000 with JSON_ALLOW_NUL; build such a string directly. */
    json_t *o = json_object();
    json_object_set_new(o, "t", json_stringn("a\0b", 3));
    c->err.code = HY_E__COUNT;
    assert_false(hy_fields_check(o, multi, false, c->arena, &c->err));
    assert_int_equal(c->err.code, HY_E_INVALID_FIELD);
    json_decref(o);
}

/* ---------------------------------------------------------------- unknown fields */

static void test_unknown_field(void **state) {
    struct ctx *c = *state;
    const char *name = NULL;
    struct hy_field spec[] = {HY_F_STR("name", HY_REQUIRED, 1, 20, &name), HY_F_END};
    expect_fail(c, "{\"name\":\"a\",\"role\":\"admin\"}", spec, false, HY_E_UNKNOWN_FIELD, "role");
    assert_non_null(strstr(c->err.message, "role"));
    /* Refused before anything else is looked at: even when a required field is missing. */
    expect_fail(c, "{\"owner_id\":\"x\"}", spec, false, HY_E_UNKNOWN_FIELD, "owner_id");
    /* Names are compared exactly. */
    expect_fail(c, "{\"Name\":\"a\"}", spec, false, HY_E_UNKNOWN_FIELD, "Name");
    expect_fail(c, "{\"name \":\"a\"}", spec, false, HY_E_UNKNOWN_FIELD, "name ");
    expect_fail(c, "{\"نام\":\"a\"}", spec, false, HY_E_UNKNOWN_FIELD, "نام");
    /* A name too long (64 bytes or more) or with control characters is not echoed back. */
    char js[200];
    snprintf(js, sizeof js, "{\"%064d\":1}", 0);
    expect_fail(c, js, spec, false, HY_E_UNKNOWN_FIELD, "?");
    snprintf(js, sizeof js, "{\"%063d\":1}", 0); /* 63 bytes: still named */
    expect_fail(c, js, spec, false, HY_E_UNKNOWN_FIELD, NULL);
    assert_int_equal(strlen(c->err.field), 63);
    expect_fail(c, "{\"a\\u001bb\":1}", spec, false, HY_E_UNKNOWN_FIELD, "?");
    /* The same in form mode. */
    expect_fail(c, "{\"name\":\"a\",\"is_admin\":\"on\"}", spec, true, HY_E_UNKNOWN_FIELD,
                "is_admin");
}

/* ---------------------------------------------------------------- numbers */

static void test_int(void **state) {
    struct ctx *c = *state;
    long long n = -1;
    struct hy_field spec[] = {HY_F_INT("n", HY_REQUIRED, 1, 10, &n), HY_F_END};
    expect_ok(c, "{\"n\":1}", spec, false); /* min */
    assert_int_equal(n, 1);
    expect_ok(c, "{\"n\":10}", spec, false); /* max */
    assert_int_equal(n, 10);
    expect_ok(c, "{\"n\":7.0}", spec, false); /* a whole real */
    assert_int_equal(n, 7);
    expect_fail(c, "{\"n\":0}", spec, false, HY_E_INVALID_FIELD, "n");  /* min - 1 */
    expect_fail(c, "{\"n\":11}", spec, false, HY_E_INVALID_FIELD, "n"); /* max + 1 */
    assert_non_null(strstr(c->err.message, "between 1 and 10"));
    expect_fail(c, "{\"n\":5.5}", spec, false, HY_E_INVALID_FIELD, "n");
    assert_non_null(strstr(c->err.message, "whole number"));
    expect_fail(c, "{\"n\":-9223372036854775808}", spec, false, HY_E_INVALID_FIELD, "n");
    expect_fail(c, "{\"n\":1e300}", spec, false, HY_E_INVALID_FIELD, "n");
    expect_fail(c, "{\"n\":true}", spec, false, HY_E_INVALID_FIELD, "n");
    expect_fail(c, "{\"n\":null}", spec, false, HY_E_INVALID_FIELD, "n");
    expect_fail(c, "{}", spec, false, HY_E_MISSING_FIELD, "n");
    /* Numbers as typed text: in form mode and in JSON alike. */
    n = -1;
    expect_ok(c, "{\"n\":\"5\"}", spec, false);
    assert_int_equal(n, 5);
    n = -1;
    expect_ok(c, "{\"n\":\"5\"}", spec, true);
    assert_int_equal(n, 5);
    expect_ok(c, "{\"n\":\"  6 \"}", spec, true); /* trimmed */
    assert_int_equal(n, 6);
    expect_fail(c, "{\"n\":\"5.5\"}", spec, true, HY_E_INVALID_FIELD, "n");
    expect_fail(c, "{\"n\":\"11\"}", spec, true, HY_E_INVALID_FIELD, "n");
    expect_fail(c, "{\"n\":\"5x\"}", spec, true, HY_E_INVALID_FIELD, "n");
    expect_fail(c, "{\"n\":\"five\"}", spec, true, HY_E_INVALID_FIELD, "n");
    expect_fail(c, "{\"n\":\"  \"}", spec, true, HY_E_INVALID_FIELD, "n");
    expect_fail(c, "{\"n\":\"5 5\"}", spec, true, HY_E_INVALID_FIELD, "n");
    /* An empty form box is an absent value. */
    expect_fail(c, "{\"n\":\"\"}", spec, true, HY_E_MISSING_FIELD, "n");
}

static void test_number(void **state) {
    struct ctx *c = *state;
    double lat = 0;
    bool present = false;
    struct hy_field spec[] = {HY_F_NUM("lat", HY_OPTIONAL, -90, 90, &lat), HY_F_END};
    spec[0].present = &present;
    expect_ok(c, "{\"lat\":35.6892}", spec, false);
    assert_true(present);
    assert_true(lat == 35.6892);
    expect_ok(c, "{\"lat\":-90}", spec, false);
    assert_true(lat == -90.0);
    expect_ok(c, "{\"lat\":90.0}", spec, false);
    expect_fail(c, "{\"lat\":90.000001}", spec, false, HY_E_INVALID_FIELD, "lat");
    expect_fail(c, "{\"lat\":-90.000001}", spec, false, HY_E_INVALID_FIELD, "lat");
    expect_ok(c, "{\"lat\":\"۳۵٫۷۲\"}", spec, false); /* typed text, passed through */
    assert_true(lat == 35.72);
    expect_fail(c, "{\"lat\":{}}", spec, false, HY_E_INVALID_FIELD, "lat");
    expect_ok(c, "{}", spec, false);
    assert_false(present);
    /* Form mode: decimal strings in every script; never exponents (nobody types them), NaN or
     * infinities in any spelling. */
    expect_ok(c, "{\"lat\":\"35.7\"}", spec, true);
    assert_true(lat == 35.7);
    expect_ok(c, "{\"lat\":\"٣٥,٧٢\"}", spec, true);
    assert_true(lat == 35.72);
    expect_fail(c, "{\"lat\":\"-3.5e1\"}", spec, true, HY_E_INVALID_FIELD, "lat");
    expect_fail(c, "{\"lat\":\"۹۰٫۵\"}", spec, true, HY_E_INVALID_FIELD, "lat"); /* range */
    static const char *const nonfinite[] = {"nan", "NaN", "-nan", "inf", "-inf", "Infinity",
                                            "INF", "1e999", "-1e999", "nan(0x1)", "0x10"};
    struct hy_field wide[] = {HY_F_NUM("x", HY_REQUIRED, -HUGE_VAL, HUGE_VAL, &lat), HY_F_END};
    for (size_t i = 0; i < sizeof nonfinite / sizeof nonfinite[0]; i++) {
        char js[64];
        snprintf(js, sizeof js, "{\"x\":\"%s\"}", nonfinite[i]);
        expect_fail(c, js, wide, true, HY_E_INVALID_FIELD, "x");
    }
    /* Typed text longer than HY_NUMBER_TEXT_MAX (120 bytes) is refused without being parsed. */
    char js[160] = "{\"x\":\"1.";
    memset(js + 8, '0', 118); /* "1." + 118 zeros: 120 bytes */
    memcpy(js + 126, "\"}", sizeof "\"}");
    expect_ok(c, js, wide, true);
    assert_true(lat == 1.0);
    memset(js + 8, '0', 119); /* 121 bytes */
    memcpy(js + 127, "\"}", sizeof "\"}");
    expect_fail(c, js, wide, true, HY_E_INVALID_FIELD, "x");
    /* An empty form box: absent, so an optional number keeps its value. */
    lat = 12.5;
    expect_ok(c, "{\"lat\":\"\"}", spec, true);
    assert_false(present);
    assert_true(lat == 12.5);
}

/* ---------------------------------------------------------------- booleans */

static void test_bool(void **state) {
    struct ctx *c = *state;
    bool b = false;
    struct hy_field spec[] = {HY_F_BOOL("consent", HY_REQUIRED, &b), HY_F_END};
    expect_ok(c, "{\"consent\":true}", spec, false);
    assert_true(b);
    expect_ok(c, "{\"consent\":false}", spec, false);
    assert_false(b);
    expect_fail(c, "{\"consent\":\"true\"}", spec, false, HY_E_INVALID_FIELD, "consent");
    expect_fail(c, "{\"consent\":1}", spec, false, HY_E_INVALID_FIELD, "consent");
    expect_fail(c, "{\"consent\":null}", spec, false, HY_E_INVALID_FIELD, "consent");
    expect_fail(c, "{}", spec, false, HY_E_MISSING_FIELD, "consent");
    static const char *const yes[] = {"true", "on", "1", "yes"};
    static const char *const no[] = {"false", "off", "0", "no", ""};
    for (size_t i = 0; i < 4; i++) {
        char js[64];
        snprintf(js, sizeof js, "{\"consent\":\"%s\"}", yes[i]);
        b = false;
        expect_ok(c, js, spec, true);
        assert_true(b);
    }
    for (size_t i = 0; i < 5; i++) {
        char js[64];
        snprintf(js, sizeof js, "{\"consent\":\"%s\"}", no[i]);
        b = true;
        expect_ok(c, js, spec, true);
        assert_false(b);
    }
    expect_fail(c, "{\"consent\":\"maybe\"}", spec, true, HY_E_INVALID_FIELD, "consent");
    expect_fail(c, "{\"consent\":\"TRUE \"}", spec, true, HY_E_INVALID_FIELD, "consent");
    expect_ok(c, "{\"consent\":true}", spec, true); /* real booleans still work in form mode */
}

/* ---------------------------------------------------------------- enums */

static void test_enum(void **state) {
    struct ctx *c = *state;
    static const char *const langs[] = {"fa", "en", NULL};
    const char *lang = NULL;
    struct hy_field spec[] = {HY_F_ENUM("lang", HY_REQUIRED, langs, &lang), HY_F_END};
    expect_ok(c, "{\"lang\":\"fa\"}", spec, false);
    assert_string_equal(lang, "fa");
    expect_ok(c, "{\"lang\":\"en\"}", spec, true);
    assert_string_equal(lang, "en");
    expect_fail(c, "{\"lang\":\"de\"}", spec, false, HY_E_INVALID_FIELD, "lang");
    expect_fail(c, "{\"lang\":\"FA\"}", spec, false, HY_E_INVALID_FIELD, "lang");
    expect_fail(c, "{\"lang\":\"fa \"}", spec, false, HY_E_INVALID_FIELD, "lang");
    expect_fail(c, "{\"lang\":\"f\"}", spec, false, HY_E_INVALID_FIELD, "lang"); /* a prefix */
    expect_fail(c, "{\"lang\":1}", spec, false, HY_E_INVALID_FIELD, "lang");
    expect_fail(c, "{\"lang\":[\"fa\"]}", spec, false, HY_E_INVALID_FIELD, "lang");
    expect_fail(c, "{\"lang\":\"\"}", spec, false, HY_E_INVALID_FIELD, "lang");
    expect_fail(c, "{}", spec, false, HY_E_MISSING_FIELD, "lang");
    expect_fail(c, "{\"lang\":\"\"}", spec, true, HY_E_MISSING_FIELD, "lang"); /* empty box */
    /* A NUL cannot smuggle a prefix match. */
    json_t *o = json_object();
    json_object_set_new(o, "lang", json_stringn("fa\0x", 4));
    c->err.code = HY_E__COUNT;
    assert_false(hy_fields_check(o, spec, false, c->arena, &c->err));
    assert_int_equal(c->err.code, HY_E_INVALID_FIELD);
    json_decref(o);
}

/* An allocation failure must still fill the error (the caller answers from it). */
static void test_enum_out_of_memory(void **state) {
    (void)state;
    static const char *const langs[] = {"fa", "en", NULL};
    const char *lang = NULL;
    struct hy_field spec[] = {HY_F_ENUM("lang", HY_REQUIRED, langs, &lang), HY_F_END};
    hy_arena *tiny = hy_arena_new(1); /* every allocation fails */
    json_t *o = json_pack("{s:s}", "lang", "fa");
    struct hy_parse_error err;
    memset(&err, 0, sizeof err);
    err.code = HY_E__COUNT;
    assert_false(hy_fields_check(o, spec, false, tiny, &err));
    assert_int_equal(err.code, HY_E_INTERNAL);
    assert_true(err.message[0] != '\0');
    json_decref(o);
    hy_arena_free(tiny);
}

/* The same for the name of an unknown field: the error still names something. */
static void test_unknown_field_out_of_memory(void **state) {
    (void)state;
    const char *name = NULL;
    struct hy_field spec[] = {HY_F_STR("name", HY_OPTIONAL, 0, 20, &name), HY_F_END};
    hy_arena *tiny = hy_arena_new(1);
    json_t *o = json_pack("{s:s}", "role", "admin");
    struct hy_parse_error err;
    memset(&err, 0, sizeof err);
    assert_false(hy_fields_check(o, spec, false, tiny, &err));
    assert_int_equal(err.code, HY_E_UNKNOWN_FIELD);
    assert_non_null(err.field);
    assert_null(strstr(err.message, "(null)"));
    json_decref(o);
    hy_arena_free(tiny);
}

/* ---------------------------------------------------------------- string arrays */

static void test_strings_json(void **state) {
    struct ctx *c = *state;
    struct hy_strings tags = {NULL, 99};
    struct hy_field spec[] = {HY_F_STRS("tags", HY_REQUIRED, 3, 5, NULL, &tags), HY_F_END};
    expect_ok(c, "{\"tags\":[\"a\",\" b \",\"" FA5 "\"]}", spec, false);
    assert_int_equal(tags.count, 3);
    assert_string_equal(tags.items[0], "a");
    assert_string_equal(tags.items[1], "b"); /* items are trimmed */
    assert_string_equal(tags.items[2], FA5);  /* 5 code points: at item_max */
    expect_ok(c, "{\"tags\":[]}", spec, false);
    assert_int_equal(tags.count, 0);
    expect_fail(c, "{\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", spec, false, HY_E_INVALID_FIELD,
                "tags"); /* 4 > 3 items */
    assert_non_null(strstr(c->err.message, "too many"));
    expect_fail(c, "{\"tags\":[\"" FA6 "\"]}", spec, false, HY_E_INVALID_FIELD, "tags"); /* 6 cp */
    expect_fail(c, "{\"tags\":[\"a\",1]}", spec, false, HY_E_INVALID_FIELD, "tags");
    expect_fail(c, "{\"tags\":[\"a\",null]}", spec, false, HY_E_INVALID_FIELD, "tags");
    expect_fail(c, "{\"tags\":[\"a\\nb\"]}", spec, false, HY_E_INVALID_FIELD, "tags");
    expect_fail(c, "{\"tags\":\"a,b\"}", spec, false, HY_E_INVALID_FIELD, "tags"); /* JSON mode */
    expect_fail(c, "{\"tags\":{}}", spec, false, HY_E_INVALID_FIELD, "tags");
    /* An empty item is not a value. */
    assert_false(check(c, "{\"tags\":[\"a\",\"  \"]}", spec, false));
    assert_string_equal(c->err.field, "tags");
    expect_fail(c, "{}", spec, false, HY_E_MISSING_FIELD, "tags");
}

static void test_strings_choices(void **state) {
    struct ctx *c = *state;
    static const char *const skills[] = {"driving", "medical", "cooking", NULL};
    struct hy_strings got = {NULL, 0};
    struct hy_field spec[] = {HY_F_STRS("skills", HY_OPTIONAL, 3, 20, skills, &got), HY_F_END};
    expect_ok(c, "{\"skills\":[\"medical\",\"driving\"]}", spec, false);
    assert_int_equal(got.count, 2);
    assert_string_equal(got.items[0], "medical");
    expect_fail(c, "{\"skills\":[\"medical\",\"hacking\"]}", spec, false, HY_E_INVALID_FIELD,
                "skills");
    assert_non_null(strstr(c->err.message, "not one of the choices"));
    expect_ok(c, "{\"skills\":\"cooking, driving\"}", spec, true);
    assert_int_equal(got.count, 2);
    assert_string_equal(got.items[1], "driving");
    expect_fail(c, "{\"skills\":\"cooking,flying\"}", spec, true, HY_E_INVALID_FIELD, "skills");
}

static void test_strings_form_comma_list(void **state) {
    struct ctx *c = *state;
    struct hy_strings tags = {NULL, 0};
    bool present = false;
    struct hy_field spec[] = {HY_F_STRS("tags", HY_OPTIONAL, 4, 10, NULL, &tags), HY_F_END};
    spec[0].present = &present;
    expect_ok(c, "{\"tags\":\"a, b ,,c,\"}", spec, true); /* empty pieces are dropped */
    assert_true(present);
    assert_int_equal(tags.count, 3);
    assert_string_equal(tags.items[0], "a");
    assert_string_equal(tags.items[1], "b");
    assert_string_equal(tags.items[2], "c");
    expect_ok(c, "{\"tags\":\"" FA6 "،x\"}", spec, true); /* the Arabic comma is not a separator */
    assert_int_equal(tags.count, 1);
    expect_ok(c, "{\"tags\":\"one\"}", spec, true); /* a single value */
    assert_int_equal(tags.count, 1);
    assert_string_equal(tags.items[0], "one");
    expect_fail(c, "{\"tags\":\"a,b,c,d,e\"}", spec, true, HY_E_INVALID_FIELD, "tags"); /* 5 > 4 */
    expect_ok(c, "{\"tags\":\"a,b,c,d\"}", spec, true);                                 /* 4 */
    assert_int_equal(tags.count, 4);
    /* Repeated form keys arrive as an array (see test_form.c) and are taken as is. */
    expect_ok(c, "{\"tags\":[\"x\",\"y\"]}", spec, true);
    assert_int_equal(tags.count, 2);
    /* An empty box: absent. */
    tags.count = 77;
    expect_ok(c, "{\"tags\":\"\"}", spec, true);
    assert_false(present);
    assert_int_equal(tags.count, 77);
    /* Only commas: present but no items. */
    expect_ok(c, "{\"tags\":\" , ,\"}", spec, true);
    assert_int_equal(tags.count, 0);
}

/* ---------------------------------------------------------------- any, nullable, present */

static void test_any_and_nullable(void **state) {
    struct ctx *c = *state;
    json_t *any = NULL;
    const char *nick = "keep";
    bool p_any = false, p_nick = true;
    struct hy_field spec[] = {HY_F_ANY("data", HY_OPTIONAL, &any),
                              HY_F_STR("nick", HY_NULLABLE, 0, 10, &nick), HY_F_END};
    spec[0].present = &p_any;
    spec[1].present = &p_nick;
    expect_ok(c, "{\"data\":{\"k\":[1,2]},\"nick\":null}", spec, false);
    assert_true(p_any);
    assert_true(json_is_object(any));
    assert_ptr_equal(any, json_object_get(c->obj, "data")); /* borrowed, not copied */
    assert_false(p_nick); /* null counts as absent */
    assert_string_equal(nick, "keep");
    expect_ok(c, "{\"data\":null}", spec, false); /* ANY takes null when not nullable */
    assert_true(json_is_null(any));
    /* A required nullable field given null is missing. */
    struct hy_field req[] = {HY_F_STR("nick", HY_REQUIRED | HY_NULLABLE, 1, 10, &nick), HY_F_END};
    expect_fail(c, "{\"nick\":null}", req, false, HY_E_MISSING_FIELD, "nick");
}

static void test_present_flags_many(void **state) {
    struct ctx *c = *state;
    const char *a = NULL;
    long long b = 0;
    bool cflag = false;
    bool pa = false, pb = true, pc = false;
    struct hy_field spec[] = {HY_F_STR("a", HY_OPTIONAL, 0, 10, &a),
                              HY_F_INT("b", HY_OPTIONAL, 0, 10, &b),
                              HY_F_BOOL("c", HY_OPTIONAL, &cflag), HY_F_END};
    spec[0].present = &pa;
    spec[1].present = &pb;
    spec[2].present = &pc;
    expect_ok(c, "{\"a\":\"x\",\"c\":false}", spec, false);
    assert_true(pa);
    assert_false(pb);
    assert_true(pc);
    /* Form: an empty box is present for strings and booleans, absent for numbers. */
    expect_ok(c, "{\"a\":\"\",\"b\":\"\",\"c\":\"\"}", spec, true);
    assert_true(pa);
    assert_false(pb);
    assert_true(pc);
    assert_false(cflag);
}

/* A form body end to end: hy_form_parse then hy_fields_check in form mode. */
static void test_form_end_to_end(void **state) {
    struct ctx *c = *state;
    static const char *const langs[] = {"fa", "en", NULL};
    const char *name = NULL, *lang = NULL;
    long long age = 0;
    bool consent = false;
    struct hy_strings skills = {NULL, 0};
    struct hy_field spec[] = {HY_F_STR("name", HY_REQUIRED, 1, 40, &name),
                              HY_F_ENUM("lang", HY_REQUIRED, langs, &lang),
                              HY_F_INT("age", HY_OPTIONAL, 16, 120, &age),
                              HY_F_BOOL("consent", HY_REQUIRED, &consent),
                              HY_F_STRS("skills", HY_OPTIONAL, 5, 20, NULL, &skills), HY_F_END};
    /* name=سارا (percent-encoded UTF-8), repeated skills. */
    const char *body = "name=%D8%B3%D8%A7%D8%B1%D8%A7+&lang=fa&age=+30&consent=on"
                       "&skills=driving&skills=first+aid";
    json_t *obj = hy_form_parse(body, strlen(body));
    assert_non_null(obj);
    assert_true(hy_fields_check(obj, spec, true, c->arena, &c->err));
    assert_string_equal(name, "سارا");
    assert_string_equal(lang, "fa");
    assert_int_equal(age, 30);
    assert_true(consent);
    assert_int_equal(skills.count, 2);
    assert_string_equal(skills.items[1], "first aid");
    json_decref(obj);
    /* A control character that the form decoder lets through is refused by the field check. */
    body = "name=a%01b&lang=fa&consent=1";
    obj = hy_form_parse(body, strlen(body));
    assert_non_null(obj);
    assert_false(hy_fields_check(obj, spec, true, c->arena, &c->err));
    assert_int_equal(c->err.code, HY_E_INVALID_FIELD);
    assert_string_equal(c->err.field, "name");
    json_decref(obj);
    /* In JSON mode a number may be typed text too, but a boolean must be a boolean. */
    expect_ok(c, "{\"name\":\"x\",\"lang\":\"fa\",\"age\":\"۳۰\",\"consent\":true}", spec, false);
    assert_int_equal(age, 30);
    expect_fail(c, "{\"name\":\"x\",\"lang\":\"fa\",\"age\":30,\"consent\":\"on\"}", spec, false,
                HY_E_INVALID_FIELD, "consent");
}

/* ---------------------------------------------------------------- hy_text_ok */

static void test_text_ok(void **state) {
    (void)state;
    assert_true(hy_text_ok("", 0, 0, 0));
    assert_true(hy_text_ok(FA6, 12, 0, 6));
    assert_false(hy_text_ok(FA6, 12, 0, 5));
    assert_false(hy_text_ok(FA6, 11, 0, 6)); /* cut mid-character */
    assert_false(hy_text_ok("a\nb", 3, 0, 10));
    assert_true(hy_text_ok("a\nb", 3, HY_MULTILINE, 10));
    assert_false(hy_text_ok("a\tb", 3, 0, 10));
    assert_true(hy_text_ok("a\tb", 3, HY_MULTILINE, 10));
    assert_false(hy_text_ok("a\x01" "b", 3, HY_MULTILINE, 10));
    assert_false(hy_text_ok("a\0b", 3, HY_MULTILINE, 10));
    assert_false(hy_text_ok("\xed\xa0\x80", 3, 0, 10));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
    const struct CMUnitTest tests[] = {
        T(test_string_required),
        T(test_string_optional),
        T(test_string_trimmed),
        T(test_string_code_points),
        T(test_string_single_line_vs_multiline),
        T(test_unknown_field),
        T(test_int),
        T(test_number),
        T(test_bool),
        T(test_enum),
        cmocka_unit_test(test_enum_out_of_memory),
        cmocka_unit_test(test_unknown_field_out_of_memory),
        T(test_strings_json),
        T(test_strings_choices),
        T(test_strings_form_comma_list),
        T(test_any_and_nullable),
        T(test_present_flags_many),
        T(test_form_end_to_end),
        cmocka_unit_test(test_text_ok),
    };
    return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
