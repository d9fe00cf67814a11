/* headwatch.h — a deadline for the whole request head.
 *
 * libmicrohttpd's connection timeout is an idle timeout: it restarts with every byte, so a
 * client that sends its head a byte at a time keeps its connection (and a slot of the
 * per-address and total limits) for as long as it likes. The watch gives every connection a
 * deadline for the head of its next request: from the connection's start, and on a kept-alive
 * connection from the end of the previous answer. Once the head is complete (the first call of
 * the access handler) the request has no such deadline; its body and answer keep the idle
 * timeout. A thread looks at the deadlines a few times a second and shuts down the socket of
 * every connection past its deadline; libmicrohttpd then sees the end of the stream and closes
 * the connection the usual way (nothing is answered, as nginx does on client_header_timeout).
 *
 * Connections are registered through libmicrohttpd's connection notifications
 * (hy_headwatch_notify as MHD_OPTION_NOTIFY_CONNECTION, the watch as its closure); a socket is
 * shut down only while its connection is registered, and libmicrohttpd closes a socket only
 * after telling the watch, so a socket number reused by a newer connection is never touched. */
#ifndef HY_HEADWATCH_H
#define HY_HEADWATCH_H

#include <microhttpd.h>
#include <stdint.h>

struct hy_headwatch;

/* Starts the watch thread for a deadline of timeout_s seconds (> 0). 0 or a negative errno. */
int hy_headwatch_start(unsigned timeout_s, struct hy_headwatch **ret);

/* MHD_OPTION_NOTIFY_CONNECTION callback; cls is the watch. */
void hy_headwatch_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                         enum MHD_ConnectionNotificationCode code);

/* The head of the connection's current request is complete: no deadline until it ends. */
void hy_headwatch_head_done(struct MHD_Connection *c);

/* The connection's request ended; the head of its next one (if any) is due by the deadline. */
void hy_headwatch_request_done(struct MHD_Connection *c);

/* Stops the thread (before the daemon closes its connections) and returns how many
 * connections it closed. The watch itself is freed by hy_headwatch_free(), after the daemon
 * stopped. NULL is fine for both. */
uint64_t hy_headwatch_stop(struct hy_headwatch *w);
struct hy_headwatch *hy_headwatch_free(struct hy_headwatch *w);

#endif
