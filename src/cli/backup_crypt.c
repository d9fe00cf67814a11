#include "cli/backup_crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

#define MAGIC "HYBKENC1"
#define MAGIC_LEN 8
#define ID_BYTES 8
#define AD_LEN (MAGIC_LEN + ID_BYTES)
#define SEALED_BYTES (crypto_box_SEALBYTES + crypto_secretstream_xchacha20poly1305_KEYBYTES)
#define CHUNK 65536u
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES

#define PUBLIC_PREFIX "hamyari-backup-public-key-1 "
#define SECRET_PREFIX "hamyari-backup-secret-key-1 "

_Static_assert(AD_LEN + SEALED_BYTES + crypto_secretstream_xchacha20poly1305_HEADERBYTES ==
                   HY_BK_HEADER_BYTES,
               "the header layout in backup_crypt.h");
_Static_assert(crypto_box_PUBLICKEYBYTES == HY_BK_KEY_BYTES &&
                   crypto_box_SECRETKEYBYTES == HY_BK_KEY_BYTES,
               "X25519 keys are 32 bytes");

/* The key id: BLAKE2b-256 of the public key, its first 8 bytes (raw and as hex). */
static void key_id(const unsigned char *pk, unsigned char raw[ID_BYTES],
                   char hex[HY_BK_KEY_ID_HEX]) {
    unsigned char h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, pk, HY_BK_KEY_BYTES, NULL, 0);
    if (raw) memcpy(raw, h, ID_BYTES);
    sodium_bin2hex(hex, HY_BK_KEY_ID_HEX, h, ID_BYTES);
}

void hy_bk_key_wipe(struct hy_bk_key *k) {
    if (k) sodium_memzero(k, sizeof *k);
}

