/* test_errors.c — the one list of API error codes (src/http/errors.c).
 *
 * Every code has a 4xx or 5xx status, a non-empty message that reads as a sentence, and a
 * unique snake_case code string; out-of-range values fall back to "internal"/500. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <string.h>

#include "http/errors.h"

static void test_every_code(void **state) {
    (void)state;
    assert_true(HY_E__COUNT > 0);
    for (int e = 0; e < HY_E__COUNT; e++) {
        const char *code = hy_error_code((enum hy_error)e);
        unsigned status = hy_error_status((enum hy_error)e);
        const char *msg = hy_error_message((enum hy_error)e);
        assert_non_null(code);
        assert_non_null(msg);
        if (status < 400 || status > 599) fail_msg("%s: status %u", code, status);
        if (!code[0]) fail_msg("error %d has an empty code", e);
        for (const char *p = code; *p; p++)
            if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_')) fail_msg("code '%s' not snake_case", code);
        if (!islower((unsigned char)code[0]) || code[strlen(code) - 1] == '_')
            fail_msg("code '%s'", code);
        if (strlen(msg) < 5) fail_msg("%s: message '%s' too short", code, msg);
        if (!isupper((unsigned char)msg[0])) fail_msg("%s: message does not start a sentence", code);
        char last = msg[strlen(msg) - 1];
        if (last != '.') fail_msg("%s: message does not end with a full stop", code);
    }
}

static void test_codes_unique(void **state) {
    (void)state;
    for (int a = 0; a < HY_E__COUNT; a++)
        for (int b = 0; b < a; b++)
            if (!strcmp(hy_error_code((enum hy_error)a), hy_error_code((enum hy_error)b)))
                fail_msg("code '%s' used twice (%d and %d)", hy_error_code((enum hy_error)a), b, a);
}

static void test_known_statuses(void **state) {
    (void)state;
    static const struct {
        enum hy_error e;
        const char *code;
        unsigned status;
    } want[] = {
        {HY_E_BAD_REQUEST, "bad_request", 400},
        {HY_E_BAD_JSON, "bad_json", 400},
        {HY_E_BAD_UTF8, "bad_utf8", 400},
        {HY_E_INVALID_FIELD, "invalid_field", 400},
        {HY_E_MISSING_FIELD, "missing_field", 400},
        {HY_E_UNKNOWN_FIELD, "unknown_field", 400},
        {HY_E_UNAUTHORIZED, "unauthorized", 401},
        {HY_E_FORBIDDEN, "forbidden", 403},
        {HY_E_CSRF_FAILED, "csrf_failed", 403},
        {HY_E_NOT_FOUND, "not_found", 404},
        {HY_E_METHOD_NOT_ALLOWED, "method_not_allowed", 405},
        {HY_E_CONFLICT, "conflict", 409},
        {HY_E_PAYLOAD_TOO_LARGE, "payload_too_large", 413},
        {HY_E_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", 415},
        {HY_E_RATE_LIMITED, "rate_limited", 429},
        {HY_E_INTERNAL, "internal", 500},
        {HY_E_STORE_UNAVAILABLE, "store_unavailable", 503},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_string_equal(hy_error_code(want[i].e), want[i].code);
        assert_int_equal(hy_error_status(want[i].e), want[i].status);
    }
}

static void test_out_of_range(void **state) {
    (void)state;
    assert_string_equal(hy_error_code(HY_E__COUNT), "internal");
    assert_int_equal(hy_error_status(HY_E__COUNT), 500);
    assert_true(hy_error_message(HY_E__COUNT)[0] != '\0');
    assert_int_equal(hy_error_status((enum hy_error)-1), 500);
    assert_string_equal(hy_error_code((enum hy_error)1000), "internal");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code),
        cmocka_unit_test(test_codes_unique),
        cmocka_unit_test(test_known_statuses),
        cmocka_unit_test(test_out_of_range),
    };
    return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
