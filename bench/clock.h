/* clock.h — the clocks of the in-process benchmarks (the C files of bench/): wall time, the calling
 * thread's CPU time (unlike the wall clock, not inflated when the shared machine runs something
 * else meanwhile) and an ascending order of doubles for percentiles. Header-only: each
 * benchmark is one file. */
#ifndef HY_BENCH_CLOCK_H
#define HY_BENCH_CLOCK_H

#include <time.h>

static inline double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline double cpu_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#endif
