#include "http/headwatch.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "http/http.h"
#include "util/log.h"

/* How often the thread looks at the deadlines: at most this late past one. */
#define TICK_US 200000u

/* One connection. deadline_us is 0 while a request's head is complete (until it ends). */
struct slot {
    struct slot *prev, *next;
    struct hy_headwatch *w;
    int fd;
    _Atomic uint64_t deadline_us;
    bool shut;
};

struct hy_headwatch {
    uint64_t timeout_us;
    pthread_mutex_t lock; /* the list, and every shutdown() */
    pthread_cond_t wake;
    struct slot *head;
    bool stop;
    bool running;
    pthread_t thread;
    _Atomic uint64_t closed;
};

static void *watch_main(void *arg) {
    struct hy_headwatch *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        uint64_t now = hy_now_us();
        for (struct slot *s = w->head; s; s = s->next) {
            uint64_t d = atomic_load(&s->deadline_us);
            if (d == 0 || now < d || s->shut) continue;
            /* Registered, so libmicrohttpd has not closed the socket yet. */
            if (shutdown(s->fd, SHUT_RDWR) == 0 || errno == ENOTCONN) {
                s->shut = true;
                atomic_fetch_add(&w->closed, 1);
                hy_debug("closed a connection that sent no complete request head within "
                         "--header-timeout");
            }
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += (long)TICK_US * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->wake, &w->lock, &ts);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int hy_headwatch_start(unsigned timeout_s, struct hy_headwatch **ret) {
    if (timeout_s == 0) return -EINVAL;
    struct hy_headwatch *w = calloc(1, sizeof *w);
    if (!w) return -ENOMEM;
    w->timeout_us = (uint64_t)timeout_s * 1000000u;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int r = pthread_cond_init(&w->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (r) {
        free(w);
        return -r;
    }
    pthread_mutex_init(&w->lock, NULL);
    r = pthread_create(&w->thread, NULL, watch_main, w);
    if (r) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return -r;
    }
    w->running = true;
    *ret = w;
    return 0;
}

void hy_headwatch_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                         enum MHD_ConnectionNotificationCode code) {
    struct hy_headwatch *w = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = NULL;
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct slot *s = ci ? calloc(1, sizeof *s) : NULL;
        if (!s) {
            hy_warn("a connection without a request-head deadline (out of memory)");
            return;
        }
        s->w = w;
        s->fd = ci->connect_fd;
        atomic_init(&s->deadline_us, hy_now_us() + w->timeout_us);
        pthread_mutex_lock(&w->lock);
        s->next = w->head;
        if (w->head) w->head->prev = s;
        w->head = s;
        pthread_mutex_unlock(&w->lock);
        *socket_context = s;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        struct slot *s = *socket_context;
        if (!s) return;
        pthread_mutex_lock(&w->lock);
        if (s->prev) s->prev->next = s->next;
        else w->head = s->next;
        if (s->next) s->next->prev = s->prev;
        pthread_mutex_unlock(&w->lock);
        free(s);
        *socket_context = NULL;
    }
}

static struct slot *slot_of(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void hy_headwatch_head_done(struct MHD_Connection *c) {
    struct slot *s = slot_of(c);
    if (s) atomic_store(&s->deadline_us, 0);
}

void hy_headwatch_request_done(struct MHD_Connection *c) {
    struct slot *s = slot_of(c);
    if (s) atomic_store(&s->deadline_us, hy_now_us() + s->w->timeout_us);
}

uint64_t hy_headwatch_stop(struct hy_headwatch *w) {
    if (!w) return 0;
    if (w->running) {
        pthread_mutex_lock(&w->lock);
        w->stop = true;
        pthread_cond_signal(&w->wake);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
        w->running = false;
    }
    return atomic_load(&w->closed);
}

struct hy_headwatch *hy_headwatch_free(struct hy_headwatch *w) {
    if (!w) return NULL;
    hy_headwatch_stop(w);
    /* The daemon has stopped and told the watch of every connection it closed. */
    while (w->head) {
        struct slot *s = w->head;
        w->head = s->next;
        free(s);
    }
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
    return NULL;
}
