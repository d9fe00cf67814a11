/* offload.c — slow CPU work (Argon2id hashing) off the HTTP threads.
 *
 * A handler suspends its request (hy_req_defer) and queues a job; one of a few worker threads
 * runs it and wakes the request, whose answer is then given on a server thread. The queue is
 * bounded: when it is full the request is answered 503 busy at once, so a flood of password
 * guesses costs a fixed amount of memory and never holds a server thread.
 *
 * For tests only, HAMYARI_TEST_HASH_GATE may name a folder holding two FIFOs: before each job a
 * worker writes one byte to `started` and then waits for one byte from `go`. A test thus knows
 * how many jobs are running and decides when they may finish, without depending on speed. */
#include "http/offload.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/log.h"

#define BUSY_RETRY_AFTER "5"

struct job {
    hy_req *req;
    hy_work_fn work;
    void *ctx;
};

struct hy_offload {
    pthread_mutex_t mu;
    pthread_cond_t ready;
    struct job *ring;
    size_t cap, head, count;
    pthread_t *threads;
    unsigned nthreads;
    bool stopping;
    unsigned long long done, refused;
    int gate_started, gate_go; /* the test gate's FIFOs, or -1 */
};

static void gate_open(struct hy_offload *o) {
    o->gate_started = o->gate_go = -1;
    const char *dir = getenv("HAMYARI_TEST_HASH_GATE");
    if (!dir || !*dir) return;
    char path[PATH_MAX];
    /* Opened for reading and writing, so neither open waits for the other end. */
    snprintf(path, sizeof path, "%s/started", dir);
    o->gate_started = open(path, O_RDWR | O_CLOEXEC);
    snprintf(path, sizeof path, "%s/go", dir);
    o->gate_go = open(path, O_RDWR | O_CLOEXEC);
    if (o->gate_started < 0 || o->gate_go < 0) {
        hy_error("HAMYARI_TEST_HASH_GATE: cannot open the FIFOs in %s", dir);
        abort();
    }
    hy_warn("HAMYARI_TEST_HASH_GATE is set: hashing jobs wait for a test (never in production)");
}

static void gate_pass(struct hy_offload *o) {
    if (o->gate_go < 0) return;
    char c = 'j';
    while (write(o->gate_started, &c, 1) < 0 && errno == EINTR) {}
    while (read(o->gate_go, &c, 1) < 0 && errno == EINTR) {}
}

static void *worker(void *arg) {
    struct hy_offload *o = arg;
    pthread_mutex_lock(&o->mu);
    for (;;) {
        while (!o->count && !o->stopping) pthread_cond_wait(&o->ready, &o->mu);
        if (!o->count) break; /* stopping, and nothing left to run */
        struct job j = o->ring[o->head];
        o->head = (o->head + 1) % o->cap;
        o->count--;
        pthread_mutex_unlock(&o->mu);
        gate_pass(o);
        j.work(j.ctx);
        hy_req_wake(j.req); /* the request is not ours any more */
        pthread_mutex_lock(&o->mu);
        o->done++;
    }
    pthread_mutex_unlock(&o->mu);
    return NULL;
}

struct hy_offload *hy_offload_start(unsigned threads, unsigned queue) {
    struct hy_offload *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->cap = queue ? queue : 1;
    o->ring = calloc(o->cap, sizeof *o->ring);
    o->threads = calloc(threads ? threads : 1, sizeof *o->threads);
    if (!o->ring || !o->threads) goto fail;
    pthread_mutex_init(&o->mu, NULL);
    pthread_cond_init(&o->ready, NULL);
    gate_open(o);
    for (unsigned i = 0; i < (threads ? threads : 1); i++) {
        if (pthread_create(&o->threads[i], NULL, worker, o) != 0) {
            hy_offload_stop(o);
            hy_offload_free(o);
            return NULL;
        }
        o->nthreads++;
    }
    return o;
fail:
    free(o->ring);
    free(o->threads);
    free(o);
    return NULL;
}

void hy_offload_stop(struct hy_offload *o) {
    if (!o || !o->threads) return;
    pthread_mutex_lock(&o->mu);
    o->stopping = true;
    pthread_cond_broadcast(&o->ready);
    size_t left = o->count;
    pthread_mutex_unlock(&o->mu);
    if (o->gate_go >= 0) { /* let every job through the test gate */
        char c = 'j';
        for (size_t i = 0; i < left + o->nthreads; i++)
            if (write(o->gate_go, &c, 1) < 0) break;
    }
    for (unsigned i = 0; i < o->nthreads; i++) pthread_join(o->threads[i], NULL);
    if (o->done || o->refused)
        hy_info("password hashing: %llu jobs run off the HTTP threads, %llu refused (queue full)",
                o->done, o->refused);
    free(o->threads);
    o->threads = NULL;
    o->nthreads = 0;
}

void hy_offload_free(struct hy_offload *o) {
    if (!o) return;
    hy_offload_stop(o);
    if (o->gate_started >= 0) close(o->gate_started);
    if (o->gate_go >= 0) close(o->gate_go);
    pthread_cond_destroy(&o->ready);
    pthread_mutex_destroy(&o->mu);
    free(o->ring);
    free(o);
}

hy_result hy_req_offload(hy_req *req, hy_work_fn work, hy_then_fn then, void *ctx) {
    struct hy_offload *o = req->srv->offload;
    if (!o) { /* no pool (stopping): run it here */
        work(ctx);
        return then(req, ctx);
    }
    pthread_mutex_lock(&o->mu);
    if (o->stopping || o->count == o->cap) {
        o->refused++;
        pthread_mutex_unlock(&o->mu);
        /* Retry-After only advises: refused (and logged), the answer is still 503. */
        (void)hy_req_add_header(req, "Retry-After", BUSY_RETRY_AFTER);
        return hy_reply_error(req, HY_E_BUSY, NULL, NULL);
    }
    /* Suspended before the job is visible to a worker, which may wake it at once. */
    hy_result res = hy_req_defer(req, then, ctx);
    o->ring[(o->head + o->count) % o->cap] = (struct job){req, work, ctx};
    o->count++;
    pthread_cond_signal(&o->ready);
    pthread_mutex_unlock(&o->mu);
    return res;
}
