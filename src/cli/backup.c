/* backup.c — `hamyari backup` and `hamyari restore`: a consistent copy of a SQLite store while
 * the server keeps running, and that copy put back.
 *
 * backup: SQLite's online backup API, copying a fixed number of pages per step and printing
 * the progress on stderr. The source connection holds one read transaction for the whole copy,
 * so the copy is one consistent snapshot: in WAL mode a reader blocks no writer, and writes
 * committed meanwhile (by the server, another process) are simply not in it. The copy goes to
 * FILE.part, is checked (PRAGMA integrity_check), synced, and renamed to FILE.
 *
 * restore: checks the backup's integrity first, then copies it into the target with the same
 * API (one write transaction on the target, so a reader never sees half a restore), then
 * migrates the schema to this program's version. A non-empty target is refused without
 * --force; stop the servers on it first.
 *
 * Encrypted backups (cli/backup_crypt.h): `backup --encrypt-to KEY.pub` snapshots the store into
 * a temporary file next to it (the folder that already holds the plaintext), encrypts that into
 * FILE.part, syncs and renames it to FILE, and removes the temporary. `restore --decrypt-with
 * KEY` decrypts into a temporary next to the target, restores from it, and removes it.
 * `backup keygen` makes the key pair; `backup encrypt` and `restore decrypt` do the same for any
 * file or stream (a pg_dump).
 *
 * Every file made here is created 0600 (the secret key too; the public key 0644).
 *
 * PostgreSQL has its own tools; for a postgres:// URL both commands print the pg_dump or
 * pg_restore command to use and exit with 2. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/backup_crypt.h"
#include "cli/cli.h"
#include "util/log.h"

#define BACKUP_PAGES 1024 /* pages copied per step (4 MiB at the default page size) */

static bool is_pg(const char *url) {
    return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

/* Writes `url` to `out` with the password of its user-info part replaced by PASSWORD, so that
 * a printed command never shows a secret. */
static void print_url_masked(FILE *out, const char *url) {
    const char *scheme = strstr(url, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && (!slash || at < slash) && colon && colon < at) {
        fprintf(out, "'%.*sPASSWORD%s'", (int)(colon + 1 - url), url, at);
        return;
    }
    fprintf(out, "'%s'", url);
}

/* The SQLite path of a sqlite:PATH URL, or NULL (after a message) for anything else. */
static const char *sqlite_path(const char *cmd, const char *url) {
    if (strncmp(url, "sqlite:", 7) == 0 && url[7]) return url + 7;
    fprintf(stderr, "hamyari %s: --db must be sqlite:PATH or postgres://...\n", cmd);
    return NULL;
}

/* Runs PRAGMA integrity_check on `db`. true when SQLite answers "ok"; otherwise logs the first
 * problem it reports. */
static bool integrity_ok(sqlite3 *db, const char *what) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
        hy_error("%s: cannot check integrity: %s", what, sqlite3_errmsg(db));
        return false;
    }
    int rc = sqlite3_step(st);
    const char *v = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    bool ok = v && strcmp(v, "ok") == 0;
    if (!ok) hy_error("%s: integrity check failed: %s", what, v ? v : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return ok;
}

/* fsync()s the file or folder at `path`. 0 or -errno. */
static int sync_path(const char *path, bool dir) {
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) return -errno;
    int r = fsync(fd) < 0 ? -errno : 0;
    close(fd);
    return r;
}

/* The folder part of `path` in `buf` ("." when there is none). */
static void dir_of(const char *path, char *buf, size_t n) {
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(buf, n, ".");
    else if (slash == path) snprintf(buf, n, "/");
    else snprintf(buf, n, "%.*s", (int)(slash - path), path);
}

/* Copies the main database of `src` into `dst` with the backup API, BACKUP_PAGES pages a
 * step, printing progress on stderr with the prefix `what`. Returns SQLITE_OK or the error. */
