#include "http/errors.h"

static const struct {
    const char *code;
    unsigned status;
    const char *message;
} hy__errors[HY_E__COUNT] = {
#define HY__ERR_ROW(id, c, s, m) [HY_E_##id] = {c, s, m},
    HY_ERRORS(HY__ERR_ROW)
#undef HY__ERR_ROW
};

const char *hy_error_code(enum hy_error e) {
    return (unsigned)e < HY_E__COUNT ? hy__errors[e].code : "internal";
}
unsigned hy_error_status(enum hy_error e) {
    return (unsigned)e < HY_E__COUNT ? hy__errors[e].status : 500;
}
const char *hy_error_message(enum hy_error e) {
    return (unsigned)e < HY_E__COUNT ? hy__errors[e].message : "internal error";
}
