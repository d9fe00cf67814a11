/* export.c — `hamyari export KIND`: data out of the store, to standard output, in the shape
 * `hamyari import KIND` takes back. Each kind adds one line to the table below. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
    const char *kind;
    int (*run)(const char *db, const char *format, const char *status, bool bom);
    const char *usage, *summary;
} exports[] = {
    {"library", hy_export_library,
     "hamyari export library [--db URL] [--format json|csv] [--status published|draft|any] [--bom]",
     "Writes the library's documents (published ones unless --status says otherwise) to\n"
     "standard output as a JSON array (default) or CSV, in the shape 'hamyari import library'\n"
     "takes. CSV text cells that a spreadsheet would run as a formula get a leading apostrophe,\n"
     "which the import removes again; --bom starts the CSV with a UTF-8 byte-order mark so that\n"
     "spreadsheets show Persian text."},
};

int hy_cmd_export(int argc, char **argv) {
    const size_t n = sizeof exports / sizeof exports[0];
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *out = argc < 2 ? stderr : stdout;
        fprintf(out, "Usage: hamyari export KIND [OPTIONS]\n\nKinds:\n");
        for (size_t i = 0; i < n; i++) fprintf(out, "  %s\n", exports[i].usage);
        fprintf(out, "\nRun 'hamyari export KIND --help' for details.\n");
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(argv[1], exports[i].kind)) continue;
        struct hy_settings st;
        hy_settings_defaults(&st);
        const char *format = "json", *status = NULL;
        bool bom = false;
        struct hy_opt opts[] = {
            {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL",
             "store: sqlite:PATH or postgres://... (default sqlite:hamyari.db)"},
            {"format", NULL, HY_OPT_STRING, &format, "json|csv", "output format (default json)"},
            {"status", NULL, HY_OPT_STRING, &status, "STATUS",
             "which documents: published (default), draft, in_review or any"},
            {"bom", NULL, HY_OPT_FLAG, &bom, NULL,
             "CSV: start with a UTF-8 byte-order mark (for spreadsheets)"},
        };
        char **args;
        int nargs;
        int r = hy_opts_parse(exports[i].usage, exports[i].summary, opts,
                              sizeof opts / sizeof opts[0], argc - 1, argv + 1, &args, &nargs);
        if (r) return r > 0 ? 0 : 2;
        if (nargs != 0) {
            fprintf(stderr, "hamyari export %s: takes no FILE; it writes to standard output\n",
                    exports[i].kind);
            return 2;
        }
        if (bom && strcmp(format, "csv")) {
            fprintf(stderr, "hamyari export %s: --bom goes with --format csv\n", exports[i].kind);
            return 2;
        }
        return exports[i].run(st.db, format, status, bom);
    }
    fprintf(stderr, "hamyari export: unknown kind '%s' (library)\n", argv[1]);
    return 2;
}