static int copy_db(sqlite3 *dst, sqlite3 *src, const char *what) {
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) return sqlite3_errcode(dst);
    int rc, last_tenth = -1;
    struct timespec pause = {0, 5 * 1000 * 1000};
    for (;;) {
        rc = sqlite3_backup_step(b, BACKUP_PAGES);
        int total = sqlite3_backup_pagecount(b);
        int done = total - sqlite3_backup_remaining(b);
        int tenth = total > 0 ? (int)((long long)done * 10 / total) : 10;
        if (tenth != last_tenth && (rc == SQLITE_OK || rc == SQLITE_DONE)) {
            fprintf(stderr, "%s: %d of %d pages (%d%%)\n", what, done, total,
                    total > 0 ? (int)((long long)done * 100 / total) : 100);
            last_tenth = tenth;
        }
        if (rc == SQLITE_DONE) break;
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            nanosleep(&pause, NULL);
            continue;
        }
        if (rc != SQLITE_OK) break;
    }
    int frc = sqlite3_backup_finish(b);
    if (rc == SQLITE_DONE) rc = frc;
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* ---------------------------------------------------------------- backup */

/* Creates `path` empty with mode 0600 (an existing file is an error). 0 or -errno. */
static int create_private(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return -errno;
    close(fd);
    return 0;
}

/* Starts `to`'s work file "TO.part" afresh (a stale one removed), empty with mode 0600.
 * Returns its malloc'd name, or NULL after a message prefixed with `what`. */
static char *new_part(const char *to, const char *what) {
    size_t n = strlen(to) + 8;
    char *part = malloc(n);
    if (!part) {
        hy_error("%s: out of memory", what);
        return NULL;
    }
    snprintf(part, n, "%s.part", to);
    unlink(part);
    int cr = create_private(part);
    if (cr < 0) {
        hy_error("%s: cannot create %s: %s", what, part, strerror(-cr));
        free(part);
        return NULL;
    }
    return part;
}

/* Makes a private temporary file named after `near` (same folder): "<near>.<tag>-XXXXXX".
 * Returns the malloc'd name, or NULL after a message. */
static char *private_temp(const char *near, const char *tag) {
    size_t n = strlen(near) + strlen(tag) + 10;
    char *t = malloc(n);
    if (!t) return NULL;
    snprintf(t, n, "%s.%s-XXXXXX", near, tag);
    int fd = mkstemp(t); /* 0600 */
    if (fd < 0) {
        hy_error("cannot create a temporary file next to %s: %s", near, strerror(errno));
        free(t);
        return NULL;
    }
    close(fd);
    return t;
}

/* Removes a SQLite file that was used in rollback-journal mode, with its journal. */
static void unlink_db(const char *path) {
    size_t n = strlen(path) + 10;
    char *j = malloc(n);
    if (j) {
        snprintf(j, n, "%s-journal", path);
        unlink(j);
        free(j);
    }
    unlink(path);
}

/* Copies the store at src_path into the existing empty file dst_path: one consistent
 * snapshot, integrity-checked, in rollback-journal mode (one self-contained file). 0 or 1. */
static int snapshot(const char *src_path, const char *dst_path) {
    int ret = 1;
    sqlite3 *src = NULL, *dst = NULL;
    /* READWRITE without CREATE: a missing store is an error, not a new empty file; WAL readers
     * need to write the -shm index. */
    if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        hy_error("backup: cannot open %s: %s", src_path, src ? sqlite3_errmsg(src) : "?");
        goto out;
    }
    sqlite3_busy_timeout(src, 5000);
    /* One read transaction for the whole copy: a consistent snapshot that writers do not
     * disturb (and so the copy never restarts). */
    if (sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) !=
        SQLITE_OK) {
        hy_error("backup: cannot read %s: %s", src_path, sqlite3_errmsg(src));
        goto out;
    }
    if (sqlite3_open_v2(dst_path, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        hy_error("backup: cannot open %s: %s", dst_path, dst ? sqlite3_errmsg(dst) : "?");
        goto out;
    }
    int rc = copy_db(dst, src, "backup");
    sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        hy_error("backup: copying failed: %s", sqlite3_errstr(rc));
        goto out;
    }
    if (!integrity_ok(dst, "backup")) goto out;
    /* The copy carries the source's WAL flag; one self-contained file is easier to move. */
    sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    if (sqlite3_close_v2(dst) != SQLITE_OK) goto out;
    dst = NULL;
    ret = 0;
