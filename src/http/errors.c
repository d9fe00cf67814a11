#include "http/errors.h"

static const struct {
    const char *code;
    unsigned status;
    const char *message;
} error_table[HY_E__COUNT] = {
#define ERR_ROW(id, c, s, m) [HY_E_##id] = {c, s, m},
    HY_ERRORS(ERR_ROW)
#undef ERR_ROW
};

const char *hy_error_code(enum hy_error e) {
    return (unsigned)e < HY_E__COUNT ? error_table[e].code : "internal";
}
unsigned hy_error_status(enum hy_error e) {
    return (unsigned)e < HY_E__COUNT ? error_table[e].status : 500;
}
const char *hy_error_message(enum hy_error e) {
    return (unsigned)e < HY_E__COUNT ? error_table[e].message : "internal error";
}
