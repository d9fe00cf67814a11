/* routes_cmd.c — `hamyari routes`: print the route table as JSON (for tests and docs). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

int hy_cmd_routes(int argc, char **argv) {
    int r = hy_opts_parse("hamyari routes",
                          "Prints every HTTP route as a JSON array of {method, path, access, "
                          "body, summary}.",
                          NULL, 0, argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    json_t *arr = json_array();
    for (size_t i = 0; i < hy_routes_count; i++) {
        const struct hy_route *rt = &hy_routes[i];
        const char *body = (rt->flags & HY_ROUTE_FORM)   ? "json+form"
                           : (rt->flags & HY_ROUTE_JSON) ? "json"
                           : (rt->flags & HY_ROUTE_RAW)  ? "raw"
                                                         : "none";
        json_array_append_new(arr, json_pack("{s:s,s:s,s:i,s:s,s:s}", "method",
                                             hy_method_name(rt->method), "path", rt->pattern,
                                             "access", (int)rt->access, "body", body, "summary",
                                             rt->summary ? rt->summary : ""));
    }
    char *text = json_dumps(arr, JSON_INDENT(2));
    json_decref(arr);
    if (!text) return 1;
    puts(text);
    free(text);
    return 0;
}
