/* test_auth.c — password policy, Argon2id hashing, tokens and ids (src/domain/auth.c).
 *
 * Lengths are counted in code points: 12 Persian letters are 24 bytes and just long enough,
 * 11 are 22 bytes and too short. The common-password list is a file this test writes into a
 * fresh temporary folder. Argon2id at 19 MiB is slow on purpose, so only two tests hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/auth.h"

static char g_dir[64];
static char g_list[128];

/* 14 Persian letters; prefixes of it give exact code-point counts (2 bytes each). */
#define FA14 "رمزعبورخیلیقوی"

static int group_setup(void **state) {
    (void)state;
    snprintf(g_dir, sizeof g_dir, "%s", "/tmp/hy-test-auth.XXXXXX");
    if (!mkdtemp(g_dir)) return -1;
    snprintf(g_list, sizeof g_list, "%s/common.txt", g_dir);
    FILE *f = fopen(g_list, "w");
    if (!f) return -1;
    fputs("password\n"                    /* 8 bytes: below the minimum, not kept */
          "CorrectHorseBatteryStaple\n"   /* stored lower-cased */
          "qwertyuiop123\n"
          "iloveyou12345\r\n"             /* a CRLF line */
          FA14 "\n"
          "\n",
          f);
    fclose(f);
    int n = hy_auth_init(2, g_list);
    return n == 4 ? 0 : -1; /* the four entries of 12 characters or more */
}

static int group_teardown(void **state) {
    (void)state;
    hy_auth_shutdown();
    unlink(g_list);
    rmdir(g_dir);
    return 0;
}

/* `n` code points cycling through `alphabet` (ASCII only). */
static char *ascii_pw(char *buf, size_t n) {
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (size_t i = 0; i < n; i++) buf[i] = alphabet[i % (sizeof alphabet - 1)];
    buf[n] = '\0';
    return buf;
}

/* `n` Persian letters (2 bytes each) cycling through FA14. */
static char *persian_pw(char *buf, size_t n) {
    static const char fa[] = FA14;
    size_t letters = (sizeof fa - 1) / 2;
    for (size_t i = 0; i < n; i++) memcpy(buf + 2 * i, fa + 2 * (i % letters), 2);
    buf[2 * n] = '\0';
    return buf;
}

static void test_length_ascii(void **state) {
    (void)state;
    char b[300];
    assert_int_equal(hy_password_check(""), HY_PW_TOO_SHORT);
    assert_int_equal(hy_password_check(ascii_pw(b, 11)), HY_PW_TOO_SHORT); /* min - 1 */
    assert_int_equal(hy_password_check(ascii_pw(b, 12)), HY_PW_OK);        /* min */
    assert_int_equal(hy_password_check(ascii_pw(b, 128)), HY_PW_OK);       /* max */
    assert_int_equal(hy_password_check(ascii_pw(b, 129)), HY_PW_TOO_LONG);  /* max + 1 */
    assert_int_equal(hy_password_check(ascii_pw(b, 250)), HY_PW_TOO_LONG);
}

static void test_length_persian_code_points(void **state) {
    (void)state;
    char b[600];
    assert_int_equal(strlen(persian_pw(b, 11)), 22); /* 22 bytes, yet 11 characters */
    assert_int_equal(hy_password_check(persian_pw(b, 11)), HY_PW_TOO_SHORT);
    assert_int_equal(hy_password_check(persian_pw(b, 12)), HY_PW_OK);
    assert_int_equal(hy_password_check(persian_pw(b, 128)), HY_PW_OK); /* 256 bytes */
    assert_int_equal(hy_password_check(persian_pw(b, 129)), HY_PW_TOO_LONG);
    /* 7 ASCII characters + 4 emoji = 11 code points, 23 bytes: too short. */
    assert_int_equal(hy_password_check("abc1234\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91"
                                       "\xf0\x9f\x94\x91"),
                     HY_PW_TOO_SHORT);
    /* One more ASCII character: 12. */
    assert_int_equal(hy_password_check("abc12345\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91"
                                       "\xf0\x9f\x94\x91"),
                     HY_PW_OK);
}

