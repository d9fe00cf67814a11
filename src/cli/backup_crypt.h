/* backup_crypt.h — backups encrypted to an operator's public key (libsodium).
 *
 * The server only ever holds the public key: it can write backups it cannot read back, so a
 * stolen server or backup disk discloses no personal data. The secret key stays with the
 * operator (offline, or on the machine that restores).
 *
 * Key files are one line of text each:
 *   hamyari-backup-public-key-1 <32-byte X25519 public key, base64url without padding>
 *   hamyari-backup-secret-key-1 <32-byte X25519 secret key, same encoding>
 * A key's id is the first 8 bytes of BLAKE2b-256 of the public key, as 16 hex digits.
 *
 * An encrypted file:
 *   "HYBKENC1"                     8 bytes, the format and its version
 *   key id                         8 bytes, the recipient's (to name the key a file wants)
 *   sealed file key                80 bytes: crypto_box_seal of a random 32-byte key
 *   secretstream header            24 bytes (crypto_secretstream_xchacha20poly1305)
 *   chunks                         64 KiB of data each, + 17 bytes; the last one (shorter,
 *                                  possibly empty) tagged FINAL
 * Every chunk is authenticated with the first 16 bytes as associated data: a changed, removed,
 * reordered or missing chunk, a file cut short or with bytes after its end, is refused. */
#ifndef HY_BACKUP_CRYPT_H
#define HY_BACKUP_CRYPT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define HY_BK_KEY_BYTES 32
#define HY_BK_KEY_ID_HEX 17 /* 16 hex digits and the NUL */
#define HY_BK_HEADER_BYTES 120

struct hy_bk_key {
    unsigned char pk[HY_BK_KEY_BYTES];
    unsigned char sk[HY_BK_KEY_BYTES]; /* zero for a public key */
    bool has_secret;
    char id[HY_BK_KEY_ID_HEX];
};

/* Makes a key pair: the secret key into `path` (created 0600, refused if it exists unless
 * force) and the public key into `path`.pub. Fills *ret (for its id). 0, or -1 after a
 * message. */
int hy_bk_keygen(const char *path, bool force, struct hy_bk_key *ret);

/* Reads a key file. want_secret: it must be a secret key (else a public one). 0; -1 after a
 * message when the file cannot be read or is damaged; -2 after a message when it is the other
 * kind of key. A secret key file others can read is used, with a warning. */
int hy_bk_key_read(const char *path, bool want_secret, struct hy_bk_key *ret);

/* Wipes a key from memory. */
void hy_bk_key_wipe(struct hy_bk_key *k);

/* True when `in` starts with the encrypted-file magic; the stream is rewound either way (it
 * must be seekable). */
bool hy_bk_is_encrypted(FILE *in);

/* Encrypts `in` to `out` for key `to` (a public key suffices). `total` is in's size in bytes
 * for the progress lines on stderr (prefixed by `what`; 0 when unknown). 0, or -1 after a
 * message. Does not flush or close `out`. */
int hy_bk_encrypt(FILE *in, FILE *out, const struct hy_bk_key *to, uint64_t total,
                  const char *what);

/* Decrypts `in` (written by hy_bk_encrypt) to `out` with the secret key `key`. 0, or -1 after
 * a message (another key, damaged or cut short); what was written to `out` then must be
 * thrown away. */
int hy_bk_decrypt(FILE *in, FILE *out, const struct hy_bk_key *key, uint64_t total,
                  const char *what);

#endif