out:
    sqlite3_close_v2(dst);
    sqlite3_close_v2(src);
    return ret;
}

/* Syncs `part`, renames it to `to` and syncs the folder. 0 or 1 (after a message). */
static int publish(const char *part, const char *to, const char *what) {
    char dir[4096];
    dir_of(to, dir, sizeof dir);
    int sr = sync_path(part, false);
    if (sr < 0 || rename(part, to) < 0 || sync_path(dir, true) < 0) {
        hy_error("%s: cannot write %s: %s", what, to, strerror(sr < 0 ? -sr : errno));
        return 1;
    }
    return 0;
}

/* Encrypts the file at `from` into the new file `to` (written as TO.part, synced, renamed) for
 * key `key`. `what` prefixes the progress. 0 or 1. */
static int encrypt_file(const char *from, const char *to, const struct hy_bk_key *key,
                        const char *what) {
    char *part = NULL;
    int ret = 1;
    FILE *in = fopen(from, "rb"), *out = NULL;
    struct stat sb;
    if (!in || fstat(fileno(in), &sb) < 0) {
        hy_error("%s: cannot read %s: %s", what, from, strerror(errno));
        goto out;
    }
    if (!(part = new_part(to, what))) goto out;
    if (!(out = fopen(part, "wb"))) {
        hy_error("%s: cannot create %s: %s", what, part, strerror(errno));
        goto out;
    }
    if (hy_bk_encrypt(in, out, key, (uint64_t)sb.st_size, what) < 0) goto out;
    if (fflush(out) != 0 || fsync(fileno(out)) != 0) {
        hy_error("%s: cannot write %s: %s", what, part, strerror(errno));
        goto out;
    }
    fclose(out);
    out = NULL;
    ret = publish(part, to, what);
out:
    if (out) fclose(out);
    if (in) fclose(in);
    if (part && ret) unlink(part);
    free(part);
    return ret;
}

static int run_backup(const char *src_path, const char *to, bool force, const char *encrypt_to) {
    struct stat sb;
    if (!force && stat(to, &sb) == 0) {
        hy_error("backup: %s exists; give another file or --force to replace it", to);
        return 1;
    }
    struct hy_bk_key key;
    if (encrypt_to) {
        int kr = hy_bk_key_read(encrypt_to, false, &key);
        if (kr < 0) return kr == -2 ? 2 : 1;
    }
    int ret = 1;
    char *part = NULL, *temp = NULL;
    if (encrypt_to) {
        /* The plaintext snapshot goes next to the store (whose folder holds the plaintext
         * anyway), never next to the backup. */
        if (!(temp = private_temp(src_path, "backup"))) goto out;
        if (snapshot(src_path, temp)) goto out;
        ret = encrypt_file(temp, to, &key, "encrypt");
        if (!ret && stat(to, &sb) == 0)
            fprintf(stderr, "backup: wrote %s (%lld KiB), integrity ok, encrypted to key %s\n", to,
                    (long long)sb.st_size / 1024, key.id);
        goto out;
    }
    if (!(part = new_part(to, "backup"))) goto out;
    if (snapshot(src_path, part) || publish(part, to, "backup")) goto out;
    if (stat(to, &sb) == 0)
        fprintf(stderr, "backup: wrote %s (%lld KiB), integrity ok\n", to,
                (long long)sb.st_size / 1024);
    ret = 0;
out:
    if (temp) unlink_db(temp);
    if (part && ret) unlink_db(part);
    free(temp);
    free(part);
    if (encrypt_to) hy_bk_key_wipe(&key);
    return ret;
}