static void test_repeated_character(void **state) {
    (void)state;
    assert_int_equal(hy_password_check("aaaaaaaaaaaa"), HY_PW_COMMON);
    assert_int_equal(hy_password_check("111111111111111111"), HY_PW_COMMON);
    assert_int_equal(hy_password_check("            "), HY_PW_COMMON);
    assert_int_equal(hy_password_check("aaaaaaaaaaab"), HY_PW_OK); /* one different: fine */
    assert_int_equal(hy_password_check("baaaaaaaaaaa"), HY_PW_OK);
}

/* One Persian letter repeated is as weak as "aaaaaaaaaaaa". */
static void test_repeated_persian_character(void **state) {
    (void)state;
    const char *pw = "بببببببببببببب"; /* 14 × U+0628 */
    assert_int_equal(hy_password_check(pw), HY_PW_COMMON);
    /* Two different letters repeated is not one character repeated. */
    assert_int_equal(hy_password_check("بپبپبپبپبپبپبپ"), HY_PW_OK);
}

static void test_common_list(void **state) {
    (void)state;
    /* Listed: refused whatever the ASCII case. */
    assert_int_equal(hy_password_check("CorrectHorseBatteryStaple"), HY_PW_COMMON);
    assert_int_equal(hy_password_check("correcthorsebatterystaple"), HY_PW_COMMON);
    assert_int_equal(hy_password_check("CORRECTHORSEBATTERYSTAPLE"), HY_PW_COMMON);
    assert_int_equal(hy_password_check("QwertyUiop123"), HY_PW_COMMON);
    assert_int_equal(hy_password_check("ILOVEYOU12345"), HY_PW_COMMON); /* CRLF line */
    assert_int_equal(hy_password_check(FA14), HY_PW_COMMON);
    /* Not listed: a prefix, an extension, a near miss. */
    assert_int_equal(hy_password_check("CorrectHorseBatteryStapl"), HY_PW_OK);
    assert_int_equal(hy_password_check("CorrectHorseBatteryStaple!"), HY_PW_OK);
    assert_int_equal(hy_password_check("qwertyuiop1234"), HY_PW_OK);
    assert_int_equal(hy_password_check(" qwertyuiop123"), HY_PW_OK);
    /* An entry below the minimum length was skipped, and the check falls to length anyway. */
    assert_int_equal(hy_password_check("password"), HY_PW_TOO_SHORT);
    /* hy_auth_init() again keeps the list it has (and reports its size). */
    assert_int_equal(hy_auth_init(2, "/nonexistent/list.txt"), 4);
    assert_int_equal(hy_password_check("qwertyuiop123"), HY_PW_COMMON);
}

static void test_bad_text(void **state) {
    (void)state;
    assert_int_equal(hy_password_check("abcdefghijkl\x01"), HY_PW_BAD_TEXT);
    assert_int_equal(hy_password_check("abcdef\x1b" "ghijkl"), HY_PW_BAD_TEXT);
    assert_int_equal(hy_password_check("abcdefghijkl\x7f"), HY_PW_BAD_TEXT);
    assert_int_equal(hy_password_check("\xff" "abcdefghijkl"), HY_PW_BAD_TEXT);
    assert_int_equal(hy_password_check("abcdef\xed\xa0\x80ghijkl"), HY_PW_BAD_TEXT);
    assert_int_equal(hy_password_check("abcdef\xc0\xafghijkl"), HY_PW_BAD_TEXT);
    assert_int_equal(hy_password_check("abcdefghijkl\xe2\x82"), HY_PW_BAD_TEXT);
    /* Tab is a character like any other (the UTF-8 check allows it). */
    assert_int_equal(hy_password_check("abcdef\tghijkl"), HY_PW_OK);
}

/* The one hashing test: Argon2id parameters, a match, and a mismatch. */
static void test_hash_verify_roundtrip(void **state) {
    (void)state;
    const char *pw = "همیاری correct horse 42";
    char hash[HY_HASH_STR_MAX];
    memset(hash, 0, sizeof hash);
    assert_int_equal(hy_password_hash(pw, hash), 0);
    assert_true(strlen(hash) < HY_HASH_STR_MAX);
    /* Argon2id, version 1.3, 19 MiB = 19456 KiB, t = 2, one lane. */
    const char *prefix = "$argon2id$v=19$m=19456,t=2,p=1$";
    assert_memory_equal(hash, prefix, strlen(prefix));
    assert_int_equal(hy_password_verify(hash, pw), 1);
    assert_int_equal(hy_password_verify(hash, "همیاری correct horse 43"), 0);
    assert_int_equal(hy_password_verify(hash, ""), 0);
}

