/* user.c — `hamyari user add|list` and `hamyari token create|list|revoke`: bootstrap accounts from the
 * command line (the first admin has no one to approve them). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/access.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/phone.h"
#include "util/clock.h"
#include "util/log.h"

/* A volunteer's home position is stored rounded to a cell of this size, as at sign-up. */
#define HOME_CELL_M 500.0

struct add_ctx {
    struct hy_user u;
    struct hy_volunteer v;
    bool has_profile; /* a volunteer: their profile (service area) too */
    const char *audit_role;
};

static int add_tx(hy_store *s, void *ctx) {
    struct add_ctx *c = ctx;
    int r = s->ops->user_insert(s, &c->u, c->has_profile ? &c->v : NULL);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    return s->ops->audit_insert(s, c->u.created_at, NULL, "user_created_cli", c->u.id, c->u.role);
}

/* Reads "LAT,LON" (a valid position) into *lat and *lon. */
static bool parse_home(const char *s, double *lat, double *lon) {
    char *end;
    *lat = strtod(s, &end);
    if (end == s || *end != ',') return false;
    const char *p = end + 1;
    *lon = strtod(p, &end);
    return end != p && *end == '\0' && hy_geo_valid(*lat, *lon);
}

/* Reads a radius in km, 0.5 to 100 as at sign-up. */
static bool parse_radius(const char *s, double *km) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < 0.5 || v > 100) return false;
    *km = v;
    return true;
}

