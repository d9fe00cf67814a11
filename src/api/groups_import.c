/* groups_import.c — coordinators import mutual-aid groups from a CSV or GeoJSON file.
 *
 *   POST /api/v1/groups/import[?dry_run=true]   the file as the body (text/csv, or
 *        application/geo+json / application/json); at most 2 MiB and 2,000 rows, 60 calls
 *        (dry runs included) per account per hour.
 *
 * Every row is checked as `hamyari import groups` checks it (app/group_import.h). A file with
 * any bad row is 422 `invalid_group_file` with the rows and fields at fault, and nothing is
 * stored; a dry run only checks and counts. Imported groups are pending: they wait in the
 * review queue (/pending-groups) like groups people submit, so a second pair of eyes sees a
 * file before its groups are public. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "app/group_import.h"
#include "http/parse.h"
#include "http/session.h"
#include "util/clock.h"
#include "util/jsonw.h"

#define IMPORT_BYTES_MAX ((size_t)2 * 1024 * 1024)
#define IMPORT_ROWS_MAX 2000
#define IMPORT_CALLS_PER_HOUR 60

static hy_result reply_refused(hy_req *req, const struct hy_group_import *gi) {
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_puts(&b, "{\"error\":{\"code\":\"invalid_group_file\",\"message\":");
    hy_jw_string(&b, hy_arena_printf(req->arena,
                                     "The file has %ld row%s with problems; nothing was imported.",
                                     gi->bad, gi->bad == 1 ? "" : "s"));
    hy_buf_printf(&b, ",\"error_count\":%ld,\"errors\":[", gi->bad);
    for (size_t i = 0; i < gi->nproblems; i++) {
        const struct hy_group_import_problem *p = &gi->problems[i];
        if (i) hy_buf_putc(&b, ',');
        hy_buf_printf(&b, "{\"row\":%ld,\"field\":", p->row);
        if (p->field) hy_jw_string(&b, p->field);
        else hy_buf_puts(&b, "null");
        hy_buf_puts(&b, ",\"message\":");
        hy_jw_string(&b, p->problem);
        hy_buf_putc(&b, '}');
    }
    hy_buf_puts(&b, "]}}");
    return hy_reply_json_buf(req, 422, &b);
}

hy_result hy_api_import_groups(hy_req *req) {
    hy_req_principal(req);
    const char *dry = hy_req_query(req, "dry_run");
    bool dry_run = false;
    if (dry && *dry) {
        if (!strcmp(dry, "true") || !strcmp(dry, "1")) dry_run = true;
        else if (strcmp(dry, "false") && strcmp(dry, "0"))
            return hy_reply_error(req, HY_E_INVALID_QUERY, "dry_run must be true or false.",
                                  "dry_run");
    }
    const char *ct = hy_req_header(req, "Content-Type");
    if (!hy_media_type_is(ct, "text/csv") && !hy_media_type_is(ct, "application/geo+json") &&
        !hy_media_type_is(ct, "application/json"))
        return hy_reply_error(req, HY_E_UNSUPPORTED_MEDIA_TYPE,
                              "Send the file as text/csv or application/geo+json.", NULL);
    if (req->body.len > IMPORT_BYTES_MAX)
        return hy_reply_error(req, HY_E_PAYLOAD_TOO_LARGE, "The file is larger than 2 MiB.", NULL);
    if (req->body.len == 0) return hy_reply_error(req, HY_E_BAD_REQUEST, "The file is empty.", NULL);
    char key[96];
    snprintf(key, sizeof key, "groupimport:acct:%s", req->who->user_id);
    hy_result res;
    if (!hy_rate_allow(req, key, IMPORT_CALLS_PER_HOUR, 3600, &res)) return res;

    struct hy_group_import *gi = hy_arena_zalloc(req->arena, sizeof *gi);
    if (!gi) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    gi->data = req->body.data;
    gi->len = req->body.len;
    gi->row_max = IMPORT_ROWS_MAX;
    gi->status = "pending";
    gi->dry_run = dry_run;
    gi->now = hy_clock_now();
    gi->actor_id = hy_req_actor(req);
    int r = hy_group_import_mem(req->srv->db, gi, req->arena);
    if (r == HY_GROUP_IMPORT_REFUSED) return reply_refused(req, gi);
    if (r == HY_GROUP_IMPORT_NOMEM) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, dry_run ? 200 : 201,
                         json_pack("{s:b,s:s,s:I,s:I,s:s}", "dry_run", dry_run, "format",
                                   gi->geojson ? "geojson" : "csv", "rows", (json_int_t)gi->rows,
                                   "imported", (json_int_t)gi->imported, "status", "pending"));
}
