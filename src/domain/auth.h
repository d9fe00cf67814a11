/* auth.h — passwords, secrets and ids.
 *
 * Passwords are hashed with Argon2id (libsodium) at t = 2 and 19 MiB, the floor OWASP
 * recommends. Hashing is memory-hard on purpose, so the number of hashes running at once is
 * capped (the server also runs them on a bounded pool of threads of their own, http/offload.c):
 * a login flood queues (and eventually gets 503) instead of exhausting memory.
 * Session and API tokens are 256-bit random strings; the store keeps only their BLAKE2b hash. */
#ifndef HY_AUTH_H
#define HY_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define HY_PASSWORD_MIN 12
#define HY_PASSWORD_MAX 128
#define HY_PW_OPSLIMIT 2
#define HY_PW_MEMLIMIT ((size_t)19 * 1024 * 1024)
#define HY_HASH_STR_MAX 128 /* crypto_pwhash_STRBYTES */
#define HY_TOKEN_LEN 43     /* 32 bytes in unpadded base64url */
#define HY_TOKEN_HASH_LEN 64
/* API tokens: the lifetime a new one gets unless asked otherwise, and the default cap on any
 * token's lifetime (--token-max-days). */
#define HY_TOKEN_DAYS_DEFAULT 90
#define HY_TOKEN_MAX_DAYS 365
/* How many leading digits of a token's id the audit log records: enough to tell tokens apart,
 * too few to look like a phone number to the checks that keep personal data out of it. */
#define HY_TOKEN_AUDIT_ID 8
/* Active API tokens one account may create for itself (the operator's CLI is not limited). */
#define HY_TOKENS_PER_ACCOUNT 20
/* How long a password-reset code is valid, in seconds; its message is given up after it. */
#define HY_RESET_TTL 3600
/* A password-reset code: 8 characters from HY_RESET_ALPHABET (31 letters and digits without
 * 0/O, 1/I/L), about 39.6 bits, short enough to type from an SMS. What makes 8 characters safe
 * is the attempt limit: HY_RESET_TRIES wrong codes for an account void its code and refuse
 * further tries for HY_RESET_TTL. */
#define HY_RESET_CODE_LEN 8
#define HY_RESET_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define HY_RESET_TRIES 5

enum hy_pw_problem {
    HY_PW_OK,
    HY_PW_TOO_SHORT,
    HY_PW_TOO_LONG,
    HY_PW_COMMON,   /* on the common-password list, or made of one repeated character */
    HY_PW_BAD_TEXT, /* not UTF-8, or has control characters */
};

/* Sets up libsodium, the hashing cap and the common-password list (a file of one password per
 * line; NULL or a missing file leaves the list empty and is logged by the caller). Returns the
 * number of listed passwords, or a negative errno-style code. Call once before serving. */
int hy_auth_init(unsigned max_concurrent_hashes, const char *common_passwords_file);
void hy_auth_shutdown(void);

enum hy_pw_problem hy_password_check(const char *pw);

/* Hashes `pw` into out (HY_HASH_STR_MAX bytes). 0, -EBUSY when no hashing slot freed up in
 * time, or -ENOMEM. */
int hy_password_hash(const char *pw, char *out);
/* 1 when `pw` matches `hash`, 0 when not, -EBUSY as above. With hash NULL it does the same
 * amount of work against a dummy hash and returns 0, so an unknown login takes as long as a
 * wrong password. */
int hy_password_verify(const char *hash, const char *pw);

/* A fresh 256-bit secret as unpadded base64url (HY_TOKEN_LEN chars + NUL). */
void hy_token_new(char *out);
/* The hex BLAKE2b-256 of a token (HY_TOKEN_HASH_LEN chars + NUL). */
void hy_token_hash(const char *token, char *out);
/* A fresh reset code (HY_RESET_CODE_LEN chars + NUL), uniform over HY_RESET_ALPHABET. */
void hy_reset_code_new(char *out);
/* A reset code as a person typed it, in the stored form (HY_RESET_CODE_LEN chars + NUL):
 * spaces and dashes dropped, letters upper-cased, Persian and Arabic digits read as digits.
 * False when what is left is not HY_RESET_CODE_LEN characters of the alphabet. */
bool hy_reset_code_normalise(const char *typed, char *out);
/* The hex hash the store keeps for `code` of account `user_id` (HY_TOKEN_HASH_LEN chars +
 * NUL): bound to the account, so one code cannot be tried against every account at once, and
 * memory-hard (Argon2id at the password settings, one hashing slot), so a copy of the store
 * cannot be searched for the code. 0, -EBUSY or -ENOMEM as hy_password_hash. */
int hy_reset_code_hash(const char *user_id, const char *code, char *out);
/* A fresh 128-bit id as 32 lowercase hex digits + NUL. */
void hy_id_new(char *out);
/* True when `s` has the shape of an id (32 lowercase hex digits). */
bool hy_id_valid(const char *s);
/* Constant-time string equality. */
bool hy_secret_equal(const char *a, const char *b);

#endif