/* `hamyari backup keygen`: a key pair for encrypted backups. */
static int backup_keygen(int argc, char **argv) {
    const char *out = NULL;
    bool force = false;
    struct hy_opt opts[] = {
        {"out", NULL, HY_OPT_STRING, &out, "FILE",
         "write the secret key to FILE (mode 0600) and the public key to FILE.pub"},
        {"force", NULL, HY_OPT_FLAG, &force, NULL, "replace existing key files"},
    };
    int r = hy_opts_parse(
        "hamyari backup keygen --out FILE [--force]",
        "Makes a key pair for encrypted backups (X25519, libsodium). Give FILE.pub to\n"
        "'hamyari backup --encrypt-to' on the server; keep FILE, the secret key, off the\n"
        "server (it alone can read the backups: 'hamyari restore --decrypt-with FILE').",
        opts, sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    if (!out || !*out) {
        fprintf(stderr, "hamyari backup keygen: --out FILE is required (see --help)\n");
        return 2;
    }
    struct hy_bk_key k;
    if (hy_bk_keygen(out, force, &k) < 0) return 1;
    printf("secret key: %s (keep it off the server; without it no backup can be read)\n"
           "public key: %s.pub (give it to 'hamyari backup --encrypt-to')\n"
           "key id %s\n",
           out, out, k.id);
    hy_bk_key_wipe(&k);
    return 0;
}

/* Opens `path` for reading ("-" = stdin); its size in *ret_size when it is a regular file. */
static FILE *open_in(const char *path, uint64_t *ret_size) {
    *ret_size = 0;
    FILE *f = (!path || !strcmp(path, "-")) ? stdin : fopen(path, "rb");
    struct stat sb;
    if (f && fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)) *ret_size = (uint64_t)sb.st_size;
    return f;
}

/* Shared by `backup encrypt` and `restore decrypt`: `in` to `out` ("-" or none = the standard
 * streams; a file is written as OUT.part, created 0600, and renamed when complete). */
static int stream_file(const char *in_path, const char *out_path, const struct hy_bk_key *key,
                       bool encrypt) {
    const char *what = encrypt ? "encrypt" : "decrypt";
    uint64_t size = 0;
    FILE *in = open_in(in_path, &size);
    if (!in) {
        hy_error("%s: cannot open %s: %s", what, in_path, strerror(errno));
        return 1;
    }
    bool to_stdout = !out_path || !strcmp(out_path, "-");
    char *part = NULL;
    FILE *out = stdout;
    int ret = 1;
    struct stat sb;
    if (!to_stdout) {
        if (stat(out_path, &sb) == 0) {
            hy_error("%s: %s exists; give another file", what, out_path);
            goto out;
        }
        if (!(part = new_part(out_path, what))) goto out;
        if (!(out = fopen(part, "wb"))) {
            hy_error("%s: cannot create %s: %s", what, part, strerror(errno));
            goto out;
        }
    }
    int r = encrypt ? hy_bk_encrypt(in, out, key, size, what) : hy_bk_decrypt(in, out, key, size, what);
    if (r < 0) goto out;
    if (fflush(out) != 0 || (!to_stdout && fsync(fileno(out)) != 0)) {
        hy_error("%s: cannot write: %s", what, strerror(errno));
        goto out;
    }
    if (!to_stdout) {
        fclose(out);
        out = NULL;
        if (publish(part, out_path, what)) goto out;
    }
    ret = 0;
out:
    if (out && out != stdout) fclose(out);
    if (in != stdin) fclose(in);
    if (part && ret) unlink(part);
    free(part);
    return ret;
}

/* `hamyari backup encrypt` (any file or stream, e.g. a pg_dump, to a public key) and
 * `hamyari restore decrypt` (back, with the secret key). */
