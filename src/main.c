/* main.c — `hamyari`: one program, several sub-commands. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/forecast.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"serve", hy_cmd_serve, "serve the API and the web front-end over HTTP"},
    {"migrate", hy_cmd_migrate, "bring the store's schema up to date"},
    {"user", hy_cmd_user, "add or list accounts (bootstrap the first admin)"},
    {"token", hy_cmd_token, "create an API token for scripts"},
    {"purge", hy_cmd_purge, "erase personal data past the retention period"},
    {"outbox", hy_cmd_outbox, "deliver or inspect queued notifications"},
    {"export", hy_cmd_export, "write the library's documents to standard output (JSON or CSV)"},
    {"import", hy_cmd_import, "import groups, places (GeoNames), postcodes or library documents from a file"},
    {"backup", hy_cmd_backup, "copy a SQLite store while the server runs (online backup)"},
    {"restore", hy_cmd_restore, "put a backup back into a SQLite store, then migrate it"},
    {"routes", hy_cmd_routes, "print the HTTP route table as JSON"},
    {"demo", hy_cmd_demo, "remove the demo data (demo remove)"},
    {"forecast", hy_cmd_forecast, "forecast hospital admissions and census (CHIME's model)"},
};

static void usage(FILE *out) {
    fprintf(out,
            "Usage: hamyari COMMAND [OPTIONS]\n\n"
            "Hamyari (همیاری, \"mutual aid\") helps a community organise help in a crisis.\n\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\nRun 'hamyari COMMAND --help' for a command's options.\n"
                 "  --help     show this help\n  --version  print the version\n");
}

int main(int argc, char **argv) {
    /* Every file this program creates (the store with its -wal and -shm, backups, restored
     * stores, keys) can hold personal data: readable by its owner only, whatever the umask.
     * Files written with an explicit mode (a public key) set it themselves. */
    umask(077);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("hamyari %s\n", HY_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "hamyari: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}