/* Reads one line from standard input without its line end. */
static char *read_secret(void) {
    static char buf[1100];
    if (!fgets(buf, sizeof buf, stdin)) return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

static int user_add(int argc, char **argv) {
    struct hy_settings st;
    hy_settings_defaults(&st);
    const char *email = NULL, *phone = NULL, *name = NULL, *role = NULL, *lang = "fa",
               *cc = "98", *home = NULL, *radius = NULL;
    bool pw_stdin = false;
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL", "store (default sqlite:hamyari.db)"},
        {"email", NULL, HY_OPT_STRING, &email, "E", "the account's e-mail (login)"},
        {"phone", NULL, HY_OPT_STRING, &phone, "P", "the account's phone (login)"},
        {"name", NULL, HY_OPT_STRING, &name, "NAME", "display name (default: the login)"},
        {"role", NULL, HY_OPT_STRING, &role, "ROLE", "admin, coordinator, editor, volunteer or member"},
        {"language", NULL, HY_OPT_STRING, &lang, "fa|en", "interface language (default fa)"},
        {"calling-code", "HAMYARI_CALLING_CODE", HY_OPT_STRING, &cc, "DIGITS",
         "for phones without one (default 98)"},
        {"password-stdin", NULL, HY_OPT_FLAG, &pw_stdin, NULL,
         "read the password from the first line of standard input"},
        {"password-list", "HAMYARI_PASSWORD_LIST", HY_OPT_STRING, &st.server.password_list,
         "FILE", "common passwords to refuse"},
        {"home", NULL, HY_OPT_STRING, &home, "LAT,LON",
         "a volunteer's home position (stored rounded to ~500 m); without one they cannot "
         "claim requests themselves"},
        {"radius-km", NULL, HY_OPT_STRING, &radius, "KM",
         "the distance a volunteer serves around home, 0.5 to 100 (default 5)"},
    };
    int r = hy_opts_parse("hamyari user add --email E|--phone P --role ROLE --password-stdin",
                          "Creates an account. A volunteer made this way is approved; with "
                          "--home they may claim requests within --radius-km of it.", opts,
                          sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    if ((!email && !phone) || !role || !hy_role_valid(role) || !pw_stdin ||
        (strcmp(lang, "fa") && strcmp(lang, "en"))) {
        fprintf(stderr, "hamyari user add: need --email or --phone, --role "
                        "admin|coordinator|editor|volunteer|member and --password-stdin (see --help)\n");
        return 2;
    }
    struct add_ctx c;
    memset(&c, 0, sizeof c);
    c.v.radius_km = 5;
    if ((home || radius) && strcmp(role, "volunteer") != 0) {
        fprintf(stderr, "hamyari user add: --home and --radius-km are for volunteers\n");
        return 2;
    }
    double hlat = 0, hlon = 0;
    if (home && !parse_home(home, &hlat, &hlon)) {
        fprintf(stderr, "hamyari user add: --home must be LAT,LON\n");
        return 2;
    }
    if (radius && !parse_radius(radius, &c.v.radius_km)) {
        fprintf(stderr, "hamyari user add: --radius-km must be 0.5 to 100\n");
        return 2;
    }
    if (home || radius) {
        c.has_profile = true;
        c.v.has_area = home != NULL;
        if (home) hy_geo_round(hlat, hlon, HOME_CELL_M, &c.v.lat, &c.v.lon);
        c.v.skills = "[]";
        c.v.languages = "[]";
        c.v.availability = "";
    }
    char email_l[256] = "", phone_n[HY_PHONE_MAX] = "";
    if (email) {
        if (strlen(email) >= sizeof email_l) return 2;
        for (size_t i = 0; email[i]; i++)
            email_l[i] = (char)((email[i] >= 'A' && email[i] <= 'Z') ? email[i] - 'A' + 'a' : email[i]);
        if (!hy_email_valid(email_l)) {
            fprintf(stderr, "hamyari user add: '%s' is not an e-mail address\n", email);
            return 2;
        }
        c.u.email = email_l;
    }
    if (phone) {
        if (!hy_phone_normalise(phone, cc, phone_n)) {
            fprintf(stderr, "hamyari user add: '%s' is not a phone number\n", phone);
            return 2;
        }
        c.u.phone = phone_n;
    }
    if (hy_auth_init(1, st.server.password_list) < 0) return 1;
    char *pw = read_secret();
    char hash[HY_HASH_STR_MAX];
    int rc = 1;
    if (!pw) {
        fprintf(stderr, "hamyari user add: no password on standard input\n");
        goto out;
    }
    enum hy_pw_problem p = hy_password_check(pw);
    if (p != HY_PW_OK) {
        fprintf(stderr, "hamyari user add: the password is %s\n",
                p == HY_PW_TOO_SHORT  ? "shorter than 12 characters"
                : p == HY_PW_TOO_LONG ? "longer than 128 characters"
                : p == HY_PW_COMMON   ? "too common"
                                      : "not valid text");
        rc = 2;
        goto out;
    }
    if (hy_password_hash(pw, hash) < 0) goto out;
    hy_id_new(c.u.id);
    memcpy(c.v.user_id, c.u.id, sizeof c.v.user_id);
    c.u.name = name ? name : (email ? email_l : phone_n);
    c.u.password_hash = hash;
    c.u.role = role;
    c.u.status = "approved";
    c.u.language = lang;
    c.u.created_at = c.u.updated_at = hy_clock_now();
    hy_db *db;
    if (hy_cli_open_store(st.db, &db, NULL) < 0) goto out;
    r = hy_db_run(db, HY_TX_WRITE, add_tx, &c);
    hy_db_close(db);
    if (r == HY_DB_ABORT) {
        fprintf(stderr, "hamyari user add: an account with this login already exists\n");
        rc = 1;
        goto out;
    }
    if (r < 0) {
        fprintf(stderr, "hamyari user add: the store refused the account\n");
        goto out;
    }
    printf("created %s %s (%s)\n", role, c.u.id, email ? email_l : phone_n);
    rc = 0;
out:
    if (pw) sodium_memzero(pw, strlen(pw));
    hy_auth_shutdown();
    return rc;
}

struct list_ctx {
    hy_arena *a;
    struct hy_user_filter f;
    struct hy_user *users;
    size_t total;
    int n;
};

static int list_tx(hy_store *s, void *ctx) {
    struct list_ctx *c = ctx;
    c->n = s->ops->user_list(s, &c->f, c->a, &c->users, &c->total);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

static int user_list(int argc, char **argv) {
    struct hy_settings st;
    hy_settings_defaults(&st);
    const char *role = NULL;
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL", "store (default sqlite:hamyari.db)"},
        {"role", NULL, HY_OPT_STRING, &role, "ROLE", "only this role"},
    };
    int r = hy_opts_parse("hamyari user list [--role ROLE]",
                          "Lists accounts: id, role, status, login, name (tab-separated).", opts,
                          2, argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    hy_db *db;
    if (hy_cli_open_store(st.db, &db, NULL) < 0) return 1;
    struct list_ctx c = {.a = hy_arena_new(0)};
    c.f.role = role;
    int rc = 0;
    for (size_t off = 0;; off += 200) {
        c.f.limit = 200;
        c.f.offset = off;
        if (hy_db_run(db, HY_TX_READ, list_tx, &c) < 0) {
            rc = 1;
            break;
        }
        for (int i = 0; i < c.n; i++)
            printf("%s\t%s\t%s\t%s\t%s\n", c.users[i].id, c.users[i].role, c.users[i].status,
                   c.users[i].email ? c.users[i].email : (c.users[i].phone ? c.users[i].phone : "-"),
                   c.users[i].name);
        if (c.n < 200) break;
    }
    hy_arena_free(c.a);
    hy_db_close(db);
    return rc;
}

int hy_cmd_user(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "add")) return user_add(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "list")) return user_list(argc - 1, argv + 1);
    FILE *out = (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) ? stdout : stderr;
    fprintf(out, "Usage: hamyari user add|list [OPTIONS]\n\n"
                 "  add    create an account (see 'hamyari user add --help')\n"
                 "  list   list accounts (see 'hamyari user list --help')\n");
    return out == stdout ? 0 : 2;
}