static int crypt_command(int argc, char **argv, bool encrypt) {
    const char *in = NULL, *out = NULL, *key_path = NULL;
    struct hy_opt opts[] = {
        encrypt ? (struct hy_opt){"encrypt-to", "HAMYARI_BACKUP_KEY", HY_OPT_STRING, &key_path,
                                  "KEY.pub",
                                  "the public key to encrypt to (from 'hamyari backup keygen')"}
                : (struct hy_opt){"decrypt-with", NULL, HY_OPT_STRING, &key_path, "KEY",
                                  "the secret key (from 'hamyari backup keygen')"},
        {"in", NULL, HY_OPT_STRING, &in, "FILE",
         encrypt ? "what to encrypt (default: standard input)"
                 : "what to decrypt (default: standard input)"},
        {"out", NULL, HY_OPT_STRING, &out, "FILE",
         "where to write it, created 0600 (default: standard output)"},
    };
    int r = hy_opts_parse(
        encrypt ? "hamyari backup encrypt --encrypt-to KEY.pub [--in FILE] [--out FILE]"
                : "hamyari restore decrypt --decrypt-with KEY [--in FILE] [--out FILE]",
        encrypt ? "Encrypts a file or a stream to a public key, e.g. a PostgreSQL dump:\n"
                  "  pg_dump --format=custom --dbname=URL | hamyari backup encrypt --encrypt-to "
                  "KEY.pub --out FILE\n"
                  "Progress on stderr. 'hamyari restore decrypt' reverses it."
                : "Decrypts a file made by 'hamyari backup encrypt' or 'hamyari backup "
                  "--encrypt-to',\ne.g. into pg_restore:\n"
                  "  hamyari restore decrypt --decrypt-with KEY --in FILE | pg_restore "
                  "--dbname=URL\n"
                  "A damaged, cut or foreign file is refused (written output must then be "
                  "discarded;\na file named with --out is only created when all of it "
                  "decrypted). Progress on stderr.",
        opts, sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    if (!key_path || !*key_path) {
        fprintf(stderr, "hamyari %s: --%s is required (see --help)\n",
                encrypt ? "backup encrypt" : "restore decrypt",
                encrypt ? "encrypt-to KEY.pub" : "decrypt-with KEY");
        return 2;
    }
    struct hy_bk_key key;
    int kr = hy_bk_key_read(key_path, !encrypt, &key);
    if (kr < 0) return kr == -2 ? 2 : 1;
    int ret = stream_file(in, out, &key, encrypt);
    hy_bk_key_wipe(&key);
    return ret;
}

int hy_cmd_backup(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "keygen")) return backup_keygen(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "encrypt")) return crypt_command(argc - 1, argv + 1, true);
    struct hy_settings s;
    hy_settings_defaults(&s);
    const char *to = NULL, *encrypt_to = NULL;
    bool force = false;
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &s.db, "URL",
         "store to back up: sqlite:PATH (default sqlite:hamyari.db)"},
        {"to", NULL, HY_OPT_STRING, &to, "FILE",
         "where to write the copy (a SQLite file, or the encrypted copy), created 0600"},
        {"encrypt-to", "HAMYARI_BACKUP_KEY", HY_OPT_STRING, &encrypt_to, "KEY.pub",
         "encrypt the copy to this public key (from 'hamyari backup keygen'); only its secret "
         "key can restore it"},
        {"force", NULL, HY_OPT_FLAG, &force, NULL, "replace FILE if it exists"},
    };
    int r = hy_opts_parse(
        "hamyari backup [--db sqlite:PATH] --to FILE [--encrypt-to KEY.pub] [--force]\n"
        "       hamyari backup keygen --out FILE\n"
        "       hamyari backup encrypt --encrypt-to KEY.pub [--in FILE] [--out FILE]",
        "Copies a SQLite store into FILE while the server keeps running (SQLite's online backup:\n"
        "one consistent snapshot; writes go on meanwhile), checks the copy's integrity, and\n"
        "prints the progress on stderr. Restore it with 'hamyari restore'.\n"
        "With --encrypt-to the copy is encrypted to an operator's public key (libsodium sealed\n"
        "box + secretstream); 'hamyari backup keygen' makes the key pair, 'hamyari backup\n"
        "encrypt' encrypts any other file or stream (e.g. pg_dump's output).\n"
        "For PostgreSQL it prints the pg_dump command to use and exits with 2.",
        opts, sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    if (encrypt_to && !*encrypt_to) encrypt_to = NULL;
    if (is_pg(s.db)) {
        if (encrypt_to) {
            printf("hamyari backup copies SQLite stores only. For PostgreSQL, pipe pg_dump "
                   "through 'hamyari backup encrypt':\n\n  pg_dump --format=custom --dbname=");
            print_url_masked(stdout, s.db);
            printf(" | hamyari backup encrypt --encrypt-to '%s' --out %s\n", encrypt_to,
                   to ? to : "hamyari.dump.enc");
        } else {
            printf("hamyari backup copies SQLite stores only. For PostgreSQL, use pg_dump:\n\n"
                   "  pg_dump --format=custom --file=%s --dbname=",
                   to ? to : "hamyari.dump");
            print_url_masked(stdout, s.db);
            printf("\n");
        }
        printf("\nIt gives a consistent snapshot while the servers keep running. "
               "See docs/operations.md.\n");
        return 2;
    }
    const char *path = sqlite_path("backup", s.db);
    if (!path) return 2;
    if (!to || !*to) {
        fprintf(stderr, "hamyari backup: --to FILE is required (see --help)\n");
        return 2;
    }
    return run_backup(path, to, force, encrypt_to);
}