/* Writes one key line to `path`, created with `mode` (O_EXCL unless force). 0 or -1. */
static int write_key_file(const char *path, const char *prefix, const unsigned char *key,
                          mode_t mode, bool force) {
    char b64[sodium_base64_ENCODED_LEN(HY_BK_KEY_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(b64, sizeof b64, key, HY_BK_KEY_BYTES,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), mode);
    if (fd < 0) {
        hy_error("keygen: cannot create %s: %s%s", path, strerror(errno),
                 errno == EEXIST ? " (it exists; give --force to replace it)" : "");
        return -1;
    }
    /* An existing file keeps its mode through O_TRUNC: set it. */
    char line[128];
    int n = snprintf(line, sizeof line, "%s%s\n", prefix, b64);
    bool ok = fchmod(fd, mode) == 0 && n > 0 && write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    int err = errno;
    sodium_memzero(line, sizeof line);
    sodium_memzero(b64, sizeof b64);
    if (close(fd) != 0) ok = false;
    if (!ok) {
        hy_error("keygen: cannot write %s: %s", path, strerror(err));
        unlink(path);
        return -1;
    }
    return 0;
}

int hy_bk_keygen(const char *path, bool force, struct hy_bk_key *ret) {
    if (sodium_init() < 0) {
        hy_error("keygen: cannot initialise libsodium");
        return -1;
    }
    size_t n = strlen(path) + 5;
    char *pub = malloc(n);
    if (!pub) return -1;
    snprintf(pub, n, "%s.pub", path);
    struct hy_bk_key k;
    memset(&k, 0, sizeof k);
    crypto_box_keypair(k.pk, k.sk);
    k.has_secret = true;
    key_id(k.pk, NULL, k.id);
    int r = -1;
    if (write_key_file(path, SECRET_PREFIX, k.sk, 0600, force) == 0) {
        if (write_key_file(pub, PUBLIC_PREFIX, k.pk, 0644, force) == 0) r = 0;
        else unlink(path);
    }
    free(pub);
    if (r == 0) *ret = k;
    hy_bk_key_wipe(&k);
    return r;
}

int hy_bk_key_read(const char *path, bool want_secret, struct hy_bk_key *ret) {
    if (sodium_init() < 0) {
        hy_error("cannot initialise libsodium");
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        hy_error("cannot open the key file %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat sb;
    char buf[256];
    ssize_t got = fstat(fd, &sb) == 0 ? read(fd, buf, sizeof buf - 1) : -1;
    close(fd);
    if (got < 0) {
        hy_error("cannot read the key file %s: %s", path, strerror(errno));
        return -1;
    }
    buf[got] = '\0';
    while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r' || buf[got - 1] == ' '))
        buf[--got] = '\0';
    const char *want = want_secret ? SECRET_PREFIX : PUBLIC_PREFIX;
    const char *other = want_secret ? PUBLIC_PREFIX : SECRET_PREFIX;
    int r = -1;
    struct hy_bk_key k;
    memset(&k, 0, sizeof k);
    if (strncmp(buf, other, strlen(other)) == 0) {
        hy_error("%s is a %s key; this needs the %s key (%s)", path,
                 want_secret ? "public" : "secret", want_secret ? "secret" : "public",
                 want_secret ? "the file 'hamyari backup keygen --out FILE' wrote as FILE"
                             : "FILE.pub, which 'hamyari backup keygen --out FILE' wrote");
        r = -2;
        goto out;
    }
    size_t len = 0;
    const char *end = NULL;
    unsigned char *dst = want_secret ? k.sk : k.pk;
    if (strncmp(buf, want, strlen(want)) != 0 ||
        sodium_base642bin(dst, HY_BK_KEY_BYTES, buf + strlen(want), strlen(buf + strlen(want)),
                          NULL, &len, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len != HY_BK_KEY_BYTES || (end && *end)) {
        hy_error("%s is not a Hamyari backup %s key (made by 'hamyari backup keygen')", path,
                 want_secret ? "secret" : "public");
        goto out;
    }
    if (want_secret) {
        crypto_scalarmult_base(k.pk, k.sk);
        k.has_secret = true;
        if (sb.st_mode & 077)
            hy_warn("the secret key %s can be read by other users (mode %04o): chmod 600 it", path,
                    (unsigned)(sb.st_mode & 0777));
    }
    key_id(k.pk, NULL, k.id);
    *ret = k;
    r = 0;
out:
    sodium_memzero(buf, sizeof buf);
    hy_bk_key_wipe(&k);
    return r;
}

bool hy_bk_is_encrypted(FILE *in) {
    char m[MAGIC_LEN];
    bool yes = fread(m, 1, sizeof m, in) == sizeof m && memcmp(m, MAGIC, MAGIC_LEN) == 0;
    rewind(in);
    return yes;
}

/* Progress on stderr: a line at every tenth of `total`, or every 64 MiB when it is unknown. */
struct progress {
    const char *what;
    uint64_t total, done;
    int last;
};

static void progress(struct progress *p, bool end) {
    if (p->total) {
        int tenth = (int)(p->done * 10 / p->total);
        if (tenth == p->last && !end) return;
        if (end && p->last == 10) return;
        p->last = tenth;
        fprintf(stderr, "%s: %llu of %llu KiB (%d%%)\n", p->what,
                (unsigned long long)(p->done / 1024), (unsigned long long)(p->total / 1024),
                (int)(p->done * 100 / p->total));
    } else if (end || p->done / (64u << 20) != (uint64_t)p->last) {
        p->last = (int)(p->done / (64u << 20));
        fprintf(stderr, "%s: %llu KiB%s\n", p->what, (unsigned long long)(p->done / 1024),
                end ? " (100%)" : "");
    }
}

/* Reads up to n bytes, as many as there are. Returns the count; *ret_err on a read error. */
static size_t read_full(FILE *in, unsigned char *buf, size_t n, bool *ret_err) {
    size_t got = 0;
    while (got < n) {
        size_t r = fread(buf + got, 1, n - got, in);
        if (r == 0) {
            if (ferror(in)) *ret_err = true;
            break;
        }
        got += r;
    }
    return got;
}

/* What encrypting and decrypting share: the file key, the stream state and two chunk buffers. */
struct stream {
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char *plain, *cipher;
};

/* 0, or -1 after a message. stream_end() in either case. */
static int stream_begin(struct stream *s, const char *what) {
    memset(s, 0, sizeof *s);
    if (sodium_init() < 0) {
        hy_error("%s: cannot initialise libsodium", what);
        return -1;
    }
    s->plain = malloc(CHUNK);
    s->cipher = malloc(CHUNK + ABYTES);
    if (!s->plain || !s->cipher) {
        hy_error("%s: out of memory", what);
        return -1;
    }
    return 0;
}

/* Wipes the key, the state and the plaintext buffer, and frees the buffers. */
static void stream_end(struct stream *s) {
    if (s->plain) sodium_memzero(s->plain, CHUNK);
    free(s->plain);
    free(s->cipher);
    sodium_memzero(s, sizeof *s);
}

int hy_bk_encrypt(FILE *in, FILE *out, const struct hy_bk_key *to, uint64_t total,
                  const char *what) {
    struct stream s;
    unsigned char header[HY_BK_HEADER_BYTES];
    int r = -1;
    if (stream_begin(&s, what) < 0) goto out;
    memcpy(header, MAGIC, MAGIC_LEN);
    key_id(to->pk, header + MAGIC_LEN, (char[HY_BK_KEY_ID_HEX]){0});
    crypto_secretstream_xchacha20poly1305_keygen(s.key);
    if (crypto_box_seal(header + AD_LEN, s.key, sizeof s.key, to->pk) != 0 ||
        crypto_secretstream_xchacha20poly1305_init_push(&s.st, header + AD_LEN + SEALED_BYTES,
                                                        s.key) != 0) {
        hy_error("%s: cannot start the encryption", what);
        goto out;
    }
    if (fwrite(header, 1, sizeof header, out) != sizeof header) goto write_failed;
    struct progress p = {what, total, 0, -1};
    for (;;) {
        bool err = false;
        size_t n = read_full(in, s.plain, CHUNK, &err);
        if (err) {
            hy_error("%s: cannot read the input: %s", what, strerror(errno));
            goto out;
        }
        /* A full chunk may be the last one: the next read tells. An empty FINAL chunk then
         * marks the end (so a file is never cut at a chunk boundary unnoticed). */
        unsigned char tag = n < CHUNK ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                      : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
        unsigned long long clen = 0;
        crypto_secretstream_xchacha20poly1305_push(&s.st, s.cipher, &clen, s.plain, n, header,
                                                   AD_LEN, tag);
        if (fwrite(s.cipher, 1, (size_t)clen, out) != clen) goto write_failed;
        p.done += n;
        progress(&p, false);
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) break;
    }
    progress(&p, true);
    r = 0;
    goto out;
write_failed:
    hy_error("%s: cannot write: %s", what, strerror(errno));
out:
    stream_end(&s);
    return r;
}

int hy_bk_decrypt(FILE *in, FILE *out, const struct hy_bk_key *key, uint64_t total,
                  const char *what) {
    struct stream s;
    unsigned char header[HY_BK_HEADER_BYTES];
    int r = -1;
    bool err = false;
    if (stream_begin(&s, what) < 0) goto out;
    if (read_full(in, header, sizeof header, &err) != sizeof header ||
        memcmp(header, MAGIC, MAGIC_LEN) != 0) {
        hy_error("%s: not an encrypted Hamyari backup (or cut short)", what);
        goto out;
    }
    unsigned char id[ID_BYTES];
    key_id(key->pk, id, (char[HY_BK_KEY_ID_HEX]){0});
    if (memcmp(id, header + MAGIC_LEN, ID_BYTES) != 0) {
        char theirs[HY_BK_KEY_ID_HEX];
        sodium_bin2hex(theirs, sizeof theirs, header + MAGIC_LEN, ID_BYTES);
        hy_error("%s: this file was encrypted to another key (key id %s); the secret key given "
                 "is key id %s",
                 what, theirs, key->id);
        goto out;
    }
    if (crypto_box_seal_open(s.key, header + AD_LEN, SEALED_BYTES, key->pk, key->sk) != 0 ||
        crypto_secretstream_xchacha20poly1305_init_pull(&s.st, header + AD_LEN + SEALED_BYTES,
                                                        s.key) != 0) {
        hy_error("%s: the file key does not open with this secret key (the file is damaged)",
                 what);
        goto out;
    }
    struct progress p = {what, total, sizeof header, -1};
    for (;;) {
        size_t n = read_full(in, s.cipher, CHUNK + ABYTES, &err);
        if (err) {
            hy_error("%s: cannot read the input: %s", what, strerror(errno));
            goto out;
        }
        unsigned long long plen = 0;
        unsigned char tag = 0;
        if (n < ABYTES) {
            hy_error("%s: the file is cut short (its end is missing)", what);
            goto out;
        }
        if (crypto_secretstream_xchacha20poly1305_pull(&s.st, s.plain, &plen, &tag, s.cipher, n,
                                                       header, AD_LEN) != 0) {
            hy_error("%s: the file is damaged (a chunk fails authentication)", what);
            goto out;
        }
        if (plen && fwrite(s.plain, 1, (size_t)plen, out) != plen) {
            hy_error("%s: cannot write: %s", what, strerror(errno));
            goto out;
        }
        p.done += n;
        progress(&p, false);
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
            if (fgetc(in) != EOF) {
                hy_error("%s: the file has bytes after its end", what);
                goto out;
            }
            break;
        }
        if (n < CHUNK + ABYTES) {
            hy_error("%s: the file is cut short (its end is missing)", what);
            goto out;
        }
    }
    progress(&p, true);
    r = 0;
out:
    stream_end(&s);
    return r;
}
