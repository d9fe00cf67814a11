/* audit.c — the security audit log (audit.h). */
#include "store/audit.h"

#include "util/clock.h"

int hy_audit(hy_store *s, const char *actor_id, const char *action, const char *subject_id,
             const char *detail) {
    return s->ops->audit_insert(s, hy_clock_now(), actor_id, action, subject_id, detail);
}