/* ---------------------------------------------------------------- restore */

/* true when the SQLite file at `path` holds at least one table (or cannot be read). */
static bool target_in_use(const char *path) {
    struct stat sb;
    if (stat(path, &sb) < 0) return errno != ENOENT;
    if (sb.st_size == 0) {
        size_t n = strlen(path) + 8;
        char *wal = malloc(n);
        if (!wal) return true;
        snprintf(wal, n, "%s-wal", path);
        bool has_wal = stat(wal, &sb) == 0 && sb.st_size > 0;
        free(wal);
        if (!has_wal) return false;
    }
    sqlite3 *db = NULL;
    bool used = true;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) ==
                SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            used = sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
    }
    sqlite3_close_v2(db);
    return used;
}

/* Restores the backup file `from` (named `shown` in messages) into the store at `path`. */
static int run_restore(const char *from, const char *shown, const char *path, const char *url,
                       bool force) {
    if (!force && target_in_use(path)) {
        hy_error("restore: %s already holds a store; stop the servers on it and give --force to "
                 "replace it",
                 path);
        return 1;
    }
    int ret = 1;
    sqlite3 *src = NULL, *dst = NULL;
    if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        hy_error("restore: cannot open %s: %s", shown, src ? sqlite3_errmsg(src) : "?");
        goto out;
    }
    if (!integrity_ok(src, "restore: the backup")) goto out;
    {
        sqlite3_stmt *st = NULL;
        bool ours = sqlite3_prepare_v2(src,
                                       "SELECT 1 FROM sqlite_master WHERE type='table' AND "
                                       "name='schema_migrations'",
                                       -1, &st, NULL) == SQLITE_OK &&
                    sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        if (!ours) {
            hy_error("restore: %s is not a Hamyari store (no schema_migrations table)", shown);
            goto out;
        }
    }
    /* A new store file is made private before SQLite opens it (its journal, WAL and shared
     * memory files then take the same mode). */
    struct stat sb;
    if (stat(path, &sb) < 0 && errno == ENOENT) {
        int cr = create_private(path);
        if (cr < 0 && cr != -EEXIST) {
            hy_error("restore: cannot create %s: %s", path, strerror(-cr));
            goto out;
        }
    }
    if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        hy_error("restore: cannot open %s: %s", path, dst ? sqlite3_errmsg(dst) : "?");
        goto out;
    }
    sqlite3_busy_timeout(dst, 5000);
    int rc = copy_db(dst, src, "restore");
    if (rc != SQLITE_OK) {
        hy_error("restore: copying into %s failed: %s", path, sqlite3_errstr(rc));
        goto out;
    }
    if (!integrity_ok(dst, "restore")) goto out;
    sqlite3_close_v2(dst);
    dst = NULL;
    /* The copy may be of an older schema: bring it up to this program's. */
    hy_db *db = NULL;
    int version = 0;
    if (hy_cli_open_store(url, &db, &version) < 0) goto out;
    hy_db_close(db);
    fprintf(stderr, "restore: %s restored from %s, schema version %d, integrity ok\n", path, shown,
            version);
    ret = 0;
out:
    sqlite3_close_v2(dst);
    sqlite3_close_v2(src);
    return ret;
}

/* Restores `from`, decrypting it first with the secret key at key_path when it is encrypted
 * (into a private temporary next to the target, removed afterwards). */
