/* routes_cmd.c — `hamyari routes`: print the route table as JSON (for tests and docs). */
#include <stdio.h>

#include "api/routes.h"
#include "cli/cli.h"

int hy_cmd_routes(int argc, char **argv) {
    int r = hy_opts_parse("hamyari routes",
                          "Prints every HTTP route as a JSON array of {method, path, access, "
                          "body, summary}.",
                          NULL, 0, argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    return hy_routes_print(stdout) < 0 ? 1 : 0;
}
