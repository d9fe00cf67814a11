/* opts.c — one parser for every sub-command's flags, environment variables and --help. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/auth.h"

static int set_value(const struct hy_opt *o, const char *value, const char *from) {
    char *end;
    switch (o->type) {
    case HY_OPT_STRING:
        *(const char **)o->ptr = value;
        return 0;
    case HY_OPT_UINT: {
        errno = 0;
        unsigned long v = strtoul(value, &end, 10);
        if (!*value || *end || errno || v > 1000000000ul || value[0] == '-') break;
        *(unsigned *)o->ptr = (unsigned)v;
        return 0;
    }
    case HY_OPT_SIZE: {
        errno = 0;
        unsigned long long v = strtoull(value, &end, 10);
        if (!*value || errno || value[0] == '-') break;
        unsigned long long mul = 1;
        if (*end == 'k' || *end == 'K') mul = 1024, end++;
        else if (*end == 'm' || *end == 'M') mul = 1024 * 1024, end++;
        else if (*end == 'g' || *end == 'G') mul = 1024ull * 1024 * 1024, end++;
        if (*end == 'i' || *end == 'B') end++;
        if (*end == 'B') end++;
        if (*end || v > (1ull << 40) / mul) break;
        *(size_t *)o->ptr = (size_t)(v * mul);
        return 0;
    }
    case HY_OPT_BOOL:
    case HY_OPT_FLAG:
        if (!strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "yes") ||
            !strcmp(value, "on")) {
            *(bool *)o->ptr = true;
            return 0;
        }
        if (!strcmp(value, "0") || !strcmp(value, "false") || !strcmp(value, "no") ||
            !strcmp(value, "off")) {
            *(bool *)o->ptr = false;
            return 0;
        }
        break;
    case HY_OPT_LIST: {
        struct hy_opt_list *l = o->ptr;
        if (o->env && from == o->env) { /* "URL URL …" from the environment */
            size_t n = strlen(value);
            if (n >= sizeof l->env) break;
            memcpy(l->env, value, n + 1);
            l->n = 0;
            l->from_env = true;
            for (char *p = l->env; *p;) {
                p += strspn(p, " \t\n");
                if (!*p) break;
                if (l->n == HY_OPT_LIST_MAX) goto too_many;
                l->v[l->n++] = p;
                p += strcspn(p, " \t\n");
                if (*p) *p++ = '\0';
            }
            return 0;
        }
        if (l->from_env) l->n = 0, l->from_env = false; /* the flag replaces the environment */
        if (!*value) break;
        if (l->n == HY_OPT_LIST_MAX) goto too_many;
        l->v[l->n++] = value;
        return 0;
    too_many:
        fprintf(stderr, "hamyari: %s: at most %d values for %s\n", from, HY_OPT_LIST_MAX, o->name);
        return -1;
    }
    }
    fprintf(stderr, "hamyari: %s: '%s' is not a valid value for %s\n", from, value, o->name);
    return -1;
}

static void print_help(const char *usage, const char *summary, const struct hy_opt *opts,
                     size_t nopts) {
    printf("Usage: %s\n\n%s\n\nOptions:\n", usage, summary);
    for (size_t i = 0; i < nopts; i++) {
        char left[64];
        if (opts[i].type == HY_OPT_FLAG)
            snprintf(left, sizeof left, "--%s", opts[i].name);
        else
            snprintf(left, sizeof left, "--%s %s", opts[i].name, opts[i].metavar ? opts[i].metavar : "VALUE");
        printf("  %-28s %s", left, opts[i].help);
        if (opts[i].env) printf(" [env %s]", opts[i].env);
        printf("\n");
    }
    printf("  %-28s %s\n", "--help", "show this help and exit");
    printf("\nA flag overrides its environment variable, which overrides the default.\n");
}

int hy_opts_parse(const char *usage, const char *summary, struct hy_opt *opts, size_t nopts,
                  int argc, char **argv, char ***ret_args, int *ret_nargs) {
    for (size_t i = 0; i < nopts; i++) {
        const char *v = opts[i].env ? getenv(opts[i].env) : NULL;
        if (v && *v && set_value(&opts[i], v, opts[i].env) < 0) return -1;
    }
    int nargs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            print_help(usage, summary, opts, nopts);
            return 1;
        }
        if (!strcmp(a, "--")) {
            for (i++; i < argc; i++) argv[1 + nargs++] = argv[i];
            break;
        }
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            argv[1 + nargs++] = argv[i];
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const struct hy_opt *o = NULL;
        for (size_t k = 0; k < nopts; k++)
            if (strlen(opts[k].name) == nlen && !strncmp(opts[k].name, name, nlen)) o = &opts[k];
        if (!o) {
            fprintf(stderr, "hamyari: unknown option '%s' (see --help)\n", a);
            return -1;
        }
        const char *value;
        if (o->type == HY_OPT_FLAG && !eq) {
            value = "1";
        } else if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            fprintf(stderr, "hamyari: %s needs a value (see --help)\n", a);
            return -1;
        }
        if (set_value(o, value, a) < 0) return -1;
    }
    if (ret_args) *ret_args = argv + 1;
    if (ret_nargs) *ret_nargs = nargs;
    else if (nargs) {
        fprintf(stderr, "hamyari: unexpected argument '%s' (see --help)\n", argv[1]);
        return -1;
    }
    return 0;
}

void hy_settings_defaults(struct hy_settings *s) {
    memset(s, 0, sizeof *s);
    s->db = "sqlite:hamyari.db";
    s->server.listen = "127.0.0.1:8080";
    s->server.web_dir = "web";
    s->server.threads = 0;
    s->server.body_max = 1024 * 1024;
    s->server.library_cache = 8 * 1024 * 1024;
    s->server.dataset_cache = 16 * 1024 * 1024;
    s->server.conn_timeout = 30;
    s->server.header_timeout = 10;
    s->server.per_ip_limit = 256;
    s->server.max_connections = 4096;
    s->server.shutdown_timeout = 10;
    s->server.access_log = true;
    s->server.session_idle = 30 * 60;
    s->server.session_max = 12 * 60 * 60;
    s->server.token_max_days = HY_TOKEN_MAX_DAYS;
    s->server.calling_code = "98";
    s->server.region_country = NULL; /* from the calling code */
    s->server.password_list = "data/common-passwords.txt";
    s->server.max_hashes = 0;
    s->server.rate_login_account = 100;
    s->server.hash_queue = 64;
    s->server.login_delay_after = 5;
    s->server.login_delay_max = 900;
    s->server.rate_login_ip = 300;
    s->server.rate_form_ip = 30;
    s->server.rate_track_ip = 60;
    s->server.rate_track_code = 10;
    s->server.max_open_claims = 3;
    s->server.claim_cycles_per_hour = 4;
    s->server.board_posts_per_day = 10;
    s->server.board_messages_per_hour = 30;
}