static int restore_any(const char *from, const char *key_path, const char *path, const char *url,
                       bool force) {
    if (!force && target_in_use(path)) {
        hy_error("restore: %s already holds a store; stop the servers on it and give --force to "
                 "replace it",
                 path);
        return 1;
    }
    FILE *in = fopen(from, "rb");
    struct stat sb;
    if (!in || fstat(fileno(in), &sb) < 0) {
        hy_error("restore: cannot open %s: %s", from, strerror(errno));
        if (in) fclose(in);
        return 1;
    }
    uint64_t size = (uint64_t)sb.st_size;
    bool encrypted = hy_bk_is_encrypted(in);
    if (!encrypted) {
        fclose(in);
        if (key_path) {
            hy_error("restore: %s is not encrypted; leave out --decrypt-with", from);
            return 1;
        }
        return run_restore(from, from, path, url, force);
    }
    if (!key_path) {
        fclose(in);
        hy_error("restore: %s is encrypted; give its secret key with --decrypt-with KEY", from);
        return 1;
    }
    struct hy_bk_key key;
    int kr = hy_bk_key_read(key_path, true, &key);
    if (kr < 0) {
        fclose(in);
        return kr == -2 ? 2 : 1;
    }
    int ret = 1;
    char *temp = private_temp(path, "restore");
    FILE *out = temp ? fopen(temp, "wb") : NULL;
    if (out && hy_bk_decrypt(in, out, &key, size, "decrypt") == 0 && fflush(out) == 0) {
        fclose(out);
        out = NULL;
        ret = run_restore(temp, from, path, url, force);
    }
    if (out) fclose(out);
    fclose(in);
    hy_bk_key_wipe(&key);
    if (temp) unlink_db(temp);
    free(temp);
    return ret;
}

int hy_cmd_restore(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "decrypt")) return crypt_command(argc - 1, argv + 1, false);
    struct hy_settings s;
    hy_settings_defaults(&s);
    const char *from = NULL, *key_path = NULL;
    bool force = false;
    struct hy_opt opts[] = {
        {"from", NULL, HY_OPT_STRING, &from, "FILE", "the backup to restore"},
        {"decrypt-with", NULL, HY_OPT_STRING, &key_path, "KEY",
         "the secret key of an encrypted backup (from 'hamyari backup keygen')"},
        {"db", "HAMYARI_DB", HY_OPT_STRING, &s.db, "URL",
         "store to restore into: sqlite:PATH (default sqlite:hamyari.db)"},
        {"force", NULL, HY_OPT_FLAG, &force, NULL,
         "replace a store that is not empty (stop its servers first)"},
    };
    int r = hy_opts_parse(
        "hamyari restore --from FILE [--decrypt-with KEY] [--db sqlite:PATH] [--force]\n"
        "       hamyari restore decrypt --decrypt-with KEY [--in FILE] [--out FILE]",
        "Checks the backup's integrity, copies it into the store (refusing a store that is\n"
        "not empty unless --force), and migrates it to this version's schema. An encrypted\n"
        "backup is decrypted first with --decrypt-with (a wrong key, or a damaged or cut\n"
        "file, is refused and changes nothing). A new store file is created 0600.\n"
        "For PostgreSQL it prints the pg_restore command to use and exits with 2.",
        opts, sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    if (is_pg(s.db)) {
        printf("hamyari restore writes SQLite stores only. For PostgreSQL, use pg_restore into "
               "an empty database\n(created with ENCODING 'UTF8' and the postgis extension), "
               "then migrate:\n\n  ");
        if (key_path && *key_path)
            printf("hamyari restore decrypt --decrypt-with '%s' --in %s | ", key_path,
                   from ? from : "hamyari.dump.enc");
        printf("pg_restore --no-owner --exit-on-error --dbname=");
        print_url_masked(stdout, s.db);
        if (key_path && *key_path) printf("\n  hamyari migrate --db ");
        else printf(" %s\n  hamyari migrate --db ", from ? from : "hamyari.dump");
        print_url_masked(stdout, s.db);
        printf("\n\nSee docs/operations.md.\n");
        return 2;
    }
    const char *path = sqlite_path("restore", s.db);
    if (!path) return 2;
    if (!from || !*from) {
        fprintf(stderr, "hamyari restore: --from FILE is required (see --help)\n");
        return 2;
    }
    if (key_path && !*key_path) key_path = NULL;
    return restore_any(from, key_path, path, s.db, force);
}