/* ---- hamyari token create|list|revoke ---- */

/* The stored form of a login typed on the command line (as hy_login_normalise does for the API):
 * a lowercased e-mail, an E.164 phone, or the text as it is (it will match nothing). */
static const char *cli_login(const char *user, const char *cc, char *buf, size_t n) {
    if (strchr(user, '@')) {
        size_t i = 0;
        for (; i < n - 1 && user[i]; i++)
            buf[i] = (char)((user[i] >= 'A' && user[i] <= 'Z') ? user[i] - 'A' + 'a' : user[i]);
        buf[i] = '\0';
        return buf;
    }
    if (n >= HY_PHONE_MAX && hy_phone_normalise(user, cc, buf)) return buf;
    return user;
}

static void print_time(int64_t t) {
    if (t <= 0) {
        fputs("-", stdout);
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    char out[32];
    if (gmtime_r(&tt, &tm) && strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm))
        fputs(out, stdout);
    else
        printf("%lld", (long long)t);
}

struct token_ctx {
    hy_arena *a;
    const char *login, *id;
    char hash[HY_TOKEN_HASH_LEN + 1];
    struct hy_user u;
    struct hy_api_token t;
    struct hy_api_token *list;
    size_t total, offset;
    int n;
};

static int token_tx(hy_store *s, void *ctx) {
    struct token_ctx *c = ctx;
    int r = s->ops->user_by_login(s, c->login, c->a, &c->u);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    memcpy(c->t.user_id, c->u.id, sizeof c->t.user_id);
    if ((r = s->ops->token_insert(s, c->hash, &c->t)) <= 0) return r < 0 ? r : HY_DB_HARD;
    char ref[HY_TOKEN_AUDIT_ID + 1];
    snprintf(ref, sizeof ref, "%s", c->t.id);
    return s->ops->audit_insert(s, c->t.created_at, NULL, "api_token_created", c->u.id, ref);
}

