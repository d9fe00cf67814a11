/* tiles.c — GET /tiles/{z}/{x}/{y}[.ext]: a tile from the operator's MBTiles file. */
#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/tiles.h"

static bool parse_uint(const char *s, unsigned max, unsigned *ret, bool allow_ext) {
    char *end;
    if (!s || *s < '0' || *s > '9') return false;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || v > max) return false;
    if (*end && !(allow_ext && *end == '.' && strlen(end) <= 5)) return false;
    *ret = (unsigned)v;
    return true;
}

hy_result hy_api_get_tile(hy_req *req) {
    unsigned z, x, y;
    if (!req->srv->tiles) return hy_reply_error(req, HY_E_NOT_FOUND, "No tiles are configured.", NULL);
    if (!parse_uint(req->args[0], 24, &z, false) || !parse_uint(req->args[1], 0xffffff, &x, false) ||
        !parse_uint(req->args[2], 0xffffff, &y, true))
        return hy_reply_error(req, HY_E_NOT_FOUND, NULL, NULL);
    void *data = NULL;
    size_t len = 0;
    int r = hy_tiles_get(req->srv->tiles, z, x, y, &data, &len);
    if (r < 0) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    if (r == 0) return hy_reply_error(req, HY_E_NOT_FOUND, "No such tile.", NULL);
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(len, data, free);
    if (!resp) {
        free(data);
        return MHD_NO;
    }
    const char *mime = hy_tiles_mime(req->srv->tiles);
    MHD_add_response_header(resp, "Content-Type", mime);
    /* Vector tiles in MBTiles are stored gzip-compressed. */
    if (strcmp(mime, "application/x-protobuf") == 0 && len > 2 &&
        ((unsigned char *)data)[0] == 0x1f && ((unsigned char *)data)[1] == 0x8b)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    MHD_add_response_header(resp, "Cache-Control", "public, max-age=86400");
    hy_http_security_headers(req->srv, resp);
    hy_result res = hy_reply_response(req, 200, resp, len);
    MHD_destroy_response(resp);
    return res;
}
