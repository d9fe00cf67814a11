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

static int run_backup(const char *src_path, const char *to, bool force) {
    struct stat sb;
    if (!force && stat(to, &sb) == 0) {
        hy_error("backup: %s exists; give another file or --force to replace it", to);
        return 1;
    }
    size_t n = strlen(to) + 8;
    char *part = malloc(n);
    if (!part) return 1;
    snprintf(part, n, "%s.part", to);
    unlink(part);

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
    if (sqlite3_open_v2(part, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        hy_error("backup: cannot create %s: %s", part, dst ? sqlite3_errmsg(dst) : "?");
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
    sqlite3_close_v2(dst);
    dst = NULL;
    char dir[4096];
    dir_of(to, dir, sizeof dir);
    int sr = sync_path(part, false);
    if (sr < 0 || rename(part, to) < 0 || sync_path(dir, true) < 0) {
        hy_error("backup: cannot write %s: %s", to, strerror(sr < 0 ? -sr : errno));
        goto out;
    }
    if (stat(to, &sb) == 0)
        fprintf(stderr, "backup: wrote %s (%lld KiB), integrity ok\n", to,
                (long long)sb.st_size / 1024);
    ret = 0;
out:
    sqlite3_close_v2(dst);
    sqlite3_close_v2(src);
    if (ret) unlink(part);
    free(part);
    return ret;
}

int hy_cmd_backup(int argc, char **argv) {
    struct hy_settings s;
    hy_settings_defaults(&s);
    const char *to = NULL;
    bool force = false;
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &s.db, "URL",
         "store to back up: sqlite:PATH (default sqlite:hamyari.db)"},
        {"to", NULL, HY_OPT_STRING, &to, "FILE", "where to write the copy (a SQLite file)"},
        {"force", NULL, HY_OPT_FLAG, &force, NULL, "replace FILE if it exists"},
    };
    int r = hy_opts_parse(
        "hamyari backup [--db sqlite:PATH] --to FILE [--force]",
        "Copies a SQLite store into FILE while the server keeps running (SQLite's online backup:\n"
        "one consistent snapshot; writes go on meanwhile), checks the copy's integrity, and\n"
        "prints the progress on stderr. Restore it with 'hamyari restore'.\n"
        "For PostgreSQL it prints the pg_dump command to use and exits with 2.",
        opts, sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    if (is_pg(s.db)) {
        printf("hamyari backup copies SQLite stores only. For PostgreSQL, use pg_dump:\n\n"
               "  pg_dump --format=custom --file=%s --dbname=",
               to ? to : "hamyari.dump");
        print_url_masked(stdout, s.db);
        printf("\n\nIt gives a consistent snapshot while the servers keep running. "
               "See docs/operations.md.\n");
        return 2;
    }
    const char *path = sqlite_path("backup", s.db);
    if (!path) return 2;
    if (!to || !*to) {
        fprintf(stderr, "hamyari backup: --to FILE is required (see --help)\n");
        return 2;
    }
    return run_backup(path, to, force);
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

static int run_restore(const char *from, const char *path, const char *url, bool force) {
    if (!force && target_in_use(path)) {
        hy_error("restore: %s already holds a store; stop the servers on it and give --force to "
                 "replace it",
                 path);
        return 1;
    }
    int ret = 1;
    sqlite3 *src = NULL, *dst = NULL;
    if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        hy_error("restore: cannot open %s: %s", from, src ? sqlite3_errmsg(src) : "?");
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
            hy_error("restore: %s is not a Hamyari store (no schema_migrations table)", from);
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
    fprintf(stderr, "restore: %s restored from %s, schema version %d, integrity ok\n", path, from,
            version);
    ret = 0;
out:
    sqlite3_close_v2(dst);
    sqlite3_close_v2(src);
    return ret;
}

int hy_cmd_restore(int argc, char **argv) {
    struct hy_settings s;
    hy_settings_defaults(&s);
    const char *from = NULL;
    bool force = false;
    struct hy_opt opts[] = {
        {"from", NULL, HY_OPT_STRING, &from, "FILE", "the backup to restore"},
        {"db", "HAMYARI_DB", HY_OPT_STRING, &s.db, "URL",
         "store to restore into: sqlite:PATH (default sqlite:hamyari.db)"},
        {"force", NULL, HY_OPT_FLAG, &force, NULL,
         "replace a store that is not empty (stop its servers first)"},
    };
    int r = hy_opts_parse(
        "hamyari restore --from FILE [--db sqlite:PATH] [--force]",
        "Checks the backup's integrity, copies it into the store (refusing a store that is\n"
        "not empty unless --force), and migrates it to this version's schema.\n"
        "For PostgreSQL it prints the pg_restore command to use and exits with 2.",
        opts, sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    if (is_pg(s.db)) {
        printf("hamyari restore writes SQLite stores only. For PostgreSQL, use pg_restore into "
               "an empty database\n(created with ENCODING 'UTF8' and the postgis extension), "
               "then migrate:\n\n"
               "  pg_restore --no-owner --exit-on-error --dbname=");
        print_url_masked(stdout, s.db);
        printf(" %s\n  hamyari migrate --db ", from ? from : "hamyari.dump");
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
    return run_restore(from, path, s.db, force);
}