static int token_create(int argc, char **argv) {
    struct hy_settings st;
    hy_settings_defaults(&st);
    const char *user = NULL, *name = "", *cc = "98";
    unsigned days = HY_TOKEN_DAYS_DEFAULT, max_days = HY_TOKEN_MAX_DAYS;
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL", "store (default sqlite:hamyari.db)"},
        {"user", NULL, HY_OPT_STRING, &user, "LOGIN", "the account's e-mail or phone"},
        {"name", NULL, HY_OPT_STRING, &name, "NAME", "what the token is for"},
        {"days", NULL, HY_OPT_UINT, &days, "N",
         "the token expires N days from now (default 90; 0 = only the server's cap)"},
        {"token-max-days", "HAMYARI_TOKEN_MAX_DAYS", HY_OPT_UINT, &max_days, "DAYS",
         "the server's cap on a token's lifetime, to refuse longer --days (default 365; 0 = none)"},
        {"calling-code", "HAMYARI_CALLING_CODE", HY_OPT_STRING, &cc, "DIGITS",
         "for phones without one (default 98)"},
    };
    int r = hy_opts_parse("hamyari token create --user LOGIN [--name NAME] [--days N]",
                          "Creates an API token for the account and prints it as the last line. "
                          "The store keeps only its hash: save it now.",
                          opts, sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    if (!user) {
        fprintf(stderr, "hamyari token create: --user is required\n");
        return 2;
    }
    if (max_days && days > max_days) {
        fprintf(stderr, "hamyari token create: --days %u is beyond the cap of %u days "
                        "(--token-max-days)\n", days, max_days);
        return 2;
    }
    if (days > 36500 || strlen(name) > 100) {
        fprintf(stderr, "hamyari token create: --days at most 36500, --name at most 100 bytes\n");
        return 2;
    }
    struct token_ctx c = {.a = hy_arena_new(0)};
    char login[256];
    c.login = cli_login(user, cc, login, sizeof login);
    c.t.name = name;
    c.t.created_at = hy_clock_now();
    c.t.expires_at = days ? c.t.created_at + (int64_t)days * 86400 : 0;
    hy_id_new(c.t.id);
    if (hy_auth_init(1, NULL) < 0) {
        hy_arena_free(c.a);
        return 1;
    }
    char token[HY_TOKEN_LEN + 1];
    hy_token_new(token);
    hy_token_hash(token, c.hash);
    hy_db *db;
    int rc = 1;
    if (hy_cli_open_store(st.db, &db, NULL) == 0) {
        r = hy_db_run(db, HY_TX_WRITE, token_tx, &c);
        hy_db_close(db);
        if (r == HY_DB_ABORT) fprintf(stderr, "hamyari token create: no account '%s'\n", user);
        else if (r < 0) fprintf(stderr, "hamyari token create: the store refused the token\n");
        else {
            printf("API token %s for %s (%s), expires ", c.t.id, c.u.id, c.u.role);
            if (c.t.expires_at) print_time(c.t.expires_at);
            else fputs(max_days ? "with the server's cap" : "never", stdout);
            printf("; shown once:\n%s\n", token);
            rc = 0;
        }
    }
    sodium_memzero(token, sizeof token);
    hy_arena_free(c.a);
    hy_auth_shutdown();
    return rc;
}

