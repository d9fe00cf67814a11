#include "domain/auth.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/utf8.h"

static sem_t slots;
static bool slots_ready;
static char **common;
static size_t ncommon;
static char dummy[HY_HASH_STR_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lower_ascii(char *s) {
    for (; *s; s++) *s = (char)tolower((unsigned char)*s);
}

int hy_auth_init(unsigned max_hashes, const char *path) {
    if (sodium_init() < 0) return -EIO;
    if (!slots_ready) {
        if (sem_init(&slots, 0, max_hashes ? max_hashes : 2) < 0) return -errno;
        slots_ready = true;
    }
    if (!path || common) return (int)ncommon;
    FILE *f = fopen(path, "re");
    if (!f) return 0;
    size_t cap = 0;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (n < HY_PASSWORD_MIN) continue; /* shorter ones are refused anyway */
        if (ncommon == cap) {
            cap = cap ? cap * 2 : 1024;
            char **p = realloc(common, cap * sizeof *p);
            if (!p) break;
            common = p;
        }
        char *copy = strdup(line);
        if (!copy) break;
        lower_ascii(copy);
        common[ncommon++] = copy;
    }
    fclose(f);
    if (ncommon && common) qsort(common, ncommon, sizeof *common, cmp_str);
    return (int)ncommon;
}

void hy_auth_shutdown(void) {
    for (size_t i = 0; i < ncommon; i++) free(common[i]);
    free(common);
    common = NULL;
    ncommon = 0;
    if (slots_ready) sem_destroy(&slots);
    slots_ready = false;
}

enum hy_pw_problem hy_password_check(const char *pw) {
    size_t n = strlen(pw);
    if (!hy_utf8_valid(pw, n, 0)) return HY_PW_BAD_TEXT;
    size_t cp = hy_utf8_length(pw, n);
    if (cp < HY_PASSWORD_MIN) return HY_PW_TOO_SHORT;
    if (cp > HY_PASSWORD_MAX) return HY_PW_TOO_LONG;
    /* One character repeated (counted in code points, so "ببببببببببببب" counts too). */
    size_t cl = 1;
    while (cl < n && ((unsigned char)pw[cl] & 0xc0) == 0x80) cl++;
    bool same = n % cl == 0;
    for (size_t i = cl; same && i < n; i++)
        if (pw[i] != pw[i % cl]) same = false;
    if (same) return HY_PW_COMMON;
    if (ncommon && n < 256) {
        char low[256];
        memcpy(low, pw, n + 1);
        lower_ascii(low);
        char *key = low;
        if (bsearch(&key, common, ncommon, sizeof *common, cmp_str))
            return HY_PW_COMMON;
    }
    return HY_PW_OK;
}

static int take_slot(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    while (sem_timedwait(&slots, &ts) < 0) {
        if (errno == EINTR) continue;
        return -EBUSY;
    }
    return 0;
}

int hy_password_hash(const char *pw, char *out) {
    if (take_slot() < 0) return -EBUSY;
    int r = crypto_pwhash_str_alg(out, pw, strlen(pw), HY_PW_OPSLIMIT, HY_PW_MEMLIMIT,
                                  crypto_pwhash_ALG_ARGON2ID13);
    sem_post(&slots);
    return r == 0 ? 0 : -ENOMEM;
}

static void make_dummy(void) {
    char pw[HY_TOKEN_LEN + 1];
    hy_token_new(pw);
    if (crypto_pwhash_str_alg(dummy, pw, strlen(pw), HY_PW_OPSLIMIT, HY_PW_MEMLIMIT,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        dummy[0] = '\0';
}

int hy_password_verify(const char *hash, const char *pw) {
    if (!hash) pthread_once(&dummy_once, make_dummy);
    if (take_slot() < 0) return -EBUSY;
    int ok = crypto_pwhash_str_verify(hash ? hash : dummy, pw, strlen(pw)) == 0;
    sem_post(&slots);
    return hash && ok ? 1 : 0;
}

void hy_token_new(char *out) {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, HY_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void hy_token_hash(const char *token, char *out) {
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, HY_TOKEN_HASH_LEN + 1, h, sizeof h);
}

void hy_reset_code_new(char *out) {
    static const char alphabet[] = HY_RESET_ALPHABET;
    for (int i = 0; i < HY_RESET_CODE_LEN; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[HY_RESET_CODE_LEN] = '\0';
}

bool hy_reset_code_normalise(const char *typed, char *out) {
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)typed;
    while (*p) {
        int c = *p;
        /* U+06F0..U+06F9 (Persian) and U+0660..U+0669 (Arabic-Indic) digits. */
        if ((p[0] == 0xDB && p[1] >= 0xB0 && p[1] <= 0xB9) ||
            (p[0] == 0xD9 && p[1] >= 0xA0 && p[1] <= 0xA9)) {
            c = '0' + (p[1] & 0x0F);
            p += 2;
        } else {
            p++;
        }
        if (c == ' ' || c == '-') continue;
        if (c >= 'a' && c <= 'z') c = c - 'a' + 'A';
        if (c == 0 || !strchr(HY_RESET_ALPHABET, c) || n == HY_RESET_CODE_LEN) return false;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return n == HY_RESET_CODE_LEN;
}

int hy_reset_code_hash(const char *user_id, const char *code, char *out) {
    /* Argon2id, like passwords, so that a copy of the store cannot be searched through the
     * 31^8 codes in the hour a code lives; the salt comes from the account's id, so the hash
     * is the same each time and the store can look it up. */
    unsigned char salt[crypto_pwhash_SALTBYTES], h[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, (const unsigned char *)"hamyari-reset", 13, sizeof salt);
    crypto_generichash_update(&st, (const unsigned char *)user_id, strlen(user_id));
    crypto_generichash_final(&st, salt, sizeof salt);
    if (take_slot() < 0) return -EBUSY;
    int r = crypto_pwhash(h, sizeof h, code, strlen(code), salt, HY_PW_OPSLIMIT, HY_PW_MEMLIMIT,
                          crypto_pwhash_ALG_ARGON2ID13);
    sem_post(&slots);
    if (r != 0) return -ENOMEM;
    sodium_bin2hex(out, HY_TOKEN_HASH_LEN + 1, h, sizeof h);
    return 0;
}

void hy_id_new(char *out) {
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, 33, raw, sizeof raw);
}

bool hy_id_valid(const char *s) {
    if (!s) return false;
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')) || i >= 32) return false;
    return i == 32;
}

bool hy_secret_equal(const char *a, const char *b) {
    size_t n = strlen(a);
    if (n != strlen(b)) return false;
    return sodium_memcmp(a, b, n) == 0;
}
