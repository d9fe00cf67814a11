/* cli.h — the command line: sub-commands and the settings they share.
 *
 * Every setting has a flag and an environment variable; precedence is
 *   command-line flag  >  environment variable  >  built-in default.
 * Each sub-command takes the settings it names and prints them with --help. */
#ifndef HY_CLI_H
#define HY_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/server.h"

enum hy_opt_type { HY_OPT_STRING, HY_OPT_UINT, HY_OPT_SIZE, HY_OPT_BOOL, HY_OPT_FLAG, HY_OPT_LIST };

/* HY_OPT_LIST: a repeatable flag (ptr is a struct hy_opt_list *). Its environment variable
 * holds the values separated by spaces; any use of the flag replaces the environment's. */
#define HY_OPT_LIST_MAX 8
struct hy_opt_list {
    const char *v[HY_OPT_LIST_MAX];
    size_t n;
    bool from_env;
    char env[2048]; /* the environment's values, split in place */
};

struct hy_opt {
    const char *name;    /* long flag without "--" */
    const char *env;     /* environment variable, or NULL */
    enum hy_opt_type type;
    void *ptr;           /* const char **, unsigned *, size_t *, bool *, struct hy_opt_list * */
    const char *metavar; /* "URL", "N" … */
    const char *help;
};

/* Fills the options from the environment, then from argv (argv[0] is the sub-command).
 * Positional arguments are returned through ret_args/ret_nargs (pointers into argv).
 * Returns 0, 1 when --help was printed, or -1 after printing an error. */
int hy_opts_parse(const char *usage, const char *summary, struct hy_opt *opts, size_t nopts,
                  int argc, char **argv, char ***ret_args, int *ret_nargs);

struct hy_settings {
    const char *db;
    struct hy_server_config server;
    bool demo;
    bool verbose;
};

/* Built-in defaults for everything. */
void hy_settings_defaults(struct hy_settings *s);

int hy_cmd_serve(int argc, char **argv);
int hy_cmd_migrate(int argc, char **argv);
int hy_cmd_routes(int argc, char **argv);
int hy_cmd_user(int argc, char **argv);
int hy_cmd_token(int argc, char **argv);
int hy_cmd_import(int argc, char **argv);
int hy_cmd_export(int argc, char **argv);
int hy_cmd_backup(int argc, char **argv);  /* backup.c */
int hy_cmd_restore(int argc, char **argv);
int hy_cmd_purge(int argc, char **argv);   /* jobs.c */
int hy_cmd_outbox(int argc, char **argv);

/* Opens the store at `url` and migrates it, logging what happens. Returns 0 or -1. */
int hy_cli_open_store(const char *url, hy_db **ret_db, int *ret_version);
/* Loads the demo data into an empty store, once. Returns 0, 1 when `demo remove` removed it
 * (it is not loaded again), or -1 on failure. */
int hy_demo_load(hy_db *db);
/* `hamyari demo remove`: removes the demo data (demo.c). */
int hy_cmd_demo(int argc, char **argv);
/* The demo datasets (demo_datasets.c): synthetic daily admissions. 0 or -1 (logged). */
int hy_demo_datasets(hy_db *db);
/* The demo mutual-aid groups (demo_groups.c), inside the demo loader's transaction. */
int hy_demo_groups(hy_store *s);
/* Demo help requests for `serve --demo` (demo_requests.c), inside the same transaction. */
int hy_demo_requests(hy_store *s);
/* Demo organisations and needs for skills matching (demo_skills.c). */
int hy_demo_skills(hy_store *s);
/* Demo posts of the neighbour-help board (demo_board.c), inside the same transaction. */
int hy_demo_board(hy_store *s);

/* The knowledge library: export_library.c (its import is a kind of import.h),
 * library_seed.c, library_demo.c. */
int hy_export_library(const char *db_url, const char *format, const char *status, bool bom);
/* Loads the starter communities, guides and answers once, into an empty library. 0 or -1. */
int hy_library_seed(hy_db *db);
/* The starter answers to frequently asked questions (library_faq.c), Persian and English. */
struct hy_seed_faq {
    const char *themes;
    const char *title_fa, *summary_fa, *body_fa;
    const char *title_en, *summary_en, *body_en;
};
extern const struct hy_seed_faq hy_seed_faqs[];
extern const size_t hy_seed_faqs_count;
struct hy_lib_doc;
/* Fills demo document number i (deterministic; strings in the arena). 0 or -1. */
int hy_library_demo_doc(hy_arena *a, size_t i, int64_t now, struct hy_lib_doc *d);
/* Inserts demo documents 0..n-1 (with revisions) inside the caller's transaction. */
int hy_library_demo_docs(hy_store *s, size_t n, int64_t now);
/* Demo official news (with their institutions) and fact checks, in Persian and English
 * (news_demo.c). HY_DB_* status. */
int hy_news_demo(hy_store *s, int64_t now);
/* The demo's challenge with ideas in both languages (challenges_demo.c). */
int hy_challenges_demo(hy_store *s, int64_t now);

#endif