/* An unknown account: verify against no hash does the work and says no. */
static void test_verify_null_hash(void **state) {
    (void)state;
    assert_int_equal(hy_password_verify(NULL, "anything at all 123"), 0);
    assert_int_equal(hy_password_verify(NULL, ""), 0);
}

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

static void test_tokens(void **state) {
    (void)state;
    enum { N = 2000 };
    static char tok[N][HY_TOKEN_LEN + 1];
    for (int i = 0; i < N; i++) {
        memset(tok[i], '!', sizeof tok[i]);
        hy_token_new(tok[i]);
        assert_int_equal(strlen(tok[i]), HY_TOKEN_LEN); /* 32 bytes, unpadded base64url */
        for (int k = 0; k < HY_TOKEN_LEN; k++) {
            char c = tok[i][k];
            bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
            if (!ok) fail_msg("token %s has '%c'", tok[i], c);
        }
    }
    qsort(tok, N, sizeof tok[0], cmp_str);
    for (int i = 1; i < N; i++) assert_string_not_equal(tok[i - 1], tok[i]);
    /* The last character of 32 bytes in base64 carries 4 bits: its low 2 bits are zero. */
    for (int i = 0; i < N; i++) assert_non_null(strchr("AEIMQUYcgkosw048", tok[i][42]));
}

