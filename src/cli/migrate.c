/* migrate.c — `hamyari migrate`: bring the store's schema up to date and exit. */
#include <stdio.h>

#include "cli/cli.h"
#include "util/log.h"

int hy_cmd_migrate(int argc, char **argv) {
    struct hy_settings s;
    hy_settings_defaults(&s);
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &s.db, "URL",
         "store: sqlite:PATH or postgres://... (default sqlite:hamyari.db)"},
    };
    int r = hy_opts_parse("hamyari migrate [--db URL]",
                          "Applies every pending schema migration to the store, then prints the "
                          "schema version.\nSafe to run while servers are running and from "
                          "several machines at once.",
                          opts, 1, argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    hy_db *db = NULL;
    int version = 0;
    if (hy_cli_open_store(s.db, &db, &version) < 0) return 1;
    printf("schema version %d (%s)\n", version, hy_db_backend(db));
    hy_db_close(db);
    return 0;
}
