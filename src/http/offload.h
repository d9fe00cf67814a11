/* offload.h — the server's pool for slow CPU work (password hashing), which server.c starts
 * and stops; handlers use it through hy_req_offload() (http.h). */
#ifndef HY_OFFLOAD_H
#define HY_OFFLOAD_H

#include "http/http.h"

/* Starts `threads` worker threads with a queue of `queue` waiting jobs. NULL when out of
 * memory or threads. */
struct hy_offload *hy_offload_start(unsigned threads, unsigned queue);
/* Runs every job still queued (waking its request) and stops the threads; jobs offered
 * afterwards are refused (503 busy). */
void hy_offload_stop(struct hy_offload *o);
/* Frees `o` (stopping it first if need be), once no server thread can offer a job. */
void hy_offload_free(struct hy_offload *o);

#endif