static void test_token_hash(void **state) {
    (void)state;
    char h[HY_TOKEN_HASH_LEN + 1];
    /* BLAKE2b with a 32-byte digest; the expected values come from an independent
     * implementation (Python's hashlib.blake2b(data, digest_size=32)). */
    hy_token_hash("abc", h);
    assert_string_equal(h, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    hy_token_hash("", h);
    assert_string_equal(h, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    char t[HY_TOKEN_LEN + 1], h2[HY_TOKEN_HASH_LEN + 1];
    hy_token_new(t);
    hy_token_hash(t, h);
    hy_token_hash(t, h2);
    assert_string_equal(h, h2); /* deterministic */
    assert_int_equal(strlen(h), HY_TOKEN_HASH_LEN);
    t[0] = t[0] == 'A' ? 'B' : 'A';
    hy_token_hash(t, h2);
    assert_string_not_equal(h, h2);
}

/* Reset codes: 8 characters of the alphabet, all of it used, none of the look-alikes. */
static void test_reset_codes(void **state) {
    (void)state;
    enum { N = 4000 };
    static char code[N][HY_RESET_CODE_LEN + 1];
    int seen[256] = {0};
    for (int i = 0; i < N; i++) {
        hy_reset_code_new(code[i]);
        assert_int_equal(strlen(code[i]), HY_RESET_CODE_LEN);
        for (int k = 0; k < HY_RESET_CODE_LEN; k++) {
            unsigned char c = (unsigned char)code[i][k];
            if (!strchr(HY_RESET_ALPHABET, c)) fail_msg("code %s has '%c'", code[i], c);
            seen[c]++;
        }
    }
    for (const char *a = HY_RESET_ALPHABET; *a; a++)
        if (!seen[(unsigned char)*a]) fail_msg("'%c' never drawn in %d codes", *a, N);
    assert_int_equal(strlen(HY_RESET_ALPHABET), 31);
    for (const char *bad = "01OIL"; *bad; bad++) assert_null(strchr(HY_RESET_ALPHABET, *bad));
    qsort(code, N, sizeof code[0], cmp_str);
    for (int i = 1; i < N; i++) assert_string_not_equal(code[i - 1], code[i]);
}

static void test_reset_code_normalise(void **state) {
    (void)state;
    char out[HY_RESET_CODE_LEN + 1];
    assert_true(hy_reset_code_normalise("K7QM4XPD", out));
    assert_string_equal(out, "K7QM4XPD");
    assert_true(hy_reset_code_normalise(" k7qm-4xpd ", out));
    assert_string_equal(out, "K7QM4XPD");
    /* Persian ۷ and ۴, Arabic-Indic ٧ and ٤. */
    assert_true(hy_reset_code_normalise("K\xDB\xB7QM\xDB\xB4XPD", out));
    assert_string_equal(out, "K7QM4XPD");
    assert_true(hy_reset_code_normalise("K\xD9\xA7QM\xD9\xA4XPD", out));
    assert_string_equal(out, "K7QM4XPD");
    assert_false(hy_reset_code_normalise("K7QM4XP", out));    /* too short */
    assert_false(hy_reset_code_normalise("K7QM4XPDD", out));  /* too long */
    assert_false(hy_reset_code_normalise("K7QM4XP0", out));   /* 0 is not in the alphabet */
    assert_false(hy_reset_code_normalise("K7QM4XPO", out));   /* nor O */
    assert_false(hy_reset_code_normalise("K7QM4XP\xDB\xB0", out)); /* nor Persian zero */
    assert_false(hy_reset_code_normalise("K7QM4XP\xC3\xA9", out));
    assert_false(hy_reset_code_normalise("", out));
}

static void test_reset_code_hash(void **state) {
    (void)state;
    char a[HY_TOKEN_HASH_LEN + 1], b[HY_TOKEN_HASH_LEN + 1], c[HY_TOKEN_HASH_LEN + 1];
    assert_int_equal(hy_reset_code_hash("0123456789abcdef0123456789abcdef", "K7QM4XPD", a), 0);
    assert_int_equal(hy_reset_code_hash("fedcba98765432100123456789abcdef", "K7QM4XPD", b), 0);
    assert_int_equal(hy_reset_code_hash("0123456789abcdef0123456789abcdef", "K7QM4XPE", c), 0);
    assert_int_equal(strlen(a), HY_TOKEN_HASH_LEN);
    assert_string_not_equal(a, b); /* bound to the account */
    assert_string_not_equal(a, c);
    assert_int_equal(hy_reset_code_hash("0123456789abcdef0123456789abcdef", "K7QM4XPD", b), 0);
    assert_string_equal(a, b); /* the same each time: the store looks it up */
}

static void test_ids(void **state) {
    (void)state;
    enum { N = 2000 };
    static char id[N][33];
    for (int i = 0; i < N; i++) {
        hy_id_new(id[i]);
        assert_int_equal(strlen(id[i]), 32);
        if (!hy_id_valid(id[i])) fail_msg("fresh id %s not valid", id[i]);
    }
    qsort(id, N, sizeof id[0], cmp_str);
    for (int i = 1; i < N; i++) assert_string_not_equal(id[i - 1], id[i]);
}

static void test_id_valid(void **state) {
    (void)state;
    assert_true(hy_id_valid("0123456789abcdef0123456789abcdef"));
    assert_true(hy_id_valid("ffffffffffffffffffffffffffffffff"));
    assert_false(hy_id_valid(NULL));
    assert_false(hy_id_valid(""));
    assert_false(hy_id_valid("0123456789abcdef0123456789abcde"));   /* 31 */
    assert_false(hy_id_valid("0123456789abcdef0123456789abcdef0")); /* 33 */
    assert_false(hy_id_valid("0123456789ABCDEF0123456789abcdef"));  /* upper case */
    assert_false(hy_id_valid("0123456789abcdeg0123456789abcdef"));  /* g */
    assert_false(hy_id_valid("0123456789abcdef0123456789abcde "));
    assert_false(hy_id_valid("../../../../../../etc/passwd00000"));
    assert_false(hy_id_valid("0123456789abcdef0123456789abcdef\n"));
    assert_false(hy_id_valid("۰123456789abcdef0123456789abcdef"));
}

static void test_secret_equal(void **state) {
    (void)state;
    assert_true(hy_secret_equal("", ""));
    assert_true(hy_secret_equal("abc", "abc"));
    assert_false(hy_secret_equal("abc", "abd"));
    assert_false(hy_secret_equal("abc", "abcd"));
    assert_false(hy_secret_equal("abcd", "abc"));
    assert_false(hy_secret_equal("", "a"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_ascii),
        cmocka_unit_test(test_length_persian_code_points),
        cmocka_unit_test(test_repeated_character),
        cmocka_unit_test(test_repeated_persian_character),
        cmocka_unit_test(test_common_list),
        cmocka_unit_test(test_bad_text),
        cmocka_unit_test(test_hash_verify_roundtrip),
        cmocka_unit_test(test_verify_null_hash),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_token_hash),
        cmocka_unit_test(test_reset_codes),
        cmocka_unit_test(test_reset_code_normalise),
        cmocka_unit_test(test_reset_code_hash),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_id_valid),
        cmocka_unit_test(test_secret_equal),
    };
    return cmocka_run_group_tests_name("auth", tests, group_setup, group_teardown);
}
