/* audit.h — the security audit log, written inside the caller's transaction.
 *
 * An entry names who acted (a user id, or NULL for the system or an anonymous caller), what
 * was done, and the record acted on; its detail never holds personal data. */
#ifndef HY_STORE_AUDIT_H
#define HY_STORE_AUDIT_H

#include "store/store.h"

/* Appends an entry stamped with the current time. A store status. */
int hy_audit(hy_store *s, const char *actor_id, const char *action, const char *subject_id,
             const char *detail);

#endif