static int token_list_tx(hy_store *s, void *ctx) {
    struct token_ctx *c = ctx;
    const char *uid = NULL;
    if (c->login) {
        int r = s->ops->user_by_login(s, c->login, c->a, &c->u);
        if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
        uid = c->u.id;
    }
    c->n = s->ops->token_list(s, uid, 200, c->offset, c->a, &c->list, &c->total);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

static int token_list(int argc, char **argv) {
    struct hy_settings st;
    hy_settings_defaults(&st);
    const char *user = NULL, *cc = "98";
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL", "store (default sqlite:hamyari.db)"},
        {"user", NULL, HY_OPT_STRING, &user, "LOGIN", "only this account's tokens"},
        {"calling-code", "HAMYARI_CALLING_CODE", HY_OPT_STRING, &cc, "DIGITS",
         "for phones without one (default 98)"},
    };
    int r = hy_opts_parse("hamyari token list [--user LOGIN]",
                          "Lists API tokens, newest first: id, account id, name, created, expires "
                          "(tab-separated, UTC; '-' for no date of its own). Never the tokens.",
                          opts, sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    hy_db *db;
    if (hy_cli_open_store(st.db, &db, NULL) < 0) return 1;
    struct token_ctx c = {.a = hy_arena_new(0)};
    char login[256];
    if (user) c.login = cli_login(user, cc, login, sizeof login);
    int rc = 0;
    for (;; c.offset += 200) {
        r = hy_db_run(db, HY_TX_READ, token_list_tx, &c);
        if (r == HY_DB_ABORT) {
            fprintf(stderr, "hamyari token list: no account '%s'\n", user);
            rc = 1;
            break;
        }
        if (r < 0) {
            fprintf(stderr, "hamyari token list: the store is not available\n");
            rc = 1;
            break;
        }
        for (int i = 0; i < c.n; i++) {
            printf("%s\t%s\t%s\t", c.list[i].id, c.list[i].user_id, c.list[i].name);
            print_time(c.list[i].created_at);
            putchar('\t');
            print_time(c.list[i].expires_at);
            putchar('\n');
        }
        if (c.n < 200) break;
    }
    hy_arena_free(c.a);
    hy_db_close(db);
    return rc;
}

static int token_revoke_tx(hy_store *s, void *ctx) {
    struct token_ctx *c = ctx;
    int64_t now = hy_clock_now();
    int r;
    if (c->id) {
        char owner[HY_ID_LEN + 1];
        r = s->ops->token_revoke(s, c->id, NULL, owner);
        if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
        c->n = 1;
        char ref[HY_TOKEN_AUDIT_ID + 1];
        snprintf(ref, sizeof ref, "%s", c->id);
        return s->ops->audit_insert(s, now, NULL, "api_token_revoked", owner, ref);
    }
    if ((r = s->ops->user_by_login(s, c->login, c->a, &c->u)) <= 0) return r < 0 ? r : HY_DB_NONE;
    if ((c->n = s->ops->token_revoke_user(s, c->u.id)) < 0) return c->n;
    char detail[24];
    snprintf(detail, sizeof detail, "%d", c->n);
    return s->ops->audit_insert(s, now, NULL, "api_tokens_revoked", c->u.id, detail);
}

static int token_revoke(int argc, char **argv) {
    struct hy_settings st;
    hy_settings_defaults(&st);
    const char *user = NULL, *cc = "98";
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL", "store (default sqlite:hamyari.db)"},
        {"user", NULL, HY_OPT_STRING, &user, "LOGIN", "revoke every token of this account"},
        {"calling-code", "HAMYARI_CALLING_CODE", HY_OPT_STRING, &cc, "DIGITS",
         "for phones without one (default 98)"},
    };
    char **args = NULL;
    int nargs = 0;
    int r = hy_opts_parse("hamyari token revoke ID | --user LOGIN",
                          "Revokes one API token by its id (from 'hamyari token list'), or every "
                          "token of an account. It stops working at once, in every process.",
                          opts, sizeof opts / sizeof opts[0], argc, argv, &args, &nargs);
    if (r) return r > 0 ? 0 : 2;
    if ((nargs == 1) == (user != NULL) || nargs > 1 || (nargs == 1 && !hy_id_valid(args[0]))) {
        fprintf(stderr, "hamyari token revoke: give one token id (32 hex digits) or --user LOGIN "
                        "(see --help)\n");
        return 2;
    }
    struct token_ctx c = {.a = hy_arena_new(0)};
    char login[256];
    if (user) c.login = cli_login(user, cc, login, sizeof login);
    else c.id = args[0];
    hy_db *db;
    int rc = 1;
    if (hy_cli_open_store(st.db, &db, NULL) == 0) {
        r = hy_db_run(db, HY_TX_WRITE, token_revoke_tx, &c);
        hy_db_close(db);
        if (r == HY_DB_ABORT) fprintf(stderr, "hamyari token revoke: no token %s\n", c.id);
        else if (r == HY_DB_NONE) fprintf(stderr, "hamyari token revoke: no account '%s'\n", user);
        else if (r < 0) fprintf(stderr, "hamyari token revoke: the store refused the change\n");
        else {
            printf("revoked %d token(s)\n", c.n);
            rc = 0;
        }
    }
    hy_arena_free(c.a);
    return rc;
}

int hy_cmd_token(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "create")) return token_create(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "list")) return token_list(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "revoke")) return token_revoke(argc - 1, argv + 1);
    FILE *out = (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) ? stdout : stderr;
    fprintf(out, "Usage: hamyari token create|list|revoke [OPTIONS]\n\n"
                 "API tokens for scripts (Authorization: Bearer TOKEN).\n"
                 "  create   make a token for an account (see 'hamyari token create --help')\n"
                 "  list     list tokens: id, account, name, dates (see 'hamyari token list --help')\n"
                 "  revoke   revoke one token or all of an account's (see 'hamyari token revoke --help')\n");
    return out == stdout ? 0 : 2;
}
