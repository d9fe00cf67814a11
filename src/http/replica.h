/* replica.h — which store a request's reads go to: the primary or a read replica. */
#ifndef HY_REPLICA_H
#define HY_REPLICA_H

#include "http/http.h"
#include "store/store.h"

/* The store a request's read-only queries should go to: a read replica (round-robin per
 * thread, skipping one whose read failed in the last HY_REPLICA_PAUSE_S seconds) for an
 * anonymous GET or HEAD, else the primary (srv->db): signed-in callers read their own writes.
 * A failed read on the replica is run again on the primary (hy_db_set_fallback()); writes
 * through the returned db go to the primary. Public read endpoints use this instead of
 * req->srv->db. */
hy_db *hy_req_read_db(hy_req *req);
#define HY_REPLICA_PAUSE_S 30

#endif
